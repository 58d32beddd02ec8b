"""Matplotlib figures drawn from core objects; the same figures serve notebooks, the CLI and handouts.

Charts only draw what the core computed (a Profile, later an Arc). They use the Okabe-Ito palette, which
stays distinguishable for colour-blind readers, and add hatching and labels wherever colour carries
meaning, so a black-and-white print still reads. No pyplot: figures are plain ``Figure`` objects, free
of global state, rendered with the Agg backend.

Every text in a chart is plain text: titles and notes come from session files, and matplotlib would read
``Sales $$`` or ``Costs $x^$`` as (broken) mathematics. :func:`plain_text` switches that off for every
text of a figure, and :func:`to_png` and :func:`to_svg`, the only ways a chart leaves this module, call it.
"""

from __future__ import annotations

import io
import itertools
import re
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Wedge
from matplotlib.text import Text

from .agenda import Plan, clock
from .diagnosis import HIGH, LOW, DimensionScore, Profile
from .i18n import t
from .outputs import GENERATOR

# Okabe & Ito (2008), a palette designed for colour-blind readers.
BLUE, SKY, GREEN, ORANGE, VERMILLION, PURPLE, GREY = (
    "#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#999999",
)  # fmt: skip
WATER, INK = "#E3F0FA", "#222222"


def _style(fig: Figure) -> None:
    for ax in fig.axes:
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)


RC = {"hatch.linewidth": 0.5, "svg.hashsalt": "playbook"}
"""Thin hatch lines: patterns that stay readable in black and white without drowning the labels."""


@contextmanager
def _drawing(rc: dict[str, object]) -> Iterator[None]:
    """Matplotlib settings for one drawing; a character the font lacks (an emoji in a title) is drawn
    as a box without a warning in the facilitator's notebook."""
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        yield


