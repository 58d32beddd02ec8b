"""Notebook 03's agenda builder, driven from Python: times, findings, the arc and the file follow."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.catalogue import Catalogue
from playbook.session import Block, load_session
from playbook.ui import AgendaBuilder, SessionBinding


@pytest.fixture
def binding(example: Path) -> SessionBinding:
    return SessionBinding.open(example)


def test_rows_show_the_timed_agenda(binding: SessionBinding) -> None:
    builder = AgendaBuilder(binding)
    assert len(builder.row_box.children) == len(binding.session.agenda) == 11
    assert builder.rows[0].time.value == "13:00–13:10" and builder.rows[1].time.value == "13:10–13:30"
    assert "Incheckronde" in builder.rows[1].title.value
    assert "13:00–16:20" in builder.timeline.value and "200 van 210 minuten gepland" in builder.timeline.value


def test_resizing_a_block_moves_every_later_time_and_saves(binding: SessionBinding, example: Path) -> None:
    builder = AgendaBuilder(binding)
    arc_before = builder.arc.value
    builder.rows[1].minutes.value = 30
    assert load_session(example).agenda[1].minutes == 30
    assert builder.rows[2].time.value == "13:40–14:00" and builder.plan.total_minutes == 210
    assert builder.arc.value != arc_before and "13:00–16:30" in builder.arc.value


def test_reordering_moves_the_block_and_its_time(binding: SessionBinding, example: Path) -> None:
    builder = AgendaBuilder(binding)
    first = binding.session.agenda[0]
    builder.rows[0].down.click()
    saved = load_session(example).agenda
    assert saved[1] == first and saved[0].intervention == "check-in-round"
    assert builder.rows[0].time.value == "13:00–13:20" and builder.rows[0].up.disabled
    builder.rows[1].up.click()
    assert load_session(example).agenda[0] == first


def test_findings_follow_the_edits(binding: SessionBinding) -> None:
    builder = AgendaBuilder(binding)
    assert "no-break" in builder.findings.value
    index = next(i for i, b in enumerate(binding.session.agenda) if b.intervention == "dot-voting")
    builder.rows[index].minutes.value = 40
    assert "over-time" in [f.code for f in builder.plan.findings]
    assert "over-time" in builder.findings.value and 'class="finding error"' in builder.findings.value
    builder.rows[index].minutes.value = 10
    assert "over-time" not in builder.findings.value


def test_adding_and_removing_blocks(binding: SessionBinding, example: Path, catalogue: Catalogue) -> None:
    builder = AgendaBuilder(binding)
    builder.add_intervention("fishbowl")
    block = load_session(example).agenda[-1]
    typical = catalogue.get("fishbowl").minutes_for(binding.session.group.size).typical
    assert block.intervention == "fishbowl" and block.minutes == typical
    assert block.plan_b and catalogue.get(block.plan_b[0]).role == "groan"
    builder.custom_title.value = "Pitch <van> de directeur"
    builder.custom_role.value = "open"
    builder.custom_minutes.value = 7
    builder.custom_button.click()
    builder.break_label.value = "Lunch"
    builder.break_minutes.value = 45
    builder.break_button.click()
    agenda = load_session(example).agenda
    assert agenda[-2] == Block(7, title="Pitch <van> de directeur", role="open")
    assert agenda[-1] == Block(45, title="Lunch", is_break=True)
    assert (
        "Pitch &lt;van&gt; de directeur" in builder.timeline.value and "<van>" not in builder.timeline.value
    )
    assert len(builder.row_box.children) == 14
    builder.rows[13].remove.click()
    assert len(load_session(example).agenda) == 13 and len(builder.row_box.children) == 13


def test_an_own_block_needs_a_title(binding: SessionBinding, example: Path) -> None:
    builder = AgendaBuilder(binding)
    before = example.read_bytes()
    builder.custom_title.value = "  "
    builder.custom_button.click()
    assert "titel" in builder.status.value and example.read_bytes() == before


def test_notes_and_plan_b_of_a_block(binding: SessionBinding, example: Path) -> None:
    builder = AgendaBuilder(binding)
    builder.rows[3].edit.click()
    assert builder.editor.layout.display == "" and "Waarderende interviews" in builder.editor_title.value
    builder.notes.value = "Koppels: altijd gemengd"
    builder.backup.value = "world-cafe"
    saved = load_session(example).agenda[3]
    assert saved.notes == "Koppels: altijd gemengd" and saved.plan_b == ("world-cafe",)
    assert "World Café" in builder.timeline.value  # plan B by name, not by id
    assert all(ident is None or ident != "appreciative-interviews" for _, ident in builder.backup.options)


def test_the_shortlist_comes_first_in_the_choices(binding: SessionBinding) -> None:
    binding.update(shortlist=("fishbowl",))
    builder = AgendaBuilder(binding)
    assert builder.choice.options[1] == ("★ Fishbowl", "fishbowl")


def test_forty_blocks_reuse_their_rows(binding: SessionBinding) -> None:
    agenda = list(binding.session.agenda) + [Block(5, intervention="stand-up-if")] * 29
    binding.update(agenda=tuple(agenda))
    builder = AgendaBuilder(binding)
    rows = [r.box for r in builder.rows]
    builder.rows[20].minutes.value = 6
    builder.rows[5].down.click()
    assert [r.box for r in builder.rows] == rows and len(builder.row_box.children) == 40
