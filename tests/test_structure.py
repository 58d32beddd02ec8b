"""One structure, three flavours: what each audience's document holds, and that every flavour draws it."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from playbook.agenda import plan
from playbook.catalogue import Catalogue
from playbook.diagnosis import diagnose
from playbook.flavours import html, text
from playbook.handout import handout
from playbook.packing import needed, packing_list
from playbook.participants import long_date, people_in_conflict, purpose, warnings, web_link
from playbook.session import Brief, Group, load_session
from playbook.structure import (
    Chart,
    Finding,
    Section,
    Table,
    handout_document,
    intervention_card,
    profile_section,
    step_times,
    walk,
)
from playbook.structure.nodes import Span, para

from .conftest import EXAMPLE_EN, EXAMPLE_NL
from .test_handout import HOSTILE, hostile_session, without_images


def _document(path, catalogue, audience, **changes):
    session = load_session(path)
    if changes:
        session = session.with_changes(**changes)
    profile = diagnose(session)
    p = plan(session, catalogue, profile)
    return session, p, handout_document(session, p, profile, catalogue, audience)


def words(node) -> str:
    return text.render(node)


def test_the_date_is_written_out_in_the_sessions_language() -> None:
    assert long_date(dt.date(2027, 1, 14), "nl") == "donderdag 14 januari 2027"
    assert long_date(dt.date(2027, 2, 4), "en") == "Thursday 4 February 2027"


def test_participants_never_see_the_wish_findings_codes_budget_or_role_labels(catalogue: Catalogue) -> None:
    session, p, doc = _document(EXAMPLE_NL, catalogue, "participants")
    shown = words(doc)
    assert session.brief.wish[:40] not in shown and session.brief.context[:40] not in shown
    assert session.brief.purpose[:40] in shown and "donderdag 14 januari 2027" in shown
    assert p.findings and not any(f.code in shown for f in p.findings)
    assert "210" not in shown  # the budget
    for label in ("Worstelzone", "Divergeren", "Convergeren", "Energizer"):
        assert label not in shown
    assert "Doorpraten" in shown and "Koffie en thee" in shown
    assert not [n for n in walk(doc) if isinstance(n, Finding)]
    [chart] = [n for n in walk(doc) if isinstance(n, Chart)]
    assert chart.option("audience") == "participants" and "A" not in chart.alt.split()


def test_a_break_is_marked_as_a_break(catalogue: Catalogue) -> None:
    _, _, doc = _document(EXAMPLE_NL, catalogue, "participants")
    [agenda] = [n for n in walk(doc) if isinstance(n, Table)]
    breaks = [r for r in agenda.rows if r.style == "break"]
    assert len(breaks) == 1 and "Koffie en thee" in text.inline(breaks[0].cells)
    assert '<tr class="break">' in html.render(agenda)


def test_without_a_purpose_the_visible_result_stands_in_and_the_export_warns(catalogue: Catalogue) -> None:
    session = load_session(EXAMPLE_NL)
    bare = session.with_changes(
        brief=Brief(client="x", wish=session.brief.wish, visible_result="Een wand met afspraken.")
    )
    assert purpose(bare) == "Een wand met afspraken."
    made = handout(bare, catalogue, "participants")
    assert "no-purpose" in [w.code for w in made.warnings]
    assert session.brief.wish[:40] not in made.html
    assert "Een wand met afspraken." in made.html
    assert "no-purpose" not in [w.code for w in handout(session, catalogue, "participants").warnings]


def test_naming_people_the_brief_reads_as_in_conflict_warns(catalogue: Catalogue) -> None:
    wish = "Ik wil het conflict oplossen tussen Jan en Piet, zodat het team weer door een deur kan."
    session = load_session(EXAMPLE_NL).with_changes(
        brief=Brief(wish=wish, visible_result="Afspraken.", purpose="Jan en Piet leggen uit wat er misging.")
    )
    profile = diagnose(session)
    assert people_in_conflict(session, profile) == ["Jan", "Piet"]
    found = {w.code: w for w in warnings(session, profile, [])}
    assert "Jan" in found["names-people-in-conflict"].message
    calm = session.with_changes(brief=Brief(wish=wish, visible_result="Afspraken.", purpose="Samen verder."))
    assert "names-people-in-conflict" not in {w.code for w in warnings(calm, diagnose(calm), [])}


def test_a_managerial_brief_warns_and_the_facilitator_sees_the_warnings(catalogue: Catalogue) -> None:
    wish = "Make them hit the deadline and fix the conflict between Anna and Ben. I decide the outcome."
    session = load_session(EXAMPLE_EN).with_changes(
        brief=Brief(wish=wish, visible_result="A plan.", purpose="Anna and Ben explain.")
    )
    made = handout(session, catalogue, "participants")
    assert {"managerial-brief", "names-people-in-conflict"} <= {w.code for w in made.warnings}
    profile = diagnose(session)
    p = plan(session, catalogue, profile)
    doc = handout_document(session, p, profile, catalogue, "facilitator", made.warnings)
    assert "managerial-brief" in words(doc)


def test_a_link_is_made_only_from_a_web_address() -> None:
    assert web_link("https://meet.example.org/x") == "https://meet.example.org/x"
    for bad in ("javascript:alert(1)", "https://x.org/a b", "data:text/html,hi", 'https://x.org/"onclick'):
        assert web_link(bad) is None


def test_the_facilitators_script_opens_with_a_run_sheet_of_clock_times(catalogue: Catalogue) -> None:
    session, p, doc = _document(EXAMPLE_NL, catalogue, "facilitator")
    first = doc.children[0]
    assert isinstance(first, Section) and first.style == "page"
    sheet = words(first)
    for b in p.blocks:
        assert b.title in sheet
        for start, _, _ in step_times(b):
            assert f"{start // 60:02d}:{start % 60:02d}" in sheet
    assert doc.confidential and doc.running.startswith(session.title)


def test_step_times_split_a_block_exactly(catalogue: Catalogue) -> None:
    p = plan(load_session(EXAMPLE_NL), catalogue)
    for b in p.blocks:
        steps = step_times(b)
        if steps:
            assert steps[0][0] == b.start and sum(m for _, m, _ in steps) == b.minutes
            assert all(a[0] + a[1] == c[0] for a, c in itertools.pairwise(steps))


def test_the_packing_list_leaves_flip_charts_home_online(catalogue: Catalogue) -> None:
    assert not needed("A flip chart and markers", "online", "en")
    assert needed("A flip chart or a shared online board", "online", "en")
    assert needed("A visible timer", "online", "en")
    assert not needed("A shared online board", "in-person", "en")
    assert needed("A flip chart and markers", "hybrid", "en")
    online = plan(load_session(EXAMPLE_EN), catalogue)
    assert online and load_session(EXAMPLE_EN).group.setting == "online"
    found = packing_list(online, "online")
    assert found and not any(
        re.search(r"flip ?chart|sticky", i.material, re.I)
        and "online" not in i.material.lower()
        and "slide" not in i.material.lower()
        and "screen" not in i.material.lower()
        for i in found
    )
    dutch = plan(load_session(EXAMPLE_NL), catalogue)
    in_person = packing_list(dutch, "in-person")
    assert any(re.search(r"\b(flap|flip)", i.material, re.I) for i in in_person)  # "flap": a Dutch flip chart
    assert len(packing_list(dutch, "online")) < len(in_person)
    assert all(i.blocks for i in in_person)


def test_the_packing_list_names_each_block_once_in_running_order(catalogue: Catalogue) -> None:
    session = load_session(EXAMPLE_NL)
    blocks = session.agenda + session.agenda[::-1]  # every work form twice, the second time backwards
    p = plan(session.with_changes(agenda=blocks, budget_minutes=24 * 60), catalogue)
    once = {i.material: i.blocks for i in packing_list(plan(session, catalogue), "in-person")}
    twice = {i.material: i.blocks for i in packing_list(p, "in-person")}
    assert twice == once and all(len(set(b)) == len(b) for b in twice.values())


def test_every_flavour_renders_every_node_and_escapes(catalogue: Catalogue) -> None:
    session = hostile_session()
    profile = diagnose(session)
    p = plan(session, catalogue, profile)
    for audience in ("participants", "facilitator"):
        doc = handout_document(session, p, profile, catalogue, audience)
        page = without_images("".join(html.parts(doc)))
        assert "<script" not in page and "<img src=x" not in page
        plain = text.render(doc)
        assert HOSTILE[0] in plain  # text keeps the words exactly
    card = intervention_card(catalogue.get("1-2-4-all"), "nl")
    assert "1-2-4-allen" in text.render(card) and "<h3>1-2-4-allen</h3>" in html.render(card, 3)


def test_html_headings_follow_the_nesting(catalogue: Catalogue) -> None:
    profile = diagnose(load_session(EXAMPLE_NL))
    page = html.render(profile_section(profile), 2)
    levels = [int(n) for n in re.findall(r"<h(\d)>", page)]
    assert levels[0] == 2 and all(b <= a + 1 for a, b in itertools.pairwise(levels))


@pytest.mark.parametrize("style", ["strong", "em", "code", "quote", "muted", ""])
def test_spans_escape_their_text(style: str) -> None:
    out = html.render(para(Span(HOSTILE[0], style), Span(HOSTILE[5], style)))
    assert "<script>" not in out and "&lt;script&gt;" in out and "<svg" not in out


def test_a_session_without_practical_fields_still_has_a_programme(catalogue: Catalogue) -> None:
    session = load_session(EXAMPLE_EN).with_changes(
        brief=Brief(visible_result="A board."), group=Group(8, "online"), date=None
    )
    made = handout(session, catalogue, "participants")
    assert "A board." in made.html and "no-purpose" in {w.code for w in made.warnings}


def test_the_widget_flavour_makes_tabs_of_role_shortlists_and_charts_with_text(catalogue: Catalogue) -> None:
    import ipywidgets as widgets

    from playbook.flavours.widget import to_widget
    from playbook.recommend import shortlist
    from playbook.structure import arc, suggestions_section

    session = load_session(EXAMPLE_NL)
    groups = shortlist(session, catalogue, per_role=2)
    tabs = to_widget(suggestions_section(groups, "nl"))
    assert isinstance(tabs, widgets.Tab) and tabs.titles[2] == "Worstelzone"
    assert all(isinstance(c, widgets.HTML) and "<h" in c.value for c in tabs.children)
    chart = to_widget(arc(plan(session, catalogue)))
    assert chart.value.startswith('<svg role="img" aria-label="Verloop van de sessie')


def test_a_folded_card_keeps_its_heading_levels(catalogue: Catalogue) -> None:
    page = html.render(intervention_card(catalogue.get("1-2-4-all"), "en"), 4)
    levels = [int(n) for n in re.findall(r"<h(\d)>", page)]
    assert levels[0] == 4 and "<details>" in page and max(levels) == 5
