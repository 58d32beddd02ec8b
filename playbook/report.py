"""After the session: the result and the actions first, then the plan beside the run, as HTML or PDF.

Same standard as the handouts (one offline file, no scripts, strict CSP, escaped text), through the same
structure, flavour and nbconvert template. Planned and actual come from one ``Review``. Photos of the
visible result are read by :func:`read_photo`, the one photo reader: from the session's own folder only
(a session received by mail must not pull other images from the disk into a report that is shared),
regular files of a known image type under a size cap, scaled down to at most :data:`PHOTO_BYTES` and
stripped of their metadata (a phone photo carries where it was taken). A photo that cannot be used is
named in the report with the reason, never an error page.
"""

from __future__ import annotations

import io
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

from .catalogue import Catalogue
from .handout import document_notebook, export_html
from .i18n import t
from .review import review
from .schema import join
from .session import Session, SessionFile
from .structure import Image, Note, report_document

PHOTO_BYTES = 200_000
"""The most one photo may weigh in a report, so a report stays mailable."""
PHOTO_PIXELS = 1600
"""The longest side a photo keeps: sharp on a screen and in print at the width of a page."""
PHOTO_MAX_BYTES = 25 * 1024 * 1024
"""Largest photo file read: a phone photo is a few megabytes; a file far past this is not a photo."""
PHOTO_MAX_PIXELS = 50_000_000
"""Largest image decoded (a 'decompression bomb' is a small file that unpacks into gigabytes)."""
_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


@dataclass(frozen=True)
class Photo:
    """One entry of ``run.photos``: the image to embed (JPEG bytes), or why it was left out."""

    field: str
    name: str
    path: Path | None = None
    data: bytes = b""
    problem: str = ""
    """The reason it was left out: a key of ``photos`` in the interface strings (empty: embedded)."""
    values: dict[str, object] = field(default_factory=dict)

    def reason(self, lang: str) -> str:
        return t(f"photos.{self.problem}", lang, **self.values) if self.problem else ""


class _LeftOutError(ValueError):
    def __init__(self, problem: str, **values: object) -> None:
        super().__init__(problem)
        self.problem, self.values = problem, values


def read_photos(handle: SessionFile) -> list[Photo]:
    """Every photo of the run, read once (the CLI embeds them and names the ones left out)."""
    return [
        read_photo(handle.path.parent, p, join("run.photos", i))
        for i, p in enumerate(handle.session.run.photos)
    ]


