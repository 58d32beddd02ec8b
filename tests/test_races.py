"""Two programs saving one session at the same moment, and programs killed in the middle of a save.

The notebooks, the live companion and the room write the same session file, so the promise is exact:
concurrent saves either both land (merged) or one is refused with the clear "changed on disk" message,
never a silent loss. Two processes open the file, meet at a barrier, save at once, and the file is then
checked for both changes, round after round. The figures for ``make bench`` come from the same helpers.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from playbook.errors import ConflictError
from playbook.session import Block, Observation, SessionFile, load_session, new_session

ROUNDS = 200
_FORK = multiprocessing.get_context("fork")


def make_session_file(folder: Path) -> Path:
    agenda = tuple(Block(10, intervention="check-in-round") for _ in range(6))
    path = folder / "race.session.yaml"
    SessionFile.create(path, new_session("Race", "en", agenda=agenda))
    return path


def _edit(kind: str, who: str, n: int):
    """The change each writer makes in round ``n``: a field of its own, the same field, or an addition."""
    import datetime as dt

    def change(s):
        if kind == "own-fields":
            field = "client" if who == "A" else "wish"
            return s.with_changes(brief=replace(s.brief, **{field: f"{who}{n}"}))
        if kind == "same-field":
            return s.with_changes(title=f"{who}{n}")
        seen = Observation(dt.datetime(2027, 1, 14, 13, 0) + dt.timedelta(seconds=n), "note", f"{who}{n}")
        return s.with_changes(run=replace(s.run, observations=(*s.run.observations, seen)))

    return change


def _room_activities(n: int):
    """The room's snapshot in round ``n``: a vote opened this round, and the check-in before it."""
    import datetime as dt

    from playbook.session import RoomActivity, RoomCount

    start = dt.datetime(2027, 1, 14, 13, 0)
    return (
        RoomActivity("checkin", start, "One word?", counts=(RoomCount("4", 12),)),
        RoomActivity("vote", start + dt.timedelta(seconds=n), f"R{n}", counts=(RoomCount("yes", n),)),
    )


def _room_or_live(path: Path, who: str, rounds: int, barrier, results) -> None:
    """The live companion (A, one handle for the whole run, as notebook 05 keeps it) resizing a block and
    noting what it sees, and the room service (B) writing its results snapshot, at the same moment."""
    import datetime as dt

    from playbook.catalogue import load_catalogue
    from playbook.live import Live
    from playbook.participation import record_results

    live = Live(SessionFile.open(path), load_catalogue(), lambda: dt.datetime(2027, 1, 14, 13, 0))
    for n in range(rounds):
        barrier.wait()
        try:
            if who == "A":
                live.resize(0, 5 + n)
                live.observe("note", f"A{n}")
            else:
                record_results(path, _room_activities(n))
            outcome = "saved"
        except ConflictError:
            outcome = "refused"
        except Exception as exc:
            outcome = f"error: {exc}"
        results.put((n, who, outcome))
        barrier.wait()
        barrier.wait()


def _writer(path: Path, who: str, kind: str, rounds: int, barrier, results) -> None:
    if kind == "room-and-live":
        _room_or_live(path, who, rounds, barrier, results)
        return
    for n in range(rounds):
        handle = SessionFile.open(path)
        barrier.wait()  # both have loaded the same version
        try:
            if kind == "transaction":
                handle.update(_edit(kind, who, n))
            else:
                handle.save(_edit(kind, who, n)(handle.session))
            outcome = "saved"
        except ConflictError:
            outcome = "refused"
        except Exception as exc:  # reported, so the test shows it instead of hanging
            outcome = f"error: {exc}"
        results.put((n, who, outcome))
        barrier.wait()  # both are done: the parent checks the file
        barrier.wait()  # the parent has checked: next round


def _landed(path: Path, kind: str, who: str, n: int) -> bool:
    s = load_session(path)
    if kind == "own-fields":
        return (s.brief.client if who == "A" else s.brief.wish) == f"{who}{n}"
    if kind == "same-field":
        return s.title == f"{who}{n}"
    if kind == "room-and-live":
        if who == "A":
            return s.agenda[0].minutes == 5 + n and s.run.observations[-1].note == f"A{n}"
        return [a.prompt for a in s.run.room.activities] == ["One word?", f"R{n}"]
    return any(o.note == f"{who}{n}" for o in s.run.observations)


def race(path: Path, kind: str, rounds: int = ROUNDS) -> Counter[str]:
    """Run ``rounds`` rounds of two concurrent writers; count saved, merged, refused and lost updates."""
    barrier = _FORK.Barrier(3, timeout=60)
    results = _FORK.Queue()
    writers = [
        _FORK.Process(target=_writer, args=(path, who, kind, rounds, barrier, results)) for who in "AB"
    ]
    for w in writers:
        w.start()
    counts: Counter[str] = Counter()
    try:
        for n in range(rounds):
            barrier.wait()
            barrier.wait()
            outcomes = dict(results.get(timeout=60)[1:] for _ in range(2))
            for who, outcome in outcomes.items():
                counts[outcome if not outcome.startswith("error") else "errors"] += 1
                if outcome.startswith("error"):
                    counts[outcome] += 1
                if outcome == "saved" and not _landed(path, kind, who, n):
                    counts["lost"] += 1
            if list(outcomes.values()) == ["saved", "saved"]:
                counts["both landed"] += 1
            barrier.wait()
    finally:
        for w in writers:
            w.join(30)
            if w.is_alive():
                w.kill()
    return counts


