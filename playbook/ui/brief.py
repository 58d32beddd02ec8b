"""The brief form of notebook 01: the client's wish, the visible result, time and group, saved as you type."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import ipywidgets as widgets

from ..flavours.widget import heading, message, show, style
from ..i18n import t
from ..session import DAY_MINUTES, SETTINGS
from ..structure.nodes import Facts, Section
from ..vocabulary import clock as _clock
from ..vocabulary import minutes_of_day as _minutes
from .binding import SessionBinding
from .fixed import fixed_html, fixed_layout, fixed_look, fixed_style
from .static import Snapshot

TEXTS = (
    "client",
    "wish",
    "visible_result",
    "purpose",
    "decision_rule",
    "context",
    "place",
    "link",
    "host",
    "contact",
    "bring",
)
"""The brief's text fields, in the order the form shows them; ``place`` to ``bring`` are the practical
facts of the participants' programme, which also shows the purpose."""
FIELDS = (*TEXTS[:6], "date", "start", "end", "budget", "size", "setting", *TEXTS[6:])
"""The form's fields, top to bottom; each has a widget attribute of this name and a message beside it."""
_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
LABEL = {"description_width": "15em"}
WIDE, TALL, NARROW = {"width": "50em"}, {"width": "50em", "height": "6em"}, {"width": "25em"}
"""The fields' looks, each shared by all the fields that have it (playbook.ui.fixed)."""


def parse_time(text: str) -> dt.time | None:
    """'13:00' or '9.30' as a time, or None when it is not one."""
    match = _TIME.match(text or "")
    return dt.time(int(match[1]), int(match[2])) if match else None


