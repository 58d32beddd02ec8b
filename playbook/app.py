"""App mode: the facilitator's notebooks served by Voilà as a web app without code, on localhost.

The app runs the same notebooks on the same session documents as JupyterLab; only the code is hidden.
Voilà is started in this process with a traitlets ``Config`` (a few of its settings are not reachable
from its command line), our own page template (no stylesheets from a CDN) and only the notebooks of
the facilitator's path listed: the start page and 01–05, not the trainer's workshop folder.

Every request passes one :class:`Gate` before Voilà sees it. A web page elsewhere can make a browser
talk to this machine (DNS rebinding sends a foreign ``Host``; a hostile page sends its own ``Origin``),
so only the addresses the app serves are answered; off this machine, a token is required. Only the
notebooks of the path render, and no file is served from the folder: sessions and photos stay private.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import posixpath
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .errors import PlaybookError
from .i18n import message
from .paths import APP_PORT, assets_dir, notebooks_dir, playbook_folder

if TYPE_CHECKING:
    from traitlets.config import Config

PATH = (
    "00_start_here.ipynb",
    "01_brief_and_diagnosis.ipynb",
    "02_choose_interventions.ipynb",
    "03_design_the_session.ipynb",
    "04_export_the_handout.ipynb",
    "05_run_the_session.ipynb",
)
"""The notebooks the app serves, in the order of the facilitator's path."""
TEMPLATE = "playbook"
DEFAULT_PORT = APP_PORT
KERNEL_IDLE_SECONDS = 600
"""A closed page's kernel is stopped after this long; saving is immediate, so nothing is lost."""
CULL_INTERVAL_SECONDS = 60
"""How often the app looks for such kernels."""
REFILL_DELAY_SECONDS = 5
"""After a page takes its ready kernel, the next one for that page starts this much later: after the page
has drawn, so the two do not compete for the processor."""
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
TOKEN_COOKIE = "playbook-app-token"


@dataclass(frozen=True)
class Gate:
    """What the app answers: its own addresses, the notebooks of the path, and a token off loopback.

    ``hosts`` are the ``Host`` values (name:port) the app serves; None accepts any (an app listening on
    every interface, where the token is what keeps strangers out). ``token`` is None on loopback.
    """

    port: int
    hosts: frozenset[str] | None
    token: str | None
    notebooks: frozenset[str] = frozenset(PATH)

    def refusal(
        self, path: str, host: str | None, origin: str | None, remote: str, token: str | None = None
    ) -> tuple[int, str] | None:
        """(status, reason) when a request must not be answered, None when it may pass."""
        host = (host or "").lower()
        if not host:
            return 400, "a request without a Host"
        local = _is_loopback(remote) and host in {f"{n}:{self.port}" for n in LOOPBACK_NAMES}
        if not local:
            if self.token is None:
                return 403, f"this app answers only at http://127.0.0.1:{self.port}/ on this machine"
            if self.hosts is not None and host not in self.hosts:
                return 403, f"unknown address {host}"
            if not (token and hmac.compare_digest(token, self.token)):
                return 403, "open the address 'playbook app' printed, with its token"
        if origin is not None and origin.lower() != f"http://{host}":
            return 403, "a request from another site"
        return self._path_refusal(path)

    def _path_refusal(self, path: str) -> tuple[int, str] | None:
        raw = unquote(path)
        for form in (raw, posixpath.normpath(raw) if raw else "/"):  # as sent and as resolved: both must pass
            if form.startswith("/voila/render/"):
                if posixpath.normpath(form.removeprefix("/voila/render/")) not in self.notebooks:
                    return 404, "not one of the app's pages"
            elif form.startswith(("/voila/tree/", "/voila/api/contents/")) and form.rstrip("/") not in (
                "/voila/tree",
                "/voila/api/contents",
            ):
                return 404, "the app lists only its own pages"
            elif form.rstrip("/") == "/voila/files" or form.startswith("/voila/files/"):
                return 404, "the app serves no files from its folder"
        return None


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def make_gate(ip: str, port: int) -> Gate:
    """The gate for an app on ``ip``: loopback needs no token; any other address gets a fresh one."""
    if _is_loopback(ip):
        return Gate(port, frozenset(f"{n}:{port}" for n in LOOPBACK_NAMES), None)
    if ipaddress.ip_address(ip).is_unspecified:
        return Gate(port, None, secrets.token_urlsafe(24))
    names = {ip, f"[{ip}]" if ":" in ip else ip, socket.gethostname().lower(), socket.getfqdn().lower()}
    return Gate(
        port, frozenset(f"{n}:{port}" for n in names | set(LOOPBACK_NAMES)), secrets.token_urlsafe(24)
    )


@dataclass(frozen=True)
class AppPlan:
    """Everything needed to start the app, worked out (and checked) before Voilà is imported."""

    folder: Path
    port: int
    ip: str
    open_browser: bool
    hidden: tuple[str, ...]
    gate: Gate | None = None

    @property
    def url(self) -> str:
        """The app's front page: the facilitator's notebooks, in order (with the token it needs)."""
        shown = "127.0.0.1" if self.ip in ("0.0.0.0", "::") else self.ip
        host = f"[{shown}]" if ":" in shown else shown
        token = f"?token={self.gate.token}" if self.gate and self.gate.token else ""
        return f"http://{host}:{self.port}/{token}"


