"""Charts: drawn from the profile, labelled in the session's language, readable, and kept in step."""

from __future__ import annotations

import dataclasses
import html
import itertools
import re

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from playbook.agenda import plan
from playbook.catalogue import Catalogue
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


def test_the_iceberg_bars_all_say_how_much_attention_is_needed() -> None:
    """One measure for every bar: a longer bar is always more to look at, whatever end is healthy."""
    p = diagnose(Session(title="x", diagnosis=MERGED_GROUP_FULL_OF_RUMOURS))
    fig = iceberg_chart(p)
    labels = [text for text, _ in texts(fig)]
    bars = [bar for container in fig.axes[0].containers for bar in container]
    widths = sorted(round(bar.get_width()) for bar in bars if bar.get_facecolor()[3] > 0)
    assert widths == sorted(max(d.concern, 1) for d in p.dimensions if d.concern is not None)
    for d in p.dimensions:
        assert str(d.concern) in labels
    assert not any("lower is better" in text for text in labels)
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


def test_the_arc_numbers_every_block_names_it_whole_and_letters_every_finding(catalogue) -> None:
    from playbook.agenda import plan
    from playbook.charts import arc_chart

    p = plan(load_session(EXAMPLE_NL), catalogue)
    fig = arc_chart(p)
    labels = [text for text, _ in texts(fig)]
    legend = " ".join(" ".join(label.split()) for label in labels)
    for n, block in enumerate(p.blocks, 1):
        assert f"{n} {block.title}" in legend, block.title  # the whole name, wrapped between words
    boxed = [a.get_text() for a in fig.axes[0].texts if a.get_bbox_patch() is not None and a.get_visible()]
    marked = [f for f in p.findings if f.minute is not None]
    assert [str(n) for n in range(1, len(p.blocks) + 1)] == [b for b in boxed if b.isdigit()]
    assert len(marked) == 3 and [b for b in boxed if b.isalpha()] == ["A", "B", "C"]
    assert any(label.startswith("Verloop van de sessie · 13:00–16:20") for label in labels)


def test_arc_text_is_at_least_7_points_on_a4(catalogue) -> None:
    from playbook.agenda import plan
    from playbook.charts import A4_WIDTH, arc_chart, plan_vs_actual_chart
    from playbook.review import review

    session = load_session(EXAMPLE_NL)
    for fig in (arc_chart(plan(session, catalogue)), plan_vs_actual_chart(review(session, catalogue))):
        assert fig.get_figwidth() <= A4_WIDTH  # shown at the page's width, a point stays a point
        sizes = [
            a.get_fontsize()
            for a in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
            if a.get_text().strip()
        ]
        assert sizes and min(sizes) >= 7


def test_participants_arc_has_no_findings_codes_budget_or_jargon(catalogue) -> None:
    from playbook.agenda import plan
    from playbook.charts import arc_chart

    p = plan(load_session(EXAMPLE_NL), catalogue)
    labels = " ".join(text for text, _ in texts(arc_chart(p, audience="participants")))
    assert p.findings and not any(f.code in labels for f in p.findings)
    assert "210" not in labels and "worstelzone" not in labels.lower() and "Divergeren" not in labels
    assert "Doorpraten" in labels and "ruimte voor ideeën" in labels


def test_the_arc_reads_in_black_and_white(catalogue) -> None:
    from matplotlib.collections import PolyCollection

    from playbook.agenda import plan
    from playbook.charts import arc_chart

    fig = arc_chart(plan(load_session(EXAMPLE_NL), catalogue))
    hatches = {c.get_hatch() for c in fig.axes[0].collections if isinstance(c, PolyCollection)}
    assert {"//", "xx", "\\\\", "--"} <= hatches  # diverge, groan, converge, close differ without colour
    groan = [c for c in fig.axes[0].collections if c.get_hatch() == "xx" and len(c.get_paths()) > 0]
    edge = groan[-1].get_edgecolor()[0]
    assert 0.2126 * edge[0] + 0.7152 * edge[1] + 0.0722 * edge[2] < 0.45  # dark lines: visible in grey


def test_hatches_are_lines_so_a_chart_stays_small(catalogue) -> None:
    """A dotted hatch costs tens of kilobytes of SVG per pattern; every hatch the charts use is lines."""
    from playbook.agenda import plan
    from playbook.charts import HATCH, arc_chart

    assert all(set(h) <= set("/\\\\|-+x") for h in HATCH.values())
    svg = to_svg(arc_chart(plan(load_session(EXAMPLE_NL), catalogue)))
    assert len(svg) < 80_000 and "<metadata" not in svg


