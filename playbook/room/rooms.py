"""The rooms a service serves, in memory: who waits for news, the writer's batches, the session's clock.

``RoomLive`` is one room being served: its store, the pages waiting for a change (long polls), the group
commit of submissions on one writer thread, and the session document it reads the countdown from and
writes the results into. ``Service`` holds what every handler shares. No HTTP here: ``service`` has that.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import ipaddress
import logging
import signal
import socket
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import segno
from tornado.ioloop import PeriodicCallback

from ..catalogue import Catalogue, load_catalogue
from ..errors import PlaybookError
from ..live import timeline
from ..participation import RateLimit, RefusedError, Submission, record_results
from ..session import Session, SessionFile
from .store import RoomStore

log = logging.getLogger("playbook.room")

POLL_SECONDS = 20.0
"""How long a page's request for news waits before it is answered anyway (and asks again) ..."""
POLL_SPREAD = 0.25
"""... less a random share of up to this much: phones woken together (an activity opened) would
otherwise all ask again together, and all time out together, for the rest of the session."""
WATCH_SECONDS = 0.25
"""How often the service looks for changes made by another process (the notebook) and the session."""
WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="room-writer")
"""One thread writes the submissions of every room, one batch (one transaction, one flush) at a time."""
SAVE_SECONDS = 5.0
"""Submissions reach the session document at most this long after they reach the store ..."""
QUIET_SECONDS = 1.5
"""... once the room has been quiet this long (the facilitator's actions are written at once)."""


class RoomLive:
    """A room being served: its store, the pages waiting for news, the session it belongs to."""

    def __init__(self, store: RoomStore) -> None:
        self.store = store
        self.hosts: set[asyncio.Future[None]] = set()
        """Facilitator's pages and beamers waiting for news."""
        self.phones: set[asyncio.Future[None]] = set()
        self._phones_saw: tuple[int, int, bool] | None = None
        self.preview = False
        self.clock_gen = 0
        self._session: Session | None = None
        self._stamp: tuple[int, int] | None = None
        self.saved = -1
        self.save_due = 0.0
        self.saving = False
        self.soon = False
        self.closing = False
        self.last_submission = 0.0
        self.task: asyncio.Future[None] | None = None
        self.pending: list[tuple[str, Submission | None, str, asyncio.Future[Any]]] = []
        self.committer: asyncio.Future[None] | None = None
        self._writer: RoomStore | None = None
        self.read_session()

    def forget_own_write(self) -> None:
        """The service itself just wrote the results into the session: nothing to read back."""
        with contextlib.suppress(OSError):
            st = self.store.session_path.stat()
            self._stamp = (st.st_mtime_ns, st.st_size)

    async def submit(self, who: str, submission: Submission | None, lang: str) -> dict[str, Any]:
        """Hand one submission (or, without one, a phone joining) to the writer and wait until it is
        committed (group commit: what arrives while one batch is flushed goes together in the next)."""
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.last_submission = time.monotonic()
        self.pending.append((who, submission, lang, fut))
        if self.committer is None or self.committer.done():
            self.committer = asyncio.ensure_future(self._commit())
        outcome = await fut
        if isinstance(outcome, RefusedError):
            raise outcome
        return outcome

    async def _commit(self) -> None:
        loop = asyncio.get_running_loop()
        while self.pending:
            batch, self.pending = self.pending, []
            items = [(who, sub, lang) for who, sub, lang, _ in batch]
            try:
                outcomes = await loop.run_in_executor(WRITER, self.writer().submit_many, items)
            except Exception as exc:  # nothing of this batch was committed: every phone may retry
                log.error("submissions not stored: %s", exc)
                for *_, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            self.store.refresh()
            for (*_, fut), outcome in zip(batch, outcomes, strict=True):
                if not fut.done():
                    fut.set_result(outcome)

    def writer(self) -> RoomStore:
        """The writer thread's own connection, so reading the room on the event loop never waits for it."""
        if self._writer is None:
            self._writer = RoomStore.open(self.store.path)
        return self._writer

    def read_session(self) -> bool:
        """Re-read the session document when it changed on disk (a block started in notebook 05)."""
        path = self.store.session_path
        try:
            st = path.stat()
        except OSError:
            return False
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            session = SessionFile.open(path).session
        except PlaybookError as exc:  # a half-edited file: keep the last good one
            log.warning("%s", exc)
            return False
        before, self._session = self._session, session
        if before is not None and _clock_of(before) == _clock_of(session):
            return False  # the room's own results, say: the clock did not move
        self.clock_gen += 1
        return True

    @property
    def session(self) -> Session | None:
        return self._session

    def notify(self) -> None:
        """Wake the pages whose view may have changed: the facilitator's and the beamer's at every change,
        the phones' only when what phones show moved (an activity, a reveal, the clock), never for each
        submission of somebody else, which would wake a whole room at every card."""
        self._wake(self.hosts)
        phones = (self.store.public, self.clock_gen, self.store.is_open)
        if phones != self._phones_saw or self.closing:
            self._phones_saw = phones
            self._wake(self.phones)

    @staticmethod
    def _wake(waiters: set[asyncio.Future[None]]) -> None:
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)
        waiters.clear()

    async def wait(self, changed: Callable[[], bool], timeout: float, phone: bool = False) -> None:
        """Until ``changed()`` (checked whenever this page's audience is woken), the end, or ``timeout``."""
        waiters = self.phones if phone else self.hosts
        deadline = time.monotonic() + timeout
        while not changed() and not self.closing:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            fut = asyncio.get_running_loop().create_future()
            waiters.add(fut)
            try:
                await asyncio.wait_for(fut, left)
            except TimeoutError:
                return
            finally:
                waiters.discard(fut)

    def current_block(self) -> int | None:
        if self._session is None or not self._session.run.started:
            return None
        st = timeline(self._session, dt.datetime.now())
        return st.current.index if st.current else None


