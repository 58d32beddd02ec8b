"""Static snapshots of the widgets, for pages without a kernel (the exported site, notebook previews).

A widget's output carries its live view for JupyterLab and, next to it, ``text/html`` with what it shows
right now. JupyterLab prefers the live view; a static page (our nbconvert template) shows the snapshot.
"""

from __future__ import annotations

from typing import Any


class Snapshot:
    """Mixin for playbook widgets: adds ``text/html`` (their current content) to their display data,
    marked with the language the widget speaks (its ``lang``), so a Dutch view on an English page is
    read out and hyphenated as Dutch."""

    def snapshot_html(self) -> str:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        from ..flavours.html import snapshot

        data = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        view = snapshot(self.snapshot_html(), getattr(self, "lang", "") or "")
        if isinstance(data, tuple):  # (data, metadata)
            data[0]["text/html"] = view
        elif isinstance(data, dict):
            data["text/html"] = view
        return data
