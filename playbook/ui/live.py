"""Notebook 05: the live companion. The clock, the current block, quick observations, groups, the result.

The countdown runs as an asyncio task on the kernel's own event loop: it updates one HTML widget every
second and never blocks the kernel, so the facilitator can keep working in the notebook. Every button
goes through ``playbook.live.Live``, which saves the session document before anything is redrawn.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..agenda import clock
from ..catalogue import Catalogue, load_catalogue
from ..charts import MEMO, ArcFigure, arc_key
from ..errors import PlaybookError
from ..flavours.widget import heading, line, message, show, style
from ..groups import make_groups, parse_people
from ..i18n import t
from ..live import Clock, Live, system_clock
from ..session import OBSERVATIONS, Block, SessionFile
from ..structure import arc
from ..structure.nodes import Column, Row, Span, Table, items, strong
from .agenda import findings_html
from .fixed import fixed_button, fixed_html, fixed_look
from .links import file_link_parts
from .static import Snapshot
from .ticker import tick_every_second

QUICK = [k for k in OBSERVATIONS if k != "note"]


class LiveCompanion(Snapshot, widgets.VBox):
    """Run the session: start and finish blocks, adjust, observe, make groups, capture the result."""

    def __init__(
        self,
        handle: SessionFile,
        catalogue: Catalogue | None = None,
        clock: Clock = system_clock,
        tick: bool = True,
    ) -> None:
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        self.live = Live(handle, self.catalogue, clock)
        lang = self.lang = handle.session.language
        self.groups: list[list[str]] = []
        self._task: asyncio.Task[Any] | None = None
        self._drawn: object = None
        self._arc = ArcFigure()  # kept: a click moves the arc's artists, it does not draw a new figure

        def button(key: str, icon: str, style: str = "") -> widgets.Button:
            return fixed_button(t(key, lang), icon, style)

        self.now = fixed_html().add_class("pb-live-now")
        self.message = fixed_html()
        self.start_button = button("live.start", "play", "primary").add_class("pb-live-start")
        self.finish_button = button("live.finish", "stop")
        self.plan_b_button = button("live.plan_b", "exchange")
        self.cut_button = button("live.cut", "cut")
        self.shorter_button = button("live.shorter", "minus")
        self.longer_button = button("live.longer", "plus")
        self.insert_choice = fixed_look(
            widgets.Dropdown,
            options=[("—", None), *sorted((i.name(lang), i.id) for i in self.catalogue)],
            layout={"width": "18em"},
        )
        self.insert_button = button("live.insert", "plus-square")
        self.observe_buttons = {k: button(f"live.kinds.{k}", "eye") for k in QUICK}
        self.note = fixed_look(widgets.Text, placeholder=t("live.add_note", lang), layout={"width": "30em"})
        self.note_button = button("live.add_note", "sticky-note")
        self.people = fixed_look(
            widgets.Textarea, placeholder=t("live.people", lang), layout={"width": "30em", "height": "6em"}
        )
        self.group_size = fixed_look(
            widgets.BoundedIntText, value=3, min=1, max=1000, description=t("live.group_size", lang)
        )
        self.groups_button = button("live.groups", "users")
        self.reshuffle_button = button("live.reshuffle", "random")
        self.groups_view = fixed_html()
        self.result = fixed_look(
            widgets.Textarea,
            value=handle.session.run.result,
            placeholder=t("live.result", lang),
            layout={"width": "46em", "height": "5em"},
        )
        self.photos = fixed_look(
            widgets.FileUpload, accept="image/*", multiple=True, description=t("live.photos", lang)
        )
        self.result_button = button("live.save_result", "save")
        self.action_what = fixed_look(
            widgets.Text, placeholder=t("live.action", lang), layout={"width": "22em"}
        )
        self.action_who = fixed_look(widgets.Text, placeholder=t("live.who", lang), layout={"width": "10em"})
        self.action_when = fixed_look(
            widgets.Text, placeholder=t("live.when", lang), layout={"width": "10em"}
        )
        self.action_button = button("live.add_action", "check")
        self.actions = fixed_html()
        self.timeline = fixed_html()
        self.findings = fixed_html()
        self.arc = fixed_html()
        self.report_button = button("live.write_report", "file-alt", "info")
        self.next_button = button("live.write_next", "forward")
        self.after = fixed_html()

        self.start_button.on_click(lambda _: self._do(self.live.start))
        self.finish_button.on_click(lambda _: self._do(self.live.finish))
        self.plan_b_button.on_click(lambda _: self._do(self.live.swap_to_plan_b))
        self.cut_button.on_click(lambda _: self._do(self.live.cut))
        self.shorter_button.on_click(lambda _: self._do(lambda: self._resize(-5)))
        self.longer_button.on_click(lambda _: self._do(lambda: self._resize(+5)))
        self.insert_button.on_click(lambda _: self._do(self._insert))
        for kind, b in self.observe_buttons.items():
            b.on_click(lambda _, kind=kind: self._do(lambda: self.live.observe(kind)))
        self.note_button.on_click(lambda _: self._do(self._note))
        # A reshuffle is the same act: the pairs remembered so far are what it avoids.
        self.groups_button.on_click(lambda _: self._do(self._groups))
        self.reshuffle_button.on_click(lambda _: self._do(self._groups))
        self.result_button.on_click(lambda _: self._do(self._result))
        self.action_button.on_click(lambda _: self._do(self._action))
        self.report_button.on_click(lambda _: self._do(self.write_report))
        self.next_button.on_click(lambda _: self._do(self.write_next))

        h = lambda key: heading(t(key, lang), 4)  # noqa: E731
        super().__init__(
            [
                style(),
                heading(t("live.heading", lang)),
                self.now,
                fixed_look(
                    widgets.HBox,
                    [
                        self.start_button,
                        self.finish_button,
                        self.plan_b_button,
                        self.cut_button,
                        self.shorter_button,
                        self.longer_button,
                    ],
                ),
                fixed_look(widgets.HBox, [self.insert_choice, self.insert_button]),
                self.message,
                h("live.observe"),
                fixed_look(widgets.HBox, list(self.observe_buttons.values())),
                fixed_look(widgets.HBox, [self.note, self.note_button]),
                h("live.groups"),
                fixed_look(
                    widgets.HBox,
                    [
                        self.people,
                        fixed_look(
                            widgets.VBox,
                            [
                                self.group_size,
                                fixed_look(widgets.HBox, [self.groups_button, self.reshuffle_button]),
                            ],
                        ),
                    ],
                ),
                self.groups_view,
                h("live.result"),
                self.result,
                fixed_look(widgets.HBox, [self.photos, self.result_button]),
                fixed_look(
                    widgets.HBox, [self.action_what, self.action_who, self.action_when, self.action_button]
                ),
                self.actions,
                h("agenda.timeline"),
                self.timeline,
                self.findings,
                self.arc,
                h("live.after"),
                fixed_look(widgets.HBox, [self.report_button, self.next_button]),
                self.after,
            ]
        )
        self.refresh()
        if tick:
            self.start_ticking()

    # -- actions ---------------------------------------------------------------------------------------

    def _do(self, action: Any) -> None:
        """Run one action; a mistake becomes a message, never a traceback."""
        try:
            action()
        except PlaybookError as exc:
            self.message.value = message(str(exc))
        except OSError as exc:  # a disk problem outside the core's own handling: words, not a traceback
            self.message.value = message(f"{exc.filename or self.live.handle.path}: {exc.strerror or exc}")
        else:
            self.message.value = ""
        self.refresh()

    def _resize(self, by: int) -> None:
        st = self.live.status()
        target = st.current or st.next
        if target is None:
            raise PlaybookError(t("live.nothing_left", self.lang))
        self.live.resize(target.index, max(1, target.block.minutes + by))

    def _insert(self) -> None:
        if not self.insert_choice.value:
            return
        st = self.live.status()
        at = st.next.index if st.next else len(self.live.session.agenda)
        item = self.catalogue.get(self.insert_choice.value)
        self.live.insert(
            at, Block(item.minutes_for(self.live.session.group.size).typical, intervention=item.id)
        )

    def _note(self) -> None:
        self.live.observe("note", self.note.value)
        self.note.value = ""

    def _groups(self) -> None:
        names, teams = parse_people(self.people.value)
        self.groups = make_groups(names, self.group_size.value, teams, self.live.session.run.pairs)
        self.live.remember_groups(self.groups)
        self.groups_view.value = show(items((", ".join(g) for g in self.groups), ordered=True))

    def _result(self) -> None:
        photos = [(f["name"], bytes(f["content"])) for f in self.photos.value]
        self.live.capture_result(self.result.value, photos)
        self.photos.value = ()

    def _action(self) -> None:
        self.live.add_action(self.action_what.value, self.action_who.value, self.action_when.value)
        self.action_what.value = self.action_who.value = self.action_when.value = ""

    def write_report(self) -> Path:
        """The post-session report, next to the session file, linked from the notebook."""
        from ..report import write_report

        handle = self.live.handle
        target = handle.path.with_name(handle.path.name.removesuffix(".session.yaml") + ".report.html")
        write_report(handle, self.catalogue, target)  # never over the session, a photo or a foreign file
        self._link(target)
        return target

    def write_next(self) -> Path:
        """A follow-up session document that starts from the open actions; it does not replace a file."""
        from ..live import follow_up
        from ..workspace import slugify

        session = self.live.session
        follow = follow_up(session)
        folder = self.live.handle.path.parent
        target, n = folder / f"{slugify(follow.title)}.session.yaml", 2
        while target.exists():
            target, n = folder / f"{slugify(follow.title)}-{n}.session.yaml", n + 1
        SessionFile.create(target, follow)
        self._link(target)
        return target

    def _link(self, path: Path) -> None:
        self.after.value = line(t("handout.exported", self.lang, path=""), *file_link_parts(path, self.lang))

    # -- showing ---------------------------------------------------------------------------------------

    def render_now(self) -> None:
        """The clock, the current block and its countdown, what comes next; cheap enough for every second."""
        st = self.live.status()
        lang = self.lang
        started = self.live.session.run.started
        drift: list[object] = []
        if st.behind_minutes > 0:
            drift = [" · ", Span(t("live.behind", lang, minutes=st.behind_minutes), "warn")]
        elif st.behind_minutes < 0:
            drift = [f" · {t('live.ahead', lang, minutes=-st.behind_minutes)}"]
        elif started:
            drift = [f" · {t('live.on_time', lang)}"]
        parts = [line(strong(clock(st.now.hour * 60 + st.now.minute)), *drift, style="pb-clock")]  # type: ignore[arg-type]
        titles = {b.index: self._title(b.block) for b in st.blocks}
        if st.current is not None:
            left = st.remaining_seconds or 0
            key = "live.remaining" if left >= 0 else "live.over"
            minutes, seconds = divmod(abs(left), 60)
            countdown = Span(
                t(key, lang, minutes=minutes, seconds=seconds),
                "pb-countdown" if left >= 0 else "warn pb-countdown",
            )
            parts.append(
                line(strong(f"{t('live.now', lang)}: "), f"{titles[st.current.index]} · ", countdown)
            )
        elif not started:
            parts.append(line(t("live.not_started", lang)))
        if st.next is not None:
            parts.append(
                line(strong(f"{t('live.next', lang)}: "), f"{titles[st.next.index]} · {st.next.start:%H:%M}")
            )
        elif st.current is None and started:
            parts.append(line(t("live.done", lang)))
        self.now.value = "".join(parts)

    def _title(self, block: Block) -> str:
        if block.intervention and block.intervention in self.catalogue:
            return self.catalogue.get(block.intervention).name(self.lang)
        return block.title or block.intervention or ""

    def refresh(self) -> None:
        """After every action: the clock, the re-timed agenda with its findings, the arc, the actions."""
        self.render_now()
        st = self.live.status()
        columns = (
            Column(t("agenda.time", self.lang), "time"),
            Column(t("agenda.block", self.lang), "wide"),
            Column(t("live.status", self.lang)),
        )
        rows = tuple(
            Row(
                (
                    f"{b.start:%H:%M}–{b.end:%H:%M}",
                    self._title(b.block),
                    t(f"live.status_{b.status}", self.lang),
                )
            )
            for b in st.blocks
        )
        self.timeline.value = show(Table(columns, rows))
        p = self.live.replan()
        self.findings.value = findings_html(p)
        drawn = arc_key(p)
        if drawn != self._drawn:  # its artists moved in place, or a picture already drawn is reused
            self.arc.value = MEMO.svg(drawn, lambda: self._arc.update(p), alt=arc(p).alt)
            self._drawn = drawn
        run = self.live.session.run
        heads = tuple(Column(t(k, self.lang)) for k in ("live.action", "live.who", "live.when"))
        actions = Table(heads, tuple(Row((a.what, a.who, a.when)) for a in run.actions))
        self.actions.value = show(actions) if run.actions else ""

    def start_ticking(self) -> None:
        """Update the countdown every second on the kernel's event loop; outside a kernel, do nothing."""
        self._task = tick_every_second(self.render_now)

    def stop_ticking(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def snapshot_html(self) -> str:
        """The plan, its findings and its arc; not the clock, which would stand still at the moment the
        page was made (a static page says the countdown runs in the notebook instead)."""
        return (
            line(t("live.clock_live", self.lang), style="muted")
            + self.timeline.value
            + self.findings.value
            + self.arc.value
        )
