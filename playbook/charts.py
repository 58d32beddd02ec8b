"""Matplotlib figures drawn from core objects; the same figures serve notebooks, the CLI and handouts.

Charts only draw what the core computed (a Profile, later an Arc). They use the Okabe-Ito palette, which
stays distinguishable for colour-blind readers, and add hatching and labels wherever colour carries
meaning, so a black-and-white print still reads. No pyplot: figures are plain ``Figure`` objects, free
of global state, rendered with the Agg backend.
"""

from __future__ import annotations

import io
import re
import textwrap
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Wedge
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.textpath import TextToPath

from .agenda import Plan, clock
from .chartkeys import arc_key, iceberg_key, stage_key, stance_key  # noqa: F401  (the views' import)
from .chartkeys import stage_weights as _stage_weights
from .chartmemo import MEMO, SvgMemo, inline  # noqa: F401  (the views' import)
from .diagnosis import HIGH, LOW, DimensionScore, Profile
from .i18n import t
from .outputs import GENERATOR
from .review import Review
from .structure.method import MARKED_FINDINGS, finding_mark

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


HATCH = {
    "diverge": "//",
    "groan": "xx",
    "converge": "\\\\",
    "close": "--",
    "energise": "++",
    "input": "||",
    "attention": "///",
    "mixed": "\\\\",
}
"""Every hatch the charts use, defined once. Line hatches only: a dotted hatch costs some 20-70 KB of
SVG per pattern, a line hatch under 1 KB, and lines stay as readable in black and white."""

A4_WIDTH = 7.1
"""Inches: the text width of an A4 page (210 mm less two 14 mm margins), so a point on the chart is a
point on paper and the smallest text (7 pt) stays legible."""
SMALL, LABEL, TITLE = 7.5, 8, 10
NAMED_BLOCKS = 40
"""Up to this many blocks a chart numbers them and names them underneath; a longer agenda is drawn as
its shape alone (the table beside it names every block)."""


@contextmanager
def _drawing(rc: dict[str, object]) -> Iterator[None]:
    """Matplotlib settings for one drawing; a character the font lacks (an emoji in a title) is drawn
    as a box without a warning in the facilitator's notebook."""
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        yield


def plain_text(fig: Figure) -> Figure:
    """Make every text of ``fig`` plain text: no mathtext, so a ``$`` in a title is just a dollar.

    The one helper between user text and a chart: every figure passes it on its way out
    (:func:`to_png`, :func:`to_svg`, :func:`svg_file`), whichever text a chart draws."""
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (for widgets.Image and for embedding in handouts), marked as the
    playbook's own (its ``Software`` field), so exporting again may replace it."""
    buffer = io.BytesIO()
    with _drawing(RC):
        plain_text(fig).savefig(
            buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": GENERATOR}
        )
    return buffer.getvalue()


def svg_file(fig: Figure) -> str:
    """The figure as a standalone SVG file (``playbook arc -o x.svg``), marked as the playbook's own in
    its metadata (its creator), so exporting again may replace it; inline charts use :func:`to_svg`."""
    with _drawing({**RC, "svg.fonttype": "none"}):
        return _svg_document(plain_text(fig), {"Creator": GENERATOR, "Date": None})


def to_svg(fig: Figure, alt: str | None = None) -> str:
    """The figure as an inline ``<svg>`` element with real text: crisp in print, searchable, and about
    twice as fast to produce as a PNG, which keeps widgets responsive.

    Without matplotlib's metadata (RDF that is not valid inside an HTML page) and, given ``alt``, with a
    text alternative (``role="img"`` and a ``<title>``) for screen readers in a page that inlines it.
    """
    return inline(bare_svg(fig), alt)


def bare_svg(fig: Figure) -> str:
    """The ``<svg>`` element alone, ids as matplotlib wrote them: what :class:`SvgMemo` remembers."""
    with _drawing({**RC, "svg.fonttype": "none"}):
        plain = {"Date": None, "Creator": None, "Format": None, "Type": None}
        svg = _svg_document(plain_text(fig), plain, replay=True)
    svg = svg[svg.index("<svg") :]
    while (start := svg.find("<metadata>")) >= 0:  # RDF, which is not valid inside an HTML page
        end = svg.index("</metadata>", start) + len("</metadata>")
        svg = svg[:start].rstrip() + svg[end:]
    return svg


