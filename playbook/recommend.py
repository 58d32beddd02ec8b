"""Suggestions: which work forms fit this group, this wish and this time, and why.

Ranking happens in two passes so that a catalogue of ten thousand entries stays fast: every intervention
gets a number from precomputed features (hard limits first, then a score), and only the ones that are
shown get their reasons and warnings written out in words. A facilitator sees every judgement: "fits a
storming group", "needs at least 45 minutes, your budget leaves 30".
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .catalogue import ROLES, STAGES, Catalogue, Intervention
from .diagnosis import LOW, Profile, diagnose, intent_ids
from .errors import PlaybookError
from .i18n import Text, t
from .paths import assets_dir
from .schema import FieldReader, join
from .session import Session
from .yamlio import load_yaml_file

LARGE_GROUP = 30
"""Above this size a mostly whole-group form leaves most people silent."""
FRAME_MINUTES = 10
"""A session needs a few minutes to open and to close around any work form: a form that needs the whole
slot on its own leaves no room for them (an opening or a close is part of that frame, so it keeps half)."""


@dataclass(frozen=True)
class Intent:
    """What a wish can ask of a session, and what that favours; whether a brief asks it is a reading of
    the brief (``Profile.intents``), which the facilitator may have confirmed or corrected."""

    id: str
    roles: tuple[str, ...]
    interventions: tuple[str, ...]
    reason: Text


@dataclass(frozen=True)
class Suggestion:
    """One intervention as a candidate for one session: its score, and why."""

    intervention: Intervention
    score: int
    """0-100; only comparable within one ranking."""
    fits: bool
    """False when a hard limit is broken (group size, setting, total time); shown only on request."""
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.intervention.id

    @property
    def role(self) -> str:
        return self.intervention.role

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "score": self.score,
            "fits": self.fits,
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "origin": self.intervention.origin,
        }


def load_intents(path: str | Path | None = None) -> tuple[Intent, ...]:
    """The intents a brief can speak (``assets/suggestions/intents.yaml``), checked field by field."""
    path = Path(path) if path else assets_dir() / "suggestions" / "intents.yaml"
    data, _ = load_yaml_file(path)
    r = FieldReader(path)
    out = []
    for i, raw in enumerate(
        r.items((r.mapping(data, "", ("intents",)) or {}).get("intents"), "intents") or []
    ):
        f = join("intents", i)
        if (d := r.mapping(raw, f, ("id", "roles", "interventions", "reason"))) is None:
            continue
        ident = r.identifier(d.get("id"), join(f, "id")) or ""
        if ident and ident not in intent_ids():
            r.problem(join(f, "id"), f"has no cues to be read by; known: {', '.join(intent_ids())}")
        out.append(
            Intent(
                ident,
                r.choices(d.get("roles"), join(f, "roles"), ROLES, at_least=0) or (),
                r.identifiers(d.get("interventions"), join(f, "interventions")) or (),
                r.bilingual(d.get("reason"), join(f, "reason")) or Text("", ""),
            )
        )
    r.raise_if_any()
    return tuple(out)


@cache
def default_intents() -> tuple[Intent, ...]:
    return load_intents()


# ------------------------------------------------------------------------------------ the context


@dataclass(frozen=True)
class _Context:
    """Everything about the session that scoring needs, computed once per ranking."""

    size: int
    setting: str
    budget: int
    remaining: int
    stage: tuple[str, ...]
    """The group's stage, or both stages of 'between forming and storming'; () while unknown."""
    stage_names: dict[str, str]
    stage_sure: bool
    undercurrent: int
    safety: int | None
    safety_label: str
    themes: dict[str, str]
    """Intervention id -> name of the strongest hypothesis it helps with."""
    intent_roles: dict[str, str]
    """Arc role -> the reason an intent favours it."""
    intent_ids: dict[str, str]
    in_agenda: frozenset[str]
    lang: str


def _context(session: Session, profile: Profile, intents: Iterable[Intent]) -> _Context:
    safety = next((d for d in profile.dimensions if d.id == "psychological-safety"), None)
    trust = next((d for d in profile.dimensions if d.id == "trust"), None)
    lowest = min(
        (d for d in (safety, trust) if d is not None and d.score is not None),
        key=lambda d: d.score,
        default=None,
    )  # type: ignore[arg-type, return-value]
    themes: dict[str, str] = {}
    for th in profile.themes:
        if th.strength >= 50:
            for ident in th.interventions:
                themes.setdefault(ident, th.name)
    present = {i.id for i in profile.intents if i.present}
    roles: dict[str, str] = {}
    ids: dict[str, str] = {}
    for intent in intents:
        if intent.id in present:
            for role in intent.roles:
                roles.setdefault(role, intent.reason(profile.language))
            for ident in intent.interventions:
                ids.setdefault(ident, intent.reason(profile.language))
    planned = session.planned_minutes
    return _Context(
        size=session.group.size,
        setting=session.group.setting,
        budget=session.budget_minutes,
        remaining=session.budget_minutes - planned,
        stage=profile.stage.stages if profile.stage.confidence > 0 else (),
        stage_names={ident: name for ident, name, _ in profile.stage.curve},
        stage_sure=profile.stage.confidence >= 50,
        undercurrent=profile.undercurrent,
        safety=lowest.score if lowest else None,
        safety_label=f"{lowest.name} {lowest.score}" if lowest else "",
        themes=themes,
        intent_roles=roles,
        intent_ids=ids,
        in_agenda=frozenset(b.intervention for b in session.agenda if b.intervention),
        lang=profile.language,
    )


