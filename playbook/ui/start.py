"""The start panel of notebook 00: open an example or one of your sessions, or create a new one."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from ..errors import PlaybookError
from ..flavours.widget import heading, line, message, show, style
from ..i18n import LANGUAGE_NAMES, LANGUAGES, default_language, t
from ..paths import workspace
from ..session import SUFFIX, Session, SessionFile
from ..structure.nodes import Facts, Section
from ..workspace import create_session, examples, open_current, open_example, set_current
from .fixed import fixed_html, fixed_layout, fixed_look
from .static import Snapshot


def session_summary_node(handle: SessionFile, lang: str, where: bool = True) -> Section:
    """A short overview of the open session; ``where`` adds the file's path (not in a snapshot: a page
    built on one machine must not show another's folders, let alone a temporary one)."""
    s: Session = handle.session
    when = f"{s.date.isoformat()}, " if s.date else ""
    rows = [
        ("session.client", s.brief.client),
        ("session.wish", s.brief.wish),
        ("session.visible_result", s.brief.visible_result),
        ("session.date", f"{when}{s.start:%H:%M}–{s.end():%H:%M}"),
        (
            "session.group",
            f"{t('session.size', lang, size=s.group.size)}, {t(f'settings.{s.group.setting}', lang)}",
        ),
        ("session.budget", t("session.planned", lang, minutes=s.planned_minutes, budget=s.budget_minutes)),
        ("start.file", str(handle.path) if where else handle.path.name),
    ]
    facts = Facts(tuple((t(k, lang), v) for k, v in rows if v))
    return Section(
        t("start.current", lang, title=s.title), (facts,), lang=s.language if s.language != lang else ""
    )


def session_summary_html(handle: SessionFile, lang: str) -> str:
    return show(session_summary_node(handle, lang))


def _label(text: str) -> widgets.HTML:
    """A right-aligned label in the same column as the other widgets' descriptions."""
    return fixed_html(line(text), layout={"width": "14em"}).add_class("pb-label")


class StartPanel(Snapshot, widgets.VBox):
    """Choose the session that notebooks 01–05 will work on; the choice is remembered on disk."""

    def __init__(self, path: str | Path | None = None, lang: str | None = None) -> None:
        self.lang = lang or default_language()
        self.handle: SessionFile | None = None
        L = self.lang  # noqa: N806 - short alias for the many labels below

        self.examples = fixed_look(
            widgets.Dropdown, options=self._example_options(), description=t("start.example", L)
        )
        self.open_example_button = fixed_look(
            widgets.Button, description=t("start.open_example", L), icon="folder-open"
        )
        self.mine = fixed_look(
            widgets.Dropdown, options=self._session_options(), description=t("start.mine", L)
        )
        self.open_mine_button = fixed_look(widgets.Button, description=t("start.open", L), icon="folder-open")
        self.new_title = fixed_look(
            widgets.Text, description=t("start.new_title", L), placeholder=t("start.placeholder_title", L)
        )
        self.new_language = fixed_look(
            widgets.ToggleButtons,
            options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES],
            value=self.lang,
            style={"button_width": "8em"},
        )
        self.create_button = fixed_look(
            widgets.Button,
            description=t("start.create", L),
            icon="plus",
            button_style="primary",
            layout={"width": "auto"},
        )
        self.status = fixed_html()
        self.summary = fixed_html()

        self.open_example_button.on_click(lambda _: self._run(lambda: open_example(self.examples.value)))
        self.open_mine_button.on_click(lambda _: self._run(self._open_mine))
        self.create_button.on_click(
            lambda _: self._run(lambda: create_session(self.new_title.value, self.new_language.value))
        )
        for widget in (self.examples, self.mine, self.new_title):
            widget.style = {"description_width": "14em"}
            widget.layout = fixed_layout(width="44em")

        super().__init__(
            [
                style(),
                heading(t("start.heading", L)),
                fixed_look(widgets.HBox, [self.examples, self.open_example_button]),
                fixed_look(widgets.HBox, [self.mine, self.open_mine_button]),
                self.new_title,
                fixed_look(
                    widgets.HBox, [_label(t("start.new_language", L)), self.new_language, self.create_button]
                ),
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
            self.status.value = message(t("start.error", self.lang, message=str(exc)))
            return
        self.status.value = line(t("start.opened", self.lang, path=self.handle.path))
        self.summary.value = session_summary_html(self.handle, self.lang)
        self.mine.options = self._session_options()
        self.mine.value = (
            str(self.handle.path) if str(self.handle.path) in dict(self.mine.options).values() else None
        )

    def snapshot_html(self) -> str:
        return show(session_summary_node(self.handle, self.lang, where=False)) if self.handle else ""

    @property
    def session(self) -> Session | None:
        return self.handle.session if self.handle else None
