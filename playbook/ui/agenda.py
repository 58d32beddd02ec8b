"""Notebook 03: the agenda builder, with the timeline, the findings and the arc chart beside it, live.

Rows are made once and refilled on every change; every edit goes through the binding, so it is saved
atomically before the plan, the findings and the arc are redrawn. A long agenda is shown a page of
:data:`PAGE_ROWS` blocks at a time (rows and timeline alike), so an edit in an agenda of thousands of
blocks costs what an edit in one page costs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import ipywidgets as widgets

from ..agenda import Plan, clock, plan
from ..calibrate import History, history
from ..catalogue import ROLES, Catalogue, load_catalogue
from ..charts import MEMO, ArcFigure, arc_key
from ..errors import PlaybookError
from ..flavours.widget import heading, message, show, style
from ..i18n import t
from ..recommend import plan_b
from ..session import DAY_MINUTES, Block, Session
from ..structure import arc, findings_nodes, timeline_table
from ..structure.method import plan_summary, role_label
from ..structure.nodes import muted, para, strong
from .binding import SessionBinding
from .fixed import fixed_html, fixed_layout, fixed_look
from .static import Snapshot

PAGE_ROWS = 50
"""Blocks shown at once; a longer agenda gets a pager above its rows."""


def findings_html(p: Plan, window: range | None = None) -> str:
    """The findings as a list: level, code and the advice, lettered as they are marked on the arc; with
    a ``window`` (one page of a long agenda), those about its blocks and the agenda's own."""
    return show(*findings_nodes(p, window))


def timeline_html(p: Plan, window: range | None = None) -> str:
    """The agenda as a table with clock times, roles and plan B, and the total against the budget;
    ``window`` limits the rows to one page of a long agenda, the total still covers all of it."""
    return show(timeline_table(p, window), plan_summary(p))


@dataclass
class _Row:
    box: widgets.HBox
    time: widgets.HTML
    title: widgets.HTML
    minutes: widgets.BoundedIntText
    up: widgets.Button
    down: widgets.Button
    remove: widgets.Button
    edit: widgets.Button