def plain_text(fig: Figure) -> Figure:
    """Make every text of ``fig`` plain text: no mathtext, so a ``$`` in a title is just a dollar."""
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (for widgets.Image and for embedding in handouts)."""
    buffer = io.BytesIO()
    with _drawing(RC):
        plain_text(fig).savefig(
            buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": GENERATOR}
        )
    return buffer.getvalue()


def to_svg(fig: Figure) -> str:
    """The figure as an inline ``<svg>`` element with real text: crisp in print, searchable, and about
    twice as fast to produce as a PNG, which keeps widgets responsive."""
    buffer = io.StringIO()
    with _drawing({**RC, "svg.fonttype": "none"}):
        plain_text(fig).savefig(buffer, format="svg", metadata={"Creator": GENERATOR, "Date": None})
    return _own_ids(re.sub(r"^.*?(?=<svg)", "", buffer.getvalue(), flags=re.S))


def _clock_ticks(total: int) -> list[int]:
    """Minutes from the start at which the time axis is labelled: a round step, at most about 16 labels."""
    step = next((s for s in (15, 30, 60, 120, 240, 480, 720) if total / s <= 16), 1440 * (total // 23040 + 1))
    return list(range(0, total + 1, step))


_SVG_COUNT = itertools.count(1)


def _own_ids(svg: str) -> str:
    """Give an inline SVG ids of its own: several charts share one page, and ids must be unique there.

    Ids nobody refers to are dropped; the referenced ones (clip paths, reused glyphs) get a prefix.
    """
    used = set(re.findall(r"(?:href=\"#|url\(#)([^\")]+)", svg))
    prefix = f"c{next(_SVG_COUNT)}-"

    def rename(match: re.Match[str]) -> str:
        ident = match.group(1)
        return f' id="{prefix}{ident}"' if ident in used else ""

    svg = re.sub(r' id="([^"]+)"', rename, svg)
    return re.sub(r'(href="#|url\(#)([^")]+)', lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def _margin(labels: list[str], fig_width: float, points: float = 9) -> float:
    """Left margin (figure fraction) that fits the longest label line; fixed layouts render fastest."""
    longest = max((len(line) for label in labels for line in label.splitlines()), default=0)
    return min(0.5, 0.04 + longest * points * 0.58 / 72 / fig_width)


def _attention(d: DimensionScore) -> tuple[str, str, str]:
    """Colour, hatch and legend key for how much attention a dimension needs."""
    if d.concern is None:
        return "white", "", "legend_unknown"
    if d.concern > HIGH:
        return VERMILLION, "///", "legend_attention"
    if d.concern >= LOW:
        return ORANGE, "..", "legend_mixed"
    return BLUE, "", "legend_fine"


def iceberg_chart(profile: Profile) -> Figure:
    """The dimensions above and below a waterline, each bar its score, coloured by the attention it needs."""
    lang = profile.language
    above = [d for d in profile.dimensions if d.layer == "above"]
    below = [d for d in profile.dimensions if d.layer == "below"]
    rows = [*above, None, *below]  # None is the waterline's row
    height = 0.42 * len(rows) + 1.6
    fig = Figure(figsize=(8, height))
    ax = fig.add_subplot()
    ys = np.arange(len(rows))[::-1]
    water_y = ys[len(above)]
    ax.axhspan(-0.8, water_y, color=WATER, zorder=0)
    ax.axhline(water_y, color=BLUE, linestyle="--", linewidth=1.2, zorder=1)
    ax.text(101, water_y, t("diagnosis.waterline", lang), va="center", ha="left", color=BLUE, fontsize=9)
    labels = []
    for y, d in zip(ys, rows, strict=True):
        if d is None:
            labels.append("")
            continue
        colour, hatch, _ = _attention(d)
        label = d.name + (f"\n({t('diagnosis.lower_is_better', lang)})" if d.healthy == "low" else "")
        labels.append(label)
        if d.score is None:
            ax.barh(y, 100, color="none", edgecolor=GREY, linestyle=":", height=0.62, zorder=2)
            ax.text(50, y, "–", va="center", ha="center", color=GREY)
            continue
        ax.barh(
            y, max(d.score, 1), color=colour, hatch=hatch, edgecolor=INK, linewidth=0.6, height=0.62, zorder=2
        )
        ax.text(d.score + 1.5, y, str(d.score), va="center", ha="left", fontsize=9, color=INK, zorder=3)
    ax.set_yticks(ys, labels, fontsize=9)
    fig.subplots_adjust(left=_margin(labels, 8), right=0.88, top=1 - 0.45 / height, bottom=1.0 / height)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.8, len(rows) - 0.3)
    ax.set_xlabel(t("diagnosis.score_axis", lang))
    ax.tick_params(axis="y", length=0)
    ax.text(
        -0.01,
        ys[0] + 0.55,
        t("layers.above", lang),
        transform=ax.get_yaxis_transform(),
        ha="right",
        fontweight="bold",
        fontsize=9,
    )
    ax.text(
        -0.01,
        water_y - 0.6,
        t("layers.below", lang),
        transform=ax.get_yaxis_transform(),
        ha="right",
        fontweight="bold",
        fontsize=9,
    )
    kinds = [
        (BLUE, "", "-", "legend_fine"),
        (ORANGE, "..", "-", "legend_mixed"),
        (VERMILLION, "///", "-", "legend_attention"),
    ]
    if any(d.score is None for d in profile.dimensions):
        kinds.append(("white", "", ":", "legend_unknown"))
    legend = [
        Patch(
            facecolor=c,
            hatch=h,
            linestyle=ls,
            edgecolor=GREY if ls == ":" else INK,
            label=t(f"diagnosis.{key}", lang),
        )
        for c, h, ls, key in kinds
    ]
    fig.legend(handles=legend, loc="lower center", ncols=len(legend), frameon=False, fontsize=9)
    title = f"{t('diagnosis.heading_iceberg', lang)} · {t('diagnosis.heading_undercurrent', lang)}: {profile.undercurrent}/100"
    fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")
    _style(fig)
    return fig


def stage_chart(profile: Profile) -> Figure:
    """Tuckman's stages on the usual curve of group effectiveness, with the estimated stage marked."""
    lang = profile.language
    stage = profile.stage
    ids = [c[0] for c in stage.curve]
    names = [c[1] for c in stage.curve]
    heights = np.array([c[2] for c in stage.curve])
    xs = np.arange(len(ids))
    fine = np.linspace(0, len(ids) - 1, 200)
    smooth = np.interp(fine, xs, heights)
    kernel = np.ones(15) / 15
    smooth = np.convolve(np.pad(smooth, 7, mode="edge"), kernel, mode="valid")
    fig = Figure(figsize=(8, 3.2))
    fig.subplots_adjust(left=0.06, right=0.98, top=0.88, bottom=0.12)
    ax = fig.add_subplot()
    ax.plot(fine, smooth, color=GREY, linewidth=2, zorder=1)
    top = max(stage.points.values(), default=0) or 1
    marked = stage.stages or ((stage.name,) if stage.name else ())
    for x, ident, h in zip(xs, ids, heights, strict=True):
        chosen = ident in marked
        weight = max(stage.points.get(ident, 0), 0) / top
        ax.scatter(
            [x],
            [h],
            s=60 + 240 * weight,
            color=VERMILLION if chosen else SKY,
            edgecolor=INK,
            linewidth=1.4 if chosen else 0.6,
            zorder=3,
            marker="D" if chosen else "o",
        )
    if stage.name in ids:
        spots = [ids.index(m) for m in marked if m in ids] or [ids.index(stage.name)]
        x = sum(spots) / len(spots)  # between the two stages of a mix
        note = f"{t('diagnosis.estimated', lang, stage=stage.label)}\n{t('diagnosis.stage_confidence', lang, confidence=stage.confidence)}"
        ax.annotate(
            note,
            (x, float(np.interp(x, xs, heights))),
            xytext=(0, 26),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            fontweight="bold",
            arrowprops={"arrowstyle": "-", "color": INK},
        )
    else:
        ax.text(0.5, 0.92, t("diagnosis.no_stage", lang), transform=ax.transAxes, ha="center", color=GREY)
    ax.set_xticks(xs, names, fontsize=9)
    ax.set_yticks([])
    ax.set_ylim(0, 1.3)
    ax.set_xlim(-0.5, len(ids) - 0.5)
    ax.set_ylabel(t("diagnosis.tuckman_axis", lang), fontsize=9)
    ax.set_title(t("diagnosis.heading_stage", lang), loc="left", fontsize=11, fontweight="bold")
    _style(fig)
    return fig


