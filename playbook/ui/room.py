"""Notebook 05's room: start it, see the group's input arrive (counts first), reveal, merge, close.

The panel works on the room's store directly (SQLite beside the session, shared with the service in
another process), so it needs no token and keeps working while the service restarts. It looks for news
once a second on the kernel's event loop. After each of the facilitator's actions it writes the results
into the session document and reloads the live companion's copy, so the two never fight over the file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from markupsafe import Markup

from ..errors import PlaybookError
from ..i18n import t
from ..participation import ENTRY_KINDS, KINDS, PER_ITEM, PER_PERSON, ActivitySpec, record_results
from ..room.pages import option_label, panel_html
from ..room.store import Activity, RoomStore, store_path
from ..yamlio import current_fingerprint
from .fixed import fixed_button, fixed_html, fixed_look
from .static import Snapshot
from .ticker import tick_every_second

HUB_PAGE = "/services/room/"
START_SECONDS = 20.0


def html(piece: str, *values: Any) -> str:
    """One piece of the panel's HTML, rendered by the autoescaping template ``assets/room/_panel.html``."""
    return str(getattr(panel_html(), piece)(*values))


def on_hub() -> bool:
    """A kernel of a JupyterHub user's server: rooms are opened on the hub's room service there."""
    return bool(os.environ.get("JUPYTERHUB_SERVICE_PREFIX"))


