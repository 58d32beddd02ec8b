"""The facilitator's objects as renderables: the profile, the plan's timeline and findings, suggestions,
an intervention's card and a session's summary. Each is built once and drawn by every flavour."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..agenda import Plan, TimedBlock, clock
from ..i18n import capitalised, t
from .nodes import (
    Chart,
    Column,
    Facts,
    Finding,
    Inline,
    Node,
    Note,
    Paragraph,
    Row,
    Section,
    Span,
    Table,
    items,
    para,
    section,
    strong,
)

if TYPE_CHECKING:
    from ..catalogue import Catalogue, Intervention
    from ..diagnosis import Profile
    from ..durations import SizedStep
    from ..reading import Reading
    from ..recommend import Suggestion
    from ..session import Session


def role_label(b: TimedBlock, lang: str) -> str:
    """The block's arc role in words; a break is a break, an unknown work form a question mark."""
    if b.role == "break":
        return t("session.break", lang)
    if b.block.intervention and b.intervention is None:
        return "?"
    return t(f"roles.{b.role}", lang)


def minutes(n: int, lang: str) -> str:
    return f"{n} {t('units.minutes', lang)}"


def span(b: TimedBlock) -> str:
    return f"{clock(b.start)}–{clock(b.end)}"


# ------------------------------------------------------------------------------------------- profile


def iceberg_alt(profile: Profile) -> str:
    lang = profile.language
    scores = "; ".join(f"{d.name} {d.score if d.score is not None else '–'}" for d in profile.dimensions)
    return t("handout.iceberg_alt", lang, undercurrent=profile.undercurrent, scores=scores)


def iceberg(profile: Profile) -> Chart:
    return Chart("iceberg", profile, iceberg_alt(profile), t("diagnosis.heading_iceberg", profile.language))


def stage_chart(profile: Profile) -> Chart:
    lang = profile.language
    alt = t("structure.stage_alt", lang, stage=profile.stage.label or t("diagnosis.no_stage", lang))
    return Chart("stage", profile, alt, t("diagnosis.heading_stage", lang))


def stance_chart(profile: Profile) -> Chart:
    lang = profile.language
    placed = [
        f"{c.name}: {t('diagnosis.managing' if c.position < 0 else 'diagnosis.facilitating', lang)}"
        for c in profile.stance.contrasts
        if c.position
    ]
    alt = t("structure.stance_alt", lang, contrasts="; ".join(placed) or t("diagnosis.stance_unknown", lang))
    return Chart("stance", profile, alt, t("diagnosis.heading_stance", lang))


def stance_findings(profile: Profile) -> list[Node]:
    lang = profile.language
    if not profile.stance.findings:
        return [para(t("diagnosis.stance_clear", lang))]
    return [
        Finding(f.level, f.code, f.message, f.advice, label=t(f"handout.level_{f.level}", lang))
        for f in profile.stance.findings
    ]


def reading_node(kind: str, reading: Reading, lang: str, heading: str = "") -> Paragraph:
    """One reading in words: its value, how sure (or the facilitator's word on it) and the client's words
    it rests on, so a facilitator can check it and overrule it."""
    from ..diagnosis import reading_label

    value = reading_label(kind, reading.value, lang)
    if reading.corrected:
        how = t("diagnosis.by_you_corrected", lang, read=reading_label(kind, reading.read, lang))  # type: ignore[arg-type]
    elif reading.read is not None:
        how = t("diagnosis.by_you_confirmed", lang)
    elif reading.value == "unclear":
        how = ""
    else:
        key = "diagnosis.confidence_learned" if reading.learned else "diagnosis.confidence"
        how = t(key, lang, confidence=reading.confidence)
    words = ", ".join(f"“{w}”" for w in reading.evidence)
    said = "diagnosis.evidence_learned" if reading.learned and reading.read is None else "diagnosis.evidence"
    evidence = t(said, lang, words=words) if reading.evidence else t("diagnosis.no_evidence", lang)
    return para(
        strong(f"{heading}: ") if heading else "",
        strong(value),
        f" ({how})" if how else "",
        " · ",
        Span(evidence, "muted"),
        style=f"reading reading-{kind}",
    )


