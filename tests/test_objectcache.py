"""The catalogue, the cue lexicons and session documents kept whole between processes: never a stale or hidden result.

Speed is measured by ``make bench``; these tests check that a second process builds nothing it kept, that
an edited, added or removed work form and an edited cue file are seen by the next load, that a mistake is
reported as ever and never kept, and that a damaged, foreign or stale entry is passed over and rewritten.
"""

from __future__ import annotations

import os
import pickle
import shutil
import time
from pathlib import Path

import pytest

from playbook import calibrate, catalogue, objectcache, reading
from playbook import session as session_module
from playbook.catalogue import load_catalogue
from playbook.errors import PlaybookError
from playbook.paths import assets_dir, catalogue_dir, examples_dir
from playbook.session import SessionFile

from .conftest import EXAMPLE_EN
from .conftest import fresh as run_fresh


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own; the process remembers no file of an earlier load."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(catalogue, "_LOADED", {})
    return objectcache.folder()


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> Path:
    """A copy of the shipped catalogue that the loader takes for the shipped one, so a test can edit it.

    Its files were written just now; the cache is told that is long enough ago (see ``settled``)."""
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue_dir(), folder)
    monkeypatch.setattr(catalogue, "catalogue_dir", lambda: folder)
    monkeypatch.setattr(objectcache, "SETTLED_SECONDS", 0)
    return folder


def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the work forms parsed from here on."""
    seen: list[str] = []
    real = catalogue.parse_intervention

    def counting(data: object, file: object, *args: object, **kwargs: object) -> object:
        seen.append(Path(str(file)).stem)
        return real(data, file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue, "parse_intervention", counting)
    return seen


def new_process() -> None:
    """What a new process knows of the catalogue: nothing but the cache on disk."""
    catalogue._LOADED.clear()


RUN = """
import io, json, sys
from contextlib import redirect_stdout
from playbook import catalogue, reading
counts = {"forms": 0, "lexicons": 0}
parse, build = catalogue.parse_intervention, reading._build_lexicon
def parse_counted(*a, **k):
    counts["forms"] += 1
    return parse(*a, **k)
def build_counted(*a, **k):
    counts["lexicons"] += 1
    return build(*a, **k)
catalogue.parse_intervention, reading._build_lexicon = parse_counted, build_counted
from playbook.cli import main
with redirect_stdout(io.StringIO()) as out:
    status = main(sys.argv[1:])
