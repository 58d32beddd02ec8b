"""The design panel of notebook 03: propose, choose, use, restore; the agenda builder follows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from playbook.catalogue import Catalogue
from playbook.design import design
from playbook.session import SessionFile, load_session
from playbook.ui import AgendaBuilder, DesignPanel, SessionBinding
from playbook.ui.design import draft_html

from .test_design_cli import own_copy


@pytest.fixture
def retro(tmp_path: Path) -> Path:
    return own_copy(tmp_path)


@pytest.fixture
def panel(retro: Path, catalogue: Catalogue) -> DesignPanel:
    return DesignPanel(SessionBinding.open(retro), catalogue)


def test_nothing_is_drafted_until_asked(panel: DesignPanel) -> None:
    assert panel.draft is None and panel.use_button.disabled
    assert "Propose a draft" in panel.view.value


def test_propose_shows_the_draft_with_its_reasons(panel: DesignPanel, catalogue: Catalogue) -> None:
    panel.propose_button.click()
    expected = design(panel.binding.session, catalogue).draft
    assert panel.draft is not None and panel.draft.agenda == expected.agenda
    assert not panel.use_button.disabled
    for b in expected.blocks:
        assert b.title in panel.view.value
    assert "Plan B" in panel.view.value and "arc-chosen" in panel.view.value
    assert next(label for label, _ in panel.choice.options).startswith("Draft: Looking back")
    assert len(panel.choice.options) == 3  # the draft and two alternatives


def test_choosing_an_alternative_shows_it_and_uses_it(panel: DesignPanel) -> None:
    panel.propose_button.click()
    first = panel.view.value
    panel.choice.value = 1
    assert panel.view.value != first and panel.draft is panel.result.alternatives[0]
    panel.use_button.click()
    assert load_session(panel.binding.path).agenda == panel.result.alternatives[0].agenda


def test_use_saves_the_draft_keeps_the_agenda_and_the_builder_follows(
    panel: DesignPanel, retro: Path, catalogue: Catalogue
) -> None:
    builder = AgendaBuilder(panel.binding, catalogue)  # notebook 03 shows both on one binding
    old = load_session(retro).agenda
    panel.propose_button.click()
    panel.use_button.click()
    saved = load_session(retro)
    assert saved.agenda == panel.draft.agenda != old
    assert saved.alternatives[0].agenda == old
    assert "kept as" in panel.status.value
    assert len(builder.row_box.children) == len(saved.agenda)  # the builder redrew from the saved file
    assert [label for label, _ in panel.kept.options][1].startswith("1. Before the draft")
    assert not panel.restore_button.disabled


def test_restore_puts_the_kept_agenda_back(panel: DesignPanel, retro: Path) -> None:
    old = load_session(retro).agenda
    panel.propose_button.click()
    panel.use_button.click()
    panel.kept.value = 1
    panel.restore_button.click()
    saved = load_session(retro)
    assert saved.agenda == old and len(saved.alternatives) == 2
    assert "is your agenda again" in panel.status.value


def test_no_alternatives_asked_none_shown_and_shuffle_keeps_the_draft(panel: DesignPanel) -> None:
    panel.count.value = 0
    panel.propose_button.click()
    assert panel.result.alternatives == () and panel.choice.layout.display == "none"
    panel.count.value = 3
    panel.propose_button.click()
    draft, alternatives = panel.result.draft, panel.result.alternatives
    panel.shuffle_button.click()
    assert panel.seed == 1 and panel.result.draft.to_data() == draft.to_data()
    assert len(panel.result.alternatives) == len(alternatives)


def test_a_change_elsewhere_to_another_field_is_merged_with_the_draft(
    panel: DesignPanel, retro: Path
) -> None:
    before = load_session(retro).agenda
    panel.propose_button.click()
    other = SessionFile.open(retro)
    other.save(other.session.with_changes(title="Changed in another notebook"))
    panel.use_button.click()
    merged = load_session(retro)
    assert merged.title == "Changed in another notebook" and merged.agenda != before
    assert len(merged.agenda) == len(panel.result.draft.blocks)


def test_a_change_elsewhere_to_the_agenda_is_not_overwritten(panel: DesignPanel, retro: Path) -> None:
    before = load_session(retro).agenda
    panel.propose_button.click()
    other = SessionFile.open(retro)
    other.save(other.session.with_changes(agenda=before[:2]))
    panel.use_button.click()
    assert "not saved" in panel.status.value.lower() or "niet" in panel.status.value.lower()
    assert load_session(retro).agenda == before[:2]


def test_the_draft_view_escapes_what_it_shows(panel: DesignPanel) -> None:
    panel.propose_button.click()
    draft = panel.draft
    hostile = replace(
        draft, blocks=(replace(draft.blocks[0], title="<script>alert(1)</script>"), *draft.blocks[1:])
    )
    page = draft_html(hostile)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_snapshot_shows_the_draft_for_pages_without_a_kernel(panel: DesignPanel) -> None:
    panel.propose_button.click()
    bundle = panel._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert panel.draft.blocks[1].title in data["text/html"]
