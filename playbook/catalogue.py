"""The catalogue of interventions (werkvormen): load, validate, filter and search, in both languages.

Content is data: each intervention is one YAML file in ``assets/catalogue`` (schema in that folder's
README). Trainers add their own folder through ``PLAYBOOK_CATALOGUE``; the code knows the fields,
never the content.
"""

from __future__ import annotations

import difflib
import os
import pickle
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from . import durations, objectcache
from .durations import PLACEHOLDER, GroupsText, Minutes, SizedStep, Step
from .errors import PlaybookError, Problem
from .i18n import LANGUAGES, Text, fold
from .i18n import message as said
from .paths import catalogue_dir
from .schema import FieldReader, join
from .vocabulary import (
    ANY_SIZE,
    CONFIGURATIONS,
    EXPOSURE,
    LAYERS,
    ROLES,
    SAMPLING_RULES,
    SETTINGS,
    STAGES,
    layer_matches,
    works_below,
)
from .yamlio import load_yaml_file

__all__ = [
    "ANY_SIZE",
    "CONFIGURATIONS",
    "EXPOSURE",
    "LAYERS",
    "ROLES",
    "SETTINGS",
    "SHIPPED",
    "STAGES",
    "Catalogue",
    "Intervention",
    "Minutes",
    "Risk",
    "SizeRange",
    "SizedStep",
    "Step",
    "coverage",
    "house_rules",
    "load_catalogue",
    "parse_intervention",
    "user_folders",
    "validate",
]  # fmt: skip
SHIPPED = "shipped"
NO_OUTPUT_ROLES = ("energise",)
"""Roles whose work forms need leave nothing visible behind: an energiser has done its work when the
energy is back."""

_FIELDS = (
    "id", "name", "summary", "invitation", "role", "layer", "energy", "exposure", "stages",
    "group_size", "minutes", "settings", "materials", "steps", "risks", "variants",
    "good_before", "good_after", "source",
)  # fmt: skip
_STEP_OPTIONAL = ("per_person", "at_once", "per_group", "group_of", "groups", "at_most", "sampling")
_PLACEHOLDERS = re.compile(r"\{[^{}]*\}")
_TEXT_MAX = 20_000
"""The longest text the field reader accepts (its own default)."""
SCALE_CHECK_SIZES = (2, 5, 30, 100, ANY_SIZE)
"""Group sizes at which the validator checks a scaled range (together with each form's own sizes)."""


