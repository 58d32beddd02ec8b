"""Shared fixtures: an isolated workspace per test, the shipped catalogue, the example sessions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from playbook.catalogue import Catalogue, load_catalogue
from playbook.paths import examples_dir

ROOT = Path(__file__).resolve().parent.parent


def fresh(code: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """Run ``code`` in a new interpreter; it prints one JSON value as its last line, which is returned."""
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# Debian's Chromium, never a browser downloaded by playwright.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXAMPLE_NL = examples_dir() / "samen-een-servicedesk.session.yaml"
EXAMPLE_EN = examples_dir() / "quarterly-retrospective.session.yaml"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own workspace and no user catalogue, so nothing leaks between tests."""
    ws = tmp_path / "workspace"
    monkeypatch.setenv("PLAYBOOK_WORKSPACE", str(ws))
    monkeypatch.delenv("PLAYBOOK_CATALOGUE", raising=False)
    monkeypatch.delenv("PLAYBOOK_LANG", raising=False)
    return ws


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue([])


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A writable copy of the Dutch example session."""
    target = tmp_path / EXAMPLE_NL.name
    shutil.copyfile(EXAMPLE_NL, target)
    return target


def _fail_skips_on_ci(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Under CI=true a skip is a failure: a missing tool must never let a test pass silently."""
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where every tool must be installed: {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    _fail_skips_on_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    outcome = yield
    _fail_skips_on_ci(outcome.get_result())


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run; each test opens its own context."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
