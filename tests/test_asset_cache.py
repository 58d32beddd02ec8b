"""The shipped assets' YAML, kept as JSON in the user's cache: the same data, only faster to read.

Speed is measured by ``make bench``; these tests check that a cached read gives exactly what parsing
gives, that an edited file is read afresh, that only shipped assets are cached, and that a damaged or
unwritable cache costs nothing but time.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest

from playbook import catalogue, yamlio
from playbook.catalogue import load_catalogue
from playbook.errors import PlaybookError
from playbook.paths import assets_dir, catalogue_dir
from playbook.yamlio import CACHE_FORMAT, cache_dir, fingerprint, load_yaml_file, parse_yaml

from .conftest import ROOT


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "playbook" / f"yaml-{CACHE_FORMAT}"


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder the cache treats as the shipped assets, so a test can write and edit 'shipped' files."""
    folder = tmp_path / "assets"
    folder.mkdir()
    monkeypatch.setattr(yamlio, "_shipped", lambda: str(folder.resolve()))
    return folder


def test_the_cache_lives_in_the_user_s_cache_folder(cache: Path) -> None:
    assert cache.parent == cache_dir()


def test_a_shipped_file_is_cached_under_the_hash_of_its_bytes_and_read_back_from_there(cache: Path) -> None:
    path = catalogue_dir() / "1-2-4-all.yaml"
    data, digest = load_yaml_file(path)
    entry = cache / f"{digest}.json"
    assert digest == fingerprint(path.read_bytes())
    assert json.loads(entry.read_text(encoding="utf-8")) == data == parse_yaml(path.read_text("utf-8"))
    entry.write_text(json.dumps({**data, "id": "from-the-cache"}), encoding="utf-8")
    again, _ = load_yaml_file(path)
    assert again["id"] == "from-the-cache", "the second read parsed the YAML again"


def test_the_catalogue_read_from_the_cache_equals_the_one_parsed_from_yaml(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogue, "_LOADED", {})  # a fresh process: no file known from an earlier load
    parsed = load_catalogue([])
    assert len(list(cache.glob("*.json"))) >= len(parsed)
    catalogue._LOADED.clear()
    cached = load_catalogue([])
    assert list(cached) == list(parsed)  # every intervention equal, field by field (frozen dataclasses)


def test_an_edited_file_is_read_afresh(cache: Path, shipped: Path) -> None:
    path = shipped / "form.yaml"
    path.write_text("name: first\n", encoding="utf-8")
    assert load_yaml_file(path)[0] == {"name": "first"}
    path.write_text("name: second\n", encoding="utf-8")
    assert load_yaml_file(path)[0] == {"name": "second"}
    assert len(list(cache.glob("*.json"))) == 2


def test_a_user_s_own_files_are_never_cached(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.session.yaml"
    path.write_text("title: private\n", encoding="utf-8")
    assert load_yaml_file(path)[0] == {"title": "private"}
    assert not cache.exists()


def test_data_json_would_change_is_not_cached_and_still_loads_right(cache: Path, shipped: Path) -> None:
    path = shipped / "numbers.yaml"
    path.write_text("1: one\n2: two\n", encoding="utf-8")
    assert load_yaml_file(path)[0] == {1: "one", 2: "two"}
    assert load_yaml_file(path)[0] == {1: "one", 2: "two"}
    assert not list(cache.glob("*.json"))


def test_a_damaged_entry_is_parsed_again_and_replaced(cache: Path, shipped: Path) -> None:
    path = shipped / "form.yaml"
    path.write_text("name: kept\n", encoding="utf-8")
    _, digest = load_yaml_file(path)
    (cache / f"{digest}.json").write_bytes(b'{"name": "tor')
    assert load_yaml_file(path)[0] == {"name": "kept"}
    assert json.loads((cache / f"{digest}.json").read_text(encoding="utf-8")) == {"name": "kept"}


def test_an_unwritable_cache_costs_only_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("XDG_CACHE_HOME", str(locked))

    def refuse(*args: object, **kwargs: object) -> None:  # what a read-only folder does (even to root: EROFS)
        raise PermissionError(13, "Permission denied", str(locked))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    data, _ = load_yaml_file(catalogue_dir() / "1-2-4-all.yaml")
    assert data["id"] == "1-2-4-all"
    assert not list(locked.rglob("*.json"))


def test_a_cache_folder_that_is_a_file_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    data, _ = load_yaml_file(catalogue_dir() / "1-2-4-all.yaml")
    assert data["id"] == "1-2-4-all"


def test_a_bad_shipped_file_is_still_reported_and_never_cached(cache: Path, shipped: Path) -> None:
    path = shipped / "broken.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PlaybookError, match=r"broken\.yaml.*line"):
            load_yaml_file(path)
    assert not list(cache.glob("*.json"))


def test_the_stemmer_is_snowball_in_c_with_the_same_stems_as_the_python_one() -> None:
    """PyStemmer is a dependency because snowballstemmer then uses it: same Snowball stems, far faster."""
    import Stemmer
    from snowballstemmer.dutch_stemmer import DutchStemmer
    from snowballstemmer.english_stemmer import EnglishStemmer

    from playbook.reading import _stemmer

    words: set[str] = set()
    for path in [*(assets_dir() / "diagnosis").rglob("*.yaml"), ROOT / "tests" / "corpus" / "briefs.yaml"]:
        words |= {w.lower() for w in re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8"))}
    assert len(words) > 2000
    for lang, python in (("en", EnglishStemmer()), ("nl", DutchStemmer())):
        assert isinstance(_stemmer(lang), Stemmer.Stemmer)
        differ = [w for w in sorted(words) if _stemmer(lang).stemWord(w) != python.stemWord(w)]
        assert differ == [], f"{lang}: {differ[:10]}"