@dataclass(frozen=True)
class SizeRange:
    min: int
    max: int


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
    exposure: int
    """How personally exposing it is: 1 little, 2 some, 3 much (see ``vocabulary.EXPOSURE``)."""
    stages: tuple[str, ...]
    group_size: SizeRange
    minutes: Minutes
    """The range for its reference group; :meth:`minutes_for` gives it for another size."""
    settings: tuple[str, ...]
    materials: tuple[Text, ...]
    steps: tuple[Step, ...]
    visible_output: Text | None
    """What is on the wall when it is done; None for an energiser, which leaves only energy behind."""
    risks: tuple[Risk, ...]
    variants: tuple[Text, ...]
    good_before: tuple[str, ...]
    good_after: tuple[str, ...]
    source: str
    decides: bool = False
    """Ends in a choice that binds the group (a vote, a ranking, consent): who decides must be agreed."""
    origin: str = field(default=SHIPPED, compare=False)
    """``shipped`` or the user folder the file came from, so a picker can say where it came from."""

    @property
    def undercurrent(self) -> bool:
        """Works below the surface (onderstroom), alone or together with the task."""
        return works_below(self.layer)

    @property
    def deep(self) -> bool:
        """Heavy work below the surface: personally exposing, or wholly about the undercurrent and not
        light. What needs a warm-up before it and a close after it."""
        return self.undercurrent and (self.exposure == 3 or (self.layer == "below" and self.exposure == 2))

    def fits_group(self, size: int) -> bool:
        return self.group_size.min <= size <= self.group_size.max

    def step_minutes(self) -> float:
        """The steps' minutes for the reference group."""
        return durations.steps_minutes(self.steps, self.reference_people)

    @cached_property
    def reference_people(self) -> int:
        """The group size its ``minutes`` are written for."""
        return durations.reference_people(self.minutes, self.group_size.min, self.group_size.max)

    @cached_property
    def scales(self) -> bool:
        """Whether its time depends on the size of the group (a round, report-backs)."""
        return any(step.scales for step in self.steps)

    def minutes_for(self, people: int) -> Minutes:
        """Its range for a group of ``people``: the same as ``minutes`` unless a step scales."""
        if not self.scales:
            return self.minutes
        cache = self.__dict__.setdefault("_scaled", {})
        if people not in cache:
            cache[people] = durations.scaled(self.minutes, self.steps, people, self.reference_people)
        return cache[people]

    def steps_for(self, people: int, minutes: int | None = None) -> tuple[SizedStep, ...]:
        """The steps for ``people`` with ``minutes`` (default: the typical time) split over them."""
        total = self.minutes_for(people).typical if minutes is None else minutes
        cache = self.__dict__.setdefault("_sized", {})  # a long agenda repeats the same few forms
        if (people, total) not in cache:
            cache[people, total] = durations.sized_steps(self.steps, people, total)
        return cache[people, total]

    @cached_property
    def plenary_share(self) -> float:
        """Share of the time spent with the whole group together (0..1), for its reference group."""
        people = self.reference_people
        plenary = sum(s.minutes_for(people) for s in self.steps if s.configuration == "plenary")
        return plenary / (self.step_minutes() or 1)

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
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name.to_data(),
            "summary": self.summary.to_data(),
            "invitation": self.invitation.to_data(),
            "role": self.role,
            "layer": self.layer,
            "energy": self.energy,
            "exposure": self.exposure,
            "stages": list(self.stages),
            "group_size": {"min": self.group_size.min, "max": self.group_size.max},
            "minutes": self.minutes.to_data(),
            "settings": list(self.settings),
            "materials": [m.to_data() for m in self.materials],
            "steps": [s.to_data() for s in self.steps],
        }
        if self.visible_output is not None:
            data["visible_output"] = self.visible_output.to_data()
        return (
            data
            | {
                "risks": [{"risk": r.risk.to_data(), "handling": r.handling.to_data()} for r in self.risks],
                "variants": [v.to_data() for v in self.variants],
                "good_before": list(self.good_before),
                "good_after": list(self.good_after),
                "source": self.source,
            }
            | ({"decides": True} if self.decides else {})
        )

    def sized_data(self, people: int, minutes: int | None = None) -> dict[str, Any]:
        """Plain data for one group size: the scaled range and the steps with their minutes and
        subgroups, each step text with its counts filled in (``catalogue show ID --size N --json``)."""
        scaled = self.minutes_for(people)
        return self.to_data() | {
            "size": people,
            "scales": self.scales,
            "minutes": {"min": scaled.min, "typical": scaled.typical, "max": scaled.max},
            "steps": [s.to_data() for s in self.steps_for(people, minutes)],
        }


