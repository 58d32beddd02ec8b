"""Nothing lost, nothing let in: the session file's promises under hostile files, clumsy users and full disks.

One section per promise: outputs never destroy inputs, user text in charts is text, photos come from the
session's own folder, what ``session check`` accepts every command handles (a property test), write
failures are one clear line, and the smaller traps (huge numbers, huge saves, terminal escapes, pipes,
symbolic links, permissions, files cut off on the way). The races and ``kill -9`` are in test_races.py,
the app's gate and the hub's defaults in test_app_gate.py.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from playbook.catalogue import Catalogue
from playbook.cli import main, terminal_safe
from playbook.errors import PlaybookError
from playbook.outputs import check_outputs, is_own_output
from playbook.session import (
    END,
    HEADER,
    Block,
    Observation,
    RunEvent,
    SessionFile,
    dump_session,
    load_session,
    new_session,
)
from playbook.yamlio import MAX_BYTES, dump_yaml

from .conftest import EXAMPLE_NL

ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def saved(example: Path) -> Path:
    """The example as the playbook writes it (header and end line), so a cut-off copy is recognised."""
    handle = SessionFile.open(example)
    handle.save(handle.session.with_changes(title=handle.session.title + " "), overwrite=True)
    handle.save(handle.session.with_changes(title=handle.session.title.strip()))
    return example


def one_error_line(err: str) -> str:
    """The error as printed, checked to be a sentence and no traceback (``fout`` in a Dutch session)."""
    assert "Traceback" not in err and err.startswith(("playbook: error: ", "playbook: fout: ")), err
    return err


# ---------------------------------------------------------------------------------------------- outputs


def test_a_report_onto_its_own_session_is_refused_and_the_session_is_intact(
    capsys: pytest.CaptureFixture[str], example: Path
) -> None:
    before = example.read_bytes()
    same = example.with_name("same.html")  # the session under a report's name
    os.link(example, same)
    for argv in (
        ("report", str(example), "-o", str(example)),
        ("report", str(example), "-o", str(same)),
        ("handout", str(example), "-o", str(same)),
        ("handout", str(example), "-o", str(example.with_suffix(".html"))),  # a name that is free: fine
        ("arc", str(example), "-o", str(example.with_name("arc.svg"))),
    ):
        code, _, err = run(capsys, *argv)
        if argv[-1] == str(example):
            assert code == 2, err  # not even a report's name
        elif argv[-1] == str(same):
            assert code == 2 and "is een bestand dat deze opdracht leest" in one_error_line(err)
        else:
            assert code == 0, err
    assert example.read_bytes() == before
    assert not example.with_name(example.name + ".bak").exists()  # nothing was even backed up


def test_hard_links_symbolic_links_and_foreign_files_are_refused_as_outputs(
    capsys: pytest.CaptureFixture[str], example: Path, tmp_path: Path
) -> None:
    hard, soft, foreign = tmp_path / "hard.html", tmp_path / "soft.svg", tmp_path / "notes.html"
    os.link(example, hard)
    soft.symlink_to(example)
    foreign.write_text("<!DOCTYPE html><p>my own notes</p>")
    for command, target in (("handout", hard), ("arc", soft), ("report", foreign)):
        code, _, err = run(capsys, command, str(example), "-o", str(target))
        assert code == 2, (command, err)
        assert str(target) in one_error_line(err)
    assert foreign.read_text() == "<!DOCTYPE html><p>my own notes</p>" and soft.is_symlink()
    # The playbook's own earlier output is recognised by its mark and replaced.
    for command, name in (("handout", "h.html"), ("report", "r.html"), ("arc", "a.png"), ("arc", "a.svg")):
        target = tmp_path / name
        assert run(capsys, command, str(example), "-o", str(target))[0] == 0
        assert is_own_output(target)
        assert run(capsys, command, str(example), "-o", str(target))[0] == 0, command


@pytest.mark.parametrize("kind", ["folder", "dangling link", "text file", "someone's database", "fifo"])
def test_the_room_never_takes_over_a_file_of_its_name_that_is_no_room(
    capsys: pytest.CaptureFixture[str], example: Path, tmp_path: Path, kind: str
) -> None:
    import sqlite3

    from playbook.room.store import RoomStore, store_path

    target = store_path(example)
    elsewhere = tmp_path / "elsewhere.db"
    if kind == "folder":
        target.mkdir()
    elif kind == "dangling link":
        target.symlink_to(elsewhere)
    elif kind == "text file":
        target.write_text("my own notes\n", encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        with sqlite3.connect(target) as db:
            db.execute("create table mine(x)")
    before = None if kind in ("folder", "dangling link", "fifo") else target.read_bytes()
    with pytest.raises(PlaybookError, match="not a room of the playbook"):
        RoomStore.create(example, "x", "en")
    with pytest.raises(PlaybookError, match="not a room of the playbook"):
        RoomStore.open(example)
    assert not elsewhere.exists() and (before is None or target.read_bytes() == before)
    if kind == "text file":  # from the command line: one line, before anything listens
        done = subprocess.run(
            [sys.executable, "-m", "playbook", "room", str(example)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2 and "not a room of the playbook" in one_error_line(done.stderr)


def test_a_session_text_that_mentions_the_mark_is_still_no_output(tmp_path: Path) -> None:
    path = tmp_path / "tricky.session.yaml"
    SessionFile.create(path, new_session('<meta name="generator" content="playbook">'))
    assert not is_own_output(path)
    with pytest.raises(PlaybookError, match="not written by the playbook"):
        check_outputs([path])


def test_follow_up_site_and_init_never_replace_what_they_read(
    capsys: pytest.CaptureFixture[str], example: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "session", "next", str(example), "-o", str(example))
    assert code == 2 and "bestaat al" in one_error_line(err)  # the session's language: Dutch
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("my homepage")
    code, _, err = run(capsys, "export", str(ROOT / "notebooks"), "-o", str(site))
    assert code == 2 and "index.html" in one_error_line(err)
    assert (site / "index.html").read_text() == "my homepage" and len(list(site.iterdir())) == 1
    from playbook.paths import notebooks_dir

    link = tmp_path / "shipped"
    link.symlink_to(notebooks_dir())
    code, _, err = run(capsys, "init", str(link), "--refresh-notebooks")
    assert code == 2 and "one of this command's inputs" in one_error_line(err)


# ----------------------------------------------------------------------------------- text in charts


HOSTILE_TITLES = ("Sales $$", "Costs $x^$", r"\$\frac{", "$" * 7, "a_b^c $\\sqrt$")


def test_dollars_in_titles_are_drawn_as_text_everywhere(
    capsys: pytest.CaptureFixture[str], example: Path, tmp_path: Path
) -> None:
    import datetime as dt

    from playbook.ui import AgendaBuilder, LiveCompanion, SessionBinding

    handle = SessionFile.open(example)
    agenda = [
        replace(b, title=HOSTILE_TITLES[i % 5]) if not b.intervention else b
        for i, b in enumerate(handle.session.agenda)
    ]
    agenda.append(Block(10, title="Costs $x^$", role="diverge"))
    handle.save(handle.session.with_changes(title="Sales $$", agenda=tuple(agenda)))
    for command, out in (("handout", "h.html"), ("arc", "a.png"), ("arc", "a.svg"), ("report", "r.html")):
        code, _, err = run(capsys, command, str(example), "-o", str(tmp_path / out))
        assert code == 0, (command, err)
    assert "Costs $x^$" in (tmp_path / "a.svg").read_text()
    builder = AgendaBuilder(SessionBinding.open(example))  # notebook 03
    assert "Costs $x^$" in builder.arc.value
    companion = LiveCompanion(
        SessionFile.open(example), clock=lambda: dt.datetime(2027, 1, 14, 13), tick=False
    )
    companion.start_button.click()  # notebook 05 redraws its arc
    assert "Costs $x^$" in companion.arc.value


# ------------------------------------------------------------------------------------------ photos


def _png(width: int = 3000, height: int = 2000) -> bytes:
    from PIL import Image

    image = Image.effect_noise((width, height), 80).convert("RGB")  # noise: the worst case to compress
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=None)
    return out.getvalue()


def _with_photos(example: Path, photos: tuple[str, ...]) -> None:
    text = example.read_text(encoding="utf-8") + "run:\n  photos:\n" + "".join(f"  - {p!r}\n" for p in photos)
    example.write_text(text, encoding="utf-8")


def test_photos_outside_the_session_folder_are_refused_by_check(
    capsys: pytest.CaptureFixture[str], example: Path, tmp_path: Path
) -> None:
    secret = tmp_path.parent / "private.png"
    for photo in (str(secret), "../private.png", "x.photos/../../private.png", "C:\\Users\\me\\a.png"):
        shutil.copyfile(EXAMPLE_NL, example)
        _with_photos(example, (photo,))
        code, _, err = run(capsys, "session", "check", str(example))
        assert code == 2 and "run.photos[0]" in one_error_line(err) and ".photos/fl" in err  # the way
    shutil.copyfile(EXAMPLE_NL, example)
    example.write_text(example.read_text(encoding="utf-8") + "run:\n  photos: [1]\n", encoding="utf-8")
    code, _, err = run(capsys, "session", "check", str(example))
    assert code == 2 and "run.photos[0]" in one_error_line(err)


def test_the_report_embeds_only_real_small_images_from_the_session_folder(
    capsys: pytest.CaptureFixture[str], example: Path, tmp_path: Path
) -> None:
    from playbook.report import PHOTO_BYTES

    folder = example.parent / "s.photos"
    folder.mkdir()
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(_png(40, 40))
    (folder / "big.png").write_bytes(_png())  # a 3000 × 2000 photo of noise: megabytes
    (folder / "escape.png").symlink_to(outside)
    (folder / "fake.png").write_bytes(b"<svg onload=alert(1)>")
    os.mkfifo(folder / "pipe.png")
    with open(folder / "huge.jpg", "wb") as fh:
        fh.truncate(30 * 1024 * 1024)
    names = ("big.png", "escape.png", "fake.png", "pipe.png", "huge.jpg", "missing.png")
    _with_photos(example, tuple(f"s.photos/{n}" for n in names))
    assert run(capsys, "session", "check", str(example))[0] == 0
    code, _, err = run(capsys, "report", str(example), "-o", str(tmp_path / "report.html"))
    assert code == 0 and "Traceback" not in err
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    import base64
    import re

    embedded = [base64.b64decode(d) for d in re.findall(r'src="data:image/jpeg;base64,([^"]+)"', page)]
    assert len(embedded) == 1 and len(embedded[0]) <= PHOTO_BYTES
    for name in names[1:]:
        assert f"s.photos/{name}" in err and f"s.photos/{name}" in page  # each left out, and said so
    outside.unlink()


# ------------------------------------------------------------------------------------------ moments


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59",
        "2027-01-14T13:05:00+02:00",
        "2027-01-14T13:05:00Z",
        "soon",
        "1",
    ],
)
def test_check_refuses_moments_no_command_could_place(
    capsys: pytest.CaptureFixture[str], example: Path, tmp_path: Path, moment: str
) -> None:
    text = example.read_text(encoding="utf-8")
    example.write_text(
        text + f"run:\n  events:\n  - at: '{moment}'\n    kind: start\n    block: 0\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "session", "check", str(example))
    assert code == 2 and "run.events[0].at" in one_error_line(err)
    code, _, err = run(capsys, "report", str(example), "-o", str(tmp_path / "r.html"))
    assert code == 2 and "run.events[0].at" in one_error_line(err)


def test_a_run_spread_over_years_or_a_date_out_of_range_is_refused(example: Path) -> None:
    handle = SessionFile.open(example)
    at = dt.datetime(2027, 1, 14, 13, 0)
    far = handle.session.run.__class__(
        events=(RunEvent(at, "start", 0),),
        observations=(Observation(at + dt.timedelta(days=3000), "note", "x"),),
    )
    with pytest.raises(PlaybookError, match=r"run.observations\[0\].at: .*3000 .*7 "):
        handle.save(handle.session.with_changes(run=far))
    text = example.read_text(encoding="utf-8").replace("date: '2027-01-14'", "date: '0001-01-01'")
    example.write_text(text.replace("date: 2027-01-14", "date: '0001-01-01'"), encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"date: .*1970.*2199"):
        load_session(example)
    text = example.read_text(encoding="utf-8").replace("date: '0001-01-01'", "date: '2027-01-14'")
    mood = "  room:\n    mood_line:\n    - {title: Earlier, date: '9999-12-31', mood: 3.5, count: 8}\n"
    example.write_text(text + "run:\n" + mood, encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"run.room.mood_line\[0\].date: .*1970.*2199"):
        load_session(example)


# ------------------------------------------------------------------------- what check accepts, works


def rarely(usual: st.SearchStrategy, hostile: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly ``usual`` values, one in ten ``hostile``: most documents pass check, some do not."""
    return st.integers(0, 9).flatmap(lambda n: hostile if n == 0 else usual)


