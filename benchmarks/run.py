"""`make bench`: the figures the issues ask for, measured in one run and printed as one table.

Speed is measured here and never asserted in tests: a shared CI machine makes timed tests flaky,
while a table of medians from one run makes ratios comparable.
"""

from __future__ import annotations

import copy
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from playbook.catalogue import load_catalogue
from playbook.paths import catalogue_dir
from playbook.yamlio import dump_yaml, load_yaml_file

IMPORT_RUNS = 7
SEARCH_QUERIES = [
    "stemmen",
    "silent",
    "vertrouwen conflict",
    "pairs",
    "één",
    "xyzzy",
    "visible result",
    "kring",
]


def _import_seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(IMPORT_RUNS)
    ]
    return statistics.median(runs)


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _synthetic_catalogue(folder: Path, count: int) -> None:
    """``count`` valid entries derived from a real one, with varied words so search has work to do."""
    base, _ = load_yaml_file(catalogue_dir() / "1-2-4-all.yaml")
    words = ["vertrouwen", "conflict", "kring", "energie", "besluit", "ideeën", "stilte", "team"]
    for n in range(count):
        entry = copy.deepcopy(base)
        entry["id"] = f"synthetic-{n:05d}"
        entry["name"] = {"en": f"Synthetic form {n}", "nl": f"Kunstmatige werkvorm {n}"}
        entry["summary"]["nl"] += f" {words[n % len(words)]} {words[(n * 7) % len(words)]}"
        entry["good_before"] = [f"synthetic-{(n + 1) % count:05d}"]
        entry["good_after"] = []
        (folder / f"{entry['id']}.yaml").write_text(dump_yaml(entry), encoding="utf-8")


def _ranking_rows(big) -> list[tuple[str, str, str]]:
    """Ranking a catalogue of 10,000 for the example session (top 10 with their reasons)."""
    from playbook.diagnosis import diagnose
    from playbook.recommend import rank
    from playbook.session import load_session
    from playbook.workspace import examples

    session = load_session(next(iter(examples().values())))
    profile = diagnose(session)
    rank(session, big, profile, limit=10)  # warm the per-intervention features once, as a kernel would
    ms = _median_ms(lambda: rank(session, big, profile, limit=10), 15)
    return [(f"rank {len(big):,} interventions for a session", f"{ms:.1f} ms", "median of 15; goal ≤ 50 ms")]


def _handout_rows() -> list[tuple[str, str, str]]:
    """One handout in process against `jupyter nbconvert --execute` of the same notebook; a batch of 100."""
    import re

    import nbformat

    from playbook.catalogue import load_catalogue
    from playbook.handout import export_html, handout_html, handout_notebook
    from playbook.session import load_session
    from playbook.workspace import examples

    catalogue = load_catalogue()
    session = load_session(next(iter(examples().values())))
    handout_html(session, catalogue, "facilitator")  # import nbconvert and build the exporter once
    ours = _median_ms(lambda: handout_html(session, catalogue, "facilitator"), 5) / 1000
    page = handout_html(session, catalogue, "facilitator")
    text_only = len(re.sub(r"data:[^\"')\s]+", "", page).encode())
    rows = [
        (
            "handout (facilitator) in process",
            f"{ours * 1000:.0f} ms",
            f"{len(page.encode()) / 1024:.0f} KB, {text_only / 1024:.0f} KB without images (goal ≤ 120)",
        )
    ]
    with tempfile.TemporaryDirectory() as tmp:
        nb_path = Path(tmp) / "handout.ipynb"
        nbformat.write(handout_notebook(session, catalogue, "facilitator"), nb_path)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute", str(nb_path)],
            check=True, capture_output=True,
        )  # fmt: skip
        theirs = time.perf_counter() - start
        size = (Path(tmp) / "handout.html").stat().st_size
        rows.append(
            (
                "jupyter nbconvert --to html --execute, same notebook",
                f"{theirs * 1000:.0f} ms",
                f"{size / 1024:.0f} KB; ours is {ours / theirs:.2f}× the time (goal ≤ 0.25)",
            )
        )
        start = time.perf_counter()
        for n in range(100):
            copy = session.with_changes(title=f"{session.title} {n}")
            export_html(
                handout_notebook(copy, catalogue, "participants"), title=copy.title, lang=copy.language
            )
        batch = time.perf_counter() - start
        rows.append(("batch: 100 participant handouts", f"{batch:.1f} s", f"{batch * 10:.0f} ms each"))
    return rows


