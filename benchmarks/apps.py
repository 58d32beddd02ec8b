"""The figures of the app, the browser tests and the hub (part of `make bench`).

- From typing `make app` to the notebook list answering, and to notebook 03 drawn in Chromium with its
  arc (the kernel has run the notebook and the widgets have rendered); then, once the app holds a kernel
  ready for every page, notebook 03 on screen after the request, as a facilitator meets it.
- How long the end-to-end tests (JupyterLab and the app) and the three-participant hub test take.
- Memory per hub participant with notebook 01 open and run: proportional set size (shared pages split
  fairly) of their single-user server with its kernel, as the hub test records it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playbook.app import PATH  # noqa: E402
from playbook.ui.preheat import READY  # noqa: E402
from tests import servers  # noqa: E402  (the same server helpers as the tests)
from tests.conftest import ARGS, CHROMIUM  # noqa: E402


def app_rows() -> list[tuple[str, str, str]]:
    """Start `make app` exactly as a user does and time the first render of notebook 03."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp,  # the app may still be writing
        servers.make_app(Path(tmp), Path(tmp) / "app.log", Path(tmp) / "sessions") as app,
        sync_playwright() as p,
    ):
        listed = app.wait("/")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"{app.base}/voila/render/03_design_the_session.ipynb")
        page.locator(".pb-arc svg").wait_for(state="attached", timeout=180_000)
        first = time.perf_counter() - app.started
        # What a facilitator meets once the app has started: a kernel waiting for each page.
        deadline = time.monotonic() + 240
        while app.log().count(READY) < len(PATH) + 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        ready = app.log().count(READY) >= len(PATH) + 1
        start = time.perf_counter()
        page.reload()
        page.locator(".pb-arc svg").wait_for(state="attached", timeout=180_000)
        again = time.perf_counter() - start
        browser.close()
    return [
        ("make app → notebook list answers", f"{listed:.1f} s", "venv already installed"),
        ("make app → notebook 03 rendered with its arc", f"{first:.1f} s", "first request at once"),
        (
            "app: notebook 03 on screen after the request",
            f"{again:.1f} s",
            ("kernel ready for the page" if ready else "no ready kernel in time") + "; goal ≤ 2.5 s",
        ),
    ]


def test_rows() -> list[tuple[str, str, str]]:
    """Run the end-to-end and hub tests once and report their durations and the hub's memory."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--durations=0", "-p", "no:cacheprovider",
         "tests/test_e2e.py", "tests/test_hub.py"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "CI": "true"},
    ).stdout  # fmt: skip
    durations = {
        m.group(2): float(m.group(1)) for m in re.finditer(r"^([\d.]+)s call\s+tests/\S+::(\S+)", out, re.M)
    }
    if not durations:
        return [("end-to-end tests", "failed", out.strip().splitlines()[-1] if out.strip() else "no output")]
    rows = [(f"test {name}", f"{seconds:.1f} s", "pytest --durations") for name, seconds in durations.items()]
    memory_file = ROOT / "build" / "test-artifacts" / "hub" / "memory.json"
    if memory_file.exists():
        measured = json.loads(memory_file.read_text())
        memory, cpu = measured["pss_mib_per_user"], measured["cpu_seconds_per_user"]
        rows.append(
            (
                "hub: memory per participant, notebook 01 run",
                f"{max(memory.values())} MiB",
                "PSS of server + kernel; " + ", ".join(f"{u} {m}" for u, m in memory.items()),
            )
        )
        rows.append(
            (
                "hub: CPU per participant, login to notebook 01 run",
                f"{max(cpu.values()):.1f} s",
                "CPU seconds of server + kernel; " + ", ".join(f"{u} {c}" for u, c in cpu.items()),
            )
        )
        once = measured.get("fork_server_once")
        if once:
            rows.append(
                (
                    "hub: the fork server, once for all participants",
                    f"{once['pss_mib']} MiB, {once['cpu_seconds']:.1f} s",
                    "PSS and CPU seconds of the warm process the servers are forked from",
                )
            )
        for part, name in (("server", "JupyterLab server"), ("kernels", "kernel")):
            figures = [split[part] for split in measured.get("split_per_user", {}).values()]
            if figures:
                rows.append(
                    (
                        f"  of which the {name}",
                        f"{max(f['pss_mib'] for f in figures)} MiB, {max(f['cpu_seconds'] for f in figures):.1f} s",
                        "PSS and CPU seconds, the most of the three participants",
                    )
                )
    return rows
