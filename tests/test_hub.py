"""A workshop on JupyterHub: three participants log in, each gets a playbook and runs notebook 01.

The hub is the one in ``deploy/jupyterhub`` (dummy authenticator, local process spawner, localhost),
with its proxy from npm. Each participant logs in through the hub's own page in Debian's Chromium, lands
in JupyterLab on the start notebook of their own copy (``playbook init`` at spawn), opens notebook 01,
runs every cell and types their client's name into the brief. The test checks that three servers run
side by side and that each name ended up in that participant's own session document, and nowhere else.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest

from playbook.session import SessionFile
from playbook.workspace import DEFAULT_EXAMPLE

from . import servers
from .test_e2e import ARTIFACTS, eventually

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.hub]

USERS = ("anna", "bram", "chioma")
PROXY = servers.HUB_CONFIG.parent / "node_modules" / ".bin" / "configurable-http-proxy"


def test_three_participants_each_run_notebook_01_in_their_own_playbook(browser: Any, tmp_path: Path) -> None:
    if not PROXY.exists():
        pytest.skip("the hub's proxy is not installed (make hub-proxy installs it with npm)")
    password = secrets.token_hex(8)
    state = tmp_path / "hub"
    shots = ARTIFACTS.parent / "hub"
    shots.mkdir(parents=True, exist_ok=True)
    contexts = []
    page_of: dict[str, Any] = {}
    with servers.hub(state, tmp_path / "hub.log", password) as hub:
        hub.wait("/hub/health")
        try:
            for user in USERS:
                context = browser.new_context(viewport={"width": 1300, "height": 900})
                contexts.append(context)
                page = page_of[user] = context.new_page()
                servers.hub_login(page, hub, user, password)
                servers.open_in_lab(
                    page, f"{hub.base}/user/{user}/lab/workspaces/w/tree/01_brief_and_diagnosis.ipynb?reset"
                )
                client = page.locator(".pb-brief-client input")
                client.wait_for(state="attached", timeout=180_000)
                client.scroll_into_view_if_needed()
                client.fill(f"Client of {user}")
                client.press("Tab")
                page.screenshot(path=str(shots / f"{user}-01.png"))

            # Names become home folders here: one that climbs out of its folder must not log in.
            intruder = browser.new_context()
            contexts.append(intruder)
            page = intruder.new_page()
            page.goto(f"{hub.base}/hub/login")
            page.fill("#username_input", "../escape")
            page.fill("#password_input", password)
            page.click("#login_submit")
            page.get_by_text("Invalid username or password").wait_for(timeout=30_000)
            assert not (state / "escape").exists() and not (state / "homes" / "escape").exists()

            running = servers.hub_servers(state)
            assert set(USERS) <= set(running), f"not all three servers run side by side: {running}"
            # Each came from the hub's fork server (playbook/forkserver.py), not from a start of its own.
            parents = {servers.parent_of(running[u]) for u in USERS}
            assert len(parents) == 1 and servers.is_fork_server(parents.pop()), "servers were not forked"
            fork_server = servers.parent_of(running[USERS[0]])
            for user in USERS:
                home = state / "homes" / user / "playbook"
                assert (home / "00_start_here.ipynb").is_file() and (home / "workshop").is_dir()
                path = home / "sessions" / f"{DEFAULT_EXAMPLE}.session.yaml"
                assert eventually(
                    lambda p=path, u=user: SessionFile.open(p).session.brief.client == f"Client of {u}"
                )
                pointer = (home / "sessions" / ".current-session").read_text().strip()
                assert Path(pointer) == path, f"{user} works on someone else's file: {pointer}"
            # Recorded for the README's sizing advice (make bench reports them), not asserted as speed:
            # each participant's server with its kernel, and the two apart.
            memory = {u: servers.process_tree_memory(running[u]) // 2**20 for u in USERS}
            cpu = {u: round(servers.process_tree_cpu_seconds(running[u]), 1) for u in USERS}
            split = {u: servers.process_split(running[u]) for u in USERS}
            # The fork server's own cost is the hub's, once, whatever the number of participants.
            once = {
                "pss_mib": servers.own_memory(fork_server) // 2**20,
                "cpu_seconds": round(servers.own_cpu_seconds(fork_server), 1),
            }
            (shots / "memory.json").write_text(
                json.dumps(
                    {
                        "pss_mib_per_user": memory,
                        "cpu_seconds_per_user": cpu,
                        "split_per_user": split,
                        "fork_server_once": once,
                    },
                    indent=2,
                )
            )
            assert all(m > 0 for m in memory.values()) and all(c > 0 for c in cpu.values())
            assert all(s["kernels"]["pss_mib"] > 0 for s in split.values()), "no kernel ran notebook 01"

            # The participant's server still offers every export format (its list is made more cheaply).
            formats = page_of["anna"].request.get(f"{hub.base}/user/anna/api/nbconvert")
            assert formats.ok and {"html", "notebook", "markdown", "script"} <= set(formats.json())
        finally:
            for context in contexts:
                context.close()
    # Stopping the hub stops every participant's server with it: nothing is left running.
    left = eventually(lambda: not servers.hub_servers(state).keys() & set(USERS), 30)
    servers.stop_processes([pid for user, pid in servers.hub_servers(state).items() if user in USERS])
    assert left, "participants' servers outlived the hub"
