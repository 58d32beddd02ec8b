"""A whole session driven through the live core with a fake clock: late, plan B, cuts, observations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from playbook.catalogue import Catalogue
from playbook.errors import PlaybookError
from playbook.groups import make_groups, parse_people
from playbook.live import Live, follow_up
from playbook.session import Block, SessionFile, load_session


class FakeClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += dt.timedelta(minutes=minutes)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2027, 1, 14, 13, 0))


@pytest.fixture
def live(example: Path, catalogue: Catalogue, clock: FakeClock) -> Live:
    return Live(SessionFile.open(example), catalogue, clock)


def test_a_whole_session_with_running_over_plan_b_and_a_cut(
    live: Live, clock: FakeClock, example: Path
) -> None:
    original = live.session.agenda
    assert live.status().current is None and live.status().next.index == 0
    live.start()  # 13:00 welcome, 10 min
    clock.advance(10)
    live.start()  # finishes the welcome, starts the check-in (20 min)
    assert [b.status for b in live.status().blocks[:3]] == ["done", "running", "coming"]
    clock.advance(25)  # the check-in runs 5 minutes over
    status = live.status()
    assert status.current.index == 1 and status.remaining_seconds == -300 and status.behind_minutes == 5
    assert status.next.start == dt.datetime(2027, 1, 14, 13, 35)  # the rest is re-timed from now
    live.observe("tension", "Team A zwijgt")
    live.swap_to_plan_b(2)  # hopes and concerns → safety check
    assert live.session.agenda[2].intervention == "safety-check" and live.session.agenda[2].plan_b == (
        "hopes-and-concerns",
    )
    live.finish()
    live.cut()  # the next block (the safety check) goes
    assert [b.intervention for b in live.session.agenda[:3]] == [
        None,
        "check-in-round",
        "appreciative-interviews",
    ]
    live.start()
    clock.advance(30)
    live.resize(None, 30)  # shorten the running interviews to what they took
    live.finish()
    saved = load_session(example)
    assert saved.run.planned == original  # the plan as it stood is kept for the report
    assert [e.kind for e in saved.run.events] == [
        "start",
        "finish",
        "start",
        "swap",
        "finish",
        "cut",
        "start",
        "resize",
        "finish",
    ]
    assert saved.run.observations[0].kind == "tension" and saved.run.observations[0].at == dt.datetime(
        2027, 1, 14, 13, 35
    )
    done = [b for b in live.status().blocks if b.status == "done"]
    assert [(b.start.strftime("%H:%M"), b.end.strftime("%H:%M")) for b in done] == [
        ("13:00", "13:10"),
        ("13:10", "13:35"),
        ("13:35", "14:05"),
    ]
    replanned = live.replan()  # the actual minutes so far, the plan for the rest
    assert [b.minutes for b in replanned.blocks[:3]] == [10, 25, 30] and replanned.start == 13 * 60


def test_inserting_and_cutting_keep_the_events_on_their_blocks(live: Live, clock: FakeClock) -> None:
    live.start()
    clock.advance(5)
    live.insert(1, Block(5, intervention="stand-up-if"))
    assert live.status().current.index == 0 and live.session.agenda[1].intervention == "stand-up-if"
    live.finish()
    live.start()
    assert live.status().current.block.intervention == "stand-up-if"
    live.cut(5)
    assert live.status().current.block.intervention == "stand-up-if"


def test_mistakes_are_messages_and_nothing_changes(live: Live, example: Path) -> None:
    before = example.read_bytes()
    with pytest.raises(PlaybookError, match="Er loopt geen blok"):
        live.finish()
    with pytest.raises(PlaybookError, match="geen plan B"):
        live.swap_to_plan_b(0)
    with pytest.raises(PlaybookError, match="geen blok 99"):
        live.resize(98, 10)
    with pytest.raises(PlaybookError, match="onbekende waarneming"):
        live.observe("boredom")
    with pytest.raises(PlaybookError, match="notitie"):
        live.observe("note", "  ")
    with pytest.raises(PlaybookError, match="wat de actie is"):
        live.add_action(" ")
    assert example.read_bytes() == before
    live.start()
    with pytest.raises(PlaybookError, match="nog niet begonnen"):
        live.cut(0)


def test_result_photos_and_actions_are_kept_beside_the_session(live: Live, example: Path) -> None:
    live.capture_result(
        "  Vijf afspraken op de wand  ", [("flip chart 1.PNG", b"\x89PNG-one"), ("../../etc/passwd", b"x")]
    )
    live.capture_result("Vijf afspraken op de wand", [("flip chart 1.PNG", b"\x89PNG-two")])
    live.add_action("Afspraken uitwerken", "Marieke", "1 februari")
    run = load_session(example).run
    assert run.result == "Vijf afspraken op de wand"
    assert run.photos == (
        "samen-een-servicedesk.photos/flip-chart-1.PNG",
        "samen-een-servicedesk.photos/passwd",
        "samen-een-servicedesk.photos/flip-chart-1-2.PNG",
    )
    assert (example.parent / run.photos[2]).read_bytes() == b"\x89PNG-two"
    assert not (example.parent.parent / "etc").exists()
    assert run.actions[0].who == "Marieke"


def test_the_run_survives_a_restart(
    live: Live, clock: FakeClock, example: Path, catalogue: Catalogue
) -> None:
    live.start()
    clock.advance(3)
    live.observe("laughter")
    again = Live(SessionFile.open(example), catalogue, clock)  # as after a killed kernel
    assert again.status().current.index == 0 and again.status().remaining_seconds == 7 * 60
    assert again.session.run.observations[0].kind == "laughter"


def test_the_follow_up_starts_from_the_open_actions(live: Live) -> None:
    live.capture_result("Vijf afspraken")
    live.add_action("Afspraken uitwerken", "Marieke", "1 februari")
    nxt = follow_up(live.session)
    assert nxt.title == "Vervolg: Samen één servicedesk" and nxt.language == "nl"
    assert "Afspraken uitwerken (Marieke, 1 februari)" in nxt.brief.wish
    assert "Vijf afspraken" in nxt.brief.context and nxt.group == live.session.group
    assert nxt.agenda[0].role == "open" and not nxt.run.started


# ----------------------------------------------------------------------------------- the group maker


def test_groups_have_the_asked_size_and_mix_the_teams() -> None:
    names, teams = parse_people("\n".join([f"A: a{n}" for n in range(6)] + [f"B: b{n}" for n in range(6)]))
    groups = make_groups(names, 3, teams, seed=1)
    assert sorted(len(g) for g in groups) == [3, 3, 3, 3]
    assert sorted(p for g in groups for p in g) == sorted(names)
    assert all({teams[p] for p in g} == {"A", "B"} for g in groups)


def test_a_reshuffle_repeats_no_pair_when_it_can() -> None:
    names, _ = parse_people("\n".join(f"p{n}" for n in range(12)))
    first = make_groups(names, 3, seed=2)
    history = {(a, b) for g in first for a in g for b in g if a < b}
    second = make_groups(names, 3, history=history, seed=3)
    assert not any((a, b) in history for g in second for a in g for b in g if a < b)


def test_a_count_is_enough_and_sizes_differ_by_one_at_most() -> None:
    names, teams = parse_people("14")
    groups = make_groups(names, 4, teams, seed=4)
    assert len(names) == 14 and sorted(len(g) for g in groups) == [3, 3, 4, 4]
    with pytest.raises(PlaybookError):
        make_groups([], 3)


def test_a_run_on_another_day_is_measured_from_its_own_start(example: Path, catalogue: Catalogue) -> None:
    clock = FakeClock(dt.datetime(2026, 11, 27, 22, 21))  # a rehearsal, weeks before the planned date
    live = Live(SessionFile.open(example), catalogue, clock)
    live.start()
    clock.advance(12)
    assert live.status().behind_minutes == 2  # the 10-minute welcome ran 2 over; not weeks ahead
