"""The three-way merge of two edits of one session document, rule by rule."""

from __future__ import annotations

from playbook.merge import merge

BASE = {
    "title": "Kick-off",
    "brief": {"client": "Ann", "wish": "One team"},
    "agenda": [{"break": "Coffee", "minutes": 15}],
    "run": {"events": [{"at": "13:00", "kind": "start"}]},
}


def test_changes_to_different_fields_both_land() -> None:
    mine = {**BASE, "brief": {**BASE["brief"], "client": "Bo"}}
    theirs = {**BASE, "title": "Kick-off, moved"}
    result = merge(BASE, mine, theirs)
    assert result.conflicts == ()
    assert result.data["title"] == "Kick-off, moved" and result.data["brief"]["client"] == "Bo"


def test_the_same_field_changed_two_ways_is_a_conflict_named_by_its_path() -> None:
    mine = {**BASE, "brief": {**BASE["brief"], "wish": "Mine"}}
    theirs = {**BASE, "brief": {**BASE["brief"], "wish": "Theirs"}}
    assert merge(BASE, mine, theirs).conflicts == ("brief.wish",)
    same = {**BASE, "brief": {**BASE["brief"], "wish": "Both"}}
    assert merge(BASE, same, dict(same)).conflicts == ()  # the same change twice is no conflict


def test_lists_both_sides_only_added_to_keep_both_additions() -> None:
    event = {"at": "13:10", "kind": "finish"}
    vote = {"at": "13:11", "kind": "note"}
    mine = {**BASE, "run": {"events": [*BASE["run"]["events"], event]}}
    theirs = {**BASE, "run": {"events": [*BASE["run"]["events"], vote]}}
    result = merge(BASE, mine, theirs)
    assert result.conflicts == () and result.data["run"]["events"] == [*BASE["run"]["events"], vote, event]
    reordered = {**BASE, "agenda": [{"break": "Tea", "minutes": 15}]}
    grown = {**BASE, "agenda": [*BASE["agenda"], {"break": "Lunch", "minutes": 30}]}
    assert merge(BASE, reordered, grown).conflicts == ("agenda",)


def test_fields_added_or_removed_on_one_side_follow_that_side() -> None:
    mine = {k: v for k, v in BASE.items() if k != "run"}  # the run was cleared here
    theirs = {**BASE, "shortlist": ["dot-voting"]}  # a field added there
    result = merge(BASE, mine, theirs)
    assert result.conflicts == () and "run" not in result.data and result.data["shortlist"] == ["dot-voting"]
    changed_there = {**BASE, "run": {"events": [{"at": "13:00", "kind": "start", "block": 1}]}}
    assert merge(BASE, mine, changed_there).conflicts  # cleared here, changed there: not guessed