class _MeasuringSVG(RendererSVG):
    """Matplotlib's SVG renderer, with text measured once per process instead of once per drawing.

    Matplotlib caches the size of a text per renderer, and ``savefig`` makes a new renderer every time,
    so every click measured every label of a chart again with FreeType: half the time of an arc chart.
    A text's size depends only on its characters and font (an SVG is always laid out at 72 dpi), so
    these measurements are kept for the process. The SVG is the same, byte for byte
    (``tests/test_charts.py`` compares it with ``savefig``'s).
    """

    def get_text_width_height_descent(self, s, prop, ismath):  # noqa: ANN001, ANN202
        return _text_size(s, prop.copy(), ismath)

    def _get_font_height_metrics(self, prop):  # noqa: ANN001, ANN202
        # The hook matplotlib's text layout asks a renderer for the font's line metrics; without it,
        # every text reads them from the font file's tables again.
        return _line_metrics(prop.copy())

    def __init__(self, *args: Any, out: io.StringIO, replay: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Matplotlib's XML writer closes a start tag lazily (its '>' waits for what comes next): a picture
        # is recorded and copied between whole tags only, after closing the one left open. Without that
        # hook (another matplotlib), every artist is drawn as usual.
        self._settle = getattr(self.writer, "_XMLWriter__flush", None)
        self.out, self.replay = out, replay and self._settle is not None

    def open_group(self, s: str, gid: str | None = None) -> None:
        """A group; in an inline SVG without the id matplotlib numbers it by (nobody refers to it, and
        :func:`to_svg` would drop it): less to write and to rewrite."""
        if self.replay and not gid:
            self.writer.start("g")
        else:
            super().open_group(s, gid)

    def _tables(self) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
        """The definitions matplotlib writes once per SVG (hatches, clip paths at the end; markers inline)."""
        return self._hatchd, self._clipd, self._markers

    def record(self, draw: Callable[[], None]) -> tuple[str, tuple[dict, ...]]:  # type: ignore[type-arg]
        """Draw, and return what that wrote with the definitions it added."""
        self._settle()
        start, before = self.out.tell(), [dict(table) for table in self._tables()]
        draw()
        added = tuple(
            {k: v for k, v in now.items() if k not in old}
            for now, old in zip(self._tables(), before, strict=True)
        )
        return self.out.getvalue()[start:], added

    def copy(self, svg: str, added: tuple[dict, ...], uses: frozenset[str] = frozenset()) -> bool:  # type: ignore[type-arg]
        """Write what :meth:`record` returned; False (nothing written) where that cannot be exact: a
        marker it defines inline is defined already, or one it ``uses`` (by id) is not defined yet."""
        if not self.replay or added[2].keys() & self._markers.keys():  # a marker defined inline twice
            return False
        if uses - set(self._markers.values()) - set(added[2].values()):
            return False
        self._settle()
        self.out.write(svg)
        for table, new in zip(self._tables(), added, strict=True):
            for key, value in new.items():
                table.setdefault(key, value)
        return True


class _Still:
    """An artist whose SVG is written once per picture it shows, then copied into every later drawing
    instead of being laid out again: a legend or the names of the blocks (which a click never changes),
    a block's number or a finding's letter (which a click moves along the strip).

    ``shows`` names what the artist looks like apart from where it stands (equal names, equal pictures);
    ``anchor`` is where it stands, in display points. A picture drawn at one anchor is copied to another
    inside a ``translate``: text and unhatched outlines only, never a clipped or hatched artist (a clip or
    a hatch would move with it). Only for artists at a figure's or an axes' top level, between whole
    groups. Other renderers (PNG) and SVG files draw the artist as usual.
    """

    KEPT = 8
    """Pictures kept per artist (a tick label's few clock times, a mark's few colours)."""

    def __init__(
        self,
        artist: Artist,
        shows: Callable[[], object] = lambda: None,
        anchor: Callable[[], tuple[float, float]] | None = None,
    ) -> None:
        self._artist, self._draw, self._shows, self._anchor = artist, artist.draw, shows, anchor
        self._svgs: OrderedDict[object, tuple[str, tuple[dict, ...], frozenset[str], tuple[float, float]]] = (
            OrderedDict()
        )  # type: ignore[type-arg]
        self.drawn = 0
        """How many times the artist was really drawn into an SVG (the tests count them)."""
        artist.draw = self.draw  # type: ignore[method-assign]

    @classmethod
    def text(cls, text: Text, shows: Callable[[], object]) -> _Still:
        """A text (with its box) that moves: copied to wherever its position lands on the page."""
        return cls(text, shows, lambda: tuple(text.get_transform().transform(text.get_unitless_position())))

    def draw(self, renderer: Any) -> None:
        if not isinstance(renderer, _MeasuringSVG) or not renderer.replay:
            self._draw(renderer)
            return
        if not self._artist.get_visible():
            return
        key = self._shows()
        at = self._anchor() if self._anchor is not None else (0.0, 0.0)
        known = self._svgs.get(key)
        if known is None:
            self._record(renderer, key, at)
            return
        svg, added, uses, was = known
        self._svgs.move_to_end(key)
        if at != was:
            if "clip-path" in svg or "url(#h" in svg or not all(map(np.isfinite, at)):
                self._record(renderer, key, at)
                return
            dx, dy = _svg_number(at[0] - was[0]), _svg_number(was[1] - at[1])  # SVG's y runs down
            svg = f'<g transform="translate({dx} {dy})">\n{svg}</g>\n'
        if not renderer.copy(svg, added, uses):
            self._draw(renderer)

    def _record(self, renderer: _MeasuringSVG, key: object, at: tuple[float, float]) -> None:
        svg, added = renderer.record(lambda: self._draw(renderer))
        self.drawn += 1
        self._svgs[key] = (svg, added, frozenset(_MARKER_USE.findall(svg)), at)
        if len(self._svgs) > self.KEPT:
            self._svgs.popitem(last=False)


_MARKER_USE = re.compile(r'xlink:href="#(m[0-9a-f]+)"')


def _svg_number(value: float) -> str:
    """A coordinate as matplotlib writes one in an SVG (six decimals, no trailing zeros)."""
    return f"{value:f}".rstrip("0").rstrip(".") or "0"


_TEXT_TO_PATH = TextToPath()


@lru_cache(maxsize=4096)
def _text_size(s: str, prop: FontProperties, ismath: bool | str) -> tuple[float, float, float]:
    return _TEXT_TO_PATH.get_text_width_height_descent(s, prop, ismath)


@lru_cache(maxsize=256)
def _line_metrics(prop: FontProperties) -> tuple[float | None, float | None, float | None]:
    font = get_font(fontManager._find_fonts_by_props(prop))
    scale = prop.get_size_in_points() / font.get_sfnt_table("head")["unitsPerEm"]  # at 72 dpi
    for name, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(name)
        if table is not None:
            return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None


def _svg_document(fig: Figure, metadata: dict[str, object], *, replay: bool = False) -> str:
    """What ``fig.savefig(format="svg")`` writes for our figures (no bbox, no rasterised artists), drawn
    by :class:`_MeasuringSVG`. With ``replay``, the :class:`_Still` artists are copied from their first
    drawing: the same picture, though the ids nobody refers to (which :func:`to_svg` drops) may differ."""
    buffer = io.StringIO()
    dpi = fig.dpi
    width, height = fig.get_size_inches()
    fig.dpi = 72
    try:
        renderer = _MeasuringSVG(
            width * 72, height * 72, buffer, image_dpi=dpi, metadata=metadata, out=buffer, replay=replay
        )
        fig.draw(renderer)
        renderer.finalize()
    finally:
        fig.dpi = dpi
    return buffer.getvalue()


def _margin(labels: list[str], fig_width: float, points: float = 9) -> float:
    """Left margin (figure fraction) that fits the longest label line; fixed layouts render fastest."""
    longest = max((len(line) for label in labels for line in label.splitlines()), default=0)
    return min(0.5, 0.04 + longest * points * 0.58 / 72 / fig_width)


def _attention(d: DimensionScore) -> tuple[str, str, str]:
    """Colour, hatch and legend key for how much attention a dimension needs."""
    if d.concern is None:
        return "white", "", "legend_unknown"
    if d.concern > HIGH:
        return VERMILLION, HATCH["attention"], "legend_attention"
    if d.concern >= LOW:
        return ORANGE, HATCH["mixed"], "legend_mixed"
    return BLUE, "", "legend_fine"


def iceberg_chart(profile: Profile) -> Figure:
    """The dimensions above and below a waterline, each bar the attention it needs (0-100): one measure
    for every bar, so a longer bar always means more to look at, whichever end of its scale is healthy.
    Drawn by :class:`IcebergFigure`, which the diagnosis panel keeps."""
    return IcebergFigure().update(profile)


class IcebergFigure:
    """An iceberg chart that follows the profile: an answer moves its bars, numbers and title in place.

    Only other dimensions, another language or the first (or last) unanswered dimension, which adds
    (or drops) a key in the legend, draw the figure anew; :func:`iceberg_chart` draws through this code.
    """

    def __init__(self) -> None:
        self.figure: Figure | None = None
        self.built = 0
        """How many times the figure was made from scratch (the views' tests count them)."""
        self._shape: tuple[object, ...] | None = None

    def update(self, profile: Profile) -> Figure:
        dims = profile.dimensions
        shape = (
            profile.language,
            tuple((d.layer, d.name) for d in dims),
            any(d.concern is None for d in dims),
        )
        if self.figure is None or shape != self._shape:
            self._build(profile)
            self._shape = shape
        self._place(profile)
        assert self.figure is not None
        return self.figure

    def _build(self, profile: Profile) -> None:
        lang = profile.language
        above = [d for d in profile.dimensions if d.layer == "above"]
        below = [d for d in profile.dimensions if d.layer == "below"]
        rows = [*above, None, *below]  # None is the waterline's row
        height = 0.3 * len(rows) + 1.3
        fig = Figure(figsize=(A4_WIDTH, height))
        ax = fig.add_subplot()
        ys = np.arange(len(rows))[::-1]
        water_y = ys[len(above)]
        ax.axhspan(-0.8, water_y, color=WATER, zorder=0)
        ax.axhline(water_y, color=BLUE, linestyle="--", linewidth=1.2, zorder=1)
        ax.text(
            101, water_y, t("diagnosis.waterline", lang), va="center", ha="left", color=BLUE, fontsize=LABEL
        )
        labels = ["" if d is None else d.name for d in rows]
        self.bars = []  # per dimension, in the profile's order: its bar and its number
        by_id = {}
        for y, d in zip(ys, rows, strict=True):
            if d is not None:
                by_id[d.id] = (
                    ax.barh(y, 1, height=0.62, zorder=2)[0],
                    ax.text(0, y, "", va="center", zorder=3),
                )
        self.bars = [by_id[d.id] for d in profile.dimensions]
        ax.set_yticks(ys, labels, fontsize=LABEL)
        fig.subplots_adjust(
            left=_margin(labels, A4_WIDTH, LABEL) + 0.02,
            right=0.86,
            top=1 - 0.4 / height,
            bottom=0.85 / height,
        )
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.8, len(rows) - 0.3)
        ax.set_xlabel(t("diagnosis.attention_axis", lang), fontsize=LABEL)
        ax.tick_params(axis="y", length=0)
        ax.tick_params(axis="x", labelsize=LABEL)
        for y, key in ((ys[0] + 0.55, "layers.above"), (water_y - 0.6, "layers.below")):
            ax.text(
                -0.01,
                y,
                t(key, lang),
                transform=ax.get_yaxis_transform(),
                ha="right",
                fontweight="bold",
                fontsize=LABEL,
            )
        kinds = [
            (BLUE, "", "-", "legend_fine"),
            (ORANGE, HATCH["mixed"], "-", "legend_mixed"),
            (VERMILLION, HATCH["attention"], "-", "legend_attention"),
        ]
        if any(d.concern is None for d in profile.dimensions):
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
        _Still(
            fig.legend(handles=legend, loc="lower center", ncols=len(legend), frameon=False, fontsize=LABEL)
        )
        self.title = fig.suptitle("", x=0.01, ha="left", fontsize=TITLE, fontweight="bold")
        _style(fig)
        self.figure = fig
        self.built += 1

    def _place(self, profile: Profile) -> None:
        lang = profile.language
        for d, (bar, number) in zip(profile.dimensions, self.bars, strict=True):
            y = bar.get_y() + bar.get_height() / 2
            if d.concern is None:  # not answered yet: an empty dotted outline with a dash
                bar.set(width=100, facecolor="none", hatch="", edgecolor=GREY, linestyle=":", linewidth=None)
                number.set(x=50, y=y, text="–", ha="center", color=GREY, fontsize=None)
                continue
            colour, hatch, _ = _attention(d)
            bar.set(width=max(d.concern, 1), facecolor=colour, hatch=hatch, edgecolor=INK, linestyle="-")
            bar.set_linewidth(0.6)
            number.set(x=d.concern + 1.5, y=y, text=str(d.concern), ha="left", color=INK, fontsize=LABEL)
        title = f"{t('diagnosis.heading_iceberg', lang)} · {t('diagnosis.heading_undercurrent', lang)}: {profile.undercurrent}/100"
        self.title.set_text(title)


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
    weights = _stage_weights(stage)
    marked = stage.stages or ((stage.name,) if stage.name else ())
    for x, ident, h in zip(xs, ids, heights, strict=True):
        chosen = ident in marked
        weight = weights.get(ident, 0.0)
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
    "diverge": (GREEN, HATCH["diverge"]),
    "groan": (ORANGE, HATCH["groan"]),
    "converge": (BLUE, HATCH["converge"]),
    "close": (PURPLE, HATCH["close"]),
    "energise": ("#F0E442", HATCH["energise"]),
    "input": ("#BBBBBB", HATCH["input"]),
    "break": ("white", ""),
}
"""Okabe-Ito colour and a hatch per arc role, so the strip of blocks also reads in black and white; a
break is white with a dashed outline, as empty as a break should be."""