def stance_chart(profile: Profile) -> Figure:
    """The brief's place on the four contrasts between managing (left) and facilitating (right)."""
    lang = profile.language
    contrasts = profile.stance.contrasts
    fig = Figure(figsize=(8, 0.75 * len(contrasts) + 1.2))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.02)
    ax = fig.add_subplot()
    for row, c in enumerate(contrasts):
        y = len(contrasts) - 1 - row
        ax.plot([-1, 1], [y, y], color=GREY, linewidth=1, zorder=1)
        ax.plot([0, 0], [y - 0.12, y + 0.12], color=GREY, linewidth=1, zorder=1)
        ax.text(-1.1, y, "\n".join(textwrap.wrap(c.managing, 26)), ha="right", va="center", fontsize=8.5)
        ax.text(1.1, y, "\n".join(textwrap.wrap(c.facilitating, 26)), ha="left", va="center", fontsize=8.5)
        ax.text(0, y + 0.22, c.name, ha="center", va="bottom", fontsize=9, fontweight="bold")
        if c.position is None:
            ax.scatter([0], [y], s=90, facecolor="white", edgecolor=GREY, linestyle=":", zorder=3)
            ax.text(0, y - 0.3, "?", ha="center", va="top", color=GREY, fontsize=9)
        elif c.position == 0:  # as much of one side as of the other
            ax.scatter([0], [y], s=110, color=GREY, marker="o", edgecolor=INK, zorder=3)
        else:
            managing = c.position < 0
            ax.scatter(
                [c.position],
                [y],
                s=120,
                color=VERMILLION if managing else GREEN,
                marker="<" if managing else ">",
                edgecolor=INK,
                zorder=3,
            )
    ax.text(
        -1,
        len(contrasts) - 0.3,
        f"← {t('diagnosis.managing', lang)}",
        ha="left",
        fontsize=9,
        color=VERMILLION,
        fontweight="bold",
    )
    ax.text(
        1,
        len(contrasts) - 0.3,
        f"{t('diagnosis.facilitating', lang)} →",
        ha="right",
        fontsize=9,
        color=GREEN,
        fontweight="bold",
    )
    ax.set_xlim(-1.95, 1.95)
    ax.set_ylim(-0.7, len(contrasts) - 0.1)
    ax.axis("off")
    ax.set_title(t("diagnosis.heading_stance", lang), loc="left", fontsize=11, fontweight="bold")
    return fig


