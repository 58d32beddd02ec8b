"""Time within a draft: whole minutes spread over blocks within their ranges, and where breaks go.

Pure arithmetic on lists of minutes, so it is tested on its own: the designer decides what the blocks
are, this module only makes their minutes add up and keeps every stretch between breaks short enough.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def spread(total: int, lows: Sequence[int], typicals: Sequence[int], highs: Sequence[int]) -> list[int]:
    """Whole minutes within each block's range adding up to ``total`` (clamped to what the ranges allow):
    every block moves towards its typical time first, then beyond it, in proportion to its room."""
    total = max(sum(lows), min(total, sum(highs)))
    if total <= sum(typicals):
        base, cap = list(lows), list(typicals)
    else:
        base, cap = list(typicals), list(highs)
    remaining = total - sum(base)
    room = [c - b for b, c in zip(base, cap, strict=True)]
    whole = sum(room)
    if remaining <= 0 or whole <= 0:
        return base
    shares = [remaining * r / whole for r in room]
    out = [b + math.floor(s) for b, s in zip(base, shares, strict=True)]
    order = sorted(range(len(out)), key=lambda i: (-(shares[i] - math.floor(shares[i])), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def break_places(
    lengths: Sequence[int], count: int, limit: int, required: int | None = None
) -> list[int] | None:
    """Where to put ``count`` breaks between blocks (after block i) so that no stretch exceeds ``limit``
    and the stretches are as even as they can be; never after the first block or before the last, and
    after block ``required`` when one is given (a lunch after the morning). None when no places do."""
    n = len(lengths)
    allowed = set(range(1, n - 1)) or set(range(n - 1))
    if required is None:
        found = _places(lengths, count, limit, allowed)
        return found[1] if found else None
    if required not in allowed or count < 1:
        return None
    left, right = lengths[: required + 1], lengths[required + 1 :]
    best: tuple[float, list[int]] | None = None
    for before in range(count):
        a = _places(left, before, limit, {i for i in allowed if i < required})
        b = _places(right, count - 1 - before, limit, {i - required - 1 for i in allowed if i > required})
        if a and b and (best is None or a[0] + b[0] < best[0]):
            best = (a[0] + b[0], [*a[1], required, *(i + required + 1 for i in b[1])])
    return best[1] if best else None


def _places(
    lengths: Sequence[int], count: int, limit: int, allowed: set[int]
) -> tuple[float, list[int]] | None:
    """The cheapest ``count`` cuts among ``allowed`` (cost: the sum of squared stretches), or None."""
    n = len(lengths)
    prefix = [0]
    for length in lengths:
        prefix.append(prefix[-1] + length)
    if count == 0:
        return (prefix[n] ** 2, []) if prefix[n] <= limit else None
    places = sorted(allowed)
    inf = float("inf")
    # best[j][i]: cost of the first j stretches with the j-th cut after block i; back: the cut before it
    best = [dict.fromkeys(places, inf) for _ in range(count + 1)]
    back: list[dict[int, int | None]] = [{} for _ in range(count + 1)]
    for i in places:
        if prefix[i + 1] <= limit:
            best[1][i], back[1][i] = prefix[i + 1] ** 2, None
    for j in range(2, count + 1):
        for i in places:
            for p in places:
                if p >= i or best[j - 1][p] == inf:
                    continue
                stretch = prefix[i + 1] - prefix[p + 1]
                if stretch <= limit and best[j - 1][p] + stretch**2 < best[j][i]:
                    best[j][i], back[j][i] = best[j - 1][p] + stretch**2, p
    ends = [
        (best[count][i] + (prefix[n] - prefix[i + 1]) ** 2, i)
        for i in places
        if best[count][i] < inf and prefix[n] - prefix[i + 1] <= limit
    ]
    if not ends:
        return None
    cost, last = min(ends)
    cuts = [last]
    for j in range(count, 1, -1):
        cuts.append(back[j][cuts[-1]])  # type: ignore[arg-type]
    return cost, sorted(cuts)
