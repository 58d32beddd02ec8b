"""The ``playbook`` command: the catalogue and session documents from a terminal.

Exit status 0 on success and 2 on a user error, which is reported as one line on stderr (the error's
own lines follow when a file has several problems), never as a traceback. Everything printed passes
:func:`terminal_safe` first: a session file is somebody else's text, and control characters in it
must not clear a screen, fake output or write to the clipboard.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import __version__
from .catalogue import (
    LAYERS,
    ROLES,
    SETTINGS,
    Catalogue,
    Intervention,
    coverage,
    load_catalogue,
    validate,
)
from .errors import PlaybookError
from .i18n import LANGUAGES, capitalised, default_language, speak, speaking, t
from .paths import APP_PORT
from .session import SETTINGS as SESSION_SETTINGS
from .session import Session, SessionFile, check_references, new_session, session_to_data
from .yamlio import file_message

if TYPE_CHECKING:
    from .calibrate import History
    from .diagnosis import Profile


class _Parser(argparse.ArgumentParser):
    """argparse, speaking the command line's language (``--lang``, else the session named, else
    ``PLAYBOOK_LANG``): its help, usage and errors are translated by :mod:`playbook.clitext`, imported
    only when one is shown."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, t("cli.see_help", _parse_language(), prog=self.prog, message=message) + "\n")

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        with _argparse_speaking():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        with _argparse_speaking():
            return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._speaking_formatter()
        return super().format_help()

    def format_usage(self) -> str:
        self._speaking_formatter()
        return super().format_usage()

    def _speaking_formatter(self) -> None:
        lang = _parse_language()
        if lang != "en":
            from .clitext import Formatter

            self.formatter_class = lambda prog: Formatter(prog, lang)  # type: ignore[assignment]


