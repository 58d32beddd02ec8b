"""ipywidgets views bound to a session document. Imported only by notebooks, never by the core."""

from .agenda import AgendaBuilder
from .binding import SessionBinding
from .brief import BriefForm
from .browse import CatalogueBrowser
from .choose import Picker, SuggestionsView
from .diagnosis import DiagnosisPanel, ReadingsPanel
from .export import ExportPanel
from .live import LiveCompanion
from .room import RoomPanel
from .start import StartPanel
from .teaching import (
    CaseStudio,
    ColourListener,
    DiamondPlay,
    IcebergPlay,
    Quiz,
    RoseExplorer,
    SelfAssessment,
    StagePlay,
    TrainerGuide,
)

__all__ = [
    "AgendaBuilder",
    "BriefForm",
    "CaseStudio",
    "CatalogueBrowser",
    "ColourListener",
    "DiagnosisPanel",
    "DiamondPlay",
    "ExportPanel",
    "IcebergPlay",
    "LiveCompanion",
    "Picker",
    "Quiz",
    "ReadingsPanel",
    "RoomPanel",
    "RoseExplorer",
    "SelfAssessment",
    "SessionBinding",
    "StagePlay",
    "StartPanel",
    "SuggestionsView",
    "TrainerGuide",
]
