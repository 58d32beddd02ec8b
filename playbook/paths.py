"""Where the playbook finds its assets and keeps a user's sessions."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def assets_dir() -> Path:
    """The shipped assets: inside the package when installed as a wheel, ``./assets`` in a checkout."""
    inside = _PACKAGE / "assets"
    return inside if inside.is_dir() else _PACKAGE.parent / "assets"


def catalogue_dir() -> Path:
    return assets_dir() / "catalogue"


def examples_dir() -> Path:
    return assets_dir() / "examples"


def i18n_dir() -> Path:
    return assets_dir() / "i18n"


def workspace() -> Path:
    """The folder holding a facilitator's own session documents.

    ``PLAYBOOK_WORKSPACE`` wins (``make lab`` points it at ``./sessions``); otherwise ``~/playbook``.
    Shipped examples are copied here before they are opened, so editing never changes the originals.
    """
    env = os.environ.get("PLAYBOOK_WORKSPACE")
    return Path(env).expanduser() if env else Path.home() / "playbook"
