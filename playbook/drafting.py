"""Drafting one arc: a work form (or the designer's own block) for every phase, minutes that fit the
group and the budget, breaks in the setting's rhythm, a plan B beside every risky block, and the reason
for each choice in words; then the agenda's own checks, and a redraft without a form they warn about.

The choices follow the ranking (``recommend.rank``): a phase takes the first ranked form of its role that
meets its needs (a safe start, a form that works below the surface), in the order the facilitator's
shortlist, the phase's usual forms and then the ranking give; ``playbook.design`` puts drafts together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .agenda import (
    GROAN_FLOOR,
    GROAN_GROUP,
    GROAN_SHARE,
    HARVEST_MINUTES,
    NO_BREAK_LIMIT,
    SCREEN_BREAK_LIMIT,
    Plan,
    plan,
)
from .arcs import ArcTemplate, CustomBlock, DesignContent, Facts, Needs, Phase, facts
from .catalogue import Catalogue, Intervention
from .diagnosis import LOW, Profile
from .i18n import Text, t
from .reading import tokenise
from .recommend import Suggestion, plan_b, rank
from .schedule import break_places, spread
from .session import Block, Session
from .vocabulary import clock, minutes_of_day, works_below

if TYPE_CHECKING:
    from .calibrate import History


RANK_LIMIT = 40
"""Candidates ranked per role at first; the whole role is ranked only when a phase's needs rule them out."""


ROUND_SHARE = 1 / 3
"""A work form is a round when at least this share of its time is the whole group taking turns."""


FILL = 0.95
"""A draft fills at least this share of the budget, and never more than all of it."""


LONG_DAY_FORMS = 2
"""Extra forms a phase of the diamond may take when the day is long and its usual forms do not fill it."""
DIAMOND = ("diverge", "groan", "converge")
ASKED_ROOM = 2.5
"""A form the brief asks for may need up to this many times its phase's share of the time; a form usual
for the phase up to ``USUAL_ROOM`` times, any other 1.5 times (the others give the difference back)."""
USUAL_ROOM = 2.0
NARROW_ROOM = 2
"""A draft of what fits (the whole wish does not) leaves out its optional phases and second forms only when
the session is shorter than this many times the arc's quickest complete draft: a short slot does one thing
well; a long one that holds only part of the wish still gets the whole shape."""
REPAIRS = 4
"""Times the designer redrafts to avoid a warning the agenda's checks raise about one of its blocks."""


REPAIRABLE = frozenset(
    ("long-plenary", "block-too-short", "round-too-short", "plan-b-too-long", "plan-b-unfit", "energy-dip")
)
"""Warnings about one block that another work form for the same phase may avoid."""


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


class Context:
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
        self.asked = asked_forms(session, content)
        """Work form id -> (brief field, the client's words) for every form the brief asks for by name."""
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
        """(min, typical, max, note) for this group: the scaled range, never longer than a stretch between
        two breaks, and what the facilitator's own history says about its pace."""
        if item.id not in self._bounds:
            scaled = item.minutes_for(self.size)
            note = ""
            if self.history is not None:
                estimate = self.history.estimate(item.id, item.role, scaled.typical)
                if estimate.calibrated:
                    note = estimate.note(self.lang, item.name(self.lang))
            hi = min(scaled.max, self.limit)
            self._bounds[item.id] = (scaled.min, max(scaled.min, min(scaled.typical, hi)), hi, note)
        return self._bounds[item.id]

    def paced(self, ident: str | None, role: str, minutes: int) -> int:
        """What ``minutes`` planned for such a block take at this facilitator's own pace (the same
        estimate the agenda's checks use); the planned minutes without a history."""
        if self.history is None:
            return minutes
        return self.history.estimate(ident, role, minutes).minutes

    def plan_b(self, item: Intervention, minutes: int, used: frozenset[str]) -> tuple[str, str] | None:
        """A lighter form of the same role that fits this group in the block's minutes, with how it is lighter."""
        key = (item.id, minutes)
        if key not in self._plan_b:
            found = None
            # Only the role's best-ranked forms are worth a look: as many as the shipped catalogue has,
            # a small share of ten thousand.
            pool = Catalogue([item, *(s.intervention for s in self.ranked(item.role) if s.id != item.id)])
            for option in plan_b(item.id, self.session, pool, self.profile, limit=8):
                alt = option.intervention
                if alt.id in used or self.setting not in alt.settings or not alt.fits_group(self.size):
                    continue
                if alt.minutes_for(self.size).min <= minutes:
                    found = (alt.id, option.reasons[0])
                    break
            self._plan_b[key] = found
        return self._plan_b[key]


