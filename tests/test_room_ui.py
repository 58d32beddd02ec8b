"""Notebook 05's room panel, driven from Python: counts first, content after reveal, results in the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from playbook.errors import PlaybookError
from playbook.participation import ActivitySpec, Submission
from playbook.room.store import RoomStore
from playbook.session import load_session
from playbook.ui import LiveCompanion, RoomPanel
from playbook.workspace import open_current

from .test_live import FakeClock


@pytest.fixture
def panel(example: Path) -> RoomPanel:
    companion = LiveCompanion(
        open_current(example), clock=FakeClock(dt.datetime(2027, 1, 14, 12, 58)), tick=False
    )
    RoomStore.create(example, "x", "nl")  # what `playbook room` makes on its first start
    return RoomPanel(companion, tick=False)


def phone(store: RoomStore, who: str, n: int, activity: int, **fields: str) -> None:
    """A submission as the service makes it: through its own connection, in its own process's eyes."""
    service = RoomStore.open(store.path)
    service.submit(who, Submission(f"{who}-{n}".ljust(16, "x"), activity, **fields))
    service.close()


def texts(panel: RoomPanel) -> str:
    return " ".join(
        w.value for box in panel.activities.children for row in box.children for w in [row, *getattr(row, "children", ())]
        if hasattr(w, "value") and isinstance(w.value, str)
    )  # fmt: skip


def test_counts_first_content_after_reveal(panel: RoomPanel, example: Path) -> None:
    assert "De ruimte draait niet" in panel.status.value  # no service serves it yet
    panel.kind.value = "cards"
    panel.prompt.value = "Wat zeg je hier liever niet hardop?"
    panel.open_button.click()
    store = panel.store
    assert store is not None and [a.kind for a in store.activities()] == ["cards"]
    activity = store.activities()[0].id
    phone(store, "p1", 1, activity, text="<script>alert(1)</script> niemand beslist")
    phone(store, "p2", 1, activity, text="we zijn moe")
    panel.refresh()
    shown = texts(panel)
    assert "2 binnen, 2 verborgen" in shown and "niemand beslist" not in shown and "moe" not in shown
    panel.preview.value = True  # a private look, for the facilitator only
    assert "niemand beslist" in texts(panel)
    panel.preview.value = False
    reveal_all = next(
        w
        for row in panel.activities.children[0].children[1:2]
        for w in row.children
        if "onthullen" in w.description
    )
    reveal_all.click()
    shown = texts(panel)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; niemand beslist" in shown and "<script>" not in shown
    document = load_session(example).run.room.activities[0]
    assert sorted(e.text for e in document.entries) == [
        "<script>alert(1)</script> niemand beslist",
        "we zijn moe",
    ]


def test_merge_remove_close_and_the_companion_keeps_saving(panel: RoomPanel, example: Path) -> None:
    panel.kind.value = "cards"
    panel.open_button.click()
    store = panel.store
    assert store is not None
    activity = store.activities()[0].id
    for n, text in enumerate(["tijd", "Tijd", "ruzie"]):
        phone(store, f"p{n}", n, activity, text=text)
    store.show_results(activity, True)
    panel.refresh()
    box = panel.activities.children[0]
    _, second, _third = (row for row in box.children if any("pb-room-entry" in c for c in row._dom_classes))
    merge_into, merge = second.children[3], second.children[4]
    merge_into.value = store.entries(activity)[0].id
    merge.click()
    third = next(
        row for row in panel.activities.children[0].children if "pb-room-entry-3" in row._dom_classes
    )
    third.children[2].click()  # remove "ruzie"
    assert [(e.text, e.merged) for e in store.entries(activity)] == [("tijd", 1)]
    toggle = panel.activities.children[0].children[1].children[0]
    toggle.click()
    assert not store.activities()[0].is_open
    assert load_session(example).run.room.activities[0].entries[0].merged == 1
    panel.companion.start_button.click()  # the companion read the file again: no conflict
    assert "<span" not in panel.companion.message.value
    assert load_session(example).run.events[0].kind == "start"
    assert load_session(example).run.room.activities  # and the room's results are still there


def test_a_vote_opened_in_the_notebook_is_tied_to_the_running_block(panel: RoomPanel) -> None:
    panel.companion.start_button.click()
    panel.kind.value = "vote"
    panel.options.value = "Tempo\nVertrouwen\n"
    panel.per_person.value = 2
    panel.open_button.click()
    store = panel.store
    assert store is not None
    vote = store.activities()[0]
    assert (vote.options, vote.per_person, vote.block) == (("Tempo", "Vertrouwen"), 2, 0)
    panel.kind.value = "vote"
    panel.open_button.click()  # a vote without items: a message, never a traceback
    assert "opties" in panel.message.value and len(store.activities()) == 1
    phone(store, "p1", 1, vote.id, item="o1")
    store.show_results(vote.id, True)
    panel.refresh()
    assert "Vertrouwen: 1" in texts(panel)


def test_on_the_hub_the_panel_points_to_the_hub_s_room_page(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/trainer/")
    companion = LiveCompanion(open_current(example), tick=False)
    panel = RoomPanel(companion, tick=False)
    assert "/services/room/" in panel.status.value and panel.store is None
    panel.start_button.click()  # no local service on a hub: a message with the way there
    assert "/services/room/" in panel.message.value
    RoomStore.create(example, "x", "nl", owner="trainer").set_urls(
        "https://hub.example/services/room/j/ABCDEF", "https://hub.example/services/room/"
    )
    panel.refresh(force=True)
    assert "https://hub.example/services/room/j/ABCDEF" in panel.join.value
    assert "#token" not in panel.join.value  # the hub's login, never the token, opens its pages


def test_the_panel_shows_hostile_prompts_options_words_and_addresses_as_text(
    panel: RoomPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The panel's HTML comes from the autoescaping template: nothing anyone typed becomes markup."""
    hostile = "<img src=x onerror=alert(1)>\"'&"
    panel.kind.value = "vote"
    panel.prompt.value = hostile
    panel.options.value = f"{hostile}\nTempo\n"
    panel.open_button.click()
    store = panel.store
    assert store is not None
    vote = store.activities()[0]
    checkin = store.open_activity(ActivitySpec("checkin", hostile))
    phone(store, "p1", 1, checkin, text=hostile[:20], mood="3")
    phone(store, "p1", 2, vote.id, item="o0")
    store.show_results(vote.id, True)
    store.show_results(checkin, True)
    store.set_urls(f"http://10.0.0.5:8870/j/{hostile}", f"http://10.0.0.5:8870/{hostile}")
    monkeypatch.setattr(RoomStore, "running", lambda self: True)
    panel.refresh(force=True)
    shown = texts(panel) + panel.join.value
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;&#34;&#39;&amp;: 1" in texts(panel)  # the tally
    assert 'href="http://10.0.0.5:8870/&lt;img' in panel.join.value and "<svg" in panel.join.value
    monkeypatch.setattr(RoomStore, "set_open", lambda self, on: (_ for _ in ()).throw(PlaybookError(hostile)))
    panel.close_room_button.click()
    assert (
        panel.message.value
        == '<p style="color:#b00020">&lt;img src=x onerror=alert(1)&gt;&#34;&#39;&amp;</p>'
    )
