"""``python -m playbook.forkserver SOCKET``: hub participants' servers forked from one warm process.

Every participant's JupyterLab server imports the same few hundred modules (Jupyter Server, JupyterLab's
server, nbconvert, Tornado, Jinja, jsonschema and the hub's single-user extension): some 2.5 CPU-seconds
and tens of MiB, paid again by each participant who logs in, all at once when a workshop starts. This
process pays it once, when the hub starts: it imports those modules (:data:`WARM`) and then waits on a
Unix socket. For each participant the hub's spawner sends the command line it would have run, with its
environment and working folder; the fork server forks, and the child becomes that command, as
``python -m playbook.participant ...`` would have (a session of its own, its own environment, folder and
``sys.argv``). The modules are already there, and their pages are shared with the fork server
copy-on-write until written, so a participant costs less CPU and less memory. Python's ``multiprocessing``
has the same idea as its ``forkserver`` start method; gunicorn's ``--preload`` is another.

What is warmed imports no participant's settings: modules that read the environment when imported, as
``jupyterhub.singleuser`` does (it chooses its application class from it), are imported by the child, with
the participant's environment. Nothing runs before the fork but imports, in one thread, so the child
inherits no event loop, no open connection and no lock held by another thread; Python reseeds ``random``
in a child itself.

The socket lives in the hub's state folder with mode 0600: only the hub's own user can ask for a fork,
which is the user every participant's server runs as on this trial hub anyway. A request for anything
but a participant's server is refused, and so is every request when the warm-up started a thread. The
spawner then starts the server as a process of its own, as it always did (see ``deploy/jupyterhub``).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

SERVES = ("-m", "playbook.participant")
"""The command a fork can stand in for: ``python -m playbook.participant MODULE [ARGS...]``, with this
fork server's own Python."""

WARM: tuple[str, ...] = (
    "jupyter_server.serverapp",
    "jupyter_server.services.contents.largefilemanager",
    "jupyter_server.services.kernels.kernelmanager",
    "jupyter_server.services.sessions.sessionmanager",
    "jupyter_server.gateway.managers",
    "jupyter_server.extension.serverextension",
    "jupyterlab.labapp",
    "jupyterlab_server",
    "jupyterhub.log",
    "jupyterhub.services.auth",
    "jupyterhub.utils",
    "nbconvert",
    "nbformat",
    "jupyter_client.provisioning",
    "jupyter_server.services.events.handlers",
    "anyio._backends._asyncio",
    "jinja2.ext",
    "psutil",
    "ipykernel.kernelspec",
)
"""Imported before any fork: what a participant's server imports whatever its settings. A module that is
not installed is skipped, so a smaller environment still works."""

LOOKED_UP = ("nbconvert.exporters", "jupyter_client.kernel_provisioners", "jupyterlab.languagepack")
"""Entry-point groups a participant's server looks up (its export formats, kernel provisioners, language
packs): found once here, remembered by every child (:func:`playbook.participant.remember_entry_points`)."""

_STARTED_IN = os.getcwd()

LIMIT = 64 * 1024
"""The longest request read, in bytes: a command line and an environment fit many times over."""


def warm(modules: Sequence[str] = WARM) -> list[str]:
    """Import ``modules`` as a participant's server would (with its deferrals); return those imported."""
    from importlib import metadata

    from .participant import HUB_ONLY, no_registry_lookup, remember_entry_points
    from .startup import defer, defer_also

    defer()
    defer_also(HUB_ONLY)
    remember_entry_points()
    for group in LOOKED_UP:
        metadata.entry_points(group=group)
    done = []
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
            done.append(name)
    no_registry_lookup()
    if "nbformat" in done:  # the compiled schema that checks every notebook the server opens or saves
        import nbformat
        from nbformat.validator import get_validator

        for relaxed in (False, True):
            get_validator(version=nbformat.current_nbformat, relax_add_props=relaxed)
    return done


def _valid(request: object) -> tuple[list[str], dict[str, str], str] | str:
    """The command, environment and folder of a request, or why it is refused."""
    if not isinstance(request, dict):
        return "not a request"
    argv, env, cwd = request.get("argv"), request.get("env"), request.get("cwd")
    if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)):
        return "argv is not a list of strings"
    if not (isinstance(env, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())):
        return "env is not a mapping of strings"
    if not isinstance(cwd, str) or not os.path.isabs(cwd):
        return "cwd is not an absolute path"
    if argv[: 1 + len(SERVES)] != [sys.executable, *SERVES] or len(argv) < 2 + len(SERVES):
        return f"only {sys.executable} {' '.join(SERVES)} MODULE ... is served"
    return argv, env, cwd


