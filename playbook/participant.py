"""``python -m playbook.participant MODULE [ARGS...]``: a hub participant's JupyterLab server.

It is :mod:`playbook.launch` (``python -m MODULE`` with the playbook's start-up) plus one thing a
participant never needs: JupyterLab asks Node for the yarn configuration (``jlpm config --json``) to learn
which npm registry it would install extensions from, once when its server module is imported and again
when the page lists the installed extensions. Each asking starts Node: some 0.75 s of CPU and 90 MiB for a
moment, twice per participant, on a machine shared by a whole workshop. A participant installs nothing
(their server is the trainer's environment), so here the registry is npm's default without asking Node.
``make lab`` (the facilitator's own JupyterLab) asks as usual.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .launch import main as launch


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
    launch(args)


if __name__ == "__main__":
    main()
