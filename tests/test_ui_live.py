"""Notebook 05's live companion, driven from Python with a fake clock: the file follows every click."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from playbook.session import load_session
from playbook.ui import LiveCompanion
from playbook.workspace import open_current

from .test_live import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2027, 1, 14, 12, 58))


@pytest.fixture
def companion(example: Path, clock: FakeClock) -> LiveCompanion:
    return LiveCompanion(open_current(example), clock=clock, tick=False)


def test_start_countdown_and_running_over(companion: LiveCompanion, clock: FakeClock, example: Path) -> None:
    assert "nog niet begonnen" in companion.now.value
    companion.start_button.click()
    assert load_session(example).run.events[0].kind == "start"
    clock.advance(4)
    companion.render_now()
    assert "nog 6:00" in companion.now.value and "Welkom en bedoeling" in companion.now.value
    clock.advance(10)  # 13:12: the welcome runs 4 minutes over; having started 2 early, we are 2 behind
    companion.render_now()
    assert "4:00 over tijd" in companion.now.value and "2 min achter op de planning" in companion.now.value


def test_adjusting_re_times_the_rest_and_redraws(
    companion: LiveCompanion, clock: FakeClock, example: Path
) -> None:
    companion.start_button.click()
    arc = companion.arc.value
    companion.longer_button.click()
    assert load_session(example).agenda[0].minutes == 15 and companion.arc.value != arc
    assert "13:13–13:33" in companion.timeline.value  # 12:58 + 15 minutes, then the check-in
    companion.cut_button.click()
    assert load_session(example).agenda[1].intervention == "hopes-and-concerns"
    companion.insert_choice.value = "stand-up-if"
    companion.insert_button.click()
    assert load_session(example).agenda[1].intervention == "stand-up-if"
    companion.plan_b_button.click()  # the running welcome has no plan B: a message, not a traceback
    assert "geen plan B" in companion.message.value


def test_observations_notes_groups_result_and_actions(companion: LiveCompanion, example: Path) -> None:
    companion.observe_buttons["breakthrough"].click()
    companion.note.value = "Team B <script>lacht</script>"
    companion.note_button.click()
    companion.people.value = "A: Ann\nA: Aad\nA: Ali\nB: Bo\nB: Bas\nB: Bea"
    companion.group_size.value = 2
    companion.groups_button.click()
    assert len(companion.groups) == 3 and all(len(g) == 2 for g in companion.groups)
    companion.reshuffle_button.click()
    first_pairs = load_session(example).run.pairs
    assert len(first_pairs) == 6  # two groupings of three pairs, none repeated
    companion.result.value = "Vijf afspraken"
    companion.photos.value = (
        {
            "name": "flip.png",
            "type": "image/png",
            "size": 4,
            "content": memoryview(b"\x89PNG"),
            "last_modified": dt.datetime(2027, 1, 14),
        },
    )
    companion.result_button.click()
    companion.action_what.value = "Afspraken uitwerken"
    companion.action_who.value = "Marieke"
    companion.action_button.click()
    run = load_session(example).run
    assert [o.kind for o in run.observations] == ["breakthrough", "note"] and run.observations[
        1
    ].note == "Team B <script>lacht</script>"
    assert run.result == "Vijf afspraken" and run.photos == ("samen-een-servicedesk.photos/flip.png",)
    assert "Afspraken uitwerken" in companion.actions.value


def test_report_and_follow_up_from_the_notebook(companion: LiveCompanion, example: Path) -> None:
    companion.start_button.click()
    companion.report_button.click()
    report = example.with_name("samen-een-servicedesk.report.html")
    assert report.exists() and "report.html</a>" in companion.after.value
    companion.next_button.click()
    follow = example.with_name("vervolg-samen-een-servicedesk.session.yaml")
    assert load_session(follow).title == "Vervolg: Samen één servicedesk"
    companion.next_button.click()  # never replaces: a second follow-up gets its own name
    assert example.with_name("vervolg-samen-een-servicedesk-2.session.yaml").exists()
