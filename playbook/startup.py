"""Start-up: imports that do nothing for the playbook wait until something really uses them.

``import jsonschema`` imports every optional format checker at once (``jsonschema/_format.py``, each in
``suppress(ImportError)``). With ``jsonschema[format-nongpl]``, which nbformat's validator and
jupyter_events ask for, that includes ``rfc3987_syntax``, and importing it compiles some 38 Lark grammars
for the ``iri`` and ``iri-reference`` formats: about 2.3 s of CPU and tens of MiB in every process that
imports nbformat, nbconvert, JupyterLab's server or Voilà, although no Jupyter schema uses those formats
(jsonschema issue 1428). The GPL package ``rfc3987`` avoids the cost, but is GPL.

Making the module unavailable would also work, since jsonschema skips a checker whose import fails, but it
would silently stop checking IRIs for any other code in the process. So the module is *deferred* instead:
a stand-in takes its place in ``sys.modules``, jsonschema registers its IRI checkers as always, and the real
module (with its grammars) is imported the first time anything uses it. Nothing is disabled, nothing is
installed, and there is nothing for the user to set.

``import playbook`` calls :func:`defer`, and the command line, the app (Voilà runs in our process) and every
notebook kernel import the playbook before anything imports jsonschema. A process that runs someone
else's program, such as a hub participant's JupyterLab server, starts it as
``python -m playbook.launch MODULE [ARGS...]``, which is ``python -m MODULE [ARGS...]`` with the deferral.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

DEFERRED: dict[str, tuple[str, ...]] = {"rfc3987_syntax": ("is_valid_syntax",), "soupsieve": ()}
"""Module -> the names others import from it at import time (``from rfc3987_syntax import ...``).

``soupsieve`` is the second of its kind: BeautifulSoup imports it at once for CSS selectors
(``bs4/css.py``), and its selector parser builds its patterns at import, a few hundred milliseconds of CPU
in every process that imports nbconvert (every handout, Voilà, a JupyterLab server's export). The playbook
never selects by CSS; nbconvert's one BeautifulSoup pass walks tags without selectors."""


class _Deferrer:
    """Answers imports of a deferred module with a stand-in that imports the real one on first use.

    A meta path finder and loader by protocol (``find_spec``, ``create_module``, ``exec_module``), not by
    subclassing ``importlib.abc``: that module imports ``importlib.resources`` (tempfile, shutil, zipfile
    and more), which every process would pay for here before doing anything.
    """

    def __init__(self, modules: dict[str, tuple[str, ...]]) -> None:
        self.modules = modules
        self._lock = threading.RLock()
        self._loading: set[str] = set()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules or fullname in self._loading:
            return None
        self._loading.add(fullname)
        try:  # stand in only for a module that is installed, so a missing one fails as it always did
            real = importlib.util.find_spec(fullname)
        finally:
            self._loading.discard(fullname)
        if real is None:
            return None
        package = real.submodule_search_locations
        spec = importlib.util.spec_from_loader(
            fullname, self, origin=real.origin, is_package=package is not None
        )
        if spec is not None and package is not None:  # its submodules can be imported as usual
            spec.submodule_search_locations = list(package)
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        name = module.__name__
        module.__deferred__ = True  # type: ignore[attr-defined]
        for attr in self.modules[name]:
            setattr(module, attr, self._forward(name, attr))
        module.__getattr__ = self._attribute(name)  # type: ignore[method-assign]

    def _attribute(self, name: str) -> Callable[[str], Any]:
        def attribute(attr: str) -> Any:
            if attr.startswith("__") and attr.endswith("__"):  # the import system probing: not a use
                raise AttributeError(attr)
            return getattr(self.load(name), attr)

        return attribute

    def _forward(self, name: str, attr: str) -> Callable[..., Any]:
        def forward(*args: Any, **kwargs: Any) -> Any:
            return getattr(self.load(name), attr)(*args, **kwargs)

        forward.__name__ = forward.__qualname__ = attr
        forward.__doc__ = f"{name}.{attr}, imported on first use (see playbook.startup)."
        return forward

    def load(self, name: str) -> ModuleType:
        """The real module: imported now if this is its first use, and from then on in ``sys.modules``."""
        with self._lock:
            current = sys.modules.get(name)
            if current is not None and not getattr(current, "__deferred__", False):
                return current
            stand_in = sys.modules.pop(name, None)
            self._loading.add(name)
            try:
                return importlib.import_module(name)
            except BaseException:
                if stand_in is not None:
                    sys.modules[name] = stand_in
                raise
            finally:
                self._loading.discard(name)


_deferrer = _Deferrer(DEFERRED)


def defer() -> None:
    """Defer the modules in :data:`DEFERRED` in this process; harmless to call twice, or too late.

    A module already imported stays as it is: the saving only comes when this runs first.
    """
    if _deferrer not in sys.meta_path:
        sys.meta_path.insert(0, _deferrer)


def is_deferred(name: str) -> bool:
    """True while ``name`` is the stand-in: imported by someone, but not yet used."""
    return bool(getattr(sys.modules.get(name), "__deferred__", False))


def defer_also(modules: dict[str, tuple[str, ...]]) -> None:
    """Defer ``modules`` as well, in this process only (given as :data:`DEFERRED` is): for a program the
    process runs that imports them without using them, such as a hub participant's server
    (:mod:`playbook.participant`). Each is imported, in full, the first time anything uses it. Harmless to
    call twice with the same modules, as a forked participant's server does (:mod:`playbook.forkserver`)."""
    if not any(isinstance(f, _Deferrer) and f.modules == modules for f in sys.meta_path):
        sys.meta_path.insert(0, _Deferrer(modules))
