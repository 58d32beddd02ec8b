"""``playbook room FILE``: the room of one session, served from the facilitator's laptop.

It listens on 127.0.0.1 unless told otherwise: the room's wifi needs ``--host 0.0.0.0``, and then anyone on
that network who knows the join code can take part (never more: the facilitator's pages need the token
printed here, which is in no join link). The join URL is built from the address phones can reach.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import PlaybookError
from ..i18n import message, t
from ..session import SessionFile
from .store import check_store_file, store_path

DEFAULT_PORT = 8870


@dataclass(frozen=True)
class RoomPlan:
    """Where the room listens and how phones reach it, worked out (and checked) before anything starts."""

    session: Path
    host: str
    port: int
    public_host: str
    """The address in the join URL: the machine's address on the room's network when listening on all."""
    hosts: frozenset[str]

    @property
    def public_url(self) -> str:
        host = f"[{self.public_host}]" if ":" in self.public_host else self.public_host
        return f"http://{host}:{self.port}"


def lan_address() -> str:
    """The address other machines on the network reach this one at (no packet is sent to find it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # a documentation address: only the route is looked up
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def plan(file: str | Path, host: str = "127.0.0.1", port: int | None = None) -> RoomPlan:
    """Check the session file, the address and the port; raises ``PlaybookError`` for a user mistake."""
    path = Path(file).expanduser().resolve()
    SessionFile.open(path)  # a clear message for a missing or broken session, before anything listens
    check_store_file(store_path(path))  # and for a file of the room's name that is no room
    if port is not None and not 0 < port < 65536:
        raise PlaybookError(f"--port {port} is not a port number (1–65535)")
    chosen = port if port is not None else DEFAULT_PORT
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Tornado will: a restart reuses it
        try:
            s.bind((host, chosen))
        except OSError as exc:
            if port is not None or exc.errno not in (98, 48):  # EADDRINUSE on Linux, macOS
                raise PlaybookError(
                    message("errors.cannot_listen", host=host, port=chosen, reason=exc.strerror)
                ) from None
            s.bind((host, 0))
            chosen = int(s.getsockname()[1])
    everywhere = host in ("0.0.0.0", "::", "")
    public = lan_address() if everywhere else host
    names = {"127.0.0.1", "localhost", "[::1]", public, host}
    if everywhere:
        names |= {socket.gethostname(), f"{socket.gethostname()}.local"}
    hosts = frozenset(f"{n.lower()}:{chosen}" for n in names if n) | (
        frozenset(n.lower() for n in names if n) if chosen == 80 else frozenset()
    )
    return RoomPlan(path, host, chosen, public, hosts)


def serve(room: RoomPlan, out: object = None) -> None:
    """Serve the room until interrupted; the results are written into the session on the way out."""
    from .rooms import OneRoom, Service, serve_until_stopped
    from .service import BODY_MAX, make_app
    from .store import RoomStore

    session = SessionFile.open(room.session).session
    store = RoomStore.create(room.session, session.title, session.language)
    service = Service(
        OneRoom(store), hosts=room.hosts, public_url=room.public_url, host_url=f"http://127.0.0.1:{room.port}",
        any_address=str(room.port) if room.host in ("0.0.0.0", "::", "") else "",
    )  # fmt: skip

    async def main() -> None:
        app = make_app(service)
        server = app.listen(room.port, address=room.host, max_body_size=BODY_MAX * 4)
        service.room(store)
        service.block_titles()  # the catalogue, read before the first phone asks for the clock
        store.set_pid(os.getpid())
        announce(room, store, session.language)
        await serve_until_stopped(service, server)
        store.set_pid(0)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


def announce(room: RoomPlan, store: object, lang: str) -> None:
    """Print the join URL with its QR code, and the facilitator's links (with the token, for them only)."""
    import segno

    join = store.meta["join_url"]  # type: ignore[attr-defined]
    token = store.meta["token"]  # type: ignore[attr-defined]
    local = store.meta["host_url"].rstrip("/")  # type: ignore[attr-defined]
    print(f"playbook room: {room.session.name}", flush=True)
    print(f"  {t('room.host.join_at', lang)}: {join}   ({t('room.host.code', lang, code=store.code)})")  # type: ignore[attr-defined]
    with contextlib.suppress(Exception):  # a terminal without the characters still gets the URL
        segno.make(join, error="m").terminal(out=sys.stdout, compact=True, border=2)
    print(f"  {t('room.host.console', lang)}: {local}/host/{store.room_id}#token={token}")  # type: ignore[attr-defined]
    print(f"  {t('room.host.screen', lang)}: {local}/screen/{store.room_id}#token={token}")  # type: ignore[attr-defined]
    if room.host in ("127.0.0.1", "localhost", "::1"):
        print(f"  ({t('room.cli.local_only', lang)})")
    print(f"  {t('room.cli.stop', lang)}", flush=True)
