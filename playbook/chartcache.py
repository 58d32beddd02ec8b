"""Charts drawn once per identical input: an exported page's SVG kept under the hash of all it depends on.

Drawing a chart costs a fresh ``playbook handout`` most of its time: importing matplotlib (about a second
on a busy machine) and laying out the figure. Exporting the same session again, or the same arc for
another page, draws the very same picture, so the SVG is kept in the playbook's cache folder (beside the
shipped assets read as JSON, see :mod:`playbook.yamlio`) under a key that covers everything the picture is
made of:

- the chart's input: its name, options and text alternative and the ``repr`` of what it shows (its key in
  :mod:`playbook.chartkeys`, given by the HTML flavour; else the whole core object it draws, frozen
  dataclasses with every field), so a changed minute or word is a new key;
- the code that draws it: the bytes of every module of the playbook and of its interface strings
  (``assets/i18n``), so an edited chart, label or translation is drawn afresh;
- matplotlib and numpy (their version files) and the matplotlibrc files matplotlib would read.

An entry is never stale, because a different input is a different key; it is only a shortcut. An input
whose ``repr`` names a memory address (an object without a data ``repr``) is never kept: it could never be
found again. A cache that cannot be read or written costs time, never a result. At most
:data:`KEEP` entries are kept; the oldest go first. The views' memo (:mod:`playbook.chartmemo`) keeps its
pictures here too, so a new kernel shows a chart drawn before without matplotlib.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from .paths import assets_dir
from .yamlio import cache_dir, keep_cache_entry

CACHE_FORMAT = 1
"""Part of the folder's name: raise it when what an entry holds changes."""
KEEP = 400
"""Entries kept (an arc is some 50-150 KB): a season of workshops, without growing for ever."""

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")
_PACKAGE = Path(__file__).resolve().parent


def folder() -> Path:
    return cache_dir() / f"charts-{CACHE_FORMAT}"


def _files_digest(files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0missing"
        digest.update(f"{path}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _module_file(name: str, inside: str) -> list[Path]:
    """A file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(next(iter(spec.submodule_search_locations))) / inside]


def _matplotlibrc() -> list[Path]:
    """The matplotlibrc files matplotlib reads besides its own defaults (``matplotlib_fname``)."""
    found = []
    if env := os.environ.get("MATPLOTLIBRC"):
        found += [Path(env), Path(env) / "matplotlibrc"]
    found.append(Path.cwd() / "matplotlibrc")
    config = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config"), "matplotlib"
    )
    found.append(Path(config) / "matplotlibrc")
    return [p for p in found if p.is_file()]


@cache
def _drawing_code() -> str:
    """What every chart of this process is drawn with (read once per process: about 1 MB, milliseconds)."""
    files = [p for p in _PACKAGE.rglob("*.py") if "__pycache__" not in p.parts]
    files += [p for p in (assets_dir() / "i18n").rglob("*") if p.is_file()]
    files += _module_file("matplotlib", "_version.py") + _module_file("numpy", "version.py")
    return _files_digest(files)


def key(name: str, data: Any, alt: str, options: tuple[tuple[str, Any], ...] = ()) -> str | None:
    """The cache key of a chart, or None when its input cannot be named by its content."""
    described = repr((name, alt, options, data))
    if _ADDRESS.search(described):
        return None
    digest = hashlib.sha256()
    for part in (_drawing_code(), _files_digest(_matplotlibrc()), described):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def svg(name: str, data: Any, alt: str, options: tuple[tuple[str, Any], ...], draw: Callable[[], str]) -> str:
    """The chart's SVG: from the cache when this very input was drawn before, else ``draw()`` (kept)."""
    ident = key(name, data, alt, options)
    if ident is None:
        return draw()
    found = _read(ident)
    if found is not None:
        return found
    drawn = draw()
    _keep(folder() / f"{ident}.svg", drawn)
    return drawn


def recall(name: str, data: Any) -> str | None:
    """The SVG kept for ``data`` under ``name`` by :func:`keep` (in this process or another), or None."""
    ident = key(name, data, "")
    return None if ident is None else _read(ident)


def keep(name: str, data: Any, text: str) -> None:
    """Keep ``text`` as the SVG of ``data`` under ``name``, for :func:`recall` (an unnamable input is not)."""
    ident = key(name, data, "")
    if ident is not None:
        _keep(folder() / f"{ident}.svg", text)


def _read(ident: str) -> str | None:
    try:
        return (folder() / f"{ident}.svg").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _keep(entry: Path, text: str) -> None:
    """Keep the entry (see :func:`yamlio.keep_cache_entry`); beyond KEEP entries, let the oldest go down
    to nine tenths of KEEP, so that most keeps list the folder's names without looking at every entry's
    age (some 8 ms for 400 entries, too much for every click that draws a new picture)."""
    if not keep_cache_entry(entry, text.encode("utf-8")):
        return
    try:
        with os.scandir(entry.parent) as listing:
            kept = [found for found in listing if found.name.endswith(".svg")]
        if len(kept) <= KEEP:
            return
        kept.sort(key=lambda found: found.stat().st_mtime_ns)
        for old in kept[: len(kept) - (KEEP - KEEP // 10)]:
            Path(old.path).unlink(missing_ok=True)
    except OSError:
        return