def test_two_writers_changing_different_fields_both_land_every_round(tmp_path: Path) -> None:
    counts = race(make_session_file(tmp_path), "own-fields")
    assert counts["lost"] == 0 and counts["errors"] == 0, counts
    assert counts["both landed"] == ROUNDS, counts  # merged: nobody had to reload


def test_two_writers_changing_the_same_field_never_both_report_saved(tmp_path: Path) -> None:
    counts = race(make_session_file(tmp_path), "same-field", ROUNDS // 2)
    assert counts["lost"] == 0 and counts["errors"] == 0, counts
    assert counts["both landed"] == 0 and counts["saved"] == counts["refused"] == ROUNDS // 2, counts


def test_two_transactions_appending_at_once_both_land(tmp_path: Path) -> None:
    path = make_session_file(tmp_path)
    counts = race(path, "transaction", ROUNDS // 4)
    assert counts["lost"] == 0 and counts["refused"] == 0 and counts["errors"] == 0, counts
    assert len(load_session(path).run.observations) == ROUNDS // 2  # two per round, none lost


def test_the_room_and_the_live_companion_writing_at_once_both_land(tmp_path: Path) -> None:
    path = make_session_file(tmp_path)
    counts = race(path, "room-and-live", ROUNDS)
    assert counts["lost"] == 0 and counts["refused"] == 0 and counts["errors"] == 0, counts
    assert counts["both landed"] == ROUNDS, counts
    s = load_session(path)
    assert len(s.run.observations) == ROUNDS and s.run.room.activities == _room_activities(ROUNDS - 1)
    assert [e.kind for e in s.run.events] == ["resize"] * ROUNDS  # every resize logged, none lost


def test_the_live_companion_refuses_an_action_chosen_on_an_agenda_changed_on_disk(tmp_path: Path) -> None:
    import datetime as dt

    from playbook.catalogue import load_catalogue
    from playbook.live import Live

    path = make_session_file(tmp_path)
    live = Live(SessionFile.open(path), load_catalogue(), lambda: dt.datetime(2027, 1, 14, 13, 0))
    other = SessionFile.open(path)
    other.save(other.session.with_changes(agenda=other.session.agenda[1:]))  # notebook 03 cut block 1
    with pytest.raises(ConflictError, match="agenda"):
        live.resize(0, 30)
    assert load_session(path).agenda == other.session.agenda  # nothing written on the wrong block
    live.resize(0, 30)  # the companion now holds the new agenda: the same click lands
    assert load_session(path).agenda[0].minutes == 30 and len(load_session(path).agenda) == 5
    live.observe("note", "a note never depends on the agenda")
    assert load_session(path).run.observations[-1].note == "a note never depends on the agenda"


def _save_forever(path: Path) -> None:
    handle = SessionFile.open(path)
    n, me = 0, os.getpid()
    while True:
        n += 1
        agenda = tuple(Block(5 + n % 20, intervention="check-in-round") for _ in range(1 + n % 40))
        handle.update(lambda s, a=agenda, n=n: s.with_changes(title=f"Save {me} {n}", agenda=a))


def kill_loop(path: Path, kills: int, seed: int = 13) -> Counter[str]:
    """Kill a process that saves in a loop ``kills`` times at random moments; check the file every time."""
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    for _ in range(kills):
        writer = _FORK.Process(target=_save_forever, args=(path,))
        writer.start()
        time.sleep(rng.uniform(0.005, 0.06))
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        counts["kills"] += 1
        try:
            words = load_session(path).title.split()
            backup = path.with_name(path.name + ".bak")
            if backup.exists():
                load_session(backup)
            if words[:2] == ["Save", str(writer.pid)]:
                counts["saves landed"] += int(words[2])  # this writer's saves before it was killed
        except Exception as exc:
            counts["broken"] += 1
            counts[f"broken: {exc}"] += 1
    # The lock died with its holder: the next save goes through at once.
    start = time.monotonic()
    SessionFile.open(path).update(lambda s: s.with_changes(title="After the kills"))
    counts["seconds to save after"] = round(time.monotonic() - start, 2)
    return counts


def test_kill_9_during_saves_never_leaves_a_broken_file_or_a_held_lock(tmp_path: Path) -> None:
    path = make_session_file(tmp_path)
    counts = kill_loop(path, 40)
    assert counts["broken"] == 0, counts
    assert counts["saves landed"] > 0, counts  # the writers did save between the kills
    assert load_session(path).title == "After the kills" and counts["seconds to save after"] < 5


@pytest.mark.parametrize("kind", ["own-fields"])
def test_a_stale_handle_learns_the_merged_version(tmp_path: Path, kind: str) -> None:
    path = make_session_file(tmp_path)
    mine, theirs = SessionFile.open(path), SessionFile.open(path)
    theirs.save(_edit(kind, "B", 1)(theirs.session))
    mine.save(_edit(kind, "A", 1)(mine.session))
    assert mine.session.brief.client == "A1" and mine.session.brief.wish == "B1"
    assert load_session(path) == mine.session
    mine.save(mine.session.with_changes(title="Again"))  # its fingerprint is the merged file's: no conflict
    assert load_session(path).brief.wish == "B1"
