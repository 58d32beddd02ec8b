"""The facilitator's own history: how long their blocks really took, and what that means for a plan.

Every session run with the live companion keeps the plan as it stood at the start (``run.planned``) and
a start and a finish for every block that ran. Read over a workspace, those runs show per work form and
per arc role how this facilitator's actual time compares with the plan: the median ratio and the number
of runs. From three runs on, plans (and anything that drafts an agenda) use the calibrated time and say
so ("your check-in rounds ran 30 % over in 4 sessions"); fewer runs change nothing.
"""

from __future__ import annotations

import difflib
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .durations import half_up
from .errors import PlaybookError, Problem
from .i18n import message, t
from .session import Block, Session, SessionFile
from .vocabulary import SESSION_SUFFIX

if TYPE_CHECKING:
    from .catalogue import Catalogue, Intervention

MIN_RUNS = 3
"""Runs of a work form (or a role) before its calibrated time is used; fewer are an anecdote."""
NOTABLE = 0.10
"""A median ratio further than this from 1 is worth telling the facilitator."""


@dataclass(frozen=True)
class BlockRun:
    """One block as it ran: the minutes planned for it when the run began, and the minutes it took."""

    file: str
    intervention: str | None
    role: str
    planned: int
    actual: float

    @property
    def ratio(self) -> float:
        return self.actual / self.planned


@dataclass(frozen=True)
class Tally:
    """The runs of one work form or one role: how many, in how many sessions, and the median ratio."""

    key: str
    runs: int
    sessions: int
    ratio: float
    """Median of actual / planned minutes (1.3: thirty per cent over)."""
    planned: float
    actual: float

    @property
    def usable(self) -> bool:
        return self.runs >= MIN_RUNS

    @property
    def percent(self) -> int:
        """How far off, in whole per cent (positive: over the plan)."""
        return round((self.ratio - 1) * 100)

    def to_data(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "sessions": self.sessions,
            "median_ratio": round(self.ratio, 3),
            "median_planned_minutes": self.planned,
            "median_actual_minutes": round(self.actual, 1),
            "used_in_plans": self.usable,
        }


@dataclass(frozen=True)
class Estimate:
    """The time to expect for a block, from this facilitator's history (or the plan, without one)."""

    minutes: int
    planned: int
    tally: Tally | None = None
    basis: str | None = None
    """'intervention' or 'role': which runs the estimate comes from; None when nothing is calibrated."""

    @property
    def calibrated(self) -> bool:
        return self.tally is not None

    def note(self, lang: str, title: str) -> str:
        """'Your “Check-in Round” blocks ran 30 % over in 4 sessions ...', in the session's language."""
        if self.tally is None:
            return ""
        tally = self.tally
        direction = "over" if tally.ratio >= 1 else "under"
        what = title if self.basis == "intervention" else t(f"roles.{tally.key}", lang)
        return t(
            f"calibrate.{self.basis}_{direction}",
            lang,
            what=what,
            percent=abs(tally.percent),
            runs=tally.runs,
            sessions=tally.sessions,
        )


@dataclass(frozen=True)
class History:
    """Everything the runs in a workspace say about this facilitator's timing."""

    runs: tuple[BlockRun, ...] = ()
    interventions: dict[str, Tally] = field(default_factory=dict)
    roles: dict[str, Tally] = field(default_factory=dict)
    sessions: int = 0
    """Session files with at least one block that ran."""
    skipped: tuple[Problem, ...] = ()
    """Files that could not be read, each with its reason; they are left out, not fatal."""

    @classmethod
    def of(cls, runs: Iterable[BlockRun], skipped: Sequence[Problem] = ()) -> History:
        """The history these block runs make: a tally per work form and per role."""
        runs = tuple(runs)
        sessions = len({r.file for r in runs})
        return cls(runs, _tallies(runs, "intervention"), _tallies(runs, "role"), sessions, tuple(skipped))

    def tally(self, intervention: str | None, role: str) -> tuple[Tally | None, str | None]:
        """The usable runs for a block: its own work form's first, else its role's."""
        own = self.interventions.get(intervention) if intervention else None
        if own is not None and own.usable:
            return own, "intervention"
        by_role = self.roles.get(role)
        if by_role is not None and by_role.usable:
            return by_role, "role"
        return None, None

    def estimate(self, intervention: str | None, role: str, minutes: int) -> Estimate:
        """What ``minutes`` planned for such a block become at this facilitator's pace."""
        tally, basis = self.tally(intervention, role)
        if tally is None:
            return Estimate(minutes, minutes)
        return Estimate(max(1, half_up(minutes * tally.ratio)), minutes, tally, basis)

    def to_data(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "runs": len(self.runs),
            "min_runs": MIN_RUNS,
            "interventions": {k: v.to_data() for k, v in sorted(self.interventions.items())},
            "roles": {k: v.to_data() for k, v in sorted(self.roles.items())},
            "skipped": [str(p) for p in self.skipped],
        }


