"""Hostile input in every field of the room shows as text everywhere: the phone page, the facilitator's
page, the projected view, the session document and the report; malformed fields are refused politely.

The payloads are the handouts' (script tags, attributes, Markdown and template syntax, quotes), plus a
right-to-left override and strings far too long. Pages are parsed as a browser would (html5lib) and the
report and the pages are opened in Chromium too.
"""

from __future__ import annotations

import contextlib
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pytest

from playbook.catalogue import Catalogue
from playbook.report import report_html
from playbook.session import SessionFile, load_session

from .test_handout import HOSTILE, hostile_session
from .test_room_browser import Page
from .test_room_service import Phone, Room, _call, start_room

RTL = "left\u202eright"
PAYLOADS = [*HOSTILE, RTL]
WORDS = [p for p in PAYLOADS if len(p) <= 40]


def scripts_and_handlers(page: str) -> list[str]:
    """Every script element and every on* attribute in a page, as a browser would parse it."""
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    found = [
        f"script {el.get('src')}"
        for el in tree.iter("script")
        if el.get("src", "").endswith("static/room.js") is False
    ]
    found += [f"{el.tag} {k}" for el in tree.iter() for k in el.attrib if k.lower().startswith("on")]
    return found


def text_of(page: str) -> str:
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    return "".join(tree.itertext())


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.session.yaml"
    SessionFile.create(path, hostile_session())
    return path


@pytest.fixture
def room(hostile: Path, tmp_path: Path) -> Iterator[Room]:
    with start_room(hostile, tmp_path / "room.log") as server:
        server.wait("/j/")
        yield Room(server, hostile)


def test_hostile_text_in_every_field_stays_text_on_every_page_and_in_the_report(
    room: Room, hostile: Path, catalogue: Catalogue, browser: Any
) -> None:
    checkin = room.open("checkin", prompt=HOSTILE[4])
    cards = room.open("cards", prompt=HOSTILE[0])
    phones = [Phone(room) for _ in WORDS]
    for n, (phone, word) in enumerate(zip(phones, WORDS, strict=True)):
        status, page = phone.join()
        assert status == 200 and scripts_and_handlers(page) == []
        assert phone.send(checkin, text=word, mood=str(1 + n % 5))[0] == 200
    for phone, text in zip(phones, PAYLOADS, strict=False):
        assert phone.send(cards, text=text)[0] == 200
    for field, value in [("text", "x" * 5000), ("mood", HOSTILE[0])]:
        status, body = phones[0].send(checkin, **{"text": "ok", "mood": "3", field: value})
        assert status == 400 and HOSTILE[0] not in body.get("message", "")
    before = room.store.counts(cards)["entries"]
    with contextlib.suppress(ConnectionError):  # far past the limit, Tornado cuts the connection
        assert phones[0].send(cards, text="y" * 300_000)[0] in (400, 413)
    assert room.store.counts(cards)["entries"] == before and Phone(room).join()[0] == 200
    for field, value in [("activity", HOSTILE[0]), ("sid", HOSTILE[1])]:
        data = {"activity": str(cards), "sid": "a" * 32, "text": "fine", field: value}
        status, body = phones[0].send(**data)
        assert status == 400 and "alert" not in str(body)
    room.act("reveal_all", activity=checkin)
    room.act("reveal_all", activity=cards)
    vote = room.open("vote", options="\n".join(HOSTILE[:4]), prompt=HOSTILE[2], per_person="2")
    assert phones[0].send(vote, item="o0")[0] == 200
    status, body = phones[0].send(vote, item=HOSTILE[5])
    assert status == 400 and "svg" not in body["message"]
    room.act("reveal_all", activity=vote)
    room.act("screen", activity=cards)

    shown = [e.replace("\u202e", "") for e in PAYLOADS]
    pages = {
        "phone": phones[1].join()[1],
        "host": room.state("host")["html"],
        "screen": room.state("screen")["html"],
    }
    for name, page in pages.items():
        assert scripts_and_handlers(page) == [], name
        assert "\u202e" not in page, name
    for payload in shown:
        assert payload in text_of(pages["host"]), payload
        assert payload in text_of(pages["screen"]), payload
    assert "&lt;script&gt;alert(" in pages["host"] and HOSTILE[0] not in pages["host"]
    assert HOSTILE[4] in text_of(pages["phone"])  # the session's title, on the phone

    # Bad values in the cookie, the language switch and the code get nothing back but our own words.
    request = urllib.request.Request(f"{room.base}/j/{room.code}", headers={"Cookie": "pb_lang=<script>x"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert b"<script>x" not in response.read()
    assert _call(urllib.request.Request(f"{room.base}/j/%3Cscript%3E"))[0] == 404

    room.server.stop()  # the last results are written on the way out
    document = load_session(hostile).run.room
    words = {e.text for e in document.activities[0].entries}
    assert words == {w.replace("\u202e", "") for w in WORDS}
    report = report_html(SessionFile.open(hostile), catalogue)
    assert scripts_and_handlers(report) == [] and "What the group said" in text_of(report)
    for payload in shown:
        assert payload in text_of(report), payload

    folder = hostile.parent / "out"
    folder.mkdir()
    (folder / "report.html").write_text(report, encoding="utf-8")
    visit = browser.new_context()
    page = visit.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    visit.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    page.goto((folder / "report.html").as_uri())
    seen = page.locator("body").inner_text()
    assert dialogs == [] and all(p.replace("\u202e", "") in seen for p in HOSTILE[:3])
    visit.close()


def test_the_phone_page_shows_hostile_titles_and_cards_as_text_in_chromium(
    browser: Any, hostile: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "second.session.yaml"
    shutil.copyfile(hostile, copy)
    with start_room(copy, tmp_path / "second.log") as server:
        server.wait("/j/")
        room = Room(server, copy)
        cards = room.open("cards", prompt=HOSTILE[3])
        phone = Phone(room)
        phone.join()
        phone.send(cards, text=HOSTILE[0])
        room.act("reveal_all", activity=cards)
        vote = room.open("vote", source=str(cards))
        visitor = Page(browser, room, viewport={"width": 390, "height": 800})
        visitor.page.goto(room.join_url)
        visitor.page.locator(".pb-dot").first.wait_for(timeout=15_000)
        text = visitor.page.locator("body").inner_text()
        assert HOSTILE[3] in text and HOSTILE[0] in text and "Plan" in visitor.page.title()
        assert vote and visitor.dialogs == [] and visitor.errors == [] and visitor.outside == []
        visitor.context.close()