_TEXT = rarely(
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(
        ["Sales $$", "Costs $x^$", "<script>x</script>", "\x1b[2J", "a\u2028b", "😬 ok", "{{ x }}"]
    ),
)
_MOMENT = rarely(
    st.datetimes(min_value=dt.datetime(2027, 1, 14, 9), max_value=dt.datetime(2027, 1, 14, 18)).map(
        lambda d: d.isoformat()
    ),
    st.sampled_from(
        ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "2027-01-14T13:00:00+02:00", "2027-02-20T13:00"]
    ),
)


@st.composite
def session_documents(draw: st.DrawFn) -> dict:
    """Session data near the schema, with hostile values mixed in; many are valid, some are not."""
    ids = ["check-in-round", "1-2-4-all", "dot-voting", "fishbowl", "check-out", "silent-brainstorm"]
    block = st.one_of(
        st.builds(lambda i, m: {"intervention": i, "minutes": m}, st.sampled_from(ids), st.integers(1, 240)),
        st.builds(
            lambda t, r, m: {"custom": {"title": t.strip() or "x", "role": r}, "minutes": m},
            _TEXT,
            st.sampled_from(["open", "diverge", "groan", "converge", "close", "energise"]),
            st.integers(1, 1440),
        ),
        st.builds(lambda t, m: {"break": t, "minutes": m}, _TEXT, st.integers(1, 120)),
    )
    agenda = draw(st.lists(block, max_size=8))
    events = draw(
        st.lists(
            st.builds(
                lambda at, kind, b: {"at": at, "kind": kind, "block": b},
                _MOMENT,
                st.sampled_from(["start", "finish", "swap", "cut", "resize", "insert"]),
                st.integers(0, 10),
            ),
            max_size=6,
        )
    )
    observations = draw(
        st.lists(
            st.builds(
                lambda at, kind, note: {"at": at, "kind": kind, "note": note},
                _MOMENT,
                st.sampled_from(["tension", "laughter", "note", "silence"]),
                _TEXT,
            ),
            max_size=4,
        )
    )
    activities = draw(
        st.lists(
            st.builds(
                lambda kind, opened, prompt, text, option, n: {
                    "kind": kind,
                    "opened": opened,
                    "prompt": prompt,
                    "participants": n,
                    "entries": [{"text": text.strip() or "x", "mood": 1 + n % 5}],
                    "counts": [{"option": option.strip() or "3", "count": n}],
                },
                st.sampled_from(["checkin", "cards", "vote", "fist", "consent"]),
                _MOMENT,
                _TEXT,
                _TEXT,
                rarely(st.sampled_from(["1", "3", "5"]), _TEXT),
                st.integers(0, 300),
            ),
            max_size=3,
        )
    )
    mood_line = draw(
        st.lists(
            st.builds(
                lambda title, date, mood: {
                    "title": title.strip() or "x",
                    "date": date,
                    "mood": mood,
                    "count": 4,
                },
                _TEXT,
                rarely(
                    st.sampled_from(["2026-10-01", "2026-11-12"]),
                    st.sampled_from(["0001-01-01", "9999-12-31"]),
                ),
                st.floats(1, 5),
            ),
            max_size=2,
        )
    )
    return {
        "schema_version": 1,
        "title": draw(_TEXT).strip() or "Title",
        "language": draw(st.sampled_from(["en", "nl"])),
        "date": draw(st.sampled_from([None, "2027-01-14", "2026-12-31"])),
        "start": draw(st.sampled_from(["09:00", "13:00", "23:30", "00:00"])),
        "budget_minutes": draw(st.integers(1, 1440)),
        "brief": {
            "client": draw(_TEXT),
            "wish": draw(_TEXT),
            "visible_result": draw(_TEXT),
            "purpose": draw(_TEXT),
            "decision_rule": draw(_TEXT),
        },
        "group": {
            "size": draw(st.integers(1, 10_000)),
            "setting": draw(st.sampled_from(["in-person", "online"])),
        },
        "agenda": agenda,
        "run": {
            "events": events,
            "observations": observations,
            "photos": draw(
                st.lists(
                    rarely(st.sampled_from(["x.photos/a.png", "b.jpg"]), st.just("../c.png")), max_size=2
                )
            ),
            "result": draw(_TEXT),
            "actions": [{"what": draw(_TEXT).strip() or "do", "who": draw(_TEXT), "when": draw(_TEXT)}],
            "room": {"activities": activities, "mood_line": mood_line},
        },
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=session_documents())
def test_every_session_check_accepts_goes_through_every_view(data: dict, catalogue: Catalogue) -> None:
    from playbook.agenda import plan
    from playbook.diagnosis import check_diagnosis, default_bank
    from playbook.handout import handout_html
    from playbook.report import report_html
    from playbook.session import check_references
    from playbook.ui import LiveCompanion

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.session.yaml"
        path.write_text(dump_yaml(data), encoding="utf-8")
        try:  # exactly what `playbook session check` does
            handle = SessionFile.open(path)
            problems = check_references(handle.session, catalogue, path)
            problems += check_diagnosis(handle.session.diagnosis, default_bank(), path)
        except PlaybookError:
            assume(False)
        assume(not problems)
        session = handle.session
        plan(session, catalogue)
        for audience in ("participants", "facilitator"):
            handout_html(session, catalogue, audience)
        report_html(handle, catalogue)
        from playbook.calibrate import history
        from playbook.live import follow_up

        plan(session, catalogue, history=history(Path(tmp), catalogue))
        next_one = follow_up(session)
        assert SessionFile.create(Path(tmp) / "next.session.yaml", next_one).session == next_one
        moment = max([e.at for e in session.run.events], default=dt.datetime(2027, 1, 14, 13))
        companion = LiveCompanion(handle, catalogue, clock=lambda: moment, tick=False)
        companion.render_now()
        assert companion.snapshot_html()


