"""The hub's fork server (playbook/forkserver.py): a child becomes the command it was asked for, as a new
process would, with the warm modules already imported; anything else is refused.

The hub test (tests/test_hub.py) runs it end to end: three participants' JupyterLab servers forked from it.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from playbook import forkserver, participant

pytestmark = pytest.mark.slow  # the fork server imports JupyterLab's server once: a few seconds

PROBE = """
import json, os, random, sys
json.dump({
    "cwd": os.getcwd(), "env": dict(os.environ), "sid": os.getsid(0), "pid": os.getpid(),
    "argv": sys.argv[1:], "warm": "jupyter_server.serverapp" in sys.modules, "random": random.random(),
}, open(sys.argv[1], "w"))
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("forkserver")
    path = folder / "fork.sock"
    proc = subprocess.Popen([sys.executable, "-m", "playbook.forkserver", str(path)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not path.exists():
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "fork server ended"
            assert time.monotonic() < deadline, "the fork server did not become ready"
            time.sleep(0.1)
        yield path
    finally:
        proc.terminate()
        proc.wait(30)
    assert not path.exists(), "the fork server left its socket behind"


def _run_probe(server: Path, folder: Path, env: dict[str, str], *args: str) -> tuple[int, dict]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "forkprobe.py").write_text(PROBE)
    out = folder / "out.json"
    argv = [sys.executable, "-m", "playbook.participant", "forkprobe", str(out), *args]
    pid = forkserver.request(server, argv, env, str(folder))
    deadline = time.monotonic() + 30
    while not (out.exists() and out.stat().st_size):
        assert time.monotonic() < deadline, "the forked child wrote nothing"
        time.sleep(0.05)
    return pid, json.loads(out.read_text())


def _gone(pid: int, timeout: float = 10) -> bool:
    """True once ``pid`` no longer exists (reaped by the fork server, not left a zombie)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return True
        time.sleep(0.05)
    return False


def test_a_child_becomes_the_command_with_its_own_environment_folder_and_session(
    server: Path, tmp_path: Path
) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "JUPYTERHUB_USER": "anna", "HOME": str(tmp_path / "anna")}
    pid, seen = _run_probe(server, tmp_path / "anna", env, "0")
    assert seen["pid"] == pid and seen["sid"] == pid, "not a session of its own"
    assert seen["cwd"] == str(tmp_path / "anna")
    assert seen["env"] == env, "the child kept something of the fork server's environment"
    assert seen["argv"] == [str(tmp_path / "anna" / "out.json"), "0"]
    assert seen["warm"], "the child imported JupyterLab's server again instead of inheriting it"
    assert _gone(pid), "the ended child was left as a zombie"


def test_two_children_do_not_share_random_state(server: Path, tmp_path: Path) -> None:
    _, first = _run_probe(server, tmp_path / "a", {"A": "1"})
    _, second = _run_probe(server, tmp_path / "b", {"A": "2"})
    assert first["random"] != second["random"]


def test_only_the_hub_user_can_ask(server: Path) -> None:
    assert stat.S_IMODE(server.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "argv",
    [
        ["/bin/sh", "-c", "id"],
        [sys.executable, "-c", "print(1)"],
        [sys.executable, "-m", "playbook.participant"],  # no module to run
    ],
)
def test_any_other_command_is_refused(server: Path, tmp_path: Path, argv: list[str]) -> None:
    with pytest.raises(RuntimeError, match="only"):
        forkserver.request(server, argv, {}, str(tmp_path))


def test_a_malformed_request_is_refused_and_the_server_goes_on(server: Path, tmp_path: Path) -> None:
    for raw in (b"not json\n", b'{"argv": "x", "env": {}, "cwd": "/"}\n', b"[1, 2]\n"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10)
            conn.connect(str(server))
            conn.sendall(raw)
            assert "refused" in json.loads(conn.makefile().readline())
    with pytest.raises(RuntimeError, match="absolute"):
        forkserver.request(server, [sys.executable, "-m", "playbook.participant", "x"], {}, "relative/folder")
    _, seen = _run_probe(server, tmp_path / "after", {"A": "3"})
    assert seen["env"] == {"A": "3"}


def test_no_fork_server_is_an_oserror_the_spawner_falls_back_on(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        forkserver.request(
            tmp_path / "none.sock", [sys.executable, "-m", "playbook.participant", "x"], {}, "/"
        )


def test_the_fork_server_ends_with_its_parent(tmp_path: Path) -> None:
    path = tmp_path / "orphan.sock"
    # A parent that starts the fork server and exits at once: the fork server must not outlive it.
    parent = subprocess.run(
        [sys.executable, "-c", f"import os, subprocess, sys; print(subprocess.Popen([sys.executable, '-m', "
         f"'playbook.forkserver', {str(path)!r}, '--parent', str(os.getpid())], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    pid = int(parent.stdout)
    try:
        assert _gone(pid, 120), "the fork server outlived the process that started it"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_entry_points_are_remembered_until_a_folder_on_the_path_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    original = importlib.metadata.entry_points

    def counting(**params: object) -> object:
        calls.append(params)
        return original(**params)

    monkeypatch.setattr(importlib.metadata, "entry_points", counting)
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path)])
    participant.remember_entry_points()
    first = importlib.metadata.entry_points(group="console_scripts")
    again = importlib.metadata.entry_points(group="console_scripts")
    assert len(calls) == 1 and list(first) == list(again) and first is not again
    assert [e.name for e in again] == [e.name for e in original(group="console_scripts")]
    os.utime(tmp_path, ns=(time.time_ns(), time.time_ns() + 10**9))  # as installing a package changes it
    importlib.metadata.entry_points(group="console_scripts")
    assert len(calls) == 2, "an installed package went unseen"
