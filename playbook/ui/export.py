"""Notebook 04: export the open session as an offline HTML handout, with a link to the result."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from ..catalogue import Catalogue, load_catalogue
from ..errors import PlaybookError
from ..handout import AUDIENCES, write_handouts
from ..i18n import LANGUAGE_NAMES, LANGUAGES, t
from ..paths import workspace
from .binding import SessionBinding
from .links import file_links
from .static import Snapshot

e = html.escape


class ExportPanel(Snapshot, widgets.VBox):
    """Choose the audience and the language; the handout is written next to your sessions."""

    def __init__(
        self, binding: SessionBinding, catalogue: Catalogue | None = None, folder: str | Path | None = None
    ) -> None:
        self.binding = binding
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.folder = Path(folder) if folder else workspace() / "handouts"
        lang = self.lang = binding.session.language
        self.audience = widgets.ToggleButtons(
            options=[(t(f"handout.{a}", lang), a) for a in AUDIENCES], description=t("handout.audience", lang)
        )
        self.language = widgets.ToggleButtons(
            options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES],
            value=lang,
            description=t("session.language", lang),
        )
        self.button = widgets.Button(
            description=t("handout.export", lang),
            icon="file-export",
            button_style="primary",
            layout=widgets.Layout(width="auto"),
        )
        self.result = widgets.HTML()
        self.written: list[Path] = []
        self.button.on_click(lambda _: self.export())
        super().__init__([self.audience, self.language, self.button, self.result])

    def export(self) -> list[Path]:
        """Write the handout; link it for JupyterLab and offer it as a download (the app, a hub)."""
        try:
            self.written = write_handouts(
                [self.binding.path], self.catalogue, self.audience.value, self.language.value, self.folder
            )
        except PlaybookError as exc:
            self.result.value = (
                f"<p style='color:#b00020'>{e(t('start.error', self.lang, message=str(exc)))}</p>"
            )
            return []
        links = [file_links(path, self.lang) for path in self.written]
        self.result.value = (
            "<p>"
            + "<br>".join(e(t("handout.exported", self.lang, path="")) + link for link in links)
            + "</p>"
        )
        return self.written

    def snapshot_html(self) -> str:
        return self.result.value
