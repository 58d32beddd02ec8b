"""Charts: drawn from the profile, labelled in the session's language, readable, and kept in step."""

from __future__ import annotations

import itertools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from playbook.charts import iceberg_chart, stage_chart, stance_chart, to_png, to_svg
from playbook.diagnosis import diagnose
from playbook.session import Brief, Diagnosis, Session, load_session

from .conftest import EXAMPLE_EN, EXAMPLE_NL
from .test_diagnosis import MERGED_GROUP_FULL_OF_RUMOURS, OPEN_CONFLICT

CHARTS = [iceberg_chart, stage_chart, stance_chart]
MANAGEMENT = "Make them hit the deadline and fix the conflict between A and B. The director wants it done."


def profiles() -> list:
    out = [diagnose(load_session(EXAMPLE_NL)), diagnose(load_session(EXAMPLE_EN))]
    out.append(diagnose(Session(title="x", brief=Brief(wish=MANAGEMENT), diagnosis=OPEN_CONFLICT)))
    out.append(diagnose(Session(title="x", language="nl", diagnosis=Diagnosis())))  # nothing answered yet
    return out


def texts(fig: Figure) -> list[tuple[str, object]]:
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    drawn: list[Text] = list(fig.texts) + [t for legend in fig.legends for t in legend.get_texts()]
    if fig._suptitle is not None:
        drawn.append(fig._suptitle)
    for ax in fig.axes:
        drawn += [*ax.texts, ax.title, ax._left_title, ax._right_title]
        if ax.axison:  # an axis switched off draws no ticks or labels
            drawn += [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label]
        if ax.get_legend() is not None:
            drawn += ax.get_legend().get_texts()
    unique = dict.fromkeys(drawn)  # the suptitle is among fig.texts too
    return [
        (a.get_text(), a.get_window_extent(renderer))
        for a in unique
        if a.get_visible() and a.get_text().strip()
    ]


@pytest.mark.parametrize("chart", CHARTS, ids=lambda c: c.__name__)
def test_no_label_overlaps_another_or_leaves_the_figure(chart) -> None:
    for profile in profiles():
        fig = chart(profile)
        boxes = texts(fig)
        width, height = fig.bbox.width, fig.bbox.height
        for text, box in boxes:
            assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, text
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            assert not box_a.shrunk(0.97, 0.9).overlaps(box_b.shrunk(0.97, 0.9)), f"{a!r} overlaps {b!r}"


def test_charts_are_labelled_in_the_sessions_language() -> None:
    nl = diagnose(load_session(EXAMPLE_NL))
    labels = " ".join(text for chart in CHARTS for text, _ in texts(chart(nl)))
    for word in (
        "Vertrouwen",
        "waterlijn",
        "Onderstroom",
        "Fase van de groep",
        "Managen of procesbegeleiden?",
        "zekerheid",
    ):
        assert word in labels
    assert "Trust" not in labels


def test_the_iceberg_shows_every_score_and_the_undercurrent() -> None:
    p = diagnose(Session(title="x", diagnosis=MERGED_GROUP_FULL_OF_RUMOURS))
    labels = [text for text, _ in texts(iceberg_chart(p))]
    for d in p.dimensions:
        assert str(d.score) in labels
    assert any(f"{p.undercurrent}/100" in text for text in labels)


def test_the_stage_chart_marks_the_estimate_with_its_confidence() -> None:
    p = diagnose(Session(title="x", diagnosis=OPEN_CONFLICT))
    labels = " ".join(text for text, _ in texts(stage_chart(p)))
    assert f"estimated: Storming\n{p.stage.confidence}% confidence" in labels


def test_svg_keeps_text_as_text_and_png_is_an_image() -> None:
    p = diagnose(load_session(EXAMPLE_EN))
    svg = to_svg(iceberg_chart(p))
    assert svg.startswith("<svg") and "Psychological safety" in svg and "<script" not in svg
    assert to_png(stage_chart(p)).startswith(b"\x89PNG")


def test_palette_does_not_rely_on_red_versus_green_alone() -> None:
    # Bars that need attention carry a hatch, so they read in black and white and for colour-blind readers.
    fig = iceberg_chart(diagnose(Session(title="x", diagnosis=MERGED_GROUP_FULL_OF_RUMOURS)))
    hatches = {patch.get_hatch() for patch in fig.axes[0].patches}
    assert "///" in hatches


def test_the_arc_names_every_block_and_numbers_every_finding(catalogue) -> None:
    from playbook.agenda import plan
    from playbook.charts import arc_chart

    p = plan(load_session(EXAMPLE_NL), catalogue)
    fig = arc_chart(p)
    labels = [text for text, _ in texts(fig)]
    for block in p.blocks:
        assert any(label.startswith(block.title[:19]) for label in labels), block.title
    marked = [f for f in p.findings if f.minute is not None]
    circles = [a.get_text() for a in fig.axes[0].texts if a.get_bbox_patch() is not None]
    assert len(marked) == 3 and circles == ["1", "2", "3"]
    assert any("no-groan-space" in label for label in labels)
    assert any(label.startswith("Verloop van de sessie · 13:00–16:20") for label in labels)


def test_the_arc_reads_in_black_and_white(catalogue) -> None:
    from matplotlib.collections import PolyCollection

    from playbook.agenda import plan
    from playbook.charts import arc_chart

    fig = arc_chart(plan(load_session(EXAMPLE_NL), catalogue))
    hatches = {c.get_hatch() for c in fig.axes[0].collections if isinstance(c, PolyCollection)}
    assert {"//", "xx", "\\\\", ".."} <= hatches  # diverge, groan, converge, close differ without colour


def test_the_arc_of_an_empty_agenda_is_drawn_without_error(catalogue) -> None:
    from playbook.agenda import plan
    from playbook.charts import arc_chart

    svg = to_svg(arc_chart(plan(Session(title="Blank"), catalogue)))
    assert svg.startswith("<svg") and "0 of 180 minutes" in svg