@contextmanager
def _argparse_speaking() -> Iterator[None]:
    """argparse's ``_()`` (its usage and error strings) in the parser's language while it parses; the
    English path costs one lookup of ``--lang``, and a translation is looked up only when shown."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _argparse_gettext, _argparse_ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _argparse_gettext(message: str) -> str:
    lang = _parse_language()
    if lang == "en":
        return message
    from .clitext import translate

    return translate(message, lang)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    return _argparse_gettext(singular if n == 1 else plural)


_ARGV: list[str] = []  # the command line being parsed, for the language of the parser's own words


def _parse_language() -> str:
    """The language of help, usage and parse errors, as of the command itself: ``--lang``, else the
    session named on the command line, else ``PLAYBOOK_LANG``. Asked only when one is shown."""
    lang = _argv_lang(_ARGV)
    if lang in LANGUAGES:
        return lang  # type: ignore[return-value]
    return _session_language(tuple(_ARGV)) or default_language()


def _session_language(argv: tuple[str, ...]) -> str | None:
    for arg in argv:
        if arg.endswith((".yaml", ".yml")) and Path(arg).is_file():
            try:
                return SessionFile.open(arg).session.language
            except (PlaybookError, OSError):
                continue
    return None


def _argv_lang(argv: Sequence[str]) -> str | None:
    """The ``--lang`` of a command line, read before parsing so the parser's own words speak it."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class _Unused:
    """Stands in for the parser of a command that was not asked for: every call is accepted, and ignored."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self


class _Commands:
    """The top parser's table of commands, building only the parser of ``wanted`` (all when None): a
    parser costs more to build than to use, and one command line runs one command."""

    def __init__(self, table: Any, wanted: str | None) -> None:
        self._table, self._wanted = table, wanted

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if self._wanted is None or name == self._wanted:
            return self._table.add_parser(name, **kwargs)
        return _Unused()


def _wanted(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` if it is certainly one (else None: every parser is built, so help
    and mistakes read as ever)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif arg.startswith("-"):
            if not arg.startswith("--lang="):
                return None  # help, the version, or an option the full parser must judge
        else:
            return arg if arg in {area for area, _ in _COMMANDS} else None
    return None


def _parser(wanted: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``wanted``, only that command's part of it."""
    lang = argparse.ArgumentParser(add_help=False)
    lang.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language of the output")
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--json", action="store_true", help="print machine-readable JSON")

    p = _Parser(prog="playbook", description="A playbook for process facilitation.", parents=[lang])
    p.add_argument("--version", action="version", version=f"playbook {__version__}")
    top = _Commands(
        p.add_subparsers(
            dest="area",
            required=True,
            metavar="{catalogue,session,brief,group,questions,answer,signals,diagnose,suggest,design,agenda,plan,calibrate,arc,handout,export,report,init,app,room}",
            parser_class=_Parser,
        ),
        wanted,
    )

    cat = top.add_parser("catalogue", help="browse and check the interventions (werkvormen)")
    cmds = cat.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = cmds.add_parser("list", help="list interventions, optionally filtered", parents=[lang, data])
    c.add_argument("--role", choices=ROLES)
    c.add_argument("--layer", choices=LAYERS, help="'below' also lists those that work on both layers")
    c.add_argument("--setting", choices=SETTINGS)
    c.add_argument(
        "--size",
        type=_group_size,
        metavar="N",
        help="only those that work for N people, with their time for N",
    )
    c = cmds.add_parser("show", help="everything about one intervention", parents=[lang, data])
    c.add_argument("id")
    c.add_argument(
        "--size", type=_group_size, metavar="N", help="the time and the steps for a group of N people"
    )
    c = cmds.add_parser(
        "search", help="search names and descriptions in both languages", parents=[lang, data]
    )
    c.add_argument("text", nargs="+")
    c = cmds.add_parser("validate", help="check a catalogue folder (default: the one in use)", parents=[lang])
    c.add_argument("dir", nargs="?", type=Path)
    c.add_argument(
        "--report", action="store_true", help="also show the coverage per role, layer, setting and group size"
    )

    ses = top.add_parser("session", help="create, check and show session documents")
    cmds = ses.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = cmds.add_parser("new", help="create a blank session document", parents=[lang])
    c.add_argument("file", type=Path)
    c.add_argument("--title", help="the session's title (default: 'New session')")
    c.add_argument("--language", choices=LANGUAGES, help="the session's language (default: --lang)")
    c = cmds.add_parser("check", help="validate a session document against the catalogue", parents=[lang])
    c.add_argument("file", type=Path)
    c = cmds.add_parser("show", help="print a session document", parents=[lang, data])
    c.add_argument("file", type=Path)
    c = cmds.add_parser("next", help="a follow-up session that starts from the open actions", parents=[lang])
    c.add_argument("file", type=Path)
    c.add_argument("-o", "--output", type=Path, required=True, help="the new session file")

    _editing_parsers(top, lang, data)

    c = top.add_parser("diagnose", help="read the group above and below the surface", parents=[lang, data])
    c.add_argument("file", type=Path)
    c.set_defaults(command=None)

    c = top.add_parser("suggest", help="work forms that fit this session, with reasons", parents=[lang, data])
    c.add_argument("file", type=Path)
    c.add_argument("--role", choices=ROLES, help="rank one arc role (default: a shortlist per role)")
    c.add_argument(
        "--limit", type=int, default=None, metavar="N", help="how many (default: 10, or 4 per role)"
    )
    c.add_argument("--all", action="store_true", help="also show what breaks a hard limit, with the reason")
    c.set_defaults(command=None)

    _design_parser(top, lang, data)

    c = top.add_parser("plan", help="the timed agenda and its findings", parents=[lang, data])
    c.add_argument("file", type=Path)
    c.add_argument(
        "--no-history",
        action="store_true",
        help="leave out your own timing from the runs in the file's folder (see playbook calibrate)",
    )
    c.set_defaults(command=None)

    c = top.add_parser(
        "calibrate",
        help="how your blocks ran against the plan, from the runs in a workspace",
        parents=[lang, data],
    )
    c.add_argument("dir", type=Path, nargs="?", metavar="WORKSPACE", help="default: your workspace")
    c.set_defaults(command=None)

    c = top.add_parser("arc", help="draw the session arc as PNG or SVG", parents=[lang])
    c.add_argument("file", type=Path)
    c.add_argument("-o", "--output", type=Path, required=True, help="arc.png or arc.svg")
    c.set_defaults(command=None)

    c = top.add_parser("handout", help="one offline HTML handout per session file", parents=[lang])
    c.add_argument("files", type=Path, nargs="+", metavar="FILE")
    c.add_argument("--audience", choices=("participants", "facilitator"), default="participants")
    c.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="an .html or .pdf file, or a folder (several files)",
    )
    c.add_argument(
        "--ics", action="store_true", help="also write a calendar event (.ics) beside each handout"
    )
    c.add_argument("--pdf", action="store_true", help="write PDF instead of HTML into the folder")
    c.set_defaults(command=None)

    c = top.add_parser(
        "report", help="after the session: plan and actual, result, actions, as HTML", parents=[lang]
    )
    c.add_argument("file", type=Path)
    c.add_argument("-o", "--output", type=Path, required=True, help="report.html, report.pdf or a folder")
    c.set_defaults(command=None)

    c = top.add_parser(
        "export", help="execute the notebooks on the example and export them as a site", parents=[lang]
    )
    c.add_argument("notebooks", type=Path, help="the folder of notebooks")
    c.add_argument("-o", "--output", type=Path, required=True, help="the site folder, e.g. build/site")
    c.set_defaults(command=None)

    c = top.add_parser(
        "init",
        help="copy the notebooks and example sessions into a folder of your own (or a participant's)",
        parents=[lang],
    )
    c.add_argument("dir", type=Path, metavar="DIR", help="the folder, e.g. ~/playbook")
    c.add_argument(
        "--refresh-notebooks",
        action="store_true",
        help="replace the notebooks with this version's (the old ones are kept as .bak; sessions are never touched)",
    )
    c.set_defaults(command=None)

    c = top.add_parser("app", help="serve the facilitator's notebooks as a web app without code (Voilà)")
    c.add_argument(
        "dir",
        type=Path,
        nargs="?",
        metavar="DIR",
        help="a folder made by 'playbook init' (default: the one you are in, else the shipped notebooks)",
    )
    c.add_argument("--port", type=int, help=f"the port (default: {APP_PORT}, or a free one)")
    c.add_argument(
        "--ip",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this machine only); any other needs the token it prints",
    )
    c.add_argument("--no-browser", action="store_true", help="do not open a browser")
    c.set_defaults(command=None)

    c = top.add_parser(
        "room",
        help="let participants join from their phones: check in, write anonymously, vote, see the clock",
    )
    c.add_argument("file", type=Path, metavar="FILE", help="the session document")
    c.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: this computer only; 0.0.0.0: phones on this network, see README)",
    )
    c.add_argument("--port", type=int, help="the port (default: 8870, or a free one)")
    c.set_defaults(command=None)
    return p


