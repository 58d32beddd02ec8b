"""Changing a session from the command line: the brief, the group, the diagnosis and the agenda.

Each function takes a session and returns a changed copy, or raises a PlaybookError that names the
file, the field and the fix in the session's language; the caller saves through ``SessionFile``, so a
change from the terminal is as atomic and conflict-checked as one made in a notebook.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .catalogue import Catalogue
from .errors import PlaybookError, Problem
from .i18n import t
from .session import DAY_MINUTES, SETTINGS, Block, Session

BRIEF_OPTIONS = {
    "client": "client",
    "wish": "wish",
    "result": "visible_result",
    "context": "context",
    "purpose": "purpose",
    "place": "place",
    "link": "link",
    "host": "host",
    "contact": "contact",
    "bring": "bring",
}
"""Command-line option -> brief field."""
CLEAR = "-"
"""The value that clears an answer: ``playbook answer FILE trust-rely=-``."""
HISTORY = "history"
"""The id under which the question about the group's history is answered."""


def _error(file: str | Path, field: str, key: str, lang: str, **values: Any) -> PlaybookError:
    return PlaybookError.at(file, field, t(f"edit.{key}", lang, **values))


def _hint(word: str, known: list[str], lang: str) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return t("edit.did_you_mean", lang, hint=close[0]) if close else ""


def set_brief(session: Session, changes: dict[str, str | None]) -> tuple[Session, list[str]]:
    """The session with the given brief fields (option names as keys); returns the fields changed."""
    fields = {BRIEF_OPTIONS[k]: v for k, v in changes.items() if v is not None}
    changed = [k for k, v in fields.items() if getattr(session.brief, k) != v]
    return session.with_changes(brief=replace(session.brief, **fields)), changed


def set_group(
    session: Session, size: int | None, setting: str | None, file: str | Path
) -> tuple[Session, list[str]]:
    lang = session.language
    if size is not None and not 1 <= size <= 10_000:
        raise _error(file, "group.size", "size", lang, value=size)
    if setting is not None and setting not in SETTINGS:
        raise _error(file, "group.setting", "setting", lang, value=setting, options=", ".join(SETTINGS))
    group = replace(
        session.group,
        **({"size": size} if size is not None else {}),
        **({"setting": setting} if setting is not None else {}),
    )
    changed = [k for k in ("size", "setting") if getattr(group, k) != getattr(session.group, k)]
    return session.with_changes(group=group), changed


@dataclass(frozen=True)
class Question:
    """One thing the diagnosis asks, as the command line lists it."""

    id: str
    kind: str
    """'statement' (answered 1-5) or 'history' (one of the options)."""
    dimension: str | None
    text: str
    answers: tuple[tuple[str, str], ...]
    """(value, meaning) for every allowed answer."""
    current: str | None

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "dimension": self.dimension,
            "text": self.text,
            "answers": [{"value": v, "label": label} for v, label in self.answers],
            "current": self.current,
        }


def questions(session: Session, lang: str) -> list[Question]:
    """Every question of the diagnosis, with its id, its wording in ``lang``, its answers and the current one."""
    from .diagnosis import default_bank

    bank = default_bank()
    d = session.diagnosis
    history = tuple((oid, name(lang)) for oid, name in bank.history_options.items())
    out = [Question(HISTORY, "history", None, bank.history_question(lang), history, d.history)]
    scale = tuple((str(n), t(f"diagnosis.answer_{n}", lang)) for n in range(1, 6))
    for dim in bank.dimensions:
        for q in dim.questions:
            current = d.answers.get(q.id)
            out.append(
                Question(
                    q.id, "statement", dim.id, q.text(lang), scale, None if current is None else str(current)
                )
            )
    return out


