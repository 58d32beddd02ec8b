"""A small catalogue browser for notebook 00: search and filter the work forms in either language."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..catalogue import LAYERS, ROLES, SETTINGS, SHIPPED, Catalogue, Intervention, load_catalogue
from ..i18n import LANGUAGE_NAMES, LANGUAGES, capitalised, default_language, t
from .static import Snapshot


def intervention_card_html(item: Intervention, lang: str, size: int | None = None) -> str:
    """One intervention as an HTML card (its time and steps for ``size`` people when given); every
    catalogue text is escaped before it is shown."""
    e = html.escape

    def label(key: str) -> str:
        return e(t(f"catalogue.{key}", lang))

    minutes = item.minutes_for(size) if size else item.minutes
    facts = " · ".join(
        [
            e(t(f"roles.{item.role}", lang)),
            e(t(f"layers.{item.layer}", lang)),
            f"{minutes.min}–{minutes.max} {e(t('units.minutes', lang))}",
            f"{item.group_size.min}–{item.group_size.max if item.group_size.max < 1000 else '∞'} {label('people')}",
            e(", ".join(t(f"settings.{s}", lang) for s in item.settings)),
        ]
    )
    steps = "".join(
        f"<li><b>{s.minutes} {e(t('units.minutes', lang))}</b>, {e(t(f'configurations.{s.step.configuration}', lang))}: "
        f"{e(s.text(lang) if size else s.step.text(lang))}</li>"
        for s in item.steps_for(size or item.reference_people)
    )
    risks = "".join(f"<li>{e(r.risk(lang))} <i>→ {e(r.handling(lang))}</i></li>" for r in item.risks)
    materials = "".join(f"<li>{e(m(lang))}</li>" for m in item.materials)
    origin = t("catalogue.shipped", lang) if item.origin == SHIPPED else item.origin
    return (
        f"<div class='playbook-card' style='border:1px solid #bbb;border-radius:6px;padding:0.5em 1em;margin:0.4em 0'>"
        f"<h4 style='margin:0.2em 0'>{e(item.name(lang))} <code>{e(item.id)}</code></h4>"
        f"<div style='color:#444'>{facts}</div><p>{e(item.summary(lang))}</p>"
        f"<details><summary>{label('steps')}</summary>"
        f"<p><b>{label('invitation')}:</b> “{e(item.invitation(lang))}”</p><ol>{steps}</ol>"
        + (f"<p><b>{label('materials')}</b></p><ul>{materials}</ul>" if materials else "")
        + (
            f"<p><b>{label('visible_output')}:</b> {e(item.visible_output(lang))}</p>"
            if item.visible_output
            else ""
        )
        + f"<p><b>{label('risks')}</b></p><ul>{risks}</ul>"
        f"<p style='color:#555'>{label('source')}: {e(item.source)} · {label('origin')}: {e(origin)}</p>"
        "</details></div>"
    )


class CatalogueBrowser(Snapshot, widgets.VBox):
    """Search box, role/layer/setting filters and a language switch above a list of cards."""

    def __init__(self, catalogue: Catalogue | None = None, lang: str | None = None) -> None:
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        lang = lang or default_language()
        self.query = widgets.Text(
            placeholder="check-in, stemmen, conflict …", description=t("catalogue.search", lang)
        )
        self.role = widgets.Dropdown(
            options=[("—", None)], description=capitalised(t("catalogue.role", lang))
        )
        self.layer = widgets.Dropdown(
            options=[("—", None)], description=capitalised(t("catalogue.layer", lang))
        )
        self.setting = widgets.Dropdown(
            options=[("—", None)], description=capitalised(t("catalogue.settings", lang))
        )
        self.language = widgets.ToggleButtons(options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES], value=lang)
        self.count = widgets.HTML()
        self.cards = widgets.HTML()
        self.results: list[Intervention] = []
        self._relabel()
        for widget in (self.query, self.role, self.layer, self.setting):
            widget.observe(lambda _: self.refresh(), names="value")
        self.language.observe(lambda _: (self._relabel(), self.refresh()), names="value")
        filters = widgets.HBox([self.role, self.layer, self.setting])
        super().__init__([widgets.HBox([self.query, self.language]), filters, self.count, self.cards])
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
        return f"<h3>{html.escape(count)}</h3>{self.cards.value}"

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
        self.count.value = f"<b>{html.escape(t('catalogue.count', lang, count=len(self.results)))}</b>"
        self.cards.value = "".join(intervention_card_html(i, lang) for i in self.results) or html.escape(
            t("catalogue.none_found", lang)
        )
