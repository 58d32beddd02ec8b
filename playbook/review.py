"""After the session: the plan as it stood when the run began, the run as it happened, block by block.

One ``Review`` is computed for the report's table, its list of changes, its observations and its chart,
so all of them place things on one clock. Blocks of the plan are matched to the blocks that ran by what
they are (the work form or the title), following the swaps the run recorded; a planned block without a
match was cut or never reached, a run block without one was inserted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from difflib import SequenceMatcher

from .agenda import Plan, TimedBlock, plan
from .catalogue import Catalogue
from .live import actual_plan, timeline
from .session import Block, Session

CHANGES = ("as-planned", "shorter", "longer", "swapped", "cut", "inserted", "not-run")
"""What can have happened to a block, each a stable code with a label in ``assets/i18n``."""


@dataclass(frozen=True)
class ReviewRow:
    """One block: as planned, as it ran, and what changed (``changes`` holds codes from CHANGES)."""

    number: int
    planned: TimedBlock | None
    actual: TimedBlock | None
    changes: tuple[str, ...]

    @property
    def title(self) -> str:
        return (self.actual or self.planned).title  # type: ignore[union-attr]


@dataclass(frozen=True)
class Seen:
    """An observation placed on the review's clock."""

    at: dt.datetime
    minute: int
    """Minutes after the review's origin."""
    kind: str
    note: str


@dataclass(frozen=True)
class Review:
    planned: Plan
    actual: Plan
    rows: tuple[ReviewRow, ...]
    observations: tuple[Seen, ...]
    origin: int
    """The chart's time zero in minutes since midnight: the earlier of the planned and the actual start."""
    ran: bool
    """False while no block has started: the report then shows the plan only."""

    @property
    def start_shift(self) -> int:
        """Minutes the run began after the planned start (negative: it began early)."""
        return self.actual.start - self.planned.start if self.ran else 0


def _key(block: Block) -> tuple[str, str]:
    if block.is_break:
        return ("break", block.title)
    return ("intervention", block.intervention) if block.intervention else ("custom", block.title)


def _origins(session: Session) -> dict[int, str]:
    """For each block of the current agenda that replaced another through a swap: what it replaced."""
    swaps: dict[str, str] = {}
    for event in session.run.events:
        if event.kind == "swap" and " → " in event.detail:
            source, target = event.detail.split(" → ", 1)
            swaps.setdefault(target, source)
    out = {}
    for i, block in enumerate(session.agenda):
        if block.intervention in swaps and block.plan_b and block.plan_b[0] == swaps[block.intervention]:
            seen, ident = {block.intervention}, swaps[block.intervention]
            while ident in swaps and swaps[ident] not in seen:  # swapped back and forth
                seen.add(ident)
                ident = swaps[ident]
            out[i] = ident
    return out


def _matches(planned: tuple[Block, ...], agenda: tuple[Block, ...], swapped: dict[int, str]) -> list:
    """Pairs (planned index or None, agenda index or None) in running order."""
    keys_now = []
    for i, block in enumerate(agenda):
        if i in swapped:
            origin = next((b for b in planned if swapped[i] in (b.intervention, b.title)), None)
            keys_now.append(_key(origin) if origin else _key(block))
        else:
            keys_now.append(_key(block))
    keys_then = [_key(b) for b in planned]
    pairs: list[tuple[int | None, int | None]] = []
    for op, a0, a1, b0, b1 in SequenceMatcher(None, keys_then, keys_now, autojunk=False).get_opcodes():
        if op == "equal":
            pairs += list(zip(range(a0, a1), range(b0, b1), strict=True))
        else:
            pairs += [(a, None) for a in range(a0, a1)] + [(None, b) for b in range(b0, b1)]
    return pairs


def review(session: Session, catalogue: Catalogue, now: dt.datetime | None = None) -> Review:
    """Compare the plan with the run; ``now`` (default: the last thing recorded) ends a run still going."""
    run = session.run
    last = max([e.at for e in run.events] + [o.at for o in run.observations], default=None)
    status = timeline(
        session, now or last or dt.datetime.combine(session.date or dt.date.today(), session.start)
    )
    started = {s.index for s in status.blocks if s.status != "coming"}
    anchor = status.planned_start  # the run's own start for a rehearsal, else the planned start
    planned = plan(
        session.with_changes(agenda=run.planned or session.agenda, start=anchor.time().replace(second=0)),
        catalogue,
    )
    ran_states = tuple(s for s in status.blocks if s.index in started)
    actual = actual_plan(session, ran_states or status.blocks, anchor, catalogue)
    by_agenda = dict(zip((s.index for s in (ran_states or status.blocks)), actual.blocks, strict=True))

    rows = []
    swapped = _origins(session)
    for n, (p, a) in enumerate(_matches(run.planned or session.agenda, session.agenda, swapped), 1):
        was = planned.blocks[p] if p is not None else None
        ran = by_agenda.get(a) if a is not None and (a in started or not started) else None
        changes: list[str] = []
        if was is None:
            changes.append("inserted")
        elif a is None:
            changes.append("cut")
        elif ran is None:
            changes.append("not-run")
        if a in swapped:
            changes.append("swapped")
        if was is not None and ran is not None and started:
            if ran.minutes < was.minutes:
                changes.append("shorter")
            elif ran.minutes > was.minutes:
                changes.append("longer")
        rows.append(ReviewRow(n, was, ran, tuple(changes) or ("as-planned",)))

    origin = min(planned.start, actual.start) if started else planned.start
    day_start = dt.datetime.combine(anchor.date(), dt.time()) + dt.timedelta(minutes=origin)
    seen = tuple(
        Seen(o.at, round((o.at - day_start).total_seconds() / 60), o.kind, o.note) for o in run.observations
    )
    return Review(planned, actual, tuple(rows), seen, origin, bool(started))
