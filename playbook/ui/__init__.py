"""ipywidgets views bound to a session document. Imported only by notebooks, never by the core."""

from .browse import CatalogueBrowser
from .start import StartPanel

__all__ = ["CatalogueBrowser", "StartPanel"]
