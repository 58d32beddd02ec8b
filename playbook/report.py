"""After the session: the result and the actions first, then the plan beside the run, as HTML or PDF.

Same standard as the handouts (one offline file, no scripts, strict CSP, escaped text), through the same
structure, flavour and nbconvert template. Planned and actual come from one ``Review``; photos of the
visible result are read from the session's folder and made small (at most ``PHOTO_BYTES`` each) before
they are embedded, so a phone photo does not turn the report into megabytes.
"""

from __future__ import annotations

import io
import mimetypes
import re
from pathlib import Path

import nbformat

from .catalogue import Catalogue
from .handout import document_notebook, export_html
from .i18n import t
from .review import review
from .session import Session, SessionFile
from .structure import Image, report_document

PHOTO_BYTES = 200_000
"""The most one photo may weigh in a report."""
PHOTO_PIXELS = 1600
"""The longest side a photo keeps: sharp on a screen and in print at the width of a page."""
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def small_photo(data: bytes, limit: int = PHOTO_BYTES) -> tuple[str, bytes] | None:
    """A photo as (mime type, bytes) of at most ``limit`` bytes: scaled down and saved as JPEG until it
    fits. None when the bytes are not an image Pillow can read."""
    from PIL import Image as Pil
    from PIL import ImageOps, UnidentifiedImageError

    try:
        with Pil.open(io.BytesIO(data)) as opened:
            kind = Pil.MIME.get(opened.format or "", "")
            turned = opened.getexif().get(0x0112, 1) != 1  # EXIF orientation: the photo needs turning
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except (UnidentifiedImageError, OSError, ValueError, Pil.DecompressionBombError):
        return None
    if len(data) <= limit and max(picture.size) <= PHOTO_PIXELS and kind in IMAGE_TYPES and not turned:
        return kind, data
    picture = picture.convert("RGB")
    side = min(PHOTO_PIXELS, max(picture.size))
    for quality in (82, 72, 62, 52):
        copy = picture.copy()
        copy.thumbnail((side, side))
        out = io.BytesIO()
        copy.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
        if out.tell() <= limit:
            return "image/jpeg", out.getvalue()
        side = int(side * 0.8)
    return "image/jpeg", out.getvalue()  # the smallest tried: good enough to show the result


def read_photos(handle: SessionFile, lang: str) -> list[Image]:
    """The run's photos that lie in the session's folder, readable and made small; others are left out."""
    folder = handle.path.parent.resolve()
    found = []
    for name in handle.session.run.photos:
        path = (folder / name).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            continue
        if (mimetypes.guess_type(path.name)[0] or "") not in IMAGE_TYPES:
            continue
        photo = small_photo(path.read_bytes())
        if photo is not None:
            found.append(Image(photo[0], photo[1], t("live.photos", lang), Path(name).name))
    return found


def _room_results(session: Session, lang: str) -> tuple[str, str]:
    """What the group said in the room (the room's own templates), and its style sheet for the head:
    a style element belongs in the head of a valid page, not in its body."""
    from .room.pages import results_html, room_assets

    section = results_html(session.run.room, lang, session.title)
    if not section:
        return "", ""
    css = (room_assets() / "static" / "results.css").read_text(encoding="utf-8")
    return re.sub(r"^\s*<style>.*?</style>", "", section, count=1, flags=re.S), css


def report_html(handle: SessionFile, catalogue: Catalogue, lang: str | None = None) -> str:
    """The report of a session that ran (or the plan alone, before it ran) as one HTML page."""
    session = handle.session
    lang = lang or session.language
    doc = report_document(session, review(session, catalogue), read_photos(handle, lang), lang)
    nb = document_notebook(doc)
    room, css = _room_results(session, lang)
    if room:  # after the visible result: what the group said in the room
        nb.cells.insert(2, nbformat.v4.new_raw_cell(room, metadata={"raw_mimetype": "text/html"}))
    title = t("live.report_title", lang, title=session.title)
    return export_html(
        nb, title=title, lang=lang, css=css, running=doc.running, confidential=doc.confidential
    )


def write_report(handle: SessionFile, catalogue: Catalogue, target: Path, lang: str | None = None) -> Path:
    """Write the report as .html, or as .pdf through Chromium; atomically."""
    from .yamlio import write_bytes_atomic

    html = report_html(handle, catalogue, lang)
    if target.suffix.lower() == ".pdf":
        from .pdf import html_to_pdf

        write_bytes_atomic(target, html_to_pdf(html))
    else:
        write_bytes_atomic(target, html.encode("utf-8"))
    return target
