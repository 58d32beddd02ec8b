"""One guard for every path the playbook writes an output to: handouts, reports, charts, sites, copies.

``playbook report s.session.yaml -o s.session.yaml`` once replaced a session with its own report. So
before anything is written, every target is checked: it must not be one of the command's inputs (the
same file, a hard link or a symbolic link to it), and a file that is already there must be one the
playbook wrote itself (recognised by the mark it leaves in every output: a generator tag in HTML,
the software or creator field in PNG, SVG and PDF, the product id of a calendar file). Anything else is refused with a message naming the
file, and nothing is written.
"""

from __future__ import annotations

import os
import re
import stat
import struct
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import PlaybookError, Problem
from .i18n import default_language, t

GENERATOR = "playbook"
"""The mark in every file the playbook writes (``charts.GENERATOR`` is the same word)."""
_HEAD_BYTES = 8192
_HTML_MARK = re.compile(rb'<meta name="generator" content="playbook"\s*/?>', re.I)
_SVG_MARK = re.compile(rb"<dc:creator>\s*<cc:Agent>\s*<dc:title>playbook</dc:title>")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PDF_MARK = b"/Creator (playbook)"
_ICS_MARK = re.compile(rb"\r?\nPRODID:-//playbook//")


def check_outputs(
    targets: Iterable[str | Path],
    inputs: Iterable[str | Path] = (),
    replaceable: Callable[[Path], bool] | None = None,
    lang: str | None = None,
) -> None:
    """Refuse, all at once and before anything is written, every target that would destroy something.

    ``replaceable`` says which existing files may be replaced: by default only the playbook's own
    outputs (:func:`is_own_output`); ``playbook init`` passes one that allows its notebooks, which it
    backs up first. Raises a :class:`PlaybookError` listing each refused target, in ``lang`` (the
    session's; ``PLAYBOOK_LANG`` when None).
    """
    lang = lang or default_language()
    sources = [_identity(Path(p)) for p in inputs]
    problems = []
    for target in map(Path, targets):
        why = _refusal(target, [s for s in sources if s is not None], replaceable or is_own_output)
        if why:
            key, values = why
            problems.append(Problem(str(target), "", t(f"outputs.{key}", lang, **values)))
    if problems:
        raise PlaybookError(problems, lang)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _refusal(
    target: Path, inputs: list[tuple[int, int]], replaceable: Callable[[Path], bool]
) -> tuple[str, dict[str, object]] | None:
    """Why ``target`` may not be written: a key of ``outputs`` in the interface strings, and its values."""
    if not os.path.lexists(target):
        return None
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return "dangling", {}
    except OSError as exc:
        return "unchecked", {"reason": exc.strerror or str(exc)}
    if (st.st_dev, st.st_ino) in inputs:
        return "input", {}
    if stat.S_ISDIR(st.st_mode):
        return "folder", {}
    if not stat.S_ISREG(st.st_mode):
        return "not_regular", {}
    if not replaceable(target):
        return "foreign", {}
    return None


def is_own_output(path: str | Path) -> bool:
    """Whether ``path`` is a handout, report, site page or chart the playbook wrote (by its mark)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, _HEAD_BYTES)
    finally:
        os.close(fd)
    if head.startswith(_PNG_SIGNATURE):
        return _png_software(head) == GENERATOR.encode()
    text = head.lstrip()
    if text[:15].lower() == b"<!doctype html>":
        end = text.lower().find(b"</head>")
        return bool(_HTML_MARK.search(text[: end if end >= 0 else len(text)]))
    if text.startswith((b"<svg", b"<?xml")):
        mark = _SVG_MARK.search(text)
        return bool(mark) and b"<g " not in text[: mark.start()]  # in the metadata, before any drawing
    if head.startswith(b"%PDF-"):
        return _PDF_MARK in _tail(path)
    if head.startswith(b"BEGIN:VCALENDAR"):
        return bool(_ICS_MARK.search(head))
    return False


def _tail(path: str | Path, size: int = 1024) -> bytes:
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - size))
            return fh.read(size)
    except OSError:
        return b""


def mark_pdf(data: bytes) -> bytes:
    """``data`` with the playbook named as the PDF's creator, so exporting again may replace it.

    An incremental update, as PDF editors append them: a copy of the document information with
    ``/Creator (playbook)``, a one-entry cross-reference section and a trailer pointing back to the
    original one. A PDF laid out otherwise (no classic trailer) is returned as it is.
    """
    trailer = re.search(rb"trailer\s*<<(.*?)>>\s*startxref\s+(\d+)\s+%%EOF\s*$", data[-4096:], re.S)
    if trailer is None:
        return data
    size = re.search(rb"/Size\s+(\d+)", trailer[1])
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer[1])
    info_ref = re.search(rb"/Info\s+(\d+)\s+0\s+R", trailer[1])
    if size is None or root is None:
        return data
    entries = b""
    if info_ref is not None:
        old = re.search(rb"(?:^|\n)" + info_ref[1] + rb" 0 obj\s*<<(.*?)>>\s*endobj", data, re.S)
        if old is not None:
            entries = re.sub(rb"/(Creator|Producer)\s*\((?:\\.|[^\\)])*\)", b"", old[1])
    number = int(size[1])
    body = data if data.endswith(b"\n") else data + b"\n"
    obj = b"%d 0 obj\n<<%s\n%s>>\nendobj\n" % (number, entries.strip(), _PDF_MARK)
    xref_at = len(body) + len(obj)
    update = (
        b"xref\n%d 1\n%010d 00000 n \ntrailer\n<</Size %d\n/Root %s\n/Info %d 0 R\n/Prev %s>>\n"
        b"startxref\n%d\n%%%%EOF\n"
    ) % (number, len(body), number + 1, root[1], number, trailer[2], xref_at)
    return body + obj + update


def _png_software(head: bytes) -> bytes | None:
    """The ``Software`` text of a PNG, read from its chunks before the image data."""
    at = len(_PNG_SIGNATURE)
    while at + 8 <= len(head):
        length, kind = struct.unpack(">I4s", head[at : at + 8])
        body = head[at + 8 : at + 8 + length]
        if kind == b"tEXt" and body.startswith(b"Software\0"):
            return body[len(b"Software\0") :]
        if kind == b"IDAT" or len(body) < length:
            return None
        at += 12 + length
    return None