def _editing_parsers(top: Any, lang: argparse.ArgumentParser, data: argparse.ArgumentParser) -> None:
    """The commands that fill in a session from the terminal, each saving it atomically."""
    c = top.add_parser("brief", help="set the client's brief (without options: show it)", parents=[lang])
    c.add_argument("file", type=Path)
    for option, what in (
        ("client", "who asks for the session"),
        ("wish", "the client's wish, in their words"),
        ("result", "the visible result the session must end with"),
        ("context", "history, earlier attempts, what is at stake"),
        ("purpose", "what the participants are told the session is for"),
        ("decision_rule", "who decides, and how (consent, majority, the client decides afterwards)"),
        ("place", "where the session is held (for the participants' programme)"),
        ("link", "the online meeting link"),
        ("host", "who invites the participants"),
        ("contact", "whom to reach with questions or to say you cannot come"),
        ("bring", "what participants bring; one thing a line"),
    ):
        c.add_argument(f"--{option.replace('_', '-')}", dest=option, metavar="TEXT", help=what)
    c.set_defaults(command=None)

    c = top.add_parser("group", help="set the group's size and setting", parents=[lang])
    c.add_argument("file", type=Path)
    c.add_argument("--size", type=int, metavar="N", help="how many people take part")
    c.add_argument("--setting", choices=SESSION_SETTINGS)
    c.set_defaults(command=None)

    c = top.add_parser(
        "questions",
        help="every diagnosis question: its id, wording and allowed answers",
        parents=[lang, data],
    )
    c.add_argument("file", type=Path)
    c.set_defaults(command=None)

    c = top.add_parser(
        "answer", help="answer diagnosis questions: ID=VALUE (1-5, history=ID, - clears)", parents=[lang]
    )
    c.add_argument("file", type=Path)
    c.add_argument("pairs", nargs="+", metavar="ID=VALUE")
    c.set_defaults(command=None)

    c = top.add_parser(
        "signals", help="tick or untick what you have seen (without options: list them)", parents=[lang]
    )
    c.add_argument("file", type=Path)
    c.add_argument(
        "--add", action="append", default=[], metavar="ID", help="a signal you have seen (repeatable)"
    )
    c.add_argument(
        "--remove", action="append", default=[], metavar="ID", help="a signal to untick (repeatable)"
    )
    c.set_defaults(command=None)

    ag = top.add_parser("agenda", help="add, move, remove and resize agenda blocks", parents=[lang])
    ag.add_argument("file", type=Path)
    cmds = ag.add_subparsers(
        dest="command",
        required=True,
        parser_class=_Parser,
        metavar="{add,move,remove,set,alternatives,keep,restore}",
    )
    c = cmds.add_parser("add", help="add a work form by id (or 'break')", parents=[lang])
    c.add_argument("id", help="an intervention id (playbook catalogue list), or 'break'")
    c.add_argument("--minutes", type=int, metavar="N", help="default: the work form's typical duration")
    c.add_argument(
        "--at", type=int, metavar="K", help="insert as block K (1 is the first; default: at the end)"
    )
    c.add_argument("--title", help="the label of a break")
    c = cmds.add_parser("move", help="move block K to position L", parents=[lang])
    c.add_argument("k", type=int, metavar="K")
    c.add_argument("to", type=int, metavar="L")
    c = cmds.add_parser("remove", help="remove block K", parents=[lang])
    c.add_argument("k", type=int, metavar="K")
    c = cmds.add_parser("set", help="change the minutes of block K", parents=[lang])
    c.add_argument("k", type=int, metavar="K")
    c.add_argument("--minutes", type=int, metavar="N", required=True)
    cmds.add_parser("alternatives", help="list the agendas kept to return to", parents=[lang])
    c = cmds.add_parser("keep", help="keep the current agenda under a name, to return to", parents=[lang])
    c.add_argument("name", nargs="+")
    c = cmds.add_parser(
        "restore", help="put a kept agenda back (the current one is kept in its turn)", parents=[lang]
    )
    c.add_argument("which", nargs="+", metavar="K|NAME", help="its number in the list, or its name")


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters (escape sequences, carriage returns, C1 codes) and the invisible marks that
reverse the reading direction: none of them may reach a terminal from a file."""


def terminal_safe(text: str) -> str:
    """``text`` with every unsafe character shown as ``\\uXXXX``, which is also valid inside JSON."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _SafeStream:
    """A text stream that passes everything written to it through :func:`terminal_safe`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_safe(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _safe_terminal() -> Iterator[None]:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(out), _SafeStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 fine, 2 user error)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    _ARGV[:] = argv
    try:
        with speaking(_argv_lang(argv)):
            args = _parser(_wanted(argv)).parse_args(argv)
            if args.area == "app":  # a server's own log (coloured on a terminal) prints no file's text
                return _run(args)
            with _safe_terminal():
                return _run(args)
    finally:
        _ARGV.clear()  # the next command line (in the same process) brings its own


def _run(args: argparse.Namespace) -> int:
    try:
        _COMMANDS[(args.area, args.command)](args)
    except PlaybookError as exc:
        _error(str(exc), exc.lang)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `playbook catalogue list | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:  # the last net: a file the command could not read or write, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        _error(where + file_message("os_error", _lang(args), reason=exc.strerror or exc))
        return 2
    return 0


def _error(message: str, lang: str | None = None) -> None:
    """``playbook: error: ...`` with "error" in the message's language: the command's ``--lang``, the
    error's own, or that of the session named on the command line (read again only now)."""
    first, *rest = message.splitlines() or [""]
    lang = _argv_lang(_ARGV) or lang or _session_language(tuple(_ARGV)) or default_language()
    print(f"playbook: {t('cli.error', lang)}: {first}", file=sys.stderr)
    for line in rest:
        print(line, file=sys.stderr)


