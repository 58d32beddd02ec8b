"""Widgets, driven from Python as a facilitator would click them; the files on disk are the proof."""

from __future__ import annotations

from pathlib import Path

from playbook.catalogue import Catalogue
from playbook.session import load_session
from playbook.ui import CatalogueBrowser, StartPanel
from playbook.ui.browse import intervention_card_html
from playbook.ui.start import session_summary_html
from playbook.workspace import current_path


def test_start_panel_opens_the_example_when_nothing_was_chosen(isolated: Path) -> None:
    panel = StartPanel()
    assert panel.session is not None and panel.session.title == "Samen één servicedesk"
    assert panel.handle.path.parent == isolated
    assert "Samen één servicedesk" in panel.summary.value and "18" in panel.summary.value


def test_start_panel_creates_a_session_that_later_notebooks_open(isolated: Path) -> None:
    panel = StartPanel(lang="nl")
    panel.new_title.value = "Heidag <directie> & team"
    panel.new_language.value = "en"
    panel.create_button.click()
    path = current_path()
    assert path is not None and path.parent == isolated
    assert load_session(path).title == "Heidag <directie> & team" and load_session(path).language == "en"
    assert "Heidag &lt;directie&gt; &amp; team" in panel.summary.value  # shown literally, never as markup
    assert StartPanel().session.title == "Heidag <directie> & team"  # the next notebook opens it
    assert str(path) in [value for _, value in panel.mine.options]


def test_start_panel_switches_to_the_other_example_and_back(isolated: Path) -> None:
    panel = StartPanel()
    panel.examples.value = "quarterly-retrospective"
    panel.open_example_button.click()
    assert panel.session.language == "en" and current_path().name == "quarterly-retrospective.session.yaml"
    panel.mine.value = str(isolated / "samen-een-servicedesk.session.yaml")
    panel.open_mine_button.click()
    assert panel.session.language == "nl" and current_path().name == "samen-een-servicedesk.session.yaml"


def test_start_panel_shows_mistakes_as_messages(isolated: Path) -> None:
    panel = StartPanel()
    before = current_path()
    panel.new_title.value = "   "
    panel.create_button.click()
    assert "Could not do that" in panel.status.value and "must not be empty" in panel.status.value
    assert current_path() == before and len(list(isolated.glob("*.session.yaml"))) == 1


def test_summary_escapes_user_text(example: Path) -> None:
    from playbook.session import SessionFile

    handle = SessionFile.open(example)
    hostile = handle.session.with_changes(title="<script>alert(1)</script>")
    handle.save(hostile)
    html = session_summary_html(handle, "en")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_browser_filters_and_searches(catalogue: Catalogue) -> None:
    browser = CatalogueBrowser(catalogue, lang="en")
    assert len(browser.results) == len(catalogue)
    browser.role.value = "converge"
    assert browser.results and all(i.role == "converge" for i in browser.results)
    browser.query.value = "stippen"
    assert "dot-voting" in [i.id for i in browser.results]
    assert all(i.role == "converge" for i in browser.results)
    browser.role.value = None
    browser.setting.value = "online"
    assert all("online" in i.settings for i in browser.results)
    browser.query.value = "xyzzy"
    assert browser.results == [] and "No intervention matches." in browser.cards.value


def test_browser_switches_language_and_keeps_filters(catalogue: Catalogue) -> None:
    browser = CatalogueBrowser(catalogue, lang="en")
    browser.layer.value = "below"
    browser.language.value = "nl"
    assert browser.layer.value == "below" and ("Onderstroom", "below") in browser.layer.options
    assert "werkvormen" in browser.count.value
    assert all(i.layer in ("below", "both") for i in browser.results)


def test_card_shows_the_whole_method(catalogue: Catalogue) -> None:
    card = intervention_card_html(catalogue.get("1-2-4-all"), "nl")
    for words in (
        "1-2-4-allen",
        "Uitnodiging",
        "tweetallen",
        "Zichtbaar resultaat",
        "Lipmanowicz",
        "meegeleverd met het playbook",
    ):
        assert words in card
