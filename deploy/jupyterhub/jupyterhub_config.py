"""A JupyterHub for trying a playbook workshop on one machine: every participant gets a playbook of their own.

``make hub`` starts it on http://127.0.0.1:8000 as ``python -m playbook.launch jupyterhub -f`` this file
(plain ``jupyterhub -f`` works too, a few seconds slower to start; see playbook/startup.py). When a
participant logs in for the first time, the hub copies the notebooks and the example sessions into
``~/playbook`` (``playbook init``) and opens JupyterLab on the start notebook; at every later login
their own work is kept.

What this hub is: a trial on one machine, for a trainer to try a workshop and for the tests. Everyone
who knows the shared password can log in, under any name, and all participants run as the same
operating-system user as the hub, so they can read each other's files. For a real workshop, run The
Littlest JupyterHub on a server (see the README), which gives every participant a user of their own.

Its defaults are still safe: nobody logs in without a password (a random one is made and printed when
none is given), and the trainer, who oversees everyone's server, has a name and a password of their own
that are not guessable (made and printed likewise). The trainer can list, start and stop servers, but
not open a participant's JupyterLab.

Settings come from the environment so that tests can run several hubs side by side:

    PLAYBOOK_HUB_PASSWORD          the participants' shared password, 8 characters or more
                                   (default: a random one, kept in the state folder and printed)
    PLAYBOOK_HUB_TRIAL=1           let participants log in with any password (a trial on your own machine)
    PLAYBOOK_HUB_TRAINER           the trainer's name (default: trainer-XXXXXX, random, kept and printed)
    PLAYBOOK_HUB_TRAINER_PASSWORD  the trainer's password, 16 characters or more (default: random, kept)
    PLAYBOOK_HUB_STATE             the hub's database, secrets and the participants' homes (default: build/hub)
    PLAYBOOK_HUB_PORT              the address participants open (default: 8000)
    PLAYBOOK_HUB_API_PORT          the hub's internal port (default: 8081)
    PLAYBOOK_PROXY_API_PORT        the proxy's internal port (default: 8001)
"""

import asyncio
import atexit
import importlib.util
import os
import pwd
import secrets
import subprocess
import sys
import time
from pathlib import Path

from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner
from jupyterhub.utils import random_port
from traitlets import Bool, Float, Unicode

from playbook import forkserver
from playbook.workspace import init_folder

c = get_config()  # noqa: F821  (provided by JupyterHub when it reads this file)

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("PLAYBOOK_HUB_STATE", HERE.parent.parent / "build" / "hub")).resolve()
(STATE / "homes").mkdir(parents=True, exist_ok=True)

# Everything on localhost; the public port is the only one a browser needs.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("PLAYBOOK_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("PLAYBOOK_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('PLAYBOOK_PROXY_API_PORT', '8001')}"
proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
if proxy.exists():  # installed by `make hub`; otherwise the one on PATH
    c.ConfigurableHTTPProxy.command = [str(proxy)]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")


class WorkshopAuthenticator(SharedPasswordAuthenticator):
    """Participants: any name with the shared password. The trainer: their own name and password."""

    trainer = Unicode("", config=True, help="The trainer's user name.")
    trainer_password = Unicode("", config=True, help="The trainer's own password.")
    trial = Bool(False, config=True, help="Participants may log in with any password.")

    async def authenticate(self, handler: object, data: dict[str, str]) -> dict[str, object] | None:
        name = self.normalize_username(data.get("username", ""))
        password = data.get("password", "")
        if name == self.trainer:
            ok = bool(self.trainer_password) and secrets.compare_digest(password, self.trainer_password)
            return {"name": name, "admin": False} if ok else None
        if self.trial:
            return {"name": name, "admin": False}
        return await super().authenticate(handler, data)


def secret(name: str, make: str, minimum: int) -> str:
    """A setting from the environment, else the value kept in the state folder, else a new random one."""
    value = os.environ.get(f"PLAYBOOK_HUB_{name.upper().replace('-', '_')}", "")
    kept = STATE / name
    if not value and kept.exists():
        value = kept.read_text(encoding="utf-8").strip()
    if not value:
        value = make
        fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(value + "\n")
    if len(value) < minimum:
        sys.exit(
            f"playbook hub: PLAYBOOK_HUB_{name.upper().replace('-', '_')} must be {minimum} characters or longer"
        )
    return value