def _lang(args: argparse.Namespace, session: Session | None = None) -> str:
    lang = getattr(args, "lang", None) or (session.language if session else default_language())
    speak(lang)  # what the core says from here on (an unknown id, a file it cannot write) speaks it too
    return lang


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# ------------------------------------------------------------------------------------------ catalogue


def _size(i: Intervention, lang: str) -> str:
    top = t("catalogue.any_size", lang) if i.group_size.max >= 1000 else str(i.group_size.max)
    return f"{i.group_size.min}–{top}" if top[0].isdigit() else f"{i.group_size.min}+"


def _table(items: list[Intervention], lang: str, size: int | None = None) -> None:
    if not items:
        print(t("catalogue.none_found", lang))
        return
    heads = [t(f"catalogue.{k}", lang) for k in ("id", "role", "layer", "minutes", "people", "name")]
    rows = [
        [
            i.id,
            t(f"roles.{i.role}", lang),
            t(f"layers.{i.layer}", lang),
            "{0.min}–{0.max}".format(i.minutes_for(size) if size else i.minutes),
            _size(i, lang),
            i.name(lang),
        ]
        for i in items
    ]
    widths = [max(len(r[c]) for r in [heads, *rows]) for c in range(len(heads) - 1)]
    for row in [heads, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1])
    print(f"\n{t('catalogue.count', lang, count=len(items))}")


def _catalogue_list(args: argparse.Namespace) -> None:
    items = load_catalogue().filter(
        role=args.role, layer=args.layer, setting=args.setting, group_size=args.size
    )
    _emit(items, args, args.size)


def _catalogue_search(args: argparse.Namespace) -> None:
    lang = getattr(args, "lang", None)  # without --lang, search both languages
    _emit(load_catalogue().search(" ".join(args.text), lang), args)


def _emit(items: list[Intervention], args: argparse.Namespace, size: int | None = None) -> None:
    if args.json:
        _print_json([{"origin": i.origin, **i.to_data()} for i in items])
    else:
        _table(items, _lang(args), size)


def _group_size(text: str) -> int:
    """A group size for --size: a whole number of people from 1 to 10,000."""
    try:
        size = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.people_whole", _parse_language(), value=repr(text))) from None
    if not 1 <= size <= 10_000:
        raise argparse.ArgumentTypeError(t("cli.people_range", _parse_language(), value=size))
    return size


def _catalogue_show(args: argparse.Namespace) -> None:
    catalogue = load_catalogue()
    item = catalogue.get(args.id, _lang(args))
    if args.json:
        data = item.to_data() if args.size is None else item.sized_data(args.size)
        _print_json({"origin": item.origin, **data})
        return
    print(describe(item, _lang(args), catalogue, size=args.size))


def describe(
    item: Intervention, lang: str, catalogue: Catalogue | None = None, size: int | None = None
) -> str:
    """A plain-text card for one intervention, as a facilitator would print it; with ``size``, its time
    and steps for a group of that many people."""
    from .flavours import text
    from .structure import intervention_card

    return text.render(intervention_card(item, lang, catalogue, size=size))


def _catalogue_validate(args: argparse.Namespace) -> None:
    problems = validate(args.dir)
    if problems:
        raise PlaybookError(problems)
    folders = [args.dir] if args.dir else None
    catalogue = load_catalogue(folders)
    lang = _lang(args)
    if args.report:
        print(f"{'':12}{'':18}{t('cli.count', lang):>6}  {t('cli.goal', lang)}")
        for group, label, count, goal in coverage(catalogue):
            short = t("cli.short_by", lang, n=goal - count) if goal is not None else ""
            mark = "" if goal is None else f"  {goal:>3} {'✓' if count >= goal else short}"
            print(f"{group:<12}{label:<18}{count:>6}{mark}")
        print()
        _print_sources(catalogue, lang)
        _print_house_style(lang)
    print(t("catalogue.valid", lang, count=len(catalogue)))


