"""Reading the client's words as an expert would: per rule a brief that fires it and a near miss that must not."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from playbook.diagnosis import default_bank, diagnose, effective_readings, read_session_brief, rules_alone
from playbook.i18n import t
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


def read_by_rules(wish: str, lang: str = "en") -> object:
    """The rules' own reading of a brief long enough for the colour stack (playbook.learned), for the tests
    of a rule's mechanism; tests/test_learned.py tests the stack."""
    return diagnose(Session(title="t", language=lang, brief=Brief(wish=wish)), rules_alone())


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
    p = read("We do not want to convince them; the outcome is open and the team decides.")
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


def test_a_commitment_the_client_shares_is_the_groups_own_not_an_order() -> None:
    ours = read(
        "We need to agree how we handle escalations.", result="An escalation procedure we all stick to."
    )
    assert ours.stance.value == "facilitating", ours.stance.reading.evidence
    theirs = read("The night shift has to learn the new procedure.", result="A procedure they all stick to.")
    assert theirs.stance.value != "facilitating" and "they all stick to" in theirs.stance.reading.evidence


@pytest.mark.parametrize(
    ("frame", "lang"),
    [
        (
            "The handover date is in the contract, nothing changes there. Which variant we choose I leave to "
            "the site managers: the site managers decide.",
            "en",
        ),
        (
            "De opleverdatum ligt vast in het contract, daar verandert niets aan. Welke variant we kiezen laat "
            "ik aan de uitvoerders.",
            "nl",
        ),
    ],
)
def test_a_fixed_frame_with_the_groups_own_choice_inside_it_is_facilitating(frame: str, lang: str) -> None:
    assert read(frame, lang).stance.value == "facilitating"
    sold = frame.split(".")[0] + (
        ". We need the team to accept it." if lang == "en" else ". Ze moeten het accepteren."
    )
    assert read(sold, lang).stance.value == "managing", sold


def test_an_imposed_deadline_is_no_frame_for_the_groups_choice() -> None:
    p = read(
        "Per 1 januari werken alle teams zelfsturend, dat heeft de raad van bestuur besloten en daar valt "
        "niet over te praten. In de sessie moeten ze hun taakverdeling rond krijgen. Het moet vóór de kerst "
        "klaar zijn.",
        "nl",
    )
    assert p.stance.value == "managing", p.stance.reading.evidence


def test_a_verb_in_its_own_past_form_is_a_decision_already_taken() -> None:
    def settled(wish: str) -> float:
        session = Session(title="t", language="en", brief=Brief(wish=wish))
        parts = default_bank().rules.parts["stance"]
        return read_session_brief(session).evidence("readings.stance.managing.settled", parts).score

    assert settled("The board approved the new rota last month.") > 0
    assert settled("The board will approve the new rota next month.") == 0
    assert settled("The board wants the teams to approve the new rota.") == 0


@pytest.mark.parametrize(
    ("wish", "result", "lang"),
    [
        ("A day with the team leads.", "To be decided.", "en"),
        ("Een dag met de teamleiders.", "Nog te bepalen.", "nl"),
        ("We opened a second shop last year and would like a session.", "", "en"),
    ],
)
def test_a_gap_in_the_brief_is_not_the_groups_work(wish: str, result: str, lang: str) -> None:
    assert read(wish, lang, result=result).stance.value == "unclear"
    work = "The team leads decide the order." if lang == "en" else "De teamleiders bepalen de volgorde."
    assert read(wish, lang, result=work).stance.value == "facilitating"


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        ("Kunnen we eens kennismaken? De teamleiders bepalen samen de volgorde.", "nl"),
        ("I'm not sure yet what it should deliver. The team leads decide together.", "en"),
    ],
)
def test_a_client_still_looking_for_the_session_needs_the_groups_work_in_so_many_words(
    wish: str, lang: str
) -> None:
    assert read(wish, lang).stance.value == "unclear", wish
    plain = (
        " De teamleiders kiezen zelf en bepalen samen wie wat doet."
        if lang == "nl"
        else " The team leads decide for themselves and choose together who does what."
    )
    assert read(wish + plain, lang).stance.value == "facilitating", wish + plain


def test_a_room_guaranteed_safe_is_no_fixed_outcome() -> None:
    safe = read(
        "The officers themselves look back on what went well. What is said stays in the room; that must "
        "be guaranteed."
    )
    assert safe.stance.value == "facilitating", safe.stance.reading.evidence
    fixed = read("The outcome is fixed: we must guarantee the team signs the plan.")
    assert fixed.stance.value == "managing"


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        ("We geloven niet in weer een programma van bovenaf.", "nl"),
        ("We do not believe in another top-down programme.", "en"),
    ],
)
def test_a_negation_reaches_through_another_programme(wish: str, lang: str) -> None:
    p = read(wish, lang)
    assert p.stance.value == "unclear" and not p.stance.asks_for_management
    assert read(wish.replace("niet ", "").replace("do not ", ""), lang).stance.asks_for_management


@pytest.mark.parametrize(
    ("negated", "said"),
    [
        ("We willen ze nergens van overtuigen.", "We willen ze overtuigen."),
        ("We hoeven ze nergens over te overtuigen.", "We moeten ze overtuigen."),
    ],
)
def test_nergens_negates_like_niet(negated: str, said: str) -> None:
    """ "Nothing to convince them of": Dutch says it with "nergens (van)" where English has "not"."""
    p = read(negated, "nl")
    assert not p.stance.asks_for_management and "overtuigen" in " ".join(p.stance.reasons)
    assert read(said, "nl").stance.asks_for_management


def test_him_or_her_is_the_person_and_her_a_determiner_only_before_a_noun() -> None:
    p = read("Elke filiaalmanager moet weten wat er van hem of haar verwacht wordt.", "nl")
    assert "wat er van hem of haar verwacht wordt" in p.stance.reading.evidence
    assert (
        "wat er van haar team verwacht wordt"
        in read("Ze moet weten wat er van haar team verwacht wordt.", "nl").stance.reading.evidence
    )


def test_a_negated_wish_reaches_the_verb_it_wishes() -> None:
    p = read(
        "I don't want the Executive Board to impose a split; I'd like them to negotiate a deal themselves."
    )
    assert p.stance.value == "facilitating", p.stance.reading.evidence
    assert read("I want the Executive Board to impose a split.").stance.value == "managing"


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        ("A session so that the ward managers make sure their nurses actually use it.", "en"),
        ("Een sessie zodat hun mensen ook echt volgens het nieuwe model gaan werken.", "nl"),
        ("Het is van belang dat de agrariërs zich achter dit alternatief scharen.", "nl"),
        ("We want an evening at which we can win them round before the parish meeting.", "en"),
    ],
)
def test_compliance_in_everyday_words_is_managing(wish: str, lang: str) -> None:
    assert read(wish, lang).stance.value == "managing", wish


