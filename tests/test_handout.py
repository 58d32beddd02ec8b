"""Handouts as documents: what each audience gets, safety of user text, valid self-contained HTML."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import html5lib
import nbformat
import pytest

from playbook.catalogue import Catalogue
from playbook.errors import PlaybookError
from playbook.handout import handout_html, handout_notebook, write_handouts
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