def _print_sources(catalogue: Catalogue, lang: str) -> None:
    """How the catalogue is sourced: every work cited, most cited first."""
    from .sources import works

    cited = works(i.source for i in catalogue)
    print(t("cli.sources", lang, works=len(cited), count=len(catalogue)))
    for work, count in cited.most_common(8):
        print(f"  {count:>4}  {work}")
    print()


def _print_house_style(lang: str) -> None:
    """The words the shipped content uses, so a writer sees them beside the counts."""
    from .style import load_style

    print(t("cli.house_style", lang))
    for rule in load_style():
        print(f"  {rule.kind:<8}{rule.lang:<4}{rule.use:<36}{t('cli.not', lang)}: {', '.join(rule.replaces)}")
    print()


# -------------------------------------------------------------------------------------------- session


def _session_new(args: argparse.Namespace) -> None:
    language = args.language or _lang(args)
    title = args.title or t("session.new_title", language)
    path = args.file if str(args.file).endswith(".yaml") else Path(f"{args.file}.session.yaml")
    SessionFile.create(path, new_session(title, language))
    print(t("session.created", _lang(args), path=path))


def _session_check(args: argparse.Namespace) -> None:
    handle = SessionFile.open(args.file)
    from .diagnosis import check_diagnosis, default_bank  # loaded only where needed: start-up stays fast

    lang = _lang(args, handle.session)
    problems = check_references(handle.session, load_catalogue(), args.file)
    problems += check_diagnosis(handle.session.diagnosis, default_bank(), args.file, lang)
    if problems:
        raise PlaybookError(problems, lang)
    s = handle.session
    print(
        t(
            "session.valid",
            _lang(args, s),
            path=args.file,
            blocks=len(s.agenda),
            minutes=s.planned_minutes,
            budget=s.budget_minutes,
        )
    )


def _session_show(args: argparse.Namespace) -> None:
    session = SessionFile.open(args.file).session
    if args.json:
        _print_json(session_to_data(session))
        return
    print(render_session(session, load_catalogue(), _lang(args, session)))


def render_session(s: Session, catalogue: Catalogue, lang: str) -> str:
    """A plain-text overview of a session: brief, group and the agenda with clock times."""
    from .flavours import text
    from .structure import session_summary

    return text.render(session_summary(s, catalogue, lang))


def _diagnose(args: argparse.Namespace) -> None:
    from .diagnosis import diagnose

    session = SessionFile.open(args.file).session
    profile = diagnose(session, lang=_lang(args, session))
    if args.json:
        _print_json(profile.to_data())
    else:
        print(render_profile(profile))


def _suggest(args: argparse.Namespace) -> None:
    from .recommend import rank, shortlist

    if args.limit is not None and args.limit < 1:
        raise PlaybookError(t("edit.limit", _lang(args)))
    session = SessionFile.open(args.file).session
    catalogue = load_catalogue()
    lang = _lang(args, session)
    if args.role:
        found = rank(
            session, catalogue, role=args.role, include_unfit=args.all, limit=args.limit or 10, lang=lang
        )
        groups = {args.role: found}
    else:
        groups = shortlist(session, catalogue, per_role=args.limit or 4, lang=lang)
    if args.json:
        data = {role: [s.to_data() for s in items] for role, items in groups.items()}
        _print_json(data[args.role] if args.role else data)
        return
    from .flavours import text
    from .structure import suggestions_section

    print(text.render(suggestions_section(groups, lang, size=session.group.size)))


def _plan(args: argparse.Namespace) -> None:
    from .agenda import plan
    from .calibrate import history

    session = SessionFile.open(args.file).session
    catalogue = load_catalogue()
    folder = args.file.resolve().parent
    past = None if args.no_history else history(folder, catalogue, {args.file: session})
    p = plan(session, catalogue, lang=_lang(args, session), history=past)
    if args.json:
        _print_json(p.to_data())
        return
    from .flavours import text
    from .structure import plan_section

    print(text.render(plan_section(p, session.title, chart=False)))


def _calibrate(args: argparse.Namespace) -> None:
    from .calibrate import History, history
    from .paths import workspace

    catalogue = load_catalogue()
    folder = args.dir or workspace()
    past = History() if args.dir is None and not folder.is_dir() else history(folder, catalogue)
    if args.json:
        _print_json(past.to_data())
        return
    print(render_history(past, catalogue, _lang(args)))