def test_the_facilitator_asked_to_design_is_not_the_group_at_work() -> None:
    p = read("Wij verzoeken u een bijeenkomst te ontwerpen over de dijkversterking.", "nl")
    assert p.stance.value == "unclear" and "blue" not in p.colour.colours
    group = read("Wij willen dat de bewoners samen een nieuw plein ontwerpen.", "nl")
    assert group.stance.value == "facilitating"


def test_a_decision_still_to_come_is_no_frame_and_no_decision_taken() -> None:
    p = read(
        "The paper is confidential until the board has decided. The trustees choose a direction together."
    )
    managing = t("diagnosis.stance_managing_words", "en", words="")
    assert not any(r.startswith(managing) and "board has decided" in r for r in p.stance.reasons)
    taken = read("The board has decided. The trustees choose.")
    assert any(r.startswith(managing) and "The board has decided" in r for r in taken.stance.reasons)


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        ("Eerlijk gezegd moet het B worden, dus zet de sessie zo op dat ze daar vanzelf uitkomen.", "nl"),
        ("De afspraken heb ik al op papier gezet, ze hoeven er alleen nog ja tegen te zeggen.", "nl"),
        ("Wat ze nog niet weten: de teams worden samengevoegd. Dat wil ik er nog even buiten houden.", "nl"),
        (
            "The sessions are to secure the support of the sector; objections are channelled constructively.",
            "en",
        ),
    ],
)
def test_an_outcome_steered_to_or_kept_back_is_managing(wish: str, lang: str) -> None:
    assert read(wish, lang).stance.value == "managing", wish


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        ("We willen naar een nieuw partnermodel met een andere winstverdeling.", "nl"),
        ("Kun je eens bellen om iets af te stemmen over de heidag?", "nl"),
        ("Fase 2 gaat over herbestemming en afstoting van de collectie.", "nl"),
    ],
)
def test_a_verb_inside_a_compound_or_a_word_of_another_sense_is_no_work(wish: str, lang: str) -> None:
    assert read(wish, lang).stance.value == "unclear", wish


def test_a_frame_the_teams_choose_within_is_facilitating() -> None:
    p = read(
        "Per 1 november stappen we over op een nieuw dossier; dat ligt vast. Binnen die kaders mogen de teams "
        "zelf bepalen hoe ze het aanpakken.",
        "nl",
    )
    assert p.stance.value == "facilitating", p.stance.reasons


def test_openness_alone_does_not_say_the_group_does_the_work() -> None:
    for wish, lang in (
        ("We value the expertise of our professionals and keep the outcome open.", "en"),
        ("Het moet van onderop groeien, een blauwdruk hebben we bewust niet.", "nl"),
        ("We would like the study day to be inspiring.", "en"),
    ):
        assert read(wish, lang).stance.value == "unclear", wish
    work = read("We value the expertise of our professionals; the team decides which pilots to run.")
    assert work.stance.value == "facilitating"


def test_not_prescribing_is_not_keeping_information_back() -> None:
    free = read("Ik wil ze niet vertellen hoe het moet. Laat ze zelf uitvinden hoe ze elkaar helpen.", "nl")
    assert free.stance.value == "facilitating", free.stance.reading.evidence
    kept = read("Ik wil ze niet vertellen dat de afdeling sluit. Laat ze ideeën bedenken.", "nl")
    assert kept.stance.value != "facilitating"
    assert read("I don't want to tell them how to do it; the coaches decide themselves.").stance.value == (
        "facilitating"
    )


def test_named_people_behind_a_title_are_still_named() -> None:
    p = read("Na klachten wil ik dat juf Anouk en meester Tim leren van hun oudergesprekken.", "nl")
    assert p.stance.value == "managing", p.stance.reading.evidence
    near = read("Na klachten wil het team leren van de oudergesprekken.", "nl")
    assert near.stance.value == "facilitating"


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        ("In de sessie moet ik ze duidelijk maken wat er van ze verwacht wordt.", "nl"),
        ("The session should make clear to them what is expected of them.", "en"),
    ],
)
def test_telling_people_what_is_expected_of_them_is_position_deciding(wish: str, lang: str) -> None:
    assert read(wish, lang).stance.value == "managing"
    own = (
        "Het team bespreekt wat ze van elkaar verwachten."
        if lang == "nl"
        else ("The team discusses what they expect of each other.")
    )
    assert read(own, lang).stance.value == "facilitating"


def test_endorsing_a_position_written_for_them_is_not_their_own_agreement() -> None:
    sold = read("Ik heb het standpunt al op papier gezet. De coördinatoren moeten het onderschrijven.", "nl")
    assert sold.stance.value == "managing", sold.stance.reading.evidence
    own = read(
        "We willen samen werkafspraken maken.", "nl", result="Vijf afspraken die het hele team onderschrijft."
    )
    assert own.stance.value == "facilitating"


@pytest.mark.parametrize(
    ("wish", "calm", "lang"),
    [
        ("They've been sniping at each other in the local paper.", "They write in the local paper.", "en"),
        (
            "Op het OK loopt het al maanden stroef en er wordt over en weer gemopperd.",
            "Op het OK loopt het goed.",
            "nl",
        ),
        (
            "Vrijwilligers en beroepskrachten werken naast elkaar, en dat schuurt.",
            "Ze werken naast elkaar.",
            "nl",
        ),
    ],
)
def test_tension_in_everyday_words(wish: str, calm: str, lang: str) -> None:
    assert intent(read(wish, lang), "tension") == "present", wish
    assert intent(read(calm, lang), "tension") == "absent", calm


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


def test_a_generic_head_says_nothing_beside_the_cue_before_it() -> None:
    p = read("Ons nieuwe beloningsbeleid voor bedrijfsleiders is rond; HR heeft het uitgewerkt.", "nl")
    assert p.colour.colours == ("red",), p.colour.reasons  # about rewards, not a blue policy as well
    assert "blue" in read("Het nieuwe privacybeleid wordt stap voor stap ingevoerd.", "nl").colour.colours


@pytest.mark.parametrize(
    ("wish", "lang"),
    [
        ("The volunteer afternoon should be a rewarding day, not another meeting.", "en"),
        ("It was chaotic and messy after the riots; the officers look back on what went well.", "en"),
        ("The residents and both parties involved have a stake and want to negotiate.", "en"),
        ("We need a set of rules that reflects what members actually do.", "en"),
        ("Er is heel veel energie, maar ook best wat chaos.", "nl"),
    ],
)
def test_a_colour_word_in_another_sense_is_not_that_colour(wish: str, lang: str) -> None:
    sense = {
        "rewarding day": "red",
        "chaotic": "white",
        "parties": "red",
        "reflects": "green",
        "chaos": "white",
    }
    colour = next(c for word, c in sense.items() if word in wish)
    assert colour not in read(wish, lang).colour.colours