# ---------------------------------------------------------------------------------- write failures


@contextmanager
def unwritable(folder: Path, code: int):
    """Make ``folder`` refuse new files (as a read-only folder or a disk without free inodes would),
    whoever runs the test, root included."""
    real_open, real_mkstemp, real_mkdir = os.open, tempfile.mkstemp, os.mkdir
    folder = folder.resolve()

    def inside(path: object) -> bool:
        return Path(os.path.abspath(os.fspath(path))).resolve().is_relative_to(folder)

    def fail(path: object) -> OSError:
        return OSError(code, os.strerror(code), str(path))

    def fake_open(path, flags, *args, **kwargs):
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR) and inside(path):
            raise fail(path)
        return real_open(path, flags, *args, **kwargs)

    def fake_mkstemp(*args, dir=None, **kwargs):
        if dir is not None and inside(dir):
            raise fail(dir)
        return real_mkstemp(*args, dir=dir, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        if inside(path):
            raise fail(path)
        return real_mkdir(path, *args, **kwargs)

    import builtins

    real_builtin_open = builtins.open

    def fake_builtin_open(file, mode="r", *args, **kwargs):
        if isinstance(file, str | os.PathLike) and any(c in mode for c in "wax+") and inside(file):
            raise fail(file)
        return real_builtin_open(file, mode, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "open", fake_open)
        mp.setattr(tempfile, "mkstemp", fake_mkstemp)
        mp.setattr(os, "mkdir", fake_mkdir)
        mp.setattr(builtins, "open", fake_builtin_open)
        yield


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.ENOSPC])
def test_every_writing_command_reports_an_unwritable_folder_in_one_line(
    capsys: pytest.CaptureFixture[str], example: Path, tmp_path: Path, code: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = example.read_bytes()
    commands = [
        ("session", "new", str(out / "new")),
        ("session", "next", str(example), "-o", str(out / "next")),
        ("handout", str(example), "-o", str(out / "h.html")),
        ("handout", str(example), "-o", str(out / "folder")),
        ("report", str(example), "-o", str(out / "r.html")),
        ("arc", str(example), "-o", str(out / "a.png")),
        ("init", str(out / "mine")),
        ("export", str(ROOT / "notebooks"), "-o", str(out / "site")),
    ]
    with unwritable(out, code):
        for argv in commands:
            status, _, err = run(capsys, *argv)
            assert status == 2, (argv, err)
            one_error_line(err)
            assert len(err.strip().splitlines()) == 1, err
    assert list(out.iterdir()) == [] and example.read_bytes() == before


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC])
def test_every_editing_command_reports_an_unwritable_folder_in_one_line(
    capsys: pytest.CaptureFixture[str], example: Path, code: int
) -> None:
    before, file = example.read_bytes(), str(example)
    commands = [
        ("brief", file, "--client", "Someone else"),
        ("group", file, "--size", "9"),
        ("answer", file, "history=new"),
        ("signals", file, "--add", "silence"),
        ("agenda", file, "add", "break"),
        ("agenda", file, "move", "1", "2"),
        ("agenda", file, "remove", "1"),
        ("agenda", file, "set", "1", "--minutes", "7"),
    ]
    with unwritable(example.parent, code):
        for argv in commands:
            status, out, err = run(capsys, *argv)
            assert status == 2, (argv, out, err)
            assert len(one_error_line(err).strip().splitlines()) == 1, err
    assert example.read_bytes() == before and sorted(p.name for p in example.parent.iterdir()) == [
        example.name
    ]


