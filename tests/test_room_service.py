"""The room's service over HTTP, started as ``playbook room FILE`` in its own process, as a user starts it.

Phones are simulated with a cookie jar each; the facilitator with the token from the room's store. The
checks are the door's rules: tokens, cookies per room, CSRF, the Host header, the Content-Security-Policy,
length and rate limits, a closed room, guessed codes, and that the session document gets the results.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import secrets
import shutil
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playbook.app import free_port
from playbook.room.store import RoomStore
from playbook.session import load_session

from . import servers
from .conftest import EXAMPLE_EN


class Room:
    """A running ``playbook room`` and what its facilitator knows (from the store beside the session)."""

    def __init__(self, server: servers.Server, session: Path) -> None:
        self.server, self.session = server, session
        self.store = RoomStore.open(session)

    @property
    def base(self) -> str:
        return self.server.base

    @property
    def code(self) -> str:
        self.store.refresh()
        return self.store.code

    @property
    def join_url(self) -> str:
        self.store.refresh()
        return self.store.meta["join_url"]

    def act(self, action: str, token: str | None = None, **fields: Any) -> tuple[int, dict[str, Any]]:
        """One of the facilitator's actions, with the room's token unless another is given."""
        token = self.store.meta["token"] if token is None else token
        data = urllib.parse.urlencode({"action": action, **fields}).encode()
        request = urllib.request.Request(
            f"{self.base}/host/{self.store.room_id}/act",
            data=data,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        return _call(request)

    def open(self, kind: str, **fields: Any) -> int:
        status, body = self.act("open", kind=kind, **fields)
        assert status == 200, body
        return max(a.id for a in RoomStore.open(self.session).activities())

    def state(self, kind: str = "host") -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base}/{kind}/{self.store.room_id}/state?v=",
            headers={"Authorization": f"Bearer {self.store.meta['token']}"},
        )
        status, body = _call(request)
        assert status == 200, body
        return body


def _call(request: urllib.request.Request, opener: Any = None) -> tuple[int, dict[str, Any]]:
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    try:
        return status, json.loads(body or b"{}")
    except ValueError:  # a page, not data
        return status, {"html": body.decode("utf-8", "replace")}


class Phone:
    """One participant's phone: its own cookies, the page's CSRF token, submission ids of its own."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.xsrf = ""

    def join(self, url: str | None = None) -> tuple[int, str]:
        try:
            with self.opener.open(url or self.room.join_url, timeout=30) as response:
                page = response.read().decode("utf-8")
                status = response.status
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        found = re.search(r'name="_xsrf" value="([^"]+)"', page)  # as in the page's forms
        self.xsrf = found[1] if found else next((c.value for c in self.jar if c.name == "_xsrf"), "")
        return status, page

    def send(
        self, activity: int, sid: str | None = None, xsrf: bool = True, **fields: Any
    ) -> tuple[int, dict]:
        data = {"activity": activity, "sid": sid or secrets.token_hex(16), **fields}
        if xsrf:
            data["_xsrf"] = self.xsrf
        request = urllib.request.Request(
            f"{self.room.base}/j/{self.room.code}/submit",
            data=urllib.parse.urlencode(data).encode(),
            headers={"Accept": "application/json"},
        )
        return _call(request, self.opener)

    def state(self, v: str = "") -> tuple[int, dict]:
        request = urllib.request.Request(f"{self.room.base}/j/{self.room.code}/state?v={v}")
        return _call(request, self.opener)


def start_room(session: Path, log: Path, *extra: str, port: int | None = None) -> servers.Server:
    port = port or free_port()
    argv = [sys.executable, "-m", "playbook", "room", str(session), f"--port={port}", *extra]
    return servers.Server(argv, servers.jupyter_env(session.parent), session.parent, log, port)


@pytest.fixture
def session(tmp_path: Path) -> Path:
    target = tmp_path / "retro.session.yaml"
    shutil.copyfile(EXAMPLE_EN, target)
    return target


@pytest.fixture
def room(session: Path, tmp_path: Path) -> Iterator[Room]:
    with start_room(session, tmp_path / "room.log") as server:
        server.wait("/j/")
        yield Room(server, session)


