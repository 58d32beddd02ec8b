"""The text flavour: any renderable tree as plain text for a terminal, wrapped to a readable width.

Light on purpose (no template engine, no view library): the command line imports it on every call.
Charts have no text form here; their facts are in the tables and findings next to them.
"""

from __future__ import annotations

import textwrap
from typing import Any

from ..structure.nodes import (
    Chart,
    Document,
    Facts,
    Finding,
    Image,
    ItemList,
    Link,
    Node,
    Note,
    Paragraph,
    Section,
    Span,
    Table,
)

WIDTH = 96


def inline(value: Any) -> str:
    """The plain words of a cell, an item or a paragraph's parts (nodes flattened to one line)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Span):
        return f"“{value.text}”" if value.style == "quote" else value.text
    if isinstance(value, Link):
        return value.text if value.download or value.href == value.text else f"{value.text} ({value.href})"
    if isinstance(value, tuple):
        return "".join(inline(v) if not isinstance(v, Node) else " " + inline_node(v) for v in value).strip()
    if isinstance(value, Node):
        return inline_node(value)
    raise TypeError(f"cannot render {type(value).__name__}")


def inline_node(node: Node) -> str:
    if isinstance(node, Paragraph):
        return inline(node.parts)
    if isinstance(node, ItemList):
        return "; ".join(inline(i) for i in node.items)
    return " ".join(line.strip() for line in render(node).splitlines() if line.strip())


def _fill(text: str, indent: str, hanging: str | None = None) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(
            paragraph, WIDTH, initial_indent=indent, subsequent_indent=hanging or indent
        ) or [indent.rstrip()]
    return lines


def _table(node: Table, indent: str) -> list[str]:
    rows = [[inline(c) for c in row.cells] for row in node.rows]
    if not rows:
        return []
    last = len(node.columns) - 1
    wide = next((i for i, c in enumerate(node.columns) if c.style == "wide"), last)
    widths = [max(len(r[i]) for r in rows) for i in range(wide)]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if node.columns[i].style == "number" else cell.ljust(widths[i])
            for i, cell in enumerate(row[:wide])
        ]
        head = "  ".join(cells)
        lead = f"{indent}{head}  " if head else indent
        # Columns after the wide one follow it as "label: value", so nothing needs padding.
        tail = "; ".join(
            f"{node.columns[i].label}: {cell}" if node.columns[i].label else cell
            for i, cell in enumerate(row[wide + 1 :], wide + 1)
            if cell
        )
        text = row[wide] + (f"  ({tail})" if tail and wide != last else "")
        wrapped = textwrap.wrap(text, max(WIDTH - len(lead), 30)) or [""]
        lines.append(lead + wrapped[0])
        lines += [" " * len(lead) + more for more in wrapped[1:]]
    return lines


def _facts(node: Facts, indent: str) -> list[str]:
    if not node.items:
        return []
    width = max(len(k) for k, _ in node.items)
    lines = []
    for key, value in node.items:
        lead = f"{indent}{key.ljust(width)}  "
        room = max(WIDTH - len(lead), 30)
        wrapped = [w for line in inline(value).split("\n") for w in textwrap.wrap(line, room)] or [""]
        lines.append(lead + wrapped[0])
        lines += [" " * len(lead) + more for more in wrapped[1:]]
    return lines


def _finding(node: Finding, indent: str) -> list[str]:
    number = f"{node.mark}. " if node.mark else ""
    lines = _fill(f"{number}[{node.level}] {node.code}: {node.message}", indent, indent + "    ")
    if node.advice:
        lines += _fill(node.advice, indent + "    → ", indent + "      ")
    lines += [line for e in node.evidence for line in _fill(e, indent + "    - ", indent + "      ")]
    return lines


def _lines(node: Node, depth: int, indent: str) -> list[str]:
    if isinstance(node, Section):
        return _section(node, depth, indent)
    if isinstance(node, Paragraph):
        return _fill(inline(node.parts), indent)
    if isinstance(node, ItemList):
        out = []
        for n, item in enumerate(node.items, 1):
            mark = f"{n}. " if node.ordered else "- "
            out += _fill(inline(item), indent + mark, indent + " " * len(mark))
        return out
    if isinstance(node, Table):
        return _table(node, indent)
    if isinstance(node, Facts):
        return _facts(node, indent)
    if isinstance(node, Finding):
        return _finding(node, indent)
    if isinstance(node, Note):
        return _fill(inline(node.parts), indent)
    if isinstance(node, Chart | Image):
        return []
    if isinstance(node, Document):
        return _document(node)
    raise TypeError(f"cannot render {type(node).__name__}")


def _section(node: Section, depth: int, indent: str) -> list[str]:
    lines: list[str] = []
    inner = indent
    if node.style == "details":  # folded in a page; on paper and in a terminal everything is shown
        return [line for child in node.children for line in _lines(child, depth, indent)]
    if node.title:
        if depth <= 1:
            lines += ["", node.title, "=" * len(node.title)]
        elif depth == 2:
            lines += ["", node.title, "-" * len(node.title)]
        else:
            lines += [f"{indent}{node.title}"]
        inner = indent + "  " if depth >= 2 else indent
    for child in node.children:
        lines += _lines(child, depth + 1, inner)
    return lines


def _document(doc: Document) -> list[str]:
    lines = [doc.title, "=" * len(doc.title)]
    if doc.label:
        lines.append(doc.label)
    for child in doc.subtitle:
        lines += _lines(child, 2, "")
    for child in doc.children:
        lines += _lines(child, 2, "")
    return lines


def render(node: Node, depth: int = 1) -> str:
    """The node as text; a section at ``depth`` 1 is underlined with '=', at 2 with '-'."""
    return "\n".join(_lines(node, depth, "")).strip("\n")
