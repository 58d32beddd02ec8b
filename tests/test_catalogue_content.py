"""The shipped content as an expert would check it: one word for each recurring thing (the house style
in ``assets/style.yaml``), and every work form citing a source a reader can look up."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from playbook import catalogue as catalogue_module
from playbook.catalogue import Catalogue, load_catalogue, validate
from playbook.cli import main
from playbook.errors import PlaybookError
from playbook.paths import assets_dir, catalogue_dir
from playbook.sources import citations, source_problem, works
from playbook.style import check_files, content_files, load_style, parse_style
from playbook.teaching import leadership, rose_source
from playbook.yamlio import dump_yaml, load_yaml_file

# ---------------------------------------------------------------------------------------- house style


def test_the_house_style_covers_the_agreed_words() -> None:
    sheet = load_style()
    use = {(rule.lang, rule.use) for rule in sheet}
    for expected in (
        ("en", "flip chart"),
        ("nl", "flap (flappen)"),
        ("nl", "post-it (post-its)"),
        ("nl", "stip (stippen)"),
        ("nl", "praatvoorwerp"),
        ("nl", "break-outruimte"),
        ("nl", "worstelzone"),
        ("nl", "managen of procesbegeleiden"),
    ):
        assert expected in use


def test_the_house_style_does_not_contradict_itself() -> None:
    """No word is both written and refused in one language, so the sheet can always be followed."""
    sheet = load_style()
    for rule in sheet:
        for word in rule.replaces:
            hits = sheet.find(rule.use, rule.lang)
            assert not hits, f"{rule.lang} '{rule.use}' is itself refused as '{hits[0].found}'"
            assert sheet.find(word, rule.lang), f"{rule.lang} '{word}' is listed but never matched"


def test_every_shipped_text_follows_the_house_style() -> None:
    files = content_files()
    names = {p.relative_to(assets_dir()).as_posix() for p in files}
    for expected in (
        "catalogue/1-2-4-all.yaml",
        "teaching/cases.yaml",
        "teaching/cases/school-merger.session.yaml",
        "i18n/nl.yaml",
        "diagnosis/signals.yaml",
        "examples/samen-een-servicedesk.session.yaml",
    ):
        assert expected in names
    problems = check_files(files)
    assert problems == [], "\n".join(map(str, problems))


def write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(data), encoding="utf-8")
    return path


def test_a_replaced_word_is_found_by_language_field_and_compound(tmp_path: Path) -> None:
    entry = write(
        tmp_path / "cards" / "x.yaml",
        {
            "materials": [
                {"en": "A flip-over", "nl": "Een flip-overvel en hartjesstickers"},
                {"en": "A flipchart", "nl": "Een flap"},
            ],
            "steps": [{"text": {"en": "Two pairs join.", "nl": "Twee tweetallen voegen samen."}}],
        },
    )
    problems = check_files([entry])
    assert [(p.field, p.message.split(";")[0]) for p in problems] == [
        (
            "materials[0].nl",
            "writes 'flip-over'",
        ),  # the compound is caught, the diminutive inside a word is not
        ("materials[1].en", "writes 'flipchart'"),  # 'flip-over' in English and 'flap' in Dutch pass
        ("steps[0].text.nl", "writes 'voegen samen'"),
    ]
    assert all(p.file == str(entry) for p in problems)
    assert "'flap (flappen)'" in problems[0].message and "'gaan samen'" in problems[2].message


def test_one_language_files_take_their_language_from_the_document(tmp_path: Path) -> None:
    session = write(tmp_path / "a.session.yaml", {"language": "nl", "agenda": [{"notes": "De kreunzone."}]})
    english = write(tmp_path / "b.session.yaml", {"language": "en", "agenda": [{"notes": "De kreunzone."}]})
    strings = write(tmp_path / "i18n" / "nl.yaml", {"roles": {"groan": "Kreunzone"}})
    found = check_files([session, english, strings])
    assert [(Path(p.file).name, p.field) for p in found] == [
        ("a.session.yaml", "agenda[0].notes"),
        ("nl.yaml", "roles.groan"),
    ]


def test_a_malformed_style_sheet_is_refused_with_every_problem_named(tmp_path: Path) -> None:
    bad = {
        "terms": [
            {"thing": {"en": "x", "nl": "y"}, "nl": {"use": "flap"}},
            {"nl": {"use": "a", "replaces": []}},
        ]
    }
    with pytest.raises(PlaybookError) as err:
        parse_style(bad, "style.yaml")
    fields = {p.field for p in err.value.problems}
    assert fields == {"terms[0].nl.replaces", "terms[1].thing", "terms[1].nl.replaces"}


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped catalogue standing in for it, so a test can break one entry."""
    copy = tmp_path / "catalogue"
    shutil.copytree(catalogue_dir(), copy)
    monkeypatch.setattr(catalogue_module, "catalogue_dir", lambda: copy)
    return copy


def test_validate_refuses_a_replaced_word_in_a_shipped_entry_only(shipped_copy: Path, tmp_path: Path) -> None:
    data, _ = load_yaml_file(shipped_copy / "1-2-4-all.yaml")
    data["materials"][0]["nl"] = "Papier, pen en een flip-over"
    write(shipped_copy / "1-2-4-all.yaml", data)
    problems = validate()
    assert [(Path(p.file).name, p.field) for p in problems] == [("1-2-4-all.yaml", "materials[0].nl")]
    assert "'flap (flappen)'" in problems[0].message
    data["id"] = "my-own"  # a trainer's own folder is held to the schema, not to the house style
    mine = write(tmp_path / "mine" / "my-own.yaml", data)
    assert [p.file for p in validate(mine.parent)] == [str(shipped_copy / "1-2-4-all.yaml")]


