"""The facilitator's path as a user walks it: JupyterLab and the Voilà app, in Debian's Chromium.

Each test starts a real server on a free localhost port: JupyterLab on a folder made by ``playbook init``,
the app through ``make app`` as a user types it, or ``playbook app`` on such a folder. On notebook 03,
with a copy of the example session, it types new minutes into one block's field and checks what a
facilitator would check: the arc chart is redrawn, the clock times move, and the session document on
disk holds the new minutes. The browser may only talk to the local server. Screenshots stay in
``build/test-artifacts/e2e`` after the run.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from playbook.agenda import clock, plan
from playbook.app import PATH
from playbook.catalogue import Catalogue
from playbook.session import SessionFile
from playbook.ui.preheat import READY
from playbook.workspace import DEFAULT_EXAMPLE, init_folder

from . import servers

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(os.environ.get("PLAYBOOK_ARTIFACTS", servers.ROOT / "build" / "test-artifacts")) / "e2e"
NOTEBOOK = "03_design_the_session.ipynb"
CHANGED_ROW = 1  # the second block: every later block's clock time depends on it


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A participant's own playbook folder, exactly as ``playbook init`` makes it."""
    report = init_folder(tmp_path / "playbook")
    assert (report.folder / NOTEBOOK).is_file()
    return report.folder


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that may reach 127.0.0.1 only; what else it asked for and every console error are kept."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.outside, page.errors = [], []
    local = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")

    def route(r: Any) -> None:
        if r.request.url.startswith(local):
            r.continue_()
        else:
            page.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.refused = []  # responses with an error status, by URL
    page.on("response", lambda r: page.refused.append(r.url) if r.status >= 400 else None)
    page.shutdowns = []  # the kernel shutdowns Voilà asks for when a page is left, answered or not
    page.on("request", lambda r: page.shutdowns.append(r.url) if "/voila/api/shutdown/" in r.url else None)
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def session_path(folder: Path) -> Path:
    return folder / "sessions" / f"{DEFAULT_EXAMPLE}.session.yaml"


