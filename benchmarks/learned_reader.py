"""Experiment: how much better do stance and colour read with the learned reader, on briefs it never learned from?

Leave-one-set-out over the blind development sets of tests/corpus: each set is read by a reader trained
(benchmarks/train_reader.py) on every other development brief, with the playbook's own policy
(playbook.diagnosis: the learned stance stands where the brief has enough words, the reader is sure
enough and the rules did not rule it out; the colour stack reads the colour of a brief with enough
words). Printed per set: the rules alone, the word model alone (its most probable stance; its colour, a
mix where the second has half the first's probability) and both as the playbook reads. The learned side is clean under this scheme; the
rules were tuned on the first fifteen sets, so only the later sets (``FRESH``) are clean for them. The
colour stack's own training here is nested: the word model's readings it learns from are out of fold
within the other sets.

    .venv/bin/python benchmarks/learned_reader.py                # the sets in FRESH, some five minutes each
    .venv/bin/python benchmarks/learned_reader.py --all          # every blind set
    .venv/bin/python benchmarks/learned_reader.py --extra F ...  # trained on all dev, scores YAML files

Only the ``dev`` split is trained on; ``--extra`` prints aggregates only, never a brief.
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
from playbook.yamlio import load_yaml_file  # noqa: E402
from tests.corpus import BLIND, Labelled, briefs, labelled  # noqa: E402

FRESH = BLIND[15:]
"""The blind sets written after the rules' last round of tuning: clean for the rules too."""


Counts = tuple[int, ...]
"""Agreeing briefs: the stance by the rules alone, the word model alone, both as the playbook reads; the
same three for the colour (both: the colour stack)."""


def score(items: list[Labelled], reader: learned.Reader) -> Counts:
    """How many stances and colours agree with the labels, read each way."""
    bank, alone = diagnosis.default_bank(), diagnosis.rules_alone()
    shipped = learned.load_reader
    learned.load_reader = lambda: reader  # the diagnosis reads with this set's reader
    ratio = learned.Stack(train_reader.COLOUR_CLASSES, {}, (0.0,) * len(train_reader.COLOUR_CLASSES), 0.5)
    try:
        counts = [0] * 6
        for b in items:
            rules, both = diagnosis.diagnose(b.session, alone), diagnosis.diagnose(b.session, bank)
            words = learned.read_learned(diagnosis.read_session_brief(b.session), reader)
            colour = words["colour"].probabilities
            said = frozenset(ratio.decide(colour)) - {"unclear"}
            for k, agrees in enumerate(
                (
                    rules.stance.value == b.stance,
                    words["stance"].ranked()[0] == b.stance,
                    both.stance.value == b.stance,
                    frozenset(rules.colour.colours) == b.colour,
                    said == b.colour,
                    frozenset(both.colour.colours) == b.colour,
                )
            ):
                counts[k] += agrees
    finally:
        learned.load_reader = shipped
    return tuple(counts)


def line(name: str, n: int, counts: Counts) -> str:
    p = [100 * c / n for c in counts]
    return (
        f"{name:16s} n={n:3d}  stance: rules {p[0]:5.1f} %  learned {p[1]:5.1f} %  both {p[2]:5.1f} %"
        f"  | colour: rules {p[3]:5.1f} %  words {p[4]:5.1f} %  stack {p[5]:5.1f} %"
    )


def loso(marks: tuple[str, ...]) -> None:
    dev = [b for b in briefs() if b.split == "dev"]
    totals = {"all": [0] * 7, "fresh": [0] * 7}
    for mark in marks:
        test = [b for b in dev if mark in b.id]
        counts = score(test, train_reader.trained_reader([b for b in dev if mark not in b.id]))
        print(line(mark, len(test), counts), flush=True)
        for key in ("all", "fresh") if mark in FRESH else ("all",):
            totals[key] = [a + b for a, b in zip(totals[key], (len(test), *counts), strict=True)]
    for key, (n, *counts) in totals.items():
        if n:
            print(line(f"sets, {key}", n, tuple(counts)))


def load_extra(path: str) -> list[Labelled]:
    """Briefs from a YAML file of the corpus's shape (only read to score them, never shown)."""
    data, _ = load_yaml_file(Path(path))
    return [labelled(item, "extra") for item in data["briefs"]]


def extra(paths: list[str]) -> None:
    reader = train_reader.trained_reader([b for b in briefs() if b.split == "dev"])
    for path in paths:
        items = load_extra(path)
        print(line(Path(path).name[:16], len(items), score(items, reader)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extra", nargs="+", help="YAML files of briefs in the corpus's shape (aggregates only)")
    ap.add_argument("--all", action="store_true", help="every blind set, not only those clean for the rules")
    args = ap.parse_args()
    if args.extra:
        extra(args.extra)
    else:
        loso(BLIND if args.all else FRESH)


if __name__ == "__main__":
    main()