def intents_section(profile: Profile) -> Section:
    """The intents the brief speaks (and those the facilitator decided on), each as a reading."""
    lang = profile.language
    rows = [
        reading_node("intent", i.reading, lang, t(f"intents.{i.id}", lang))
        for i in profile.intents
        if i.reading.value != "absent" or i.reading.read is not None
    ]
    return section(t("diagnosis.heading_intents", lang), *(rows or [para(t("diagnosis.no_evidence", lang))]))


def profile_section(profile: Profile, *, charts: bool = True, title: str | None = None) -> Section:
    """The profile in words (and, when ``charts``, the iceberg): every score and estimate with reasons."""
    lang = profile.language
    stage = profile.stage
    confidence = (
        f" ({t('diagnosis.stage_confidence', lang, confidence=stage.confidence)})" if stage.name else ""
    )
    themes: list[Node] = [] if profile.themes else [para(t("diagnosis.themes_none", lang))]
    for th in profile.themes[:5]:
        themes += [
            para(strong(th.name), f" ({th.strength}/100): {th.hypothesis}"),
            items(th.evidence, style="reasons"),
        ]
    colour = [*profile.colour.reasons]
    return section(
        title or t("diagnosis.heading_profile", lang),
        section(
            t("diagnosis.heading_undercurrent", lang),
            para(strong(f"{profile.undercurrent}/100")),
            items(profile.undercurrent_reasons, style="reasons"),
            iceberg(profile) if charts else None,
        ),
        section(
            t("diagnosis.heading_stage", lang),
            para(strong(stage.label), confidence),
            items(stage.reasons, style="reasons"),
        ),
        section(t("diagnosis.heading_themes", lang), *themes),
        section(
            t("diagnosis.heading_colour", lang),
            reading_node("colour", profile.colour.reading, lang, t("diagnosis.reading_colour", lang)),
            items(colour, style="reasons"),
            *[Note((w,), "warning") for w in profile.colour.warnings],
        ),
        section(
            t("diagnosis.heading_stance", lang),
            reading_node("stance", profile.stance.reading, lang, t("diagnosis.reading_stance", lang)),
            items(profile.stance.reasons, style="reasons"),
            *stance_findings(profile),
        ),
        intents_section(profile),
    )


def dimensions_section(profile: Profile) -> Section:
    """Every dimension with its score and reasons, layer by layer: the iceberg in words."""
    lang = profile.language
    layers = []
    for layer in ("above", "below"):
        rows: list[Node] = []
        for d in (d for d in profile.dimensions if d.layer == layer):
            rows.append(para(f"{'–' if d.score is None else d.score:>3}  {d.name}"))
            if d.score is not None:
                rows.append(items(d.reasons, style="reasons"))
        layers.append(section(t(f"layers.{layer}", lang), *rows))
    return section(t("diagnosis.heading_iceberg", lang), *layers)


# ----------------------------------------------------------------------------------------------- plan


def finding_mark(n: int) -> str:
    """Findings are lettered on the arc (A, B, …, AA), so they never read as the blocks' numbers."""
    letters = ""
    while True:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
        if n == 0:
            return letters


MARKED_FINDINGS = 20
"""At most this many findings are lettered on the arc (and in the list); more would only cover each other."""


def findings_nodes(p: Plan, window: range | None = None) -> list[Node]:
    """The plan's findings, lettered as they are marked on the arc.

    With a ``window`` (one page of a long agenda) only the findings about its blocks and the agenda's
    own are listed, and the others counted: thousands of lines help nobody and slow every edit.
    """
    lang = p.language
    if not p.findings:
        return [Note((t("agenda.no_findings", lang),), "ok")]
    placed = [f for f in p.findings if f.minute is not None][:MARKED_FINDINGS]
    marks = {id(f): finding_mark(n) for n, f in enumerate(placed, 1)}
    shown = [f for f in p.findings if window is None or f.block is None or f.block in window]
    nodes: list[Node] = [
        Finding(
            f.level,
            f.code,
            f.message,
            mark=marks.get(id(f), ""),
            label=t(f"handout.level_{f.level}", lang),
        )
        for f in shown
    ]
    if len(shown) < len(p.findings):
        nodes.append(Note((t("agenda.findings_elsewhere", lang, count=len(p.findings) - len(shown)),)))
    return nodes


