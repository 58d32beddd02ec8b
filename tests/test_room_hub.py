"""The room on the workshop hub: a trainer logs in through the hub, opens a room for one of their sessions,
and a phone without a hub account joins it through the hub's address and checks in.

The hub is the one in ``deploy/jupyterhub`` (its room service included), driven in Debian's Chromium as in
``test_hub.py``. Another participant of the hub gets nothing of the trainer's room.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from playbook.room.store import RoomStore, store_path
from playbook.session import load_session
from playbook.workspace import DEFAULT_EXAMPLE

from . import servers
from .test_e2e import ARTIFACTS, eventually
from .test_hub import PROXY
from .test_room_browser import PHONE, host_open

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.hub]


def test_a_trainer_opens_a_room_on_the_hub_and_a_phone_joins_without_an_account(
    browser: Any, tmp_path: Path
) -> None:
    if not PROXY.exists():
        pytest.skip("the hub's proxy is not installed (make hub-proxy installs it with npm)")
    password = secrets.token_hex(8)
    state = tmp_path / "hub"
    shots = ARTIFACTS.parent / "room-hub"
    shots.mkdir(parents=True, exist_ok=True)
    contexts = []
    with servers.hub(state, tmp_path / "hub.log", password) as hub:
        hub.wait("/hub/health")
        try:
            trainer = browser.new_context(viewport={"width": 1280, "height": 900})
            contexts.append(trainer)
            page = trainer.new_page()
            servers.hub_login(page, hub, "trainer", password)  # the first login copies the playbook
            page.goto(f"{hub.base}/services/room/")
            item = page.locator("li").filter(has_text=f"{DEFAULT_EXAMPLE}.session.yaml")
            item.get_by_role("button").click()
            page.locator(".pb-code").wait_for(timeout=60_000)
            session = (
                state / "homes" / "trainer" / "playbook" / "sessions" / f"{DEFAULT_EXAMPLE}.session.yaml"
            )
            store = RoomStore.open(session)
            assert store.path == store_path(session) and store.meta["owner"] == "trainer"
            join = store.meta["join_url"]
            assert join == f"{hub.base}/services/room/j/{store.code}" and store.meta["token"] not in join
            host_open(page, "checkin")

            phone = browser.new_context(**PHONE)  # no hub account, no login
            contexts.append(phone)
            p = phone.new_page()
            p.goto(join)
            p.locator("input[name=text]").wait_for(timeout=30_000)
            p.locator("input[name=text]").fill("benieuwd")
            p.locator("label").filter(has=p.locator("input[value='5']")).click()
            p.get_by_role("button", name="Versturen").click()
            p.get_by_text("Ontvangen.").wait_for(timeout=30_000)
            page.get_by_text("Meegedaan: 1").wait_for(timeout=30_000)  # the trainer's page, not reloaded
            page.screenshot(path=str(shots / "trainer.png"), full_page=True)
            p.screenshot(path=str(shots / "phone.png"), full_page=True)

            # Another participant on the hub sees only their own sessions, and nothing of this room.
            other = browser.new_context()
            contexts.append(other)
            o = other.new_page()
            servers.hub_login(o, hub, "anna", password)
            response = o.goto(f"{hub.base}/services/room/host/{store.room_id}")
            assert response is not None and response.status == 403
            state_answer = o.request.get(f"{hub.base}/services/room/host/{store.room_id}/state?v=")
            assert state_answer.status == 403 and "benieuwd" not in state_answer.text()
            o.goto(f"{hub.base}/services/room/")
            assert o.locator("form button").count() >= 1  # anna's own example sessions, with rooms to open
            assert store.room_id not in o.content()

            def saved() -> bool:
                activities = load_session(session).run.room.activities
                return bool(activities) and activities[0].participants == 1

            assert eventually(saved, 30)
            assert "benieuwd" not in session.read_text(encoding="utf-8")  # not revealed: counted only
        finally:
            for context in contexts:
                context.close()
    servers.stop_processes(
        [pid for user, pid in servers.hub_servers().items() if user in ("trainer", "anna")]
    )
