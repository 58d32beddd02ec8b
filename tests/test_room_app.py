"""The room from the app (Voilà, notebook 05) as a facilitator uses it: start the room with a click, a phone
joins and checks in, and the notebook's panel shows it arrive without a reload; reveal, then stop the room.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from playbook.room.store import RoomStore, store_path

from . import servers
from .test_e2e import ARTIFACTS, eventually, session_path
from .test_e2e import folder as folder  # the fixtures: a playbook init folder, a page kept on localhost
from .test_e2e import page as page
from .test_room_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_app_starts_the_room_and_shows_a_phone_s_check_in_live(
    page: Any, folder: Path, tmp_path: Path, browser: Any
) -> None:
    session = session_path(folder)
    with servers.app(folder, tmp_path, tmp_path / "app.log") as app:
        app.wait("/")
        page.goto(f"{app.base}/voila/render/05_run_the_session.ipynb")
        page.locator(".pb-room-status").wait_for(timeout=180_000)
        try:
            page.get_by_role("button", name="De ruimte starten").click()
            assert eventually(lambda: store_path(session).exists() and RoomStore.open(session).running(), 60)
            store = RoomStore.open(session)
            page.locator(".pb-room-join").get_by_text(store.code, exact=True).wait_for(timeout=30_000)
            page.locator(".pb-room-open").click()  # a check-in, the first kind in the list

            phone = browser.new_context(**PHONE)
            p = phone.new_page()
            p.goto(store.meta["join_url"])
            p.locator("input[name=text]").wait_for(timeout=30_000)
            p.locator("input[name=text]").fill("nieuwsgierig")
            p.locator("label").filter(has=p.locator("input[value='4']")).click()
            p.get_by_role("button", name="Versturen").click()
            p.get_by_text("Ontvangen.").wait_for(timeout=30_000)

            counts = page.locator(".pb-room-counts").first
            counts.filter(has_text="Meegedaan: 1").wait_for(timeout=30_000)  # the panel, not reloaded
            assert "nieuwsgierig" not in page.locator("body").inner_text()  # counted, not yet shown
            page.locator(".pb-room-reveal-all").first.click()
            page.locator(".pb-room-card").filter(has_text="nieuwsgierig").wait_for(timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "app-05-room.png"), full_page=True)
            phone.close()

            page.get_by_role("button", name="De ruimte stoppen").click()
            assert eventually(lambda: not RoomStore.open(session).running(), 30)
        finally:
            store = RoomStore.open(session) if store_path(session).exists() else None
            if store is not None and store.running():  # the room this test started, by its own pid
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(store.meta["pid"]), signal.SIGTERM)
    assert page.outside == []
