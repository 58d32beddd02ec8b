"""Notebook 04's export panel, driven from Python: the handout is written and linked."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from playbook.ui import ExportPanel, SessionBinding


def test_export_writes_the_handout_and_links_it(example: Path, tmp_path: Path) -> None:
    panel = ExportPanel(SessionBinding.open(example), folder=tmp_path / "handouts")
    panel.audience.value = "facilitator"
    panel.language.value = "en"
    panel.button.click()
    assert [p.name for p in panel.written] == ["samen-een-servicedesk.facilitator.en.html"]
    text = panel.written[0].read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "Facilitator's script" in html.unescape(text)
    assert "samen-een-servicedesk.facilitator.en.html</a>" in panel.result.value
    # The snapshot (for pages built elsewhere) links the file but names no folder of this machine.
    assert "samen-een-servicedesk.facilitator.en.html" in panel.snapshot_html()
    assert str(tmp_path) in panel.result.value and str(tmp_path) not in panel.snapshot_html()


def test_export_errors_are_messages(example: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    panel = ExportPanel(SessionBinding.open(example), folder=blocker / "handouts")
    assert panel.export() == []
    assert "de uitvoermap kan niet worden aangemaakt (Not a directory)" in panel.result.value  # Dutch session


def test_the_handout_is_also_offered_as_a_download_for_the_app(example: Path, tmp_path: Path) -> None:
    """The Voilà app and a hub cannot serve files beside the sessions: the link carries the file itself."""
    panel = ExportPanel(SessionBinding.open(example), folder=tmp_path / "handouts")
    panel.button.click()
    match = re.search(
        r'href="data:text/html;base64,([A-Za-z0-9+/=]+)" download="([^"]+)"', panel.result.value
    )
    assert match, panel.result.value[:300]
    assert base64.b64decode(match.group(1)) == panel.written[0].read_bytes()
    assert match.group(2) == panel.written[0].name
