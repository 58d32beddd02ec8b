"""Durations that scale with the group: subgroups, the scaled range, and the one split of a block."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playbook.agenda import plan
from playbook.catalogue import Catalogue
from playbook.durations import Step, fixed_subgroups, split, subgroups
from playbook.i18n import Text
from playbook.session import Block, Brief, Group, Session

SIZES = range(2, 1001)


# ------------------------------------------------------------------------------------------ subgroups


@pytest.mark.parametrize(
    ("people", "size", "count", "largest"),
    [
        (18, 4, 4, 5),
        (80, 4, 20, 4),
        (7, 2, 3, 3),
        (3, 4, 1, 3),
        (12, 3, 4, 3),
        (10, 3, 3, 4),
        (1000, 6, 166, 7),
        (7, 4, 2, 4),
        (11, 4, 3, 4),
        (9, 4, 2, 5),
        (5, 2, 2, 3),
        (5, 4, 1, 5),
    ],
)
def test_a_group_divides_into_subgroups_as_a_facilitator_counts_off(
    people: int, size: int, count: int, largest: int
) -> None:
    found = subgroups(people, size)
    assert (found.count, found.largest) == (count, largest)
    smallest = people // found.count
    assert smallest >= min(2, people) and found.largest - smallest <= 1
    assert abs(found.largest - size) <= size - 1 or found.count == 1


def test_subgroups_are_named_as_a_facilitator_says_them() -> None:
    assert subgroups(80, 4).label("en") == "20 foursomes" and subgroups(80, 4).label("nl") == "20 viertallen"
    assert subgroups(2, 2).label("en") == "1 pair" and subgroups(9, 3).label("nl") == "3 drietallen"
    assert subgroups(24, 8).label("en") == "3 groups of 8"
    assert fixed_subgroups(60, 4).label("en") == "4 groups of 15" and fixed_subgroups(3, 4).count == 3


def test_a_step_for_one_subgroup_reads_as_the_plain_text() -> None:
    each = Text("Each of the {groups} shares one idea.", "Elk van de {groups} deelt één idee.")
    plain = Text("Each of the foursomes shares one idea.", "Elk van de viertallen deelt één idee.")
    shares = step(configuration="small-groups", group_of=4, text=plain, template=each)
    assert shares.text_for("en", 12) == "Each of the 3 foursomes shares one idea."
    assert shares.text_for("nl", 5) == "Elk van de viertallen deelt één idee."


def step(**fields: object) -> Step:
    return Step(**{"minutes": 1.0, "configuration": "plenary", "text": Text("x", "y"), **fields})  # type: ignore[arg-type]


def test_a_round_grows_with_everyone_in_plenary_and_with_the_largest_subgroup_elsewhere() -> None:
    plenary = step(per_person=0.5)
    assert plenary.minutes_for(10) == 6 and plenary.minutes_for(40) == 21
    trios = step(configuration="small-groups", group_of=3, per_person=2)
    assert trios.minutes_for(12) == 7 and trios.minutes_for(10) == 9  # 10 in trios: one foursome
    assert trios.minutes_for(300) == trios.minutes_for(12)  # the trios talk at the same time


def test_work_done_at_once_takes_longer_for_more_people_but_is_no_round(catalogue: Catalogue) -> None:
    dots = catalogue.get("dot-voting")
    placing = next(s for s in dots.steps if s.at_once)
    assert placing.minutes_for(200) > placing.minutes_for(12)
    assert all(s.turns == 0 for s in dots.steps_for(200, 10) if s.step.at_once)
    hall = Session("Hall", agenda=(Block(10, intervention="dot-voting"),), group=Group(200))
    assert "round-too-short" not in [f.code for f in plan(hall, catalogue).findings]


def test_report_backs_count_subgroups_and_sampling_caps_them() -> None:
    report = step(per_group=1, group_of=4, at_most=6, sampling="new-only")
    assert report.turns(12) == (3, False) and report.minutes_for(12) == 4
    assert report.turns(80) == (6, True) and report.minutes_for(80) == 7


# --------------------------------------------------------------------------- the shipped catalogue


def test_every_entry_has_an_ordered_range_for_every_size_from_2_to_1000(catalogue: Catalogue) -> None:
    for item in catalogue:
        for people in SIZES:
            m = item.minutes_for(people)
            assert 1 <= m.min <= m.typical <= m.max, (item.id, people, m)


def test_a_form_that_does_not_depend_on_people_keeps_its_range(catalogue: Catalogue) -> None:
    fixed = [i for i in catalogue if not i.scales]
    assert fixed and all(i.minutes_for(n) == i.minutes for i in fixed for n in (2, 40, 1000))
    assert sum(i.scales for i in catalogue) >= 75  # rounds and report-backs are common


def test_the_issue_s_examples_scale(catalogue: Catalogue) -> None:
    """1-2-4-All for 80 people has twenty foursomes and samples their report-back; a check-out of 40
    needs more than a check-out of 8."""
    steps = catalogue.get("1-2-4-all").steps_for(80)
    assert steps[-1].groups.label("en") == "20 foursomes" and steps[-1].sampled and steps[-1].turns == 6
    assert "20 foursomes" in steps[-1].text("en") and "20 viertallen" in steps[-1].text("nl")
    out = catalogue.get("check-out-round")
    assert out.minutes_for(40).min > out.minutes_for(8).min and out.minutes_for(40).typical >= 20


def test_the_card_without_a_size_reads_the_kind_of_subgroup(catalogue: Catalogue) -> None:
    last = catalogue.get("1-2-4-all").steps[-1]
    assert "{groups}" in last.template.en and last.text("en").startswith("Each of the foursomes")  # type: ignore[union-attr]
    assert last.text("nl").startswith("Elk van de viertallen")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_split_of_any_block_adds_up_for_any_entry_and_size(
    catalogue: Catalogue, data: st.DataObject
) -> None:
    item = data.draw(st.sampled_from(list(catalogue)))
    people = data.draw(st.integers(min_value=2, max_value=1000))
    minutes = data.draw(st.integers(min_value=1, max_value=1440))
    steps = item.steps_for(people, minutes)
    shares = [s.minutes for s in steps]
    assert sum(shares) == minutes and all(share >= 0 for share in shares)
    if minutes >= len(steps):
        assert all(share >= 1 for share in shares)
    typical = item.steps_for(people)
    assert sum(s.minutes for s in typical) == item.minutes_for(people).typical


@given(
    total=st.integers(min_value=0, max_value=2000),
    weights=st.lists(st.floats(min_value=0, max_value=500, allow_nan=False), min_size=1, max_size=12),
)
def test_split_adds_up_for_any_weights(total: int, weights: list[float]) -> None:
    parts = split(total, weights)
    assert len(parts) == len(weights) and sum(parts) == total and min(parts) >= 0
    if total >= len(weights):
        assert min(parts) >= 1
    if sum(weights) > 0 and total >= len(weights):  # a heavier step never gets fewer minutes than a lighter
        order = sorted(range(len(weights)), key=lambda i: weights[i])
        shares = [parts[i] for i in order]
        assert all(b >= a - 1 for a, b in pairwise(shares))


# -------------------------------------------------------------------------- every view, one split


def test_the_facilitator_s_script_adds_up_to_the_block(catalogue: Catalogue) -> None:
    """25/10 Crowd Sourcing at 23 minutes used to print 3+4+12+5 = 24; now the script prints the core's
    split, which is also what the agenda knows minute by minute."""
    from playbook.handout import handout_notebook

    agenda = (
        Block(10, title="Welcome", role="open"),
        Block(23, intervention="25-10-crowd-sourcing"),
        Block(10, title="Close", role="close"),
    )
    session = Session(
        "Case", agenda=agenda, budget_minutes=43, group=Group(30), brief=Brief(visible_result="x")
    )
    p = plan(session, catalogue)
    block = p.blocks[1]
    assert sum(s.minutes for s in block.steps) == 23 and len(block.configurations()) == 23
    nb = handout_notebook(session, catalogue, "facilitator")
    script = nb.cells[-1].source
    part = script[
        script.index("25/10 Crowd Sourcing") : script.index("Close", script.index("25/10 Crowd Sourcing"))
    ]
    printed = [int(n) for n in re.findall(r"<li><strong>\d\d:\d\d · (\d+) min", part)]
    assert printed == [s.minutes for s in block.steps] and sum(printed) == 23


def test_the_script_counts_the_subgroups_and_says_how_to_sample(catalogue: Catalogue) -> None:
    from playbook.handout import handout_notebook

    agenda = (
        Block(10, title="Welcome", role="open"),
        Block(20, intervention="1-2-4-all"),
        Block(5, title="Bye", role="close"),
    )
    session = Session(
        "Big", agenda=agenda, budget_minutes=35, group=Group(80), brief=Brief(visible_result="x")
    )
    script = handout_notebook(session, catalogue, "facilitator").cells[-1].source
    assert "20 foursomes" in script and "not all of them report" in script


def test_catalogue_show_for_a_group_size(capsys: pytest.CaptureFixture[str], catalogue: Catalogue) -> None:
    import json

    from playbook.cli import main

    assert main(["catalogue", "show", "1-2-4-all", "--size", "80", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    scaled = catalogue.get("1-2-4-all").minutes_for(80)
    assert data["size"] == 80 and data["scales"] is True
    assert data["minutes"] == {"min": scaled.min, "typical": scaled.typical, "max": scaled.max}
    assert sum(s["minutes"] for s in data["steps"]) == scaled.typical
    report = data["steps"][-1]
    assert report["groups"]["label"] == {"en": "20 foursomes", "nl": "20 viertallen"} and report["turns"] == 6
    assert report["sampling"]["rule"] == "new-only" and "20 foursomes" in report["text"]["en"]
    assert main(["catalogue", "show", "1-2-4-all", "--size", "80", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"{scaled.min}–{scaled.max} ({scaled.typical}), for 80 people" in out and "(20 foursomes)" in out
    with pytest.raises(SystemExit) as stopped:
        main(["catalogue", "show", "1-2-4-all", "--size", "0"])
    assert stopped.value.code == 2 and "between 1 and 10000 people" in capsys.readouterr().err
