"""The catalogue of interventions (werkvormen): load, validate, filter and search, in both languages.

Content is data: each intervention is one YAML file in ``assets/catalogue`` (schema in that folder's
README). Trainers add their own folder through ``PLAYBOOK_CATALOGUE``; the code knows the fields,
never the content.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import PlaybookError, Problem
from .i18n import LANGUAGES, Text, fold
from .paths import catalogue_dir
from .schema import FieldReader, join
from .yamlio import load_yaml_file

ROLES = ("open", "diverge", "groan", "converge", "close", "energise")
"""Places in the session arc: Kaner's diamond (diverge, groan, converge) framed by open and close."""
LAYERS = ("above", "below", "both")
"""Bovenstroom (task, facts), onderstroom (feelings, norms, trust), or both."""
STAGES = ("forming", "storming", "norming", "performing", "adjourning")
SETTINGS = ("in-person", "online", "hybrid")
CONFIGURATIONS = ("solo", "pairs", "small-groups", "plenary")
ANY_SIZE = 1000
SHIPPED = "shipped"

_FIELDS = (
    "id", "name", "summary", "invitation", "role", "layer", "energy", "stages", "group_size",
    "minutes", "settings", "materials", "steps", "visible_output", "risks", "variants",
    "good_before", "good_after", "source",
)  # fmt: skip


@dataclass(frozen=True)
class SizeRange:
    min: int
    max: int


@dataclass(frozen=True)
class Minutes:
    min: int
    typical: int
    max: int


@dataclass(frozen=True)
class Step:
    minutes: int
    configuration: str
    text: Text


@dataclass(frozen=True)
class Risk:
    risk: Text
    handling: Text


@dataclass(frozen=True)
class Intervention:
    """One work form, with everything a facilitator needs to run it and the playbook to place it."""

    id: str
    name: Text
    summary: Text
    invitation: Text
    role: str
    layer: str
    energy: int
    stages: tuple[str, ...]
    group_size: SizeRange
    minutes: Minutes
    settings: tuple[str, ...]
    materials: tuple[Text, ...]
    steps: tuple[Step, ...]
    visible_output: Text
    risks: tuple[Risk, ...]
    variants: tuple[Text, ...]
    good_before: tuple[str, ...]
    good_after: tuple[str, ...]
    source: str
    origin: str = field(default=SHIPPED, compare=False)
    """``shipped`` or the user folder the file came from, so a picker can say where it came from."""

    @property
    def undercurrent(self) -> bool:
        """Works below the surface (onderstroom), alone or together with the task."""
        return self.layer in ("below", "both")

    def fits_group(self, size: int) -> bool:
        return self.group_size.min <= size <= self.group_size.max

    def step_minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    @cached_property
    def plenary_share(self) -> float:
        """Share of the time spent with the whole group together (0..1)."""
        return sum(s.minutes for s in self.steps if s.configuration == "plenary") / (self.step_minutes() or 1)

    @cached_property
    def gentle_start(self) -> bool:
        """Starts alone or in pairs, or works anonymously: people take part without being exposed."""
        anonymous = any("anonym" in s.text.en.lower() for s in self.steps)
        return anonymous or (bool(self.steps) and self.steps[0].configuration in ("solo", "pairs"))

    @cached_property
    def exposed_start(self) -> bool:
        """Asks people to speak about the undercurrent in the whole group straight away."""
        return (
            not self.gentle_start
            and self.layer == "below"
            and all(s.configuration == "plenary" for s in self.steps[:2])
        )

    def to_data(self) -> dict[str, Any]:
        """Plain data in the file's own layout (for ``--json`` and for writing a copy)."""
        return {
            "id": self.id,
            "name": self.name.to_data(),
            "summary": self.summary.to_data(),
            "invitation": self.invitation.to_data(),
            "role": self.role,
            "layer": self.layer,
            "energy": self.energy,
            "stages": list(self.stages),
            "group_size": {"min": self.group_size.min, "max": self.group_size.max},
            "minutes": {
                "min": self.minutes.min,
                "typical": self.minutes.typical,
                "max": self.minutes.max,
            },
            "settings": list(self.settings),
            "materials": [m.to_data() for m in self.materials],
            "steps": [
                {"minutes": s.minutes, "configuration": s.configuration, "text": s.text.to_data()}
                for s in self.steps
            ],
            "visible_output": self.visible_output.to_data(),
            "risks": [{"risk": r.risk.to_data(), "handling": r.handling.to_data()} for r in self.risks],
            "variants": [v.to_data() for v in self.variants],
            "good_before": list(self.good_before),
            "good_after": list(self.good_after),
            "source": self.source,
        }


