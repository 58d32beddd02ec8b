"""The room's pages: one structure per viewer (phone, facilitator, beamer), rendered by autoescaping Jinja.

The views are built here from the store once per change and rendered by the templates in
``assets/room``; Jinja escapes every value it inserts, so a participant's text is text on every page.
The results fragment (``results.html``) is shared by the projected view and the post-session report, so
the beamer and the report show the same thing the same way. No web framework is imported here.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from ..agenda import clock as clock_text
from ..catalogue import Catalogue
from ..i18n import LANGUAGES, t
from ..live import timeline
from ..participation import ENTRY_KINDS, PER_ITEM, PER_PERSON, mood_of
from ..paths import assets_dir
from ..session import Room, RoomActivity, RoomCount, RoomEntry, Session
from .store import Activity, RoomStore


def room_assets() -> Any:
    return assets_dir() / "room"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(room_assets())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, lang: str, **context: Any) -> str:
    """Render a template of ``assets/room`` in ``lang``; ``tr(key)`` gives the interface strings."""
    lang = lang if lang in LANGUAGES else "en"
    return (
        environment()
        .get_template(name)
        .render(lang=lang, tr=lambda key, **values: t(key, lang, **values), **context)
    )


@cache
def panel_html() -> Any:
    """The macros of ``_panel.html``: the HTML that notebook 05's room panel puts in its widgets."""
    return environment().get_template("_panel.html").module


def new_sid() -> str:
    """A submission id for a form rendered without the page's script (the script makes its own)."""
    return secrets.token_hex(16)


SID = Markup("<pb-sid>")
"""Where a form's submission id goes in a cached section. Autoescaping turns every ``<`` of a value into
``&lt;``, so no participant's or facilitator's text can ever produce this marker (nor ``XSRF``)."""
XSRF = Markup("<pb-xsrf>")
"""Where the form's CSRF field goes in a cached section."""
SECTIONS_KEPT = 512
"""Distinct phone sections kept rendered (a few KB each); past that the cache starts again."""
_sections: dict[tuple[Any, ...], str] = {}


def activity_html(item: dict[str, Any], lang: str, context: dict[str, Any]) -> Markup:
    """One open activity's section on one phone, as ``_activity.html`` renders it.

    After each submission a phone gets its section back, and a room of 300 phones in the same state
    (everyone wrote two cards; everyone put a dot on option 1) would render the same template 300 times
    in a burst. So a section is rendered once per distinct state (what the activity is, and what this
    participant gave in it) with markers for the only two things that differ per answer, the form's CSRF
    field and fresh submission ids, and those are filled in for each answer."""
    key = (lang, context["here"], context["base"], _frozen(item))
    html = _sections.get(key)
    if html is None:
        if len(_sections) >= SECTIONS_KEPT:
            _sections.clear()
        html = _sections[key] = render("_activity.html", lang, item=item, **{**context, "xsrf": XSRF})
    parts = html.replace(XSRF, context["xsrf"]).split(SID)
    return Markup("".join([parts[0], *(new_sid() + part for part in parts[1:])]))


def _frozen(value: Any) -> Any:
    """A hashable copy of a view (dicts, lists and frozen dataclasses), the cache key of its rendering."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


# ------------------------------------------------------------------------------------------------ clock


@dataclass(frozen=True)
class ClockView:
    """The shared countdown: the block that runs now, when it ends, and what comes next."""

    title: str = ""
    ends: int | None = None
    """Epoch milliseconds at which the current block ends (None: nothing runs)."""
    now: int = 0
    next: str = ""


def block_title(session: Session, index: int, catalogue: Catalogue, lang: str) -> str:
    block = session.agenda[index]
    if block.intervention and block.intervention in catalogue:
        return catalogue.get(block.intervention).name(lang)
    return block.title or block.intervention or ""


def clock_view(session: Session | None, catalogue: Catalogue, lang: str, now: dt.datetime) -> ClockView:
    """From the live run in the session document (its ``run:`` events), as notebook 05 records them."""
    stamp = int(now.timestamp() * 1000)
    if session is None or not session.run.started:
        return ClockView(now=stamp)
    st = timeline(session, now)
    upcoming = ""
    if st.next is not None:
        upcoming = t(
            "room.clock.next",
            lang,
            title=block_title(session, st.next.index, catalogue, lang),
            time=clock_text(st.next.start.hour * 60 + st.next.start.minute),
        )
    if st.current is None:
        return ClockView(now=stamp, next=upcoming)
    title = block_title(session, st.current.index, catalogue, lang)
    return ClockView(title, int(st.current.end.timestamp() * 1000), stamp, upcoming)


# ------------------------------------------------------------------------------------------------ views


def kind_label(kind: str, lang: str) -> str:
    return t(f"room.kinds.{kind}", lang)


def option_label(activity: Activity | RoomActivity, option: str, lang: str) -> str:
    if activity.kind == "consent":
        return t(f"room.consent.{option}", lang)
    if activity.kind == "checkin":
        return f"{option} · {t(f'room.moods.{option}', lang)}"
    return option


def phone_view(store: RoomStore, participant: str, lang: str) -> dict[str, Any]:
    """What one participant's phone shows: the open activities with what they already gave."""
    items = [phone_activity(store, participant, a, lang) for a in store.activities() if a.is_open]
    return {"activities": items, "open": store.is_open}


