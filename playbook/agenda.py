"""The timed agenda: clock times, the checks an experienced facilitator makes, and the session arc.

``plan(session, catalogue)`` is computed once per change and read by every view: the timeline table, the
findings list, the arc chart, the CLI and the handout. Findings are advice with a stable code, a level
and a message that says why and what to do, in the session's language.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .calibrate import NOTABLE
from .catalogue import Catalogue, Intervention
from .diagnosis import Profile, diagnose
from .durations import SizedStep, sampling_text
from .i18n import fold, t
from .session import Block, Session
from .vocabulary import DAY_MINUTES, clock, minutes_of_day, works_below

if TYPE_CHECKING:
    from .calibrate import Estimate, History

__all__ = [
    "CODES",
    "LEVELS",
    "Arc",
    "Finding",
    "Plan",
    "TimedBlock",
    "clock",
    "compute_arc",
    "plan",
    "timeline",
]

LEVELS = ("error", "warning", "info")
CODES = (
    "over-time", "slack", "no-opening", "no-close", "no-visible-result", "converge-before-diverge",
    "no-groan-space", "long-plenary", "no-break", "energy-dip", "group-size-mismatch", "setting-mismatch",
    "undercurrent-unaddressed", "unknown-intervention",
    "block-too-short", "block-too-long", "round-too-short", "no-warm-up-before-depth", "depth-at-the-end",
    "groan-too-short", "no-harvest-time", "no-decision-rule", "no-screen-break", "plan-b-too-long",
    "plan-b-unfit", "calibrated-time", "history-over-time",
)  # fmt: skip
SLACK_SHARE = 0.10
"""More than this share of the budget unplanned is worth a remark."""
GROAN_GROUP = 12
"""From this size on, going straight from many options to a decision skips people."""
PLENARY_LIMITS = ((8, 30), (20, 20))
"""(up to this many people, longest whole-group stretch in minutes). A team of seven can talk together
for half an hour; in a larger room most people listen, and after a quarter of an hour they stop."""
LARGE_PLENARY_LIMIT = 15
NO_BREAK_LIMIT = 90
"""In person, attention fades after about an hour and a half without a pause."""
SCREEN_BREAK_LIMIT = 60
"""On screen (online, or the remote half of a hybrid session) it fades sooner: a pause every hour."""
LUNCH_MINUTES = 30
UNDERCURRENT_STRONG = 60
GROAN_FLOOR = 10
"""The least time a groan zone needs, plus a minute for every ten people in the room (up to twenty)."""
GROAN_SHARE = 0.5
"""And at least half the time spent diverging: many options take long to understand."""
HARVEST_MINUTES = 5
"""Time after the last converging block to write the result down, read it back and photograph it;
twice that from more than 30 people."""
END_ZONE = 15
"""Deep work that ends within this many minutes of the end leaves people with it open, unless a close
follows."""
CALIBRATION_NOTE = 3
"""Minutes of difference (besides ``calibrate.NOTABLE``) before a block's own history is mentioned."""

_CUSTOM_ENERGY = {
    "open": 2.5, "input": 2.0, "diverge": 3.0, "groan": 2.5, "converge": 3.0, "close": 2.0, "energise": 4.5,
}  # fmt: skip
_BREADTH = {"open": 0.2, "diverge": 1.0, "groan": 0.85, "converge": 0.15, "close": 0.05}
"""Where each role takes the breadth of options (Kaner's diamond); input, energisers and breaks hold it."""
_DEPTH = {"above": 0.15, "both": 0.5, "below": 0.9}
BREAK_ENERGY = 2.0


def plenary_limit(size: int) -> int:
    """The longest whole-group stretch that still keeps a group of ``size`` talking, not listening."""
    return next((limit for most, limit in PLENARY_LIMITS if size <= most), LARGE_PLENARY_LIMIT)