@pytest.mark.parametrize(
    ("wish", "near_miss", "lang"),
    [
        (
            "The team is stuck since the move; we want the blockages out of the way.",
            "We are stuck with the decision, and half the team was stuck in traffic.",
            "en",
        ),
        (
            "Het netwerk loopt vast; we willen dat het weer in beweging komt.",
            "Daar zit een budget aan vast, en het team zit vast aan de planning.",
            "nl",
        ),
    ],
)
def test_a_group_stuck_and_moving_again_is_white(wish: str, near_miss: str, lang: str) -> None:
    """Removing what blocks a group's own movement is De Caluwé's white; being bound to something is not."""
    assert read(wish, lang).colour.colours == ("white",)
    assert "white" not in read(near_miss, lang).colour.colours


def test_a_blueprint_we_deliberately_do_not_have_is_negated() -> None:
    p = read("Een blauwdruk hebben we bewust niet, het moet van onderop groeien.", "nl")
    assert "blue" not in p.colour.colours
    assert "blue" in read("Een blauwdruk hebben we, stap voor stap.", "nl").colour.colours


def test_a_sports_role_a_head_count_and_a_dinner_table_are_not_colours() -> None:
    assert "green" not in read("Volunteers for the bar, youth coaching or painting lines.").colour.colours
    assert "red" not in read("We moeten het er met z'n vieren over hebben.", "nl").colour.colours
    assert read("Een avond over wie traint en wie coacht.", "nl").colour.colours == ()
    assert "red" in read("Trainers krijgen een vergoeding en gratis contributie.", "nl").colour.colours


def test_a_weak_third_colour_leaves_the_mix_of_the_first_two() -> None:
    p = read_by_rules(
        "Het bestuur heeft een stappenplan en een invoeringsplan vastgesteld, fase voor fase, met een "
        "beoordelingsgesprek dat meeweegt bij de salarisschaal en een bonus; de directeuren leren het toe te passen.",
        "nl",
    )
    assert set(p.colour.colours) == {"blue", "red"}, p.colour.scores


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
    assert {b.split for b in items} == {"dev", "held-out", "unseen"}
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
    """The held-out briefs are only measured, never read while the reader is improved; this guards against
    a fall rather than claiming the goals (benchmarks/reading.py prints the figures)."""
    a = agreement("held-out")
    assert min(a.stance, a.intents, a.colour) >= HELD_OUT_FLOOR, a.misses


def test_a_brief_is_read_once_per_text() -> None:
    first = read_brief({"wish": "Learn together"}, "en")
    assert read_brief({"wish": "Learn together"}, "en") is first


# ------------------------------------------------------------------------------ who does the verb


@pytest.mark.parametrize(
    ("lang", "fires", "near_miss"),
    [
        # the group as the one who does the session's work
        (
            "en",
            "I'd like a session where the team works out the rules for swapping shifts.",
            "I need a session where I work out the rules for swapping shifts.",
        ),
        ("en", "We look back on the launch of the portal.", "I look back on the launch of the portal."),
        (
            "nl",
            "Het team kiest zelf welke drie projecten we indienen.",
            "Ik kies welke drie projecten het team indient.",
        ),
        (
            "nl",
            "Casussen bespreken, elkaar feedback geven en afspreken wat we voortaan anders doen.",
            "Ik bespreek de casussen met de inspectie.",
        ),
    ],
)
def test_the_group_doing_the_work_is_facilitating(lang: str, fires: str, near_miss: str) -> None:
    p = read(fires, lang)
    assert p.stance.value == "facilitating", fires
    assert any(" " in w for w in p.stance.reading.evidence), p.stance.reading.evidence  # doer and verb
    assert read(near_miss, lang).stance.value == "unclear", near_miss


def test_the_evidence_quotes_the_doer_with_its_verb() -> None:
    p = read("The nurses have asked to draw up their own rota, and the team decides who covers the weekends.")
    assert "The nurses have asked to draw up" in p.stance.reading.evidence  # still to be done
    assert "the team decides" in p.stance.reading.evidence


def test_an_order_to_the_group_is_not_its_own_work() -> None:
    ordered = read("The team leads must draw up the plan.")
    assert ordered.stance.value != "facilitating"
    own = read("We need to hammer out a deal all four of us can live with.")
    assert own.stance.value == "facilitating"  # the client among the group, stating its own need


@pytest.mark.parametrize(
    ("lang", "fires", "near_miss"),
    [
        (
            "en",
            "We would be so grateful if you could help our team embrace the new hybrid working policy.",
            "The team wants to explore the new hybrid working policy and decide what it means for them.",
        ),
        (
            "nl",
            "We willen graag dat de medewerkers het nieuwe rooster accepteren.",
            "De medewerkers bespreken het nieuwe rooster en kiezen wat ze willen houden.",
        ),
        (
            "en",
            "My plan only flies if the GPs back it: get them behind the plan before the council votes.",
            "The GPs, the home care providers and the municipality work out a plan together.",
        ),
    ],
)
def test_the_group_made_to_accept_is_managing(lang: str, fires: str, near_miss: str) -> None:
    assert read(fires, lang).stance.value == "managing", fires
    assert read(near_miss, lang).stance.value == "facilitating", near_miss


def test_a_decision_those_in_charge_took_already_is_managing_and_blue() -> None:
    p = read("Leadership has already agreed on three office days a week; explain why to the team.")
    assert p.stance.value == "managing" and "Leadership has already agreed" in p.stance.reading.evidence
    assert "blue" in p.colour.colours
    near = read("Leadership has not agreed on anything yet; the team chooses its office days.")
    assert near.stance.value == "facilitating"
    later = read(
        "De partijen komen zelf tot een compromis over het plein.",
        "nl",
        context="De raad beslist in juni over het voorstel.",
    )
    assert later.stance.value == "facilitating"  # a decision still to come, and in the context


@pytest.mark.parametrize(
    ("lang", "fires", "near_miss"),
    [
        (
            "nl",
            "Ik wil dat de sessie de medewerkers duidelijk maakt dat aanwezigheid voortaan meeweegt.",
            "Ik wil dat de medewerkers in de sessie zelf bepalen wat ze nodig hebben.",
        ),
        (
            "nl",
            "De teamleiders moeten het verhaal goed kunnen brengen.",
            "De teamleiders vertellen elkaar hun verhaal over het afgelopen jaar.",
        ),
        (
            "en",
            "Management has set next year's targets; make sure each regional team leaves with a plan that gets them there.",
            "Each regional team sets its own targets and works out a plan together.",
        ),
    ],
)
def test_conveying_a_settled_matter_or_a_fixed_target_is_managing(
    lang: str, fires: str, near_miss: str
) -> None:
    assert read(fires, lang).stance.value == "managing", fires
    assert read(near_miss, lang).stance.value != "managing", near_miss