def _load() -> str:
    """The machine's load as the figure was taken: a click on a busy machine waits for a core."""
    import os

    return f"load {os.getloadavg()[0]:.1f}"


def _widget_rows() -> list[tuple[str, str, str]]:
    """Notebook 01: one answer changed in the widget -> saved, new profile, redrawn chart(s)."""
    import os

    from playbook.ui import DiagnosisPanel, SessionBinding
    from playbook.workspace import copy_example

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PLAYBOOK_WORKSPACE"] = tmp
        panel = DiagnosisPanel(SessionBinding.open(copy_example()))
        toggle = panel.questions["trust-rely"]
        times = []
        for n in range(50):
            start = time.perf_counter()
            toggle.value = 1 + n % 5  # each change moves the trust score, so the iceberg is redrawn
            times.append(time.perf_counter() - start)
        rows.append(
            (
                "diagnosis widget change → save, profile, chart",
                f"{statistics.median(times) * 1000:.0f} ms",
                f"median of 50; goal ≤ 50 ms idle, ≤ 100 ms busy; {_load()}",
            )
        )
        from playbook.charts import MEMO

        times = []
        MEMO.keep = False  # nor found in the chart cache, where the rows above kept it
        for n in range(30):
            MEMO.clear()  # every chart drawn as if its profile were new: the worst case of a click
            start = time.perf_counter()
            toggle.value = 1 + n % 5
            times.append(time.perf_counter() - start)
        MEMO.keep = True
        rows.append(
            (
                "  the same, no chart remembered (each a new picture)",
                f"{statistics.median(times) * 1000:.0f} ms",
                f"median of 30; {_load()}",
            )
        )
        from playbook.ui import Picker

        picker = Picker(panel.binding)
        roles = [None, "open", "diverge", "groan", "converge", "close", "energise"]
        times = []
        for n in range(50):
            start = time.perf_counter()
            picker.role.value = roles[n % len(roles)]
            times.append(time.perf_counter() - start)
        rows.append(
            (
                "picker filter change → rank, plan B, cards",
                f"{statistics.median(times) * 1000:.0f} ms",
                f"median of 50; goal ≤ 50 ms idle, ≤ 100 ms busy; {_load()}",
            )
        )
        from playbook.session import Block
        from playbook.ui import AgendaBuilder

        agenda = list(panel.binding.session.agenda)
        agenda += [Block(5, intervention="stand-up-if")] * (40 - len(agenda))
        panel.binding.update(agenda=tuple(agenda))
        builder = AgendaBuilder(SessionBinding.open(panel.binding.path))  # notebook 03 has its own binding
        times = []
        for n in range(30):
            start = time.perf_counter()
            builder.rows[n % 40].minutes.value = 6 + n % 4  # save, plan, findings, rows, table, arc
            times.append(time.perf_counter() - start)
        rows.append(
            (
                "agenda minute change, 40 blocks → plan, findings, arc",
                f"{statistics.median(times) * 1000:.0f} ms",
                f"median of 30; goal ≤ 50 ms idle, ≤ 100 ms busy; {_load()}",
            )
        )
        import datetime as dt

        from playbook.session import SessionFile
        from playbook.ui import LiveCompanion

        moment = [dt.datetime(2027, 1, 14, 13, 0)]
        companion = LiveCompanion(SessionFile.open(panel.binding.path), clock=lambda: moment[0], tick=False)
        companion.start_button.click()
        times = []
        for n in range(30):
            moment[0] += dt.timedelta(minutes=1)
            button = companion.longer_button if n % 2 else companion.shorter_button
            start = time.perf_counter()
            button.click()  # save, re-time the rest, findings, redraw the arc
            times.append(time.perf_counter() - start)
        rows.append(
            (
                "live action → save, re-timed agenda, findings, arc",
                f"{statistics.median(times) * 1000:.0f} ms",
                f"median of 30; goal ≤ 50 ms idle, ≤ 100 ms busy; {_load()}",
            )
        )
        session = panel.binding.session
        from playbook.diagnosis import diagnose

        rows.append(
            ("diagnose() alone", f"{_median_ms(lambda: diagnose(session), 50):.1f} ms", "median of 50")
        )
    return rows


