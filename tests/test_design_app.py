"""The app (Voilà, in Debian's Chromium): notebook 03 proposes a draft and uses it, like JupyterLab does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from playbook.session import SessionFile
from playbook.workspace import DEFAULT_EXAMPLE, init_folder

from . import servers
from .test_e2e import ARTIFACTS, eventually, page  # noqa: F401  (page: localhost only, errors kept)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_propose_and_use_a_draft_in_the_app(page: Any, tmp_path: Path) -> None:  # noqa: F811
    folder = init_folder(tmp_path / "playbook").folder
    path = folder / "sessions" / f"{DEFAULT_EXAMPLE}.session.yaml"
    with servers.app(folder, tmp_path, tmp_path / "app.log") as app:
        app.wait("/")
        page.goto(f"{app.base}/voila/render/03_design_the_session.ipynb", timeout=180_000)
        propose = page.locator(".pb-propose")
        propose.wait_for(timeout=180_000)
        before = SessionFile.open(path).session
        propose.click()
        page.locator(".pb-draft").wait_for(timeout=60_000)
        assert "Traceback" not in page.locator("body").inner_text()
        page.screenshot(path=str(ARTIFACTS / "app-03-draft.png"), full_page=True)
        page.locator(".pb-use-draft").click()
        assert eventually(lambda: SessionFile.open(path).session.agenda != before.agenda), "not saved"
        after = SessionFile.open(path).session
        assert after.alternatives[0].agenda == before.agenda
        rows = page.locator(".pb-agenda-row")
        assert eventually(lambda: rows.count() == len(after.agenda)), "the builder did not follow"
        page.screenshot(path=str(ARTIFACTS / "app-03-used.png"), full_page=True)
    assert page.outside == [], "the app asked the network for something"
    assert [m for m in page.errors if "403 (Forbidden)" not in m] == []
