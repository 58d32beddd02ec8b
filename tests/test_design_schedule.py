"""Minutes spread within ranges, and breaks that keep every stretch short enough."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from playbook.schedule import break_places, spread

RANGES = st.lists(
    st.tuples(st.integers(1, 60), st.integers(0, 30), st.integers(0, 60)), min_size=1, max_size=12
).map(lambda rows: [(lo, lo + a, lo + a + b) for lo, a, b in rows])


@given(ranges=RANGES, total=st.integers(0, 900))
def test_spread_stays_within_every_range_and_adds_up_when_it_can(
    ranges: list[tuple[int, int, int]], total: int
) -> None:
    lows, typicals, highs = (list(x) for x in zip(*ranges, strict=True))
    minutes = spread(total, lows, typicals, highs)
    assert all(lo <= m <= hi for m, lo, hi in zip(minutes, lows, highs, strict=True))
    assert sum(minutes) == max(sum(lows), min(total, sum(highs)))


def test_spread_reaches_the_typical_times_before_going_beyond_them() -> None:
    assert spread(30, [5, 5], [10, 20], [40, 40]) == [10, 20]
    short = spread(20, [5, 5], [10, 20], [40, 40])
    assert short[0] < 10 and short[1] < 20
    long = spread(40, [5, 5], [10, 20], [40, 40])
    assert long[0] > 10 and long[1] > 20


@given(
    lengths=st.lists(st.integers(1, 50), min_size=3, max_size=14),
    count=st.integers(0, 4),
    limit=st.integers(30, 120),
)
def test_breaks_keep_every_stretch_within_the_limit(lengths: list[int], count: int, limit: int) -> None:
    cuts = break_places(lengths, count, limit)
    if cuts is None:
        return
    assert len(cuts) == count and 0 not in cuts and len(lengths) - 1 not in cuts
    edges = [-1, *cuts, len(lengths) - 1]
    for a, b in itertools.pairwise(edges):
        assert sum(lengths[a + 1 : b + 1]) <= limit


def test_breaks_fall_where_the_stretches_are_even() -> None:
    assert break_places([5, 25, 30, 30, 25, 5], 1, 90) == [2]
    assert break_places([5, 60, 60, 5], 1, 60) is None  # a block longer than a stretch
    assert break_places([5, 20, 20, 20, 20, 5], 2, 40, required=1) == [1, 3]
