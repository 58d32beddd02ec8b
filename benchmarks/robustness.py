"""The figures of the session file's promises (part of `make bench`).

- Two processes saving the same session at the same moment, round after round (a barrier makes them
  meet): updates lost (the goal is none), edits merged, saves refused with "changed on disk"; among them
  the room writing its results while the live companion resizes a block and notes what it sees.
- A process killed with SIGKILL at random moments while it saves: files left broken (the goal is none).
- An agenda of 10,000 blocks: the facilitator's handout from the shell, and one edit in notebook 03's
  agenda builder (save, plan, rows, timeline, findings and arc), what the facilitator waits for.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_races import ROUNDS, kill_loop, make_session_file, race  # noqa: E402

BLOCKS = 10_000
KILLS = 200


def _race_rows() -> list[tuple[str, str, str]]:
    rows = []
    for kind, label in (
        ("own-fields", "each changes a field of its own"),
        ("same-field", "both change the title"),
        ("transaction", "both append with update()"),
        ("room-and-live", "the room's results and the live companion"),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            counts = race(make_session_file(Path(tmp)), kind, ROUNDS)
            seconds = time.perf_counter() - start
        rows.append(
            (
                f"race, {ROUNDS} rounds of 2 writers: {label}",
                f"{counts['lost']} lost",
                f"{counts['both landed']} rounds both landed, {counts['refused']} refused; {seconds:.1f} s",
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        counts = kill_loop(make_session_file(Path(tmp)), KILLS)
        seconds = time.perf_counter() - start
    rows.append(
        (
            f"kill -9 during saves, {KILLS} times",
            f"{counts['broken']} broken",
            f"{counts['saves landed']} saves landed between kills; next save {counts['seconds to save after']} s; {seconds:.0f} s",
        )
    )
    return rows


def _big_session(folder: Path) -> Path:
    from playbook.catalogue import load_catalogue
    from playbook.session import Block, SessionFile
    from playbook.workspace import examples

    ids = [i.id for i in load_catalogue()][:50]
    path = folder / "big.session.yaml"
    shutil.copyfile(next(iter(examples().values())), path)
    handle = SessionFile.open(path)
    agenda = tuple(
        Block(5, intervention=ids[n % len(ids)])
        if n % 7
        else Block(10, title=f"Own block {n}", role="diverge")
        for n in range(BLOCKS)
    )
    handle.save(handle.session.with_changes(agenda=agenda, budget_minutes=1440))
    return path


def _big_agenda_rows() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = _big_session(Path(tmp))
        out = Path(tmp) / "handout.html"
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}  # this run's own chart cache
        handouts = []
        for _ in range(2):  # first its arc drawn (matplotlib imported), then from the chart cache
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "playbook", "handout", str(path), "--audience", "facilitator",
                 "-o", str(out)],
                check=True, capture_output=True, env=env,
            )  # fmt: skip
            handouts.append(time.perf_counter() - start)
        size = out.stat().st_size / 2**20

        os.environ["PLAYBOOK_WORKSPACE"] = tmp
        from playbook.ui import AgendaBuilder, SessionBinding

        start = time.perf_counter()
        builder = AgendaBuilder(SessionBinding.open(path))
        opened = time.perf_counter() - start
        times = []
        for n in range(9):
            start = time.perf_counter()
            builder.rows[n].minutes.value = 6 + n % 3  # save, plan, rows, timeline, findings, arc
            times.append(time.perf_counter() - start)
    return [
        (
            f"handout (facilitator), {BLOCKS:,} blocks, whole process",
            f"{handouts[1]:.1f} s",
            f"{size:.0f} MB; goal: seconds; {handouts[0]:.1f} s the first time (its arc drawn); {_load()}",
        ),
        (f"notebook 03 opens {BLOCKS:,} blocks", f"{opened:.1f} s", "agenda builder, first page of rows"),
        (
            f"notebook 03 edit, {BLOCKS:,} blocks",
            f"{statistics.median(times) * 1000:.0f} ms",
            "median of 9 minute changes; goal < 1 s",
        ),
    ]


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def robustness_rows() -> list[tuple[str, str, str]]:
    return _race_rows() + _big_agenda_rows()


if __name__ == "__main__":  # python benchmarks/robustness.py [agenda]: these rows alone (agenda: the big one)
    for row in _big_agenda_rows() if "agenda" in sys.argv[1:] else robustness_rows():
        print(*row, sep="  |  ")