def test_the_cli_prints_the_join_url_code_and_qr_but_no_token_in_the_join_link(room: Room) -> None:
    log = room.server.log()
    token = room.store.meta["token"]
    assert room.join_url == f"{room.base}/j/{room.code}" and room.join_url in log
    assert f"Code {room.code}" in log and "█" in log  # the QR code, drawn in the terminal
    assert f"#token={token}" in log and token not in room.join_url
    status, page = Phone(room).join()
    assert status == 200 and token not in page


def test_a_phone_joins_checks_in_and_a_retry_counts_once(room: Room) -> None:
    phone = Phone(room)
    status, page = phone.join()
    assert status == 200 and "Nothing is open yet" in page
    checkin = room.open("checkin")
    sid = secrets.token_hex(16)
    first = phone.send(checkin, sid, text="curious", mood="4")
    again = phone.send(checkin, sid, text="curious", mood="4")
    assert first[0] == again[0] == 200 and again[1]["again"] and again[1]["entry"] == first[1]["entry"]
    assert "You checked in with “curious” (4)" in again[1]["section"]
    assert room.store.counts(checkin)["participants"] == 1
    assert "Took part: 1" in room.state()["html"]


def test_a_page_hears_of_a_new_activity_without_asking_again(room: Room) -> None:
    phone = Phone(room)
    phone.join()
    v = phone.state()[1]["v"]
    answered: dict[str, Any] = {}

    def wait() -> None:
        start = time.monotonic()
        answered["body"] = phone.state(v)[1]
        answered["seconds"] = time.monotonic() - start

    waiting = threading.Thread(target=wait)
    waiting.start()
    time.sleep(1.0)
    room.open("cards", prompt="What is the elephant?")
    waiting.join(30)
    assert answered["seconds"] < 15 and answered["body"]["v"] != v
    assert "What is the elephant?" in answered["body"]["html"]


def test_control_needs_the_token_and_never_a_participant_cookie(room: Room) -> None:
    assert room.act("open", token="", kind="cards")[0] == 403
    assert room.act("open", token="wrong-" + room.store.meta["token"], kind="cards")[0] == 403
    phone = Phone(room)
    phone.join()
    request = urllib.request.Request(
        f"{room.base}/host/{room.store.room_id}/state?v=&token={room.store.meta['token']}"
    )
    assert _call(request, phone.opener)[0] == 403  # a token in the URL is not how it is given
    assert room.store.activities() == []


def test_every_post_needs_its_csrf_token(room: Room) -> None:
    phone = Phone(room)
    phone.join()
    cards = room.open("cards")
    assert phone.send(cards, xsrf=False, text="no token")[0] == 403
    other = Phone(room)
    other.join()
    phone.xsrf = other.xsrf + "x"
    assert phone.send(cards, text="someone else's token")[0] == 403
    assert room.store.counts(cards)["entries"] == 0


def test_pages_carry_a_strict_csp_and_refuse_other_host_names(room: Room) -> None:
    with urllib.request.urlopen(room.join_url.replace("/j/", "/j/"), timeout=10) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp and headers["X-Content-Type-Options"] == "nosniff"
    request = urllib.request.Request(room.join_url, headers={"Host": "attacker.example"})
    assert _call(request)[0] == 400  # a DNS-rebound name gets nothing
    with urllib.request.urlopen(f"{room.base}/static/room.js", timeout=10) as response:
        script = response.read().decode()
    assert not re.search(r"https?://|//[a-z]", script.replace("// ", ""))  # no address outside the room


