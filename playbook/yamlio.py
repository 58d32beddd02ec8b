"""Safe, bounded YAML reading and atomic writing for every file the playbook touches.

Session documents travel between facilitators by mail and shared drives, so a file is treated as
untrusted: only plain YAML types are built (no ``!!python`` tags), size and alias expansion are capped,
and YAML 1.1 surprises are switched off (``13:00`` stays a time, ``no`` stays a word, dates stay text).
Writes go through a temporary file, fsync and rename, keeping the previous version as ``.bak``, so a
crash or a full disk never leaves half a session behind. A writer that compares the file with the version
it loaded holds an exclusive lock (a ``.NAME.lock`` file beside it) from the comparison to the rename, so
two programs saving at the same moment cannot both think they won.

The shipped assets (the catalogue, the diagnosis, the cue words, the strings) are some 200 YAML files,
and building Python objects from YAML is slow: about half a second of every command, first cell and
app page. So a shipped file, once read, is also kept as JSON in the user's cache folder
(``$XDG_CACHE_HOME/playbook`` or ``~/.cache/playbook``) under the hash of its bytes; the next process
reads that instead, some forty times faster. The hash is of the file's content, so an edited or upgraded
asset is simply a new entry; only data that JSON gives back unchanged is kept, the data goes through the
same checks as ever, and a cache that cannot be read or written is passed over. A user's own files
(sessions, their own catalogue) are never kept here: a session document is kept already parsed, one
entry per file, by ``playbook.session`` (see ``playbook.objectcache``).

PyYAML itself is imported on the first parse or dump (``playbook.yamlcodec``): a command that finds
everything kept parses nothing and need not pay for it.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

try:  # POSIX; elsewhere saves are still atomic, but not locked against a second writer
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from .errors import ConflictError, PlaybookError
from .i18n import default_language, message, t
from .paths import assets_dir, cache_dir, keep_cache_entry

MAX_BYTES = 5 * 1024 * 1024
"""Largest file the playbook reads: a real session is a few kilobytes; anything near this is not one."""

BACKUP_SUFFIX = ".bak"
LOCK_SECONDS = 10.0
"""How long a save waits for another program's save of the same file to finish before giving up."""
STALE_SECONDS = 60.0
"""A temporary file older than this beside a locked file was left by a writer that was killed."""


def parse_yaml(text: str, file: str | Path = "<text>") -> Any:
    """Parse YAML text into plain Python data, or raise a :class:`PlaybookError` that says where."""
    from .yamlcodec import parse  # PyYAML on the first parse only (see playbook.yamlcodec)

    return parse(text, file)


def _open_regular(path: Path, what: str = "file") -> int:
    """Open ``path`` for reading without ever blocking: a pipe or a device is refused, not waited on."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        said = message("errors.session_not_found" if what == "session file" else "errors.not_found")
        raise PlaybookError.at(
            path, "", said if what in ("file", "session file") else f"{what} {said}"
        ) from None
    except IsADirectoryError:
        raise PlaybookError.at(path, "", message("errors.is_folder")) from None
    except OSError as exc:
        raise PlaybookError.at(path, "", message("errors.cannot_read", reason=exc.strerror)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise PlaybookError.at(path, "", message("errors.is_folder"))
        raise PlaybookError.at(path, "", message("errors.not_regular_read"))
    return fd


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES, what: str = "file") -> bytes:
    """Read a whole regular file, refusing anything larger than ``max_bytes`` before reading it all."""
    path = Path(path)
    fd = _open_regular(path, what)
    try:
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise PlaybookError.at(path, "", message("errors.cannot_read", reason=exc.strerror)) from None
    if len(data) > max_bytes:
        raise PlaybookError.at(path, "", message("errors.too_big", size=_size(max_bytes)))
    return data


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def decode(data: bytes, path: str | Path) -> str:
    """Decode UTF-8 (with or without a byte-order mark) or say which byte is wrong."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlaybookError.at(path, "", message("errors.not_utf8", byte=exc.start)) from None


def fingerprint(data: bytes) -> str:
    """A content hash used to notice that a file changed on disk since it was loaded."""
    return hashlib.sha256(data).hexdigest()