def _per_minute(values: tuple[float, ...], empty: float) -> np.ndarray:
    """One value per minute plus the last one repeated (for step plots); an empty agenda gets one minute."""
    seq = list(values) or [empty]
    return np.array([*seq, seq[-1]])


def _corners(xs: np.ndarray, *ys: np.ndarray) -> tuple[np.ndarray, ...]:
    """Step curves (``where="post"``) through only the points where a value starts or ends a run.

    A block holds one energy, depth and phase for all its minutes, so an arc of hundreds of minutes has
    tens of corners: the outline is the same, with a tenth of the points to move, lay out and write.
    Each run keeps its first and last point, which is what ``fill_between(where=...)`` spans."""
    if len(xs) <= 2:
        return (xs, *ys)
    changes = np.zeros(len(xs) - 1, bool)
    for y in ys:
        changes |= y[1:] != y[:-1]
    keep = np.ones(len(xs), bool)
    keep[1:-1] = changes[:-1] | changes[1:]  # a run's last point, or the next run's first
    return (xs[keep], *(y[keep] for y in ys))


DETAIL = 600
"""The arc is drawn at most this finely (blocks and minutes along the time axis): an agenda of thousands
of blocks would otherwise write thousands of sub-pixel shapes, which cost seconds and look the same."""


