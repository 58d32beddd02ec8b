"""The group in the room: what participants may put in, the limits that keep it fair, and where it lands.

Participants join from their phones without an account and put in what is hard to say aloud: a check-in
word with a mood, anonymous cards, dots on a vote, a fist-to-five or consent round. This module is the
room's rule book, free of any web framework: the vocabulary of activities and their limits, how a
participant's text is cleaned before anyone sees it, why a submission is refused (a stable code and a
message in the participant's language), and the one function that writes the results into the session
document. The room's store (``playbook.room.store``) applies these rules inside its transactions; the
service and the notebook only show what the store holds.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import PlaybookError
from .i18n import t
from .session import ROOM_KINDS, MoodPoint, Room, RoomActivity, Session, SessionFile

KINDS = ROOM_KINDS
ENTRY_KINDS = ("checkin", "cards")
"""Activities whose input is text (an entry), hidden until the facilitator reveals it."""
ROUND_KINDS = ("fist", "consent")
SCALES = {"fist": ("0", "1", "2", "3", "4", "5"), "consent": ("consent", "concerns", "objection")}
"""The answers of a round: fingers of a fist-to-five, or the three answers of a consent round."""
MOODS = ("1", "2", "3", "4", "5")

TEXT_MAX = 280
"""Longest card: a sentence or two, as on a sticky note."""
WORD_MAX = 40
"""Longest check-in word (a short phrase is fine)."""
PROMPT_MAX = 300
OPTION_MAX = 120
OPTIONS_MAX = 20
ENTRIES_MAX = 20
"""Cards one participant may write in one activity: plenty for a person, a wall against a flood."""
PER_PERSON = 3
"""Dots per participant in a vote, unless the facilitator says otherwise."""
PER_ITEM = 1
"""Dots one participant may put on one item, unless the facilitator says otherwise."""
LIMIT_MAX = 20

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Direction controls: in a card they only serve to make text look like something else, so they go."""


class RefusedError(PlaybookError):
    """A submission or action the room does not accept; ``code`` is stable, the message translated."""

    def __init__(self, code: str, lang: str = "en", **values: object) -> None:
        self.code = code
        super().__init__(t(f"room.refused.{code}", lang, **values))


def clean_text(value: object, max_len: int, lang: str = "en", *, lines: bool = True) -> str:
    """A participant's text as it will be stored and shown: NFC, no control or direction characters,
    trimmed; refused when empty or too long. Escaping is the views' job, never done here."""
    if not isinstance(value, str):
        raise RefusedError("empty", lang)
    text = unicodedata.normalize("NFC", value)
    kept = []
    for ch in text:
        if ch in _BIDI:
            continue
        if ch in "\r\n\t":
            kept.append("\n" if lines and ch == "\n" else " ")
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            continue
        else:
            kept.append(ch)
    text = "".join(kept)
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    text = "\n".join(line for line in text.split("\n") if line) if lines else " ".join(text.split())
    if not text:
        raise RefusedError("empty", lang)
    if len(text) > max_len:
        raise RefusedError("too_long", lang, limit=max_len)
    return text


@dataclass(frozen=True)
class ActivitySpec:
    """What the facilitator opens: a kind, a prompt, and for a vote its items and limits."""

    kind: str
    prompt: str = ""
    options: tuple[str, ...] = ()
    """The items of a vote on given options (empty: vote on the revealed cards of ``source``)."""
    source: int | None = None
    """The cards activity whose revealed cards a vote is about."""
    per_person: int = PER_PERSON
    per_item: int = PER_ITEM

    def checked(self, lang: str = "en") -> ActivitySpec:
        """The spec with its texts cleaned, or a PlaybookError saying what to fix."""
        if self.kind not in KINDS:
            raise PlaybookError(t("room.bad_kind", lang, kinds=", ".join(KINDS)))
        prompt = clean_text(self.prompt, PROMPT_MAX, lang) if self.prompt.strip() else ""
        options: tuple[str, ...] = ()
        if self.kind == "vote":
            options = tuple(dict.fromkeys(clean_text(o, OPTION_MAX, lang) for o in self.options if o.strip()))
            if len(options) > OPTIONS_MAX:
                raise PlaybookError(t("room.too_many_options", lang, limit=OPTIONS_MAX))
            if not options and self.source is None:
                raise PlaybookError(t("room.vote_needs_items", lang))
            for value in (self.per_person, self.per_item):
                if not 1 <= value <= LIMIT_MAX:
                    raise PlaybookError(t("room.bad_limit", lang, limit=LIMIT_MAX))
            if self.per_item > self.per_person:
                raise PlaybookError(t("room.bad_limit_item", lang))
        return replace(self, prompt=prompt, options=options, source=self.source if not options else None)


@dataclass(frozen=True)
class Submission:
    """One thing a participant sends; ``sid`` is made on the phone, so a retry is recognised."""

    sid: str
    activity: int
    text: str = ""
    mood: str = ""
    item: str = ""
    """The item a dot goes on (vote), or the answer (fist, consent)."""
    take_back: bool = False
    """A vote: take one of my dots back from ``item`` instead of adding one."""


SID_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_")


def valid_sid(sid: str) -> bool:
    """A submission id as the phone makes it: 16 to 64 URL-safe characters (random, at least 96 bits)."""
    return 16 <= len(sid) <= 64 and set(sid) <= SID_CHARS


class RateLimit:
    """A token bucket per key (a participant, an address): ``burst`` at once, then ``per_second``."""

    def __init__(self, burst: float, per_second: float, clock: object = time.monotonic) -> None:
        self.burst, self.rate, self.clock = burst, per_second, clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()  # type: ignore[operator]
        tokens, then = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if len(self._buckets) > 50_000:  # forget the oldest half rather than grow without end
            for old in list(self._buckets)[:25_000]:
                del self._buckets[old]
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True


# ----------------------------------------------------------------------------- into the session document


def mood_of(activities: tuple[RoomActivity, ...]) -> tuple[float, int] | None:
    """The mean check-in mood of one session and how many gave one (the last check-in counts)."""
    checkins = [a for a in activities if a.kind == "checkin" and a.counts]
    if not checkins:
        return None
    counts = [(int(c.option), c.count) for c in checkins[-1].counts if c.option in MOODS]
    total = sum(n for _, n in counts)
    if not total:
        return None
    return round(sum(m * n for m, n in counts) / total, 2), total


def mood_line(session: Session) -> tuple[MoodPoint, ...]:
    """The series' mood line up to and including this session: what a follow-up session carries on."""
    line = session.run.room.mood_line
    mood = mood_of(session.run.room.activities)
    if mood is None:
        return line
    return (*line, MoodPoint(session.title, mood[0], mood[1], session.date))


def record_results(path: str | Path, activities: tuple[RoomActivity, ...]) -> Session:
    """Write the room's results into the session document at ``path``; the one place the room writes it.

    The store is the authority, so this is a snapshot: ``run.room``'s activities are replaced (the mood
    line of the series stays) in one locked transaction on the document as it is on disk at that moment
    (``SessionFile.update``), so whatever the live companion or a notebook saves at the same time lands
    too. Idempotent: writing the same snapshot twice writes nothing.
    """

    def change(session: Session) -> Session:
        room = Room(activities, session.run.room.mood_line)
        if room == session.run.room:
            return session
        return session.with_changes(run=replace(session.run, room=room))

    return SessionFile.open(path).update(change)
