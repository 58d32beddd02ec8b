"""Diagnosis: from the facilitator's answers about a group to a Profile, every judgement with its reasons.

The questions, signals, themes, stages, colours and contrasts are content in ``assets/diagnosis``; this
module knows only how to weigh them. It reads the group above the surface (bovenstroom: goals, roles,
information, decisions, time) and below it (onderstroom: trust, safety, tension, energy, belonging,
ownership), estimates the Tuckman stage, hears De Caluwé's colour of change in the client's words, and
checks where the brief sits between managing and facilitating.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .catalogue import STAGES
from .errors import PlaybookError, Problem
from .i18n import LANGUAGES, Text, fold, t
from .paths import assets_dir
from .schema import FieldReader, join
from .session import Diagnosis, Session
from .yamlio import load_yaml_file

LAYERS = ("above", "below")
LOW, HIGH = 40, 60
"""A score below LOW counts as low, above HIGH as high; in between it is mixed."""
COLOURS = ("yellow", "blue", "red", "green", "white")


# ------------------------------------------------------------------------------------------ content


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    text: Text
    reverse: bool = False


@dataclass(frozen=True)
class Dimension:
    id: str
    layer: str
    healthy: str
    """'high' when a high score is good news (trust), 'low' when it needs attention (time pressure)."""
    name: Text
    description: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Signal:
    id: str
    name: Text
    description: Text
    themes: dict[str, int]
    stages: dict[str, int]
    undercurrent: int


@dataclass(frozen=True)
class Theme:
    id: str
    name: Text
    hypothesis: Text
    dimensions: dict[str, str]
    interventions: tuple[str, ...]


@dataclass(frozen=True)
class Stage:
    id: str
    name: Text
    description: Text
    curve: float
    history: dict[str, int]
    dimensions: dict[str, dict[str, int]]


@dataclass(frozen=True)
class Misfit:
    message: Text
    stages: tuple[str, ...] = ()
    undercurrent_at_least: int | None = None


@dataclass(frozen=True)
class Colour:
    id: str
    name: Text
    description: Text
    words: tuple[str, ...]
    misfit: Misfit | None


@dataclass(frozen=True)
class Contrast:
    id: str
    code: str
    name: Text
    managing: Text
    facilitating: Text
    managing_words: tuple[str, ...]
    facilitating_words: tuple[str, ...]
    message: Text


@dataclass(frozen=True)
class Bank:
    """All diagnosis content, validated, in the order the files give it."""

    dimensions: tuple[Dimension, ...]
    signals: tuple[Signal, ...]
    themes: tuple[Theme, ...]
    stages: tuple[Stage, ...]
    history_question: Text
    history_options: dict[str, Text]
    colours: tuple[Colour, ...]
    contrasts: tuple[Contrast, ...]
    proxy_code: str
    proxy_words: tuple[str, ...]
    proxy_message: Text
    management_code: str
    management_message: Text
    management_advice: Text
    questions: dict[str, Question] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        qs = {q.id: q for d in self.dimensions for q in d.questions}
        object.__setattr__(self, "questions", qs)

    def signal(self, ident: str) -> Signal:
        return next(s for s in self.signals if s.id == ident)


def _words(r: FieldReader, value: Any, f: str) -> tuple[str, ...]:
    """Word lists in both languages, merged: a client may write in either."""
    data = r.mapping(value, f, LANGUAGES) or {}
    out: list[str] = []
    for lang in LANGUAGES:
        for i, word in enumerate(r.items(data.get(lang), join(f, lang)) or []):
            if (w := r.text(word, join(join(f, lang), i), allow_empty=False)) is not None:
                out.append(w)
    return tuple(out)


def _weights(r: FieldReader, value: Any, f: str, known: tuple[str, ...] | set[str]) -> dict[str, int]:
    data = r.mapping(value or {}, f, (), tuple(known)) or {}
    return {k: w for k, v in data.items() if (w := r.number(v, join(f, k), low=-5, high=5)) is not None}


def load_bank(folder: str | Path | None = None) -> Bank:
    """Read and check the diagnosis content; one PlaybookError lists every problem in every file."""
    base = Path(folder) if folder else assets_dir() / "diagnosis"
    problems: list[Problem] = []
    raw: dict[str, Any] = {}
    for name in ("dimensions", "signals", "themes", "stages", "colours", "stance"):
        try:
            raw[name], _ = load_yaml_file(base / f"{name}.yaml")
        except PlaybookError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PlaybookError(problems)

    r = FieldReader(base / "dimensions.yaml")
    dimensions = []
    for i, d in enumerate(
        r.items((r.mapping(raw["dimensions"], "", ("dimensions",)) or {}).get("dimensions"), "dimensions")
        or []
    ):
        f = join("dimensions", i)
        if (d := r.mapping(d, f, ("id", "layer", "healthy", "name", "description", "questions"))) is None:
            continue
        ident = r.identifier(d.get("id"), join(f, "id"))
        questions = []
        for j, q in enumerate(r.items(d.get("questions"), join(f, "questions")) or []):
            qf = join(join(f, "questions"), j)
            if (q := r.mapping(q, qf, ("id", "text"), ("reverse",))) is not None:
                qid, text = (
                    r.identifier(q.get("id"), join(qf, "id")),
                    r.bilingual(q.get("text"), join(qf, "text")),
                )
                if qid and text:
                    questions.append(Question(qid, ident or "", text, bool(q.get("reverse", False))))
        dimensions.append(
            Dimension(
                ident or "",
                r.choice(d.get("layer"), join(f, "layer"), LAYERS) or "",
                r.choice(d.get("healthy"), join(f, "healthy"), ("high", "low")) or "",
                r.bilingual(d.get("name"), join(f, "name")) or Text("", ""),
                r.bilingual(d.get("description"), join(f, "description")) or Text("", ""),
                tuple(questions),
            )
        )
    problems += r.problems
    dim_ids = {d.id for d in dimensions}
    all_q = [q.id for d in dimensions for q in d.questions]
    if len(set(all_q)) != len(all_q):
        problems.append(Problem(str(base / "dimensions.yaml"), "questions", "two statements share an id"))

    r = FieldReader(base / "themes.yaml")
    themes = []
    for i, th in enumerate(
        r.items((r.mapping(raw["themes"], "", ("themes",)) or {}).get("themes"), "themes") or []
    ):
        f = join("themes", i)
        if (th := r.mapping(th, f, ("id", "name", "hypothesis", "dimensions", "interventions"))) is None:
            continue
        conditions = r.mapping(th.get("dimensions") or {}, join(f, "dimensions"), (), tuple(dim_ids)) or {}
        for k, v in conditions.items():
            r.choice(v, join(join(f, "dimensions"), k), ("low", "high"))
        themes.append(
            Theme(
                r.identifier(th.get("id"), join(f, "id")) or "",
                r.bilingual(th.get("name"), join(f, "name")) or Text("", ""),
                r.bilingual(th.get("hypothesis"), join(f, "hypothesis")) or Text("", ""),
                dict(conditions),
                r.identifiers(th.get("interventions"), join(f, "interventions")) or (),
            )
        )
    problems += r.problems
    theme_ids = {th.id for th in themes}

    r = FieldReader(base / "signals.yaml")
    signals = []
    for i, sg in enumerate(
        r.items((r.mapping(raw["signals"], "", ("signals",)) or {}).get("signals"), "signals") or []
    ):
        f = join("signals", i)
        if (
            sg := r.mapping(sg, f, ("id", "name", "description", "undercurrent"), ("themes", "stages"))
        ) is None:
            continue
        signals.append(
            Signal(
                r.identifier(sg.get("id"), join(f, "id")) or "",
                r.bilingual(sg.get("name"), join(f, "name")) or Text("", ""),
                r.bilingual(sg.get("description"), join(f, "description")) or Text("", ""),
                _weights(r, sg.get("themes"), join(f, "themes"), theme_ids),
                _weights(r, sg.get("stages"), join(f, "stages"), STAGES),
                r.number(sg.get("undercurrent"), join(f, "undercurrent"), low=-5, high=5) or 0,
            )
        )
    problems += r.problems

    r = FieldReader(base / "stages.yaml")
    data = r.mapping(raw["stages"], "", ("history", "stages")) or {}
    hist = r.mapping(data.get("history"), "history", ("question", "options")) or {}
    options: dict[str, Text] = {}
    for i, opt in enumerate(r.items(hist.get("options"), "history.options") or []):
        f = join("history.options", i)
        if (opt := r.mapping(opt, f, ("id", "name"))) is not None:
            oid, name = (
                r.identifier(opt.get("id"), join(f, "id")),
                r.bilingual(opt.get("name"), join(f, "name")),
            )
            if oid and name:
                options[oid] = name
    stages = []
    for i, st in enumerate(r.items(data.get("stages"), "stages") or []):
        f = join("stages", i)
        if (st := r.mapping(st, f, ("id", "curve", "name", "description", "history", "dimensions"))) is None:
            continue
        conditions = {}
        for dim, cond in (
            r.mapping(st.get("dimensions") or {}, join(f, "dimensions"), (), tuple(dim_ids)) or {}
        ).items():
            conditions[dim] = _weights(r, cond, join(join(f, "dimensions"), dim), ("low", "high"))
        curve = r.number(st.get("curve"), join(f, "curve"), low=0, high=1, whole=False)
        stages.append(
            Stage(
                r.choice(st.get("id"), join(f, "id"), STAGES) or "",
                r.bilingual(st.get("name"), join(f, "name")) or Text("", ""),
                r.bilingual(st.get("description"), join(f, "description")) or Text("", ""),
                float(curve or 0),
                _weights(r, st.get("history"), join(f, "history"), tuple(options)),
                conditions,
            )
        )
    if [s.id for s in stages] != list(STAGES):
        r.problem("stages", f"must list the stages in order: {', '.join(STAGES)}")
    problems += r.problems

    r = FieldReader(base / "colours.yaml")
    colours = []
    for i, c in enumerate(
        r.items((r.mapping(raw["colours"], "", ("colours",)) or {}).get("colours"), "colours") or []
    ):
        f = join("colours", i)
        if (c := r.mapping(c, f, ("id", "name", "description", "words"), ("misfit",))) is None:
            continue
        misfit = None
        if c.get("misfit") and (
            m := r.mapping(c["misfit"], join(f, "misfit"), ("message",), ("stages", "undercurrent_at_least"))
        ):
            at_least = m.get("undercurrent_at_least")
            misfit = Misfit(
                r.bilingual(m.get("message"), join(f, "misfit.message")) or Text("", ""),
                r.choices(m.get("stages"), join(f, "misfit.stages"), STAGES, at_least=0) or (),
                r.number(at_least, join(f, "misfit.undercurrent_at_least"), low=0, high=100)
                if at_least is not None
                else None,
            )
        colours.append(
            Colour(
                r.choice(c.get("id"), join(f, "id"), COLOURS) or "",
                r.bilingual(c.get("name"), join(f, "name")) or Text("", ""),
                r.bilingual(c.get("description"), join(f, "description")) or Text("", ""),
                _words(r, c.get("words"), join(f, "words")),
                misfit,
            )
        )
    problems += r.problems

    r = FieldReader(base / "stance.yaml")
    data = r.mapping(raw["stance"], "", ("contrasts", "proxy_conflict", "management")) or {}
    contrasts = []
    for i, c in enumerate(r.items(data.get("contrasts"), "contrasts") or []):
        f = join("contrasts", i)
        keys = (
            "id",
            "code",
            "name",
            "managing",
            "facilitating",
            "managing_words",
            "facilitating_words",
            "message",
        )
        if (c := r.mapping(c, f, keys)) is None:
            continue
        contrasts.append(
            Contrast(
                r.identifier(c.get("id"), join(f, "id")) or "",
                r.identifier(c.get("code"), join(f, "code")) or "",
                *(
                    r.bilingual(c.get(k), join(f, k)) or Text("", "")
                    for k in ("name", "managing", "facilitating")
                ),
                _words(r, c.get("managing_words"), join(f, "managing_words")),
                _words(r, c.get("facilitating_words"), join(f, "facilitating_words")),
                r.bilingual(c.get("message"), join(f, "message")) or Text("", ""),
            )
        )
    proxy = r.mapping(data.get("proxy_conflict"), "proxy_conflict", ("code", "words", "message")) or {}
    manage = r.mapping(data.get("management"), "management", ("code", "message", "advice")) or {}
    problems += r.problems
    if problems:
        raise PlaybookError(problems)
    r = FieldReader(base / "stance.yaml")
    bank = Bank(
        dimensions=tuple(dimensions),
        signals=tuple(signals),
        themes=tuple(themes),
        stages=tuple(stages),
        history_question=r.bilingual(hist.get("question"), "history.question") or Text("", ""),
        history_options=options,
        colours=tuple(colours),
        contrasts=tuple(contrasts),
        proxy_code=r.identifier(proxy.get("code"), "proxy_conflict.code") or "",
        proxy_words=_words(r, proxy.get("words"), "proxy_conflict.words"),
        proxy_message=r.bilingual(proxy.get("message"), "proxy_conflict.message") or Text("", ""),
        management_code=r.identifier(manage.get("code"), "management.code") or "",
        management_message=r.bilingual(manage.get("message"), "management.message") or Text("", ""),
        management_advice=r.bilingual(manage.get("advice"), "management.advice") or Text("", ""),
    )
    r.raise_if_any()
    return bank


@cache
def default_bank() -> Bank:
    """The shipped diagnosis content, read once per process."""
    return load_bank()


def check_diagnosis(diagnosis: Diagnosis, bank: Bank, file: str | Path = "<session>") -> list[Problem]:
    """Problems with ids in a session's diagnosis that the content does not know."""
    r = FieldReader(file)
    for qid in diagnosis.answers:
        if qid not in bank.questions:
            r.problem(join("diagnosis.answers", qid), "is not a known statement")
    if diagnosis.history and diagnosis.history not in bank.history_options:
        r.problem("diagnosis.history", f"must be one of {', '.join(bank.history_options)}")
    known = {s.id for s in bank.signals}
    for i, sid in enumerate(diagnosis.signals):
        if sid not in known:
            r.problem(join("diagnosis.signals", i), f"unknown signal '{sid}'")
    return r.problems