class AgendaBuilder(Snapshot, widgets.VBox):
    """Build the timed agenda: add, reorder, resize, annotate; see times, findings and the arc follow."""

    def __init__(self, binding: SessionBinding, catalogue: Catalogue | None = None) -> None:
        self.binding = binding
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        lang = self.lang = binding.session.language
        self.plan: Plan | None = None
        self.selected: int | None = None
        self.page = 0
        """The page of :data:`PAGE_ROWS` blocks the rows show (always 0 for a short agenda)."""
        self._quiet = False
        self._drawn: object = None
        self._choices_for: tuple[str, ...] | None = None  # the shortlist the choices were listed for
        self._arc = ArcFigure()  # kept: a click moves the arc's artists, it does not draw a new figure

        self.rows: list[_Row] = []
        self.row_box = fixed_look(widgets.VBox)
        self.status = fixed_html()
        self.timeline = fixed_html()
        self.findings = fixed_html()
        self.arc = fixed_html().add_class("pb-arc")
        self.timeline.add_class("pb-timeline")

        self.choice = fixed_look(
            widgets.Dropdown,
            description=t("agenda.work_form", lang),
            layout={"width": "34em"},
            style={"description_width": "9em"},
        )
        self.add_button = fixed_look(
            widgets.Button, description=t("agenda.add", lang), icon="plus", button_style="primary"
        )
        self.custom_title = fixed_look(
            widgets.Text,
            description=t("agenda.own_block", lang),
            placeholder=t("agenda.own_placeholder", lang),
            layout={"width": "34em"},
            style={"description_width": "9em"},
        )
        self.custom_role = fixed_look(
            widgets.Dropdown, options=[(t(f"roles.{r}", lang), r) for r in ROLES], layout={"width": "11em"}
        )
        self.custom_minutes = fixed_look(
            widgets.BoundedIntText, value=15, min=1, max=DAY_MINUTES, layout={"width": "6em"}
        )
        self.custom_button = fixed_look(widgets.Button, description=t("agenda.add", lang), icon="plus")
        self.break_label = fixed_look(
            widgets.Text,
            value=t("session.break", lang),
            description=t("session.break", lang),
            layout={"width": "34em"},
            style={"description_width": "9em"},
        )
        self.break_minutes = fixed_look(
            widgets.BoundedIntText, value=15, min=1, max=DAY_MINUTES, layout={"width": "6em"}
        )
        self.break_button = fixed_look(widgets.Button, description=t("agenda.add", lang), icon="coffee")
        self.notes = fixed_look(
            widgets.Textarea,
            description=t("session.notes", lang),
            layout={"width": "46em", "height": "4.5em"},
            continuous_update=False,
            style={"description_width": "9em"},
        )
        self.backup = fixed_look(
            widgets.Dropdown,
            description=t("session.plan_b", lang),
            layout={"width": "46em"},
            style={"description_width": "9em"},
        )
        self.previous_page = fixed_look(widgets.Button, icon="chevron-left", layout={"width": "3em"})
        self.next_page = fixed_look(widgets.Button, icon="chevron-right", layout={"width": "3em"})
        self.page_label = fixed_html()
        self.pager = widgets.HBox(
            [self.previous_page, self.page_label, self.next_page], layout=widgets.Layout(display="none")
        )
        self.previous_page.on_click(lambda _: self.show_page(self.page - 1))
        self.next_page.on_click(lambda _: self.show_page(self.page + 1))
        self.editor_title = fixed_html()
        self.editor = widgets.VBox(
            [self.editor_title, self.notes, self.backup],
            layout=widgets.Layout(display="none", border="1px solid #bbb", padding="0.4em"),
        )

        self.add_button.on_click(lambda _: self.add_intervention(self.choice.value))
        self.custom_button.on_click(
            lambda _: self.add_custom(
                self.custom_title.value, self.custom_role.value, self.custom_minutes.value
            )
        )
        self.break_button.on_click(lambda _: self.add_break(self.break_label.value, self.break_minutes.value))
        self.notes.observe(lambda c: self._edit_selected(notes=c["new"]), names="value")
        self.backup.observe(
            lambda c: self._edit_selected(plan_b=(c["new"],) if c["new"] else ()), names="value"
        )
        binding.on_change(lambda _: self.refresh())

        adders = fixed_look(
            widgets.VBox,
            [
                fixed_look(widgets.HBox, [self.choice, self.add_button]),
                fixed_look(
                    widgets.HBox,
                    [self.custom_title, self.custom_role, self.custom_minutes, self.custom_button],
                ),
                fixed_look(widgets.HBox, [self.break_label, self.break_minutes, self.break_button]),
            ],
        )
        left = fixed_look(
            widgets.VBox,
            [
                heading(t("agenda.heading", lang)),
                self.pager,
                self.row_box,
                self.status,
                self.editor,
                adders,
            ],
        )
        right = fixed_look(
            widgets.VBox,
            [
                heading(t("agenda.findings", lang), 4),
                self.findings,
                heading(t("agenda.timeline", lang), 4),
                self.timeline,
            ],
            layout={"width": "40%", "padding": "0 0 0 1em"},
        )
        super().__init__([style(), fixed_look(widgets.HBox, [left, right]), self.arc], layout=fixed_layout())
        self.refresh()

    def snapshot_html(self) -> str:
        lang = self.lang
        return (
            heading(t("agenda.timeline", lang)).value
            + self.timeline.value
            + heading(t("agenda.findings", lang)).value
            + self.findings.value
            + self.arc.value
        )

    # -- building the rows ----------------------------------------------------------------------------

    def _row(self) -> _Row:
        n = len(self.rows)
        small = {"width": "2.6em"}
        row = _Row(
            fixed_look(widgets.HBox),
            fixed_html(layout={"width": "7.5em"}),
            fixed_html(layout={"width": "22em"}),
            fixed_look(
                widgets.BoundedIntText,
                min=1,
                max=DAY_MINUTES,
                layout={"width": "5.5em"},
                tooltip=t("agenda.minutes", self.lang),
            ),
            fixed_look(widgets.Button, icon="arrow-up", layout=small, tooltip=t("agenda.up", self.lang)),
            fixed_look(widgets.Button, icon="arrow-down", layout=small, tooltip=t("agenda.down", self.lang)),
            fixed_look(widgets.Button, icon="trash", layout=small, tooltip=t("agenda.remove", self.lang)),
            fixed_look(widgets.Button, icon="pencil", layout=small, tooltip=t("agenda.edit", self.lang)),
        )
        row.box.children = [row.time, row.title, row.minutes, row.up, row.down, row.edit, row.remove]
        # Stable class names: the end-to-end tests (and a user's own CSS) find the parts by them.
        row.box.add_class("pb-agenda-row")
        row.minutes.add_class("pb-minutes")
        row.minutes.observe(lambda c: self.set_minutes(self._offset + n, c["new"]), names="value")
        row.up.on_click(lambda _: self.move(self._offset + n, -1))
        row.down.on_click(lambda _: self.move(self._offset + n, +1))
        row.remove.on_click(lambda _: self.remove(self._offset + n))
        row.edit.on_click(lambda _: self.select(self._offset + n))
        self.rows.append(row)
        return row

    # -- editing the agenda (each goes through the binding: saved, then redrawn) -----------------------

    def _agenda(self, agenda: list[Block]) -> None:
        problem = self.binding.update(agenda=tuple(agenda))
        self.status.value = message(t("brief.not_saved", self.lang, message=problem) if problem else "")

    def set_minutes(self, index: int, minutes: int) -> None:
        if self._quiet or index >= len(self.binding.session.agenda):
            return
        agenda = list(self.binding.session.agenda)
        agenda[index] = replace(agenda[index], minutes=minutes)
        self._agenda(agenda)

    def move(self, index: int, step: int) -> None:
        agenda = list(self.binding.session.agenda)
        other = index + step
        if not (0 <= index < len(agenda) and 0 <= other < len(agenda)):
            return
        agenda[index], agenda[other] = agenda[other], agenda[index]
        if self.selected == index:
            self.selected = other
        self.page = other // PAGE_ROWS  # the moved block stays in sight
        self._agenda(agenda)

    def remove(self, index: int) -> None:
        agenda = list(self.binding.session.agenda)
        if index < len(agenda):
            del agenda[index]
            self.selected = None
            self._agenda(agenda)

    def add_intervention(self, ident: str | None) -> None:
        if not ident:
            return
        item = self.catalogue.get(ident)
        options = plan_b(ident, self.binding.session, self.catalogue, self.binding.profile(), limit=1)
        minutes = item.minutes_for(self.binding.session.group.size).typical
        self._append(Block(minutes, intervention=ident, plan_b=(options[0].id,) if options else ()))

    def add_custom(self, title: str, role: str, minutes: int) -> None:
        if not title.strip():
            self.status.value = message(t("agenda.title_needed", self.lang))
            return
        self._append(Block(minutes, title=title.strip(), role=role))
        self.custom_title.value = ""

    def add_break(self, label: str, minutes: int) -> None:
        self._append(Block(minutes, title=label.strip(), is_break=True))

    def _append(self, block: Block) -> None:
        agenda = [*self.binding.session.agenda, block]
        self.page = (len(agenda) - 1) // PAGE_ROWS  # the new block in sight
        self._agenda(agenda)

    def select(self, index: int | None) -> None:
        self.selected = index
        self._show_editor()

    def show_page(self, page: int) -> None:
        """Show another page of a long agenda's blocks."""
        pages = max(1, -(-len(self.binding.session.agenda) // PAGE_ROWS))
        self.page = min(max(page, 0), pages - 1)
        self.refresh()

    @property
    def _offset(self) -> int:
        return self.page * PAGE_ROWS

    def _edit_selected(self, **changes: object) -> None:
        if self._quiet or self.selected is None or self.selected >= len(self.binding.session.agenda):
            return
        agenda = list(self.binding.session.agenda)
        agenda[self.selected] = replace(agenda[self.selected], **changes)
        self._agenda(agenda)

    # -- showing ---------------------------------------------------------------------------------------

    def history(self) -> History | None:
        """The facilitator's own timing, from the runs in the folder this session lives in."""
        try:
            known = {self.binding.path: self.binding.session}  # the one being edited: not read again
            return history(self.binding.path.parent, self.catalogue, known)
        except PlaybookError:
            return None

    def refresh(self) -> None:
        """Plan once; refill the rows, the table and the findings; redraw the arc only if it changed."""
        session = self.binding.session
        self.plan = p = plan(session, self.catalogue, self.binding.profile(), history=self.history())
        pages = max(1, -(-len(p.blocks) // PAGE_ROWS))
        self.page = min(self.page, pages - 1)
        window = range(self._offset, min(self._offset + PAGE_ROWS, len(p.blocks)))
        while len(self.rows) < len(window):
            self._row()
        self._quiet = True
        try:
            for row, i in zip(self.rows, window, strict=False):
                b = p.blocks[i]
                row.time.value = f"{clock(b.start)}–{clock(b.end)}"
                row.title.value = self._title_html(b.title, role_label(b, self.lang))
                row.minutes.value = b.minutes
                row.up.disabled, row.down.disabled = i == 0, i == len(p.blocks) - 1
            self.row_box.children = [r.box for r in self.rows[: len(window)]]
            self._show_pager(window, pages, len(p.blocks))
            self._fill_choices(session)
            self._show_editor()
        finally:
            self._quiet = False
        self.timeline.value = timeline_html(p, window if pages > 1 else None)
        self.findings.value = findings_html(p, window if pages > 1 else None)
        drawn = arc_key(p)
        if drawn != self._drawn:  # its artists moved in place, or a picture already drawn is reused
            self.arc.value = MEMO.svg(drawn, lambda: self._arc.update(p), alt=arc(p).alt)
            self._drawn = drawn

    @staticmethod
    @lru_cache(maxsize=1024)
    def _title_html(title: str, role: str) -> str:
        """A row's title and role, rendered once per pair: a click that moves minutes renames nothing."""
        return show(para(strong(title), " ", muted(role)))

    def _show_pager(self, window: range, pages: int, total: int) -> None:
        self.pager.layout.display = "" if pages > 1 else "none"
        if pages > 1:
            self.page_label.value = show(
                para(t("agenda.page", self.lang, first=window.start + 1, last=window.stop, total=total))
            )
            self.previous_page.disabled = self.page == 0
            self.next_page.disabled = self.page == pages - 1

    def _fill_choices(self, session: Session) -> None:
        if session.shortlist == self._choices_for:  # the choices follow the shortlist alone
            return
        self._choices_for = session.shortlist
        listed = [
            (f"★ {self.catalogue.get(i).name(self.lang)}", i)
            for i in session.shortlist
            if i in self.catalogue
        ]
        rest = sorted(
            ((i.name(self.lang), i.id) for i in self.catalogue if i.id not in session.shortlist),
            key=lambda o: o[0].casefold(),
        )
        options = [("—", None), *listed, *rest]
        if list(self.choice.options) != options:
            self.choice.options = options

    def _show_editor(self) -> None:
        session = self.binding.session
        if self.selected is None or self.selected >= len(session.agenda):
            self.editor.layout.display = "none"
            return
        block = session.agenda[self.selected]
        self.editor.layout.display = ""
        title = self.plan.blocks[self.selected].title if self.plan else ""
        self.editor_title.value = show(para(strong(title)))
        was_quiet, self._quiet = self._quiet, True
        try:
            self.notes.value = block.notes
            role = self.plan.blocks[self.selected].role if self.plan else None
            same_role = sorted(
                (i.name(self.lang), i.id)
                for i in self.catalogue
                if i.role == role and i.id != block.intervention
            )
            options = [("—", None), *same_role]
            if list(self.backup.options) != options:
                self.backup.options = options
            self.backup.value = (
                block.plan_b[0]
                if block.plan_b and block.plan_b[0] in dict((v, v) for _, v in options)
                else None
            )
            self.backup.disabled = block.is_break
        finally:
            self._quiet = was_quiet