def test_writing_into_proc_is_one_clear_line(capsys: pytest.CaptureFixture[str], example: Path) -> None:
    for argv in (
        ("handout", str(example), "-o", "/proc/x.html"),
        ("report", str(example), "-o", "/proc/x.html"),
        ("arc", str(example), "-o", "/proc/x.png"),
        ("session", "new", "/proc/x"),
    ):
        status, _, err = run(capsys, *argv)
        assert status == 2 and "/proc/x" in one_error_line(err), argv


def test_save_raises_a_playbook_error_and_the_notebooks_show_it(example: Path) -> None:
    from playbook.ui import BriefForm, SessionBinding

    handle = SessionFile.open(example)
    with (
        unwritable(example.parent, errno.EROFS),
        pytest.raises(PlaybookError, match="niet worden opgeslagen"),
    ):
        handle.save(handle.session.with_changes(title="Lost?"))
    form = BriefForm(SessionBinding.open(example))
    with unwritable(example.parent, errno.ENOSPC):
        form.client.value = "Mine"
    assert "niet worden opgeslagen" in form.status.value and "Traceback" not in form.status.value
    assert load_session(example).brief.client != "Mine"


# ------------------------------------------------------------------------------------------ smaller


def test_a_number_of_5000_digits_is_a_message_not_a_crash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "huge.yaml").write_text("id: huge\nenergy: " + "9" * 5000 + "\n", encoding="utf-8")
    code, _, err = run(capsys, "catalogue", "validate", str(folder))
    assert code == 2 and "huge.yaml" in one_error_line(err) and "5,000 digits" in err
    session = tmp_path / "s.session.yaml"
    session.write_text(f"schema_version: 1\ntitle: x\nbudget_minutes: {'1' * 4400}\n", encoding="utf-8")
    code, _, err = run(capsys, "session", "check", str(session))
    assert code == 2 and "4,400 digits" in one_error_line(err)


