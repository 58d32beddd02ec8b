"""Reading the client's words as an expert would: per rule a brief that fires it and a near miss that must not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from playbook.diagnosis import default_bank, diagnose, effective_readings
from playbook.paths import assets_dir
from playbook.reading import find, load_lexicon, read_brief, tokenise
from playbook.recommend import rank
from playbook.session import Brief, Diagnosis, FacilitatorReadings, Session, SessionFile, load_session

from .corpus import GOALS, agreement, briefs
from .test_diagnosis import answers

HELD_OUT_FLOOR = 0.80
"""What the held-out briefs must keep: every label at 80 % or more."""


def read(
    wish: str = "", lang: str = "en", context: str = "", result: str = "", **diagnosis: object
) -> object:
    brief = Brief(wish=wish, context=context, visible_result=result)
    return diagnose(Session(title="t", language=lang, brief=brief, diagnosis=Diagnosis(**diagnosis)))  # type: ignore[arg-type]


def intent(profile, ident: str) -> str:
    return profile.intent(ident).reading.value


# ------------------------------------------------------------------------------------ the reader


def test_case_diacritics_and_stems_meet_one_cue() -> None:
    assert intent(read("Een middag vol IDEEËN.", "nl"), "ideas") == "present"
    assert intent(read("We want to Prioritize the backlog.", "en"), "choose") == "present"
    assert intent(read("Agreements about how we share the phones.", "en"), "agreements") == "present"


def test_a_dutch_cue_matches_inside_a_compound(tmp_path: Path) -> None:
    assert intent(read("Het team wil projectafspraken maken.", "nl"), "agreements") == "present"
    assert intent(read("Het team wil samenwerkingsafspraken maken.", "nl"), "agreements") == "present"
    folder = tmp_path / "cues"
    shutil.copytree(assets_dir() / "diagnosis" / "cues", folder)
    text = (folder / "nl.yaml").read_text(encoding="utf-8")
    (folder / "nl.yaml").write_text(
        text.replace("  intents:\n", "  intents:\n    feeling:\n      strong: [gevoel, rust]\n", 1),
        encoding="utf-8",
    )
    lex = load_lexicon("nl", folder)
    found = {
        h.words for h in find(tokenise({"wish": "Het teamgevoel is goed, maar er is onrust."}, "nl"), lex)
    }
    assert "teamgevoel" in found  # 'gevoel' as the head of a compound
    assert "onrust" not in found  # 'on' is too short to be the first part: unrest is not calm


def test_phrases_with_named_people_and_a_near_miss() -> None:
    p = read("Get Anna and Bram to stop fighting before the deadline.")
    assert p.stance.value == "managing"
    assert any(w.startswith("Get Anna and Bram to") for w in p.stance.reading.evidence)
    near = read("Help Anna and Bram find out how they want to work together from now on.")
    assert near.stance.value == "facilitating"


def test_negation_reads_no_tension_and_high_trust_as_calm() -> None:
    for calm in (
        "There is no tension in this team.",
        "High trust, and a lot of laughter.",
        "No conflict at all.",
    ):
        assert intent(read(calm), "tension") == "absent", calm
    assert intent(read("Er is geen conflict en geen spanning.", "nl"), "tension") == "absent"
    low = read("Trust is low and people blame each other.")
    assert intent(low, "tension") == "present"
    dutch = read("We vertrouwen elkaar niet meer.", "nl").intent("tension").reading
    assert dutch.value != "absent" and "vertrouwen elkaar niet" in dutch.evidence
    assert intent(read("Lack of trust and constant friction.", "en"), "tension") == "present"


def test_negated_cues_are_shown_as_set_aside() -> None:
    p = read("We do not want to convince them; the outcome is open.")
    assert p.stance.value == "facilitating"
    assert any("not counted" in r for r in p.stance.reasons)


def test_a_cue_word_in_another_sense_is_set_aside() -> None:
    assert intent(read("Er is een belangenconflict bij de inkoop.", "nl"), "tension") == "absent"
    assert intent(read("Legal handles a conflict of interest.", "en"), "tension") == "absent"
    assert intent(read("Ik heb een afspraak met de klant.", "nl"), "agreements") == "absent"
    energy = read("Our energy company wants to plan the energy transition.")
    assert "white" not in energy.colour.colours
    assert intent(read("De teams willen elkaar beter leren kennen.", "nl"), "reflect") == "absent"


def test_a_conflict_that_is_over_is_not_tension() -> None:
    assert (
        intent(read("", context="Last year there was a conflict, which has since been resolved."), "tension")
        == "absent"
    )
    assert (
        intent(
            read("", "nl", context="Vorig jaar was er een conflict; dat is inmiddels uitgesproken."),
            "tension",
        )
        == "absent"
    )
    assert intent(read("", context="There is a conflict between the two locations."), "tension") == "present"


def test_each_part_is_read_in_its_own_language() -> None:
    p = read(
        "Make them hit the deadline and stop fighting.",
        "nl",
        context="Achttien medewerkers op twee locaties.",
    )
    assert p.stance.value == "managing" and p.brief_language in ("en", "nl")


# --------------------------------------------------------------------------------------- stance


@pytest.mark.parametrize(
    ("fires", "near_miss"),
    [
        # control: people made to do what the client wants
        (
            "Convince the team that the new roster is better.",
            "The team wants to find out whether the new roster works.",
        ),
        (
            "Zorg dat Anna en Bram ophouden met ruziemaken.",
            "Anna en Bram willen zelf bespreken hoe ze verder willen.",
        ),
        # predictability: a fixed outcome, an imposed deadline as the goal
        (
            "The outcome must be that we keep the process. No surprises.",
            "There is no fixed outcome; we see what emerges.",
        ),
        (
            "We must hit the deadline; I want a plan that guarantees it.",
            "The team wants to plan its own work together.",
        ),
        # hierarchy: position decides
        (
            "Management has decided; explain the decision to the staff.",
            "Management has not decided anything yet; they want to hear the nurses.",
        ),
        (
            "Het besluit is genomen en ik wil geen nieuwe discussie.",
            "Het team wil samen een besluit nemen over de planning.",
        ),
        # information: knowledge is power
        (
            "Don't tell the team about the budget cuts; keep it quiet.",
            "We want to share all the information openly with the team.",
        ),
        # polite management: a decision to be sold
        (
            "We would love your help getting the staff on board with what we decided.",
            "We would love your help so the staff can decide together.",
        ),
        (
            "Kun je de medewerkers meenemen in de verandering die het bestuur heeft vastgesteld, zodat ze achter het besluit staan?",
            "De medewerkers willen zelf bepalen hoe ze de verandering vormgeven.",
        ),
    ],
)
def test_a_managing_ask_fires_and_its_near_miss_does_not(fires: str, near_miss: str) -> None:
    lang = "nl" if " het " in f" {fires} " or "Zorg" in fires or "Kun je" in fires else "en"
    assert read(fires, lang).stance.value == "managing", fires
    near = read(near_miss, lang)
    assert near.stance.value != "managing" and not near.stance.asks_for_management, near_miss


@pytest.mark.parametrize(
    "context",
    [
        "There is a conflict between two senior people.",
        "The deadline for the release is in March.",
        "Alles wat in de sessie gezegd wordt, is vertrouwelijk.",
    ],
)
def test_a_mention_in_the_context_alone_does_not_make_a_brief_managing(context: str) -> None:
    p = read("Help the team decide together how they want to work.", context=context)
    assert p.stance.value == "facilitating" and not p.stance.asks_for_management


def test_the_stance_is_unclear_when_the_brief_says_too_little() -> None:
    p = read("Please plan a session on Tuesday.")
    assert p.stance.value == "unclear" and p.stance.reading.confidence == 0


# --------------------------------------------------------------------------------------- colour


def test_learning_together_is_green_not_red() -> None:
    p = read("We willen samen leren van de afgelopen periode en elkaar feedback geven.", "nl")
    assert p.colour.colours == ("green",)
    people = read("De mensen willen beter samenwerken.", "nl")
    assert "red" not in people.colour.colours  # red is not "people" in general


def test_red_is_motivating_through_rewards_and_incentives() -> None:
    red = next(c for c in default_bank().colours if c.id == "red")
    assert "reward" in red.description.en and "incentive" in red.description.en
    assert "beloning" in red.description.nl and "incentives" in red.description.nl
    assert read("HR wants a reward and recognition scheme with bonuses.").colour.colours == ("red",)


def test_two_colours_are_a_mix_never_file_order() -> None:
    p = read(
        "We need a project plan with milestones, and the team wants to learn from feedback along the way."
    )
    assert set(p.colour.colours) == {"blue", "green"} and p.colour.reading.value in (
        ("blue", "green"),
        ("green", "blue"),
    )
    assert " and " in p.colour.label


def test_weak_evidence_is_not_clear_from_the_brief() -> None:
    p = read("A session about the plan.")
    assert p.colour.reading.value == "unclear" and p.colour.dominant is None
    assert p.colour.reasons[0] == "The brief does not yet speak a clear colour of change."


# --------------------------------------------------------------------------------------- Tuckman


def test_a_tie_between_stages_is_reported_as_between_them() -> None:
    p = read(signals=("silence", "conflict-avoided"))  # each points at forming and storming alike
    assert p.stage.points["forming"] == p.stage.points["storming"] > 0
    assert (
        p.stage.reading.value == ("forming", "storming") and p.stage.label == "between Forming and Storming"
    )
    assert any(r.startswith("For Forming") for r in p.stage.reasons) and any(
        r.startswith("For Storming") for r in p.stage.reasons
    )


def test_avoided_conflict_and_newcomers_is_not_performing() -> None:
    team = answers(trust=4, psychological_safety=4, ownership=4, goal_clarity=4)
    before = read(answers=team, history="established")
    assert before.stage.name == "performing"
    after = read(answers=team, history="established", signals=("conflict-avoided", "newcomers"))
    assert "performing" not in after.stage.stages
    assert any("Conflict avoided" in r for r in after.stage.reasons)


def test_how_long_together_does_not_outweigh_what_is_seen() -> None:
    p = read(history="established", signals=("open-conflict", "sarcasm"))
    assert p.stage.name == "storming"


# ---------------------------------------------------------------------------------- hypotheses


def test_open_conflict_needs_more_than_low_trust_and_unclear_decisions() -> None:
    alone = read(answers=answers(trust=1, decision_making=1))
    conflict = next(th for th in alone.themes if th.id == "open-conflict")
    assert conflict.strength < 50 and conflict.kinds == ("answers",)
    avoided = read(answers=answers(trust=1, decision_making=1), signals=("conflict-avoided",))
    weaker = next((th for th in avoided.themes if th.id == "open-conflict"), None)
    assert weaker is None or weaker.strength < 60
    seen = read(answers=answers(trust=1, decision_making=1), signals=("open-conflict",))
    assert next(th for th in seen.themes if th.id == "open-conflict").strength >= 60


def test_the_brief_is_a_third_kind_of_evidence() -> None:
    base = {"answers": answers(unspoken_tension=5), "signals": ("conflict-avoided",)}
    quiet = next(th for th in read(**base).themes if th.id == "unspoken-conflict")
    said = next(
        th
        for th in read("The team has been in conflict for months.", **base).themes
        if th.id == "unspoken-conflict"
    )
    assert said.kinds == ("answers", "signals", "brief") and said.strength > quiet.strength


def test_hypotheses_spread_so_the_top_three_can_guide() -> None:
    from .test_diagnosis import MERGED_GROUP_FULL_OF_RUMOURS, OPEN_CONFLICT

    for diagnosis in (MERGED_GROUP_FULL_OF_RUMOURS, OPEN_CONFLICT):
        p = diagnose(Session(title="t", diagnosis=diagnosis))
        top = [th.strength for th in p.themes[:3]]
        assert len(set(top)) == 3 and max(top) < 100 and min(th.strength for th in p.themes) < 50


# ------------------------------------------------------------------------ the facilitator's word


def test_a_correction_replaces_the_reading_everywhere(tmp_path: Path, catalogue) -> None:
    brief = Brief(wish="Please plan a session for the team.")
    session = Session(title="t", brief=brief, group=__import__("playbook.session").session.Group(10))
    assert effective_readings(session).intents["choose"].value == "absent"
    verdicts = FacilitatorReadings(
        colour=("green", "white"), stance="facilitating", intents={"choose": "present"}
    )
    corrected = session.with_changes(diagnosis=Diagnosis(readings=verdicts))
    readings = effective_readings(corrected)
    assert readings.colour.value == ("green", "white") and readings.colour.corrected
    assert readings.stance.value == "facilitating" and readings.stance.read == "unclear"
    assert readings.intents["choose"].value == "present" and "choose" in readings.present()
    best = rank(corrected, catalogue, role="converge", limit=1)[0]
    assert "the wish asks the group to make choices" in best.reasons
    path = tmp_path / "c.session.yaml"
    SessionFile.create(path, corrected)
    assert load_session(path).diagnosis.readings == verdicts
    assert "readings:" in path.read_text(encoding="utf-8")


def test_a_bad_reading_in_the_file_is_named(tmp_path: Path) -> None:
    from playbook.diagnosis import check_diagnosis
    from playbook.errors import PlaybookError

    path = tmp_path / "bad.session.yaml"
    path.write_text(
        "schema_version: 1\ntitle: x\ndiagnosis:\n  readings:\n    stance: bossy\n", encoding="utf-8"
    )
    with pytest.raises(PlaybookError) as info:
        load_session(path)
    assert info.value.problems[0].field == "diagnosis.readings.stance"
    odd = Diagnosis(readings=FacilitatorReadings(colour="purple", intents={"dance": "present"}))
    assert {p.field for p in check_diagnosis(odd, default_bank())} == {
        "diagnosis.readings.colour",
        "diagnosis.readings.intents.dance",
    }


def test_readings_carry_value_confidence_and_words_in_json() -> None:
    data = read("We need a project plan with milestones and clear priorities.").to_data()
    for key in ("colour", "stance"):
        assert {"value", "confidence", "evidence"} <= set(data[key])
    assert data["colour"]["value"] == "blue" and "milestones" in data["colour"]["evidence"]
    assert data["intents"]["choose"]["value"] == "present" and data["intents"]["choose"]["evidence"]
    assert {"dominant", "label", "scores", "reasons", "fits", "warnings"} <= set(data["colour"])


# ------------------------------------------------------------------------------------ the corpus


def test_the_corpus_is_large_bilingual_and_labelled_with_known_ids() -> None:
    items = briefs()
    assert len(items) >= 60 and len({b.id for b in items}) == len(items)
    assert sum(b.lang == "nl" for b in items) == sum(b.lang == "en" for b in items)
    assert {b.split for b in items} == {"dev", "held-out"}
    colours = {c.id for c in default_bank().colours}
    intents = {i.id for i in read().intents}
    for b in items:
        assert (
            b.colour <= colours and len(b.colour) <= 2 and b.stance in ("managing", "facilitating", "unclear")
        )
        assert b.intents <= intents, b.id


def test_agreement_on_the_development_briefs_stays_above_the_goals() -> None:
    a = agreement("dev")
    assert a.stance >= GOALS["stance"], a.misses
    assert a.intents >= GOALS["intents"], a.misses
    assert a.colour >= GOALS["colour"], a.misses


def test_agreement_on_the_held_out_briefs_does_not_fall() -> None:
    """The held-out briefs were read once, at the end; the stance fell short of its goal there (83 %, see
    benchmarks/reading.py), so this guards against a fall rather than claiming the goal."""
    a = agreement("held-out")
    assert min(a.stance, a.intents, a.colour) >= HELD_OUT_FLOOR, a.misses


def test_a_brief_is_read_once_per_text() -> None:
    first = read_brief({"wish": "Learn together"}, "en")
    assert read_brief({"wish": "Learn together"}, "en") is first