def _sampled_spans(plan: Plan, total: int) -> list[tuple[str, float, float, str]]:
    """The strip of a huge agenda: the role of each of :data:`DETAIL` slices of the session, runs of one
    role merged into one span (unnumbered: the table beside the chart names every block)."""
    width, zone = total / DETAIL, plan.arc.zone
    runs: list[list] = []  # type: ignore[type-arg]
    for n in range(DETAIL):
        role = zone[min(int(n * width), len(zone) - 1)] if zone else "open"
        if runs and runs[-1][0] == role:
            runs[-1][2] += width
        else:
            runs.append([role, n * width, width])
    return [(role, start, minutes, "") for role, start, minutes in runs]


def _role_names(audience: str, lang: str) -> dict[str, str]:
    key = "plain" if audience == "participants" else "roles"
    names = {role: t(f"{key}.{role}", lang) for role in ROLE_STYLE if role != "break"}
    return {**names, "break": t("session.break", lang)}


def _role_patch(role: str, label: str) -> Patch:
    colour, hatch = ROLE_STYLE.get(role, (GREY, ""))
    style = "--" if role == "break" else "-"
    return Patch(facecolor=colour, hatch=hatch, edgecolor=INK, linewidth=0.6, linestyle=style, label=label)


def _bars(collection: PolyCollection, bars: list[tuple[float, float]]) -> None:
    """Put the blocks of one role on the strip as one compound outline (rectangles never overlap): one
    path to lay out and write instead of one per block, the same picture."""
    rectangles = [
        [(x, STRIP_LOW), (x, STRIP_HIGH), (x + width, STRIP_HIGH), (x + width, STRIP_LOW), (x, STRIP_LOW)]
        for x, width in bars
    ]
    if not rectangles:
        collection.set_verts([])
        return
    codes = [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY] * len(rectangles)
    collection.set_verts_and_codes([np.array(rectangles, float).reshape(-1, 2)], [codes])