def read_photo(folder: Path, name: str, field: str = "run.photos") -> Photo:
    """The one reader of photos: ``name`` relative to ``folder``, checked, read and made small."""
    relative = PurePosixPath(str(name).replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return Photo(field, str(name), problem="outside")
    root = folder.resolve()
    try:
        path = (root / relative).resolve(strict=True)
    except (OSError, RuntimeError):
        return Photo(field, str(name), problem="missing")
    if not path.is_relative_to(root):
        return Photo(field, str(name), problem="link_out")
    try:
        data = _embeddable(_read_image_file(path))
    except _LeftOutError as exc:
        return Photo(field, str(name), path, problem=exc.problem, values=exc.values)
    return Photo(field, str(name), path, data)


def _read_image_file(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise _LeftOutError("unreadable", reason=exc.strerror or str(exc)) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise _LeftOutError("not_regular")
        if st.st_size > PHOTO_MAX_BYTES:
            raise _LeftOutError("too_large", megabytes=PHOTO_MAX_BYTES // (1024 * 1024))
        raw = fh.read(PHOTO_MAX_BYTES + 1)
    if len(raw) > PHOTO_MAX_BYTES:
        raise _LeftOutError("too_large", megabytes=PHOTO_MAX_BYTES // (1024 * 1024))
    if not raw.startswith(_MAGIC) and not (raw[:4] == b"RIFF" and raw[8:12] == b"WEBP"):
        raise _LeftOutError("not_image")
    return raw


def _embeddable(raw: bytes, limit: int = PHOTO_BYTES) -> bytes:
    """The photo as a JPEG of at most ``limit`` bytes, upright, without metadata."""
    from PIL import Image as Pil  # Pillow comes with matplotlib; imported only to embed photos
    from PIL import ImageFile, ImageOps

    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, True  # as browsers are
    try:
        with Pil.open(io.BytesIO(raw)) as image:
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise _LeftOutError("too_many_pixels", millions=PHOTO_MAX_PIXELS // 1_000_000)
            image.draft("RGB", (PHOTO_PIXELS, PHOTO_PIXELS))  # JPEG: decode at a reduced size, faster
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
            if picture.mode in ("RGBA", "LA", "P"):
                picture = picture.convert("RGBA")
                flat = Pil.new("RGB", picture.size, "white")
                flat.paste(picture, mask=picture.getchannel("A"))
                picture = flat
            picture = picture.convert("RGB")
    except _LeftOutError:
        raise
    except Exception as exc:  # a damaged or hostile image: whatever the decoder raises, it is left out
        raise _LeftOutError("undecodable", reason=str(exc)) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    quality = 82
    while True:
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
        if out.tell() <= limit or picture.width < 64:
            return out.getvalue()
        if quality > 55:
            quality -= 14
        else:
            picture.thumbnail((picture.width * 3 // 4, picture.height * 3 // 4))


def small_photo(data: bytes, limit: int = PHOTO_BYTES) -> tuple[str, bytes] | None:
    """A photo as (mime type, bytes) of at most ``limit`` bytes, re-encoded as JPEG without metadata;
    None when the bytes are not an image that can be used."""
    try:
        return "image/jpeg", _embeddable(data, limit)
    except _LeftOutError:
        return None


def photo_nodes(photos: list[Photo], lang: str) -> list[Image | Note]:
    """The photos as the report shows them: each image, or a note naming one left out and why."""
    return [
        Note((t("live.photo_left_out", lang, name=p.name, reason=p.reason(lang)),), "warning")
        if p.problem
        else Image("image/jpeg", p.data, t("live.photos", lang), PurePosixPath(p.name).name)
        for p in photos
    ]


def _room_results(session: Session, lang: str) -> tuple[str, str]:
    """What the group said in the room (the room's own templates), and its style sheet for the head:
    a style element belongs in the head of a valid page, not in its body."""
    from .room.pages import results_html, room_assets

    section = results_html(session.run.room, lang, session.title)
    if not section:
        return "", ""
    css = (room_assets() / "static" / "results.css").read_text(encoding="utf-8")
    return re.sub(r"^\s*<style>.*?</style>", "", section, count=1, flags=re.S), css


def report_html(
    handle: SessionFile, catalogue: Catalogue, lang: str | None = None, photos: list[Photo] | None = None
) -> str:
    """The report of a session that ran (or the plan alone, before it ran) as one HTML page;
    ``photos`` are those :func:`read_photos` read (read here when None)."""
    session = handle.session
    lang = lang or session.language
    shown = photo_nodes(read_photos(handle) if photos is None else photos, lang)
    doc = report_document(session, review(session, catalogue), shown, lang)
    nb = document_notebook(doc)
    room, css = _room_results(session, lang)
    if room:  # after the visible result: what the group said in the room
        nb.cells.insert(2, nbformat.v4.new_raw_cell(room, metadata={"raw_mimetype": "text/html"}))
    title = t("live.report_title", lang, title=session.title)
    return export_html(
        nb, title=title, lang=lang, css=css, running=doc.running, confidential=doc.confidential
    )


def write_report(
    handle: SessionFile,
    catalogue: Catalogue,
    target: Path,
    lang: str | None = None,
    photos: list[Photo] | None = None,
) -> Path:
    """Write the report as .html, or as .pdf through Chromium; atomically, and never over one of its
    inputs (the session, a photo) or a file the playbook did not write."""
    from .outputs import check_outputs
    from .yamlio import write_bytes_atomic

    photos = read_photos(handle) if photos is None else photos
    said = lang or handle.session.language
    check_outputs([target], [handle.path, *(p.path for p in photos if p.path)], lang=said)
    html = report_html(handle, catalogue, lang, photos)
    if target.suffix.lower() == ".pdf":
        from .pdf import html_to_pdf

        write_bytes_atomic(target, html_to_pdf(html), said)
    else:
        write_bytes_atomic(target, html.encode("utf-8"), said)
    return target
