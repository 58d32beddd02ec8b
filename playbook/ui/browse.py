"""A small catalogue browser for notebook 00: search and filter the work forms in either language."""

from __future__ import annotations

import ipywidgets as widgets

from ..catalogue import LAYERS, ROLES, SETTINGS, Catalogue, Intervention, load_catalogue
from ..flavours.widget import heading, line, show, style
from ..i18n import LANGUAGE_NAMES, LANGUAGES, capitalised, default_language, t
from ..structure import intervention_card
from ..structure.nodes import strong
from .fixed import fixed_html, fixed_look
from .static import Snapshot


def intervention_card_html(item: Intervention, lang: str, size: int | None = None) -> str:
    """One intervention as an HTML card (its time and steps for ``size`` people when given), the same
    card the CLI prints as text."""
    return show(intervention_card(item, lang, size=size), level=4)


class CatalogueBrowser(Snapshot, widgets.VBox):
    """Search box, role/layer/setting filters and a language switch above a list of cards."""

    def __init__(self, catalogue: Catalogue | None = None, lang: str | None = None) -> None:
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        lang = lang or default_language()
        self.query = fixed_look(
            widgets.Text, placeholder="check-in, stemmen, conflict …", description=t("catalogue.search", lang)
        )
        self.role = fixed_look(
            widgets.Dropdown, options=[("—", None)], description=capitalised(t("catalogue.role", lang))
        )
        self.layer = fixed_look(
            widgets.Dropdown, options=[("—", None)], description=capitalised(t("catalogue.layer", lang))
        )
        self.setting = fixed_look(
            widgets.Dropdown, options=[("—", None)], description=capitalised(t("catalogue.settings", lang))
        )
        self.language = fixed_look(
            widgets.ToggleButtons, options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES], value=lang
        )
        self.count = fixed_html()
        self.cards = fixed_html()
        self.results: list[Intervention] = []
        self._relabel()
        for widget in (self.query, self.role, self.layer, self.setting):
            widget.observe(lambda _: self.refresh(), names="value")
        self.language.observe(lambda _: (self._relabel(), self.refresh()), names="value")
        filters = fixed_look(widgets.HBox, [self.role, self.layer, self.setting])
        super().__init__(
            [style(), fixed_look(widgets.HBox, [self.query, self.language]), filters, self.count, self.cards]
        )
        self.refresh()

    def _relabel(self) -> None:
        """Option labels follow the chosen language; the selected values stay as they were."""
        lang = self.language.value
        for widget, key, values in (
            (self.role, "roles", ROLES),
            (self.layer, "layers", LAYERS),
            (self.setting, "settings", SETTINGS),
        ):
            current = widget.value
            widget.options = [("—", None)] + [(t(f"{key}.{v}", lang), v) for v in values]
            widget.value = current

    def snapshot_html(self) -> str:
        count = t("catalogue.count", self.language.value, count=len(self.results))
        return heading(count).value + self.cards.value

    def refresh(self) -> None:
        lang = self.language.value
        found = self.catalogue.search(self.query.value, None)
        allowed = {
            i.id
            for i in self.catalogue.filter(
                role=self.role.value, layer=self.layer.value, setting=self.setting.value
            )
        }
        self.results = [i for i in found if i.id in allowed]
        self.count.value = line(strong(t("catalogue.count", lang, count=len(self.results))))
        self.cards.value = "".join(intervention_card_html(i, lang) for i in self.results) or line(
            t("catalogue.none_found", lang)
        )
