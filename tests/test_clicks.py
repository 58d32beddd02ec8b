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
from playbook.structure.method import MARKED_FINDINGS
from playbook.ui import AgendaBuilder, DiagnosisPanel, LiveCompanion, Picker, SessionBinding
from playbook.ui import choose as choose_view
from playbook.workspace import open_current
from playbook.yamlio import dump_yaml, load_yaml_file, parse_yaml


@pytest.fixture(autouse=True)
def _drawn_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests count what one process draws: a picture an earlier run kept in the chart cache would
    hide a drawing (the memo's use of that cache is tested in ``test_chartmemo.py``)."""
    monkeypatch.setattr(MEMO, "keep", False)


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


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")  # matplotlib writes no exponents
_SVG = "{http://www.w3.org/2000/svg}"


def _moved(element: Any, dx: float, dy: float) -> None:
    """Shift an element drawn inside ``translate(dx dy)`` to where it lands: its x and y, the points of
    its path (matplotlib writes absolute commands only) and the centre of its rotation or translation.
    A definition (a marker) is not moved: whoever uses it places it."""
    if element.tag == f"{_SVG}defs":
        return

    def pairs(text: str) -> str:
        numbers = iter(_NUMBER.split(text))
        values = _NUMBER.findall(text)
        shifted = [f"{float(v) + (dy if n % 2 else dx):.6f}" for n, v in enumerate(values)]
        return "".join(part + (shifted.pop(0) if shifted else "") for part in numbers)

    for name, shift in (("x", dx), ("y", dy)):
        if name in element.attrib:
            element.set(name, f"{float(element.get(name)) + shift:.6f}")
    if "d" in element.attrib:
        element.set("d", pairs(element.get("d")))
    if "transform" in element.attrib:
        element.set(
            "transform",
            re.sub(
                r"rotate\((\S+) ([^)]+)\)",
                lambda m: f"rotate({m[1]} {pairs(m[2])})",
                element.get("transform"),
            ),
        )
        element.set(
            "transform",
            re.sub(r"translate\(([^)]+)\)", lambda m: f"translate({pairs(m[1])})", element.get("transform")),
        )
    for child in element:
        _moved(child, dx, dy)


def _placed(svg: str) -> str:
    """An inline SVG with every picture copied inside a ``translate`` put where it lands, its ids
    without the prefix that keeps each chart's ids unique on a page, its indentation aside."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(re.sub(r"\bc\d+-", "", svg))

    def flatten(parent: Any) -> None:
        for n, child in enumerate(list(parent)):
            move = re.fullmatch(r"translate\((\S+) (\S+)\)", child.get("transform", ""))
            if child.tag == f"{_SVG}g" and move and len(child.attrib) == 1:
                for grandchild in child:
                    _moved(grandchild, float(move[1]), float(move[2]))
                parent.remove(child)
                for k, grandchild in enumerate(child):
                    parent.insert(n + k, grandchild)
                flatten(parent)
                return
            flatten(child)

    flatten(root)
    return re.sub(r">\s+<", "><", ET.tostring(root, encoding="unicode"))  # indentation aside


def _same_svg(a: str, b: str) -> bool:
    """Two inline SVGs that draw the same picture: alike but for the ids' prefix and for pictures
    copied to where they now stand (equal to a millionth of a point)."""
    a, b = _placed(a), _placed(b)
    numbers_a, numbers_b = _NUMBER.findall(a), _NUMBER.findall(b)
    return _NUMBER.split(a) == _NUMBER.split(b) and all(
        abs(float(x) - float(y)) < 1e-4 for x, y in zip(numbers_a, numbers_b, strict=True)
    )


def test_same_svg_sees_a_copy_moved_into_place_and_a_real_difference() -> None:
    drawn = '<svg xmlns="http://www.w3.org/2000/svg"><g><text x="12.5" y="3" transform="rotate(-0 12.5 3)">7</text></g></svg>'
    copied = '<svg xmlns="http://www.w3.org/2000/svg"><g transform="translate(2.5 -1)">\n<g><text x="10" y="4" transform="rotate(-0 10 4)">7</text></g></g>\n</svg>'
    assert _same_svg(drawn, copied)
    assert not _same_svg(drawn, copied.replace(">7<", ">8<"))
    assert not _same_svg(drawn, copied.replace("2.5 -1", "2.5 -2"))


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
        assert ax.lines[0].get_xdata()[-1] == p.total_minutes  # the energy line reaches the new end
        assert (len(ax.collections), len(figure.texts)) == counts, "artists were added, not moved"
        assert (_pixels(figure) == _pixels(arc_chart(p, audience))).all(), "in place differs from anew"
    assert ax.lines[0].get_xdata()[-1] != energy_before[-1]
    title = t(
        "arc.title" if audience == "facilitator" else "arc.title_participants",
        p.language, start=clock(p.start), end=clock(p.end), minutes=p.total_minutes, budget=p.budget_minutes,
    )  # fmt: skip
    assert html.escape(title, quote=False) in to_svg(figure), "the SVG does not show the new minutes"


def _still(artist: Any) -> charts._Still:
    copier = getattr(artist.draw, "__self__", None)
    assert isinstance(copier, charts._Still), f"{artist} is drawn anew every time"
    return copier


def test_a_minute_change_lays_out_only_what_changed(example: Path, catalogue: Catalogue) -> None:
    """The blocks' numbers, the findings' letters, the clock and the scales' labels are laid out once and
    copied to wherever a change moves them; each role's blocks are one outline, not one per block."""
    session = _long(load_session(example))
    arc = ArcFigure()
    svg = to_svg(arc.update(plan(session, catalogue)))
    numbers = [_still(n) for n in arc.numbers]
    labels = [_still(t) for t in arc.ax.texts if t not in arc.numbers and t not in arc.times]
    first = sum(c.drawn for c in numbers + labels)
    for n, by in enumerate((3, -1, 6, -2)):
        session = _longer(session, n, by)
        svg = to_svg(arc.update(plan(session, catalogue)))
        assert all(len(bars.get_paths()) <= 1 for bars in arc.bars.values())
    assert all(c.drawn <= 1 for c in numbers), "a block's number was laid out again only because it moved"
    assert sum(c.drawn for c in numbers + labels) - first <= 2 * MARKED_FINDINGS, "labels were laid out again"
    assert all(_still(t).drawn <= 2 for t in arc.times)  # a time under a tick: its own, then maybe another
    assert '<g transform="translate(' in svg, "nothing was copied into place"


def test_step_corners_draw_the_same_steps_and_spans() -> None:
    """The arc's curves keep only their corners: every minute still shows its value, and every run of a
    phase (the groan zone's ``where``) still spans from its first to its last point."""
    from matplotlib import cbook

    rng = np.random.default_rng(7)
    for _ in range(50):
        size = int(rng.integers(1, 120))
        low = np.resize(np.repeat(rng.integers(0, 4, 30), rng.integers(1, 9, 30)), size).astype(float)
        high = low + np.resize(np.repeat(rng.integers(0, 3, 30), rng.integers(1, 9, 30)), size)
        xs = np.arange(size, dtype=float)
        at, *kept = charts._corners(xs, low, high)
        assert at[0] == xs[0] and at[-1] == xs[-1] and len(at) <= size
        for full, few in zip((low, high), kept, strict=True):
            shown = few[np.searchsorted(at, xs, side="right") - 1]  # the step drawn at every minute
            assert (shown == full).all()
        where = low > 1
        at, few = charts._corners(xs, where)
        spans = [(xs[a], xs[b - 1]) for a, b in cbook.contiguous_regions(where)]
        assert spans == [(at[a], at[b - 1]) for a, b in cbook.contiguous_regions(few)]


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