def test_withholding_is_heard_in_a_telling_verb_said_only_negated() -> None:
    p = read("Graag niets zeggen over de sluiting van de tweede lijn, dat is nog vertrouwelijk.", "nl")
    assert p.stance.value == "managing" and "niets zeggen over" in p.stance.reading.evidence
    near = read(
        "We willen alles zeggen over de sluiting; wat in de zaal gezegd wordt, blijft vertrouwelijk.", "nl"
    )
    assert near.stance.value != "managing"


def test_less_steering_from_above_is_not_a_request_for_it() -> None:
    assert read("We willen minder sturing van bovenaf.", "nl").stance.value != "managing"
    assert read("We want less top down steering in the teams.").stance.value != "managing"
    assert read("We want top down steering in the teams.").stance.value == "managing"


def test_parties_negotiating_their_own_package_are_yellow_and_facilitating() -> None:
    p = read(
        "The tenants, the asset managers and the contractor each have their own budget. The three parties "
        "negotiate what goes into the renovation package.",
        result="A package all three parties have signed off on.",
    )
    assert p.stance.value == "facilitating" and "yellow" in p.colour.colours
    near = read("Get the tenants to sign off on our renovation plan.")
    assert near.stance.value == "managing"


# ------------------------------------------------------------------------ Dutch forms and colours


def test_a_dutch_present_tense_meets_its_infinitive_and_compounds_are_real() -> None:
    assert intent(read("Het team kiest de drie projecten.", "nl"), "choose") == "present"
    assert intent(read("Zonder dat zij partij kiest.", "nl"), "choose") == "absent"  # taking sides
    escalation = read("Afspraken over werkwijze bij escalatie.", "nl")
    assert "green" not in escalation.colour.colours  # 'escalatie' is stemmed 'escaleer', not 'leren'
    assert "blue" not in read("Kun je een middag begeleiden?", "nl").colour.colours  # not 'beleid'


def test_a_clear_second_colour_is_a_mix_however_verbose_the_first() -> None:
    p = read_by_rules(
        "Management set the targets; each team leaves with a plan, milestones and a roadmap. From next year "
        "commission is tied to hitting the target, with a bonus for the best team."
    )
    assert set(p.colour.colours) == {"blue", "red"}
    hint = read_by_rules(
        "Management set the targets; each team leaves with a plan, milestones and a roadmap. From next year "
        "commission is tied to hitting the target."
    )
    assert hint.colour.colours == ("blue",)  # one strong word for red beside a whole plan: a hint
    alone = read_by_rules(
        "Management set the targets; each team leaves with a plan, milestones and a roadmap."
    )
    assert alone.colour.colours == ("blue",)
    assert (
        "blue" not in read_by_rules("The team draws up its own summer rota.").colour.colours
    )  # a topic, not a way


def test_an_agency_rule_naming_an_unknown_reading_is_named(tmp_path: Path) -> None:
    from playbook.errors import PlaybookError

    folder = tmp_path / "cues"
    shutil.copytree(assets_dir() / "diagnosis" / "cues", folder)
    text = (folder / "en.yaml").read_text(encoding="utf-8")
    (folder / "en.yaml").write_text(
        text.replace("reads: [stance.facilitating.control]", "reads: [stance.facilitating.contrl]", 1),
        encoding="utf-8",
    )
    with pytest.raises(PlaybookError) as info:
        load_lexicon("en", folder)
    assert info.value.problems[0].field == "agency.verbs.work.reads[0]"


def test_a_decision_as_the_frame_of_the_groups_own_work_is_facilitating() -> None:
    framed = read(
        "De directie heeft besloten dat we verhuizen. De teams bepalen zelf hoe ze de nieuwe verdieping inrichten.",
        "nl",
    )
    assert framed.stance.value == "facilitating"
    assert any("directie heeft besloten" in f.words[0] for f in framed.stance.findings if f.words)
    sold = read(
        "De directie heeft besloten dat we verhuizen. Zorg dat de teams het besluit accepteren en leg uit waarom.",
        "nl",
    )
    assert sold.stance.value == "managing"


def test_dutch_separable_verbs_are_read_across_the_words_between() -> None:
    p = read("We kijken met het team terug op het afgelopen jaar en spreken af wat we anders doen.", "nl")
    assert p.stance.value == "facilitating"
    assert intent(p, "reflect") == "present" and intent(p, "agreements") == "present"
    alone = read("Ik kijk met plezier terug op mijn eerste jaar.", "nl")
    assert alone.stance.value == "unclear"  # the client looking back is not the group at work


# ----------------------------------------------------------------------- a settled outcome comes first


@pytest.mark.parametrize(
    ("lang", "noun", "verb"),
    [
        ("en", "We'd like to meet the members before the vote.", "We'd like the members to vote."),
        ("en", "We are a GP practice with four GPs.", "We practise the new triage with the team."),
        ("nl", "We spreken de leden voor de stemming.", "In de sessie stemmen de leden."),
    ],
)
def test_a_verb_after_an_article_is_a_noun_not_the_groups_work(lang: str, noun: str, verb: str) -> None:
    assert read(noun, lang).stance.value == "unclear", noun
    assert read(verb, lang).stance.value == "facilitating", verb


def test_a_verb_done_already_with_nobody_named_is_not_the_sessions_work() -> None:
    done = read("The three founders have already picked the new team leads.")
    assert done.stance.value != "facilitating"
    assert any("founders have already picked" in w for w in done.stance.reading.evidence)
    now = read("In the session the team leads pick their own deputies.")
    assert now.stance.value == "facilitating"


def test_a_passive_by_those_in_charge_is_a_decision_taken() -> None:
    passive = read("Doel is draagvlak onder beleidsmedewerkers voor de door de DG vastgestelde agenda.", "nl")
    assert passive.stance.value == "managing"
    active = read("De beleidsmedewerkers stellen samen de agenda vast.", "nl")
    assert active.stance.value == "facilitating"


