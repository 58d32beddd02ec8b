"""The room's store: SQLite in WAL mode beside the session document, the room's single source of truth.

Submissions are written in batches (group commit: what arrives while one batch is written goes into the
next): one ``BEGIN IMMEDIATE`` transaction per batch, committed with ``synchronous=FULL`` before any phone
of it hears "received", so an acknowledged submission survives a killed service, and even a power cut.
Inside the batch each submission is decided on its own, behind a savepoint. Each carries an id made on
the phone; the id is the key of the ``ops`` table, so a retry finds its first outcome instead of counting
twice. Limits (dots per person and per item, cards per person) are checked inside the same transaction
that writes, and SQLite lets one writer in at a time, so concurrent requests (in the service, or from
the notebook in another process) never overshoot them.

The store keeps random participant ids (from the phone's cookie) to enforce those limits; it never keeps
a name, an address or a device. Entries (cards, check-in words) carry no participant id at all, except a
check-in's, so that checking in again replaces the word instead of adding one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PlaybookError
from ..i18n import message, t
from ..participation import (
    ENTRIES_MAX,
    ENTRY_KINDS,
    MOODS,
    ROUND_KINDS,
    SCALES,
    TEXT_MAX,
    WORD_MAX,
    ActivitySpec,
    RefusedError,
    Submission,
    clean_text,
)
from ..session import SUFFIX, RoomActivity, RoomCount, RoomEntry

ROOM_SUFFIX = ".room.sqlite"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Join codes avoid look-alikes (0/O, 1/I): read from a beamer at the back of the room."""
CODE_LENGTH = 6
"""32^6 ≈ a billion codes: with the service's limit on wrong guesses, guessing a room takes years."""

_SCHEMA = """
create table if not exists meta(key text primary key, value text not null);
create table if not exists participants(id text primary key, joined text not null);
create table if not exists activities(
  id integer primary key, kind text not null, prompt text not null, options text not null,
  source integer, per_person integer not null, per_item integer not null, state text not null,
  shown integer not null default 0, block integer, opened text not null, closed text);
create table if not exists entries(
  id integer primary key, activity integer not null, text text not null, mood integer, owner text,
  state text not null default 'hidden', merged_into integer);
create index if not exists entries_activity on entries(activity, state);
create index if not exists entries_merged on entries(merged_into);
create index if not exists entries_owner on entries(activity, owner);
create table if not exists answers(
  activity integer not null, participant text not null, value text not null,
  primary key (activity, participant));
create table if not exists votes(
  id integer primary key, activity integer not null, participant text not null, item text not null);
create index if not exists votes_person on votes(activity, participant, item);
create table if not exists ops(
  sid text primary key, participant text not null, activity integer not null, outcome text not null);
create index if not exists ops_person on ops(activity, participant);
"""

