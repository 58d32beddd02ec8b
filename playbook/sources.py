"""Where a work form comes from: every shipped entry cites a real source.

A facilitator who wants to read up on a method, or a trainer who is asked "whose is this?", needs a
work to look up: an author or organisation, the title and the year. "Common practice" names nobody, and
a web address rots; so a source is one or more parts separated by ``;``, at least one of which starts
with a citation in the form ``Author, Work (year)``, followed if need be by how it applies, for example
``Kaner et al., Facilitator's Guide to Participatory Decision-Making (3rd ed., 2014)``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_CITATION = re.compile(
    r"\s*(?P<who>[A-ZÀ-Þ][^;,()]*?),\s+(?P<work>[\"'“‘A-ZÀ-Þ0-9][^;()]*?)\s*"
    r"\((?P<when>[^()]*?\b(?:1[5-9]|20)\d\d\b[^()]*)\)"
)
"""One citation at the start of a ``;``-separated part: who (a name, starting with a capital), the
work (a title, starting with a capital, a digit or a quote), and the year in brackets."""
_WEB = re.compile(r"https?://|www\.", re.IGNORECASE)
EXAMPLE = "Kaner et al., Facilitator's Guide to Participatory Decision-Making (3rd ed., 2014)"


@dataclass(frozen=True)
class Citation:
    """One work cited: who wrote or published it, its title, and when (the text in the brackets)."""

    who: str
    work: str
    when: str

    def __str__(self) -> str:
        return f"{self.who}, {self.work} ({self.when})"


def citations(source: str) -> list[Citation]:
    """The citations in a source text, one per ``;``-separated part that starts with one; the words
    after a citation ("as Check-In", "the talking piece ...") say how it applies and are left out."""
    found = []
    for part in source.split(";"):
        if m := _CITATION.match(part):
            found.append(Citation(m["who"].strip(), m["work"].strip(), m["when"].strip()))
    return found


def source_problem(source: str) -> str | None:
    """Why ``source`` is not a citable source, or None when it is."""
    if not source.strip():
        return f"is missing: cite the author or organisation, the work and its year, e.g. '{EXAMPLE}'"
    if _WEB.search(source):
        return "gives a web address; cite the author or organisation, the work and its year instead"
    if not citations(source):
        return (
            f"names no work with its author and year ('{source}'); "
            f"write it as 'Author, Work (year)', e.g. '{EXAMPLE}'"
        )
    return None


def works(sources: Iterable[str]) -> Counter[str]:
    """How many entries cite each work, written as ``Author, Work (year)``; a work cited twice by one
    entry counts once."""
    counts: Counter[str] = Counter()
    for source in sources:
        counts.update({str(c) for c in citations(source)})
    return counts
