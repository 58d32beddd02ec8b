"""The teaching material: exercises that explain right and wrong answers, the models' interactive charts,
and cases whose reference designs pass the playbook's own checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.agenda import plan
from playbook.catalogue import Catalogue
from playbook.diagnosis import check_diagnosis, default_bank
from playbook.session import Block, check_references, load_session
from playbook.teaching import (
    assess,
    cases,
    check,
    exercise,
    exercises,
    leadership,
    review,
    rose,
    teaching_dir,
)
from playbook.ui import (
    CaseStudio,
    ColourListener,
    DiamondPlay,
    IcebergPlay,
    Quiz,
    RoseExplorer,
    SelfAssessment,
    StagePlay,
    TrainerGuide,
)

EXERCISES = ("contrasts", "iceberg", "tuckman", "diamond", "rose", "colours", "undercurrent")


def test_every_exercise_is_there_and_consistent() -> None:
    assert set(EXERCISES) <= set(exercises())
    for ident in EXERCISES:
        ex = exercise(ident)
        assert len(ex.items) >= 6 and len(ex.options) >= 2, ident
        assert {i.answer for i in ex.items} <= {o for o, _ in ex.options}
        assert all(i.explanation.en != i.explanation.nl for i in ex.items)
    assert {i.axis.en for i in exercise("contrasts").items if i.axis} == {
        "Control",
        "Predictability",
        "Hierarchy",
        "Information",
    }
    assert {i.answer for i in exercise("rose").items} == {p.id for p in rose()}
    themes = {th.id for th in default_bank().themes}
    assert {o for o, _ in exercise("undercurrent").options} <= themes


@pytest.mark.parametrize("ident", EXERCISES)
def test_feedback_explains_right_and_wrong_answers(ident: str) -> None:
    ex = exercise(ident)
    first = ex.items[0]
    wrong = next(o for o, _ in ex.options if o != first.answer)
    right = check(ex, {first.id: first.answer}, "en")[0]
    assert right.correct is True and right.message == f"Right. {first.explanation.en}"
    nope = check(ex, {first.id: wrong}, "nl")[0]
    assert (
        nope.correct is False
        and nope.message == f"Niet helemaal: dit is {ex.label(first.answer, 'nl')}. {first.explanation.nl}"
    )
    assert check(ex, {}, "en")[0].correct is None


def test_the_quiz_widget_scores_and_explains(tmp_path: Path) -> None:
    quiz = Quiz("contrasts", "en")
    for item in quiz.exercise.items:
        quiz.choices[item.id].value = item.answer
    assert quiz.check() == len(quiz.exercise.items)
    first = quiz.exercise.items[0]
    quiz.choices[first.id].value = next(o for o, _ in quiz.exercise.options if o != first.answer)
    assert quiz.check() == len(quiz.exercise.items) - 1
    assert "Not quite" in quiz.feedback[first.id].value and "of" in quiz.score.value


def test_the_leadership_self_assessment() -> None:
    styles, statements = leadership()
    assert [s.id for s in styles] == ["democratic", "coaching", "transformational"]
    assert len(statements) == 9 and {s.style for s in statements} == {s.id for s in styles}
    ratings = {s.id: 5 if s.style == "coaching" else 1 for s in statements}
    assert assess(ratings) == {"democratic": 0, "coaching": 100, "transformational": 0}
    widget = SelfAssessment("en")
    chart = widget.chart.value
    for s in statements:
        widget.sliders[s.id].value = 5 if s.style == "transformational" else 2
    assert "Transformational" in widget.verdict.value and widget.chart.value != chart


def test_leary_s_rose_behaviour_invites_behaviour() -> None:
    positions = {p.id: p for p in rose()}
    assert len(positions) == 8
    for p in positions.values():
        invited = positions[p.invites]
        assert invited.vertical != p.vertical and invited.horizontal == p.horizontal, p.id
    explorer = RoseExplorer("nl")
    explorer.pick.value = "leading"
    assert "volgend" in explorer.text.value and "Roos van Leary" in explorer.chart.value


def test_the_model_charts_respond() -> None:
    iceberg = IcebergPlay("en")
    before = iceberg.profile().undercurrent
    iceberg.sliders["trust"].value = 0
    assert iceberg.profile().undercurrent > before and "Undercurrent intensity" in iceberg.chart.value
    stage = StagePlay("en")
    stage.pick.value = "storming"
    assert "estimated: Storming" in stage.chart.value
    colours = ColourListener("en")
    colours.wish.value = "We want to learn from feedback and reflect on what we did."
    assert colours.dominant == "green" and "learn" in colours.reasons.value


def test_the_diamond_warns_when_the_groan_zone_is_skipped(catalogue: Catalogue) -> None:
    play = DiamondPlay(catalogue, "en")
    assert "no-groan-space" not in [f.code for f in play.plan.findings]
    play.minutes.value = 0
    assert "no-groan-space" in [f.code for f in play.plan.findings] and "groan zone" in play.findings.value


def test_four_cases_whose_reference_designs_pass_the_checks(catalogue: Catalogue) -> None:
    found = cases()
    assert len(found) >= 4 and {load_session(c.path).language for c in found.values()} == {"en", "nl"}
    for case in found.values():
        session = case.session()
        assert (
            check_references(session, catalogue) == []
            and check_diagnosis(session.diagnosis, default_bank()) == []
        )
        assert session.agenda and session.brief.visible_result and case.reasoning.en and case.reasoning.nl
        result = review(session, catalogue)
        assert result.passes, (case.id, [f.message for f in result.errors])


def test_the_case_studio_reviews_a_design_and_reveals_the_reference(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    ident = next(iter(cases()))
    studio = CaseStudio(ident, tmp_path, catalogue)
    assert studio.binding.session.agenda == () and (tmp_path / f"{ident}.session.yaml").exists()
    studio.builder.add_intervention("dot-voting")
    result = studio.review()
    assert not result.passes or result.warnings  # a lone vote is no session
    assert "no-opening" in [f.code for f in result.warnings] and "no-opening" in studio.review_view.value
    studio.reveal()
    assert cases()[ident].reasoning(studio.lang)[:40] in studio.reference.value.replace("&#x27;", "'")
    assert load_session(tmp_path / f"{ident}.session.yaml").agenda == (
        Block(
            catalogue.get("dot-voting").minutes_for(studio.binding.session.group.size).typical,
            intervention="dot-voting",
            plan_b=studio.binding.session.agenda[0].plan_b,
        ),
    )


def test_the_trainer_s_guide_is_planned_with_the_playbook_and_exported(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    workshop = load_session(teaching_dir() / "workshop.session.yaml")
    p = plan(workshop, catalogue)
    assert [f for f in p.findings if f.level == "error"] == [] and 180 <= p.total_minutes <= 240
    guide = TrainerGuide(tmp_path, catalogue)
    written = guide.export()
    assert sorted(path.name.split(".")[1] for path in written) == ["facilitator", "participants"]
    assert all(path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") for path in written)