def apply_answers(session: Session, pairs: list[str], file: str | Path) -> tuple[Session, list[str]]:
    """``ID=VALUE`` pairs applied to the diagnosis: a statement 1-5, ``history=ID``, ``-`` to clear.

    All pairs are checked before anything changes, and every problem is reported at once.
    """
    from .diagnosis import default_bank

    bank = default_bank()
    lang = session.language
    answers = dict(session.diagnosis.answers)
    history = session.diagnosis.history
    problems: list[Problem] = []
    changed = []
    known = [HISTORY, *bank.questions]
    for pair in pairs:
        ident, sep, value = pair.partition("=")
        ident, value = ident.strip(), value.strip()
        if not sep or not ident or not value:
            problems.append(Problem(str(file), "", t("edit.pair", lang, pair=pair)))
            continue
        if ident == HISTORY:
            if value == CLEAR:
                history = None
            elif value in bank.history_options:
                history = value
            else:
                options = ", ".join(bank.history_options)
                problems.append(
                    Problem(
                        str(file), "diagnosis.history", t("edit.history", lang, value=value, options=options)
                    )
                )
                continue
            changed.append(ident)
            continue
        if ident not in bank.questions:
            hint = _hint(ident, known, lang)
            problems.append(
                Problem(str(file), f"diagnosis.answers.{ident}", t("edit.unknown_question", lang, hint=hint))
            )
            continue
        if value == CLEAR:
            answers.pop(ident, None)
        elif value in {"1", "2", "3", "4", "5"}:
            answers[ident] = int(value)
        else:
            problems.append(
                Problem(str(file), f"diagnosis.answers.{ident}", t("edit.answer", lang, value=value))
            )
            continue
        changed.append(ident)
    if problems:
        raise PlaybookError(problems, lang)
    diagnosis = replace(session.diagnosis, answers=answers, history=history)
    return session.with_changes(diagnosis=diagnosis), changed


def set_signals(
    session: Session, add: list[str], remove: list[str], file: str | Path
) -> tuple[Session, list[str]]:
    from .diagnosis import default_bank

    known = [s.id for s in default_bank().signals]
    lang = session.language
    problems = [
        Problem(
            str(file), "diagnosis.signals", t("edit.unknown_signal", lang, id=s, hint=_hint(s, known, lang))
        )
        for s in (*add, *remove)
        if s not in known
    ]
    if problems:
        raise PlaybookError(problems, lang)
    seen = [s for s in session.diagnosis.signals if s not in remove]
    seen += [s for s in add if s not in seen]
    changed = sorted(set(seen) ^ set(session.diagnosis.signals))
    return session.with_changes(diagnosis=replace(session.diagnosis, signals=tuple(seen))), changed


# -------------------------------------------------------------------------------------------- agenda


def _position(session: Session, k: int, file: str | Path, *, insert: bool = False) -> int:
    """A 1-based block number as a 0-based index; ``insert`` allows one past the end."""
    n = len(session.agenda)
    top = n + 1 if insert else n
    if not 1 <= k <= top:
        key = "no_blocks" if top == 0 else "position"
        raise _error(file, "agenda", key, session.language, k=k, n=top)
    return k - 1


def _minutes(value: int, session: Session, file: str | Path, field: str) -> int:
    if not 1 <= value <= DAY_MINUTES:
        raise _error(file, field, "minutes", session.language, value=value)
    return value


def agenda_add(
    session: Session,
    catalogue: Catalogue,
    ident: str,
    minutes: int | None,
    at: int | None,
    file: str | Path,
    title: str | None = None,
) -> tuple[Session, int]:
    """Add a work form (by id) or a break (``break``) at block number ``at`` (default: the end).

    A work form gets its typical duration and, as the notebooks do, the best plan B for this group.
    """
    lang = session.language
    where = len(session.agenda) if at is None else _position(session, at, file, insert=True)
    if ident == "break":
        block = Block(
            _minutes(minutes or 15, session, file, "agenda.minutes"),
            title=title or t("session.break", lang),
            is_break=True,
        )
    else:
        item = catalogue.get(ident)
        from .recommend import plan_b

        backups = plan_b(ident, session, catalogue, limit=1)
        block = Block(
            _minutes(minutes or item.minutes.typical, session, file, "agenda.minutes"),
            intervention=ident,
            plan_b=(backups[0].id,) if backups else (),
        )
    agenda = list(session.agenda)
    agenda.insert(where, block)
    return session.with_changes(agenda=tuple(agenda)), where + 1


def agenda_move(session: Session, k: int, to: int, file: str | Path) -> Session:
    agenda = list(session.agenda)
    block = agenda.pop(_position(session, k, file))
    agenda.insert(_position(session, to, file), block)
    return session.with_changes(agenda=tuple(agenda))


def agenda_remove(session: Session, k: int, file: str | Path) -> Session:
    agenda = list(session.agenda)
    del agenda[_position(session, k, file)]
    return session.with_changes(agenda=tuple(agenda))


def agenda_set(session: Session, k: int, minutes: int, file: str | Path) -> Session:
    i = _position(session, k, file)
    agenda = list(session.agenda)
    agenda[i] = replace(agenda[i], minutes=_minutes(minutes, session, file, f"agenda[{i}].minutes"))
    return session.with_changes(agenda=tuple(agenda))