ROLE_STYLE = {
    "open": (SKY, ""),
    "diverge": (GREEN, "//"),
    "groan": (ORANGE, "xx"),
    "converge": (BLUE, "\\\\"),
    "close": (PURPLE, ".."),
    "energise": ("#F0E442", "++"),
    "input": ("#999999", "--"),
    "break": ("#DDDDDD", ""),
}
"""Okabe-Ito colour and a hatch per arc role, so the strip of blocks also reads in black and white."""
LABEL_POINTS = 8
"""Width a block's rotated 7-point name needs; narrower blocks (a huge agenda) go unnamed on the strip."""
MARKED_FINDINGS = 20
"""At most this many findings are numbered on the arc; more would only cover each other."""
DETAIL = 600
"""The arc is drawn at most this finely (blocks and minutes along the time axis): an agenda of thousands
of blocks would otherwise write thousands of sub-pixel shapes, which cost seconds and look the same."""


def _per_minute(values: tuple[float, ...], empty: float) -> np.ndarray:
    """One value per minute plus the last one repeated (for step plots); an empty agenda gets one minute."""
    seq = list(values) or [empty]
    return np.array([*seq, seq[-1]])


def _role_spans(plan: Plan, total: int) -> dict[str, list[tuple[float, float]]]:
    """(start, minutes) spans per role for the strip of blocks: one per block, or, for an agenda of more
    than :data:`DETAIL` blocks, the role of each of :data:`DETAIL` slices of the session, runs merged."""
    spans: dict[str, list[tuple[float, float]]] = {}
    if len(plan.blocks) <= DETAIL:
        for b in plan.blocks:
            spans.setdefault(b.role, []).append((b.start - plan.start, b.minutes))
        return spans
    width = total / DETAIL
    zone = plan.arc.zone
    runs: list[list[Any]] = []
    for n in range(DETAIL):
        role = zone[min(int(n * width), len(zone) - 1)]
        if runs and runs[-1][0] == role:
            runs[-1][2] += width
        else:
            runs.append([role, n * width, width])
    for role, start, minutes in runs:
        spans.setdefault(role, []).append((start, minutes))
    return spans


