"""What one click redoes: only the work its change affects (speed itself is measured by ``make bench``).

Each test drives a view as a notebook does (setting widget values, clicking buttons) and checks, with a
spy on the expensive step, that work which did not change is not redone, and that what is shown is
still exactly what a fresh computation gives.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg

from playbook import charts, yamlio
from playbook.agenda import clock, plan
from playbook.catalogue import Catalogue
from playbook.charts import (
    MEMO,
    ArcFigure,
    IcebergFigure,
    SvgMemo,
    arc_chart,
    iceberg_chart,
    stage_chart,
    stage_key,
    to_svg,
)
from playbook.diagnosis import diagnose
from playbook.i18n import t
from playbook.paths import assets_dir
from playbook.recommend import plan_b
from playbook.session import Block, Group, Session, load_session
from playbook.structure import arc as arc_node
from playbook.structure import iceberg
from playbook.structure import stage_chart as stage_node
from playbook.ui import AgendaBuilder, DiagnosisPanel, LiveCompanion, Picker, SessionBinding
from playbook.ui import choose as choose_view
from playbook.workspace import open_current
from playbook.yamlio import dump_yaml, load_yaml_file, parse_yaml


@pytest.fixture
def binding(example: Path) -> SessionBinding:
    return SessionBinding.open(example)


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    calls: list[Any] = []
    real = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


def _plan_b_shown(picker: Picker) -> dict[str, str]:
    """Each visible card's plan B as its text says it."""
    shown = {}
    for slot in picker.slots:
        if slot.ident:
            text = html.unescape(re.sub(r"<[^>]+>", "", slot.html.value))
            shown[slot.ident] = text.rsplit(":", 1)[-1].strip()
    return shown