class RoomPanel(Snapshot, widgets.VBox):
    """The facilitator's side of the room, beside the live companion (it shares its session file)."""

    def __init__(self, companion: Any, tick: bool = True) -> None:
        self.companion = companion
        self.live = companion.live
        self.lang = lang = self.live.session.language
        self.path: Path = self.live.handle.path
        self.store: RoomStore | None = None
        self._task: asyncio.Task[Any] | None = None
        self._drawn: tuple[Any, ...] | None = None

        def button(key: str, icon: str = "", style: str = "") -> widgets.Button:
            return fixed_button(t(key, lang), icon, style)

        self.status = fixed_html().add_class("pb-room-status")
        self.message = fixed_html()
        self.everyone = fixed_look(widgets.Checkbox,
            value=False, description=t("room.host.everyone", lang), indent=False,
            layout={"width": "auto"},
        )  # fmt: skip
        self.start_button = button("room.host.start", "play", "primary")
        self.stop_button = button("room.host.stop", "stop")
        self.close_room_button = button("room.host.close_room", "lock")
        self.open_room_button = button("room.host.open_room", "unlock")
        self.join = fixed_html().add_class("pb-room-join")
        self.kind = fixed_look(
            widgets.Dropdown,
            options=[(t(f"room.kinds.{k}", lang), k) for k in KINDS],
            layout={"width": "14em"},
        )
        self.prompt = fixed_look(
            widgets.Text, placeholder=t("room.host.prompt", lang), layout={"width": "26em"}
        )
        self.options = fixed_look(
            widgets.Textarea,
            placeholder=t("room.host.options", lang),
            layout={"width": "26em", "height": "5em"},
        )
        self.source = fixed_look(
            widgets.Dropdown,
            options=[("–", None)],
            description=t("room.host.from_cards", lang),
            style={"description_width": "initial"},
        )
        self.per_person = fixed_look(widgets.BoundedIntText,
            value=PER_PERSON, min=1, max=20, description=t("room.host.per_person", lang),
            style={"description_width": "initial"}, layout={"width": "14em"},
        )  # fmt: skip
        self.per_item = fixed_look(widgets.BoundedIntText,
            value=PER_ITEM, min=1, max=20, description=t("room.host.per_item", lang),
            style={"description_width": "initial"}, layout={"width": "14em"},
        )  # fmt: skip
        self.open_button = button("room.host.open", "bullhorn", "primary").add_class("pb-room-open")
        self.preview = fixed_look(
            widgets.Checkbox, value=False, description=t("room.host.preview", lang), indent=False
        )
        self.activities = fixed_look(widgets.VBox).add_class("pb-room-activities")

        self.start_button.on_click(lambda _: self._do(self.start))
        self.stop_button.on_click(lambda _: self._do(self.stop))
        self.close_room_button.on_click(lambda _: self._act(lambda s: s.set_open(False)))
        self.open_room_button.on_click(lambda _: self._act(lambda s: s.set_open(True)))
        self.open_button.on_click(lambda _: self._act(self._open))
        self.preview.observe(lambda _: self.refresh(force=True), "value")

        super().__init__(
            [
                fixed_html(html("heading", t("room.host.heading", lang), 3)),
                self.status,
                fixed_look(widgets.HBox, [self.start_button, self.everyone, self.stop_button]),
                self.join,
                fixed_look(widgets.HBox, [self.close_room_button, self.open_room_button]),
                fixed_html(html("heading", t("room.host.open_new", lang), 4)),
                fixed_look(widgets.HBox, [self.kind, self.prompt]),
                fixed_look(
                    widgets.HBox,
                    [self.options, fixed_look(widgets.VBox, [self.source, self.per_person, self.per_item])],
                ),
                self.open_button,
                self.message,
                self.preview,
                self.activities,
            ]
        )
        self.refresh(force=True)
        if tick:
            self.start_ticking()

    # -- the room's life -------------------------------------------------------------------------------

    def connect(self) -> RoomStore | None:
        """The session's room, once there is one (made by the service or by this panel)."""
        if self.store is None and store_path(self.path).exists():
            self.store = RoomStore.open(self.path)
        return self.store

    def start(self) -> None:
        """Start ``playbook room`` for this session in its own process (it outlives a kernel restart)."""
        if on_hub():
            raise PlaybookError(t("room.host.on_hub", self.lang, url=HUB_PAGE))
        store = self.connect()
        if store is not None and store.running():
            return
        log = self.path.with_name(self.path.name.removesuffix(".session.yaml") + ".room.log")
        with log.open("ab") as out:
            subprocess.Popen(
                [sys.executable, "-m", "playbook", "room", str(self.path),
                 "--host", "0.0.0.0" if self.everyone.value else "127.0.0.1"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            store = self.connect()
            if store is not None:
                store.refresh()
                if store.running() and store.meta.get("join_url"):
                    return
            time.sleep(0.2)
        raise PlaybookError.at(log, "", t("errors.room_did_not_start", self.lang))

    def stop(self) -> None:
        store = self.connect()
        if store is not None and store.running():
            os.kill(int(store.meta["pid"]), signal.SIGTERM)
            deadline = time.monotonic() + 10
            while store.running() and time.monotonic() < deadline:
                time.sleep(0.1)
                store.refresh()

    # -- the facilitator's actions ---------------------------------------------------------------------

    def _do(self, action: Any) -> None:
        try:
            action()
        except PlaybookError as exc:
            self.message.value = html("problem", str(exc))
        except OSError as exc:  # the room's log or store in a folder that refuses files: words, no traceback
            self.message.value = html("problem", f"{exc.filename or self.path}: {exc.strerror or exc}")
        else:
            self.message.value = ""
        self.refresh(force=True)

    def _act(self, change: Any) -> None:
        """One change to the room, then its results into the session document (and the companion)."""

        def run() -> None:
            store = self.connect()
            if store is None:
                raise PlaybookError(t("room.host.not_running", self.lang))
            change(store)
            self.save_results()

        self._do(run)

    def save_results(self) -> None:
        if self.store is None:
            return
        record_results(self.path, self.store.results())
        self._follow_file()

    def _follow_file(self) -> None:
        """The service or this panel wrote the session: the companion reads it again (it keeps nothing
        unsaved, every click is saved at once) and redraws."""
        handle = self.live.handle
        if current_fingerprint(handle.path) != handle.fingerprint:
            handle.reload()
            self.companion.refresh()

    def _open(self, store: RoomStore) -> None:
        st = self.live.status()
        spec = ActivitySpec(
            self.kind.value, self.prompt.value, tuple(self.options.value.splitlines()), self.source.value,
            self.per_person.value, self.per_item.value,
        )  # fmt: skip
        store.open_activity(spec, st.current.index if st.current else None)
        self.prompt.value = self.options.value = ""

    # -- showing ---------------------------------------------------------------------------------------

    def refresh(self, force: bool = False) -> None:
        """Redraw when the room changed (here or in the service); cheap when nothing did."""
        try:
            store = self.connect()
        except PlaybookError as exc:  # a file of the room's name that is no room: said, not a traceback
            self.status.value = html("problem", str(exc))
            self.join.value = ""
            self.activities.children = ()
            return
        if store is not None:
            store.changed()  # re-reads the room's versions when the service wrote
            drawn = (store.version, store.running(), self.preview.value)
            if drawn == self._drawn and not force:
                return
            self._drawn = drawn
        lang = self.lang
        if store is None:
            key = "room.host.on_hub" if on_hub() else "room.host.not_running"
            self.status.value = html("status", t(key, lang, url=HUB_PAGE))
            self.join.value = ""
            self.activities.children = ()
            return
        running = store.running()
        self.status.value = html(
            "status",
            t("room.host.joined", lang, count=store.participant_count()),
            "" if store.is_open else t("room.host.room_closed", lang),
            "" if running or on_hub() else t("room.host.not_running", lang),
        )
        self.join.value = self._join_html(store) if running or on_hub() else ""
        self.source.options = [("–", None)] + [
            (f"{a.id}. {t(f'room.kinds.{a.kind}', lang)} {a.prompt[:30]}", a.id)
            for a in store.activities()
            if a.kind in ENTRY_KINDS
        ]
        self.activities.children = tuple(self._activity_box(store, a) for a in store.activities())

    def _join_html(self, store: RoomStore) -> str:
        from ..room.rooms import qr_svg  # segno draws the QR code

        url, lang = store.meta.get("join_url", ""), self.lang
        host, room = store.meta.get("host_url", "").rstrip("/"), store.room_id
        token = "" if on_hub() else f"#token={store.meta['token']}"  # on the hub, the hub's login
        links = (
            [(f"{host}/{page}/{room}{token}", t(f"room.host.{label}", lang))
             for page, label in (("host", "console"), ("screen", "screen"))]
            if host else []
        )  # fmt: skip
        return html("join", Markup(qr_svg(url)), url, store.code, t("room.host.join_at", lang), links)

    def _activity_box(self, store: RoomStore, a: Activity) -> widgets.VBox:
        lang = self.lang
        counts = store.counts(a.id)
        head = f"{a.id}. {t(f'room.kinds.{a.kind}', lang)}" + (f": {a.prompt}" if a.prompt else "")
        head += "" if a.is_open else f" · {t('room.phone.closed', lang)}"
        line = t("room.host.people", lang, count=counts["participants"])
        if a.kind in ENTRY_KINDS:
            line += " · " + t("room.host.entries", lang, total=counts["entries"], hidden=counts["hidden"])
        rows: list[widgets.Widget] = [
            fixed_html(html("activity", head, line)).add_class(f"pb-room-activity-{a.id}")
        ]

        def act(change: Any) -> Any:
            return lambda _: self._act(change)

        toggle = fixed_look(
            widgets.Button, description=t("room.host.reopen" if not a.is_open else "room.host.close", lang)
        )
        toggle.on_click(act(lambda s: s.set_activity_open(a.id, not a.is_open)))
        reveal = fixed_look(
            widgets.Button, description=t("room.host.hide_all" if a.shown else "room.host.reveal_all", lang)
        )
        reveal.add_class("pb-room-reveal-all")
        reveal.on_click(act(lambda s: s.show_results(a.id, not a.shown)))
        screen = fixed_look(widgets.Button, description=t("room.host.on_screen", lang))
        screen.on_click(act(lambda s: s.put_on_screen(a.id)))
        rows.append(fixed_look(widgets.HBox, [toggle, reveal, screen]))
        entries = store.entries(a.id) if a.kind in ENTRY_KINDS else []
        for n, entry in enumerate(entries, 1):
            text = entry.text if entry.shown or self.preview.value else t("room.host.hidden_card", lang)
            label = f"{n}. {text}" + (
                f" ({entry.mood})" if entry.mood and (entry.shown or self.preview.value) else ""
            )
            label += f" +{entry.merged}" if entry.merged else ""
            show = fixed_look(
                widgets.Button, description=t("room.host.hide" if entry.shown else "room.host.reveal", lang)
            )
            show.on_click(
                act(lambda s, i=entry.id, on=entry.shown: s.set_entry(i, "hidden" if on else "shown"))
            )
            remove = fixed_look(widgets.Button, description=t("room.host.remove", lang))
            remove.on_click(act(lambda s, i=entry.id: s.set_entry(i, "removed")))
            others = [(str(m), o.id) for m, o in enumerate(entries, 1) if o.id != entry.id]
            into = fixed_look(widgets.Dropdown, options=others, layout={"width": "5em"})
            merge = fixed_look(widgets.Button, description=t("room.host.merge", lang))
            merge.on_click(act(lambda s, i=entry.id, w=into: s.merge(i, w.value) if w.value else None))
            cells: list[widgets.Widget] = [
                fixed_html(html("card", label)).add_class("pb-room-card"),
                show,
                remove,
            ]
            cells += [into, merge] if others else []
            rows.append(fixed_look(widgets.HBox, cells).add_class(f"pb-room-entry-{entry.id}"))
        if a.shown and a.kind not in ("cards",):
            tally = ", ".join(f"{option_label(a, label, lang)}: {n}" for _, label, n in store.tally(a))
            rows.append(fixed_html(html("tally", tally)))
        return fixed_look(
            widgets.VBox, rows, layout={"border": "1px solid #ccc", "padding": "4px", "margin": "4px 0"}
        )

    def start_ticking(self) -> None:
        """Look for the group's input once a second on the kernel's event loop; outside a kernel, never."""

        def look() -> None:
            self.refresh()
            self._follow_file()

        self._task = tick_every_second(look)

    def stop_ticking(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def snapshot_html(self) -> str:
        return self.status.value + self.join.value
