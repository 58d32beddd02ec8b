"""Drafting a design (part of `make bench`): a draft from the shipped catalogue and from 10,000 entries,
warm in a kernel and as a whole `playbook design` process from the shell.

The 10,000 entries copy the shipped work forms in turn (every role, layer, size and setting the catalogue
has), each under its own id, so the ranking and the designer have as many candidates per phase as a large
catalogue would give them.
"""

from __future__ import annotations

import copy
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from run import _median_ms

from playbook.catalogue import Catalogue, load_catalogue
from playbook.design import design
from playbook.diagnosis import diagnose
from playbook.paths import catalogue_dir, examples_dir
from playbook.session import load_session
from playbook.yamlio import dump_yaml, load_yaml_file

EXAMPLES = ("quarterly-retrospective", "samen-een-servicedesk")


def _varied_catalogue(folder: Path, count: int) -> None:
    """``count`` valid entries, the shipped ones in turn under new ids, so every role has candidates."""
    bases = [load_yaml_file(p)[0] for p in sorted(catalogue_dir().glob("*.yaml"))]
    for n in range(count):
        entry = copy.deepcopy(bases[n % len(bases)])
        entry["id"] = f"synthetic-{n:05d}"
        entry["name"] = {"en": f"{entry['name']['en']} {n}", "nl": f"{entry['name']['nl']} {n}"}
        entry["good_before"], entry["good_after"] = [], []
        (folder / f"{entry['id']}.yaml").write_text(dump_yaml(entry), encoding="utf-8")


def _drafts_ms(catalogue: Catalogue, repeat: int, alternatives: int = 0) -> float:
    """The median over both examples of one warm draft (the profile computed, as a kernel has it)."""
    sessions = [load_session(examples_dir() / f"{name}.session.yaml") for name in EXAMPLES]
    profiles = [diagnose(s) for s in sessions]
    for s, p in zip(sessions, profiles, strict=True):
        design(s, catalogue, profile=p, alternatives=alternatives)  # warm the per-form features once
    return statistics.median(
        _median_ms(lambda s=s, p=p: design(s, catalogue, profile=p, alternatives=alternatives), repeat)
        for s, p in zip(sessions, profiles, strict=True)
    )


def _process_ms(repeat: int) -> float:
    """`playbook design FILE --json` from the shell: start-up, catalogue, diagnosis, draft, output."""
    path = examples_dir() / f"{EXAMPLES[0]}.session.yaml"
    argv = [sys.executable, "-m", "playbook", "design", str(path), "--json", "--no-history"]
    return _median_ms(lambda: subprocess.run(argv, check=True, capture_output=True), repeat)


def design_rows() -> list[tuple[str, str, str]]:
    shipped = load_catalogue([])
    rows = [
        (
            f"design a draft, shipped catalogue ({len(shipped)} entries)",
            f"{_drafts_ms(shipped, 15):.0f} ms",
            "median of 15 per example, warm; goal ≤ 200 ms",
        ),
        (
            "design a draft with 2 alternatives, shipped catalogue",
            f"{_drafts_ms(shipped, 5, alternatives=2):.0f} ms",
            "median of 5 per example, warm",
        ),
        (
            "playbook design FILE --json, whole process",
            f"{_process_ms(5):.0f} ms",
            "median of 5, from the shell",
        ),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        _varied_catalogue(Path(tmp), 10_000)
        big = load_catalogue([tmp], shipped=False)
        rows.append(
            (
                f"design a draft, {len(big):,} entries",
                f"{_drafts_ms(big, 5):.0f} ms",
                "median of 5 per example, warm; goal ≤ 1 s",
            )
        )
    return rows


if __name__ == "__main__":
    for row in design_rows():
        print("  ".join(row))