def render_history(past: History, catalogue: Catalogue, lang: str) -> str:
    """Per work form and per role: runs, the median of actual over planned, and whether plans use it."""
    from .calibrate import MIN_RUNS

    lines = [t("calibrate.skipped", lang, file=problem) for problem in past.skipped]
    if not past.runs:
        return "\n".join([*lines, t("calibrate.none", lang)])
    heading = t("calibrate.heading", lang, runs=len(past.runs), sessions=past.sessions)
    lines += [heading, "=" * len(heading)]
    used, unused = t("calibrate.used", lang, runs=MIN_RUNS), t("calibrate.not_used", lang, runs=MIN_RUNS)
    groups = (
        (
            "per_intervention",
            past.interventions,
            lambda k: catalogue.get(k).name(lang) if k in catalogue else k,
        ),
        (
            "per_role",
            past.roles,
            lambda k: t("session.break", lang) if k == "break" else t(f"roles.{k}", lang),
        ),
    )
    for key, tallies, name in groups:
        lines += [
            "",
            f"{t(f'calibrate.{key}', lang)}  ({t('calibrate.runs', lang)}, {t('calibrate.ratio', lang)})",
        ]
        for ident, tally in sorted(tallies.items(), key=lambda kv: (-kv[1].runs, kv[0])):
            mark = used if tally.usable else unused
            lines.append(f"  {name(ident)[:40]:<40} {tally.runs:>3}  {tally.percent:>+4d} %  {mark}")
    return "\n".join(lines)


def _arc(args: argparse.Namespace) -> None:
    from .agenda import plan

    suffix = args.output.suffix.lower()
    session = SessionFile.open(args.file).session
    if suffix not in (".png", ".svg"):
        raise PlaybookError.at(args.output, "", t("edit.image_suffix", _lang(args, session)))
    if not args.output.parent.is_dir():
        raise PlaybookError.at(
            args.output, "", t("edit.no_folder", _lang(args, session), folder=args.output.parent)
        )
    lang = _lang(args, session)
    from .outputs import check_outputs

    check_outputs([args.output], [args.file], lang=lang)
    p = plan(session, load_catalogue(), lang=lang)
    from .charts import arc_chart, svg_file, to_png  # matplotlib only for the command that draws

    figure = arc_chart(p)
    data = to_png(figure, dpi=150) if suffix == ".png" else svg_file(figure).encode("utf-8")
    from .yamlio import write_bytes_atomic

    write_bytes_atomic(args.output, data, lang)
    print(args.output)


def _handout(args: argparse.Namespace) -> None:
    from .handout import write_handouts

    def warn(path: Path, warning: Any) -> None:
        said = t("cli.warning", _lang(args))
        print(f"playbook: {said}: {path}: [{warning.code}] {warning.message}", file=sys.stderr)

    for path in write_handouts(
        args.files,
        load_catalogue(),
        args.audience,
        getattr(args, "lang", None),
        args.output,
        warn=warn,
        calendar=args.ics,
        pdf=args.pdf,
    ):
        print(path)


def _export(args: argparse.Namespace) -> None:
    from .site import export_site

    pages = export_site(args.notebooks, args.output, lang=_lang(args))
    print(t("cli.files", _lang(args), first=pages[0], count=len(pages)))


def _report(args: argparse.Namespace) -> None:
    from .outputs import check_outputs
    from .report import read_photos, write_report

    handle = SessionFile.open(args.file)
    lang = _lang(args, handle.session)
    target = args.output
    if target.is_dir():  # a folder: the report is named after the session, like a handout
        stem = args.file.name.removesuffix(".session.yaml").removesuffix(".yaml")
        target = target / f"{stem}.report.{lang}.html"
    else:  # first the guard: `-o` naming the session itself is told so, not only that it is no .html
        check_outputs([target], [args.file], lang=lang)
    if target.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise PlaybookError.at(target, "", t("edit.report_suffix", lang))
    if not target.parent.is_dir():
        raise PlaybookError.at(target, "", t("edit.no_folder", lang, folder=target.parent))
    photos = read_photos(handle)
    print(write_report(handle, load_catalogue(), target, getattr(args, "lang", None), photos))
    for photo in photos:  # each one left out is also named in the report
        if photo.problem:
            print(
                f"playbook: note: {args.file}: {photo.field}: {photo.name}: {photo.reason(lang)}",
                file=sys.stderr,
            )


def _session_next(args: argparse.Namespace) -> None:
    from .live import follow_up

    session = SessionFile.open(args.file).session
    path = args.output if str(args.output).endswith(".yaml") else Path(f"{args.output}.session.yaml")
    SessionFile.create(path, follow_up(session, getattr(args, "lang", None)))
    print(t("session.created", _lang(args, session), path=path))


def _init(args: argparse.Namespace) -> None:
    from .workspace import init_folder

    lang = _lang(args)
    report = init_folder(args.dir, refresh_notebooks=args.refresh_notebooks, lang=lang)
    print(t("init.done", lang, folder=report.folder, copied=len(report.copied), kept=len(report.kept)))
    print(t("init.next", lang, start=report.folder / "00_start_here.ipynb", folder=report.folder))


def _app(args: argparse.Namespace) -> None:
    from .app import plan, serve

    serve(plan(args.dir, args.port, open_browser=not args.no_browser, ip=args.ip))


# ---------------------------------------------------------------------- filling in a session


def _saved(handle: SessionFile, session: Session, args: argparse.Namespace, what: list[str]) -> None:
    """Save through the session file (atomic, refusing a file changed on disk) and say what changed."""
    lang = _lang(args, session)
    if not what:
        print(t("edit.unchanged", lang, path=handle.path))
        return
    handle.save(session, lang=lang)
    print(t("edit.saved", lang, path=handle.path, what=", ".join(what)))


