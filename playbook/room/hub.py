"""The room as a JupyterHub service: one process at ``/services/room/`` for every facilitator on the hub.

A trainer logs in through the hub (OAuth), sees the session documents of their own playbook and opens a
room for one; its store sits beside that session, so notebook 05 in their JupyterLab shows the same room.
Participants need no hub account: the join pages under ``/services/room/j/CODE`` ask for nothing but the
code. A room's facilitator pages answer to the hub user who opened it, and to nobody else.

Started by the hub (``deploy/jupyterhub/jupyterhub_config.py``) as::

    python -m playbook.room.hub --sessions '/home/{user}/playbook/sessions' --state DIR --allow-host HOST:PORT
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import os
import secrets
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from tornado import web

from ..errors import PlaybookError
from ..session import SUFFIX, SessionFile
from .rooms import Rooms, Service, serve_until_stopped
from .service import BODY_MAX, Base, make_app
from .store import RoomStore, store_path


class HubRooms(Rooms):
    """Every room opened on the hub, remembered in a small registry so a restart serves them again."""

    def __init__(self, state: Path, sessions: str) -> None:
        state.mkdir(parents=True, exist_ok=True)
        self.sessions = sessions
        secret = state / "cookie_secret"
        if not secret.exists():
            fd = os.open(secret, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(32))
        self.cookie_secret = secret.read_text().strip()
        self.db = sqlite3.connect(state / "rooms.sqlite", isolation_level=None)
        self.db.execute("create table if not exists rooms (room text primary key, owner text, path text)")
        self.open: dict[str, RoomStore] = {}
        for room, _owner, path in self.db.execute("select room, owner, path from rooms").fetchall():
            if Path(path).is_file():
                self.open[room] = RoomStore.open(path)

    def folder(self, user: str) -> Path:
        return Path(self.sessions.format(user=user)).resolve()

    def session_files(self, user: str) -> list[dict[str, Any]]:
        """The user's session documents, each with its room if one was opened."""
        folder = self.folder(user)
        found = []
        for path in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []:
            try:
                title = SessionFile.open(path).session.title
            except PlaybookError:
                continue
            room = next((r for r, s in self.open.items() if s.path == store_path(path.resolve())), None)
            found.append({"file": path.name, "title": title, "room": room})
        return found

    def open_room(self, user: str, file: str) -> RoomStore:
        """The room of one of the user's own sessions: a plain file name inside their sessions folder."""
        folder = self.folder(user)
        path = (folder / file).resolve()
        if "/" in file or not file.endswith(SUFFIX) or path.parent != folder or not path.is_file():
            raise web.HTTPError(404)
        session = SessionFile.open(path).session
        store = RoomStore.create(path, session.title, session.language, owner=user)
        if store.meta.get("owner") != user:  # a room someone else opened on this file
            raise web.HTTPError(403)
        while any(
            hmac.compare_digest(s.code, store.code) for r, s in self.open.items() if r != store.room_id
        ):
            store.new_code()
        self.open[store.room_id] = store
        self.db.execute(
            "insert or replace into rooms values (?, ?, ?)", (store.room_id, user, str(store.path))
        )
        return store

    def by_code(self, code: str) -> RoomStore | None:
        return next((s for s in self.open.values() if hmac.compare_digest(code, s.code)), None)

    def by_id(self, room_id: str) -> RoomStore | None:
        return self.open.get(room_id)

    def stores(self) -> list[RoomStore]:
        return list(self.open.values())


def _hub_mixin() -> type:
    from jupyterhub.services.auth import HubOAuthenticated

    return HubOAuthenticated


def hub_facilitator(cls: type) -> type:
    """A facilitator's handler that knows the hub user; pages send a visitor who is not logged in to the
    hub's login, requests for data get a plain refusal."""
    mixin = _hub_mixin()

    class Hub(mixin, cls):  # type: ignore[misc, valid-type]
        def hub_user(self) -> str | None:
            user = self.current_user
            return user.get("name") if isinstance(user, dict) else None

        def shell(self, name: str) -> None:
            if self.current_user is None:
                self.redirect(self.get_login_url())
                return
            if not self.allowed():
                raise web.HTTPError(403)
            super().shell(name)

    Hub.__name__ = f"Hub{cls.__name__}"
    return Hub


class HubIndex(Base):
    """The trainer's own sessions, each with a button that opens its room."""

    def get(self) -> None:
        user = self.hub_user()
        if user is None:
            self.redirect(self.get_login_url())
            return
        rooms: HubRooms = self.service.rooms  # type: ignore[assignment]
        self.page(
            "hub.html", self.lang_for(None), sessions=rooms.session_files(user), xsrf=self.xsrf_form_html()
        )

    def post(self) -> None:
        user = self.hub_user()
        if user is None:
            raise web.HTTPError(403)
        rooms: HubRooms = self.service.rooms  # type: ignore[assignment]
        store = rooms.open_room(user, self.get_body_argument("file", ""))
        base = f"{self.request.protocol}://{self.request.host}{self.service.base}"
        store.set_urls(f"{base}j/{store.code}", base)
        self.redirect(f"{self.service.base}host/{store.room_id}")

    def hub_user(self) -> str | None:
        user = self.current_user
        return user.get("name") if isinstance(user, dict) else None


def make_hub_app(service: Service) -> web.Application:
    from jupyterhub.services.auth import HubOAuthCallbackHandler

    mixin = _hub_mixin()
    index = type("HubRoomIndex", (mixin, HubIndex), {})
    b = service.base
    extra = [
        (rf"{b}?", index, {"service": service}),
        (rf"{b}rooms", index, {"service": service}),
        (rf"{b}oauth_callback", HubOAuthCallbackHandler),
    ]
    return make_app(service, extra, facilitator=hub_facilitator)


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m playbook.room.hub", description=__doc__.splitlines()[0])
    p.add_argument("--sessions", required=True, help="each user's sessions folder, with {user}")
    p.add_argument("--state", required=True, type=Path, help="where the service keeps its registry")
    p.add_argument("--allow-host", action="append", default=[], help="a Host header to answer (HOST:PORT)")
    args = p.parse_args(argv)
    own = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/room/")
    hosts = frozenset(h.lower() for h in [*args.allow_host, own.netloc] if h)
    service = Service(HubRooms(args.state, args.sessions), base=prefix, hosts=hosts, hub=True)

    async def run() -> None:
        service.block_titles()  # the catalogue, read before the first phone asks for the clock
        app = make_hub_app(service)
        server = app.listen(own.port or 80, address=own.hostname or "127.0.0.1", xheaders=True,
                            max_body_size=BODY_MAX * 4)  # fmt: skip
        await serve_until_stopped(service, server)

    asyncio.run(run())


if __name__ == "__main__":
    main()