def arc_alt(p: Plan, participants: bool = False) -> str:
    """A text alternative for the arc chart: the phases over time, and (for facilitators) the findings."""
    lang = p.language
    phases: list[str] = []
    for b in p.blocks:
        role = plain_role(b, lang) if participants else role_label(b, lang)
        if not phases or not phases[-1].endswith(role):
            phases.append(f"{clock(b.start)} {role}")
    key = "structure.arc_alt_participants" if participants else "handout.arc_alt"
    return t(
        key, lang, start=clock(p.start), end=clock(p.end), phases=", ".join(phases), findings=len(p.findings)
    )


def plain_role(b: TimedBlock, lang: str) -> str:
    """What a block is for, in words a participant uses ('Ideas first'), never the method's name."""
    return t("session.break", lang) if b.role == "break" else t(f"plain.{b.role}", lang)


def arc(p: Plan, audience: str = "facilitator") -> Chart:
    participants = audience == "participants"
    key = "structure.arc_caption_participants" if participants else "handout.arc_caption"
    return Chart("arc", p, arc_alt(p, participants), t(key, p.language), (("audience", audience),))


def timeline_table(p: Plan, window: range | None = None) -> Table:
    """The agenda with clock times, minutes, roles and plan B, as the facilitator sees it; ``window``
    limits the rows to one page of a long agenda."""
    lang = p.language
    columns = (
        Column("#", "number"),
        Column(capitalised(t("agenda.time", lang)), "time"),
        Column(capitalised(t("agenda.minutes", lang)), "number"),
        Column(capitalised(t("catalogue.role", lang))),
        Column(capitalised(t("agenda.block", lang)), "wide"),
        Column(t("session.plan_b", lang)),
    )
    rows = tuple(
        Row(
            (str(n), span(b), _minutes_cell(b), role_label(b, lang), b.title, ", ".join(b.plan_b_titles)),
            "break" if b.role == "break" else "",
        )
        for n, b in (
            enumerate(p.blocks, 1)
            if window is None
            else enumerate(p.blocks[window.start : window.stop], window.start + 1)
        )
    )
    return Table(columns, rows, style="timeline")


def _minutes_cell(b: TimedBlock) -> str:
    """The block's minutes, and what such blocks took in past runs when that differs (≈N)."""
    return f"{b.minutes} (≈{b.expected_minutes})" if b.expected_minutes != b.minutes else str(b.minutes)


def plan_summary(p: Plan) -> Node:
    lang = p.language
    total = t("session.planned", lang, minutes=p.total_minutes, budget=p.budget_minutes)
    return para(strong(total), f" · {clock(p.start)}–{clock(p.end)}")


def plan_section(p: Plan, title: str, *, chart: bool = True) -> Section:
    """Timeline, total and findings: notebook 03's view, the CLI's ``plan``."""
    lang = p.language
    return section(
        title,
        plan_summary(p),
        timeline_table(p),
        section(t("agenda.findings", lang), *findings_nodes(p)),
        arc(p) if chart else None,
    )


# ----------------------------------------------------------------------------------------- catalogue


def size_label(item: Intervention, lang: str) -> str:
    top = t("catalogue.any_size", lang) if item.group_size.max >= 1000 else str(item.group_size.max)
    return f"{item.group_size.min}–{top}" if top[0].isdigit() else f"{item.group_size.min}+"


def sized_step_node(
    s: SizedStep, lang: str, sized: bool = True, start: int | None = None
) -> tuple[Inline, ...]:
    """One step as its share of the block, who works with whom (for this group) and what it asks; with
    ``start``, its clock time first. A step that samples a large group says how."""
    return (step_time(s, lang, start), *step_what(s, lang, sized))


