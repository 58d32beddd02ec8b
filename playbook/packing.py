"""The packing list: every material the agenda's work forms need, once, filtered by the session's setting.

Which material belongs to which setting is read from ``assets/design/packing.yaml`` (words that mark a
material as physical or as online), so an online session is not sent off with flip charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .agenda import Plan
from .diagnosis import matched_words
from .i18n import LANGUAGES, fold
from .paths import assets_dir
from .schema import FieldReader


@dataclass(frozen=True)
class Cues:
    physical: dict[str, tuple[str, ...]]
    online: dict[str, tuple[str, ...]]


@cache
def cues() -> Cues:
    from .yamlio import load_yaml_file

    path = assets_dir() / "design" / "packing.yaml"
    data, _ = load_yaml_file(path)
    r = FieldReader(path)
    d = r.mapping(data, "", ("physical", "online")) or {}
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for key in ("physical", "online"):
        words = r.mapping(d.get(key), key, LANGUAGES) or {}
        found[key] = {
            lang: tuple(fold(w) for w in r.items(words.get(lang), f"{key}.{lang}") or ())
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
    physical = bool(matched_words(text, c.physical[lang]))
    online = bool(matched_words(text, c.online[lang]))
    if setting == "online":
        return online or not physical
    return physical or not online


@dataclass(frozen=True)
class Item:
    material: str
    blocks: tuple[str, ...]
    """The titles of the blocks that need it, in running order."""


def packing_list(p: Plan, setting: str) -> list[Item]:
    """The materials of every block in the plan that fit the setting, each listed once with its blocks."""
    lang = p.language
    found: dict[str, list[str]] = {}
    for b in p.blocks:
        if b.intervention is None:
            continue
        for m in b.intervention.materials:
            text = m(lang)
            if needed(text, setting, lang):
                titles = found.setdefault(text, [])
                if b.title not in titles:
                    titles.append(b.title)
    return [Item(material, tuple(titles)) for material, titles in found.items()]