# ------------------------------------------------------------------------------------------ profile


@dataclass(frozen=True)
class DimensionScore:
    id: str
    layer: str
    healthy: str
    """'high' or 'low': which end of the scale is good news."""
    name: str
    score: int | None
    """0-100, or None while none of its statements is answered."""
    concern: int | None
    """How much attention it needs, 0-100: the score itself, or its complement when high is healthy."""
    reasons: tuple[str, ...]

    @property
    def level(self) -> str | None:
        if self.score is None:
            return None
        return "low" if self.score < LOW else "high" if self.score > HIGH else "mixed"


@dataclass(frozen=True)
class ThemeHypothesis:
    id: str
    name: str
    hypothesis: str
    strength: int
    evidence: tuple[str, ...]
    interventions: tuple[str, ...]


@dataclass(frozen=True)
class StageEstimate:
    name: str | None
    label: str
    confidence: int
    reasons: tuple[str, ...]
    points: dict[str, int]
    curve: tuple[tuple[str, str, float], ...] = ()
    """Every stage as (id, label, height on the usual effectiveness curve), for drawing."""


@dataclass(frozen=True)
class ColourReading:
    dominant: str | None
    label: str
    scores: dict[str, int]
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def fits(self) -> bool:
        return not self.warnings


@dataclass(frozen=True)
class StanceFinding:
    code: str
    contrast: str | None
    level: str
    message: str
    words: tuple[str, ...] = ()
    advice: str = ""


