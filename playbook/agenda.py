"""The timed agenda: clock times, the checks an experienced facilitator makes, and the session arc.

``plan(session, catalogue)`` is computed once per change and read by every view: the timeline table, the
findings list, the arc chart, the CLI and the handout. Findings are advice with a stable code, a level
and a message that says why and what to do, in the session's language.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from .catalogue import Catalogue, Intervention
from .diagnosis import Profile, diagnose
from .i18n import fold, t
from .session import DAY_MINUTES, Block, Session

LEVELS = ("error", "warning", "info")
CODES = (
    "over-time", "slack", "no-opening", "no-close", "no-visible-result", "converge-before-diverge",
    "no-groan-space", "long-plenary", "no-break", "energy-dip", "group-size-mismatch", "setting-mismatch",
    "undercurrent-unaddressed", "unknown-intervention",
)  # fmt: skip
SLACK_SHARE = 0.10
"""More than this share of the budget unplanned is worth a remark."""
GROAN_GROUP = 12
"""From this size on, going straight from many options to a decision skips people."""
PLENARY_LIMIT = 20
NO_BREAK_LIMIT = 90
LUNCH_MINUTES = 30
UNDERCURRENT_STRONG = 60

_CUSTOM_ENERGY = {"open": 2.5, "diverge": 3.0, "groan": 2.5, "converge": 3.0, "close": 2.0, "energise": 4.5}
_BREADTH = {"open": 0.2, "diverge": 1.0, "groan": 0.85, "converge": 0.15, "close": 0.05}
"""Where each role takes the breadth of options (Kaner's diamond); energisers and breaks hold it."""
_DEPTH = {"above": 0.15, "both": 0.5, "below": 0.9}
BREAK_ENERGY = 2.0


def clock(minutes: int) -> str:
    """Minutes since midnight as HH:MM (wrapping past midnight)."""
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class TimedBlock:
    """One agenda block placed in time, with what the catalogue knows about it."""

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

    def configurations(self) -> list[str]:
        """The group configuration minute by minute: the catalogue's steps stretched to the block's length."""
        if self.block.is_break:
            return ["break"] * self.minutes
        if self.intervention is None or not self.intervention.steps:
            return ["plenary"] * self.minutes  # an own block is assumed to be the whole group together
        steps = self.intervention.steps
        total = sum(s.minutes for s in steps)
        out: list[str] = []
        done = 0.0
        for s in steps:
            done += s.minutes * self.minutes / total
            out += [s.configuration] * (round(done) - len(out))
        return out


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

    def to_data(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "start": clock(self.start),
            "end": clock(self.end),
            "total_minutes": self.total_minutes,
            "budget_minutes": self.budget_minutes,
            "blocks": [
                {
                    "start": clock(b.start),
                    "end": clock(b.end),
                    "minutes": b.minutes,
                    "title": b.title,
                    "role": b.role,
                    "intervention": b.block.intervention,
                    "plan_b": list(b.block.plan_b),
                    "notes": b.block.notes,
                }
                for b in self.blocks
            ],
            "findings": [
                {"level": f.level, "code": f.code, "message": f.message, "block": f.block, "minute": f.minute}
                for f in self.findings
            ],
        }


def timeline(session: Session, catalogue: Catalogue, lang: str) -> tuple[TimedBlock, ...]:
    """Every block with its clock time, title and role; unknown ids keep their id as title."""
    out = []
    now = session.start.hour * 60 + session.start.minute
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
        out.append(TimedBlock(i, block, now, title, role, item, backups))
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
    """The facilitator's checks over one plan; each adds findings in the session's language."""

    def __init__(self, session: Session, blocks: tuple[TimedBlock, ...], profile: Profile, lang: str) -> None:
        self.s, self.blocks, self.profile, self.lang = session, blocks, profile, lang
        self.found: list[Finding] = []
        self.offset = session.start.hour * 60 + session.start.minute

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
            self.plenary,
            self.breaks,
            self.fit,
            self.depth,
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
        if self.s.group.size >= GROAN_GROUP:
            steps = [b for b in work if b.role != "energise"]
            for a, b in pairwise(steps):
                if a.role == "diverge" and b.role == "converge":
                    self.add(
                        "warning", "no-groan-space", b, size=self.s.group.size, before=a.title, after=b.title
                    )

    def plenary(self, work: list[TimedBlock]) -> None:
        run_start, run, reported = 0, 0, False
        minute = 0
        for b in self.blocks:
            for conf in b.configurations():
                if conf == "plenary":
                    if run == 0:
                        run_start, reported = minute, False
                    run += 1
                    if run > PLENARY_LIMIT and not reported:
                        block = self._block_at(run_start)
                        self.add(
                            "warning",
                            "long-plenary",
                            block,
                            minute=run_start,
                            at=clock(self.offset + run_start),
                            limit=PLENARY_LIMIT,
                        )
                        reported = True
                else:
                    run = 0
                minute += 1

    def breaks(self, work: list[TimedBlock]) -> None:
        since, reported = 0, False
        for b in self.blocks:
            if b.role == "break":
                since, reported = 0, False
                continue
            since += b.minutes
            if since > NO_BREAK_LIMIT and not reported:
                self.add(
                    "warning",
                    "no-break",
                    b,
                    minute=b.end - self.offset - (since - NO_BREAK_LIMIT),
                    limit=NO_BREAK_LIMIT,
                    at=clock(b.end - (since - NO_BREAK_LIMIT)),
                )
                reported = True
        for prev, b in pairwise(self.blocks):
            lunch = prev.role == "break" and (prev.minutes >= LUNCH_MINUTES or "lunch" in prev.title.lower())
            if lunch and b.role != "break" and b.energy <= 2:
                self.add("warning", "energy-dip", b, title=b.title, energy=round(b.energy))

    def fit(self, work: list[TimedBlock]) -> None:
        size, setting = self.s.group.size, self.s.group.setting
        for b in work:
            if b.intervention is None:
                continue
            r = b.intervention.group_size
            if not r.min <= size <= r.max:
                self.add("error", "group-size-mismatch", b, title=b.title, low=r.min, high=r.max, size=size)
            if setting not in b.intervention.settings:
                self.add(
                    "error", "setting-mismatch", b, title=b.title, setting=t(f"settings.{setting}", self.lang)
                )

    def depth(self, work: list[TimedBlock]) -> None:
        if (
            self.profile.undercurrent >= UNDERCURRENT_STRONG
            and work
            and not any(b.layer == "below" for b in work)
        ):
            self.add("warning", "undercurrent-unaddressed", minute=0, undercurrent=self.profile.undercurrent)

    def _block_at(self, minute: int) -> TimedBlock | None:
        """The block running at ``minute`` (a binary search: the blocks follow each other in time)."""
        i = bisect_right(self.blocks, minute, key=lambda b: b.start - self.offset) - 1
        return self.blocks[i] if i >= 0 and minute < self.blocks[i].end - self.offset else None


def plan(
    session: Session, catalogue: Catalogue, profile: Profile | None = None, lang: str | None = None
) -> Plan:
    """Place the agenda in time, check it, and compute its arc; one object for every view to draw."""
    profile = profile or diagnose(session, lang=lang)
    lang = profile.language
    blocks = timeline(session, catalogue, lang)
    start = session.start.hour * 60 + session.start.minute
    findings = _Checks(session, blocks, profile, lang).run()
    return Plan(lang, start, session.budget_minutes, blocks, tuple(findings), compute_arc(blocks, start))
