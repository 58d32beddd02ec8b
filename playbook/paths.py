"""Where the playbook finds its assets and keeps a user's sessions."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

APP_PORT = 8866
"""The app's port unless told otherwise (here, so the command line's help needs no import of the app)."""


def assets_dir() -> Path:
    """The shipped assets: inside the package when installed as a wheel, ``./assets`` in a checkout."""
    inside = _PACKAGE / "assets"
    return inside if inside.is_dir() else _PACKAGE.parent / "assets"


def cache_dir() -> Path:
    """The playbook's folder in the user's cache (``$XDG_CACHE_HOME``, as matplotlib's and pip's are)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "playbook"


def keep_cache_entry(entry: Path, data: bytes) -> bool:
    """Write a cache entry all at once (another process may be reading it): False where it cannot be,
    since a read-only or full cache folder costs time, never a result."""
    import tempfile  # written rarely, read often: the reader need not import it

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=entry.parent, prefix=f".{entry.stem}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(name, entry)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def read_trusted_entry(entry: Path) -> bytes | None:
    """A cache entry that holds code or pickles, read only as ``__pycache__`` is trusted: a regular file
    owned by this user that nobody else may write. None where it is missing, unreadable or not trusted."""
    import stat

    try:
        with open(entry, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                return None
            return fh.read()
    except OSError:
        return None


def catalogue_dir() -> Path:
    return assets_dir() / "catalogue"


def examples_dir() -> Path:
    return assets_dir() / "examples"


def i18n_dir() -> Path:
    return assets_dir() / "i18n"


MARKER = ".playbook-folder"
"""Written by ``playbook init``: its folder keeps its sessions in ``sessions/`` beside the notebooks."""


def notebooks_dir() -> Path:
    """The shipped notebooks: inside the package when installed as a wheel, ``./notebooks`` in a checkout."""
    inside = _PACKAGE / "notebooks"
    return inside if inside.is_dir() else _PACKAGE.parent / "notebooks"


def notebook_files(folder: Path) -> list[Path]:
    """The notebooks in ``folder`` and its sub-folders, sorted; JupyterLab's checkpoint copies left out."""
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def playbook_folder(start: Path | None = None) -> Path | None:
    """The ``playbook init`` folder that ``start`` (default: the working directory) lies in, if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    return None


def workspace() -> Path:
    """The folder holding a facilitator's own session documents.

    ``PLAYBOOK_WORKSPACE`` wins (``make lab`` points it at ``./sessions``). A notebook opened from a
    folder made by ``playbook init`` (its kernel runs there) uses that folder's ``sessions/``, so every
    participant on a shared hub works in their own copy. Otherwise ``~/playbook``. Shipped examples
    are copied here before they are opened, so editing never changes the originals.
    """
    env = os.environ.get("PLAYBOOK_WORKSPACE")
    if env:
        return Path(env).expanduser()
    folder = playbook_folder()
    return folder / "sessions" if folder else Path.home() / "playbook"
