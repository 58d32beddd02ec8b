"""Text in the facilitator's language: bilingual content fields and the interface's own strings.

Content (interventions, questions) carries both languages in one ``Text``; interface strings live in
``assets/i18n/{en,nl}.yaml`` so a translator never has to touch Python.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

Language = Literal["en", "nl"]
LANGUAGES: tuple[Language, ...] = ("en", "nl")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}


@dataclass(frozen=True)
class Text:
    """One text in both languages; ``text("nl")`` gives the Dutch."""

    en: str
    nl: str

    def __call__(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en

    def to_data(self) -> dict[str, str]:
        return {"en": self.en, "nl": self.nl}


def fold(text: str) -> str:
    """Lowercase without diacritics, so 'een' finds 'één' and 'reflectie' finds 'Reflectie'."""
    folded = text.casefold()
    if folded.isascii():  # most text: nothing to strip
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def capitalised(text: str) -> str:
    """A label with a capital first letter; word lists keep their words lowercase for use mid-sentence."""
    return text[:1].upper() + text[1:]


_speaking: list[str] = []  # the language chosen for this command, innermost last (see speaking())


def default_language() -> Language:
    """The language chosen with :func:`speak` (the command's ``--lang`` or session), else ``PLAYBOOK_LANG``
    if it names a supported language, else English."""
    lang = (_speaking[-1] if _speaking else "") or os.environ.get("PLAYBOOK_LANG", "en")
    return lang if lang in LANGUAGES else "en"  # type: ignore[return-value]


def speak(lang: str | None) -> None:
    """Make ``lang`` the language of messages that name no language of their own, for this command.

    The command line calls it with ``--lang`` and again once it has read the session, so a message from
    deep in the core (an unknown id, an unreadable file) speaks the session's language too.
    """
    if lang in LANGUAGES and _speaking:
        _speaking[-1] = lang


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Within the block, messages speak ``lang`` (None: ``PLAYBOOK_LANG``) unless :func:`speak` changes
    it; afterwards the language is what it was, so one command's choice never leaks into the next."""
    _speaking.append(lang if lang in LANGUAGES else "")  # type: ignore[arg-type]
    try:
        yield
    finally:
        _speaking.pop()


@cache
def strings(lang: str) -> dict[str, str]:
    """All interface strings of one language, flattened to dotted keys (``session.title``)."""
    from .paths import i18n_dir
    from .yamlio import load_yaml_file

    data, _ = load_yaml_file(i18n_dir() / f"{lang}.yaml")
    flat: dict[str, str] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        else:
            flat[prefix] = str(node)

    walk("", data)
    return flat


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The interface string ``key`` in ``lang``, with ``{placeholders}`` filled in.

    A key missing in one language falls back to English, then to the key itself, so a half-finished
    translation shows something readable; a test keeps both files complete.
    """
    text = strings(lang if lang in LANGUAGES else "en").get(key) or strings("en").get(key, key)
    return text.format(**values) if values else text


def message(key: str, lang: str | None = None, **values: Any) -> str:
    """An error's or notice's words: ``t(key)`` in ``lang``, else in the language of the command or
    session at hand (:func:`default_language`)."""
    return t(key, lang or default_language(), **values)
