"""Inline SVG charts remembered by what they show, without importing matplotlib to find one.

The views draw every chart through :data:`MEMO`: equal keys (:mod:`playbook.chartkeys`) mean equal
pictures, so the same data again costs nothing in the process. :data:`MEMO` also finds a picture an
earlier process drew, in the playbook's chart cache (:mod:`playbook.chartcache`, keyed by the chart's key
and the code that draws it), and keeps what it draws there. So a kernel that opens a session whose charts
were drawn before (yesterday's session, or the shipped example a workshop hub drew when it started) shows
them without importing matplotlib at all: about a second of CPU and 50 MiB per kernel. Matplotlib is
imported the first time a picture is really new.

Only string work happens here; the drawing is in :mod:`playbook.charts`.
"""

from __future__ import annotations

import itertools
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

if TYPE_CHECKING:
    from matplotlib.figure import Figure

KEPT_AS = "memo"
"""The chart cache's name for the memo's pictures: the bare ``<svg>`` element, no ids of its own."""


class SvgMemo:
    """Inline SVGs remembered by the data they are drawn from: drawing the same again costs nothing.

    A key names everything a chart shows (see :func:`chartkeys.arc_key`, ...), so equal keys mean equal
    pictures; each use still gets ids of its own (:func:`inline`). ``drawn`` counts the figures really
    drawn, ``recalled`` those found in the chart cache, for the views' tests. With ``keep``, pictures are
    also looked up in and kept in the chart cache, shared with other processes.
    """

    def __init__(self, size: int = 48, keep: bool = False) -> None:
        self.size = size
        self.keep = keep
        self.drawn = 0
        self.recalled = 0
        self._svgs: OrderedDict[object, str] = OrderedDict()

    def clear(self) -> None:
        """Forget every picture of this process and start counting afresh (the chart cache stays)."""
        self._svgs.clear()
        self.drawn = self.recalled = 0

    def svg(self, key: object, figure: Callable[[], Figure], alt: str | None = None) -> str:
        """The chart for ``key`` as an inline SVG; ``figure`` draws it only when it is not known yet."""
        bare = self._svgs.get(key)
        if bare is None:
            bare = self._recall(key)
            if bare is None:
                from .charts import bare_svg  # matplotlib: only for a picture nobody drew before

                bare = bare_svg(figure())
                self.drawn += 1
                self._keep(key, bare)
            else:
                self.recalled += 1
            self._svgs[key] = bare
            if len(self._svgs) > self.size:
                self._svgs.popitem(last=False)
        else:
            self._svgs.move_to_end(key)
        return inline(bare, alt)

    def _recall(self, key: object) -> str | None:
        if not self.keep:
            return None
        from . import chartcache

        found = chartcache.recall(KEPT_AS, key)
        return found if found is not None and found.startswith("<svg") else None

    def _keep(self, key: object, bare: str) -> None:
        if self.keep:
            from . import chartcache

            chartcache.keep(KEPT_AS, key, bare)


MEMO = SvgMemo(keep=True)
"""The process's memo: every view and page that draws a chart by its key shares it, and the chart cache
lets it share pictures with other processes."""


def inline(svg: str, alt: str | None) -> str:
    """A bare ``<svg>`` with ids of its own and, given ``alt``, a text alternative (``role="img"`` and a
    ``<title>``) for screen readers in a page that inlines it."""
    svg = own_ids(svg)
    if alt is not None:
        head_end = svg.index(">") + 1  # user text goes in by position, never into a regex template
        label = xml_escape(alt, {'"': "&quot;"})
        svg = f'<svg role="img" aria-label="{label}" {svg[5:head_end]}<title>{xml_escape(alt)}</title>{svg[head_end:]}'
    return svg


_SVG_COUNT = itertools.count(1)


def own_ids(svg: str) -> str:
    """Give an inline SVG ids of its own: several charts share one page, and ids must be unique there.

    Ids nobody refers to are dropped; the referenced ones (clip paths, hatches, markers) get a prefix.
    Only tags are rewritten: the chart's text (which may be a user's) is left exactly as it was.
    """
    used = {ident for tag in _TAG.findall(svg) if "#" in tag for ident in _REFERENCE.findall(tag)}
    prefix = f"c{next(_SVG_COUNT)}-"

    def rename(match: re.Match[str]) -> str:
        ident = match.group(1)
        if ident is None:  # a reference
            return f"{match.group(2)}{prefix}{match.group(3)}"
        return f' id="{prefix}{ident}"' if ident in used else ""

    def fix(tag: re.Match[str]) -> str:
        text = tag[0]
        return _ID_OR_REFERENCE.sub(rename, text) if 'id="' in text or "#" in text else text

    return _TAG.sub(fix, svg)


_TAG = re.compile(r"<[^>]+>")
_REFERENCE = re.compile(r'(?:href="#|url\(#)([^")]+)')
_ID_OR_REFERENCE = re.compile(r' id="([^"]+)"|(href="#|url\(#)([^")]+)')