ASK_PARTS = ("visible_result", "decision_rule")
"""The fields of the brief whose words can ask for a work form: what the group leaves with, and how it
decides. The wish speaks of the content ("our timeline is tight", "pitch the plan to the board"), so its
words never choose a method."""


def asked_forms(session: Session, content: DesignContent) -> dict[str, tuple[str, str]]:
    """The work forms the brief asks for in so many words ("by dot vote", "a timeline of the quarter"):
    form id -> (the field, the words as the client wrote them). Phrases match whole words in any
    inflection, in the session's language or the other one."""
    lang = session.language
    parts = {p: getattr(session.brief, p) for p in ASK_PARTS if getattr(session.brief, p).strip()}
    if not parts or not content.asks:
        return {}
    doc = tokenise(parts, lang)
    stems = [tok.stem for tok in doc.tokens]
    found: dict[str, tuple[str, str]] = {}
    for ask in content.asks:
        hits = []
        for phrase in {p for ps in ask.phrases.values() for p in ps}:
            want = [tok.stem for tok in tokenise({"p": phrase}, lang).tokens]
            n = len(want)
            for i in range(len(stems) - n + 1):
                if stems[i : i + n] == want and doc.tokens[i].part == doc.tokens[i + n - 1].part:
                    hits.append((ASK_PARTS.index(doc.tokens[i].part), i, -n, doc.words(i, i + n - 1)))
        if hits:  # the first place, in the most binding field, quoted as fully as a phrase matches
            order, *_, words = min(hits)
            found[ask.intervention] = (ASK_PARTS[order], words)
    return found


def joined(parts: Sequence[str], lang: str) -> str:
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


def resolve(phase: Phase, f: Facts) -> tuple[str, tuple[str, ...], Needs]:
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


def _candidates(ctx: Context, role: str, needs: Needs) -> list[Suggestion]:
    """The ranked forms of a role that meet a phase's needs: the facilitator's shortlist first, then the
    forms the brief asks for in so many words, then the phase's usual forms, then the rest.

    The usual forms are listed in the order a facilitator reaches for them in that phase; the ranking
    knows this group. Both count: the usual forms are taken by the sum of their two places (the ranking
    breaks a tie), so a form that is usual *and* fits the group comes first. The rest keep the ranking's
    own order."""
    found = [s for s in ctx.ranked(role) if _meets(s.intervention, needs)]
    if not found:
        found = [s for s in ctx.ranked(role, full=True) if _meets(s.intervention, needs)]
    usual = [s.id for s in found if s.id in needs.prefer]
    place = {ident: usual.index(ident) + needs.prefer.index(ident) for ident in usual}

    def order(item: tuple[int, Suggestion]) -> tuple[int, int, int]:
        rank, s = item
        if s.id in ctx.shortlist:
            return (0, 0, rank)
        if s.id in ctx.asked:
            return (1, 0, rank)
        if s.id in place:
            return (2, place[s.id], rank)
        return (3, 0, rank)

    return [s for _, s in sorted(enumerate(found), key=order)]


def _varied(ctx: Context, sequence: Sequence[_Slot | None], at: int, item: Intervention) -> bool:
    """Not three rounds in a row around position ``at`` (a draft's rounds drag; the room goes quiet)."""
    rounds = [(s is not None and s.item is not None and _is_round(s.item, ctx.size)) for s in sequence]
    rounds[at] = _is_round(item, ctx.size)
    return not any(all(rounds[i : i + 3]) for i in range(max(0, at - 2), min(at + 1, len(rounds) - 2)))


