"""Session documents: loading, validation with field paths, bad and hostile files, atomic saving."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import pytest

from playbook.catalogue import Catalogue
from playbook.errors import ConflictError, PlaybookError
from playbook.session import (
    SCHEMA_VERSION,
    Block,
    Brief,
    Diagnosis,
    Group,
    Session,
    SessionFile,
    check_references,
    draft_path,
    dump_session,
    load_session,
    new_session,
    parse_session,
)
from playbook.yamlio import MAX_BYTES, dump_yaml, parse_yaml

from .conftest import EXAMPLE_EN, EXAMPLE_NL

MINIMAL = "schema_version: 1\ntitle: Team day\n"


def write(tmp_path: Path, text: str | bytes, name: str = "s.session.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_for(path: Path, catalogue: Catalogue | None = None) -> PlaybookError:
    with pytest.raises(PlaybookError) as info:
        load_session(path, catalogue)
    return info.value


# ------------------------------------------------------------------------------------- the examples


@pytest.mark.parametrize("path", [EXAMPLE_NL, EXAMPLE_EN], ids=["nl", "en"])
def test_examples_are_complete_and_valid(path: Path, catalogue: Catalogue) -> None:
    session = load_session(path, catalogue)
    assert session.title and session.brief.client and session.brief.wish and session.brief.visible_result
    assert session.brief.context and session.date is not None
    kinds = {block.kind for block in session.agenda}
    assert kinds >= {"intervention", "break"}
    assert 0.9 * session.budget_minutes <= session.planned_minutes <= session.budget_minutes
    assert check_references(session, catalogue) == []


def test_examples_come_in_both_languages() -> None:
    assert {load_session(EXAMPLE_NL).language, load_session(EXAMPLE_EN).language} == {"nl", "en"}


def test_minimal_document_gets_sensible_defaults(tmp_path: Path) -> None:
    session = load_session(write(tmp_path, MINIMAL))
    assert session == Session(title="Team day")
    assert session.start == dt.time(9, 0) and session.group == Group(12, "in-person")


def test_unquoted_times_and_dates_stay_what_they_look_like(tmp_path: Path) -> None:
    # YAML 1.1 would read 13:00 as the number 780 and 'no' as false; a facilitator means neither.
    text = MINIMAL + "start: 13:00\ndate: 2027-03-01\nbrief:\n  client: no\n"
    session = load_session(write(tmp_path, text))
    assert session.start == dt.time(13, 0)
    assert session.date == dt.date(2027, 3, 1)
    assert session.brief.client == "no"


# -------------------------------------------------------------------------------------- round trip


def test_round_trip_preserves_everything(tmp_path: Path) -> None:
    session = Session(
        title="Één team 🚀 — «samen»",
        language="nl",
        brief=Brief(
            client="Zoë Ünal-Þórsdóttir",
            wish="Regel één\nRegel twee met café en crème brûlée\n\n  ingesprongen 🙂",
            visible_result="Een poster: 'wij' ✅",
            context="  spaties vooraf en achteraf  ",
        ),
        date=dt.date(2027, 1, 14),
        start=dt.time(8, 5),
        budget_minutes=95,
        group=Group(7, "hybrid"),
        diagnosis=Diagnosis(
            answers={"trust-rely": 2, "safe-disagree": 5},
            history="new",
            signals=("silence", "rumours"),
            notes="ja: nee",
        ),
        agenda=(
            Block(10, intervention="check-in-round", notes="met 🎉", plan_b=("weather-report",)),
            Block(20, title="Kennismaken: wie is wie?", role="open"),
            Block(15, title="Lunch 🥪", is_break=True),
            Block(5, title="", is_break=True),
            Block(45, intervention="1-2-4-all", plan_b=("silent-brainstorm", "fishbowl")),
        ),
    )
    handle = SessionFile.create(tmp_path / "rt.session.yaml", session)
    again = load_session(handle.path)
    assert again == session
    SessionFile.open(handle.path).save()  # load -> save -> load again
    assert load_session(handle.path) == session
    assert "Één team 🚀" in handle.path.read_text(encoding="utf-8")  # stored readable, not escaped


def test_new_session_rejects_an_empty_title() -> None:
    with pytest.raises(PlaybookError, match="title: must not be empty"):
        new_session("   ")


# -------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (
            MINIMAL + "agenda:\n  - intervention: check-in-round\n    minutes: -5\n",
            "agenda[0].minutes",
            "between 1 and 1440, found -5",
        ),
        (
            MINIMAL + "agenda:\n  - break: x\n    minutes: ten\n",
            "agenda[0].minutes",
            "whole number",
        ),
        (MINIMAL + "language: de\n", "language", "one of en, nl"),
        (MINIMAL + "start: '25:00'\n", "start", "a time like 13:00"),
        (MINIMAL + "date: 2027-13-01\n", "date", "a date like"),
        (MINIMAL + "budget_minutes: 0\n", "budget_minutes", "between 1 and 1440"),
        (MINIMAL + "group:\n  size: 0\n", "group.size", "between 1 and"),
        (MINIMAL + "group:\n  setting: garden\n", "group.setting", "in-person, online, hybrid"),
        (MINIMAL + "titel: oops\n", "titel", "did you mean 'title'?"),
        (MINIMAL + "agenda:\n  - minutes: 5\n", "agenda[0]", "exactly one of"),
        (
            MINIMAL + "agenda:\n  - custom: {title: Intro, role: warmup}\n    minutes: 5\n",
            "agenda[0].custom.role",
            "open, diverge",
        ),
        (
            MINIMAL + "agenda:\n  - intervention: Check In!\n    minutes: 5\n",
            "agenda[0].intervention",
            "lowercase",
        ),
        (MINIMAL + "agenda: {a: 1}\n", "agenda", "must be a list"),
        (
            MINIMAL + "diagnosis:\n  answers: {trust-rely: 7}\n",
            "diagnosis.answers.trust-rely",
            "between 1 and 5",
        ),
        (MINIMAL + "diagnosis:\n  signals: [Silence!]\n", "diagnosis.signals[0]", "lowercase"),
        (MINIMAL + "diagnosis:\n  mood: grumpy\n", "diagnosis.mood", "unknown field"),
        (
            MINIMAL + "agenda:\n  - break: b\n    minutes: 5\n    plan_b: [fishbowl]\n",
            "agenda[0].plan_b",
            "no plan B",
        ),
        ("title: no version\n", "schema_version", "reads version 1"),
    ],
    ids=lambda v: v if isinstance(v, str) and "\n" not in v and " " not in v else None,
)
def test_invalid_fields_are_named_with_their_path(tmp_path: Path, text: str, field: str, words: str) -> None:
    path = write(tmp_path, text)
    problem = next(p for p in error_for(path).problems if p.field == field)
    assert problem.file == str(path)
    assert words in problem.message


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = MINIMAL + "language: fr\nagenda:\n  - break: a\n    minutes: 0\n  - break: b\n    minutes: -1\n"
    fields = {p.field for p in error_for(write(tmp_path, text)).problems}
    assert fields == {"language", "agenda[0].minutes", "agenda[1].minutes"}


def test_unknown_intervention_ids_are_named_with_a_suggestion(tmp_path: Path, catalogue: Catalogue) -> None:
    text = MINIMAL + (
        "agenda:\n  - break: x\n    minutes: 5\n"
        "  - intervention: dot-votin\n    minutes: 10\n    plan_b: [no-such-thing]\n"
    )
    problems = {p.field: p.message for p in error_for(write(tmp_path, text), catalogue).problems}
    assert "did you mean dot-voting" in problems["agenda[1].intervention"]
    assert "unknown intervention 'no-such-thing'" in problems["agenda[1].plan_b[0]"]
    # Without a catalogue the structure alone is checked, so the file still opens.
    assert load_session(write(tmp_path, text)).agenda[1].intervention == "dot-votin"


def test_a_future_schema_version_says_which_version_this_playbook_reads(tmp_path: Path) -> None:
    err = error_for(write(tmp_path, "schema_version: 7\ntitle: From the future\n"))
    assert err.problems[0].field == "schema_version"
    assert "written by a newer playbook" in err.message and f"reads version {SCHEMA_VERSION}" in err.message


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    err = error_for(write(tmp_path, MINIMAL + "brief:\n  client: [unclosed\n  wish: x\n"))
    assert "not valid YAML" in err.message and "line " in err.problems[0].field


def test_truncated_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    good = EXAMPLE_NL.read_bytes()
    for cut in (len(good) // 3, len(good) // 2, len(good) - 40):
        path = write(tmp_path, good[:cut], f"cut{cut}.session.yaml")
        try:
            session = load_session(path)
        except PlaybookError as exc:
            assert str(path) in exc.message
        else:  # a cut that happens to fall between fields leaves a shorter, still valid document
            assert session.title == "Samen één servicedesk"


def test_python_object_tags_are_refused_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = MINIMAL + f"brief:\n  client: !!python/object/apply:os.system ['touch {marker}']\n"
    err = error_for(write(tmp_path, text))
    assert "unsupported YAML tag" in err.message and "python/object/apply" in err.message
    assert not marker.exists()


def test_alias_bombs_are_refused(tmp_path: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    err = error_for(write(tmp_path, MINIMAL + "diagnosis:\n" + "\n".join("  " + x for x in lines) + "\n"))
    assert "expanding aliases" in err.message


def test_a_10_mb_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "brief:\n  context: '" + "x" * (10 * 1024 * 1024) + "'\n")
    assert "larger than 5 MB" in error_for(path).message
    assert MAX_BYTES == 5 * 1024 * 1024


def test_not_utf8_and_not_a_mapping_and_missing(tmp_path: Path) -> None:
    assert "not UTF-8" in error_for(write(tmp_path, b"title: caf\xe9\n", "latin.session.yaml")).message
    assert (
        "not a session document" in error_for(write(tmp_path, "- just\n- a list\n", "l.session.yaml")).message
    )
    assert "file not found" in error_for(tmp_path / "nope.session.yaml").message


# -------------------------------------------------------------------------------------------- saving


def test_save_is_atomic_and_keeps_a_backup(example: Path) -> None:
    before = example.read_text(encoding="utf-8")
    handle = SessionFile.open(example)
    handle.save(handle.session.with_changes(title="Renamed"))
    assert load_session(example).title == "Renamed"
    assert example.with_name(example.name + ".bak").read_text(encoding="utf-8") == before
    assert [p.name for p in example.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_file_changed_on_disk_is_never_overwritten_silently(example: Path) -> None:
    mine = SessionFile.open(example)
    theirs = SessionFile.open(example)
    theirs.save(theirs.session.with_changes(title="Colleague's edit"))
    with pytest.raises(ConflictError, match="title: is ook elders gewijzigd sinds je het bestand opende"):
        mine.save(mine.session.with_changes(title="My edit"))
    assert load_session(example).title == "Colleague's edit"
    assert load_session(draft_path(example)).title == "My edit"  # the version refused, kept beside it
    # The two ways out: save under another name, or reload and try again.
    copy = mine.save_as(example.with_name("mine.session.yaml"))
    assert load_session(copy.path).title == "Samen één servicedesk"
    mine.reload()
    mine.save(mine.session.with_changes(title="My edit"))
    assert load_session(example).title == "My edit"


def test_creating_never_replaces_an_existing_file(example: Path) -> None:
    with pytest.raises(ConflictError, match="already exists"):
        SessionFile.create(example, new_session("Other"))
    assert load_session(example).title == "Samen één servicedesk"


def test_an_invalid_session_is_never_written(example: Path) -> None:
    handle = SessionFile.open(example)
    before = example.read_bytes()
    broken = handle.session.with_changes(agenda=(Block(-10, intervention="check-in-round"),))
    with pytest.raises(PlaybookError, match=r"agenda\[0\].minutes"):
        handle.save(broken)
    assert example.read_bytes() == before


def test_a_failed_write_leaves_the_old_file_intact(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handle = SessionFile.open(example)
    before = example.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(PlaybookError, match=r"No space left on device.*vorige versie is ongewijzigd"):
        handle.save(handle.session.with_changes(title="Lost?"))
    assert example.read_bytes() == before
    assert [p.name for p in example.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_dump_yaml_writes_multiline_text_as_blocks() -> None:
    assert "wish: |-\n  one\n  two\n" in dump_yaml({"wish": "one\ntwo"})


def test_the_run_round_trips_with_its_moments(tmp_path: Path) -> None:
    import datetime as dt

    from playbook.session import Action, Observation, Run, RunEvent

    at = dt.datetime(2027, 1, 14, 13, 5, 30)
    run = Run(
        planned=(Block(10, intervention="check-in-round"), Block(5, title="Pauze", is_break=True)),
        events=(RunEvent(at, "start", 0), RunEvent(at, "swap", 1, "a → b")),
        observations=(Observation(at, "tension", "A ↔ B 😬"), Observation(at, "laughter")),
        result="Vijf afspraken",
        photos=("x.photos/flip.png",),
        actions=(Action("Uitwerken", "Zoë", "1 feb"),),
        pairs=(("Ann", "Bo"),),
    )
    session = Session(title="Run", agenda=run.planned, run=run)
    handle = SessionFile.create(tmp_path / "run.session.yaml", session)
    assert load_session(handle.path) == session
    bad = handle.path.read_text(encoding="utf-8").replace("kind: tension", "kind: boredom")
    (tmp_path / "bad.session.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"run.observations\[0\].kind"):
        load_session(tmp_path / "bad.session.yaml")


@pytest.mark.parametrize(
    "text", ["end\x85", "one\u2028two", "para\u2029graph", "windows\r\nline", "ok\x85\nmixed"]
)
def test_text_with_characters_yaml_reads_as_line_breaks_is_saved_faithfully(text: str) -> None:
    session = replace(new_session("Title", "en"), title=text)
    assert parse_session(parse_yaml(dump_session(session), "x"), "x") == session
