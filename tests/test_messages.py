"""What goes wrong while saving and writing is told in the session's language, Dutch or English.

A Dutch facilitator who meets a conflict, a read-only folder or a refused output reads it in Dutch, in
a widget, on the command line and from the room's writes; an English session keeps its English. Each
message names the file and the field, says what is wrong and what to do.
"""

from __future__ import annotations

import datetime as dt
import errno
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from playbook.catalogue import Catalogue
from playbook.errors import ConflictError, PlaybookError
from playbook.i18n import strings
from playbook.participation import record_results
from playbook.session import RoomActivity, RoomEntry, SessionFile, draft_path, load_session
from playbook.ui import BriefForm, DesignPanel, SessionBinding

from .conftest import EXAMPLE_EN, EXAMPLE_NL
from .test_robustness import one_error_line, run, unwritable

SAID = {
    "nl": {
        "conflict": "is ook elders gewijzigd sinds je het bestand opende",
        "kept": "Jouw versie staat in",
        "not_saved": "er is niets opgeslagen",
        "input": "is een bestand dat deze opdracht leest; ernaar schrijven zou het vernietigen",
        "foreign": "bestaat al en is niet door het playbook geschreven",
        "unwritable": "kon niet worden opgeslagen (Read-only file system; je kunt niet schrijven in die map)",
        "photo": "moet een pad binnen de map van de sessie zijn",
        "moment": "moet een lokale tijd zonder tijdzone zijn",
    },
    "en": {
        "conflict": "changed on disk since it was loaded",
        "kept": "Your version is kept in",
        "not_saved": "nothing was saved",
        "input": "is one of this command's inputs; writing there would destroy it",
        "foreign": "already exists and was not written by the playbook",
        "unwritable": "could not be saved (Read-only file system; the folder is not writable for you)",
        "photo": "must be a path inside the session's folder",
        "moment": "must be a local time without a time zone",
    },
}
ERROR = {"nl": "playbook: fout: ", "en": "playbook: error: "}
EXAMPLES = [pytest.param(EXAMPLE_NL, "nl", id="nl"), pytest.param(EXAMPLE_EN, "en", id="en")]


