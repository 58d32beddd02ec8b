"""One error type for everything a user can get wrong.

Facilitators meet these messages in a notebook, a widget or a terminal, so each one names the file, the
field and what to do, and never needs a traceback to be understood.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place: ``file``, ``field`` (a path like ``agenda[3].minutes``), ``message``."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return ": ".join(part for part in (self.file, self.field, self.message) if part)


class PlaybookError(Exception):
    """A user mistake or an unusable file, with every problem found, each naming file and field."""

    def __init__(self, problems: list[Problem] | Problem | str, lang: str | None = None) -> None:
        self.lang = lang  # of the header over several problems; the messages are already in it
        if isinstance(problems, str):
            problems = [Problem("", "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.message)

    @classmethod
    def at(cls, file: str | Path, field: str, message: str, lang: str | None = None) -> PlaybookError:
        """Build an error for a single problem (``message`` already in ``lang``)."""
        return cls([Problem(str(file), field, message)], lang)

    @property
    def message(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        from .i18n import default_language, t  # errors is imported by everything; i18n only when shown

        lines = [t("schema.problems", self.lang or default_language(), count=len(self.problems))]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message


class ConflictError(PlaybookError):
    """The file changed on disk since it was loaded; saving would silently throw that change away."""
