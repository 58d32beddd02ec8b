"""App mode: the facilitator's notebooks served by Voilà as a web app without code, on localhost.

The app runs the same notebooks on the same session documents as JupyterLab; only the code is hidden.
Voilà is started in this process with a traitlets ``Config`` (a few of its settings are not reachable
from its command line), our own page template (no stylesheets from a CDN) and only the notebooks of
the facilitator's path listed: the start page and 01–05, not the trainer's workshop folder.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PlaybookError
from .paths import assets_dir, notebooks_dir, playbook_folder

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
DEFAULT_PORT = 8866
KERNEL_IDLE_SECONDS = 600
"""A closed page's kernel is stopped after this long; saving is immediate, so nothing is lost."""
CULL_INTERVAL_SECONDS = 60
"""How often the app looks for such kernels."""
REFILL_DELAY_SECONDS = 5
"""After a page takes its ready kernel, the next one for that page starts this much later: after the page
has drawn, so the two do not compete for the processor."""


@dataclass(frozen=True)
class AppPlan:
    """Everything needed to start the app, worked out (and checked) before Voilà is imported."""

    folder: Path
    port: int
    ip: str
    open_browser: bool
    hidden: tuple[str, ...]

    @property
    def url(self) -> str:
        """The app's front page: the facilitator's notebooks, in order."""
        return f"http://{self.ip}:{self.port}/"


def free_port(ip: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as s:
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
        raise PlaybookError.at(root, "", "no such folder; make one with 'playbook init FOLDER'")
    missing = [name for name in PATH if not (root / name).is_file()]
    if missing:
        raise PlaybookError.at(
            root,
            "",
            f"not a playbook folder ({', '.join(missing)} missing); make one with 'playbook init FOLDER'",
        )
    if port is not None and not 0 < port < 65536:
        raise PlaybookError(f"--port {port} is not a port number (1–65535)")
    chosen = port if port is not None else DEFAULT_PORT
    with socket.socket() as s:
        try:
            s.bind((ip, chosen))
        except OSError:
            if port is not None:
                raise PlaybookError(f"port {port} is in use; choose another with --port") from None
            chosen = free_port(ip)
    hidden = (*sorted(p.name for p in root.iterdir() if p.name not in PATH), "*.bak")
    return AppPlan(root, chosen, ip, open_browser, hidden)


def _default_folder() -> Path:
    """The playbook folder the working directory is in (``playbook init``), else the shipped notebooks."""
    return playbook_folder() or notebooks_dir()


def serve(app: AppPlan) -> None:
    """Start Voilà on ``app`` and serve until interrupted (Ctrl-C)."""
    from traitlets.config import Config
    from voila.app import Voila

    # Voilà finds templates on the Jupyter data path (our template is assets/voila/templates/playbook);
    # kernels inherit it, which is harmless.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(assets_dir()), os.environ.get("JUPYTER_PATH", "")) if p
    )
    config = Config()
    config.ContentsManager.hide_globs = [*app.hidden, "__pycache__", "*.pyc", ".ipynb_checkpoints"]
    config.VoilaConfiguration.template = TEMPLATE
    config.VoilaConfiguration.show_tracebacks = False
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
    print(f"playbook app: {app.url} serves {app.folder} (Ctrl-C stops it)", flush=True)
    Voila.launch_instance(args, config=config)


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
