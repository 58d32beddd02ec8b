"""The diagnosis panel of notebook 01: statements, history and signals in, a profile with charts out.

The panel edits ``session.diagnosis`` through the binding (saved at once); the profile, its reasons and
the charts are recomputed by the core and only the charts whose input changed are drawn again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..chartkeys import iceberg_key, stage_key, stance_key
from ..chartmemo import MEMO
from ..diagnosis import Bank, Profile, default_bank, diagnose, reading_choices, reading_label, with_reading
from ..flavours.html import inline_svg
from ..flavours.widget import heading, line, message, show, style
from ..i18n import t
from ..reading import Reading
from ..session import Session
from ..structure import iceberg, profile_section, stage_chart, stance_chart
from ..structure.method import intents_section, reading_node
from ..structure.nodes import para, section, strong
from .binding import SessionBinding
from .fixed import fixed_html, fixed_layout, fixed_look
from .static import Snapshot

if TYPE_CHECKING:
    from ..charts import IcebergFigure


def reading_html(kind: str, reading: Reading, lang: str, heading: str) -> str:
    """One reading in words: its value, how sure, the words it rests on, and whether you confirmed it."""
    return show(reading_node(kind, reading, lang, heading))


def intents_html(p: Profile) -> str:
    return show(intents_section(p), level=4)


def profile_html(p: Profile) -> str:
    """The profile in words: undercurrent, stage, hypotheses, colour and stance, each with its reasons."""
    return show(*profile_section(p, charts=False).children, level=4)


class DiagnosisPanel(Snapshot, widgets.VBox):
    """Answer the statements, pick the history, tick the signals; see the profile and charts follow."""

    def __init__(self, binding: SessionBinding, bank: Bank | None = None) -> None:
        self.binding = binding
        self.bank = bank or default_bank()
        s = binding.session
        lang = self.lang = s.language
        answers = [("–", None)] + [(str(n), n) for n in range(1, 6)]
        tips = [t("diagnosis.not_answered", lang)] + [t(f"diagnosis.answer_{n}", lang) for n in range(1, 6)]

        self.history = fixed_look(
            widgets.Dropdown,
            options=[("–", None)] + [(text(lang), oid) for oid, text in self.bank.history_options.items()],
            value=s.diagnosis.history,
            layout={"width": "30em"},
        )
        self.questions: dict[str, widgets.ToggleButtons] = {}
        sections = []
        for dim in self.bank.dimensions:
            rows = []  # each statement, then its answer buttons below it
            for q in dim.questions:
                toggle = fixed_look(
                    widgets.ToggleButtons,
                    options=answers,
                    value=s.diagnosis.answers.get(q.id),
                    tooltips=tips,
                    style={"button_width": "2.6em"},
                )
                self.questions[q.id] = toggle
                rows += [fixed_html(line(q.text(lang))), toggle]
            sections.append(fixed_look(widgets.VBox, rows))
        self.statements = fixed_look(widgets.Accordion, children=sections)
        self.signals = {
            sg.id: fixed_look(
                widgets.Checkbox,
                value=sg.id in s.diagnosis.signals,
                description=sg.name(lang),
                indent=False,
                tooltip=sg.description(lang),
            )
            for sg in self.bank.signals
        }
        self.notes = fixed_look(
            widgets.Textarea,
            value=s.diagnosis.notes,
            layout={"width": "46em", "height": "5em"},
            continuous_update=False,
        )
        self.status = fixed_html()
        self.summary = fixed_html()
        self.iceberg = fixed_html()
        self.stage = fixed_html()
        self.stance = fixed_html()
        self.profile: Profile | None = None
        self._iceberg: IcebergFigure | None = None  # made with the first chart (matplotlib)

        self.history.observe(lambda c: self._change(history=c["new"]), names="value")
        for qid, toggle in self.questions.items():
            toggle.observe(lambda c, qid=qid: self._answer(qid, c["new"]), names="value")
        for box in self.signals.values():
            box.observe(
                lambda _: self._change(signals=tuple(i for i, b in self.signals.items() if b.value)),
                names="value",
            )
        self.notes.observe(lambda c: self._change(notes=c["new"]), names="value")
        binding.on_change(self.refresh)

        signal_grid = fixed_look(
            widgets.GridBox, list(self.signals.values()), layout={"grid_template_columns": "repeat(2, 24em)"}
        )
        inputs = fixed_look(
            widgets.VBox,
            [
                fixed_html(line(strong(self.bank.history_question(lang)))),
                self.history,
                heading(t("diagnosis.heading_statements", lang), 4),
                self.statements,
                heading(t("diagnosis.heading_signals", lang), 4),
                signal_grid,
                heading(t("session.notes", lang), 4),
                self.notes,
                self.status,
            ],
        )
        title = heading(t("diagnosis.heading_profile", lang))
        super().__init__(
            [style(), inputs, title, self.iceberg, self.summary, self.stage, self.stance],
            layout=fixed_layout(),
        )
        self.refresh(s)

    def snapshot_html(self) -> str:
        title = heading(t("diagnosis.heading_profile", self.lang)).value
        return title + self.iceberg.value + self.summary.value + self.stage.value + self.stance.value

    def _answer(self, qid: str, value: int | None) -> None:
        answers = dict(self.binding.session.diagnosis.answers)
        if value is None:
            answers.pop(qid, None)
        else:
            answers[qid] = value
        self._change(answers=answers)

    def _change(self, **changes: object) -> None:
        diagnosis = replace(self.binding.session.diagnosis, **changes)
        problem = self.binding.update(diagnosis=diagnosis)
        self.status.value = message(t("brief.not_saved", self.lang, message=problem) if problem else "")

    def refresh(self, session: Session) -> None:
        """Recompute the profile; draw again only the charts whose part of the profile changed."""
        self._show(session)
        old = self.profile
        new = self.binding.profile() if self.bank is default_bank() else diagnose(session, self.bank)
        self.profile = new
        self.summary.value = profile_html(new)
        if old is None or iceberg_key(old) != iceberg_key(new):  # kept: an answer moves its bars
            self.iceberg.value = MEMO.svg(
                iceberg_key(new), lambda: self._iceberg_figure().update(new), iceberg(new).alt
            )
        for chart, node, key in (
            (self.stage, stage_chart, stage_key),
            (self.stance, stance_chart, stance_key),
        ):
            if old is None or key(old) != key(new):  # what the chart shows changed: only then draw it
                chart.value = inline_svg(node(new))
        self.statements.titles = tuple(  # at once: one message to the browser, not one per title
            f"{t(f'layers.{dim.layer}', self.lang)} · {dim.name} · {'–' if dim.score is None else dim.score}"
            for dim in new.dimensions
        )

    def _iceberg_figure(self) -> IcebergFigure:
        """The iceberg's figure, made when its first picture is drawn: a picture drawn before (by this
        process or, through the chart cache, another) is shown without importing matplotlib."""
        if self._iceberg is None:
            from ..charts import IcebergFigure

            self._iceberg = IcebergFigure()
        return self._iceberg

    def _show(self, session: Session) -> None:
        """Keep the inputs in step with the file (after a reload); equal values trigger nothing."""
        d = session.diagnosis
        self.history.value = d.history if d.history in self.bank.history_options else None
        for qid, toggle in self.questions.items():
            toggle.value = d.answers.get(qid)
        for sid, box in self.signals.items():
            box.value = sid in d.signals
        self.notes.value = d.notes


class ReadingRow(widgets.VBox):
    """One reading: what the brief says (value, confidence, words) and the facilitator's choice."""

    def __init__(
        self,
        kind: str,
        lang: str,
        heading: str,
        on_choice,  # noqa: ANN001
        intent: str | None = None,
        reading: Reading | None = None,
    ) -> None:
        """Made showing ``reading`` when it is given, so the browser gets the row whole in one message."""
        self.kind, self.intent, self.lang, self.heading = kind, intent, lang, heading
        self.read_value: object = None
        options, value = self._choices(reading) if reading else ([("–", None)], None)
        self.text = fixed_html(reading_html(kind, reading, lang, heading) if reading else "")
        self.choice = fixed_look(
            widgets.Dropdown, options=options, value=value, description=t("diagnosis.your_reading", lang),
            style={"description_width": "10em"}, layout={"width": "34em"},
        )  # fmt: skip
        self.confirm = fixed_look(widgets.Button, description=t("diagnosis.confirm", lang), icon="check")
        self._quiet = False
        self.choice.observe(lambda c: None if self._quiet else on_choice(self, c["new"]), names="value")
        self.confirm.on_click(lambda _: on_choice(self, self.read_value))
        super().__init__(
            [self.text, fixed_look(widgets.HBox, [self.choice, self.confirm])],
            layout=fixed_layout(),
            _dom_classes=(f"pb-reading-row-{kind}" + (f"-{intent}" if intent else ""),),
        )

    def _choices(self, reading: Reading) -> tuple[list[tuple[str, object]], object]:
        """The dropdown's options ('as read' first, its label following the brief) and its choice."""
        read = reading.read if reading.read is not None else reading.value
        self.read_value = read
        options = [(t("diagnosis.as_read", self.lang, value=reading_label(self.kind, read, self.lang)), None)]
        options += [(reading_label(self.kind, v, self.lang), v) for v in reading_choices(self.kind)]
        return options, reading.value if reading.read is not None else None

    def show(self, reading: Reading) -> None:
        """Show the reading; the dropdown holds the facilitator's choice, or 'as read' when there is none."""
        options, value = self._choices(reading)
        self._quiet = True
        try:
            if list(self.choice.options) != options:  # the 'as read' label follows the brief
                with self.choice.hold_sync():  # options and choice reach the browser in one message
                    self.choice.options = options
                    self.choice.value = value
            else:
                self.choice.value = value
        finally:
            self._quiet = False
        self.text.value = reading_html(self.kind, reading, self.lang, self.heading)


