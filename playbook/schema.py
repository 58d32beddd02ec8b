"""Reading plain YAML data into typed values while collecting every problem with its field path.

Both the session document and the catalogue are read with one :class:`FieldReader`, so a facilitator
sees the same kind of message everywhere (``agenda[3].minutes: must be a whole number above 0``) and
sees all of them at once instead of fixing one typo per run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import PlaybookError, Problem
from .i18n import LANGUAGES, Text, default_language, t

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _kind(value: Any, lang: str = "en") -> str:
    if value is None:
        return t("schema.kind_nothing", lang)
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return t("schema.kind_mapping", lang)
    if isinstance(value, list):
        return t("schema.kind_list", lang)
    if isinstance(value, str):
        return t("schema.kind_text", lang)
    return t("schema.kind_number", lang) if isinstance(value, int | float) else type(value).__name__


def join(field: str, key: str | int) -> str:
    """Extend a field path: ``join("agenda", 3) == "agenda[3]"``, ``join("brief", "wish") == "brief.wish"``."""
    if isinstance(key, int):
        return f"{field}[{key}]"
    return f"{field}.{key}" if field else key


class FieldReader:
    """Collects problems for one file; each ``read_*`` returns a usable value or None.

    Messages are in ``lang`` (a session's own language; ``PLAYBOOK_LANG`` or English otherwise), from the
    ``schema`` strings in ``assets/i18n``.
    """

    def __init__(self, file: str | Path, lang: str | None = None) -> None:
        self.file = str(file)
        self.lang = lang if lang in LANGUAGES else default_language()
        self.problems: list[Problem] = []

    def say(self, key: str, **values: Any) -> str:
        """A message in the reader's language (``schema.<key>``)."""
        return t(f"schema.{key}", self.lang, **values)

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, field, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise PlaybookError(self.problems, self.lang)

    def mapping(
        self, value: Any, field: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        """Check a mapping's keys: every required one present, none unknown (typos are caught)."""
        if not isinstance(value, dict):
            self.problem(field, self.say("mapping", kind=_kind(value, self.lang)))
            return None
        required, optional = list(required), list(optional)
        known = required + optional
        for key in value:
            if key not in known:
                hint = difflib.get_close_matches(str(key), known, n=1)
                advice = (
                    self.say("did_you_mean", hint=hint[0])
                    if hint
                    else self.say("known", known=", ".join(known))
                )
                self.problem(join(field, str(key)), self.say("unknown_field", advice=advice))
        for key in required:
            if key not in value:
                self.problem(join(field, key), self.say("missing"))
        return value

    def text(self, value: Any, field: str, *, allow_empty: bool = True, max_len: int = 20_000) -> str | None:
        if value is None and allow_empty:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # a title like 2030 is still a title
        if not isinstance(value, str):
            self.problem(field, self.say("text", kind=_kind(value, self.lang)))
            return None
        if not allow_empty and not value.strip():
            self.problem(field, self.say("empty"))
            return None
        if len(value) > max_len:
            self.problem(field, self.say("too_long", max=f"{max_len:,}"))
            return None
        return value

    def bilingual(self, value: Any, field: str) -> Text | None:
        """A ``{en: ..., nl: ...}`` text with both languages filled in."""
        data = self.mapping(value, field, LANGUAGES)
        if data is None:
            return None
        parts = {
            lang: self.text(data.get(lang), join(field, lang), allow_empty=False)
            for lang in LANGUAGES
            if lang in data
        }
        if len(parts) != len(LANGUAGES) or any(v is None for v in parts.values()):
            return None
        return Text(**parts)  # type: ignore[arg-type]

    def number(
        self,
        value: Any,
        field: str,
        *,
        low: int | None = None,
        high: int | None = None,
        whole: bool = True,
    ) -> int | None:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if not whole:
            ok = ok or isinstance(value, float)
        if not ok:
            self.problem(field, self.say("whole" if whole else "number", kind=_kind(value, self.lang)))
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            if high is None:
                bounds = self.say("at_least", low=low)
            elif low is None:
                bounds = self.say("at_most", high=high)
            else:
                bounds = self.say("between", low=low, high=high)
            self.problem(field, self.say("bounds", bounds=bounds, value=value))
            return None
        return value

    def choice(self, value: Any, field: str, choices: Iterable[str]) -> str | None:
        choices = list(choices)
        if value not in choices:
            self.problem(field, self.say("choice", choices=", ".join(choices), value=repr(value)))
            return None
        return value

    def choices(
        self, value: Any, field: str, choices: Iterable[str], *, at_least: int = 1
    ) -> tuple[str, ...] | None:
        items = self.items(value, field)
        if items is None:
            return None
        out = tuple(c for i, c in enumerate(items) if self.choice(c, join(field, i), choices) is not None)
        if len(out) != len(items):
            return None
        if len(out) < at_least:
            self.problem(field, self.say("at_least_items", count=at_least))
            return None
        if len(set(out)) != len(out):
            self.problem(field, self.say("twice"))
        return out

    def items(self, value: Any, field: str) -> list[Any] | None:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(field, self.say("list", kind=_kind(value, self.lang)))
            return None
        return value

    def identifier(self, value: Any, field: str) -> str | None:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(field, self.say("identifier", value=repr(value)))
            return None
        return value

    def identifiers(self, value: Any, field: str) -> tuple[str, ...] | None:
        items = self.items(value, field)
        if items is None:
            return None
        out = [self.identifier(v, join(field, i)) for i, v in enumerate(items)]
        return None if None in out else tuple(out)  # type: ignore[arg-type]
