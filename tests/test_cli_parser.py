"""The command line builds only the parser of the command it runs: the same answers as the whole parser.

A command's parser is built from the same code either way; these tests check that what a user sees
(the parsed options, every help text, every usage error) does not depend on building only one.
"""

from __future__ import annotations

import contextlib
import io

import pytest

from playbook import cli

ARGV = [
    ["plan", "s.session.yaml"],
    ["--lang", "nl", "plan", "s.session.yaml", "--json", "--no-history"],
    ["--lang=en", "diagnose", "s.session.yaml"],
    ["diagnose", "--lang", "nl", "s.session.yaml"],
    ["catalogue", "list", "--role", "open", "--size", "12"],
    ["agenda", "s.session.yaml", "add", "1-2-4-all", "--minutes", "20", "--at", "2"],
    ["brief", "s.session.yaml", "--wish", "plan plan", "--decision-rule", "consent"],
    ["handout", "a.session.yaml", "b.session.yaml", "--audience", "facilitator", "-o", "out"],
    ["design", "s.session.yaml", "--alternatives", "2", "--apply"],
    ["room", "s.session.yaml", "--port", "8871"],
]


def outcome(parser_of: str | None, argv: list[str]) -> tuple[object, int | None, str]:
    """What parsing ``argv`` gives: the options, or the exit status and what was printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            return vars(cli._parser(parser_of).parse_args(argv)), None, out.getvalue()
        except SystemExit as stop:
            return None, int(stop.code or 0), out.getvalue()


@pytest.mark.parametrize("argv", ARGV, ids=lambda a: " ".join(a))
def test_one_command_s_parser_parses_as_the_whole_parser_does(argv: list[str]) -> None:
    wanted = cli._wanted(argv)
    assert wanted == next(a for a in argv if not a.startswith("-") and a not in ("nl", "en"))
    assert outcome(wanted, argv) == outcome(None, argv)


@pytest.mark.parametrize("area", sorted({area for area, _ in cli._COMMANDS}))
def test_every_command_s_help_and_usage_errors_read_the_same(area: str) -> None:
    for argv in ([area, "--help"], [area], [area, "x", "--no-such-option"]):
        assert outcome(area, argv) == outcome(None, argv)
    status, printed = outcome(area, [area, "--help"])[1:]
    assert status == 0 and f"usage: playbook {area}" in printed


@pytest.mark.parametrize(
    "argv",
    [[], ["--help"], ["--version"], ["plann", "x"], ["--la", "nl", "plan", "x"], ["-x", "plan"], ["nl"]],
)
def test_anything_but_a_known_command_gets_the_whole_parser(argv: list[str]) -> None:
    assert cli._wanted(argv) is None