Clock = Callable[[], dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def store_path(session_path: str | Path) -> Path:
    """``team.session.yaml`` -> ``team.room.sqlite`` in the same folder."""
    path = Path(session_path)
    return path.with_name(path.name.removesuffix(SUFFIX) + ROOM_SUFFIX)


def check_store_file(path: Path) -> None:
    """The store's name must be free or hold a room: never a link, folder, pipe or someone's own file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise PlaybookError.at(path, "", message("errors.cannot_check", reason=exc.strerror)) from None
    if not stat.S_ISREG(st.st_mode):
        raise PlaybookError.at(path, "", message("errors.room_not_file"))
    if st.st_size:
        try:
            with open(path, "rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise PlaybookError.at(path, "", message("errors.cannot_read", reason=exc.strerror)) from None
        if head != b"SQLite format 3\x00":
            raise PlaybookError.at(path, "", message("errors.room_foreign"))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class Activity:
    id: int
    kind: str
    prompt: str
    options: tuple[str, ...]
    source: int | None
    per_person: int
    per_item: int
    state: str
    """'open' (accepting input) or 'closed'."""
    shown: bool
    """The facilitator revealed the results (tallies, moods) to the room."""
    block: int | None
    opened: dt.datetime
    closed: dt.datetime | None

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@dataclass(frozen=True)
class Entry:
    """A card or check-in word as the store holds it; ``merged`` counts the cards folded into it."""

    id: int
    activity: int
    text: str
    mood: int | None
    state: str
    """'hidden', 'shown' or 'removed'."""
    merged: int = 0

    @property
    def shown(self) -> bool:
        return self.state == "shown"


@dataclass(frozen=True)
class Item:
    """One thing to vote on: a given option or a revealed card."""

    key: str
    text: str


class RoomStore:
    """One room: its meta data, activities, entries, votes and answers, in one SQLite file."""

    def __init__(self, path: Path, connection: sqlite3.Connection, clock: Clock = _now) -> None:
        self.path = path
        self.clock = clock
        self._db = connection
        self._lock = threading.RLock()
        self._meta: dict[str, str] = {}
        self._seen = -1
        self._activities: tuple[str | None, tuple[Activity, ...]] | None = None
        self.refresh()

    # -- opening ---------------------------------------------------------------------------------------

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        """The room's own SQLite file, opened with the schema in place; any other file is refused."""
        check_store_file(path)
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
            db.execute("pragma busy_timeout = 10000")
            tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
            if tables and "meta" not in tables:
                db.close()
                raise PlaybookError.at(path, "", message("errors.room_foreign"))
            mode = db.execute("pragma journal_mode = wal").fetchone()[0]
            if mode != "wal":  # pragma: no cover - a file system without shared memory
                raise PlaybookError.at(path, "", message("errors.room_wal"))
            db.execute("pragma synchronous = full")
            db.executescript(_SCHEMA)
        except sqlite3.Error as exc:  # not a database, a folder that refuses files, a full disk
            raise PlaybookError.at(path, "", message("errors.room_unusable", reason=exc)) from None
        return db

    @classmethod
    def create(
        cls, session_path: str | Path, title: str, lang: str, owner: str = "", clock: Clock = _now
    ) -> RoomStore:
        """The room of a session, made on first use (its code and token stay for later starts)."""
        path = store_path(session_path)
        if not path.parent.is_dir():
            raise PlaybookError.at(path, "", message("errors.room_no_folder", folder=path.parent))
        check_store_file(path)
        try:  # only the facilitator may read the room: it holds the token
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600))
        except FileExistsError:
            pass  # the room of an earlier start: its code and token stay
        except OSError as exc:
            raise PlaybookError.at(path, "", message("errors.room_not_here", reason=exc.strerror)) from None
        db = cls._connect(path)
        fresh = {
            "room": secrets.token_hex(8),
            "code": new_code(),
            "token": secrets.token_urlsafe(24),
            "secret": secrets.token_urlsafe(32),
            "state": "open",
            "version": "0",
            "public": "0",
            "screen": "",
            "join_url": "",
            "host_url": "",
            "session": Path(session_path).name,
            "title": title,
            "lang": lang,
            "owner": owner,
        }
        db.executemany("insert or ignore into meta values (?, ?)", fresh.items())
        return cls(path, db, clock)

    @classmethod
    def open(cls, session_path: str | Path, clock: Clock = _now) -> RoomStore:
        """An existing room; ``session_path`` may also be the store file itself."""
        path = Path(session_path)
        path = path if path.name.endswith(ROOM_SUFFIX) else store_path(path)
        check_store_file(path)
        if not path.is_file():
            raise PlaybookError.at(path, "", message("errors.no_room"))
        return cls(path, cls._connect(path), clock)

    @property
    def session_path(self) -> Path:
        return self.path.with_name(self.meta["session"])

    def close(self) -> None:
        self._db.close()

    # -- meta and change detection ---------------------------------------------------------------------

    @property
    def meta(self) -> dict[str, str]:
        return self._meta

    @property
    def code(self) -> str:
        return self._meta["code"]

    @property
    def room_id(self) -> str:
        return self._meta["room"]

    @property
    def lang(self) -> str:
        return self._meta["lang"]

    @property
    def is_open(self) -> bool:
        return self._meta["state"] == "open"

    @property
    def version(self) -> int:
        """Bumped by every change: the facilitator's views redraw when it moves."""
        return int(self._meta["version"])

    @property
    def public(self) -> int:
        """Bumped by the facilitator's changes only: what phones show moves with it."""
        return int(self._meta["public"])

    def changed(self) -> bool:
        """Whether anyone (this process or another) committed since the last look; re-reads the meta."""
        with self._lock:
            seen = self._db.execute("pragma data_version").fetchone()[0]
            if seen == self._seen:
                return False
            self.refresh()
            return True

    def refresh(self) -> None:
        with self._lock:
            self._seen = self._db.execute("pragma data_version").fetchone()[0]
            self._meta = dict(self._db.execute("select key, value from meta").fetchall())

    @contextmanager
    def _write(self, public: bool) -> Iterator[sqlite3.Connection]:
        """One write transaction; the version (and for the facilitator's changes the public one) moves."""
        with self._lock:
            db = self._db
            db.execute("begin immediate")
            try:
                yield db
                db.execute("update meta set value = value + 1 where key = 'version'")
                if public:
                    db.execute("update meta set value = value + 1 where key = 'public'")
                db.execute("commit")
            except BaseException:
                db.execute("rollback")
                raise
            self.refresh()

    def _set(self, db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("insert or replace into meta values (?, ?)", (key, value))

    def new_code(self) -> str:
        """Give the room another join code (the old one stops working at once)."""
        with self._write(public=True) as db:
            self._set(db, "code", new_code())
        return self.code

    def set_urls(self, join: str, host: str) -> None:
        """Where phones join, and where the facilitator's pages are (written by the service serving it)."""
        if (self._meta.get("join_url"), self._meta.get("host_url")) != (join, host):
            with self._write(public=False) as db:
                self._set(db, "join_url", join)
                self._set(db, "host_url", host)

    def set_pid(self, pid: int) -> None:
        """The service that serves this room records itself here (0 when it stops)."""
        with self._write(public=False) as db:
            self._set(db, "pid", str(pid))

    def running(self) -> bool:
        """Whether a service is serving this room now (on this machine)."""
        pid = int(self._meta.get("pid") or 0)
        if pid <= 0:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # another user's process (the hub's service): it exists
            return True
        return True

    def set_open(self, is_open: bool) -> None:
        """Close the room (it accepts nothing) or open it again."""
        with self._write(public=True) as db:
            self._set(db, "state", "open" if is_open else "closed")

    def put_on_screen(self, activity: int) -> None:
        """Which activity the projected results page shows."""
        with self._write(public=True) as db:
            self._activity(db, activity)
            self._set(db, "screen", str(activity))

    # -- participants ----------------------------------------------------------------------------------

    def join(self, participant: str) -> None:
        with self._lock:
            self._db.execute(
                "insert or ignore into participants values (?, ?)", (participant, self.clock().isoformat())
            )

    def participant_count(self) -> int:
        with self._lock:
            return self._db.execute("select count(*) from participants").fetchone()[0]

    def submit(self, participant: str, s: Submission, lang: str = "en") -> dict[str, Any]:
        """Accept one submission, or raise :class:`RefusedError`; a retried ``sid`` returns its first outcome."""
        (outcome,) = self.submit_many([(participant, s, lang)])
        if isinstance(outcome, RefusedError):
            raise outcome
        return outcome

    def submit_many(
        self, batch: list[tuple[str, Submission | None, str]]
    ) -> list[dict[str, Any] | RefusedError]:
        """Several submissions in one transaction (one flush to disk for a burst), each decided on its own:
        a refused one is rolled back to its savepoint and the others still count. Nothing is acknowledged
        before the commit. An item without a submission is a phone joining."""
        outcomes: list[dict[str, Any] | RefusedError] = []
        with self._write(public=False) as db:
            # Submissions change neither the room's state nor its activities, so inside this one
            # transaction each is read once for the batch, not once per submission.
            is_open = db.execute("select value from meta where key = 'state'").fetchone()[0] == "open"
            activities: dict[int, Activity] = {}
            for participant, s, lang in batch:
                if s is None:
                    db.execute(
                        "insert or ignore into participants values (?, ?)",
                        (participant, self.clock().isoformat()),
                    )
                    outcomes.append({"ok": True})
                    continue
                db.execute("savepoint one")
                try:
                    outcomes.append(self._submit(db, participant, s, lang, is_open, activities))
                except RefusedError as exc:
                    db.execute("rollback to one")
                    outcomes.append(exc)
                db.execute("release one")
        return outcomes

    def _submit(
        self, db: sqlite3.Connection, participant: str, s: Submission, lang: str, is_open: bool,
        activities: dict[int, Activity],
    ) -> dict[str, Any]:  # fmt: skip
        row = db.execute("select participant, activity, outcome from ops where sid = ?", (s.sid,)).fetchone()
        if row is not None:
            if (row[0], row[1]) != (participant, s.activity):
                raise RefusedError("replayed", lang)
            return {**json.loads(row[2]), "again": True}
        if not is_open:
            raise RefusedError("room_closed", lang)
        activity = activities.get(s.activity)
        if activity is None:
            activity = activities[s.activity] = self._activity(db, s.activity, lang)
        if not activity.is_open:
            raise RefusedError("activity_closed", lang)
        outcome = _SUBMIT[activity.kind](self, db, participant, activity, s, lang)
        db.execute(
            "insert into ops values (?, ?, ?, ?)", (s.sid, participant, s.activity, json.dumps(outcome))
        )
        return outcome

    def _checkin(self, db: sqlite3.Connection, who: str, a: Activity, s: Submission, lang: str) -> dict:
        word = clean_text(s.text, WORD_MAX, lang, lines=False)
        if s.mood not in MOODS:
            raise RefusedError("no_mood", lang)
        mine = db.execute("select id from entries where activity = ? and owner = ?", (a.id, who)).fetchone()
        if mine is None:
            entry = db.execute(
                "insert into entries (activity, text, mood, owner) values (?, ?, ?, ?)",
                (a.id, word, int(s.mood), who),
            ).lastrowid
        else:
            entry = mine[0]
            db.execute("update entries set text = ?, mood = ? where id = ?", (word, int(s.mood), entry))
        return {"ok": True, "entry": entry}

    def _card(self, db: sqlite3.Connection, who: str, a: Activity, s: Submission, lang: str) -> dict:
        text = clean_text(s.text, TEXT_MAX, lang)
        written = db.execute(
            "select count(*) from ops where activity = ? and participant = ?", (a.id, who)
        ).fetchone()[0]
        if written >= ENTRIES_MAX:
            raise RefusedError("entries_limit", lang, limit=ENTRIES_MAX)
        entry = db.execute("insert into entries (activity, text) values (?, ?)", (a.id, text)).lastrowid
        return {"ok": True, "entry": entry}

    def _vote(self, db: sqlite3.Connection, who: str, a: Activity, s: Submission, lang: str) -> dict:
        if s.item not in {i.key for i in self._items(db, a)}:
            raise RefusedError("no_such_item", lang)
        used = db.execute(
            "select count(*) from votes where activity = ? and participant = ?", (a.id, who)
        ).fetchone()[0]
        on_item = db.execute(
            "select count(*) from votes where activity = ? and participant = ? and item = ?",
            (a.id, who, s.item),
        ).fetchone()[0]
        if s.take_back:
            if not on_item:
                raise RefusedError("nothing_to_take_back", lang)
            db.execute(
                "delete from votes where id = (select max(id) from votes"
                " where activity = ? and participant = ? and item = ?)",
                (a.id, who, s.item),
            )
            used -= 1
        else:
            if used >= a.per_person:
                raise RefusedError("person_limit", lang, limit=a.per_person)
            if on_item >= a.per_item:
                raise RefusedError("item_limit", lang, limit=a.per_item)
            db.execute(
                "insert into votes (activity, participant, item) values (?, ?, ?)", (a.id, who, s.item)
            )
            used += 1
        return {"ok": True, "left": a.per_person - used}

    def _round(self, db: sqlite3.Connection, who: str, a: Activity, s: Submission, lang: str) -> dict:
        if s.item not in SCALES[a.kind]:
            raise RefusedError("no_such_item", lang)
        db.execute("insert or replace into answers values (?, ?, ?)", (a.id, who, s.item))
        return {"ok": True}

    # -- the facilitator's actions ---------------------------------------------------------------------

    def open_activity(self, spec: ActivitySpec, block: int | None = None) -> int:
        """Open an activity for the room (and put it on the screen); returns its id."""
        spec = spec.checked(self.lang)
        with self._write(public=True) as db:
            if spec.source is not None:
                source = self._activity(db, spec.source)
                if source.kind not in ENTRY_KINDS:
                    raise PlaybookError(t("room.vote_needs_items", self.lang))
            ident = db.execute(
                "insert into activities (kind, prompt, options, source, per_person, per_item, state, block,"
                " opened) values (?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                (spec.kind, spec.prompt, json.dumps(spec.options), spec.source, spec.per_person,
                 spec.per_item, block, self.clock().isoformat()),
            ).lastrowid  # fmt: skip
            self._set(db, "screen", str(ident))
        return int(ident or 0)

    def set_activity_open(self, activity: int, is_open: bool) -> None:
        with self._write(public=True) as db:
            self._activity(db, activity)
            closed = None if is_open else self.clock().isoformat()
            db.execute(
                "update activities set state = ?, closed = ? where id = ?",
                ("open" if is_open else "closed", closed, activity),
            )

    def show_results(self, activity: int, shown: bool) -> None:
        """Reveal (or hide again) everything of an activity: all its cards or words, and its tallies."""
        with self._write(public=True) as db:
            self._activity(db, activity)
            db.execute("update activities set shown = ? where id = ?", (int(shown), activity))
            before, after = ("hidden", "shown") if shown else ("shown", "hidden")
            db.execute(
                "update entries set state = ? where activity = ? and state = ?", (after, activity, before)
            )

    def set_entry(self, entry: int, state: str) -> None:
        """Reveal ('shown'), hide ('hidden') or remove ('removed') one card."""
        if state not in ("hidden", "shown", "removed"):
            raise PlaybookError(message("errors.unknown_card_state", self.lang, state=state))
        with self._write(public=True) as db:
            self._entry(db, entry)
            db.execute("update entries set state = ? where id = ?", (state, entry))

    def merge(self, entry: int, into: int) -> None:
        """Fold one card into another of the same activity: it is counted there (and its dots too)."""
        with self._write(public=True) as db:
            a, b = self._entry(db, entry), self._entry(db, into)
            if entry == into or a[0] != b[0] or b[1] == "removed" or b[2] is not None:
                raise PlaybookError(t("room.cannot_merge", self.lang))
            db.execute(
                "update entries set merged_into = ? where id = ? or merged_into = ?", (into, entry, entry)
            )
            db.execute("update entries set merged_into = null where id = ?", (into,))

    def _activity(self, db: sqlite3.Connection, ident: int, lang: str | None = None) -> Activity:
        row = db.execute("select * from activities where id = ?", (ident,)).fetchone()
        if row is None:
            raise RefusedError("no_such_activity", lang or self.lang)
        return _activity(row)

    def _entry(self, db: sqlite3.Connection, ident: int) -> tuple[int, str, int | None]:
        row = db.execute("select activity, state, merged_into from entries where id = ?", (ident,)).fetchone()
        if row is None:
            raise PlaybookError(t("room.no_such_card", self.lang))
        return row

    # -- reading ---------------------------------------------------------------------------------------

    def activities(self) -> list[Activity]:
        """All activities, the newest first.

        Read once per change of what phones see (every change of an activity moves ``public``), not
        once per phone: after a submission, and when a whole room is woken at once."""
        with self._lock:
            public = self._meta.get("public")
            if self._activities is None or self._activities[0] != public:
                rows = self._db.execute("select * from activities order by id desc").fetchall()
                self._activities = (public, tuple(_activity(r) for r in rows))
            return list(self._activities[1])

    def activity(self, ident: int) -> Activity:
        for a in self.activities():
            if a.id == ident:
                return a
        raise RefusedError("no_such_activity", self.lang)

    def entries(self, activity: int) -> list[Entry]:
        """Cards or words of an activity, oldest first; removed ones and those merged away left out."""
        with self._lock:
            rows = self._db.execute(
                "select e.id, e.activity, e.text, e.mood, e.state,"
                " (select count(*) from entries m where m.merged_into = e.id)"
                " from entries e where e.activity = ? and e.state != 'removed' and e.merged_into is null"
                " order by e.id",
                (activity,),
            ).fetchall()
        return [Entry(*r) for r in rows]

    def counts(self, activity: int) -> dict[str, int]:
        """Entries in all, still hidden, and how many participants took part."""
        with self._lock:
            a = self._activity(self._db, activity)
            if a.kind in ENTRY_KINDS:
                total, hidden = self._db.execute(
                    "select count(*), coalesce(sum(state = 'hidden'), 0) from entries"
                    " where activity = ? and state != 'removed' and merged_into is null",
                    (activity,),
                ).fetchone()
            else:
                total, hidden = 0, 0
            table = "answers" if a.kind in ROUND_KINDS else "votes" if a.kind == "vote" else "ops"
            people = self._db.execute(
                f"select count(distinct participant) from {table} where activity = ?", (activity,)
            ).fetchone()[0]
        return {"entries": total, "hidden": hidden, "participants": people}

    def items(self, activity: Activity) -> list[Item]:
        with self._lock:
            return self._items(self._db, activity)

    def _items(self, db: sqlite3.Connection, a: Activity) -> list[Item]:
        if a.kind != "vote":
            return []
        if a.source is None:
            return [Item(f"o{n}", text) for n, text in enumerate(a.options)]
        rows = db.execute(
            "select id, text from entries where activity = ? and state = 'shown' and merged_into is null"
            " order by id",
            (a.source,),
        )
        return [Item(f"e{ident}", text) for ident, text in rows]

    def tally(self, a: Activity) -> list[tuple[str, str, int]]:
        """(key, label, count) per item of a vote, per answer of a round, per mood of a check-in."""
        with self._lock:
            db = self._db
            if a.kind == "vote":
                merged = dict(
                    db.execute(
                        "select 'e' || id, 'e' || merged_into from entries where activity = ?"
                        " and merged_into is not null",
                        (a.source or -1,),
                    ).fetchall()
                )
                raw: dict[str, int] = {}
                for item, n in db.execute(
                    "select item, count(*) from votes where activity = ? group by item", (a.id,)
                ):
                    key = merged.get(item, item)
                    raw[key] = raw.get(key, 0) + n
                return [(i.key, i.text, raw.get(i.key, 0)) for i in self._items(db, a)]
            if a.kind in ROUND_KINDS:
                found = dict(
                    db.execute(
                        "select value, count(*) from answers where activity = ? group by value", (a.id,)
                    )
                )
                return [(v, v, found.get(v, 0)) for v in SCALES[a.kind]]
            if a.kind == "checkin":
                found = dict(
                    db.execute(
                        "select cast(mood as text), count(*) from entries where activity = ? group by mood",
                        (a.id,),
                    )
                )
                return [(m, m, found.get(m, 0)) for m in MOODS]
            return []

    def mine(self, participant: str, a: Activity) -> dict[str, Any]:
        """What this participant already gave in an activity (their dots per item, their answer, ...)."""
        with self._lock:
            db = self._db
            if a.kind == "vote":
                dots = dict(
                    db.execute(
                        "select item, count(*) from votes where activity = ? and participant = ? group by item",
                        (a.id, participant),
                    )
                )
                return {"dots": dots, "left": a.per_person - sum(dots.values())}
            if a.kind in ROUND_KINDS:
                row = db.execute(
                    "select value from answers where activity = ? and participant = ?", (a.id, participant)
                ).fetchone()
                return {"answer": row[0] if row else None}
            if a.kind == "checkin":
                row = db.execute(
                    "select text, mood from entries where activity = ? and owner = ?", (a.id, participant)
                ).fetchone()
                return {"word": row[0] if row else None, "mood": str(row[1]) if row else None}
            written = db.execute(
                "select count(*) from ops where activity = ? and participant = ?", (a.id, participant)
            ).fetchone()[0]
            return {"written": written, "left": ENTRIES_MAX - written}

    def results(self) -> tuple[RoomActivity, ...]:
        """What goes into the session document: anonymous, revealed content only, oldest activity first."""
        out = []
        for a in reversed(self.activities()):
            shown = [e for e in self.entries(a.id) if e.shown]
            counts = self.counts(a.id)
            tallies = self.tally(a)
            out.append(
                RoomActivity(
                    kind=a.kind,
                    opened=a.opened,
                    prompt=a.prompt,
                    closed=a.closed,
                    block=a.block,
                    participants=counts["participants"],
                    entries=tuple(
                        RoomEntry(e.text, e.mood if a.kind == "checkin" else None, e.merged) for e in shown
                    ),
                    hidden=counts["entries"] - len(shown),
                    counts=tuple(RoomCount(label, n) for _, label, n in tallies),
                    per_person=a.per_person if a.kind == "vote" else None,
                    per_item=a.per_item if a.kind == "vote" else None,
                )
            )
        return tuple(out)


def _activity(row: tuple) -> Activity:
    ident, kind, prompt, options, source, per_person, per_item, state, shown, block, opened, closed = row
    return Activity(
        ident, kind, prompt, tuple(json.loads(options)), source, per_person, per_item, state, bool(shown), block,
        dt.datetime.fromisoformat(opened), dt.datetime.fromisoformat(closed) if closed else None,
    )  # fmt: skip


_SUBMIT = {
    "checkin": RoomStore._checkin,
    "cards": RoomStore._card,
    "vote": RoomStore._vote,
    "fist": RoomStore._round,
    "consent": RoomStore._round,
}
