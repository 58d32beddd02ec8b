"""The diagnosis gives profiles a facilitator would sign, with every judgement explained."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from playbook.catalogue import Catalogue
from playbook.diagnosis import check_diagnosis, default_bank, diagnose, load_bank
from playbook.errors import PlaybookError
from playbook.paths import assets_dir
from playbook.session import Brief, Diagnosis, Group, Session, load_session

from .conftest import EXAMPLE_EN, EXAMPLE_NL

BANK = default_bank()


def answers(**levels: int) -> dict[str, int]:
    """Answer every statement of a dimension so that its score lands at ``level`` (1-5 scale).

    Reverse statements get the mirrored answer, as a person who sees the same thing would give.
    """
    out = {}
    for dim in BANK.dimensions:
        if dim.id.replace("-", "_") in levels:
            level = levels[dim.id.replace("-", "_")]
            for q in dim.questions:
                out[q.id] = 6 - level if q.reverse else level
    return out


def session(diagnosis: Diagnosis, wish: str = "", lang: str = "en") -> Session:
    return Session(title="Case", language=lang, brief=Brief(wish=wish), group=Group(12), diagnosis=diagnosis)


TRUSTING_PERFORMING_TEAM = Diagnosis(
    answers=answers(
        goal_clarity=5,
        role_clarity=4,
        information_flow=4,
        decision_making=4,
        time_pressure=2,
        trust=5,
        psychological_safety=5,
        unspoken_tension=1,
        energy=4,
        belonging=5,
        ownership=5,
    ),
    history="established",
    signals=("lively-debate", "own-agreements"),
)
MERGED_GROUP_FULL_OF_RUMOURS = Diagnosis(
    answers=answers(
        goal_clarity=2,
        role_clarity=2,
        information_flow=1,
        decision_making=2,
        time_pressure=4,
        trust=2,
        psychological_safety=2,
        unspoken_tension=4,
        energy=3,
        belonging=1,
        ownership=2,
    ),
    history="new",
    signals=(
        "rumours",
        "us-and-them-talk",
        "side-conversations",
        "meeting-after-the-meeting",
        "mourning-the-past",
    ),
)
OPEN_CONFLICT = Diagnosis(
    answers=answers(
        goal_clarity=2,
        role_clarity=3,
        information_flow=3,
        decision_making=1,
        time_pressure=4,
        trust=1,
        psychological_safety=2,
        unspoken_tension=3,
        energy=2,
        belonging=2,
        ownership=3,
    ),
    history="settling",
    signals=("open-conflict", "sarcasm", "yes-but", "side-conversations"),
)


# --------------------------------------------------------------------------------- three real cases


def test_a_trusting_performing_team() -> None:
    p = diagnose(session(TRUSTING_PERFORMING_TEAM))
    assert p.stage.name == "performing" and p.stage.confidence >= 50
    assert p.undercurrent <= 20
    assert p.dimension("trust").score == 100 and p.dimension("unspoken-tension").score == 0
    assert all(th.strength < 50 for th in p.themes)
    assert any("More than a year" in r for r in p.stage.reasons)


def test_a_freshly_merged_group_full_of_rumours() -> None:
    p = diagnose(session(MERGED_GROUP_FULL_OF_RUMOURS))
    assert p.stage.name in ("forming", "storming")
    assert p.undercurrent >= 70
    top = [th.id for th in p.themes[:4]]
    assert "us-and-them" in top and "distrust-of-leadership" in top
    us = next(th for th in p.themes if th.id == "us-and-them")
    assert 'Seen: "Us" and "them" talk' in us.evidence and "Belonging and identity 0 (low)" in us.evidence
    assert p.dimension("belonging").level == "low"


def test_an_open_conflict() -> None:
    p = diagnose(session(OPEN_CONFLICT))
    assert p.stage.name == "storming"
    assert p.themes[0].id == "open-conflict"
    assert "fishbowl" in p.themes[0].interventions
    assert p.undercurrent >= 70
    assert any("Open conflict" in r for r in p.stage.reasons)


def test_the_undercurrent_follows_the_signals_when_nothing_is_answered() -> None:
    calm = diagnose(session(Diagnosis()))
    assert calm.undercurrent == 0 and calm.stage.name is None and calm.themes == ()
    assert calm.stage.reasons == ("Not enough answers yet to estimate the group's stage.",)
    rough = diagnose(session(Diagnosis(signals=("meeting-after-the-meeting", "open-conflict"))))
    assert rough.undercurrent > 50 and rough.stage.name == "storming"


def test_every_score_shows_the_answers_behind_it() -> None:
    p = diagnose(session(Diagnosis(answers={"trust-rely": 5, "trust-motives": 1})))
    trust = p.dimension("trust")
    assert trust.score == 100 and trust.concern == 0
    assert trust.reasons == (
        "“People rely on each other to do what they promised.”: strongly agree",
        "“People suspect each other of hidden motives.”: strongly disagree",
    )
    assert p.dimension("ownership").score is None and p.dimension("ownership").reasons == (
        "No statements answered yet.",
    )


def test_time_pressure_counts_the_other_way() -> None:
    p = diagnose(session(Diagnosis(answers={"time-deadline": 5, "time-no-room": 5})))
    assert p.dimension("time-pressure").score == 100 and p.dimension("time-pressure").concern == 100


def test_the_profile_speaks_the_sessions_language() -> None:
    p = diagnose(session(MERGED_GROUP_FULL_OF_RUMOURS, lang="nl"))
    assert p.language == "nl" and p.dimension("trust").name == "Vertrouwen"
    assert any(r.startswith("Gezien: ") for th in p.themes for r in th.evidence)
    assert (
        diagnose(session(MERGED_GROUP_FULL_OF_RUMOURS, lang="nl"), lang="en").dimension("trust").name
        == "Trust"
    )


# ------------------------------------------------------------------------------ colour and stance


def test_a_management_brief_is_flagged_with_advice_to_re_contract() -> None:
    p = diagnose(
        session(Diagnosis(), wish="Make them hit the deadline and fix the conflict between A and B.")
    )
    codes = [f.code for f in p.stance.findings]
    assert codes[0] == "asks-for-management" and p.stance.asks_for_management
    assert {"asks-for-control", "fixed-outcome", "conflict-by-proxy"} <= set(codes)
    assert "Re-contract" in p.stance.findings[0].advice
    control = next(f for f in p.stance.findings if f.code == "asks-for-control")
    assert "“Make them”" in control.message  # the words as the client wrote them
    assert p.stance.positions["control"] == -1.0


def test_the_same_brief_in_dutch_is_flagged_too() -> None:
    wish = "Zorg dat ze de deadline halen en los het conflict tussen Anna en Bram op."
    p = diagnose(session(Diagnosis(), wish=wish, lang="nl"))
    assert p.stance.asks_for_management
    assert (
        p.stance.findings[0].message == "Deze opdracht vraagt eerder om management dan om procesbegeleiding."
    )


def test_a_facilitation_brief_passes_the_stance_check() -> None:
    wish = "Help the team explore together how they want to work, so they can design their own solutions."
    p = diagnose(session(Diagnosis(), wish=wish))
    assert p.stance.findings == () and not p.stance.asks_for_management
    assert p.stance.positions["control"] == 1.0 and p.stance.positions["hierarchy"] is None


def test_the_colour_of_change_is_heard_in_the_clients_words() -> None:
    blue = diagnose(
        session(Diagnosis(), wish="We need a plan with milestones so the project is delivered on time.")
    )
    assert blue.colour.dominant == "blue" and any("“milestones”" in r for r in blue.colour.reasons)
    green = diagnose(
        session(Diagnosis(), wish="We want to learn from the last release and reflect on feedback.")
    )
    assert green.colour.dominant == "green"
    none = diagnose(session(Diagnosis(), wish="A meeting on Tuesday."))
    assert none.colour.dominant is None and none.colour.fits


def test_a_blue_brief_for_a_group_with_a_strong_undercurrent_is_a_misfit() -> None:
    p = diagnose(session(MERGED_GROUP_FULL_OF_RUMOURS, wish="Implement the new procedure according to plan."))
    assert p.colour.dominant == "blue" and not p.colour.fits
    assert "strong undercurrent" in p.colour.warnings[0]
    calm = diagnose(session(TRUSTING_PERFORMING_TEAM, wish="Implement the new procedure according to plan."))
    assert calm.colour.dominant == "blue" and calm.colour.fits


# ---------------------------------------------------------------------------- examples and content


def test_the_examples_have_a_complete_diagnosis() -> None:
    for path in (EXAMPLE_NL, EXAMPLE_EN):
        s = load_session(path)
        assert set(s.diagnosis.answers) == set(BANK.questions) and s.diagnosis.signals and s.diagnosis.history
        assert check_diagnosis(s.diagnosis, BANK) == []
    merger = diagnose(load_session(EXAMPLE_NL))
    assert merger.undercurrent >= 70 and merger.themes[0].id in {
        "us-and-them",
        "distrust-of-leadership",
        "loss-and-uncertainty",
    }


def test_unknown_ids_are_reported_but_do_not_break_the_profile() -> None:
    d = Diagnosis(
        answers={"trust-rely": 4, "no-such-statement": 2}, history="ancient", signals=("silence", "telepathy")
    )
    fields = {p.field for p in check_diagnosis(d, BANK, "x.session.yaml")}
    assert fields == {"diagnosis.answers.no-such-statement", "diagnosis.history", "diagnosis.signals[1]"}
    assert diagnose(session(d)).dimension("trust").score == 75


def test_content_references_are_consistent(catalogue: Catalogue) -> None:
    for theme in BANK.themes:
        assert theme.interventions and all(i in catalogue for i in theme.interventions), theme.id
    assert {th for s in BANK.signals for th in s.themes} <= {th.id for th in BANK.themes}
    assert len(BANK.dimensions) == 11 and {d.layer for d in BANK.dimensions} == {"above", "below"}
    assert all(2 <= len(d.questions) <= 3 for d in BANK.dimensions)
    assert len(BANK.signals) >= 12 and [c.id for c in BANK.colours] == [
        "yellow",
        "blue",
        "red",
        "green",
        "white",
    ]


def test_broken_content_is_reported_with_file_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "diagnosis"
    shutil.copytree(assets_dir() / "diagnosis", folder)
    text = (folder / "signals.yaml").read_text(encoding="utf-8")
    (folder / "signals.yaml").write_text(
        text.replace("themes: {low-safety: 2,", "themes: {low-safty: 2,", 1), encoding="utf-8"
    )
    with pytest.raises(PlaybookError) as info:
        load_bank(folder)
    problem = info.value.problems[0]
    assert problem.file.endswith("signals.yaml") and problem.field == "signals[0].themes.low-safty"
    assert "did you mean 'low-safety'?" in problem.message
