"""``python -m playbook.participant MODULE [ARGS...]``: a hub participant's JupyterLab server.

It is :mod:`playbook.launch` (``python -m MODULE`` with the playbook's start-up) plus one thing a
participant never needs: JupyterLab asks Node for the yarn configuration (``jlpm config --json``) to learn
which npm registry it would install extensions from, once when its server module is imported and again
when the page lists the installed extensions. Each asking starts Node: some 0.75 s of CPU and 90 MiB for a
moment, twice per participant, on a machine shared by a whole workshop. A participant installs nothing
(their server is the trainer's environment), so here the registry is npm's default without asking Node.
``make lab`` (the facilitator's own JupyterLab) asks as usual.

And it defers what ``jupyterhub.singleuser`` imports only because it shares modules with the hub itself
(:data:`HUB_ONLY`): a participant's server never opens the hub's database. And it remembers the installed
packages' entry points (:func:`remember_entry_points`) instead of reading them all again for each lookup.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from .launch import main as launch
from .startup import defer_also

HUB_ONLY: dict[str, tuple[str, ...]] = {"jupyterhub.orm": (), "jupyterhub.objects": ("Hub", "Server")}
"""The hub's database models and its server records, deferred in a participant's server (as
:mod:`playbook.startup` defers, so the first use imports them in full). ``jupyterhub.singleuser`` imports
``jupyterhub.log``, which imports the hub's page handlers for one ``isinstance`` test; those import the
database models, which import SQLAlchemy's ORM and Alembic, which imports Mako, which imports a hundred
Pygments lexers: some 0.6 CPU-seconds of a participant's login for code only the hub runs. Nothing reads
these two modules at import except each other (``objects`` names ``orm.Server`` in a class body), so
both wait; the handlers that name them at run time are the hub's."""


def no_registry_lookup() -> bool:
    """Let JupyterLab's extension options take npm's default registry without starting Node; False where
    this JupyterLab has no such lookup (another version), which then runs as it is."""
    import jupyterlab.commands as commands

    if not hasattr(commands, "_yarn_config"):
        return False
    commands._yarn_config = lambda logger: {"yarn config": {}, "npm config": {}}
    return True


def _installed_stamp() -> tuple[tuple[str, int], ...]:
    """When each folder on ``sys.path`` last changed: installing or removing a package changes its folder."""
    stamps = []
    for folder in sys.path:
        try:
            stamps.append((folder, os.stat(folder or ".").st_mtime_ns))
        except OSError:
            stamps.append((folder, -1))
    return tuple(stamps)


def remember_entry_points() -> None:
    """Keep what ``importlib.metadata.entry_points`` found, until a folder on ``sys.path`` changes.

    Each lookup reads and parses the ``entry_points.txt`` of every installed distribution, hundreds of
    files, and a JupyterLab server looks up the same groups again and again: the page's list of export
    formats alone asks nbconvert for every exporter by name, and each asking is a full lookup, a second of
    CPU per page load on a busy machine. The folders' times are what the standard library's own finder
    cache trusts (``importlib.metadata.FastPath``). Must run before the modules that import the function by
    name (``from importlib.metadata import entry_points``), as it does in :func:`main` and the fork server.
    """
    import importlib.metadata as metadata

    original = metadata.entry_points
    if getattr(original, "__remembered__", False):
        return
    kept: dict[tuple[Any, ...], Any] = {}

    def entry_points(**params: Any) -> Any:
        key = (tuple(sorted(params.items())), _installed_stamp())
        found = kept.get(key)
        if found is None:
            if len(kept) >= 64:
                kept.clear()
            found = kept[key] = original(**params)
        # A copy where the result can be changed (Python 3.11's are a list and a dict; 3.12's a tuple), made
        # through the base type's own methods, which the deprecated interfaces do not warn about.
        if isinstance(found, dict):
            return type(found)(dict.items(found))
        if isinstance(found, list):
            return type(found)(list.__iter__(found))
        return found

    entry_points.__doc__ = original.__doc__
    entry_points.__remembered__ = True  # type: ignore[attr-defined]
    metadata.entry_points = entry_points


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    remember_entry_points()
    no_registry_lookup()
    defer_also(HUB_ONLY)
    launch(args)


if __name__ == "__main__":
    main()
