"""A JupyterHub for a playbook workshop on one machine: every participant gets a playbook of their own.

``make hub`` starts it on http://127.0.0.1:8000 (``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py``
does the same once the proxy is installed). When a participant logs in for the first time, the hub
copies the notebooks and the example sessions into ``~/playbook`` (``playbook init``) and opens
JupyterLab on the start notebook; at every later login their own work is kept.

This configuration is for trying a workshop on your own machine and for the tests: anyone who knows
the password can log in under any name (DummyAuthenticator), and all participants run as the same
operating-system user as the hub (SimpleLocalProcessSpawner), so they are not isolated from each
other. For a real workshop, run The Littlest JupyterHub on a server (see the README).

Settings come from the environment so that tests can run several hubs side by side:

    PLAYBOOK_HUB_PASSWORD    the shared password (default: any password is accepted, on localhost only)
    PLAYBOOK_HUB_STATE       the hub's database, secrets and the participants' homes (default: build/hub)
    PLAYBOOK_HUB_PORT        the address participants open (default: 8000)
    PLAYBOOK_HUB_API_PORT    the hub's internal port (default: 8081)
    PLAYBOOK_PROXY_API_PORT  the proxy's internal port (default: 8001)
"""

import importlib.util
import os
import pwd
import sys
from pathlib import Path

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

# Who may log in: any name with the shared password; "trainer" can see and stop everyone's server.
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {"trainer"}
if os.environ.get("PLAYBOOK_HUB_PASSWORD"):
    c.DummyAuthenticator.password = os.environ["PLAYBOOK_HUB_PASSWORD"]

# Each participant: a home of their own under the state folder, JupyterLab on the start notebook.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]  # the hub's own Python and playbook
c.Spawner.notebook_dir = "~/playbook"
c.Spawner.default_url = "/lab/tree/00_start_here.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
if os.geteuid() == 0:  # containers and CI machines often run as root
    c.Spawner.args = ["--allow-root"]


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
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]

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