print(json.dumps([status, out.getvalue(), counts]))
"""


@pytest.mark.parametrize("command", ["plan", "diagnose"])
def test_a_second_process_parses_no_work_form_and_builds_no_lexicon(command: str, tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = run_fresh(RUN, command, str(EXAMPLE_EN), env=env)
    second = run_fresh(RUN, command, str(EXAMPLE_EN), env=env)
    assert first[0] == second[0] == 0
    assert second[1] == first[1] and len(first[1]) > 200  # the very same output
    assert first[2]["lexicons"] == 2
    if command == "plan":
        assert first[2]["forms"] > 150
    assert second[2] == {"forms": 0, "lexicons": 0}


def test_the_kept_catalogue_equals_the_one_read_from_its_files(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = load_catalogue([])
    new_process()
    seen = parsed(monkeypatch)
    kept = load_catalogue([])
    assert seen == []
    assert list(kept) == list(built)  # every work form equal, field by field
    assert [i.origin for i in kept] == [i.origin for i in built]


def test_an_edited_added_or_removed_work_form_is_seen_by_the_next_process(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalogue([])
    seen = parsed(monkeypatch)
    path = shipped / "1-2-4-all.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("source: ", "source: Edited. ", 1), encoding="utf-8")
    new_process()
    assert load_catalogue([]).get("1-2-4-all").source.startswith("Edited. ")
    assert seen  # read from the files again

    shutil.copyfile(path, shipped / "my-own-form.yaml")
    (shipped / "my-own-form.yaml").write_text(
        text.replace("id: 1-2-4-all", "id: my-own-form", 1), encoding="utf-8"
    )
    new_process()
    assert "my-own-form" in load_catalogue([])

    (shipped / "my-own-form.yaml").unlink()
    new_process()
    assert "my-own-form" not in load_catalogue([])
    new_process()
    seen.clear()
    assert "my-own-form" not in load_catalogue([]) and seen == []  # kept again, as it now is


def test_a_mistake_in_a_shipped_file_is_reported_each_time_and_never_kept(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalogue([])
    path = shipped / "1-2-4-all.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("energy: ", "energy: 9 #", 1), encoding="utf-8")
    for _ in range(2):
        new_process()
        with pytest.raises(PlaybookError) as caught:
            load_catalogue([])
        assert any(p.file.endswith("1-2-4-all.yaml") and p.field == "energy" for p in caught.value.problems)


def test_a_damaged_entry_is_passed_over_and_written_anew(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = load_catalogue([])
    (entry,) = objectcache.folder().glob("catalogue-*.pickle")
    seen = parsed(monkeypatch)
    for damage in (b"", b"not a pickle at all", entry.read_bytes()[:1000]):
        entry.write_bytes(damage)
        new_process()
        seen.clear()
        assert list(load_catalogue([])) == list(built) and seen  # built from the files
        new_process()
        seen.clear()
        assert list(load_catalogue([])) == list(built) and seen == []  # the entry was written again


def test_an_entry_for_other_files_or_of_another_kind_is_not_used(cache: Path) -> None:
    assert objectcache.keep("thing", "key", ["a value"], []) is True
    assert objectcache.recall("thing", "key", lambda v: v == ["a value"]) == ["a value"]
    assert objectcache.recall("thing", "another key", lambda v: True) is None
    assert objectcache.recall("thing", "key", lambda v: isinstance(v, dict)) is None
    assert objectcache.recall("nothing kept", "key", lambda v: True) is None


def test_an_entry_others_may_write_is_not_trusted(cache: Path) -> None:
    objectcache.keep("thing", "key", "value", [])
    objectcache.entry("thing").chmod(0o666)
    assert objectcache.recall("thing", "key", lambda v: True) is None


def test_a_file_changed_moments_ago_is_read_again_until_it_has_settled(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "fresh.yaml"
    path.write_text("x: 1\n", encoding="utf-8")
    stamps = [(path.name, path.stat())]
    assert not objectcache.settled(stamps)
    assert objectcache.keep("thing", "key", "value", stamps) is False
    assert objectcache.settled(stamps, now=time.time() + objectcache.SETTLED_SECONDS + 1)


def test_the_key_changes_with_any_file_and_with_the_code(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("a: 1\n", encoding="utf-8")
    b.write_text("b: 1\n", encoding="utf-8")
    version = objectcache.code_version()
    both = objectcache.make_key(version, [("a.yaml", a.stat()), ("b.yaml", b.stat())])
    assert both != objectcache.make_key(version, [("a.yaml", a.stat())])  # one removed
    assert both != objectcache.make_key(version + " changed", [("a.yaml", a.stat()), ("b.yaml", b.stat())])
    before = b.stat()
    b.write_text("b: 22\n", encoding="utf-8")
    assert both != objectcache.make_key(version, [("a.yaml", a.stat()), ("b.yaml", b.stat())])
    os.utime(b, ns=(before.st_atime_ns, before.st_mtime_ns))  # the old time put back: the change time tells
    assert both != objectcache.make_key(version, [("a.yaml", a.stat()), ("b.yaml", b.stat())])
    assert objectcache.code_version(os) != version  # another module named is part of it


def test_a_cache_that_cannot_be_written_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(catalogue, "_LOADED", {})
    assert len(load_catalogue([])) > 150
    assert objectcache.keep("thing", "key", "value", []) is False


@pytest.fixture
def cues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> Path:
    """A copy of the shipped assets that the lexicon loader takes for the shipped ones."""
    folder = tmp_path / "assets"
    shutil.copytree(assets_dir() / "diagnosis" / "cues", folder / "diagnosis" / "cues")
    monkeypatch.setattr(reading, "assets_dir", lambda: folder)
    monkeypatch.setattr(objectcache, "SETTLED_SECONDS", 0)
    return folder / "diagnosis" / "cues"


def test_an_edited_cue_file_is_seen_by_the_next_process(cues: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = reading.load_lexicon("en")
    assert [p.name for p in objectcache.folder().glob("lexicon-en-*.pickle")]
    kept = reading.load_lexicon("en")
    assert kept == built and kept is not built  # from the cache, equal field by field

    path = cues / "en.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  intents:\n" in text
    path.write_text(
        text.replace("  intents:\n", "  intents:\n    zebra:\n      strong: [zebra]\n", 1), encoding="utf-8"
    )
    assert "readings.intents.zebra" in reading.load_lexicon("en").groups

    path.write_text(text.replace("  intents:\n", "  intents:\n    zebra: [zebra]\n", 1), encoding="utf-8")
    for _ in range(2):  # a mistake is reported as ever, each time
        with pytest.raises(PlaybookError, match=r"en\.yaml.*zebra"):
            reading.load_lexicon("en")


ONE_LANGUAGE = """
import io, json, sys
from contextlib import redirect_stdout
from playbook import reading
built = []
real = reading.load_lexicon
def counted(language, *args, **kwargs):
    built.append(language)
    return real(language, *args, **kwargs)
