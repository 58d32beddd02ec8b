"""The packing list: every material the agenda's work forms need, once, filtered by the session's setting.

Which material belongs to which setting is read from ``assets/design/packing.yaml`` (words that mark a
material as physical or as online), so an online session is not sent off with flip charts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .agenda import Plan
from .i18n import LANGUAGES, fold
from .paths import assets_dir
from .schema import FieldReader


@dataclass(frozen=True)
class Cues:
    physical: dict[str, re.Pattern[str]]
    online: dict[str, re.Pattern[str]]
    """Per language, one pattern that finds any of the words at the start of a word ('sticky' in
    'sticky notes', 'flip' in 'flip-over')."""


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    if not words:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + ")")


@cache
def cues() -> Cues:
    from .yamlio import load_yaml_file

    path = assets_dir() / "design" / "packing.yaml"
    data, _ = load_yaml_file(path)
    r = FieldReader(path)
    d = r.mapping(data, "", ("physical", "online")) or {}
    found: dict[str, dict[str, re.Pattern[str]]] = {}
    for key in ("physical", "online"):
        words = r.mapping(d.get(key), key, LANGUAGES) or {}
        found[key] = {
            lang: _pattern(tuple(fold(str(w)) for w in r.items(words.get(lang), f"{key}.{lang}") or ()))
            for lang in LANGUAGES
        }
    r.raise_if_any()
    return Cues(found["physical"], found["online"])


def needed(material: str, setting: str, lang: str) -> bool:
    """Whether a material goes along for a session in ``setting`` (in-person, online or hybrid)."""
    if setting == "hybrid":
        return True
    text = fold(material)
    c = cues()
    physical = bool(c.physical[lang].search(text))
    online = bool(c.online[lang].search(text))
    if setting == "online":
        return online or not physical
    return physical or not online


@dataclass(frozen=True)
class Item:
    material: str
    blocks: tuple[str, ...]
    """The titles of the blocks that need it, in running order."""


def packing_list(p: Plan, setting: str) -> list[Item]:
    """The materials of every block in the plan that fit the setting, each listed once with its blocks.

    Linear in the blocks: a material's fit is judged once per text, and its blocks are kept as an ordered
    set, so an agenda of thousands of blocks (each titled on its own) costs no more per block than one
    of ten."""
    lang = p.language
    fits: dict[str, bool] = {}
    found: dict[str, dict[str, None]] = {}
    for b in p.blocks:
        if b.intervention is None:
            continue
        for m in b.intervention.materials:
            text = m(lang)
            if text not in fits:
                fits[text] = needed(text, setting, lang)
            if fits[text]:
                found.setdefault(text, {})[b.title] = None
    return [Item(material, tuple(titles)) for material, titles in found.items()]
