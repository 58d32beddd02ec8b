"""Experiment: how much better does the stance read with the learned reader, on briefs it never learned from?

Leave-one-set-out over the blind development sets of tests/corpus: each set is read by a reader trained
(benchmarks/train_reader.py) on every other development brief, with the playbook's own policy
(playbook.diagnosis: the learned stance stands where the brief has enough words, the reader is sure
enough and the rules did not rule it out). Printed per set: the rules alone, the learned reader alone
(its most probable stance), and both as the playbook reads. The learned side is clean under this scheme;
the rules were tuned on the first fifteen sets, so only the later sets (``FRESH``) are clean for them.

    .venv/bin/python benchmarks/learned_reader.py                # the table, about four minutes
    .venv/bin/python benchmarks/learned_reader.py --extra F ...  # trained on all dev, scores YAML files

Only the ``dev`` split is trained on; ``--extra`` prints aggregates only, never a brief. A colour model of
the same kind was tried the same way and left out: on the 240 briefs of the later sets it changed 28
colours, 15 for the better and 12 for the worse, most of them a mix against one of its colours.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import train_reader  # noqa: E402

from playbook import diagnosis, learned  # noqa: E402
from playbook.session import Brief, Session  # noqa: E402
from playbook.yamlio import load_yaml_file  # noqa: E402
from tests.corpus import BLIND, Labelled, briefs  # noqa: E402

FRESH = BLIND[15:]
"""The blind sets written after the rules' last round of tuning: clean for the rules too."""


def score(items: list[Labelled], reader: learned.Reader) -> tuple[int, int, int]:
    """How many stances agree with the labels: rules alone, the learned reader alone, both."""
    bank, alone = diagnosis.default_bank(), diagnosis.rules_alone()
    shipped = learned.load_reader
    learned.load_reader = lambda: reader  # the diagnosis reads with this set's reader
    try:
        rules = model = both = 0
        for b in items:
            rules += diagnosis.diagnose(b.session, alone).stance.value == b.stance
            both += diagnosis.diagnose(b.session, bank).stance.value == b.stance
            brief = diagnosis.read_session_brief(b.session)
            model += learned.read_learned(brief, reader)["stance"].ranked()[0] == b.stance
    finally:
        learned.load_reader = shipped
    return rules, model, both


def line(name: str, n: int, counts: tuple[int, int, int]) -> str:
    rules, model, both = (100 * c / n for c in counts)
    return f"{name:16s} n={n:3d}  rules {rules:5.1f} %  learned {model:5.1f} %  both {both:5.1f} %"


def loso() -> None:
    dev = [b for b in briefs() if b.split == "dev"]
    totals = {"all": [0, 0, 0, 0], "fresh": [0, 0, 0, 0]}
    for mark in BLIND:
        test = [b for b in dev if mark in b.id]
        counts = score(test, train_reader.trained_reader([b for b in dev if mark not in b.id]))
        print(line(mark, len(test), counts), flush=True)
        for key in ("all", "fresh") if mark in FRESH else ("all",):
            totals[key] = [a + b for a, b in zip(totals[key], (len(test), *counts), strict=True)]
    for key, (n, *counts) in totals.items():
        print(line(f"sets, {key}", n, tuple(counts)))  # type: ignore[arg-type]


def load_extra(path: str) -> list[Labelled]:
    """Briefs from a YAML file of the corpus's shape (only read to score them, never shown)."""
    data, _ = load_yaml_file(Path(path))
    out = []
    for item in data["briefs"]:
        brief = Brief(
            wish=item["wish"], visible_result=item["visible_result"] or "", context=item["context"] or ""
        )
        session = Session(title=item["id"], language=item["lang"], brief=brief)
        out.append(
            Labelled(item["id"], item["lang"], "extra", session, frozenset(), item["stance"], frozenset())
        )
    return out


def extra(paths: list[str]) -> None:
    reader = train_reader.trained_reader([b for b in briefs() if b.split == "dev"])
    for path in paths:
        items = load_extra(path)
        print(line(Path(path).name[:16], len(items), score(items, reader)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extra", nargs="+", help="YAML files of briefs in the corpus's shape (aggregates only)")
    args = ap.parse_args()
    if args.extra:
        extra(args.extra)
    else:
        loso()


if __name__ == "__main__":
    main()