def test_the_arc_of_an_empty_agenda_is_drawn_without_error(catalogue) -> None:
    from playbook.agenda import plan
    from playbook.charts import arc_chart

    svg = to_svg(arc_chart(plan(Session(title="Blank"), catalogue)))
    assert svg.startswith("<svg") and "0 of 180 minutes" in svg


def _savefig_svg(fig: Figure, metadata: dict) -> str:
    """The SVG matplotlib's own ``savefig`` writes, with the charts' settings."""
    import io

    from playbook import charts

    buffer = io.StringIO()
    with charts._drawing({**charts.RC, "svg.fonttype": "none"}):
        charts.plain_text(fig).savefig(buffer, format="svg", metadata=metadata)
    return buffer.getvalue()


def test_svg_with_text_measured_once_is_what_savefig_writes(catalogue) -> None:
    """Text sizes are kept for the process (a chart's labels are not measured again on every click):
    every chart's SVG, drawn twice so the second one is measured from memory, is savefig's, byte for byte."""
    from playbook import charts
    from playbook.agenda import plan
    from playbook.review import review

    session = load_session(EXAMPLE_NL)
    p = plan(session, catalogue)
    drawers = [lambda f=f, pr=pr: f(pr) for f in CHARTS for pr in profiles()]
    drawers += [lambda: charts.arc_chart(p), lambda: charts.arc_chart(p, "participants")]
    drawers += [lambda: charts.plan_vs_actual_chart(review(session, catalogue))]
    drawers += [lambda: charts.scores_chart([("één", 3), ("$x$ <b>", 5)], "Scores ☃")]
    plain = {"Date": None, "Creator": None, "Format": None, "Type": None}
    for draw in drawers:
        expected = _savefig_svg(draw(), plain)
        for _ in range(2):
            fig = charts.plain_text(draw())  # made outside the drawing settings, as every chart is
            with charts._drawing({**charts.RC, "svg.fonttype": "none"}):
                assert charts._svg_document(fig, plain) == expected
    file_meta = {"Creator": charts.GENERATOR, "Date": None}
    assert charts.svg_file(charts.arc_chart(p)) == _savefig_svg(charts.arc_chart(p), file_meta)


def _own_ids_tag_by_tag(svg: str, prefix: str) -> str:
    """The rule written plainly, tag by tag: what :func:`chartmemo.own_ids` must give, character for character."""
    tag = re.compile(r"<[^>]+>")
    reference = re.compile(r'(?:href="#|url\(#)([^")]+)')
    id_or_reference = re.compile(r' id="([^"]+)"|(href="#|url\(#)([^")]+)')
    used = {ident for t in tag.findall(svg) if "#" in t for ident in reference.findall(t)}

    def rename(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return f"{match.group(2)}{prefix}{match.group(3)}"
        return f' id="{prefix}{match.group(1)}"' if match.group(1) in used else ""

    return tag.sub(lambda t: id_or_reference.sub(rename, t[0]), svg)


def test_an_inline_svg_gets_ids_of_its_own_and_its_text_is_left_as_it_was(catalogue: Catalogue) -> None:
    from playbook import chartmemo, charts

    session = load_session(EXAMPLE_EN)
    words = 'id="p1" url(#p1)'
    first = dataclasses.replace(session.agenda[0], intervention=None, title=words, role="open")
    hostile = session.with_changes(agenda=(first, *session.agenda[1:]))
    svgs = [
        charts.bare_svg(charts.arc_chart(plan(hostile, catalogue))),
        charts.bare_svg(charts.iceberg_chart(diagnose(session))),
        charts.svg_file(charts.arc_chart(plan(session, catalogue))),  # with matplotlib's own group ids
        '<svg><text> id="a" href="#a" url(#a)</text><path id="a" d="M 0 0"/><use xlink:href="#a"/>'
        '<g clip-path="url(#b)" style="fill: #fff"/><path id="b"/><g id="unused"/><path id=""/></svg>',
    ]
    for svg in svgs:
        mine = chartmemo.own_ids(svg)
        prefix = re.search(r"c\d+-", mine)
        assert prefix is not None
        assert mine == _own_ids_tag_by_tag(svg, prefix[0])
    assert words in html.unescape(chartmemo.own_ids(svgs[0]))  # a block's name, in the key under the arc
    assert '<text> id="a" href="#a" url(#a)</text>' in chartmemo.own_ids(svgs[-1])
