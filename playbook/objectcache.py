"""What the playbook builds from its shipped assets, kept between processes in the user's cache.

Every command and first cell needs the validated catalogue (some 200 work forms) and the cue lexicons of
both languages. Building them means reading and checking every file, stemming every cue and indexing
them: about a quarter of a second, paid again by every process, although the files rarely change. So the
finished objects are kept, one file per thing (``$XDG_CACHE_HOME/playbook/objects-N/NAME.pickle``), under
a key made of everything they were built from:

- every file read, by name, size, inode and modification and change times, so an edited, added, removed
  or replaced file makes a new key and the objects are built afresh, with the same checks and messages;
- the code that builds them: Python's version and the modification time and size of every module of the
  package (and of any other module named, such as the stemmer), the test Python itself applies to decide
  whether a module's compiled bytecode is still good.

Taking the key from the files' times (a ``stat`` each, no file read) rests on one rule, the one git uses
for its index: an entry is written only when every file is older than a few seconds, so that an edit
made after the entry always shows as a later change time (the system sets it on every write, and no
program can set it back). A file changed moments ago is simply read again until it has settled.

What is built from bytes a command reads anyway (a session document, whose hash it keeps to notice a
change on disk) is keyed instead on those bytes' hash (:func:`content_key`): the same bytes always make
the same object, so such an entry needs no settling and no file times.

Only what was built without a problem is kept, so a file with a mistake is read and reported each time.
An entry is trusted only when it is a regular file owned by this user that nobody else may write, is
complete, and holds the key asked for and the kind of object expected; anything else (a damaged, foreign
or stale entry, an unreadable or read-only cache) costs time, never a result, and is written anew. Each
thing has one entry (the newest replaces the last), so the cache does not grow with every edit.

The entries are pickles: the one format that gives Python's objects back as fast as they are needed here,
and safe in the user's own cache folder for the same reason Python's ``__pycache__`` is (whoever can
write there can already change the user's programs); the ownership and mode check keeps a shared or
world-writable folder from being trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from .paths import cache_dir, keep_cache_entry, read_trusted_entry

CACHE_FORMAT = 1
"""Part of the cache's folder name: raise it when entries written before must no longer be read."""

_PACKAGE = Path(__file__).resolve().parent


def folder() -> Path:
    return cache_dir() / f"objects-{CACHE_FORMAT}"


def entry(name: str) -> Path:
    """The file that holds the thing called ``name`` (letters, digits and dashes)."""
    return folder() / f"{name}.pickle"


def place_name(path: str | Path) -> str:
    """A short name for where something was read from: two installs of the playbook keep separate entries."""
    return hashlib.sha256(os.fsencode(os.path.abspath(path))).hexdigest()[:16]


@cache
def _package_stamp() -> str:
    """Every module of the package by name, modification time and size (``os.scandir``: no file read)."""
    parts = [sys.version, str(CACHE_FORMAT)]
    with os.scandir(_PACKAGE) as found:
        for item in sorted(found, key=lambda e: e.name):
            if item.name.endswith(".py"):
                info = item.stat()
                parts.append(f"{item.name} {info.st_mtime_ns} {info.st_size}")
    return "\n".join(parts)


def code_version(*modules: ModuleType) -> str:
    """The version of the code that builds an object: the package's modules and ``modules``' files."""
    parts = [_package_stamp()]
    for module in modules:
        where = getattr(module, "__file__", None) or module.__name__
        try:
            info = os.stat(where)
            parts.append(f"{where} {info.st_mtime_ns} {info.st_size}")
        except OSError:
            parts.append(where)
    return "\n".join(parts)


SETTLED_SECONDS = 3
"""How long ago every input must have changed for an entry to be written: more than the coarsest
timestamps kept by common file systems (two seconds on FAT)."""

Stamp = tuple[str, os.stat_result]
"""One input: its name and what ``os.stat`` says of it."""


def make_key(version: str, inputs: Iterable[Stamp]) -> str:
    """One key for a code version and every input, by name, size, inode and times."""
    digest = hashlib.sha256(version.encode("utf-8"))
    for name, info in inputs:
        digest.update(
            f"\0{name}\0{info.st_dev} {info.st_ino} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns}".encode()
        )
    return digest.hexdigest()


def content_key(version: str, digest: str) -> str:
    """One key for a code version and the hash of bytes already read whole: what is built from them is
    the same whenever they are, so an edit makes a new key at once and nothing needs to settle."""
    return make_key(f"{version}\0{digest}", ())


def settled(inputs: Iterable[Stamp], now: float | None = None) -> bool:
    """Whether every input last changed long enough ago for a later change to show in its times."""
    limit = ((time.time() if now is None else now) - SETTLED_SECONDS) * 1e9
    return all(max(info.st_mtime_ns, info.st_ctime_ns) < limit for _, info in inputs)


def recall(name: str, key: str, check: Callable[[Any], bool]) -> Any | None:
    """The object kept as ``name`` under ``key``, if the entry is trusted and ``check`` accepts it."""
    if (data := read_trusted_entry(entry(name))) is None:
        return None
    try:
        kept_key, value = pickle.loads(data)
    except Exception:  # a damaged entry can fail in many ways; each means "build it again"
        return None
    if kept_key != key or not check(value):
        return None
    return value


def keep(name: str, key: str, value: Any, inputs: Iterable[Stamp]) -> bool:
    """Keep ``value`` as ``name`` under ``key``, all at once, if its ``inputs`` have settled; False where
    it is not kept (no harm done: it is built again next time)."""
    if not settled(inputs):
        return False
    try:
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something in it cannot be pickled: it is simply not kept
        return False
    return keep_cache_entry(entry(name), data)


def keep_within(prefix: str, limit: int, name: str, key: str, value: Any, inputs: Iterable[Stamp]) -> bool:
    """:func:`keep` ``value`` as ``name`` (which starts with ``prefix-``), then remove the entries under
    ``prefix`` written longest ago beyond ``limit``: one entry per thing kept, never one thing's entry
    displacing another's, and a folder that does not grow with everything ever read."""
    if not keep(name, key, value, inputs):
        return False
    stamped = []
    for found in folder().glob(f"{prefix}-*.pickle"):
        with contextlib.suppress(OSError):
            stamped.append((found.stat().st_mtime_ns, found))
    for _, old in sorted(stamped, reverse=True)[limit:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return True
