"""What participants may read: their words for the session, the date in full, and the export's warnings.

The client's wish is written for the facilitator and can name people, tensions and a manager's hopes; a
participants' programme must not carry it. This module decides what stands in its place (the brief's
``purpose``, else the visible result) and checks the participants' text against the diagnosis: a
warning when it names people the brief describes as in conflict, or when the brief reads as a request to
manage the group rather than to facilitate it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .diagnosis import Profile
from .i18n import fold, t
from .session import Session

WEB_LINK = re.compile(r"^https?://[^\s<>\"']+$")
"""Only a plain web address becomes a clickable link; anything else is shown as text."""
_NAME = re.compile(r"\b[A-ZÀ-Ý][\w'’-]+")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


@dataclass(frozen=True)
class ExportWarning:
    """Something the facilitator should look at before sending the participants' programme."""

    code: str
    message: str
    level: str = "warning"


def long_date(date: dt.date, lang: str) -> str:
    """The date written out in ``lang``: 'donderdag 14 januari 2027', 'Thursday 14 January 2027'."""
    return t(
        "dates.long",
        lang,
        weekday=t(f"dates.weekday_{date.isoweekday()}", lang),
        day=date.day,
        month=t(f"dates.month_{date.month}", lang),
        year=date.year,
    )


def purpose(session: Session) -> str:
    """Why we meet, in the participants' words: the purpose, else the visible result; never the wish."""
    return session.brief.purpose.strip() or session.brief.visible_result.strip()


def web_link(text: str) -> str | None:
    """The brief's online link when it is a plain http(s) address, else None (then it is only text)."""
    link = text.strip()
    return link if WEB_LINK.match(link) else None


def bring(session: Session) -> list[str]:
    """What to bring, one thing a line."""
    return [line.strip(" -•\t") for line in session.brief.bring.splitlines() if line.strip(" -•\t")]


def shown_text(session: Session, titles: list[str]) -> str:
    """Every free text the participants' programme shows (``titles``: the block titles it lists)."""
    b = session.brief
    return "\n".join([session.title, purpose(session), b.visible_result, b.place, b.host, b.bring, *titles])


def people_in_conflict(session: Session, profile: Profile) -> list[str]:
    """Names in the sentences the stance reading flagged as a conflict to settle on someone's behalf."""
    flagged = [f for f in profile.stance.findings if f.words and f.contrast is None]
    if not flagged:
        return []
    words = tuple(w for f in flagged for w in f.words)
    b = session.brief
    names: list[str] = []
    for text in (b.wish, b.context, b.visible_result):
        for sentence in _SENTENCE.findall(text):
            if not any(fold(w) in fold(sentence) for w in words):
                continue
            first = sentence.strip()[:1]
            for match in _NAME.finditer(sentence):
                if match.start() == sentence.index(first) or match[0] in names:
                    continue  # the first word of a sentence is capitalised anyway
                names.append(match[0])
    return names


def warnings(session: Session, profile: Profile, titles: list[str]) -> tuple[ExportWarning, ...]:
    """What to check before the participants' programme goes out, in the session's language."""
    lang = profile.language
    found = []
    if not session.brief.purpose.strip():
        key = "no-purpose" if session.brief.visible_result.strip() else "no-purpose-no-result"
        found.append(ExportWarning("no-purpose", t(f"participants.{key}", lang)))
    text = shown_text(session, titles)
    named = [n for n in people_in_conflict(session, profile) if re.search(rf"\b{re.escape(n)}\b", text)]
    if named:
        found.append(
            ExportWarning("names-people-in-conflict", t("participants.names", lang, names=", ".join(named)))
        )
    if profile.stance.asks_for_management:
        found.append(ExportWarning("managerial-brief", t("participants.managerial", lang)))
    return tuple(found)