def test_a_save_larger_than_what_loads_is_refused_before_writing(example: Path) -> None:
    handle = SessionFile.open(example)
    before = example.read_bytes()
    notes = "x" * 19_000
    huge = tuple(Block(5, intervention="check-in-round", notes=f"{n} {notes}") for n in range(300))
    with pytest.raises(PlaybookError, match=f"groter dan de {MAX_BYTES // 2**20} MB"):
        handle.save(handle.session.with_changes(agenda=huge))
    assert example.read_bytes() == before


def test_terminal_escapes_from_the_file_never_reach_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    evil = "\x1b[2J\x1b]52;c;ZXZpbA==\x07Fake\rOK\x9b31m\u202edesrever"
    path = tmp_path / "evil.session.yaml"
    session = new_session(evil, brief=replace(new_session("x").brief, wish=evil))
    SessionFile.create(path, session.with_changes(agenda=(Block(10, title=evil, role="open"),)))
    for argv in (
        ("session", "show", str(path)),
        ("plan", str(path)),
        ("session", "show", str(path), "--json"),
        ("brief", str(path)),
        ("brief", str(path), "--client", evil),
        ("questions", str(path)),
        ("signals", str(path)),
        ("agenda", str(path), "add", "break", "--title", evil),
        ("calibrate", str(tmp_path)),
        ("diagnose", str(path)),
    ):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        assert not any(c in out + err for c in "\x1b\x07\r\x9b\u202e"), argv
    assert "\\u001b[2J" in terminal_safe(evil) and terminal_safe("tab\tand\nline") == "tab\tand\nline"
    import json

    assert (
        json.loads(run(capsys, "session", "show", str(path), "--json")[1])["title"] == evil
    )  # JSON stays exact


