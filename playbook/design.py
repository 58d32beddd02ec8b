"""The designer: a first draft of the whole agenda from the client's wish, every choice with its reason,
and an honest "this does not fit" when the time is too short for what is asked.

``design(session, catalogue)`` reads the session's *effective* readings (the facilitator's corrections
applied), scores the arc templates in ``assets/design``, fills each phase of the best one with work forms
in the order the ranking (``recommend.rank``) gives them, sizes every block within its range for this
group (at the facilitator's own pace, when their history says so), places breaks in the rhythm the
setting needs and a plan B beside every risky block, and checks the result with the agenda's own checks.
What it cannot avoid, it says, with the reason. The same session and catalogue give the same draft; a
seed only changes which alternatives are offered first.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .agenda import GROAN_GROUP, NO_BREAK_LIMIT, Finding, Plan, plan
from .arcs import (
    ArcTemplate,
    Condition,
    CustomBlock,
    DesignContent,
    Facts,
    Needs,
    Phase,
    default_content,
    facts,
)
from .catalogue import Catalogue, Intervention
from .diagnosis import LOW, Profile, diagnose
from .i18n import t
from .recommend import Suggestion, plan_b, rank
from .session import Block, SavedAgenda, Session
from .vocabulary import clock, minutes_of_day, works_below

if TYPE_CHECKING:
    from .calibrate import History

__all__ = [
    "DESIGN_CODES",
    "Design",
    "Draft",
    "DraftBlock",
    "apply_draft",
    "design",
    "keep_agenda",
    "restore_agenda",
]

DESIGN_CODES = ("wish-does-not-fit", "two-aims", "arc-chosen", "phase-left-out", "no-plan-b")
"""The designer's own findings, besides the agenda's checks of the draft."""
SCREEN_BREAK_LIMIT = 60
"""On screen (online, or the remote half of a hybrid session) a group needs a pause every hour."""
RANK_LIMIT = 40
"""Candidates ranked per role at first; the whole role is ranked only when a phase's needs rule them out."""
ROUND_SHARE = 1 / 3
"""A work form is a round when at least this share of its time is the whole group taking turns."""
FILL = 0.95
"""A draft fills at least this share of the budget, and never more than all of it."""
REPAIRS = 4
"""Times the designer redrafts to avoid a warning the agenda's checks raise about one of its blocks."""
REPAIRABLE = frozenset(
    ("long-plenary", "block-too-short", "round-too-short", "plan-b-too-long", "plan-b-unfit", "energy-dip")
)
"""Warnings about one block that another work form for the same phase may avoid."""
LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}


