"""The report after a session as a document: the result and the actions first, then how the run went.

Built from one ``Review`` (``playbook.review``), so the table, the list of changes, the observations and
the chart share one clock. Photos arrive already read and made small (the exporter does that).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..agenda import clock
from ..i18n import capitalised, t
from ..participants import long_date
from ..review import Review, ReviewRow
from .method import span
from .nodes import Chart, Column, Document, Facts, Node, Row, Span, Table, items, para, section

if TYPE_CHECKING:
    from ..session import Session


def _change_words(row: ReviewRow, lang: str) -> str:
    return ", ".join(t(f"review.{c}", lang) for c in row.changes)


def changes_list(review: Review, lang: str) -> Node | None:
    """Swaps, cuts, insertions and blocks never reached, in words (resizes show in the table)."""
    said = []
    for row in review.rows:
        for c in row.changes:
            if c == "swapped" and row.planned and row.actual:
                said.append(t("review.said_swapped", lang, was=row.planned.title, now=row.actual.title))
            elif c in ("cut", "not-run", "inserted"):
                said.append(t(f"review.said_{c.replace('-', '_')}", lang, title=row.title))
    return items(said) if said else None


def compare_table(review: Review, lang: str) -> Table:
    """Planned and actual block by block; before the run has begun, the plan alone (no actual to claim)."""
    if not review.ran:
        return Table(
            (
                Column("#", "number"),
                Column(capitalised(t("live.planned", lang)), "time"),
                Column(capitalised(t("agenda.block", lang)), "wide"),
            ),
            tuple(
                Row((str(r.number), span(r.planned), r.title), "break" if r.planned.role == "break" else "")
                for r in review.rows
                if r.planned is not None
            ),
            style="compare",
        )
    rows = []
    for row in review.rows:
        planned = span(row.planned) if row.planned else "–"
        actual = span(row.actual) if row.actual else "–"
        style = (
            "muted" if row.actual is None else "break" if (row.actual or row.planned).role == "break" else ""
        )  # type: ignore[union-attr]
        rows.append(Row((str(row.number), planned, actual, row.title, _change_words(row, lang)), style))
    columns = (
        Column("#", "number"),
        Column(capitalised(t("live.planned", lang)), "time"),
        Column(capitalised(t("live.actual", lang)), "time"),
        Column(capitalised(t("agenda.block", lang)), "wide"),
        Column(t("review.change", lang)),
    )
    return Table(columns, tuple(rows), style="compare")


def shift_note(review: Review, lang: str) -> Node | None:
    if not review.ran or review.start_shift == 0:
        return None
    key = "review.started_late" if review.start_shift > 0 else "review.started_early"
    return para(
        t(
            key,
            lang,
            minutes=abs(review.start_shift),
            start=clock(review.actual.start),
            planned=clock(review.planned.start),
        )
    )


def chart(review: Review, lang: str) -> Chart:
    actual = review.actual
    alt = t(
        "review.chart_alt",
        lang,
        start=clock(actual.start),
        end=clock(actual.end),
        blocks=len(review.rows),
        changed=sum(1 for r in review.rows if r.changes != ("as-planned",)),
        seen=len(review.observations),
    )
    return Chart(
        "plan_vs_actual", review, alt, f"{capitalised(t('live.planned', lang))} / {t('live.actual', lang)}"
    )


def report_document(
    session: Session, review: Review, photos: Sequence[Node] = (), lang: str | None = None
) -> Document:
    """The result and the actions, then plan and actual with what changed, then what was seen."""
    lang = lang or session.language
    run = session.run
    b = session.brief
    header = [
        (t("session.client", lang), b.client.strip()),
        (t("session.date", lang), long_date(session.date, lang) if session.date else ""),
        (t("structure.purpose", lang), (b.purpose or b.visible_result).strip()),
    ]
    actions = Table(
        tuple(
            Column(capitalised(t(k, lang)), "wide" if k == "live.action" else "")
            for k in ("live.action", "live.who", "live.when")
        ),
        tuple(Row((a.what, a.who, a.when)) for a in run.actions),
        style="actions",
    )
    seen = items(
        (
            Span(o.at.strftime("%H:%M"), "time"),
            f" {t(f'live.kinds.{o.kind}', lang)}",
            f": {o.note}" if o.note else "",
        )
        for o in review.observations
    )
    return Document(
        title=session.title,
        lang=lang,
        label=t("review.label", lang),
        subtitle=(Facts(tuple((k, v) for k, v in header if v), style="practical"),),
        running=session.title,
        audience="report",
        children=(
            section(
                t("live.result", lang),
                para(run.result, style="lead")
                if run.result
                else para(t("review.no_result", lang), style="muted"),
                *photos,
            ),
            section(t("live.actions", lang), actions) if run.actions else None,
            section(
                t("review.how_it_ran", lang),
                None if review.ran else para(t("review.not_ran", lang), style="muted"),
                shift_note(review, lang),
                changes_list(review, lang) if review.ran else None,
                compare_table(review, lang),
                chart(review, lang) if review.ran else None,
            ),
            section(t("live.observations", lang), seen) if review.observations else None,
        ),
    )
