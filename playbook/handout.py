"""Handouts: a session document becomes one self-contained, offline, printable and safe HTML file.

The handout is a notebook (raw HTML cells, every user text escaped here) exported by nbconvert with the
playbook's own template (``assets/templates/playbook``): no code, no scripts, nothing fetched, a strict
Content-Security-Policy, charts embedded as data. Participants get what the session asks of them;
facilitators also get the diagnosis, the script with steps, notes, plan B and the findings.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from .agenda import Plan, TimedBlock, clock, plan
from .catalogue import Catalogue
from .charts import arc_chart, iceberg_chart, to_svg
from .diagnosis import Profile, diagnose, reading_label
from .durations import SizedStep, sampling_text
from .errors import PlaybookError
from .i18n import LANGUAGES, capitalised, t
from .outputs import check_outputs
from .paths import assets_dir
from .reading import Reading
from .session import Session, SessionFile
from .yamlio import write_bytes_atomic

AUDIENCES = ("participants", "facilitator")
e = html.escape


def _css() -> str:
    return (assets_dir() / "templates" / "playbook" / "style.css").read_text(encoding="utf-8")


@cache
def _exporter() -> Any:
    """One HTMLExporter for the whole process: nbconvert is slow to import and quick to reuse."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from traitlets.config import Config

    class PlaybookExporter(HTMLExporter):
        """nbconvert's HTML exporter without its final BeautifulSoup pass.

        That pass adds alt texts and tab stops to JupyterLab's cell classes, which this template neither
        lacks nor uses, and it re-parses the whole page, worse than linearly: a handout of 10,000 blocks
        spent minutes there. The rest is HTMLExporter's own ``from_notebook_node``.
        """

        def from_notebook_node(self, nb: NotebookNode, resources: Any = None, **kw: Any) -> Any:
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(parent=self))
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    config = Config()
    config.NbConvertBase.display_data_priority = ["text/html", "image/svg+xml", "image/png", "text/plain"]
    exporter = PlaybookExporter(
        config=config,
        template_name="playbook",
        extra_template_basedirs=[str(assets_dir() / "templates")],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    return exporter


def export_html(
    nb: NotebookNode, *, title: str, lang: str, show_code: bool = False, nav: str = "", css: str = ""
) -> str:
    """Render a notebook with the playbook template; ``title`` is escaped by the template."""
    resources = {
        "playbook": {
            "lang": lang if lang in LANGUAGES else "en",
            "title": title,
            "css": _css() + css,
            "show_code": show_code,
            "code_label": t("handout.code", lang),
            "image_alt": t("handout.image", lang),
            "nav": nav,
            "nav_label": t("handout.navigation", lang),
            "footer": e(t("handout.footer", lang)),
        }
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def _svg_img(svg: str, alt: str, caption: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{e(alt)}"><figcaption>{e(caption)}</figcaption></figure>'


def _raw(source: str) -> NotebookNode:
    return nbformat.v4.new_raw_cell(source, metadata={"raw_mimetype": "text/html"})


def arc_alt(p: Plan) -> str:
    """A text alternative for the arc chart: the sequence of roles over time and where the findings are."""
    lang = p.language
    phases: list[str] = []
    for b in p.blocks:
        role = t("session.break", lang) if b.role == "break" else t(f"roles.{b.role}", lang)
        if not phases or not phases[-1].endswith(role):
            phases.append(f"{clock(b.start)} {role}")
    return t(
        "handout.arc_alt",
        lang,
        start=clock(p.start),
        end=clock(p.end),
        phases=", ".join(phases),
        findings=len(p.findings),
    )


def iceberg_alt(profile: Profile) -> str:
    lang = profile.language
    scores = "; ".join(f"{d.name} {d.score if d.score is not None else '–'}" for d in profile.dimensions)
    return t("handout.iceberg_alt", lang, undercurrent=profile.undercurrent, scores=scores)


def _when(s: Session, p: Plan) -> str:
    day = s.date.isoformat() if s.date else ""
    times = f"{clock(p.start)}–{clock(p.end)}"
    return f"{day} · {times}" if day else times


def _block_asks(b: TimedBlock, lang: str) -> str:
    if b.intervention is not None:
        return f"<b>{e(b.intervention.invitation(lang))}</b><br>{e(b.intervention.summary(lang))}"
    return ""


def handout_notebook(
    session: Session, catalogue: Catalogue, audience: str = "participants", lang: str | None = None
) -> NotebookNode:
    """The handout as a notebook of raw HTML cells; all user text is escaped before it gets here."""
    if audience not in AUDIENCES:
        raise PlaybookError(f"unknown audience '{audience}'; choose {' or '.join(AUDIENCES)}")
    profile = diagnose(session, lang=lang)
    lang = profile.language
    p = plan(session, catalogue, profile)
    facilitator = audience == "facilitator"
    cells = []

    kind = t(f"handout.{audience}", lang)
    head = f"<header><p class='meta'>{e(kind)}</p><h1>{e(session.title)}</h1><p class='meta'>{e(_when(session, p))}"
    if facilitator and session.brief.client:
        head += f" · {e(t('session.client', lang))}: {e(session.brief.client)}"
    cells.append(_raw(head + "</p></header>"))

    why = [f"<section><h2>{e(t('handout.why', lang))}</h2>"]
    # Participants read the purpose they are told; the client's own wish is for the facilitator's eyes.
    told = session.brief.wish if facilitator else (session.brief.purpose or session.brief.wish)
    if told:
        why.append(f"<p class='lead'>{e(told)}</p>")
    if facilitator and session.brief.purpose:
        why.append(f"<h3>{e(t('session.purpose', lang))}</h3><p>{e(session.brief.purpose)}</p>")
    if session.brief.visible_result:
        why.append(f"<h3>{e(t('handout.result', lang))}</h3><p>{e(session.brief.visible_result)}</p>")
    if facilitator and session.brief.context:
        why.append(f"<h3>{e(t('session.context', lang))}</h3><p>{e(session.brief.context)}</p>")
    cells.append(_raw("".join(why) + "</section>"))

    rows = []
    for b in p.blocks:
        title = e(b.title)
        role = t("session.break", lang) if b.role == "break" else t(f"roles.{b.role}", lang)
        asks = _block_asks(b, lang)
        rows.append(
            f"<tr><td class='time'>{clock(b.start)}–{clock(b.end)}</td><td>{title}<br><small>{e(role)}</small></td><td>{asks}</td></tr>"
        )
    heads = (t("agenda.time", lang), t("agenda.block", lang), t("handout.asks", lang))
    table = "".join(
        f"<th scope='col'{' class=time' if i == 0 else ''}>{e(capitalised(h))}</th>"
        for i, h in enumerate(heads)
    )
    agenda = f"<section><h2>{e(t('handout.agenda', lang))}</h2><table class='agenda'><thead><tr>{table}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    agenda += _svg_img(to_svg(arc_chart(p)), arc_alt(p), t("handout.arc_caption", lang)) + "</section>"
    cells.append(_raw(agenda))

    if facilitator:
        cells.append(_raw(_diagnosis_section(profile)))
        cells.append(_raw(_findings_section(p)))
        cells.append(_raw(_script_section(p, catalogue)))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["language_info"] = {"name": "html"}
    return nb


def _reading_line(kind: str, reading: Reading, lang: str) -> str:
    """A reading as the facilitator signed it off: value, and either the facilitator's word or the words."""
    value = reading_label(kind, reading.value, lang)
    if reading.corrected:
        how = t("diagnosis.by_you_corrected", lang, read=reading_label(kind, reading.read, lang))  # type: ignore[arg-type]
    elif reading.read is not None:
        how = t("diagnosis.by_you_confirmed", lang)
    else:
        how = t("diagnosis.confidence", lang, confidence=reading.confidence)
    words = (
        f" · {t('diagnosis.evidence', lang, words=', '.join(reading.evidence))}" if reading.evidence else ""
    )
    return f"<p class='reading'><b>{e(value)}</b> ({e(how)}){e(words)}</p>"


def _intents_section(profile: Profile) -> str:
    lang = profile.language
    present = [i for i in profile.intents if i.present]
    if not present:
        return ""
    items = "".join(
        f"<li>{e(t(f'intents.{i.id}', lang))}: {_reading_line('intent', i.reading, lang)}</li>"
        for i in present
    )
    return f"<h3>{e(t('diagnosis.heading_intents', lang))}</h3><ul>{items}</ul>"


def _diagnosis_section(profile: Profile) -> str:
    lang = profile.language
    out = [f"<section><h2>{e(t('diagnosis.heading_profile', lang))}</h2>"]
    out.append(f"<p><b>{e(t('diagnosis.heading_undercurrent', lang))}: {profile.undercurrent}/100</b></p>")
    out.append("<ul>" + "".join(f"<li>{e(r)}</li>" for r in profile.undercurrent_reasons) + "</ul>")
    out.append(
        _svg_img(to_svg(iceberg_chart(profile)), iceberg_alt(profile), t("diagnosis.heading_iceberg", lang))
    )
    stage = profile.stage
    confidence = (
        f" ({t('diagnosis.stage_confidence', lang, confidence=stage.confidence)})" if stage.name else ""
    )
    out.append(f"<h3>{e(t('diagnosis.heading_stage', lang))}: {e(stage.label)}{e(confidence)}</h3>")
    out.append("<ul>" + "".join(f"<li>{e(r)}</li>" for r in stage.reasons) + "</ul>")
    out.append(f"<h3>{e(t('diagnosis.heading_themes', lang))}</h3>")
    if not profile.themes:
        out.append(f"<p>{e(t('diagnosis.themes_none', lang))}</p>")
    for th in profile.themes[:5]:
        evidence = "".join(f"<li>{e(x)}</li>" for x in th.evidence)
        out.append(f"<h4>{e(th.name)} ({th.strength}/100)</h4><p>{e(th.hypothesis)}</p><ul>{evidence}</ul>")
    out.append(
        f"<h3>{e(t('diagnosis.heading_colour', lang))}: {e(profile.colour.label or t('diagnosis.unclear', lang))}</h3>"
    )
    out.append(_reading_line("colour", profile.colour.reading, lang))
    out.append(
        "<ul>"
        + "".join(f"<li>{e(r)}</li>" for r in (*profile.colour.reasons, *profile.colour.warnings))
        + "</ul>"
    )
    out.append(f"<h3>{e(t('diagnosis.heading_stance', lang))}</h3>")
    out.append(_reading_line("stance", profile.stance.reading, lang))
    if not profile.stance.findings:
        out.append(f"<p>{e(t('diagnosis.stance_clear', lang))}</p>")
    for f in profile.stance.findings:
        advice = f"<br>{e(f.advice)}" if f.advice else ""
        out.append(
            f"<p class='finding {'error' if f.level == 'error' else 'warning'}'><code>{e(f.code)}</code> {e(f.message)}{advice}</p>"
        )
    out.append(_intents_section(profile))
    return "".join(out) + "</section>"


def _findings_section(p: Plan) -> str:
    lang = p.language
    out = [f"<section><h2>{e(t('agenda.findings', lang))}</h2>"]
    if not p.findings:
        out.append(f"<p>{e(t('agenda.no_findings', lang))}</p>")
    for f in p.findings:
        level = t(f"handout.level_{f.level}", lang)
        out.append(
            f"<p class='finding {f.level}'><b>{e(level)}</b> <code>{e(f.code)}</code> {e(f.message)}</p>"
        )
    return "".join(out) + "</section>"


def _script_section(p: Plan, catalogue: Catalogue) -> str:
    lang = p.language
    out = [f"<section><h2>{e(t('handout.script', lang))}</h2>"]
    for b in p.blocks:
        role = t("session.break", lang) if b.role == "break" else t(f"roles.{b.role}", lang)
        part = [
            f"<div class='block'><h3>{clock(b.start)}–{clock(b.end)} · {e(b.title)}</h3><p class='role'>{e(role)} · {b.minutes} {e(t('units.minutes', lang))}</p>"
        ]
        item = b.intervention
        if item is not None:
            part.append(f"<p><b>{e(t('catalogue.invitation', lang))}:</b> “{e(item.invitation(lang))}”</p>")
            part.append(f"<ol class='steps'>{''.join(_step_item(s, lang) for s in b.steps)}</ol>")
            if item.materials:
                part.append(
                    f"<p><b>{e(t('catalogue.materials', lang))}:</b> {e('; '.join(m(lang) for m in item.materials))}</p>"
                )
            if item.visible_output is not None:
                part.append(
                    f"<p><b>{e(t('catalogue.visible_output', lang))}:</b> {e(item.visible_output(lang))}</p>"
                )
            risks = "".join(f"<li>{e(r.risk(lang))} → {e(r.handling(lang))}</li>" for r in item.risks)
            part.append(f"<p><b>{e(t('catalogue.risks', lang))}</b></p><ul>{risks}</ul>")
        if b.block.notes:
            part.append(f"<p><b>{e(t('session.notes', lang))}:</b></p><p class='note'>{e(b.block.notes)}</p>")
        for ident, name in zip(b.block.plan_b, b.plan_b_titles, strict=True):
            summary = catalogue.get(ident).summary(lang) if ident in catalogue else ""
            part.append(f"<p><b>{e(t('session.plan_b', lang))}:</b> {e(name)}. {e(summary)}</p>")
        out.append("".join(part) + "</div>")
    return "".join(out) + "</section>"


def _step_item(s: SizedStep, lang: str) -> str:
    """One step of the script: its share of the block, who works with whom, and how to sample a large
    group; the shares come from the core's one split, so they add up to the block."""
    how = t(f"configurations.{s.step.configuration}", lang)
    if s.groups is not None and s.step.configuration != "solo":
        how += f" ({s.groups.label(lang)})"
    sampled = f"<br><i>{e(sampling_text(s, lang))}</i>" if s.sampled else ""
    return f"<li><b>{s.minutes} {e(t('units.minutes', lang))}</b>, {e(how)}: {e(s.text(lang))}{sampled}</li>"


def handout_html(
    session: Session, catalogue: Catalogue, audience: str = "participants", lang: str | None = None
) -> str:
    """The whole handout as one HTML document (a string), ready to write or to send."""
    nb = handout_notebook(session, catalogue, audience, lang)
    language = lang if lang in LANGUAGES else session.language
    title = f"{session.title} · {t(f'handout.{audience}', language)}"
    return export_html(nb, title=title, lang=language)


def handout_name(path: Path, audience: str, lang: str) -> str:
    stem = path.name.removesuffix(".session.yaml").removesuffix(".yaml")
    return f"{stem}.{audience}.{lang}.html"


def write_handouts(
    files: Iterable[str | Path], catalogue: Catalogue, audience: str, lang: str | None, out: str | Path
) -> list[Path]:
    """Export one handout per session file. With one file, ``out`` may name the HTML file itself;
    otherwise it is a folder (created if needed). Each file is written atomically, and every target is
    checked first (:func:`~playbook.outputs.check_outputs`): none is written if one would destroy a file."""
    files = [Path(f) for f in files]
    out = Path(out)
    if len(files) > 1 or out.suffix.lower() not in (".html", ".htm"):
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PlaybookError.at(out, "", f"the output folder cannot be created ({exc.strerror})") from None
    sessions = [SessionFile.open(path).session for path in files]
    targets = []
    for path, session in zip(files, sessions, strict=True):
        target = out / handout_name(path, audience, lang or session.language) if out.is_dir() else out
        if not target.parent.is_dir():
            raise PlaybookError.at(target, "", f"folder {target.parent} does not exist")
        targets.append(target)
    if len(set(targets)) < len(targets):
        raise PlaybookError.at(out, "", "several sessions would be written to this one file; name a folder")
    check_outputs(targets, files)
    for session, target in zip(sessions, targets, strict=True):
        language = lang or session.language
        write_bytes_atomic(target, handout_html(session, catalogue, audience, language).encode("utf-8"))
    return targets