TRIAL = os.environ.get("PLAYBOOK_HUB_TRIAL", "").lower() in ("1", "true", "yes")
TRAINER = secret("trainer", f"trainer-{secrets.token_hex(3)}", 3).lower()
TRAINER_PASSWORD = secret("trainer-password", secrets.token_urlsafe(24), 16)
PASSWORD = None if TRIAL else secret("password", secrets.token_urlsafe(9), 8)

c.JupyterHub.authenticator_class = WorkshopAuthenticator
c.Authenticator.allow_all = True
# A name becomes a home folder: letters, digits and . _ - only, so none climbs out of its folder (trial too).
c.Authenticator.username_pattern = r"^[a-z0-9][a-z0-9._-]{0,63}$"
c.WorkshopAuthenticator.trainer = TRAINER
c.WorkshopAuthenticator.trainer_password = TRAINER_PASSWORD
c.WorkshopAuthenticator.trial = TRIAL
c.WorkshopAuthenticator.user_password = PASSWORD
# The trainer oversees servers (the hub's admin page lists them; start and stop) but cannot enter one.
TRAINER_ROLE = {
    "name": "trainer",
    "description": "See every participant and start or stop their servers",
    "scopes": ["admin-ui", "list:users", "read:users", "read:users:activity", "read:servers", "servers"],
    "users": [TRAINER],
}
print(
    "playbook hub: a trial hub on this machine (all participants share one operating-system user).\n"
    + (
        "playbook hub: TRIAL: participants log in with any name and any password.\n"
        if TRIAL
        else f"playbook hub: participants log in with any name and the password {PASSWORD}\n"
    )
    + f"playbook hub: the trainer logs in as {TRAINER} with the password in {STATE / 'trainer-password'}",
    file=sys.stderr,
    flush=True,
)

# Each participant: a home of their own under the state folder, JupyterLab on the start notebook, its server
# forked from a warm process (playbook/forkserver.py) that imported JupyterLab's server once for everyone.
FORK_SOCKET = STATE / "forkserver.sock"
fork_server = subprocess.Popen(
    [sys.executable, "-m", "playbook.forkserver", str(FORK_SOCKET), "--parent", str(os.getpid())]
)
atexit.register(fork_server.terminate)


class WorkshopSpawner(SimpleLocalProcessSpawner):
    """The simple local spawner, whose server comes from the fork server when it answers."""

    fork_wait = Float(30.0, config=True, help="Seconds to wait for a fork server that is still warming up.")

    async def start(self) -> tuple[str, int]:
        if self.port == 0:
            self.port = random_port()
        argv = [*self.cmd, *self.get_args()]
        deadline = time.monotonic() + self.fork_wait
        while fork_server.poll() is None and not FORK_SOCKET.exists() and time.monotonic() < deadline:
            await asyncio.sleep(0.2)  # the hub just started: the fork server is importing
        try:
            self.pid = await asyncio.to_thread(
                forkserver.request, FORK_SOCKET, argv, self.get_env(), self.home_dir
            )
        except (
            OSError,
            RuntimeError,
        ) as why:  # no fork server, or it refused: a process of its own, as always
            self.log.warning(
                "Fork server did not start %s's server (%s): starting it directly", self.user.name, why
            )
            return await super().start()
        self.proc = None
        self.log.info("Forked %s's server as process %d", self.user.name, self.pid)
        return (self.ip or "127.0.0.1", self.port)