def free_port(ip: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


def plan(
    folder: str | Path | None = None,
    port: int | None = None,
    open_browser: bool = True,
    ip: str = "127.0.0.1",
) -> AppPlan:
    """Check the folder and port and decide what to hide; raises ``PlaybookError`` for a user mistake."""
    root = Path(folder).expanduser().resolve() if folder else _default_folder()
    if not root.is_dir():
        raise PlaybookError.at(root, "", message("errors.no_such_folder"))
    missing = [name for name in PATH if not (root / name).is_file()]
    if missing:
        raise PlaybookError.at(
            root,
            "",
            message("errors.not_a_playbook_folder", missing=", ".join(missing)),
        )
    if port is not None and not 0 < port < 65536:
        raise PlaybookError(message("errors.bad_port", port=port))
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise PlaybookError(message("errors.bad_ip", ip=ip)) from None
    chosen = port if port is not None else DEFAULT_PORT
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as s:
        try:
            s.bind((ip, chosen))
        except OSError:
            if port is not None:
                raise PlaybookError(message("errors.port_in_use", port=port)) from None
            chosen = free_port(ip)
    hidden = (*sorted(p.name for p in root.iterdir() if p.name not in PATH), "*.bak")
    gate = make_gate(ip, chosen)
    return AppPlan(root, chosen, ip, open_browser and gate.token is None, hidden, gate)


def _default_folder() -> Path:
    """The playbook folder the working directory is in (``playbook init``), else the shipped notebooks."""
    return playbook_folder() or notebooks_dir()


def serve(app: AppPlan) -> None:
    """Start Voilà on ``app`` and serve until interrupted (Ctrl-C)."""
    from traitlets.config import Config

    # Voilà finds templates on the Jupyter data path (our template is assets/voila/templates/playbook);
    # kernels inherit it, which is harmless.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(assets_dir()), os.environ.get("JUPYTER_PATH", "")) if p
    )
    config = Config()
    config.ContentsManager.hide_globs = [*app.hidden, "__pycache__", "*.pyc", ".ipynb_checkpoints"]
    config.VoilaConfiguration.template = TEMPLATE
    config.VoilaConfiguration.show_tracebacks = False
    config.VoilaConfiguration.file_allowlist = []  # no file of the folder is served (the gate says so too)
    # Voilà asks to shut a page's kernel down when the page closes, but that request is refused for a
    # missing XSRF token (voila-dashboards/voila#1458). Kernels of closed pages are culled instead, so a
    # day of clicking through the app does not pile up kernels; an open page keeps its kernel.
    config.MappingKernelManager.cull_interval = CULL_INTERVAL_SECONDS
    config.MappingKernelManager.cull_idle_timeout = KERNEL_IDLE_SECONDS
    config.MappingKernelManager.cull_connected = False
    _keep_kernels_ready(config, app)
    args = [
        str(app.folder),
        f"--port={app.port}",
        f"--Voila.ip={app.ip}",
        "--Voila.port_retries=0",
        f"--Voila.open_browser={app.open_browser}",
    ]
    print(message("cli.app_serves", url=app.url, folder=app.folder), flush=True)
    if app.gate is not None and app.gate.token:
        print(message("cli.app_others"), flush=True)
    gated_voila(app.gate or make_gate(app.ip, app.port)).launch_instance(args, config=config)


def gated_voila(gate: Gate) -> Any:
    """Voilà with every request handler behind ``gate`` (static files and kernel sockets included)."""
    import tornado.web
    from voila.app import Voila

    class Gated:
        def prepare(self: Any) -> Any:
            request = self.request
            offered = (
                self.get_query_argument("token", None)
                or self.get_cookie(TOKEN_COOKIE)
                or request.headers.get("Authorization", "").removeprefix("token ").strip()
                or None
            )
            refused = gate.refusal(
                request.path,
                request.headers.get("Host"),
                request.headers.get("Origin"),
                request.remote_ip,
                offered,
            )
            if refused:
                raise tornado.web.HTTPError(refused[0], reason=refused[1])
            if gate.token and self.get_query_argument("token", None):
                self.set_cookie(TOKEN_COOKIE, gate.token, httponly=True, samesite="Strict")
            return super().prepare()  # type: ignore[misc]

    def guarded(handler: tuple[Any, ...]) -> tuple[Any, ...]:
        pattern, cls, *rest = handler
        return (pattern, type(cls.__name__, (Gated, cls), {}), *rest)

    class PlaybookVoila(Voila):  # type: ignore[misc]
        def init_handlers(self) -> list[Any]:
            return [guarded(h) for h in super().init_handlers()]

    return PlaybookVoila


def _keep_kernels_ready(config: Config, app: AppPlan) -> None:
    """One kernel ready per page of the path, preheated as far as the session and no further.

    A cold kernel spends seconds on Python, ipywidgets, matplotlib and the playbook before the page shows
    anything. Voilà's preheated kernels do that before the request, but a kernel that ran its notebook to
    the end would show the session as it was when it started; ``playbook.ui.preheat`` stops it where the
    notebook opens the session, until the page is requested. Only the path's pages get a kernel (not
    the trainer's workshop), one each, so an idle app holds six kernels.
    """
    config.VoilaConfiguration.preheat_kernel = True
    ready = {"pool_size": 1, "kernel_env_variables": {"VOILA_APP_IP": app.ip}}
    config.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": 0}} | dict.fromkeys(PATH, ready)
    config.VoilaKernelManager.fill_delay = REFILL_DELAY_SECONDS
