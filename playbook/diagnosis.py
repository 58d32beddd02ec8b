"""Diagnosis: from the facilitator's answers about a group to a Profile, every judgement with its reasons.

The questions, signals, themes, stages, colours and contrasts are content in ``assets/diagnosis``; this
module knows only how to weigh them. It reads the group above the surface (bovenstroom: goals, roles,
information, decisions, time) and below it (onderstroom: trust, safety, tension, energy, belonging,
ownership), estimates the Tuckman stage, hears De Caluwé's colour of change in the client's words, and
checks where the brief sits between managing and facilitating.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from .catalogue import STAGES
from .errors import PlaybookError, Problem
from .i18n import LANGUAGES, Text, message, t
from .learned import LearnedReading, read_learned, words_in
from .paths import assets_dir
from .reading import BriefText, Evidence, Reading, claimed_by, confidence, groups, read_brief
from .schema import FieldReader, join
from .session import READING_VALUES, UNCLEAR, Diagnosis, Session
from .yamlio import load_yaml_file

LAYERS = ("above", "below")
LOW, HIGH = 40, 60
"""A score below LOW counts as low, above HIGH as high; in between it is mixed."""
COLOURS = ("yellow", "blue", "red", "green", "white")
CONTRASTS = ("control", "predictability", "hierarchy", "information")
"""The seed's four contrasts between managing and facilitating, in the order they are shown."""
MANAGING = (*CONTRASTS, "proxy", "settled")
"""The managing evidence: the four contrasts, a conflict to settle on the client's behalf, and a decision
settled before the session (on the hierarchy contrast, but a frame the group may still work within)."""
OUTWEIGH = 2
"""Facilitating evidence must be this many times a managing word too weak to read managing on its own."""
STANCES = READING_VALUES["stance"]
INTENT_VALUES = READING_VALUES["intent"]
READINGS = ("colour", "stance", "intent", "tension", "stage")
"""The readings of the brief: their evidence thresholds and part weights are in readings.yaml."""
PARTS = ("wish", "visible_result", "purpose", "context")
"""The fields of the brief a reading listens to."""
BRIEF_SUPPORT = ("choose", "ideas", "agreements", "tension", "reflect", "act", "connect", "managing")
"""What a hypothesis may draw on from the brief: an intent that is present, or a managing stance."""


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
    brief: dict[str, int] = field(default_factory=dict)
    """Readings of the brief that support the hypothesis: an intent id ('tension') or 'managing'."""


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
    misfit: Misfit | None


@dataclass(frozen=True)
class Contrast:
    id: str
    code: str
    name: Text
    managing: Text
    facilitating: Text
    message: Text


@dataclass(frozen=True)
class Rules:
    """How much evidence each reading of the brief needs, and how much each part of the brief counts."""

    need: dict[str, float]
    parts: dict[str, dict[str, float]]
    mix: dict[str, float]
    """A second colour (or stage) with at least this share of the first's evidence makes a mix (for the
    colour saturated, and ``second`` of it as it stands); ``third``: a third colour with at most this share
    of the second's does not make the brief speak several."""
    learned: dict[str, float]
    """When the learned reader's stance or colour stands in place of the rules': the brief has ``words``
    words or more and the reader is at least ``stance`` (the colour stack ``colour``) sure."""


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
    proxy_message: Text
    management_code: str
    management_message: Text
    management_advice: Text
    rules: Rules
    questions: dict[str, Question] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        qs = {q.id: q for d in self.dimensions for q in d.questions}
        object.__setattr__(self, "questions", qs)

    def signal(self, ident: str) -> Signal:
        return next(s for s in self.signals if s.id == ident)


def _weights(r: FieldReader, value: Any, f: str, known: tuple[str, ...] | set[str]) -> dict[str, int]:
    """Whole-number weights from -5 to 5 per known id; a negative weight is evidence against."""
    data = r.mapping(value or {}, f, (), tuple(known)) or {}
    return {k: w for k, v in data.items() if (w := r.number(v, join(f, k), low=-5, high=5)) is not None}


def load_bank(folder: str | Path | None = None) -> Bank:
    """Read and check the diagnosis content; one PlaybookError lists every problem in every file."""
    base = Path(folder) if folder else assets_dir() / "diagnosis"
    problems: list[Problem] = []
    raw: dict[str, Any] = {}
    for name in ("dimensions", "signals", "themes", "stages", "colours", "stance", "readings"):
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
        keys = ("id", "name", "hypothesis", "dimensions", "interventions")
        if (th := r.mapping(th, f, keys, ("brief",))) is None:
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
                _weights(r, th.get("brief"), join(f, "brief"), BRIEF_SUPPORT),
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
        if (c := r.mapping(c, f, ("id", "name", "description"), ("misfit",))) is None:
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
                misfit,
            )
        )
    problems += r.problems

    r = FieldReader(base / "stance.yaml")
    data = r.mapping(raw["stance"], "", ("contrasts", "proxy_conflict", "management")) or {}
    contrasts = []
    for i, c in enumerate(r.items(data.get("contrasts"), "contrasts") or []):
        f = join("contrasts", i)
        keys = ("id", "code", "name", "managing", "facilitating", "message")
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
                r.bilingual(c.get("message"), join(f, "message")) or Text("", ""),
            )
        )
    if [c.id for c in contrasts] != list(CONTRASTS):
        r.problem("contrasts", f"must list the contrasts in order: {', '.join(CONTRASTS)}")
    proxy = r.mapping(data.get("proxy_conflict"), "proxy_conflict", ("code", "message")) or {}
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
        proxy_message=r.bilingual(proxy.get("message"), "proxy_conflict.message") or Text("", ""),
        management_code=r.identifier(manage.get("code"), "management.code") or "",
        management_message=r.bilingual(manage.get("message"), "management.message") or Text("", ""),
        management_advice=r.bilingual(manage.get("advice"), "management.advice") or Text("", ""),
        rules=_rules(raw["readings"], base / "readings.yaml"),
    )
    r.raise_if_any()
    return bank