@pytest.mark.parametrize(
    ("lang", "settled", "open_"),
    [
        (  # a vote to be won
            "en",
            "We'd like a pre-meeting where the members discuss the model, so we win over the undecided "
            "ones and get a majority for the price model.",
            "We'd like a pre-meeting where the members discuss the model and decide whether to keep it.",
        ),
        (  # a scheme introduced top-down, participation asked around it
            "en",
            "We're introducing a bonus scheme; the team discusses it so that it goes down well.",
            "The team discusses whether a bonus scheme would help and decides what to propose.",
        ),
        (  # conveying: an information session on a fixed scheme
            "en",
            "Run the information sessions so the coaches understand the criteria; we won't be sharing the "
            "pay scales.",
            "The coaches explore the criteria together and share what they find unclear.",
        ),
        (
            "nl",
            "Vanaf juni gaan de badmeesters over naar een nieuw functiehuis. Ik wil dat je uitlegt hoe het "
            "werkt, zodat ze begrijpen waarom; ze bespreken het daarna.",
            "De badmeesters bespreken het nieuwe functiehuis en kiezen samen wat ze voorstellen.",
        ),
        (  # a named person who must change
            "nl",
            "Henk en Gerrit moeten leren hoe je iemand aanspreekt.",
            "De ploegleiders leren samen hoe je iemand aanspreekt.",
        ),
    ],
)
def test_a_settled_outcome_is_never_read_as_facilitating(lang: str, settled: str, open_: str) -> None:
    p = read(settled, lang)
    assert p.stance.value == "managing", (settled, p.stance.reading.evidence)
    assert read(open_, lang).stance.value == "facilitating", open_


def test_managing_beside_the_groups_work_is_managing_with_less_confidence() -> None:
    both = read("The board needs the members to approve the new model; the members discuss it and decide.")
    alone = read("The board needs the members to approve the new model, and get a majority for it.")
    assert both.stance.value == "managing" and alone.stance.value == "managing"
    assert both.stance.reading.confidence < alone.stance.reading.confidence


def test_a_stray_managing_word_beside_much_of_the_groups_own_work_does_not_block_it() -> None:
    p = read(
        "The director wants a day on the budget. The departments negotiate the split; they decide together "
        "and every voice is heard."
    )
    assert p.stance.value == "facilitating"
    near = read("The director wants the budget agreed, and the departments must accept the split.")
    assert near.stance.value == "managing"


def test_a_frame_stands_only_where_nothing_is_sold_or_won() -> None:
    frame = read("Het budget staat vast. Het team kiest zelf welke projecten we indienen.", "nl")
    assert frame.stance.value == "facilitating"
    sold = read("Het budget staat vast. Het team kiest zelf, zodat het besluit goed landt.", "nl")
    assert sold.stance.value == "managing"


def test_one_word_counts_once_for_a_side_and_open_to_suggestions_is_the_client() -> None:
    vague = read("We need something for the department. Maybe a workshop? Open to suggestions.")
    assert vague.stance.value == "unclear"
    opened = read("The outcome is open: we explore together what the department needs.")
    assert opened.stance.value == "facilitating"


def test_a_question_word_as_the_subject_is_not_the_group_at_work() -> None:
    asked = read("Laten we eerlijk zijn: het gaat erom wie waarover beslist.", "nl")
    assert asked.stance.value == "unclear"
    group = read("Laten we eerlijk zijn: de teams beslissen zelf waarover ze praten.", "nl")
    assert group.stance.value == "facilitating"


def test_the_facilitator_asked_to_think_along_is_not_the_group_at_work() -> None:
    asked = read("We willen een beloningssysteem. Kun je meedenken over een opzet?", "nl")
    assert asked.stance.value == "unclear"
    group = read("We willen dat de medewerkers meedenken over een beloningssysteem.", "nl")
    assert group.stance.value == "facilitating"


def test_what_the_group_has_been_doing_is_not_the_sessions_work() -> None:
    past = read("We've been thinking about the culture in our lab for a while.")
    assert past.stance.value == "unclear"
    now = read("In the session we think about the culture in our lab.")
    assert now.stance.value == "facilitating"


# ------------------------------------------------------------------ reading as an expert reads a brief


def test_the_same_cue_in_another_form_counts_once() -> None:
    once = read("We are thinking about a bonus for the night shift.")
    twice = read("We are thinking about a bonus for the night shift.", result="Bonuses that work.")
    other = read("We are thinking about a bonus for the night shift.", result="Recognition that works.")
    assert twice.colour.scores["red"] == once.colour.scores["red"] > 0
    assert other.colour.scores["red"] > once.colour.scores["red"]  # a second cue is more evidence


@pytest.mark.parametrize(
    ("lang", "negated", "said"),
    [
        (
            "en",
            "This isn't about a new reward scheme; the postdocs want to learn from the past two years.",
            "This is about a new reward scheme; the postdocs want to learn from the past two years.",
        ),
        (
            "nl",
            "Het gaat niet over een nieuwe beloning; het team wil leren van het afgelopen jaar.",
            "Het gaat over een nieuwe beloning; het team wil leren van het afgelopen jaar.",
        ),
    ],
)
def test_a_negation_reaches_through_the_words_of_a_noun_phrase(lang: str, negated: str, said: str) -> None:
    assert "red" not in read(negated, lang).colour.colours
    assert "red" in read(said, lang).colour.colours


def test_small_words_inside_a_phrase_do_not_break_it() -> None:
    fixed = read("De uitkomst ligt eigenlijk al vast, maar ze mogen meedenken.", "nl")
    assert fixed.stance.value == "managing"
    assert any("ligt eigenlijk al vast" in w for w in fixed.stance.reading.evidence)
    open_ = read("De uitkomst ligt eigenlijk nog niet vast; het team kiest zelf.", "nl")
    assert open_.stance.value != "managing"
    live = read("The members should pick an option they can all live with.")
    assert live.colour.scores["yellow"] > 0


def test_the_people_named_between_a_wish_and_its_verb_do_the_work() -> None:
    p = read("I'd like curators, educators and front-of-house to go over what happened.")
    assert p.stance.value == "facilitating"
    assert any("curators" in w and "go over" in w for w in p.stance.reading.evidence)
    alone = read("I'd like to go over what happened with you before the session.")
    assert alone.stance.value == "unclear"  # the client's own work, not the group's


def test_work_the_organisation_is_doing_already_is_not_the_sessions_work() -> None:
    ongoing = read("We're reviewing the career paths for our engineers and need a facilitator.")
    assert ongoing.stance.value == "unclear"
    session = read("In the session the engineers review their own career paths.")
    assert session.stance.value == "facilitating"


def test_months_and_days_are_nobody() -> None:
    p = read("The new rota starts on 1 March; that was decided at regional level.")
    assert p.stance.value != "facilitating"  # 'March' did not decide anything as a group
    assert any("was decided" in w for w in p.stance.reading.evidence)
    group = read("On Monday the crews decide on the rota.")
    assert group.stance.value == "facilitating"
    lex = load_lexicon("en")
    month = {h.cue.text for h in find(tokenise({"wish": "The plan for April needs to be ready."}, "en"), lex)}
    named = {h.cue.text for h in find(tokenise({"wish": "The plan for Anna needs to be ready."}, "en"), lex)}
    assert "{name} needs to" in named and "{name} needs to" not in month