def arc_chart(plan: Plan) -> Figure:
    """The session arc over clock time: blocks along the top, Kaner's diamond with the groan zone shaded and
    the energy line, depth below a waterline, and every finding marked (numbered) where it occurs.

    All of it is drawn in one axes, in three horizontal zones (depth below 0, the diamond from 0 to 1, the
    blocks from 1.12 up), which keeps a redraw after every edit fast enough to feel live.
    """
    lang = plan.language
    arc = plan.arc
    total = max(len(arc), 1)
    xs = np.arange(total + 1)
    fig = Figure(figsize=(10, 6.2))
    fig.subplots_adjust(left=0.09, right=0.93, top=0.9, bottom=0.2)
    ax = fig.add_subplot()
    ax.set_xlim(0, total)
    strip_low, strip_high = 1.12, 1.72

    # The blocks along the top: a band coloured and hatched by role, the names on white beneath it
    # (one collection per role, and no boxes behind the names, keep the redraw quick).
    band = strip_high - 0.14
    edge = INK if len(plan.blocks) <= DETAIL else "none"
    for role, spans in _role_spans(plan, total).items():
        colour, hatch = ROLE_STYLE.get(role, (GREY, ""))
        ax.broken_barh(
            spans, (band, strip_high - band), facecolors=colour, hatch=hatch, edgecolor=edge, linewidth=0.6
        )
    fits = total * LABEL_POINTS / (fig.get_figwidth() * 72 * 0.84)  # minutes a 7-point label needs
    named = [b for b in plan.blocks if b.minutes >= fits]
    edges = sorted({b.start - plan.start for b in named} | {b.end - plan.start for b in named})
    ax.vlines(edges, strip_low, band, color=GREY, linewidth=0.6)
    for b in named:  # a block too narrow for its name (a huge agenda) is still drawn in the band above
        name = b.title if len(b.title) <= 20 else b.title[:19] + "…"
        x = b.start - plan.start + b.minutes / 2
        ax.text(
            x, (strip_low + band) / 2, name, rotation=90, ha="center", va="center", fontsize=7, clip_on=True
        )

    # Kaner's diamond: the breadth of options widening and narrowing, the groan zone shaded.
    every = (
        -(-total // DETAIL) if total > DETAIL * 2 else 1
    )  # a long session is sampled, not drawn per minute
    xs = xs[::every]
    breadth = _per_minute(arc.breadth, 0.1)[::every]
    ax.fill_between(xs, 0.5 - breadth / 2, 0.5 + breadth / 2, step="post", color="#CCCCCC", linewidth=0)
    groan = np.array([*([z == "groan" for z in arc.zone] or [False]), False])[::every]
    ax.fill_between(
        xs, 0, 1, where=groan, step="post", facecolor="none", edgecolor=ORANGE, hatch="xx", linewidth=0
    )

    # Energy (1-5) drawn into the diamond's zone, with its own scale on the right.
    energy = _per_minute(arc.energy, 3.0)[::every]
    ax.step(xs, (energy - 0.5) / 5, where="post", color=INK, linewidth=1.8)
    for level in range(1, 6):
        ax.text(total * 1.008, (level - 0.5) / 5, str(level), va="center", ha="left", fontsize=8)
    ax.text(total * 1.045, 0.5, t("arc.energy", lang), rotation=90, va="center", ha="left", fontsize=8)
    ax.text(-total * 0.012, 0.5, t("arc.breadth", lang), rotation=90, va="center", ha="right", fontsize=8)

    # Depth below the waterline.
    depth = _per_minute(arc.depth, 0.0)[::every]
    ax.fill_between(
        xs, -0.12, -0.12 - 0.85 * depth, step="post", color=WATER, edgecolor=BLUE, hatch="..", linewidth=0.8
    )
    ax.axhline(-0.12, color=BLUE, linestyle="--", linewidth=1.2)
    ax.text(total, -0.1, t("diagnosis.waterline", lang), ha="right", va="bottom", fontsize=8, color=BLUE)
    ax.text(-total * 0.012, -0.55, t("arc.depth", lang), rotation=90, va="center", ha="right", fontsize=8)

    # Findings, numbered where they occur; the codes are listed under the chart by number.
    placeable = [f for f in plan.findings if f.minute is not None]
    marked = placeable[:MARKED_FINDINGS]
    placed: list[float] = []
    lines: dict[str, list[float]] = {}
    for n, f in enumerate(marked, 1):
        x = min(max(f.minute, 0), total)  # type: ignore[type-var]
        crowd = sum(1 for other in placed if abs(other - x) < 0.025 * total)  # stack markers that meet
        placed.append(x)
        colour = VERMILLION if f.level == "error" else ORANGE if f.level == "warning" else SKY
        lines.setdefault(colour, []).append(x)
        ax.text(x + crowd * 0.018 * total, 1.06, str(n), ha="center", va="center", fontsize=7, fontweight="bold",
                bbox={"boxstyle": "circle,pad=0.2", "facecolor": "white", "edgecolor": colour})  # fmt: skip
    for colour, xs_ in lines.items():
        ax.vlines(xs_, -0.12, 1.04, color=colour, linestyle=":", linewidth=1.2)

    ax.set_ylim(-1.0, strip_high + 0.02)
    ax.set_yticks([])
    ticks = _clock_ticks(total)
    ax.set_xticks(ticks, [clock(plan.start + m) for m in ticks], fontsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)

    handles = [
        Patch(facecolor="#CCCCCC", label=t("arc.breadth", lang)),
        Patch(facecolor="none", edgecolor=ORANGE, hatch="xx", label=t("arc.groan", lang)),
        Line2D([0], [0], color=INK, linewidth=1.8, label=t("arc.energy", lang)),
        Patch(facecolor=WATER, edgecolor=BLUE, hatch="..", label=t("arc.depth", lang)),
    ]
    fig.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0.09, 0.09), ncols=4, frameon=False, fontsize=8
    )
    notes = "   ".join(f"{n} {f.code}" for n, f in enumerate(marked, 1))
    if len(placeable) > len(marked):
        notes += f"   (+{len(placeable) - len(marked)})"
    if notes:
        fig.text(0.09, 0.03, "\n".join(textwrap.wrap(notes, 150)), fontsize=7.5, va="bottom")
    title = t(
        "arc.title",
        lang,
        start=clock(plan.start),
        end=clock(plan.end),
        minutes=plan.total_minutes,
        budget=plan.budget_minutes,
    )
    fig.suptitle(title, x=0.09, ha="left", fontsize=11, fontweight="bold")
    return fig


