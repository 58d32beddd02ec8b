"""The designer: drafts that fit, explain themselves and say honestly when a wish does not fit."""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playbook.agenda import plan
from playbook.arcs import default_content, load_content
from playbook.calibrate import history
from playbook.catalogue import Catalogue
from playbook.design import Design, apply_draft, design, keep_agenda, kept_agenda, restore_agenda
from playbook.diagnosis import intent_ids, with_reading
from playbook.errors import PlaybookError
from playbook.paths import assets_dir, examples_dir
from playbook.session import (
    Block,
    Brief,
    Diagnosis,
    FacilitatorReadings,
    Group,
    Session,
    SessionFile,
    load_session,
    parse_session,
    session_to_data,
)
from playbook.vocabulary import SETTINGS

REFERENCES = sorted(examples_dir().glob("*.session.yaml")) + sorted(
    (assets_dir() / "teaching" / "cases").glob("*.session.yaml")
)
BOARD = Session(
    title="Board slot",
    budget_minutes=30,
    brief=Brief(
        wish="A complete new strategy for the company and better team spirit on the board.",
        visible_result="A strategy on one page",
    ),
    group=Group(7, "in-person"),
)


def _roles(blocks) -> list[str]:
    return [b.role for b in blocks if b.role != "break"]


def _overlap(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


# --------------------------------------------------------------------------- the examples and cases


@pytest.fixture(scope="module", params=REFERENCES, ids=lambda p: p.name.split(".")[0])
def reference(request: pytest.FixtureRequest, catalogue: Catalogue) -> tuple[Session, Design]:
    session = load_session(request.param)
    return session, design(session, catalogue)


def test_a_reference_brief_gets_a_draft_that_fills_its_budget(reference: tuple[Session, Design]) -> None:
    session, result = reference
    draft = result.draft
    assert draft.fits, draft.findings
    assert 0.95 * session.budget_minutes <= draft.total_minutes <= session.budget_minutes


def test_a_reference_draft_passes_every_error_check(
    reference: tuple[Session, Design], catalogue: Catalogue
) -> None:
    session, result = reference
    checked = plan(session.with_changes(agenda=result.draft.agenda), catalogue)
    assert [f.code for f in checked.findings if f.level == "error"] == []
    assert [f.code for f in result.draft.findings if f.level == "error"] == []


def test_a_reference_draft_shares_most_of_its_shape_with_the_reference_design(
    reference: tuple[Session, Design], catalogue: Catalogue
) -> None:
    session, result = reference
    ours = _roles(result.draft.blocks)
    theirs = _roles(plan(session, catalogue).blocks)
    assert _overlap(ours, theirs) >= 0.7, (ours, theirs)


def test_every_block_of_a_reference_draft_has_a_reason_and_its_form_fits_the_group(
    reference: tuple[Session, Design], catalogue: Catalogue
) -> None:
    session, result = reference
    for b in result.draft.blocks:
        assert b.reason.strip()
        if b.block.intervention:
            item = catalogue.get(b.block.intervention)
            scaled = item.minutes_for(session.group.size)
            assert scaled.min <= b.minutes <= scaled.max
            assert item.fits_group(session.group.size) and session.group.setting in item.settings
            for backup in b.block.plan_b:
                assert catalogue.get(backup).minutes_for(session.group.size).min <= b.minutes


def test_the_arc_follows_what_the_wish_asks(catalogue: Catalogue) -> None:
    arcs = {p.name.split(".")[0]: design(load_session(p), catalogue).draft.arc.id for p in REFERENCES}
    assert arcs["quarterly-retrospective"] == "retrospective"  # looking back, choosing, actions
    assert arcs["startup-strategy"] == "decide"  # a choice between six bets
    assert arcs["hospital-night-shift"] == "tension"  # two shifts blaming each other
    assert arcs["school-merger"] == "tension"  # loss and two camps below the surface


# --------------------------------------------------------------------------- reasons in words


def test_a_safe_start_says_why_in_the_session_language(catalogue: Catalogue) -> None:
    en = design(load_session(examples_dir() / "quarterly-retrospective.session.yaml"), catalogue).draft
    opening = next(b for b in en.blocks if b.role == "open" and b.block.intervention)
    assert "safety is low" in opening.reason  # the variant that holds, with its evidence
    nl = design(load_session(examples_dir() / "samen-een-servicedesk.session.yaml"), catalogue).draft
    assert all(b.reason for b in nl.blocks)
    assert "want" in next(f.message for f in nl.findings if f.code == "arc-chosen")  # Dutch, with its reason


def test_a_break_and_a_plan_b_carry_their_reasons(catalogue: Catalogue) -> None:
    draft = design(load_session(examples_dir() / "quarterly-retrospective.session.yaml"), catalogue).draft
    breaks = [b for b in draft.blocks if b.role == "break"]
    assert breaks and all("60" in b.reason for b in breaks)  # online: no stretch longer than an hour
    backed = [b for b in draft.blocks if b.block.plan_b]
    assert backed and all("Plan B" in b.reason for b in backed)


def test_the_facilitators_correction_changes_the_draft(catalogue: Catalogue) -> None:
    session = load_session(examples_dir() / "quarterly-retrospective.session.yaml")
    diagnosis = session.diagnosis
    for intent in ("reflect", "tension"):
        diagnosis = with_reading(diagnosis, "intent", "absent", intent)
    corrected = design(session.with_changes(diagnosis=diagnosis), catalogue).draft
    assert corrected.arc.id == "decide"  # what is left is choosing and acting
    assert corrected.arc.id != design(session, catalogue).draft.arc.id


# --------------------------------------------------------------------------- does it fit


def test_a_wish_too_big_for_its_slot_is_told_so_with_what_can_be_reached(catalogue: Catalogue) -> None:
    draft = design(BOARD, catalogue).draft
    assert not draft.fits
    assert draft.needed_minutes > BOARD.budget_minutes
    codes = {f.code: f for f in draft.findings}
    assert codes["wish-does-not-fit"].level == "error"
    assert str(draft.needed_minutes) in codes["wish-does-not-fit"].message
    assert codes["two-aims"].level == "info"  # a strategy and team spirit are two pieces of work
    assert "playbook session next" in draft.proposal
    assert draft.total_minutes <= BOARD.budget_minutes  # what it drafts still fits the time there is
    checked = plan(BOARD.with_changes(agenda=draft.agenda), catalogue)
    assert [f.code for f in checked.findings if f.level == "error"] == []


def test_the_same_wish_with_time_enough_fits(catalogue: Catalogue) -> None:
    roomy = design(BOARD.with_changes(budget_minutes=180), catalogue).draft
    assert roomy.fits and roomy.proposal == ""
    assert roomy.needed_minutes <= 180
    assert "wish-does-not-fit" not in {f.code for f in roomy.findings}


def test_a_larger_group_needs_more_time_for_the_same_wish(catalogue: Catalogue) -> None:
    small = design(BOARD.with_changes(budget_minutes=240), catalogue).draft
    large = design(BOARD.with_changes(budget_minutes=240, group=Group(120, "in-person")), catalogue).draft
    assert large.needed_minutes > small.needed_minutes


# --------------------------------------------------------------------------- determinism, alternatives


def test_the_same_session_gives_the_same_draft(catalogue: Catalogue) -> None:
    session = load_session(examples_dir() / "samen-een-servicedesk.session.yaml")
    first, again = design(session, catalogue, alternatives=2), design(session, catalogue, alternatives=2)
    assert first.to_data() == again.to_data()


def test_alternatives_differ_in_substance_and_a_seed_only_reorders_them(catalogue: Catalogue) -> None:
    session = load_session(examples_dir() / "quarterly-retrospective.session.yaml")
    result = design(session, catalogue, alternatives=3)
    assert len(result.alternatives) == 3
    forms = [frozenset(d.interventions) for d in result.drafts]
    assert len(set(forms)) == len(forms)  # never the same work forms in another order
    for alt in result.alternatives:
        assert alt.arc.id != result.draft.arc.id or set(alt.interventions) != set(result.draft.interventions)
        assert alt.total_minutes <= session.budget_minutes
    seeded = design(session, catalogue, alternatives=3, seed=7)
    assert seeded.draft.to_data() == result.draft.to_data()
    assert design(session, catalogue, alternatives=3, seed=7).to_data() == seeded.to_data()


def test_the_json_shape_is_the_documented_one(catalogue: Catalogue) -> None:
    data = design(BOARD, catalogue, alternatives=1).to_data()
    keys = {
        "fits",
        "needed_minutes",
        "budget_minutes",
        "arc",
        "blocks",
        "findings",
        "proposal",
        "alternatives",
    }
    assert set(data) == keys
    assert set(data["blocks"][0]) == {"start", "end", "minutes", "title", "role", "intervention", "reason"}
    assert set(data["findings"][0]) == {"level", "code", "message"}
    assert all(set(alt) == keys for alt in data["alternatives"])


# --------------------------------------------------------------------------- the facilitator's own pace


def test_calibrated_durations_are_used_and_said(tmp_path: Path, catalogue: Catalogue) -> None:
    session = load_session(examples_dir() / "samen-een-servicedesk.session.yaml")
    past = history(examples_dir(), catalogue)  # the example facilitator's four past runs
    paced = design(session, catalogue, history=past).draft
    plain = design(session, catalogue).draft
    assert paced.plan.expected_minutes <= session.budget_minutes  # it fits at their own pace
    assert paced.plan.expected_minutes >= 0.95 * session.budget_minutes
    assert paced.total_minutes < plain.total_minutes  # room left for rounds that run over
    assert any("%" in b.reason for b in paced.blocks)  # "your check-out rounds ran 25 % over"
    assert "history-over-time" not in {f.code for f in paced.findings}


# --------------------------------------------------------------------------- applying and going back


def test_applying_a_draft_keeps_the_agenda_it_replaces(catalogue: Catalogue) -> None:
    session = load_session(examples_dir() / "samen-een-servicedesk.session.yaml")
    draft = design(session, catalogue).draft
    moment = dt.datetime(2027, 1, 10, 9, 30)
    applied = apply_draft(session, draft, now=moment)
    assert applied.agenda == draft.agenda
    assert applied.alternatives[-1].agenda == session.agenda
    assert "2027-01-10 09:30" in applied.alternatives[-1].name
    assert apply_draft(applied, draft, now=moment) == applied  # the same draft again changes nothing
    back = restore_agenda(applied, 1, now=moment)
    assert back.agenda == session.agenda
    assert any(a.agenda == draft.agenda for a in back.alternatives)  # nothing is lost going back
    assert kept_agenda(back, applied.alternatives[0].name) == applied.alternatives[0]


def test_keeping_gives_every_kept_agenda_its_own_name() -> None:
    one = Session(title="t", agenda=(Block(10, intervention="check-in-round"),))
    two = keep_agenda(one, "Mine")
    three = keep_agenda(two.with_changes(agenda=(Block(5, intervention="roti"),)), "Mine")
    assert [a.name for a in three.alternatives] == ["Mine", "Mine (2)"]
    assert keep_agenda(three, "Again") == three  # already kept
    assert keep_agenda(Session(title="t"), "Empty") == Session(title="t")  # nothing to keep
    with pytest.raises(PlaybookError, match="Mine"):
        kept_agenda(three, "nope")  # the error lists what is kept


# --------------------------------------------------------------------------- content


def test_the_shipped_arcs_name_forms_the_catalogue_knows(catalogue: Catalogue) -> None:
    content = default_content()
    assert {a.id for a in content.arcs} >= {"decide", "retrospective", "appreciative", "tension"}
    for arc in content.arcs:
        for phase in arc.phases:
            for ident in phase.needs.prefer + tuple(i for v in phase.variants for i in v.needs.prefer):
                assert catalogue.get(ident).role == phase.role, (arc.id, phase.id, ident)
    assert set(content.feasibility.minutes) == set(intent_ids())
    for ask in content.asks:
        assert catalogue.get(ask.intervention)  # a typo in asks.yaml would never match a form


def test_a_typo_in_the_design_content_names_file_and_field(tmp_path: Path) -> None:
    for name in ("arcs.yaml", "feasibility.yaml", "rhythm.yaml"):
        (tmp_path / name).write_text((assets_dir() / "design" / name).read_text(encoding="utf-8"))
    arcs = tmp_path / "arcs.yaml"
    arcs.write_text(arcs.read_text(encoding="utf-8").replace("{intent: choose", "{intnet: choose", 1))
    with pytest.raises(PlaybookError) as caught:
        load_content(tmp_path)
    assert "arcs.yaml" in str(caught.value) and "intnet" in str(caught.value)


# --------------------------------------------------------------------------- generated briefs

READINGS = st.fixed_dictionaries({i: st.sampled_from(("present", "absent", "unclear")) for i in intent_ids()})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.integers(3, 300),
    budget=st.integers(20, 480),
    setting=st.sampled_from(SETTINGS),
    hour=st.integers(7, 18),
    intents=READINGS,
    stage=st.sampled_from((None, "forming", "storming", "norming", "performing")),
    lang=st.sampled_from(("en", "nl")),
)
def test_a_generated_brief_never_gets_a_draft_over_budget_or_outside_a_range(
    catalogue: Catalogue,
    size: int,
    budget: int,
    setting: str,
    hour: int,
    intents: dict[str, str],
    stage: str | None,
    lang: str,
) -> None:
    session = Session(
        title="generated",
        language=lang,
        start=dt.time(hour, 0),
        budget_minutes=budget,
        group=Group(size, setting),
        brief=Brief(wish="Work on this together.", visible_result="A list on the wall"),
        diagnosis=Diagnosis(readings=FacilitatorReadings(stage=stage, intents=intents)),
    )
    draft = design(session, catalogue).draft
    assert draft.total_minutes <= budget
    for b in draft.blocks:
        assert b.reason.strip()
        if b.block.intervention:
            scaled = catalogue.get(b.block.intervention).minutes_for(size)
            assert scaled.min <= b.minutes <= scaled.max, (b.block.intervention, b.minutes, scaled)
    errors = {f.code for f in draft.findings if f.level == "error"}
    assert errors <= {"wish-does-not-fit"}
    assert draft.fits == (not errors)
    for phase in {b.phase for b in draft.blocks if b.role == "converge"}:
        items = [catalogue.get(b.block.intervention) for b in draft.blocks if b.phase == phase]
        assert sum(i.decides for i in items) <= 1  # one choice per phase
    roles = [b.role for b in draft.blocks]
    assert ("energise", "break") not in set(itertools.pairwise(roles))


