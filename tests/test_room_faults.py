"""Faults: the service killed with SIGKILL in the middle of a burst loses no acknowledged submission,
and phones retrying after the restart (with the same submission ids) are counted exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

from playbook.room.store import RoomStore

from .test_room_service import Phone, Room, start_room
from .test_room_service import session as session  # the fixture: a copy of the English example

PHONES = 30
CARDS = 10


def test_kill_9_during_a_burst_loses_no_acknowledged_submission(session: Path, tmp_path: Path) -> None:
    acknowledged: set[str] = set()
    answered: dict[str, Phone] = {}
    unanswered: dict[Phone, list[str]] = {}
    with start_room(session, tmp_path / "room.log") as server:
        server.wait("/j/")
        room = Room(server, session)
        cards = room.open("cards")
        phones = [Phone(room) for _ in range(PHONES)]
        for phone in phones:
            phone.join()
        started = threading.Event()
        lock = threading.Lock()

        def burst(phone: Phone) -> None:
            for n in range(CARDS):
                sid = f"{id(phone):x}-{n}".ljust(20, "0")
                try:
                    status, _ = phone.send(cards, sid, text=f"card {n}")
                except OSError:
                    status = 0
                with lock:
                    if status == 200:
                        acknowledged.add(sid)
                        answered[sid] = phone
                        started.set()
                    else:
                        unanswered.setdefault(phone, []).append(sid)

        threads = [threading.Thread(target=burst, args=(p,)) for p in phones]
        for th in threads:
            th.start()
        assert started.wait(30)
        time.sleep(0.05)
        assert server.process is not None
        os.killpg(server.process.pid, signal.SIGKILL)  # no shutdown, no flush: the process is gone
        for th in threads:
            th.join(60)
        server.process.wait(10)

    assert acknowledged, "the burst should have been under way"
    assert len(acknowledged) < PHONES * CARDS, "the kill should have cut the burst short"
    with sqlite3.connect(RoomStore.open(session).path) as db:
        kept = {sid for (sid,) in db.execute("select sid from ops")}
        entries = db.execute("select count(*) from entries").fetchone()[0]
    assert acknowledged <= kept, f"lost {len(acknowledged - kept)} acknowledged submissions"
    assert entries == len(kept)

    # The room comes back with the same code, cookies and store; phones retry what got no answer,
    # and a retry of an acknowledged one (its answer was lost in the kill) is recognised, not counted.
    with start_room(session, tmp_path / "room-again.log", port=server.port) as again:
        again.wait("/j/")
        retried = 0
        for phone, sids in unanswered.items():
            for sid in sids:
                for _ in range(3):
                    status, body = phone.send(cards, sid, text="card again")
                    if status != 429:
                        break
                    time.sleep(1.1)
                assert status == 200, body
                retried += 1
        some = next(iter(acknowledged))
        status, body = answered[some].send(cards, some, text="card again")
        assert status == 200 and body["again"]
        with sqlite3.connect(RoomStore.open(session).path) as db:
            total = db.execute("select count(*) from entries").fetchone()[0]
            ops = db.execute("select count(*) from ops").fetchone()[0]
    assert total == ops == len(acknowledged | {s for sids in unanswered.values() for s in sids})
    assert total == PHONES * CARDS