def _slot(ctx: Context, phase: Phase, item: Intervention | None, s: Suggestion | None) -> _Slot:
    purpose, because, needs = resolve(phase, ctx.facts)
    if item is None:
        custom = ctx.content.rhythm.blocks[phase.custom or "harvest"]
        m = custom.minutes_for(ctx.size)
        return _Slot(phase, purpose, because, needs, m.min, m.typical, m.max, custom=custom)
    lo, typical, hi, note = ctx.bounds(item)
    return _Slot(phase, purpose, because, needs, lo, typical, hi, item, s, note=note)


def _pick(
    ctx: Context, phase: Phase, target: float, taken: set[str], sequence: list[_Slot | None], at: int
) -> tuple[Intervention, Suggestion] | None:
    """The first candidate for a phase that is free, fits its share of the time and keeps the draft varied;
    with none, the first that fits the time, then the first at all."""
    _, _, needs = resolve(phase, ctx.facts)
    free = [s for s in _candidates(ctx, phase.role, needs) if s.id not in taken]
    if phase.role == "converge":  # its first form makes the choice; one that prepares it may follow
        free = [s for s in free if s.intervention.decides or _chosen(ctx, s.id)] or free

    def fits(s: Suggestion) -> bool:
        stretch = ASKED_ROOM if s.id in ctx.asked else USUAL_ROOM if s.id in needs.prefer else 1.5
        room = max(target * stretch, target + 5)
        return ctx.bounds(s.intervention)[0] <= room

    fitting = [s for s in free if fits(s)]
    for pool, varied in ((fitting, True), (fitting, False), (free, True)):
        for s in pool:
            if not varied or _varied(ctx, sequence, at, s.intervention):
                return s.intervention, s
    smallest = min(free, key=lambda s: ctx.bounds(s.intervention)[0], default=None)
    return (smallest.intervention, smallest) if smallest else None


def _chosen(ctx: Context, ident: str) -> bool:
    """On the facilitator's shortlist, or asked for in the brief's own words."""
    return ident in ctx.shortlist or ident in ctx.asked


def _optional(ctx: Context, phase: Phase) -> bool:
    """Whether a phase may be left out: never the groan zone of a group large enough that skipping it
    skips people (the agenda's own threshold)."""
    return phase.optional and not (phase.role == "groan" and ctx.size >= GROAN_GROUP)


@dataclass
class _Composition:
    slots: list[_Slot]
    left_out: list[tuple[Phase, str]]
    """Phases without a block, each with the reason."""


def _compose(
    ctx: Context, arc: ArcTemplate, work: int, narrow: bool, exclude: frozenset[str]
) -> _Composition:
    """Choose a block for every phase (key phases first, so variety never costs the arc its character),
    then add second forms where a phase has time for them, then fit the minutes to ``work``."""
    short = narrow and ctx.budget < NARROW_ROOM * least_minutes(ctx, arc, every=True)
    phases = [p for p in arc.phases if not (short and _optional(ctx, p))]
    shared = sum(p.share for p in phases if p.custom is None) or 1.0
    custom_minutes = sum(
        ctx.content.rhythm.blocks[p.custom].minutes_for(ctx.size).typical for p in phases if p.custom
    )
    forms_time = max(0, work - custom_minutes)
    targets = {p.id: forms_time * p.share / shared for p in phases}
    sequence: list[_Slot | None] = [None] * len(phases)
    taken = set(exclude)
    left: list[tuple[Phase, str]] = [(p, "design.left_out_time") for p in arc.phases if p not in phases]
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
    if not short:
        _add_second_forms(ctx, slots, targets, taken, work)
    _make_room(ctx, slots, work, left)
    return _Composition(slots, left)


def _add_second_forms(
    ctx: Context, slots: list[_Slot], targets: dict[str, float], taken: set[str], work: int
) -> None:
    """Where a phase has time for more than one form (and the session more than its blocks take), add the
    next candidate, varied, right after the phase's last form; a long day strings a few more forms into
    the diamond itself (another round of ideas, of sense-making, of choosing)."""
    for extra in (0, LONG_DAY_FORMS):
        while sum(s.typical for s in slots) < work * FILL:
            if not _add_one(ctx, slots, targets, taken, work, extra):
                break


