"""Notebook 04: export the open session as an offline HTML handout, with a link to the result."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from ..catalogue import Catalogue, load_catalogue
from ..errors import PlaybookError
from ..flavours.widget import line, message, show, style
from ..handout import AUDIENCES, write_handouts
from ..i18n import LANGUAGE_NAMES, LANGUAGES, t
from ..participants import ExportWarning
from ..paths import workspace
from ..structure.nodes import Finding
from .binding import SessionBinding
from .fixed import fixed_html, fixed_look
from .links import file_link_parts
from .static import Snapshot


class ExportPanel(Snapshot, widgets.VBox):
    """Choose the audience and the language; the handout is written next to your sessions."""

    def __init__(
        self, binding: SessionBinding, catalogue: Catalogue | None = None, folder: str | Path | None = None
    ) -> None:
        self.binding = binding
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.folder = Path(folder) if folder else workspace() / "handouts"
        lang = self.lang = binding.session.language
        self.audience = fixed_look(
            widgets.ToggleButtons,
            options=[(t(f"handout.{a}", lang), a) for a in AUDIENCES],
            description=t("handout.audience", lang),
        )
        self.language = fixed_look(
            widgets.ToggleButtons,
            options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES],
            value=lang,
            description=t("session.language", lang),
        )
        self.button = fixed_look(
            widgets.Button,
            description=t("handout.export", lang),
            icon="file-export",
            button_style="primary",
            layout={"width": "auto"},
        )
        self.result = fixed_html()
        self.written: list[Path] = []
        self.button.on_click(lambda _: self.export())
        super().__init__([style(), self.audience, self.language, self.button, self.result])

    def export(self) -> list[Path]:
        """Write the handout; link it for JupyterLab and offer it as a download (the app, a hub)."""
        found: list[ExportWarning] = []
        try:
            self.written = write_handouts(
                [self.binding.path],
                self.catalogue,
                self.audience.value,
                self.language.value,
                self.folder,
                warn=lambda _, w: found.append(w),
            )
        except PlaybookError as exc:
            self.result.value = message(t("start.error", self.lang, message=str(exc)))
            return []
        said = t("handout.exported", self.lang, path="")
        checks = [
            Finding(w.level, w.code, w.message, label=t(f"handout.level_{w.level}", self.lang)) for w in found
        ]
        self.result.value = "".join(line(said, *file_link_parts(p, self.lang)) for p in self.written) + show(
            *checks
        )
        return self.written

    def snapshot_html(self) -> str:
        """What the panel says after an export, without the folder it was written to (a page built
        elsewhere must not show a path of the machine that built it)."""
        return "".join(
            line(t("handout.exported", self.lang, path=""), *file_link_parts(p, self.lang, where=False))
            for p in self.written
        )
