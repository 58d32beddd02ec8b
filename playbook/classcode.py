"""The methods ``@dataclass`` writes for the playbook's classes, compiled once and kept between processes.

For each class, ``dataclasses`` writes ``__init__``, ``__repr__``, ``__eq__`` and, for a frozen class,
``__hash__``, ``__setattr__`` and ``__delattr__`` as source text and compiles each with ``exec`` when the
class is defined. Compiling is slow: about four million instructions per class, so the 85 classes that
``playbook plan`` needs cost about a quarter of its start-up, every time (Python 3.13 still compiles
them).

Python keeps the compiled code of every module in ``__pycache__``; this keeps the compiled code of these
methods the same way. ``dataclasses`` looks ``exec`` up in its own module first, so the playbook puts
one there (:func:`install`, called by ``import playbook``, or as soon as ``dataclasses`` is imported)
that serves a method of a playbook class from a table of code compiled before, looked up by the very
text ``dataclasses`` wrote: the same text compiled the same way is the same code, so the class is exactly
what it would have been. Each module has its own table (a process reads only those of the modules it
imports), holding the methods of its classes as this process made them; new text is compiled as before
and the module's table is saved when the process ends, under the user's cache folder, per Python
version. Text for anybody else's classes, and every other use of ``exec``, goes to the built-in ``exec``.

A table is trusted as ``__pycache__`` is: it is read only when it is a regular file owned by this user
that nobody else may write, and passed over when it is damaged or written by another Python. As with
bytecode, nothing is written when Python is told not to (``PYTHONDONTWRITEBYTECODE``, ``-B``).
"""

from __future__ import annotations

import atexit
import builtins
import importlib.machinery
import importlib.util
import marshal
import sys
import threading
from collections.abc import Sequence
from types import CodeType, ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

FORMAT = 1
_PACKAGE = __name__.rpartition(".")[0] + "."


def _header() -> bytes:
    """What the code was compiled by: another Python, another bytecode or optimisation level reads none."""
    version = f"{sys.version}|{importlib.util.MAGIC_NUMBER.hex()}|{sys.flags.optimize}|{FORMAT}\n"
    return version.encode("utf-8")


def table_path(module: str) -> Path:
    """Where the methods of ``module``'s classes are kept."""
    from .paths import cache_dir  # on first use only: `import playbook` stays small

    return cache_dir() / f"classcode-{FORMAT}" / sys.implementation.cache_tag / f"{module}.marshal"


def read_table(path: Path) -> dict[str, CodeType]:
    """The table in ``path``, or an empty one if it is missing, damaged, foreign or not to be trusted."""
    from .paths import read_trusted_entry

    data = read_trusted_entry(path)
    header = _header()
    if data is None or not data.startswith(header):
        return {}
    try:
        table = marshal.loads(data[len(header) :])
    except (EOFError, ValueError, TypeError):
        return {}
    if type(table) is not dict or not all(type(k) is str and type(v) is CodeType for k, v in table.items()):
        return {}
    return table


def write_table(path: Path, table: dict[str, CodeType]) -> bool:
    """Replace the table in ``path`` all at once; False where it cannot be (the code is compiled again)."""
    from .paths import keep_cache_entry

    try:
        data = _header() + marshal.dumps(table)
    except ValueError:
        return False
    return keep_cache_entry(path, data)


class _Tables:
    """The compiled methods of this process, by module: each table read on first use, and saved at exit
    with the methods this process made for that module if any of them was new."""

    def __init__(self) -> None:
        self._kept: dict[str, dict[str, CodeType]] = {}
        self._made: dict[str, dict[str, CodeType]] = {}
        self._new: set[str] = set()
        self._lock = threading.Lock()
        self.served = 0
        self.compiled = 0

    def code(self, module: str, source: str) -> CodeType:
        with self._lock:
            kept = self._kept.get(module)
            if kept is None:
                kept = self._kept[module] = read_table(table_path(module))
            code = kept.get(source)
            if code is None:
                code = compile(source, "<string>", "exec", dont_inherit=True)  # as exec compiles it
                if not self._new and not sys.dont_write_bytecode:
                    atexit.register(self.save)
                self._new.add(module)
                self.compiled += 1
            else:
                self.served += 1
            self._made.setdefault(module, {})[source] = code
            return code

    def save(self) -> None:
        with self._lock:
            for module in sorted(self._new):
                write_table(table_path(module), self._made[module])
            self._new.clear()


_tables = _Tables()


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> Any:
    """``exec`` for ``dataclasses``: a playbook class's method from its table, anything else as ever."""
    if type(source) is str and type(globals) is dict:
        module = globals.get("__name__")
        if type(module) is str and module.startswith(_PACKAGE):
            source = _tables.code(module, source)
    return builtins.exec(source, globals, locals, **kwargs)


def install() -> None:
    """Serve the playbook's dataclass methods from their tables in this process (harmless to repeat).

    ``dataclasses`` is not imported for it, so ``import playbook`` alone stays small: if it is not
    imported yet, it is given its ``exec`` the moment it is.
    """
    module = sys.modules.get("dataclasses")
    if module is not None:
        module.exec = _exec  # type: ignore[attr-defined]
    elif _on_import not in sys.meta_path:
        sys.meta_path.insert(0, _on_import)


class _DataclassesLoader(importlib.machinery.SourceFileLoader):
    """Loads ``dataclasses`` from its file as ever, then gives it the ``exec`` of this module."""

    def exec_module(self, module: ModuleType) -> None:
        super().exec_module(module)
        module.exec = _exec  # type: ignore[attr-defined]


class _OnImport:
    """A finder that answers only for ``dataclasses``, with its usual spec and :class:`_DataclassesLoader`."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "dataclasses":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader or not spec.origin:
            return spec  # not the standard library's own module file: left as it is found
        spec.loader = _DataclassesLoader(fullname, spec.origin)
        return spec


_on_import = _OnImport()


def counts() -> tuple[int, int]:
    """How many methods this process took from the tables, and how many it compiled."""
    return _tables.served, _tables.compiled