def test_a_filter_click_ranks_again_but_keeps_each_card_s_plan_b(
    binding: SessionBinding, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy(monkeypatch, choose_view, "plan_b")
    picker = Picker(binding)
    everything = [slot.ident for slot in picker.slots if slot.ident]
    assert sorted(calls) == sorted(everything), "one plan B per card shown"
    calls.clear()
    picker.role.value = "diverge"
    diverging = [slot.ident for slot in picker.slots if slot.ident]
    assert diverging and diverging != everything
    assert sorted(calls) == sorted(set(diverging) - set(everything)), "plan B of a card already seen again"
    calls.clear()
    picker.role.value = None
    assert calls == [] and [slot.ident for slot in picker.slots if slot.ident] == everything
    session, catalogue, profile = binding.session, picker.catalogue, binding.profile()
    for ident, text in _plan_b_shown(picker).items():
        fresh = plan_b(ident, session, catalogue, profile, limit=1)
        assert text.endswith(fresh[0].intervention.name(picker.lang)) if fresh else text


def test_a_change_to_the_session_works_out_plan_b_again(
    binding: SessionBinding, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy(monkeypatch, choose_view, "plan_b")
    picker = Picker(binding)
    calls.clear()
    binding.update(group=Group(4, binding.session.group.setting))
    shown = [slot.ident for slot in picker.slots if slot.ident]
    assert sorted(calls) == sorted(shown), "a new group size can change every plan B"
    for ident, text in _plan_b_shown(picker).items():
        fresh = plan_b(ident, binding.session, picker.catalogue, binding.profile(), limit=1)
        assert text.endswith(fresh[0].intervention.name(picker.lang)) if fresh else text


# -- the arc: its artists move in place ----------------------------------------------------------------


def _long(session: Session, blocks: int = 40) -> Session:
    agenda = list(session.agenda) + [Block(5, intervention="stand-up-if")] * (blocks - len(session.agenda))
    return session.with_changes(agenda=tuple(agenda))


def _pixels(figure: Any) -> np.ndarray:
    FigureCanvasAgg(figure)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).copy()


def _same_svg(a: str, b: str) -> bool:
    """Two inline SVGs alike but for the prefix that keeps each one's ids unique on a page."""
    return re.sub(r"\bc\d+-", "", a) == re.sub(r"\bc\d+-", "", b)


def _longer(session: Session, index: int, by: int) -> Session:
    agenda = list(session.agenda)
    agenda[index] = replace(agenda[index], minutes=agenda[index].minutes + by)
    return session.with_changes(agenda=tuple(agenda))


@pytest.mark.parametrize("audience", ["facilitator", "participants"])
def test_a_minute_change_moves_the_arc_s_artists_and_it_looks_drawn_anew(
    example: Path, catalogue: Catalogue, audience: str
) -> None:
    session = _long(load_session(example))
    arc = ArcFigure(audience)
    figure = arc.update(plan(session, catalogue))
    ax = figure.axes[0]
    counts = (len(ax.collections), len(figure.texts))  # findings' marks may come and go; these stay
    energy_before = ax.lines[0].get_xdata().copy()
    for n, by in enumerate((7, -2, 12)):
        session = _longer(session, n, by)
        p = plan(session, catalogue)
        assert arc.update(p) is figure and arc.built == 1, "a minute change drew a new figure"
        assert len(ax.lines[0].get_xdata()) == p.total_minutes + 1  # the energy line reaches the new end
        assert (len(ax.collections), len(figure.texts)) == counts, "artists were added, not moved"
        assert (_pixels(figure) == _pixels(arc_chart(p, audience))).all(), "in place differs from anew"
    assert len(ax.lines[0].get_xdata()) != len(energy_before)
    title = t(
        "arc.title" if audience == "facilitator" else "arc.title_participants",
        p.language, start=clock(p.start), end=clock(p.end), minutes=p.total_minutes, budget=p.budget_minutes,
    )  # fmt: skip
    assert html.escape(title, quote=False) in to_svg(figure), "the SVG does not show the new minutes"


def test_a_different_list_of_blocks_draws_the_arc_anew(example: Path, catalogue: Catalogue) -> None:
    session = load_session(example)
    arc = ArcFigure()
    first = arc.update(plan(session, catalogue))
    longer = session.with_changes(agenda=(*session.agenda, Block(10, intervention="stand-up-if")))
    assert arc.update(plan(longer, catalogue)) is not first and arc.built == 2
    assert (_pixels(arc.figure) == _pixels(arc_chart(plan(longer, catalogue)))).all()


def test_the_agenda_builder_keeps_its_arc_and_shows_the_new_minutes(
    binding: SessionBinding, monkeypatch: pytest.MonkeyPatch
) -> None:
    MEMO.clear()  # nothing remembered from other tests: each picture here is drawn by the kept figure
    binding.update(agenda=_long(binding.session).agenda)
    builder = AgendaBuilder(binding)
    figure = builder._arc.figure
    for n, minutes in enumerate((9, 11, 4)):
        builder.rows[n].minutes.value = minutes
        p = builder.plan
        assert p is not None and p.blocks[n].minutes == minutes
        assert builder._arc.figure is figure and builder._arc.built == 1
        assert _same_svg(builder.arc.value, to_svg(arc_chart(p), alt=arc_node(p).alt))


def test_a_live_action_moves_the_arc_in_place(example: Path) -> None:
    MEMO.clear()
    moment = [dt.datetime(2027, 1, 14, 12, 58)]
    companion = LiveCompanion(open_current(example), clock=lambda: moment[0], tick=False)
    figure = companion._arc.figure
    companion.start_button.click()
    before = companion.arc.value
    moment[0] += dt.timedelta(minutes=3)
    companion.longer_button.click()
    assert companion.arc.value != before
    assert companion._arc.figure is figure and companion._arc.built == 1
    p = companion.live.replan()
    assert _same_svg(companion.arc.value, to_svg(arc_chart(p), alt=arc_node(p).alt))


# -- saving: every click saves the session ---------------------------------------------------------------

AWKWARD = [
    "", " leading", "trailing ", "null", "no", "13:00", "1e3", "0x1F", "- dash", "# hash", "key: value",
    "'quoted'", '"double"', "back\\slash", "tab\there", "two\nlines", "ends with newline\n", "\n\nblank first",
    "line\u2028separator", "next\x85line", "«samen» — één", "Ünïcödé ∑ ≠ ☃", "\ufeffbom", "a" * 300,
    "{braces}", "[brackets]", "&anchor", "*alias", "!tag", "%percent", "@at", "`tick`", "|pipe", ">fold",
    "één twee drie " * 40, "é" * 64, "a" * 128, "a" * 129, "é" * 65, "é" * 100,
]  # fmt: skip


def test_the_fast_emitter_writes_exactly_what_the_careful_one_writes(example: Path) -> None:
    documents = [load_yaml_file(p)[0] for p in sorted(assets_dir().rglob("*.yaml"))]
    documents.append({text: [text, {"nested": text}] for text in AWKWARD})
    documents.append(load_yaml_file(example)[0])
    for data in documents:
        careful = yaml.dump(
            data, Dumper=yamlio._Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
        )
        assert dump_yaml(data) == careful
        assert parse_yaml(dump_yaml(data)) == data


def test_emoji_are_written_as_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[type] = []
    real = yaml.dump
    monkeypatch.setattr(yaml, "dump", lambda data, **kw: used.append(kw["Dumper"]) or real(data, **kw))
    assert "Één team 🚀" in dump_yaml({"title": "Één team 🚀"}) and used[-1] is yamlio._Dumper
    assert "🚀" in dump_yaml({"🚀": "key"}) and used[-1] is yamlio._Dumper
    dump_yaml({"": "an empty key"})
    assert used[-1] is yamlio._Dumper
    dump_yaml({"title": "Één team"})
    assert used[-1] is yamlio._FastDumper, "text without emoji should take the fast emitter"


# -- the diagnosis: a chart is drawn only when what it shows changed ---------------------------------------


def _drawn(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Spies on the three diagnosis charts, with nothing remembered yet."""
    MEMO.clear()
    return {name: _spy(monkeypatch, charts, f"{name}_chart") for name in ("iceberg", "stage", "stance")}


def test_an_answer_that_moves_no_stage_dot_draws_the_iceberg_alone(
    binding: SessionBinding, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = DiagnosisPanel(binding)
    panel.questions["trust-rely"].value = 1
    drawn = _drawn(monkeypatch)
    stage_before = panel.stage.value
    for value in (2, 3):
        before = stage_key(panel.profile)
        panel.questions["trust-rely"].value = value  # trust moves; the stage estimate barely does
        assert stage_key(panel.profile) == before, "this answer should leave the stage chart as it is"
    assert MEMO.drawn == 2, "the iceberg shows trust: drawn for each answer"
    assert panel._iceberg is not None and panel._iceberg.built == 1, "its bars move, the figure stays"
    assert drawn["stage"] == [] and drawn["stance"] == [], "a chart that did not change was drawn"
    assert panel.stage.value == stage_before
    fresh = diagnose(load_session(binding.path))
    assert _same_svg(panel.iceberg.value, to_svg(iceberg_chart(fresh), alt=iceberg(fresh).alt))
    assert _same_svg(panel.stage.value, to_svg(stage_chart(fresh), alt=stage_node(fresh).alt))


def test_an_answer_changed_back_shows_the_chart_it_drew_without_drawing(
    binding: SessionBinding, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drawn(monkeypatch)
    panel = DiagnosisPanel(binding)
    toggle = panel.questions["trust-rely"]
    first, other = toggle.value, 1 if toggle.value != 1 else 2
    shown, drawn = panel.iceberg.value, MEMO.drawn
    toggle.value = other
    assert panel.iceberg.value != shown and MEMO.drawn > drawn
    drawn = MEMO.drawn
    toggle.value = first
    assert MEMO.drawn == drawn, "the same profile drew its charts again"
    assert _same_svg(panel.iceberg.value, shown) and panel.iceberg.value != shown  # ids of its own
    assert _same_svg(
        panel.iceberg.value, to_svg(iceberg_chart(panel.profile), alt=iceberg(panel.profile).alt)
    )


def test_a_stage_dot_that_grows_visibly_draws_the_stage_again(
    binding: SessionBinding, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = _drawn(monkeypatch)
    panel = DiagnosisPanel(binding)
    for qid, toggle in panel.questions.items():  # noqa: B007 - answer until the stage estimate visibly moves
        before = stage_key(panel.profile)
        toggle.value = 5 if toggle.value != 5 else 1
        if stage_key(panel.profile) != before:
            break
    else:
        pytest.fail("no answer moved the stage")
    assert len(drawn["stage"]) == 2, f"{qid} changed the stage chart but it was not drawn again"
    fresh = panel.profile
    assert _same_svg(panel.stage.value, to_svg(stage_chart(fresh), alt=stage_node(fresh).alt))


def test_answers_move_the_iceberg_s_bars_and_it_looks_drawn_anew(example: Path) -> None:
    session = load_session(example)
    figure = IcebergFigure()
    first = figure.update(diagnose(session))
    answers = dict(session.diagnosis.answers)
    for qid, value in (("trust-rely", 1), ("trust-rely", 5), (next(iter(answers)), 1)):
        answers[qid] = value
        profile = diagnose(session.with_changes(diagnosis=replace(session.diagnosis, answers=answers)))
        assert figure.update(profile) is first and figure.built == 1, "an answer drew a new figure"
        assert (_pixels(first) == _pixels(iceberg_chart(profile))).all(), "in place differs from anew"
    unanswered = diagnose(session.with_changes(diagnosis=replace(session.diagnosis, answers={})))
    assert figure.update(unanswered) is not first and figure.built == 2  # the legend gains 'unanswered'
    assert (_pixels(figure.figure) == _pixels(iceberg_chart(unanswered))).all()


def test_the_memo_is_bounded_and_counts_what_it_drew() -> None:
    memo = SvgMemo(size=2)
    figures = [iceberg_chart(diagnose(Session(title=f"t{n}"))) for n in range(3)]
    for n, fig in enumerate(figures):
        memo.svg(n, lambda fig=fig: fig)
    memo.svg(2, lambda: pytest.fail("remembered, yet drawn again"))
    assert memo.drawn == 3
    memo.svg(0, lambda: figures[0])  # the oldest was let go
    assert memo.drawn == 4


# -- the arc: a minute changed back, a number that does not fit ------------------------------------------


def test_a_minute_changed_back_shows_the_arc_without_drawing(binding: SessionBinding) -> None:
    MEMO.clear()
    binding.update(agenda=_long(binding.session).agenda)
    builder = AgendaBuilder(binding)
    shown = builder.arc.value
    minutes = builder.rows[3].minutes.value
    builder.rows[3].minutes.value = minutes + 10
    drawn = MEMO.drawn
    assert builder.arc.value != shown
    builder.rows[3].minutes.value = minutes
    assert MEMO.drawn == drawn, "the arc of an agenda already drawn was drawn again"
    p = builder.plan
    assert p is not None and _same_svg(builder.arc.value, to_svg(arc_chart(p), alt=arc_node(p).alt))


def _numbers(figure: Any) -> list[Any]:
    """The blocks' numbers on the strip (white boxes with digits; the energy scale has no box)."""
    return [a for a in figure.axes[0].texts if a.get_text().isdigit() and a.get_bbox_patch() is not None]


def test_a_number_too_wide_for_its_block_is_left_out_not_smeared(example: Path, catalogue: Catalogue) -> None:
    session = _long(load_session(example))
    numbers = _numbers(arc_chart(plan(session, catalogue)))
    assert len(numbers) == 40
    shown = [int(a.get_text()) for a in numbers if a.get_visible()]
    assert shown == list(range(1, 12)), "the five-minute blocks of a long afternoon cannot hold a number"
    longer = _longer(session, 20, 25)  # block 21 now has room for its number
    assert 21 in [int(a.get_text()) for a in _numbers(arc_chart(plan(longer, catalogue))) if a.get_visible()]


def test_the_arc_s_key_and_names_are_copied_into_each_svg_exactly(
    example: Path, catalogue: Catalogue
) -> None:
    """The legend and the block names are laid out once per figure, then copied: each SVG is still the
    one a figure drawn anew writes, through minute changes and a change of blocks that rebuilds it."""
    session = _long(load_session(example), 20)
    arc = ArcFigure()
    for change in (lambda s: s, lambda s: _longer(s, 2, 9), lambda s: _longer(s, 5, -3), _long):
        session = change(session)
        p = plan(session, catalogue)
        assert _same_svg(to_svg(arc.update(p)), to_svg(arc_chart(p)))
        assert _same_svg(to_svg(arc.figure), to_svg(arc_chart(p)))  # the second drawing copies
    assert arc.built == 2


def test_the_iceberg_s_key_is_copied_into_each_svg_exactly(example: Path) -> None:
    session = load_session(example)
    figure = IcebergFigure()
    for value in (1, 3, 5):
        answers = {**session.diagnosis.answers, "trust-rely": value}
        profile = diagnose(session.with_changes(diagnosis=replace(session.diagnosis, answers=answers)))
        for _ in range(2):
            assert _same_svg(to_svg(figure.update(profile)), to_svg(iceberg_chart(profile)))
    assert figure.built == 1
