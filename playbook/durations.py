"""Durations that scale with the group: a work form's time for this many people, and one split of a
block's minutes over its steps that always adds up.

A step takes a fixed part plus, where it depends on people, a part per person (a round) or per subgroup
(report-backs). A round in the whole group grows with everyone in it; a round inside pairs or small
groups grows only with the largest subgroup, because the subgroups talk at the same time. Where a round
would outgrow what a group can sit through, the step's sampling rule takes over ("a few voices") and
only ``at_most`` turns are counted. The work form's own range (``min``, ``typical``, ``max``) is given
for a reference group and moves in proportion with the steps' time for another size.

Every view (the card, the facilitator's script, the agenda's minute-by-minute configuration, the checks)
takes its numbers from here, so the steps it prints add up to the block they belong to.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .i18n import Text, t
from .vocabulary import ANY_SIZE

REFERENCE_PEOPLE = 12
"""The group a work form's minutes are written for when its file names none (clamped to its sizes)."""
PLACEHOLDER = "{groups}"
"""The one placeholder a step text may use: the subgroups of this step ("20 foursomes")."""


def half_up(value: float) -> int:
    """Round .5 up, as people do (Python's ``round`` sends 2.5 to 2)."""
    return math.floor(value + 0.5)


@dataclass(frozen=True)
class Minutes:
    """A work form's time range, for ``people`` people."""

    min: int
    typical: int
    max: int
    people: int | None = None
    """The group size the range is written for; None: the default reference group."""

    def to_data(self) -> dict[str, int]:
        data = {"min": self.min, "typical": self.typical, "max": self.max}
        return data | ({"people": self.people} if self.people is not None else {})


@dataclass(frozen=True)
class Subgroups:
    """``people`` split into subgroups: of a given size (leftovers join existing subgroups), or a given
    number of them (one per poster, per quadrant), whose size then grows with the group."""

    count: int
    size: int
    largest: int
    by_count: bool = False

    def label(self, lang: str, with_count: bool = True) -> str:
        """'20 foursomes', '1 pair', '3 groups of 6', '4 groups of 15' (without the number: 'foursomes')."""
        if self.by_count:
            return t("subgroups.groups", lang, count=self.count, size=self.largest)
        kind = str(self.size) if self.size <= 5 else "n"
        number = "one" if self.count == 1 and with_count else "many"
        noun = t(f"subgroups.{number}_{kind}", lang, size=self.size)
        return f"{self.count} {noun}" if with_count else noun


