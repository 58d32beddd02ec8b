"""The widget flavour: a renderable tree as ipywidgets, for the notebooks.

Sections become boxes with their heading, a section of role shortlists becomes tabs, a chart an HTML
widget holding its inline SVG; everything else is the HTML flavour's fragment in an ``HTML`` widget. So a
notebook shows the same thing as the handout and the site, drawn from the same nodes.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from ..structure.nodes import Chart, Node, Section
from . import html


def to_widget(node: Node, level: int = 3) -> Any:
    """One widget for ``node``; ``level`` is the heading level its title gets."""
    if isinstance(node, Chart):
        return widgets.HTML(html.inline_svg(node))
    if isinstance(node, Section) and node.style == "roles":
        tabs = widgets.Tab(children=[to_widget(Section("", c.children), level + 1) for c in node.children])  # type: ignore[attr-defined]
        for i, child in enumerate(node.children):
            tabs.set_title(i, child.title)  # type: ignore[attr-defined]
        return widgets.VBox([heading(node.title, level), tabs]) if node.title else tabs
    if isinstance(node, Section) and not node.style:
        children = [to_widget(c, level + 1 if node.title else level) for c in node.children]
        return widgets.VBox(([heading(node.title, level)] if node.title else []) + children)
    return widgets.HTML(html.render(node, level))


def heading(text: str, level: int = 3) -> widgets.HTML:
    return widgets.HTML(html.render(Section(text, ()), level))
