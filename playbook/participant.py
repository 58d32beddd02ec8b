"""``python -m playbook.participant MODULE [ARGS...]``: a hub participant's JupyterLab server.

It is :mod:`playbook.launch` (``python -m MODULE`` with the playbook's start-up) plus one thing a
participant never needs: JupyterLab asks Node for the yarn configuration (``jlpm config --json``) to learn
which npm registry it would install extensions from, once when its server module is imported and again
when the page lists the installed extensions. Each asking starts Node: some 0.75 s of CPU and 90 MiB for a
moment, twice per participant, on a machine shared by a whole workshop. A participant installs nothing
(their server is the trainer's environment), so here the registry is npm's default without asking Node.
``make lab`` (the facilitator's own JupyterLab) asks as usual.

And it defers what ``jupyterhub.singleuser`` imports only because it shares modules with the hub itself
(:data:`HUB_ONLY`): a participant's server never opens the hub's database.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

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


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    no_registry_lookup()
    defer_also(HUB_ONLY)
    launch(args)


if __name__ == "__main__":
    main()
