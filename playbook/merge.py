"""Three-way merge of plain data: two edits of one document made from the same version, combined.

A session document is written by several hands at once: a notebook, the live companion, the room where
participants vote. When a save finds that the file changed since its writer loaded it, the two versions
are compared field by field with the version both started from. Changes to different fields both land;
a list that both sides only appended to keeps both additions; the same field changed two ways is a
conflict, named by its field path, and nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .schema import join

MISSING: Any = object()
"""Stands for a field that a version does not have (left out because it is empty, or not there yet)."""


@dataclass(frozen=True)
class Merged:
    """The merged data, and the field paths that both sides changed differently (no paths: it merged;
    the path ``""`` stands for the whole document)."""

    data: Any
    conflicts: tuple[str, ...]


def merge(base: Any, mine: Any, theirs: Any) -> Merged:
    """Combine ``mine`` and ``theirs``, both edits of ``base``; see the module docstring for the rules."""
    conflicts: list[str] = []
    data = _merge(base, mine, theirs, "", conflicts)
    return Merged(data, tuple(conflicts))


def _merge(base: Any, mine: Any, theirs: Any, field: str, conflicts: list[str]) -> Any:
    if mine == theirs:
        return mine
    if mine == base:
        return theirs
    if theirs == base:
        return mine
    if all(isinstance(v, dict) or v is MISSING for v in (base, mine, theirs)):
        return _merge_mappings(base, mine, theirs, field, conflicts)
    if all(isinstance(v, list) or v is MISSING for v in (base, mine, theirs)):
        appended = _merge_appends(
            [] if base is MISSING else base,
            [] if mine is MISSING else mine,
            [] if theirs is MISSING else theirs,
        )
        if appended is not None:
            return appended
    conflicts.append(field)  # "" is the whole document; the caller names it in its language
    return mine


def _merge_mappings(
    base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any], field: str, conflicts: list[str]
) -> Any:
    base = {} if base is MISSING else base
    mine = {} if mine is MISSING else mine
    theirs = {} if theirs is MISSING else theirs
    out: dict[str, Any] = {}
    keys = list(dict.fromkeys([*mine, *theirs, *base]))  # my order first: the file reads as I wrote it
    for key in keys:
        value = _merge(
            base.get(key, MISSING),
            mine.get(key, MISSING),
            theirs.get(key, MISSING),
            join(field, key),
            conflicts,
        )
        if value is not MISSING:
            out[key] = value
    return out


def _merge_appends(base: list[Any], mine: list[Any], theirs: list[Any]) -> list[Any] | None:
    """Both sides kept ``base`` as it was and only added items after it: theirs first, then mine."""
    n = len(base)
    if mine[:n] != base or theirs[:n] != base:
        return None
    return [*base, *theirs[n:], *mine[n:]]