def _clock_of(session: Session) -> tuple[Any, ...]:
    """What the shared countdown depends on: the run's events and the agenda, its day and start."""
    return (session.run.events, session.agenda, session.date, session.start, session.title)


class Rooms:
    """The rooms one service serves; ``OneRoom`` locally, ``HubRooms`` on JupyterHub."""

    cookie_secret: str = ""

    def by_code(self, code: str) -> RoomStore | None:
        raise NotImplementedError

    def by_id(self, room_id: str) -> RoomStore | None:
        raise NotImplementedError

    def stores(self) -> list[RoomStore]:
        raise NotImplementedError


class OneRoom(Rooms):
    """``playbook room FILE``: the room of one session; its secret signs the participants' cookies."""

    def __init__(self, store: RoomStore) -> None:
        self.store = store
        self.cookie_secret = store.meta["secret"]

    def by_code(self, code: str) -> RoomStore | None:
        return self.store if hmac.compare_digest(code, self.store.code) else None

    def by_id(self, room_id: str) -> RoomStore | None:
        return self.store if hmac.compare_digest(room_id, self.store.room_id) else None

    def stores(self) -> list[RoomStore]:
        return [self.store]


@dataclass
class Service:
    """Everything the handlers share: the rooms, the rules of the door, the catalogue for block names."""

    rooms: Rooms
    base: str = "/"
    hosts: frozenset[str] = frozenset()
    """Host headers this service answers to (DNS rebinding: any other name is refused)."""
    public_url: str = ""
    """How phones reach the service, e.g. http://192.168.1.20:8870 (join links are built from it)."""
    host_url: str = ""
    """How the facilitator's own browser reaches it (locally http://127.0.0.1:PORT); else public_url."""
    hub: bool = False
    any_address: str = ""
    """Listening on every address (``--host 0.0.0.0``): the port, so any local IP address may be used."""
    _local: dict[str, bool] = field(default_factory=dict)
    catalogue: Catalogue | None = None
    live: dict[str, RoomLive] = field(default_factory=dict)
    submits: RateLimit = field(default_factory=lambda: RateLimit(burst=10, per_second=1))
    """Per participant: ten at once, then one a second (nobody writes cards faster)."""
    guesses: RateLimit = field(default_factory=lambda: RateLimit(burst=10, per_second=1 / 6))
    """Per address: wrong join codes, ten at once, then one every six seconds."""

    def known_host(self, host: str) -> bool:
        """A Host header this service answers to: one of its names, or (listening on every address) any
        address of this machine typed as digits, which no DNS rebinding can produce."""
        host = host.lower()
        if not self.hosts or host in self.hosts:
            return True
        if not self.any_address:
            return False
        name, _, port = host.rpartition(":")
        if port != self.any_address:
            return False
        if name not in self._local:
            self._local[name] = _is_local_address(name.strip("[]"))
        return self._local[name]

    def room(self, store: RoomStore) -> RoomLive:
        live = self.live.get(store.room_id)
        if live is None or live.store is not store:
            live = self.live[store.room_id] = RoomLive(store)
            self.announce(store)
        return live

    def announce(self, store: RoomStore) -> None:
        if self.public_url:
            store.set_urls(
                self.join_url(store), f"{(self.host_url or self.public_url).rstrip('/')}{self.base}"
            )

    def join_url(self, store: RoomStore) -> str:
        return f"{self.public_url.rstrip('/')}{self.base}j/{store.code}"

    def block_titles(self) -> Catalogue:
        if self.catalogue is None:
            self.catalogue = load_catalogue()
        return self.catalogue

    def watch(self) -> None:
        """Wake the pages of every room that changed (here, in another process, or in its session)."""
        for store in self.rooms.stores():
            live = self.room(store)
            changed = store.changed()
            moved = live.read_session()
            if changed or moved:
                live.notify()
            self.save_results(live)

    def save_results(self, live: RoomLive, soon: bool = False) -> None:
        """Write the results into the session document, off the event loop, one write at a time.

        Submissions are written at most every few seconds; the facilitator's actions (``soon``) at once,
        or right after the write under way."""
        live.soon = live.soon or soon
        if live.saving or live.store.version == live.saved:
            return
        now = time.monotonic()
        if not live.soon and (now < live.save_due or now - live.last_submission < QUIET_SECONDS):
            return  # during a burst the store alone takes the submissions; the document follows after
        live.saving, live.soon = True, False
        version, path = live.store.version, live.store.path

        def write() -> None:  # its own connection: reading the store never holds up a submission
            reader = RoomStore.open(path)
            try:
                record_results(reader.session_path, reader.results())
            finally:
                reader.close()

        async def run() -> None:
            try:
                await asyncio.get_running_loop().run_in_executor(None, write)
                live.saved = version
                live.forget_own_write()
            except PlaybookError as exc:
                log.warning("results not saved: %s", exc)
            finally:
                live.saving = False
                live.save_due = time.monotonic() + SAVE_SECONDS
                if live.soon:
                    self.save_results(live)

        live.task = asyncio.ensure_future(run())