def parse_intervention(
    data: Any, file: str | Path, origin: str = SHIPPED, *, thorough: bool = True
) -> Intervention:
    """Build one intervention from plain data, or raise one error listing every problem in it.

    ``thorough`` also checks the scaled range at a spread of group sizes; loading the shipped catalogue
    leaves that out, because the test suite checks every shipped form at every size from 2 to 1000.
    """
    r = FieldReader(file)
    d = r.mapping(data, "", _FIELDS, ("visible_output", "decides"))
    if d is None:
        r.raise_if_any()
    assert d is not None
    expected_id = Path(file).stem if str(file).endswith((".yaml", ".yml")) else None
    ident = r.identifier(d.get("id"), "id") if "id" in d else None
    if ident and expected_id and ident != expected_id:
        r.problem("id", f"is '{ident}' but the file is named '{expected_id}'; they must be equal")

    texts = {
        k: _bilingual(r, d.get(k), k) for k in ("name", "summary", "invitation", "visible_output") if k in d
    }
    role = r.choice(d.get("role"), "role", ROLES) if "role" in d else None
    if role and role not in NO_OUTPUT_ROLES and "visible_output" not in d:
        r.problem("visible_output", "is missing; only an energiser may leave nothing visible behind")
    layer = r.choice(d.get("layer"), "layer", LAYERS) if "layer" in d else None
    energy = r.number(d.get("energy"), "energy", low=1, high=5) if "energy" in d else None
    exposure = (
        r.number(d.get("exposure"), "exposure", low=EXPOSURE[0], high=EXPOSURE[-1])
        if "exposure" in d
        else None
    )
    stages = r.choices(d.get("stages"), "stages", STAGES) if "stages" in d else None
    settings = r.choices(d.get("settings"), "settings", SETTINGS) if "settings" in d else None
    size = _read_size(r, d)
    minutes = _read_minutes(r, d, size)
    steps = [
        step
        for i, raw in enumerate(r.items(d.get("steps"), "steps") or [])
        if (step := _read_step(r, raw, join("steps", i))) is not None
    ]
    if "steps" in d and not d.get("steps"):
        r.problem("steps", "must list at least one step")
    if minutes and size and steps and len(steps) == len(d.get("steps") or []):
        _check_scaling(r, minutes, size, tuple(steps), thorough)

    risks = _read_risks(r, d)
    materials, variants = _text_list(r, d, "materials"), _text_list(r, d, "variants")
    translated = [(k, v) for k, v in texts.items() if k != "name"]  # a method's name may be the same
    translated += [(join(join("steps", i), "text"), step.text) for i, step in enumerate(steps)]
    translated += [(join(join("risks", i), "handling"), risk.handling) for i, risk in enumerate(risks)]
    for field_, text in translated:
        if text is not None and text.en.strip() == text.nl.strip():
            r.problem(field_, "the Dutch is a copy of the English; write it in Dutch")
    before = r.identifiers(d.get("good_before"), "good_before")
    after = r.identifiers(d.get("good_after"), "good_after")
    source = r.text(d.get("source"), "source", allow_empty=False) if "source" in d else None
    decides = d.get("decides", False)
    if not isinstance(decides, bool):
        r.problem("decides", f"must be true or false, found {decides!r}")
    r.raise_if_any()
    return Intervention(
        id=ident,  # type: ignore[arg-type]
        name=texts["name"],  # type: ignore[arg-type]
        summary=texts["summary"],  # type: ignore[arg-type]
        invitation=texts["invitation"],  # type: ignore[arg-type]
        role=role,  # type: ignore[arg-type]
        layer=layer,  # type: ignore[arg-type]
        energy=energy,  # type: ignore[arg-type]
        exposure=exposure,  # type: ignore[arg-type]
        stages=stages,  # type: ignore[arg-type]
        group_size=size,  # type: ignore[arg-type]
        minutes=minutes,  # type: ignore[arg-type]
        settings=settings,  # type: ignore[arg-type]
        materials=materials,
        steps=tuple(steps),
        visible_output=texts.get("visible_output"),
        risks=risks,
        variants=variants,
        good_before=before or (),
        good_after=after or (),
        source=source,  # type: ignore[arg-type]
        decides=decides,
        origin=origin,
    )


def _text_list(r: FieldReader, d: dict[str, Any], key: str) -> tuple[Text, ...]:
    out = [_bilingual(r, v, join(key, i)) for i, v in enumerate(r.items(d.get(key), key) or [])]
    return tuple(t for t in out if t is not None)


def _read_risks(r: FieldReader, d: dict[str, Any]) -> tuple[Risk, ...]:
    risks: list[Risk] = []
    for i, raw in enumerate(r.items(d.get("risks"), "risks") or []):
        f = join("risks", i)
        if (rk := r.mapping(raw, f, ("risk", "handling"))) is None:
            continue
        risk = _bilingual(r, rk.get("risk"), join(f, "risk")) if "risk" in rk else None
        handling = _bilingual(r, rk.get("handling"), join(f, "handling")) if "handling" in rk else None
        if risk and handling:
            risks.append(Risk(risk, handling))
    if "risks" in d and not d.get("risks"):
        r.problem("risks", "must name at least one risk and how to handle it")
    return tuple(risks)


def _bilingual(r: FieldReader, value: Any, field: str) -> Text | None:
    """A ``{en, nl}`` text: the common, well-formed case read at once, anything else by the field reader,
    which names what is wrong (a catalogue holds a few thousand of these)."""
    if type(value) is dict and len(value) == 2:
        en, nl = value.get("en"), value.get("nl")
        if (
            type(en) is str
            and type(nl) is str
            and en.strip()
            and nl.strip()
            and max(len(en), len(nl)) <= _TEXT_MAX
        ):
            return Text(en, nl)
    return r.bilingual(value, field)


