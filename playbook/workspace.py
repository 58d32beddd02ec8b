"""The facilitator's workspace: their session files and which one is open now.

Notebooks 01–05 each open "the current session" so that any of them can be opened on its own and all
of them work on the same file. The choice is a one-line pointer file in the workspace, not kernel state,
so it survives restarts and is shared between notebooks.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PlaybookError
from .i18n import message
from .outputs import check_outputs
from .paths import MARKER, examples_dir, notebook_files, notebooks_dir, workspace
from .session import SUFFIX, SessionFile, new_session
from .yamlio import write_text_atomic

DEFAULT_EXAMPLE = "samen-een-servicedesk"
"""The example ``make lab`` opens: two teams who did not choose each other, merged into one."""
POINTER = ".current-session"


def examples() -> dict[str, Path]:
    """Shipped example sessions by name (the file name without ``.session.yaml``), default first."""
    found = {p.name[: -len(SUFFIX)]: p for p in sorted(examples_dir().glob(f"*{SUFFIX}"))}
    ordered = dict.fromkeys([DEFAULT_EXAMPLE]) if DEFAULT_EXAMPLE in found else {}
    return {name: found[name] for name in [*ordered, *found]}


PAST = "past"
"""The sub-folder of shipped examples (and of a workspace) holding sessions that already ran."""


def past_runs() -> list[Path]:
    """The example facilitator's past sessions, each with a recorded run, so calibration has a history."""
    return sorted((examples_dir() / PAST).glob(f"*{SUFFIX}"))


def _copy_past_runs(folder: Path) -> list[Path]:
    """Put the example's past runs beside it (never over a file that is already there)."""
    copied = []
    for source in past_runs():
        target = folder / PAST / source.name
        if not target.exists():
            _ensure(target.parent)
            shutil.copyfile(source, target)
            copied.append(target)
    return copied


def slugify(title: str) -> str:
    """A file-name-safe version of a title: 'Één team!' -> 'een-team'."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    words = re.sub(r"[\W_]+", "-", letters.lower())
    slug = re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "", words)).strip("-")
    return slug[:60].strip("-") or "session"


def _free_path(folder: Path, stem: str) -> Path:
    path, n = folder / f"{stem}{SUFFIX}", 2
    while path.exists():
        path, n = folder / f"{stem}-{n}{SUFFIX}", n + 1
    return path


def _ensure(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PlaybookError.at(folder, "", message("errors.workspace_folder", reason=exc.strerror)) from None
    return folder


def set_current(path: str | Path) -> Path:
    """Remember ``path`` as the session the notebooks open."""
    SessionFile.open(path)  # only a readable, valid session becomes current
    return _point_to(path)


def _point_to(path: str | Path) -> Path:
    """Write the pointer to a session already read (a long agenda is not read twice to open it)."""
    path = Path(path).resolve()
    pointer = _ensure(workspace()) / POINTER
    write_text_atomic(pointer, f"{path}\n", overwrite=True)
    return path


def current_path() -> Path | None:
    """The session chosen last, if it still exists."""
    pointer = workspace() / POINTER
    try:
        path = Path(pointer.read_text(encoding="utf-8").strip())
    except OSError:
        return None
    return path if path.is_file() else None


def copy_example(name: str = DEFAULT_EXAMPLE) -> Path:
    """The workspace copy of a shipped example, made on first use; the original is never edited."""
    found = examples()
    if name not in found:
        raise PlaybookError(message("errors.unknown_example", name=name, choices=", ".join(found)))
    target = _ensure(workspace()) / found[name].name
    if not target.exists():
        shutil.copyfile(found[name], target)
        _copy_past_runs(target.parent)
    return target


def open_example(name: str = DEFAULT_EXAMPLE) -> SessionFile:
    """Open (a workspace copy of) an example and make it the current session."""
    handle = SessionFile.open(copy_example(name))
    _point_to(handle.path)
    return handle


def create_session(title: str, language: str = "en", folder: str | Path | None = None) -> SessionFile:
    """Create a blank session file named after its title and make it the current session."""
    session = new_session(title.strip(), language)
    path = _free_path(_ensure(Path(folder) if folder else workspace()), slugify(title))
    handle = SessionFile.create(path, session)
    set_current(path)
    return handle


def open_current(path: str | Path | None = None) -> SessionFile:
    """What every notebook calls first: the given file, else the current one, else the default example."""
    if path:
        handle = SessionFile.open(path)  # only a readable, valid session becomes current
        _point_to(handle.path)
        return handle
    current = current_path()
    if current is not None:
        return SessionFile.open(current)
    return open_example()


@dataclass
class InitReport:
    """What ``init_folder`` did: files copied, and files left alone because they were already there."""

    folder: Path
    copied: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


_MARKER_TEXT = """\
# This folder was made by `playbook init`. The notebooks here keep their session documents in
# ./sessions, so this copy of the playbook is self-contained. Delete this file to use ~/playbook instead.
"""


def init_folder(folder: str | Path, refresh_notebooks: bool = False, lang: str = "en") -> InitReport:
    """Give one person their own playbook: the notebooks and the example sessions, copied into ``folder``.

    A trainer runs this for each participant (a hub does it at every start): files that are already
    there are kept, so a participant's sessions and notes are never overwritten. ``refresh_notebooks``
    replaces the notebooks with the shipped ones (after an upgrade) and still leaves every session alone.
    Errors are told in ``lang``.
    """
    from .i18n import t

    root = Path(folder).expanduser()
    if root.exists() and not root.is_dir():
        raise PlaybookError.at(root, "", t("init.not_a_folder", lang))
    source = notebooks_dir()
    notebooks = notebook_files(source)
    if not notebooks:
        raise PlaybookError.at(source, "", t("init.no_notebooks", lang))
    report = InitReport(_ensure(root).resolve())
    plan = [(nb, root / nb.relative_to(source), refresh_notebooks) for nb in notebooks]
    plan += [(ex, root / "sessions" / ex.name, False) for ex in examples().values()]
    plan += [(run, root / "sessions" / PAST / run.name, False) for run in past_runs()]
    # A folder that is the shipped one itself (or links into it) is refused before anything is copied.
    written = [target for _, target, replace in plan if replace or not os.path.lexists(target)]
    check_outputs(written, [src for src, _, _ in plan], replaceable=lambda _: True)
    for src, target, replace in plan:
        if os.path.lexists(target) and not replace:
            report.kept.append(target)
            continue
        _ensure(target.parent)
        write_text_atomic(target, src.read_text(encoding="utf-8"), overwrite=True)
        report.copied.append(target)
    marker = root / MARKER
    if not marker.exists():
        write_text_atomic(marker, _MARKER_TEXT)
    return report