def parse_intervention(data: Any, file: str | Path, origin: str = SHIPPED) -> Intervention:
    """Build one intervention from plain data, or raise one error listing every problem in it."""
    r = FieldReader(file)
    d = r.mapping(data, "", _FIELDS)
    if d is None:
        r.raise_if_any()
    assert d is not None
    expected_id = Path(file).stem if str(file).endswith((".yaml", ".yml")) else None
    ident = r.identifier(d.get("id"), "id") if "id" in d else None
    if ident and expected_id and ident != expected_id:
        r.problem("id", f"is '{ident}' but the file is named '{expected_id}'; they must be equal")

    texts = {
        k: r.bilingual(d.get(k), k) for k in ("name", "summary", "invitation", "visible_output") if k in d
    }
    role = r.choice(d.get("role"), "role", ROLES) if "role" in d else None
    layer = r.choice(d.get("layer"), "layer", LAYERS) if "layer" in d else None
    energy = r.number(d.get("energy"), "energy", low=1, high=5) if "energy" in d else None
    stages = r.choices(d.get("stages"), "stages", STAGES) if "stages" in d else None
    settings = r.choices(d.get("settings"), "settings", SETTINGS) if "settings" in d else None

    size = None
    if "group_size" in d and (g := r.mapping(d["group_size"], "group_size", ("min", "max"))):
        lo = r.number(g.get("min"), "group_size.min", low=1)
        hi = r.number(g.get("max"), "group_size.max", low=1)
        if lo is not None and hi is not None:
            if lo > hi:
                r.problem("group_size", f"min ({lo}) is larger than max ({hi})")
            else:
                size = SizeRange(lo, hi)

    minutes = None
    if "minutes" in d and (m := r.mapping(d["minutes"], "minutes", ("min", "typical", "max"))):
        vals = [r.number(m.get(k), f"minutes.{k}", low=1) for k in ("min", "typical", "max")]
        if None not in vals:
            if not vals[0] <= vals[1] <= vals[2]:  # type: ignore[operator]
                r.problem(
                    "minutes",
                    f"must satisfy min ≤ typical ≤ max, found {vals[0]}, {vals[1]}, {vals[2]}",
                )
            else:
                minutes = Minutes(*vals)  # type: ignore[arg-type]

    steps: list[Step] = []
    for i, raw in enumerate(r.items(d.get("steps"), "steps") or []):
        f = join("steps", i)
        if (s := r.mapping(raw, f, ("minutes", "configuration", "text"))) is None:
            continue
        step_min = r.number(s.get("minutes"), join(f, "minutes"), low=1)
        conf = (
            r.choice(s.get("configuration"), join(f, "configuration"), CONFIGURATIONS)
            if "configuration" in s
            else None
        )
        text = r.bilingual(s.get("text"), join(f, "text")) if "text" in s else None
        if step_min is not None and conf and text:
            steps.append(Step(step_min, conf, text))
    if "steps" in d and not d.get("steps"):
        r.problem("steps", "must list at least one step")
    if minutes and steps and len(steps) == len(d.get("steps") or []):
        total = sum(s.minutes for s in steps)
        if not minutes.min <= total <= minutes.max:
            r.problem(
                "steps",
                f"the step minutes add up to {total}, outside minutes {minutes.min}–{minutes.max}",
            )

    def text_list(key: str) -> tuple[Text, ...]:
        out = [r.bilingual(v, join(key, i)) for i, v in enumerate(r.items(d.get(key), key) or [])]
        return tuple(t for t in out if t is not None)

    risks: list[Risk] = []
    for i, raw in enumerate(r.items(d.get("risks"), "risks") or []):
        f = join("risks", i)
        if (rk := r.mapping(raw, f, ("risk", "handling"))) is None:
            continue
        risk = r.bilingual(rk.get("risk"), join(f, "risk")) if "risk" in rk else None
        handling = r.bilingual(rk.get("handling"), join(f, "handling")) if "handling" in rk else None
        if risk and handling:
            risks.append(Risk(risk, handling))
    if "risks" in d and not d.get("risks"):
        r.problem("risks", "must name at least one risk and how to handle it")

    materials, variants = text_list("materials"), text_list("variants")
    translated = [(k, v) for k, v in texts.items() if k != "name"]  # a method's name may be the same
    translated += [(join(join("steps", i), "text"), step.text) for i, step in enumerate(steps)]
    translated += [(join(join("risks", i), "handling"), risk.handling) for i, risk in enumerate(risks)]
    for field_, text in translated:
        if text is not None and text.en.strip() == text.nl.strip():
            r.problem(field_, "the Dutch is a copy of the English; write it in Dutch")
    before = r.identifiers(d.get("good_before"), "good_before")
    after = r.identifiers(d.get("good_after"), "good_after")
    source = r.text(d.get("source"), "source", allow_empty=False) if "source" in d else None
    r.raise_if_any()
    return Intervention(
        id=ident,  # type: ignore[arg-type]
        name=texts["name"],  # type: ignore[arg-type]
        summary=texts["summary"],  # type: ignore[arg-type]
        invitation=texts["invitation"],  # type: ignore[arg-type]
        role=role,  # type: ignore[arg-type]
        layer=layer,  # type: ignore[arg-type]
        energy=energy,  # type: ignore[arg-type]
        stages=stages,  # type: ignore[arg-type]
        group_size=size,  # type: ignore[arg-type]
        minutes=minutes,  # type: ignore[arg-type]
        settings=settings,  # type: ignore[arg-type]
        materials=materials,
        steps=tuple(steps),
        visible_output=texts["visible_output"],  # type: ignore[arg-type]
        risks=tuple(risks),
        variants=variants,
        good_before=before or (),
        good_after=after or (),
        source=source,  # type: ignore[arg-type]
        origin=origin,
    )