def _read_size(r: FieldReader, d: dict[str, Any]) -> SizeRange | None:
    if "group_size" not in d or not (g := r.mapping(d["group_size"], "group_size", ("min", "max"))):
        return None
    lo = r.number(g.get("min"), "group_size.min", low=1)
    hi = r.number(g.get("max"), "group_size.max", low=1)
    if lo is None or hi is None:
        return None
    if lo > hi:
        r.problem("group_size", f"min ({lo}) is larger than max ({hi})")
        return None
    return SizeRange(lo, hi)


def _read_minutes(r: FieldReader, d: dict[str, Any], size: SizeRange | None) -> Minutes | None:
    if "minutes" not in d or not (
        m := r.mapping(d["minutes"], "minutes", ("min", "typical", "max"), ("people",))
    ):
        return None
    vals = [r.number(m.get(k), f"minutes.{k}", low=1) for k in ("min", "typical", "max")]
    people = r.number(m["people"], "minutes.people", low=1) if "people" in m else None
    if None in vals:
        return None
    if not vals[0] <= vals[1] <= vals[2]:  # type: ignore[operator]
        r.problem("minutes", f"must satisfy min ≤ typical ≤ max, found {vals[0]}, {vals[1]}, {vals[2]}")
        return None
    if people is not None and size is not None and not size.min <= people <= size.max:
        r.problem(
            "minutes.people",
            f"is {people}, outside the group sizes {size.min}–{size.max} this form works for",
        )
        return None
    return Minutes(*vals, people)  # type: ignore[arg-type]


def _read_step(r: FieldReader, raw: Any, f: str) -> Step | None:
    """One step with its duration model; the rules below keep every part meaningful for any group."""
    if (s := r.mapping(raw, f, ("minutes", "configuration", "text"), _STEP_OPTIONAL)) is None:
        return None
    fixed = r.number(s.get("minutes"), join(f, "minutes"), low=0, whole=False)
    conf = (
        r.choice(s.get("configuration"), join(f, "configuration"), CONFIGURATIONS)
        if "configuration" in s
        else None
    )
    template = _bilingual(r, s.get("text"), join(f, "text")) if "text" in s else None
    per_person = (
        r.number(s["per_person"], join(f, "per_person"), low=0, whole=False) if "per_person" in s else 0
    )
    per_group = r.number(s["per_group"], join(f, "per_group"), low=0, whole=False) if "per_group" in s else 0
    group_of = r.number(s["group_of"], join(f, "group_of"), low=2, high=ANY_SIZE) if "group_of" in s else None
    groups = r.number(s["groups"], join(f, "groups"), low=2, high=ANY_SIZE) if "groups" in s else None
    at_most = r.number(s["at_most"], join(f, "at_most"), low=1) if "at_most" in s else None
    sampling = r.choice(s["sampling"], join(f, "sampling"), SAMPLING_RULES) if "sampling" in s else None
    at_once = s.get("at_once", False)
    if not isinstance(at_once, bool):
        r.problem(join(f, "at_once"), f"must be true or false, found {at_once!r}")
        return None
    if None in (fixed, conf, template, per_person, per_group):
        return None
    assert conf is not None and template is not None and fixed is not None
    step = Step(
        minutes=float(fixed),
        configuration=conf,
        text=template,
        per_person=float(per_person),  # type: ignore[arg-type]
        at_once=at_once,
        per_group=float(per_group),  # type: ignore[arg-type]
        group_of=group_of,
        groups=groups,
        at_most=at_most,
        sampling=sampling,
    )
    broken = _step_rules(step, "group_of" in s or "groups" in s)
    for key, message in broken:
        r.problem(join(f, key), message)
    for lang in LANGUAGES:
        if "{" not in template(lang):
            continue
        for found in _PLACEHOLDERS.findall(template(lang)):
            if found != PLACEHOLDER:
                r.problem(
                    join(join(f, "text"), lang),
                    f"unknown placeholder {found}; a step text knows {PLACEHOLDER}",
                )
            elif step.subgroup_size is None and step.groups is None:
                r.problem(
                    join(join(f, "text"), lang),
                    f"uses {PLACEHOLDER} but the step has no subgroups; give it group_of",
                )
    if broken:
        return None
    if PLACEHOLDER not in template.en and PLACEHOLDER not in template.nl:
        return step
    generic = GroupsText(template.en, template.nl, step.subgroup_size, step.groups)
    return replace(step, text=generic, template=template)