c.JupyterHub.spawner_class = WorkshopSpawner
c.WorkshopSpawner.home_dir_template = str(STATE / "homes" / "{username}")
# The hub's own Python and playbook; playbook.participant leaves out what JupyterLab's server imports and
# never uses (the IRI grammars jsonschema compiles at import, see playbook/startup.py) and the two Node
# processes JupyterLab starts to look up an npm registry a participant never installs from: some three
# seconds of CPU and 20 MiB less for every participant.
c.Spawner.cmd = [sys.executable, "-m", "playbook.participant", "jupyterhub.singleuser"]
# One cache folder for everyone (they run as the hub's user anyway): matplotlib's font list and the
# playbook's shipped assets read as JSON (playbook/yamlio.py) are built once for the hub, not once per
# participant. A warm-up fills it while the hub starts, so even the first participant finds it ready.
# The cache also holds the example's charts as notebook 01 shows them (playbook/chartmemo.py), so a
# participant's kernel shows them without importing matplotlib until an answer changes a chart.
CACHE = STATE / "cache"
c.Spawner.environment = {
    "XDG_CACHE_HOME": str(CACHE),
    # JupyterLab's page asks its server which formats "Save and Export Notebook As" offers; nbconvert then
    # builds every exporter once only to ask whether configuration disabled it (a third of a CPU-second).
    # Nobody here disables an exporter, so the list is the same without that step (nbconvert's own switch).
    "NBCONVERT_DISABLE_CONFIG_EXPORTERS": "1",
}
warm_up = subprocess.Popen(
    [sys.executable, "-c", "from playbook.ui.preheat import warm_up; warm_up()"],
    env={**os.environ, "XDG_CACHE_HOME": str(CACHE)},
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
atexit.register(warm_up.kill)  # harmless when it has long finished
c.Spawner.notebook_dir = "~/playbook"
c.Spawner.default_url = "/lab/tree/00_start_here.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
# A participant's server loads only what a participant uses: JupyterLab itself. The environment also holds
# Voila's server extension (for `playbook app`; importing it costs a second of CPU), the language-server
# proxy (no language server is installed), the classic notebook shim and terminals (with everyone running
# as the hub's user, a terminal would let a participant act as the hub). Left out here, per server, not
# uninstalled: `make lab` and `make app` on the same environment keep them. The command line wins over
# the environment's jupyter_server_config.d, so nothing else needs to be set.
UNUSED_EXTENSIONS = ("voila.server_extension", "jupyter_lsp", "notebook_shim", "jupyter_server_terminals")
c.Spawner.args = [
    *(f"--ServerApp.jpserver_extensions={name}=False" for name in UNUSED_EXTENSIONS),
    "--ServerApp.terminals_enabled=False",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",  # the workshop machine may be offline
    # A participant installs no extensions (their server is the trainer's environment): the extension panel
    # lists what is installed without a PyPI client (whose TLS set-up alone costs a quarter CPU-second).
    "--LabApp.extension_manager=readonly",
]
if os.geteuid() == 0:  # containers and CI machines often run as root
    c.Spawner.args.append("--allow-root")


def give_playbook(spawner: object) -> None:
    """Before a participant's server starts: their own copy of the playbook, their earlier work kept."""
    home = getattr(spawner, "home_dir", "") or pwd.getpwnam(spawner.user.name).pw_dir  # type: ignore[attr-defined]
    init_folder(Path(home) / "playbook")


c.Spawner.pre_spawn_hook = give_playbook

# Stop servers nobody has used for an hour, so a workshop's machine frees its memory afterwards.
if importlib.util.find_spec("jupyterhub_idle_culler"):
    c.JupyterHub.services = [
        {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]}
    ]
    c.JupyterHub.load_roles = [
        TRAINER_ROLE,
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        },
    ]
else:
    c.JupyterHub.load_roles = [TRAINER_ROLE]

# The participation room (playbook.room.hub): participants join a trainer's session from their phones at
# /services/room/j/CODE without an account; the trainer logs in through the hub and opens a room for one
# of their own sessions at /services/room/. Its port is PLAYBOOK_ROOM_PORT, or a free one.
ROOM_PORT = int(os.environ.get("PLAYBOOK_ROOM_PORT") or 0)
if not ROOM_PORT:
    from playbook.app import free_port

    ROOM_PORT = free_port()
room = {
    "name": "room",
    "url": f"http://127.0.0.1:{ROOM_PORT}",
    "command": [
        sys.executable, "-m", "playbook.room.hub",
        f"--sessions={STATE / 'homes' / '{user}' / 'playbook' / 'sessions'}",
        f"--state={STATE / 'room'}",
        f"--allow-host=127.0.0.1:{c.JupyterHub.port}",
        f"--allow-host=localhost:{c.JupyterHub.port}",
        *[f"--allow-host={h}" for h in os.environ.get("PLAYBOOK_ROOM_HOSTS", "").split() if h],
    ],
    "oauth_no_confirm": True,
}  # fmt: skip
c.JupyterHub.services = [*(c.JupyterHub.services if "services" in c.JupyterHub else []), room]
c.JupyterHub.load_roles = [
    *(c.JupyterHub.load_roles if "load_roles" in c.JupyterHub else []),
    {"name": "user", "scopes": ["self", "access:services!service=room"]},  # every user may open a room
]
