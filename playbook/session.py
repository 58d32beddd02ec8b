"""The session document: one YAML file holding a facilitator's whole preparation of one session.

Every notebook, the CLI and the exporter read and write this one file, so nothing important lives only
in a kernel's memory. Reading is strict and explains itself (every problem names file and field);
writing is atomic and keeps a backup. Several programs may write one file at the same moment (a
notebook, the live companion, the room): a save holds the file's lock, and when the file changed since
it was loaded, the two edits are merged field by field or refused with a ``ConflictError``, never lost.
A file the playbook wrote starts with :data:`HEADER` and ends with :data:`END`, so a copy cut off on the
way is reported instead of read with defaults filled in; hand-written files without them read as before.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from . import objectcache
from .errors import ConflictError, PlaybookError, Problem
from .i18n import LANGUAGES
from .merge import merge
from .schema import FieldReader, join
from .vocabulary import DAY_MINUTES, ROLES, SESSION_SUFFIX, SETTINGS
from .yamlio import (
    MAX_BYTES,
    check_unchanged,
    current_bytes,
    decode,
    dump_yaml,
    file_lock,
    fingerprint,
    parse_yaml,
    read_bytes,
    replace_file,
    write_bytes_atomic,
)
from .yamlio import (
    file_message as _say,
)

if TYPE_CHECKING:
    from .catalogue import Catalogue

SCHEMA_VERSION = 1
"""The one version of the session document this playbook reads and writes."""
SUFFIX = SESSION_SUFFIX
BLOCK_KINDS = ("intervention", "custom", "break")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_TOP = (
    "schema_version", "title", "language", "date", "start", "budget_minutes", "brief", "group",
    "diagnosis", "shortlist", "agenda", "run", "alternatives",
)  # fmt: skip
_BRIEF = ("client", "wish", "visible_result", "context", "purpose", "decision_rule")
_BRIEF_PRACTICAL = ("place", "link", "host", "contact", "bring")
"""Practical fields for the participants' programme; written to the file only when filled in."""
READING_VALUES = {
    "stance": ("managing", "facilitating", "unclear"),
    "intent": ("present", "absent", "unclear"),
}
"""The values a facilitator may give the readings that are not lists of ids (colour and stage are)."""
UNCLEAR = "unclear"
HEADER = "# A playbook session document. Edit it freely; keep the last line, which marks it complete."
"""The first line of every file the playbook writes: such a file must also end with :data:`END`."""
END = "# end of session document"
YEARS = (1970, 2199)
"""Dates and moments outside these years are typing mistakes or hostile files, not sessions."""
RUN_DAYS = 7
"""Every moment of one run lies within this many days of its first: a session, not a calendar."""
PHOTO_PATH_CHARS = 300


@dataclass(frozen=True)
class Brief:
    """What the client asked for, and the visible result the session must end with."""

    client: str = ""
    wish: str = ""
    visible_result: str = ""
    context: str = ""
    purpose: str = ""
    """What the participants are told the session is for; it may differ from the client's wish (which
    they never see)."""
    decision_rule: str = ""
    """Who decides and how (consent, majority, advice to the manager, the client decides afterwards):
    agreed before a group converges, so a choice made in the room is not undone outside it."""
    place: str = ""
    """Where: an address or a room."""
    link: str = ""
    """Where online: the meeting link (shown as a link only when it is a web address)."""
    host: str = ""
    """Who invites the participants."""
    contact: str = ""
    """Whom to reach with questions or to say you cannot come (a phone number or e-mail address)."""
    bring: str = ""
    """What participants bring or prepare; one thing a line."""


ReadingValue = str | tuple[str, ...]
"""One id, two ids for a mix ('between forming and storming'), or 'unclear'."""


@dataclass(frozen=True)
class FacilitatorReadings:
    """The facilitator's last word on what the playbook read: confirmed or corrected, used everywhere after.

    Only the readings the facilitator has signed off are here; the others stand as the playbook read them.
    """

    colour: ReadingValue | None = None
    stance: str | None = None
    stage: ReadingValue | None = None
    intents: dict[str, str] = field(default_factory=dict)
    """Intent id -> 'present', 'absent' or 'unclear'."""

    @property
    def empty(self) -> bool:
        return self.colour is None and self.stance is None and self.stage is None and not self.intents


@dataclass(frozen=True)
class Group:
    size: int = 12
    setting: str = "in-person"


@dataclass(frozen=True)
class Diagnosis:
    """The facilitator's answers about the group; ``playbook.diagnosis`` turns them into a Profile."""

    answers: dict[str, int] = field(default_factory=dict)
    """Statement id -> 1 (strongly disagree) .. 5 (strongly agree)."""
    history: str | None = None
    """How long the group has worked together (an option id from the diagnosis content)."""
    signals: tuple[str, ...] = ()
    """Ids of the signals the facilitator or client has seen."""
    notes: str = ""
    readings: FacilitatorReadings = field(default_factory=FacilitatorReadings)
    """The readings of the brief and the group that the facilitator confirmed or corrected."""

    @property
    def empty(self) -> bool:
        return not (self.answers or self.history or self.signals or self.notes) and self.readings.empty


@dataclass(frozen=True)
class Block:
    """One agenda item: a catalogue intervention, an own (custom) block, or a break."""

    minutes: int
    intervention: str | None = None
    title: str = ""
    """The title of a custom block, or the label of a break ('Lunch')."""
    role: str | None = None
    """The arc role of a custom block; interventions take theirs from the catalogue."""
    is_break: bool = False
    notes: str = ""
    plan_b: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        if self.is_break:
            return "break"
        return "intervention" if self.intervention else "custom"


@dataclass(frozen=True)
class SavedAgenda:
    """An agenda the facilitator can return to: the one a drafted design replaced, or one kept on purpose."""

    name: str
    agenda: tuple[Block, ...]