def step_time(s: SizedStep, lang: str, start: int | None = None) -> Span:
    """A step's minutes, after its clock time when it has one."""
    when = f"{clock(start)} · " if start is not None else ""
    return strong(f"{when}{minutes(s.minutes, lang)}")


def step_what(s: SizedStep, lang: str, sized: bool = True) -> tuple[Inline, ...]:
    """What a step asks and of whom, after its time: the same for every block that shares the step."""
    from ..durations import sampling_text

    how = t(f"configurations.{s.step.configuration}", lang)
    if sized and s.groups is not None and s.step.configuration != "solo":
        how += f" ({s.groups.label(lang)})"
    text = s.text(lang) if sized else s.step.text(lang)
    sampled = (" ", Span(f"→ {sampling_text(s, lang)}", "em")) if sized and s.sampled else ()
    return (f", {how}: {text}", *sampled)


def card_minutes(item: Intervention, lang: str, size: int | None) -> str:
    """The work form's time: for ``size`` people, or for its reference group when it scales."""
    span_ = item.minutes if size is None else item.minutes_for(size)
    time = f"{span_.min}–{span_.max} ({span_.typical})"
    if size is not None:
        time += f", {t('catalogue.for_size', lang, size=size)}"
        if not item.fits_group(size):
            time += f" · {t('catalogue.outside_size', lang)}"
    elif item.scales:
        time += (
            f", {t('catalogue.for_size', lang, size=item.reference_people)} · {t('catalogue.scales', lang)}"
        )
    return time


def intervention_card(
    item: Intervention,
    lang: str,
    catalogue: Catalogue | None = None,
    folded: bool = True,
    size: int | None = None,
) -> Section:
    """Everything about one work form, as a facilitator would print it; with ``size``, its time and
    steps for a group of that many people. ``folded`` puts how to run it behind its title in a page (a
    browser of many cards stays short)."""
    from ..catalogue import SHIPPED

    def label(key: str) -> str:
        return capitalised(t(f"catalogue.{key}", lang))

    def names(ids: tuple[str, ...]) -> str:
        known = catalogue if catalogue is not None else ()
        return ", ".join(catalogue.get(i).name(lang) if i in known else i for i in ids)  # type: ignore[union-attr]

    facts = Facts(
        (
            (label("role"), t(f"roles.{item.role}", lang)),
            (label("layer"), t(f"layers.{item.layer}", lang)),
            (label("energy"), f"{item.energy}/5"),
            (label("exposure"), f"{item.exposure}/3"),
            (label("minutes"), card_minutes(item, lang, size)),
            (label("group_size"), size_label(item, lang)),
            (label("settings"), ", ".join(t(f"settings.{s}", lang) for s in item.settings)),
            (label("stages"), ", ".join(t(f"stages.{s}", lang) for s in item.stages)),
        )
    )
    sized = item.steps_for(size or item.reference_people)
    steps = items((sized_step_node(s, lang, size is not None) for s in sized), ordered=True)
    risks = items((r.risk(lang), Span(f" → {r.handling(lang)}", "em")) for r in item.risks)
    origin = t("catalogue.shipped", lang) if item.origin == SHIPPED else item.origin
    related = [
        para(strong(f"{label(key)}: "), names(getattr(item, key)))
        for key in ("good_after", "good_before")
        if getattr(item, key)
    ]
    how_to = (
        section(label("invitation"), para(Span(item.invitation(lang), "quote"))),
        section(label("steps"), steps),
        section(label("materials"), items(m(lang) for m in item.materials)) if item.materials else None,
        section(label("visible_output"), para(item.visible_output(lang)))
        if item.visible_output is not None
        else None,
        section(label("risks"), risks),
        section(label("variants"), items(v(lang) for v in item.variants)) if item.variants else None,
        *related,
        para(f"{label('source')}: {item.source} · {label('origin')}: {origin}", style="muted"),
    )
    body = (section(label("steps"), *how_to, style="details"),) if folded else how_to
    return section(item.name(lang), para(item.summary(lang)), facts, *body, style="card")