def _key(block: Block) -> tuple[str, str]:
    if block.is_break:
        return ("break", "")
    if block.intervention:
        return ("intervention", block.intervention)
    return ("custom", f"{block.role}:{block.title}")


def block_runs(session: Session, catalogue: Catalogue, file: str = "") -> list[BlockRun]:
    """The blocks of one session that ran from start to finish, each against the minutes planned for it.

    The agenda may have changed during the run (swapped, cut, inserted, resized): a block is matched to
    the plan by what it is, in order, so a resized block keeps its planned minutes, while a swapped or
    inserted block has no plan to compare with and is left out.
    """
    run = session.run
    planned = run.planned or session.agenda
    started: dict[int, Any] = {}
    finished: dict[int, Any] = {}
    for e in run.events:
        if e.block is None:
            continue
        if e.kind == "start":
            started[e.block] = e.at
            finished.pop(e.block, None)
        elif e.kind == "finish":
            finished[e.block] = e.at
    matcher = difflib.SequenceMatcher(
        None, [_key(b) for b in planned], [_key(b) for b in session.agenda], autojunk=False
    )
    plan_of: dict[int, Block] = {}
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            plan_of[b + k] = planned[a + k]
    out = []
    for i, block in enumerate(session.agenda):
        if i not in started or i not in finished or i not in plan_of:
            continue
        actual = (finished[i] - started[i]).total_seconds() / 60
        if actual <= 0:
            continue
        role = "break" if block.is_break else block.role or "open"
        if block.intervention:
            if block.intervention not in catalogue:
                continue
            role = catalogue.get(block.intervention).role
        out.append(BlockRun(file, block.intervention, role, plan_of[i].minutes, actual))
    return out


def _tallies(runs: Sequence[BlockRun], key: str) -> dict[str, Tally]:
    groups: dict[str, list[BlockRun]] = {}
    for r in runs:
        name = getattr(r, key)
        if name:
            groups.setdefault(name, []).append(r)
    return {
        name: Tally(
            name,
            len(items),
            len({r.file for r in items}),
            statistics.median(r.ratio for r in items),
            statistics.median(r.planned for r in items),
            statistics.median(r.actual for r in items),
        )
        for name, items in groups.items()
    }


def from_sessions(
    sessions: Iterable[tuple[str, Session]], catalogue: Catalogue, skipped: Sequence[Problem] = ()
) -> History:
    """The history of these (file, session) pairs."""
    runs: list[BlockRun] = []
    for file, session in sessions:
        runs += block_runs(session, catalogue, file)
    return History.of(runs, skipped)


def session_files(folder: Path) -> list[Path]:
    """The session documents in a workspace and its sub-folders (backups and hidden folders left out)."""
    return sorted(
        p
        for p in folder.rglob(f"*{SESSION_SUFFIX}")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


_READ: dict[Path, tuple[tuple[int, int], Session | Problem]] = {}
"""Each session file as last read, by its modification time and size: a notebook that replans on every
edit re-reads only the file that changed (usually the one being edited), not the whole workspace."""


def _read(path: Path) -> Session | Problem:
    info = path.stat()
    stamp = (info.st_mtime_ns, info.st_size)
    known = _READ.get(path)
    if known is None or known[0] != stamp:
        try:
            found: Session | Problem = SessionFile.open(path).session
        except PlaybookError as exc:
            found = exc.problems[0]
        _READ[path] = known = (stamp, found)
    return known[1]


def history(folder: str | Path, catalogue: Catalogue, known: Mapping[Path, Session] | None = None) -> History:
    """The history of every session run in ``folder`` and its sub-folders; a file that cannot be read
    is left out and named in ``skipped``. ``known`` are sessions already in memory by their file (the one
    a notebook is editing): taken as they are, not read again after every save."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise PlaybookError.at(root, "", message("errors.not_a_workspace"))
    held = {Path(p).resolve(): s for p, s in (known or {}).items()}
    sessions, skipped = [], []
    for path in session_files(root):
        found = held.get(path.resolve()) if held else None
        found = _read(path) if found is None else found
        if isinstance(found, Problem):
            skipped.append(found)
        elif found.run.started:
            sessions.append((str(path), found))
    return from_sessions(sessions, catalogue, skipped)


def calibrated_minutes(
    history: History | None, item: Intervention, size: int, minutes: int | None = None
) -> Estimate:
    """The minutes to plan for ``item`` with a group of ``size``, at this facilitator's own pace.

    Starts from ``minutes`` (default: the work form's typical time for this group) and applies the
    facilitator's median ratio once there are enough runs of the form, or else of its role.
    """
    base = minutes if minutes is not None else item.minutes_for(size).typical
    if history is None:
        return Estimate(base, base)
    return history.estimate(item.id, item.role, base)