EVENTS = ("start", "finish", "swap", "cut", "resize", "insert")
OBSERVATIONS = ("energy-low", "tension", "silence", "breakthrough", "conflict", "laughter", "note")


@dataclass(frozen=True)
class RunEvent:
    """Something the facilitator did while the session ran, with the moment it happened."""

    at: dt.datetime
    kind: str
    block: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Observation:
    """The undercurrent as it was seen: a quick mark (tension, laughter, …) or a free note, time-stamped."""

    at: dt.datetime
    kind: str
    note: str = ""


@dataclass(frozen=True)
class Action:
    what: str
    who: str = ""
    when: str = ""


ROOM_KINDS = ("checkin", "cards", "vote", "fist", "consent")
"""What participants can do in the room: check in (a word and a mood), anonymous cards, dot voting, and a
fist-to-five or consent round. ``playbook.participation`` holds the rules; the document holds results."""


@dataclass(frozen=True)
class RoomEntry:
    """One revealed card or check-in word, with no name, address or device: only what was written."""

    text: str
    mood: int | None = None
    """The mood (1-5) given with a check-in word."""
    merged: int = 0
    """How many other cards the facilitator merged into this one."""


@dataclass(frozen=True)
class RoomCount:
    """One option of a vote or round and how many dots or hands it got."""

    option: str
    count: int


@dataclass(frozen=True)
class RoomActivity:
    """The result of one activity in the room: anonymous, revealed content only, counts for the rest."""

    kind: str
    opened: dt.datetime
    prompt: str = ""
    closed: dt.datetime | None = None
    block: int | None = None
    """The agenda block that was running when the activity opened."""
    participants: int = 0
    entries: tuple[RoomEntry, ...] = ()
    hidden: int = 0
    """Cards or words that were never revealed: counted, never written down."""
    counts: tuple[RoomCount, ...] = ()
    """Dots per option (vote), hands per option (fist, consent), check-ins per mood (checkin)."""
    per_person: int | None = None
    per_item: int | None = None


@dataclass(frozen=True)
class MoodPoint:
    """The mean check-in mood of one earlier session of a series."""

    title: str
    mood: float
    count: int
    date: dt.date | None = None


@dataclass(frozen=True)
class Room:
    """What the group put in through the room (``playbook room``), and the mood line of the series so far."""

    activities: tuple[RoomActivity, ...] = ()
    mood_line: tuple[MoodPoint, ...] = ()
    """Earlier sessions of the series, oldest first; ``playbook session next`` carries it on."""

    @property
    def empty(self) -> bool:
        return not (self.activities or self.mood_line)


