"""The handouts as documents: the participants' programme and the facilitator's script.

Participants get what the session asks of them in their own words: why we meet, when and where, who
invites them, what to bring, a programme without the method's names, roles, codes or budget, and the
shape of the session. The facilitator gets a one-page run sheet first, then the brief, the checks, the
diagnosis, the packing list and the script block by block. Both are built here once; the exporters
render them (HTML, PDF) and the checks of ``playbook.participants`` say what to look at before sending.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..agenda import Plan, TimedBlock, clock
from ..i18n import capitalised, t
from ..packing import packing_list
from ..participants import ExportWarning, bring, long_date, purpose, web_link
from .method import (
    arc,
    findings_nodes,
    minutes,
    plain_role,
    profile_section,
    role_label,
    span,
    step_time,
    step_what,
)
from .nodes import (
    Column,
    Document,
    Facts,
    Finding,
    Inline,
    Node,
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
    from ..session import Session

AUDIENCES = ("participants", "facilitator")


def step_times(b: TimedBlock) -> list[tuple[int, int, SizedStep]]:
    """The block's steps with their clock start and minutes: the core's one split of the block over its
    steps for this group (``TimedBlock.steps``, adding up to the block), placed on the clock."""
    out, start = [], b.start
    for s in b.steps:
        out.append((start, s.minutes, s))
        start += s.minutes
    return out


def how(b: TimedBlock, lang: str) -> str:
    """How participants work in a block, in plain words: 'on your own, in pairs, all together'. A first
    step with everyone is usually the facilitator explaining, so it is left out when others follow."""
    if b.intervention is None:
        return ""
    configurations = [s.step.configuration for s in b.steps] or [
        s.configuration for s in b.intervention.steps
    ]
    if len(configurations) > 1 and configurations[0] == "plenary" and configurations[1] != "plenary":
        configurations = configurations[1:]
    ways = dict.fromkeys(t(f"plain_configurations.{c}", lang) for c in configurations)
    return t("structure.how", lang, ways=", ".join(ways)) if ways else ""


def when(session: Session, p: Plan) -> str:
    times = f"{clock(p.start)}–{clock(p.end)}"
    if session.date is None:
        return times
    return t("structure.when", p.language, date=long_date(session.date, p.language), times=times)


def practical(session: Session, p: Plan, facilitator: bool = False) -> Facts:
    """When, where, who: the facts a participant looks up on the day."""
    lang = p.language
    b = session.brief
    link = web_link(b.link)
    online: Node | str = Span(link, "link") if link else b.link.strip()
    rows: list[tuple[str, object]] = [(t("structure.when_label", lang), when(session, p))]
    rows += [(t("structure.place", lang), b.place.strip()), (t("structure.online", lang), online)]
    rows += [(t("structure.host", lang), b.host.strip()), (t("structure.contact", lang), b.contact.strip())]
    if facilitator:
        rows.insert(0, (t("session.client", lang), b.client.strip()))
    return Facts(tuple((k, v) for k, v in rows if v), style="practical")  # type: ignore[misc]


# -------------------------------------------------------------------------------------- participants


def _participant_row(b: TimedBlock, lang: str) -> Row:
    if b.role == "break":
        label = b.title if b.title and b.title != t("session.break", lang) else t("session.break", lang)
        return Row((span(b), (strong(label), Span(f" · {minutes(b.minutes, lang)}", "muted"))), "break")
    if b.intervention is None:
        return Row((span(b), (strong(b.title),)))
    way = how(b, lang)
    cell = (
        para(strong(plain_role(b, lang))),
        para(b.intervention.invitation(lang)),
        para(Span(way, "muted")) if way else None,
    )
    return Row((span(b), tuple(c for c in cell if c is not None)))


def participants_document(session: Session, p: Plan) -> Document:
    lang = p.language
    why = purpose(session)
    result = session.brief.visible_result.strip()
    things = bring(session)
    rows = tuple(_participant_row(b, lang) for b in p.blocks)
    columns = (Column(capitalised(t("agenda.time", lang)), "time"), Column(t("structure.what", lang), "wide"))
    return Document(
        title=session.title,
        lang=lang,
        label=t("handout.participants", lang),
        subtitle=(practical(session, p),),
        audience="participants",
        children=(
            section(
                t("handout.why", lang),
                para(why, style="lead") if why else None,
                para(strong(f"{t('handout.result', lang)}: "), result) if result and result != why else None,
            ),
            section(t("structure.bring", lang), items(things)) if things else None,
            section(t("handout.agenda", lang), Table(columns, rows, style="agenda"), arc(p, "participants")),
        ),
    )


# --------------------------------------------------------------------------------------- facilitator


RUN_SHEET_LINES = 46
"""Lines of 8.5 pt that fit on the run sheet's page beside its heading; past that it drops the details."""