def subgroups(people: int, size: int) -> Subgroups:
    """How ``people`` divide into subgroups of ``size``, as a facilitator counts them off.

    Leftovers join existing subgroups (18 in foursomes are 4, two of them five), unless one more, smaller
    subgroup stays closer to the size: 7 in foursomes are a four and a three, not one table of seven.
    A subgroup is never one person alone.
    """
    fewer = max(1, people // size)
    more = fewer + 1
    over = math.ceil(people / fewer) - size
    under = size - people // more
    count = more if under < over and people // more >= 2 else fewer
    return Subgroups(count, size, math.ceil(people / count))


def fixed_subgroups(people: int, count: int) -> Subgroups:
    """``people`` in ``count`` subgroups (fewer when there are fewer people than subgroups)."""
    count = max(1, min(count, people))
    largest = math.ceil(people / count)
    return Subgroups(count, largest, largest, by_count=True)


@dataclass(frozen=True)
class Step:
    """One timed step of a work form: a fixed part, and the parts that grow with people or subgroups."""

    minutes: float
    """The fixed part: minutes the step takes whatever the size of the group."""
    configuration: str
    text: Text
    """The text to show without a group size: ``{groups}`` reads as the kind of subgroup ('foursomes')."""
    per_person: float = 0.0
    """Minutes per person taking a turn: everyone in plenary, the largest subgroup's members otherwise."""
    at_once: bool = False
    """The part per person is work everyone does at the same time (placing dots, moving notes): it takes
    longer in a larger group, but it is no round of turns."""
    per_group: float = 0.0
    """Minutes per subgroup reporting back (plenary steps)."""
    group_of: int | None = None
    """People per subgroup: the pairs, trios, foursomes or tables this step works or reports in."""
    groups: int | None = None
    """A fixed number of subgroups instead (one per poster or per quadrant), whatever the group's size."""
    at_most: int | None = None
    """The most turns that are still a round; beyond this the sampling rule applies."""
    sampling: str | None = None
    template: Text | None = None
    """The text with its ``{groups}`` placeholder, when it has one."""

    @property
    def scales(self) -> bool:
        return bool(self.per_person or self.per_group)

    @property
    def subgroup_size(self) -> int | None:
        return 2 if self.configuration == "pairs" else self.group_of

    def subgroups(self, people: int) -> Subgroups | None:
        """The subgroups this step works or reports in, for a group of ``people``."""
        if self.groups:
            return fixed_subgroups(people, self.groups)
        size = self.subgroup_size
        return subgroups(people, size) if size else None

    def turns(self, people: int) -> tuple[int, bool]:
        """The turns counted at this size, and whether the sampling rule cut them short."""
        if self.per_group:
            wanted = self.subgroups(people).count  # type: ignore[union-attr]  # per_group needs subgroups
        elif self.per_person:
            groups = self.subgroups(people) if self.configuration != "plenary" else None
            wanted = groups.largest if groups else people
        else:
            return 0, False
        if self.at_most is not None and wanted > self.at_most:
            return self.at_most, True
        return wanted, False

    def minutes_for(self, people: int) -> float:
        """The step's minutes for a group of ``people``, before any block is fitted to them."""
        turns, _ = self.turns(people)
        return self.minutes + (self.per_person + self.per_group) * turns

    def text_for(self, lang: str, people: int | None = None) -> str:
        """The step's text, with its subgroups counted for ``people`` when a size is given."""
        if self.template is None or people is None:
            return self.text(lang)
        groups = self.subgroups(people)
        if groups is None or groups.count == 1:
            # One subgroup is the whole group: "each of the 1 foursome" says nothing the plain text does not.
            return self.text(lang)
        return self.template(lang).replace(PLACEHOLDER, groups.label(lang))

    def to_data(self) -> dict[str, object]:
        """The step in the file's own layout."""
        text = self.template or self.text
        data: dict[str, object] = {"minutes": _number(self.minutes), "configuration": self.configuration}
        for key in ("per_person", "per_group"):
            if value := getattr(self, key):
                data[key] = _number(value)
        if self.at_once:
            data["at_once"] = True
        for key in ("group_of", "groups", "at_most", "sampling"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data | {"text": text.to_data()}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class GroupsText(Text):
    """A step text whose ``{groups}`` placeholder reads as the kind of subgroup ("foursomes"), for views
    without a group size; the words are looked up when the text is shown, not when it is loaded."""

    group_of: int | None = None
    groups: int | None = None

    def __call__(self, lang: str) -> str:
        if self.groups:
            noun = t("subgroups.groups_any", lang, count=self.groups)
        else:
            size = self.group_of or 2
            noun = Subgroups(2, size, size).label(lang, with_count=False)
        return super().__call__(lang).replace(PLACEHOLDER, noun)


def reference_people(minutes: Minutes, low: int, high: int) -> int:
    """The group a work form's minutes are written for: its own ``people``, or 12 within its sizes."""
    if minutes.people is not None:
        return minutes.people
    return min(max(REFERENCE_PEOPLE, low), high)


def steps_minutes(steps: Sequence[Step], people: int) -> float:
    return sum(step.minutes_for(people) for step in steps)


def scaled(
    minutes: Minutes, steps: Sequence[Step], people: int, reference: int, base: float | None = None
) -> Minutes:
    """The range for ``people``: the written range moved in proportion with the steps' time.

    The typical and the longest time move with every part that depends on people. The shortest time
    moves only with rounds in the whole group: a report-back can always be cut to a few voices and a
    round inside subgroups to a quicker pace, but in a round where everyone in the room speaks, every
    extra person needs at least a few seconds.
    """
    if not any(step.scales for step in steps):
        return Minutes(minutes.min, minutes.typical, minutes.max, people)
    base = steps_minutes(steps, reference) if base is None else base
    if base <= 0:
        return Minutes(minutes.min, minutes.typical, minutes.max, people)
    factor = steps_minutes(steps, people) / base
    grown = sum(
        s.minutes_for(people) - s.minutes_for(reference)
        for s in steps
        if s.per_person and s.configuration == "plenary"
    )
    shortest = max(1, half_up(minutes.min * (base + grown) / base))
    return Minutes(
        shortest, max(1, half_up(minutes.typical * factor)), max(1, half_up(minutes.max * factor)), people
    )


def split(total: int, weights: Sequence[float]) -> tuple[int, ...]:
    """``total`` whole minutes shared in proportion to ``weights``, adding up to exactly ``total``.

    Largest remainders get the spare minutes; when there are at least as many minutes as parts, every
    part gets one, so a script never prints a step of 0 minutes.
    """
    if not weights:
        return ()
    whole = sum(weights)
    shares = [w * total / whole for w in weights] if whole > 0 else [total / len(weights)] * len(weights)
    parts = [math.floor(s) for s in shares]
    spare = total - sum(parts)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in by_remainder[:spare]:
        parts[i] += 1
    if total >= len(parts):
        for i, part in enumerate(parts):
            if part == 0:  # take the minute from the largest part, which can spare it
                donor = max(range(len(parts)), key=lambda j: (parts[j], -j))
                parts[donor] -= 1
                parts[i] = 1
    return tuple(parts)


@dataclass(frozen=True)
class SizedStep:
    """One step of a block, for this group and these minutes."""

    step: Step
    minutes: int
    """Its share of the block's minutes (the shares add up to the block)."""
    need: float
    """The minutes the step's own model asks for at this size (unrounded)."""
    groups: Subgroups | None
    turns: int
    """Turns in its round or report-back, after sampling; 0 for a step without one."""
    sampled: bool
    people: int

    def text(self, lang: str) -> str:
        return self.step.text_for(lang, self.people)

    def to_data(self) -> dict[str, object]:
        data: dict[str, object] = {
            "minutes": self.minutes,
            "configuration": self.step.configuration,
            "text": {lang: self.text(lang) for lang in ("en", "nl")},
        }
        if self.groups is not None:
            data["groups"] = {
                "count": self.groups.count,
                "size": self.groups.size,
                "largest": self.groups.largest,
                "label": {lang: self.groups.label(lang) for lang in ("en", "nl")},
            }
        if self.turns:
            data["turns"] = self.turns
        if self.sampled:
            data["sampling"] = {
                "rule": self.step.sampling,
                "text": {lang: sampling_text(self, lang) for lang in ("en", "nl")},
            }
        return data


def sampling_text(step: SizedStep, lang: str) -> str:
    return t(f"sampling.{step.step.sampling}", lang, turns=step.turns, people=step.people)


def sized_steps(steps: Sequence[Step], people: int, minutes: int) -> tuple[SizedStep, ...]:
    """The steps for ``people``, with ``minutes`` split over them in proportion to what each needs."""
    people = max(1, min(people, 10 * ANY_SIZE))
    needs = [step.minutes_for(people) for step in steps]
    shares = split(minutes, needs)
    out = []
    for step, need, share in zip(steps, needs, shares, strict=True):
        turns, sampled = step.turns(people)
        turns = 0 if step.at_once else turns  # more people, more notes: no one waits for a turn
        out.append(SizedStep(step, share, need, step.subgroups(people), turns, sampled, people))
    return tuple(out)