@pytest.fixture
def copy(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    source: Path = request.param
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target


def examples(fn):  # each test runs on a Dutch and on an English session
    return pytest.mark.parametrize(("copy", "lang"), EXAMPLES, indirect=["copy"])(fn)


@examples
def test_a_conflict_in_the_brief_form_is_told_in_the_sessions_language_and_the_draft_is_kept(
    copy: Path, lang: str
) -> None:
    form = BriefForm(SessionBinding.open(copy))
    other = SessionFile.open(copy)
    other.save(other.session.with_changes(brief=replace(other.session.brief, client="Theirs")))
    form.client.value = "Mine"
    said = SAID[lang]
    status = form.status.value
    assert "brief.client: " + said["conflict"] in status and copy.name in status, status
    assert said["not_saved"] in status.lower() and said["kept"] + " " + draft_path(copy).name in status
    assert SAID["en" if lang == "nl" else "nl"]["conflict"] not in status
    assert load_session(copy).brief.client == "Theirs"  # theirs stands
    assert load_session(draft_path(copy)).brief.client == "Mine"  # mine is kept, to carry over
    form.reload_button.click()
    assert form.client.value == "Theirs" and form.status.value == ""


@examples
def test_a_conflict_in_the_design_panel_names_the_agenda_in_the_sessions_language(
    copy: Path, lang: str, catalogue: Catalogue
) -> None:
    panel = DesignPanel(SessionBinding.open(copy), catalogue)
    panel.propose_button.click()
    other = SessionFile.open(copy)
    before = other.session.agenda
    other.save(other.session.with_changes(agenda=before[:2]))
    panel.use_button.click()
    assert "agenda: " + SAID[lang]["conflict"] in panel.status.value
    assert SAID[lang]["kept"] in panel.status.value
    assert load_session(copy).agenda == before[:2]
    assert load_session(draft_path(copy)).agenda == panel.result.draft.agenda


@examples
def test_a_conflict_that_cannot_keep_the_draft_says_how_to_save_it(copy: Path, lang: str) -> None:
    mine, theirs = SessionFile.open(copy), SessionFile.open(copy)
    theirs.save(theirs.session.with_changes(title="Theirs"))
    draft_path(copy).mkdir()  # nothing can be written there
    with pytest.raises(ConflictError) as err:
        mine.save(mine.session.with_changes(title="Mine"))
    message = str(err.value)
    assert message.startswith(f"{copy}: title: {SAID[lang]['conflict']}")
    assert SAID[lang]["kept"] not in message
    assert ("onder een andere naam" if lang == "nl" else "under another name") in message


@examples
def test_a_report_over_its_own_session_is_refused_in_the_sessions_language(
    capsys: pytest.CaptureFixture[str], copy: Path, lang: str
) -> None:
    before = copy.read_bytes()
    code, out, err = run(capsys, "report", str(copy), "-o", str(copy))
    assert code == 2 and out == ""
    assert one_error_line(err) == f"{ERROR[lang]}{copy}: {SAID[lang]['input']}, " + (
        "dus kies een andere naam\n" if lang == "nl" else "so choose another name\n"
    )
    assert copy.read_bytes() == before and not copy.with_name(copy.name + ".bak").exists()


@examples
def test_an_output_that_is_not_the_playbooks_is_refused_in_the_sessions_language(
    capsys: pytest.CaptureFixture[str], copy: Path, lang: str, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.html"
    notes.write_text("my own notes")
    for command in ("handout", "report"):
        code, _, err = run(capsys, command, str(copy), "-o", str(notes))
        assert code == 2 and f"{notes}: {SAID[lang]['foreign']}" in one_error_line(err), err
    assert notes.read_text() == "my own notes"


@examples
def test_a_read_only_folder_is_one_line_in_the_sessions_language(
    capsys: pytest.CaptureFixture[str], copy: Path, lang: str
) -> None:
    before = copy.read_bytes()
    with unwritable(copy.parent, errno.EROFS):
        code, out, err = run(capsys, "brief", str(copy), "--client", "Someone else")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert one_error_line(err) == f"{ERROR[lang]}{copy}: {SAID[lang]['unwritable']}\n"
    assert copy.read_bytes() == before


@examples
def test_the_rooms_write_into_a_read_only_folder_is_told_in_the_sessions_language(
    copy: Path, lang: str
) -> None:
    card = RoomActivity("cards", dt.datetime(2027, 1, 14, 10, 0), "What is hard to say?", entries=(
        RoomEntry("Too many meetings"),
    ))  # fmt: skip
    with unwritable(copy.parent, errno.EROFS), pytest.raises(PlaybookError) as err:
        record_results(copy, (card,))
    assert str(err.value) == f"{copy}: {SAID[lang]['unwritable']}"


@examples
def test_a_write_failure_in_a_widget_is_told_in_the_sessions_language(copy: Path, lang: str) -> None:
    form = BriefForm(SessionBinding.open(copy))
    with unwritable(copy.parent, errno.EROFS):
        form.client.value = "Mine"
    assert SAID[lang]["unwritable"] in form.status.value and "Traceback" not in form.status.value


@examples
def test_photos_and_moments_the_file_cannot_hold_are_told_in_the_sessions_language(
    capsys: pytest.CaptureFixture[str], copy: Path, lang: str
) -> None:
    text = copy.read_text(encoding="utf-8")
    copy.write_text(
        text + "run:\n  photos: ['/etc/flip.png']\n  events:\n  - at: '2027-01-14T13:05:00+02:00'\n"
        "    kind: start\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "session", "check", str(copy))
    assert code == 2 and err.startswith(ERROR[lang] + ("2 problemen:" if lang == "nl" else "2 problems:"))
    assert (
        f"run.photos[0]: {SAID[lang]['photo']}" in err and f"run.events[0].at: {SAID[lang]['moment']}" in err
    )


def test_every_message_of_saving_and_writing_is_translated() -> None:
    """Both languages have every key (a project test), and no Dutch message was left in English."""
    en, nl = strings("en"), strings("nl")
    keys = [k for k in en if k.split(".")[0] in ("files", "outputs")]
    assert len(keys) > 20 and all(k in nl for k in keys)
    assert [k for k in keys if en[k] == nl[k]] == []


def test_every_file_message_the_code_names_exists() -> None:
    """``file_message("busy")`` (also imported as ``_say``) names ``files.busy``: a typo would show the key."""
    root = Path(__file__).resolve().parent.parent / "playbook"
    used = {
        key
        for path in root.rglob("*.py")
        for key in re.findall(r"""\b(?:_say|file_message)\(\s*["']([a-z_]+)["']""", path.read_text("utf-8"))
    }
    assert len(used) > 15 and sorted(f"files.{k}" for k in used if f"files.{k}" not in strings("en")) == []