reading.load_lexicon = counted
from playbook.cli import main
with redirect_stdout(io.StringIO()) as out:
    status = main(["diagnose", sys.argv[1]])
print(json.dumps([status, out.getvalue(), sorted(built)]))
"""


def test_a_brief_in_one_language_loads_only_that_language_s_cues(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = run_fresh(ONE_LANGUAGE, str(EXAMPLE_EN), env=env)
    second = run_fresh(ONE_LANGUAGE, str(EXAMPLE_EN), env=env)
    assert first[0] == second[0] == 0 and first[1] == second[1]
    assert first[2] == ["en", "nl"]  # the first builds both, and keeps the function words of each
    assert second[2] == []  # the brief's reading itself is kept: no cues are loaded at all


def test_a_dutch_brief_read_anew_loads_only_the_dutch_cues(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run_fresh(ONE_LANGUAGE, str(EXAMPLE_EN), env=env)  # both lexicons built and kept
    for entry in (tmp_path / "cache").rglob("reading-*.pickle"):
        entry.unlink()  # ...but no reading of any brief
    dutch = run_fresh(ONE_LANGUAGE, str(examples_dir() / "samen-een-servicedesk.session.yaml"), env=env)
    assert dutch[0] == 0 and dutch[2] == ["nl"]  # the English function words and groups come on their own


def test_the_kept_function_words_are_the_lexicon_s(cues: Path) -> None:
    reading.function_words.cache_clear()
    try:
        for language in ("en", "nl"):
            built = reading.load_lexicon(language)
            assert reading.function_words(language) == built.function_words
            assert reading.groups(language) == built.groups
    finally:
        reading.function_words.cache_clear()
        reading.groups.cache_clear()


def brief_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The briefs read from their words from here on (by their wish); nothing remembered in memory."""
    seen: list[str] = []
    real = reading._read_brief

    def counting(parts: dict[str, str], default_language: str) -> object:
        seen.append(parts.get("wish", ""))
        return real(parts, default_language)

    monkeypatch.setattr(reading, "_read_brief", counting)
    monkeypatch.setattr(reading, "_READ", {})
    return seen


BRIEF = {"wish": "We want the team to agree on how we handle complaints", "context": "Trust is low."}


def test_a_kept_reading_equals_the_one_read_and_follows_an_edited_cue_file(
    cues: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = brief_reads(monkeypatch)
    built = reading.read_brief(BRIEF, "en")
    reading._READ.clear()
    kept = reading.read_brief(BRIEF, "en")
    assert seen == [BRIEF["wish"]]  # read once; the second came from the cache
    assert kept == built and kept is not built
    assert kept.evidence("readings.intents.agreement", {"wish": 1.0, "context": 1.0}) == built.evidence(
        "readings.intents.agreement", {"wish": 1.0, "context": 1.0}
    )

    path = cues / "en.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  intents:\n", "  intents:\n    zebra:\n      strong: [complaints]\n", 1))
    reading.lexicon.cache_clear()
    reading._READ.clear()
    edited = reading.read_brief(BRIEF, "en")
    assert len(seen) == 2 and edited.evidence("readings.intents.zebra", {"wish": 1.0}).hits
    reading.lexicon.cache_clear()


