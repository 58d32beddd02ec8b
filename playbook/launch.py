"""``python -m playbook.launch MODULE [ARGS...]``: run a program as ``python -m MODULE`` does, with the
playbook's start-up (``playbook.startup``): the hub starts each participant's JupyterLab server this way,
and ``make lab`` starts JupyterLab so.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Sequence

from .startup import defer


def main(argv: Sequence[str] | None = None) -> None:
    """Defer what nobody uses yet, then hand the process to MODULE with ARGS as its command line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0].startswith("-"):
        sys.exit("usage: python -m playbook.launch MODULE [ARGS...]  (runs MODULE as python -m does)")
    defer()
    sys.argv = args
    runpy.run_module(args[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