def _become(argv: list[str], env: dict[str, str], cwd: str, listener: socket.socket) -> None:
    """In the child: turn into ``argv`` as a new process would, then run it; never returns."""
    code = 1
    try:
        listener.close()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()  # a session of its own, as the spawner's start_new_session gives
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.makedirs(cwd, 0o755, exist_ok=True)
        os.chdir(cwd)
        if sys.path and sys.path[0] == _STARTED_IN:  # python -m puts the folder it starts in first
            sys.path[0] = os.getcwd()
        os.environ.clear()
        os.environ.update(env)
        from .participant import main

        main(argv[1 + len(SERVES) :])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)  # never back into the fork server's loop, its atexit handlers or its finally blocks


def _reap(*_: object) -> None:
    """Collect every child that has ended, so that none lingers as a zombie the spawner takes for alive."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _answer(conn: socket.socket, reply: Mapping[str, object]) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(reply).encode() + b"\n")


def _read(conn: socket.socket, deadline: float) -> bytes:
    data = b""
    while not data.endswith(b"\n") and len(data) <= LIMIT:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        conn.settimeout(left)
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def serve(path: str | Path, parent: int, modules: Sequence[str] = WARM) -> None:
    """Warm up, then fork one child per request on the socket at ``path``, until the process ``parent``
    (the hub) is no longer this one's parent, or SIGTERM arrives."""
    path = Path(path)
    warmed = warm(modules)
    threads = threading.active_count()
    gc.collect()
    gc.freeze()  # the warm objects move out of the collector's reach: a child's collections leave them shared
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old)
    listener.listen(16)
    print(
        f"playbook fork server: {len(warmed)} of {len(modules)} modules warm, ready on {path}",
        file=sys.stderr,
        flush=True,
    )
    try:
        while os.getppid() == parent:
            ready, _, _ = select.select([listener], [], [], 1.0)
            if not ready:
                continue
            conn, _ = listener.accept()
            with conn:
                try:
                    request = json.loads(_read(conn, time.monotonic() + 5) or b"null")
                except (OSError, ValueError):
                    request = None
                valid = _valid(request)
                if isinstance(valid, str):
                    _answer(conn, {"refused": valid})
                    continue
                if threading.active_count() != threads or threads != 1:
                    _answer(conn, {"refused": "a thread runs in the fork server: forking is not safe"})
                    continue
                pid = os.fork()
                if pid == 0:
                    conn.close()
                    _become(*valid, listener)
                _answer(conn, {"pid": pid})
    finally:
        listener.close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def request(
    path: str | Path, argv: Sequence[str], env: Mapping[str, str], cwd: str, timeout: float = 10.0
) -> int:
    """Ask the fork server at ``path`` to start ``argv``; the new process's id.

    Raises :class:`OSError` when no fork server answers there and :class:`RuntimeError` when it refuses:
    the caller then starts the process itself.
    """
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(str(path))
        conn.sendall(json.dumps({"argv": list(argv), "env": dict(env), "cwd": cwd}).encode() + b"\n")
        reply = json.loads(_read(conn, time.monotonic() + timeout) or b"{}")
    if not isinstance(reply, dict) or not isinstance(reply.get("pid"), int):
        raise RuntimeError(str(reply.get("refused") if isinstance(reply, dict) else reply) or "no answer")
    return reply["pid"]


def main(argv: Sequence[str] | None = None) -> None:
    """``SOCKET [--parent PID]``: PID is the process to end with (default: whoever started this one; the
    hub passes its own, so that a hub gone before this process even started is noticed too)."""
    args = list(sys.argv[1:] if argv is None else argv)
    parent = os.getppid()
    if len(args) == 3 and args[1] == "--parent" and args[2].isdigit():
        parent = int(args.pop())
        args.pop()
    if len(args) != 1:
        sys.exit("usage: python -m playbook.forkserver SOCKET [--parent PID]")
    serve(args[0], parent)


if __name__ == "__main__":
    main()
