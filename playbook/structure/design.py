"""A drafted design as renderables: the draft with every reason beside it, its findings, what can be
reached when the wish does not fit, and the alternatives; the CLI's ``design`` and notebook 03's panel
render this one structure (text and widget flavours)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import capitalised, t
from ..vocabulary import clock
from .nodes import Column, Finding, Node, Note, Row, Section, Table, para, section, strong

if TYPE_CHECKING:
    from ..design import Design, Draft


def draft_summary(d: Draft) -> Node:
    """What the draft plans against the budget, at the facilitator's pace when known, and whether the
    whole wish fits."""
    lang = d.language
    totals = t("session.planned", lang, minutes=d.total_minutes, budget=d.budget_minutes)
    if d.plan.expected_minutes != d.total_minutes:
        totals += " · " + t("design.ui.paced", lang, minutes=d.plan.expected_minutes)
    verdict = t("design.cli.fits" if d.fits else "design.cli.does_not_fit", lang, needed=d.needed_minutes)
    return para(strong(totals), f" · {verdict}")


def draft_table(d: Draft, reasons: bool = True) -> Table:
    """Every block with its clock time, minutes and role, and (``reasons``) why it is there."""
    lang = d.language
    columns = [
        Column(capitalised(t("agenda.time", lang)), "time"),
        Column(capitalised(t("agenda.minutes", lang)), "number"),
        Column(capitalised(t("catalogue.role", lang))),
        Column(capitalised(t("agenda.block", lang)), "wide"),
    ]
    if reasons:
        columns.append(Column(capitalised(t("design.ui.why", lang))))
    rows = []
    for b in d.blocks:
        role = t("session.break", lang) if b.role == "break" else t(f"roles.{b.role}", lang)
        cells = [f"{clock(b.start)}–{clock(b.end)}", str(b.minutes), role, strong(b.title)]
        if reasons:
            cells.append(b.reason)
        rows.append(Row(tuple(cells), "break" if b.role == "break" else ""))
    return Table(tuple(columns), tuple(rows), style="timeline")


def draft_findings(d: Draft, levels: tuple[str, ...] = ("error", "warning", "info")) -> list[Node]:
    lang = d.language
    return [
        Finding(f.level, f.code, f.message, label=t(f"handout.level_{f.level}", lang))
        for f in d.findings
        if f.level in levels
    ]


def draft_section(d: Draft, label: str, *, full: bool = True) -> Section:
    """One draft under ``label`` ('Draft', 'Alternative 1'): the arc and its summary, the totals, what can
    be reached when it does not fit, the blocks and the findings; ``full=False`` leaves out the reasons
    and the info findings (an alternative in short)."""
    lang = d.language
    proposal = (
        Note((strong(t("design.cli.proposal", lang)), " ", d.proposal), "error") if d.proposal else None
    )
    return section(
        f"{label}: {d.arc.name(lang)}",
        para(d.arc.summary(lang)) if full else None,
        draft_summary(d),
        proposal if full else None,
        draft_table(d, reasons=full),
        *draft_findings(d, ("error", "warning", "info") if full else ("error", "warning")),
        style="draft",
    )


def design_sections(result: Design) -> list[Section]:
    """The draft in full, then every alternative in short."""
    lang = result.draft.language
    out = [draft_section(result.draft, t("design.cli.draft", lang))]
    for k, alt in enumerate(result.alternatives, 1):
        out.append(draft_section(alt, t("design.cli.alternative", lang, k=k), full=False))
    return out
