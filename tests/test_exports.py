"""The exporters from the command line: PDF handouts and reports, the calendar event, the warnings."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from playbook.catalogue import Catalogue
from playbook.cli import main
from playbook.errors import PlaybookError
from playbook.ics import session_event
from playbook.session import Brief, SessionFile, load_session

from .conftest import EXAMPLE_EN, EXAMPLE_NL
from .test_handout import HOSTILE, hostile_session


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_calendar_event_holds_what_participants_need_and_nothing_else(catalogue: Catalogue) -> None:
    from icalendar import Calendar

    session = load_session(EXAMPLE_NL)
    [event] = Calendar.from_ical(session_event(session, catalogue)).walk("VEVENT")
    assert str(event["summary"]) == session.title
    assert event.decoded("dtstart") == dt.datetime(2027, 1, 14, 13, 0)
    assert event.decoded("dtend") == dt.datetime(2027, 1, 14, 16, 20)
    assert "Stadskantoor Lindendaal" in str(event["location"])
    description = str(event["description"])
    assert session.brief.purpose[:40] in description and "Je agenda" in description
    assert session.brief.wish[:30] not in description and session.brief.context[:30] not in description
    again = Calendar.from_ical(session_event(session, catalogue)).walk("VEVENT")[0]
    assert again["uid"] == event["uid"]  # an update replaces the event in people's calendars
    online = Calendar.from_ical(session_event(load_session(EXAMPLE_EN), catalogue)).walk("VEVENT")[0]
    assert str(online["url"]) == "https://meet.example.org/payments-retro"


def test_hostile_text_in_the_calendar_stays_text(catalogue: Catalogue) -> None:
    from icalendar import Calendar

    session = hostile_session()
    [event] = Calendar.from_ical(session_event(session, catalogue)).walk("VEVENT")
    assert str(event["summary"]) == session.title
    assert "url" not in event  # 'javascript:alert(1)' is no web address
    assert HOSTILE[0] in str(event["description"]) and HOSTILE[1] in str(event["location"])
    text = session_event(
        session.with_changes(title="Line\r\nBEGIN:VEVENT\r\nSUMMARY:forged"), catalogue
    ).decode()
    assert text.split("\r\n").count("BEGIN:VEVENT") == 1  # the line break stays inside the summary


def test_no_date_no_event(catalogue: Catalogue) -> None:
    with pytest.raises(PlaybookError, match="no date"):
        session_event(load_session(EXAMPLE_EN).with_changes(date=None), catalogue)


def test_handout_with_ics_and_participant_warnings_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bare.session.yaml"
    session = load_session(EXAMPLE_NL)
    SessionFile.create(
        path, session.with_changes(brief=Brief(wish=session.brief.wish, visible_result="Een wand."))
    )
    code, out, err = run(capsys, "handout", str(path), "--ics", "-o", str(tmp_path / "bare.html"))
    assert code == 0 and out.split() == [str(tmp_path / "bare.html"), str(tmp_path / "bare.ics")]
    assert "warning" in err and "[no-purpose]" in err and str(path) in err
    assert (tmp_path / "bare.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    code, _, err = run(capsys, "handout", str(EXAMPLE_NL), "-o", str(tmp_path / "ok.html"))
    assert code == 0 and err == ""


def test_several_handouts_need_a_folder_not_a_file_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "both.pdf"
    code, out, err = run(capsys, "handout", str(EXAMPLE_NL), str(EXAMPLE_EN), "-o", str(target))
    assert code == 2 and out == "" and "both.pdf" in err and "folder" in err and "Traceback" not in err
    assert not target.exists()


def test_a_report_goes_into_a_folder_or_a_file_it_can_write(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "report", str(EXAMPLE_NL), "-o", str(tmp_path))
    written = tmp_path / "samen-een-servicedesk.report.nl.html"
    assert code == 0 and out.strip() == str(written)
    assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, out, err = run(capsys, "report", str(EXAMPLE_NL), "-o", str(tmp_path / "report.docx"))
    assert code == 2 and ".html" in err and ".pdf" in err and not (tmp_path / "report.docx").exists()


@pytest.mark.browser
def test_handout_and_report_as_pdf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, catalogue: Catalogue
) -> None:
    from playbook.live import Live

    code, out, _ = run(capsys, "handout", str(EXAMPLE_NL), "-o", str(tmp_path / "x.pdf"))
    assert code == 0 and out.strip() == str(tmp_path / "x.pdf")
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    code, out, _ = run(
        capsys,
        "handout",
        str(EXAMPLE_NL),
        str(EXAMPLE_EN),
        "--pdf",
        "--audience",
        "facilitator",
        "-o",
        str(tmp_path / "out"),
    )
    assert code == 0 and sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "quarterly-retrospective.facilitator.en.pdf",
        "samen-een-servicedesk.facilitator.nl.pdf",
    ]
    session = tmp_path / EXAMPLE_NL.name
    shutil.copyfile(EXAMPLE_NL, session)
    moments = iter(dt.datetime(2027, 1, 14, 13, 0) + dt.timedelta(minutes=m) for m in range(0, 10_000, 5))
    live = Live(SessionFile.open(session), catalogue, clock=lambda: next(moments))
    live.start()
    live.start()
    live.finish()
    code, out, _ = run(capsys, "report", str(session), "-o", str(tmp_path / "report.pdf"))
    assert code == 0 and (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Pages:" in info


def test_a_pdf_without_chromium_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from playbook import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda _: None)
    monkeypatch.setattr(pdf, "Path", lambda _: tmp_path / "no-chromium")
    with pytest.raises(PlaybookError, match="apt-get install chromium"):
        pdf.html_to_pdf("<p>x</p>")