# --------------------------------------------------------------------------- kept agendas in the document


def test_kept_agendas_round_trip_through_the_session_file(tmp_path: Path, catalogue: Catalogue) -> None:
    session = load_session(examples_dir() / "quarterly-retrospective.session.yaml")
    applied = apply_draft(session, design(session, catalogue).draft, name="Sam's own <agenda>")
    path = tmp_path / "kept.session.yaml"
    SessionFile.create(path, applied)
    assert load_session(path, catalogue) == applied
    assert "alternatives:" in path.read_text(encoding="utf-8")
    SessionFile.create(tmp_path / "plain.session.yaml", session)
    assert "alternatives" not in (tmp_path / "plain.session.yaml").read_text(encoding="utf-8")


def test_a_broken_kept_agenda_is_named_by_its_field(tmp_path: Path, catalogue: Catalogue) -> None:
    data = session_to_data(Session(title="t"))
    data["alternatives"] = [
        {"name": "Mine", "agenda": [{"intervention": "check-in-round", "minutes": 10}]},
        {"name": "Mine", "agenda": []},
        {"name": "Other", "agenda": [{"intervention": "no-such-form", "minutes": "ten"}]},
    ]
    with pytest.raises(PlaybookError) as caught:
        parse_session(data, "t.session.yaml", catalogue)
    text = str(caught.value)
    assert "alternatives[1].name" in text  # the same name twice
    assert "alternatives[2].agenda[0].minutes" in text
    data["alternatives"] = [{"name": "Other", "agenda": [{"intervention": "no-such-form", "minutes": 5}]}]
    with pytest.raises(PlaybookError, match=r"alternatives\[0\]\.agenda\[0\]\.intervention"):
        parse_session(data, "t.session.yaml", catalogue)