def _add_one(
    ctx: Context, slots: list[_Slot], targets: dict[str, float], taken: set[str], work: int, extra: int
) -> bool:
    gaps = []
    for phase_id in dict.fromkeys(s.phase.id for s in slots):
        own = [s for s in slots if s.phase.id == phase_id]
        phase = own[0].phase
        most = phase.forms + (extra if phase.role in DIAMOND else 0)
        if phase.custom or own[0].custom or len(own) >= most:
            continue
        gaps.append((targets[phase_id] - sum(s.typical for s in own), phase_id))
    for gap, phase_id in sorted(gaps, key=lambda g: (-g[0], g[1])):
        own = [s for s in slots if s.phase.id == phase_id]
        room = max(gap, work - sum(s.typical for s in slots))
        deciding = any(o.item is not None and o.item.decides for o in own)
        for s in _candidates(ctx, own[0].phase.role, own[0].needs):
            lo = ctx.bounds(s.intervention)[0]
            if s.id in taken or lo > room or (deciding and s.intervention.decides):
                continue  # one choice per phase: a second vote on the same options only repeats it
            at = _place(slots, own, s.intervention)
            if deciding and own[0].phase.role == "converge" and at > _choice(slots, own):
                continue  # the choice ends the converging: a form after it only reopens it
            trial: list[_Slot | None] = [*slots[:at], None, *slots[at:]]
            if not _varied(ctx, trial, at, s.intervention):
                continue
            slots.insert(at, _slot(ctx, own[0].phase, s.intervention, s))
            taken.add(s.id)
            return True
    return False


def _choice(slots: list[_Slot], own: list[_Slot]) -> int:
    """The place of a phase's deciding form."""
    return slots.index(next(o for o in own if o.item is not None and o.item.decides))


def _place(slots: list[_Slot], own: list[_Slot], item: Intervention) -> int:
    """Where a phase's next form goes: before the first of its forms it leads into (clustering before the
    vote, as the catalogue's ``good_before`` and ``good_after`` say), else after the phase's last form."""
    for o in own:
        if o.item is not None and (o.item.id in item.good_before or item.id in o.item.good_after):
            return slots.index(o)
    return slots.index(own[-1]) + 1


def _make_room(ctx: Context, slots: list[_Slot], work: int, left: list[tuple[Phase, str]]) -> None:
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


def _fit(ctx: Context, slots: list[_Slot], work: int) -> None:
    """Minutes for every block, adding up to ``work``, with the time the agenda's checks ask after the
    last choice (the harvest) and for the groan zone (more after more diverging, more with more people)."""
    _harvest_floor(ctx, slots, work)
    for _ in range(3):
        _paced_spread(ctx, slots, work)
        if not _groan_floor(ctx, slots, work):
            return


