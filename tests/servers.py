"""Real servers for the end-to-end tests and benchmarks: JupyterLab, the Voilà app and a JupyterHub.

Each runs as its own process group on a free localhost port, with Jupyter's config, data and runtime
folders inside the test's tmp folder (nothing of the user's own set-up leaks in), and is stopped with
everything it started. ``wait`` polls a URL until it answers and fails with the server's log if the
process dies or the time runs out.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from playbook.app import free_port

ROOT = Path(__file__).resolve().parent.parent
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def jupyter_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a server: this Python's PATH, Jupyter's folders under ``home``, no playbook env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLAYBOOK_", "JUPYTER", "IPYTHON"))}
    for name, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
    ):
        env[name] = str(home / ".jupyter-test" / sub)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class Server:
    """One server process (group) with its log; use as a context manager."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], cwd: Path, log: Path, port: int) -> None:
        self.argv, self.env, self.cwd, self.log_path, self.port = list(argv), env, cwd, log, port
        self.started = 0.0
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.cwd.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait(self, path: str, timeout: float = 90.0, ok: Sequence[int] = (200,)) -> float:
        """Poll ``base + path`` until it answers with a status in ``ok``; the seconds since start."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"{self.argv[:4]} exited with {self.process.returncode}:\n{self.log()[-4000:]}"
                )
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as response:
                    if response.status in ok:
                        return time.perf_counter() - self.started
            except urllib.error.HTTPError as exc:
                if exc.code in ok:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.base + path} did not answer within {timeout} s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        """Ask the server to shut down in its own order (a hub stops its users' servers and its proxy),
        then end whatever of its process group is left."""
        if self.process is None or self.process.poll() is not None:
            self._close()
            return
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self._close()

    def _close(self) -> None:
        if getattr(self, "_log", None) is not None and not self._log.closed:
            self._log.close()


def lab(folder: Path, home: Path, log: Path, token: str) -> Server:
    """JupyterLab on ``folder`` with a token, on a free port, with no browser of its own."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        "--LabApp.news_url=",
        *(["--allow-root"] if AS_ROOT else []),
    ]
    return Server(argv, jupyter_env(home), folder, log, port)


def app(folder: Path, home: Path, log: Path) -> Server:
    """The playbook's Voilà app on ``folder``, exactly as ``playbook app`` starts it."""
    port = free_port()
    argv = [sys.executable, "-m", "playbook", "app", str(folder), f"--port={port}", "--no-browser"]
    return Server(argv, jupyter_env(home), folder, log, port)


def make_app(home: Path, log: Path, workspace: Path) -> Server:
    """``make app`` exactly as a user types it: the repository's notebooks, sessions in ``workspace``."""
    port = free_port()
    argv = ["make", "--no-print-directory", "-C", str(ROOT), "app", f"APP_FLAGS=--no-browser --port {port}"]
    return Server(argv, jupyter_env(home, WORKSPACE=str(workspace)), ROOT, log, port)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def process_tree_memory(pid: int) -> int:
    """Proportional set size (bytes) of ``pid`` and all its descendants: shared pages counted fairly."""
    total = 0
    for current in _descendants(pid):
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:"))
    return total


def process_tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) that ``pid`` and its descendants have used so far, finished children included."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for current in _descendants(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def process_split(pid: int) -> dict[str, dict[str, float]]:
    """PSS (MiB) and CPU seconds of the server ``pid`` itself and of everything it started (its kernels),
    apart: where a participant's figures go."""
    server_pss, server_cpu = process_tree_memory(pid), process_tree_cpu_seconds(pid)
    own_pss, own_cpu = own_memory(pid), own_cpu_seconds(pid)
    return {
        "server": {"pss_mib": round(own_pss / 2**20), "cpu_seconds": round(own_cpu, 1)},
        "kernels": {
            "pss_mib": round((server_pss - own_pss) / 2**20),
            "cpu_seconds": round(server_cpu - own_cpu, 1),
        },
    }


def own_memory(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return sum(int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:"))


def own_cpu_seconds(pid: int) -> float:
    """The process's own user and system time (its finished children's not counted)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


HUB_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"


def hub(state: Path, log: Path, password: str) -> Server:
    """The workshop JupyterHub from ``deploy/jupyterhub``, its three ports free, its state in ``state``."""
    port, api, proxy = free_port(), free_port(), free_port()
    env = jupyter_env(
        state,
        PLAYBOOK_HUB_STATE=str(state),
        PLAYBOOK_HUB_PORT=str(port),
        PLAYBOOK_HUB_API_PORT=str(api),
        PLAYBOOK_PROXY_API_PORT=str(proxy),
        PLAYBOOK_HUB_PASSWORD=password,
    )
    argv = [sys.executable, "-m", "playbook.launch", "jupyterhub", "-f", str(HUB_CONFIG)]  # as make hub
    return Server(argv, env, state, log, port)


def run_all_cells(page: Any) -> None:
    """JupyterLab's Run > Run All Cells, as a user clicks it."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells").first.click()


def open_in_lab(page: Any, url: str) -> None:
    """Open a notebook in a fresh JupyterLab workspace (no tabs restored from earlier) and run it.

    Run All is clicked only once the kernel reports idle: clicked earlier, JupyterLab may ignore it.
    """
    page.goto(url)
    page.locator(".jp-Notebook").first.wait_for(state="visible", timeout=180_000)
    page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"\| Idle")).wait_for(timeout=180_000)
    run_all_cells(page)


def hub_login(page: Any, hub: Server, user: str, password: str) -> None:
    """Log in on the hub's page and wait until the participant's JupyterLab has opened."""
    page.goto(f"{hub.base}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab/**", timeout=180_000)


def stop_processes(pids: Sequence[int]) -> None:
    """End processes a failed test left behind (servers run in sessions of their own)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def hub_servers(homes: Path | None = None) -> dict[str, int]:
    """The running single-user servers on this machine, by user name: their process ids.

    A server the hub started as a process of its own says whose it is in its environment. One forked from
    the hub's fork server (playbook/forkserver.py) still shows the fork server's command line and start-up
    environment in /proc, so its user is the home it works in (its folder's name), and it is told from the
    fork server itself by its parent, the fork server.

    With ``homes``, only the servers whose home lies there: those of one hub, not of another hub that
    runs the same test at the same time on a shared machine.
    """
    found: dict[str, int] = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            if b"jupyterhub.singleuser" in cmdline:
                env = dict(
                    item.split(b"=", 1)
                    for item in (proc / "environ").read_bytes().split(b"\0")
                    if b"=" in item
                )
                user = env.get(b"JUPYTERHUB_USER", b"").decode()
                home = Path(env.get(b"HOME", b"/").decode(errors="replace"))
            elif b"playbook.forkserver" in cmdline and _forked(proc):
                home = Path(os.readlink(proc / "cwd"))
                user = home.name
            else:
                continue
        except OSError:
            continue
        if user and (homes is None or home.is_relative_to(homes.resolve())):
            found[user] = int(proc.name)
    return found


def parent_of(pid: int) -> int:
    """The parent process of ``pid``."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def is_fork_server(pid: int) -> bool:
    """Whether ``pid`` runs ``python -m playbook.forkserver`` (the fork server, or a child not yet become
    its command)."""
    return b"playbook.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")


def _forked(proc: Path) -> bool:
    """Whether the fork-server process ``proc`` is one of its children (its parent is a fork server too)."""
    return is_fork_server(parent_of(int(proc.name)))
