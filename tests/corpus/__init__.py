"""The labelled corpus of client briefs (briefs.yaml) and how the playbook's readings agree with it.

Shared by tests/test_reading.py (agreement stays above the goals) and benchmarks/reading.py (the figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from playbook.diagnosis import diagnose, intent_ids
from playbook.session import Brief, Session
from playbook.yamlio import load_yaml_file

HERE = Path(__file__).resolve().parent
SPLITS = ("dev", "held-out", "unseen")
GOALS = {"stance": 0.90, "intents": 0.90, "colour": 0.80}


@dataclass(frozen=True)
class Labelled:
    id: str
    lang: str
    split: str
    session: Session
    colour: frozenset[str]
    """The colour ids, empty for 'unclear'."""
    stance: str
    intents: frozenset[str]


@cache
def briefs() -> tuple[Labelled, ...]:
    data, _ = load_yaml_file(HERE / "briefs.yaml")
    return tuple(labelled(item) for item in data["briefs"])


def labelled(item: dict[str, Any], split: str | None = None) -> Labelled:
    """One brief of the corpus's shape, as a session with its labels (``split`` where the item has none,
    as in a set of briefs read only to score them)."""
    brief = Brief(
        wish=item["wish"], visible_result=item["visible_result"] or "", context=item["context"] or ""
    )
    colour = item["colour"]
    ids = frozenset() if colour == "unclear" else frozenset([colour] if isinstance(colour, str) else colour)
    return Labelled(
        item["id"], item["lang"], split or item["split"], Session(title=item["id"], language=item["lang"], brief=brief),
        ids, item["stance"], frozenset(item.get("intents", ())),
    )  # fmt: skip


@dataclass(frozen=True)
class Agreement:
    split: str
    count: int
    colour: float
    stance: float
    intents: float
    """Share of (brief, intent) decisions that agree: present or not."""
    intent_sets: float
    """Share of briefs whose whole set of intents agrees."""
    misses: tuple[str, ...]
    """What disagreed, for a person to read: 'en-x colour: read blue, labelled green'."""


def _shown(ids: frozenset[str] | str) -> str:
    if isinstance(ids, str):
        return ids
    return "+".join(sorted(ids)) or "unclear"


BLIND = (
    "-blind-",
    "-final-",
    "-third-",
    "-fourth-",
    "-fifth-",
    "-sixth-",
    "-seventh-",
    "-eighth-",
    "-ninth-",
    "-tenth-",
    "-eleventh-",
    "-twelfth-",
    "-thirteenth-",
    "-fourteenth-",
    "-fifteenth-",
    "-eighteenth-",
    "-nineteenth-",
    "-twentyfourth-",
    "-twentyfifth-",
    "-twentysixth-",
    "-twentyseventh-",
    "-twentyeighth-",
    "-twentyninth-",
    "-thirtieth-",
    "-thirtyfirst-",
    "-thirtysecond-",
    "-thirtythird-",
    "-thirtyfourth-",
    "-thirtyfifth-",
    "-thirtysixth-",
    "-thirtyseventh-",
    "-thirtyeighth-",
    "-thirtyninth-",
    "-fortieth-",
    "-fortyfirst-",
    "-fortysecond-",
    "-fortythird-",
    "-fortyfourth-",
    "-fortyfifth-",
)
"""In the id of a development brief written blind by an annotator after a version of the reader (the first
set, then each next one after the reader had been fitted to the one before): briefs whose wording the cues
were not fitted to when they were first measured, reported on their own."""


UNSEEN_FIRST = (
    "-sixteenth-",
    "-seventeenth-",
    "-twentieth-",
    "-twentyfirst-",
    "-twentysecond-",
    "-twentythird-",
)
"""In the id of an unseen brief written blind after the cues' last round, before the colour stack."""
UNSEEN_LATER = (
    "-fortysixth-",
    "-fortyseventh-",
    "-fortyeighth-",
    "-fortyninth-",
    "-fiftieth-",
    "-fiftyfirst-",
)
"""In the id of an unseen brief written blind after the colour stack, once the eighteen sets after it had
each been measured and then added to the development briefs to learn from: read first to measure it."""


def set_of(ident: str) -> str:
    """The blind set a brief was written in (its marker from ``BLIND``), "" for the briefs written by hand."""
    return next((m for m in BLIND if m in ident), "")


def _blind(ident: str, blind: bool | str | tuple[str, ...] | None) -> bool:
    if blind is None:
        return True
    if isinstance(blind, str):
        return blind in ident
    if isinstance(blind, tuple):
        return any(m in ident for m in blind)
    return any(m in ident for m in BLIND) == blind


def agreement(split: str, blind: bool | str | tuple[str, ...] | None = None) -> Agreement:
    """Agreement on one split; ``blind`` keeps only the briefs written blind (True, one set's marker
    from ``BLIND``, or any of several markers) or the others (False)."""
    items = [b for b in briefs() if b.split == split and _blind(b.id, blind)]
    intents = intent_ids()
    colour = stance = decisions = sets = 0
    misses = []
    for b in items:
        p = diagnose(b.session)
        read_colour = frozenset(p.colour.colours)
        read_stance = p.stance.value
        read_intents = frozenset(i.id for i in p.intents if i.present)
        colour += read_colour == b.colour
        stance += read_stance == b.stance
        decisions += sum((i in read_intents) == (i in b.intents) for i in intents)
        sets += read_intents == b.intents
        for label, read, want in (
            ("colour", read_colour, b.colour),
            ("stance", read_stance, b.stance),
            ("intents", read_intents, b.intents),
        ):
            if read != want:
                misses.append(f"{b.id} {label}: read {_shown(read)}, labelled {_shown(want)}")
    n = len(items) or 1
    return Agreement(
        split, len(items), colour / n, stance / n, decisions / (n * len(intents)), sets / n, tuple(misses)
    )
