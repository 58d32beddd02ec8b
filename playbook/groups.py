"""The group maker: split a room into groups of a given size, mixing teams, without repeating pairs.

Used when the agenda says "in trios" or "at tables of six". Given sub-groups (the two teams of a merger)
are spread over the groups, and a reshuffle looks for an arrangement in which nobody meets someone they
already worked with, as far as the numbers allow.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Iterable

from .errors import PlaybookError
from .i18n import message

Pair = tuple[str, str]


def parse_people(text: str) -> tuple[list[str], dict[str, str]]:
    """Names, one per line, optionally 'Team: name'; a single number stands for that many people."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and lines[0].isdigit():
        count = int(lines[0])
        return [f"{n}" for n in range(1, count + 1)], {}
    names, teams = [], {}
    for line in lines:
        team, _, name = line.rpartition(":")
        name = name.strip() or line
        if name in names:
            name = f"{name} ({len([n for n in names if n.startswith(name)]) + 1})"
        names.append(name)
        if team.strip():
            teams[name] = team.strip()
    return names, teams


def _repeats(groups: list[list[str]], history: set[Pair]) -> int:
    return sum(1 for g in groups for a, b in itertools.combinations(sorted(g), 2) if (a, b) in history)


def make_groups(
    people: list[str],
    size: int,
    teams: dict[str, str] | None = None,
    history: Iterable[Pair] = (),
    seed: int | None = None,
    attempts: int = 300,
) -> list[list[str]]:
    """Groups of ``size`` (sizes differ by one at most), teams spread, repeated pairs as few as possible."""
    if size < 1:
        raise PlaybookError(message("errors.group_size"))
    if not people:
        raise PlaybookError(message("errors.nobody"))
    teams = teams or {}
    seen = {tuple(sorted(p)) for p in history}
    rng = random.Random(seed)
    count = max(1, math.ceil(len(people) / size))
    best: list[list[str]] | None = None
    best_score = (math.inf, math.inf)
    for _ in range(attempts):
        by_team: dict[str, list[str]] = {}
        for person in people:
            by_team.setdefault(teams.get(person, ""), []).append(person)
        for members in by_team.values():
            rng.shuffle(members)
        # Deal the teams out like cards, one team after the other, so every group gets people from each.
        order = [p for members in sorted(by_team.values(), key=len, reverse=True) for p in members]
        offset = rng.randrange(count)
        groups: list[list[str]] = [[] for _ in range(count)]
        for n, person in enumerate(order):
            groups[(n + offset) % count].append(person)
        spread = sum(len({teams.get(p, "") for p in g}) for g in groups)
        score = (_repeats(groups, seen), -spread)
        if score < best_score:
            best, best_score = groups, score
            if score[0] == 0 and len(by_team) <= 1:
                break
    assert best is not None
    return [sorted(g, key=lambda n: int(n) if re.fullmatch(r"\d+", n) else n) for g in best]