def eventually(check: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def change_minutes_and_follow(page: Any, folder: Path, catalogue: Catalogue, shots: str) -> None:
    """Type new minutes into one block's field; the arc, the clock times and the file must follow."""
    arc = page.locator(".pb-arc")
    arc.locator("svg").wait_for(state="attached", timeout=180_000)
    arc.scroll_into_view_if_needed()
    rows = page.locator(".pb-agenda-row")
    before = SessionFile.open(session_path(folder)).session
    assert rows.count() == len(before.agenda)
    old = before.agenda[CHANGED_ROW].minutes
    new = old + 10
    arc_before = arc.inner_html()
    page.screenshot(path=str(ARTIFACTS / f"{shots}-before.png"))

    field = rows.nth(CHANGED_ROW).locator(".pb-minutes input")
    assert field.input_value() == str(old)
    field.fill(str(new))
    field.press("Tab")  # the field reports its value when it loses focus, as after typing

    page.wait_for_function(
        "before => document.querySelector('.pb-arc').innerHTML !== before", arg=arc_before, timeout=30_000
    )
    assert eventually(
        lambda: SessionFile.open(session_path(folder)).session.agenda[CHANGED_ROW].minutes == new
    ), "the session file on disk did not follow the widget"
    after = SessionFile.open(session_path(folder)).session
    assert [b.minutes for b in after.agenda] == [
        new if i == CHANGED_ROW else b.minutes for i, b in enumerate(before.agenda)
    ]
    moved = plan(after, catalogue).blocks[CHANGED_ROW + 1]
    assert eventually(lambda: clock(moved.start) in rows.nth(CHANGED_ROW + 1).inner_text(), 10)
    assert clock(moved.start) != clock(plan(before, catalogue).blocks[CHANGED_ROW + 1].start)
    arc.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{shots}-after.png"))


def test_notebook_03_in_jupyterlab(page: Any, folder: Path, tmp_path: Path, catalogue: Catalogue) -> None:
    token = secrets.token_hex(16)
    with servers.lab(folder, tmp_path, tmp_path / "lab.log", token) as lab:
        lab.wait(f"/api/status?token={token}")
        servers.open_in_lab(page, f"{lab.base}/lab/workspaces/e2e/tree/{NOTEBOOK}?token={token}&reset")
        change_minutes_and_follow(page, folder, catalogue, "lab-03")
        assert (folder / "sessions" / ".current-session").read_text().strip() == str(session_path(folder))
    assert page.outside == [], "JupyterLab asked the network for something"


def test_notebook_03_in_the_app(page: Any, tmp_path: Path, catalogue: Catalogue) -> None:
    """Started with ``make app``, as the README says: the repository's notebooks, sessions in WORKSPACE."""
    folder = tmp_path / "make-app"  # its sessions/ is the workspace make app is given
    with servers.make_app(tmp_path, tmp_path / "app.log", folder / "sessions") as app:
        app.wait("/", timeout=180)
        page.goto(f"{app.base}/")
        page.get_by_text(NOTEBOOK).wait_for(timeout=60_000)
        listed = page.locator(".jp-DirListing-item, li, tr").all_inner_texts()
        assert not any("workshop" in item for item in listed), "the app lists the trainer's notebooks"
        page.screenshot(path=str(ARTIFACTS / "app-tree.png"))
        page.errors.clear()  # the list page's own widget-manager noise, before any notebook opens

        page.goto(f"{app.base}/voila/render/{NOTEBOOK}")
        change_minutes_and_follow(page, folder, catalogue, "app-03")
        assert page.get_by_text("SessionBinding").count() == 0, "the app shows code"
    assert page.outside == [], "the app asked the network for something"
    assert page.errors == [], "the app logged errors in the browser"


def test_every_notebook_of_the_path_works_in_the_app(page: Any, folder: Path, tmp_path: Path) -> None:
    """Walking 00–05 by their links, each runs in the app without an error or code; the live clock ticks."""
    with servers.app(folder, tmp_path, tmp_path / "app.log") as app:
        app.wait("/")
        for notebook in PATH:
            if notebook != PATH[0]:  # the way a user walks the path: the link at the end of each step
                page.locator(f"a[href='{notebook}']").first.click()
                page.wait_for_url(f"**/voila/render/{notebook}")
            else:
                page.goto(f"{app.base}/voila/render/{notebook}", timeout=180_000)  # kernels warm up meanwhile
            page.locator(".widget-box, .jupyter-widgets").first.wait_for(state="attached", timeout=180_000)
            page.screenshot(path=str(ARTIFACTS / f"app-{notebook.removesuffix('.ipynb')}.png"))
            text = page.locator("body").inner_text()
            assert "Traceback" not in text and "error when executing" not in text.lower(), notebook
            assert page.locator(".jp-InputArea-editor, .cm-editor").count() == 0, f"{notebook} shows code"

        # Notebook 05 is open: start the session from the browser, then watch the countdown tick.
        page.locator(".pb-live-start").click()
        session = session_path(folder)
        assert eventually(lambda: SessionFile.open(session).session.run.started), "the start was not saved"
        now = page.locator(".pb-live-now")
        seen = now.inner_text()
        assert eventually(lambda: now.inner_text() != seen, 10), "the countdown does not tick in the app"
    # Leaving a page, Voilà asks to shut its kernel down. For a kernel it started on the request that is
    # refused (voila-dashboards/voila#1458) and the app culls it later; a page served by a kernel made
    # ready ahead of time may have it granted. Every other request must have succeeded, without errors.
    assert len(page.shutdowns) == len(PATH) - 1, page.shutdowns
    assert set(page.refused) <= set(page.shutdowns), page.refused
    assert page.outside == []
    assert [m for m in page.errors if "403 (Forbidden)" not in m] == []


def test_a_ready_kernel_shows_the_session_as_it_is_when_the_page_opens(
    page: Any, folder: Path, tmp_path: Path
) -> None:
    """The app keeps a preheated kernel per page; a session edited after that kernel started must show as
    edited: the kernel waits for the page before it reads the session."""
    with servers.app(folder, tmp_path, tmp_path / "app.log") as app:
        app.wait("/")
        assert eventually(lambda: app.log().count(READY) >= len(PATH), 240), "no kernels were made ready"
        handle = SessionFile.open(session_path(folder))
        agenda = list(handle.session.agenda)
        agenda[CHANGED_ROW] = replace(agenda[CHANGED_ROW], minutes=agenda[CHANGED_ROW].minutes + 7)
        handle.save(
            handle.session.with_changes(title="Edited after the kernel was ready", agenda=tuple(agenda))
        )

        page.goto(f"{app.base}/voila/render/{NOTEBOOK}")
        field = page.locator(".pb-agenda-row").nth(CHANGED_ROW).locator(".pb-minutes input")
        field.wait_for(state="attached", timeout=180_000)
        assert field.input_value() == str(agenda[CHANGED_ROW].minutes)
        assert "Using pre-heated kernel" in app.log(), "the page did not use the ready kernel"
        page.goto(f"{app.base}/voila/render/{PATH[0]}")
        page.get_by_text("Edited after the kernel was ready").first.wait_for(timeout=180_000)
    assert page.outside == []