def _step_rules(step: Step, has_subgroups: bool) -> list[tuple[str, str]]:
    """What is wrong with a step's duration model, as (field, message): each part must mean something."""
    conf, grouped = step.configuration, step.group_of is not None or step.groups is not None
    scales = bool(step.per_person or step.per_group)
    rules = [
        (conf == "solo" and has_subgroups, "group_of", "people working alone form no subgroups; remove it"),
        (conf == "pairs" and (step.group_of not in (None, 2) or step.groups is not None), "group_of",
         "pairs are groups of 2; remove it, or make the step small-groups"),
        (step.group_of is not None and step.groups is not None, "groups",
         "give the size of the subgroups (group_of) or their number (groups), not both"),
        (conf == "small-groups" and not grouped, "group_of",
         "is missing: how many people work in each subgroup (3 for trios, 4 for foursomes, 6–8 for tables), "
         "or give groups: the number of subgroups"),
        (conf == "solo" and bool(step.per_person), "per_person",
         "people working alone take no turns; give the step fixed minutes"),
        (bool(step.per_group) and conf != "plenary", "per_group",
         "is for report-backs in the whole group; make the step plenary"),
        (bool(step.per_group) and conf == "plenary" and not grouped, "group_of",
         "is missing: the size of the subgroups that report back"),
        (bool(step.per_person) and bool(step.per_group), "per_group",
         "a step has a part per person or per subgroup, not both; split it into two steps"),
        ((step.at_most is None) != (step.sampling is None), "sampling" if step.sampling is None else "at_most",
         "at_most and sampling go together: the most turns, and what happens beyond them"),
        (step.at_most is not None and not scales, "at_most",
         "limits a round or a report-back; give the step per_person or per_group"),
        (step.at_once and not step.per_person, "at_once", "describes the part per person; give the step per_person"),
        (step.at_once and step.at_most is not None, "at_most",
         "work done at the same time takes no turns to sample; leave out at_most and sampling, or at_once"),
        (not (step.minutes or scales), "minutes",
         "the step takes no time at all; give it fixed minutes or a part per person or per subgroup"),
    ]  # fmt: skip
    return [(key, message) for broken, key, message in rules if broken]


def _check_scaling(
    r: FieldReader, minutes: Minutes, size: SizeRange, steps: tuple[Step, ...], thorough: bool = True
) -> None:
    """The steps fit the range for the reference group, and the scaled range stays ordered: at the
    edges of the form's sizes and between them (the tests check every shipped form at every size)."""
    people = durations.reference_people(minutes, size.min, size.max)
    total = durations.steps_minutes(steps, people)
    scales = any(s.scales for s in steps)
    if not minutes.min <= durations.half_up(total) <= minutes.max:
        shown = f"{total:g}" if total == int(total) else f"{total:.1f}"
        where = f" for {people} people" if scales else ""
        r.problem(
            "steps", f"the step minutes add up to {shown}{where}, outside minutes {minutes.min}–{minutes.max}"
        )
        return
    if not (scales and thorough):
        return
    for n in sorted({*SCALE_CHECK_SIZES, size.min, size.max, people}):
        scaled = durations.scaled(minutes, steps, n, people, base=total)
        if not 1 <= scaled.min <= scaled.typical <= scaled.max:
            r.problem(
                "minutes",
                f"for {n} people the range becomes {scaled.min}–{scaled.max} with typical {scaled.typical}; "
                "check the parts per person and per subgroup",
            )
            return