def phone_activity(store: RoomStore, participant: str, a: Activity, lang: str) -> dict[str, Any]:
    """One open activity on one phone: its forms, and this participant's word, cards, dots or answer."""
    view: dict[str, Any] = {"a": a, "mine": store.mine(participant, a), "sid": SID}
    if a.kind == "vote":
        view["items"] = [
            {"key": i.key, "text": i.text, "sid": SID, "dots": view["mine"]["dots"].get(i.key, 0)}
            for i in store.items(a)
        ]
    if a.kind in ("fist", "consent"):
        mine = view["mine"]["answer"]
        view["answer"] = option_label(a, mine, lang) if mine else None
    return view


def host_view(store: RoomStore, preview: bool, lang: str) -> dict[str, Any]:
    """What the facilitator's page shows: every activity with its counts, its cards and its tally."""
    views = []
    for a in store.activities():
        counts = store.counts(a.id)
        entries = store.entries(a.id) if a.kind in ENTRY_KINDS else []
        views.append(
            {
                "a": a,
                "counts": counts,
                "entries": entries,
                "targets": [e for e in entries if e.state != "removed"],
                "tally": [(option_label(a, label, lang), n) for _, label, n in store.tally(a)],
            }
        )
    sources = [a for a in store.activities() if a.kind in ENTRY_KINDS]
    return {
        "activities": views,
        "sources": sources,
        "preview": preview,
        "open": store.is_open,
        "code": store.code,
        "join_url": store.meta.get("join_url", ""),
        "joined": store.participant_count(),
        "screen": store.meta.get("screen", ""),
        "kinds": ("checkin", "cards", "vote", "fist", "consent"),
        "per_person": PER_PERSON,
        "per_item": PER_ITEM,
    }


def live_results(store: RoomStore, activity: Activity) -> RoomActivity:
    """One activity as the projected view shows it: revealed cards, tallies only once revealed."""
    entries = [e for e in store.entries(activity.id) if e.shown]
    counts = store.counts(activity.id)
    tally = store.tally(activity) if activity.shown else []
    return RoomActivity(
        kind=activity.kind,
        opened=activity.opened,
        prompt=activity.prompt,
        participants=counts["participants"],
        entries=tuple(RoomEntry(e.text, e.mood, e.merged) for e in entries),
        hidden=counts["entries"] - len(entries),
        counts=tuple(RoomCount(label, n) for _, label, n in tally),
        per_person=activity.per_person if activity.kind == "vote" else None,
        per_item=activity.per_item if activity.kind == "vote" else None,
    )


def screen_view(store: RoomStore) -> dict[str, Any]:
    ident = store.meta.get("screen", "")
    shown = None
    if ident.isdigit():
        activity = store.activity(int(ident))
        shown = {"r": live_results(store, activity), "revealed": activity.shown}
    return {"shown": shown, "code": store.code, "join_url": store.meta.get("join_url", "")}


# ------------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: float


def bars(activity: RoomActivity, lang: str) -> list[Bar]:
    """A vote's, round's or check-in's counts as bars scaled to the largest."""
    top = max((c.count for c in activity.counts), default=0) or 1
    return [
        Bar(option_label(activity, c.option, lang), c.count, round(100 * c.count / top, 1))
        for c in activity.counts
    ]


def cloud(activity: RoomActivity) -> list[tuple[str, int]]:
    """Check-in words grouped (case and spacing ignored) and sized 1-5 by how often they were given."""
    groups: dict[str, tuple[str, int]] = {}
    for entry in activity.entries:
        key = " ".join(entry.text.casefold().split())
        text, n = groups.get(key, (entry.text, 0))
        groups[key] = (text, n + 1 + entry.merged)
    top = max((n for _, n in groups.values()), default=1)
    return [(text, 1 + round(4 * (n - 1) / max(1, top - 1))) for text, n in groups.values()]


def results_html(room: Room, lang: str, title: str = "") -> str:
    """The report's section on what the group said in the room (empty when the room was not used)."""
    if room.empty:
        return ""
    mood = mood_of(room.activities)
    css = (room_assets() / "static" / "results.css").read_text(encoding="utf-8")
    return render(
        "report.html", lang, room=room, mood=mood, title=title, css=css, bars=bars, cloud=cloud,
        kind_label=kind_label,
    )  # fmt: skip
