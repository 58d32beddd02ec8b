"""ipywidgets views bound to a session document. Imported only by notebooks, never by the core."""

from .binding import SessionBinding
from .brief import BriefForm
from .browse import CatalogueBrowser
from .diagnosis import DiagnosisPanel
from .start import StartPanel

__all__ = ["BriefForm", "CatalogueBrowser", "DiagnosisPanel", "SessionBinding", "StartPanel"]