def _rules(data: Any, path: Path) -> Rules:
    r = FieldReader(path)
    d = r.mapping(data, "", ("need", "parts", "mix", "learned")) or {}
    need = {
        k: float(v)
        for k in READINGS
        if (
            v := r.number(
                (r.mapping(d.get("need"), "need", READINGS) or {}).get(k),
                join("need", k),
                low=0,
                high=10,
                whole=False,
            )
        )
        is not None
    }
    parts: dict[str, dict[str, float]] = {}
    for k, v in (r.mapping(d.get("parts"), "parts", READINGS) or {}).items():
        weights = r.mapping(v, join("parts", k), (), PARTS) or {}
        parts[k] = {
            p: float(w)
            for p, w in weights.items()
            if r.number(w, join(join("parts", k), p), low=0, high=1, whole=False) is not None
        }
    mix = {
        k: float(v)
        for k, v in (r.mapping(d.get("mix"), "mix", ("colour", "stage"), ("second", "third")) or {}).items()
        if r.number(v, join("mix", k), low=0, high=1, whole=False) is not None
    }
    limits = {"words": (0, 1000, True), "stance": (0, 1, False), "colour": (0, 1, False)}
    given = r.mapping(d.get("learned"), "learned", tuple(limits)) or {}
    learned = {
        k: float(v)
        for k, (low, high, whole) in limits.items()
        if (v := r.number(given.get(k), join("learned", k), low=low, high=high, whole=whole)) is not None
    }
    r.raise_if_any()
    return Rules(need, parts, mix, learned)


@cache
def default_bank() -> Bank:
    """The shipped diagnosis content, read once per process."""
    return load_bank()


def rules_alone(bank: Bank | None = None) -> Bank:
    """The same content with the learned reader never sure enough to stand: what the rules read alone,
    for measuring what the learned reader adds."""
    bank = bank or default_bank()
    return replace(
        bank, rules=replace(bank.rules, learned={**bank.rules.learned, "stance": 2.0, "colour": 2.0})
    )


def intent_ids() -> tuple[str, ...]:
    """The intents a brief can speak, as the cue files name them (the same in every language)."""
    return tuple(
        g.removeprefix("readings.intents.") for g in groups("en") if g.startswith("readings.intents.")
    )


def check_diagnosis(
    diagnosis: Diagnosis, bank: Bank, file: str | Path = "<session>", lang: str | None = None
) -> list[Problem]:
    """Problems with ids in a session's diagnosis that the content does not know, in ``lang``."""
    r = FieldReader(file, lang)
    for qid in diagnosis.answers:
        if qid not in bank.questions:
            r.problem(join("diagnosis.answers", qid), r.say("unknown_statement"))
    if diagnosis.history and diagnosis.history not in bank.history_options:
        r.problem("diagnosis.history", r.say("one_of", choices=", ".join(bank.history_options)))
    known = {s.id for s in bank.signals}
    for i, sid in enumerate(diagnosis.signals):
        if sid not in known:
            r.problem(join("diagnosis.signals", i), r.say("unknown_signal", id=sid))
    readings = diagnosis.readings
    for key, allowed in (("colour", COLOURS), ("stage", STAGES)):
        value = getattr(readings, key)
        ids = () if value in (None, UNCLEAR) else (value if isinstance(value, tuple) else (value,))
        for ident in ids:
            if ident not in allowed:
                r.problem(join("diagnosis.readings", key), r.say("reading_ids", choices=", ".join(allowed)))
    intents = intent_ids()
    for ident in readings.intents:
        if ident not in intents:
            r.problem(
                join("diagnosis.readings.intents", ident), r.say("unknown_intent", known=", ".join(intents))
            )
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
    kinds: tuple[str, ...] = ()
    """The kinds of evidence that support it: answers, signals, brief."""
    against: tuple[str, ...] = ()
    """Evidence that speaks against it (a signal such as 'conflict avoided' against open conflict)."""


@dataclass(frozen=True)
class StageEstimate:
    name: str | None
    """The stage with the most evidence (the earlier one of a mix); None while nothing is known."""
    label: str
    confidence: int
    reasons: tuple[str, ...]
    points: dict[str, float]
    curve: tuple[tuple[str, str, float], ...] = ()
    """Every stage as (id, label, height on the usual effectiveness curve), for drawing."""
    reading: Reading = field(default_factory=lambda: Reading(UNCLEAR, 0, ()))
    """The stage as a reading: one stage, two for 'between forming and storming', or unclear."""

    @property
    def stages(self) -> tuple[str, ...]:
        return self.reading.values