def load_yaml_file(path: str | Path, max_bytes: int = MAX_BYTES) -> tuple[Any, str]:
    """Load one YAML file safely; return its data and the fingerprint of the bytes read.

    A shipped asset is read from the cache when it holds these bytes (see the module's docstring).
    """
    data = read_bytes(path, max_bytes)
    digest = fingerprint(data)
    cache = _asset_cache(path)
    if cache is not None:
        found = _cached(cache, digest)
        if found is not _MISSING:
            return found, digest
    value = parse_yaml(decode(data, path), path)
    if cache is not None:
        _keep(cache, digest, value)
    return value, digest


CACHE_FORMAT = 1
"""Part of the cache's folder name: raise it when :func:`parse_yaml` reads the same bytes differently."""

_MISSING = object()


def _asset_cache(path: str | Path) -> Path | None:
    """The cache folder for ``path`` if it is a shipped asset, else None (a string test: no file system)."""
    if not os.path.abspath(path).startswith(os.path.join(_shipped(), "")):
        return None
    return cache_dir() / f"yaml-{CACHE_FORMAT}"


@cache
def _shipped() -> str:
    return str(assets_dir().resolve())


def _cached(cache: Path, digest: str) -> Any:
    try:
        return json.loads((cache / f"{digest}.json").read_bytes())
    except (OSError, ValueError):  # not there yet, unreadable or damaged: parse the YAML again
        return _MISSING


def _keep(cache: Path, digest: str, value: Any) -> None:
    """Write the entry all at once (another process may read it meanwhile); skip data JSON would change."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return
    if json.loads(text) != value:  # e.g. a number as a mapping's key would come back as text
        return
    keep_cache_entry(cache / f"{digest}.json", text.encode("utf-8"))


def dump_yaml(data: Any) -> str:
    """Serialise plain data as readable YAML that :func:`parse_yaml` reads back identically.

    Every save of a session goes through here, so the fast emitter is used whenever it writes the same
    text (see :class:`playbook.yamlcodec._Dumper`).
    """
    from .yamlcodec import dump

    return dump(data)


def current_bytes(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes | None:
    """The file as it is on disk now, or None if there is no such file."""
    if not os.path.lexists(path) or not os.path.exists(path):
        return None
    return read_bytes(path, max_bytes)


def current_fingerprint(path: str | Path) -> str | None:
    """The fingerprint of a file as it is on disk now, or None if there is no such file."""
    data = current_bytes(path)
    return None if data is None else fingerprint(data)


def real_path(path: str | Path) -> Path:
    """Where a write to ``path`` must land: through symbolic links, so a linked session stays linked."""
    return Path(os.path.realpath(path))


# ------------------------------------------------------------------------------------------ writing
# Writers take the language of their messages (``lang``: the session's, or the command's ``--lang``);
# without one they speak ``PLAYBOOK_LANG``.


def file_message(key: str, lang: str | None = None, **values: Any) -> str:
    """A message about reading or writing a file (``files.<key>`` of the interface strings)."""
    return t(f"files.{key}", lang or default_language(), **values)


_say = file_message


@contextmanager
def file_lock(path: str | Path, timeout: float = LOCK_SECONDS, lang: str | None = None) -> Iterator[None]:
    """Hold the exclusive lock of ``path`` (a ``.NAME.lock`` file beside its real target, while held).

    Every playbook writer that compares before it replaces holds this lock across both steps, so the
    comparison and the replacement are one step for everybody else. The operating system releases the
    lock when its holder exits, even after ``kill -9``, so a crash never leaves a file locked. The holder
    removes the lock file when it is done; a waiter that then finds it locked a removed file tries again.
    """
    target = real_path(path)
    lock = target.with_name(f".{target.name}.lock")
    if fcntl is None:  # pragma: no cover - no advisory locks on this platform
        yield
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError as exc:
            raise _write_error(target, exc, lang) from None
        if _flock(fd, deadline):
            try:
                if os.fstat(fd).st_ino == os.stat(lock).st_ino:
                    break  # the lock file is still the one at that name: it is ours
            except FileNotFoundError:
                pass  # its holder removed it just after we opened it
        os.close(fd)
        if time.monotonic() > deadline:
            raise PlaybookError.at(path, "", _say("busy", lang))
    try:
        _remove_stale_temporaries(target)
        yield
    finally:
        with suppress(OSError):
            os.unlink(lock)
        os.close(fd)  # closing releases the lock


def _flock(fd: int, deadline: float) -> bool:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files of writers that were killed mid-save (only a writer holding the lock makes them)."""
    now = time.time()
    for tmp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with suppress(OSError):
            if now - tmp.lstat().st_mtime > STALE_SECONDS:
                tmp.unlink()