class Catalogue(Sequence[Intervention]):
    """An ordered, validated set of interventions with lookup, filters and bilingual search."""

    def __init__(self, interventions: Iterable[Intervention | KeptForm]) -> None:
        self._by_id: dict[str, Intervention | KeptForm] = {
            i.id: i for i in sorted(interventions, key=lambda i: i.id)
        }

    @cached_property
    def _items(self) -> list[Intervention]:
        """Every work form, in order of id: a form kept in the object cache is unpickled here, or on
        :meth:`get`, so a command that looks up a few forms unpickles only those."""
        return [self.get(ident) for ident in self._by_id]

    def __len__(self) -> int:
        return len(self._by_id)

    def __getitem__(self, index: int) -> Intervention:  # type: ignore[override]
        return self._items[index]

    def __iter__(self) -> Iterator[Intervention]:
        return iter(self._items)

    def __contains__(self, item: object) -> bool:
        return (item in self._by_id) if isinstance(item, str) else item in self._items

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def get(self, ident: str, lang: str | None = None) -> Intervention:
        """The intervention with this id, or an error (in ``lang``) that suggests the nearest ids."""
        try:
            item = self._by_id[ident]
        except KeyError:
            near = difflib.get_close_matches(ident, self._by_id, n=3)
            hint = (
                said("errors.did_you_mean_ids", lang, near=", ".join(near))
                if near
                else said("errors.see_catalogue", lang)
            )
            raise PlaybookError(said("errors.unknown_intervention", lang, id=ident, hint=hint)) from None
        if type(item) is KeptForm:
            item = self._by_id[ident] = item.load()
        return item  # type: ignore[return-value]

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
        """Interventions that meet every given condition; ``layer='below'`` includes 'both'.

        ``max_minutes`` compares with the shortest time a form needs, for ``group_size`` when given.
        """

        def keep(i: Intervention) -> bool:
            shortest = i.minutes_for(group_size).min if group_size else i.minutes.min
            return (
                (role is None or i.role == role)
                and layer_matches(i.layer, layer)
                and (setting is None or setting in i.settings)
                and (group_size is None or i.fits_group(group_size))
                and (max_minutes is None or shortest <= max_minutes)
                and (stage is None or stage in i.stages)
                and (origin is None or i.origin == origin)
            )

        return [i for i in self._items if keep(i)]

    @cached_property
    def _index(self) -> dict[str, list[tuple[str, str, Intervention]]]:
        index: dict[str, list[tuple[str, str, Intervention]]] = {lang: [] for lang in LANGUAGES}
        for item in self._items:
            for lang in LANGUAGES:
                body = [item.summary(lang), item.invitation(lang), item.source]
                body += [item.visible_output(lang)] if item.visible_output else []
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


_LOADED: dict[tuple[Path, str], tuple[tuple[int, int], Intervention | KeptForm]] = {}
"""Each file of the last load, by modification time and size: a kernel that builds several views (each
loading the catalogue) reads and checks every file once, and again only when it changed."""


def _read_folder(
    folder: Path,
    origin: str,
    problems: list[Problem],
    *,
    thorough: bool,
    remember: set[tuple[Path, str]] | None,
) -> list[Intervention]:
    """The work forms in one folder; with ``remember`` (the keys read in this load), unchanged files come
    from the last load. The shipped folder, read without the thorough checks, comes whole from the
    object cache while no file in it changed (see ``playbook.objectcache``)."""
    if not folder.is_dir():
        problems.append(Problem(str(folder), "", said("errors.catalogue_folder")))
        return []
    paths = [
        path
        for path in sorted(folder.iterdir())
        if path.suffix in (".yaml", ".yml") and not path.name.startswith(".")
    ]
    kept = origin == SHIPPED and not thorough
    if kept and (found := _kept_folder(folder, paths, remember)) is not None:
        return found
    found, stamps, before = [], [], len(problems)
    for path in paths:
        try:
            info = path.stat()
            stamps.append((path.name, info))
            stamp, key = (info.st_mtime_ns, info.st_size), (path, origin)
            known = _LOADED.get(key) if remember is not None else None
            if known is not None and known[0] == stamp:
                remember.add(key)  # type: ignore[union-attr]
                found.append(known[1])
                continue
            data, _ = load_yaml_file(path)
            item = parse_intervention(data, path, origin, thorough=thorough)
            if remember is not None:
                _LOADED[key] = (stamp, item)
                remember.add(key)
            found.append(item)
        except PlaybookError as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem(str(path), "", said("errors.cannot_read", reason=exc.strerror)))
    if kept and len(problems) == before:
        objectcache.keep(_entry_name(folder), _folder_key(stamps), [KeptForm.of(i) for i in found], stamps)
    return found