@dataclass(frozen=True)
class Run:
    """What happened when the session ran (notebook 05); empty until the first block starts."""

    planned: tuple[Block, ...] = ()
    """The agenda as it stood when the session started: the plan to compare the actual run with."""
    events: tuple[RunEvent, ...] = ()
    observations: tuple[Observation, ...] = ()
    result: str = ""
    """The visible result, in words."""
    photos: tuple[str, ...] = ()
    """Photos of the result (flip-charts), as paths relative to the session file."""
    actions: tuple[Action, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    """Who already worked together in a group, so a reshuffle can avoid repeating pairs."""
    room: Room = field(default_factory=Room)
    """Results of the participation room; not an event, so it never marks the run as started."""

    @property
    def started(self) -> bool:
        return bool(self.events)


@dataclass(frozen=True)
class Session:
    title: str
    language: str = "en"
    brief: Brief = field(default_factory=Brief)
    date: dt.date | None = None
    start: dt.time = dt.time(9, 0)
    budget_minutes: int = 180
    group: Group = field(default_factory=Group)
    diagnosis: Diagnosis = field(default_factory=Diagnosis)
    shortlist: tuple[str, ...] = ()
    """Intervention ids the facilitator is considering (notebook 02), in the order they were added."""
    agenda: tuple[Block, ...] = ()
    run: Run = field(default_factory=Run)
    schema_version: int = SCHEMA_VERSION
    alternatives: tuple[SavedAgenda, ...] = ()
    """Earlier agendas kept by name (notebook 03, ``playbook design --apply``), to return to."""

    @property
    def planned_minutes(self) -> int:
        return sum(block.minutes for block in self.agenda)

    def end(self) -> dt.time:
        """Clock time at which the planned agenda ends (wrapping past midnight)."""
        total = self.start.hour * 60 + self.start.minute + self.planned_minutes
        return dt.time((total // 60) % 24, total % 60)

    def with_changes(self, **changes: Any) -> Session:
        """A copy with some fields replaced; views edit a session this way and let save() judge it."""
        return replace(self, **changes)


# --------------------------------------------------------------------------------------------- reading


def parse_session(data: Any, file: str | Path = "<session>", catalogue: Catalogue | None = None) -> Session:
    """Build a Session from plain data, or raise one PlaybookError naming every problem and its field.

    With a ``catalogue``, intervention ids in the agenda and plan B are checked against it too.
    """
    r = FieldReader(file, data.get("language") if isinstance(data, dict) else None)  # its own language
    if not isinstance(data, dict):
        r.problem("", r.say("not_a_session"))
        r.raise_if_any()
    version = data.get("schema_version")
    if version is None:
        r.problem("schema_version", r.say("version_missing", version=SCHEMA_VERSION))
        r.raise_if_any()
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        r.problem("schema_version", r.say("version_whole", version=SCHEMA_VERSION))
        r.raise_if_any()
    if version != SCHEMA_VERSION:
        which = "version_newer" if version > SCHEMA_VERSION else "version_older"
        r.problem("schema_version", r.say(which, found=version, version=SCHEMA_VERSION))
        r.raise_if_any()

    d = r.mapping(data, "", ("schema_version", "title"), _TOP[2:]) or {}
    title = r.text(d.get("title"), "title", allow_empty=False, max_len=300)
    language = r.choice(d.get("language", "en"), "language", LANGUAGES)
    date = _read_date(r, d.get("date"))
    start = _read_time(r, d.get("start", "09:00"), "start")
    budget = r.number(d.get("budget_minutes", 180), "budget_minutes", low=1, high=DAY_MINUTES)

    brief = Brief()
    if (b := r.mapping(d.get("brief") or {}, "brief", (), _BRIEF + _BRIEF_PRACTICAL)) is not None:
        brief = Brief(**{k: r.text(b.get(k), join("brief", k)) or "" for k in _BRIEF + _BRIEF_PRACTICAL})

    group = Group()
    if (g := r.mapping(d.get("group") or {}, "group", (), ("size", "setting"))) is not None:
        size = r.number(g.get("size", 12), "group.size", low=1, high=10_000)
        setting = r.choice(g.get("setting", "in-person"), "group.setting", SETTINGS)
        group = Group(size or 12, setting or "in-person")

    diagnosis = _read_diagnosis(r, d.get("diagnosis") or {})

    shortlist = r.identifiers(d.get("shortlist"), "shortlist") or ()
    blocks = [
        _read_block(r, raw, join("agenda", i))
        for i, raw in enumerate(r.items(d.get("agenda"), "agenda") or [])
    ]
    if catalogue is not None:
        _check_shortlist(r, shortlist, catalogue)
        for i, block in enumerate(blocks):
            if block is not None:
                _check_references(r, block, join("agenda", i), catalogue)
    run = _read_run(r, d.get("run") or {})
    alternatives = _read_alternatives(r, d.get("alternatives"), catalogue)
    r.raise_if_any()
    return Session(
        title=title,  # type: ignore[arg-type]
        language=language,  # type: ignore[arg-type]
        brief=brief,
        date=date,
        start=start,  # type: ignore[arg-type]
        budget_minutes=budget,  # type: ignore[arg-type]
        group=group,
        diagnosis=diagnosis,
        shortlist=shortlist,
        agenda=tuple(blocks),  # type: ignore[arg-type]
        run=run,
        schema_version=version,
        alternatives=alternatives,
    )


def _read_alternatives(r: FieldReader, value: Any, catalogue: Catalogue | None) -> tuple[SavedAgenda, ...]:
    """Named agendas, each read like the agenda itself; names are unique, so one can be restored by name."""
    out: list[SavedAgenda] = []
    for i, raw in enumerate(r.items(value, "alternatives") or []):
        f = join("alternatives", i)
        if (a := r.mapping(raw, f, ("name", "agenda"))) is None:
            continue
        name = r.text(a.get("name"), join(f, "name"), allow_empty=False, max_len=200)
        blocks = [
            _read_block(r, b, join(join(f, "agenda"), k))
            for k, b in enumerate(r.items(a.get("agenda"), join(f, "agenda")) or [])
        ]
        if catalogue is not None:
            for k, block in enumerate(blocks):
                if block is not None:
                    _check_references(r, block, join(join(f, "agenda"), k), catalogue)
        if name is None or None in blocks:
            continue
        if any(other.name == name for other in out):
            r.problem(join(f, "name"), r.say("kept_twice", name=name))
            continue
        out.append(SavedAgenda(name, tuple(blocks)))  # type: ignore[arg-type]
    return tuple(out)


def _read_ids(r: FieldReader, value: Any, f: str) -> ReadingValue | None:
    """'unclear', one id, or a list of two ids (a mix)."""
    if value == UNCLEAR:
        return UNCLEAR
    if isinstance(value, list):
        ids = r.identifiers(value, f)
        if ids is not None and not 1 <= len(ids) <= 2:
            r.problem(f, r.say("one_or_two_ids"))
            return None
        return (ids[0] if len(ids) == 1 else ids) if ids else None
    return r.identifier(value, f)


def _read_readings(r: FieldReader, value: Any) -> FacilitatorReadings:
    f = "diagnosis.readings"
    if (d := r.mapping(value, f, (), ("colour", "stance", "stage", "intents"))) is None:
        return FacilitatorReadings()
    colour = _read_ids(r, d["colour"], join(f, "colour")) if "colour" in d else None
    stage = _read_ids(r, d["stage"], join(f, "stage")) if "stage" in d else None
    stance = r.choice(d["stance"], join(f, "stance"), READING_VALUES["stance"]) if "stance" in d else None
    intents: dict[str, str] = {}
    raw = d.get("intents") or {}
    if not isinstance(raw, dict):
        r.problem(join(f, "intents"), r.say("intents_map"))
        raw = {}
    for key, v in raw.items():
        k = join(join(f, "intents"), str(key))
        if r.identifier(key, k) and (choice := r.choice(v, k, READING_VALUES["intent"])):
            intents[key] = choice
    return FacilitatorReadings(colour, stance, stage, intents)


def _read_diagnosis(r: FieldReader, value: Any) -> Diagnosis:
    keys = ("answers", "history", "signals", "notes", "readings")
    if (d := r.mapping(value, "diagnosis", (), keys)) is None:
        return Diagnosis()
    answers: dict[str, int] = {}
    raw = d.get("answers") or {}
    if not isinstance(raw, dict):
        r.problem("diagnosis.answers", r.say("answers_map"))
        raw = {}
    for key, answer in raw.items():
        f = join("diagnosis.answers", str(key))
        if r.identifier(key, f) and (n := r.number(answer, f, low=1, high=5)) is not None:
            answers[key] = n
    history = r.identifier(d["history"], "diagnosis.history") if d.get("history") else None
    signals = r.identifiers(d.get("signals"), "diagnosis.signals") or ()
    notes = r.text(d.get("notes"), "diagnosis.notes") or ""
    readings = _read_readings(r, d["readings"]) if d.get("readings") else FacilitatorReadings()
    return Diagnosis(answers, history, signals, notes, readings)


def _read_moment(r: FieldReader, value: Any, f: str) -> dt.datetime | None:
    """The one reader of moments (local clock time, no time zone), so what loads, every view can place."""
    if isinstance(value, dt.datetime):
        moment: dt.datetime | None = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
    else:
        moment = None
    if moment is None:
        r.problem(f, r.say("moment", value=repr(value)))
        return None
    if moment.tzinfo is not None:
        r.problem(f, r.say("moment_zone", local=moment.replace(tzinfo=None).isoformat(), value=repr(value)))
        return None
    return moment if _in_years(r, moment, f) else None


def _in_years(r: FieldReader, when: dt.date, f: str) -> bool:
    if YEARS[0] <= when.year <= YEARS[1]:
        return True
    r.problem(f, r.say("years", low=YEARS[0], high=YEARS[1], value=when.isoformat()))
    return False


def _check_run_span(r: FieldReader, moments: list[tuple[str, dt.datetime]]) -> None:
    """A run is one session: moments weeks apart would stretch its timeline over millions of minutes."""
    if not moments:
        return
    first = min(at for _, at in moments)
    for f, at in moments:
        if at - first > dt.timedelta(days=RUN_DAYS):
            r.problem(f, r.say("run_span", days=(at - first).days, first=first.isoformat(), limit=RUN_DAYS))


def _read_photo_path(r: FieldReader, value: Any, f: str) -> str | None:
    """A photo is named relative to the session's own folder, the way notebook 05 stores it."""
    if not isinstance(value, str) or not value.strip():
        r.problem(f, r.say("photo_path", value=repr(value)))
        return None
    posix, windows = PurePosixPath(value), PureWindowsPath(value)
    if len(value) > PHOTO_PATH_CHARS or "\0" in value:
        r.problem(f, r.say("photo_unusable"))
        return None
    if (
        posix.is_absolute()
        or windows.is_absolute()
        or windows.drive
        or ".." in posix.parts
        or ".." in windows.parts
    ):
        r.problem(f, r.say("photo_outside", value=repr(value)))
        return None
    return value


def _read_run(r: FieldReader, value: Any) -> Run:
    keys = ("planned", "events", "observations", "result", "photos", "actions", "pairs", "room")
    if (d := r.mapping(value, "run", (), keys)) is None:
        return Run()
    planned = [
        _read_block(r, raw, join("run.planned", i))
        for i, raw in enumerate(r.items(d.get("planned"), "run.planned") or [])
    ]
    events = []
    moments: list[tuple[str, dt.datetime]] = []
    for i, raw in enumerate(r.items(d.get("events"), "run.events") or []):
        f = join("run.events", i)
        if (e := r.mapping(raw, f, ("at", "kind"), ("block", "detail"))) is None:
            continue
        at, kind = (
            _read_moment(r, e.get("at"), join(f, "at")),
            r.choice(e.get("kind"), join(f, "kind"), EVENTS),
        )
        block = r.number(e["block"], join(f, "block"), low=0) if e.get("block") is not None else None
        if at and kind:
            moments.append((join(f, "at"), at))
            events.append(RunEvent(at, kind, block, r.text(e.get("detail"), join(f, "detail")) or ""))
    observations = []
    for i, raw in enumerate(r.items(d.get("observations"), "run.observations") or []):
        f = join("run.observations", i)
        if (o := r.mapping(raw, f, ("at", "kind"), ("note",))) is None:
            continue
        at, kind = (
            _read_moment(r, o.get("at"), join(f, "at")),
            r.choice(o.get("kind"), join(f, "kind"), OBSERVATIONS),
        )
        if at and kind:
            moments.append((join(f, "at"), at))
            observations.append(Observation(at, kind, r.text(o.get("note"), join(f, "note")) or ""))
    _check_run_span(r, moments)
    actions = []
    for i, raw in enumerate(r.items(d.get("actions"), "run.actions") or []):
        f = join("run.actions", i)
        if (a := r.mapping(raw, f, ("what",), ("who", "when"))) is not None:
            what = r.text(a.get("what"), join(f, "what"), allow_empty=False)
            if what:
                actions.append(
                    Action(
                        what,
                        r.text(a.get("who"), join(f, "who")) or "",
                        r.text(a.get("when"), join(f, "when")) or "",
                    )
                )
    photos = tuple(
        path
        for i, p in enumerate(r.items(d.get("photos"), "run.photos") or [])
        if (path := _read_photo_path(r, p, join("run.photos", i))) is not None
    )
    pairs = []
    for i, pair in enumerate(r.items(d.get("pairs"), "run.pairs") or []):
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair):
            pairs.append((pair[0], pair[1]))
        else:
            r.problem(join("run.pairs", i), r.say("pair_of_names"))
    return Run(
        tuple(b for b in planned if b is not None), tuple(events), tuple(observations),
        r.text(d.get("result"), "run.result") or "", photos, tuple(actions), tuple(pairs),
        _read_room(r, d.get("room") or {}),
    )  # fmt: skip


ROOM_TEXT_MAX = 2_000
"""Longest participant text the document accepts; the room itself refuses far shorter input."""


def _read_room(r: FieldReader, value: Any) -> Room:
    if (d := r.mapping(value, "run.room", (), ("activities", "mood_line"))) is None:
        return Room()
    activities = []
    for i, raw in enumerate(r.items(d.get("activities"), "run.room.activities") or []):
        if (activity := _read_room_activity(r, raw, join("run.room.activities", i))) is not None:
            activities.append(activity)
    line = []
    for i, raw in enumerate(r.items(d.get("mood_line"), "run.room.mood_line") or []):
        f = join("run.room.mood_line", i)
        if (p := r.mapping(raw, f, ("title", "mood", "count"), ("date",))) is None:
            continue
        title = r.text(p.get("title"), join(f, "title"), max_len=300)
        mood = r.number(p.get("mood"), join(f, "mood"), low=1, high=5, whole=False)
        count = r.number(p.get("count"), join(f, "count"), low=1)
        date = _read_date(r, p.get("date"), join(f, "date"))
        if title is not None and mood is not None and count is not None:
            line.append(MoodPoint(title, mood, count, date))
    return Room(tuple(activities), tuple(line))


def _read_room_activity(r: FieldReader, raw: Any, f: str) -> RoomActivity | None:
    optional = (
        "prompt",
        "closed",
        "block",
        "participants",
        "entries",
        "hidden",
        "counts",
        "per_person",
        "per_item",
    )
    if (a := r.mapping(raw, f, ("kind", "opened"), optional)) is None:
        return None
    kind = r.choice(a.get("kind"), join(f, "kind"), ROOM_KINDS)
    opened = _read_moment(r, a.get("opened"), join(f, "opened"))
    closed = _read_moment(r, a["closed"], join(f, "closed")) if a.get("closed") is not None else None
    block = r.number(a["block"], join(f, "block"), low=0) if a.get("block") is not None else None
    participants = r.number(a.get("participants", 0), join(f, "participants"), low=0)
    hidden = r.number(a.get("hidden", 0), join(f, "hidden"), low=0)
    limits = {
        k: r.number(a[k], join(f, k), low=1, high=100) if a.get(k) is not None else None
        for k in ("per_person", "per_item")
    }
    entries = []
    for i, item in enumerate(r.items(a.get("entries"), join(f, "entries")) or []):
        g = join(join(f, "entries"), i)
        if (e := r.mapping(item, g, ("text",), ("mood", "merged"))) is None:
            continue
        text = r.text(e.get("text"), join(g, "text"), allow_empty=False, max_len=ROOM_TEXT_MAX)
        mood = r.number(e["mood"], join(g, "mood"), low=1, high=5) if e.get("mood") is not None else None
        merged = r.number(e.get("merged", 0), join(g, "merged"), low=0)
        if text is not None and merged is not None:
            entries.append(RoomEntry(text, mood, merged))
    counts = []
    for i, item in enumerate(r.items(a.get("counts"), join(f, "counts")) or []):
        g = join(join(f, "counts"), i)
        if (c := r.mapping(item, g, ("option", "count"))) is None:
            continue
        option = r.text(c.get("option"), join(g, "option"), allow_empty=False, max_len=ROOM_TEXT_MAX)
        count = r.number(c.get("count"), join(g, "count"), low=0)
        if option is not None and count is not None:
            counts.append(RoomCount(option, count))
    prompt = r.text(a.get("prompt"), join(f, "prompt"), max_len=ROOM_TEXT_MAX)
    if None in (kind, opened, participants, hidden, prompt):
        return None
    return RoomActivity(
        kind, opened, prompt, closed, block, participants, tuple(entries), hidden, tuple(counts),  # type: ignore[arg-type]
        limits["per_person"], limits["per_item"],
    )  # fmt: skip


def _read_date(r: FieldReader, value: Any, f: str = "date") -> dt.date | None:
    """The one reader of dates (the session's, a series' earlier sessions'), within :data:`YEARS`."""
    if value in (None, ""):
        return None
    try:
        date = dt.date.fromisoformat(str(value)) if isinstance(value, str | dt.date) else None
    except ValueError:
        date = None
    if date is None:
        r.problem(f, r.say("date", value=repr(value)))
        return None
    return date if _in_years(r, date, f) else None


def _read_time(r: FieldReader, value: Any, field_: str) -> dt.time | None:
    match = _TIME.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        r.problem(field_, r.say("time", value=repr(value)))
        return None
    return dt.time(int(match[1]), int(match[2]))


def _read_block(r: FieldReader, raw: Any, f: str) -> Block | None:
    optional = ("intervention", "custom", "break", "notes", "plan_b")
    if (b := r.mapping(raw, f, ("minutes",), optional)) is None:
        return None
    kinds = [k for k in ("intervention", "custom", "break") if k in b]
    if len(kinds) != 1:
        r.problem(f, r.say("block_kind"))
        return None
    minutes = r.number(b.get("minutes"), join(f, "minutes"), low=1, high=DAY_MINUTES)
    notes = r.text(b.get("notes"), join(f, "notes")) or ""
    plan_b = r.identifiers(b.get("plan_b"), join(f, "plan_b"))
    kind = kinds[0]
    if kind == "intervention":
        ident = r.identifier(b["intervention"], join(f, "intervention"))
        if minutes is None or ident is None or plan_b is None:
            return None
        return Block(minutes, intervention=ident, notes=notes, plan_b=plan_b)
    if kind == "break":
        if b.get("plan_b"):
            r.problem(join(f, "plan_b"), r.say("break_plan_b"))
        label = r.text(b["break"], join(f, "break"), max_len=200)
        if minutes is None or label is None:
            return None
        return Block(minutes, title=label, is_break=True, notes=notes)
    if (c := r.mapping(b["custom"], join(f, "custom"), ("title", "role"))) is None:
        return None
    title = r.text(c.get("title"), join(f, "custom.title"), allow_empty=False, max_len=300)
    role = r.choice(c.get("role"), join(f, "custom.role"), ROLES) if "role" in c else None
    if None in (minutes, title, role, plan_b):
        return None
    return Block(minutes, title=title, role=role, notes=notes, plan_b=plan_b)  # type: ignore[arg-type]


def _check_references(r: FieldReader, block: Block, f: str, catalogue: Catalogue) -> None:
    refs = [(join(f, "intervention"), block.intervention)] if block.intervention else []
    refs += [(join(join(f, "plan_b"), i), ident) for i, ident in enumerate(block.plan_b)]
    for where, ident in refs:
        if ident not in catalogue:
            try:
                catalogue.get(ident)
            except PlaybookError as exc:
                r.problem(where, exc.problems[0].message)


def _check_shortlist(r: FieldReader, shortlist: tuple[str, ...], catalogue: Catalogue) -> None:
    for i, ident in enumerate(shortlist):
        if ident not in catalogue:
            r.problem(join("shortlist", i), r.say("unknown_intervention", id=ident))


def check_references(session: Session, catalogue: Catalogue, file: str | Path = "<session>") -> list[Problem]:
    """Problems with intervention ids that the catalogue does not know (shortlist, agenda and plan B)."""
    r = FieldReader(file, session.language)
    _check_shortlist(r, session.shortlist, catalogue)
    for i, block in enumerate(session.agenda):
        _check_references(r, block, join("agenda", i), catalogue)
    return r.problems


# --------------------------------------------------------------------------------------------- writing


def session_to_data(session: Session) -> dict[str, Any]:
    """Plain data in the document's layout; empty optional fields are left out to keep files short."""
    agenda = _blocks_data(session.agenda)
    return {
        "schema_version": session.schema_version,
        "title": session.title,
        "language": session.language,
        "date": session.date.isoformat() if session.date else None,
        "start": session.start.strftime("%H:%M"),
        "budget_minutes": session.budget_minutes,
        "brief": {
            **{
                k: getattr(session.brief, k)
                for k in _BRIEF
                if k not in ("purpose", "decision_rule") or getattr(session.brief, k)
            },
            **{k: getattr(session.brief, k) for k in _BRIEF_PRACTICAL if getattr(session.brief, k)},
        },
        "group": {"size": session.group.size, "setting": session.group.setting},
        "diagnosis": _diagnosis_data(session.diagnosis),
        "shortlist": list(session.shortlist),
        "agenda": agenda,
        **({"run": _run_data(session.run)} if _run_data(session.run) else {}),
        **(
            {
                "alternatives": [
                    {"name": a.name, "agenda": _blocks_data(a.agenda)} for a in session.alternatives
                ]
            }
            if session.alternatives
            else {}
        ),
    }


def _blocks_data(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    out = []
    for block in blocks:
        item: dict[str, Any]
        if block.is_break:
            item = {"break": block.title}
        elif block.intervention:
            item = {"intervention": block.intervention}
        else:
            item = {"custom": {"title": block.title, "role": block.role}}
        item["minutes"] = block.minutes
        if block.notes:
            item["notes"] = block.notes
        if block.plan_b:
            item["plan_b"] = list(block.plan_b)
        out.append(item)
    return out


def _run_data(run: Run) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if run.planned:
        data["planned"] = _blocks_data(run.planned)
    if run.events:
        data["events"] = [
            {
                "at": e.at.isoformat(),
                "kind": e.kind,
                **({"block": e.block} if e.block is not None else {}),
                **({"detail": e.detail} if e.detail else {}),
            }
            for e in run.events
        ]
    if run.observations:
        data["observations"] = [
            {"at": o.at.isoformat(), "kind": o.kind, **({"note": o.note} if o.note else {})}
            for o in run.observations
        ]
    if run.result:
        data["result"] = run.result
    if run.photos:
        data["photos"] = list(run.photos)
    if run.actions:
        data["actions"] = [{"what": a.what, "who": a.who, "when": a.when} for a in run.actions]
    if run.pairs:
        data["pairs"] = [list(p) for p in run.pairs]
    if not run.room.empty:
        data["room"] = _room_data(run.room)
    return data


def _room_data(room: Room) -> dict[str, Any]:
    activities = []
    for a in room.activities:
        item: dict[str, Any] = {"kind": a.kind, "opened": a.opened.isoformat()}
        item |= {"prompt": a.prompt} if a.prompt else {}
        item |= {"closed": a.closed.isoformat()} if a.closed else {}
        item |= {"block": a.block} if a.block is not None else {}
        item["participants"] = a.participants
        if a.entries:
            item["entries"] = [
                {"text": e.text, **({"mood": e.mood} if e.mood is not None else {}),
                 **({"merged": e.merged} if e.merged else {})}
                for e in a.entries
            ]  # fmt: skip
        item |= {"hidden": a.hidden} if a.hidden else {}
        if a.counts:
            item["counts"] = [{"option": c.option, "count": c.count} for c in a.counts]
        item |= {"per_person": a.per_person} if a.per_person is not None else {}
        item |= {"per_item": a.per_item} if a.per_item is not None else {}
        activities.append(item)
    data: dict[str, Any] = {}
    if activities:
        data["activities"] = activities
    if room.mood_line:
        data["mood_line"] = [
            {
                "title": p.title,
                **({"date": p.date.isoformat()} if p.date else {}),
                "mood": p.mood,
                "count": p.count,
            }
            for p in room.mood_line
        ]
    return data


def _diagnosis_data(diagnosis: Diagnosis) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if diagnosis.history:
        data["history"] = diagnosis.history
    if diagnosis.answers:
        data["answers"] = dict(diagnosis.answers)
    if diagnosis.signals:
        data["signals"] = list(diagnosis.signals)
    if diagnosis.notes:
        data["notes"] = diagnosis.notes
    if not diagnosis.readings.empty:
        data["readings"] = _readings_data(diagnosis.readings)
    return data


def _readings_data(readings: FacilitatorReadings) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("colour", "stance", "stage"):
        value = getattr(readings, key)
        if value is not None:
            data[key] = list(value) if isinstance(value, tuple) else value
    if readings.intents:
        data["intents"] = dict(readings.intents)
    return data


def dump_session(session: Session, file: str | Path = "<session>") -> str:
    """The YAML text of a session, checked to read back as the same session before anyone writes it.

    The text starts with :data:`HEADER` and ends with :data:`END`; it is refused when it would be
    larger than the playbook reads back. Each agenda block is written and checked once and then reused
    (:func:`_block_text`), so saving an edit of a long agenda does not rewrite and re-read every block.
    """
    data = session_to_data(session)
    agenda = data.get("agenda")
    if agenda:
        data["agenda"] = []
    rest = replace(session, agenda=())
    last = _WRITTEN[0]
    if last is not None and last[0] == data and last[1] == rest:  # an edit of the agenda alone
        body, faithful = last[2], True
    else:
        body = dump_yaml(data)
        faithful = parse_yaml(body, file) == data and parse_session({**data, "agenda": []}, file) == rest
        if faithful:
            _WRITTEN[0] = (copy.deepcopy(data), rest, body)
    if agenda:  # the blocks, each written once, go where the empty list stands
        faithful = faithful and body.count(_AGENDA_SLOT) == 1 and _blocks_data(session.agenda) == agenda
        blocks = "".join(_block_text(b, i, file, session.language) for i, b in enumerate(session.agenda))
        body = body.replace(_AGENDA_SLOT, f"\nagenda:\n{blocks}", 1)
        data["agenda"] = agenda
    text = f"{HEADER}\n{body}{END}\n"
    size = len(text.encode("utf-8"))
    lang = session.language
    if size > MAX_BYTES:
        megabytes = f"{size / (1024 * 1024):.1f}"
        raise PlaybookError.at(
            file,
            "",
            _say(
                "too_large",
                lang,
                size=megabytes.replace(".", ",") if lang == "nl" else megabytes,
                limit=MAX_BYTES // (1024 * 1024),
            ),
            lang,
        )
    # Read back as the loader will; the blocks were each read back once already (_cached_block_text).
    if not faithful:
        raise PlaybookError.at(file, "", _say("unfaithful", lang), lang)
    return text


_WRITTEN: list[tuple[dict[str, Any], Session, str] | None] = [None]
"""The last session written, without its agenda: its data, itself and its text, read back already. The
next save of the same session with another agenda (every minute changed, every block moved) writes the
blocks alone; anything else about it changed, and it is written and read back again."""


_AGENDA_SLOT = "\nagenda: []\n"


def _block_text(block: Block, index: int = 0, file: str | Path = "<session>", lang: str = "en") -> str:
    """One agenda entry as YAML (``- intervention: ...``), checked to read back identically; a block
    that would not is refused naming its field (``agenda[3].minutes``)."""
    try:
        try:
            return _cached_block_text(block)
        except TypeError:  # a block with an unhashable field: written without the cache
            return _cached_block_text.__wrapped__(block)
    except PlaybookError:
        reader = FieldReader(file, lang)
        _read_block(reader, _blocks_data((block,))[0], join("agenda", index))
        reader.raise_if_any()
        name = block.title or block.intervention or ""
        raise PlaybookError.at(
            file, join("agenda", index), _say("block_unfaithful", lang, name=name), lang
        ) from None


@lru_cache(maxsize=50_000)
def _cached_block_text(block: Block) -> str:
    items = _blocks_data((block,))
    text = dump_yaml(items)
    reader = FieldReader("<block>")
    if parse_yaml(text) != items or _read_block(reader, items[0], "agenda[0]") != block or reader.problems:
        raise PlaybookError(
            f"agenda block '{block.title or block.intervention}' could not be written faithfully"
        )
    return text


def check_complete(text: str, file: str | Path = "<session>", lang: str | None = None) -> None:
    """Refuse a file the playbook wrote that lost its end on the way (an interrupted copy or sync).

    Files without :data:`HEADER` (written by hand, or by an older playbook) are not checked. The message
    is in ``lang``, or else in the language the text itself names (a cut-off file is not read further).
    """
    if not text.startswith(HEADER.split(".")[0]):
        return
    if END in text.splitlines():
        return
    if lang is None and (said := _LANGUAGE_LINE.search(text)):
        lang = said[1]
    backup = f"{Path(file).name}.bak"
    raise PlaybookError.at(file, "", _say("cut_off", lang, end=END, backup=backup), lang)


_LANGUAGE_LINE = re.compile(r"^language: (en|nl)\s*$", re.M)


def read_session_file(path: str | Path, catalogue: Catalogue | None = None) -> tuple[Session, str]:
    """Read, check and parse one session file; return the session and the fingerprint of its bytes.

    A session read before in these very bytes comes from the object cache (``playbook.objectcache``):
    a command that plans or diagnoses a session, or reads the workspace's past sessions, parses no YAML
    for a file that did not change. Only a session read without a problem is kept, so a mistake is
    reported every time; with a ``catalogue`` the references are checked, so the file is parsed.
    """
    data = read_bytes(path, what="session file")
    digest = fingerprint(data)
    kept = None if catalogue is not None else _kept_session(path, digest)
    if kept is not None and (found := objectcache.recall(*kept, _is_session)) is not None:
        return found, digest
    text = decode(data, path)
    check_complete(text, path)
    session = parse_session(parse_yaml(text, path), path, catalogue)
    if kept is not None:
        objectcache.keep_within("session", SESSION_SLOTS, *kept, session, ())
    return session, digest


SESSION_SLOTS = 256
"""How many sessions are kept parsed: each file has an entry of its own, named by its path's hash (a newer
version of it replaces the entry), and beyond this many the entries written longest ago are removed, so
the cache does not grow with every session ever opened."""


def _kept_session(path: str | Path, digest: str) -> tuple[str, str]:
    """The object cache's name and key for a session read in these bytes (what is built from them does
    not depend on where they were read: only a problem names the file, and a problem is never kept)."""
    return f"session-{objectcache.place_name(path)}", objectcache.content_key(
        objectcache.code_version(), digest
    )


def _is_session(value: Any) -> bool:
    return type(value) is Session


def load_session(path: str | Path, catalogue: Catalogue | None = None) -> Session:
    return SessionFile.open(path, catalogue).session


def new_session(title: str, language: str = "en", **fields: Any) -> Session:
    """A blank session with sensible defaults (09:00, three hours, twelve people in person)."""
    session = Session(title=title, language=language, **fields)
    dump_session(session)  # validates: a bad title or language is refused before it reaches a file
    return session


@dataclass
class SessionFile:
    """A session together with the file it lives in and the version of that file it was read from.

    Two ways to write: :meth:`save` writes the session this handle holds, merging with whatever another
    program saved in between; :meth:`update` applies a change to the newest version on disk. Both hold
    the file's lock while they read, compare and replace, so concurrent writers never lose an update.
    """

    path: Path
    session: Session
    fingerprint: str | None = None
    """Hash of the file as loaded; None for a file not written yet."""
    loaded: Session | None = field(default=None, repr=False, compare=False)
    """The session as it was in that version of the file: the common base when two edits are merged."""

    def __post_init__(self) -> None:
        if self.loaded is None and self.fingerprint is not None:
            self.loaded = self.session

    @classmethod
    def open(cls, path: str | Path, catalogue: Catalogue | None = None) -> SessionFile:
        path = Path(path)
        session, fp = read_session_file(path, catalogue)
        return cls(path, session, fp, session)

    @classmethod
    def create(cls, path: str | Path, session: Session) -> SessionFile:
        """Write a new session document; refuses to replace an existing file."""
        handle = cls(Path(path), session, None)
        handle.save()
        return handle

    def save(
        self, session: Session | None = None, *, overwrite: bool = False, lang: str | None = None
    ) -> None:
        """Write ``session`` (or the current one) atomically, keeping the previous file as ``.bak``.

        If the file changed on disk since it was loaded (another notebook, the live companion, the room,
        a colleague), the two edits are merged when they touch different fields, and this handle then
        holds the merged session. When both changed the same field, a
        :class:`~playbook.errors.ConflictError` names it and nothing is written there: the version
        refused is kept beside it (:func:`draft_path`), to carry over after a reload. Every failure is a
        :class:`~playbook.errors.PlaybookError` in ``lang`` (default: the session's language), never an
        ``OSError``.
        """
        session = session or self.session
        lang = lang or session.language
        text = dump_session(session, self.path)
        with file_lock(self.path, lang=lang):
            if overwrite or self.fingerprint is None or self.loaded is None:
                if not overwrite:
                    check_unchanged(self.path, self.fingerprint, lang)
            else:
                disk = current_bytes(self.path)
                if disk is not None and fingerprint(disk) != self.fingerprint:
                    session = self._merged(session, text, disk, lang)
                    text = dump_session(session, self.path)
            self._write(session, text, lang)

    def update(self, change: Callable[[Session], Session]) -> Session:
        """Apply ``change`` to the newest version on disk and save the result, as one locked step.

        This is how a program that only adds something (an event, a vote, a result) writes without ever
        meeting a conflict: ``change`` receives the session as it is on disk right now. Returns the
        saved session, which this handle then holds.
        """
        with file_lock(self.path, lang=self.session.language):
            current, fp = read_session_file(self.path)
            self.session, self.fingerprint, self.loaded = current, fp, current
            changed = change(current)
            if not isinstance(changed, Session):  # a programming mistake, not a user's: not translated
                raise PlaybookError.at(
                    self.path, "", "the change did not return a session; nothing was saved"
                )
            if changed != current:
                self._write(changed, dump_session(changed, self.path), changed.language)
        return self.session

    def _merged(self, mine: Session, text: str, disk: bytes, lang: str) -> Session:
        """Mine and the version on disk, both edits of what this handle loaded, merged field by field."""
        try:
            on_disk = decode(disk, self.path)
            check_complete(on_disk, self.path, lang)
            theirs = parse_session(parse_yaml(on_disk, self.path), self.path)
        except PlaybookError as exc:
            reason = exc.problems[0].message
            raise self._refused("", _say("changed_unreadable", lang, reason=reason), text, lang) from None
        base = self.loaded if self.loaded is not None else mine
        result = merge(session_to_data(base), session_to_data(mine), session_to_data(theirs))
        if result.conflicts:
            fields = [c or _say("whole_document", lang) for c in result.conflicts[:5]]
            more = ", …" if len(result.conflicts) > 5 else ""
            raise self._refused(", ".join(fields) + more, _say("changed_too", lang), text, lang)
        try:
            return parse_session(result.data, self.path)
        except PlaybookError as exc:
            problem = exc.problems[0]
            why = _say("changed_apart", lang, reason=problem.message)
            raise self._refused(problem.field, why, text, lang) from None

    def _refused(self, field: str, why: str, text: str, lang: str) -> ConflictError:
        """The conflict, after keeping the refused version beside the file so no edit is lost."""
        draft = draft_path(self.path)
        try:
            write_bytes_atomic(draft, text.encode("utf-8"), lang)
        except PlaybookError:  # the folder took no new file: the version refused is still in memory
            after = _say("draft_lost", lang)
        else:
            after = _say("draft_kept", lang, draft=draft.name)
        return ConflictError.at(self.path, field, f"{why}; {after}", lang)  # type: ignore[return-value]

    def _write(self, session: Session, text: str, lang: str | None = None) -> None:
        data = text.encode("utf-8")
        replace_file(self.path, data, lang=lang or session.language)
        self.session, self.fingerprint, self.loaded = session, fingerprint(data), session

    def save_as(self, path: str | Path, *, overwrite: bool = False) -> SessionFile:
        other = SessionFile(Path(path), self.session, None)
        other.save(overwrite=overwrite)
        return other

    def reload(self) -> Session:
        fresh = SessionFile.open(self.path)
        self.session, self.fingerprint, self.loaded = fresh.session, fresh.fingerprint, fresh.session
        return self.session


def draft_path(path: str | Path) -> Path:
    """Where a save refused for a conflict keeps the version it could not write: ``NAME.draft.session.yaml``
    beside ``NAME.session.yaml``, a session document of its own that any notebook or command opens."""
    path = Path(path)
    stem = path.name.removesuffix(SUFFIX) if path.name.endswith(SUFFIX) else path.stem
    return path.with_name(f"{stem}.draft{SUFFIX}")
