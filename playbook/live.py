"""Running the session: the live companion's core, the actual timeline, and the follow-up session.

A facilitator adjusts while the session runs: starts and finishes blocks, swaps to a plan B, cuts,
shortens, extends or inserts, and notes what is seen in the undercurrent. Every action is written to the
session document at once (atomically), so a crashed kernel resumes exactly where the session was. The
clock is injected, so a whole session can be driven in a test in a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .agenda import Plan, plan
from .catalogue import Catalogue
from .errors import ConflictError, PlaybookError
from .i18n import t
from .session import (
    OBSERVATIONS,
    Action,
    Block,
    Brief,
    Observation,
    Room,
    Run,
    RunEvent,
    Session,
    SessionFile,
    new_session,
)

Clock = Callable[[], dt.datetime]
LATE_START = dt.timedelta(hours=2)
"""A run that starts further than this from the planned start is compared with its own start."""


def system_clock() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class BlockState:
    """One agenda block during the run: planned or actual start and end, and whether it is done."""

    index: int
    block: Block
    start: dt.datetime
    end: dt.datetime
    status: str
    """'done', 'running' or 'coming'."""


@dataclass(frozen=True)
class LiveStatus:
    blocks: tuple[BlockState, ...]
    current: BlockState | None
    next: BlockState | None
    now: dt.datetime
    behind_minutes: int
    """How far the expected end has moved past the planned end (negative: ahead)."""
    planned_start: dt.datetime
    """The moment the run is measured from: the planned start, or the run's own start when far off it."""

    @property
    def remaining_seconds(self) -> int | None:
        if self.current is None:
            return None
        return int((self.current.end - self.now).total_seconds())


def _day(session: Session, now: dt.datetime) -> dt.date:
    return session.date or now.date()


def actual_plan(
    session: Session, states: tuple[BlockState, ...], anchor: dt.datetime, catalogue: Catalogue
) -> Plan:
    """The blocks with the minutes they took (or are now expected to take), from the actual first start;
    planned like any agenda, so running late shows up in the findings."""
    first = states[0].start if states else anchor
    agenda = tuple(
        replace(b.block, minutes=max(1, round((b.end - b.start).total_seconds() / 60))) for b in states
    )
    return plan(session.with_changes(agenda=agenda, start=first.time().replace(second=0)), catalogue)


def timeline(session: Session, now: dt.datetime) -> LiveStatus:
    """Every block with its actual times so far and the expected times of the rest, re-timed from now."""
    run = session.run
    started: dict[int, dt.datetime] = {}
    finished: dict[int, dt.datetime] = {}
    for e in run.events:
        if e.kind == "start" and e.block is not None:
            started[e.block] = e.at
            finished.pop(e.block, None)
        elif e.kind == "finish" and e.block is not None:
            finished[e.block] = e.at
    planned_start = dt.datetime.combine(_day(session, now), session.start)
    first = min(started.values(), default=None)
    if first is not None and abs(first - planned_start) > LATE_START:
        # A run on another day or hour than planned (a rehearsal, a moved session): measure the drift
        # from its own start, not a gap of days from the date in the brief.
        planned_start = first
    cursor = first or planned_start
    states: list[BlockState] = []
    current = None
    for i, block in enumerate(session.agenda):
        if i in finished and i in started:
            state = BlockState(i, block, started[i], finished[i], "done")
        elif i in started:
            end = started[i] + dt.timedelta(minutes=block.minutes)  # may lie in the past: running over
            state = current = BlockState(i, block, started[i], end, "running")
        else:
            begin = max(cursor, now) if run.started else cursor  # what comes next cannot start before now
            state = BlockState(i, block, begin, begin + dt.timedelta(minutes=block.minutes), "coming")
        states.append(state)
        cursor = state.end
    coming = next((s for s in states if s.status == "coming"), None)
    planned_end = planned_start + dt.timedelta(
        minutes=sum(b.minutes for b in (run.planned or session.agenda))
    )
    behind = round(((states[-1].end if states else planned_end) - planned_end).total_seconds() / 60)
    return LiveStatus(tuple(states), current, coming, now, behind, planned_start)


