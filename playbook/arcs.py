"""The designer's content: arc templates, the frame around a draft, and what a wish needs, read from
``assets/design`` and checked field by field.

The code knows the fields, never the content: a new arc, a phase or another minimum is a change to the
YAML alone. A condition (``{intent: choose}``, ``{undercurrent: 60}``) is read against the session's
*effective* readings, the facilitator's corrections applied, and says in words why it holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .catalogue import ROLES
from .diagnosis import COLOURS, LOW, STANCES, Profile, default_bank, intent_ids, reading_label
from .durations import Minutes
from .i18n import LANGUAGES, Text, t
from .paths import assets_dir
from .recommend import default_intents
from .schema import FieldReader, join
from .session import Session
from .vocabulary import DAY_MINUTES, EXPOSURE, SETTINGS, STAGES
from .yamlio import load_yaml_file

CONDITION_KINDS = ("intent", "colour", "stage", "stance", "undercurrent", "theme", "low", "setting")
"""What an arc or a phase variant can ask of a session; each is read from the effective readings."""
THEME_STRONG = 50
"""A hypothesis about the undercurrent counts from this strength on (two kinds of evidence)."""
PHASE_LAYERS = ("below", "above")
"""A phase may ask for a form that works below the surface (below or both) or above it only."""


# ------------------------------------------------------------------------------------------ facts


@dataclass(frozen=True)
class Facts:
    """What the conditions are read against: one session's effective readings and group, in one language."""

    lang: str
    intents: frozenset[str]
    """The intents that hold (the facilitator's corrections applied)."""
    colours: tuple[str, ...]
    stages: tuple[str, ...]
    stance: str
    undercurrent: int
    themes: dict[str, tuple[str, int]]
    """Theme id -> (name, strength)."""
    dimensions: dict[str, tuple[str, int | None]]
    """Dimension id -> (name, score)."""
    setting: str
    size: int
    intent_reasons: dict[str, str]
    """Intent id -> why it matters, in words ('the wish asks the group to make choices')."""


def facts(session: Session, profile: Profile) -> Facts:
    readings = profile.readings
    lang = profile.language
    return Facts(
        lang=lang,
        intents=frozenset(readings.present()),
        colours=readings.colour.values,
        stages=readings.stage.values,
        stance=str(readings.stance.value),
        undercurrent=profile.undercurrent,
        themes={th.id: (th.name, th.strength) for th in profile.themes},
        dimensions={d.id: (d.name, d.score) for d in profile.dimensions},
        setting=session.group.setting,
        size=session.group.size,
        intent_reasons={i.id: i.reason(lang) for i in default_intents()},
    )


@dataclass(frozen=True)
class Condition:
    """One thing a session can show: an intent that holds, a colour, a stage, a strong undercurrent."""

    kind: str
    value: str | int
    weight: float = 1.0

    def holds(self, f: Facts) -> bool:
        if self.kind == "intent":
            return self.value in f.intents
        if self.kind == "colour":
            return self.value in f.colours
        if self.kind == "stage":
            return self.value in f.stages
        if self.kind == "stance":
            return f.stance == self.value
        if self.kind == "undercurrent":
            return f.undercurrent >= int(self.value)
        if self.kind == "theme":
            return f.themes.get(str(self.value), ("", 0))[1] >= THEME_STRONG
        if self.kind == "low":
            score = f.dimensions.get(str(self.value), ("", None))[1]
            return score is not None and score < LOW
        return f.setting == self.value

    def reason(self, f: Facts) -> str:
        """Why it holds, in words: 'trust is low (30/100)', 'the group is in the storming stage'."""
        lang, key = f.lang, f"design.because.{self.kind}"
        if self.kind == "intent":
            return f.intent_reasons.get(str(self.value), str(self.value))
        if self.kind in ("colour", "stage"):
            return t(key, lang, name=reading_label(self.kind, str(self.value), lang))
        if self.kind == "undercurrent":
            return t(key, lang, score=f.undercurrent)
        if self.kind == "theme":
            name, strength = f.themes[str(self.value)]
            return t(key, lang, name=name, strength=strength)
        if self.kind == "low":
            name, score = f.dimensions[str(self.value)]
            return t(key, lang, name=name[:1].lower() + name[1:], score=score)  # mid-sentence
        if self.kind == "setting":
            return t(key, lang, setting=t(f"settings.{self.value}", lang))
        return t(f"design.because.stance_{self.value}", lang)


