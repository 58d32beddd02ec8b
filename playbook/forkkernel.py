"""A kernel provisioner that has a hub participant's kernels forked from the hub's fork server.

A participant's kernel imports IPython, ipykernel, ZeroMQ's bindings and the widgets before it runs a cell:
some 0.7 CPU-seconds, again for every participant and every notebook they open. The hub's fork server
(:mod:`playbook.forkserver`) has them imported already, so this provisioner asks it for the kernel's
command line instead of starting it: everything else (connection file, ports, environment, interrupts,
restarts, shutdown) is jupyter_client's :class:`LocalProvisioner` as it is. Where no fork server answers,
or it refuses, the kernel starts as a process of its own, as always.

The workshop hub names it in the kernel spec it gives participants (``deploy/jupyterhub``); it is
registered as the ``playbook-forked`` provisioner (``jupyter_client.kernel_provisioners`` entry point).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
import signal
import subprocess
import time
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

from . import forkserver


class ForkedKernel:
    """The little of :class:`subprocess.Popen` a provisioner uses, for a kernel that is not our child.

    Its exit status goes to the fork server, its parent, which collects it at once; so "ended" is all
    that can be known here, and is reported as 0, as jupyter_client does for a kernel it did not start.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:  # alive, and someone else's: cannot be ours
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkedProvisioner(LocalProvisioner):  # type: ignore[misc]
    """:class:`LocalProvisioner`, whose kernel process comes from the fork server at :attr:`socket`."""

    socket = Unicode("", config=True, help="The fork server's socket (playbook.forkserver).")

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it: whose kernel this is
        cwd = str(kwargs.get("cwd") or pathlib.Path.cwd())
        try:
            if not self.socket:
                raise OSError("no fork server configured")
            pid = await asyncio.to_thread(forkserver.request, self.socket, cmd, env, os.path.abspath(cwd))
        except (OSError, RuntimeError) as why:
            self.log.warning("The fork server did not start the kernel (%s): starting it directly", why)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid  # a session of its own (forkserver), so its process group is its own id
        self.cwd = cwd
        self.log.info("Forked kernel %s as process %d", kwargs.get("kernel_id", ""), pid)
        return self.connection_info
