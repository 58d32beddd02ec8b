"""Handouts as documents: what each audience gets, safety of user text, valid self-contained HTML."""

from __future__ import annotations

import datetime as dt
import gc
import re
import sys
from pathlib import Path

import html5lib
import nbformat
import pytest

from playbook.catalogue import Catalogue
from playbook.errors import PlaybookError
from playbook.handout import collector_paused, handout_html, handout_notebook, write_handouts
from playbook.session import Block, Brief, Diagnosis, Group, Session, SessionFile, load_session

from .conftest import EXAMPLE_EN, EXAMPLE_NL

HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "</title><script>stolen()</script>",
    '"><svg onload=alert(1)>',
    "&lt;b&gt;already escaped&lt;/b&gt;",
    "**bold?** `code?` # heading?",
]


def hostile_session(n: int = 0) -> Session:
    """Every free-text field of a session filled with hostile text."""
    x = HOSTILE
    return Session(
        title=f"Plan {x[4]} {x[0]}",
        language="en",
        date=dt.date(2027, 3, 1),
        brief=Brief(
            client=x[1],
            wish=f"{x[2]} {x[3]}",
            visible_result=x[5],
            context=x[6] + " " + x[7],
            purpose=f"{x[3]} {x[2]}",
            place=x[1],
            link="javascript:alert(1)",
            host=x[4],
            contact=x[5],
            bring=f"{x[0]}\n{x[6]}",
        ),
        group=Group(12, "in-person"),
        diagnosis=Diagnosis(notes=x[0], signals=("sarcasm",)),
        agenda=(
            Block(10, title=x[0], role="open", notes=x[1]),
            Block(15, intervention="1-2-4-all", notes=f"{x[2]} {x[3]}", plan_b=("silent-brainstorm",)),
            Block(10, title=x[5], is_break=True),
            Block(15, intervention="dot-voting", notes=x[6]),
            Block(10, title=x[7], role="close"),
        ),
    )


def without_images(text: str) -> str:
    return re.sub(r"data:[^\"')\s]+", "", text)


def test_a_handout_notebook_has_no_code(catalogue: Catalogue) -> None:
    nb = handout_notebook(load_session(EXAMPLE_NL), catalogue, "facilitator")
    nbformat.validate(nb)
    assert nb.cells and {c.cell_type for c in nb.cells} == {"raw"}
    assert all(c.metadata["raw_mimetype"] == "text/html" for c in nb.cells)


@pytest.mark.parametrize("path", [EXAMPLE_NL, EXAMPLE_EN], ids=["nl", "en"])
def test_participants_get_the_essentials_and_facilitators_the_script(
    path: Path, catalogue: Catalogue
) -> None:
    s = load_session(path)
    participants = handout_html(s, catalogue, "participants")
    facilitator = handout_html(s, catalogue, "facilitator")
    first = s.agenda[1]
    item = catalogue.get(first.intervention)
    for text in (participants, facilitator):
        assert f'<html lang="{s.language}">' in text
        assert item.invitation(s.language).replace("'", "&#x27;") in text
        assert "data:image/svg+xml;base64," in text
    assert "13:00" in participants or "14:00" in participants
    # Only the facilitator sees the diagnosis, the findings, the steps, the notes and plan B.
    assert item.steps[0].text(s.language)[:30] not in without_images(participants)
    assert item.steps[0].text(s.language)[:30] in facilitator
    for private in (s.brief.context[:30], "undercurrent" if s.language == "en" else "onderstroom"):
        assert private in facilitator
    assert s.brief.context[:30] not in participants
    noted = next(b for b in s.agenda if b.notes)
    assert noted.notes[:25] in facilitator and noted.notes[:25] not in participants