@dataclass(frozen=True)
class ContrastPosition:
    id: str
    name: str
    managing: str
    facilitating: str
    position: float | None
    """-1 (managing) .. +1 (facilitating), None when the brief says nothing about this contrast."""


@dataclass(frozen=True)
class StanceReading:
    contrasts: tuple[ContrastPosition, ...]
    findings: tuple[StanceFinding, ...]

    @property
    def positions(self) -> dict[str, float | None]:
        return {c.id: c.position for c in self.contrasts}

    @property
    def asks_for_management(self) -> bool:
        return any(f.level == "error" for f in self.findings)


@dataclass(frozen=True)
class Profile:
    """What the diagnosis says about a group, every judgement with its reasons, in one language."""

    language: str
    dimensions: tuple[DimensionScore, ...]
    stage: StageEstimate
    themes: tuple[ThemeHypothesis, ...]
    colour: ColourReading
    stance: StanceReading
    undercurrent: int
    undercurrent_reasons: tuple[str, ...]

    def dimension(self, ident: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.id == ident)

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``playbook diagnose --json`` and for other tools."""
        return {
            "language": self.language,
            "dimensions": [
                {
                    "id": d.id,
                    "layer": d.layer,
                    "name": d.name,
                    "score": d.score,
                    "concern": d.concern,
                    "reasons": list(d.reasons),
                }
                for d in self.dimensions
            ],
            "stage": {
                "name": self.stage.name,
                "label": self.stage.label,
                "confidence": self.stage.confidence,
                "reasons": list(self.stage.reasons),
                "points": dict(self.stage.points),
            },
            "themes": [
                {
                    "id": th.id,
                    "name": th.name,
                    "hypothesis": th.hypothesis,
                    "strength": th.strength,
                    "evidence": list(th.evidence),
                    "interventions": list(th.interventions),
                }
                for th in self.themes
            ],
            "colour": {
                "dominant": self.colour.dominant,
                "label": self.colour.label,
                "scores": dict(self.colour.scores),
                "reasons": list(self.colour.reasons),
                "fits": self.colour.fits,
                "warnings": list(self.colour.warnings),
            },
            "stance": {
                "positions": dict(self.stance.positions),
                "asks_for_management": self.stance.asks_for_management,
                "findings": [
                    {
                        "code": f.code,
                        "contrast": f.contrast,
                        "level": f.level,
                        "message": f.message,
                        "words": list(f.words),
                        "advice": f.advice,
                    }
                    for f in self.stance.findings
                ],
            },
            "undercurrent": self.undercurrent,
            "undercurrent_reasons": list(self.undercurrent_reasons),
        }


@cache
def _pattern(word: str) -> re.Pattern[str]:
    """A word or phrase that matches at the start of a word, so 'motivat' finds 'motivation'."""
    return re.compile(r"(?<!\w)" + re.escape(fold(word)) + r"\w*")


def matched_words(text: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """The words of ``text`` (as written there, folded) that the listed words or stems match."""
    return tuple(dict.fromkeys(m.group(0) for w in words if (m := _pattern(w).search(text))))


def _quote(words: tuple[str, ...]) -> str:
    return ", ".join(f"“{w}”" for w in words)


def _score_dimensions(diagnosis: Diagnosis, bank: Bank, lang: str) -> tuple[DimensionScore, ...]:
    out = []
    for dim in bank.dimensions:
        values, reasons = [], []
        for q in dim.questions:
            answer = diagnosis.answers.get(q.id)
            if answer is None:
                continue
            value = (answer - 1) * 25
            values.append(100 - value if q.reverse else value)
            reasons.append(
                t(
                    "diagnosis.answer",
                    lang,
                    question=q.text(lang),
                    answer=t(f"diagnosis.answer_{answer}", lang),
                )
            )
        if not values:
            out.append(
                DimensionScore(
                    dim.id,
                    dim.layer,
                    dim.healthy,
                    dim.name(lang),
                    None,
                    None,
                    (t("diagnosis.unanswered", lang),),
                )
            )
            continue
        score = round(statistics.fmean(values))
        concern = 100 - score if dim.healthy == "high" else score
        out.append(
            DimensionScore(dim.id, dim.layer, dim.healthy, dim.name(lang), score, concern, tuple(reasons))
        )
    return tuple(out)


def _scored(d: DimensionScore, lang: str) -> str:
    return t(
        "diagnosis.scored", lang, name=d.name, score=d.score, level=t(f"diagnosis.level_{d.level}", lang)
    )


def _undercurrent(
    dims: tuple[DimensionScore, ...], seen: list[Signal], lang: str
) -> tuple[int, tuple[str, ...]]:
    below = [d for d in dims if d.layer == "below" and d.concern is not None]
    weight = sum(s.undercurrent for s in seen)
    reasons = []
    if worrying := [d for d in below if d.concern >= 100 - LOW]:  # type: ignore[operator]
        reasons.append(
            t("diagnosis.undercurrent_dims", lang, dims="; ".join(_scored(d, lang) for d in worrying))
        )
    if rough := [s.name(lang) for s in seen if s.undercurrent > 0]:
        reasons.append(t("diagnosis.undercurrent_signals", lang, signals=", ".join(rough)))
    if calm := [s.name(lang) for s in seen if s.undercurrent < 0]:
        reasons.append(t("diagnosis.undercurrent_calm", lang, signals=", ".join(calm)))
    signal_part = max(0, min(100, 12 * weight))
    if below:
        dims_part = statistics.fmean(d.concern for d in below)  # type: ignore[misc]
        value = 0.6 * dims_part + 0.4 * signal_part if seen else dims_part
    elif seen:
        value = signal_part
    else:
        return 0, (t("diagnosis.undercurrent_none", lang),)
    return round(value), tuple(reasons)


def _condition_met(d: DimensionScore | None, side: str) -> bool:
    if d is None or d.score is None:
        return False
    return d.score < LOW if side == "low" else d.score > HIGH


def _themes(
    dims: dict[str, DimensionScore], seen: list[Signal], bank: Bank, lang: str
) -> tuple[ThemeHypothesis, ...]:
    out = []
    for theme in bank.themes:
        points, evidence = 0, []
        for signal in seen:
            if (w := signal.themes.get(theme.id, 0)) > 0:
                points += w
                evidence.append(t("diagnosis.seen", lang, signal=signal.name(lang)))
        for dim_id, side in theme.dimensions.items():
            if _condition_met(dims.get(dim_id), side):
                points += 2
                evidence.append(_scored(dims[dim_id], lang))
        if points > 0:
            out.append(
                ThemeHypothesis(
                    theme.id,
                    theme.name(lang),
                    theme.hypothesis(lang),
                    min(100, 15 * points),
                    tuple(evidence),
                    theme.interventions,
                )
            )
    return tuple(sorted(out, key=lambda th: -th.strength))


def _stage(
    diagnosis: Diagnosis, dims: dict[str, DimensionScore], seen: list[Signal], bank: Bank, lang: str
) -> StageEstimate:
    points = {s.id: 0 for s in bank.stages}
    evidence: dict[str, list[str]] = {s.id: [] for s in bank.stages}
    for stage in bank.stages:
        if diagnosis.history and (w := stage.history.get(diagnosis.history, 0)):
            points[stage.id] += w
            evidence[stage.id].append(
                t("diagnosis.history", lang, option=bank.history_options[diagnosis.history](lang))
            )
        for dim_id, sides in stage.dimensions.items():
            for side, w in sides.items():
                if _condition_met(dims.get(dim_id), side):
                    points[stage.id] += w
                    evidence[stage.id].append(_scored(dims[dim_id], lang))
        for signal in seen:
            if (w := signal.stages.get(stage.id, 0)) > 0:
                points[stage.id] += w
                evidence[stage.id].append(t("diagnosis.seen", lang, signal=signal.name(lang)))
    curve = tuple((s.id, s.name(lang), s.curve) for s in bank.stages)
    total = sum(p for p in points.values() if p > 0)
    if total == 0:
        return StageEstimate(
            None, t("diagnosis.no_stage", lang), 0, (t("diagnosis.stage_none", lang),), points, curve
        )
    ranked = sorted(bank.stages, key=lambda s: -points[s.id])
    top, second = ranked[0], ranked[1]
    confidence = round(100 * points[top.id] / total * min(1.0, points[top.id] / 6))
    reasons = [top.description(lang), *evidence[top.id]]
    if points[second.id] > 0 and points[second.id] * 2 >= points[top.id]:
        reasons.append(
            t(
                "diagnosis.stage_also",
                lang,
                stage=second.name(lang),
                points=points[second.id],
                top=points[top.id],
            )
        )
    return StageEstimate(top.id, top.name(lang), confidence, tuple(reasons), points, curve)


def brief_text(session: Session) -> str:
    """The client's words the colour and stance are read from, folded for matching."""
    b = session.brief
    return fold(" \n ".join([b.wish, b.visible_result, b.context]))