class Catalogue(Sequence[Intervention]):
    """An ordered, validated set of interventions with lookup, filters and bilingual search."""

    def __init__(self, interventions: Iterable[Intervention]) -> None:
        self._items = sorted(interventions, key=lambda i: i.id)
        self._by_id = {i.id: i for i in self._items}

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Intervention:  # type: ignore[override]
        return self._items[index]

    def __iter__(self) -> Iterator[Intervention]:
        return iter(self._items)

    def __contains__(self, item: object) -> bool:
        return (item in self._by_id) if isinstance(item, str) else item in self._items

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def get(self, ident: str) -> Intervention:
        """The intervention with this id, or an error that suggests the nearest ids."""
        try:
            return self._by_id[ident]
        except KeyError:
            near = difflib.get_close_matches(ident, self._by_id, n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else "; see `playbook catalogue list`"
            raise PlaybookError(f"unknown intervention '{ident}'{hint}") from None

    def filter(
        self,
        *,
        role: str | None = None,
        layer: str | None = None,
        setting: str | None = None,
        group_size: int | None = None,
        max_minutes: int | None = None,
        stage: str | None = None,
        origin: str | None = None,
    ) -> list[Intervention]:
        """Interventions that meet every given condition; ``layer='below'`` includes 'both'."""

        def keep(i: Intervention) -> bool:
            return (
                (role is None or i.role == role)
                and (layer is None or i.layer == layer or (layer != "both" and i.layer == "both"))
                and (setting is None or setting in i.settings)
                and (group_size is None or i.fits_group(group_size))
                and (max_minutes is None or i.minutes.min <= max_minutes)
                and (stage is None or stage in i.stages)
                and (origin is None or i.origin == origin)
            )

        return [i for i in self._items if keep(i)]

    @cached_property
    def _index(self) -> dict[str, list[tuple[str, str, Intervention]]]:
        index: dict[str, list[tuple[str, str, Intervention]]] = {lang: [] for lang in LANGUAGES}
        for item in self._items:
            for lang in LANGUAGES:
                body = [
                    item.summary(lang),
                    item.invitation(lang),
                    item.visible_output(lang),
                    item.source,
                ]
                body += [s.text(lang) for s in item.steps] + [m(lang) for m in item.materials]
                body += [v(lang) for v in item.variants]
                name = fold(f"{item.name(lang)} {item.id}")
                index[lang].append((name, f"{name} {fold(' '.join(body))}", item))
        return index

    def search(self, text: str, lang: str | None = None) -> list[Intervention]:
        """Interventions whose words contain every word of ``text``, best first.

        Matches in the name rank above matches in the description; with no ``lang`` both languages are
        searched, so a Dutch facilitator finds 'stemmen' and 'voting' alike.
        """
        words = fold(text).split()
        if not words:
            return list(self._items)
        best: dict[str, tuple[int, Intervention]] = {}
        for language in (lang,) if lang in LANGUAGES else LANGUAGES:
            for name, body, item in self._index[language]:
                if all(w in body for w in words):  # the body starts with the name
                    score = len(words) + 2 * sum(1 for w in words if w in name)
                    if score > best.get(item.id, (-1, item))[0]:
                        best[item.id] = (score, item)
        return [item for _, item in sorted(best.values(), key=lambda p: (-p[0], p[1].id))]


def user_folders() -> list[Path]:
    """Folders named by ``PLAYBOOK_CATALOGUE`` (separated by the platform's path separator)."""
    env = os.environ.get("PLAYBOOK_CATALOGUE", "")
    return [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]


def _read_folder(folder: Path, origin: str, problems: list[Problem]) -> list[Intervention]:
    if not folder.is_dir():
        problems.append(Problem(str(folder), "", "catalogue folder not found"))
        return []
    found: list[Intervention] = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or path.name.startswith("."):
            continue
        try:
            data, _ = load_yaml_file(path)
            found.append(parse_intervention(data, path, origin))
        except PlaybookError as exc:
            problems.extend(exc.problems)
    return found


def collect(folders: Sequence[tuple[Path, str]]) -> tuple[list[Intervention], list[Problem]]:
    """Read every folder (path, origin label) and check ids and references across all of them."""
    problems: list[Problem] = []
    items: list[Intervention] = []
    seen: dict[str, Intervention] = {}
    for folder, origin in folders:
        for item in _read_folder(folder, origin, problems):
            if item.id in seen:
                first = seen[item.id]
                where = "the shipped catalogue" if first.origin == SHIPPED else first.origin
                problems.append(
                    Problem(
                        str(folder / f"{item.id}.yaml"),
                        "id",
                        f"'{item.id}' is already in {where}; give your file its own name",
                    )
                )
                continue
            seen[item.id] = item
            items.append(item)
    for item in items:
        base = Path(item.origin if item.origin != SHIPPED else catalogue_dir())
        for key in ("good_before", "good_after"):
            for i, ref in enumerate(getattr(item, key)):
                if ref not in seen:
                    near = difflib.get_close_matches(ref, seen, n=1)
                    hint = f"; did you mean '{near[0]}'?" if near else ""
                    problems.append(
                        Problem(
                            str(base / f"{item.id}.yaml"),
                            join(key, i),
                            f"unknown intervention '{ref}'{hint}",
                        )
                    )
    return items, problems


COVERAGE_GOALS = {"per role": 15, "undercurrent (layer below)": 25, "online": 40, "for 50+ people": 15}
"""What a catalogue worth trusting offers at least (the validation report marks what falls short)."""


def coverage(items: Iterable[Intervention]) -> list[tuple[str, str, int, int | None]]:
    """Rows (group, label, count, goal) of how well the catalogue covers roles, layers, settings and sizes."""
    items = list(items)
    rows: list[tuple[str, str, int, int | None]] = []
    for role in ROLES:
        rows.append(("role", role, sum(i.role == role for i in items), COVERAGE_GOALS["per role"]))
    for layer in LAYERS:
        goal = COVERAGE_GOALS["undercurrent (layer below)"] if layer == "below" else None
        rows.append(("layer", layer, sum(i.layer == layer for i in items), goal))
    for setting in SETTINGS:
        goal = COVERAGE_GOALS["online"] if setting == "online" else None
        rows.append(("setting", setting, sum(setting in i.settings for i in items), goal))
    bands = (("up to 10", 1, 10), ("11-30", 11, 30), ("31-50", 31, 50), ("50+", 50, 10_000))
    for label, low, high in bands:
        goal = COVERAGE_GOALS["for 50+ people"] if label == "50+" else None
        rows.append(
            (
                "group size",
                label,
                sum(i.group_size.min <= high and i.group_size.max >= low for i in items),
                goal,
            )
        )
    return rows


def load_catalogue(extra: Iterable[str | Path] | None = None, *, shipped: bool = True) -> Catalogue:
    """The shipped catalogue merged with the user's folders (``PLAYBOOK_CATALOGUE`` when ``extra`` is None).

    Raises one :class:`PlaybookError` listing every problem in every file, so nothing half-valid is used.
    """
    folders = [(catalogue_dir(), SHIPPED)] if shipped else []
    folders += [(Path(p), str(p)) for p in (user_folders() if extra is None else extra)]
    items, problems = collect(folders)
    if problems:
        raise PlaybookError(problems)
    return Catalogue(items)


def validate(folder: str | Path | None = None) -> list[Problem]:
    """Every problem in ``folder`` (checked against the shipped ids), or in the whole default catalogue."""
    if folder is None:
        folders = [(catalogue_dir(), SHIPPED)] + [(p, str(p)) for p in user_folders()]
    elif Path(folder).resolve() == catalogue_dir().resolve():
        folders = [(catalogue_dir(), SHIPPED)]
    else:
        folders = [(catalogue_dir(), SHIPPED), (Path(folder), str(folder))]
    return collect(folders)[1]
