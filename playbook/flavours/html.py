"""The HTML flavour: any renderable tree as HTML through the node templates, with autoescaping on.

Templates live in ``assets/templates/nodes`` (one per node kind); this module only dispatches, draws the
charts a tree names and embeds them as data. Everything a node holds is text and is escaped on the way
in, so hostile text in a session stays text in every page the playbook writes.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from typing import Any

from markupsafe import Markup, escape

from ..paths import assets_dir
from ..structure.nodes import Chart, Document, Link, Node, Section, Span

_ANCHOR = re.compile(r"[^A-Za-z0-9_-]+")


@cache
def environment() -> Any:
    """One Jinja environment for the process: templates compile once and are reused."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(assets_dir() / "templates" / "nodes")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(content=content, chart_src=chart_src, data_url=data_url, anchor=anchor, zip=zip)
    from ..templatecache import use_cache  # compiled once for every process, see there

    return use_cache(env)


@cache
def _macro(kind: str) -> Callable[..., Markup]:
    return environment().get_template(f"{kind}.html.j2").module.render  # type: ignore[no-any-return]


def anchor(ident: str) -> str:
    """An id that is valid HTML and cannot clash with the page's own: 'pb-' and safe characters only."""
    return "pb-" + _ANCHOR.sub("-", ident)


_WHOLE = frozenset({"section", "document", "table", "chart", "image", "snapshot"})
"""Node kinds rendered afresh every time: large or unique. Smaller ones (a span, a paragraph, a list of
steps) recur by the thousand in a long agenda and are rendered once per process. A tuple of parts is
joined afresh too (its parts come from that cache): a cell's parts recur, the cell itself seldom does
(the clock times differ), and keeping it would only push the recurring ones out."""


def content(value: Any, level: int = 2) -> Markup:
    """A cell's, an item's or a paragraph's content: text, a span, a tuple of those and nodes, a node."""
    kind = type(value)  # the commonest first: a long agenda asks this a third of a million times
    if kind is str:
        return escape(value)
    if kind is Span:
        return _span(value.text, value.style, value.lang)
    if kind is tuple:
        return _joined(value, level)
    if value is None:
        return Markup("")
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, tuple):
        return _joined(value, level)
    if getattr(value, "kind", None) not in _WHOLE:
        try:
            return _recurring(value, level)
        except TypeError:  # something unhashable inside: rendered without the cache
            pass
    return _content(value, level)


@lru_cache(maxsize=20_000)
def _recurring(value: Any, level: int) -> Markup:
    return _content(value, level)


@lru_cache(maxsize=20_000)
def _span(text: str, style: str, lang: str) -> Markup:
    """A span, remembered by its fields (a span's own hash and equality are Python code, its fields'
    are not): a clock time or a label recurs in every row."""
    return _macro("span")(Span(text, style, lang))


def _content(value: Any, level: int) -> Markup:
    if isinstance(value, Span):
        return _macro("span")(value)
    if isinstance(value, Link):
        return _macro("link")(value)
    if isinstance(value, tuple):
        return _joined(value, level)
    if isinstance(value, Node):
        inner = _INNER.get(value.kind)
        if inner is None:
            return _macro(value.kind)(value, level)
        return _macro(value.kind)(value, level, inner(value, level))
    raise TypeError(f"cannot render {type(value).__name__}")


def _joined(values: Iterable[Any], level: int) -> Markup:
    """Rendered parts side by side. Each part is Markup already (escaped once, by :func:`content`), so
    they are joined as they are: ``Markup.join`` would escape every one of them again. Plain text next
    to plain text is escaped in one go (escaping goes character by character: the same result)."""
    out: list[str] = []
    text: list[str] = []
    for value in values:
        if type(value) is str:
            text.append(value)
            continue
        if text:
            out.append(escape("".join(text)))
            text.clear()
        out.append(content(value, level))
    if text:
        out.append(escape("".join(text)))
    return Markup("".join(out))


def _below(node: Section, level: int) -> int:
    """The heading level of a section's children: one deeper under a title (a folded one keeps it)."""
    return level + 1 if node.title and node.style != "details" else level