class BriefForm(Snapshot, widgets.VBox):
    """Every field saves on change; an invalid value shows a message beside the field and is not saved."""

    def __init__(self, binding: SessionBinding) -> None:
        self.binding = binding
        s = binding.session
        lang = s.language
        self.lang = lang

        def text(
            key: str, value: str, area: bool = False, layout: dict[str, str] = WIDE, **more: str
        ) -> widgets.Widget:
            return fixed_look(
                widgets.Textarea if area else widgets.Text,
                value=value,
                description=t(f"brief.{key}", lang),
                style=LABEL,
                layout=TALL if area else layout,
                continuous_update=False,
                _dom_classes=(f"pb-brief-{key}",),  # a stable name for tests and custom CSS
                **more,
            )

        self.client = text("client", s.brief.client)
        self.wish = text("wish", s.brief.wish, area=True)
        self.visible_result = text("visible_result", s.brief.visible_result, area=True)
        self.purpose = text(
            "purpose", s.brief.purpose, area=True, placeholder=t("brief.purpose_placeholder", lang)
        )
        self.decision_rule = text("decision_rule", s.brief.decision_rule, area=True)
        self.context = text("context", s.brief.context, area=True)
        self.place = text("place", s.brief.place)
        self.link = text("link", s.brief.link)
        self.host = text("host", s.brief.host)
        self.contact = text("contact", s.brief.contact)
        self.bring = text("bring", s.brief.bring, area=True)
        self.date = fixed_look(
            widgets.DatePicker, value=s.date, description=t("brief.date", lang), style=LABEL, layout=NARROW
        )
        self.start = text("start", s.start.strftime("%H:%M"), layout=NARROW)
        self.end = text("end", _clock(_minutes(s.start) + s.budget_minutes), layout=NARROW)
        self.budget = fixed_look(
            widgets.IntText,
            value=s.budget_minutes,
            description=t("brief.budget", lang),
            style=LABEL,
            layout=NARROW,
        )
        self.size = fixed_look(
            widgets.IntText, value=s.group.size, description=t("brief.size", lang), style=LABEL, layout=NARROW
        )
        self.setting = fixed_look(
            widgets.Dropdown,
            options=[(t(f"settings.{x}", lang), x) for x in SETTINGS],
            value=s.group.setting,
            description=t("brief.setting", lang),
            style=LABEL,
            layout=NARROW,
        )
        self.errors = {name: fixed_html() for name in FIELDS}
        self.status = fixed_html()
        self.reload_button = widgets.Button(  # its own layout: shown when a save failed
            description=t("brief.reload", lang),
            icon="refresh",
            layout=widgets.Layout(display="none"),
            style=fixed_style(widgets.Button),
        )
        self.reload_button.on_click(lambda _: self._reload())

        for name in TEXTS:
            getattr(self, name).observe(
                lambda change, name=name: self._brief(name, change["new"]), names="value"
            )
        self.date.observe(lambda change: self._save("date", date=change["new"]), names="value")
        self.start.observe(lambda change: self._start(change["new"]), names="value")
        self.end.observe(lambda change: self._end(change["new"]), names="value")
        self.budget.observe(lambda change: self._budget(change["new"]), names="value")
        self.size.observe(lambda change: self._size(change["new"]), names="value")
        self.setting.observe(
            lambda change: self._save(
                "setting", group=replace(self.binding.session.group, setting=change["new"])
            ),
            names="value",
        )

        rows = [style(), heading(t("brief.heading", lang))]
        for name in FIELDS:
            rows.append(fixed_look(widgets.HBox, [getattr(self, name), self.errors[name]]))
        rows.append(fixed_look(widgets.HBox, [self.status, self.reload_button]))
        super().__init__(rows, layout=fixed_layout())

    def snapshot_html(self) -> str:
        """The brief as label and value pairs: what the form shows, without the inputs."""
        s = self.binding.session
        rows = [(f"brief.{name}", getattr(s.brief, name)) for name in TEXTS[:6]]
        rows += [
            ("brief.date", s.date.isoformat() if s.date else ""),
            ("brief.start", s.start.strftime("%H:%M")),
            ("brief.end", _clock(_minutes(s.start) + s.budget_minutes)),
            ("brief.budget", str(s.budget_minutes)),
            ("brief.size", str(s.group.size)),
            ("brief.setting", t(f"settings.{s.group.setting}", self.lang)),
        ]
        rows += [(f"brief.{name}", getattr(s.brief, name)) for name in TEXTS[6:]]
        facts = Facts(tuple((t(k, self.lang), v) for k, v in rows if v))
        return show(Section(t("brief.heading", self.lang), (facts,)))

    # -- handlers: validate what a person typed, then let the core save it ---------------------------

    def _error(self, name: str, said: str) -> None:
        self.errors[name].value = message(f"⚠ {said}" if said else "")

    def _save(self, name: str, **changes: object) -> bool:
        problem = self.binding.update(**changes)
        self._error(name, "")
        if problem:
            self.status.value = message(t("brief.not_saved", self.lang, message=problem))
            self.reload_button.layout.display = ""
            return False
        self.status.value = message(t("brief.saved", self.lang, path=self.binding.path), "info")
        self.reload_button.layout.display = "none"
        return True

    def _brief(self, name: str, value: str) -> None:
        self._save(name, brief=replace(self.binding.session.brief, **{name: value}))

    def _start(self, value: str) -> None:
        start = parse_time(value)
        if start is None:
            self._error("start", t("brief.bad_time", self.lang))
            return
        if _minutes(start) + self.binding.session.budget_minutes > DAY_MINUTES:
            self._error("start", t("brief.end_before_start", self.lang))
            return
        if self._save("start", start=start):
            self._show_end()

    def _end(self, value: str) -> None:
        end = parse_time(value)
        if end is None:
            self._error("end", t("brief.bad_time", self.lang))
            return
        budget = _minutes(end) - _minutes(self.binding.session.start)
        if budget <= 0:
            self._error("end", t("brief.end_before_start", self.lang))
            return
        if self._save("end", budget_minutes=budget):
            self._set_quietly(self.budget, budget)

    def _budget(self, value: int) -> None:
        if value is None or value < 1:
            self._error("budget", t("brief.budget_too_small", self.lang))
            return
        if _minutes(self.binding.session.start) + value > DAY_MINUTES:
            self._error("budget", t("brief.end_before_start", self.lang))
            return
        if self._save("budget", budget_minutes=value):
            self._show_end()

    def _size(self, value: int) -> None:
        if value is None or value < 1:
            self._error("size", t("brief.size_too_small", self.lang))
            return
        self._save("size", group=replace(self.binding.session.group, size=value))

    def _show_end(self) -> None:
        s = self.binding.session
        self._set_quietly(self.end, _clock(_minutes(s.start) + s.budget_minutes))
        self._error("end", "")

    def _set_quietly(self, widget: widgets.Widget, value: object) -> None:
        """Show a value derived from another field; the handler sees an unchanged session and saves nothing."""
        widget.value = value

    def _reload(self) -> None:
        problem = self.binding.reload()
        if problem:
            self.status.value = message(problem)
            return
        s = self.binding.session
        for name in TEXTS:
            getattr(self, name).value = getattr(s.brief, name)
        self.date.value = s.date
        self.start.value = s.start.strftime("%H:%M")
        self.budget.value = s.budget_minutes
        self.size.value = s.group.size
        self.setting.value = s.group.setting
        self._show_end()
        self.status.value = ""
        self.reload_button.layout.display = "none"