def test_a_name_before_a_group_noun_is_one_group() -> None:
    text = "Our PhD students want to look at how supervision has gone."
    assert read(text).stance.value == "facilitating"
    found = {
        h.words for h in find(tokenise({"wish": text}, "en"), load_lexicon("en")) if "{who}" in h.cue.text
    }
    assert "Our PhD students want to" in found


def test_those_in_charge_in_more_than_one_word_are_a_doer() -> None:
    p = read("Head office has given us a safety plan; each shift puts an owner against every step.")
    assert any(w.startswith("Head office has given") for w in p.stance.reading.evidence)
    assert "blue" in p.colour.colours
    nl = read("De raad van bestuur heeft het plan al vastgesteld.", "nl")
    assert any("raad van bestuur" in w.lower() for w in nl.stance.reading.evidence)
    near = read("The team has given us a list of ideas.")
    assert not any("given" in w for w in near.stance.reading.evidence)


def test_a_decision_at_the_top_is_blue_only_where_nothing_else_names_the_change() -> None:
    reward = read("The board has approved the scheme: an annual appraisal linked to a bonus.")
    assert reward.colour.colours == ("red",)  # how the change is to work is the reward, not a mix
    rota = read("The board has approved the new rota for the crews.")
    assert rota.colour.colours == ("blue",)


def test_a_dutch_compound_with_a_generic_head_speaks_of_its_first_part() -> None:
    assert read("We werken aan een nieuw beloningssysteem.", "nl").colour.colours == ("red",)
    p = read("We werken aan nieuw waarderingsbeleid met meer erkenning.", "nl")
    assert p.colour.scores["blue"] == 0 and p.colour.colours == ("red",)  # not 'beleid', blue
    assert read("Het nieuwe beleid wordt stap voor stap ingevoerd.", "nl").colour.colours == ("blue",)


@pytest.mark.parametrize(
    ("lang", "strangers", "acquainted"),
    [
        (
            "en",
            "The volunteers and the nurses hardly know each other.",
            "The volunteers and the nurses know each other well.",
        ),
        ("nl", "De wijkteams en de jeugdhulp kennen elkaar nauwelijks.", "De wijkteams kennen elkaar goed."),
    ],
)
def test_people_who_do_not_know_each_other_yet_are_to_connect(
    lang: str, strangers: str, acquainted: str
) -> None:
    assert intent(read(strangers, lang), "connect") == "present"
    assert intent(read(acquainted, lang), "connect") != "present"


def test_knowing_who_is_who_is_not_being_told_a_decision() -> None:
    p = read("We willen de uitvoerders bij elkaar zetten, zodat ze weten wie wie is.", "nl")
    assert p.stance.value != "managing" and intent(p, "connect") == "present"
    told = read("We willen de uitvoerders bij elkaar zetten, zodat ze weten dat het besluit vaststaat.", "nl")
    assert told.stance.value == "managing"


@pytest.mark.parametrize(
    ("lang", "fires", "near_miss"),
    [
        (
            "en",
            "The editorial board has written a plan; the reporters should make it their own. The plan won't change.",
            "The reporters want to write their own plan for the digital edition.",
        ),
        (
            "en",
            "The board has approved the scheme; the heads should explain it convincingly and deal with the objections.",
            "The heads want to find out together what they think of the scheme.",
        ),
        (
            "nl",
            "Er komt een reorganisatie aan waar het team nog niets van mag weten.",
            "Er komt een reorganisatie aan; het team wil weten wat dat voor hen betekent.",
        ),
        (
            "nl",
            "Ik wil dat Peter en Sandra hun targets weer gaan halen, zodat het niet opvalt.",
            "Peter en Sandra willen zelf bespreken hoe ze hun werk verdelen.",
        ),
        (
            "nl",
            "Ik wil dat ze het rooster zelf maken, maar het moet er liggen, anders doen de planners het.",
            "Ik wil dat ze het rooster zelf maken; wat eruit komt, nemen we over.",
        ),
    ],
)
def test_a_polite_or_covert_managing_ask_fires_and_its_near_miss_does_not(
    lang: str, fires: str, near_miss: str
) -> None:
    assert read(fires, lang).stance.value == "managing", fires
    assert read(near_miss, lang).stance.value != "managing", near_miss


def test_a_diminisher_does_not_take_away_what_a_brief_is_about() -> None:
    assert read(
        "De nieuwe teamleider krijgt weinig gezag bij de oudere medewerkers.", "nl"
    ).colour.colours == ("yellow",)
    assert read("Staff get little recognition and the bonus feels unfair.").colour.colours == ("red",)
    calm = read("There is little conflict in the team; they want to learn from the last project.")
    assert intent(calm, "tension") != "present"  # for tension a diminisher still says calm


def test_a_dutch_negation_that_closes_the_sentence_negates_what_opens_it() -> None:
    shut = read("Het plan ligt klaar. Ruimte om het plan aan te passen is er niet.", "nl")
    assert "white" not in shut.colour.colours and shut.colour.scores["white"] == 0
    room = read("Het plan ligt klaar. Ruimte om het plan aan te passen is er volop.", "nl")
    assert room.colour.scores["white"] > 0


def test_a_verb_in_an_indirect_question_is_the_topic_not_the_groups_work() -> None:
    lex = load_lexicon("en")

    def agency(text: str) -> set[str]:
        return {
            h.cue.text for h in find(tokenise({"wish": text}, "en"), lex) if h.cue.text.startswith("{group}")
        }

    assert "{group} learn" not in agency("I keep wondering how we learn from mistakes.")
    assert "{group} learn" in agency("In the session we learn from our mistakes.")
    organise = read("Within that, the operators decide how they divide the work.")
    assert "white" in organise.colour.colours  # who organises the work is still the group


def test_a_strategy_asks_for_choices_but_a_strategy_session_is_only_a_name() -> None:
    assert intent(read("A new strategy for the company, on one page."), "choose") == "present"
    assert (
        intent(read("The board has its strategy session on 14 June. Agenda to follow."), "choose")
        != "present"
    )


def test_what_happens_next_is_not_looking_back_on_what_happened() -> None:
    assert intent(read("We go over what happened and draw lessons from it."), "reflect") == "present"
    assert intent(read("The record says what happens to the other four bets."), "reflect") != "present"


