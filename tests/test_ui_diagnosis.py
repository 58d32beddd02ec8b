"""Notebook 01's widgets, driven from Python: the file on disk, the profile and the charts follow."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from playbook.session import SessionFile, load_session
from playbook.ui import BriefForm, DiagnosisPanel, ReadingsPanel, SessionBinding
from playbook.ui.diagnosis import profile_html


@pytest.fixture
def binding(example: Path) -> SessionBinding:
    return SessionBinding.open(example)


def test_every_brief_field_is_saved_at_once(binding: SessionBinding, example: Path) -> None:
    form = BriefForm(binding)
    form.client.value = "Gemeente Oost — Zoë"
    form.wish.value = "Eén team 🚀"
    form.visible_result.value = "Een poster"
    form.context.value = "Fusie"
    form.date.value = dt.date(2027, 5, 1)
    form.start.value = "9.30"
    form.budget.value = 120
    form.size.value = 30
    form.setting.value = "hybrid"
    s = load_session(example)
    assert (s.brief.client, s.brief.wish, s.brief.visible_result, s.brief.context) == (
        "Gemeente Oost — Zoë",
        "Eén team 🚀",
        "Een poster",
        "Fusie",
    )
    assert (s.date, s.start, s.budget_minutes) == (dt.date(2027, 5, 1), dt.time(9, 30), 120)
    assert (s.group.size, s.group.setting) == (30, "hybrid")
    assert form.end.value == "11:30"
    assert "Opgeslagen in" in form.status.value


def test_the_decision_rule_is_part_of_the_brief(binding: SessionBinding, example: Path) -> None:
    from playbook.agenda import plan
    from playbook.catalogue import load_catalogue

    form = BriefForm(binding)
    form.decision_rule.value = ""
    assert "no-decision-rule" in [f.code for f in plan(load_session(example), load_catalogue()).findings]
    form.decision_rule.value = "Consent van het team; Marieke neemt het over"
    assert load_session(example).brief.decision_rule == "Consent van het team; Marieke neemt het over"
    assert "no-decision-rule" not in [f.code for f in plan(load_session(example), load_catalogue()).findings]
    assert "Besluitregel" in form.snapshot_html()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("size", 0, "minstens één persoon"),
        ("size", -3, "minstens één persoon"),
        ("budget", -30, "minstens één minuut"),
        ("end", "12:00", "na het begin"),
        ("start", "half twee", "tijd als 13:00"),
        ("end", "25:00", "tijd als 13:00"),
    ],
)
def test_invalid_entries_show_a_message_and_are_not_saved(
    binding: SessionBinding, example: Path, field: str, value: object, message: str
) -> None:
    before = example.read_bytes()
    form = BriefForm(binding)
    getattr(form, field).value = value
    assert message in form.errors[field].value
    assert example.read_bytes() == before
    getattr(form, field).value = {"size": 20, "budget": 200, "end": "16:00", "start": "13:30"}[field]
    assert form.errors[field].value == "" and example.read_bytes() != before


def test_end_and_budget_follow_each_other(binding: SessionBinding) -> None:
    form = BriefForm(binding)
    form.end.value = "17:00"
    assert binding.session.budget_minutes == 240 and form.budget.value == 240
    form.budget.value = 90
    assert form.end.value == "14:30"


def test_a_change_on_disk_is_merged_or_refused_and_never_lost(binding: SessionBinding, example: Path) -> None:
    form = BriefForm(binding)
    other = SessionFile.open(example)
    other.save(other.session.with_changes(title="Changed by a colleague"))
    form.client.value = "Mine"  # another field than the colleague's: both land
    saved = load_session(example)
    assert saved.title == "Changed by a colleague" and saved.brief.client == "Mine"
    assert binding.session == saved and "color:#b00020" not in form.status.value

    other.reload()
    other.save(other.session.with_changes(brief=replace(other.session.brief, client="Theirs")))
    form.client.value = "Mine again"  # the same field: refused with the reason, theirs kept
    assert "brief.client: is ook elders gewijzigd sinds je het bestand opende" in form.status.value
    assert load_session(example).brief.client == "Theirs"
    form.reload_button.click()
    assert binding.session.brief.client == "Theirs" and form.client.value == "Theirs"
    form.client.value = "Mine"
    assert load_session(example).brief.client == "Mine"


def test_answers_update_file_profile_and_chart(binding: SessionBinding, example: Path) -> None:
    panel = DiagnosisPanel(binding)
    trust_before = panel.profile.dimension("trust").score
    chart_before = panel.iceberg.value
    stance_before = panel.stance.value
    for qid in ("trust-rely", "trust-motives", "trust-rumours"):
        panel.questions[qid].value = 5 if qid == "trust-rely" else 1
    assert load_session(example).diagnosis.answers["trust-rely"] == 5
    assert panel.profile.dimension("trust").score == 100 != trust_before
    assert panel.iceberg.value != chart_before and ">100<" in panel.iceberg.value
    assert panel.stance.value == stance_before  # the brief did not change, so neither did its chart
    assert "Vertrouwen · 100" in panel.statements.get_title(5)


def test_clearing_an_answer_removes_it(binding: SessionBinding, example: Path) -> None:
    panel = DiagnosisPanel(binding)
    panel.questions["own-initiative"].value = None
    assert "own-initiative" not in load_session(example).diagnosis.answers


def test_signals_and_history_drive_stage_and_themes(binding: SessionBinding, example: Path) -> None:
    panel = DiagnosisPanel(binding)
    stage_chart = panel.stage.value
    panel.history.value = "settling"
    panel.signals["open-conflict"].value = True
    panel.signals["sarcasm"].value = True
    saved = load_session(example).diagnosis
    assert saved.history == "settling" and {"open-conflict", "sarcasm"} <= set(saved.signals)
    assert panel.profile.stage.name == "storming"
    assert panel.stage.value != stage_chart
    assert "open-conflict" in [th.id for th in panel.profile.themes]
    assert "Open conflict" in panel.summary.value


def test_the_brief_form_and_the_panel_stay_in_step(binding: SessionBinding) -> None:
    form, panel = BriefForm(binding), DiagnosisPanel(binding)
    assert not panel.profile.stance.asks_for_management
    form.wish.value = "Zorg dat ze de deadline halen en los het conflict tussen Anna en Bram op."
    assert panel.profile.stance.asks_for_management
    assert "asks-for-management" in panel.summary.value and "Maak opnieuw afspraken" in panel.summary.value


def test_user_text_is_escaped_in_the_profile(binding: SessionBinding) -> None:
    form, panel = BriefForm(binding), DiagnosisPanel(binding)
    form.wish.value = "<img src=x onerror=alert(1)> make them hit the deadline, fix the conflict <b>now</b>"
    assert panel.profile.stance.asks_for_management
    assert "<img" not in panel.summary.value and "<b>now" not in panel.summary.value
    hostile = replace(panel.profile, undercurrent_reasons=("<script>alert(1)</script>",))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in profile_html(
        hostile
    ) and "<script>" not in profile_html(hostile)


def test_the_facilitator_confirms_and_corrects_the_readings(
    binding: SessionBinding, example: Path, catalogue
) -> None:
    from playbook.handout import handout_html
    from playbook.recommend import rank

    panel = ReadingsPanel(binding)
    stance = panel.row("stance")
    stance.confirm.click()  # confirm: the reading as it stands becomes the facilitator's
    assert load_session(example).diagnosis.readings.stance == stance.read_value
    assert "door jou bevestigd" in stance.text.value

    choose = panel.row("intent", "choose")
    assert choose.read_value == "absent"
    choose.choice.value = "present"  # correct: the wish does ask for choices
    assert load_session(example).diagnosis.readings.intents == {"choose": "present"}
    assert "door jou gecorrigeerd" in choose.text.value
    best = rank(binding.session, catalogue, role="converge", limit=3)
    assert any("de wens vraagt de groep om keuzes te maken" in s.reasons for s in best)

    panel.row("colour").choice.value = ("blue", "green")
    assert load_session(example).diagnosis.readings.colour == ("blue", "green")
    handout = handout_html(load_session(example), catalogue, "facilitator")
    assert "Blauwdrukdenken" in handout and "door jou gecorrigeerd" in handout

    panel.row("colour").choice.value = None  # back to what the brief says
    assert load_session(example).diagnosis.readings.colour is None
    assert panel.row("colour").choice.value is None


def test_the_readings_follow_the_brief_as_it_is_typed(binding: SessionBinding) -> None:
    form, panel = BriefForm(binding), ReadingsPanel(binding)
    form.wish.value = "Zorg dat Anna en Bram ophouden met ruziemaken voor de deadline."
    assert panel.row("stance").read_value == "managing"
    assert "Zorg dat Anna en Bram" in panel.row("stance").text.value
    assert panel.row("intent", "tension").read_value == "present"
    form.purpose.value = "We bespreken samen hoe we verder willen."
    assert binding.session.brief.purpose == "We bespreken samen hoe we verder willen."