# ------------------------------------------------------------------------------------------ content


@dataclass(frozen=True)
class Needs:
    """What a phase (or one of its variants) asks of a work form, on top of its role."""

    layer: str | None = None
    """'below': works below the surface (below or both); 'above': above only."""
    exposure: int | None = None
    """At most this exposing (1 little .. 3 much)."""
    gentle: bool = False
    """Starts alone, in pairs or anonymously."""
    prefer: tuple[str, ...] = ()
    """Work forms taken first when they fit, in the ranking's order (the rest follow)."""


@dataclass(frozen=True)
class Variant:
    """A phase as it reads for a session where any of ``when`` holds."""

    when: tuple[Condition, ...]
    purpose: Text
    needs: Needs


@dataclass(frozen=True)
class Phase:
    id: str
    role: str
    purpose: Text | None
    share: float = 1.0
    """Its part of the session's working time, relative to the other phases."""
    forms: int = 1
    """How many work forms it may hold when there is time."""
    key: bool = False
    """The form that gives the draft its character: an alternative swaps it."""
    optional: bool = False
    """Left out first when time is short."""
    custom: str | None = None
    """One of the designer's own blocks (``rhythm.yaml``) instead of work forms."""
    needs: Needs = Needs()
    variants: tuple[Variant, ...] = ()


@dataclass(frozen=True)
class ArcTemplate:
    id: str
    aim: str
    name: Text
    summary: Text
    source: str
    when: tuple[Condition, ...]
    phases: tuple[Phase, ...]
    covers: tuple[str, ...] = ()
    """The intents this arc works on as one piece of work; any other intent of the wish is another aim."""

    def score(self, f: Facts) -> tuple[float, tuple[Condition, ...]]:
        """How much of this session speaks for the arc, and the conditions that do."""
        held = tuple(c for c in self.when if c.holds(f))
        return sum(c.weight for c in held), held


@dataclass(frozen=True)
class CustomBlock:
    """One of the designer's own blocks: a welcome, a harvest; with a range that grows for a large room."""

    id: str
    title: Text
    minutes: Minutes
    large_from: int
    large: Minutes
    notes: Text

    def minutes_for(self, size: int) -> Minutes:
        return self.large if size > self.large_from else self.minutes


@dataclass(frozen=True)
class Rhythm:
    blocks: dict[str, CustomBlock]
    breaks: dict[str, tuple[int, Text]]
    """Setting -> (minutes, label)."""
    lunch: tuple[int, int, int, Text]
    """(from, until) as minutes of the day, the lunch's minutes, its label."""
    risky_minutes: int
    risky_exposure: int


@dataclass(frozen=True)
class Aim:
    id: str
    name: Text
    intents: tuple[str, ...]
    narrowed: Text


@dataclass(frozen=True)
class Feasibility:
    reference_people: int
    growth: float
    frame: int
    aims: tuple[Aim, ...]
    minutes: dict[str, int]
    """Intent id -> the least a credible design needs for it, for the reference group."""
    narrowed: dict[str, Text]
    """Intent id -> what can be reached in less time."""

    def aim_of(self, intent: str) -> Aim | None:
        return next((a for a in self.aims if intent in a.intents), None)


@dataclass(frozen=True)
class Ask:
    """Words of the client that ask for one work form: its name, or the thing it leaves on the wall."""

    intervention: str
    phrases: dict[str, tuple[str, ...]]
    """Language -> the phrases, as written in ``asks.yaml``."""


@dataclass(frozen=True)
class DesignContent:
    arcs: tuple[ArcTemplate, ...]
    rhythm: Rhythm
    feasibility: Feasibility
    asks: tuple[Ask, ...] = ()

    def arc(self, ident: str) -> ArcTemplate:
        return next(a for a in self.arcs if a.id == ident)


# ------------------------------------------------------------------------------------------ reading


