"""Shared, read-only layouts and styles for widgets whose look never changes.

Every ipywidget owns a ``Layout`` model and most own a ``Style`` model too, made with default values when
none is given; each is one more model the kernel opens, the browser builds and the Jupyter server relays.
Most of the views' widgets never change their look after they are made, so they share one layout (and
one style per style class and values) per kernel: :func:`fixed_layout`, :func:`fixed_style`, or
:func:`fixed_look` for a whole widget. A shared model refuses changes (:class:`SharedLookError`), so a
later ``w.layout.display = "none"`` fails loudly instead of hiding every widget that shares it; a widget
whose look does change (a pager shown and hidden, a reload button) keeps a ``widgets.Layout()`` of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import ipywidgets as widgets

W = TypeVar("W", bound=widgets.Widget)


class SharedLookError(AttributeError):
    """A change to a layout or style that several widgets share."""


class _ReadOnly:
    """Mixin for a shared model: its synced traits are set when it is made and never again from Python."""

    _sealed = False

    def __setattr__(self, name: str, value: Any) -> None:
        if self._sealed and (name in self.keys or name == "border"):  # type: ignore[attr-defined]
            raise SharedLookError(
                f"{self._kind}.{name} cannot change: this model is shared by every widget with the "
                f"same look (playbook.ui.fixed). Give a widget whose look changes a {self._kind}() of its own."
            )
        super().__setattr__(name, value)

    @property
    def _kind(self) -> str:
        return type(self).__mro__[2].__name__  # the ipywidgets class this read-only one extends


_classes: dict[type, type] = {}
_models: dict[tuple[type, tuple[tuple[str, Any], ...]], widgets.Widget] = {}


def _read_only_class(cls: type[W]) -> type[W]:
    if cls not in _classes:
        _classes[cls] = type(f"Shared{cls.__name__}", (_ReadOnly, cls), {"__module__": __name__})
    return _classes[cls]


def _shared(cls: type[W], props: dict[str, Any]) -> W:
    """The kernel's one open, read-only ``cls`` model with ``props``; a fresh one if it was closed."""
    key = (cls, tuple(sorted(props.items())))
    model = _models.get(key)
    if model is None or model.comm is None:  # never made, or closed (Widget.close_all, a test)
        model = _read_only_class(cls)(**props)
        model._sealed = True
        _models[key] = model
    return model  # type: ignore[return-value]


def fixed_layout(**props: str) -> widgets.Layout:
    """The shared, read-only layout with these CSS properties (``width="25em"``; none for the default)."""
    return _shared(widgets.Layout, props)


def fixed_style(cls: type[widgets.Widget], **props: str) -> widgets.Widget:
    """The shared, read-only style with these values; ``cls`` is a style class (``widgets.TextStyle``)
    or a widget class whose style it is (``widgets.Text``)."""
    if not issubclass(cls, widgets.Style):
        cls = cls.class_traits()["style"].klass
    return _shared(cls, props)


def fixed_look(
    cls: type[W],
    *args: Any,
    layout: Mapping[str, str] | None = None,
    style: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> W:
    """A ``cls`` widget with the shared layout and style for these values: for a widget whose value may
    change but whose look does not (a heading, a status line, an answer's buttons)."""
    if isinstance(layout, widgets.Widget) or isinstance(style, widgets.Widget):
        raise TypeError("fixed_look takes a look's values (layout={'width': '25em'}), not a model")
    kwargs["layout"] = fixed_layout(**(layout or {}))
    if "style" in cls.class_traits():
        kwargs["style"] = fixed_style(cls, **(style or {}))
    return cls(*args, **kwargs)


def fixed_html(value: str = "", **kwargs: Any) -> widgets.HTML:
    """An HTML widget with the shared default layout and style: the views' most common widget."""
    return fixed_look(widgets.HTML, value=value, **kwargs)


def fixed_button(description: str, icon: str = "", button_style: str = "") -> widgets.Button:
    """A button as wide as its label, with the shared look: the views' action buttons."""
    return fixed_look(
        widgets.Button,
        description=description,
        icon=icon,
        button_style=button_style,
        layout={"width": "auto"},
    )