@dataclass(frozen=True)
class TimedBlock:
    """One agenda block placed in time, with what the catalogue knows about it for this group."""

    index: int
    block: Block
    start: int
    """Minutes since midnight; may pass 24:00 for a session that runs late."""
    title: str
    role: str
    """The arc role, or 'break'."""
    intervention: Intervention | None
    plan_b_titles: tuple[str, ...] = ()
    """The plan B work forms by name (their id when the catalogue does not know them)."""
    steps: tuple[SizedStep, ...] = ()
    """The work form's steps for this group, the block's minutes split over them (adding up)."""
    expected: Estimate | None = None
    """The time to expect from the facilitator's own history, when there is one."""

    @property
    def minutes(self) -> int:
        return self.block.minutes

    @property
    def end(self) -> int:
        return self.start + self.block.minutes

    @property
    def energy(self) -> float:
        if self.block.is_break:
            return BREAK_ENERGY
        if self.intervention is not None:
            return float(self.intervention.energy)
        return _CUSTOM_ENERGY.get(self.role, 3.0)

    @property
    def layer(self) -> str:
        if self.intervention is not None:
            return self.intervention.layer
        return "above"

    @property
    def expected_minutes(self) -> int:
        return self.expected.minutes if self.expected is not None else self.minutes

    def configurations(self) -> list[str]:
        """The group configuration minute by minute, from the same split of the block as its steps."""
        if self.block.is_break:
            return ["break"] * self.minutes
        if not self.steps:
            return ["plenary"] * self.minutes  # an own block is assumed to be the whole group together
        return [s.step.configuration for s in self.steps for _ in range(s.minutes)]


@dataclass(frozen=True)
class Finding:
    level: str
    code: str
    message: str
    block: int | None = None
    """Index of the agenda block it is about, if any."""
    minute: int | None = None
    """Minutes after the start where it occurs, for marking on the arc."""


@dataclass(frozen=True)
class Arc:
    """The session minute by minute: energy (1-5), breadth of options (0-1), depth (0 above .. 1 deep)."""

    start: int
    energy: tuple[float, ...]
    breadth: tuple[float, ...]
    depth: tuple[float, ...]
    zone: tuple[str, ...]
    """Per minute the role being worked in ('break' included)."""

    def __len__(self) -> int:
        return len(self.energy)


@dataclass(frozen=True)
class Plan:
    language: str
    start: int
    budget_minutes: int
    blocks: tuple[TimedBlock, ...]
    findings: tuple[Finding, ...]
    arc: Arc

    @property
    def total_minutes(self) -> int:
        return sum(b.minutes for b in self.blocks)

    @property
    def end(self) -> int:
        return self.start + self.total_minutes

    @property
    def expected_minutes(self) -> int:
        """The agenda's length at the facilitator's own pace (the planned length without a history)."""
        return sum(b.expected_minutes for b in self.blocks)

    def to_data(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "start": clock(self.start),
            "end": clock(self.end),
            "total_minutes": self.total_minutes,
            "budget_minutes": self.budget_minutes,
            "expected_minutes": self.expected_minutes,
            "blocks": [_block_data(b, self.language) for b in self.blocks],
            "findings": [
                {"level": f.level, "code": f.code, "message": f.message, "block": f.block, "minute": f.minute}
                for f in self.findings
            ],
        }


def _block_data(b: TimedBlock, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "start": clock(b.start),
        "end": clock(b.end),
        "minutes": b.minutes,
        "title": b.title,
        "role": b.role,
        "intervention": b.block.intervention,
        "plan_b": list(b.block.plan_b),
        "notes": b.block.notes,
    }
    if b.steps:
        data["steps"] = [s.to_data() for s in b.steps]
    if b.expected is not None and b.expected.calibrated:
        data["expected_minutes"] = b.expected.minutes
        data["calibration"] = {"basis": b.expected.basis, **b.expected.tally.to_data()}  # type: ignore[union-attr]
    return data


