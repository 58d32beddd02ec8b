"""A phone's activity section is rendered once per state and filled in per answer: the same page as a
fresh rendering, with its own CSRF field and fresh submission ids, and no text can reach the markers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from playbook.participation import SCALES, TEXT_MAX, WORD_MAX, ActivitySpec, Submission, valid_sid
from playbook.room import pages
from playbook.room.store import RoomStore

from .test_room_service import session as session  # the fixture: a copy of the English example

HOSTILE = '<pb-sid> <pb-xsrf> "><script>alert(1)</script>'


def context(xsrf: str) -> dict:
    return {
        "base": "/", "here": "/j/ABCDEF", "xsrf": f'<input type="hidden" name="_xsrf" value="{xsrf}">',
        "limits": {"word": WORD_MAX, "text": TEXT_MAX}, "scales": SCALES,
        "kind_label": pages.kind_label, "option_label": pages.option_label,
    }  # fmt: skip


def section(store: RoomStore, who: str, activity: int, xsrf: str) -> str:
    item = pages.phone_activity(store, who, store.activity(activity), "en")
    return str(pages.activity_html(item, "en", context(xsrf)))


def sids(html: str) -> list[str]:
    return re.findall(r'name="sid" value="([^"]*)"', html)


@pytest.fixture
def store(session: Path) -> RoomStore:
    pages._sections.clear()
    return RoomStore.create(session, "Retro", "en")


def test_phones_in_the_same_state_share_one_rendering_but_never_an_id_or_a_token(
    store: RoomStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    vote = store.open_activity(ActivitySpec("vote", options=("Speed", "Trust", "Tools"), per_person=2))
    renders: list[str] = []
    real = pages.render
    monkeypatch.setattr(pages, "render", lambda name, *a, **kw: renders.append(name) or real(name, *a, **kw))
    for who in ("p1", "p2", "p3"):
        store.submit(who, Submission(f"{who}-first-dot".ljust(20, "x"), vote, item="o1"))
    a, b, c = (section(store, who, vote, f"token-{who}") for who in ("p1", "p2", "p3"))
    assert renders == ["_activity.html"]  # three phones, one state, one rendering
    assert 'value="token-p1"' in a and 'value="token-p2"' in b and "token-p1" not in b
    ids = sids(a) + sids(b) + sids(c)
    assert len(ids) == 9 and len(set(ids)) == 9 and all(valid_sid(i) for i in ids)
    blank = re.compile(r'value="(token-p\d|[0-9a-f]{32})"')
    assert blank.sub("", a) == blank.sub("", b) == blank.sub("", c)
    assert "pb-sid" not in a and "pb-xsrf" not in a

    store.submit("p1", Submission("p1-second-dot".ljust(20, "x"), vote, item="o2"))
    after = section(store, "p1", vote, "token-p1")
    assert renders == ["_activity.html", "_activity.html"]  # another state, its own rendering
    assert "●" in after.split("Tools")[1] and after.count("●") == 2


def test_no_text_reaches_the_markers_and_the_cached_section_equals_a_fresh_rendering(
    store: RoomStore,
) -> None:
    vote = store.open_activity(ActivitySpec("vote", HOSTILE, options=(HOSTILE, "Trust"), per_person=2))
    checkin = store.open_activity(ActivitySpec("checkin", HOSTILE))
    store.submit("p1", Submission("p1-checkin".ljust(20, "x"), checkin, text=HOSTILE[:20], mood="4"))
    for activity, forms in ((vote, 2), (checkin, 1)):
        html = section(store, "p1", activity, "tok")
        assert "<script>" not in html and "&lt;pb-sid&gt;" in html and "&lt;pb-xsrf&gt;" in html
        assert len(sids(html)) == forms and all(valid_sid(i) for i in sids(html))
        assert html.count('name="_xsrf" value="tok"') == forms
        item = pages.phone_activity(store, "p1", store.activity(activity), "en")
        fresh = pages.render("_activity.html", "en", item={**item}, **context("tok"))
        fresh = fresh.replace(str(pages.SID), "0" * 32)
        assert re.sub(r"[0-9a-f]{32}", "", html) == re.sub(r"[0-9a-f]{32}", "", fresh)
