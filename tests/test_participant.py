"""A hub participant's JupyterLab server: the hub starts it through ``playbook.participant``, which keeps
JupyterLab from starting Node to look up an npm registry a participant never installs from."""

from __future__ import annotations

import ast
import subprocess
from typing import Any

import pytest

from playbook import participant

from .servers import HUB_CONFIG


def test_extension_options_need_no_node_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import jupyterlab.commands as commands

    monkeypatch.setattr(commands, "_yarn_config", commands._yarn_config)  # put back after the test
    started: list[Any] = []
    for name in ("check_output", "Popen", "run"):
        monkeypatch.setattr(
            subprocess, name, lambda *a, **k: started.append(a) or pytest.fail(f"started {a}")
        )
    assert participant.no_registry_lookup()
    registry = commands.AppOptions().registry  # what JupyterLab's server asks for at import and listing
    assert registry.startswith("https://") and started == []


def test_the_hub_starts_each_participant_through_it() -> None:
    tree = ast.parse(HUB_CONFIG.read_text(encoding="utf-8"))
    commands = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "c.Spawner.cmd"
    ]
    assert len(commands) == 1
    assert [ast.literal_eval(e) for e in commands[0].elts[1:]] == [
        "-m",
        "playbook.participant",
        "jupyterhub.singleuser",
    ]
