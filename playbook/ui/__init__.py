"""ipywidgets views bound to a session document. Imported only by notebooks, never by the core.

A notebook's first cell imports the views it shows (``from playbook.ui import AgendaBuilder``), and only
their modules are imported: the start page does not load matplotlib, the diagnosis does not load
nbconvert. In a kernel Voilà starts before anyone asks for its page, importing this package does all the
slow, session-independent work at once and then waits for the page's request (``playbook.ui.preheat``).
"""

from __future__ import annotations

import importlib
from typing import Any

from .preheat import preheating

VIEWS = {
    "AgendaBuilder": "agenda",
    "BriefForm": "brief",
    "CaseStudio": "teaching",
    "CatalogueBrowser": "browse",
    "ColourListener": "teaching",
    "DesignPanel": "design",
    "DiagnosisPanel": "diagnosis",
    "DiamondPlay": "teaching",
    "ExportPanel": "export",
    "IcebergPlay": "teaching",
    "LiveCompanion": "live",
    "Picker": "choose",
    "Quiz": "teaching",
    "ReadingsPanel": "diagnosis",
    "RoomPanel": "room",
    "RoseExplorer": "teaching",
    "SelfAssessment": "teaching",
    "SessionBinding": "binding",
    "StagePlay": "teaching",
    "StartPanel": "start",
    "SuggestionsView": "choose",
    "TrainerGuide": "teaching",
}
"""Each public view and the module it lives in, imported on first use (PEP 562)."""

__all__ = sorted(VIEWS)


def __getattr__(name: str) -> Any:
    module = VIEWS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is an ordinary one
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *VIEWS})


if preheating():
    from .preheat import warm_up_then_wait

    warm_up_then_wait(sorted(set(VIEWS.values())))