_INNER: dict[str, Callable[[Any, int], object]] = {
    "section": lambda n, level: _joined(n.children, _below(n, level)),
    "table": lambda n, level: [(row, [content(c, level) for c in row.cells]) for row in n.rows],
    "list": lambda n, level: [content(item, level) for item in n.items],
    "facts": lambda n, level: [(label, content(value, level)) for label, value in n.items],
    "paragraph": lambda n, level: _joined(n.parts, level),
    "note": lambda n, level: _joined(n.parts, level),
    "document": lambda n, level: _joined(n.subtitle, 2),
}
"""Per node kind, what the flavour renders of its children before its template wraps them: a
template holds the node's own markup and loops over plain lists, never calling back into Python for
every cell of a 10,000-row table."""


def render(node: Node, level: int = 2) -> str:
    """One node (and everything under it) as an HTML fragment; ``level`` is its heading level."""
    return str(content(node, level))


def parts(doc: Document) -> list[str]:
    """A document as HTML parts: its header, then each top-level section (one notebook cell each)."""
    return [str(content(doc, 1)), *(render(child, 2) for child in doc.children)]


def snapshot(fragment: str, lang: str = "") -> str:
    """A widget's snapshot (HTML the flavour rendered) wrapped with the language of its content."""
    return str(_macro("snapshot")(Markup(fragment), lang))


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def chart_src(node: Chart) -> str:
    """The chart drawn as SVG and embedded as a data URL: no request, no script, real text inside.

    An input drawn before comes from the chart cache (:mod:`playbook.chartcache`), without matplotlib,
    found by what the chart shows (its key): an arc of 10,000 blocks is named by their times and roles,
    not by every work form's text.
    """
    from .. import chartcache

    key = _key(node.name)
    svg = chartcache.svg(node.name, node.data if key is None else key(node), node.alt, node.options,
                         lambda: inline_svg(node))  # fmt: skip
    return data_url("image/svg+xml", svg.encode("utf-8"))


def _audience(node: Chart) -> str:
    return str(node.option("audience", "facilitator"))


def _key(name: str) -> Callable[[Chart], object] | None:
    """The key of what a chart shows (:mod:`playbook.chartkeys`), read without matplotlib; None for a
    chart named by its whole input."""
    from .. import chartkeys

    keys: dict[str, Callable[[Chart], object]] = {
        "arc": lambda n: chartkeys.arc_key(n.data, _audience(n)),
        "iceberg": lambda n: chartkeys.iceberg_key(n.data),
        "stage": lambda n: chartkeys.stage_key(n.data),
        "stance": lambda n: chartkeys.stance_key(n.data),
    }
    return keys.get(name)


def _charts() -> dict[str, tuple[Callable[[Chart], Any], Callable[[Chart], object] | None]]:
    """Per chart name: how to draw its figure, and the key of what it shows (None: not remembered).
    Matplotlib is imported only when a figure is really drawn, not to find a picture drawn before."""

    def charts() -> Any:
        from .. import charts

        return charts

    return {
        "arc": (lambda n: charts().arc_chart(n.data, _audience(n)), _key("arc")),
        "iceberg": (lambda n: charts().iceberg_chart(n.data), _key("iceberg")),
        "stage": (lambda n: charts().stage_chart(n.data), _key("stage")),
        "stance": (lambda n: charts().stance_chart(n.data), _key("stance")),
        "plan_vs_actual": (lambda n: charts().plan_vs_actual_chart(n.data), None),
    }


def draw(node: Chart) -> Any:
    """The matplotlib figure a chart node names."""
    drawer, _ = _chart(node)
    return drawer(node)


def _chart(node: Chart) -> tuple[Callable[[Chart], Any], Callable[[Chart], object] | None]:
    known = _charts()
    if node.name not in known:
        raise ValueError(f"no chart called {node.name!r}")
    return known[node.name]


def inline_svg(node: Chart) -> str:
    """The chart as an inline ``<svg>`` with its text alternative (widgets show charts this way).

    A chart with a key is drawn once per picture: the same data again (an answer changed back, the
    same profile in the notebook and the handout) reuses the SVG without drawing."""
    from ..chartmemo import MEMO

    drawer, key = _chart(node)
    if key is None:
        from ..charts import to_svg

        return to_svg(drawer(node), alt=node.alt)
    return MEMO.svg(key(node), lambda: drawer(node), alt=node.alt)