class Live:
    """The live companion's actions on one session file; each one is saved before it returns."""

    def __init__(self, handle: SessionFile, catalogue: Catalogue, clock: Clock = system_clock) -> None:
        self.handle = handle
        self.catalogue = catalogue
        self.clock = clock

    @property
    def session(self) -> Session:
        return self.handle.session

    def status(self) -> LiveStatus:
        return timeline(self.session, self.clock())

    def replan(self) -> Plan:
        """The agenda as it now stands, from the actual start, with its findings (running late shows)."""
        st = self.status()
        return actual_plan(self.session, st.blocks, st.planned_start, self.catalogue)

    # -- saving: every action is one transaction on the file as it is on disk at that moment ----------

    def _apply(self, change: Callable[[Session], Session], agenda: tuple[Block, ...] | None = None) -> None:
        """Apply ``change`` to the newest version of the file under its lock (``SessionFile.update``).

        The room writes its results into the same file while the session runs, and a notebook may save
        too: each writer adds its change to what is on disk, so none is lost. An action chosen on
        ``agenda`` (it names or edits a block) is refused when the agenda on disk is no longer that one,
        rather than applied to the wrong block; the handle then holds the newer version to choose again on.
        """

        def guarded(current: Session) -> Session:
            if agenda is not None and current.agenda != agenda:
                raise ConflictError.at(self.handle.path, "agenda", t("live.agenda_changed", current.language))
            return change(current)

        self.handle.update(guarded)

    def _log(
        self,
        kind: str,
        block: int | None = None,
        detail: str = "",
        agenda: tuple[Block, ...] | None = None,
        shift: tuple[int, int] | None = None,
    ) -> None:
        """Record an event together with the change it made (a new ``agenda``, block numbers shifted by
        ``shift`` = (from index, by) after a cut or insert), in one atomic write."""
        at, seen = self.clock(), self.session.agenda

        def change(s: Session) -> Session:
            run = s.run
            events = run.events
            if shift is not None:  # keep events pointing at the right blocks
                index, by = shift
                events = tuple(
                    replace(e, block=e.block + by) if e.block is not None and e.block >= index else e
                    for e in events
                )
            planned = run.planned or s.agenda  # the plan is frozen at the first action of the run
            run = replace(run, planned=planned, events=(*events, RunEvent(at, kind, block, detail)))
            return s.with_changes(run=run, **({"agenda": agenda} if agenda is not None else {}))

        self._apply(change, seen)

    def _add_to_run(self, edit: Callable[[Run], Run]) -> None:
        """Something added to the run (a note, an action, the result): it never depends on the agenda."""
        self._apply(lambda s: s.with_changes(run=edit(s.run)))

    def _index(self, index: int | None, coming_only: bool = False) -> int:
        st = self.status()
        if index is None:
            target = st.next if coming_only else st.current or st.next
            if target is None:
                raise PlaybookError(t("live.nothing_left", self.session.language))
            return target.index
        if not 0 <= index < len(self.session.agenda):
            raise PlaybookError(t("live.no_such_block", self.session.language, index=index + 1))
        return index

    # -- the run ---------------------------------------------------------------------------------------

    def start(self, index: int | None = None) -> None:
        """Start the next block (or the given one); a block still running is finished first."""
        st = self.status()
        if st.current is not None:
            self.finish()
            st = self.status()
        if index is None:
            if st.next is None:
                raise PlaybookError(t("live.nothing_left", self.session.language))
            index = st.next.index
        self._log("start", self._index(index))

    def finish(self) -> None:
        current = self.status().current
        if current is None:
            raise PlaybookError(t("live.nothing_running", self.session.language))
        self._log("finish", current.index)

    def swap_to_plan_b(self, index: int | None = None) -> None:
        """Replace a block by its plan B, keeping its minutes; the original becomes the new plan B."""
        i = self._index(index)
        block = self.session.agenda[i]
        if not block.plan_b:
            raise PlaybookError(t("live.no_plan_b", self.session.language))
        new = Block(
            block.minutes,
            intervention=block.plan_b[0],
            notes=block.notes,
            plan_b=(block.intervention,) if block.intervention else (),
        )
        agenda = list(self.session.agenda)
        agenda[i] = new
        self._log(
            "swap", i, f"{block.intervention or block.title} → {new.intervention}", agenda=tuple(agenda)
        )

    def cut(self, index: int | None = None) -> None:
        """Cut a block that has not started (the next one by default)."""
        i = self._index(index, coming_only=True)
        state = self.status().blocks[i]
        if state.status != "coming":
            raise PlaybookError(t("live.cannot_cut", self.session.language))
        agenda = list(self.session.agenda)
        removed = agenda.pop(i)
        self._log("cut", i, removed.intervention or removed.title, agenda=tuple(agenda), shift=(i, -1))

    def resize(self, index: int | None, minutes: int) -> None:
        """Shorten or extend a block (the running one by default)."""
        if minutes < 1:
            raise PlaybookError(t("live.minutes_positive", self.session.language))
        i = self._index(index)
        agenda = list(self.session.agenda)
        old = agenda[i].minutes
        agenda[i] = replace(agenda[i], minutes=minutes)
        self._log("resize", i, f"{old} → {minutes}", agenda=tuple(agenda))

    def insert(self, index: int, block: Block) -> None:
        """Insert a block before ``index`` (after the last block when ``index`` is the agenda's length)."""
        if not 0 <= index <= len(self.session.agenda):
            raise PlaybookError(t("live.no_such_block", self.session.language, index=index + 1))
        if index < len(self.session.agenda) and self.status().blocks[index].status != "coming":
            raise PlaybookError(t("live.cannot_insert", self.session.language))
        agenda = list(self.session.agenda)
        agenda.insert(index, block)
        self._log(
            "insert",
            index,
            block.intervention or block.title,
            agenda=tuple(agenda),
            shift=(index, +1),
        )

    def observe(self, kind: str, note: str = "") -> Observation:
        if kind not in OBSERVATIONS:
            raise PlaybookError(
                t(
                    "errors.unknown_observation",
                    self.session.language,
                    kind=kind,
                    choices=", ".join(OBSERVATIONS),
                )
            )
        if kind == "note" and not note.strip():
            raise PlaybookError(t("live.empty_note", self.session.language))
        seen = Observation(self.clock(), kind, note.strip())
        self._add_to_run(lambda run: replace(run, observations=(*run.observations, seen)))
        return seen

    def capture_result(self, text: str, photos: list[tuple[str, bytes]] | None = None) -> None:
        """The visible result in words, plus photos saved in a folder beside the session file."""
        stored: list[str] = []
        if photos:
            from .yamlio import file_message, write_bytes_atomic

            folder = self.handle.path.with_name(
                self.handle.path.name.removesuffix(".session.yaml") + ".photos"
            )
            try:
                folder.mkdir(exist_ok=True)
            except OSError as exc:
                lang, reason = self.session.language, exc.strerror or str(exc)
                raise PlaybookError.at(
                    folder, "", file_message("photos_folder", lang, reason=reason), lang
                ) from None
            for name, data in photos:
                safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in Path(name).name) or "photo"
                target = folder / safe
                n = 2
                while target.exists():
                    target = folder / f"{target.stem}-{n}{target.suffix}"
                    n += 1
                write_bytes_atomic(target, data, self.session.language)
                stored.append(f"{folder.name}/{target.name}")
        self._add_to_run(lambda run: replace(run, result=text.strip(), photos=(*run.photos, *stored)))

    def add_action(self, what: str, who: str = "", when: str = "") -> None:
        if not what.strip():
            raise PlaybookError(t("live.action_what", self.session.language))
        action = Action(what.strip(), who.strip(), when.strip())
        self._add_to_run(lambda run: replace(run, actions=(*run.actions, action)))

    def remember_groups(self, groups: list[list[str]]) -> None:
        """Store who worked together, so the next grouping can avoid repeating pairs."""
        met = {(a, b) for group in groups for a in group for b in group if a < b}
        self._add_to_run(lambda run: replace(run, pairs=tuple(sorted(set(run.pairs) | met))))


def follow_up(session: Session, lang: str | None = None) -> Session:
    """The next session's document: its brief starts from the open actions and the last visible result."""
    lang = lang or session.language
    actions = "; ".join(
        f"{a.what} ({a.who}, {a.when})" if a.who or a.when else a.what for a in session.run.actions
    )
    wish = t("live.next_wish", lang, actions=actions) if actions else t("live.next_wish_none", lang)
    context = t(
        "live.next_context",
        lang,
        title=session.title,
        result=session.run.result or session.brief.visible_result or "–",
    )
    brief = Brief(client=session.brief.client, wish=wish, visible_result="", context=context)
    review = Block(15, title=t("live.next_review", lang), role="open")
    from .participation import mood_line  # the series' check-in moods travel on to the next session

    return new_session(
        t("live.next_title", lang, title=session.title),
        lang,
        brief=brief,
        group=session.group,
        agenda=(review,),
        run=Run(room=Room(mood_line=mood_line(session))),
    )