OBSERVATION_MARK = {
    "energy-low": "v", "tension": "X", "silence": "s", "breakthrough": "*", "conflict": "D", "laughter": "^", "note": "o",
}  # fmt: skip


def plan_vs_actual_chart(planned: Plan, actual: Plan, observations: list[tuple[int, str, str]]) -> Figure:
    """The planned and the actual session on one clock: two strips of blocks, the two energy lines,
    and every observation (minute after the planned start, kind, label) marked where it was seen."""
    lang = actual.language
    start = min(planned.start, actual.start)
    end = (
        max(planned.end, actual.end, *(start + m for m, _, _ in observations))
        if observations
        else max(planned.end, actual.end)
    )
    total = max(end - start, 1)
    fig = Figure(figsize=(10, 4.6))
    fig.subplots_adjust(left=0.1, right=0.97, top=0.86, bottom=0.22)
    ax = fig.add_subplot()
    ax.set_xlim(0, total)
    rows = ((planned, 2.3, t("live.planned", lang)), (actual, 1.3, t("live.actual", lang)))
    for p, y, label in rows:
        for b in p.blocks:
            colour, hatch = ROLE_STYLE.get(b.role, (GREY, ""))
            ax.broken_barh(
                [(b.start - start, b.minutes)],
                (y, 0.7),
                facecolors=colour,
                hatch=hatch,
                edgecolor=INK,
                linewidth=0.6,
            )
        ax.text(-total * 0.01, y + 0.35, label, ha="right", va="center", fontsize=9, fontweight="bold")
        energy = [(b.start - start, b.energy) for b in p.blocks]
        xs = [x for x, _ in energy] + [p.end - start]
        ys = [e for _, e in energy] + [energy[-1][1] if energy else 3]
        ax.step(
            xs,
            [(y_ - 1) / 4 * 0.9 for y_ in ys],
            where="post",
            color=INK,
            linestyle="--" if p is planned else "-",
            linewidth=1.6,
        )
    for minute, kind, _label in observations:
        ax.scatter(
            [minute],
            [1.12],
            marker=OBSERVATION_MARK.get(kind, "o"),
            s=70,
            color=VERMILLION,
            edgecolor=INK,
            zorder=4,
        )
        ax.plot([minute, minute], [0, 1.12], color=VERMILLION, linestyle=":", linewidth=0.8)
    ax.set_ylim(-0.05, 3.1)
    ax.set_yticks([])
    ticks = _clock_ticks(total)
    ax.set_xticks(ticks, [clock(start + m) for m in ticks], fontsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    kinds = sorted({k for _, k, _ in observations})
    handles = [
        Line2D(
            [0], [0], color=INK, linestyle="--", label=f"{t('arc.energy', lang)} ({t('live.planned', lang)})"
        ),
        Line2D(
            [0], [0], color=INK, linestyle="-", label=f"{t('arc.energy', lang)} ({t('live.actual', lang)})"
        ),
        *[
            Line2D(
                [0],
                [0],
                marker=OBSERVATION_MARK.get(k, "o"),
                color="none",
                markerfacecolor=VERMILLION,
                markeredgecolor=INK,
                label=t(f"live.kinds.{k}", lang),
            )
            for k in kinds
        ],
    ]
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.1, 0.0),
        ncols=min(len(handles), 5),
        frameon=False,
        fontsize=8,
    )
    fig.suptitle(
        f"{t('live.planned', lang)} / {t('live.actual', lang)} · {clock(actual.start)}–{clock(actual.end)}",
        x=0.1,
        ha="left",
        fontsize=11,
        fontweight="bold",
    )
    return fig


