"""Handouts: a session document becomes one self-contained, offline, printable and safe HTML file (or PDF).

The handout is built once as a document (``structure.handout_document``), rendered by the HTML flavour
into the raw cells of a notebook and exported by nbconvert with the playbook's own template
(``assets/templates/playbook``): no code, no scripts, nothing fetched, a strict Content-Security-Policy,
charts embedded as data. Participants get what the session asks of them in their words; facilitators get
the run sheet, the brief, the checks, the diagnosis, the packing list and the script.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from .agenda import plan
from .catalogue import Catalogue
from .diagnosis import diagnose
from .errors import PlaybookError
from .flavours import html as flavour
from .i18n import LANGUAGES, default_language, message, t
from .outputs import check_outputs
from .participants import ExportWarning, warnings
from .paths import assets_dir
from .session import Session, SessionFile
from .structure import AUDIENCES, Document, handout_document
from .yamlio import file_message as _say
from .yamlio import write_bytes_atomic

__all__ = ["AUDIENCES", "Handout", "export_html", "handout", "handout_html", "write_handouts"]
FORMATS = (".html", ".htm", ".pdf")


def _css() -> str:
    return (assets_dir() / "templates" / "playbook" / "style.css").read_text(encoding="utf-8")


def css_string(text: str) -> str:
    """Text as a CSS string literal for the page margins (running header): quotes, backslashes, line
    breaks and angle brackets escaped, so no text can end the string or the style element."""
    out = []
    for ch in text:
        if ch in '\\"<>&' or ord(ch) < 32 or ch in "\u2028\u2029":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


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

        def _create_environment(self) -> Any:
            from .templatecache import use_cache  # the page template compiled once, see there

            return use_cache(super()._create_environment())

    config = Config()
    config.NbConvertBase.display_data_priority = ["text/html", "image/svg+xml", "image/png", "text/plain"]
    exporter = PlaybookExporter(
        config=config,
        template_name="playbook",
        extra_template_basedirs=[str(assets_dir() / "templates")],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_filter("css_string", css_string)
    return exporter


def export_html(
    nb: NotebookNode,
    *,
    title: str,
    lang: str,
    show_code: bool = False,
    nav: list[tuple[str, str]] | None = None,
    css: str = "",
    running: str = "",
    confidential: str = "",
) -> str:
    """Render a notebook with the playbook template; every text given here is escaped by the template."""
    resources = {
        "playbook": {
            "lang": lang if lang in LANGUAGES else "en",
            "title": title,
            "css": _css() + css,
            "show_code": show_code,
            "code_label": t("handout.code", lang),
            "image_alt": t("handout.image", lang),
            "nav": nav or [],
            "nav_label": t("handout.navigation", lang),
            "footer": t("handout.footer", lang),
            "running": running,
            "confidential": confidential,
        }
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def document_notebook(doc: Document) -> NotebookNode:
    """A document as a notebook of raw HTML cells: its header, then one cell per top-level section."""
    cells = [
        nbformat.v4.new_raw_cell(part, metadata={"raw_mimetype": "text/html"}) for part in flavour.parts(doc)
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["language_info"] = {"name": "html"}
    return nb


def document_html(doc: Document, title: str | None = None) -> str:
    """A document as one HTML page with the playbook template."""
    return export_html(
        document_notebook(doc),
        title=title or doc.title,
        lang=doc.lang,
        running=doc.running,
        confidential=doc.confidential,
    )


@dataclass(frozen=True)
class Handout:
    """One handout: the document it was built from, its page, and what to check before sending it."""

    document: Document
    html: str
    warnings: tuple[ExportWarning, ...]


def handout(
    session: Session, catalogue: Catalogue, audience: str = "participants", lang: str | None = None
) -> Handout:
    """Build the handout for ``audience`` once and render it."""
    if audience not in AUDIENCES:
        said = lang or session.language
        choices = f" {message('errors.or', said)} ".join(AUDIENCES)
        raise PlaybookError(message("errors.unknown_audience", said, audience=audience, choices=choices))
    with collector_paused():
        profile = diagnose(session, lang=lang)
        p = plan(session, catalogue, profile)
        found = warnings(session, profile, [b.title for b in p.blocks if b.intervention is None])
        doc = handout_document(session, p, profile, catalogue, audience, found)
        title = f"{session.title} · {t(f'handout.{audience}', profile.language)}"
        return Handout(doc, document_html(doc, title), found)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Read, build and render without the cyclic garbage collector's passes, then let it catch up.

    A session and its page are trees of small objects that all live until the page is written: a
    10,000-block handout holds half a million of them. Each full pass of the collector walks every one
    again and frees none, which cost such a handout a third of its time. The pause ends with the pages,
    and what they left behind goes at the collector's next pass; reference counting frees everything
    else as usual, so memory stays as it was (measured: the same peak)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def handout_notebook(
    session: Session, catalogue: Catalogue, audience: str = "participants", lang: str | None = None
) -> NotebookNode:
    """The handout as a notebook of raw HTML cells (for tools that want the notebook itself)."""
    return document_notebook(handout(session, catalogue, audience, lang).document)


def handout_html(
    session: Session, catalogue: Catalogue, audience: str = "participants", lang: str | None = None
) -> str:
    """The whole handout as one HTML document (a string), ready to write or to send."""
    return handout(session, catalogue, audience, lang).html


def handout_name(path: Path, audience: str, lang: str, suffix: str = ".html") -> str:
    stem = path.name.removesuffix(".session.yaml").removesuffix(".yaml")
    return f"{stem}.{audience}.{lang}{suffix}"


def write_handouts(
    files: Iterable[str | Path],
    catalogue: Catalogue,
    audience: str,
    lang: str | None,
    out: str | Path,
    *,
    warn: Callable[[Path, ExportWarning], None] | None = None,
    calendar: bool = False,
    pdf: bool = False,
) -> list[Path]:
    """Export one handout per session file. With one file, ``out`` may name the file itself (.html or
    .pdf); otherwise it is a folder (created if needed). Each file is written atomically, and every target
    is checked first (:func:`~playbook.outputs.check_outputs`): none is written if one would destroy a
    file. ``warn`` hears the participant checks (for the participants' programme only); ``calendar``
    also writes an .ics; ``pdf`` writes PDF files into a folder."""
    with collector_paused():  # reading a long agenda is many small objects too, see there
        return _write_handouts(files, catalogue, audience, lang, out, warn, calendar, pdf)


def _write_handouts(
    files: Iterable[str | Path],
    catalogue: Catalogue,
    audience: str,
    lang: str | None,
    out: str | Path,
    warn: Callable[[Path, ExportWarning], None] | None,
    calendar: bool,
    pdf: bool,
) -> list[Path]:
    files = [Path(f) for f in files]
    out = Path(out)
    sessions = [SessionFile.open(path).session for path in files]
    spoken = {session.language for session in sessions}  # what goes wrong is said in theirs, if one
    said = lang or (spoken.pop() if len(spoken) == 1 else None)
    single = len(files) == 1 and out.suffix.lower() in FORMATS
    if len(files) > 1 and out.suffix.lower() in FORMATS and not out.is_dir():
        raise PlaybookError.at(out, "", _say("into_a_folder", said), said)
    if not single:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise PlaybookError.at(out, "", _say("folder_not_created", said, reason=reason), said) from None
    suffix = ".pdf" if pdf else ".html"
    targets = []
    for path, session in zip(files, sessions, strict=True):
        target = out if single else out / handout_name(path, audience, lang or session.language, suffix)
        if not target.parent.is_dir():
            folder = target.parent
            raise PlaybookError.at(target, "", t("edit.no_folder", said or default_language(), folder=folder))
        targets.append(target)
    if len(set(targets)) < len(targets):
        raise PlaybookError.at(out, "", _say("one_file_twice", said), said)
    calendars = [target.with_suffix(".ics") for target in targets] if calendar else []
    check_outputs([*targets, *calendars], files, lang=said)
    written = []
    for path, session, target in zip(files, sessions, targets, strict=True):
        language = lang or session.language
        made = handout(session, catalogue, audience, language)
        if warn is not None and audience == "participants":
            for w in made.warnings:
                warn(path, w)
        if target.suffix.lower() == ".pdf":
            from .pdf import html_to_pdf

            write_bytes_atomic(target, html_to_pdf(made.html), language)
        else:
            write_bytes_atomic(target, made.html.encode("utf-8"), language)
        written.append(target)
        if calendar:
            from .ics import session_event

            ics = target.with_suffix(".ics")
            write_bytes_atomic(ics, session_event(session, catalogue, language), language)
            written.append(ics)
    return written
