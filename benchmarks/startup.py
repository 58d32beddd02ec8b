"""Whole processes, as people wait for them (part of `make bench`): the command line and the first cell.

Every figure is the wall time of a new process from the shell, measured side by side: the commands of one
comparison run in turns (A, B, A, B, ...), so a busy machine slows both alike and the ratio stays fair.

- `playbook handout`, `playbook plan` and `playbook diagnose` on the English example, against
  `jupyter nbconvert --execute --to html` of a notebook with one code cell (the smallest thing a
  notebook-based tool can do from the shell).
- The first cell of a notebook: `import playbook.ui`, the imports of notebooks 01 and 03, every view (what
  `from playbook.ui import *` loads), and notebook 03's code run whole (imports, session, agenda view with
  its arc), against `import ipywidgets, matplotlib.pyplot`.

The load average is printed with the rows: figures taken on a busy machine are slower than idle ones.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat

from playbook.paths import examples_dir

RUNS = 7
BIN = Path(sys.executable).parent
EXAMPLE = examples_dir() / "quarterly-retrospective.session.yaml"


NOTEBOOK_03 = (
    "from playbook.ui import AgendaBuilder, DesignPanel, SessionBinding\n"
    "session = SessionBinding.open(None)\nDesignPanel(session)\nAgendaBuilder(session)"
)
"""Notebook 03's code cells without a kernel: what its page computes before it shows anything."""


def _wall(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def side_by_side(
    commands: dict[str, Sequence[str]], cwd: Path, runs: int = RUNS, env: dict[str, str] | None = None
) -> dict[str, float]:
    """The median wall time of each command, the commands taking turns; one warm-up round first
    (it fills the file cache and the playbook's asset cache, as a second use of the tool finds them)."""
    for argv in commands.values():
        _wall(argv, cwd, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(_wall(argv, cwd, env))
    return {name: statistics.median(values) for name, values in times.items()}


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def startup_rows() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        nbformat.write(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), folder / "one.ipynb"
        )
        load_before = _load()
        cli = side_by_side(
            {
                "nbconvert": [str(BIN / "jupyter"), "nbconvert", "--execute", "--to", "html", "one.ipynb"],
                "handout": [str(BIN / "playbook"), "handout", str(EXAMPLE), "--audience", "facilitator",
                            "-o", "handout.html"],
                "plan": [str(BIN / "playbook"), "plan", str(EXAMPLE)],
                "diagnose": [str(BIN / "playbook"), "diagnose", str(EXAMPLE)],
            },
            folder,
        )  # fmt: skip
        cells = side_by_side(
            {
                "views": _python("import ipywidgets, matplotlib.pyplot"),
                "package": _python("import playbook.ui"),
                "ui": _python("from playbook.ui import *"),
                "01": _python(
                    "from playbook.ui import BriefForm, DiagnosisPanel, ReadingsPanel, SessionBinding"
                ),
                "03": _python("from playbook.ui import AgendaBuilder, DesignPanel, SessionBinding"),
                "03 run": _python(NOTEBOOK_03),
            },
            folder,
            env={**os.environ, "PLAYBOOK_WORKSPACE": str(folder / "sessions")},
        )
        load_after = _load()
    base, views = cli["nbconvert"], cells["views"]
    note = f"median of {RUNS}, side by side; {load_before} → {load_after.removeprefix('load ')}"
    rows = [("jupyter nbconvert --execute --to html, one cell", f"{base:.2f} s", note)]
    for name, goal in (
        ("handout", "ratio goal ≤ 0.25"),
        ("plan", "goal ≤ 0.3 s"),
        ("diagnose", "goal ≤ 0.3 s"),
    ):
        rows.append(
            (
                f"playbook {name}, whole process",
                f"{cli[name]:.2f} s",
                f"{cli[name] / base:.2f}× nbconvert; {goal}",
            )
        )
    rows.append(("python -c 'import ipywidgets, matplotlib.pyplot'", f"{views:.2f} s", note))
    for name, label, goal in (
        ("package", "import playbook.ui", "; goal ≤ 0.8 s"),
        ("01", "first cell of notebook 01 (imports)", "; goal ≤ 0.8 s"),
        ("03", "first cell of notebook 03 (imports)", "; goal ≤ 0.8 s"),
        ("ui", "from playbook.ui import * (every view)", ""),
        ("03 run", "notebook 03's code, no kernel", ""),
    ):
        rows.append((f"python -c: {label}", f"{cells[name]:.2f} s", f"{cells[name] / views:.2f}× that{goal}"))
    return rows


if __name__ == "__main__":  # the start-up rows alone: python benchmarks/startup.py
    for row in startup_rows():
        print(*row, sep="  |  ")