def main() -> None:
    rows: list[tuple[str, str, str]] = []
    core = _import_seconds(
        "import playbook, playbook.session, playbook.catalogue, playbook.workspace, playbook.cli"
    )
    views = _import_seconds("import ipywidgets, matplotlib.pyplot")
    rows.append(("import playbook core (session, catalogue, cli)", f"{core * 1000:.0f} ms", "goal ≤ 100 ms"))
    rows.append(
        (
            "import ipywidgets, matplotlib.pyplot",
            f"{views * 1000:.0f} ms",
            f"core is {core / views:.2f}× this",
        )
    )

    from startup import startup_rows  # whole processes side by side: the CLI, the first cell (startup.py)

    rows += startup_rows()

    shipped = load_catalogue([])
    rows.append(
        (
            f"load shipped catalogue ({len(shipped)} entries)",
            f"{_median_ms(lambda: load_catalogue([]), 5):.0f} ms",
            "median of 5",
        )
    )

    with tempfile.TemporaryDirectory() as tmp:
        _synthetic_catalogue(Path(tmp), 10_000)
        start = time.perf_counter()
        big = load_catalogue([tmp], shipped=False)
        load_s = time.perf_counter() - start
        rows.append(
            (
                f"load + validate {len(big):,} synthetic entries",
                f"{load_s:.2f} s",
                f"{load_s / len(big) * 1e6:.0f} µs per entry",
            )
        )
        start = time.perf_counter()
        big.search("stemmen")
        rows.append(
            (
                "first search (builds the index)",
                f"{(time.perf_counter() - start) * 1000:.0f} ms",
                "",
            )
        )
        per_query = [_median_ms(lambda q=q: big.search(q), 5) for q in SEARCH_QUERIES]
        rows.append(
            (
                f"search over {len(big):,} entries",
                f"{statistics.median(per_query):.1f} ms",
                f"median of {len(SEARCH_QUERIES)} queries × 5",
            )
        )
        rows += _ranking_rows(big)
        rows.append(
            (
                "filter (role, setting, size) over 10,000",
                f"{_median_ms(lambda: big.filter(role='diverge', setting='online', group_size=40), 9):.1f} ms",
                "median of 9",
            )
        )

    from reading import reading_rows  # agreement with the labelled briefs; diagnose() time

    rows += reading_rows()
    from design import design_rows  # drafting a design: the shipped catalogue and 10,000 entries

    rows += design_rows()
    rows += _widget_rows()
    from durations import duration_rows  # the figures of time that fits the group

    rows += duration_rows()
    rows += _handout_rows()
    from room import room_rows  # 300 phones in the participation room (benchmarks/room.py)

    rows += room_rows()
    rows += __import__("outputs").output_rows()  # sizes, pages, heights, handout and PDF times
    from robustness import robustness_rows  # races, kill -9 and a 10,000-block agenda

    rows += robustness_rows()
    if "--no-servers" not in sys.argv:  # the app, the browser tests and the hub take a few minutes
        from apps import app_rows, test_rows

        rows += app_rows()
        rows += test_rows()

    width = max(len(r[0]) for r in rows)
    print(f"\n{'benchmark'.ljust(width)}  {'result':>10}  note")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 30}")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>10}  {note}")


if __name__ == "__main__":
    main()
