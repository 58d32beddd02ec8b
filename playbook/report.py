"""After the session: the planned and the actual run side by side, the result, the actions, as HTML.

Same standard as the handouts (one offline file, no scripts, strict CSP, escaped text), through the same
nbconvert template. Photos of the visible result are embedded as data.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import mimetypes
from pathlib import Path

import nbformat

from .agenda import Plan, clock, plan
from .catalogue import Catalogue
from .charts import plan_vs_actual_chart, to_svg
from .handout import _raw, _svg_img, export_html
from .i18n import capitalised, t
from .live import actual_plan, timeline
from .session import Session, SessionFile

e = html.escape
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def planned_and_actual(
    session: Session, catalogue: Catalogue
) -> tuple[Plan, Plan, list[tuple[int, str, str]]]:
    """The plan as it stood when the run began, the run as it happened, and the observations by minute."""
    run = session.run
    planned = plan(session.with_changes(agenda=run.planned or session.agenda), catalogue)
    last = max([e.at for e in run.events] + [o.at for o in run.observations], default=None)
    status = timeline(session, last or dt.datetime.combine(session.date or dt.date.today(), session.start))
    blocks = tuple(s for s in status.blocks if s.status != "coming") or status.blocks
    actual = actual_plan(session, blocks, status.planned_start, catalogue)
    # Observations are placed from the same moment the run is measured from (its own start, for a rehearsal).
    seen = [
        (round((o.at - status.planned_start).total_seconds() / 60), o.kind, o.note) for o in run.observations
    ]
    return planned, actual, seen


def _photo(path: Path, alt: str) -> str:
    kind = mimetypes.guess_type(path.name)[0] or ""
    if kind not in IMAGE_TYPES or not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img src="data:{kind};base64,{data}" alt="{e(alt)}"><figcaption>{e(path.name)}</figcaption></figure>'


def report_html(handle: SessionFile, catalogue: Catalogue, lang: str | None = None) -> str:
    session = handle.session
    lang = lang or session.language
    planned, actual, seen = planned_and_actual(session, catalogue)
    run = session.run
    cells = [
        _raw(
            f"<header><p class='meta'>{e(t('live.report_title', lang, title=''))}</p><h1>{e(session.title)}</h1></header>"
        )
    ]

    rows = []
    for b in actual.blocks:
        was = next((p for p in planned.blocks if p.block == b.block), None)
        plan_time = f"{clock(was.start)}–{clock(was.end)}" if was else "–"
        rows.append(
            f"<tr><td class='time'>{plan_time}</td><td class='time'>{clock(b.start)}–{clock(b.end)}</td><td>{e(b.title)}</td></tr>"
        )
    heads = "".join(
        f"<th scope='col'>{e(capitalised(t(k, lang)))}</th>"
        for k in ("live.planned", "live.actual", "agenda.block")
    )
    alt = t(
        "handout.arc_alt",
        lang,
        start=clock(actual.start),
        end=clock(actual.end),
        phases=", ".join(b.title for b in actual.blocks),
        findings=len(seen),
    )
    chart = _svg_img(
        to_svg(plan_vs_actual_chart(planned, actual, seen)),
        alt,
        f"{t('live.planned', lang)} / {t('live.actual', lang)}",
    )
    cells.append(
        _raw(
            f"<section><h2>{e(t('handout.agenda', lang))}</h2><table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>{chart}</section>"
        )
    )

    observed = "".join(
        f"<li><b>{clock(planned.start + m)}</b> {e(t(f'live.kinds.{k}', lang))}{': ' + e(n) if n else ''}</li>"
        for m, k, n in seen
    )
    cells.append(
        _raw(
            f"<section><h2>{e(t('live.observations', lang))}</h2><ul>{observed}</ul></section>"
            if seen
            else ""
        )
    )

    photos = "".join(_photo(handle.path.parent / p, t("live.photos", lang)) for p in run.photos)
    result = f"<p class='lead'>{e(run.result)}</p>" if run.result else ""
    cells.append(_raw(f"<section><h2>{e(t('live.result', lang))}</h2>{result}{photos}</section>"))

    from .room.pages import results_html  # what the group said in the room, as the beamer showed it

    cells.append(_raw(results_html(run.room, lang, session.title)))

    items = "".join(
        f"<tr><td>{e(a.what)}</td><td>{e(a.who)}</td><td>{e(a.when)}</td></tr>" for a in run.actions
    )
    heads = "".join(
        f"<th scope='col'>{e(capitalised(t(k, lang)))}</th>" for k in ("live.action", "live.who", "live.when")
    )
    cells.append(
        _raw(
            f"<section><h2>{e(t('live.actions', lang))}</h2><table><thead><tr>{heads}</tr></thead><tbody>{items}</tbody></table></section>"
        )
    )
    nb = nbformat.v4.new_notebook(cells=[c for c in cells if c.source])
    return export_html(nb, title=t("live.report_title", lang, title=session.title), lang=lang)