@pytest.mark.parametrize(
    ("lang", "fires", "near_miss"),
    [
        (
            "en",
            "Make sure the nurses stick to the protocol from now on.",
            "The nurses want to rework the protocol.",
        ),
        (
            "en",
            "The session should end with the staff agreeing to the new hours.",
            "The staff agree on new hours.",
        ),
        (
            "nl",
            "Zorg dat ze zich aan het protocol houden.",
            "De verpleegkundigen willen het protocol herzien.",
        ),
        (
            "en",
            "The participants shouldn't know that two posts will go.",
            "The participants should know everything.",
        ),
        (
            "nl",
            "Het liefst loopt iedereen de deur uit als voorstander van de nieuwe bonusregels.",
            "Het liefst bedenkt iedereen zelf nieuwe bonusregels.",
        ),
    ],
)
def test_a_group_made_to_keep_to_what_was_set_is_managing(lang: str, fires: str, near_miss: str) -> None:
    assert read(fires, lang).stance.value == "managing", fires
    assert read(near_miss, lang).stance.value != "managing", near_miss


def test_after_an_opening_adverb_the_dutch_subject_follows_its_verb() -> None:
    framed = read(
        "Het bestuur heeft het budget vastgesteld; daarbinnen kiezen de teams welke projecten doorgaan.", "nl"
    )
    assert framed.stance.value == "facilitating"
    assert any("kiezen de teams" in w for w in framed.stance.reading.evidence)
    boss = read(
        "De teams leveren hun voorstellen in; daarna kiest de directie welke projecten doorgaan.", "nl"
    )
    assert boss.stance.value != "facilitating"  # the board chooses, not the teams


def test_a_structure_already_fixed_is_a_decision_taken() -> None:
    p = read("We'd like the staff to feel involved, although the new structure is already fixed.")
    assert p.stance.value == "managing" and "is already fixed" in p.stance.reading.evidence
    assert (
        read("The new structure is not fixed yet; the staff design it together.").stance.value
        == "facilitating"
    )


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "We have eight possible projects and money for three; the team should pick the three."),
        ("nl", "We hebben acht mogelijke projecten en geld voor drie; het team moet er drie kiezen."),
    ],
)
def test_possible_options_to_choose_from_are_not_a_call_for_ideas(lang: str, text: str) -> None:
    p = read(text, lang)
    assert intent(p, "choose") == "present" and intent(p, "ideas") != "present"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Two teams have merged and they have never worked together before."),
        ("nl", "Twee teams zijn samengevoegd en hebben nooit eerder samengewerkt."),
    ],
)
def test_people_who_never_worked_together_are_to_connect(lang: str, text: str) -> None:
    assert intent(read(text, lang), "connect") == "present"