def _colour(text: str, undercurrent: int, stage: str | None, bank: Bank, lang: str) -> ColourReading:
    hits = {c.id: matched_words(text, c.words) for c in bank.colours}
    scores = {cid: len(words) for cid, words in hits.items()}
    best = max(scores.values(), default=0)
    if best == 0:
        return ColourReading(None, "", scores, (t("diagnosis.colour_none", lang),), ())
    leaders = [c for c in bank.colours if scores[c.id] == best]
    colour = leaders[0]
    reasons = [colour.description(lang)]
    reasons += [
        t("diagnosis.colour_words", lang, colour=c.name(lang), words=_quote(hits[c.id]))
        for c in bank.colours
        if hits[c.id]
    ]
    warnings = []
    if (m := colour.misfit) is not None:
        too_deep = m.undercurrent_at_least is not None and undercurrent >= m.undercurrent_at_least
        if too_deep or (stage is not None and stage in m.stages):
            warnings.append(m.message(lang))
    if not warnings:
        reasons.append(t("diagnosis.colour_fits", lang))
    return ColourReading(
        colour.id, " / ".join(c.name(lang) for c in leaders), scores, tuple(reasons), tuple(warnings)
    )


def _stance(text: str, bank: Bank, lang: str) -> StanceReading:
    contrasts: list[ContrastPosition] = []
    findings: list[StanceFinding] = []
    for c in bank.contrasts:
        managing, facilitating = (
            matched_words(text, c.managing_words),
            matched_words(text, c.facilitating_words),
        )
        n = len(managing) + len(facilitating)
        position = None if n == 0 else (len(facilitating) - len(managing)) / n
        contrasts.append(
            ContrastPosition(c.id, c.name(lang), c.managing(lang), c.facilitating(lang), position)
        )
        if len(managing) > len(facilitating):
            findings.append(
                StanceFinding(
                    c.code, c.id, "warning", c.message(lang).format(words=_quote(managing)), managing
                )
            )
    if proxy := matched_words(text, bank.proxy_words):
        findings.append(
            StanceFinding(
                bank.proxy_code, None, "warning", bank.proxy_message(lang).format(words=_quote(proxy)), proxy
            )
        )
    if len(findings) >= 2:
        findings.insert(
            0,
            StanceFinding(
                bank.management_code,
                None,
                "error",
                bank.management_message(lang),
                advice=bank.management_advice(lang),
            ),
        )
    return StanceReading(tuple(contrasts), tuple(findings))


def diagnose(session: Session, bank: Bank | None = None, lang: str | None = None) -> Profile:
    """The group's profile from a session's brief and diagnosis answers, in ``lang`` or the session's language.

    Unknown ids in the answers are ignored here (``check_diagnosis`` reports them), so a half-finished or
    older diagnosis still gives a profile.
    """
    bank = bank or default_bank()
    lang = lang if lang in LANGUAGES else session.language
    diagnosis = session.diagnosis
    known = {s.id: s for s in bank.signals}
    seen = [known[s] for s in diagnosis.signals if s in known]
    dims = _score_dimensions(diagnosis, bank, lang)
    by_id = {d.id: d for d in dims}
    undercurrent, reasons = _undercurrent(dims, seen, lang)
    stage = _stage(diagnosis, by_id, seen, bank, lang)
    text = brief_text(session)
    return Profile(
        language=lang,
        dimensions=dims,
        stage=stage,
        themes=_themes(by_id, seen, bank, lang),
        colour=_colour(text, undercurrent, stage.name, bank, lang),
        stance=_stance(text, bank, lang),
        undercurrent=undercurrent,
        undercurrent_reasons=reasons,
    )
