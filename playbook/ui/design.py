"""Notebook 03 (and the app): propose a draft from the client's wish, see every reason beside it, use it,
and go back to an agenda kept before.

The panel only shows what ``playbook.design`` decides; "Use this draft" and "Restore" go through the
binding, so the agenda builder beside it (and every other view of the session) follows at once.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..calibrate import History, history
from ..catalogue import Catalogue, load_catalogue
from ..design import Design, Draft, apply_draft, design, restore_agenda
from ..errors import PlaybookError
from ..flavours import widget
from ..i18n import t
from ..structure.design import draft_section
from .binding import SessionBinding
from .fixed import fixed_html, fixed_look
from .static import Snapshot

e = html.escape
AUTO = {"width": "auto"}
LEVEL_MARK = {"error": ("⛔", "#b00020"), "warning": ("⚠", "#8a4b00"), "info": ("ℹ", "#1f4e79")}


def draft_html(draft: Draft) -> str:
    """One draft as an HTML fragment from the same structure the CLI prints: verdict, blocks with their
    reasons, findings and what can be reached when the wish does not fit. Every text is escaped."""
    inner = widget.show(draft_section(draft, t("design.cli.draft", draft.language)), level=4)
    return f"<div class='pb-draft'>{inner}</div>"  # the hook the app and its tests wait for


class DesignPanel(Snapshot, widgets.VBox):
    """Propose a draft (with alternatives), use it, and restore an agenda kept before."""

    def __init__(self, binding: SessionBinding, catalogue: Catalogue | None = None) -> None:
        self.binding = binding
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        lang = self.lang = binding.session.language
        self.result: Design | None = None
        self.seed = 0

        self.propose_button = fixed_look(
            widgets.Button,
            description=t("design.ui.propose", lang),
            icon="magic",
            button_style="primary",
            layout=AUTO,
        ).add_class("pb-propose")
        self.count = fixed_look(
            widgets.BoundedIntText,
            value=2,
            min=0,
            max=5,
            description=t("design.ui.alternatives", lang),
            layout={"width": "14em"},
            style={"description_width": "9em"},
        )
        self.shuffle_button = fixed_look(
            widgets.Button, description=t("design.ui.shuffle", lang), icon="random", layout=AUTO
        )
        self.choice = widgets.ToggleButtons(options=[], style={"button_width": "auto"})
        self.view = fixed_html().add_class("pb-draft-view")
        self.use_button = fixed_look(
            widgets.Button,
            description=t("design.ui.use", lang),
            icon="check",
            button_style="success",
            disabled=True,
            layout=AUTO,
        ).add_class("pb-use-draft")
        self.status = fixed_html().add_class("pb-design-status")
        self.kept = fixed_look(
            widgets.Dropdown,
            description=t("design.ui.kept", lang),
            layout={"width": "40em"},
            style={"description_width": "9em"},
        )
        self.restore_button = fixed_look(
            widgets.Button, description=t("design.ui.restore", lang), icon="undo", layout=AUTO
        ).add_class("pb-restore")

        self.propose_button.on_click(lambda _: self.propose())
        self.shuffle_button.on_click(lambda _: self.propose(self.seed + 1))
        self.choice.observe(lambda _: self._show(), names="value")
        self.use_button.on_click(lambda _: self.use())
        self.restore_button.on_click(lambda _: self.restore())
        binding.on_change(lambda _: self._fill_kept())

        super().__init__(
            [
                widget.style(),
                fixed_html(
                    f"<h3>{e(t('design.ui.heading', lang))}</h3><p>{e(t('design.ui.intro', lang))}</p>"
                ),
                fixed_look(widgets.HBox, [self.propose_button, self.count, self.shuffle_button]),
                self.choice,
                self.view,
                fixed_look(widgets.HBox, [self.use_button, self.status]),
                fixed_look(widgets.HBox, [self.kept, self.restore_button]),
            ]
        )
        self._fill_kept()
        self._show()

    def snapshot_html(self) -> str:
        return f"<h3>{e(t('design.ui.heading', self.lang))}</h3>{self.view.value}"

    @property
    def draft(self) -> Draft | None:
        """The draft chosen now: the designer's own, or one of the alternatives."""
        if self.result is None:
            return None
        drafts = self.result.drafts
        index = self.choice.value if isinstance(self.choice.value, int) else 0
        return drafts[min(index, len(drafts) - 1)]

    def history(self) -> History | None:
        """The facilitator's own timing, from the runs in the folder this session lives in."""
        try:
            return history(self.binding.path.parent, self.catalogue)
        except PlaybookError:
            return None

    def propose(self, seed: int = 0) -> None:
        """Draft the session as it is now, with the alternatives asked for."""
        self.seed = seed
        session = self.binding.session
        self.result = design(
            session,
            self.catalogue,
            profile=self.binding.profile(),
            history=self.history(),
            alternatives=self.count.value,
            seed=seed,
        )
        labels = [t("design.cli.draft", self.lang)] + [
            t("design.cli.alternative", self.lang, k=k) for k in range(1, len(self.result.alternatives) + 1)
        ]
        options = [
            (f"{label}: {d.arc.name(self.lang)}", i)
            for i, (label, d) in enumerate(zip(labels, self.result.drafts, strict=True))
        ]
        self.choice.options = options
        self.choice.value = 0
        self.status.value = ""
        self._show()

    def use(self) -> None:
        """Write the chosen draft into the agenda, keeping the agenda it replaces (saved at once)."""
        draft = self.draft
        if draft is None:
            return
        before = self.binding.session
        problem = self.binding.replace(apply_draft(before, draft))
        if problem:
            self._say(t("brief.not_saved", self.lang, message=problem), error=True)
            return
        kept = self.binding.session.alternatives
        message = t("design.ui.used", self.lang, arc=draft.arc.name(self.lang))
        if len(kept) > len(before.alternatives):
            message += " " + t("design.ui.kept_as", self.lang, name=kept[-1].name)
        self._say(message)

    def restore(self) -> None:
        """Put the kept agenda chosen in the list back; the agenda it replaces is kept in its turn."""
        index = self.kept.value
        if index is None:
            return
        name = self.binding.session.alternatives[index - 1].name
        problem = self.binding.replace(restore_agenda(self.binding.session, index))
        if problem:
            self._say(t("brief.not_saved", self.lang, message=problem), error=True)
            return
        self._say(t("design.ui.restored", self.lang, name=name))

    def _say(self, message: str, error: bool = False) -> None:
        colour = "#b00020" if error else "#1b5e20"
        self.status.value = f"<span style='color:{colour}'>{e(message)}</span>"

    def _show(self) -> None:
        draft = self.draft
        self.use_button.disabled = draft is None
        self.choice.layout.display = "" if self.result and self.result.alternatives else "none"
        self.view.value = (
            draft_html(draft) if draft else f"<p><i>{e(t('design.ui.none_yet', self.lang))}</i></p>"
        )

    def _fill_kept(self) -> None:
        kept = self.binding.session.alternatives
        options = [("—", None)] + [
            (f"{k}. {a.name} ({sum(b.minutes for b in a.agenda)} {t('units.minutes', self.lang)})", k)
            for k, a in enumerate(kept, 1)
        ]
        if list(self.kept.options) != options:
            self.kept.options = options
            self.kept.value = None
        self.restore_button.disabled = not kept