class _Reader(FieldReader):
    """A FieldReader that knows the diagnosis ids, so a condition's typo is named with its field."""

    def __init__(self, file: Path) -> None:
        super().__init__(file)
        bank = default_bank()
        self.known = {
            "intent": intent_ids(),
            "colour": COLOURS,
            "stage": STAGES,
            "stance": STANCES,
            "theme": tuple(th.id for th in bank.themes),
            "low": tuple(d.id for d in bank.dimensions),
            "setting": SETTINGS,
        }

    def condition(self, raw: Any, f: str) -> Condition | None:
        if (d := self.mapping(raw, f, (), (*CONDITION_KINDS, "weight"))) is None:
            return None
        kinds = [k for k in CONDITION_KINDS if k in d]
        if len(kinds) != 1:
            self.problem(f, f"must name exactly one of: {', '.join(CONDITION_KINDS)}")
            return None
        kind = kinds[0]
        weight = self.number(d.get("weight", 1), join(f, "weight"), low=-10, high=10, whole=False)
        if kind == "undercurrent":
            value = self.number(d[kind], join(f, kind), low=0, high=100)
        else:
            value = self.choice(d[kind], join(f, kind), self.known[kind])
        if value is None or weight is None:
            return None
        return Condition(kind, value, float(weight))

    def conditions(self, raw: Any, f: str) -> tuple[Condition, ...]:
        found = [self.condition(c, join(f, i)) for i, c in enumerate(self.items(raw, f) or [])]
        return tuple(c for c in found if c is not None)

    def needs(self, d: dict[str, Any], f: str) -> Needs:
        layer = self.choice(d["layer"], join(f, "layer"), PHASE_LAYERS) if "layer" in d else None
        exposure = (
            self.number(d["exposure"], join(f, "exposure"), low=EXPOSURE[0], high=EXPOSURE[-1])
            if "exposure" in d
            else None
        )
        gentle = d.get("gentle", False)
        if not isinstance(gentle, bool):
            self.problem(join(f, "gentle"), f"must be true or false, found {gentle!r}")
        prefer = self.identifiers(d.get("prefer"), join(f, "prefer")) or ()
        return Needs(layer, exposure, gentle is True, prefer)

    def minutes(self, raw: Any, f: str) -> Minutes | None:
        if (m := self.mapping(raw, f, ("min", "typical", "max"))) is None:
            return None
        values = [self.number(m.get(k), join(f, k), low=1, high=600) for k in ("min", "typical", "max")]
        if None in values:
            return None
        if not values[0] <= values[1] <= values[2]:  # type: ignore[operator]
            self.problem(f, "must satisfy min ≤ typical ≤ max")
            return None
        return Minutes(*values)  # type: ignore[arg-type]


_NEEDS = ("layer", "exposure", "gentle", "prefer")
_PHASE = ("id", "role", "purpose", "share", "forms", "key", "optional", "custom", "variants", *_NEEDS)


def _phase(r: _Reader, raw: Any, f: str, customs: set[str]) -> Phase | None:
    if (d := r.mapping(raw, f, ("id", "role"), _PHASE[2:])) is None:
        return None
    ident = r.identifier(d.get("id"), join(f, "id"))
    role = r.choice(d.get("role"), join(f, "role"), ROLES)
    custom = d.get("custom")
    if custom is not None and custom not in customs:
        r.problem(
            join(f, "custom"), f"unknown block '{custom}'; rhythm.yaml names {', '.join(sorted(customs))}"
        )
    purpose = r.bilingual(d["purpose"], join(f, "purpose")) if "purpose" in d else None
    if purpose is None and custom is None:
        r.problem(join(f, "purpose"), "is missing; every phase says what it is for")
    share = r.number(d.get("share", 1), join(f, "share"), low=0, high=100, whole=False)
    forms = r.number(d.get("forms", 1), join(f, "forms"), low=1, high=6)
    flags = {}
    for flag in ("key", "optional"):
        flags[flag] = d.get(flag, False)
        if not isinstance(flags[flag], bool):
            r.problem(join(f, flag), f"must be true or false, found {flags[flag]!r}")
    variants = []
    for i, v in enumerate(r.items(d.get("variants"), join(f, "variants")) or []):
        vf = join(join(f, "variants"), i)
        if (vd := r.mapping(v, vf, ("when", "purpose"), _NEEDS)) is None:
            continue
        text = r.bilingual(vd.get("purpose"), join(vf, "purpose"))
        if text is not None:
            variants.append(Variant(r.conditions(vd.get("when"), join(vf, "when")), text, r.needs(vd, vf)))
    if None in (ident, role, share, forms):
        return None
    return Phase(
        ident,  # type: ignore[arg-type]
        role,  # type: ignore[arg-type]
        purpose,
        float(share),  # type: ignore[arg-type]
        forms,  # type: ignore[arg-type]
        flags["key"] is True,
        flags["optional"] is True,
        custom,
        r.needs(d, f),
        tuple(variants),
    )


