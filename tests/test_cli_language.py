"""Every word the command line shows speaks the user's language: its help, argparse's usage and errors,
and the messages of the core it calls.

The language is the session's where a session is named, else ``--lang``, else ``PLAYBOOK_LANG``, else
English; ``--lang`` always wins. Each kind of message is tried in a Dutch and in an English session.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from playbook.catalogue import load_catalogue
from playbook.cli import _parser, main
from playbook.clitext import english_texts
from playbook.diagnosis import with_reading
from playbook.errors import PlaybookError
from playbook.groups import make_groups
from playbook.handout import handout
from playbook.i18n import speaking, strings
from playbook.live import Live
from playbook.paths import catalogue_dir
from playbook.reading import lexicon
from playbook.recommend import rank
from playbook.session import SessionFile, load_session
from playbook.teaching import exercise
from playbook.workspace import copy_example

from .conftest import EXAMPLE_EN, EXAMPLE_NL, ROOT


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``playbook ARGV`` in this process; argparse's exits become the status they would be."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def nl(tmp_path: Path) -> Path:
    return Path(shutil.copyfile(EXAMPLE_NL, tmp_path / EXAMPLE_NL.name))


@pytest.fixture
def en(tmp_path: Path) -> Path:
    return Path(shutil.copyfile(EXAMPLE_EN, tmp_path / EXAMPLE_EN.name))


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Each parser with the command line that reaches it (a positional before a sub-command: FILE)."""
    yield path, parser
    before = tuple("FILE" for a in parser._actions if not a.option_strings and not a.choices)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, *before, name))


def _help_texts(parser: argparse.ArgumentParser) -> list[str]:
    texts = [parser.description] if parser.description else []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            texts += [a.help for a in action._choices_actions if a.help]
        elif action.help and action.help != argparse.SUPPRESS:
            texts.append(action.help)
    return texts


PARSERS = list(_parsers(_parser()))
DUTCH = strings("nl")


# ------------------------------------------------------------------------------------------------ help


def test_every_help_text_of_the_command_line_has_a_key_in_both_languages() -> None:
    known = set(english_texts())
    missing = {text for _, p in PARSERS for text in _help_texts(p) if text not in known}
    assert not missing, f"add these to cli.help in assets/i18n/en.yaml and nl.yaml: {sorted(missing)}"
    english, dutch = strings("en"), strings("nl")
    for key, text in english.items():
        if key.startswith("cli."):
            assert dutch.get(key) and (dutch[key] != text or "%" in text or key.endswith("_output")), key


@pytest.mark.parametrize("path", [p for p, _ in PARSERS], ids=lambda p: " ".join(p) or "playbook")
def test_each_commands_help_is_dutch_with_lang_nl_and_english_without(
    capsys: pytest.CaptureFixture[str], path: tuple[str, ...]
) -> None:
    parser = dict(PARSERS)[path]
    code, dutch, _ = run(capsys, "--lang", "nl", *path, "--help")
    assert code == 0 and dutch.startswith("gebruik: playbook"), dutch
    code, english, _ = run(capsys, *path, "--help")
    assert code == 0 and english.startswith("usage: playbook"), english
    for text in _help_texts(parser):
        words = " ".join(text.split()[:3])  # the start of a text survives argparse's line wrapping
        assert words in " ".join(english.split()), (text, english)
        translated = DUTCH[next(k for k, v in strings("en").items() if v == text and k.startswith("cli."))]
        assert " ".join(translated.split()[:3]) in " ".join(dutch.split()), (translated, dutch)
    assert "options:" not in dutch and "show this help message" not in dutch
    assert ("opties:" in dutch) == ("options:" in english)