def _strip(ax, spans: list[tuple[str, float, float, str]], y: float, height: float) -> tuple[dict, list]:  # noqa: ANN001
    """Blocks as a band coloured and hatched by role (one collection per role keeps a long agenda quick),
    each with its number on white in the middle; the collections by role and the numbers' texts."""
    by_role: dict[str, list[tuple[float, float]]] = {}
    for role, x, width, _ in spans:
        by_role.setdefault(role, []).append((x, width))
    collections, numbers = {}, []
    for role, bars in by_role.items():
        colour, hatch = ROLE_STYLE.get(role, (GREY, ""))
        collections[role] = ax.broken_barh(
            bars,
            (y, height),
            facecolors=colour,
            hatch=hatch,
            edgecolor=INK,
            linewidth=0.6,
            linestyle="--" if role == "break" else "-",
        )
    for _, x, width, number in spans:
        if number:
            numbers.append(
                ax.text(
                    x + width / 2,
                    y + height / 2,
                    number,
                    ha="center",
                    va="center",
                    fontsize=SMALL,
                    bbox={"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none"},
                )
            )
    return collections, numbers


def _legends(fig: Figure, handles: list[Artist], names: list[str], legend_in: float, height: float) -> None:
    """The key under a chart: one row of what the marks mean, then the numbered block names."""
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.02, (legend_in + 0.5) / height),
        ncols=5,
        frameon=False,
        fontsize=SMALL,
        handlelength=1.6,
        columnspacing=1.0,
    )
    _names_legend(fig, names, legend_in / height, legend_in)