def test_walking_only_cues_whose_words_are_heard_loses_no_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sentence prefilter in find() is a shortcut, never a judgement: with every cue walked, the same
    cues are found in every corpus brief."""
    import playbook.reading as reading

    def found() -> list[set[tuple[str, str, int, int, bool]]]:
        out = []
        for b in briefs():
            lex = reading.lexicon(b.lang)
            for text in (b.session.brief.wish, b.session.brief.visible_result, b.session.brief.context):
                doc = tokenise({"wish": text}, b.lang, lex.breaks)
                out.append({(h.cue.group, h.cue.text, h.first, h.last, h.negated) for h in find(doc, lex)})
        return out

    quick = found()

    class Everything(set):
        def issuperset(self, other: object) -> bool:
            return True

    monkeypatch.setattr(reading, "_sentence_words", lambda doc, lex: defaultdict(Everything))
    assert found() == quick


@pytest.mark.parametrize(
    ("lang", "open_only", "with_work"),
    [
        (
            "en",
            "The two branches hardly know each other. We'd like an afternoon for all staff; the programme is open.",
            "The two branches hardly know each other. We'd like an afternoon where staff choose our shared priorities.",
        ),
        (
            "nl",
            "De twee locaties kennen elkaar nauwelijks. We willen een middag voor iedereen; het programma is nog open.",
            "De twee locaties kennen elkaar nauwelijks. We willen een middag waarin ze samen de prioriteiten kiezen.",
        ),
    ],
)
def test_meeting_each_other_alone_does_not_say_what_the_group_does(
    lang: str, open_only: str, with_work: str
) -> None:
    assert read(open_only, lang).stance.value == "unclear", open_only
    assert read(with_work, lang).stance.value == "facilitating", with_work


def test_words_read_as_a_decision_taken_are_not_also_the_groups_decision() -> None:
    taken = read(
        "Het besluit is genomen: per 1 oktober komt er een bonus. Graag een sessie voor de ploegleiders.",
        "nl",
    )
    assert taken.stance.value == "managing"
    assert taken.stance.reading.evidence == ("Het besluit is genomen",)  # not also "besluit" for the group
    own = read("Graag een sessie waarin de ploegleiders samen een besluit nemen over de roosters.", "nl")
    assert own.stance.value == "facilitating"


@pytest.mark.parametrize(
    ("lang", "instruction", "own_work"),
    [
        (
            "en",
            "The appraisal scheme is not up for discussion. I want the managers to learn how they must run the talks.",
            "I want the nurses to learn from each other how they handle hard talks.",
        ),
        (
            "nl",
            "De systematiek zelf staat niet ter discussie. Graag een sessie waarin ze leren hoe ze de gesprekken moeten voeren.",
            "Graag een sessie waarin ze van elkaar leren hoe ze goede gesprekken voeren.",
        ),
    ],
)
def test_being_taught_what_is_settled_is_not_the_groups_own_work(
    lang: str, instruction: str, own_work: str
) -> None:
    assert read(instruction, lang).stance.value == "managing", instruction
    assert read(own_work, lang).stance.value == "facilitating", own_work


def test_a_thing_itself_is_not_the_group_doing_it_themselves() -> None:
    thing = read("Graag een middag over het nieuwe systeem. Het systeem zelf staat vast.", "nl")
    assert "zelf" not in thing.stance.reading.evidence
    people = read("Graag een middag waarin de teams het rooster zelf maken.", "nl")
    assert people.stance.value == "facilitating" and any("zelf" in w for w in people.stance.reading.evidence)


def test_what_is_not_on_the_table_is_a_frame_not_knowledge_kept_back() -> None:
    frame = read(
        "The merger was decided by the council and is not on the table. I'd like the team to come to their "
        "own working agreements on files."
    )
    assert frame.stance.value == "facilitating"
    kept = read("The merger is not on the table, and the staff must not find out about the job cuts.")
    assert kept.stance.value == "managing"


def test_a_verb_in_its_own_past_form_is_a_thing_done_not_the_groups_work() -> None:
    frame = read(
        "The inspectorate requires a reading programme. Within that, the head teachers choose between the "
        "three approved programmes and plan the phases together."
    )
    assert frame.stance.value == "facilitating"
    accept = read("I want the head teachers to approve the programme we chose.")
    assert accept.stance.value == "managing"


def test_the_facilitator_asked_to_design_is_not_the_group_designing() -> None:
    asked = read("Could you design the evening for the residents? The format is still open.")
    assert asked.stance.value == "unclear"
    group = read("The residents want to design the new square themselves.")
    assert group.stance.value == "facilitating"


@pytest.mark.parametrize(
    ("lang", "mine", "theirs"),
    [
        (
            "en",
            "I've drafted the handover plan with workstreams and dates. Everyone confirms their tasks in the session.",
            "I'd like both teams to draw up the handover plan together in the session.",
        ),
        (
            "nl",
            "De hoofdkeuzes heb ik al gemaakt. Het team vult in de sessie de paragrafen van het format.",
            "Het team maakt in de sessie zelf de hoofdkeuzes voor het plan.",
        ),
    ],
)
def test_what_the_client_has_settled_already_is_a_decision_taken(lang: str, mine: str, theirs: str) -> None:
    assert read(mine, lang).stance.value == "managing", mine
    assert read(theirs, lang).stance.value == "facilitating", theirs


@pytest.mark.parametrize(
    ("lang", "own_work", "ordered"),
    [
        (
            "nl",
            "De bond en het MT moeten het eens worden over het rooster; laat ze zelf onderhandelen.",
            "De bond en het MT moeten het nieuwe rooster van de directie overnemen.",
        ),
        (
            "en",
            "The directors have to reach an allocation they can all sign; I want them to negotiate it themselves.",
            "The directors have to accept the allocation the board made.",
        ),
    ],
)
def test_an_obligation_to_do_the_groups_own_work_is_no_order(lang: str, own_work: str, ordered: str) -> None:
    assert read(own_work, lang).stance.value == "facilitating", own_work
    assert read(ordered, lang).stance.value == "managing", ordered


def test_a_result_not_stated_keeps_nothing_back() -> None:
    quiet = read("Kun je iets doen op onze regiodag?", "nl", result="Niet genoemd.")
    assert quiet.stance.value == "unclear"
    kept = read(
        "Kun je iets doen op onze regiodag? De sluiting van twee winkels mag niet genoemd worden.", "nl"
    )
    assert kept.stance.value == "managing"


def test_a_decision_to_hold_a_session_the_client_is_still_looking_for_settles_nothing() -> None:
    looking = read(
        "Het MT heeft afgesproken dat we iets met de uitkomsten gaan doen. Wat precies weet eigenlijk nog "
        "niemand; daar wil ik eerst met je over sparren.",
        "nl",
    )
    assert looking.stance.value == "unclear"
    settled = read(
        "Het MT heeft afgesproken dat de nieuwe werktijden per 1 mei ingaan. Zorg dat het team ermee akkoord gaat.",
        "nl",
    )
    assert settled.stance.value == "managing"


def test_a_practice_named_is_not_practising() -> None:
    named = read("We're a dental practice, nine of us. Could you do something with us in June?")
    assert named.stance.value == "unclear"
    doing = read("We want the nurses to practise the new handover together.")
    assert doing.stance.value == "facilitating"


@pytest.mark.parametrize(
    ("lang", "other_sense", "colour_sense", "colour"),
    [
        (
            "en",
            "Thank you for your time on the phone. We had a bad experience with the last scheme.",
            "We want to thank our volunteers with a yearly gift and a trophy for the best crew.",
            "red",
        ),
        (
            "en",
            "We had a bad experience with the last consultant. Can you do something for our team day?",
            "The team wants to learn from each other's experience with the new clients.",
            "green",
        ),
        (
            "nl",
            "Het onderzoek lijkt te ontstaan uit toeval. Kun je iets doen op onze teamdag?",
            "We geven de winkelmanagers de vrije hand en kijken wat er opborrelt.",
            "white",
        ),
    ],
)
def test_a_colour_word_in_another_sense_does_not_colour_the_brief(
    lang: str, other_sense: str, colour_sense: str, colour: str
) -> None:
    assert read(other_sense, lang).colour.scores[colour] == 0, other_sense
    assert colour in read(colour_sense, lang).colour.colours, colour_sense


@pytest.mark.parametrize(
    ("lang", "tense", "calm"),
    [
        (
            "en",
            "At the last two partner meetings it got personal.",
            "At the last two partner meetings it got practical.",
        ),
        (
            "nl",
            "Sinds het incident liggen de ploegen elkaar in de haren.",
            "Sinds het incident werken de ploegen elkaar in de hand.",
        ),
    ],
)
def test_everyday_words_for_friction_speak_of_tension(lang: str, tense: str, calm: str) -> None:
    assert intent(read(tense, lang), "tension") != "absent", tense
    assert intent(read(calm, lang), "tension") == "absent", calm


@pytest.mark.parametrize(
    ("lang", "fires", "near_miss"),
    [
        (
            "en",
            "We have a detailed plan. In the workshop we walk through the plan; attendance is compulsory.",
            "In the workshop the coordinators draw up their own plan for the migration.",
        ),
        (
            "en",
            "The rating scale itself is settled. I'd like the team leads to stop questioning whether we need it.",
            "The team leads want to find out together whether the rating scale helps them.",
        ),
        (
            "nl",
            "Deelname is verplicht. Ik wil dat ik het team even leer hoe het moet.",
            "Het team wil samen uitzoeken hoe ze feedback geven.",
        ),
        (
            "nl",
            "Ik zoek begeleiding voor een dag waarop we de leidinggevenden meenemen in het plan.",
            "Ik zoek begeleiding voor een dag waarop de leidinggevenden samen een plan maken.",
        ),
    ],
)
def test_instruction_in_a_fixed_plan_is_managing_however_it_is_put(
    lang: str, fires: str, near_miss: str
) -> None:
    assert read(fires, lang).stance.value == "managing", fires
    assert read(near_miss, lang).stance.value == "facilitating", near_miss


def test_agreeing_to_take_part_is_no_decision_taken() -> None:
    part = read(
        "The director has agreed to take part as an equal party. Both sides want to negotiate the protocol."
    )
    assert part.stance.value == "facilitating"
    taken = read("The director has agreed the protocol. The panel should sign it.")
    assert taken.stance.value == "managing"


def test_what_was_discussed_before_is_not_the_sessions_work() -> None:
    said = read(
        "As discussed, the new scale feeds into salary increments. Can you run a workshop for the team leads?"
    )
    assert (
        all("discussed" not in w for w in said.stance.reading.evidence)
        and said.stance.value != "facilitating"
    )
    asked = read("The team leads want to discuss how the new scale affects their people.")
    assert asked.stance.value == "facilitating"
