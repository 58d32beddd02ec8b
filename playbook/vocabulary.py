"""The method's vocabulary, each word defined once: arc roles, layers, stages, settings, configurations,
exposure, the "any size" sentinel, the session file suffix, and minutes of the day.

Every module that needs one of these imports it from here (the older homes, ``catalogue`` and
``session``, re-export them), so a new role or setting is added in one place and means one thing.
Interface labels for each word live in ``assets/i18n`` under the same keys (``roles.open``, ...).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

ROLES = ("open", "diverge", "groan", "converge", "close", "energise", "input")
"""Places in the session arc: Kaner's diamond (diverge, groan, converge) framed by open and close, with
input (a mini-lecture, a presentation) and energisers, which hold the breadth of options where it is."""

LAYERS = ("above", "below", "both")
"""Bovenstroom (task, facts), onderstroom (feelings, norms, trust), or both."""

BELOW_THE_SURFACE = frozenset(("below", "both"))
"""The layers that count as working below the surface (onderstroom): 'both' works there too."""

STAGES = ("forming", "storming", "norming", "performing", "adjourning")
"""Tuckman's stages of group development (with Tuckman & Jensen's adjourning)."""

SETTINGS = ("in-person", "online", "hybrid")
CONFIGURATIONS = ("solo", "pairs", "small-groups", "plenary")
"""How the group works during one step: alone, in pairs, in subgroups, or all together."""

EXPOSURE = (1, 2, 3)
"""How personally exposing a work form is: 1 little (about the task, alone or anonymous), 2 some (one's own
view or experience, shared), 3 much (feelings, personal stories or conflict in front of others)."""

SAMPLING_RULES = ("a-few-voices", "new-only", "on-the-wall", "at-the-tables")
"""How a round or a report-back is run when a group is too large for everyone to take a turn."""

ANY_SIZE = 1000
"""A work form's ``group_size.max`` meaning "any size"; group sizes are checked up to this."""

SESSION_SUFFIX = ".session.yaml"
DAY_MINUTES = 24 * 60


def works_below(layer: str) -> bool:
    """Whether a work form on ``layer`` works below the surface (the one definition every view uses)."""
    return layer in BELOW_THE_SURFACE


def layer_matches(layer: str, wanted: str | None) -> bool:
    """Filtering by layer: 'below' and 'above' include the forms that work on both; 'both' only those."""
    if wanted is None or layer == wanted:
        return True
    return wanted != "both" and layer == "both"


def minutes_of_day(time: dt.time) -> int:
    """A clock time as minutes since midnight."""
    return time.hour * 60 + time.minute


def clock(minutes: int) -> str:
    """Minutes since midnight as HH:MM (wrapping past midnight)."""
    return _clock(minutes % (24 * 60))


@lru_cache(maxsize=None, typed=True)
def _clock(minutes: int) -> str:
    """One time of day, remembered: there are 1,440, and every view of a long agenda asks for them again
    and again."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