def _is_local_address(text: str) -> bool:
    """Whether ``text`` is an IP address of this machine (only those can be bound to)."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((str(address), 0))
        except OSError:
            return False
    return True


def qr_svg(url: str) -> str:
    """The join URL as an inline SVG QR code (segno): a phone's camera opens the room from the beamer."""
    return segno.make(url or "-", error="m").svg_inline(border=2, dark="#000", light="#fff", omitsize=True)


SWITCH_SECONDS = 0.0005
"""How long one thread may hold the interpreter while another waits for it (Python's default: 5 ms).
The writer thread hands the interpreter back and forth with the event loop at every SQLite call; under
a burst, waiting up to 5 ms at each of them made a batch of submissions take a hundred times its work."""


async def serve_until_stopped(service: Service, server: Any) -> None:
    """Watch the rooms until SIGINT or SIGTERM; then answer the waiting pages and save every room."""
    sys.setswitchinterval(SWITCH_SECONDS)
    watcher = start_watching(service)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    watcher.stop()
    server.stop()
    await release(service)
    flush(service)


def start_watching(service: Service) -> PeriodicCallback:
    watcher = PeriodicCallback(service.watch, WATCH_SECONDS * 1000)
    watcher.start()
    return watcher


async def release(service: Service) -> None:
    """On the way out: answer every page still waiting for news, so none gets an error."""
    for live in service.live.values():
        live.closing = True
        live.notify()
    await asyncio.sleep(0.2)


def flush(service: Service) -> None:
    """Write every room's results into its session document now (on shutdown)."""
    for store in service.rooms.stores():
        try:
            record_results(store.session_path, store.results())
        except PlaybookError as exc:
            log.warning("results not saved: %s", exc)
