"""The participation service on Tornado: the phone page, the facilitator's page and the projected view.

One process serves one session (``playbook room FILE``) or, on JupyterHub, every facilitator's rooms
(``hub.py``); ``rooms`` keeps them. The store is the authority; this module only checks who may ask (the participant's signed
cookie per room, the facilitator's token or hub login, the Host and Origin headers, CSRF tokens, length and rate
limits), hands submissions to the store and tells waiting pages that something changed. Pages are
rendered by ``pages`` (autoescaping Jinja) and sent with a strict Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import random
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tornado import web

from ..errors import PlaybookError
from ..i18n import LANGUAGE_NAMES, LANGUAGES, t
from ..participation import (
    OPTION_MAX,
    SCALES,
    TEXT_MAX,
    WORD_MAX,
    ActivitySpec,
    RefusedError,
    Submission,
    valid_sid,
)
from . import pages
from .rooms import POLL_SECONDS, POLL_SPREAD, RoomLive, Service, qr_svg
from .store import CODE_LENGTH, Activity, RoomStore

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""Only the room's own script, stylesheets and requests; nothing inline, nothing from elsewhere."""
BODY_MAX = 16 * 1024
"""Largest request body a page may send: a card is 280 characters, a vote's options a few kilobytes."""
REFUSED_STATUS = {
    "rate": 429, "not_joined": 403, "room_closed": 403, "activity_closed": 409, "person_limit": 409,
    "item_limit": 409, "entries_limit": 409, "nothing_to_take_back": 409, "replayed": 409,
}  # fmt: skip
"""Refusals that depend on the room's state are conflicts; malformed or too long input is a bad request."""


# ------------------------------------------------------------------------------------------- handlers