def test_html_is_valid_self_contained_and_script_free(catalogue: Catalogue) -> None:
    for audience in ("participants", "facilitator"):
        text = handout_html(load_session(EXAMPLE_NL), catalogue, audience)
        html5lib.HTMLParser(strict=True).parse(text)
        assert "<script" not in text.lower() and "require.js" not in text and "mathjax" not in text.lower()
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text)
        assert "Content-Security-Policy" in text and "default-src 'none'" in text and "img-src data:" in text
        assert len(without_images(text).encode()) <= 120_000


def test_every_chart_has_alt_text(catalogue: Catalogue) -> None:
    text = handout_html(load_session(EXAMPLE_NL), catalogue, "facilitator")
    alts = re.findall(r"<img [^>]*alt=\"([^\"]*)\"", text)
    assert len(alts) == 2 and all(len(a) > 40 for a in alts)
    assert any(a.startswith("Verloop van de sessie van 13:00 tot 16:20") for a in alts)


def test_hostile_text_is_shown_literally_never_as_markup(catalogue: Catalogue) -> None:
    for audience in ("participants", "facilitator"):
        text = handout_html(hostile_session(), catalogue, audience)
        assert "<script" not in text.lower()
        assert "<img src=x" not in text and "<svg onload" not in text
        assert not re.search(r"href=[\"']?javascript:", text) and not re.search(
            r"<[^>]+\son\w+=", without_images(text)
        )
        assert "&lt;script&gt;alert('x')&lt;/script&gt;" in text.replace("&#x27;", "'").replace("&#39;", "'")
        assert "[click me](javascript:alert(1))" in text  # Markdown is not interpreted either
        assert "{{ 7*7 }} {% raw %} ${7*7}" in text  # nor template syntax
        assert "&amp;lt;b&amp;gt;already escaped" in text  # nor entities: escaped once more
        assert "javascript:alert(1)" in text and not re.search(r"<a [^>]*javascript", text)  # the link
        title = re.search(r"<title>(.*?)</title>", text, re.S)[1]
        assert "&lt;/title&gt;&lt;script&gt;stolen()&lt;/script&gt;" in title


def test_write_handouts_to_a_file_or_a_folder(tmp_path: Path, catalogue: Catalogue) -> None:
    one = write_handouts([EXAMPLE_EN], catalogue, "participants", None, tmp_path / "retro.html")
    assert one == [tmp_path / "retro.html"] and one[0].read_text(encoding="utf-8").startswith(
        "<!DOCTYPE html>"
    )
    many = write_handouts([EXAMPLE_EN, EXAMPLE_NL], catalogue, "facilitator", "en", tmp_path / "out")
    assert [p.name for p in many] == [
        "quarterly-retrospective.facilitator.en.html",
        "samen-een-servicedesk.facilitator.en.html",
    ]
    assert '<html lang="en">' in many[1].read_text(encoding="utf-8")


