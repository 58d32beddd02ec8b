"""The shared playbook site: every notebook executed on the example session and exported as static pages.

Widgets have no kernel in a static page, so each playbook widget leaves a ``text/html`` snapshot of what
it shows next to its live view (see ``ui/static.py``); the site shows those snapshots, and the code folded
away in ``<details>``. Pages use the handout template: no scripts, nothing from the network.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat

from .catalogue import Catalogue, load_catalogue
from .errors import PlaybookError
from .handout import AUDIENCES, document_notebook, export_html, write_handouts
from .i18n import t
from .outputs import check_outputs
from .paths import notebook_files
from .session import load_session
from .structure.nodes import Document, Link, items, para, section
from .workspace import DEFAULT_EXAMPLE, copy_example, examples


@contextmanager
def _example_workspace() -> Iterator[Path]:
    """A throw-away workspace holding the default example, so executing never touches the user's files."""
    before = os.environ.get("PLAYBOOK_WORKSPACE")
    with tempfile.TemporaryDirectory(prefix="playbook-site-") as tmp:
        os.environ["PLAYBOOK_WORKSPACE"] = tmp
        try:
            copy_example(DEFAULT_EXAMPLE)
            yield Path(tmp)
        finally:
            if before is None:
                os.environ.pop("PLAYBOOK_WORKSPACE", None)
            else:
                os.environ["PLAYBOOK_WORKSPACE"] = before


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _nav(pages: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    return [("index.html", t("handout.index_title", lang)), *pages]


def _link_pages(nb: nbformat.NotebookNode, path: Path, pages: list[tuple[str, Path]]) -> None:
    """Links between notebooks ("Next on the path") point at their pages in the site, not at .ipynb
    files: rewritten in the Markdown before it is rendered, never in the HTML after."""
    targets = {Path(os.path.relpath(other, path.parent)).as_posix(): href for href, other in pages}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for relative, href in targets.items():
                cell.source = cell.source.replace(f"]({relative})", f"]({href})")


def export_site(
    notebooks: str | Path,
    out: str | Path,
    catalogue: Catalogue | None = None,
    lang: str = "en",
    timeout: int = 600,
) -> list[Path]:
    """Execute each notebook in ``notebooks`` (sub-folders too) on the example session and write the site."""
    from nbclient import NotebookClient
    from pygments.formatters import HtmlFormatter

    from .yamlio import write_bytes_atomic

    source, out = Path(notebooks), Path(out)
    paths = notebook_files(source)
    if not paths:
        raise PlaybookError.at(source, "", t("errors.no_notebooks", lang))
    pages = [(p.relative_to(source).with_suffix(".html").as_posix().replace("/", "-"), p) for p in paths]
    if out.exists() and not out.is_dir():
        raise PlaybookError.at(out, "", t("errors.site_is_file", lang))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PlaybookError.at(out, "", t("errors.site_folder", lang, reason=exc.strerror)) from None
    # Every page the site will write, checked before the first notebook runs (the handouts check theirs).
    check_outputs([out / "index.html", *(out / href for href, _ in pages)], paths, lang=lang)
    catalogue = catalogue if catalogue is not None else load_catalogue()
    code_css = HtmlFormatter(style="vs").get_style_defs(".highlight")  # AA contrast on a light page
    executed: list[tuple[str, str, nbformat.NotebookNode]] = []
    with _example_workspace():
        for href, path in pages:
            nb = nbformat.read(path, as_version=4)
            try:
                NotebookClient(
                    nb,
                    timeout=timeout,
                    kernel_name="python3",
                    resources={"metadata": {"path": str(path.parent)}},
                ).execute()
            except Exception as exc:  # a broken notebook is reported by name, not as a traceback
                raise PlaybookError.at(
                    path,
                    "",
                    t(
                        "errors.not_executed",
                        lang,
                        reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                    ),
                ) from None
            executed.append((href, _title(nb, path.stem), nb))

    nav = _nav([(href, title) for href, title, _ in executed], lang)
    written = []
    for (href, title, nb), (_, path) in zip(executed, pages, strict=True):
        _link_pages(nb, path, pages)
        page = export_html(nb, title=title, lang=lang, show_code=True, nav=nav, css=code_css)
        write_bytes_atomic(out / href, page.encode("utf-8"), lang)
        written.append(out / href)

    handouts = out / "handouts"
    links = []
    for name, path in examples().items():
        lang_of = load_session(path).language
        for audience in AUDIENCES:
            [target] = write_handouts([path], catalogue, audience, None, handouts)
            written.append(target)
            links.append((f"handouts/{target.name}", f"{name} · {t(f'handout.{audience}', lang_of)}"))
    index = Document(
        t("handout.index_title", lang),
        lang,
        (
            para(t("handout.index_intro", lang)),
            items(Link(title, href) for href, title, _ in executed),
            section(t("handout.handouts", lang), items(Link(title, href) for href, title in links)),
        ),
    )
    write_bytes_atomic(
        out / "index.html",
        export_html(document_notebook(index), title=index.title, lang=lang, nav=nav).encode("utf-8"),
        lang,
    )
    return [out / "index.html", *written]
