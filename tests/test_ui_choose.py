"""Notebook 02's widgets, driven from Python: filters narrow the cards, buttons write the session file."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.catalogue import Catalogue
from playbook.session import load_session
from playbook.ui import Picker, SessionBinding, SuggestionsView


@pytest.fixture
def binding(example: Path) -> SessionBinding:
    return SessionBinding.open(example)


def visible(picker: Picker) -> list[str]:
    return [slot.ident for slot in picker.slots if slot.box.layout.display != "none"]


def test_filters_narrow_the_cards(binding: SessionBinding) -> None:
    picker = Picker(binding)
    everything = len(picker.results)
    picker.role.value = "groan"
    assert picker.results and all(s.role == "groan" for s in picker.results)
    picker.layer.value = "below"
    assert picker.results and all(s.intervention.layer in ("below", "both") for s in picker.results)
    assert {s.intervention.layer for s in picker.results} == {"below", "both"}  # as the catalogue filters
    picker.role.value = None
    picker.layer.value = None
    picker.energy.value = (4, 5)
    assert all(s.intervention.energy >= 4 for s in picker.results)
    picker.energy.value = (1, 5)
    picker.minutes.value = 10
    assert all(s.intervention.minutes.min <= 10 for s in picker.results) and len(picker.results) < everything
    picker.minutes.value = 240
    picker.text.value = "stilte"
    assert "silent-brainstorm" in [s.id for s in picker.results]
    assert visible(picker) == [s.id for s in picker.results[:10]]


def test_group_size_and_setting_filters_apply_the_hard_limits(binding: SessionBinding) -> None:
    picker = Picker(binding)
    picker.size.value = 120
    picker.setting.value = "online"
    assert picker.results and all(s.fits for s in picker.results)
    assert all(
        s.intervention.group_size.max >= 120 and "online" in s.intervention.settings for s in picker.results
    )
    picker.show_unfit.value = True
    unfit = [s for s in picker.results if not s.fits]
    assert unfit and all(s.warnings for s in unfit)
    assert binding.session.group.size == 18  # exploring does not change the session


def test_cards_show_the_whole_method_reasons_and_plan_b(binding: SessionBinding) -> None:
    picker = Picker(binding)
    card = picker.slots[0].html.value
    best = picker.results[0]
    assert (
        best.intervention.name("nl") in card
        and "Uitnodiging" in card
        and "Stappen" in card
        and "Plan B" in card
    )
    assert all(reason.replace("'", "&#x27;").replace('"', "&quot;") in card for reason in best.reasons)


def test_shortlist_button_saves_and_toggles(binding: SessionBinding, example: Path) -> None:
    picker = Picker(binding)
    ident = picker.slots[0].ident
    picker.slots[0].shortlist.click()
    assert load_session(example).shortlist == (ident,)
    assert "Toegevoegd aan je shortlist" in picker.status.value
    slot = next(s for s in picker.slots if s.ident == ident)
    assert slot.shortlist.description == "Verwijderen"
    slot.shortlist.click()
    assert load_session(example).shortlist == ()


def test_agenda_button_adds_a_block_with_a_plan_b(
    binding: SessionBinding, example: Path, catalogue: Catalogue
) -> None:
    picker = Picker(binding)
    picker.role.value = "diverge"
    ident = picker.slots[0].ident
    before = len(load_session(example).agenda)
    picker.slots[0].agenda.click()
    agenda = load_session(example).agenda
    assert len(agenda) == before + 1
    block = agenda[-1]
    size = binding.session.group.size  # the typical time for this group, as the picker adds it
    assert block.intervention == ident and block.minutes == catalogue.get(ident).minutes_for(size).typical
    assert block.plan_b and catalogue.get(block.plan_b[0]).role == "diverge"
    assert "Toegevoegd aan het programma" in picker.status.value


def test_suggestions_follow_the_diagnosis(binding: SessionBinding) -> None:
    view = SuggestionsView(binding)
    groan_before = view.tabs.children[2].value
    assert all(len(items) <= 4 for items in view.suggestions.values())
    from dataclasses import replace

    binding.update(
        diagnosis=replace(binding.session.diagnosis, signals=("open-conflict",), history="settling")
    )
    assert view.tabs.children[2].value != groan_before
    assert view.tabs.get_title(2) == "Worstelzone"


def test_a_filter_change_refills_the_same_card_widgets(binding: SessionBinding) -> None:
    # Speed is measured in make bench; here: refreshing never creates new card widgets.
    picker = Picker(binding)
    boxes = [slot.box for slot in picker.slots]
    for role in ("open", "groan", None):
        picker.role.value = role
    assert [slot.box for slot in picker.slots] == boxes