def _arcs(path: Path, customs: set[str], aims: set[str]) -> tuple[ArcTemplate, ...]:
    data, _ = load_yaml_file(path)
    r = _Reader(path)
    out = []
    fields = ("id", "aim", "name", "summary", "source", "covers", "when", "phases")
    for i, raw in enumerate(r.items((r.mapping(data, "", ("arcs",)) or {}).get("arcs"), "arcs") or []):
        f = join("arcs", i)
        if (d := r.mapping(raw, f, fields)) is None:
            continue
        ident = r.identifier(d.get("id"), join(f, "id"))
        aim = r.choice(d.get("aim"), join(f, "aim"), sorted(aims))
        name, summary = (r.bilingual(d.get(k), join(f, k)) for k in ("name", "summary"))
        source = r.text(d.get("source"), join(f, "source"), allow_empty=False)
        phases = [
            _phase(r, p, join(join(f, "phases"), k), customs)
            for k, p in enumerate(r.items(d.get("phases"), join(f, "phases")) or [])
        ]
        if not any(p is not None and p.custom is None for p in phases):
            r.problem(join(f, "phases"), "must hold at least one phase with work forms")
        if None in (ident, aim, name, summary, source) or None in phases:
            continue
        when = r.conditions(d.get("when"), join(f, "when"))
        covers = r.choices(d.get("covers"), join(f, "covers"), intent_ids()) or ()
        out.append(ArcTemplate(ident, aim, name, summary, source, when, tuple(phases), covers))  # type: ignore[arg-type]
    if len({a.id for a in out}) != len(out):
        r.problem("arcs", "two arcs have the same id")
    r.raise_if_any()
    return tuple(out)


def _clock(r: FieldReader, value: Any, f: str) -> int | None:
    try:
        moment = dt.time.fromisoformat(str(value))
    except ValueError:
        r.problem(f, f"must be a time like 12:00, found {value!r}")
        return None
    return moment.hour * 60 + moment.minute


def _rhythm(path: Path) -> Rhythm:
    data, _ = load_yaml_file(path)
    r = _Reader(path)
    d = r.mapping(data, "", ("blocks", "breaks", "lunch", "risky")) or {}
    blocks = {}
    for key, raw in (d.get("blocks") or {}).items():
        f = join("blocks", str(key))
        if (b := r.mapping(raw, f, ("title", "minutes", "large", "notes"))) is None:
            continue
        title, notes = (
            r.bilingual(b.get("title"), join(f, "title")),
            r.bilingual(b.get("notes"), join(f, "notes")),
        )
        minutes = r.minutes(b.get("minutes"), join(f, "minutes"))
        large = r.mapping(b.get("large"), join(f, "large"), ("from", "typical", "max"))
        if large is not None and minutes is not None:
            n = [r.number(large.get(k), join(join(f, "large"), k), low=1) for k in ("from", "typical", "max")]
            big = Minutes(minutes.min, n[1], n[2]) if None not in n else None  # type: ignore[arg-type]
            if title and notes and big and n[0]:
                blocks[str(key)] = CustomBlock(str(key), title, minutes, n[0], big, notes)  # type: ignore[arg-type]
    breaks = {}
    for setting in SETTINGS:
        f = join("breaks", setting)
        if (b := r.mapping((d.get("breaks") or {}).get(setting), f, ("minutes", "title"))) is not None:
            minutes, title = (
                r.number(b.get("minutes"), join(f, "minutes"), low=1, high=120),
                r.bilingual(b.get("title"), join(f, "title")),
            )
            if minutes and title:
                breaks[setting] = (minutes, title)
    lunch = r.mapping(d.get("lunch"), "lunch", ("from", "until", "minutes", "title")) or {}
    start, until = _clock(r, lunch.get("from"), "lunch.from"), _clock(r, lunch.get("until"), "lunch.until")
    lunch_minutes = r.number(lunch.get("minutes"), "lunch.minutes", low=10, high=120)
    lunch_title = r.bilingual(lunch.get("title"), "lunch.title")
    risky = r.mapping(d.get("risky"), "risky", ("minutes", "exposure")) or {}
    risky_minutes = r.number(risky.get("minutes"), "risky.minutes", low=1)
    risky_exposure = r.number(risky.get("exposure"), "risky.exposure", low=EXPOSURE[0], high=EXPOSURE[-1])
    for needed in ("welcome", "harvest"):
        if needed not in blocks and not r.problems:
            r.problem(join("blocks", needed), "is missing; the designer opens and closes with it")
    r.raise_if_any()
    return Rhythm(
        blocks,
        breaks,
        (start, until, lunch_minutes, lunch_title),  # type: ignore[arg-type]
        risky_minutes,  # type: ignore[arg-type]
        risky_exposure,  # type: ignore[arg-type]
    )


