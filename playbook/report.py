"""After the session: the planned and the actual run side by side, the result, the actions, as HTML.

Same standard as the handouts (one offline file, no scripts, strict CSP, escaped text), through the same
nbconvert template. Photos of the visible result are embedded as data, read by :func:`read_photo`: from
the session's own folder only (a session received by mail must not pull other images from the disk into
a report that is shared), regular files of a known image type under a size cap, scaled down to at most
:data:`PHOTO_EMBED_BYTES` and stripped of their metadata (a phone photo carries where it was taken).
A photo that cannot be used is named in the report with the reason, never an error page.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat

from .agenda import Plan, clock, plan
from .catalogue import Catalogue
from .charts import plan_vs_actual_chart, to_svg
from .handout import _raw, _svg_img, export_html
from .i18n import capitalised, t
from .live import actual_plan, timeline
from .schema import join
from .session import Session, SessionFile

e = html.escape
PHOTO_MAX_BYTES = 25 * 1024 * 1024
"""Largest photo file read: a phone photo is a few megabytes; a file far past this is not a photo."""
PHOTO_MAX_PIXELS = 50_000_000
"""Largest image decoded (a 'decompression bomb' is a small file that unpacks into gigabytes)."""
PHOTO_EMBED_BYTES = 200 * 1024
"""Each embedded photo is scaled and compressed to at most this size, so a report stays mailable."""
PHOTO_SIDE = 1600
"""Longest side of an embedded photo, in pixels: sharp on a screen and on A4."""
_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}


@dataclass(frozen=True)
class Photo:
    """One entry of ``run.photos``: the image to embed (JPEG bytes), or the reason it was left out."""

    field: str
    name: str
    path: Path | None = None
    data: bytes = b""
    problem: str = ""


def read_photos(handle: SessionFile) -> list[Photo]:
    """Every photo of the run, read once (the CLI embeds them and reports the ones left out)."""
    return [
        read_photo(handle.path.parent, p, join("run.photos", i))
        for i, p in enumerate(handle.session.run.photos)
    ]


def read_photo(folder: Path, name: str, field: str = "run.photos") -> Photo:
    """The one reader of photos: ``name`` relative to ``folder``, checked, read and made small."""
    relative = PurePosixPath(str(name).replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return Photo(field, str(name), problem="only photos inside the session's folder are used")
    root = folder.resolve()
    try:
        path = (root / relative).resolve(strict=True)
    except (OSError, RuntimeError):
        return Photo(field, str(name), problem="the file was not found beside the session")
    if not path.is_relative_to(root):
        return Photo(field, str(name), problem="it links to a file outside the session's folder")
    try:
        raw = _read_image_file(path)
        data = _embeddable(raw)
    except ValueError as exc:
        return Photo(field, str(name), path, problem=str(exc))
    return Photo(field, str(name), path, data)


def _read_image_file(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise ValueError(f"it cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("it is not a regular file")
        if st.st_size > PHOTO_MAX_BYTES:
            raise ValueError(f"it is larger than {PHOTO_MAX_BYTES // (1024 * 1024)} MB")
        raw = fh.read(PHOTO_MAX_BYTES + 1)
    if len(raw) > PHOTO_MAX_BYTES:
        raise ValueError(f"it is larger than {PHOTO_MAX_BYTES // (1024 * 1024)} MB")
    if not any(raw.startswith(magic) for magic in _MAGIC) and not (
        raw[:4] == b"RIFF" and raw[8:12] == b"WEBP"
    ):
        raise ValueError("it is not a PNG, JPEG, GIF or WebP image")
    return raw


def _embeddable(raw: bytes) -> bytes:
    """The photo as a JPEG of at most :data:`PHOTO_EMBED_BYTES`, upright, without metadata."""
    from PIL import Image, ImageFile, ImageOps  # Pillow comes with matplotlib; imported only to embed photos

    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, True  # as browsers are
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValueError(f"it has more than {PHOTO_MAX_PIXELS // 1_000_000} million pixels")
            image.draft("RGB", (PHOTO_SIDE, PHOTO_SIDE))  # JPEG: decode at a reduced size, much faster
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
            if picture.mode in ("RGBA", "LA", "P"):
                picture = picture.convert("RGBA")
                flat = Image.new("RGB", picture.size, "white")
                flat.paste(picture, mask=picture.getchannel("A"))
                picture = flat
            picture = picture.convert("RGB")
    except ValueError:
        raise
    except Exception as exc:  # a damaged or hostile image: whatever the decoder raises, it is left out
        raise ValueError(f"it cannot be read as an image ({exc})") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    quality = 82
    while True:
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= PHOTO_EMBED_BYTES or picture.width < 64:
            return out.getvalue()
        if quality > 55:
            quality -= 14
        else:
            picture.thumbnail((picture.width * 3 // 4, picture.height * 3 // 4))


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


def _photo_html(photo: Photo, alt: str, lang: str) -> str:
    if photo.problem:
        return f"<p class='finding warning'>{e(t('live.photo_left_out', lang, name=photo.name, reason=photo.problem))}</p>"
    data = base64.b64encode(photo.data).decode("ascii")
    return f'<figure><img src="data:image/jpeg;base64,{data}" alt="{e(alt)}"><figcaption>{e(PurePosixPath(photo.name).name)}</figcaption></figure>'


def report_html(
    handle: SessionFile, catalogue: Catalogue, lang: str | None = None, photos: list[Photo] | None = None
) -> str:
    """The report as one HTML page; ``photos`` are those :func:`read_photos` read (read here if None)."""
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

    shown = "".join(
        _photo_html(p, t("live.photos", lang), lang)
        for p in (read_photos(handle) if photos is None else photos)
    )
    result = f"<p class='lead'>{e(run.result)}</p>" if run.result else ""
    cells.append(_raw(f"<section><h2>{e(t('live.result', lang))}</h2>{result}{shown}</section>"))

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