def timeline(
    session: Session, catalogue: Catalogue, lang: str, history: History | None = None
) -> tuple[TimedBlock, ...]:
    """Every block with its clock time, title, role and steps for this group; unknown ids keep their id
    as title. With a ``history``, each block also carries the time this facilitator can expect."""
    out = []
    now = minutes_of_day(session.start)
    size = session.group.size
    for i, block in enumerate(session.agenda):
        item = (
            catalogue.get(block.intervention)
            if block.intervention and block.intervention in catalogue
            else None
        )
        if block.is_break:
            title, role = block.title or t("session.break", lang), "break"
        elif block.intervention:
            title = item.name(lang) if item else block.intervention
            role = item.role if item else "open"
        else:
            title, role = block.title, block.role or "open"
        backups = tuple(catalogue.get(b).name(lang) if b in catalogue else b for b in block.plan_b)
        steps = item.steps_for(size, block.minutes) if item is not None else ()
        expected = history.estimate(block.intervention, role, block.minutes) if history else None
        out.append(TimedBlock(i, block, now, title, role, item, backups, steps, expected))
        now += block.minutes
    return tuple(out)


def compute_arc(blocks: tuple[TimedBlock, ...], start: int) -> Arc:
    """Energy, breadth and depth per minute, derived from the blocks' catalogue attributes."""
    energy: list[float] = []
    breadth: list[float] = []
    depth: list[float] = []
    zone: list[str] = []
    level = 0.1
    for b in blocks:
        n = b.minutes
        target = _BREADTH.get(b.role, level)
        for m in range(n):
            breadth.append(round(level + (target - level) * (m + 1) / n, 4))
        level = target
        energy += [b.energy] * n
        d = 0.0 if b.block.is_break else _DEPTH[b.layer]
        depth += [d] * n
        zone += [b.role] * n
    return Arc(start, tuple(energy), tuple(breadth), tuple(depth), tuple(zone))


