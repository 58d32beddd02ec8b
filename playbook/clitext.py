"""The command line's own words in the user's language: its help, and argparse's usage and errors.

``cli.help.*`` and ``cli.argparse.*`` in ``assets/i18n`` hold each text the parser shows, keyed in
English by the very text the code (or argparse, through its gettext ``_()``) passes; a text is
translated when it is shown, by looking that English up. Imported only to show help or an error, so a
command that runs cleanly never pays for it.

argparse's strings are its gettext message ids (Python 3.11 to 3.13); one argparse does not know is
shown as argparse wrote it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from functools import cache
from typing import Any

from .i18n import strings, t

SECTIONS = ("cli.help.", "cli.argparse.")


@cache
def _keys() -> dict[str, str]:
    """English text -> its key, for every text of the command line."""
    return {text: key for key, text in strings("en").items() if key.startswith(SECTIONS)}


def translate(text: str, lang: str) -> str:
    """``text`` (as the parser or argparse holds it, in English) in ``lang``; unknown text stays."""
    if lang == "en" or not text:
        return text
    key = _keys().get(text)
    return t(key, lang) if key else text


def english_texts() -> Iterable[str]:
    """Every English text this module can translate (for the test that the parser's are all here)."""
    return _keys().keys()


class Formatter(argparse.HelpFormatter):
    """argparse's help, in ``lang``: each help text, heading, description and the usage prefix."""

    def __init__(self, prog: str, lang: str) -> None:
        super().__init__(prog)
        self._lang = lang

    def _get_help_string(self, action: argparse.Action) -> str:
        return translate(action.help or "", self._lang)

    def start_section(self, heading: str | None) -> None:
        super().start_section(translate(heading, self._lang) if heading else heading)

    def add_text(self, text: str | None) -> None:
        if text and text is not argparse.SUPPRESS:
            text = translate(text, self._lang)
        super().add_text(text)

    def add_usage(
        self, usage: str | None, actions: Iterable[argparse.Action], groups: Any, prefix: str | None = None
    ) -> None:
        super().add_usage(
            usage, actions, groups, translate("usage: ", self._lang) if prefix is None else prefix
        )
