"""The house style: one word for each recurring thing, per language, and the words it replaces.

A facilitator who reads "flip-over" on one card and "flap" on the next starts to wonder whether the
cards were checked at all, so the words live in one data file (``assets/style.yaml``) and every piece of
shipped text is held to it: the catalogue's validator, its report and a test all read the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import PlaybookError, Problem
from .i18n import LANGUAGES, Text
from .paths import assets_dir
from .schema import FieldReader, join
from .yamlio import load_yaml_file

KINDS = ("terms", "phrases")
"""Recurring things with one word each, and known mistakes in wording that must not come back."""

CONTENT_FOLDERS = ("catalogue", "teaching", "i18n", "diagnosis", "examples", "suggestions")
"""The shipped folders whose text the house style covers (every YAML file in them, sub-folders too)."""
NOT_OUR_WORDS = ("cues",)
"""Sub-folders holding the client's vocabulary (the cue words a brief is read with), not our prose: a
client may well write "flip-over", and the reading must still hear it."""

_WORD_START = r"(?<![^\W_])"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def style_file() -> Path:
    return assets_dir() / "style.yaml"


def _normal(word: str) -> str:
    return " ".join(word.translate(_APOSTROPHES).casefold().split())


@dataclass(frozen=True)
class Rule:
    """In ``lang``, write ``use`` instead of any of ``replaces`` (a ``kind`` of the style sheet)."""

    kind: str
    thing: Text
    lang: str
    use: str
    replaces: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """A replaced word found in a text: the words as written and the rule they break."""

    found: str
    rule: Rule

    def advice(self) -> str:
        return f"writes '{self.found}'; the house style says '{self.rule.use}' (assets/style.yaml)"


class StyleSheet:
    """The rules of the house style, with one matcher per language built once."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._by_word: dict[tuple[str, str], Rule] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}
        for lang in LANGUAGES:
            words = []
            for rule in self.rules:
                if rule.lang == lang:
                    for word in rule.replaces:
                        self._by_word[(lang, _normal(word))] = rule
                        words.append(word)
            if words:
                words.sort(key=len, reverse=True)  # the longest spelling wins ("dot sticker" over "dot")
                alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
                self._patterns[lang] = re.compile(f"{_WORD_START}(?:{alternatives})", re.IGNORECASE)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def find(self, text: str, lang: str) -> list[Hit]:
        """Every replaced word in ``text`` written in ``lang``, in the order they appear."""
        pattern = self._patterns.get(lang)
        if pattern is None:
            return []
        text = text.translate(_APOSTROPHES)
        return [Hit(m.group(0), self._by_word[(lang, _normal(m.group(0)))]) for m in pattern.finditer(text)]

    def problems(self, data: Any, file: str | Path, lang: str | None = None) -> list[Problem]:
        """Every replaced word in a YAML document: bilingual texts by their key, the rest in ``lang``
        (a session document's ``language``, an interface file's own language)."""
        if lang is None and isinstance(data, dict) and data.get("language") in LANGUAGES:
            lang = data["language"]
        found: list[Problem] = []
        for field, text, text_lang in _texts(data, "", lang):
            found += [Problem(str(file), field, hit.advice()) for hit in self.find(text, text_lang)]
        return found


def _texts(data: Any, field: str, lang: str | None) -> Iterator[tuple[str, str, str]]:
    """(field, text, language) for every string in ``data`` whose language is known."""
    if isinstance(data, str):
        if lang is not None:
            yield field, data, lang
    elif isinstance(data, dict):
        for key, value in data.items():
            sub = key if key in LANGUAGES else lang
            yield from _texts(value, join(field, str(key)), sub)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _texts(value, join(field, i), lang)


def parse_style(data: Any, file: str | Path) -> StyleSheet:
    """Read the style sheet's data, refusing a malformed one with every problem named."""
    r = FieldReader(file)
    rules: list[Rule] = []
    top = r.mapping(data, "", (), KINDS) or {}
    for kind in KINDS:
        entries = top.get(kind) or []
        if not isinstance(entries, list):
            r.problem(kind, "must be a list of things, each with its words per language")
            continue
        for i, raw in enumerate(entries):
            f = join(kind, i)
            d = r.mapping(raw, f, ("thing",), LANGUAGES)
            if d is None:
                continue
            thing = r.bilingual(d.get("thing"), join(f, "thing"))
            if not any(lang in d for lang in LANGUAGES):
                r.problem(f, f"gives no words; add {' or '.join(LANGUAGES)}")
            for lang in LANGUAGES:
                if lang not in d:
                    continue
                lf = join(f, lang)
                words = r.mapping(d[lang], lf, ("use", "replaces"))
                if words is None:
                    continue
                use = r.text(words.get("use"), join(lf, "use"), allow_empty=False)
                replaces = words.get("replaces")
                if not isinstance(replaces, list) or not replaces:
                    r.problem(join(lf, "replaces"), "must be a list of the words it replaces")
                    continue
                clean = [
                    r.text(w, join(join(lf, "replaces"), j), allow_empty=False)
                    for j, w in enumerate(replaces)
                ]
                if thing is not None and use is not None and all(clean):
                    rules.append(Rule(kind, thing, lang, use, tuple(w for w in clean if w)))
    r.raise_if_any()
    return StyleSheet(rules)


@cache
def _shipped() -> StyleSheet:
    data, _ = load_yaml_file(style_file())
    return parse_style(data, style_file())


def load_style(path: str | Path | None = None) -> StyleSheet:
    """The shipped house style, or the one in ``path``."""
    if path is None:
        return _shipped()
    data, _ = load_yaml_file(path)
    return parse_style(data, path)


def file_language(path: Path) -> str | None:
    """The language of a file that holds one language only (``i18n/nl.yaml``): it is named after it."""
    return path.stem if path.stem in LANGUAGES else None


def content_files(root: Path | None = None) -> list[Path]:
    """Every shipped YAML file the house style covers."""
    root = root or assets_dir()
    files: list[Path] = []
    for name in CONTENT_FOLDERS:
        folder = root / name
        if folder.is_dir():
            files += sorted(
                p
                for p in folder.rglob("*")
                if p.suffix in (".yaml", ".yml") and p.parent.name not in NOT_OUR_WORDS
            )
    return files


def check_files(paths: Iterable[Path], sheet: StyleSheet | None = None) -> list[Problem]:
    """Every replaced word in these files, each a problem naming the file, the field and the word to use."""
    sheet = sheet or load_style()
    problems: list[Problem] = []
    for path in paths:
        try:
            data, _ = load_yaml_file(path)
        except PlaybookError as exc:
            problems += exc.problems
            continue
        problems += sheet.problems(data, path, file_language(path))
    return problems