class _Checks:
    """The facilitator's checks over one plan; each adds findings in the session's language.

    Every threshold that depends on people (a round, the plenary limit, the groan zone, the harvest)
    is taken for this group's size, and the break rhythm for its setting.
    """

    def __init__(
        self,
        session: Session,
        blocks: tuple[TimedBlock, ...],
        profile: Profile,
        lang: str,
        catalogue: Catalogue,
    ) -> None:
        self.s, self.blocks, self.profile, self.lang = session, blocks, profile, lang
        self.catalogue = catalogue
        self.size, self.setting = session.group.size, session.group.setting
        self.found: list[Finding] = []
        self.offset = minutes_of_day(session.start)
        self._rounds: dict[tuple[str, int], SizedStep | None] = {}

    def add(
        self,
        level: str,
        code: str,
        block: TimedBlock | None = None,
        minute: int | None = None,
        key: str | None = None,
        **values: Any,
    ) -> None:
        if block is not None and minute is None:
            minute = block.start - self.offset
        message = t(f"findings.{key or code}", self.lang, **values)
        self.found.append(Finding(level, code, message, block.index if block else None, minute))

    def run(self) -> list[Finding]:
        work = [b for b in self.blocks if b.role != "break"]
        for check in (
            self.unknown,
            self.time,
            self.frame,
            self.result,
            self.diamond,
            self.groan,
            self.harvest,
            self.decision,
            self.plenary,
            self.breaks,
            self.fit,
            self.durations,
            self.plan_b,
            self.depth,
            self.history,
        ):
            check(work)
        order = {level: i for i, level in enumerate(LEVELS)}
        return sorted(self.found, key=lambda f: (order[f.level], f.minute if f.minute is not None else -1))

    def unknown(self, work: list[TimedBlock]) -> None:
        for b in work:
            if b.block.intervention and b.intervention is None:
                self.add("error", "unknown-intervention", b, id=b.block.intervention)

    def time(self, work: list[TimedBlock]) -> None:
        total, budget = sum(b.minutes for b in self.blocks), self.s.budget_minutes
        if total > budget:
            self.add("error", "over-time", minute=budget, total=total, budget=budget, over=total - budget)
        elif budget - total > SLACK_SHARE * budget:
            free = budget - total
            self.add(
                "info", "slack", minute=total, free=free, budget=budget, share=round(100 * free / budget)
            )
        if self.offset + total > DAY_MINUTES:
            self.add("warning", "over-time", minute=DAY_MINUTES - self.offset, key="past-midnight")

    def frame(self, work: list[TimedBlock]) -> None:
        if not work:
            return
        if work[0].role != "open":
            self.add("warning", "no-opening", work[0], title=work[0].title)
        if work[-1].role != "close":
            self.add("warning", "no-close", work[-1], title=work[-1].title)

    def result(self, work: list[TimedBlock]) -> None:
        if not work:
            return
        wanted = self.s.brief.visible_result.strip()
        if not wanted:
            self.add("warning", "no-visible-result", minute=0, key="no-visible-result-agreed")
            return
        words = {w for w in fold(wanted).split() if len(w) >= 5}
        named = any(b.intervention is None and words & set(fold(b.title).split()) for b in work)
        if not named and not any(b.role == "converge" for b in work):
            self.add("warning", "no-visible-result", work[-1], result=wanted)

    def diamond(self, work: list[TimedBlock]) -> None:
        first_diverge = next((i for i, b in enumerate(work) if b.role == "diverge"), None)
        first_converge = next((i for i, b in enumerate(work) if b.role == "converge"), None)
        if first_converge is not None and (first_diverge is None or first_converge < first_diverge):
            self.add(
                "warning", "converge-before-diverge", work[first_converge], title=work[first_converge].title
            )
        if self.size >= GROAN_GROUP:
            steps = [b for b in work if b.role not in ("energise", "input")]
            for a, b in pairwise(steps):
                if a.role == "diverge" and b.role == "converge":
                    self.add("warning", "no-groan-space", b, size=self.size, before=a.title, after=b.title)

    def groan(self, work: list[TimedBlock]) -> None:
        """Kaner's groan zone takes time: more options and more people take longer to understand."""
        groans = [b for b in work if b.role == "groan"]
        if not groans:
            return
        last = max(b.index for b in groans)
        diverged = sum(b.minutes for b in work if b.role == "diverge" and b.index < last)
        struggled = sum(b.minutes for b in groans)
        need = max(GROAN_FLOOR + min(self.size // 10, 10), math.ceil(GROAN_SHARE * diverged))
        if struggled < need:
            self.add(
                "warning",
                "groan-too-short",
                groans[0],
                minutes=struggled,
                diverge=diverged,
                size=self.size,
                need=need,
            )

    def harvest(self, work: list[TimedBlock]) -> None:
        """After the last choice, time to write the result down, read it back and photograph it."""
        converging = [b for b in work if b.role == "converge"]
        if not converging:
            return
        last = converging[-1]
        left = sum(b.minutes for b in work if b.index > last.index)
        need = HARVEST_MINUTES * (2 if self.size > 30 else 1)
        if 0 < left < need:  # with nothing after it, no-close already asks for an ending
            self.add("warning", "no-harvest-time", last, title=last.title, left=left, need=need)

    def decision(self, work: list[TimedBlock]) -> None:
        """Converging on a decision needs a decision rule agreed beforehand (Kaner): who decides, and how."""
        if self.s.brief.decision_rule.strip():
            return
        first = next((b for b in work if b.intervention is not None and b.intervention.decides), None)
        if first is not None:
            self.add("warning", "no-decision-rule", first, title=first.title)

    def plenary(self, work: list[TimedBlock]) -> None:
        limit = plenary_limit(self.size)
        run_start, run, reported = 0, 0, False
        minute = 0
        for b in self.blocks:
            for conf in b.configurations():
                if conf == "plenary":
                    if run == 0:
                        run_start, reported = minute, False
                    run += 1
                    if run > limit and not reported:
                        block = self._block_at(run_start)
                        self.add(
                            "warning",
                            "long-plenary",
                            block,
                            minute=run_start,
                            at=clock(self.offset + run_start),
                            limit=limit,
                            size=self.size,
                        )
                        reported = True
                else:
                    run = 0
                minute += 1

    def breaks(self, work: list[TimedBlock]) -> None:
        screen = self.setting in ("online", "hybrid")
        limit, code = (SCREEN_BREAK_LIMIT, "no-screen-break") if screen else (NO_BREAK_LIMIT, "no-break")
        since, reported = 0, False
        for b in self.blocks:
            if b.role == "break":
                since, reported = 0, False
                continue
            since += b.minutes
            if since > limit and not reported:
                self.add(
                    "warning",
                    code,
                    b,
                    minute=b.end - self.offset - (since - limit),
                    limit=limit,
                    at=clock(b.end - (since - limit)),
                    setting=t(f"settings.{self.setting}", self.lang),
                )
                reported = True
        for prev, b in pairwise(self.blocks):
            lunch = prev.role == "break" and (prev.minutes >= LUNCH_MINUTES or "lunch" in prev.title.lower())
            if lunch and b.role != "break" and b.energy <= 2:
                self.add("warning", "energy-dip", b, title=b.title, energy=round(b.energy))

    def fit(self, work: list[TimedBlock]) -> None:
        for b in work:
            if b.intervention is None:
                continue
            r = b.intervention.group_size
            if not r.min <= self.size <= r.max:
                self.add(
                    "error", "group-size-mismatch", b, title=b.title, low=r.min, high=r.max, size=self.size
                )
            if self.setting not in b.intervention.settings:
                self.add(
                    "error",
                    "setting-mismatch",
                    b,
                    title=b.title,
                    setting=t(f"settings.{self.setting}", self.lang),
                )

    def durations(self, work: list[TimedBlock]) -> None:
        """Each block against its work form's own range for this many people; a round too short for
        the people in it is named as such, with the way to sample a large group."""
        for b in work:
            item = b.intervention
            if item is None or not item.fits_group(self.size):
                continue  # a form that does not fit the group is an error of its own
            scaled = item.minutes_for(self.size)
            if (step := self._short_round(b)) is not None:
                seconds = round(step.minutes * 60 / step.turns)
                how = (
                    sampling_text(step, self.lang)
                    if step.step.sampling
                    else t("findings.round-too-short-how", self.lang)
                )
                self.add(
                    "warning",
                    "round-too-short",
                    b,
                    title=b.title,
                    turns=step.turns,
                    minutes=step.minutes,
                    seconds=seconds,
                    need=scaled.min,
                    how=how,
                )
            elif b.minutes < scaled.min:
                values = dict(title=b.title, minutes=b.minutes, low=scaled.min, typical=scaled.typical)
                self.add("warning", "block-too-short", b, size=self.size, **values)
            elif b.minutes > scaled.max:
                self.add(
                    "info",
                    "block-too-long",
                    b,
                    title=b.title,
                    minutes=b.minutes,
                    high=scaled.max,
                    size=self.size,
                )

    def _short_round(self, b: TimedBlock) -> SizedStep | None:
        """A round whose share of the block gives each turn less than the form's own quickest pace."""
        item = b.intervention
        assert item is not None
        key = (item.id, b.minutes)  # the same form for the same minutes: a long agenda repeats a few
        if key not in self._rounds:
            self._rounds[key] = self._first_short_round(b, item)
        return self._rounds[key]

    def _first_short_round(self, b: TimedBlock, item: Intervention) -> SizedStep | None:
        pace = item.minutes.min / item.minutes.typical
        for step in b.steps:
            if (
                step.step.per_person
                and step.turns > 1
                and step.minutes < step.turns * step.step.per_person * pace
            ):
                return step
        return None

    def plan_b(self, work: list[TimedBlock]) -> None:
        """A plan B replaces its block in the same minutes (the live companion keeps them), so it must
        fit them and this group; otherwise the finding says by how much it differs."""
        for b in work:
            for ident in b.block.plan_b:
                if ident not in self.catalogue:
                    continue  # an unknown plan B is reported by the session check
                alt = self.catalogue.get(ident)
                name = alt.name(self.lang)
                if not alt.fits_group(self.size) or self.setting not in alt.settings:
                    self.add(
                        "warning",
                        "plan-b-unfit",
                        b,
                        title=b.title,
                        plan_b=name,
                        size=self.size,
                        setting=t(f"settings.{self.setting}", self.lang),
                    )
                    continue
                need = alt.minutes_for(self.size).min
                if need > b.minutes:
                    self.add(
                        "warning",
                        "plan-b-too-long",
                        b,
                        title=b.title,
                        plan_b=name,
                        need=need,
                        minutes=b.minutes,
                        more=need - b.minutes,
                        size=self.size,
                    )

    def depth(self, work: list[TimedBlock]) -> None:
        """Below the surface: addressed when the undercurrent is strong, warmed up to, and closed after."""
        if (
            self.profile.undercurrent >= UNDERCURRENT_STRONG
            and work
            and not any(works_below(b.layer) for b in work)
        ):
            self.add("warning", "undercurrent-unaddressed", minute=0, undercurrent=self.profile.undercurrent)
        deep = [
            b
            for b in work
            if b.intervention is not None and b.intervention.deep and b.role not in ("open", "close")
        ]
        if not deep:
            return
        first = deep[0]
        if not any(b.role == "open" for b in work if b.index < first.index):
            self.add("warning", "no-warm-up-before-depth", first, title=first.title)
        end = max(b.end for b in work)
        last = deep[-1]
        closed = any(b.role == "close" for b in work if b.index > last.index)
        if last.end > end - END_ZONE and not closed:
            self.add("warning", "depth-at-the-end", last, title=last.title, left=end - last.end)

    def history(self, work: list[TimedBlock]) -> None:
        """What this facilitator's own runs say: blocks that usually run long or short, and the total."""
        for b in self.blocks:
            e = b.expected
            if e is None or e.tally is None or e.basis != "intervention":
                continue  # a role's pace counts in the total below; a block is named for its own runs only
            if abs(e.minutes - e.planned) >= CALIBRATION_NOTE and abs(e.tally.ratio - 1) >= NOTABLE:
                note = e.note(self.lang, b.title)
                self.add("info", "calibrated-time", b, note=note, expected=e.minutes, minutes=e.planned)
        planned = sum(b.minutes for b in self.blocks)
        expected = sum(b.expected_minutes for b in self.blocks)
        budget = self.s.budget_minutes
        if planned <= budget < expected:
            self.add(
                "warning",
                "history-over-time",
                minute=budget,
                expected=expected,
                budget=budget,
                over=expected - budget,
            )

    def _block_at(self, minute: int) -> TimedBlock | None:
        """The block running at ``minute`` (a binary search: the blocks follow each other in time)."""
        i = bisect_right(self.blocks, minute, key=lambda b: b.start - self.offset) - 1
        return self.blocks[i] if i >= 0 and minute < self.blocks[i].end - self.offset else None


def plan(
    session: Session,
    catalogue: Catalogue,
    profile: Profile | None = None,
    lang: str | None = None,
    history: History | None = None,
) -> Plan:
    """Place the agenda in time for this group, check it, and compute its arc; one object for every
    view to draw. With the facilitator's ``history`` (see ``playbook.calibrate``), blocks carry the
    time to expect at their own pace, and the findings say where it differs from the plan."""
    profile = profile or diagnose(session, lang=lang)
    lang = profile.language
    blocks = timeline(session, catalogue, lang, history)
    start = minutes_of_day(session.start)
    findings = _Checks(session, blocks, profile, lang, catalogue).run()
    return Plan(lang, start, session.budget_minutes, blocks, tuple(findings), compute_arc(blocks, start))