class KeptForm:
    """A shipped work form as the object cache keeps it: its id and references, which loading the
    catalogue checks, and the form itself pickled on its own, unpickled the first time it is used.

    Unpickling all 200 forms costs a command more than anything else it does with the catalogue, and
    planning an agenda looks up only the forms in it. Should a form's own bytes fail to unpickle (an
    entry damaged inside), it is read from its file as if nothing had been kept.
    """

    __slots__ = ("_form", "_path", "good_after", "good_before", "id", "pickled")
    origin = SHIPPED

    def __init__(
        self, ident: str, good_before: tuple[str, ...], good_after: tuple[str, ...], pickled: bytes
    ) -> None:
        self.id, self.good_before, self.good_after, self.pickled = ident, good_before, good_after, pickled
        self._form: Intervention | None = None
        self._path: Path | None = None

    @classmethod
    def of(cls, item: Intervention | KeptForm) -> KeptForm:
        if type(item) is KeptForm:
            return item
        return cls(item.id, item.good_before, item.good_after, pickle.dumps(item, pickle.HIGHEST_PROTOCOL))

    def __reduce__(self) -> tuple[Any, ...]:
        return (KeptForm, (self.id, self.good_before, self.good_after, self.pickled))

    def load(self) -> Intervention:
        """The work form (unpickled once, and shared by every catalogue of this process)."""
        if self._form is None:
            try:
                form = pickle.loads(self.pickled)
            except Exception:  # damaged inside: its file says what it is
                form = None
            if type(form) is not Intervention or form.id != self.id or form.origin != SHIPPED:
                path = self._path or catalogue_dir() / f"{self.id}.yaml"
                form = parse_intervention(load_yaml_file(path)[0], path, SHIPPED, thorough=False)
            self._form = form
        return self._form


def _entry_name(folder: Path) -> str:
    return f"catalogue-{objectcache.place_name(folder)}"


def _folder_key(stamps: list[objectcache.Stamp]) -> str:
    """The object cache's key for a folder: this code and every file in it, as it is on disk."""
    return objectcache.make_key(objectcache.code_version(), stamps)


def _kept_folder(
    folder: Path, paths: list[Path], remember: set[tuple[Path, str]] | None
) -> list[Intervention | KeptForm] | None:
    """The shipped work forms without reading a file, if this process or the object cache has them all
    as they are on disk now; None otherwise (a file is new, changed, gone or unreadable)."""
    try:
        infos = [path.stat() for path in paths]
    except OSError:
        return None  # the reading loop reports it, file by file
    if remember is not None:
        known = [_LOADED.get((path, SHIPPED)) for path in paths]
        if all(
            k is not None and k[0] == (i.st_mtime_ns, i.st_size) for k, i in zip(known, infos, strict=True)
        ):
            remember.update((path, SHIPPED) for path in paths)
            return [k[1] for k in known]  # type: ignore[index]
    stamps = [(path.name, info) for path, info in zip(paths, infos, strict=True)]
    items = objectcache.recall(_entry_name(folder), _folder_key(stamps), _work_forms_of(paths))
    if items is None:
        return None
    for path, item in zip(paths, items, strict=True):
        item._path = path
    if remember is not None:
        for path, info, item in zip(paths, infos, items, strict=True):
            _LOADED[path, SHIPPED] = ((info.st_mtime_ns, info.st_size), item)
            remember.add((path, SHIPPED))
    return items


def _work_forms_of(paths: list[Path]) -> Callable[[Any], bool]:
    """Accepts a kept entry only as one shipped work form per file, each named as its file."""
    ids = [path.stem for path in paths]

    def check(value: Any) -> bool:
        return (
            type(value) is list
            and len(value) == len(ids)
            and all(
                type(i) is KeptForm
                and i.id == n
                and type(i.pickled) is bytes
                and all(
                    type(refs) is tuple and all(type(r) is str for r in refs)
                    for refs in (i.good_before, i.good_after)
                )
                for i, n in zip(value, ids, strict=True)
            )
        )

    return check