def _names_legend(fig: Figure, names: list[str], top: float, height_in: float) -> None:
    """'1 Welcome …' for every block, in columns under the chart, wrapped between words, never cut."""
    if not names:
        return
    columns = 3 if len(names) > 8 else 2
    width = int(A4_WIDTH / columns * 72 / (SMALL * 0.55)) - 4
    per_column = -(-len(names) // columns)
    for c in range(columns):
        lines: list[str] = []
        for n, name in enumerate(names[c * per_column : (c + 1) * per_column], c * per_column + 1):
            wrapped = textwrap.wrap(f"{n} {name}", width, subsequent_indent="   ", break_long_words=False)
            lines += wrapped or [str(n)]
        fig.text(
            0.02 + c / columns * 0.98,
            top,
            "\n".join(lines),
            fontsize=SMALL,
            va="top",
            ha="left",
            linespacing=1.25,
        )


def _legend_lines(names: list[str], columns: int) -> int:
    width = int(A4_WIDTH / columns * 72 / (SMALL * 0.55)) - 4
    per_column = -(-len(names) // columns)
    counts = []
    for c in range(columns):
        chunk = names[c * per_column : (c + 1) * per_column]
        counts.append(
            sum(
                len(textwrap.wrap(f"{n} {x}", width, break_long_words=False)) or 1
                for n, x in enumerate(chunk)
            )
        )
    return max(counts, default=0)


def _time_axis(ax, origin: int, total: int) -> tuple[list[int], list[str]]:  # noqa: ANN001
    """Ticks on the clock's round times, labelled; returns the ticks and their labels."""
    step = 15 if total <= 120 else 30 if total <= 300 else 60
    while total / step > 16:  # a session of days (a huge agenda): at most some 16 labels, on round hours
        step *= 2 if step < 240 else 3 if step < 1440 else 2
    first = -origin % step  # ticks on the clock's round times, whenever the chart begins
    ticks = list(range(first, total + 1, step))
    days = [(origin + m) // (24 * 60) for m in ticks]  # past midnight: "+1" for the next day
    labels = [clock(origin + m) + (f" +{d}" if d else "") for m, d in zip(ticks, days, strict=True)]
    ax.set_xticks(ticks, labels, fontsize=LABEL)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_yticks([])
    return ticks, labels


def arc_chart(plan: Plan, audience: str = "facilitator") -> Figure:
    """The session arc over clock time: the blocks along the top, Kaner's diamond with the groan zone, the
    energy line and (for the facilitator) the depth below a waterline and the findings, lettered.

    Sized for an A4 page so its text prints at 7.5 pt or more. Participants get the shape only: plain
    words for the phases, no findings, codes or budget. Drawn by :class:`ArcFigure`, which widgets keep.
    """
    return ArcFigure(audience).update(plan)


STRIP_LOW, STRIP_HIGH = 1.12, 1.47
WATERLINE = -0.12


class ArcFigure:
    """An arc chart that follows its plan: the agenda builder and the live companion keep one.

    A click that changes minutes, energy, findings or the start (the same blocks in the same order, the
    same language) moves the figure's artists in place: the strip's bars and numbers, the breadth, groan
    and depth areas, the energy line, the findings' marks, the clock ticks and the title. Only a different
    list of blocks (which changes the legend of names and the figure's height) draws the figure anew.
    :func:`arc_chart` draws through this same code, so the two cannot drift apart.
    """

    def __init__(self, audience: str = "facilitator") -> None:
        self.audience = audience
        self.figure: Figure | None = None
        self.built = 0
        """How many times the figure was made from scratch (the views' tests count them)."""
        self._shape: tuple[object, ...] | None = None

    def update(self, plan: Plan) -> Figure:
        """The figure for ``plan``: the same figure with its artists moved, or a new one if it must be."""
        shape: tuple[object, ...] = (plan.language, tuple((b.title, b.role) for b in plan.blocks))
        if len(plan.blocks) > DETAIL:  # a huge agenda's strip is sampled: its roles follow the minutes
            shape += (frozenset(role for role, *_ in _sampled_spans(plan, max(len(plan.arc), 1))),)
        if self.figure is None or shape != self._shape:
            self._build(plan)
            self._shape = shape
        self._place(plan)
        assert self.figure is not None
        return self.figure

    # -- what stays while the blocks stay ---------------------------------------------------------------

    def _build(self, plan: Plan) -> None:
        lang = plan.language
        facilitator = self.facilitator = self.audience != "participants"
        self.numbered = facilitator and len(plan.blocks) <= NAMED_BLOCKS
        names = [b.title for b in plan.blocks] if self.numbered else []
        columns = 3 if len(names) > 8 else 2
        legend_in = 0.16 * _legend_lines(names, columns) + (0.15 if names else 0)
        plot_in = 2.9 if facilitator else 1.9
        height = plot_in + 0.95 + legend_in
        fig = Figure(figsize=(A4_WIDTH, height))
        fig.subplots_adjust(left=0.06, right=0.94, top=1 - 0.32 / height, bottom=(legend_in + 0.75) / height)
        ax = self.ax = fig.add_subplot()
        edge = ax.get_yaxis_transform()  # x as a fraction of the axes: labels stay put when the time changes

        self.bars, self.numbers = _strip(ax, self._spans(plan), STRIP_LOW, STRIP_HIGH - STRIP_LOW)
        for number in self.numbers:  # each keeps its digits: a click only moves it along the strip
            _Still.text(number, number.get_text)
        xs, empty = np.arange(2), np.zeros(2)
        self.breadth = ax.fill_between(xs, empty, empty, step="post", color="#D9D9D9", linewidth=0)
        groan_style = {"facecolor": (0.9, 0.62, 0.0, 0.25), "edgecolor": "#5A5A5A", "hatch": HATCH["groan"]}
        self.groan = None
        if facilitator:  # participants see it as 'talking it through' in the strip, not as method jargon
            self.groan = ax.fill_between(
                xs, 0, 1, where=[False, False], step="post", linewidth=0.8, **groan_style
            )
        (self.energy,) = ax.step(xs, empty, where="post", color=INK, linewidth=1.8)
        for level in range(1, 6):
            ax.text(
                1.008, (level - 0.5) / 5, str(level), va="center", ha="left", fontsize=SMALL, transform=edge
            )
        ax.text(
            1.04,
            0.5,
            t("arc.energy", lang),
            rotation=90,
            va="center",
            ha="left",
            fontsize=SMALL,
            transform=edge,
        )
        ax.text(
            -0.012, 0.5, t("arc.breadth_short", lang), rotation=90, va="center", ha="right", fontsize=SMALL,
            transform=edge,
        )  # fmt: skip

        handles = [
            Patch(
                facecolor="#D9D9D9",
                label=t("arc.breadth" if facilitator else "arc.breadth_participants", lang),
            ),
            Line2D([0], [0], color=INK, linewidth=1.8, label=t("arc.energy", lang)),
        ]
        self.depth = None
        if facilitator:
            handles.insert(1, Patch(linewidth=0.8, label=t("arc.groan", lang), **groan_style))
            depth_style = {
                "facecolor": WATER,
                "edgecolor": BLUE,
            }  # its own zone under the waterline: no hatch
            self.depth = ax.fill_between(xs, WATERLINE, WATERLINE, step="post", linewidth=0.8, **depth_style)
            ax.axhline(WATERLINE, color=BLUE, linestyle="--", linewidth=1.2)
            ax.text(
                1.0, WATERLINE + 0.02, t("diagnosis.waterline", lang), ha="right", va="bottom", fontsize=SMALL,
                color=BLUE, transform=edge,
            )  # fmt: skip
            ax.text(
                -0.012, -0.55, t("arc.depth", lang), rotation=90, va="center", ha="right", fontsize=SMALL,
                transform=edge,
            )  # fmt: skip
            handles.append(Patch(linewidth=0.8, label=t("arc.depth", lang), **depth_style))

        ax.set_ylim(-1.0 if facilitator else -0.05, STRIP_HIGH + 0.02)
        roles = dict.fromkeys(b.role for b in plan.blocks)
        role_names = _role_names(self.audience, lang)
        handles += [_role_patch(r, role_names.get(r, r)) for r in roles]
        _legends(fig, handles, names, legend_in, height)
        for still in (*fig.legends, *fig.texts):  # the key and the names: fixed while the blocks are
            _Still(still)
        self.title = fig.suptitle("", x=0.02, ha="left", fontsize=TITLE, fontweight="bold")
        for label in ax.texts[len(self.numbers) :]:  # the scales' names and numbers stand still
            _Still.text(label, label.get_text)
        self.marks = _mark_artists(ax) if facilitator else []
        self._ticks: set[Artist] = set()  # the clock's tick marks, each copied from its first picture
        self.times: list[Text] = []  # the clock's times (see _clock)
        ax.tick_params(axis="x", labelbottom=False)
        ax.xaxis.set_label_coords(0.5, 0)  # no axis label to place: its place is not computed per drawing
        for _, letter in self.marks:
            _Still.text(
                letter, lambda letter=letter: (letter.get_text(), letter.get_bbox_patch().get_edgecolor())
            )
        self.figure = fig
        self.built += 1

    # -- what a click moves -----------------------------------------------------------------------------

    def _spans(self, plan: Plan) -> list[tuple[str, float, float, str]]:
        if len(plan.blocks) > DETAIL:
            return _sampled_spans(plan, max(len(plan.arc), 1))
        return [
            (b.role, b.start - plan.start, b.minutes, str(n) if self.numbered else "")
            for n, b in enumerate(plan.blocks, 1)
        ]

    def _place(self, plan: Plan) -> None:
        ax, arc = self.ax, plan.arc
        total = max(len(arc), 1)
        every = -(-total // DETAIL) if total > DETAIL * 2 else 1  # a long session is sampled, not per minute
        xs = np.arange(total + 1)[::every]
        ax.set_xlim(0, total)
        spans = self._spans(plan)
        height = STRIP_HIGH - STRIP_LOW
        for role, collection in self.bars.items():  # one outline per role: a path to write, not forty
            _bars(collection, [(x, width) for kind, x, width, _ in spans if kind == role])
        numbered = [(x, width) for _, x, width, number in spans if number]
        points = A4_WIDTH * (self.ax.get_position().width) * 72 / total  # one minute along the strip
        for text, (x, width) in zip(self.numbers, numbered, strict=True):
            text.set_position((x + width / 2, STRIP_LOW + height / 2))
            # A number wider than its bar would be drawn over its neighbours' as an unreadable smear:
            # it is left out (the names under the chart still number every block).
            text.set_visible(width * points >= _number_width(text.get_text()))
        breadth = _per_minute(arc.breadth, 0.1)[::every]
        self.breadth.set_data(*_corners(xs, 0.5 - breadth / 2, 0.5 + breadth / 2))
        if self.groan is not None:
            groan = np.array([*([z == "groan" for z in arc.zone] or [False]), False])[::every]
            at, where = _corners(xs, groan)
            self.groan.set_data(at, 0, 1, where=where)
        self.energy.set_data(*_corners(xs, (_per_minute(arc.energy, 3.0)[::every] - 0.5) / 5))
        if self.depth is not None:
            at, depth = _corners(xs, WATERLINE - 0.85 * _per_minute(arc.depth, 0.0)[::every])
            self.depth.set_data(at, WATERLINE, depth)
        _place_marks(self.marks, plan, total)
        self._clock(*_time_axis(ax, plan.start, total))
        key = "arc.title" if self.facilitator else "arc.title_participants"
        self.title.set_text(
            t(
                key,
                plan.language,
                start=clock(plan.start),
                end=clock(plan.end),
                minutes=plan.total_minutes,
                budget=plan.budget_minutes,
            )
        )

    def _clock(self, ticks: list[int], labels: list[str]) -> None:
        """The clock under the arc: matplotlib's tick marks, each copied from its first picture, and the
        times as texts of the figure's own, where matplotlib's tick labels would stand (those are hidden,
        so a drawing does not lay every label out three times to place an axis label the arc does not
        have). Each time is copied from its first picture to wherever the scale puts it."""
        ax = self.ax
        for tick in ax.xaxis.get_major_ticks(len(ticks)):  # a longer session brings new ticks
            if tick not in self._ticks:
                self._ticks.add(tick)
                _Still(tick, anchor=lambda tick=tick: (ax.transData.transform((tick.get_loc(), 0))[0], 0.0))
        first = ax.xaxis.get_major_ticks(1)[0]
        where, va, ha = ax.get_xaxis_text1_transform(first.get_pad() + first.get_tick_padding())
        while len(self.times) < len(ticks):
            time = ax.text(0, 0, "", transform=where, va=va, ha=ha, fontsize=LABEL)
            _Still.text(time, time.get_text)
            self.times.append(time)
        for n, time in enumerate(self.times):
            time.set_visible(n < len(ticks))
            if n < len(ticks):
                time.set_position((ticks[n], 0))
                time.set_text(labels[n])


def _number_width(number: str) -> float:
    """Points a block's number takes on the strip with its white box (DejaVu digits are 0.64 em wide);
    a point less is allowed, where the box may touch the bar's edges."""
    return len(number) * 0.64 * SMALL + 2 * 0.12 * SMALL - 1


def _mark_artists(ax) -> list[tuple[Line2D, Text]]:  # noqa: ANN001
    """The finding marks an arc can show (a dotted line and a lettered circle each), made once, hidden
    until :func:`_place_marks` puts findings on them."""
    marks = []
    for n in range(1, MARKED_FINDINGS + 1):
        (line,) = ax.plot([0, 0], [WATERLINE, 1.04], linestyle=":", linewidth=1.2, visible=False)
        letter = ax.text(
            0, 1.05, finding_mark(n), ha="center", va="center", fontsize=SMALL, fontweight="bold",
            bbox={"boxstyle": "circle,pad=0.18", "facecolor": "white", "edgecolor": GREY}, visible=False,
        )  # fmt: skip
        marks.append((line, letter))
    return marks


def _place_marks(marks: list[tuple[Line2D, Text]], plan: Plan, total: int) -> None:
    """Each finding with a minute on a mark where it applies, coloured by its level; the rest hidden."""
    placed: list[float] = []
    marked = [f for f in plan.findings if f.minute is not None][:MARKED_FINDINGS]
    for n, (line, letter) in enumerate(marks):
        line.set_visible(n < len(marked))
        letter.set_visible(n < len(marked))
        if n >= len(marked):
            continue
        f = marked[n]
        x = min(max(f.minute, 0), total)  # type: ignore[type-var]
        crowd = sum(1 for other in placed if abs(other - x) < 0.03 * total)  # stack markers that meet
        placed.append(x)
        colour = VERMILLION if f.level == "error" else ORANGE if f.level == "warning" else SKY
        line.set_data([x, x], [WATERLINE, 1.04])
        line.set_color(colour)
        letter.set_position((x + crowd * 0.025 * total, 1.05))
        letter.get_bbox_patch().set_edgecolor(colour)  # type: ignore[union-attr]


OBSERVATION_MARK = {
    "energy-low": "v", "tension": "X", "silence": "s", "breakthrough": "*", "conflict": "D", "laughter": "^", "note": "o",
}  # fmt: skip


def plan_vs_actual_chart(review: Review) -> Figure:
    """The planned and the actual session on one clock: two strips of blocks numbered as in the report's
    table, the two energy lines, and every observation marked where it was seen."""
    planned, actual = review.planned, review.actual
    lang = actual.language
    origin = review.origin
    ends = [planned.end, actual.end, *(origin + o.minute for o in review.observations)]
    total = max(max(ends) - origin, 1)
    numbered = len(review.rows) <= NAMED_BLOCKS
    names = [r.title for r in review.rows] if numbered else []
    columns = 3 if len(names) > 8 else 2
    legend_in = 0.16 * _legend_lines(names, columns) + 0.15
    height = 2.3 + 0.8 + legend_in
    fig = Figure(figsize=(A4_WIDTH, height))
    fig.subplots_adjust(left=0.1, right=0.98, top=1 - 0.32 / height, bottom=(legend_in + 0.75) / height)
    ax = fig.add_subplot()
    ax.set_xlim(0, total)
    numbers_planned = {r.planned.index: str(r.number) for r in review.rows if r.planned and numbered}
    numbers_actual = {r.actual.index: str(r.number) for r in review.rows if r.actual and numbered}
    rows = (
        (planned, 2.3, t("live.planned", lang), numbers_planned),
        (actual, 1.3, t("live.actual", lang), numbers_actual),
    )
    for p, y, label, numbers in rows:
        spans = [(b.role, b.start - origin, b.minutes, numbers.get(b.index, "")) for b in p.blocks]
        _strip(ax, spans, y, 0.7)
        ax.text(-total * 0.01, y + 0.35, label, ha="right", va="center", fontsize=LABEL, fontweight="bold")
        xs = [b.start - origin for b in p.blocks] + [p.end - origin]
        ys = [b.energy for b in p.blocks] + [p.blocks[-1].energy if p.blocks else 3]
        ax.step(
            xs,
            [(e - 1) / 4 * 0.9 for e in ys],
            where="post",
            color=INK,
            linestyle="--" if p is planned else "-",
            linewidth=1.6,
        )
    for o in review.observations:
        ax.plot([o.minute, o.minute], [0, 1.12], color=VERMILLION, linestyle=":", linewidth=0.8)
        ax.scatter(
            [o.minute],
            [1.12],
            marker=OBSERVATION_MARK.get(o.kind, "o"),
            s=60,
            color=VERMILLION,
            edgecolor=INK,
            zorder=4,
        )
    ax.set_ylim(-0.05, 3.1)
    _time_axis(ax, origin, total)
    kinds = sorted({o.kind for o in review.observations})
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
    roles = dict.fromkeys(b.role for b in (*planned.blocks, *actual.blocks))
    role_names = _role_names("facilitator", lang)
    handles += [_role_patch(r, role_names.get(r, r)) for r in roles]
    _legends(fig, handles, names, legend_in, height)
    fig.suptitle(
        f"{t('live.planned', lang)} / {t('live.actual', lang)} · {clock(actual.start)}–{clock(actual.end)}",
        x=0.02,
        ha="left",
        fontsize=TITLE,
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
    patterns = ["", "//", "--", "xx", "\\\\"]
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
        hatch = "//" if ident == selected else "--" if ident == invited else ""
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
