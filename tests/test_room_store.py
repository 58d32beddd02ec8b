"""The room's rules and store: cleaning text, limits, retries, reveal and merge, results without identities."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from playbook.errors import PlaybookError
from playbook.participation import (
    ENTRIES_MAX,
    ActivitySpec,
    RateLimit,
    RefusedError,
    Submission,
    clean_text,
    mood_line,
    record_results,
    valid_sid,
)
from playbook.room.store import RoomStore, store_path
from playbook.session import SessionFile, load_session

from .test_room_service import session as session  # the fixture: a copy of the English example

MOMENT = dt.datetime(2027, 1, 14, 13, 0)


@pytest.fixture
def store(session: Path) -> RoomStore:
    return RoomStore.create(session, "Retro", "en", clock=lambda: MOMENT)


def sid(n: int | str) -> str:
    return f"sid-{n}".ljust(20, "x")


def test_text_is_cleaned_not_escaped_and_refused_when_empty_or_too_long() -> None:
    assert clean_text("  <b>hi</b>\u202eevil\u2066 ", 100) == "<b>hi</b>evil"
    assert clean_text("two\r\nlines\x00\x07", 100) == "two\nlines"
    assert clean_text("a\nb", 100, lines=False) == "a b"
    assert clean_text("e\u0301", 100) == "é"  # NFC: one character, counted once
    for bad in ("", "   ", "\u202e", None, 5):
        with pytest.raises(RefusedError) as exc:
            clean_text(bad, 10)
        assert exc.value.code == "empty"
    with pytest.raises(RefusedError) as exc:
        clean_text("x" * 11, 10, "nl")
    assert exc.value.code == "too_long" and "10" in str(exc.value) and "tekens" in str(exc.value)


def test_submission_ids_and_rate_limits() -> None:
    assert valid_sid("0123456789abcdef") and not valid_sid("short") and not valid_sid("x" * 65)
    assert not valid_sid("has space in it 1234") and not valid_sid("<script>alert(1)</script>")
    now = [0.0]
    limit = RateLimit(burst=3, per_second=1, clock=lambda: now[0])
    assert [limit.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("b")  # per key
    now[0] += 1.0
    assert limit.allow("a") and not limit.allow("a")


def test_the_store_sits_beside_the_session_in_wal_mode_readable_only_by_its_owner(
    store: RoomStore, session: Path
) -> None:
    assert store.path == store_path(session) == session.with_name("retro.room.sqlite")
    assert store.session_path == session
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(store.path) as db:
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    again = RoomStore.create(session, "Other", "nl")
    assert (again.code, again.meta["token"], again.lang) == (store.code, store.meta["token"], "en")
    assert len(store.code) == 6 and store.code.isalnum() and store.code.isupper()
    with pytest.raises(PlaybookError, match="no room yet"):
        RoomStore.open(session.with_name("other.session.yaml"))


def test_cards_are_hidden_until_revealed_and_a_retry_counts_once(store: RoomStore) -> None:
    cards = store.open_activity(ActivitySpec("cards", "What is hard to say?"))
    first = store.submit("p1", Submission(sid(1), cards, text="We never finish"))
    again = store.submit("p1", Submission(sid(1), cards, text="We never finish"))
    assert again == {**first, "again": True}
    store.submit("p2", Submission(sid(2), cards, text="Meetings are long"))
    assert store.counts(cards) == {"entries": 2, "hidden": 2, "participants": 2}
    assert [e.state for e in store.entries(cards)] == ["hidden", "hidden"]
    with pytest.raises(RefusedError) as exc:  # someone else's id: refused, never counted
        store.submit("p3", Submission(sid(1), cards, text="x"))
    assert exc.value.code == "replayed"
    store.set_entry(first["entry"], "shown")
    assert [e.shown for e in store.entries(cards)] == [True, False]
    store.show_results(cards, True)
    assert all(e.shown for e in store.entries(cards))


def test_a_person_writes_at_most_the_card_limit(store: RoomStore) -> None:
    cards = store.open_activity(ActivitySpec("cards"))
    for n in range(ENTRIES_MAX):
        store.submit("p1", Submission(sid(n), cards, text=f"card {n}"))
    with pytest.raises(RefusedError) as exc:
        store.submit("p1", Submission(sid("over"), cards, text="one more"))
    assert exc.value.code == "entries_limit"
    store.submit("p2", Submission(sid("other"), cards, text="someone else can"))


def test_dot_votes_hold_their_limits_per_person_and_per_item(store: RoomStore) -> None:
    vote = store.open_activity(ActivitySpec("vote", options=("Speed", "Trust", "Tools"), per_person=2))
    assert [i.key for i in store.items(store.activity(vote))] == ["o0", "o1", "o2"]
    store.submit("p1", Submission(sid(1), vote, item="o0"))
    with pytest.raises(RefusedError) as exc:
        store.submit("p1", Submission(sid(2), vote, item="o0"))
    assert exc.value.code == "item_limit"
    store.submit("p1", Submission(sid(3), vote, item="o1"))
    with pytest.raises(RefusedError) as exc:
        store.submit("p1", Submission(sid(4), vote, item="o2"))
    assert exc.value.code == "person_limit"
    assert store.submit("p1", Submission(sid(5), vote, item="o1", take_back=True))["left"] == 1
    store.submit("p1", Submission(sid(6), vote, item="o2"))
    with pytest.raises(RefusedError) as exc:
        store.submit("p1", Submission(sid(7), vote, item="o9"))
    assert exc.value.code == "no_such_item"
    assert [n for _, _, n in store.tally(store.activity(vote))] == [1, 0, 1]
    assert store.mine("p1", store.activity(vote)) == {"dots": {"o0": 1, "o2": 1}, "left": 0}


def test_one_batch_decides_each_submission_on_its_own_with_a_duplicate_and_an_over_limit_vote(
    store: RoomStore,
) -> None:
    """A burst is written as one transaction (group commit); inside it, a retry found earlier in the
    same batch counts once, a vote past the limits is refused, and the rest still count."""
    vote = store.open_activity(ActivitySpec("vote", options=("Speed", "Trust"), per_person=2, per_item=1))
    cards = store.open_activity(ActivitySpec("cards"))
    outcomes = store.submit_many(
        [
            ("p1", Submission(sid("v1"), vote, item="o0"), "en"),
            ("p1", Submission(sid("v1"), vote, item="o0"), "en"),  # the phone's retry, same batch
            ("p1", Submission(sid("v2"), vote, item="o0"), "en"),  # a second dot on one item
            ("p1", Submission(sid("v3"), vote, item="o1"), "en"),
            ("p1", Submission(sid("v4"), vote, item="o1"), "en"),  # a third dot: over the limit
            ("p2", None, "en"),  # a phone joining
            ("p2", Submission(sid("v1"), vote, item="o1"), "en"),  # someone else's id: refused
            ("p2", Submission(sid("c1"), cards, text="one"), "en"),
            ("p2", Submission(sid("c1"), cards, text="one"), "en"),
        ]
    )
    kinds = [
        o.code if isinstance(o, RefusedError) else ("again" if o.get("again") else "ok") for o in outcomes
    ]
    assert kinds == ["ok", "again", "item_limit", "ok", "person_limit", "ok", "replayed", "ok", "again"]
    assert store.mine("p1", store.activity(vote)) == {"dots": {"o0": 1, "o1": 1}, "left": 0}
    assert [n for _, _, n in store.tally(store.activity(vote))] == [1, 1]
    assert [e.text for e in store.entries(cards)] == ["one"]
    with sqlite3.connect(store.path) as db:
        assert db.execute("select count(*) from ops").fetchone()[0] == 3
        assert db.execute("select count(*) from participants where id = 'p2'").fetchone()[0] == 1


def test_activities_read_once_per_change_still_follow_another_process(store: RoomStore) -> None:
    first = store.open_activity(ActivitySpec("cards"))
    assert [a.id for a in store.activities()] == [first]
    other = RoomStore.open(store.path)  # the notebook's panel, say
    second = other.open_activity(ActivitySpec("vote", options=("a", "b")))
    other.set_activity_open(first, False)
    assert store.changed()
    assert [(a.id, a.is_open) for a in store.activities()] == [(second, True), (first, False)]
    assert store.activity(first).closed is not None
    with pytest.raises(RefusedError) as exc:
        store.activity(999)
    assert exc.value.code == "no_such_activity"


def test_a_vote_on_revealed_cards_counts_merged_cards_with_their_target(store: RoomStore) -> None:
    cards = store.open_activity(ActivitySpec("cards"))
    ids = [store.submit(f"p{n}", Submission(sid(n), cards, text=t))["entry"] for n, t in enumerate("ABC")]
    store.set_entry(ids[0], "shown")
    store.set_entry(ids[1], "shown")
    store.set_entry(ids[2], "removed")
    vote = store.open_activity(ActivitySpec("vote", source=cards, per_person=3, per_item=2))
    assert [i.text for i in store.items(store.activity(vote))] == ["A", "B"]  # revealed only
    store.submit("p1", Submission(sid("v1"), vote, item=f"e{ids[0]}"))
    store.submit("p2", Submission(sid("v2"), vote, item=f"e{ids[1]}"))
    store.merge(ids[1], ids[0])
    assert [(e.text, e.merged) for e in store.entries(cards)] == [("A", 1)]
    assert [(label, n) for _, label, n in store.tally(store.activity(vote))] == [("A", 2)]
    with pytest.raises(PlaybookError):
        store.merge(ids[0], ids[0])


def test_rounds_and_checkins_keep_one_answer_per_person(store: RoomStore) -> None:
    fist = store.open_activity(ActivitySpec("fist"))
    store.submit("p1", Submission(sid(1), fist, item="2"))
    store.submit("p1", Submission(sid(2), fist, item="5"))  # a change of mind, not a second hand
    store.submit("p2", Submission(sid(3), fist, item="5"))
    assert dict((k, n) for k, _, n in store.tally(store.activity(fist)))["5"] == 2
    with pytest.raises(RefusedError):
        store.submit("p2", Submission(sid(4), fist, item="6"))
    checkin = store.open_activity(ActivitySpec("checkin"))
    store.submit("p1", Submission(sid(5), checkin, text="tired", mood="2"))
    store.submit("p1", Submission(sid(6), checkin, text="curious", mood="4"))
    with pytest.raises(RefusedError) as exc:
        store.submit("p2", Submission(sid(7), checkin, text="ok", mood="9"))
    assert exc.value.code == "no_mood"
    assert [(e.text, e.mood) for e in store.entries(checkin)] == [("curious", 4)]


def test_a_closed_activity_or_room_accepts_nothing(store: RoomStore) -> None:
    cards = store.open_activity(ActivitySpec("cards"))
    store.set_activity_open(cards, False)
    with pytest.raises(RefusedError) as exc:
        store.submit("p1", Submission(sid(1), cards, text="late"))
    assert exc.value.code == "activity_closed"
    store.set_activity_open(cards, True)
    store.set_open(False)
    with pytest.raises(RefusedError) as exc:
        store.submit("p1", Submission(sid(2), cards, text="late"))
    assert exc.value.code == "room_closed"
    assert store.counts(cards)["entries"] == 0


def test_bad_activities_are_refused_with_a_reason(store: RoomStore) -> None:
    for spec in (
        ActivitySpec("poll"),
        ActivitySpec("vote"),
        ActivitySpec("vote", options=("a",), per_person=0),
        ActivitySpec("vote", options=("a",), per_person=2, per_item=3),
        ActivitySpec("vote", options=tuple(str(n) for n in range(30))),
        ActivitySpec("cards", prompt="x" * 400),
    ):
        with pytest.raises(PlaybookError):
            store.open_activity(spec)
    assert store.activities() == []


def _vote_many(path: str, who: str, start: int, count: int, queue: multiprocessing.Queue) -> None:
    store = RoomStore.open(path)
    accepted = 0
    for n in range(start, start + count):
        try:
            store.submit(who, Submission(sid(f"{who}-{n}"), 1, item=f"o{n % 4}"))
            accepted += 1
        except RefusedError:
            pass
    queue.put(accepted)


def test_concurrent_votes_from_several_processes_never_exceed_the_limits(store: RoomStore) -> None:
    store.open_activity(ActivitySpec("vote", options=("a", "b", "c", "d"), per_person=3, per_item=1))
    queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=_vote_many, args=(str(store.path), who, k * 40, 40, queue))
        for k in range(4)
        for who in ("p1", "p2")
    ]
    for w in workers:
        w.start()
    accepted = [queue.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(30)
    with sqlite3.connect(store.path) as db:
        per_person = dict(db.execute("select participant, count(*) from votes group by participant"))
        per_item = db.execute(
            "select max(n) from (select count(*) n from votes group by participant, item)"
        ).fetchone()[0]
    assert per_person == {"p1": 3, "p2": 3} and sum(accepted) == 6 and per_item == 1


def test_results_carry_revealed_content_and_counts_but_no_identities(store: RoomStore, session: Path) -> None:
    checkin = store.open_activity(ActivitySpec("checkin"), block=0)
    for n, (word, mood) in enumerate([("tired", "2"), ("curious", "4"), ("Curious", "5")]):
        store.submit(f"person-{n}", Submission(sid(n), checkin, text=word, mood=mood))
    store.show_results(checkin, True)
    cards = store.open_activity(ActivitySpec("cards", "Elephant?"))
    shown = store.submit("person-0", Submission(sid("c1"), cards, text="Nobody decides"))["entry"]
    store.submit("person-1", Submission(sid("c2"), cards, text="secret, never revealed"))
    store.set_entry(shown, "shown")
    store.set_activity_open(cards, False)

    record_results(session, store.results())
    record_results(session, store.results())  # the same snapshot again: nothing changes
    text = session.read_text(encoding="utf-8")
    assert "person-" not in text and "secret" not in text and store.meta["token"] not in text
    room = load_session(session).run.room
    first, second = room.activities
    assert (first.kind, first.block, first.participants) == ("checkin", 0, 3)
    assert sorted(e.text for e in first.entries) == ["Curious", "curious", "tired"]
    assert [(c.option, c.count) for c in first.counts] == [("1", 0), ("2", 1), ("3", 0), ("4", 1), ("5", 1)]
    assert (second.prompt, [e.text for e in second.entries], second.hidden) == (
        "Elephant?",
        ["Nobody decides"],
        1,
    )
    assert second.closed == MOMENT
    assert not load_session(session).run.started


def test_results_survive_a_concurrent_save_and_the_mood_line_travels_on(
    store: RoomStore, session: Path
) -> None:
    handle = SessionFile.open(session)
    checkin = store.open_activity(ActivitySpec("checkin"))
    for n, mood in enumerate("345"):
        store.submit(f"p{n}", Submission(sid(n), checkin, text="word", mood=mood))
    record_results(session, store.results())  # the notebook's handle is now stale
    handle.reload()
    handle.save(handle.session.with_changes(title="Renamed"))
    again = record_results(session, store.results())
    assert again.title == "Renamed" and again.run.room.activities[0].participants == 3
    line = mood_line(again)
    assert [(p.title, p.mood, p.count) for p in line] == [("Renamed", 4.0, 3)]
    from playbook.live import follow_up

    follow = follow_up(again)
    assert follow.run.room.mood_line == line and not follow.run.room.activities
    assert mood_line(follow) == line  # no check-in yet in the follow-up: the line as it came


def test_the_room_model_imports_no_web_framework() -> None:
    code = (
        "import sys, playbook.participation, playbook.room.store, playbook.room.pages, playbook.live;"
        "print(','.join(m for m in ('tornado', 'ipywidgets', 'matplotlib', 'jupyterhub') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_the_document_reads_run_room_as_strictly_as_the_rest(session: Path) -> None:
    from playbook.session import parse_session
    from playbook.yamlio import load_yaml_file

    data, _ = load_yaml_file(session)
    data.setdefault("run", {})["room"] = {
        "activities": [
            {"kind": "poll", "opened": "yesterday", "participants": -1, "entries": [{"txt": "x"}]},
            {"kind": "vote", "opened": "2027-01-14T13:00:00", "counts": [{"option": "a", "count": "3"}]},
        ],
        "mood_line": [{"title": "Last time", "mood": 7, "count": 3}],
        "votes": [],
    }
    with pytest.raises(PlaybookError) as exc:
        parse_session(data, session)
    fields = {p.field for p in exc.value.problems}
    assert {
        "run.room.votes",
        "run.room.activities[0].kind",
        "run.room.activities[0].opened",
        "run.room.activities[0].participants",
        "run.room.activities[0].entries[0].txt",
        "run.room.activities[0].entries[0].text",
        "run.room.activities[1].counts[0].count",
        "run.room.mood_line[0].mood",
    } <= fields
    assert "did you mean 'text'?" in str(exc.value)
