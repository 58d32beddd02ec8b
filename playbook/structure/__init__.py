"""One structure, many flavours: the playbook's objects built once into a tree of renderables.

Builders here are core code (no view library): they turn a Profile, a Plan, Suggestions, an
Intervention, a handout or a report into the nodes of ``structure.nodes``. The flavours in
``playbook.flavours`` (html, widget, text) render any tree, so the handout, the report, the site, the
widgets' snapshots and the command line show the same thing from the same source.
"""

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
