"""Teaching the method: exercises with explained feedback, the leadership self-assessment, Leary's Rose,
and the cases whose designs the playbook's own checks review.

All content lives in ``assets/teaching`` (bilingual); this module loads it, checks answers and reviews
case designs with the same diagnosis and agenda checks a facilitator uses for a real session.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from .agenda import Finding, plan
from .catalogue import Catalogue
from .errors import PlaybookError
from .i18n import Text, message, t
from .paths import assets_dir
from .schema import FieldReader, join
from .session import Session, SessionFile, load_session
from .yamlio import load_yaml_file


def teaching_dir() -> Path:
    return assets_dir() / "teaching"


# ------------------------------------------------------------------------------------------ exercises


@dataclass(frozen=True)
class Item:
    id: str
    text: Text
    answer: str
    explanation: Text
    axis: Text | None = None


@dataclass(frozen=True)
class Exercise:
    id: str
    title: Text
    prompt: Text
    options: tuple[tuple[str, Text], ...]
    items: tuple[Item, ...]

    def label(self, option: str, lang: str) -> str:
        return dict(self.options)[option](lang)


@dataclass(frozen=True)
class Feedback:
    item: str
    correct: bool | None
    """None while the item is not answered yet."""
    message: str


@cache
def exercises() -> dict[str, Exercise]:
    """Every exercise in ``assets/teaching/exercises.yaml``, checked: answers must be among the options."""
    path = teaching_dir() / "exercises.yaml"
    data, _ = load_yaml_file(path)
    r = FieldReader(path)
    out: dict[str, Exercise] = {}
    for i, raw in enumerate(
        r.items((r.mapping(data, "", ("exercises",)) or {}).get("exercises"), "exercises") or []
    ):
        f = join("exercises", i)
        if (d := r.mapping(raw, f, ("id", "title", "prompt", "options", "items"))) is None:
            continue
        options = []
        for j, o in enumerate(r.items(d.get("options"), join(f, "options")) or []):
            of = join(join(f, "options"), j)
            if (o := r.mapping(o, of, ("id", "label"))) is not None:
                options.append(
                    (str(o.get("id")), r.bilingual(o.get("label"), join(of, "label")) or Text("", ""))
                )
        ids = {o for o, _ in options}
        items = []
        for j, it in enumerate(r.items(d.get("items"), join(f, "items")) or []):
            itf = join(join(f, "items"), j)
            if (it := r.mapping(it, itf, ("id", "text", "answer", "explanation"), ("axis",))) is None:
                continue
            answer = r.choice(it.get("answer"), join(itf, "answer"), ids)
            axis = r.bilingual(it["axis"], join(itf, "axis")) if it.get("axis") else None
            text, why = (
                r.bilingual(it.get("text"), join(itf, "text")),
                r.bilingual(it.get("explanation"), join(itf, "explanation")),
            )
            if answer and text and why:
                items.append(Item(str(it.get("id")), text, answer, why, axis))
        ident = str(d.get("id"))
        out[ident] = Exercise(
            ident,
            r.bilingual(d.get("title"), join(f, "title")) or Text("", ""),
            r.bilingual(d.get("prompt"), join(f, "prompt")) or Text("", ""),
            tuple(options),
            tuple(items),
        )
    r.raise_if_any()
    return out


def exercise(ident: str) -> Exercise:
    found = exercises()
    if ident not in found:
        raise PlaybookError(message("errors.unknown_exercise", id=ident, choices=", ".join(found)))
    return found[ident]


def check(ex: Exercise, answers: dict[str, str | None], lang: str) -> list[Feedback]:
    """Feedback per item that explains, whether the answer was right or wrong."""
    out = []
    for item in ex.items:
        given = answers.get(item.id)
        why = item.explanation(lang)
        if given is None:
            out.append(Feedback(item.id, None, t("teach.choose", lang)))
        elif given == item.answer:
            out.append(Feedback(item.id, True, t("teach.right", lang, why=why)))
        else:
            right = ex.label(item.answer, lang)
            out.append(Feedback(item.id, False, t("teach.wrong", lang, right=right, why=why)))
    return out


# ----------------------------------------------------------------------------------------- leadership


@dataclass(frozen=True)
class Style:
    id: str
    name: Text
    what: Text
    in_a_meeting: Text
    fits_when: Text
    source: str = ""
    """Where the style is described (author, work, year), so a trainer can point to the literature."""


@dataclass(frozen=True)
class Statement:
    id: str
    style: str
    text: Text


@cache
def leadership() -> tuple[tuple[Style, ...], tuple[Statement, ...]]:
    path = teaching_dir() / "leadership.yaml"
    data, _ = load_yaml_file(path)
    r = FieldReader(path)
    d = r.mapping(data, "", ("styles", "statements")) or {}
    styles = []
    for i, raw in enumerate(r.items(d.get("styles"), "styles") or []):
        f = join("styles", i)
        keys = ("id", "name", "what", "in_a_meeting", "fits_when")
        if (s := r.mapping(raw, f, keys, ("source",))) is not None:
            styles.append(
                Style(
                    str(s.get("id")),
                    *(
                        r.bilingual(s.get(k), join(f, k)) or Text("", "")
                        for k in ("name", "what", "in_a_meeting", "fits_when")
                    ),
                    source=r.text(s.get("source"), join(f, "source")) or "",
                )
            )
    ids = [s.id for s in styles]
    statements = []
    for i, raw in enumerate(r.items(d.get("statements"), "statements") or []):
        f = join("statements", i)
        if (s := r.mapping(raw, f, ("id", "style", "text"))) is not None:
            style = r.choice(s.get("style"), join(f, "style"), ids)
            text = r.bilingual(s.get("text"), join(f, "text"))
            if style and text:
                statements.append(Statement(str(s.get("id")), style, text))
    r.raise_if_any()
    return tuple(styles), tuple(statements)


def assess(ratings: dict[str, int]) -> dict[str, int]:
    """Self-assessment: per style the mean of its statements' ratings (1-5) as 0-100."""
    styles, statements = leadership()
    scores = {}
    for style in styles:
        given = [ratings[s.id] for s in statements if s.style == style.id and ratings.get(s.id)]
        scores[style.id] = round(sum((g - 1) * 25 for g in given) / len(given)) if given else 0
    return scores