def _brief(args: argparse.Namespace) -> None:
    from .editing import BRIEF_OPTIONS, set_brief

    handle = SessionFile.open(args.file)
    changes = {k: getattr(args, k) for k in BRIEF_OPTIONS}
    if all(v is None for v in changes.values()):
        print(render_session(handle.session, load_catalogue(), _lang(args, handle.session)).split("\n\n")[0])
        return
    session, changed = set_brief(handle.session, changes)
    _saved(handle, session, args, [t(f"session.{k}", _lang(args, session)) for k in changed])


def _group(args: argparse.Namespace) -> None:
    from .editing import set_group

    handle = SessionFile.open(args.file)
    if args.size is None and args.setting is None:
        raise PlaybookError(t("edit.nothing", _lang(args, handle.session), options="--size, --setting"))
    session, changed = set_group(handle.session, args.size, args.setting, args.file)
    _saved(handle, session, args, [t(f"brief.{k}", _lang(args, session)) for k in changed])


def _questions(args: argparse.Namespace) -> None:
    import textwrap

    from .editing import questions

    session = SessionFile.open(args.file).session
    lang = _lang(args, session)
    found = questions(session, lang)
    if args.json:
        _print_json([q.to_data() for q in found])
        return
    width = max(len(q.id) for q in found)
    scale = " · ".join(f"{v} {label}" for v, label in found[1].answers)
    print(t("edit.scale", lang, scale=scale))
    for q in found:
        now = f"  [{q.current}]" if q.current else ""
        print(textwrap.fill(f"{q.id.ljust(width)}  {q.text}{now}", 100, subsequent_indent=" " * (width + 2)))
        if q.kind == "history":
            for value, label in q.answers:
                print(f"{' ' * (width + 2)}{value}: {label}")
    print(t("edit.answer_how", lang, example=f"playbook answer {args.file} {found[1].id}=4 history=new"))


def _answer(args: argparse.Namespace) -> None:
    from .editing import apply_answers

    handle = SessionFile.open(args.file)
    session, changed = apply_answers(handle.session, args.pairs, args.file)
    _saved(handle, session, args, changed)


def _signals(args: argparse.Namespace) -> None:
    from .diagnosis import default_bank
    from .editing import set_signals

    handle = SessionFile.open(args.file)
    lang = _lang(args, handle.session)
    if not args.add and not args.remove:
        seen = set(handle.session.diagnosis.signals)
        bank = default_bank()
        width = max(len(s.id) for s in bank.signals)
        for s in bank.signals:
            print(f"{'✓' if s.id in seen else ' '} {s.id.ljust(width)}  {s.name(lang)}")
        print(t("edit.signals_how", lang, example=f"playbook signals {args.file} --add {bank.signals[0].id}"))
        return
    session, changed = set_signals(handle.session, args.add, args.remove, args.file)
    _saved(handle, session, args, changed)


def _agenda_change(args: argparse.Namespace) -> None:
    from . import editing

    handle = SessionFile.open(args.file)
    s = handle.session
    lang = _lang(args, s)
    catalogue = load_catalogue()
    if args.command == "add":
        session, k = editing.agenda_add(s, catalogue, args.id, args.minutes, args.at, args.file, args.title)
        what = t("edit.added", lang, k=k)
    elif args.command == "move":
        session, what = (
            editing.agenda_move(s, args.k, args.to, args.file),
            t("edit.moved", lang, k=args.k, to=args.to),
        )
    elif args.command == "remove":
        session, what = editing.agenda_remove(s, args.k, args.file), t("edit.removed", lang, k=args.k)
    else:
        session = editing.agenda_set(s, args.k, args.minutes, args.file)
        what = t("edit.resized", lang, k=args.k, minutes=args.minutes)
    _saved(handle, session, args, [what])
    print("\n".join(render_session(session, catalogue, lang).split("\n\n", 1)[1:]))


# ------------------------------------------------------------------------------------------ design


def _design_parser(top: Any, lang: argparse.ArgumentParser, data: argparse.ArgumentParser) -> None:
    c = top.add_parser(
        "design",
        help="draft the agenda from the client's wish, every choice with its reason",
        parents=[lang, data],
    )
    c.add_argument("file", type=Path)
    c.add_argument(
        "--alternatives",
        type=_alternatives_count,
        default=0,
        metavar="N",
        help="also N alternatives that differ in substance: another arc, another key work form",
    )
    c.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="S",
        help="which alternatives come first (the draft never changes)",
    )
    c.add_argument(
        "--apply",
        nargs="?",
        type=int,
        const=0,
        default=None,
        metavar="K",
        help="write the draft (or alternative K) into the agenda; the agenda it replaces is kept",
    )
    c.add_argument(
        "--no-history",
        action="store_true",
        help="leave out your own timing from the runs in the file's folder (see playbook calibrate)",
    )
    c.set_defaults(command=None)


