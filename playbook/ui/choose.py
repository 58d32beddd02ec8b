"""Notebook 02: suggested work forms per arc role, and a picker to find, shortlist and schedule them.

Both views rank with ``playbook.recommend`` and save choices through the session binding: the shortlist
and new agenda blocks (each with a plan B) land in the session document at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets

from ..catalogue import LAYERS, ROLES, SETTINGS, Catalogue, load_catalogue
from ..flavours.widget import heading, line, message, show, style
from ..i18n import capitalised, t
from ..recommend import Suggestion, plan_b, rank, shortlist
from ..session import Block, Group, Session
from ..structure import suggestion_node
from ..structure.nodes import Section, items, strong
from ..vocabulary import layer_matches
from .binding import SessionBinding
from .fixed import fixed_html, fixed_look
from .static import Snapshot

PAGE = 10
"""Cards shown at once; the widgets for them are made once and refilled on every change."""


def suggestion_html(s: Suggestion, lang: str, details: bool = False, size: int | None = None) -> str:
    """Name, score, reasons (✓) and warnings (⚠) of one suggestion; optionally the whole card. With
    ``size``, the minutes and steps are those for a group of that many people."""
    return show(suggestion_node(s, lang, details, size), level=4)


class SuggestionsView(Snapshot, widgets.VBox):
    """The shortlist per arc role the playbook suggests for this session, redrawn when the session changes."""

    def __init__(
        self, binding: SessionBinding, catalogue: Catalogue | None = None, per_role: int = 4
    ) -> None:
        self.binding = binding
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.per_role = per_role
        self.lang = binding.session.language
        self.tabs = fixed_look(widgets.Tab, children=[fixed_html() for _ in ROLES])
        for i, role in enumerate(ROLES):
            self.tabs.set_title(i, t(f"roles.{role}", self.lang))
        self.suggestions: dict[str, list[Suggestion]] = {}
        binding.on_change(lambda _: self.refresh())
        super().__init__([style(), heading(t("suggest.heading", self.lang)), self.tabs])
        self.refresh()

    def snapshot_html(self) -> str:
        parts = [heading(t("suggest.heading", self.lang)).value]
        for i, role in enumerate(ROLES):
            parts.append(heading(t(f"roles.{role}", self.lang), 4).value + self.tabs.children[i].value)
        return "".join(parts)

    def refresh(self) -> None:
        self.suggestions = shortlist(self.binding.session, self.catalogue, per_role=self.per_role)
        size = self.binding.session.group.size
        for i, role in enumerate(ROLES):
            items = self.suggestions[role]
            self.tabs.children[i].value = "".join(
                suggestion_html(s, self.lang, size=size) for s in items
            ) or line(t("catalogue.none_found", self.lang))


@dataclass
class _Slot:
    """One reusable card: its text and its two buttons."""

    box: widgets.VBox
    html: widgets.HTML
    shortlist: widgets.Button
    agenda: widgets.Button
    ident: str | None = None


class Picker(Snapshot, widgets.VBox):
    """Filter the catalogue in this session's light; shortlist a card or put it in the agenda with a plan B."""

    def __init__(self, binding: SessionBinding, catalogue: Catalogue | None = None) -> None:
        self.binding = binding
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        s = binding.session
        lang = self.lang = s.language
        any_ = t("suggest.any", lang)
        wide = {"description_width": "11em"}
        self.text = fixed_look(
            widgets.Text,
            description=t("catalogue.search", lang),
            placeholder="stilte, voting, conflict …",
            style=wide,
        )
        self.role = fixed_look(
            widgets.Dropdown,
            options=[(any_, None)] + [(t(f"roles.{r}", lang), r) for r in ROLES],
            description=capitalised(t("catalogue.role", lang)),
            style=wide,
        )
        self.layer = fixed_look(
            widgets.Dropdown,
            options=[(any_, None)] + [(t(f"layers.{x}", lang), x) for x in LAYERS],
            description=capitalised(t("catalogue.layer", lang)),
            style=wide,
        )
        self.energy = fixed_look(
            widgets.IntRangeSlider,
            value=(1, 5),
            min=1,
            max=5,
            description=t("suggest.energy", lang),
            style=wide,
        )
        self.minutes = fixed_look(
            widgets.IntSlider,
            value=min(s.budget_minutes, 240),
            min=5,
            max=240,
            step=5,
            description=t("suggest.max_minutes", lang),
            style=wide,
        )
        self.size = fixed_look(
            widgets.BoundedIntText,
            value=s.group.size,
            min=1,
            max=10_000,
            description=t("suggest.group_size", lang),
            style=wide,
        )
        self.setting = fixed_look(
            widgets.Dropdown,
            options=[(t(f"settings.{x}", lang), x) for x in SETTINGS],
            value=s.group.setting,
            description=capitalised(t("catalogue.settings", lang)),
            style=wide,
        )
        self.show_unfit = fixed_look(
            widgets.Checkbox, value=False, description=t("suggest.show_unfit", lang), indent=False
        )
        self.count = fixed_html()
        self.status = fixed_html()
        self.mine = fixed_html()
        self.results: list[Suggestion] = []
        self.slots = [self._slot() for _ in range(PAGE)]
        self._plan_b: dict[str, Suggestion | None] = {}
        self._plan_b_session: Session | None = None

        for w in (
            self.text,
            self.role,
            self.layer,
            self.energy,
            self.minutes,
            self.size,
            self.setting,
            self.show_unfit,
        ):
            w.observe(lambda _: self.refresh(), names="value")
        binding.on_change(lambda _: self.refresh())
        filters = fixed_look(
            widgets.GridBox,
            [
                self.text,
                self.role,
                self.layer,
                self.setting,
                self.size,
                self.minutes,
                self.energy,
                self.show_unfit,
            ],
            layout={"grid_template_columns": "repeat(2, 30em)"},
        )
        title = heading(t("suggest.picker_heading", lang))
        super().__init__(
            [style(), title, filters, self.count, self.status, *[slot.box for slot in self.slots], self.mine]
        )
        self.refresh()

    def snapshot_html(self) -> str:
        cards = "".join(slot.html.value for slot in self.slots if slot.ident)
        return (
            heading(t("suggest.picker_heading", self.lang)).value + self.count.value + cards + self.mine.value
        )

    def _slot(self) -> _Slot:
        text = fixed_html()
        add = fixed_look(widgets.Button, icon="star", layout={"width": "auto"})
        agenda = fixed_look(
            widgets.Button,
            description=t("suggest.add_agenda", self.lang),
            icon="calendar-plus",
            button_style="primary",
            layout={"width": "auto"},
        )
        box = widgets.VBox(
            [text, fixed_look(widgets.HBox, [add, agenda])],
            layout=widgets.Layout(border="1px solid #bbb", padding="0.4em 0.8em", margin="0.3em 0"),
        )
        slot = _Slot(box, text, add, agenda)
        add.on_click(lambda _: self.toggle_shortlist(slot.ident))
        agenda.on_click(lambda _: self.add_to_agenda(slot.ident))
        return slot

    def refresh(self) -> None:
        """Rank with the filters applied; refill the card slots in place (no widgets are created)."""
        session = self.binding.session
        what_if = session.with_changes(group=Group(self.size.value or 1, self.setting.value))
        ranked = rank(
            what_if,
            self.catalogue,
            self.binding.profile(),
            role=self.role.value,
            include_unfit=self.show_unfit.value,
        )
        low, high = self.energy.value
        layer, size = self.layer.value, what_if.group.size
        found = {i.id for i in self.catalogue.search(self.text.value)} if self.text.value.strip() else None
        self.results = [
            s
            for s in ranked
            if low <= s.intervention.energy <= high
            and s.intervention.minutes_for(size).min <= self.minutes.value
            and layer_matches(s.intervention.layer, layer)  # 'below' includes 'both', as everywhere
            and (found is None or s.id in found)
        ]
        shown = self.results[:PAGE]
        self.count.value = line(
            strong(t("catalogue.count", self.lang, count=len(self.results))),
            f" · {t('suggest.showing', self.lang, shown=len(shown), count=len(self.results))}",
        )
        for slot, suggestion in zip(self.slots, [*shown, *[None] * (PAGE - len(shown))], strict=True):
            slot.ident = suggestion.id if suggestion else None
            slot.box.layout.display = "" if suggestion else "none"
            if suggestion is None:
                continue
            backup = self.plan_b_for(suggestion.id)
            plan = backup.intervention.name(self.lang) if backup else t("suggest.no_plan_b", self.lang)
            slot.html.value = suggestion_html(suggestion, self.lang, details=True, size=size) + line(
                strong(f"{t('session.plan_b', self.lang)}: "), plan
            )
            listed = suggestion.id in session.shortlist
            slot.shortlist.description = t("suggest.remove" if listed else "suggest.add_shortlist", self.lang)
            slot.shortlist.button_style = "warning" if listed else ""
        self._show_shortlist(session)

    def plan_b_for(self, ident: str) -> Suggestion | None:
        """The card's plan B, worked out once per version of the session: a filter changes which cards
        show, not their plan B, so a click on a filter only ranks again."""
        session = self.binding.session
        if session is not self._plan_b_session:
            self._plan_b, self._plan_b_session = {}, session
        if ident not in self._plan_b:
            options = plan_b(ident, session, self.catalogue, self.binding.profile(), limit=1)
            self._plan_b[ident] = options[0] if options else None
        return self._plan_b[ident]

    def toggle_shortlist(self, ident: str | None) -> None:
        if ident is None:
            return
        current = self.binding.session.shortlist
        name = self.catalogue.get(ident).name(self.lang)
        if ident in current:
            problem = self.binding.update(shortlist=tuple(i for i in current if i != ident))
            message = t("suggest.removed", self.lang, name=name)
        else:
            problem = self.binding.update(shortlist=(*current, ident))
            message = t("suggest.added_shortlist", self.lang, name=name)
        self._say(problem, message)

    def add_to_agenda(self, ident: str | None) -> None:
        if ident is None:
            return
        item = self.catalogue.get(ident)
        backup = self.plan_b_for(ident)
        minutes = item.minutes_for(self.binding.session.group.size).typical  # the typical time for this group
        block = Block(minutes, intervention=ident, plan_b=(backup.id,) if backup else ())
        problem = self.binding.update(agenda=(*self.binding.session.agenda, block))
        plan = backup.intervention.name(self.lang) if backup else t("suggest.no_plan_b", self.lang)
        self._say(
            problem,
            t(
                "suggest.added_agenda",
                self.lang,
                name=item.name(self.lang),
                minutes=block.minutes,
                plan_b=plan,
            ),
        )

    def _say(self, problem: str | None, said: str) -> None:
        if problem:
            self.status.value = message(t("brief.not_saved", self.lang, message=problem))
        else:
            self.status.value = message(said, "ok")

    def _show_shortlist(self, session: Session) -> None:
        names = [
            self.catalogue.get(i).name(self.lang) if i in self.catalogue else i for i in session.shortlist
        ]
        listed = items(names or [t("suggest.empty_shortlist", self.lang)])
        self.mine.value = show(Section(t("suggest.your_shortlist", self.lang), (listed,)), level=4)