def test_requests_from_another_site_get_nothing_and_change_nothing(room: Room) -> None:
    cards = room.open("cards", prompt="What is hard to say?")
    phone = Phone(room)
    assert phone.join()[0] == 200
    own = room.base.split("//", 1)[1].split("/", 1)[0]
    for origin, status in [("http://attacker.example", 403), ("null", 403), (f"http://{own}", 200)]:
        request = urllib.request.Request(room.join_url, headers={"Origin": origin})
        assert _call(request, phone.opener)[0] == status, origin
    data = {"activity": cards, "sid": secrets.token_hex(16), "text": "from elsewhere", "_xsrf": phone.xsrf}
    request = urllib.request.Request(
        f"{room.base}/j/{room.code}/submit",
        data=urllib.parse.urlencode(data).encode(),
        headers={"Accept": "application/json", "Origin": "http://attacker.example"},
    )
    assert _call(request, phone.opener)[0] == 403  # the phone's own cookie and token, another site's page
    request = urllib.request.Request(
        f"{room.base}/host/{room.store.room_id}/act",
        data=urllib.parse.urlencode({"action": "close_room"}).encode(),
        headers={"Authorization": f"Bearer {room.store.meta['token']}", "Origin": "http://attacker.example"},
    )
    assert _call(request)[0] == 403
    room.store.refresh()
    assert room.store.counts(cards)["entries"] == 0 and room.store.is_open
    assert phone.send(cards, text="from the room itself")[0] == 200  # the room's own page still works


def test_a_guessed_code_gets_nothing_and_guessing_is_slowed_down(room: Room) -> None:
    phone = Phone(room)
    statuses = [
        phone.join(f"{room.base}/j/{'ABCDEF' if room.code != 'ABCDEF' else 'ABCDEG'}")[0] for _ in range(14)
    ]
    assert statuses[0] == 404 and statuses[-1] == 429
    page = phone.join(f"{room.base}/j/ZZZZZZ")[1]
    assert room.code not in page and room.store.meta["token"] not in page


def test_a_cookie_from_another_room_counts_for_nothing(room: Room, tmp_path: Path) -> None:
    other_session = tmp_path / "other.session.yaml"
    shutil.copyfile(room.session, other_session)
    with start_room(other_session, tmp_path / "other.log") as server:
        server.wait("/j/")
        other = Room(server, other_session)
        stranger = Phone(other)
        stranger.join()
        cards = room.open("cards")
        phone = Phone(room)
        phone.join()
        for cookie in stranger.jar:  # the other room's signed cookie, presented here
            if cookie.name.startswith("pb_"):
                phone.jar.clear(
                    cookie.domain, cookie.path, next(c.name for c in phone.jar if c.name.startswith("pb_"))
                )
                phone.jar.set_cookie(cookie)
        assert phone.send(cards, text="from another room")[0] == 403
        assert room.store.counts(cards)["entries"] == 0


def test_a_closed_room_accepts_nothing(room: Room) -> None:
    phone = Phone(room)
    phone.join()
    cards = room.open("cards")
    assert room.act("close_room")[0] == 200
    status, body = phone.send(cards, text="too late")
    assert status == 403 and "closed" in body["message"]
    assert Phone(room).join()[0] == 403
    room.act("open_room")
    room.act("close", activity=cards)
    assert phone.send(cards, text="too late")[0] == 409
    assert room.store.counts(cards)["entries"] == 0


def test_length_and_rate_limits(room: Room) -> None:
    phone = Phone(room)
    phone.join()
    cards = room.open("cards")
    status, body = phone.send(cards, text="x" * 281)
    assert status == 400 and "280" in body["message"]
    assert phone.send(cards, text="y" * 20_000)[0] == 413
    assert phone.send(cards, sid="not an id", text="z")[0] == 400
    statuses = [phone.send(cards, text=f"card {n}")[0] for n in range(14)]
    assert statuses.count(200) <= 11 and statuses[-1] == 429
    assert room.store.counts(cards)["entries"] == statuses.count(200)


def test_concurrent_votes_from_one_phone_never_exceed_its_dots(room: Room) -> None:
    phone = Phone(room)
    phone.join()
    vote = room.open("vote", options="a\nb\nc\nd", per_person="3", per_item="1")
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda n=n: results.append(phone.send(vote, item=f"o{n % 4}")[0]))
        for n in range(10)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    mine = room.store.mine(
        next(iter(c.value for c in phone.jar if c.name.startswith("pb_"))), room.store.activity(vote)
    )
    assert results.count(200) <= 3
    tally = room.store.tally(room.store.activity(vote))
    assert sum(n for _, _, n in tally) == results.count(200) and all(n <= 1 for _, _, n in tally)
    assert mine["left"] >= 0