def test_pipes_and_devices_are_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "s.session.yaml"
    os.mkfifo(fifo)
    folder = tmp_path / "catalogue"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    script = (
        "import sys; from playbook.cli import main; "
        f"sys.exit(main(['session', 'check', {str(fifo)!r}]) * 10 + main(['catalogue', 'validate', {str(folder)!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 22, done.stderr
    assert "not a regular file" in done.stderr and "pipe.yaml" in done.stderr
    with pytest.raises(PlaybookError, match="not a regular file"):
        load_session("/dev/zero")


def test_saving_through_a_symbolic_link_keeps_the_link_and_the_modes(example: Path, tmp_path: Path) -> None:
    os.chmod(example, 0o640)
    link = tmp_path / "link.session.yaml"
    link.symlink_to(example)
    handle = SessionFile.open(link)
    handle.save(handle.session.with_changes(title="Through the link"))
    assert link.is_symlink() and load_session(example).title == "Through the link"
    backup = example.with_name(example.name + ".bak")
    assert stat.S_IMODE(example.stat().st_mode) == 0o640 and stat.S_IMODE(backup.stat().st_mode) == 0o640
    assert sorted(p.name for p in example.parent.iterdir() if p.name.startswith(".")) == []  # no lock left


def test_a_file_cut_at_any_line_is_reported_and_a_hand_written_one_still_loads(example: Path) -> None:
    text = saved(example).read_text(encoding="utf-8")
    assert text.startswith(HEADER) and text.rstrip().endswith(END)
    lines = text.splitlines(keepends=True)
    for cut in range(len(lines)):
        example.write_text("".join(lines[:cut]), encoding="utf-8")
        with pytest.raises(PlaybookError):
            load_session(example)
    example.write_text("".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(PlaybookError, match="is afgebroken"):
        load_session(example)
    hand = text.replace(HEADER + "\n", "").replace(END + "\n", "")  # written by hand: read as before
    example.write_text(hand + "# my own note\n", encoding="utf-8")
    assert load_session(example).group.size == 18
    example.write_text(text + "# a note added after the end\n", encoding="utf-8")
    assert load_session(example).group.size == 18


def test_dump_session_writes_each_block_once_and_reads_back_whole(catalogue: Catalogue) -> None:
    from playbook.session import parse_session, session_to_data
    from playbook.yamlio import parse_yaml

    session = load_session(EXAMPLE_NL)
    blocks = tuple(
        Block(5 + n % 7, intervention="check-in-round", notes="één\nregel 😬" if n % 3 else "")
        if n % 2
        else Block(10, title=f"Eigen {n} $x$", role="diverge")
        for n in range(200)
    )
    session = session.with_changes(agenda=blocks)
    text = dump_session(session)
    assert parse_session(parse_yaml(text)) == session
    assert text == f"{HEADER}\n{dump_yaml(session_to_data(session))}{END}\n"  # as if written in one go


def test_a_long_agenda_is_shown_a_page_at_a_time_and_edits_the_right_block(example: Path) -> None:
    from playbook.ui import AgendaBuilder, SessionBinding
    from playbook.ui.agenda import PAGE_ROWS

    handle = SessionFile.open(example)
    blocks = tuple(Block(5, title=f"Block {n}", role="diverge") for n in range(PAGE_ROWS * 3 + 7))
    handle.save(handle.session.with_changes(agenda=blocks, budget_minutes=1440))
    builder = AgendaBuilder(SessionBinding.open(example))
    assert len(builder.row_box.children) == PAGE_ROWS and builder.pager.layout.display == ""
    builder.next_page.click()
    assert "Block 50" in builder.rows[0].title.value and "Block 50" in builder.timeline.value
    assert "Block 0<" not in builder.timeline.value
    builder.rows[3].minutes.value = 9
    assert load_session(example).agenda[PAGE_ROWS + 3].minutes == 9
    builder.show_page(99)
    assert len(builder.row_box.children) == 7 and builder.next_page.disabled
    builder.custom_title.value = "Added"
    builder.custom_button.click()
    assert "Added" in builder.rows[7].title.value  # the new block is in sight
    # Every block on too few minutes has a finding: a page lists its own blocks' findings, counts the rest.
    short = tuple(Block(1, intervention="check-in-round") for _ in range(PAGE_ROWS * 3))
    builder.binding.replace(builder.binding.session.with_changes(agenda=short))
    builder.show_page(1)
    p = builder.plan
    window = range(PAGE_ROWS, 2 * PAGE_ROWS)
    own = [f for f in p.findings if f.block is None or f.block in window]
    assert len(p.findings) > len(own) > PAGE_ROWS
    assert builder.findings.value.count('class="finding ') == len(own)
    assert f" {len(p.findings) - len(own)} " in builder.findings.value.rsplit('class="finding ', 1)[1]


def _minimal_pdf(title: str) -> bytes:
    """A one-page PDF laid out as Chromium writes them: objects, a classic cross-reference, a trailer."""
    objects = [
        f"<</Title ({title})\n/Creator (Chromium)\n/Producer (Skia/PDF)>>",
        "<</Type /Catalog /Pages 3 0 R>>",
        "<</Type /Pages /Kids [4 0 R] /Count 1>>",
        "<</Type /Page /Parent 3 0 R /MediaBox [0 0 595 842]>>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += f"trailer\n<</Size {len(objects) + 1}\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_and_calendar_files_the_playbook_wrote_are_recognised_and_others_refused(tmp_path: Path) -> None:
    from playbook.outputs import mark_pdf

    theirs, ours = tmp_path / "theirs.pdf", tmp_path / "ours.pdf"
    theirs.write_bytes(_minimal_pdf("Someone's contract"))
    marked = mark_pdf(_minimal_pdf("Handout"))
    ours.write_bytes(marked)
    assert not is_own_output(theirs) and is_own_output(ours)
    assert marked.startswith(_minimal_pdf("Handout"))  # an incremental update: the original stays intact
    assert b"/Title (Handout)" in marked.rsplit(b"endobj", 2)[-2]  # the title carried into the new info
    assert marked.rstrip().endswith(b"%%EOF") and b"/Prev " in marked[-200:]
    with pytest.raises(PlaybookError, match="not written by the playbook"):
        check_outputs([theirs])
    check_outputs([ours])
    calendar, foreign = tmp_path / "s.ics", tmp_path / "other.ics"
    calendar.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//playbook//facilitation playbook//EN\r\n"
    )
    foreign.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Someone//Calendar//EN\r\n")
    assert is_own_output(calendar) and not is_own_output(foreign)