def test_a_damaged_or_foreign_reading_entry_is_passed_over(
    cues: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = brief_reads(monkeypatch)
    built = reading.read_brief(BRIEF, "en")
    (entry,) = objectcache.folder().glob("reading-*.pickle")
    for damage in (b"", b"not a pickle", entry.read_bytes()[:300]):
        entry.write_bytes(damage)
        reading._READ.clear()
        seen.clear()
        assert reading.read_brief(BRIEF, "en") == built and len(seen) == 1
    other = {"wish": "Een ander verzoek"}
    name, _, _ = reading._kept_reading((tuple(BRIEF.items()), "en"))  # type: ignore[misc]
    key = reading._kept_reading((tuple(other.items()), "en"))[1]  # type: ignore[index]
    objectcache.keep(name, key, built, [])  # another brief's key in this brief's slot
    reading._READ.clear()
    seen.clear()
    assert reading.read_brief(BRIEF, "en") == built and len(seen) == 1


def test_briefs_read_fill_a_fixed_number_of_entries(cues: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brief_reads(monkeypatch)
    for n in range(3 * reading.READING_SLOTS):
        reading.read_brief({"wish": f"Brief number {n}"}, "en")
    assert len(list(objectcache.folder().glob("reading-*.pickle"))) <= reading.READING_SLOTS


# -- session documents: kept by the hash of their bytes ----------------------------------------------------


def session_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The session files whose YAML is parsed from here on."""
    seen: list[str] = []
    real = session_module.parse_yaml

    def counting(text: str, file: object = "<text>") -> object:
        seen.append(Path(str(file)).name)
        return real(text, file)  # type: ignore[arg-type]

    monkeypatch.setattr(session_module, "parse_yaml", counting)
    return seen


@pytest.fixture
def copy(tmp_path: Path, cache: Path) -> Path:
    target = tmp_path / "mine.session.yaml"
    shutil.copyfile(EXAMPLE_EN, target)
    return target


def test_a_session_read_again_in_the_same_bytes_is_not_parsed_and_equals_the_parsed_one(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = session_parses(monkeypatch)
    first = SessionFile.open(copy)
    second = SessionFile.open(copy)
    assert seen == ["mine.session.yaml"]
    assert second.session == first.session and second.session is not first.session
    assert second.fingerprint == first.fingerprint
    assert len(list(objectcache.folder().glob("session-*.pickle"))) == 1


def test_an_edited_session_is_parsed_again_and_replaces_its_entry(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = SessionFile.open(copy).session
    seen = session_parses(monkeypatch)
    text, times = copy.read_text(encoding="utf-8"), copy.stat()
    edited = "E" + before.title[1:]
    copy.write_text(text.replace(f"title: {before.title}", f"title: {edited}", 1), encoding="utf-8")
    os.utime(copy, ns=(times.st_atime_ns, times.st_mtime_ns))  # the same size and time: only the bytes differ
    assert copy.stat().st_size == times.st_size
    assert SessionFile.open(copy).session.title == edited
    assert SessionFile.open(copy).session.title == edited
    assert seen == ["mine.session.yaml"]  # parsed once, then kept as edited
    assert len(list(objectcache.folder().glob("session-*.pickle"))) == 1  # the newest replaced the last
    copy.write_text(text, encoding="utf-8")
    assert SessionFile.open(copy).session == before


def test_a_session_with_a_mistake_is_reported_each_time_and_never_kept(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy.write_text(copy.read_text(encoding="utf-8").replace("budget_minutes: ", "budget_minutes: -", 1))
    for _ in range(2):
        with pytest.raises(PlaybookError) as caught:
            SessionFile.open(copy)
        assert caught.value.problems[0].field == "budget_minutes"
    assert list(objectcache.folder().glob("session-*.pickle")) == []


def test_a_damaged_stale_or_foreign_session_entry_is_passed_over_and_written_anew(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = SessionFile.open(copy).session
    (entry,) = objectcache.folder().glob("session-*.pickle")
    other = SessionFile.open(examples_dir() / "samen-een-servicedesk.session.yaml")
    foreign = pickle.dumps(  # another file's session, under the key of its own bytes
        (objectcache.content_key(objectcache.code_version(), other.fingerprint or ""), other.session)
    )
    seen = session_parses(monkeypatch)
    for damage in (b"", b"not a pickle at all", entry.read_bytes()[:200], foreign):
        entry.write_bytes(damage)
        seen.clear()
        assert SessionFile.open(copy).session == good and seen == ["mine.session.yaml"]
        seen.clear()
        assert SessionFile.open(copy).session == good and seen == []  # the entry was written again
    entry.chmod(0o666)  # others may write it: not trusted
    seen.clear()
    assert SessionFile.open(copy).session == good and seen == ["mine.session.yaml"]


def test_a_session_kept_by_other_code_is_parsed_again(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    SessionFile.open(copy)
    seen = session_parses(monkeypatch)
    version = objectcache.code_version()
    monkeypatch.setattr(session_module.objectcache, "code_version", lambda *m: version + "\nan edited module")
    SessionFile.open(copy)
    assert seen == ["mine.session.yaml"]


def test_past_sessions_of_a_workspace_are_not_parsed_by_the_next_process(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "workspace"
    shutil.copytree(examples_dir(), folder)
    built = calibrate.history(folder, load_catalogue([]))
    seen = session_parses(monkeypatch)
    monkeypatch.setattr(calibrate, "_READ", {})  # what a new process remembers: only the cache
    again = calibrate.history(folder, load_catalogue([]))
    assert seen == [] and again == built and again.runs


# -- the kept catalogue: each work form unpickled when it is first used ------------------------------------


def test_a_kept_catalogue_unpickles_only_the_forms_looked_up(shipped: Path) -> None:
    built = load_catalogue([])
    new_process()
    kept = load_catalogue([])
    forms = list(kept._by_id.values())
    assert all(type(f) is catalogue.KeptForm for f in forms) and len(kept) == len(built)
    assert "1-2-4-all" in kept and "no-such-form" not in kept  # asked without unpickling anything
    assert not any(type(f) is catalogue.Intervention for f in kept._by_id.values())
    assert kept.get("1-2-4-all") == built.get("1-2-4-all")
    assert sum(type(f) is catalogue.Intervention for f in kept._by_id.values()) == 1
    assert list(kept) == list(built)  # a whole pass unpickles the rest, equal field by field


def test_a_form_damaged_inside_a_kept_entry_is_read_from_its_file(shipped: Path) -> None:
    built = load_catalogue([])
    (entry,) = objectcache.folder().glob("catalogue-*.pickle")
    key, forms = pickle.loads(entry.read_bytes())
    damaged = [
        catalogue.KeptForm(
            f.id, f.good_before, f.good_after, b"not a pickle" if f.id == "1-2-4-all" else f.pickled
        )
        for f in forms
    ]
    other = next(f for f in forms if f.id != "1-2-4-all")
    damaged = [
        catalogue.KeptForm(f.id, f.good_before, f.good_after, other.pickled) if f.id == "world-cafe" else f
        for f in damaged
    ]  # another form's bytes under this id
    entry.write_bytes(pickle.dumps((key, damaged)))
    new_process()
    kept = load_catalogue([])
    assert kept.get("1-2-4-all") == built.get("1-2-4-all")
    assert kept.get("world-cafe") == built.get("world-cafe")


def test_a_kept_catalogue_still_checks_every_form_s_references(shipped: Path) -> None:
    path = shipped / "1-2-4-all.yaml"
    text = path.read_text(encoding="utf-8")
    assert "good_after:" in text
    path.write_text(text.replace("good_after: [", "good_after: [no-such-form, ", 1), encoding="utf-8")
    for _ in range(2):  # read from the files, then from the kept entry: reported both times
        new_process()
        with pytest.raises(PlaybookError, match="no-such-form"):
            load_catalogue([])


def test_many_sessions_read_once_are_all_kept_none_displacing_another(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forty sessions in one workspace (a facilitator's year): each read once is read next time from its
    own entry. Entries picked by a hash modulo the limit would have displaced each other here."""
    targets = []
    for n in range(40):
        targets.append(target := tmp_path / f"copy-{n}.session.yaml")
        shutil.copyfile(EXAMPLE_EN, target)
        SessionFile.open(target)
    seen = session_parses(monkeypatch)
    assert all(SessionFile.open(target).session.title for target in targets)
    assert seen == [] and len(list(objectcache.folder().glob("session-*.pickle"))) == 40


def test_sessions_read_fill_a_fixed_number_of_entries(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "SESSION_SLOTS", 4)
    for n in range(12):
        target = tmp_path / f"copy-{n}.session.yaml"
        shutil.copyfile(EXAMPLE_EN, target)
        assert SessionFile.open(target).session.title
    assert 1 <= len(list(objectcache.folder().glob("session-*.pickle"))) <= 4
