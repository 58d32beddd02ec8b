"""ipywidgets views bound to a session document. Imported only by notebooks, never by the core."""

from .agenda import AgendaBuilder
from .binding import SessionBinding
from .brief import BriefForm
from .browse import CatalogueBrowser
from .choose import Picker, SuggestionsView
from .diagnosis import DiagnosisPanel
from .export import ExportPanel
from .live import LiveCompanion
from .start import StartPanel

__all__ = [
    "AgendaBuilder",
    "BriefForm",
    "CatalogueBrowser",
    "DiagnosisPanel",
    "ExportPanel",
    "LiveCompanion",
    "Picker",
    "SessionBinding",
    "StartPanel",
    "SuggestionsView",
]