def suggestion_node(s: Suggestion, lang: str, details: bool = False, size: int | None = None) -> Section:
    """One suggestion: name, role, minutes (for ``size`` people) and score, its reasons (✓) and
    warnings (⚠)."""
    from ..catalogue import SHIPPED

    item = s.intervention
    span_ = item.minutes if size is None else item.minutes_for(size)
    facts = (
        f"{t(f'roles.{item.role}', lang)} · {span_.min}–{span_.max} {t('units.minutes', lang)}"
        f" · {t('suggest.score', lang)} {s.score}"
    )
    origin = "" if item.origin == SHIPPED else f" ({t('catalogue.origin', lang)}: {item.origin})"
    body: list[Node] = [
        para(Span(facts + origin, "muted"), Span(item.id, "code")),
        items(
            [Span(f"✓ {r}", "") for r in s.reasons] + [Span(f"⚠ {w}", "warn") for w in s.warnings],
            style="checks",
        ),
    ]
    if details:
        body.append(intervention_card(item, lang, size=size))
    return Section(item.name(lang), tuple(body), style="card")


def suggestions_section(
    groups: dict[str, Sequence[Suggestion]], lang: str, title: str = "", size: int | None = None
) -> Section:
    """The shortlist per arc role: the CLI's ``suggest`` and notebook 02's tabs."""
    parts = [
        section(
            t(f"roles.{role}", lang),
            *(
                [suggestion_node(s, lang, size=size) for s in found]
                or [para(t("catalogue.none_found", lang))]
            ),
        )
        for role, found in groups.items()
    ]
    return Section(title or t("suggest.heading", lang), tuple(parts), style="roles")


# -------------------------------------------------------------------------------------------- session


def session_summary(s: Session, catalogue: Catalogue, lang: str) -> Section:
    """A session at a glance: brief, date, group and the agenda with clock times."""
    from ..agenda import timeline

    def label(key: str) -> str:
        return t(f"session.{key}", lang)

    when = f"{s.date.isoformat()}, " if s.date else ""
    facts = Facts(
        tuple(
            (k, v)
            for k, v in (
                (label("client"), s.brief.client),
                (label("wish"), s.brief.wish),
                (label("visible_result"), s.brief.visible_result),
                (label("purpose"), s.brief.purpose),
                (label("decision_rule"), s.brief.decision_rule),
                (label("context"), s.brief.context),
                (label("place"), s.brief.place),
                (label("link"), s.brief.link),
                (label("host"), s.brief.host),
                (label("contact"), s.brief.contact),
                (label("bring"), s.brief.bring),
                (label("date"), f"{when}{s.start:%H:%M}–{s.end():%H:%M}"),
                (
                    label("budget"),
                    t("session.planned", lang, minutes=s.planned_minutes, budget=s.budget_minutes),
                ),
                (
                    label("group"),
                    f"{t('session.size', lang, size=s.group.size)}, {t(f'settings.{s.group.setting}', lang)}",
                ),
            )
            if v
        )
    )
    blocks = timeline(s, catalogue, lang)
    rows = tuple(
        Row(
            (
                clock(b.start),
                minutes(b.minutes, lang),
                role_label(b, lang),
                b.title,
                ", ".join(b.plan_b_titles),
            ),
            "break" if b.role == "break" else "",
        )
        for b in blocks
    )
    columns = (
        Column(capitalised(t("agenda.time", lang)), "time"),
        Column(capitalised(t("agenda.minutes", lang)), "number"),
        Column(capitalised(t("catalogue.role", lang))),
        Column(capitalised(t("agenda.block", lang)), "wide"),
        Column(t("session.plan_b", lang)),
    )
    agenda: Node = Table(columns, rows, style="timeline") if rows else para(label("empty_agenda"))
    return section(s.title, facts, section(label("agenda"), agenda), lang=s.language)
