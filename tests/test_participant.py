"""A hub participant's JupyterLab server: the hub starts it through ``playbook.participant``
(``tests/test_startup.py`` checks the hub's command), which keeps JupyterLab from starting Node to look
up an npm registry a participant never installs from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
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


def test_the_server_imports_jupyterhub_s_singleuser_without_the_hub_s_database(tmp_path: Path) -> None:
    """Started as the hub starts it, the participant's server imports ``jupyterhub.singleuser`` without
    the hub's database models (SQLAlchemy's ORM, Alembic, Mako, Pygments), and they still work when used."""
    (tmp_path / "probe.py").write_text(
        """
import json, sys
import jupyterhub.singleuser.app
from playbook.startup import is_deferred

before = {"deferred": [is_deferred("jupyterhub.orm"), is_deferred("jupyterhub.objects")],
          "loaded": sorted(m for m in ("alembic", "mako", "pygments", "sqlalchemy.orm") if m in sys.modules)}
import jupyterhub.orm as orm
from jupyterhub.objects import Server
used = {"table": orm.User.__tablename__, "server": Server(ip="127.0.0.1", port=8888).host,
        "deferred": [is_deferred("jupyterhub.orm"), is_deferred("jupyterhub.objects")]}
print(json.dumps([before, used]))
""",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "playbook.participant", "probe"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    before, used = json.loads(out.stdout.strip().splitlines()[-1])
    assert before == {"deferred": [True, True], "loaded": []}
    assert used == {"table": "users", "server": "http://127.0.0.1:8888", "deferred": [False, False]}
