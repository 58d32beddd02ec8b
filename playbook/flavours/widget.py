"""The widget flavour: renderables for the notebooks' ipywidgets views.

A view puts what it shows into ``HTML`` widgets through :func:`show` (the HTML flavour's fragment), or
builds boxes and tabs from a tree with :func:`to_widget`; so a notebook shows the same thing as the
handout and the site, drawn from the same nodes. :func:`style` is one small style sheet per view, since
JupyterLab does not load the handouts' CSS.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import ipywidgets as widgets

from ..paths import assets_dir
from ..structure.nodes import Chart, Inline, Node, Note, Section, para
from ..ui.fixed import fixed_html
from . import html


def show(*nodes: Node | None, level: int = 3) -> str:
    """The nodes as one HTML fragment for an ``HTML`` widget's value; headings start at ``level``."""
    return "".join(html.render(n, level) for n in nodes if n is not None)


def message(text: str, level: str = "error") -> str:
    """A one-line status (saved, not saved, a mistake) as HTML, coloured by its level and said in words."""
    return show(Note((text,), level)) if text else ""


def line(*parts: Inline, style: str = "") -> str:
    """One paragraph of inline parts as HTML (a label, a count, a clock)."""
    return show(para(*parts, style=style))


def heading(text: str, level: int = 3) -> widgets.HTML:
    return fixed_html(html.render(Section(text, ()), level))


@cache
def _css() -> str:
    return (assets_dir() / "templates" / "playbook" / "widgets.css").read_text(encoding="utf-8")


def style() -> widgets.HTML:
    """The views' small style sheet (findings, notices, tables) as a widget to put first in a view."""
    return fixed_html(f"<style>{_css()}</style>", layout={"display": "none"})


def to_widget(node: Node, level: int = 3) -> Any:
    """One widget for ``node``: a section of role shortlists becomes tabs, a chart its inline SVG."""
    if isinstance(node, Chart):
        return widgets.HTML(html.inline_svg(node))
    if isinstance(node, Section) and node.style == "roles":
        tabs = widgets.Tab(children=[widgets.HTML(show(*c.children, level=level + 1)) for c in node.children])  # type: ignore[attr-defined]
        for i, child in enumerate(node.children):
            tabs.set_title(i, child.title)  # type: ignore[attr-defined]
        return tabs
    return widgets.HTML(html.render(node, level))
