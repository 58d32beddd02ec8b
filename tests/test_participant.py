"""A hub participant's JupyterLab server: the hub starts it through ``playbook.participant``
(``tests/test_startup.py`` checks the hub's command), which keeps JupyterLab from starting Node to look
up an npm registry a participant never installs from."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from playbook import participant


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
