"""The designer's judgement on real briefs: the forms the client names, the usual forms of a phase, one
choice per phase, and a draft that keeps its shape when it holds only part of the wish."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.arcs import default_content, load_content
from playbook.catalogue import Catalogue
from playbook.design import design
from playbook.diagnosis import diagnose
from playbook.drafting import asked_forms
from playbook.errors import PlaybookError
from playbook.paths import assets_dir, examples_dir
from playbook.session import Brief, Group, Session, load_session

RETRO = examples_dir() / "quarterly-retrospective.session.yaml"
SERVICEDESK = examples_dir() / "samen-een-servicedesk.session.yaml"
PRIORITIES = Session(
    title="Team priorities",
    budget_minutes=60,
    brief=Brief(
        wish="The team has too many projects. We need to decide which three we focus on next quarter.",
        visible_result="A list of the three projects we focus on and the ones we stop.",
        decision_rule="The team proposes, the head of marketing decides at the end of the meeting.",
    ),
    group=Group(10, "in-person"),
)


def _block(draft, phase: str):
    return [b for b in draft.blocks if b.phase == phase and b.block.intervention]


# --------------------------------------------------------------------------- the client's own words


def test_the_forms_the_brief_names_are_drafted_and_quoted(catalogue: Catalogue) -> None:
    draft = design(load_session(RETRO), catalogue).draft
    # "a photo of the team's timeline", "chooses by dot vote", "each with an owner"
    assert [b.block.intervention for b in _block(draft, "gather-data")] == ["team-timeline"]
    assert [b.block.intervention for b in _block(draft, "decide")] == ["dot-voting"]
    assert "who-what-when" in [b.block.intervention for b in _block(draft, "close")]
    timeline = _block(draft, "gather-data")[0]
    assert "the visible result asks for it: “timeline”" in timeline.reason
    assert "the decision rule asks for it: “dot vote”" in _block(draft, "decide")[0].reason


def test_a_dutch_decision_rule_by_consent_gets_consent_and_keeps_it_through_the_checks(
    catalogue: Catalogue,
) -> None:
    draft = design(load_session(SERVICEDESK), catalogue).draft
    converging = [b.block.intervention for b in draft.blocks if b.role == "converge"]
    assert "consent-round" in converging
    closing = [b.block.intervention for b in draft.blocks if b.role == "close"]
    assert "who-what-when" in closing  # "met per afspraak wie hem bewaakt"
    consent = next(b for b in draft.blocks if b.block.intervention == "consent-round")
    assert "de besluitregel vraagt erom: “consent”" in consent.reason
    # With 18 people a consent round is long in plenary; the draft keeps what the client asked and says so.
    kept = [f for f in draft.findings if f.level == "warning" and f.block is not None]
    for f in kept:
        if draft.blocks[f.block].block.intervention == "consent-round":
            assert "besluitregel erom vraagt" in f.message


def test_only_the_result_and_the_rule_choose_a_method_not_the_wish(catalogue: Catalogue) -> None:
    content = default_content()
    wish = Session(title="t", brief=Brief(wish="Our timeline is tight and we must pitch the plan."))
    assert asked_forms(wish, content) == {}
    result = Session(title="t", brief=Brief(visible_result="A timeline of the year on the wall."))
    assert asked_forms(result, content) == {"team-timeline": ("visible_result", "timeline")}
    # Dutch stems: 'stellen' is not 'stellingen', and the Dutch word for an owner counts in any inflection.
    nl = Session(
        title="t",
        language="nl",
        brief=Brief(
            visible_result="Drie acties met elk een trekker.",
            decision_rule="De leerkrachten stellen de punten samen vast.",
        ),
    )
    assert asked_forms(nl, content) == {"who-what-when": ("visible_result", "trekker")}


def test_a_named_form_that_cannot_be_drafted_is_said_with_the_reason(catalogue: Catalogue) -> None:
    too_many = Session(
        title="Town hall",
        budget_minutes=120,
        brief=Brief(wish="Choose the priorities.", decision_rule="We decide by consent."),
        group=Group(60, "in-person"),
    )
    draft = design(too_many, catalogue).draft
    assert "consent-round" not in draft.interventions  # it works for at most 20 people
    said = [f for f in draft.findings if f.code == "asked-not-used"]
    assert len(said) == 1 and said[0].level == "info"
    assert "Consent" in said[0].message and "60 people" in said[0].message


# --------------------------------------------------------------------------- the usual forms, one choice


def test_a_short_prioritising_meeting_gets_a_groan_zone_usual_for_deciding(catalogue: Catalogue) -> None:
    draft = design(PRIORITIES, catalogue).draft
    groan = [b.block.intervention for b in draft.blocks if b.role == "groan"]
    usual = default_content().arc("decide")
    prefer = next(p for p in usual.phases if p.role == "groan").needs.prefer
    assert groan and all(g in prefer for g in groan), groan  # not a root-cause form for a choice
    assert draft.fits and 0.95 * 60 <= draft.total_minutes <= 60


def test_a_converging_phase_makes_one_choice_with_what_prepares_it_before_it(catalogue: Catalogue) -> None:
    day = Session(
        title="Strategy day",
        budget_minutes=450,
        brief=Brief(
            wish="The staff come up with ideas for new programmes and choose the ones we go for.",
            visible_result="Three programmes, each with a first step.",
            decision_rule="The director decides after hearing the staff.",
        ),
        group=Group(24, "in-person"),
    )
    draft = design(day, catalogue).draft
    for phase in {b.phase for b in draft.blocks if b.role == "converge"}:
        items = [catalogue.get(b.block.intervention) for b in _block(draft, phase)]
        assert sum(i.decides for i in items) == 1, [i.id for i in items]
        assert items[-1].decides  # a form after the choice would only reopen it
    roles = [b.role for b in draft.blocks]
    for i, role in enumerate(roles[:-1]):
        if role == "energise":
            assert roles[i + 1] != "break"  # an energiser followed by a break wakes nobody


# --------------------------------------------------------------------------- part of the wish


def test_a_short_slot_does_one_thing_well_and_says_what_it_left_out(catalogue: Catalogue) -> None:
    board = Session(
        title="Board slot",
        budget_minutes=30,
        brief=Brief(wish="A complete new strategy and better team spirit.", visible_result="A strategy"),
        group=Group(7, "in-person"),
    )
    draft = design(board, catalogue).draft
    assert not draft.fits
    assert "round-too-short" not in {f.code for f in draft.findings}  # no round of 7 in four minutes
    left = [f.message for f in draft.findings if f.code == "phase-left-out"]
    assert left and all("time does not allow" in m for m in left)


def test_a_long_session_that_holds_only_part_of_the_wish_keeps_the_whole_shape(catalogue: Catalogue) -> None:
    session = load_session(RETRO)
    deciding = next(
        d for d in design(session, catalogue, alternatives=4).alternatives if d.arc.id == "decide"
    )
    assert not deciding.fits  # deciding alone does not cover looking back: another aim
    assert deciding.total_minutes >= 0.95 * session.budget_minutes
    assert "groan" in deciding.roles  # two hours are enough for the whole diamond


# --------------------------------------------------------------------------- reading the wish


def test_a_date_to_evaluate_an_agreement_is_not_a_second_aim(catalogue: Catalogue) -> None:
    session = load_session(SERVICEDESK)  # "... en wanneer we hem evalueren"
    assert "reflect" not in diagnose(session).readings.present()
    assert "two-aims" not in {f.code for f in design(session, catalogue).draft.findings}
    looking_back = session.with_changes(brief=Brief(wish="We evalueren het afgelopen jaar samen."))
    assert "reflect" in diagnose(looking_back).readings.present()


# --------------------------------------------------------------------------- the content


def test_every_named_form_is_in_the_catalogue_with_phrases_in_both_languages(catalogue: Catalogue) -> None:
    content = default_content()
    assert content.asks
    for ask in content.asks:
        assert ask.intervention in catalogue, ask.intervention
        assert ask.phrases["en"] and ask.phrases["nl"], ask.intervention


def test_a_broken_asks_file_names_its_field(tmp_path: Path) -> None:
    for name in ("arcs.yaml", "feasibility.yaml", "rhythm.yaml"):
        (tmp_path / name).write_text((assets_dir() / "design" / name).read_text(encoding="utf-8"))
    (tmp_path / "asks.yaml").write_text("asks:\n  dot-voting:\n    en: [dots]\n    fr: [points]\n")
    with pytest.raises(PlaybookError) as caught:
        load_content(tmp_path)
    assert "asks.yaml" in str(caught.value) and "asks.dot-voting.fr" in str(caught.value)


# --------------------------------------------------------------------------- one structure, two flavours


def test_the_command_line_and_the_panel_show_one_structure(catalogue: Catalogue) -> None:
    from playbook.cli import render_design
    from playbook.structure import walk
    from playbook.structure.design import design_sections
    from playbook.structure.nodes import Finding
    from playbook.ui.design import draft_html

    result = design(load_session(RETRO), catalogue, alternatives=1)
    text, page = render_design(result, "en"), draft_html(result.draft)
    codes = [n.code for n in walk(design_sections(result)[0]) if isinstance(n, Finding)]
    assert codes == [f.code for f in result.draft.findings]
    for b in result.draft.blocks:
        assert b.title in text and b.title in page
    for code in codes:
        assert f"] {code}:" in text and f"<code>{code}</code>" in page
    assert "Alternative 1" in text  # the alternative in short, below the draft