# --------------------------------------------------------------------------------------- Leary's Rose


@dataclass(frozen=True)
class Position:
    id: str
    angle: float
    name: Text
    behaviour: Text
    invites: str

    @property
    def vertical(self) -> str:
        return "above" if 0 < self.angle < 180 else "below"

    @property
    def horizontal(self) -> str:
        return "together" if self.angle < 90 or self.angle > 270 else "against"


@cache
def _rose() -> tuple[tuple[Position, ...], str]:
    path = teaching_dir() / "rose.yaml"
    data, _ = load_yaml_file(path)
    r = FieldReader(path)
    out = []
    top = r.mapping(data, "", ("positions",), ("source",)) or {}
    source = r.text(top.get("source"), "source") or ""
    for i, raw in enumerate(r.items(top.get("positions"), "positions") or []):
        f = join("positions", i)
        if (p := r.mapping(raw, f, ("id", "angle", "name", "behaviour", "invites"))) is not None:
            out.append(
                Position(
                    str(p.get("id")),
                    float(r.number(p.get("angle"), join(f, "angle"), low=0, high=360, whole=False) or 0),
                    r.bilingual(p.get("name"), join(f, "name")) or Text("", ""),
                    r.bilingual(p.get("behaviour"), join(f, "behaviour")) or Text("", ""),
                    str(p.get("invites")),
                )
            )
    ids = {p.id for p in out}
    for i, p in enumerate(out):
        if p.invites not in ids:
            r.problem(join(join("positions", i), "invites"), f"unknown position '{p.invites}'")
    r.raise_if_any()
    return tuple(out), source


def rose() -> tuple[Position, ...]:
    """The eight positions of Leary's Rose, in the Dutch reading the rose is taught with."""
    return _rose()[0]


def rose_source() -> str:
    """Where the rose and its Dutch names come from (Leary; Van Dijk for the Dutch rose)."""
    return _rose()[1]


# ---------------------------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    id: str
    path: Path
    summary: Text
    reasoning: Text

    def session(self) -> Session:
        return load_session(self.path)


@cache
def cases() -> dict[str, Case]:
    path = teaching_dir() / "cases.yaml"
    data, _ = load_yaml_file(path)
    r = FieldReader(path)
    out = {}
    for i, raw in enumerate(r.items((r.mapping(data, "", ("cases",)) or {}).get("cases"), "cases") or []):
        f = join("cases", i)
        if (c := r.mapping(raw, f, ("id", "summary", "reasoning"))) is None:
            continue
        ident = str(c.get("id"))
        file = teaching_dir() / "cases" / f"{ident}.session.yaml"
        if not file.is_file():
            r.problem(join(f, "id"), f"no case file {file.name} in {file.parent}")
        summary, reasoning = (
            r.bilingual(c.get("summary"), join(f, "summary")),
            r.bilingual(c.get("reasoning"), join(f, "reasoning")),
        )
        if summary and reasoning:
            out[ident] = Case(ident, file, summary, reasoning)
    r.raise_if_any()
    return out


def start_case(ident: str, folder: Path) -> SessionFile:
    """A participant's working copy of a case: the brief and diagnosis, and an empty agenda to design."""
    case = cases()[ident]
    target = folder / case.path.name
    if target.exists():
        return SessionFile.open(target)
    folder.mkdir(parents=True, exist_ok=True)
    return SessionFile.create(target, replace(case.session(), agenda=(), shortlist=()))


@dataclass(frozen=True)
class Review:
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    notes: tuple[Finding, ...]

    @property
    def passes(self) -> bool:
        return not self.errors

    def to_data(self) -> dict[str, Any]:
        return {
            "passes": self.passes,
            **{k: [f.code for f in getattr(self, k)] for k in ("errors", "warnings", "notes")},
        }


def review(session: Session, catalogue: Catalogue) -> Review:
    """A design reviewed by the playbook's own checks: errors must go, warnings deserve a reason."""
    found = plan(session, catalogue).findings
    return Review(
        tuple(f for f in found if f.level == "error"),
        tuple(f for f in found if f.level == "warning"),
        tuple(f for f in found if f.level == "info"),
    )