def _feasibility(path: Path) -> Feasibility:
    data, _ = load_yaml_file(path)
    r = _Reader(path)
    d = r.mapping(data, "", ("reference_people", "growth", "frame", "aims", "intents")) or {}
    reference = r.number(d.get("reference_people"), "reference_people", low=2, high=1000)
    growth = r.number(d.get("growth"), "growth", low=0, high=2, whole=False)
    frame = r.number(d.get("frame"), "frame", low=0, high=120)
    aims = []
    for i, raw in enumerate(r.items(d.get("aims"), "aims") or []):
        f = join("aims", i)
        if (a := r.mapping(raw, f, ("id", "name", "intents", "narrowed"))) is None:
            continue
        ident = r.identifier(a.get("id"), join(f, "id"))
        name, narrowed = (
            r.bilingual(a.get("name"), join(f, "name")),
            r.bilingual(a.get("narrowed"), join(f, "narrowed")),
        )
        intents = r.choices(a.get("intents"), join(f, "intents"), intent_ids())
        if ident and name and narrowed and intents:
            aims.append(Aim(ident, name, intents, narrowed))
    minutes, narrowed_by = {}, {}
    raw_intents = r.mapping(d.get("intents"), "intents", intent_ids()) or {}
    for ident, raw in raw_intents.items():
        f = join("intents", str(ident))
        if (n := r.mapping(raw, f, ("minutes", "narrowed"))) is None:
            continue
        need = r.number(n.get("minutes"), join(f, "minutes"), low=1, high=DAY_MINUTES)
        text = r.bilingual(n.get("narrowed"), join(f, "narrowed"))
        if need and text:
            minutes[ident], narrowed_by[ident] = need, text
    claimed = [i for a in aims for i in a.intents]
    for ident in intent_ids():
        if claimed.count(ident) != 1 and aims:
            r.problem("aims", f"intent '{ident}' must belong to exactly one aim")
    r.raise_if_any()
    return Feasibility(reference, growth, frame, tuple(aims), minutes, narrowed_by)  # type: ignore[arg-type]


def _asks(path: Path) -> tuple[Ask, ...]:
    if not path.exists():  # a folder of one's own may leave it out: the draft then follows the ranking
        return ()
    data, _ = load_yaml_file(path)
    r = _Reader(path)
    d = r.mapping(data, "", ("asks",)) or {}
    found = d.get("asks") or {}
    if not isinstance(found, dict):
        r.problem("asks", "must map work-form ids to the phrases that ask for them")
        found = {}
    out = []
    for key, raw in found.items():
        f = join("asks", str(key))
        ident = r.identifier(key, f)
        if (m := r.mapping(raw, f, LANGUAGES)) is None or ident is None:
            continue
        phrases: dict[str, tuple[str, ...]] = {}
        for lang in LANGUAGES:
            values = r.items(m.get(lang), join(f, lang)) or []
            texts = [
                r.text(v, join(join(f, lang), i), allow_empty=False, max_len=80) for i, v in enumerate(values)
            ]
            phrases[lang] = tuple(v for v in texts if v)
        out.append(Ask(ident, phrases))
    r.raise_if_any()
    return tuple(out)


def load_content(folder: str | Path | None = None) -> DesignContent:
    """Read and check ``assets/design`` (or another folder laid out the same way)."""
    base = Path(folder) if folder else assets_dir() / "design"
    rhythm = _rhythm(base / "rhythm.yaml")
    feasibility = _feasibility(base / "feasibility.yaml")
    arcs = _arcs(base / "arcs.yaml", set(rhythm.blocks), {a.id for a in feasibility.aims})
    return DesignContent(arcs, rhythm, feasibility, _asks(base / "asks.yaml"))


@cache
def default_content() -> DesignContent:
    """The shipped design content, read once per process."""
    return load_content()
