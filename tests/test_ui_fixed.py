"""Widgets whose look never changes share one read-only layout and style per kernel (playbook.ui.fixed).

Each widget model is a message from the kernel, a model in the browser and a message the Jupyter server
relays; notebook 01 made about 620 before its widgets shared their looks. These tests keep that so: a
shared model refuses a change, equal looks are one model, and the notebook's panels stay few models.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import ipywidgets as widgets
import pytest
from ipywidgets.widgets import widget as widget_module

from playbook.ui import BriefForm, DiagnosisPanel, ReadingsPanel, SessionBinding, fixed
from playbook.ui.fixed import SharedLookError, fixed_html, fixed_layout, fixed_look, fixed_style

NOTEBOOK_01_MODELS = 250
"""Widget models notebook 01's three panels make on the example session: 227 when measured (620 when
every widget had its own layout and style), with a little headroom for a new field."""


def test_a_shared_layout_or_style_refuses_a_change_and_says_why() -> None:
    layout = fixed_layout(width="25em")
    with pytest.raises(
        SharedLookError, match=r"Layout\.display cannot change.*shared.*Layout\(\) of its own"
    ):
        layout.display = "none"
    with pytest.raises(SharedLookError):
        layout.border = "1px solid red"  # a shorthand that sets four synced traits
    style = fixed_style(widgets.Text, description_width="15em")
    with pytest.raises(SharedLookError, match=r"^TextStyle\.description_width"):
        style.description_width = "1em"
    assert layout.width == "25em" and layout.display is None and style.description_width == "15em"


def test_equal_looks_are_one_model_and_different_looks_are_not() -> None:
    a, b = fixed_html("one"), fixed_html("two")
    assert a.layout is b.layout and a.style is b.style and a.value == "one" and b.value == "two"
    assert fixed_style(widgets.Text) is fixed_style(
        widgets.widget_string.TextStyle
    )  # a widget class means its style's
    assert fixed_layout(width="25em") is fixed_layout(width="25em") is not fixed_layout(width="26em")
    assert fixed_style(widgets.Text) is not fixed_style(widgets.Textarea, description_width="15em")
    box = fixed_look(widgets.HBox, [a, b], layout={"width": "25em"})
    assert box.layout is fixed_layout(width="25em") and isinstance(box.layout, widgets.Layout)
    own = widgets.HTML(layout=widgets.Layout())  # a widget whose look changes keeps its own
    own.layout.display = "none"
    assert a.layout.display is None


def test_a_closed_shared_model_is_made_afresh() -> None:
    layout = fixed_layout(height="3em")
    layout.close()
    again = fixed_layout(height="3em")
    assert again is not layout and again.comm is not None and again.height == "3em"


def test_notebook_01_makes_few_widget_models(monkeypatch: pytest.MonkeyPatch, example: Path) -> None:
    """Counted from an empty cache, as a fresh kernel does; the kernel opens one comm per model."""
    monkeypatch.setattr(fixed, "_models", {})
    binding = SessionBinding.open(example)
    before = set(widget_module._instances)
    panels = [BriefForm(binding), DiagnosisPanel(binding), ReadingsPanel(binding)]
    made = [widget_module._instances[k] for k in set(widget_module._instances) - before]
    kinds = Counter(type(w).__name__ for w in made)
    assert len(made) <= NOTEBOOK_01_MODELS, f"notebook 01 makes {len(made)} widget models: {kinds}"
    layouts = [w for w in made if isinstance(w, widgets.Layout)]
    assert len(layouts) <= 12, f"{len(layouts)} layouts: a widget whose look is fixed makes its own"
    assert all(p.layout is panels[0].layout for p in panels)
    assert panels[0].reload_button.layout is not panels[0].status.layout  # its own: shown and hidden