# ----------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DraftBlock:
    """One block of a draft: the agenda block itself, placed in time, with the reason it is there."""

    block: Block
    start: int
    """Minutes since midnight."""
    title: str
    role: str
    """The arc role, or 'break'."""
    reason: str
    phase: str | None = None

    @property
    def minutes(self) -> int:
        return self.block.minutes

    @property
    def end(self) -> int:
        return self.start + self.block.minutes

    def to_data(self) -> dict[str, Any]:
        return {
            "start": clock(self.start),
            "end": clock(self.end),
            "minutes": self.minutes,
            "title": self.title,
            "role": self.role,
            "intervention": self.block.intervention,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Draft:
    """A complete agenda for one arc, checked, with what the whole wish needs and what fits if it does not."""

    arc: ArcTemplate
    language: str
    budget_minutes: int
    needed_minutes: int
    fits: bool
    blocks: tuple[DraftBlock, ...]
    findings: tuple[Finding, ...]
    proposal: str
    """What can be reached in the time there is, when the whole wish does not fit; '' when it does."""
    reason: str
    """Why this arc, in words."""
    plan: Plan

    @property
    def agenda(self) -> tuple[Block, ...]:
        return tuple(b.block for b in self.blocks)

    @property
    def total_minutes(self) -> int:
        return sum(b.minutes for b in self.blocks)

    @property
    def interventions(self) -> tuple[str, ...]:
        return tuple(b.block.intervention for b in self.blocks if b.block.intervention)

    @property
    def roles(self) -> tuple[str, ...]:
        """The role of every block but the breaks, in order: the draft's shape."""
        return tuple(b.role for b in self.blocks if b.role != "break")

    def to_data(self) -> dict[str, Any]:
        return {
            "fits": self.fits,
            "needed_minutes": self.needed_minutes,
            "budget_minutes": self.budget_minutes,
            "arc": self.arc.id,
            "blocks": [b.to_data() for b in self.blocks],
            "findings": [{"level": f.level, "code": f.code, "message": f.message} for f in self.findings],
            "proposal": self.proposal,
        }


@dataclass(frozen=True)
class Design:
    """The draft the designer stands behind, and alternatives that differ in substance."""

    draft: Draft
    alternatives: tuple[Draft, ...] = ()

    @property
    def drafts(self) -> tuple[Draft, ...]:
        return (self.draft, *self.alternatives)

    def to_data(self) -> dict[str, Any]:
        """The shape of ``playbook design FILE --json``; each alternative has the same shape."""
        return self.draft.to_data() | {
            "alternatives": [alt.to_data() | {"alternatives": []} for alt in self.alternatives]
        }


# ----------------------------------------------------------------------------------------- context


@dataclass
class _Slot:
    """One block being drafted: its phase, and the work form (or own block) chosen for it."""

    phase: Phase
    purpose: str
    because: tuple[str, ...]
    needs: Needs
    lo: int
    typical: int
    hi: int
    item: Intervention | None = None
    suggestion: Suggestion | None = None
    custom: CustomBlock | None = None
    note: str = ""
    """What the facilitator's own history says about this form's time."""
    minutes: int = 0
    energiser: bool = False

    @property
    def ident(self) -> str | None:
        return self.item.id if self.item else None


class _Context:
    """Everything a draft needs about one session, computed once for the draft and its alternatives."""

    def __init__(
        self,
        session: Session,
        catalogue: Catalogue,
        profile: Profile,
        history: History | None,
        content: DesignContent,
    ) -> None:
        self.session = session.with_changes(agenda=())  # rank as if nothing were planned yet
        self.original = session
        self.catalogue, self.profile, self.history, self.content = catalogue, profile, history, content
        self.facts: Facts = facts(session, profile)
        self.lang = profile.language
        self.size, self.setting = session.group.size, session.group.setting
        self.budget = session.budget_minutes
        self.start = minutes_of_day(session.start)
        self.limit = SCREEN_BREAK_LIMIT if self.setting in ("online", "hybrid") else NO_BREAK_LIMIT
        self.shortlist = frozenset(session.shortlist)
        self.low = tuple(
            d
            for d in ("psychological-safety", "trust")
            if (s := profile.dimension(d).score) is not None and s < LOW
        )
        self._ranked: dict[tuple[str, bool], list[Suggestion]] = {}
        self._bounds: dict[str, tuple[int, int, int, str]] = {}
        self._plan_b: dict[tuple[str, int], tuple[str, str] | None] = {}

    def ranked(self, role: str, full: bool = False) -> list[Suggestion]:
        """The work forms of a role that fit this group, best first (the ranking's own order)."""
        key = (role, full)
        if key not in self._ranked:
            limit = None if full else RANK_LIMIT
            found = rank(self.session, self.catalogue, self.profile, role=role, limit=limit)
            self._ranked[key] = [s for s in found if self.bounds(s.intervention)[0] <= self.limit]
        return self._ranked[key]

    def bounds(self, item: Intervention) -> tuple[int, int, int, str]:
        """(min, typical, max, note) for this group: the scaled range, the typical at the facilitator's own
        pace when their history has enough runs, and never longer than a stretch between two breaks."""
        if item.id not in self._bounds:
            scaled = item.minutes_for(self.size)
            typical, note = scaled.typical, ""
            if self.history is not None:
                estimate = self.history.estimate(item.id, item.role, scaled.typical)
                if estimate.calibrated:
                    typical, note = estimate.minutes, estimate.note(self.lang, item.name(self.lang))
            hi = min(scaled.max, self.limit)
            self._bounds[item.id] = (scaled.min, max(scaled.min, min(typical, hi)), hi, note)
        return self._bounds[item.id]

    def plan_b(self, item: Intervention, minutes: int, used: frozenset[str]) -> tuple[str, str] | None:
        """A lighter form of the same role that fits this group in the block's minutes, with how it is lighter."""
        key = (item.id, minutes)
        if key not in self._plan_b:
            found = None
            for option in plan_b(item.id, self.session, self.catalogue, self.profile, limit=8):
                alt = option.intervention
                if alt.id in used or self.setting not in alt.settings or not alt.fits_group(self.size):
                    continue
                if alt.minutes_for(self.size).min <= minutes:
                    found = (alt.id, option.reasons[0])
                    break
            self._plan_b[key] = found
        return self._plan_b[key]


# ----------------------------------------------------------------------------------------- helpers


def _joined(parts: Sequence[str], lang: str) -> str:
    """'a', 'a and b', 'a, b and c' in the session's language."""
    parts = [p for p in dict.fromkeys(parts) if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {t('design.and', lang)} {parts[-1]}"


def _is_round(item: Intervention, size: int) -> bool:
    """Most of its time is everyone taking a turn in the whole group."""
    steps = item.steps_for(size)
    total = sum(s.minutes for s in steps) or 1
    turns = sum(s.minutes for s in steps if s.step.configuration == "plenary" and s.step.per_person)
    return turns / total >= ROUND_SHARE


def _meets(item: Intervention, needs: Needs) -> bool:
    if needs.layer == "below" and not works_below(item.layer):
        return False
    if needs.layer == "above" and item.layer != "above":
        return False
    if needs.exposure is not None and item.exposure > needs.exposure:
        return False
    return not needs.gentle or item.gentle_start


def _resolve(phase: Phase, f: Facts) -> tuple[str, tuple[str, ...], Needs]:
    """A phase as it reads for this session: the first variant whose condition holds, or the phase itself."""
    for variant in phase.variants:
        held = [c for c in variant.when if c.holds(f)]
        if held:
            base, extra = phase.needs, variant.needs
            needs = Needs(
                extra.layer or base.layer,
                extra.exposure if extra.exposure is not None else base.exposure,
                extra.gentle or base.gentle,
                extra.prefer or base.prefer,
            )
            return variant.purpose(f.lang), tuple(c.reason(f) for c in held), needs
    purpose = phase.purpose(f.lang) if phase.purpose else ""
    return purpose, (), phase.needs


def _spread(total: int, lows: Sequence[int], typicals: Sequence[int], highs: Sequence[int]) -> list[int]:
    """Whole minutes within each block's range adding up to ``total`` (clamped to what the ranges allow):
    every block moves towards its typical time first, then beyond it, in proportion to its room."""
    total = max(sum(lows), min(total, sum(highs)))
    if total <= sum(typicals):
        base, cap = list(lows), list(typicals)
    else:
        base, cap = list(typicals), list(highs)
    remaining = total - sum(base)
    room = [c - b for b, c in zip(base, cap, strict=True)]
    whole = sum(room)
    if remaining <= 0 or whole <= 0:
        return base
    shares = [remaining * r / whole for r in room]
    out = [b + math.floor(s) for b, s in zip(base, shares, strict=True)]
    order = sorted(range(len(out)), key=lambda i: (-(shares[i] - math.floor(shares[i])), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


# ----------------------------------------------------------------------------------------- choosing


def _candidates(ctx: _Context, role: str, needs: Needs) -> list[Suggestion]:
    """The ranked forms of a role that meet a phase's needs: the shortlist first, then the phase's
    preferred forms, then the rest, each group in the ranking's own order."""
    found = [s for s in ctx.ranked(role) if _meets(s.intervention, needs)]
    if not found:
        found = [s for s in ctx.ranked(role, full=True) if _meets(s.intervention, needs)]

    def group(s: Suggestion) -> int:
        return 0 if s.id in ctx.shortlist else 1 if s.id in needs.prefer else 2

    return sorted(found, key=group)  # stable: the ranking's order within each group


def _varied(ctx: _Context, sequence: Sequence[_Slot | None], at: int, item: Intervention) -> bool:
    """Not three rounds in a row around position ``at`` (a draft's rounds drag; the room goes quiet)."""
    rounds = [(s is not None and s.item is not None and _is_round(s.item, ctx.size)) for s in sequence]
    rounds[at] = _is_round(item, ctx.size)
    return not any(all(rounds[i : i + 3]) for i in range(max(0, at - 2), min(at + 1, len(rounds) - 2)))


def _slot(ctx: _Context, phase: Phase, item: Intervention | None, s: Suggestion | None) -> _Slot:
    purpose, because, needs = _resolve(phase, ctx.facts)
    if item is None:
        custom = ctx.content.rhythm.blocks[phase.custom or "harvest"]
        m = custom.minutes_for(ctx.size)
        return _Slot(phase, purpose, because, needs, m.min, m.typical, m.max, custom=custom)
    lo, typical, hi, note = ctx.bounds(item)
    return _Slot(phase, purpose, because, needs, lo, typical, hi, item, s, note=note)


def _pick(
    ctx: _Context, phase: Phase, target: float, taken: set[str], sequence: list[_Slot | None], at: int
) -> tuple[Intervention, Suggestion] | None:
    """The first candidate for a phase that is free, fits its share of the time and keeps the draft varied;
    with none, the first that fits the time, then the first at all."""
    _, _, needs = _resolve(phase, ctx.facts)
    free = [s for s in _candidates(ctx, phase.role, needs) if s.id not in taken]
    fitting = [s for s in free if ctx.bounds(s.intervention)[0] <= max(target * 1.5, target + 5)]
    for pool, varied in ((fitting, True), (fitting, False), (free, True)):
        for s in pool:
            if not varied or _varied(ctx, sequence, at, s.intervention):
                return s.intervention, s
    smallest = min(free, key=lambda s: ctx.bounds(s.intervention)[0], default=None)
    return (smallest.intervention, smallest) if smallest else None


def _optional(ctx: _Context, phase: Phase) -> bool:
    """Whether a phase may be left out: never the groan zone of a group large enough that skipping it
    skips people (the agenda's own threshold)."""
    return phase.optional and not (phase.role == "groan" and ctx.size >= GROAN_GROUP)


@dataclass
class _Composition:
    slots: list[_Slot]
    left_out: list[tuple[Phase, str]]
    """Phases without a block, each with the reason."""


def _compose(
    ctx: _Context, arc: ArcTemplate, work: int, narrow: bool, exclude: frozenset[str]
) -> _Composition:
    """Choose a block for every phase (key phases first, so variety never costs the arc its character),
    then add second forms where a phase has time for them, then fit the minutes to ``work``."""
    phases = [p for p in arc.phases if not (narrow and _optional(ctx, p))]
    shared = sum(p.share for p in phases if p.custom is None) or 1.0
    custom_minutes = sum(
        ctx.content.rhythm.blocks[p.custom].minutes_for(ctx.size).typical for p in phases if p.custom
    )
    forms_time = max(0, work - custom_minutes)
    targets = {p.id: forms_time * p.share / shared for p in phases}
    sequence: list[_Slot | None] = [None] * len(phases)
    taken = set(exclude)
    left: list[tuple[Phase, str]] = []
    order = sorted(range(len(phases)), key=lambda i: (not phases[i].key, phases[i].optional, i))
    for i in order:
        phase = phases[i]
        if phase.custom:
            sequence[i] = _slot(ctx, phase, None, None)
            continue
        picked = _pick(ctx, phase, targets[phase.id], taken, sequence, i)
        if picked is None:
            if phase.role == "close":
                sequence[i] = _slot(ctx, phase, None, None)  # the designer's own harvest closes any session
            else:
                left.append((phase, "design.left_out_none"))
            continue
        sequence[i] = _slot(ctx, phase, *picked)
        taken.add(picked[0].id)
    slots = [s for s in sequence if s is not None]
    if not narrow:
        _add_second_forms(ctx, slots, targets, taken, work)
    _make_room(ctx, slots, work, left)
    return _Composition(slots, left)


def _add_second_forms(
    ctx: _Context, slots: list[_Slot], targets: dict[str, float], taken: set[str], work: int
) -> None:
    """Where a phase has time for more than one form (and the session more than its blocks take), add the
    next candidate, varied, right after the phase's last form."""
    while sum(s.typical for s in slots) < work * FILL:
        gaps = []
        for phase_id in dict.fromkeys(s.phase.id for s in slots):
            own = [s for s in slots if s.phase.id == phase_id]
            phase = own[0].phase
            if phase.custom or len(own) >= phase.forms:
                continue
            gaps.append((targets[phase_id] - sum(s.typical for s in own), phase_id))
        added = False
        for gap, phase_id in sorted(gaps, key=lambda g: (-g[0], g[1])):
            own = [s for s in slots if s.phase.id == phase_id]
            at = slots.index(own[-1]) + 1
            room = max(gap, work - sum(s.typical for s in slots))
            trial: list[_Slot | None] = [*slots[:at], None, *slots[at:]]
            for s in _candidates(ctx, own[0].phase.role, own[0].needs):
                lo = ctx.bounds(s.intervention)[0]
                if s.id in taken or lo > room or not _varied(ctx, trial, at, s.intervention):
                    continue
                slots.insert(at, _slot(ctx, own[0].phase, s.intervention, s))
                taken.add(s.id)
                added = True
                break
            if added:
                break
        if not added:
            return


def _make_room(ctx: _Context, slots: list[_Slot], work: int, left: list[tuple[Phase, str]]) -> None:
    """When the blocks' least times exceed the working time: leave out optional phases, then the second
    forms of a phase, then swap a form for the quickest candidate of its phase."""

    def need() -> int:
        return sum(s.lo for s in slots)

    for victim in sorted((s for s in slots if _optional(ctx, s.phase)), key=lambda s: (-s.lo, s.phase.id)):
        if need() <= work:
            return
        slots.remove(victim)
        left.append((victim.phase, "design.left_out_time"))
    for victim in reversed([s for i, s in enumerate(slots) if i and slots[i - 1].phase.id == s.phase.id]):
        if need() <= work:
            return
        slots.remove(victim)
    for s in sorted(slots, key=lambda s: -s.lo):
        if need() <= work or s.item is None:
            continue
        taken = {x.ident for x in slots if x.ident}
        quicker = [
            c for c in _candidates(ctx, s.phase.role, s.needs)
            if c.id not in taken and ctx.bounds(c.intervention)[0] < s.lo
        ]  # fmt: skip
        if quicker:
            best = min(quicker, key=lambda c: ctx.bounds(c.intervention)[0])
            slots[slots.index(s)] = _slot(ctx, s.phase, best.intervention, best)
    while need() > work and len(slots) > 1:  # still too long: the quickest arc that fits, key form last
        victim = max(slots[1:], key=lambda s: (s.item is not None, not s.phase.key, s.lo))
        slots.remove(victim)
        left.append((victim.phase, "design.left_out_time"))
    if slots and need() > work:
        slots[0].lo = slots[0].typical = slots[0].hi = max(1, work)


# ----------------------------------------------------------------------------------------- breaks


def _breaks(ctx: _Context, count: int) -> list[tuple[int, str]]:
    """``count`` breaks for this setting as (minutes, label); one of them is lunch across midday."""
    rhythm = ctx.content.rhythm
    minutes, label = rhythm.breaks[ctx.setting]
    out = [(minutes, label(ctx.lang))] * count
    start, until, lunch, title = rhythm.lunch
    if count and ctx.start <= start and ctx.start + ctx.budget >= until + 30:
        out[0] = (lunch, title(ctx.lang))
    return out


def _break_count(ctx: _Context) -> int:
    """The fewest breaks that keep every stretch of work within the setting's limit."""
    count = 0
    while count < 12:
        work = ctx.budget - sum(m for m, _ in _breaks(ctx, count))
        if work <= (count + 1) * ctx.limit:
            return count
        count += 1
    return count


def _cuts(lengths: Sequence[int], count: int, limit: int) -> list[int] | None:
    """Where to put ``count`` breaks between blocks (after block i) so that no stretch exceeds ``limit``
    and the stretches are as even as they can be; never after the first block or before the last."""
    n = len(lengths)
    if count == 0:
        return [] if sum(lengths) <= limit else None
    prefix = [0]
    for length in lengths:
        prefix.append(prefix[-1] + length)
    allowed = [i for i in range(1, n - 1)] or list(range(n - 1))
    inf = float("inf")
    # best[j][i]: cost of the first j breaks with the j-th after block i; back[j][i]: the break before it
    best = [dict.fromkeys(allowed, inf) for _ in range(count + 1)]
    back: list[dict[int, int | None]] = [{} for _ in range(count + 1)]
    for i in allowed:
        stretch = prefix[i + 1]
        if stretch <= limit:
            best[1][i], back[1][i] = stretch**2, None
    for j in range(2, count + 1):
        for i in allowed:
            for p in allowed:
                if p >= i or best[j - 1][p] == inf:
                    continue
                stretch = prefix[i + 1] - prefix[p + 1]
                if stretch <= limit and best[j - 1][p] + stretch**2 < best[j][i]:
                    best[j][i], back[j][i] = best[j - 1][p] + stretch**2, p
    ends = [
        (best[count][i] + (prefix[n] - prefix[i + 1]) ** 2, i)
        for i in allowed
        if best[count][i] < inf and prefix[n] - prefix[i + 1] <= limit
    ]
    if not ends:
        return None
    _, last = min(ends)
    cuts = [last]
    for j in range(count, 1, -1):
        cuts.append(back[j][cuts[-1]])  # type: ignore[arg-type]
    return sorted(cuts)


# ----------------------------------------------------------------------------------------- drafting


@dataclass
class _Attempt:
    arc: ArcTemplate
    narrow: bool
    slots: list[_Slot]
    breaks: list[tuple[int, str]]
    cuts: list[int]
    left_out: list[tuple[Phase, str]]
    plan: Plan | None = None
    blocks: tuple[DraftBlock, ...] = ()
    unbacked: tuple[tuple[int, str, str], ...] = ()
    """(block index, title, why it is risky) for risky blocks no lighter form can back up."""

    def score(self, budget: int) -> tuple[int, int, int]:
        assert self.plan is not None
        levels = [f.level for f in self.plan.findings]
        gap = budget - self.plan.total_minutes
        return (levels.count("error"), levels.count("warning") + (gap > (1 - FILL) * budget), abs(gap))


def _attempt(ctx: _Context, arc: ArcTemplate, narrow: bool, exclude: frozenset[str]) -> _Attempt:
    """One arc drafted: break budget, blocks, minutes and break places; more breaks if the blocks cannot
    be cut into stretches short enough."""
    first = _break_count(ctx)
    last: _Attempt | None = None
    for count in range(first, first + 4):
        breaks = _breaks(ctx, count)
        work = ctx.budget - sum(m for m, _ in breaks)
        if work <= 0:
            break
        comp = _compose(ctx, arc, work, narrow, exclude)
        minutes = _spread(
            work, [s.lo for s in comp.slots], [s.typical for s in comp.slots], [s.hi for s in comp.slots]
        )
        for s, m in zip(comp.slots, minutes, strict=True):
            s.minutes = m
        cuts = _cuts([s.minutes for s in comp.slots], count, ctx.limit)
        last = _Attempt(arc, narrow, comp.slots, breaks, cuts or [], comp.left_out)
        if cuts is not None:
            return last
    if last is None:
        return _Attempt(arc, narrow, [], [], [], [])
    # No place for the breaks keeps every stretch short enough (one form alone is longer): the agenda's
    # check says so, and the breaks' minutes go back to the blocks.
    slots = last.slots
    minutes = _spread(ctx.budget, [s.lo for s in slots], [s.typical for s in slots], [s.hi for s in slots])
    for s, m in zip(slots, minutes, strict=True):
        s.minutes = m
    last.breaks, last.cuts = [], []
    return last


def _assign_breaks(ctx: _Context, attempt: _Attempt) -> dict[int, tuple[int, str]]:
    """Which break goes where: a lunch at the place nearest to midday, the others in between."""
    breaks = list(attempt.breaks[: len(attempt.cuts)])
    if not breaks:
        return {}
    lunch_start = ctx.content.rhythm.lunch[0]
    regular = min(breaks, key=lambda b: b[0])
    lunches = [b for b in breaks if b != regular] if len({b[0] for b in breaks}) > 1 else []
    if not lunches:
        return dict(zip(attempt.cuts, breaks, strict=True))
    times, now = [], ctx.start
    for i, slot in enumerate(attempt.slots):
        now += slot.minutes
        if i in attempt.cuts:
            times.append((abs(now - lunch_start), i))
            now += regular[0]
    lunch_at = min(times)[1]
    return {c: (lunches[0] if c == lunch_at else regular) for c in attempt.cuts}


def _risk(ctx: _Context, slot: _Slot) -> str | None:
    """Why a block needs a plan B, in words, or None when it does not."""
    item = slot.item
    if item is None:
        return None
    rhythm = ctx.content.rhythm
    if item.deep:
        return t("design.risk.deep", ctx.lang)
    if item.exposure >= rhythm.risky_exposure and ctx.low:
        names = _joined([ctx.profile.dimension(d).name for d in ctx.low], ctx.lang)
        key = "design.risk.exposure" if len(ctx.low) == 1 else "design.risk.exposure_many"
        return t(key, ctx.lang, dimension=names)
    if slot.minutes >= rhythm.risky_minutes:
        return t("design.risk.long", ctx.lang, minutes=slot.minutes)
    if slot.phase.key:
        return t("design.risk.key", ctx.lang)
    return None


def _reason(ctx: _Context, slot: _Slot, plan_b: tuple[str, str] | None, risk: str | None) -> str:
    lang = ctx.lang
    head = (
        t("design.purpose_because", lang, purpose=slot.purpose, why=_joined(slot.because, lang))
        if slot.because
        else t("design.purpose", lang, purpose=slot.purpose)
    )
    if slot.custom is not None:
        own = t(f"design.custom.{slot.custom.id}", lang)
        return f"{head} {own}" if slot.purpose else own
    assert slot.item is not None and slot.suggestion is not None
    why = list(slot.suggestion.reasons[:2])
    if slot.item.id in ctx.shortlist:
        why.insert(0, t("design.on_shortlist", lang))
    parts = [
        head,
        t("design.form", lang, name=slot.item.name(lang), why="; ".join(why))
        if why
        else t("design.form_first", lang, name=slot.item.name(lang)),
        t("design.time", lang, minutes=slot.minutes, typical=slot.typical, size=ctx.size),
    ]
    if slot.note:
        parts.append(slot.note)
    if plan_b is not None:
        name = ctx.catalogue.get(plan_b[0]).name(lang)
        parts.append(t("design.plan_b", lang, name=name, lighter=plan_b[1], why=risk))
    elif risk is not None:
        parts.append(t("design.plan_b_none", lang, why=risk))
    return " ".join(parts)


def _custom_notes(ctx: _Context, custom: CustomBlock, narrowed: str) -> str:
    lang, brief = ctx.lang, ctx.original.brief
    lines = [custom.notes(lang)]
    if custom.id == "welcome":
        rule = getattr(brief, "decision_rule", "").strip()
        lines.append(t("design.notes.rule", lang, rule=rule) if rule else t("design.notes.no_rule", lang))
        if brief.purpose.strip():
            lines.append(t("design.notes.purpose", lang, purpose=brief.purpose.strip()))
    result = narrowed or brief.visible_result.strip()
    if result:
        lines.append(t("design.notes.result", lang, result=result))
    return "\n".join(lines)


def _realise(ctx: _Context, attempt: _Attempt, narrowed: str) -> None:
    """Turn the chosen slots into agenda blocks with plan B and reasons, then check them as an agenda."""
    lang = ctx.lang
    used = frozenset(s.ident for s in attempt.slots if s.ident)
    blocks: list[DraftBlock] = []
    unbacked = []
    now = ctx.start
    cut_at = _assign_breaks(ctx, attempt)
    for i, slot in enumerate(attempt.slots):
        risk = _risk(ctx, slot)
        backup = ctx.plan_b(slot.item, slot.minutes, used) if slot.item is not None and risk else None
        reason = _reason(ctx, slot, backup, risk)
        if risk and backup is None:
            unbacked.append((len(blocks), slot.item.name(lang) if slot.item else "", risk))
        if slot.custom is not None:
            block = Block(
                slot.minutes,
                title=slot.custom.title(lang),
                role=slot.phase.role,
                notes=_custom_notes(ctx, slot.custom, narrowed),
            )
            title = block.title
        else:
            assert slot.item is not None
            block = Block(slot.minutes, intervention=slot.item.id, plan_b=(backup[0],) if backup else ())
            title = slot.item.name(lang)
        blocks.append(DraftBlock(block, now, title, slot.phase.role, reason, slot.phase.id))
        now += slot.minutes
        if i in cut_at:
            minutes, label = cut_at[i]
            why = t("design.break", lang, setting=t(f"settings.{ctx.setting}", lang), limit=ctx.limit)
            blocks.append(DraftBlock(Block(minutes, title=label, is_break=True), now, label, "break", why))
            now += minutes
    attempt.blocks, attempt.unbacked = tuple(blocks), tuple(unbacked)
    session = ctx.original.with_changes(agenda=tuple(b.block for b in blocks))
    attempt.plan = plan(session, ctx.catalogue, ctx.profile, lang=lang, **_history_arg(ctx))


def _history_arg(ctx: _Context) -> dict[str, Any]:
    """The facilitator's history for the agenda's checks, when the checks take one."""
    return {"history": ctx.history} if ctx.history is not None else {}


def _best(ctx: _Context, arc: ArcTemplate, narrow: bool, exclude: frozenset[str], narrowed: str) -> _Attempt:
    """Draft an arc, then redraft without a form the checks warn about, keeping the best draft."""
    best: _Attempt | None = None
    excluded = set(exclude)
    for _ in range(REPAIRS + 1):
        attempt = _attempt(ctx, arc, narrow, frozenset(excluded))
        _realise(ctx, attempt, narrowed)
        if best is None or attempt.score(ctx.budget) < best.score(ctx.budget):
            best = attempt
        assert attempt.plan is not None
        culprits = {
            attempt.blocks[f.block].block.intervention
            for f in attempt.plan.findings
            if f.level != "info" and f.code in REPAIRABLE and f.block is not None
        }
        culprits -= {None}
        key_forms = {s.ident for s in attempt.slots if s.phase.key}
        culprits -= key_forms if culprits - key_forms else set()  # spare the key form while others can go
        if not culprits or culprits <= excluded:
            break
        excluded |= culprits  # type: ignore[arg-type]
    assert best is not None
    return best


# ----------------------------------------------------------------------------------------- feasibility


@dataclass(frozen=True)
class _Need:
    minutes: int
    aims: tuple[tuple[str, int], ...]
    """(aim name, minutes it needs with the frame) for every aim the wish holds."""
    narrowed: str
    aim_ids: tuple[str, ...]


def _need(ctx: _Context, arc: ArcTemplate) -> _Need:
    """How long the whole wish takes with this group: the intents the arc covers as one piece of work (the
    largest and half of the others), every other aim on top, grown for a larger group, with the frame and
    the breaks around it; never less than the least draft of the arc itself."""
    feas = ctx.content.feasibility
    lang = ctx.lang
    grow = 1 + feas.growth * max(0.0, math.log2(ctx.size / feas.reference_people))
    present = [i for i in ctx.content.feasibility.minutes if i in ctx.facts.intents]
    groups: dict[str, list[str]] = {}
    for ident in present:
        aim = arc.aim if ident in arc.covers else feas.aim_of(ident).id  # type: ignore[union-attr]
        groups.setdefault(aim, []).append(ident)
    aims = []
    for aim_id in sorted(groups, key=lambda a: (a != arc.aim, a)):
        needs = sorted((feas.minutes[i] for i in groups[aim_id]), reverse=True)
        aim = next(a for a in feas.aims if a.id == aim_id)
        aims.append((aim, (needs[0] + sum(needs[1:]) / 2) * grow, groups[aim_id]))
    work = max(feas.frame + sum(m for _, m, _ in aims), _least(ctx, arc))
    minutes, _ = ctx.content.rhythm.breaks[ctx.setting]
    breaks = max(0, math.ceil(work / ctx.limit) - 1) * minutes
    narrowed = ""
    if aims:
        aim, _, intents = aims[0]
        first = max(intents, key=lambda i: feas.minutes[i])
        narrowed = feas.narrowed[first](lang) if aim.id == arc.aim else aim.narrowed(lang)
    return _Need(
        math.ceil(work + breaks),
        tuple((a.name(lang), math.ceil(feas.frame + m)) for a, m, _ in aims),
        narrowed,
        tuple(a.id for a, _, _ in aims),
    )


def _least(ctx: _Context, arc: ArcTemplate) -> int:
    """The least a draft of this arc takes with this group: every required phase at its quickest fitting
    form (the designer's own blocks at their least)."""
    total = 0
    for phase in arc.phases:
        if phase.custom:
            total += ctx.content.rhythm.blocks[phase.custom].minutes_for(ctx.size).min
        elif not _optional(ctx, phase):
            _, _, needs = _resolve(phase, ctx.facts)
            mins = [ctx.bounds(s.intervention)[0] for s in _candidates(ctx, phase.role, needs)]
            total += min(mins, default=0)
    return total


def _proposal(ctx: _Context, need: _Need, narrowed: str) -> str:
    lang = ctx.lang
    parts = [t("design.proposal.reach", lang, budget=ctx.budget, result=narrowed)]
    if len(need.aims) >= 2:
        parts.append(t("design.proposal.aims", lang, aims=_joined([n for n, _ in need.aims], lang)))
    steps = list(need.aims) or [(t("design.proposal.wish", lang), need.minutes)]
    sessions = sum(max(1, math.ceil(m / ctx.budget)) for _, m in steps)
    series = _joined([t("design.proposal.step", lang, aim=n, minutes=m) for n, m in steps], lang)
    parts.append(t("design.proposal.series", lang, series=series, sessions=sessions, budget=ctx.budget))
    return " ".join(parts)


# ----------------------------------------------------------------------------------------- findings


def _findings(
    ctx: _Context, attempt: _Attempt, need: _Need, fits: bool, reasons: tuple[Condition, ...]
) -> tuple[Finding, ...]:
    """The agenda's findings on the draft, each warning with why the draft keeps it, and the designer's own."""
    lang = ctx.lang
    assert attempt.plan is not None
    out: list[Finding] = []
    for f in attempt.plan.findings:
        if f.level == "warning":
            key = f"design.kept.{f.code}"
            why = t(key, lang)
            f = replace(f, message=f"{f.message} {why if why != key else t('design.kept.other', lang)}")
        out.append(f)
    if not fits:
        message = t("design.does_not_fit", lang, needed=need.minutes, size=ctx.size, budget=ctx.budget)
        out.append(Finding("error", "wish-does-not-fit", message, None, 0))
    if len(need.aims) >= 2:
        names = _joined([n for n, _ in need.aims], lang)
        out.append(Finding("info", "two-aims", t("design.two_aims", lang, count=len(need.aims), aims=names)))
    why = _joined([c.reason(ctx.facts) for c in reasons], lang)
    name = attempt.arc.name(lang)
    text = (
        t("design.arc_because", lang, arc=name, why=why) if why else t("design.arc_default", lang, arc=name)
    )
    out.append(Finding("info", "arc-chosen", text))
    for phase, key in attempt.left_out:
        purpose = _resolve(phase, ctx.facts)[0]
        out.append(
            Finding(
                "info", "phase-left-out", t(key, lang, purpose=purpose, role=t(f"roles.{phase.role}", lang))
            )
        )
    for index, title, risk in attempt.unbacked:
        out.append(Finding("info", "no-plan-b", t("design.no_plan_b", lang, title=title, why=risk), index))
    return tuple(sorted(out, key=lambda f: LEVEL_ORDER[f.level]))


# ----------------------------------------------------------------------------------------- public API


def _draft(ctx: _Context, arc: ArcTemplate, exclude: frozenset[str] = frozenset()) -> Draft:
    need = _need(ctx, arc)
    fits = ctx.budget >= need.minutes
    narrowed = "" if fits else need.narrowed
    attempt = _best(ctx, arc, not fits, exclude, narrowed)
    _, held = arc.score(ctx.facts)
    findings = _findings(ctx, attempt, need, fits, held)
    fits = fits and not any(f.level == "error" for f in findings)
    assert attempt.plan is not None
    return Draft(
        arc,
        ctx.lang,
        ctx.budget,
        need.minutes,
        fits,
        attempt.blocks,
        findings,
        "" if ctx.budget >= need.minutes else _proposal(ctx, need, need.narrowed),
        next(f.message for f in findings if f.code == "arc-chosen"),
        attempt.plan,
    )


def ranked_arcs(
    session: Session, profile: Profile, content: DesignContent | None = None
) -> list[ArcTemplate]:
    """The arc templates, the one this session speaks for most first (file order on a tie)."""
    content = content or default_content()
    f = facts(session, profile)
    scored = [(-arc.score(f)[0], i, arc) for i, arc in enumerate(content.arcs)]
    return [arc for *_, arc in sorted(scored, key=lambda row: row[:2])]


def design(
    session: Session,
    catalogue: Catalogue,
    *,
    profile: Profile | None = None,
    history: History | None = None,
    alternatives: int = 0,
    seed: int = 0,
    lang: str | None = None,
    content: DesignContent | None = None,
) -> Design:
    """A first draft of the session's agenda, with ``alternatives`` that differ in substance.

    Alternatives are another arc (in the order the session speaks for them) or the same arc with another
    key work form; ``seed`` shuffles which of those come first, so the draft itself never changes.
    """
    profile = profile or diagnose(session, lang=lang)
    ctx = _Context(session, catalogue, profile, history, content or default_content())
    arcs = ranked_arcs(session, profile, ctx.content)
    main = _draft(ctx, arcs[0])
    if alternatives <= 0:
        return Design(main)
    return Design(main, _alternatives(ctx, arcs, main, alternatives, seed))


def _key_form(draft: Draft) -> str | None:
    keys = {p.id for p in draft.arc.phases if p.key}
    return next(
        (b.block.intervention for b in draft.blocks if b.phase in keys and b.block.intervention), None
    )


def _alternatives(
    ctx: _Context, arcs: list[ArcTemplate], main: Draft, count: int, seed: int
) -> tuple[Draft, ...]:
    """Other arcs and other key work forms, each different in substance from the drafts before it."""
    other_arcs: list[ArcTemplate | None] = list(arcs[1:])
    swaps: list[ArcTemplate | None] = [None] * max(count, len(other_arcs))
    variations = [v for pair in zip(other_arcs, swaps, strict=False) for v in pair]
    variations += swaps[len(other_arcs) :]
    if seed:
        random.Random(seed).shuffle(variations)
    out: list[Draft] = []
    seen = {(main.arc.id, frozenset(main.interventions))}
    swapped: set[str] = set()
    last_swap = main
    for arc in variations:
        if len(out) >= count:
            break
        if arc is None:  # the same arc with another key work form
            key = _key_form(last_swap)
            if key is None:
                continue
            swapped.add(key)
            draft = last_swap = _draft(ctx, main.arc, frozenset(swapped))
        else:
            draft = _draft(ctx, arc)
        signature = (draft.arc.id, frozenset(draft.interventions))
        if signature in seen or (draft.arc.id == main.arc.id and _key_form(draft) == _key_form(main)):
            continue
        seen.add(signature)
        out.append(draft)
    return tuple(out)


# ----------------------------------------------------------------------------------------- applying


def keep_agenda(session: Session, name: str) -> Session:
    """The session with its current agenda kept as a named alternative (a number is added to a name in use);
    an empty agenda, or one already kept, is not kept again."""
    if not session.agenda or any(a.agenda == session.agenda for a in session.alternatives):
        return session
    names = {a.name for a in session.alternatives}
    unique, n = name.strip() or "agenda", 2
    while unique in names:
        unique, n = f"{name.strip()} ({n})", n + 1
    return session.with_changes(alternatives=(*session.alternatives, SavedAgenda(unique, session.agenda)))


def apply_draft(
    session: Session, draft: Draft, name: str | None = None, now: dt.datetime | None = None
) -> Session:
    """The session with the draft as its agenda, the agenda it had kept as a named alternative."""
    moment = now or dt.datetime.now()
    label = name or t("design.kept_name", session.language, when=moment.strftime("%Y-%m-%d %H:%M"))
    return keep_agenda(session, label).with_changes(agenda=draft.agenda)


def restore_agenda(session: Session, which: int | str, now: dt.datetime | None = None) -> Session:
    """The session with a kept agenda back in place (by number from 1, or by name); the agenda it replaces
    is kept in its turn, so going back and forth loses nothing."""
    found = _find(session, which)
    moment = now or dt.datetime.now()
    label = t(
        "design.before_restore", session.language, name=found.name, when=moment.strftime("%Y-%m-%d %H:%M")
    )
    kept = keep_agenda(session, label)
    return kept.with_changes(agenda=found.agenda)


def _find(session: Session, which: int | str) -> SavedAgenda:
    from .errors import PlaybookError

    kept = session.alternatives
    if isinstance(which, int) or (isinstance(which, str) and which.isdigit()):
        index = int(which)
        if 1 <= index <= len(kept):
            return kept[index - 1]
    else:
        match = [a for a in kept if a.name == which]
        if match:
            return match[0]
    names = "; ".join(f"{i}. {a.name}" for i, a in enumerate(kept, 1)) or t(
        "design.none_kept", session.language
    )
    raise PlaybookError(t("design.no_such_alternative", session.language, which=which, names=names))
