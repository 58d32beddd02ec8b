"""The room in Debian's Chromium: three phones join by the URL, check in, write cards and vote, while the
facilitator's page and the projected view follow without a reload. Every page may reach the room only.

Screenshots (the phones at 390 px, the facilitator's page, the beamer) stay in ``build/test-artifacts/room``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playbook.catalogue import load_catalogue
from playbook.live import Live
from playbook.session import SessionFile, load_session

from .test_e2e import ARTIFACTS, eventually
from .test_handout import HOSTILE
from .test_room_service import Room, start_room
from .test_room_service import session as session  # the fixture: a copy of the English example

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS.parent / "room"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
RTL = "abc\u202edcba"  # a right-to-left override: shown as the letters it hides behind, never reordering the page
WORDS = ("curious", HOSTILE[0], "tired")


class Page:
    """A page in its own context that may reach the room only; what else it tried and said is kept."""

    def __init__(self, browser: Any, room: Room, **options: Any) -> None:
        self.context = browser.new_context(**options)
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

        def route(r: Any) -> None:
            if r.request.url.startswith(room.base + "/"):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def clean(self, refusals: int = 0) -> None:
        """Nothing from outside, no dialog, no error but the refusals the test provoked (a 409 each)."""
        refused = [e for e in self.errors if "status of 409" in e]

        assert self.outside == [] and self.dialogs == [] and len(refused) == refusals
        assert [e for e in self.errors if e not in refused] == []


@pytest.fixture
def room(session: Path, tmp_path: Path) -> Iterator[Room]:
    with start_room(session, tmp_path / "room.log") as server:
        server.wait("/j/")
        yield Room(server, session)


def host_open(
    host: Any, kind: str, prompt: str = "", options: str = "", source: str = "", per_person: int = 3
) -> None:
    form = host.locator(".pb-new form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=prompt]").fill(prompt)
    form.locator("textarea[name=options]").fill(options)
    if source:
        form.locator("select[name=source]").select_option(source)
    form.locator("input[name=per_person]").fill(str(per_person))
    form.get_by_role("button", name="Open").click()


def test_three_phones_check_in_write_and_vote_while_the_facilitator_follows_live(
    browser: Any, room: Room, session: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    token, room_id = room.store.meta["token"], room.store.room_id
    facilitator = Page(browser, room, viewport={"width": 1280, "height": 900})
    host = facilitator.page
    host.goto(f"{room.base}/host/{room_id}#token={token}")
    host.get_by_text(f"Code {room.code}").wait_for()
    assert token not in room.join_url

    phones = [Page(browser, room, **PHONE) for _ in range(3)]
    for p in phones:
        p.page.goto(room.join_url)
        p.page.get_by_text("Nothing is open yet").wait_for()

    # A block starts in notebook 05: the phones show its countdown without being reloaded.
    live = Live(SessionFile.open(session), load_catalogue())
    live.start()
    for p in phones:
        p.page.locator(".pb-now").wait_for(timeout=15_000)
        p.page.locator(".pb-time").filter(has_text=re.compile(r"\d+:\d\d left")).wait_for(timeout=15_000)

    host_open(host, "checkin")
    for p, word in zip(phones, WORDS, strict=True):
        page = p.page
        page.locator("input[name=text]").wait_for(timeout=15_000)
        page.locator("input[name=text]").fill(word)
        page.locator("label").filter(has=page.locator("input[value='4']")).click()
        page.get_by_role("button", name="Send").click()
        page.get_by_text("Received.").wait_for()
    host.get_by_text("Took part: 3").wait_for(timeout=15_000)
    assert "curious" not in host.locator("main").inner_text()  # the count first, the words once revealed

    host_open(host, "cards", prompt="What is hard to say aloud?")
    cards = [f"{HOSTILE[1]} we never decide", f"{RTL} {HOSTILE[3]}", "Meetings run long"]
    for p, text in zip(phones, cards, strict=True):
        page = p.page
        area = page.locator("#pb-live textarea[name=text]")
        area.wait_for(timeout=15_000)
        area.fill(text)
        area.locator("xpath=ancestor::form").get_by_role("button", name="Send").click()
        page.get_by_text("You have written 1").wait_for()
    cards_box = host.locator("section.pb-activity").filter(has_text="Anonymous cards")
    cards_box.get_by_text("3 in, 3 hidden").wait_for(timeout=15_000)
    assert "Meetings run long" not in host.locator("main").inner_text()
    phones[0].page.screenshot(path=str(SHOTS / "phone-cards.png"), full_page=True)

    beamer = Page(browser, room, viewport={"width": 1280, "height": 720})
    beamer.page.goto(f"{room.base}/screen/{room_id}#token={token}")
    beamer.page.get_by_text(room.code, exact=True).wait_for()
    beamer.page.get_by_text("3 not revealed yet").wait_for(timeout=15_000)

    cards_box.get_by_role("button", name="Reveal all").click()
    host.locator("bdi.pb-text", has_text="Meetings run long").wait_for(timeout=15_000)
    beamer.page.get_by_text("Meetings run long").wait_for(timeout=15_000)
    shown = beamer.page.locator("main").inner_text()
    assert f"{HOSTILE[1]} we never decide" in shown and f"abcdcba {HOSTILE[3]}" in shown

    source = (
        host.locator(".pb-new select[name=source] option")
        .filter(has_text="What is hard")
        .get_attribute("value")
    )
    host_open(host, "vote", source=source or "", per_person=2)
    for n, p in enumerate(phones):
        page = p.page
        page.locator(".pb-dot").first.wait_for(timeout=15_000)
        for item in (n % 3, (n + 1) % 3):
            page.locator(".pb-dot").nth(item).get_by_role("button", name=re.compile("^Add a dot")).click()
            page.locator(".pb-dot").nth(item).get_by_text("Received.").wait_for()
        page.locator(".pb-dot").nth((n + 2) % 3).get_by_role("button", name=re.compile("^Add a dot")).click()
        page.get_by_text("You have used all your 2 dots").wait_for()
    phones[0].page.screenshot(path=str(SHOTS / "phone-vote.png"), full_page=True)
    host.locator("section.pb-activity").filter(has_text="Dot vote").get_by_role(
        "button", name="Reveal all"
    ).click()
    beamer.page.locator(".pb-bars rect").first.wait_for(timeout=15_000)
    assert beamer.page.locator(".pb-bars .pb-n").all_inner_texts() == ["2", "2", "2"]
    beamer.page.screenshot(path=str(SHOTS / "beamer-vote.png"))
    host.screenshot(path=str(SHOTS / "facilitator.png"), full_page=True)

    for p in phones:  # readable at 390 px: nothing sticks out sideways
        assert p.page.evaluate("document.documentElement.scrollWidth") <= 390
    for p in [facilitator, beamer]:
        p.clean()
    for p in phones:
        p.clean(refusals=1)  # the third dot

    def saved() -> bool:
        room_results = load_session(session).run.room.activities
        return len(room_results) == 3 and all(a.counts for a in room_results if a.kind == "vote")

    assert eventually(saved, 20)
    results = load_session(session).run.room.activities
    assert sorted(e.text for e in results[1].entries) == sorted(c.replace("\u202e", "") for c in cards)
    assert [c.count for c in results[2].counts] == [2, 2, 2] and results[0].participants == 3
    text = session.read_text(encoding="utf-8")
    cookies = [c["value"] for p in phones for c in p.context.cookies()]
    assert cookies and not [c for c in cookies if c in text] and token not in text
    for p in [facilitator, beamer, *phones]:
        p.context.close()
