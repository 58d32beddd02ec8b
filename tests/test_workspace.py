"""The workspace: examples are copied before use, the current session is remembered on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.errors import PlaybookError
from playbook.session import load_session
from playbook.workspace import (
    DEFAULT_EXAMPLE,
    copy_example,
    create_session,
    current_path,
    examples,
    open_current,
    open_example,
    set_current,
    slugify,
)

from .conftest import EXAMPLE_NL


def test_the_default_example_comes_first_and_both_languages_ship() -> None:
    found = examples()
    assert next(iter(found)) == DEFAULT_EXAMPLE
    assert {load_session(p).language for p in found.values()} == {"en", "nl"}


def test_with_nothing_chosen_the_example_opens_as_a_copy(isolated: Path) -> None:
    original = EXAMPLE_NL.read_bytes()
    handle = open_current()
    assert handle.path.parent == isolated and handle.session.title == "Samen één servicedesk"
    handle.save(handle.session.with_changes(title="Edited"))
    assert EXAMPLE_NL.read_bytes() == original  # the shipped example is never changed
    assert open_current().session.title == "Edited"  # and the edit is what opens next time


def test_creating_a_session_makes_it_current_for_every_notebook(isolated: Path) -> None:
    handle = create_session("Één team, twee culturen!", "nl")
    assert handle.path == isolated / "een-team-twee-culturen.session.yaml"
    assert current_path() == handle.path.resolve()
    again = create_session("Één team, twee culturen!", "nl")  # same title: a new file, nothing replaced
    assert again.path.name == "een-team-twee-culturen-2.session.yaml"
    assert open_current().path == again.path.resolve()


def test_an_explicit_path_wins_and_becomes_current(tmp_path: Path) -> None:
    other = copy_example("quarterly-retrospective")
    assert open_current(other).session.language == "en"
    assert current_path() == other.resolve()


def test_a_current_session_that_was_deleted_falls_back_to_the_example() -> None:
    handle = create_session("Short lived")
    handle.path.unlink()
    assert current_path() is None
    assert open_current().session.title == "Samen één servicedesk"


def test_mistakes_are_refused_without_changing_the_current_session(tmp_path: Path) -> None:
    open_example()
    before = current_path()
    broken = tmp_path / "broken.session.yaml"
    broken.write_text("schema_version: 1\n", encoding="utf-8")
    with pytest.raises(PlaybookError, match="title: is missing"):
        set_current(broken)
    with pytest.raises(PlaybookError, match="unknown example 'nope'"):
        open_example("nope")
    with pytest.raises(PlaybookError, match="must not be empty"):
        create_session("  ")
    assert current_path() == before


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Aftrap Q3", "aftrap-q3"), ("???", "session"), ("Café—crème", "cafe-creme")],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
