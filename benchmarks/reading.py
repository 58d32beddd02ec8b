"""Reading the brief (part of `make bench`): agreement with the labelled corpus, and diagnose() time.

Agreement is printed per label for the development part, the held-out part and the unseen part of
tests/corpus: the held-out and unseen briefs were never looked at while the reader was improved. For the
unseen briefs also how often a reading the playbook is sure of (confidence ≥ 90) agrees. diagnose() is timed twice: with the
brief already read (a widget redraw) and with the brief read afresh (the facilitator just typed it).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus import GOALS, UNSEEN_FIRST, UNSEEN_LATER, agreement  # noqa: E402

PARTS = (
    ("dev", False, "dev"),
    ("dev", "-blind-", "dev, first blind set"),
    ("dev", "-final-", "dev, second blind set"),
    ("dev", "-third-", "dev, third blind set"),
    ("dev", "-fourth-", "dev, fourth blind set"),
    ("dev", "-fifth-", "dev, fifth blind set"),
    ("dev", "-sixth-", "dev, sixth blind set"),
    ("dev", "-seventh-", "dev, seventh blind set"),
    ("dev", "-eighth-", "dev, eighth blind set"),
    ("dev", "-ninth-", "dev, ninth blind set"),
    ("dev", "-tenth-", "dev, tenth blind set"),
    ("dev", "-eleventh-", "dev, eleventh blind set"),
    ("dev", "-twelfth-", "dev, twelfth blind set"),
    ("dev", "-thirteenth-", "dev, thirteenth blind set"),
    ("dev", "-fourteenth-", "dev, fourteenth blind set"),
    ("dev", "-fifteenth-", "dev, fifteenth blind set"),
    ("dev", "-eighteenth-", "dev, eighteenth blind set"),
    ("dev", "-nineteenth-", "dev, nineteenth blind set"),
    ("dev", "-twentyfourth-", "dev, twenty-fourth blind set"),
    ("dev", "-twentyfifth-", "dev, twenty-fifth blind set"),
    ("dev", "-twentysixth-", "dev, twenty-sixth blind set"),
    ("dev", "-twentyseventh-", "dev, twenty-seventh blind set"),
    ("dev", "-twentyeighth-", "dev, twenty-eighth blind set"),
    ("dev", "-twentyninth-", "dev, twenty-ninth blind set"),
    ("dev", "-thirtieth-", "dev, thirtieth blind set"),
    ("dev", "-thirtyfirst-", "dev, thirty-first blind set"),
    ("dev", "-thirtysecond-", "dev, thirty-second blind set"),
    ("dev", "-thirtythird-", "dev, thirty-third blind set"),
    ("dev", "-thirtyfourth-", "dev, thirty-fourth blind set"),
    ("dev", "-thirtyfifth-", "dev, thirty-fifth blind set"),
    ("dev", "-thirtysixth-", "dev, thirty-sixth blind set"),
    ("dev", "-thirtyseventh-", "dev, thirty-seventh blind set"),
    ("dev", "-thirtyeighth-", "dev, thirty-eighth blind set"),
    ("dev", "-thirtyninth-", "dev, thirty-ninth blind set"),
    ("dev", "-fortieth-", "dev, fortieth blind set"),
    ("dev", "-fortyfirst-", "dev, forty-first blind set"),
    ("dev", "-fortysecond-", "dev, forty-second blind set"),
    ("dev", "-fortythird-", "dev, forty-third blind set"),
    ("dev", "-fortyfourth-", "dev, forty-fourth blind set"),
    ("dev", "-fortyfifth-", "dev, forty-fifth blind set"),
    ("held-out", None, "held-out"),
    ("unseen", None, "unseen: twelve sets written blind after the last round"),
    ("unseen", UNSEEN_FIRST, "unseen: the six sets written before the colour stack"),
    ("unseen", UNSEEN_LATER, "unseen: the six sets written after the colour stack"),
)
"""What is reported: the development briefs the cues were first written against, the sets an annotator
wrote blind afterwards, the held-out briefs, and the sets written after the reader's last round of work,
which no one has read to improve it: the honest figure for a brief the reader has never seen. The learned
reader (stance; the colour stack) is trained on every development brief, so its readings there are a fit,
not a forecast; the held-out and unseen briefs it never learned from (benchmarks/learned_reader.py reads
each blind set with a reader trained without it)."""


def reading_rows() -> list[tuple[str, str, str]]:
    rows = []
    for split, blind, name in PARTS:
        a = agreement(split, blind)
        for label in ("colour", "stance", "intents"):
            value = getattr(a, label)
            rows.append(
                (
                    f"reading agreement, {label} ({name}, {a.count} briefs)",
                    f"{100 * value:.0f} %",
                    f"goal ≥ {100 * GOALS[label]:.0f} %" + (" ✓" if value >= GOALS[label] else " ✗"),
                )
            )
        rows.append(
            (
                f"reading agreement, whole intent sets ({name})",
                f"{100 * a.intent_sets:.0f} %",
                "every intent right",
            )
        )
    rows += _rules_alone_rows()
    rows += _sure_rows()
    rows += _timing_rows()
    return rows


def _rules_alone_rows() -> list[tuple[str, str, str]]:
    """Stance and colour without the learned reader, where it never learned from the briefs: what it adds."""
    from playbook.diagnosis import diagnose, rules_alone
    from tests.corpus import briefs

    alone = rules_alone()
    rows = []
    for split in ("held-out", "unseen"):
        items = [b for b in briefs() if b.split == split]
        read = [(b, diagnose(b.session, alone)) for b in items]
        agree = {
            "stance": sum(p.stance.value == b.stance for b, p in read),
            "colour": sum(frozenset(p.colour.colours) == b.colour for b, p in read),
        }
        rows += [
            (
                f"reading agreement, {label} by the rules alone ({split}, {len(items)} briefs)",
                f"{100 * n / len(items):.0f} %",
                "without the learned reader, which the row of this part above includes",
            )
            for label, n in agree.items()
        ]
    return rows


SURE = 90
"""The confidence from which a reading says it is sure: how often it is then right on unseen briefs is
what a facilitator can take from the number beside it."""


def _sure_rows() -> list[tuple[str, str, str]]:
    from playbook.diagnosis import diagnose
    from tests.corpus import briefs

    right: dict[str, list[bool]] = {"stance": [], "colour": []}
    unseen = [b for b in briefs() if b.split == "unseen"]
    for b in unseen:
        p = diagnose(b.session)
        if p.stance.reading.confidence >= SURE:
            right["stance"].append(p.stance.value == b.stance)
        if p.colour.reading.confidence >= SURE:
            right["colour"].append(frozenset(p.colour.colours) == b.colour)
    return [
        (
            f"reading agreement, {label} read with confidence ≥ {SURE} (unseen)",
            f"{100 * sum(r) / len(r):.0f} %" if r else "none",
            f"{len(r)} of {len(unseen)} briefs read this sure",
        )
        for label, r in right.items()
    ]


def _timing_rows() -> list[tuple[str, str, str]]:
    import playbook.reading as reading
    from playbook.diagnosis import diagnose
    from playbook.session import load_session
    from playbook.workspace import examples

    rows = []
    kept = reading._kept_reading
    reading._kept_reading = lambda key: None  # read afresh is read, not recalled from the object cache
    try:
        for path in examples().values():
            session = load_session(path)
            diagnose(session)
            warm = []
            cold = []
            for _ in range(50):
                start = time.perf_counter()
                diagnose(session)
                warm.append(time.perf_counter() - start)
                reading._READ.clear()  # the brief read afresh, as after typing in it
                start = time.perf_counter()
                diagnose(session)
                cold.append(time.perf_counter() - start)
            rows.append(
                (
                    f"diagnose() {path.name.removesuffix('.session.yaml')}",
                    f"{statistics.median(cold) * 1000:.1f} ms",
                    f"brief read afresh, median of 50; {statistics.median(warm) * 1000:.1f} ms when already read; goal ≤ 10 ms",
                )
            )
    finally:
        reading._kept_reading = kept
    return rows


if __name__ == "__main__":
    for row in reading_rows():
        print("  ".join(row))
    if "--misses" in sys.argv:  # the development briefs only: held-out misses are not for tuning
        print("\ndev:")
        for miss in agreement("dev").misses:
            print(f"  {miss}")