def collect(
    folders: Sequence[tuple[Path, str]], *, thorough: bool = True, remember: bool = False
) -> tuple[list[Intervention], list[Problem]]:
    """Read every folder (path, origin label) and check ids and references across all of them.

    ``thorough`` checks every form's scaled range (the shipped folder is checked so by the tests, and
    left out on a normal load); ``remember`` reuses files already read in this process when unchanged.
    """
    problems: list[Problem] = []
    items: list[Intervention] = []
    seen: dict[str, Intervention] = {}
    read: set[tuple[Path, str]] | None = set() if remember else None
    for folder, origin in folders:
        deep = thorough or origin != SHIPPED
        for item in _read_folder(folder, origin, problems, thorough=deep, remember=read):
            if item.id in seen:
                first = seen[item.id]
                where = said("errors.shipped_catalogue") if first.origin == SHIPPED else first.origin
                problems.append(
                    Problem(
                        str(folder / f"{item.id}.yaml"),
                        "id",
                        said("errors.id_taken", id=item.id, where=where),
                    )
                )
                continue
            seen[item.id] = item
            items.append(item)
    for item in items:
        for key in ("good_before", "good_after"):
            for i, ref in enumerate(getattr(item, key)):
                if ref not in seen:
                    base = Path(item.origin if item.origin != SHIPPED else catalogue_dir())
                    near = difflib.get_close_matches(ref, seen, n=1)
                    hint = said("edit.did_you_mean", hint=near[0]) if near else ""
                    problems.append(
                        Problem(
                            str(base / f"{item.id}.yaml"),
                            join(key, i),
                            said("errors.unknown_intervention", id=ref, hint=hint),
                        )
                    )
    if read is not None:  # keep only what this load read: folders no longer used are let go
        for stale in _LOADED.keys() - read:
            del _LOADED[stale]
    return items, problems


COVERAGE_GOALS = {"per role": 15, "undercurrent (layer below)": 25, "online": 40, "for 50+ people": 15}
"""What a catalogue worth trusting offers at least (the validation report marks what falls short)."""
ROLE_GOALS = {"input": 4}
"""Roles with a goal of their own: a facilitator needs only a few ways of giving input."""


def coverage(items: Iterable[Intervention]) -> list[tuple[str, str, int, int | None]]:
    """Rows (group, label, count, goal) of how well the catalogue covers roles, layers, exposure,
    settings and sizes, and how many work forms take their time from the size of the group."""
    items = list(items)
    rows: list[tuple[str, str, int, int | None]] = []
    for role in ROLES:
        goal = ROLE_GOALS.get(role, COVERAGE_GOALS["per role"])
        rows.append(("role", role, sum(i.role == role for i in items), goal))
    for layer in LAYERS:
        goal = COVERAGE_GOALS["undercurrent (layer below)"] if layer == "below" else None
        rows.append(("layer", layer, sum(i.layer == layer for i in items), goal))
    for level in EXPOSURE:
        rows.append(("exposure", str(level), sum(i.exposure == level for i in items), None))
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
    scaling = sum(i.scales for i in items)
    rows.append(("time", "scales with size", scaling, None))
    rows.append(("time", "fixed", len(items) - scaling, None))
    return rows


def load_catalogue(extra: Iterable[str | Path] | None = None, *, shipped: bool = True) -> Catalogue:
    """The shipped catalogue merged with the user's folders (``PLAYBOOK_CATALOGUE`` when ``extra`` is None).

    Raises one :class:`PlaybookError` listing every problem in every file, so nothing half-valid is used.
    """
    folders = [(catalogue_dir(), SHIPPED)] if shipped else []
    folders += [(Path(p), str(p)) for p in (user_folders() if extra is None else extra)]
    items, problems = collect(folders, thorough=False, remember=True)
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
    items, problems = collect(folders)
    return problems + house_rules(i for i in items if i.origin == SHIPPED)


def house_rules(items: Iterable[Intervention]) -> list[Problem]:
    """What the shipped catalogue promises beyond the schema: every entry cites a source a reader can
    look up (``sources``), and its words follow the house style (``assets/style.yaml``). A user's own
    folder is held to the schema only."""
    from .sources import source_problem  # the house rules are checked by `validate` only
    from .style import check_files

    items = list(items)
    problems = [
        Problem(str(catalogue_dir() / f"{i.id}.yaml"), "source", message)
        for i in items
        if (message := source_problem(i.source))
    ]
    return problems + check_files(catalogue_dir() / f"{i.id}.yaml" for i in items)