def _run_sheet_lines(p: Plan) -> int:
    return sum(
        max(2 + len(b.intervention.invitation.en) // 55, len(b.intervention.steps)) if b.intervention else 1
        for b in p.blocks
    )


class _Said(dict):  # type: ignore[type-arg]
    """Words made once per key: a long agenda says the same few labels thousands of times."""

    def __init__(self, say: Callable[[Any], Any]) -> None:
        super().__init__()
        self.say = say

    def __missing__(self, key: Any) -> Any:
        self[key] = said = self.say(key)
        return said


def run_sheet(p: Plan) -> Section:
    """One page to hold during the session: every block with its clock time, what to say to open it,
    and the clock time of each of its steps with the way the group works in it. A long agenda keeps the
    times and drops the invitations, so the sheet stays one page."""
    lang = p.language
    detailed = _run_sheet_lines(p) <= RUN_SHEET_LINES
    ways = _Said(lambda configuration: f" {t(f'configurations.{configuration}', lang)}")
    roles = _Said(lambda label: Span(f" · {label}", "muted"))
    rows = []
    for n, b in enumerate(p.blocks, 1):
        times = [(Span(clock(start), "time"), ways[s.step.configuration]) for start, _, s in step_times(b)]
        block: list[object] = [strong(b.title), roles[role_label(b, lang)]]
        if detailed and b.intervention is not None:
            steps: object = tuple(para(*parts) for parts in times)
            block.append(para(Span(b.intervention.invitation(lang), "quote"), style="muted"))
        else:
            steps = tuple(x for i, parts in enumerate(times) for x in ((" · ",) if i else ()) + parts)
        rows.append(
            Row((str(n), span(b), str(b.minutes), tuple(block), steps), "break" if b.role == "break" else "")
        )
    columns = (
        Column("#", "number"),
        Column(capitalised(t("agenda.time", lang)), "time"),
        Column(capitalised(t("agenda.minutes", lang)), "number"),
        Column(capitalised(t("agenda.block", lang)), "wide"),
        Column(t("structure.steps_clock", lang)),
    )
    total = t("session.planned", lang, minutes=p.total_minutes, budget=p.budget_minutes)
    return section(
        t("structure.run_sheet", lang),
        Table(columns, tuple(rows), style="runsheet"),
        para(f"{clock(p.start)}–{clock(p.end)} · {total}", style="muted"),
        style="page",
    )


def brief_section(session: Session, p: Plan) -> Section:
    lang = p.language
    b = session.brief
    facts = [
        (t("session.wish", lang), b.wish),
        (t("session.visible_result", lang), b.visible_result),
        (t("structure.purpose", lang), b.purpose),
        (t("session.context", lang), b.context),
        (
            t("session.group", lang),
            f"{t('session.size', lang, size=session.group.size)}, {t(f'settings.{session.group.setting}', lang)}",
        ),
    ]
    return section(t("structure.brief", lang), Facts(tuple((k, v.strip()) for k, v in facts if v.strip())))


def warnings_section(found: tuple[ExportWarning, ...], lang: str) -> Section | None:
    if not found:
        return None
    nodes = [Finding(w.level, w.code, w.message, label=t(f"handout.level_{w.level}", lang)) for w in found]
    return section(t("structure.before_sending", lang), *nodes)


def packing_section(session: Session, p: Plan) -> Section:
    lang = p.language
    found = packing_list(p, session.group.setting)
    setting = t(f"settings.{session.group.setting}", lang)
    if not found:
        return section(t("structure.packing", lang), para(t("structure.packing_none", lang)))
    return section(
        t("structure.packing", lang),
        para(t("structure.packing_for", lang, setting=setting), style="muted"),
        items(((i.material, Span(f" ({', '.join(i.blocks)})", "muted")) for i in found), style="checklist"),
    )


class _Shared:
    """What the script says the same way in every block of one work form: its invitation, its visible
    output and its risks, and a plan B's summary. Built once per work form and then shared, so a
    10,000-block agenda of 50 work forms builds them 50 times, not 10,000 (and the HTML flavour renders
    each once)."""

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        self.catalogue = catalogue
        self.lang = lang
        self._forms: dict[int, tuple[Intervention, Paragraph, tuple[Node, ...]]] = {}
        self._plan_b: dict[tuple[str, str], Paragraph] = {}
        self._steps: dict[int, tuple[SizedStep, tuple[Inline, ...]]] = {}

    def form(self, item: Intervention) -> tuple[Paragraph, tuple[Node, ...]]:
        """The work form's invitation (said before its steps), and what follows its steps."""
        known = self._forms.get(id(item))
        if known is not None and known[0] is item:
            return known[1], known[2]
        lang = self.lang
        invitation = para(
            strong(f"{capitalised(t('catalogue.invitation', lang))}: "), Span(item.invitation(lang), "quote")
        )
        after: list[Node] = []
        if item.visible_output is not None:
            label = f"{capitalised(t('catalogue.visible_output', lang))}: "
            after.append(para(strong(label), item.visible_output(lang)))
        if item.risks:
            after.append(para(strong(capitalised(t("catalogue.risks", lang)))))
            after.append(items((r.risk(lang), Span(f" → {r.handling(lang)}", "em")) for r in item.risks))
        self._forms[id(item)] = (item, invitation, tuple(after))
        return invitation, tuple(after)

    def step(self, s: SizedStep, start: int) -> tuple[Inline, ...]:
        """A step at its clock time: its time and minutes, then what it asks (made once per step; the
        plan gives every block of one work form, group and length the same steps)."""
        known = self._steps.get(id(s))
        if known is None or known[0] is not s:
            known = (s, step_what(s, self.lang))
            self._steps[id(s)] = known
        return (step_time(s, self.lang, start), *known[1])

    def plan_b(self, ident: str, name: str) -> Paragraph:
        """A plan B by name, with its work form's summary when the catalogue knows it."""
        known = self._plan_b.get((ident, name))
        if known is None:
            lang = self.lang
            summary = self.catalogue.get(ident).summary(lang) if ident in self.catalogue else ""
            known = para(strong(f"{t('session.plan_b', lang)}: "), f"{name}. {summary}")
            self._plan_b[(ident, name)] = known
        return known


def _script_block(b: TimedBlock, n: int, shared: _Shared) -> Section:
    lang = shared.lang
    head = para(Span(f"{role_label(b, lang)} · {minutes(b.minutes, lang)}", "muted"))
    item = b.intervention
    parts: list[Node | None] = [head]
    if item is not None:
        invitation, after = shared.form(item)
        steps = items((shared.step(s, start) for start, _, s in step_times(b)), ordered=True)
        parts += [invitation, steps, *after]
    if b.block.notes:
        parts += [para(strong(f"{t('session.notes', lang)}:")), para(b.block.notes, style="note")]
    for ident, name in zip(b.block.plan_b, b.plan_b_titles, strict=True):
        parts.append(shared.plan_b(ident, name))
    title = f"{n}. {span(b)} · {b.title}"
    return section(title, *parts, style="break" if b.role == "break" else "block")


def facilitator_document(
    session: Session, p: Plan, profile: Profile, catalogue: Catalogue, found: tuple[ExportWarning, ...]
) -> Document:
    lang = p.language
    date = f" · {long_date(session.date, lang)}" if session.date else ""
    shared = _Shared(catalogue, lang)
    return Document(
        title=session.title,
        lang=lang,
        label=t("handout.facilitator", lang),
        subtitle=(practical(session, p, facilitator=True),),
        running=f"{session.title}{date}",
        confidential=t("structure.confidential", lang),
        audience="facilitator",
        children=(
            run_sheet(p),
            brief_section(session, p),
            warnings_section(found, lang),
            section(t("agenda.findings", lang), *findings_nodes(p), arc(p)),
            profile_section(profile),
            packing_section(session, p),
            section(
                t("handout.script", lang),
                *[_script_block(b, n, shared) for n, b in enumerate(p.blocks, 1)],
            ),
        ),
    )


def handout_document(
    session: Session,
    p: Plan,
    profile: Profile,
    catalogue: Catalogue,
    audience: str,
    found: tuple[ExportWarning, ...] = (),
) -> Document:
    """The handout for ``audience``; ``found`` are the participant checks, shown to the facilitator."""
    if audience == "participants":
        return participants_document(session, p)
    return facilitator_document(session, p, profile, catalogue, found)