class ReadingsPanel(Snapshot, widgets.VBox):
    """The readings of the brief and the group, each with its evidence, for the facilitator to confirm or
    correct. A choice is saved in the session (``diagnosis.readings``) and every later step uses it."""

    def __init__(self, binding: SessionBinding) -> None:
        self.binding = binding
        lang = self.lang = binding.session.language
        self.status = fixed_html()
        profile = binding.profile()
        readings = profile.readings
        self.rows: dict[str, ReadingRow] = {
            kind: ReadingRow(kind, lang, t(f"diagnosis.reading_{kind}", lang), self._choose, None, reading)
            for kind, reading in (
                ("colour", readings.colour),
                ("stance", readings.stance),
                ("stage", readings.stage),
            )
        }
        for i in profile.intents:
            heading = t("diagnosis.reading_intent", lang, intent=t(f"intents.{i.id}", lang))
            reading = readings.intents.get(i.id)
            self.rows[f"intent:{i.id}"] = ReadingRow("intent", lang, heading, self._choose, i.id, reading)
        binding.on_change(lambda _: self.refresh())
        head = fixed_html(
            show(section(t("diagnosis.heading_readings", lang), para(t("diagnosis.readings_intro", lang))))
        )
        super().__init__([style(), head, *self.rows.values(), self.status], layout=fixed_layout())
        self.refresh()

    def row(self, kind: str, intent: str | None = None) -> ReadingRow:
        return self.rows[f"intent:{intent}" if kind == "intent" else kind]

    def refresh(self) -> None:
        readings = self.binding.profile().readings
        self.rows["colour"].show(readings.colour)
        self.rows["stance"].show(readings.stance)
        self.rows["stage"].show(readings.stage)
        for ident, reading in readings.intents.items():
            if (row := self.rows.get(f"intent:{ident}")) is not None:
                row.show(reading)

    def _choose(self, row: ReadingRow, value: object) -> None:
        diagnosis = with_reading(self.binding.session.diagnosis, row.kind, value, row.intent)  # type: ignore[arg-type]
        problem = self.binding.update(diagnosis=diagnosis)
        self.status.value = message(t("brief.not_saved", self.lang, message=problem) if problem else "")
        if problem:
            self.refresh()

    def snapshot_html(self) -> str:
        return heading(t("diagnosis.heading_readings", self.lang)).value + "".join(
            r.text.value for r in self.rows.values()
        )
