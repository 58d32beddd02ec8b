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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .agenda import Finding, Plan
from .arcs import ArcTemplate, Condition, DesignContent, default_content, facts
from .catalogue import Catalogue
from .diagnosis import Profile, diagnose
from .drafting import Attempt, Context, DraftBlock, draft_arc, joined, least_minutes, resolve
from .errors import PlaybookError
from .i18n import t
from .session import Block, SavedAgenda, Session

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
    "kept_agenda",
    "ranked_arcs",
    "restore_agenda",
]

DESIGN_CODES = (
    "wish-does-not-fit",
    "two-aims",
    "arc-chosen",
    "phase-left-out",
    "no-plan-b",
    "asked-not-used",
)
"""The designer's own findings, besides the agenda's checks of the draft."""
LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}


# ------------------------------------------------------------------------------------------ results


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


# -------------------------------------------------------------------------------------- feasibility


@dataclass(frozen=True)
class _Need:
    minutes: int
    aims: tuple[tuple[str, int], ...]
    """(aim name, minutes it needs with the frame) for every aim the wish holds."""
    narrowed: str


def _need(ctx: Context, arc: ArcTemplate) -> _Need:
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
    work = max(feas.frame + sum(m for _, m, _ in aims), least_minutes(ctx, arc))
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
    )


def _proposal(ctx: Context, need: _Need, narrowed: str) -> str:
    lang = ctx.lang
    parts = [t("design.proposal.reach", lang, budget=ctx.budget, result=narrowed)]
    if len(need.aims) >= 2:
        parts.append(t("design.proposal.aims", lang, aims=joined([n for n, _ in need.aims], lang)))
    steps = list(need.aims) or [(t("design.proposal.wish", lang), need.minutes)]
    sessions = sum(max(1, math.ceil(m / ctx.budget)) for _, m in steps)
    series = joined([t("design.proposal.step", lang, aim=n, minutes=m) for n, m in steps], lang)
    parts.append(t("design.proposal.series", lang, series=series, sessions=sessions, budget=ctx.budget))
    return " ".join(parts)


# ----------------------------------------------------------------------------------------- findings


def _findings(
    ctx: Context, attempt: Attempt, need: _Need, fits: bool, reasons: tuple[Condition, ...]
) -> tuple[Finding, ...]:
    """The agenda's findings on the draft, each warning with why the draft keeps it, and the designer's own."""
    lang = ctx.lang
    assert attempt.plan is not None
    out: list[Finding] = []
    for f in attempt.plan.findings:
        if (
            f.code == "slack"
            and ctx.history is not None
            and attempt.plan.expected_minutes > attempt.plan.total_minutes
        ):
            expected = attempt.plan.expected_minutes
            f = replace(
                f, message=f"{f.message} {t('design.kept.slack', lang, expected=expected, budget=ctx.budget)}"
            )
        if f.level == "warning":
            key = f"design.kept.{f.code}"
            why = t(key, lang)
            ident = attempt.blocks[f.block].block.intervention if f.block is not None else None
            if ident in ctx.shortlist:
                why = t("design.kept.shortlist", lang)
            elif ident in ctx.asked:
                part, words = ctx.asked[ident]
                why = t("design.kept.asked", lang, part=t(f"design.parts.{part}", lang), words=words)
            f = replace(f, message=f"{f.message} {why if why != key else t('design.kept.other', lang)}")
        out.append(f)
    if not fits:
        message = t("design.does_not_fit", lang, needed=need.minutes, size=ctx.size, budget=ctx.budget)
        out.append(Finding("error", "wish-does-not-fit", message, None, 0))
    if len(need.aims) >= 2:
        names = joined([n for n, _ in need.aims], lang)
        out.append(Finding("info", "two-aims", t("design.two_aims", lang, count=len(need.aims), aims=names)))
    why = joined([c.reason(ctx.facts) for c in reasons], lang)
    name = attempt.arc.name(lang)
    text = (
        t("design.arc_because", lang, arc=name, why=why) if why else t("design.arc_default", lang, arc=name)
    )
    out.append(Finding("info", "arc-chosen", text))
    for phase, key in attempt.left_out:
        purpose = resolve(phase, ctx.facts)[0]
        out.append(
            Finding(
                "info", "phase-left-out", t(key, lang, purpose=purpose, role=t(f"roles.{phase.role}", lang))
            )
        )
    used = {s.ident for s in attempt.slots}
    roles = {p.role for p in attempt.arc.phases}
    for ident, (part, words) in ctx.asked.items():
        item = ctx.catalogue.get(ident) if ident in ctx.catalogue else None
        if item is None or ident in used or item.role not in roles:
            continue
        where = t(f"design.parts.{part}", lang)
        unfit = not item.fits_group(ctx.size) or ctx.setting not in item.settings
        message = t(
            "design.asked_unfit" if unfit else "design.asked_elsewhere",
            lang,
            part=where[:1].upper() + where[1:],
            name=item.name(lang),
            words=words,
            minutes=item.minutes_for(ctx.size).min,
            size=ctx.size,
            setting=t(f"settings.{ctx.setting}", lang),
        )
        out.append(Finding("info", "asked-not-used", message))
    for index, title, risk in attempt.unbacked:
        out.append(Finding("info", "no-plan-b", t("design.no_plan_b", lang, title=title, why=risk), index))
    return tuple(sorted(out, key=lambda f: LEVEL_ORDER[f.level]))


# -------------------------------------------------------------------------- drafts and alternatives


def _draft(ctx: Context, arc: ArcTemplate, exclude: frozenset[str] = frozenset()) -> Draft:
    need = _need(ctx, arc)
    fits = ctx.budget >= need.minutes
    narrowed = "" if fits else need.narrowed
    attempt = draft_arc(ctx, arc, not fits, exclude, narrowed)
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
    ctx = Context(session, catalogue, profile, history, content or default_content())
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
    ctx: Context, arcs: list[ArcTemplate], main: Draft, count: int, seed: int
) -> tuple[Draft, ...]:
    """Other arcs and other key work forms, each different in substance from the drafts before it."""
    other_arcs: list[ArcTemplate | None] = list(arcs[1:])
    swaps: list[ArcTemplate | None] = [None] * max(count, len(other_arcs))
    variations = [v for pair in zip(other_arcs, swaps, strict=False) for v in pair]
    variations += swaps[len(other_arcs) :]
    if seed:
        random.Random(seed).shuffle(variations)
    out: list[Draft] = []
    seen = {frozenset(main.interventions)}
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
        signature = frozenset(draft.interventions)  # another arc with the same forms is not another draft
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
    if session.agenda == draft.agenda:
        return session
    moment = now or dt.datetime.now()
    label = name or t("design.kept_name", session.language, when=moment.strftime("%Y-%m-%d %H:%M"))
    return keep_agenda(session, label).with_changes(agenda=draft.agenda)


def restore_agenda(session: Session, which: int | str, now: dt.datetime | None = None) -> Session:
    """The session with a kept agenda back in place (by number from 1, or by name); the agenda it replaces
    is kept in its turn, so going back and forth loses nothing."""
    found = kept_agenda(session, which)
    moment = now or dt.datetime.now()
    label = t(
        "design.before_restore", session.language, name=found.name, when=moment.strftime("%Y-%m-%d %H:%M")
    )
    kept = keep_agenda(session, label)
    return kept.with_changes(agenda=found.agenda)


def kept_agenda(session: Session, which: int | str) -> SavedAgenda:
    """A kept agenda by its number in the list (from 1) or by its name; a clear error names the kept ones."""
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