@dataclass(frozen=True)
class ColourReading:
    dominant: str | None
    """The colour with the most evidence (the first of a mix), None when unclear."""
    label: str
    scores: dict[str, float]
    """The weight of the evidence for every colour."""
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    reading: Reading = field(default_factory=lambda: Reading(UNCLEAR, 0, ()))

    @property
    def fits(self) -> bool:
        return not self.warnings

    @property
    def colours(self) -> tuple[str, ...]:
        return self.reading.values


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
    reading: Reading = field(default_factory=lambda: Reading(UNCLEAR, 0, ()))
    reasons: tuple[str, ...] = ()

    @property
    def positions(self) -> dict[str, float | None]:
        return {c.id: c.position for c in self.contrasts}

    @property
    def value(self) -> str:
        return str(self.reading.value)

    @property
    def asks_for_management(self) -> bool:
        return self.reading.value == "managing"


@dataclass(frozen=True)
class IntentReading:
    id: str
    reading: Reading
    reason: str

    @property
    def present(self) -> bool:
        return self.reading.value == "present"


@dataclass(frozen=True)
class Readings:
    """The effective readings of a session: what the brief and the answers say, with the facilitator's
    corrections applied. Suggestions, the handout and the designer all read these, never the raw text."""

    colour: Reading
    stance: Reading
    stage: Reading
    intents: dict[str, Reading]

    def present(self) -> tuple[str, ...]:
        """The ids of the intents that hold."""
        return tuple(k for k, r in self.intents.items() if r.value == "present")


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
    intents: tuple[IntentReading, ...] = ()
    brief_language: str = ""
    """The language the brief is written in (it may differ from the session's)."""

    def dimension(self, ident: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.id == ident)

    def intent(self, ident: str) -> IntentReading:
        return next(i for i in self.intents if i.id == ident)

    @property
    def readings(self) -> Readings:
        return Readings(
            self.colour.reading,
            self.stance.reading,
            self.stage.reading,
            {i.id: i.reading for i in self.intents},
        )

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``playbook diagnose --json`` and for other tools."""
        return {
            "language": self.language,
            "brief_language": self.brief_language,
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
                **self.stage.reading.to_data(),
            },
            "themes": [
                {
                    "id": th.id,
                    "name": th.name,
                    "hypothesis": th.hypothesis,
                    "strength": th.strength,
                    "evidence": list(th.evidence),
                    "against": list(th.against),
                    "kinds": list(th.kinds),
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
                **self.colour.reading.to_data(),
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
                "reasons": list(self.stance.reasons),
                **self.stance.reading.to_data(),
            },
            "intents": {i.id: {**i.reading.to_data(), "reason": i.reason} for i in self.intents},
            "undercurrent": self.undercurrent,
            "undercurrent_reasons": list(self.undercurrent_reasons),
        }


def _quote(words: Iterable[str]) -> str:
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


def _degree(d: DimensionScore | None, side: str) -> float:
    """How clearly a dimension is low (or high): 0 when it is not, 0.5 just past the line, 1 at the end."""
    if d is None or d.score is None:
        return 0.0
    if side == "low":
        return 0.5 + 0.5 * (LOW - d.score) / LOW if d.score < LOW else 0.0
    return 0.5 + 0.5 * (d.score - HIGH) / (100 - HIGH) if d.score > HIGH else 0.0


KIND_CAPS = {1: 45, 2: 80, 3: 95}
"""The strongest a hypothesis can be with one, two or three kinds of evidence (answers, signals, brief):
one kind alone never passes the middle of the scale."""
SATURATION = 4.0
"""Evidence points at which a hypothesis reaches about two thirds of its cap."""


def _strength(points: float, kinds: int) -> int:
    if points <= 0 or kinds == 0:
        return 0
    return round(KIND_CAPS[min(kinds, 3)] * (1 - math.exp(-points / SATURATION)))


def _brief_support(
    key: str, profile_intents: dict[str, IntentReading], stance: StanceReading
) -> tuple[float, str]:
    """How much a reading of the brief counts for a hypothesis (its confidence), and its words."""
    if key == "managing":
        r = stance.reading
        return (r.confidence / 100 if stance.asks_for_management else 0.0), _quote(r.evidence)
    intent = profile_intents.get(key)
    if intent is None or not intent.present:
        return 0.0, ""
    return intent.reading.confidence / 100, _quote(intent.reading.evidence)


def _themes(
    dims: dict[str, DimensionScore],
    seen: list[Signal],
    intents: dict[str, IntentReading],
    stance: StanceReading,
    bank: Bank,
    lang: str,
) -> tuple[ThemeHypothesis, ...]:
    out = []
    for theme in bank.themes:
        points: dict[str, float] = {"answers": 0.0, "signals": 0.0, "brief": 0.0}
        evidence, against = [], []
        for dim_id, side in theme.dimensions.items():
            if (degree := _degree(dims.get(dim_id), side)) > 0:
                points["answers"] += 2 * degree
                evidence.append(_scored(dims[dim_id], lang))
        for signal in seen:
            w = signal.themes.get(theme.id, 0)
            if w > 0:
                points["signals"] += w
                evidence.append(t("diagnosis.seen", lang, signal=signal.name(lang)))
            elif w < 0:
                points["signals"] += w
                against.append(t("diagnosis.seen", lang, signal=signal.name(lang)))
        for key, w in theme.brief.items():
            share, words = _brief_support(key, intents, stance)
            if share > 0 and w > 0:
                points["brief"] += w * share
                evidence.append(t("diagnosis.brief_says", lang, words=words))
        kinds = tuple(k for k, v in points.items() if v > 0)
        strength = _strength(sum(points.values()), len(kinds))
        if strength > 0:
            out.append(
                ThemeHypothesis(
                    theme.id,
                    theme.name(lang),
                    theme.hypothesis(lang),
                    strength,
                    tuple(evidence),
                    theme.interventions,
                    kinds,
                    tuple(against),
                )
            )
    return tuple(sorted(out, key=lambda th: (-th.strength, -len(th.evidence), th.id)))


def _mix_label(ids: tuple[str, ...], names: dict[str, str], lang: str, key: str) -> str:
    if len(ids) == 2:
        return t(key, lang, first=names[ids[0]], second=names[ids[1]])
    return names[ids[0]] if ids else ""


def _stage(
    diagnosis: Diagnosis,
    dims: dict[str, DimensionScore],
    seen: list[Signal],
    brief: BriefText,
    bank: Bank,
    lang: str,
) -> StageEstimate:
    points = {s.id: 0.0 for s in bank.stages}
    evidence: dict[str, list[str]] = {s.id: [] for s in bank.stages}
    parts = bank.rules.parts["stage"]
    for stage in bank.stages:
        if diagnosis.history and (w := stage.history.get(diagnosis.history, 0)):
            points[stage.id] += w
            evidence[stage.id].append(
                t("diagnosis.history", lang, option=bank.history_options[diagnosis.history](lang))
            )
        for dim_id, sides in stage.dimensions.items():
            for side, w in sides.items():
                if (degree := _degree(dims.get(dim_id), side)) > 0:
                    points[stage.id] += w * degree
                    scored = _scored(dims[dim_id], lang)
                    evidence[stage.id].append(scored if w > 0 else t("diagnosis.against", lang, what=scored))
        for signal in seen:
            if w := signal.stages.get(stage.id, 0):
                points[stage.id] += w
                key = "diagnosis.seen" if w > 0 else "diagnosis.seen_against"
                evidence[stage.id].append(t(key, lang, signal=signal.name(lang)))
        found = brief.evidence(f"readings.stages.{stage.id}", parts)
        if found.score > 0:
            points[stage.id] += min(found.score, 2.0)
            evidence[stage.id].append(t("diagnosis.brief_says", lang, words=_quote(found.words)))
    points = {k: round(v, 2) for k, v in points.items()}
    curve = tuple((s.id, s.name(lang), s.curve) for s in bank.stages)
    names = {s.id: s.name(lang) for s in bank.stages}
    total = sum(p for p in points.values() if p > 0)
    need = bank.rules.need["stage"]
    ranked = sorted(points, key=lambda k: -points[k])
    top, second = ranked[0], ranked[1]
    if total == 0 or points[top] < need:
        reasons = (
            (t("diagnosis.stage_none", lang),)
            if total == 0
            else (
                t("diagnosis.stage_weak", lang),
                *(r for k in ranked[:2] if points[k] > 0 for r in evidence[k]),
            )
        )
        return StageEstimate(None, t("diagnosis.no_stage", lang), 0, tuple(reasons), points, curve)
    order = [s.id for s in bank.stages]
    if points[second] > 0 and points[second] >= bank.rules.mix["stage"] * points[top]:
        ids = tuple(sorted((top, second), key=order.index))
        share = (points[top] + points[second]) / total
        confidence = round(100 * share * min(1.0, points[second] / (2 * need)))
        reasons = [t("diagnosis.stage_between", lang, first=names[ids[0]], second=names[ids[1]])]
        for k in ids:
            reasons.append(t("diagnosis.stage_for", lang, stage=names[k], points=_points(points[k])))
            reasons += evidence[k]
        label = _mix_label(ids, names, lang, "diagnosis.between")
        reading = Reading(ids, confidence, ())
        return StageEstimate(ids[0], label, confidence, tuple(reasons), points, curve, reading)
    confidence = round(100 * points[top] / total * min(1.0, points[top] / (3 * need)))
    stage = next(s for s in bank.stages if s.id == top)
    reasons = [stage.description(lang), *evidence[top]]
    if points[second] > 0:
        reasons.append(
            t(
                "diagnosis.stage_also",
                lang,
                stage=names[second],
                points=_points(points[second]),
                top=_points(points[top]),
            )
        )
    return StageEstimate(
        top, names[top], confidence, tuple(reasons), points, curve, Reading(top, confidence, ())
    )


def _points(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def brief_parts(session: Session) -> dict[str, str]:
    """The parts of the brief that readings listen to (the client's name is not one of them)."""
    b = session.brief
    return {"wish": b.wish, "visible_result": b.visible_result, "purpose": b.purpose, "context": b.context}


def read_session_brief(session: Session) -> BriefText:
    """The session's brief, tokenised and matched once (cached on its words)."""
    return read_brief(brief_parts(session), session.language)


def _misfits(
    colours: tuple[str, ...], undercurrent: int, stages: tuple[str, ...], bank: Bank, lang: str
) -> tuple[str, ...]:
    warnings = []
    for colour in (c for c in bank.colours if c.id in colours):
        if (m := colour.misfit) is not None:
            too_deep = m.undercurrent_at_least is not None and undercurrent >= m.undercurrent_at_least
            if too_deep or set(stages) & set(m.stages):
                warnings.append(m.message(lang))
    return tuple(warnings)


def _colour(
    brief: BriefText, bank: Bank, lang: str, learned: dict[str, LearnedReading] | None
) -> tuple[Reading, dict[str, float], list[str]]:
    """De Caluwé's colour: one that clearly leads, a mix of two, or unclear, with the words for each; the
    colour stack's reading (playbook.learned) where the brief is long enough to read it."""
    parts, need = bank.rules.parts["colour"], bank.rules.need["colour"]
    found = {c.id: brief.evidence(f"readings.colours.{c.id}", parts) for c in bank.colours}
    # A hint such as a decision taken at the top (blue) counts where no colour is heard without hints,
    # or for a colour heard anyway; it does not make a mix with the colour the brief does name.
    heard = {cid for cid, ev in found.items() if ev.score >= need}
    found = {
        c.id: brief.evidence(f"readings.colours.{c.id}", parts, fallback=not heard or c.id in heard)
        for c in bank.colours
    }
    scores = {cid: ev.score for cid, ev in found.items()}
    names = {c.id: c.name(lang) for c in bank.colours}
    reasons = [
        t("diagnosis.colour_words", lang, colour=names[cid], words=_quote(ev.words))
        for cid, ev in sorted(found.items(), key=lambda kv: -kv[1].score)
        if ev.hits
    ]
    ruled, why = _rules_colour(found, scores, bank)
    read, second = _second_colour(ruled, scores, found, learned, bank, lang, names)
    # The reason a reading is a mix or unclear is the rules' where they stand, the stack's where it reads.
    headline = [] if read.learned else [t(key, lang) for key in why]
    return read, scores, [*headline, *([second] if second else []), *reasons]


def _rules_colour(
    found: dict[str, Evidence], scores: dict[str, float], bank: Bank
) -> tuple[Reading, list[str]]:
    """The colour the cues read, and the key of the reason that says why it is a mix or unclear."""
    need = bank.rules.need["colour"]
    present = sorted((cid for cid in COLOURS if scores[cid] >= need), key=lambda c: -scores[c])

    def clear(score: float) -> float:  # evidence saturates: ten words for blue do not dwarf two for red
        return 1 - math.exp(-score / need)

    top_clear = clear(scores[present[0]]) if present else 0.0
    # ...and has a fair share of the first's evidence as it stands: one strong word for red beside ten
    # for blue is a hint, not yet a mix (``second``).
    second = bank.rules.mix.get("second", 0) * scores[present[0]] if present else 0
    strong = [
        c for c in present if clear(scores[c]) >= bank.rules.mix["colour"] * top_clear and scores[c] >= second
    ]
    # A third colour with at most this share of the second's evidence does not make the brief "several".
    if len(strong) > 2 and scores[strong[2]] <= bank.rules.mix.get("third", 0) * scores[strong[1]]:
        strong = strong[:2]
    if not present or len(strong) > 2:
        words = tuple(w for ev in found.values() for w in ev.words)
        key = "diagnosis.colour_several" if len(strong) > 2 else "diagnosis.colour_none"
        return Reading(UNCLEAR, 0, words), [key]
    if len(strong) == 2:
        ids = tuple(strong)
        rival = max((scores[c] for c in COLOURS if c not in ids), default=0)
        conf = min(confidence(scores[c], need, rival) for c in ids)
        words = tuple(w for c in ids for w in found[c].words)
        return Reading(ids, conf, words), ["diagnosis.colour_mix"]
    top = present[0]
    rival = max((scores[c] for c in COLOURS if c != top), default=0)
    return Reading(top, confidence(scores[top], need, rival), found[top].words), []


def _second_colour(
    ruled: Reading, scores: dict[str, float], found: dict[str, Evidence], learned: dict[str, LearnedReading] | None,
    bank: Bank, lang: str, names: dict[str, str],
) -> tuple[Reading, str | None]:  # fmt: skip
    """The colour stack's reading where it is sure enough, else the rules'; and the reason to show.

    The stack (playbook.learned.Stack) weighs the cues' evidence per colour, the colours the rules read
    and the colour word model's reading together, as learned from the annotated briefs: on briefs written
    blind, each set read by a stack trained without it, it agreed with the annotators more often than the
    cues alone, which hear a second colour too readily; its pair model says whether the second colour
    stands beside the first. It does not name a colour whose every cue the brief negates ("no bonuses"): a
    bag of words does not read the negation.
    """
    words = learned.get("colour") if learned else None
    if words is None or (stack := words.stack) is None:
        return ruled, None
    ruled_ids = ruled.values or (UNCLEAR,)
    probs, decided = stack.read(scores, ruled_ids, words.probabilities)
    sure = sum(probs[c] for c in decided)
    if sure < bank.rules.learned["colour"]:
        return ruled, None
    value: str | tuple[str, ...] = decided if len(decided) > 1 else decided[0]
    percent = round(100 * sure)
    shown = _shown(value, names, lang)
    if set(decided) == set(ruled_ids):
        return ruled, t("diagnosis.learned_agrees", lang, value=shown, percent=percent)
    if any(not found[c].hits and found[c].set_aside for c in decided if c != UNCLEAR):
        return ruled, t("diagnosis.learned_negated", lang, value=shown, percent=percent)
    rules = _shown(ruled.value, names, lang)
    if value == UNCLEAR:
        said = t("diagnosis.learned_unclear", lang, percent=percent, briefs=words.briefs, rules=rules)
        return Reading(UNCLEAR, 0, (), learned=True), said
    # The cue words heard for these colours first, then the words that weighed most and say more.
    evidence = list(dict.fromkeys(w for c in decided for w in found[c].words))
    for w in words.evidence(decided):
        if not any(w.lower() in k.lower() or k.lower() in w.lower() for k in evidence):
            evidence.append(w)
    said = t(
        "diagnosis.learned_read", lang, value=shown, percent=percent, briefs=words.briefs,
        words=_quote(evidence), rules=rules,
    )  # fmt: skip
    return Reading(value, percent, tuple(evidence), learned=True), said


def _learned(brief: BriefText, bank: Bank) -> dict[str, LearnedReading] | None:
    """The learned reader (playbook.learned) reads a brief of a few sentences or more; a sentence or two
    is left to the rules, whose grammar (who does what, what is negated) a bag of words does not have."""
    if words_in(brief) < bank.rules.learned["words"]:
        return None
    return read_learned(brief)


def _second_stance(
    ruled: Reading, learned: LearnedReading | None, bank: Bank, lang: str, names: dict[str, str],
    barred: dict[str, str],
) -> tuple[Reading, str | None]:  # fmt: skip
    """The rules' stance, or the learned reader's where it is sure and the rules did not rule it out.

    On briefs written blind, each set read by a reader trained without it, the learned reader agreed with
    the annotators more often than the rules wherever it was this sure (``learned`` in readings.yaml): it
    hears who is to do what in the whole brief's wording where no cue names it. ``barred`` holds the values
    the rules ruled out, each with why (the brief negates its words for it; the client asks for management
    in so many words; the client is still looking for the session). Also returns the reason to show, None
    where the learned reader was not sure.
    """
    if learned is None:
        return ruled, None
    value = learned.ranked()[0]
    sure = learned.probabilities[value]
    if sure < bank.rules.learned["stance"]:
        return ruled, None
    percent = round(100 * sure)
    shown = names[value]
    if value == ruled.value:
        return ruled, t("diagnosis.learned_agrees", lang, value=shown, percent=percent)
    if why := barred.get(value):
        return ruled, t(f"diagnosis.learned_{why}", lang, value=shown, percent=percent)
    words = learned.evidence((value,))
    said = t(
        "diagnosis.learned_read", lang, value=shown, percent=percent, briefs=learned.briefs,
        words=_quote(words), rules=names[ruled.value],
    )  # fmt: skip
    return Reading(value, percent, words, learned=True), said


def _colour_reading(
    read: Reading, scores: dict[str, float], reasons: list[str], verdict: Any, undercurrent: int,
    stages: tuple[str, ...], bank: Bank, lang: str,
) -> ColourReading:  # fmt: skip
    reading = _apply(read, verdict)
    names = {c.id: c.name(lang) for c in bank.colours}
    ids = reading.values
    described = [c.description(lang) for c in bank.colours if c.id in ids]
    if reading.read is not None:
        described.insert(0, _corrected(reading, names, lang))
    warnings = _misfits(ids, undercurrent, stages, bank, lang)
    if ids and not warnings:
        reasons = [*reasons, t("diagnosis.colour_fits", lang)]
    label = _mix_label(ids, names, lang, "diagnosis.colour_and")
    return ColourReading(ids[0] if ids else None, label, scores, (*described, *reasons), warnings, reading)


def _shown(value: Any, names: dict[str, str], lang: str) -> str:
    ids = value if isinstance(value, tuple) else (value,)
    if value == UNCLEAR:
        return t("diagnosis.unclear", lang)
    return " + ".join(names.get(i, i) for i in ids)


def _corrected(reading: Reading, names: dict[str, str], lang: str) -> str:
    if reading.corrected:
        return t(
            "diagnosis.corrected",
            lang,
            read=_shown(reading.read, names, lang),
            value=_shown(reading.value, names, lang),
        )
    return t("diagnosis.confirmed", lang)


def _apply(read: Reading, verdict: Any) -> Reading:
    """The facilitator's word over the playbook's reading; the evidence stays for everyone to see."""
    if verdict is None:
        return read
    return Reading(verdict, 100, read.evidence, read.value)


def _distinct(evidence: Iterable[Evidence], parts: dict[str, float]) -> float:
    """The weight of one side's evidence with the same words counted once: 'open' read as an open outcome
    and as openness is one word, not two pieces of evidence (each reading has weighed its own overlaps)."""
    used: set[tuple[str, int, int]] = set()
    total = 0.0
    hits = sorted((h for ev in evidence for h in ev.hits), key=lambda h: -h.cue.weight * parts[h.part])
    for h in hits:
        if (span := (h.part, h.first, h.last)) in used:
            continue
        used.add(span)
        total += h.cue.weight * parts[h.part]
    return round(total, 2)


def _stance(
    brief: BriefText, bank: Bank, verdict: str | None, lang: str, work: bool, learned: LearnedReading | None
) -> StanceReading:
    """Managing or facilitating, from what the client asks for; the context alone never decides it.

    Precision comes first: a facilitator told "facilitating" for a brief whose outcome is settled is
    misled, one told "unclear" is not. So facilitating needs the group's own work (a steering cue, or
    ``work``: the brief asks the session to produce something), enough evidence (``need``, or half of it
    beside such a request) and nothing managing asked beside it; where both are asked, managing wins when
    it is enough, otherwise the brief is unclear. Openness, expertise or an open outcome alone do not yet
    say what the group does.
    """
    parts, need = bank.rules.parts["stance"], bank.rules.need["stance"]
    asks = {p: w for p, w in parts.items() if p != "context"}
    managing = {k: brief.evidence(f"readings.stance.managing.{k}", parts) for k in MANAGING}
    claimed = claimed_by(managing.values())
    facilitating = {
        k: brief.evidence(f"readings.stance.facilitating.{k}", parts, claimed=claimed) for k in CONTRASTS
    }
    m_total = _distinct(managing.values(), parts)
    m_asked = _distinct((brief.evidence(f"readings.stance.managing.{k}", asks) for k in MANAGING), asks)
    f_total = _distinct(facilitating.values(), parts)
    m_words = tuple(w for ev in managing.values() for w in ev.words)
    f_words = tuple(w for ev in facilitating.values() for w in ev.words)
    # A decision taken before the session is a frame, not yet a request to manage, only where the group
    # truly decides within it and nothing else managing is asked: nothing sold, won, introduced, kept back.
    settled = managing["settled"].score
    steering = facilitating["control"]
    own_work = steering.score >= need or any(h.cue.text.startswith("{group}") for h in steering.hits)
    framed = 0 < settled == m_total and own_work
    # A stray managing word ("the director wants") beside plenty of the group's own work does not yet
    # say the outcome is settled; evidence enough to read managing always stands in the way.
    outweighed = m_asked < need and f_total >= OUTWEIGH * m_asked
    # "I don't know yet what should come out", "shall we have a call first?": the client is still
    # looking for the session, so only the group's work asked for in so many words reads facilitating.
    undecided = brief.evidence("readings.stance.undecided", asks).score > 0
    enough = f_total >= need or (work and f_total >= need / 2)
    if undecided:
        enough = steering.score >= 2 * need
    # A decision to hold the session, with the client still looking for it ("het MT heeft afgesproken dat
    # we er iets mee gaan doen; wat precies weet nog niemand"), settles nothing the group would work on.
    looking = undecided and settled == m_total and not work
    if m_asked >= need and not framed and not looking:
        read = Reading("managing", confidence(m_total, need, f_total), m_words)
    elif enough and (framed or outweighed) and (work or steering.score > 0):
        read = Reading("facilitating", confidence(f_total, need, m_total), f_words)
    else:
        read = Reading(UNCLEAR, 0, m_words + f_words)
    names = {s: t(f"diagnosis.{s}", lang) for s in STANCES}
    # The learned reader does not read managing where every managing word the client asks is negated;
    # nor facilitating where the rules heard management asked for in so many words (precision first, as
    # above) or where the client is still looking for the session.
    barred = {}
    if m_asked == 0 and any(ev.set_aside for ev in managing.values()):
        barred["managing"] = "negated"
    if read.value == "managing":
        barred["facilitating"] = "asked"
    elif looking:
        barred["facilitating"] = "looking"
    read, second = _second_stance(read, learned, bank, lang, names, barred)
    reading = _apply(read, verdict)
    contrasts, findings = [], []
    for c in bank.contrasts:
        m, f = managing[c.id].score, facilitating[c.id].score
        if c.id == "hierarchy":
            m += managing["settled"].score
        position = None if m + f == 0 else round((f - m) / (m + f), 2)
        contrasts.append(
            ContrastPosition(c.id, c.name(lang), c.managing(lang), c.facilitating(lang), position)
        )
        if m > 0 and m > f:
            evs = [managing[c.id], managing["settled"]] if c.id == "hierarchy" else [managing[c.id]]
            words = tuple(dict.fromkeys(w for ev in evs for w in ev.words))
            level = "warning" if any(h.part in asks for ev in evs for h in ev.hits) else "info"
            findings.append(
                StanceFinding(c.code, c.id, level, c.message(lang).format(words=_quote(words)), words)
            )
    if (proxy := managing["proxy"]).score > 0:
        findings.append(
            StanceFinding(
                bank.proxy_code,
                None,
                "warning",
                bank.proxy_message(lang).format(words=_quote(proxy.words)),
                proxy.words,
            )
        )
    if reading.value == "managing":
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
    reasons = []
    if reading.read is not None:
        reasons.append(_corrected(reading, names, lang))
    reasons.append(t(f"diagnosis.stance_{read.value}", lang))
    if second is not None:
        reasons.append(second)
    if m_words:
        reasons.append(t("diagnosis.stance_managing_words", lang, words=_quote(m_words)))
    if f_words:
        reasons.append(t("diagnosis.stance_facilitating_words", lang, words=_quote(f_words)))
    aside = [h.words for ev in managing.values() for h in ev.set_aside]
    if aside:
        reasons.append(t("diagnosis.negated", lang, words=_quote(dict.fromkeys(aside))))
    return StanceReading(tuple(contrasts), tuple(findings), reading, tuple(reasons))


def _intents(brief: BriefText, bank: Bank, verdicts: dict[str, str], lang: str) -> tuple[IntentReading, ...]:
    out = []
    for ident in intent_ids():
        rule = "tension" if ident == "tension" else "intent"
        need = bank.rules.need[rule]
        ev = brief.evidence(f"readings.intents.{ident}", bank.rules.parts[rule])
        value = "present" if ev.score >= need else "unclear" if ev.score > 0 else "absent"
        read = Reading(value, confidence(ev.score, need), ev.words)
        reading = _apply(read, verdicts.get(ident))
        aside = tuple(dict.fromkeys(h.words for h in ev.set_aside))
        reason = t(f"diagnosis.intent_{reading.value}", lang)
        if aside:
            reason += " " + t("diagnosis.negated", lang, words=_quote(aside))
        out.append(IntentReading(ident, reading, reason))
    return tuple(out)


def diagnose(session: Session, bank: Bank | None = None, lang: str | None = None) -> Profile:
    """The group's profile from a session's brief and diagnosis answers, in ``lang`` or the session's language.

    The facilitator's confirmed or corrected readings (``diagnosis.readings``) replace what the playbook
    read, so everything computed from the profile follows the facilitator's word. Unknown ids in the
    answers are ignored here (``check_diagnosis`` reports them), so a half-finished or older diagnosis
    still gives a profile.
    """
    bank = bank or default_bank()
    lang = lang if lang in LANGUAGES else session.language
    diagnosis = session.diagnosis
    verdicts = diagnosis.readings
    known = {s.id: s for s in bank.signals}
    seen = [known[s] for s in diagnosis.signals if s in known]
    dims = _score_dimensions(diagnosis, bank, lang)
    by_id = {d.id: d for d in dims}
    undercurrent, reasons = _undercurrent(dims, seen, lang)
    brief = read_session_brief(session)
    stage = _stage(diagnosis, by_id, seen, brief, bank, lang)
    if verdicts.stage is not None:
        stage = _corrected_stage(stage, verdicts.stage, bank, lang)
    intents = _intents(brief, bank, verdicts.intents, lang)
    # The group's own work, as the brief asks for it: what the session is to produce, beside tension and
    # beside people meeting each other (what a session does to people, not yet work the group does).
    work = any(
        i.id not in ("tension", "connect") and (i.reading.read or i.reading.value) == "present"
        for i in intents
    )
    learned = _learned(brief, bank)
    stance = _stance(brief, bank, verdicts.stance, lang, work, learned and learned["stance"])
    read, scores, colour_reasons = _colour(brief, bank, lang, learned)
    colour = _colour_reading(
        read, scores, colour_reasons, verdicts.colour, undercurrent, stage.stages, bank, lang
    )
    by_intent = {i.id: i for i in intents}
    return Profile(
        language=lang,
        dimensions=dims,
        stage=stage,
        themes=_themes(by_id, seen, by_intent, stance, bank, lang),
        colour=colour,
        stance=stance,
        undercurrent=undercurrent,
        undercurrent_reasons=reasons,
        intents=intents,
        brief_language=brief.language,
    )


def _corrected_stage(stage: StageEstimate, verdict: Any, bank: Bank, lang: str) -> StageEstimate:
    reading = _apply(stage.reading, verdict)
    names = {s.id: s.name(lang) for s in bank.stages}
    ids = reading.values
    label = _mix_label(ids, names, lang, "diagnosis.between") if ids else t("diagnosis.no_stage", lang)
    reasons = (_corrected(reading, names, lang), *stage.reasons)
    return StageEstimate(
        ids[0] if ids else None, label, 100 if ids else 0, reasons, stage.points, stage.curve, reading
    )


def effective_readings(session: Session, bank: Bank | None = None) -> Readings:
    """The readings of a session with the facilitator's corrections applied: the one place later steps
    (suggestions, the handout, the designer) take colour, stance, stage and intents from."""
    return diagnose(session, bank).readings


READING_KINDS = ("colour", "stance", "stage", "intent")


def reading_choices(kind: str, bank: Bank | None = None) -> tuple[str | tuple[str, ...], ...]:
    """Every value a facilitator may give a reading: for the colour each colour and each pair (a mix),
    for the stage each stage and each pair of neighbours ('between forming and storming'); 'unclear' last."""
    bank = bank or default_bank()
    if kind == "colour":
        ids = [c.id for c in bank.colours]
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
        return (*ids, *pairs, UNCLEAR)
    if kind == "stage":
        ids = [s.id for s in bank.stages]
        return (*ids, *itertools.pairwise(ids), UNCLEAR)
    if kind == "stance":
        return STANCES
    if kind == "intent":
        return INTENT_VALUES
    raise PlaybookError(message("errors.unknown_reading", kind=kind, choices=", ".join(READING_KINDS)))


def with_reading(
    diagnosis: Diagnosis, kind: str, value: str | tuple[str, ...] | None, intent: str | None = None
) -> Diagnosis:
    """The diagnosis with the facilitator's word on one reading (None: back to what the brief says)."""
    readings = diagnosis.readings
    if kind == "intent":
        if intent is None:
            raise PlaybookError(message("errors.which_intent"))
        intents = {k: v for k, v in readings.intents.items() if k != intent}
        if value is not None:
            intents[intent] = value  # type: ignore[assignment]
        readings = replace(readings, intents=intents)
    elif kind in ("colour", "stance", "stage"):
        readings = replace(readings, **{kind: value})
    else:
        raise PlaybookError(message("errors.unknown_reading", kind=kind, choices=", ".join(READING_KINDS)))
    return replace(diagnosis, readings=readings)


def reading_label(kind: str, value: str | tuple[str, ...], lang: str, bank: Bank | None = None) -> str:
    """A reading's value in words: 'Blue (plans and control)', 'between Forming and Storming', 'present'."""
    bank = bank or default_bank()
    if value == UNCLEAR:
        return t("diagnosis.unclear", lang)
    if kind in ("colour", "stage"):
        names = {x.id: x.name(lang) for x in (bank.colours if kind == "colour" else bank.stages)}
        ids = value if isinstance(value, tuple) else (value,)
        return _mix_label(
            ids, names, lang, "diagnosis.colour_and" if kind == "colour" else "diagnosis.between"
        )
    return t(f"diagnosis.{value}", lang)
