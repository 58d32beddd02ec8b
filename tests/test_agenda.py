"""The agenda: clock times, every finding firing and not firing, the arc minute by minute."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playbook.agenda import CODES, LEVELS, clock, plan
from playbook.catalogue import ROLES, Catalogue
from playbook.session import Block, Brief, Group, Session, dump_session

from .test_diagnosis import MERGED_GROUP_FULL_OF_RUMOURS

BASE = (
    Block(15, intervention="check-in-round"),
    Block(15, intervention="1-2-4-all"),
    Block(30, intervention="troika-consulting"),
    Block(15, intervention="dot-voting"),
    Block(10, intervention="check-out-round"),
)


def session(
    agenda: tuple[Block, ...] = BASE,
    size: int = 12,
    setting: str = "in-person",
    budget: int | None = None,
    **changes: object,
) -> Session:
    brief = changes.pop("brief", Brief(wish="Agree how we work", visible_result="A wall of agreements"))
    return Session(
        title="Case",
        start=dt.time(13, 0),
        budget_minutes=budget if budget is not None else sum(b.minutes for b in agenda),
        group=Group(size, setting),
        brief=brief,
        agenda=agenda,
        **changes,
    )


def codes(s: Session, catalogue: Catalogue) -> list[str]:
    return [f.code for f in plan(s, catalogue).findings]


def test_a_well_built_agenda_has_no_findings(catalogue: Catalogue) -> None:
    p = plan(session(), catalogue)
    assert p.findings == ()
    assert [clock(b.start) for b in p.blocks] == ["13:00", "13:15", "13:30", "14:00", "14:15"]
    assert clock(p.end) == "14:25" and p.total_minutes == 85


def test_over_time(catalogue: Catalogue) -> None:
    p = plan(session(budget=80), catalogue)
    finding = next(f for f in p.findings if f.code == "over-time")
    assert (
        finding.level == "error"
        and "85 minutes, 5 more than the 80" in finding.message
        and finding.minute == 80
    )
    assert "over-time" not in codes(session(budget=85), catalogue)


def test_slack(catalogue: Catalogue) -> None:
    finding = next(f for f in plan(session(budget=100), catalogue).findings if f.code == "slack")
    assert finding.level == "info" and "15 of 100 minutes (15%)" in finding.message
    assert "slack" not in codes(session(budget=94), catalogue)


def test_no_opening_and_no_close(catalogue: Catalogue) -> None:
    assert codes(session(BASE[1:]), catalogue) == ["no-opening"]
    assert codes(session(BASE[:-1]), catalogue) == ["no-close"]
    with_break_first = (Block(5, title="Coffee", is_break=True), *BASE)
    assert "no-opening" not in codes(session(with_break_first), catalogue)


def test_no_visible_result(catalogue: Catalogue) -> None:
    no_converge = (BASE[0], BASE[1], BASE[2], Block(15, intervention="fishbowl"), BASE[4])
    p = plan(session(no_converge, size=12), catalogue)
    finding = next(f for f in p.findings if f.code == "no-visible-result")
    assert "A wall of agreements" in finding.message
    named = (*no_converge[:-1], Block(10, title="Write the agreements on the wall", role="close"), BASE[4])
    assert "no-visible-result" not in codes(session(named), catalogue)
    unnamed = plan(session(brief=Brief(wish="x")), catalogue)
    assert [f.message for f in unnamed.findings if f.code == "no-visible-result"] == [
        "The brief names no visible result. Agree with the client what should be on the wall, on paper or on screen at the end."
    ]


def test_converge_before_diverge(catalogue: Catalogue) -> None:
    swapped = (BASE[0], BASE[3], BASE[1], BASE[2], BASE[4])
    finding = next(
        f for f in plan(session(swapped), catalogue).findings if f.code == "converge-before-diverge"
    )
    assert "Dot Voting" in finding.message and finding.block == 1
    assert "converge-before-diverge" not in codes(session(), catalogue)


def test_no_groan_space_for_a_large_group(catalogue: Catalogue) -> None:
    straight = (BASE[0], BASE[1], Block(5, intervention="stand-up-if"), BASE[3], BASE[4])
    finding = next(
        f for f in plan(session(straight, size=20), catalogue).findings if f.code == "no-groan-space"
    )
    assert "With 20 people" in finding.message and "“1-2-4-All” to “Dot Voting”" in finding.message
    assert "no-groan-space" not in codes(session(straight, size=8), catalogue)
    assert "no-groan-space" not in codes(session(size=20), catalogue)


def test_long_plenary(catalogue: Catalogue) -> None:
    talk = (BASE[0], Block(25, title="Update by the director", role="open"), *BASE[1:])
    finding = next(f for f in plan(session(talk), catalogue).findings if f.code == "long-plenary")
    assert "more than 20 minutes" in finding.message and finding.minute is not None
    short = (BASE[0], Block(3, title="Update", role="open"), *BASE[1:])
    assert "long-plenary" not in codes(session(short), catalogue)


def test_no_break(catalogue: Catalogue) -> None:
    long = (*BASE[:-1], Block(20, intervention="who-what-when"), BASE[-1])
    finding = next(f for f in plan(session(long), catalogue).findings if f.code == "no-break")
    assert "90 minutes without a break" in finding.message and "By 14:30" in finding.message
    rested = (
        *BASE[:3],
        Block(10, title="Coffee", is_break=True),
        BASE[3],
        Block(20, intervention="who-what-when"),
        BASE[4],
    )
    assert "no-break" not in codes(session(rested), catalogue)


def test_energy_dip_after_lunch(catalogue: Catalogue) -> None:
    dip = (
        *BASE[:3],
        Block(45, title="Lunch", is_break=True),
        Block(15, intervention="appreciation-round"),
        BASE[3],
        BASE[4],
    )
    finding = next(f for f in plan(session(dip), catalogue).findings if f.code == "energy-dip")
    assert "After lunch comes “Appreciation Round”" in finding.message
    lively = (
        *BASE[:3],
        Block(45, title="Lunch", is_break=True),
        Block(5, intervention="stand-up-if"),
        BASE[3],
        BASE[4],
    )
    assert "energy-dip" not in codes(session(lively), catalogue)
    coffee = (
        *BASE[:3],
        Block(10, title="Coffee", is_break=True),
        Block(15, intervention="appreciation-round"),
        BASE[3],
        BASE[4],
    )
    assert "energy-dip" not in codes(session(coffee), catalogue)


def test_group_size_and_setting_mismatch(catalogue: Catalogue) -> None:
    crowd = plan(session(size=60), catalogue)
    finding = next(f for f in crowd.findings if f.code == "group-size-mismatch")
    assert finding.level == "error" and "this group has 60" in finding.message
    online = plan(
        session((*BASE[:-1], Block(5, intervention="count-to-twenty"), BASE[-1]), setting="online"), catalogue
    )
    assert [f.level for f in online.findings if f.code == "setting-mismatch"] == ["error"]
    assert not {"group-size-mismatch", "setting-mismatch"} & set(codes(session(), catalogue))


def test_undercurrent_unaddressed(catalogue: Catalogue) -> None:
    tense = session(diagnosis=MERGED_GROUP_FULL_OF_RUMOURS)
    assert "undercurrent-unaddressed" in codes(tense, catalogue)
    addressed = session(
        (*BASE[:2], Block(30, intervention="elephant-in-the-room"), *BASE[3:]),
        diagnosis=MERGED_GROUP_FULL_OF_RUMOURS,
    )
    assert "undercurrent-unaddressed" not in codes(addressed, catalogue)
    assert "undercurrent-unaddressed" not in codes(session(), catalogue)


def test_an_unknown_intervention_is_a_finding_not_a_crash(catalogue: Catalogue) -> None:
    p = plan(session((*BASE[:-1], Block(10, intervention="no-such-form"), BASE[-1])), catalogue)
    finding = next(f for f in p.findings if f.code == "unknown-intervention")
    assert finding.level == "error" and "“no-such-form” is not in the catalogue" in finding.message
    assert p.blocks[-2].title == "no-such-form"


def test_every_code_has_a_message_in_both_languages(catalogue: Catalogue) -> None:
    dutch = plan(session(budget=80, language="nl"), catalogue)
    assert dutch.findings[0].message.startswith("Het programma duurt 85 minuten")


def test_arc_minute_by_minute(catalogue: Catalogue) -> None:
    agenda = (
        Block(10, title="Welcome", role="open"),
        Block(20, intervention="1-2-4-all"),
        Block(10, title="Coffee", is_break=True),
        Block(10, intervention="dot-voting"),
    )
    arc = plan(session(agenda), catalogue).arc
    energy_1_2_4, energy_dots = catalogue.get("1-2-4-all").energy, catalogue.get("dot-voting").energy
    assert len(arc) == 50
    assert arc.energy == (2.5,) * 10 + (float(energy_1_2_4),) * 20 + (2.0,) * 10 + (float(energy_dots),) * 10
    assert arc.zone == ("open",) * 10 + ("diverge",) * 20 + ("break",) * 10 + ("converge",) * 10
    assert arc.breadth[9] == pytest.approx(0.2) and arc.breadth[29] == pytest.approx(1.0)
    assert arc.breadth[30:40] == (pytest.approx(1.0),) * 10  # a break holds the breadth
    assert arc.breadth[49] == pytest.approx(0.15) and arc.breadth[40] > arc.breadth[49]
    assert set(arc.depth[:30]) == {0.15} and set(arc.depth[30:40]) == {0.0}


def test_plan_json_has_the_promised_shape(catalogue: Catalogue) -> None:
    data = plan(session(budget=80), catalogue).to_data()
    assert (
        data["start"] == "13:00"
        and data["end"] == "14:25"
        and data["total_minutes"] == 85
        and data["budget_minutes"] == 80
    )
    assert data["blocks"][1] == {
        "start": "13:15", "end": "13:30", "minutes": 15, "title": "1-2-4-All", "role": "diverge",
        "intervention": "1-2-4-all", "plan_b": [], "notes": "",
    }  # fmt: skip
    assert {"level", "code", "message"} <= data["findings"][0].keys()


# ------------------------------------------------------------------------------- property: any agenda


def blocks(ids: list[str]) -> st.SearchStrategy[Block]:
    minutes = st.integers(min_value=1, max_value=240)
    intervention = st.builds(lambda m, i: Block(m, intervention=i), minutes, st.sampled_from(ids))
    custom = st.builds(
        lambda m, title, role: Block(m, title=title, role=role),
        minutes,
        st.text(min_size=1, max_size=40).filter(str.strip),
        st.sampled_from(ROLES),
    )
    pause = st.builds(lambda m, label: Block(m, title=label, is_break=True), minutes, st.text(max_size=20))
    return st.one_of(intervention, custom, pause)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_valid_agenda_gives_consistent_times_and_no_crash(
    catalogue: Catalogue, data: st.DataObject
) -> None:
    agenda = tuple(data.draw(st.lists(blocks(catalogue.ids), max_size=25)))
    start = data.draw(st.times().map(lambda t: t.replace(second=0, microsecond=0)))
    s = Session(
        title="Property",
        start=start,
        budget_minutes=data.draw(st.integers(min_value=1, max_value=1440)),
        group=Group(
            data.draw(st.integers(min_value=1, max_value=500)),
            data.draw(st.sampled_from(["in-person", "online", "hybrid"])),
        ),
        agenda=agenda,
        language=data.draw(st.sampled_from(["en", "nl"])),
    )
    dump_session(s)  # the session itself is valid
    p = plan(s, catalogue)
    first = start.hour * 60 + start.minute
    assert p.start == first and p.total_minutes == sum(b.minutes for b in agenda) == len(p.arc)
    now = first
    for timed, block in zip(p.blocks, agenda, strict=True):
        assert timed.start == now and timed.end == now + block.minutes
        now = timed.end
    assert p.end == now
    assert all(f.code in CODES and f.level in LEVELS and f.message for f in p.findings)
    assert all(
        f.minute is None or 0 <= f.minute <= max(p.total_minutes, s.budget_minutes, 1440) for f in p.findings
    )
    assert all(1 <= e <= 5 for e in p.arc.energy) and all(0 <= b <= 1 for b in p.arc.breadth)
    p.to_data()