class Base(web.RequestHandler):
    """Headers every answer carries, the Host check, and errors as pages (never a traceback)."""

    def initialize(self, service: Service) -> None:
        self.service = service

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header(
            "Referrer-Policy", "same-origin"
        )  # no address to other sites; our forms keep their Origin
        self.set_header("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        self.set_header("Cross-Origin-Opener-Policy", "same-origin")
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        if not self.service.known_host(self.request.host):
            raise web.HTTPError(400, reason="Unknown host")
        origin = self.request.headers.get("Origin")
        if origin is not None and not self.own_origin(urlsplit(origin).netloc.lower()):
            # A page of another site (or a sandboxed one, "null") making a browser ask: the cookies of
            # the room's own pages would go along, so nothing is answered, whatever the method.
            raise web.HTTPError(403, reason="Another site")
        if len(self.request.body or b"") > BODY_MAX:
            raise web.HTTPError(413)

    def own_origin(self, netloc: str) -> bool:
        """The page asking is one of this service's own: the address asked, or (behind JupyterHub's
        proxy, which passes the service its own address as Host) one of the names it answers to."""
        return netloc == self.request.host.lower() or (
            bool(self.service.hosts) and self.service.known_host(netloc)
        )

    def check_xsrf_cookie(self) -> None:
        """A request with the facilitator's token in its header cannot come from another site's form."""
        if self.request.headers.get("Authorization", "").startswith("Bearer "):
            return
        super().check_xsrf_cookie()

    async def answer_news(
        self, live: RoomLive, version: Callable[[], str], render: Callable[[], str], phone: bool = False
    ) -> None:
        """Long poll: answer once ``version()`` differs from the one the page has (or after a while)."""
        seen = self.get_query_argument("v", "")
        wait = POLL_SECONDS * (1 - POLL_SPREAD * random.random())
        await live.wait(lambda: version() != seen, wait, phone)
        if self.request.connection.stream.closed():  # type: ignore[union-attr]
            return
        now = version()
        self.json({"v": now, "html": render() if now != seen else None})

    @property
    def wants_json(self) -> bool:
        return "application/json" in self.request.headers.get("Accept", "")

    def lang_for(self, store: RoomStore | None) -> str:
        chosen = self.get_cookie("pb_lang")
        if chosen in LANGUAGES:
            return chosen  # type: ignore[return-value]
        return store.lang if store else "en"

    def page(self, name: str, lang: str, **context: Any) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(pages.render(name, lang, **{"base": self.service.base, **context}))

    def json(self, data: dict[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))

    def refuse(self, status: int, message: str, lang: str) -> None:
        if self.wants_json:
            self.json({"ok": False, "message": message}, status)
        else:
            self.set_status(status)
            self.page("message.html", lang, heading=message, text="", show_form=False)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        lang = self.lang_for(None)
        message = {
            400: t("room.refused.bad_request", lang),
            403: t("room.refused.bad_request", lang),
            404: t("room.enter.unknown", lang),
            413: t("room.refused.too_long", lang, limit=BODY_MAX),
            429: t("room.refused.rate", lang),
        }.get(status_code, self._reason)
        if status_code == 400 and self._reason == "Unknown host":
            message = self._reason
        self.refuse(status_code, message, lang)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class Participant(Base):
    """A participant's request to one room, found by its join code; the cookie says who (anonymously)."""

    store: RoomStore
    who: str | None

    def find(self, code: str) -> RoomStore:
        code = code.strip().upper()
        store = self.service.rooms.by_code(code) if len(code) == CODE_LENGTH else None
        if store is None:
            if not self.service.guesses.allow(self.request.remote_ip or ""):
                raise web.HTTPError(429)
            raise web.HTTPError(404)
        self.store = store
        self.who = self.get_signed_cookie(self.cookie_name, max_age_days=7)
        return store

    @property
    def cookie_name(self) -> str:
        return f"pb_{self.store.room_id}"

    @property
    def here(self) -> str:
        return f"{self.service.base}j/{self.store.code}"

    async def joined(self) -> str:
        """The participant's id in this room, made (and kept in a signed cookie) on the first visit."""
        if self.who:
            return self.who.decode() if isinstance(self.who, bytes) else self.who
        who = secrets.token_hex(12)
        self.set_signed_cookie(
            self.cookie_name, who, expires_days=7, path=self.service.base, httponly=True, samesite="Lax",
            secure=self.request.protocol == "https",
        )  # fmt: skip
        self.who = who.encode()
        await self.service.room(self.store).submit(who, None, "en")
        return who

    def participant(self) -> str:
        if not self.who:
            raise RefusedError("not_joined", self.lang_for(self.store))
        return self.who.decode() if isinstance(self.who, bytes) else self.who

    def version(self, live: RoomLive) -> str:
        return f"{self.store.public}.{live.clock_gen}"

    def fragment(self, live: RoomLive, who: str, lang: str, message: str = "") -> str:
        return pages.render("_phone.html", lang, **self.context(live, who, lang, message))

    def context(self, live: RoomLive, who: str, lang: str, message: str = "") -> dict[str, Any]:
        base = self.context_base(lang)
        view = pages.phone_view(self.store, who, lang)
        return {
            **base,
            "view": view,
            "sections": [pages.activity_html(item, lang, base) for item in view["activities"]],
            "clock": pages.clock_view(live.session, self.service.block_titles(), lang, dt.datetime.now()),
            "message": message,
        }

    def context_base(self, lang: str) -> dict[str, Any]:
        return {
            "base": self.service.base,
            "here": self.here,
            "xsrf": self.xsrf_form_html(),
            "limits": {"word": WORD_MAX, "text": TEXT_MAX},
            "scales": SCALES,
            "kind_label": pages.kind_label,
            "option_label": pages.option_label,
        }

    async def show(self, message: str = "", status: int = 200) -> None:
        live = self.service.room(self.store)
        lang = self.lang_for(self.store)
        who = await self.joined()
        self.set_status(status)
        self.page(
            "phone.html", lang, title=self.title(live), v=self.version(live),
            languages=list(LANGUAGE_NAMES.items()), **self.context(live, who, lang, message),
        )  # fmt: skip

    def title(self, live: RoomLive) -> str:
        return live.session.title if live.session else self.store.meta.get("title", "")


class EnterHandler(Base):
    """``/j/``: type the join code (for a phone that cannot scan the QR code)."""

    def get(self) -> None:
        code = self.get_query_argument("code", "").strip().upper()
        if code:
            self.redirect(f"{self.service.base}j/{''.join(c for c in code if c.isalnum())[:12]}")
            return
        lang = self.lang_for(None)
        self.page("message.html", lang, heading=t("room.enter.heading", lang), text="", show_form=True)


class JoinHandler(Participant):
    async def get(self, code: str) -> None:
        store = self.find(code)
        lang = self.lang_for(store)
        if not store.is_open:
            self.set_status(403)
            self.page("message.html", lang, heading=t("room.enter.closed", lang), text="", show_form=False)
            return
        await self.show()


class LanguageHandler(Participant):
    def get(self, code: str) -> None:
        self.find(code)
        to = self.get_query_argument("to", "")
        if to in LANGUAGES:
            self.set_cookie("pb_lang", to, path=self.service.base, samesite="Lax", expires_days=30)
        self.redirect(self.here)


class StateHandler(Participant):
    """Long poll: answers when what this phone shows has changed, or after a while anyway."""

    async def get(self, code: str) -> None:
        store = self.find(code)
        lang = self.lang_for(store)
        try:
            who = self.participant()
        except RefusedError as exc:
            self.json({"ok": False, "message": str(exc)}, 403)
            return
        live = self.service.room(store)
        await self.answer_news(
            live, lambda: self.version(live), lambda: self.fragment(live, who, lang), phone=True
        )


class SubmitHandler(Participant):
    """One submission from a phone: checked at the door, decided by the store, acknowledged after commit."""

    async def post(self, code: str) -> None:
        store = self.find(code)
        lang = self.lang_for(store)
        live = self.service.room(store)
        try:
            who = self.participant()
            if not self.service.submits.allow(f"{store.room_id}:{who}"):
                raise RefusedError("rate", lang)
            submission = self.submission(lang)
            outcome = await live.submit(who, submission, lang)
            activity = store.activity(submission.activity)
        except RefusedError as exc:
            status = REFUSED_STATUS.get(exc.code, 400)
            if self.wants_json:
                self.json({"ok": False, "code": exc.code, "message": str(exc)}, status)
            elif exc.code == "not_joined":
                self.redirect(self.here)
            else:
                await self.show(str(exc), status)
            return
        live.notify()
        if self.wants_json:  # the activity just changed on this phone, redrawn alone
            self.json({**outcome, "id": f"a{activity.id}", "section": self.section(activity, who, lang)})
        else:
            self.redirect(self.here, status=303)

    def section(self, activity: Activity, who: str, lang: str) -> str:
        if not activity.is_open:
            return ""
        item = pages.phone_activity(self.store, who, activity, lang)
        return pages.activity_html(item, lang, self.context_base(lang))

    def submission(self, lang: str) -> Submission:
        arg = self.get_body_argument
        sid, activity = arg("sid", ""), arg("activity", "")
        if not valid_sid(sid) or not activity.isdigit():
            raise RefusedError("bad_request", lang)
        return Submission(
            sid, int(activity), text=arg("text", ""), mood=arg("mood", ""), item=arg("item", ""),
            take_back=arg("op", "") == "take_back",
        )  # fmt: skip


# ----------------------------------------------------------------------------------- the facilitator


class Facilitator(Base):
    """The facilitator's requests: the token of the room (locally) or the hub user who owns it."""

    store: RoomStore

    def find(self, room_id: str) -> RoomStore:
        store = self.service.rooms.by_id(room_id)
        if store is None:
            raise web.HTTPError(404)
        self.store = store
        return store

    def allowed(self) -> bool:
        given = self.request.headers.get("Authorization", "")
        if given.startswith("Bearer "):
            return hmac.compare_digest(given[7:].strip().encode(), self.store.meta["token"].encode())
        return self.hub_user() == self.store.meta.get("owner") and bool(self.store.meta.get("owner"))

    def hub_user(self) -> str | None:
        return None  # the hub's handlers (hub.py) say who is logged in

    def authorize(self) -> bool:
        if self.allowed():
            return True
        self.json({"ok": False, "message": t("room.refused.bad_request", self.lang_for(self.store))}, 403)
        return False

    def shell(self, name: str) -> None:
        live = self.service.room(self.store)
        self.page(
            name, self.lang_for(self.store), room=self.store.room_id, title=self.title(live),
            auth="hub" if self.service.hub else "token", xsrf=_text(self.xsrf_token),
        )  # fmt: skip

    def title(self, live: RoomLive) -> str:
        return live.session.title if live.session else self.store.meta.get("title", "")

    def host_version(self, live: RoomLive) -> str:
        return f"{self.store.version}.{live.clock_gen}.{int(live.preview)}"

    def host_fragment(self, live: RoomLive, message: str = "") -> str:
        lang = self.lang_for(self.store)
        return pages.render(
            "_host.html", lang, base=self.service.base, room=self.store.room_id, message=message,
            view=pages.host_view(self.store, live.preview, lang), xsrf=self.xsrf_form_html(),
            qr=qr_svg(self.store.meta.get("join_url", "")), kind_label=pages.kind_label,
        )  # fmt: skip


class HostPage(Facilitator):
    def get(self, room_id: str) -> None:
        self.find(room_id)
        self.shell("host.html")


class ScreenPage(Facilitator):
    def get(self, room_id: str) -> None:
        self.find(room_id)
        self.shell("screen.html")


class HostState(Facilitator):
    async def get(self, room_id: str) -> None:
        self.find(room_id)
        if not self.authorize():
            return
        live = self.service.room(self.store)
        await self.answer_news(live, lambda: self.host_version(live), lambda: self.host_fragment(live))


class ScreenState(Facilitator):
    async def get(self, room_id: str) -> None:
        self.find(room_id)
        if not self.authorize():
            return
        live = self.service.room(self.store)

        def render() -> str:
            lang = self.lang_for(self.store)
            return pages.render(
                "_screen.html", lang, title=self.title(live), view=pages.screen_view(self.store),
                clock=pages.clock_view(live.session, self.service.block_titles(), lang, dt.datetime.now()),
                qr=qr_svg(self.store.meta.get("join_url", "")), kind_label=pages.kind_label,
                bars=pages.bars, cloud=pages.cloud,
            )  # fmt: skip

        await self.answer_news(live, lambda: f"{self.store.version}.{live.clock_gen}", render)


class HostAction(Facilitator):
    """Open, close, reveal, hide, merge, remove, put on screen, close the room: one POST each."""

    def post(self, room_id: str) -> None:
        store = self.find(room_id)
        if not self.authorize():
            return
        live = self.service.room(store)
        message = ""
        try:
            self.act(live, self.get_body_argument("action", ""))
        except PlaybookError as exc:
            message = str(exc)
        live.notify()
        self.service.save_results(live, soon=True)
        status = 200 if not message else 400
        self.json({"ok": not message, "message": message, "v": self.host_version(live),
                   "html": self.host_fragment(live, message)}, status)  # fmt: skip

    def number(self, name: str) -> int:
        value = self.get_body_argument(name, "")
        if not value.isdigit():
            raise PlaybookError(t("room.refused.bad_request", self.lang_for(self.store)))
        return int(value)

    def act(self, live: RoomLive, action: str) -> None:
        store = self.store
        if action == "open":
            source = self.get_body_argument("source", "")
            options = self.get_body_argument("options", "").splitlines()
            spec = ActivitySpec(
                self.get_body_argument("kind", ""), self.get_body_argument("prompt", ""),
                tuple(o[: OPTION_MAX * 2] for o in options), int(source) if source.isdigit() else None,
                self.number("per_person") if self.get_body_argument("per_person", "") else 3,
                self.number("per_item") if self.get_body_argument("per_item", "") else 1,
            )  # fmt: skip
            store.open_activity(spec, live.current_block())
        elif action in ("close", "reopen"):
            store.set_activity_open(self.number("activity"), action == "reopen")
        elif action in ("reveal_all", "hide_all"):
            store.show_results(self.number("activity"), action == "reveal_all")
        elif action in ("reveal", "hide", "remove"):
            store.set_entry(
                self.number("entry"), {"reveal": "shown", "hide": "hidden"}.get(action, "removed")
            )
        elif action == "merge":
            store.merge(self.number("entry"), self.number("into"))
        elif action == "screen":
            store.put_on_screen(self.number("activity"))
        elif action in ("close_room", "open_room"):
            store.set_open(action == "open_room")
        elif action == "new_code":
            store.new_code()
            self.service.announce(store)
        elif action == "preview":
            live.preview = self.get_body_argument("on", "") == "1"
        else:
            raise PlaybookError(t("room.refused.bad_request", self.lang_for(store)))


class RootHandler(Base):
    def get(self) -> None:
        self.redirect(f"{self.service.base}j/")


def routes(service: Service, facilitator: Callable[[type], type] = lambda cls: cls) -> list[Any]:
    """The URL map under ``service.base``; ``facilitator`` lets the hub add its login to those handlers."""
    b = service.base
    code, room = r"([A-Za-z0-9]{1,12})", r"([0-9a-f]{16})"
    kw = {"service": service}
    return [
        (rf"{b}j/?", EnterHandler, kw),
        (rf"{b}j/{code}", JoinHandler, kw),
        (rf"{b}j/{code}/lang", LanguageHandler, kw),
        (rf"{b}j/{code}/state", StateHandler, kw),
        (rf"{b}j/{code}/submit", SubmitHandler, kw),
        (rf"{b}host/{room}", facilitator(HostPage), kw),
        (rf"{b}host/{room}/state", facilitator(HostState), kw),
        (rf"{b}host/{room}/act", facilitator(HostAction), kw),
        (rf"{b}screen/{room}", facilitator(ScreenPage), kw),
        (rf"{b}screen/{room}/state", facilitator(ScreenState), kw),
        (rf"{b}static/(.*)", StaticHandler, {"path": str(pages.room_assets() / "static")}),
    ]


class StaticHandler(web.StaticFileHandler):
    """The room's stylesheet and script, with the same headers as every page."""

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Content-Type-Options", "nosniff")


def make_app(service: Service, extra: list[Any] | None = None, **settings: Any) -> web.Application:
    app = web.Application(
        [*(extra or []), *routes(service, settings.pop("facilitator", lambda cls: cls))],
        cookie_secret=service.rooms.cookie_secret,
        xsrf_cookies=True,
        xsrf_cookie_kwargs={"httponly": True, "samesite": "Strict", "path": service.base},
        serve_traceback=False,
        compress_response=True,
        default_handler_class=NotFound,
        default_handler_args={"service": service},
        **settings,
    )
    return app


class NotFound(Base):
    def prepare(self) -> None:
        super().prepare()
        raise web.HTTPError(404)
