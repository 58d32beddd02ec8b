"""The figures of time that fits the group (part of `make bench`).

- Planning a 40-block agenda for 40 people: every block's range scaled to the group, its steps split,
  the checks run and the facilitator's own history applied; with the profile given (as the notebook's
  binding gives it) and, for comparison, with the diagnosis included.
- Reading the facilitator's history from the example workspace, the first time and again.
- Loading the shipped catalogue: in a fresh process (what `playbook ...` waits for), the first time in a
  process, and again in the same process with the files unchanged (what a notebook's second view waits
  for), and the scaled range of every entry at every size from 2 to 1000.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from run import _median_ms

from playbook import catalogue as catalogue_module
from playbook.agenda import plan
from playbook.calibrate import _READ, history
from playbook.catalogue import load_catalogue
from playbook.diagnosis import diagnose
from playbook.paths import examples_dir
from playbook.session import Block, Group, load_session
from playbook.workspace import examples

FORMS = (
    "check-in-round", "1-2-4-all", "affinity-clustering", "dot-voting", "world-cafe", "troika-consulting",
    "what-so-what-now-what", "fishbowl", "who-what-when", "check-out-round",
)  # fmt: skip
FRESH_RUNS = 5


def _fresh_process_ms() -> float:
    """Load the catalogue in a new interpreter, timed inside it (the import is measured elsewhere)."""
    code = (
        "import time; from playbook.catalogue import load_catalogue; t = time.perf_counter();"
        " load_catalogue([]); print(time.perf_counter() - t)"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(FRESH_RUNS)
    ]
    return statistics.median(runs) * 1000


def duration_rows() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    catalogue = load_catalogue([])
    session = load_session(next(iter(examples().values())))
    agenda = tuple(Block(10 + 5 * (n % 4), intervention=FORMS[n % len(FORMS)]) for n in range(40))
    big = session.with_changes(agenda=agenda, budget_minutes=1000, group=Group(40, "in-person"))
    past = history(examples_dir(), catalogue)
    profile = diagnose(big)
    plan(big, catalogue, profile, history=past)  # the scaled ranges are cached per form, as in a kernel
    ms = _median_ms(lambda: plan(big, catalogue, profile, history=past), 30)
    rows.append(
        ("plan 40 blocks for 40 people, scaled, with history", f"{ms:.1f} ms", "median of 30; goal ≤ 20 ms")
    )
    ms = _median_ms(lambda: plan(big, catalogue, history=past), 15)
    rows.append(("  the same, diagnosis included", f"{ms:.1f} ms", "median of 15"))

    _READ.clear()
    start = time.perf_counter()
    history(examples_dir(), catalogue)
    first = (time.perf_counter() - start) * 1000
    again = _median_ms(lambda: history(examples_dir(), catalogue), 15)
    runs = f"{len(past.runs)} blocks in {past.sessions} sessions"
    rows.append((f"history of the example workspace ({runs})", f"{first:.0f} ms", f"again: {again:.1f} ms"))

    rows.append(
        (
            f"load shipped catalogue ({len(catalogue)}) in a fresh process",
            f"{_fresh_process_ms():.0f} ms",
            f"median of {FRESH_RUNS}; the first load in a process",
        )
    )

    def cold() -> None:
        catalogue_module._LOADED.clear()
        load_catalogue([])

    rows.append(("  first load in a warm process", f"{_median_ms(cold, 5):.0f} ms", "median of 5"))
    again = _median_ms(lambda: load_catalogue([]), 15)
    rows.append(("  again, files unchanged", f"{again:.1f} ms", "median of 15"))

    def every_size() -> None:
        for item in load_catalogue([]):
            item.__dict__.pop("_scaled", None)
            for people in range(2, 1001):
                item.minutes_for(people)

    ms = _median_ms(every_size, 3)
    rows.append(
        ("scaled range of every entry, sizes 2-1000", f"{ms:.0f} ms", f"{len(catalogue) * 999:,} ranges")
    )
    return rows
