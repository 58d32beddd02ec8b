"""The catalogue: the shipped content is complete and valid, user folders merge, filters and search work."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from playbook.catalogue import (
    LAYERS,
    ROLES,
    SHIPPED,
    Catalogue,
    coverage,
    load_catalogue,
    validate,
)
from playbook.errors import PlaybookError
from playbook.i18n import LANGUAGES
from playbook.paths import catalogue_dir
from playbook.yamlio import dump_yaml, load_yaml_file

SAMPLE = catalogue_dir() / "1-2-4-all.yaml"


def sample(ident: str, **changes: Any) -> dict[str, Any]:
    data, _ = load_yaml_file(SAMPLE)
    data = copy.deepcopy(data)
    data["id"] = ident
    data.update(changes)
    return data


def user_folder(tmp_path: Path, *entries: dict[str, Any]) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    for entry in entries:
        (folder / f"{entry['id']}.yaml").write_text(dump_yaml(entry), encoding="utf-8")
    return folder


# ------------------------------------------------------------------------------- the shipped content


def test_shipped_catalogue_validates_without_a_single_problem() -> None:
    assert validate(catalogue_dir()) == []


def test_shipped_catalogue_covers_what_the_method_needs(catalogue: Catalogue) -> None:
    assert len(catalogue) >= 60
    assert {i.role for i in catalogue} == set(ROLES)
    assert {i.layer for i in catalogue} == set(LAYERS)
    assert len([i for i in catalogue if i.layer == "below"]) >= 12
    assert len([i for i in catalogue if "online" in i.settings]) >= 10
    assert len([i for i in catalogue if i.group_size.max >= 50]) >= 8
    assert all(i.origin == SHIPPED for i in catalogue)


def test_the_catalogue_has_full_coverage(catalogue: Catalogue) -> None:
    assert len(catalogue) >= 150
    short = [
        (group, label, count, goal)
        for group, label, count, goal in coverage(catalogue)
        if goal is not None and count < goal
    ]
    assert short == []
    assert all(i.steps and i.risks and i.source for i in catalogue)
    assert all(i.visible_output or i.role == "energise" for i in catalogue)


def test_every_text_is_really_translated(catalogue: Catalogue) -> None:
    for item in catalogue:
        output = [item.visible_output] if item.visible_output else []
        texts = [item.summary, item.invitation, *output, *[s.text for s in item.steps]]
        for text in texts:
            assert all(text(lang).strip() for lang in LANGUAGES), item.id
            assert text.en.strip() != text.nl.strip(), f"{item.id}: Dutch is a copy of the English"


def test_every_step_plan_fits_its_time_range(catalogue: Catalogue) -> None:
    for item in catalogue:
        assert item.minutes.min <= item.step_minutes() <= item.minutes.max, item.id
        assert item.risks and item.steps and item.source


# -------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"name": {"en": "Only English"}}, "name.nl", "is missing"),
        ({"summary": {"en": "x", "nl": "  "}}, "summary.nl", "must not be empty"),
        ({"role": "warm-up"}, "role", "open, diverge, groan, converge, close, energise, input"),
        ({"exposure": 4}, "exposure", "between 1 and 3"),
        ({"decides": "yes"}, "decides", "must be true or false"),
        ({"energy": 9}, "energy", "between 1 and 5"),
        ({"minutes": {"min": 20, "typical": 10, "max": 30}}, "minutes", "min ≤ typical ≤ max"),
        (
            {"minutes": {"min": 30, "typical": 40, "max": 60}},
            "steps",
            "add up to 12 for 12 people, outside minutes 30–60",
        ),
        ({"group_size": {"min": 10, "max": 4}}, "group_size", "min (10) is larger than max (4)"),
        ({"settings": ["online", "garden"]}, "settings[1]", "in-person, online, hybrid"),
        ({"good_before": ["dot-votng"]}, "good_before[0]", "did you mean 'dot-voting'?"),
        ({"summry": {"en": "x", "nl": "y"}}, "summry", "did you mean 'summary'?"),
        ({"risks": []}, "risks", "at least one risk"),
        (
            {"summary": {"en": "Same text", "nl": "Same text"}},
            "summary",
            "the Dutch is a copy of the English",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and " " not in v else None,
)
def test_validation_names_file_field_and_fix(tmp_path: Path, change: dict, field: str, words: str) -> None:
    folder = user_folder(tmp_path, sample("my-form", **change))
    problems = [p for p in validate(folder) if p.field == field]
    assert problems, validate(folder)
    assert problems[0].file == str(folder / "my-form.yaml")
    assert words in problems[0].message


def step(**fields: Any) -> dict[str, Any]:
    return {"minutes": 5, "configuration": "plenary", "text": {"en": "Talk.", "nl": "Praat."}, **fields}


@pytest.mark.parametrize(
    ("steps", "field", "words"),
    [
        ([step(minutes=-1)], "steps[0].minutes", "at least 0"),
        ([step(per_person=-0.5)], "steps[0].per_person", "at least 0"),
        ([step(minutes=0)], "steps[0].minutes", "takes no time at all"),
        ([step(configuration="small-groups")], "steps[0].group_of", "how many people work in each subgroup"),
        ([step(configuration="pairs", per_group=1)], "steps[0].per_group", "report-backs in the whole group"),
        ([step(per_group=1)], "steps[0].group_of", "subgroups that report back"),
        ([step(per_person=1, per_group=1, group_of=4)], "steps[0].per_group", "not both"),
        ([step(per_person=1, at_most=8)], "steps[0].sampling", "go together"),
        (
            [step(at_most=8, sampling="a-few-voices")],
            "steps[0].at_most",
            "give the step per_person or per_group",
        ),
        ([step(per_person=1, at_most=8, sampling="everyone")], "steps[0].sampling", "a-few-voices, new-only"),
        ([step(configuration="solo", per_person=1)], "steps[0].per_person", "take no turns"),
        ([step(at_once=True)], "steps[0].at_once", "give the step per_person"),
        (
            [step(per_person=1, at_once=True, at_most=8, sampling="new-only")],
            "steps[0].at_most",
            "no turns to sample",
        ),
        ([step(per_person=1, at_once="yes")], "steps[0].at_once", "must be true or false"),
        ([step(configuration="solo", group_of=3)], "steps[0].group_of", "form no subgroups"),
        ([step(configuration="small-groups", group_of=4, groups=3)], "steps[0].groups", "not both"),
        (
            [step(text={"en": "Each {team} speaks.", "nl": "Elk {team} spreekt."})],
            "steps[0].text.en",
            "unknown placeholder {team}",
        ),
        (
            [step(text={"en": "The {groups} speak.", "nl": "De {groups} spreken."})],
            "steps[0].text.nl",
            "has no subgroups",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and " " not in v else None,
)
def test_the_duration_model_of_each_step_is_checked(
    tmp_path: Path, steps: list[dict[str, Any]], field: str, words: str
) -> None:
    entry = sample("my-form", steps=steps, minutes={"min": 1, "typical": 5, "max": 30})
    problems = [p for p in validate(user_folder(tmp_path, entry)) if p.field == field]
    assert problems and words in problems[0].message, validate(user_folder(tmp_path, entry))


def test_the_reference_group_must_be_a_size_the_form_works_for(tmp_path: Path) -> None:
    entry = sample("my-form", minutes={"min": 10, "typical": 15, "max": 25, "people": 2})
    assert [p.message for p in validate(user_folder(tmp_path, entry)) if p.field == "minutes.people"] == [
        "is 2, outside the group sizes 4–1000 this form works for"
    ]
    near = sample("my-form", minutes={"min": 10, "typical": 15, "max": 25, "people": 4})
    assert validate(user_folder(tmp_path, near)) == []


def test_only_an_energiser_may_leave_no_visible_output(tmp_path: Path) -> None:
    lively = sample("my-energiser", role="energise")
    del lively["visible_output"]
    assert validate(user_folder(tmp_path, lively)) == []
    assert load_catalogue([user_folder(tmp_path, lively)]).get("my-energiser").visible_output is None
    quiet = sample("my-form")
    del quiet["visible_output"]
    messages = [p.message for p in validate(user_folder(tmp_path, quiet)) if p.field == "visible_output"]
    assert messages == ["is missing; only an energiser may leave nothing visible behind"]


def test_a_form_written_back_from_its_data_reads_the_same(catalogue: Catalogue, tmp_path: Path) -> None:
    folder = tmp_path / "again"
    folder.mkdir()
    for item in catalogue:
        data = item.to_data()
        data["id"] = f"copy-{item.id}"
        data["good_before"] = data["good_after"] = []
        (folder / f"copy-{item.id}.yaml").write_text(dump_yaml(data), encoding="utf-8")
    again = load_catalogue([folder], shipped=False)
    for item in catalogue:
        copy_ = again.get(f"copy-{item.id}")
        assert (copy_.steps, copy_.minutes, copy_.exposure) == (item.steps, item.minutes, item.exposure)


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "other-name.yaml").write_text(dump_yaml(sample("my-form")), encoding="utf-8")
    assert any("file is named 'other-name'" in p.message for p in validate(folder))


def test_a_user_id_that_exists_in_the_shipped_catalogue_is_refused(tmp_path: Path) -> None:
    folder = user_folder(tmp_path, sample("dot-voting"))
    messages = [p.message for p in validate(folder)]
    assert any("already in the shipped catalogue" in m for m in messages)
    with pytest.raises(PlaybookError, match="already in the shipped catalogue"):
        load_catalogue([folder])


def test_a_broken_user_file_is_reported_not_crashed_on(tmp_path: Path) -> None:
    folder = user_folder(tmp_path)
    (folder / "half.yaml").write_text("id: half\nname: {en: Half, nl: [", encoding="utf-8")
    problems = validate(folder)
    assert problems[0].file.endswith("half.yaml") and "not valid YAML" in problems[0].message


# -------------------------------------------------------------------------------- user folder merge


def test_user_folder_from_environment_is_merged_with_its_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    mine = sample("walking-silence", role="close", good_before=[], good_after=["dot-voting"])
    folder = user_folder(tmp_path, mine)
    monkeypatch.setenv("PLAYBOOK_CATALOGUE", str(folder))
    merged = load_catalogue()
    assert len(merged) == len(catalogue) + 1
    assert merged.get("walking-silence").origin == str(folder)
    assert [i.id for i in merged.filter(origin=str(folder))] == ["walking-silence"]
    assert validate() == []


# ---------------------------------------------------------------------------------- filter, search


def test_filters_combine(catalogue: Catalogue) -> None:
    online_closers = catalogue.filter(role="close", setting="online")
    assert online_closers and all(i.role == "close" and "online" in i.settings for i in online_closers)
    big = catalogue.filter(group_size=80)
    assert big and all(i.group_size.min <= 80 <= i.group_size.max for i in big)
    assert len(big) < len(catalogue)  # some forms really are for small groups only
    short = catalogue.filter(max_minutes=10)
    assert short and all(i.minutes.min <= 10 for i in short)


def test_layer_below_includes_interventions_that_work_on_both(catalogue: Catalogue) -> None:
    below = {i.layer for i in catalogue.filter(layer="below")}
    assert below == {"below", "both"}
    assert {i.layer for i in catalogue.filter(layer="both")} == {"both"}


def test_search_finds_in_both_languages(catalogue: Catalogue) -> None:
    assert "dot-voting" in [i.id for i in catalogue.search("stippen")]  # Dutch for the dots
    assert "dot-voting" in [i.id for i in catalogue.search("dots")]
    assert "dot-voting" not in [i.id for i in catalogue.search("stippen", "en")]


def test_search_ignores_case_and_diacritics_and_ranks_names_first(catalogue: Catalogue) -> None:
    assert [i.id for i in catalogue.search("IEDEREEN")] == [i.id for i in catalogue.search("iedereen")]
    results = catalogue.search("check")
    in_name = ["check" in i.name.en.lower() or "check" in i.id for i in results]
    assert in_name[0] and in_name == sorted(in_name, reverse=True)  # name matches first
    assert catalogue.search("een") == catalogue.search("één")


def test_search_needs_every_word(catalogue: Catalogue) -> None:
    both = {i.id for i in catalogue.search("pairs silence")}
    assert both <= {i.id for i in catalogue.search("pairs")} & {i.id for i in catalogue.search("silence")}
    assert catalogue.search("xyzzy-nothing") == []


def test_get_unknown_id_suggests_the_nearest(catalogue: Catalogue) -> None:
    with pytest.raises(PlaybookError, match="did you mean check-in-round"):
        catalogue.get("check-in-rond")


def test_a_second_load_reads_only_what_changed(tmp_path: Path) -> None:
    """Views that each load the catalogue get the same forms without reading every file again, and an
    edited file is read and checked anew (a broken edit is an error, not an old copy)."""
    folder = user_folder(tmp_path, sample("walking-silence", good_before=[], good_after=[]))
    first = load_catalogue([folder])
    again = load_catalogue([folder])
    assert again.get("walking-silence") is first.get("walking-silence")
    assert again.get("dot-voting") is first.get("dot-voting")
    path = folder / "walking-silence.yaml"
    changed = sample("walking-silence", good_before=[], good_after=[], name={"en": "Walk", "nl": "Wandel"})
    path.write_text(dump_yaml(changed) + "\n", encoding="utf-8")  # another size: seen as changed
    assert load_catalogue([folder]).get("walking-silence").name.nl == "Wandel"
    path.write_text("id: walking-silence\nname: {en: Only English}\n", encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"name\.nl: is missing"):
        load_catalogue([folder])