def _paced_spread(ctx: Context, slots: list[_Slot], work: int) -> None:
    """Spread the minutes so that the blocks fill ``work`` at the facilitator's own pace: a facilitator
    whose rounds run 30 % over gets planned minutes that leave room for it, each within its range."""
    target = work
    while True:
        minutes = spread(target, [s.lo for s in slots], [s.typical for s in slots], [s.hi for s in slots])
        cost = sum(ctx.paced(s.ident, s.phase.role, m) for s, m in zip(slots, minutes, strict=True))
        if cost <= work or target <= sum(s.lo for s in slots):
            break
        target -= max(1, (cost - work) // 2)
    for s, m in zip(slots, minutes, strict=True):
        s.minutes = m


def _raise(slots: Sequence[_Slot], need: int, spare: int) -> None:
    """Raise the least times of ``slots`` (up to their most) until they add up to ``need``, using at most
    ``spare`` minutes of the session's slack."""
    short = min(need - sum(s.lo for s in slots), spare)
    for s in slots:
        if short <= 0:
            return
        step = min(short, s.hi - s.lo)
        s.lo += step
        s.typical = max(s.typical, s.lo)
        short -= step


def _harvest_floor(ctx: Context, slots: list[_Slot], work: int) -> None:
    """Time after the last converging block to write the result down, read it back and photograph it."""
    last = max((i for i, s in enumerate(slots) if s.phase.role == "converge"), default=None)
    if last is None or last == len(slots) - 1:
        return
    after = slots[last + 1 :]
    need = HARVEST_MINUTES * (2 if ctx.size > 30 else 1)
    spare = work - sum(s.lo for s in slots)
    if sum(s.hi for s in after) >= need:
        _raise(list(reversed(after)), need, spare)
    elif spare >= ctx.content.rhythm.blocks["harvest"].minutes_for(ctx.size).min:
        slots.append(_slot(ctx, after[-1].phase, None, None))  # the designer's own harvest closes it


def _groan_floor(ctx: Context, slots: list[_Slot], work: int) -> bool:
    """Whether the groan zone was short and its least time was raised (so the minutes are spread again)."""
    groans = [s for s in slots if s.phase.role == "groan"]
    if not groans:
        return False
    last = slots.index(groans[-1])
    diverging = [s for s in slots[:last] if s.phase.role == "diverge"]
    need = max(
        GROAN_FLOOR + min(ctx.size // 10, 10), math.ceil(GROAN_SHARE * sum(s.minutes for s in diverging))
    )
    if sum(s.minutes for s in groans) >= need:
        return False
    room = sum(s.hi for s in groans)
    if room < need:  # the groan zone cannot grow enough: diverge less, so that it need not
        allowed = math.floor(room / GROAN_SHARE)
        total_hi = sum(s.hi for s in diverging) or 1
        for s in diverging:
            s.hi = max(s.lo, min(s.hi, allowed * s.hi // total_hi))
            s.typical = min(s.typical, s.hi)
    before = sum(s.lo for s in groans)
    _raise(groans, min(need, room), work - sum(s.lo for s in slots))
    return sum(s.lo for s in groans) > before or room < need


def _breaks(ctx: Context, count: int) -> list[tuple[int, str]]:
    """``count`` breaks for this setting as (minutes, label); one of them is lunch across midday."""
    rhythm = ctx.content.rhythm
    minutes, label = rhythm.breaks[ctx.setting]
    out = [(minutes, label(ctx.lang))] * count
    start, until, lunch, title = rhythm.lunch
    if count and ctx.start <= start and ctx.start + ctx.budget >= until + 30:
        out[0] = (lunch, title(ctx.lang))
    return out


def _break_count(ctx: Context) -> int:
    """The fewest breaks that keep every stretch of work within the setting's limit."""
    count = 0
    while count < 12:
        work = ctx.budget - sum(ctx.paced(None, "break", m) for m, _ in _breaks(ctx, count))
        if work <= (count + 1) * ctx.limit:
            return count
        count += 1
    return count


@dataclass
class Attempt:
    arc: ArcTemplate
    narrow: bool
    slots: list[_Slot]
    breaks: list[tuple[int, str]]
    cuts: list[int]
    left_out: list[tuple[Phase, str]]
    plan: Plan | None = None
    blocks: tuple[DraftBlock, ...] = ()
    unbacked: tuple[tuple[int, str, str], ...] = ()
    lunch: int | None = None
    """The block after which the lunch goes, when there is one."""
    """(block index, title, why it is risky) for risky blocks no lighter form can back up."""

    def score(self, budget: int) -> tuple[int, int, int, int]:
        """Lower is better: errors, then phases lost for want of a form (a draft that keeps its arc's shape
        beats one that avoids a warning by dropping the converging), then warnings and an unfilled budget."""
        assert self.plan is not None
        levels = [f.level for f in self.plan.findings]
        gap = budget - self.plan.expected_minutes
        lost = sum(key == "design.left_out_none" for _, key in self.left_out)
        warnings = levels.count("warning") + (gap > (1 - FILL) * budget)
        return (levels.count("error"), lost, warnings, abs(gap))


def _attempt(ctx: Context, arc: ArcTemplate, narrow: bool, exclude: frozenset[str]) -> Attempt:
    """One arc drafted: break budget, blocks, minutes and break places; more breaks if the blocks cannot
    be cut into stretches short enough."""
    first = _break_count(ctx)
    last: Attempt | None = None
    for count in range(first, first + 4):
        breaks = _breaks(ctx, count)
        work = ctx.budget - sum(ctx.paced(None, "break", m) for m, _ in breaks)
        if work <= 0:
            break
        comp = _compose(ctx, arc, work, narrow, exclude)
        _fit(ctx, comp.slots, work)
        cuts = break_places([s.minutes for s in comp.slots], count, ctx.limit)
        last = Attempt(arc, narrow, comp.slots, breaks, cuts or [], comp.left_out)
        if cuts is not None:
            last.lunch = _lunch_cut(ctx, last)
            _wake_after_lunch(ctx, last, work, exclude)
            return last
    if last is None:
        return Attempt(arc, narrow, [], [], [], [])
    # No place for the breaks keeps every stretch short enough (one form alone is longer): the agenda's
    # check says so, and the breaks' minutes go back to the blocks.
    _fit(ctx, last.slots, ctx.budget)
    last.breaks, last.cuts = [], []
    return last


def _lunch_cut(ctx: Context, attempt: Attempt) -> int | None:
    """After which block the lunch goes (the break nearest to midday), when the session has a lunch."""
    minutes = {m for m, _ in attempt.breaks}
    if len(minutes) < 2 or not attempt.cuts:
        return None
    regular = min(minutes)
    times, now = [], ctx.start
    for i, slot in enumerate(attempt.slots):
        now += slot.minutes
        if i in attempt.cuts:
            times.append((abs(now - ctx.content.rhythm.lunch[0]), i))
            now += regular
    return min(times)[1]


def _wake_after_lunch(ctx: Context, attempt: Attempt, work: int, exclude: frozenset[str]) -> None:
    """A calm block straight after lunch meets the afternoon dip: start the afternoon with an energiser."""
    at = attempt.lunch
    if at is None or at + 1 >= len(attempt.slots) or not _calm(attempt.slots[at + 1]):
        return
    taken = {s.ident for s in attempt.slots if s.ident} | set(exclude)
    free = [s for s in ctx.ranked("energise") if s.id not in taken and s.intervention.energy >= 3]
    if not free:
        return
    phase = Phase("energiser", "energise", Text(t("design.energiser", "en"), t("design.energiser", "nl")))
    trial = [
        *attempt.slots[: at + 1],
        _slot(ctx, phase, free[0].intervention, free[0]),
        *attempt.slots[at + 1 :],
    ]
    _fit(ctx, trial, work)
    cuts = break_places([s.minutes for s in trial], len(attempt.cuts), ctx.limit, required=at)
    if cuts is not None and at + 1 not in cuts:  # an energiser followed by a break wakes nobody
        attempt.slots, attempt.cuts = trial, cuts


def _calm(slot: _Slot) -> bool:
    """Calm enough to meet the after-lunch dip (the agenda's energy-dip check): energy 2 or less."""
    if slot.item is not None:
        return slot.item.energy <= 2
    return slot.phase.role in ("close", "input", "open")


def _assign_breaks(ctx: Context, attempt: Attempt) -> dict[int, tuple[int, str]]:
    """Which break goes where: the lunch at its place, the other breaks in between."""
    breaks = list(attempt.breaks[: len(attempt.cuts)])
    if not breaks:
        return {}
    regular = min(breaks, key=lambda b: b[0])
    lunch = max(breaks, key=lambda b: b[0])
    if attempt.lunch is None or lunch == regular:
        return dict(zip(attempt.cuts, breaks, strict=True))
    return {c: (lunch if c == attempt.lunch else regular) for c in attempt.cuts}


def _risk(ctx: Context, slot: _Slot) -> str | None:
    """Why a block needs a plan B, in words, or None when it does not."""
    item = slot.item
    if item is None:
        return None
    rhythm = ctx.content.rhythm
    if item.deep:
        return t("design.risk.deep", ctx.lang)
    if item.exposure >= rhythm.risky_exposure and ctx.low:
        names = joined([_mid_sentence(ctx.profile.dimension(d).name) for d in ctx.low], ctx.lang)
        key = "design.risk.exposure" if len(ctx.low) == 1 else "design.risk.exposure_many"
        return t(key, ctx.lang, dimension=names)
    if slot.minutes >= rhythm.risky_minutes:
        return t("design.risk.long", ctx.lang, minutes=slot.minutes)
    if slot.phase.key:
        return t("design.risk.key", ctx.lang)
    return None


def _mid_sentence(name: str) -> str:
    """'Psychological safety' as it reads inside a sentence."""
    return name[:1].lower() + name[1:]


def _reason(ctx: Context, slot: _Slot, plan_b: tuple[str, str] | None, risk: str | None) -> str:
    lang = ctx.lang
    head = (
        t("design.purpose_because", lang, purpose=slot.purpose, why=joined(slot.because, lang))
        if slot.because
        else t("design.purpose", lang, purpose=slot.purpose)
    )
    if slot.custom is not None:
        own = t(f"design.custom.{slot.custom.id}", lang)
        return f"{head} {own}" if slot.purpose else own
    assert slot.item is not None and slot.suggestion is not None
    why = list(slot.suggestion.reasons[:2])
    if slot.item.id in ctx.asked:
        part, words = ctx.asked[slot.item.id]
        why.insert(0, t("design.asked", lang, part=t(f"design.parts.{part}", lang), words=words))
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
        paced = ctx.paced(slot.ident, slot.phase.role, slot.minutes)
        parts += [slot.note, t("design.paced", lang, minutes=paced)]
    if plan_b is not None:
        name = ctx.catalogue.get(plan_b[0]).name(lang)
        parts.append(t("design.plan_b", lang, name=name, lighter=plan_b[1], why=risk))
    elif risk is not None:
        parts.append(t("design.plan_b_none", lang, why=risk))
    return " ".join(parts)


def _custom_notes(ctx: Context, custom: CustomBlock, narrowed: str) -> str:
    lang, brief = ctx.lang, ctx.original.brief
    lines = [custom.notes(lang)]
    if custom.id == "welcome":
        rule = brief.decision_rule.strip()
        lines.append(t("design.notes.rule", lang, rule=rule) if rule else t("design.notes.no_rule", lang))
        if brief.purpose.strip():
            lines.append(t("design.notes.purpose", lang, purpose=brief.purpose.strip()))
    result = narrowed or brief.visible_result.strip()
    if result:
        lines.append(t("design.notes.result", lang, result=result))
    return "\n".join(lines)


def _realise(ctx: Context, attempt: Attempt, narrowed: str) -> None:
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
    attempt.plan = plan(session, ctx.catalogue, ctx.profile, lang=lang, history=ctx.history)


def draft_arc(
    ctx: Context, arc: ArcTemplate, narrow: bool, exclude: frozenset[str], narrowed: str
) -> Attempt:
    """Draft an arc, then redraft without a form the checks warn about, keeping the best draft."""
    best: Attempt | None = None
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
        culprits = {c for c in culprits if not _chosen(ctx, c)}  # what the client or you asked for stays
        key_forms = {s.ident for s in attempt.slots if s.phase.key}
        culprits -= key_forms if culprits - key_forms else set()  # spare the key form while others can go
        if not culprits or culprits <= excluded:
            break
        excluded |= culprits  # type: ignore[arg-type]
    assert best is not None
    return best


def least_minutes(ctx: Context, arc: ArcTemplate, every: bool = False) -> int:
    """The least a draft of this arc takes with this group: every required phase (``every``: every phase)
    at its quickest fitting form (the designer's own blocks at their least)."""
    total = 0
    for phase in arc.phases:
        if phase.custom:
            total += ctx.content.rhythm.blocks[phase.custom].minutes_for(ctx.size).min
        elif every or not _optional(ctx, phase):
            _, _, needs = resolve(phase, ctx.facts)
            mins = [ctx.bounds(s.intervention)[0] for s in _candidates(ctx, phase.role, needs)]
            total += min(mins, default=0)
    return total