def test_playbook_lang_nl_gives_the_dutch_help_from_the_shell() -> None:
    env = {**os.environ, "PLAYBOOK_LANG": "nl"}
    proc = subprocess.run(
        [sys.executable, "-m", "playbook", "--help"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert proc.returncode == 0
    assert (
        proc.stdout.startswith("gebruik: playbook") and "Een playbook voor procesbegeleiding." in proc.stdout
    )
    assert "blader door de werkvormen" in proc.stdout and "opties:" in proc.stdout
    assert "usage" not in proc.stdout and "browse and check" not in proc.stdout
    english = subprocess.run(
        [sys.executable, "-m", "playbook", "--help"],
        capture_output=True,
        text=True,
        env={k: v for k, v in env.items() if k != "PLAYBOOK_LANG"},
        cwd=ROOT,
    )
    assert english.stdout.startswith("usage: playbook") and "browse and check" in english.stdout


def test_a_dutch_command_that_runs_cleanly_never_loads_the_translation_of_the_parser(nl: Path) -> None:
    code = (
        "import sys; from playbook.cli import main; main(['catalogue', 'list', '--role', 'open']); "
        "print('playbook.clitext' in sys.modules, file=sys.stderr)"
    )
    env = {**os.environ, "PLAYBOOK_LANG": "nl"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert proc.returncode == 0 and "werkvormen" in proc.stdout
    assert proc.stderr.strip() == "False"


# ------------------------------------------------------------------------------------ argparse's errors

ARGPARSE = [
    # the command line after the session file, what Dutch says, what English says
    (("agenda", "{s}", "add"), "deze argumenten ontbreken: id", "the following arguments are required: id"),
    (
        ("agenda", "{s}", "shuffle"),
        "ongeldige keuze: 'shuffle' (kies uit",
        "invalid choice: 'shuffle' (choose",
    ),
    (("agenda", "{s}", "set", "1", "--minutes"), "--minutes: verwacht één waarde", "expected one argument"),
    (("plan", "{s}", "--extra"), "onbekende argumenten: --extra", "unrecognized arguments: --extra"),
    (("suggest", "{s}", "--limit", "many"), "ongeldige waarde voor int: 'many'", "invalid int value: 'many'"),
    (("design", "{s}", "--alternatives", "99"), "moet een geheel getal van 0 tot 10 zijn", "from 0 to 10"),
]


@pytest.mark.parametrize(
    ("argv", "dutch", "english"), ARGPARSE, ids=lambda v: v[0] if isinstance(v, tuple) else ""
)
def test_argparse_errors_speak_the_language_of_the_session_named(
    capsys: pytest.CaptureFixture[str], nl: Path, en: Path, argv: tuple[str, ...], dutch: str, english: str
) -> None:
    code, _, err = run(capsys, *(a.format(s=nl) for a in argv))
    assert code == 2 and dutch in err and err.rstrip().endswith("--help)"), err
    assert "(zie playbook" in err and english not in err
    code, _, err = run(capsys, *(a.format(s=en) for a in argv))
    assert code == 2 and english in err and "(see playbook" in err, err
    code, _, err = run(capsys, "--lang", "en", *(a.format(s=nl) for a in argv))
    assert code == 2 and english in err, err  # --lang wins over the session


def test_without_a_session_argparse_speaks_lang_or_playbook_lang(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "--lang", "nl", "nosuch")
    assert code == 2 and "ongeldige keuze: 'nosuch'" in err and "(zie playbook --help)" in err
    code, _, err = run(capsys, "--lang", "nl", "catalogue", "list", "--size", "lots")
    assert code == 2 and "--size: moet een geheel aantal mensen zijn, gevonden: 'lots'" in err, err
    code, _, err = run(capsys, "catalogue", "list", "--size", "0")
    assert code == 2 and "--size: must be between 1 and 10000 people, found 0" in err, err
    monkeypatch.setenv("PLAYBOOK_LANG", "nl")
    code, _, err = run(capsys, "session")
    assert code == 2 and "deze argumenten ontbreken" in err, err
    code, _, err = run(capsys, "--lang", "en", "session")
    assert code == 2 and "the following arguments are required" in err, err


# ------------------------------------------------------------------------------ the commands' messages

COMMANDS = [
    # the command line, what Dutch says, what English says
    (
        ("agenda", "{s}", "add", "nosuch"),
        "onbekende werkvorm 'nosuch'; zie `playbook catalogue list`",
        "unknown intervention 'nosuch'; see `playbook catalogue list`",
    ),
    (
        ("agenda", "{s}", "add", "dot-votin"),
        "onbekende werkvorm 'dot-votin'; bedoel je dot-voting?",
        "unknown intervention 'dot-votin'; did you mean dot-voting?",
    ),
    (
        ("arc", "{s}", "-o", "{d}/x.txt"),
        "x.txt: de boog wordt geschreven als .png of .svg",
        "x.txt: the arc is written as .png or .svg",
    ),
    (
        ("plan", "{d}/nosuch.session.yaml"),
        "nosuch.session.yaml: sessiebestand niet gevonden",
        "nosuch.session.yaml: session file not found",
    ),
    (("plan", "{d}"), ": is een map, geen bestand", ": is a folder, not a file"),
]


@pytest.mark.parametrize(
    ("argv", "dutch", "english"), COMMANDS, ids=lambda v: v[0] if isinstance(v, tuple) else ""
)
def test_the_commands_messages_speak_the_sessions_language(
    capsys: pytest.CaptureFixture[str], nl: Path, en: Path, argv: tuple[str, ...], dutch: str, english: str
) -> None:
    dutch_argv = [a.format(s=nl, d=nl.parent) for a in argv]
    if "nosuch.session.yaml" in dutch or dutch.startswith(": is"):  # no session to read: --lang says it
        dutch_argv.insert(0, "--lang=nl")
    code, _, err = run(capsys, *dutch_argv)
    assert code == 2 and err.startswith("playbook: fout: ") and dutch in err, err
    code, _, err = run(capsys, *(a.format(s=en, d=en.parent) for a in argv))
    assert code == 2 and err.startswith("playbook: error: ") and english in err, err


def test_a_file_that_is_no_yaml_is_told_in_the_language_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.session.yaml"
    bad.write_text("title: [\n", encoding="utf-8")
    code, _, err = run(capsys, "--lang", "nl", "session", "check", str(bad))
    assert code == 2 and "geen geldige YAML" in err and "is het bestand compleet?" in err, err
    bad.write_bytes(b"title: caf\xe9\n")
    code, _, err = run(capsys, "--lang", "nl", "session", "check", str(bad))
    assert code == 2 and "geen UTF-8-tekst (byte 10)" in err, err
    code, _, err = run(capsys, "session", "check", str(bad))
    assert code == 2 and "not UTF-8 text (byte 10)" in err, err


def test_a_users_catalogue_folder_is_checked_in_the_language_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copyfile(catalogue_dir() / "dot-voting.yaml", folder / "dot-voting.yaml")
    code, _, err = run(capsys, "--lang", "nl", "catalogue", "validate", str(folder))
    assert code == 2 and "'dot-voting' staat al in de meegeleverde catalogus" in err, err
    code, _, err = run(capsys, "catalogue", "validate", str(folder))
    assert code == 2 and "'dot-voting' is already in the shipped catalogue" in err, err


def test_the_app_refuses_a_missing_folder_in_playbook_lang(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLAYBOOK_LANG", "nl")
    code, _, err = run(capsys, "app", str(tmp_path / "nowhere"))
    assert code == 2 and err.startswith("playbook: fout: ") and "deze map bestaat niet" in err, err
    monkeypatch.delenv("PLAYBOOK_LANG")
    code, _, err = run(capsys, "app", str(tmp_path / "nowhere"))
    assert code == 2 and "no such folder; make one with 'playbook init FOLDER'" in err, err


def test_one_commands_language_never_leaks_into_the_next(
    capsys: pytest.CaptureFixture[str], nl: Path
) -> None:
    run(capsys, "agenda", str(nl), "add", "nosuch")  # a Dutch session
    code, _, err = run(capsys, "catalogue", "show", "nosuch")  # no session, no --lang: English
    assert (
        code == 2 and err == "playbook: error: unknown intervention 'nosuch'; see `playbook catalogue list`\n"
    )


# ------------------------------------------------------------------------------- the core, from Python

CORE = [
    (
        lambda s: handout(s, load_catalogue(), audience="press"),
        "onbekend publiek 'press'; kies participants of",
        "unknown audience 'press'; choose participants or",
    ),
    (
        lambda s: rank(s, load_catalogue(), role="middle"),
        "onbekende rol in het verloop 'middle'",
        "unknown arc role 'middle'",
    ),
]


@pytest.mark.parametrize(("call", "dutch", "english"), CORE, ids=["handout audience", "suggest role"])
def test_the_cores_refusals_speak_the_sessions_language(call, dutch: str, english: str) -> None:
    with pytest.raises(PlaybookError, match=dutch):
        call(load_session(EXAMPLE_NL))
    with pytest.raises(PlaybookError, match=english):
        call(load_session(EXAMPLE_EN))


def test_the_live_companion_refuses_an_unknown_observation_in_the_sessions_language(
    nl: Path, en: Path
) -> None:
    for path, said in (
        (nl, "onbekende waarneming 'gossip'; kies een van"),
        (en, "unknown observation 'gossip'"),
    ):
        with pytest.raises(PlaybookError, match=said):
            Live(SessionFile.open(path), load_catalogue()).observe("gossip")


@pytest.mark.parametrize(
    ("call", "dutch", "english"),
    [
        (
            lambda: make_groups(["a", "b"], 0),
            "een groep heeft minstens één persoon",
            "a group has at least one",
        ),
        (lambda: make_groups([], 2), "er is niemand om in groepen te verdelen", "there is nobody to put"),
        (lambda: exercise("nosuch"), "onbekende oefening 'nosuch'", "unknown exercise 'nosuch'"),
        (lambda: copy_example("nosuch"), "onbekend voorbeeld 'nosuch'", "unknown example 'nosuch'"),
        (lambda: lexicon("fr"), "geen signaalwoorden voor taal 'fr'", "no cues for language 'fr'"),
        (
            lambda: with_reading(load_session(EXAMPLE_NL).diagnosis, "mood", None),
            "onbekende lezing 'mood'",
            "unknown reading 'mood'",
        ),
        (
            lambda: with_reading(load_session(EXAMPLE_NL).diagnosis, "intent", "present"),
            "zeg over welke bedoeling de lezing gaat",
            "say which intent the reading is about",
        ),
    ],
    ids=["group size", "nobody", "exercise", "example", "cues", "reading", "intent"],
)
def test_messages_without_a_session_speak_the_language_chosen(call, dutch: str, english: str) -> None:
    with speaking("nl"), pytest.raises(PlaybookError, match=dutch):
        call()
    with speaking("en"), pytest.raises(PlaybookError, match=english):
        call()
