"""Shared fixtures: an isolated workspace per test, the shipped catalogue, the example sessions."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from playbook.catalogue import Catalogue, load_catalogue
from playbook.paths import examples_dir

ROOT = Path(__file__).resolve().parent.parent
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