def test_validate_report_lists_the_house_style(
    capsys: pytest.CaptureFixture[str], catalogue: Catalogue
) -> None:
    assert main(["catalogue", "validate", "--report"]) == 0
    out = capsys.readouterr().out
    style = out[out.index("house style") :]
    assert "nl  flap (flappen)" in style and "not: flip-over" in style
    assert "nl  worstelzone" in style and "kreunzone" in style
    assert f"valid: {len(catalogue)} interventions" in out


# -------------------------------------------------------------------------------------------- sources


def shipped_entries() -> list[Any]:
    return list(load_catalogue([]))


@pytest.mark.parametrize("item", shipped_entries(), ids=lambda i: i.id)
def test_every_entry_cites_a_source_a_reader_can_look_up(item: Any) -> None:
    assert source_problem(item.source) is None, f"{item.id}: {item.source}"
    assert citations(item.source), item.id


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ("", "is missing"),
        ("Common facilitation practice with no single author", "names no work"),
        ("Common practice; see https://example.org/method", "web address"),
        ("Jiro Kawakita, KJ method (1960s)", "names no work"),  # a decade is not a year
        ("the Liberating Structures menu (2013)", "names no work"),  # nobody named
        ("Gray, Brown & Macanufo, Gamestorming (2010), as Dot Voting", None),
        ("Virginia Satir; Satir et al., The Satir Model (1991)", None),  # the second part cites
        ("Kaner et al., Facilitator's Guide to Participatory Decision-Making (3rd ed., 2014)", None),
    ],
)
def test_a_source_must_name_who_what_and_when(source: str, refused: str | None) -> None:
    problem = source_problem(source)
    assert (problem is None) if refused is None else (problem is not None and refused in problem)


def test_citations_are_read_part_by_part() -> None:
    found = citations(
        "Derby & Larsen, Agile Retrospectives (2006), as Check-In; "
        "Baldwin & Linnea, The Circle Way (2010), the check-in that opens a circle"
    )
    assert [str(c) for c in found] == [
        "Derby & Larsen, Agile Retrospectives (2006)",
        "Baldwin & Linnea, The Circle Way (2010)",
    ]
    assert works(
        ["Derby & Larsen, Agile Retrospectives (2006); Derby & Larsen, Agile Retrospectives (2006)"]
    ) == {"Derby & Larsen, Agile Retrospectives (2006)": 1}


def test_validate_refuses_a_shipped_entry_without_a_source(shipped_copy: Path, tmp_path: Path) -> None:
    data, _ = load_yaml_file(shipped_copy / "1-2-4-all.yaml")
    data["source"] = "Common facilitation practice with no single author"
    write(shipped_copy / "1-2-4-all.yaml", data)
    problems = validate()
    assert [(Path(p.file).name, p.field) for p in problems] == [("1-2-4-all.yaml", "source")]
    assert "Author, Work (year)" in problems[0].message
    data["id"] = "my-own"  # a trainer's own work form may be their own invention
    mine = write(tmp_path / "mine" / "my-own.yaml", data)
    assert [p.field for p in validate(mine.parent)] == ["source"]  # only the shipped one


def test_validate_report_lists_the_most_cited_works(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "validate", "--report"]) == 0
    out = capsys.readouterr().out
    cited = works(i.source for i in load_catalogue([]))
    assert f"sources: {len(cited)} works cited by" in out
    top, count = cited.most_common(1)[0]
    assert f"{count:>4}  {top}" in out


# -------------------------------------------------------------------------------------- teaching models


def test_the_leadership_styles_and_the_rose_name_their_sources() -> None:
    styles, _ = leadership()
    assert {s.id for s in styles} == {"democratic", "coaching", "transformational"}
    for style in styles:
        assert source_problem(style.source) is None, style.id
    assert "Lewin, Lippitt & White" in next(s for s in styles if s.id == "democratic").source
    assert "Burns" in next(s for s in styles if s.id == "transformational").source
    assert source_problem(rose_source()) is None
    assert "Bert van Dijk" in rose_source() and "Leary" in rose_source()


def test_the_teaching_widgets_show_the_sources() -> None:
    from playbook.ui.teaching import RoseExplorer, SelfAssessment

    assert "Bronnen:" in SelfAssessment("nl").table.value and "Burns" in SelfAssessment("nl").table.value
    rose = RoseExplorer("en")
    assert "Sources:" in rose.text.value and "Bert van Dijk" in rose.text.value
    rose.pick.value = "attacking"
    assert "Bert van Dijk" in rose.text.value


def test_the_clients_cue_words_are_not_held_to_our_house_style(tmp_path: Path) -> None:
    """Cue words are what clients write; the reading must hear "flip-over" if a client writes it."""
    write(tmp_path / "diagnosis" / "cues" / "nl.yaml", {"cues": ["flip-over"]})
    ours = write(tmp_path / "diagnosis" / "signals.yaml", {"name": {"en": "x", "nl": "flip-over"}})
    assert content_files(tmp_path) == [ours]