def _alternatives_count(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise argparse.ArgumentTypeError(t("cli.alternatives_count", _parse_language(), value=repr(text)))
    return int(text)


def _design(args: argparse.Namespace) -> None:
    from .calibrate import history
    from .design import design

    handle = SessionFile.open(args.file)
    session = handle.session
    lang = _lang(args, session)
    catalogue = load_catalogue()
    past = None if args.no_history else history(args.file.resolve().parent, catalogue)
    result = design(
        session, catalogue, history=past, alternatives=args.alternatives, seed=args.seed, lang=lang
    )
    saved = _apply(handle, result, args.apply, lang) if args.apply is not None else ""
    if args.json:
        _print_json(result.to_data())
        if saved:
            print(saved, file=sys.stderr)
        return
    print(render_design(result, lang, args.file))
    if saved:
        print(f"\n{saved}")


def _apply(handle: SessionFile, result: Any, k: int, lang: str) -> str:
    """Write draft ``k`` (0: the draft, 1..: an alternative) into the agenda; say what was saved and kept."""
    from .design import apply_draft

    drafts = result.drafts
    if not 0 <= k < len(drafts):
        raise PlaybookError(t("design.cli.no_draft", lang, k=k, last=len(drafts) - 1))
    session = handle.session
    updated = apply_draft(session, drafts[k])
    if updated == session:
        return t("design.cli.already", lang, path=handle.path)
    handle.save(updated, lang=lang)
    saved = t("design.cli.applied", lang, path=handle.path, k=k, arc=drafts[k].arc.name(lang))
    if len(updated.alternatives) > len(session.alternatives):
        saved += " " + t("design.cli.kept", lang, name=updated.alternatives[-1].name, path=handle.path)
    return saved


def render_design(result: Any, lang: str, file: Path | str = "FILE") -> str:
    """The draft as text, from the same structure notebook 03 shows: arc, every block with its time and
    reason, the findings, the proposal when the wish does not fit, and the alternatives in short."""
    from .flavours import text
    from .structure.design import design_sections

    out = "\n\n".join(text.render(s) for s in design_sections(result))
    if result.alternatives:
        out += "\n\n" + t("design.cli.use", lang, file=file)
    return out


def _agenda_alternatives(args: argparse.Namespace) -> None:
    from .design import keep_agenda, kept_agenda, restore_agenda

    handle = SessionFile.open(args.file)
    s = handle.session
    lang = _lang(args, s)
    if args.command == "alternatives":
        if not s.alternatives:
            print(capitalised(t("design.none_kept", lang)))
        for k, kept in enumerate(s.alternatives, 1):
            minutes = sum(b.minutes for b in kept.agenda)
            print(t("design.cli.listed", lang, k=k, name=kept.name, blocks=len(kept.agenda), minutes=minutes))
        return
    if args.command == "keep":
        name = " ".join(args.name)
        session = keep_agenda(s, name)
        if session == s:
            print(t("design.cli.nothing_to_keep", lang))
            return
        _saved(handle, session, args, [t("design.cli.kept_as", lang, name=session.alternatives[-1].name)])
        return
    which = " ".join(args.which)
    found = kept_agenda(s, which)
    session = restore_agenda(s, which)
    _saved(handle, session, args, [t("design.cli.restored", lang, name=found.name)])
    print("\n".join(render_session(session, load_catalogue(), lang).split("\n\n", 1)[1:]))


def _room(args: argparse.Namespace) -> None:
    from .room.local import plan, serve

    serve(plan(args.file, args.host, args.port))


def render_profile(p: Profile) -> str:
    """The profile as plain text: every score, estimate and finding followed by its reasons."""
    from .flavours import text
    from .structure import Section, profile_section
    from .structure.method import dimensions_section

    first, *rest = profile_section(p, charts=False).children
    return text.render(Section("", (first, dimensions_section(p), *rest)))


_COMMANDS = {
    ("catalogue", "list"): _catalogue_list,
    ("catalogue", "show"): _catalogue_show,
    ("catalogue", "search"): _catalogue_search,
    ("catalogue", "validate"): _catalogue_validate,
    ("session", "new"): _session_new,
    ("session", "check"): _session_check,
    ("session", "show"): _session_show,
    ("session", "next"): _session_next,
    ("brief", None): _brief,
    ("group", None): _group,
    ("questions", None): _questions,
    ("answer", None): _answer,
    ("signals", None): _signals,
    ("agenda", "add"): _agenda_change,
    ("agenda", "move"): _agenda_change,
    ("agenda", "remove"): _agenda_change,
    ("agenda", "set"): _agenda_change,
    ("agenda", "alternatives"): _agenda_alternatives,
    ("agenda", "keep"): _agenda_alternatives,
    ("agenda", "restore"): _agenda_alternatives,
    ("design", None): _design,
    ("diagnose", None): _diagnose,
    ("suggest", None): _suggest,
    ("plan", None): _plan,
    ("calibrate", None): _calibrate,
    ("arc", None): _arc,
    ("handout", None): _handout,
    ("export", None): _export,
    ("report", None): _report,
    ("init", None): _init,
    ("app", None): _app,
    ("room", None): _room,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
