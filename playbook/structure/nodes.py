"""The renderables: a small tree of plain, frozen nodes that every output is built from.

A builder (``playbook.structure``) turns a profile, a plan, a report or a catalogue card into these
nodes once; the flavours (``playbook.flavours``: html, widget, text) render them. Nodes hold text, never
markup: escaping is the flavour's business, so no builder can forget it. A new reading or finding is one
more node in a tree, not a new renderer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Span:
    """A run of inline text with one style: ``strong``, ``em``, ``code``, ``muted``, ``time``, ``quote``."""

    text: str
    style: str = ""
    lang: str = ""
    """Set when the span's language differs from the page's (a Dutch name on an English page)."""


@dataclass(frozen=True)
class Link:
    """A link the playbook made itself: to a file it wrote, a page of the site, a download. User text
    becomes a link only through ``participants.web_link``, which lets plain web addresses through."""

    text: str
    href: str
    download: str = ""
    """A file name: the link saves the data instead of opening it."""


Inline = str | Span | Link
"""Inline content: plain text, a styled span or a link."""


class Node:
    """Base of every block-level renderable; ``kind`` names the template that draws it."""

    kind: ClassVar[str] = "node"


Content = Inline | tuple[Any, ...] | Node
"""What a table cell, list item or fact holds: inline text, a tuple of inlines and nodes, or a node."""


@dataclass(frozen=True)
class Paragraph(Node):
    """A paragraph; ``style`` is one of '', ``lead``, ``meta``, ``muted``, ``note`` (pre-wrapped)."""

    kind: ClassVar[str] = "paragraph"
    parts: tuple[Inline, ...]
    style: str = ""
    lang: str = ""


@dataclass(frozen=True)
class ItemList(Node):
    """A bulleted (or numbered) list; ``style`` ``reasons`` marks items as explanations."""

    kind: ClassVar[str] = "list"
    items: tuple[Content, ...]
    ordered: bool = False
    style: str = ""


@dataclass(frozen=True)
class Column:
    label: str
    style: str = ""
    """``time`` (never wraps), ``number`` (right-aligned), ``wide`` or ''."""


@dataclass(frozen=True)
class Row:
    cells: tuple[Content, ...]
    style: str = ""
    """``break`` for a break, ``step`` for a step under its block, ``muted``, ''."""


@dataclass(frozen=True)
class Table(Node):
    kind: ClassVar[str] = "table"
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str = ""
    style: str = ""
    """``agenda``, ``runsheet``, ``compare``, ``actions``: how the flavours lay it out (phones stack it)."""


@dataclass(frozen=True)
class Facts(Node):
    """Label and value pairs (a definition list): when, where, host, contact."""

    kind: ClassVar[str] = "facts"
    items: tuple[tuple[str, Content], ...]
    style: str = ""


@dataclass(frozen=True)
class Chart(Node):
    """A chart by name (``arc``, ``iceberg``, ``stage``, ``stance``, ``plan_vs_actual``, ...) with the core
    object it draws; the flavours know how to draw it, the core only what and how to describe it."""

    kind: ClassVar[str] = "chart"
    name: str
    data: Any = field(compare=False)
    alt: str
    caption: str = ""
    options: tuple[tuple[str, Any], ...] = ()
    """Drawing options as pairs (hashable), e.g. (("audience", "participants"),)."""

    def option(self, key: str, default: Any = None) -> Any:
        return dict(self.options).get(key, default)


@dataclass(frozen=True)
class Finding(Node):
    """A judgement with a stable code: a plan finding, a stance finding, an export warning."""

    kind: ClassVar[str] = "finding"
    level: str
    """``error``, ``warning`` or ``info``."""
    code: str
    message: str
    advice: str = ""
    evidence: tuple[str, ...] = ()
    mark: str = ""
    """Its mark on a chart (a letter), when it is marked there."""
    label: str = ""
    """The level in words ('Must fix'), in the reader's language."""


@dataclass(frozen=True)
class Note(Node):
    """A boxed remark for the reader: a notice, an empty state, a reminder."""

    kind: ClassVar[str] = "note"
    parts: tuple[Inline, ...]
    level: str = "info"


@dataclass(frozen=True)
class Image(Node):
    """A picture the user supplied (a photo of the result), already read and made small by an exporter."""

    kind: ClassVar[str] = "image"
    mime: str
    data: bytes = field(repr=False)
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class Section(Node):
    """A titled part; nested sections get the next heading level. ``style`` ``page`` starts a new printed
    page (the run sheet), ``card`` draws a bordered card, ``block`` a script block, ``details`` folds."""

    kind: ClassVar[str] = "section"
    title: str
    children: tuple[Node, ...]
    style: str = ""
    lang: str = ""
    ident: str = ""
    """An anchor name, for links within a page."""


@dataclass(frozen=True)
class Document(Node):
    """A whole output: the handout, the report, a site page's snapshot. ``label`` is the kind of document
    in words ('Programme for participants'), ``running`` the header repeated on printed pages."""

    kind: ClassVar[str] = "document"
    title: str
    lang: str
    children: tuple[Node, ...]
    label: str = ""
    subtitle: tuple[Node, ...] = ()
    running: str = ""
    confidential: str = ""
    """Set to the word for 'confidential' on documents not meant to be passed on."""
    audience: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "children", tuple(c for c in self.children if c is not None))


def para(*parts: Inline, style: str = "", lang: str = "") -> Paragraph:
    """A paragraph from inline parts; empty parts are dropped."""
    return Paragraph(tuple(p for p in parts if p), style, lang)


def strong(text: str) -> Span:
    return Span(text, "strong")


def muted(text: str) -> Span:
    return Span(text, "muted")


def items(values: Iterable[Content], *, ordered: bool = False, style: str = "") -> ItemList:
    return ItemList(tuple(values), ordered, style)


def section(title: str, *children: Node | None, style: str = "", lang: str = "", ident: str = "") -> Section:
    """A section of the children that are not None."""
    return Section(title, tuple(c for c in children if c is not None), style, lang, ident)


def walk(node: Node) -> Iterable[Node]:
    """Every node of a tree, depth first (for tests and for collecting charts)."""
    yield node
    for child in getattr(node, "children", ()):
        yield from walk(child)