def scores_chart(scores: list[tuple[str, int]], title: str) -> Figure:
    """Horizontal bars with their values: the leadership self-assessment, the colours heard in a wish."""
    fig = Figure(figsize=(7, 0.55 * len(scores) + 1.2))
    labels = [label for label, _ in scores]
    fig.subplots_adjust(
        left=_margin(labels, 7),
        right=0.92,
        top=1 - 0.5 / (0.55 * len(scores) + 1.2),
        bottom=0.6 / (0.55 * len(scores) + 1.2),
    )
    ax = fig.add_subplot()
    ys = np.arange(len(scores))[::-1]
    patterns = ["", "//", "..", "xx", "\\\\"]
    for n, (y, (_, value)) in enumerate(zip(ys, scores, strict=True)):
        ax.barh(
            y,
            max(value, 0.5),
            color=(BLUE, GREEN, ORANGE, PURPLE, SKY)[n % 5],
            hatch=patterns[n % 5],
            edgecolor=INK,
            linewidth=0.6,
            height=0.6,
        )
        ax.text(value + 1, y, str(value), va="center", fontsize=9)
    ax.set_yticks(ys, labels, fontsize=9)
    ax.set_xlim(0, max(100, max((v for _, v in scores), default=0) * 1.15))
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    _style(fig)
    return fig


def rose_chart(
    positions: list[tuple[str, float, str]],
    selected: str | None,
    invited: str | None,
    axes: dict[str, str],
    title: str,
) -> Figure:
    """Leary's Rose: eight positions around two axes; the chosen behaviour and the one it invites marked.

    ``positions`` are (id, angle in degrees, label); ``axes`` names the four ends (above, below, together,
    against) in the reader's language.
    """
    fig = Figure(figsize=(6.4, 6.4))
    fig.subplots_adjust(left=0.04, right=0.96, top=0.9, bottom=0.04)
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.axis("off")
    for ident, angle, label in positions:
        start = angle - 22.5
        colour = VERMILLION if ident == selected else SKY if ident == invited else "#EEEEEE"
        hatch = "//" if ident == selected else ".." if ident == invited else ""
        ax.add_patch(
            Wedge((0, 0), 1.0, start, start + 45, facecolor=colour, hatch=hatch, edgecolor=INK, linewidth=0.8)
        )
        rad = np.radians(angle)
        ax.text(
            0.68 * np.cos(rad),
            0.68 * np.sin(rad),
            label,
            ha="center",
            va="center",
            fontsize=9,
            fontweight="bold" if ident in (selected, invited) else "normal",
        )
    ax.plot([-1.12, 1.12], [0, 0], color=INK, linewidth=1.2)
    ax.plot([0, 0], [-1.12, 1.12], color=INK, linewidth=1.2)
    ax.text(0, 1.18, axes["above"], ha="center", va="bottom", fontsize=10, fontweight="bold")
    ax.text(0, -1.18, axes["below"], ha="center", va="top", fontsize=10, fontweight="bold")
    ax.text(1.16, 0, axes["together"], ha="left", va="center", fontsize=10, fontweight="bold")
    ax.text(-1.16, 0, axes["against"], ha="right", va="center", fontsize=10, fontweight="bold")
    if selected and invited:
        a, b = (np.radians(next(p[1] for p in positions if p[0] == x)) for x in (selected, invited))
        ax.annotate(
            "",
            xy=(0.42 * np.cos(b), 0.42 * np.sin(b)),
            xytext=(0.42 * np.cos(a), 0.42 * np.sin(a)),
            arrowprops={"arrowstyle": "->", "color": INK, "linewidth": 1.6},
        )
    ax.set_xlim(-1.55, 1.55)
    ax.set_ylim(-1.4, 1.4)
    fig.suptitle(title, x=0.04, ha="left", fontsize=11, fontweight="bold")
    return fig