# ---------------------------------------------------------------------------------------- scoring


# A note is (kind, i18n key, values): kind is "reason", "warning" or "limit" (a broken hard limit).
Note = tuple[str, str, dict[str, Any]]


def _score(item: Intervention, ctx: _Context, notes: list[Note] | None) -> tuple[float, bool]:
    """Score one intervention; when ``notes`` is a list, also record why (only done for what is shown)."""
    fits = True
    score = 40.0

    def note(kind: str, key: str, **values: Any) -> None:
        if notes is not None:
            notes.append((kind, key, values))

    size = item.group_size
    if not size.min <= ctx.size <= size.max:
        fits = False
        note("limit", "suggest.size_limit", low=size.min, high=size.max, size=ctx.size)
    if ctx.setting not in item.settings:
        fits = False
        note("limit", f"suggest.setting_limit_{ctx.setting}")
    minutes = item.minutes_for(ctx.size)
    frame = min(FRAME_MINUTES, ctx.budget // 3)  # a ten-minute slot still has room for an energiser
    frame = frame // 2 if item.role in ("open", "close") else frame
    if minutes.min > ctx.budget - frame:
        fits = False
        note("limit", "suggest.budget_limit", need=minutes.min, budget=ctx.budget, frame=frame)
    elif minutes.min > ctx.remaining:
        score -= 20
        note("warning", "suggest.time_left", need=minutes.min, left=max(ctx.remaining, 0))
    elif minutes.typical <= ctx.remaining:
        score += 3

    if ctx.size > LARGE_GROUP and item.plenary_share >= 0.7:
        score -= 15
        note("warning", "suggest.plenary_large", size=ctx.size)
    if fits and size.max < 1000 and ctx.size > 0.8 * size.max:
        score -= 5
        note("warning", "suggest.near_max", high=size.max)

    if ctx.stage:
        if fitting := [s for s in ctx.stage if s in item.stages]:
            score += 10
            note("reason", "suggest.stage_fit", stage=ctx.stage_names[fitting[0]])
        elif ctx.stage_sure:
            score -= 10
            names = (
                t(
                    "diagnosis.between",
                    ctx.lang,
                    first=ctx.stage_names[ctx.stage[0]],
                    second=ctx.stage_names[ctx.stage[-1]],
                )
                if len(ctx.stage) == 2
                else ctx.stage_names[ctx.stage[0]]
            )
            note("warning", "suggest.stage_misfit", stage=names)

    if ctx.undercurrent >= 50 and item.undercurrent:  # the one definition of working below the surface
        if item.layer == "below":
            score += 0.3 * ctx.undercurrent
            note("reason", "suggest.below", undercurrent=ctx.undercurrent)
        elif item.layer == "both":
            score += 0.15 * ctx.undercurrent
            note("reason", "suggest.both", undercurrent=ctx.undercurrent)
    elif ctx.undercurrent < 30 and item.layer == "below":  # wholly below, for a group that does not need it
        score -= 5

    if ctx.safety is not None and ctx.safety < LOW:
        if item.gentle_start:
            score += 10
            note("reason", "suggest.gentle", dimension=ctx.safety_label)
        elif item.exposed_start:
            score -= 15
            note("warning", "suggest.exposed", dimension=ctx.safety_label)

    if item.id in ctx.themes:
        score += 15
        note("reason", "suggest.theme", theme=ctx.themes[item.id])
    if item.id in ctx.intent_ids:
        score += 12
        note("reason", "suggest.intent", why=ctx.intent_ids[item.id])
    elif item.role in ctx.intent_roles:
        score += 6
        note("reason", "suggest.intent", why=ctx.intent_roles[item.role])

    if item.id in ctx.in_agenda:
        score -= 25
        note("warning", "suggest.in_agenda")
    return max(0.0, min(100.0, score)), fits


def _explain(item: Intervention, ctx: _Context) -> Suggestion:
    notes: list[Note] = []
    score, fits = _score(item, ctx, notes)
    reasons = tuple(t(key, ctx.lang, **v) for kind, key, v in notes if kind == "reason")
    warnings = tuple(t(key, ctx.lang, **v) for kind, key, v in notes if kind != "reason")
    return Suggestion(item, round(score), fits, reasons, warnings)


# ------------------------------------------------------------------------------------ public API


def rank(
    session: Session,
    catalogue: Catalogue | Iterable[Intervention],
    profile: Profile | None = None,
    *,
    role: str | None = None,
    include_unfit: bool = False,
    limit: int | None = None,
    lang: str | None = None,
) -> list[Suggestion]:
    """The catalogue ranked for this session, best first.

    Interventions that break a hard limit (group size, setting, total time) are left out, unless
    ``include_unfit`` asks to see them: then they come last, each with the limit it breaks as a warning.
    """
    if role is not None and role not in ROLES:
        raise PlaybookError(
            t("errors.unknown_role", lang or session.language, role=role, choices=", ".join(ROLES))
        )
    profile = profile or diagnose(session, lang=lang)
    ctx = _context(session, profile, default_intents())
    items, scored = [], []
    for item in catalogue:
        if role is not None and item.role != role:
            continue
        score, fits = _score(item, ctx, None)
        if fits or include_unfit:
            scored.append((not fits, -score, item.id, len(items)))
            items.append(item)
    # Plain tuples compare in C; the position breaks a tie of ids and never compares two work forms.
    chosen = sorted(scored) if limit is None else heapq.nsmallest(limit, scored)
    return [_explain(items[k], ctx) for *_, k in chosen]


def _similarity(a: Intervention, b: Intervention) -> float:
    """How alike two work forms feel to a group: layer, way of working, energy (0 different .. 1 alike)."""
    same_layer = a.layer == b.layer
    same_shape = a.steps[0].configuration == b.steps[0].configuration if a.steps and b.steps else False
    close_energy = abs(a.energy - b.energy) <= 1
    return (same_layer + same_shape + close_energy) / 3


def shortlist(
    session: Session,
    catalogue: Catalogue | Iterable[Intervention],
    profile: Profile | None = None,
    *,
    per_role: int = 4,
    lang: str | None = None,
) -> dict[str, list[Suggestion]]:
    """A handful of candidates per arc role, good and varied: each next pick is penalised for looking
    like the ones already picked, so a role never offers five of the same kind."""
    profile = profile or diagnose(session, lang=lang)
    items = list(catalogue)
    out: dict[str, list[Suggestion]] = {}
    for role in ROLES:
        candidates = rank(session, items, profile, role=role)
        picked: list[Suggestion] = []
        while candidates and len(picked) < per_role:
            best = max(
                candidates,
                key=lambda s: (
                    s.score
                    - 20 * max((_similarity(s.intervention, p.intervention) for p in picked), default=0)
                ),
            )
            picked.append(best)
            candidates.remove(best)
        out[role] = picked
    return out


def plan_b(
    ident: str,
    session: Session,
    catalogue: Catalogue,
    profile: Profile | None = None,
    *,
    limit: int = 3,
    lang: str | None = None,
    minutes: int | None = None,
) -> list[Suggestion]:
    """Alternatives for one block: the same role and much the same purpose, and lighter demands.

    A plan B replaces its block in the same minutes (the live companion keeps them), so it must fit
    ``minutes`` (default: the original's typical time for this group) for this group's size. It also
    asks less in at least one way (shorter, works online, calmer, less exposing); each such difference
    is named as a reason, in front of the usual reasons it fits this group.
    """
    original = catalogue.get(ident)
    profile = profile or diagnose(session, lang=lang)
    language = profile.language
    size = session.group.size
    own = original.minutes_for(size)
    slot = minutes if minutes is not None else own.typical
    options = []
    for s in rank(session, [i for i in catalogue if i.role == original.role and i.id != ident], profile):
        alt = s.intervention
        theirs = alt.minutes_for(size)
        if theirs.min > slot:
            continue  # cannot run in the minutes of the block it would replace
        lighter = []
        if theirs.min < own.min:
            lighter.append(t("suggest.shorter", language, minutes=theirs.min, other=own.min))
        if "online" in alt.settings and "online" not in original.settings:
            lighter.append(t("suggest.online_too", language))
        if alt.energy < original.energy:
            lighter.append(t("suggest.calmer", language, energy=alt.energy, other=original.energy))
        if alt.exposure < original.exposure:
            lighter.append(
                t("suggest.less_exposing", language, exposure=alt.exposure, other=original.exposure)
            )
        if not lighter:
            continue
        purpose = (alt.layer == original.layer) + len(set(alt.stages) & set(original.stages)) / len(STAGES)
        options.append(
            (
                -(s.score + 10 * purpose + 5 * len(lighter)),
                alt.id,
                Suggestion(alt, s.score, True, (*lighter, *s.reasons), s.warnings),
            )
        )
    options.sort(key=lambda row: row[:2])
    return [suggestion for *_, suggestion in options[:limit]]