def write_bytes_atomic(path: str | Path, data: bytes, lang: str | None = None) -> None:
    """Replace ``path`` with ``data`` all at once (exports: charts, handouts); no conflict check."""
    replace_file(path, data, backup=False, lang=lang)


def write_text_atomic(
    path: str | Path,
    text: str,
    *,
    expected: str | None = None,
    overwrite: bool = False,
    lang: str | None = None,
) -> str:
    """Replace ``path`` with ``text`` all at once and return the new fingerprint.

    ``expected`` is the fingerprint the caller loaded; if the file on disk no longer matches it (or
    exists while the caller expected a new file), a :class:`ConflictError` is raised and nothing is
    written. ``overwrite=True`` skips that check. The previous version is kept as ``<name>.bak``.
    The comparison and the replacement happen under :func:`file_lock`.
    """
    data = text.encode("utf-8")
    with file_lock(path, lang=lang):
        if not overwrite:
            check_unchanged(path, expected, lang)
        replace_file(path, data, lang=lang)
    return fingerprint(data)


def check_unchanged(path: str | Path, expected: str | None, lang: str | None = None) -> None:
    """Raise :class:`ConflictError` unless the file on disk is still the version ``expected``."""
    exists = os.path.lexists(path)
    on_disk = current_fingerprint(path) if exists else None
    if expected is None and exists:
        raise ConflictError.at(path, "", _say("exists", lang))
    if on_disk is not None and on_disk != expected:
        raise ConflictError.at(path, "", _say("changed", lang))


def replace_file(path: str | Path, data: bytes, *, backup: bool = True, lang: str | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``'s real target, flush it to disk and rename it
    over the target; the old version becomes ``.bak`` (same permissions). Any failure leaves the old
    file as it was and is raised as a :class:`PlaybookError` that says so."""
    target = real_path(path)
    if not target.parent.is_dir():
        raise PlaybookError.at(
            path, "", t("edit.no_folder", lang or default_language(), folder=target.parent)
        )
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise _write_error(target, exc, lang) from None
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise PlaybookError.at(path, "", _say("not_regular", lang))
    with _temporary(target, existed=old is not None, lang=lang) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _same_owner_and_mode(tmp, old)
        if old is not None and backup:
            _keep_backup(target, old, lang)
        os.replace(tmp, target)
        _fsync_dir(target.parent)


def _same_owner_and_mode(tmp: Path, old: os.stat_result | None) -> None:
    if old is None:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    os.chmod(tmp, stat.S_IMODE(old.st_mode))
    if hasattr(os, "chown") and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        with suppress(OSError):  # root saving someone's file leaves it theirs
            os.chown(tmp, old.st_uid, old.st_gid)


def _write_error(path: Path, exc: OSError, lang: str | None = None) -> PlaybookError:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = _say("not_writable", lang, reason=reason)
    elif exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = _say("no_space", lang, reason=reason)
    return PlaybookError.at(path, "", _say("not_saved", lang, reason=reason))


@contextmanager
def _temporary(path: Path, existed: bool = True, lang: str | None = None) -> Iterator[Path]:
    """A temporary file beside ``path`` (same file system, so the rename is atomic), always removed."""
    import tempfile  # only a writer needs it

    intact = _say("intact" if existed else "nothing_written", lang)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        error = _write_error(path, exc, lang)
        raise PlaybookError.at(path, "", f"{error.problems[0].message}; {intact}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    except OSError as exc:
        error = _write_error(path, exc, lang)
        raise PlaybookError.at(path, "", f"{error.problems[0].message}; {intact}") from None
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def _keep_backup(path: Path, old: os.stat_result, lang: str | None = None) -> None:
    """The version about to be replaced becomes ``.bak``: a second name for the same file, which the
    rename that follows leaves behind with its contents, owner and mode, already safe on disk.

    A copy instead made every save wait for the disk: renaming a file just written over an existing
    one makes ext4 (and others) flush it first. A file system without hard links gets the copy.
    """
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    with _temporary(backup, lang=lang) as tmp:
        tmp.unlink()  # the unique name is kept; the link needs it free
        try:
            os.link(path, tmp)
        except OSError:  # no hard links here (FAT, some network shares): copy the bytes
            with open(path, "rb") as src, open(tmp, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            _same_owner_and_mode(tmp, old)
        os.replace(tmp, backup)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