def test_the_session_document_gets_the_results_and_no_identities(room: Room) -> None:
    phones = [Phone(room) for _ in range(3)]
    checkin = room.open("checkin")
    for n, phone in enumerate(phones):
        phone.join()
        assert phone.send(checkin, text=f"word{n}", mood=str(n + 2))[0] == 200
    room.act("reveal_all", activity=checkin)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(
        a.entries for a in load_session(room.session).run.room.activities
    ):
        time.sleep(0.2)
    result = load_session(room.session).run.room.activities[0]
    assert sorted(e.text for e in result.entries) == ["word0", "word1", "word2"] and result.participants == 3
    text = room.session.read_text(encoding="utf-8")
    cookies = [c.value for p in phones for c in p.jar]
    assert not [c for c in cookies if c in text] and "127.0.0.1" not in text
    assert room.store.meta["token"] not in text and room.code not in text


def test_the_cli_names_a_missing_file_or_a_bad_port_in_one_line(tmp_path: Path) -> None:
    import subprocess

    missing = subprocess.run(
        [sys.executable, "-m", "playbook", "room", str(tmp_path / "nope.session.yaml")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (
        missing.returncode == 2 and "file not found" in missing.stderr and "Traceback" not in missing.stderr
    )
    session = tmp_path / "ok.session.yaml"
    shutil.copyfile(EXAMPLE_EN, session)
    bad = subprocess.run(
        [sys.executable, "-m", "playbook", "room", str(session), "--port", "70000"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "70000" in bad.stderr and not (tmp_path / "ok.room.sqlite").exists()


def test_listening_on_every_address_answers_to_this_machine_s_addresses_only(
    session: Path, tmp_path: Path
) -> None:
    with start_room(session, tmp_path / "all.log", "--host", "0.0.0.0") as server:
        server.wait("/j/")
        room = Room(server, session)
        assert "127.0.0.1" not in room.join_url or room.join_url.startswith(f"http://127.0.0.1:{server.port}")
        for host, status in [
            (f"127.0.0.1:{server.port}", 200),
            (f"localhost:{server.port}", 200),
            (f"127.0.0.2:{server.port}", 200),  # a loopback address of this machine, typed as digits
            (f"203.0.113.9:{server.port}", 400),  # not this machine
            (f"rebound.example:{server.port}", 400),
        ]:
            request = urllib.request.Request(f"{room.base}/j/", headers={"Host": host})
            assert _call(request)[0] == status, host


def test_without_the_script_a_plain_form_post_works_and_a_reload_does_not_send_it_again(room: Room) -> None:
    phone = Phone(room)
    phone.join()
    cards = room.open("cards")
    _, page = phone.join()
    sid = re.search(r'name="sid" value="([0-9a-f]+)"', page)[1]  # the id the page was rendered with
    data = urllib.parse.urlencode({"_xsrf": phone.xsrf, "activity": cards, "sid": sid, "text": "plain form"})

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(phone.jar), Stay())
    for _ in range(2):  # the browser's "send again?" after the post: the same id, counted once
        try:
            opener.open(
                urllib.request.Request(f"{room.base}/j/{room.code}/submit", data=data.encode()), timeout=30
            )
        except urllib.error.HTTPError as exc:
            assert exc.code == 303 and exc.headers["Location"] == f"/j/{room.code}"
    assert room.store.counts(cards)["entries"] == 1
    refused = urllib.parse.urlencode(
        {"_xsrf": phone.xsrf, "activity": cards, "sid": "b" * 32, "text": "x" * 300}
    )
    try:
        opener.open(
            urllib.request.Request(f"{room.base}/j/{room.code}/submit", data=refused.encode()), timeout=30
        )
    except urllib.error.HTTPError as exc:
        body = exc.read().decode()
        assert exc.code == 400 and "at most 280 characters" in body and "<form" in body  # the page, with why
