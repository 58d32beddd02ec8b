"""A calendar event for the participants (RFC 5545, through ``icalendar``): the title, the time, the
place or the online link, and in the description the purpose, what to bring and whom to contact.

Only what the participants' programme shows goes in: never the client's wish or the facilitator's notes.
The event's UID is derived from the session file's title and date, so sending an updated event replaces
the earlier one in people's calendars instead of adding a second.
"""

from __future__ import annotations

import datetime as dt
import uuid

from .catalogue import Catalogue
from .errors import PlaybookError
from .i18n import t
from .participants import bring, purpose, web_link
from .session import Session

NAMESPACE = uuid.UUID("5b1f3c56-2f0e-4d0a-9a43-5b7e8c0d9a11")


def session_event(session: Session, catalogue: Catalogue, lang: str | None = None) -> bytes:
    """The session as an .ics file with one event, in ``lang`` (default: the session's language)."""
    from icalendar import Calendar, Event

    lang = lang or session.language
    if session.date is None:
        raise PlaybookError(t("structure.ics_no_date", lang))
    start = dt.datetime.combine(session.date, session.start)
    minutes = session.planned_minutes or session.budget_minutes
    b = session.brief
    link = web_link(b.link)
    lines = [purpose(session)]
    things = bring(session)
    if things:
        lines += ["", f"{t('structure.bring', lang)}:", *[f"- {x}" for x in things]]
    for key, value in (
        ("structure.host", b.host),
        ("structure.contact", b.contact),
        ("structure.online", b.link),
    ):
        if value.strip():
            lines.append(f"{t(key, lang)}: {value.strip()}")
    event = Event()
    event.add("uid", f"{uuid.uuid5(NAMESPACE, f'{session.title}|{session.date.isoformat()}')}@playbook")
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    event.add("dtstart", start)  # floating local time: the session happens where the people are
    event.add("dtend", start + dt.timedelta(minutes=minutes))
    event.add("summary", session.title)
    event.add("description", "\n".join(lines).strip())
    where = b.place.strip() or (link or b.link.strip())
    if where:
        event.add("location", where)
    if link:
        event.add("url", link)
    calendar = Calendar()
    calendar.add("prodid", "-//playbook//facilitation playbook//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical()
