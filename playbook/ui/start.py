"""The start panel of notebook 00: open an example or one of your sessions, or create a new one."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from ..errors import PlaybookError
from ..i18n import LANGUAGE_NAMES, LANGUAGES, default_language, t
from ..paths import workspace
from ..session import SUFFIX, Session, SessionFile
from ..workspace import create_session, examples, open_current, open_example, set_current
from .static import Snapshot


def session_summary_html(handle: SessionFile, lang: str) -> str:
    """A short, escaped overview of the open session: every user text is shown literally."""
    s: Session = handle.session

    def row(key: str, value: str) -> str:
        if not value:
            return ""
        return f"<tr><th style='text-align:left;padding-right:1em;white-space:nowrap;vertical-align:top'>{html.escape(t(key, lang))}</th><td>{html.escape(value)}</td></tr>"

    when = f"{s.date.isoformat()}, " if s.date else ""
    rows = "".join(
        [
            row("session.client", s.brief.client),
            row("session.wish", s.brief.wish),
            row("session.visible_result", s.brief.visible_result),
            row("session.date", f"{when}{s.start:%H:%M}–{s.end():%H:%M}"),
            row(
                "session.group",
                f"{t('session.size', lang, size=s.group.size)}, {t(f'settings.{s.group.setting}', lang)}",
            ),
            row(
                "session.budget",
                t("session.planned", lang, minutes=s.planned_minutes, budget=s.budget_minutes),
            ),
            row("start.file", str(handle.path)),
        ]
    )
    title = html.escape(t("start.current", lang, title=s.title))
    return f"<h3>{title}</h3><table>{rows}</table>"


def _label(text: str) -> widgets.HTML:
    """A right-aligned label in the same column as the other widgets' descriptions."""
    style = "text-align:right;padding-right:8px;line-height:28px"
    return widgets.HTML(
        f"<div style='{style}'>{html.escape(text)}</div>", layout=widgets.Layout(width="14em")
    )


class StartPanel(Snapshot, widgets.VBox):
    """Choose the session that notebooks 01–05 will work on; the choice is remembered on disk."""

    def __init__(self, path: str | Path | None = None, lang: str | None = None) -> None:
        self.lang = lang or default_language()
        self.handle: SessionFile | None = None
        L = self.lang  # noqa: N806 - short alias for the many labels below

        self.examples = widgets.Dropdown(options=self._example_options(), description=t("start.example", L))
        self.open_example_button = widgets.Button(description=t("start.open_example", L), icon="folder-open")
        self.mine = widgets.Dropdown(options=self._session_options(), description=t("start.mine", L))
        self.open_mine_button = widgets.Button(description=t("start.open", L), icon="folder-open")
        self.new_title = widgets.Text(
            description=t("start.new_title", L), placeholder=t("start.placeholder_title", L)
        )
        self.new_language = widgets.ToggleButtons(
            options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES],
            value=self.lang,
            style={"button_width": "8em"},
        )
        self.create_button = widgets.Button(
            description=t("start.create", L),
            icon="plus",
            button_style="primary",
            layout=widgets.Layout(width="auto"),
        )
        self.status = widgets.HTML()
        self.summary = widgets.HTML()

        self.open_example_button.on_click(lambda _: self._run(lambda: open_example(self.examples.value)))
        self.open_mine_button.on_click(lambda _: self._run(self._open_mine))
        self.create_button.on_click(
            lambda _: self._run(lambda: create_session(self.new_title.value, self.new_language.value))
        )
        for widget in (self.examples, self.mine, self.new_title):
            widget.style = {"description_width": "14em"}
            widget.layout = widgets.Layout(width="44em")

        super().__init__(
            [
                widgets.HTML(f"<h3>{html.escape(t('start.heading', L))}</h3>"),
                widgets.HBox([self.examples, self.open_example_button]),
                widgets.HBox([self.mine, self.open_mine_button]),
                self.new_title,
                widgets.HBox([_label(t("start.new_language", L)), self.new_language, self.create_button]),
                self.status,
                self.summary,
            ]
        )
        self._run(lambda: open_current(path))

    def _example_options(self) -> list[tuple[str, str]]:
        options = []
        for name, file in examples().items():
            try:
                title = SessionFile.open(file).session.title
            except PlaybookError:
                title = name
            options.append((title, name))
        return options

    def _session_options(self) -> list[tuple[str, str]]:
        return [(p.name, str(p)) for p in sorted(workspace().glob(f"*{SUFFIX}"))]

    def _open_mine(self) -> SessionFile:
        if not self.mine.value:
            raise PlaybookError(t("start.choose_first", self.lang))
        set_current(self.mine.value)
        return SessionFile.open(self.mine.value)

    def _run(self, action) -> None:  # noqa: ANN001 - a zero-argument callable returning a SessionFile
        """Do one user action; a mistake becomes a readable message, never a traceback."""
        try:
            self.handle = action()
        except PlaybookError as exc:
            self.status.value = (
                f"<p style='color:#a00000'>{html.escape(t('start.error', self.lang, message=str(exc)))}</p>"
            )
            return
        self.status.value = f"<p>{html.escape(t('start.opened', self.lang, path=self.handle.path))}</p>"
        self.summary.value = session_summary_html(self.handle, self.lang)
        self.mine.options = self._session_options()
        self.mine.value = (
            str(self.handle.path) if str(self.handle.path) in dict(self.mine.options).values() else None
        )

    def snapshot_html(self) -> str:
        return self.summary.value

    @property
    def session(self) -> Session | None:
        return self.handle.session if self.handle else None