def test_bad_input_is_reported_and_nothing_is_written(tmp_path: Path, catalogue: Catalogue) -> None:
    with pytest.raises(PlaybookError, match="unknown audience"):
        handout_notebook(load_session(EXAMPLE_EN), catalogue, "public")
    broken = tmp_path / "broken.session.yaml"
    broken.write_text("schema_version: 1\n", encoding="utf-8")
    with pytest.raises(PlaybookError, match="title: is missing"):
        write_handouts([broken], catalogue, "participants", None, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # the sessions are read before anything is made


def test_an_unknown_intervention_still_gives_a_handout(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "x.session.yaml"
    SessionFile.create(path, Session(title="Odd", agenda=(Block(10, intervention="no-such-form"),)))
    text = handout_html(load_session(path), catalogue, "facilitator")
    assert "no-such-form" in text and "unknown-intervention" in text


class Title(str):
    """A block title whose comparisons are Python calls: a builder that looks a block up in a list of
    titles (``title in seen``) for every block shows up in the count of calls as work per block."""

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def long_agenda(catalogue: Catalogue, blocks: int) -> Session:
    """An agenda of ``blocks`` blocks: 20 work forms (whose materials go on the packing list) at varied
    lengths, own blocks each titled on its own, notes, plan B and breaks."""
    forms = [i for i in catalogue if i.materials][:20]
    agenda = []
    for n in range(blocks):
        if n % 5 == 4:
            agenda.append(Block(10 + n % 3, title=Title(f"Own block {n}"), role="diverge", notes=f"Note {n}"))
        elif n % 11 == 10:
            agenda.append(Block(15, title=Title(f"Pause {n}"), is_break=True))
        else:
            item = forms[n % len(forms)]
            agenda.append(Block(item.minutes.typical + n % 4, intervention=item.id, plan_b=(forms[0].id,)))
    return load_session(EXAMPLE_EN).with_changes(agenda=tuple(agenda), budget_minutes=24 * 60)


def handout_work(catalogue: Catalogue, blocks: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """The Python calls that building and rendering the facilitator's handout of ``blocks`` blocks makes,
    counted from a cold start of the renderer's memos (so every size does its own work)."""
    from playbook import vocabulary
    from playbook.agenda import plan
    from playbook.diagnosis import diagnose
    from playbook.flavours import html as flavour
    from playbook.structure import handout_document

    # The chart is drawn at a fixed detail however long the agenda; its drawing is not the handout's.
    monkeypatch.setitem(flavour.environment().globals, "chart_src", lambda node: "data:,")
    session = long_agenda(catalogue, blocks)
    profile = diagnose(session)
    p = plan(session, catalogue, profile)
    assert sum(type(b.title) is Title for b in p.blocks) >= blocks // 5  # the counting titles got there
    for memo in (flavour._recurring, flavour._span, vocabulary._clock):
        memo.cache_clear()
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        calls += event == "call"

    gc.collect()  # no finaliser of an earlier test's garbage may run (and count) in between
    with collector_paused():
        sys.setprofile(count)
        try:
            flavour.parts(handout_document(session, p, profile, catalogue, "facilitator"))
        finally:
            sys.setprofile(None)
    return calls


def test_a_long_agenda_costs_the_same_per_block(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handout grows linearly with the agenda: 200 more blocks cost what the 100 before them cost per
    block (a 10,000-block handout in seconds, not minutes). Counted in calls, not timed: the same on any
    machine. A lookup per block in a list of blocks or titles, a catalogue entry re-read per block or a
    page re-parsed per section makes the later blocks dearer and fails here."""
    # Each size twice, the fewer counted: what happens once in a process (a module imported, a pattern
    # compiled after an earlier test pushed it out of re's cache) is no part of the handout's work.
    small, medium, large = (
        min(handout_work(catalogue, n, monkeypatch) for _ in "ab") for n in (100, 200, 400)
    )
    per_block_before = (medium - small) / 100
    per_block_after = (large - medium) / 200
    assert per_block_after <= 1.05 * per_block_before, (small, medium, large)


def test_the_collector_pauses_for_a_handout_and_resumes(catalogue: Catalogue) -> None:
    seen = []
    with collector_paused():
        seen.append(gc.isenabled())
        handout_html(load_session(EXAMPLE_EN), catalogue, "facilitator")
        seen.append(gc.isenabled())  # a handout inside another pause leaves it paused
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a collector someone else paused stays paused
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a failed export")
    assert gc.isenabled()


def test_an_exported_arc_is_kept_under_what_it_shows(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chart cache names an arc by its key (times, roles, findings), not by the whole plan: the text
    of every work form, megabytes for a long agenda, is no part of the picture."""
    from playbook import chartcache
    from playbook.agenda import plan
    from playbook.chartkeys import arc_key

    asked = []
    real = chartcache.svg
    monkeypatch.setattr(
        chartcache, "svg", lambda name, data, *rest: asked.append((name, data)) or real(name, data, *rest)
    )
    session = load_session(EXAMPLE_EN)
    handout_html(session, catalogue, "participants")
    assert ("arc", arc_key(plan(session, catalogue), "participants")) in asked
