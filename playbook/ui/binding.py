"""One open session shared by all views in a notebook: edits are saved at once and announced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..diagnosis import Profile, diagnose
from ..errors import PlaybookError
from ..i18n import speaking
from ..session import Session, SessionFile
from ..workspace import open_current
from ..yamlio import file_message


class SessionBinding:
    """Holds the SessionFile the widgets edit; every accepted change goes through the core's atomic save.

    Views call :meth:`update` and show the message it returns (None means saved): a mistake, a change
    on disk that could not be merged, a full disk or a read-only folder, in words and never as a
    traceback. Listeners registered with :meth:`on_change` hear about every saved version (merged with
    what another program saved meanwhile, when it was), so the brief form and the diagnosis panel of one
    notebook stay in step without knowing about each other.
    """

    def __init__(self, handle: SessionFile) -> None:
        self.handle = handle
        self._listeners: list[Callable[[Session], None]] = []
        self._profile: tuple[tuple[object, ...], Profile] | None = None

    @classmethod
    def open(cls, path: str | Path | None = None) -> SessionBinding:
        """The given session file, or the one chosen in notebook 00, or the example."""
        return cls(open_current(path))

    @property
    def session(self) -> Session:
        return self.handle.session

    @property
    def path(self) -> Path:
        return self.handle.path

    def profile(self) -> Profile:
        """The diagnosis of the session as it is now, shared by all views and computed again only when
        what it is read from changed: its language, brief and diagnosis (an agenda edit keeps it)."""
        session = self.session
        read_from = (session.language, session.brief, session.diagnosis)
        if self._profile is None or not _same(self._profile[0], read_from):
            self._profile = (read_from, diagnose(session))
        return self._profile[1]

    def on_change(self, listener: Callable[[Session], None]) -> None:
        self._listeners.append(listener)

    def update(self, **changes: Any) -> str | None:
        """Save the session with ``changes``; return None, or the reason it was not saved."""
        return self.replace(self.session.with_changes(**changes))

    def replace(self, session: Session) -> str | None:
        """Save ``session``; return None, or the reason it was not saved."""
        if session == self.session:
            return None
        return self._attempt(lambda: self.handle.save(session))

    def reload(self) -> str | None:
        """Read the file again (after a change on disk); listeners see the version on disk."""
        return self._attempt(self.handle.reload)

    def _attempt(self, action: Callable[[], object]) -> str | None:
        try:
            with speaking(
                self.session.language
            ):  # what the core says without a language speaks the session's
                action()
        except PlaybookError as exc:
            return str(exc)
        except OSError as exc:  # the last net: the core raises PlaybookError, a view never shows a traceback
            reason = file_message("os_error", self.session.language, reason=exc.strerror or exc)
            return f"{self.path}: {reason}"
        self._announce()
        return None

    def _announce(self) -> None:
        for listener in self._listeners:
            listener(self.session)


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    """Equal field by field (the very same objects, as an edit elsewhere leaves them, at once)."""
    return all(x is y or x == y for x, y in zip(a, b, strict=True))
