"""One structure, many flavours: the playbook's objects built once into a tree of renderables.

Builders here are core code (no view library): they turn a Profile, a Plan, Suggestions, an
Intervention, a handout or a report into the nodes of ``structure.nodes``. The flavours in
``playbook.flavours`` (html, widget, text) render any tree, so the handout, the report, the site, the
widgets' snapshots and the command line show the same thing from the same source.

The names below are imported from their module on first use (PEP 562): the command line's ``plan`` needs
``method`` and ``nodes``, and should not pay for the handout's and the report's modules (the review, the
live run, the packing list) at every start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOME: dict[str, str] = {
    "AUDIENCES": "handout",
    "handout_document": "handout",
    "run_sheet": "handout",
    "step_times": "handout",
    "arc": "method",
    "findings_nodes": "method",
    "iceberg": "method",
    "intervention_card": "method",
    "plan_section": "method",
    "profile_section": "method",
    "session_summary": "method",
    "stage_chart": "method",
    "stance_chart": "method",
    "suggestion_node": "method",
    "suggestions_section": "method",
    "timeline_table": "method",
    "Chart": "nodes",
    "Column": "nodes",
    "Document": "nodes",
    "Facts": "nodes",
    "Finding": "nodes",
    "Image": "nodes",
    "ItemList": "nodes",
    "Node": "nodes",
    "Note": "nodes",
    "Paragraph": "nodes",
    "Row": "nodes",
    "Section": "nodes",
    "Span": "nodes",
    "Table": "nodes",
    "walk": "nodes",
    "report_document": "report",
}
"""Each public name -> the module of this package that defines it."""

__all__ = [
    "AUDIENCES",
    "Chart",
    "Column",
    "Document",
    "Facts",
    "Finding",
    "Image",
    "ItemList",
    "Node",
    "Note",
    "Paragraph",
    "Row",
    "Section",
    "Span",
    "Table",
    "arc",
    "findings_nodes",
    "handout_document",
    "iceberg",
    "intervention_card",
    "plan_section",
    "profile_section",
    "report_document",
    "run_sheet",
    "session_summary",
    "stage_chart",
    "stance_chart",
    "step_times",
    "suggestion_node",
    "suggestions_section",
    "timeline_table",
    "walk",
]

if TYPE_CHECKING:
    from .handout import AUDIENCES, handout_document, run_sheet, step_times
    from .method import (
        arc,
        findings_nodes,
        iceberg,
        intervention_card,
        plan_section,
        profile_section,
        session_summary,
        stage_chart,
        stance_chart,
        suggestion_node,
        suggestions_section,
        timeline_table,
    )
    from .nodes import (
        Chart,
        Column,
        Document,
        Facts,
        Finding,
        Image,
        ItemList,
        Node,
        Note,
        Paragraph,
        Row,
        Section,
        Span,
        Table,
        walk,
    )
    from .report import report_document


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
