"""Open doors: the app's gate against DNS rebinding and foreign pages, and the trial hub's safe defaults.

The gate's rules are checked as a function, then against a running ``playbook app`` with the headers
a rebinding page sends (a foreign ``Host``, a foreign ``Origin``, a kernel socket opened from another
site). The hub's configuration is read as JupyterHub reads it, and its authenticator asked directly.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import os
import runpy
import socket
from pathlib import Path

import pytest
from traitlets.config import Config

from playbook import app
from playbook.workspace import init_folder

from . import servers

HUB_CONFIG = servers.HUB_CONFIG


def test_the_gate_answers_its_own_addresses_only() -> None:
    gate = app.make_gate("127.0.0.1", 8866)
    assert gate.token is None
    ok = "/voila/render/03_design_the_session.ipynb"
    assert gate.refusal(ok, "127.0.0.1:8866", None, "127.0.0.1") is None
    assert gate.refusal(ok, "localhost:8866", "http://localhost:8866", "127.0.0.1") is None
    assert gate.refusal(ok, "evil.example:8866", None, "127.0.0.1")[0] == 403  # rebinding
    assert gate.refusal(ok, "127.0.0.1:8866", "http://evil.example", "127.0.0.1")[0] == 403  # foreign page
    assert gate.refusal(ok, "127.0.0.1:8866", "null", "127.0.0.1")[0] == 403
    assert gate.refusal(ok, "127.0.0.1:9999", None, "127.0.0.1")[0] == 403  # another port's name
    assert gate.refusal(ok, None, None, "127.0.0.1")[0] == 400
    for path in (
        "/voila/render/workshop/05_cases.ipynb",
        "/voila/render/%2e%2e/secret.ipynb",
        "/voila/files/sessions/samen-een-servicedesk.session.yaml",
        "/voila/files/x.photos/flip.png",
        "/voila/tree/sessions",
        "/voila/tree/../files/x",
        "/voila/api/contents/sessions",
    ):
        assert gate.refusal(path, "127.0.0.1:8866", None, "127.0.0.1")[0] == 404, path
    for path in (
        "/",
        "/voila/tree",
        "/voila/static/x.js",
        "/api/kernels/abc/channels",
        "/voila/api/contents",
    ):
        assert gate.refusal(path, "127.0.0.1:8866", None, "127.0.0.1") is None, path


def test_off_loopback_the_app_asks_for_its_token() -> None:
    gate = app.make_gate("0.0.0.0", 8866)
    assert gate.token and len(gate.token) >= 24
    page = "/voila/render/01_brief_and_diagnosis.ipynb"
    assert gate.refusal(page, "127.0.0.1:8866", None, "127.0.0.1") is None  # this machine: as before
    assert gate.refusal(page, "192.0.2.7:8866", None, "192.0.2.9")[0] == 403
    assert gate.refusal(page, "192.0.2.7:8866", None, "192.0.2.9", "wrong")[0] == 403
    assert gate.refusal(page, "192.0.2.7:8866", None, "192.0.2.9", gate.token) is None
    # A rebinding page on this machine sends a foreign Host from loopback: the token is asked too.
    assert gate.refusal(page, "evil.example:8866", None, "127.0.0.1")[0] == 403
    planned = app.plan(init_folder(Path(os.environ["PLAYBOOK_WORKSPACE"]) / "p").folder, ip="0.0.0.0")
    assert planned.gate.token in planned.url and planned.open_browser is False


def _request(port: int, path: str, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("GET", path, skip_host=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    status = conn.getresponse().status
    conn.close()
    return status


def _websocket_status(port: int, host: str, origin: str) -> int:
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(
            (
                "GET /api/kernels/00000000-0000-0000-0000-000000000000/channels HTTP/1.1\r\n"
                f"Host: {host}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        return int(s.recv(1024).split(b" ", 2)[1])


def test_a_running_app_refuses_spoofed_hosts_origins_and_private_files(tmp_path: Path) -> None:
    root = init_folder(tmp_path / "p").folder
    (root / "sessions" / "flip.png").write_bytes(b"\x89PNG private")
    with servers.app(root, tmp_path, tmp_path / "app.log") as server:
        server.wait("/")
        port, own = server.port, f"127.0.0.1:{server.port}"
        assert _request(port, "/", {"Host": own}) == 200
        assert _request(port, "/", {"Host": f"rebound.example:{port}"}) == 403
        assert _request(port, "/", {"Host": own, "Origin": "http://evil.example"}) == 403
        for path in (
            "/voila/files/sessions/samen-een-servicedesk.session.yaml",
            "/voila/files/sessions/flip.png",
            "/voila/render/workshop/05_cases.ipynb",
            "/voila/tree/workshop",
        ):
            assert _request(port, path, {"Host": own}) == 404, path
        # A kernel socket (how a widget message reaches the session file) from a foreign page or name.
        assert _websocket_status(port, f"rebound.example:{port}", f"http://rebound.example:{port}") == 403
        assert _websocket_status(port, own, "http://evil.example") == 403
        assert _websocket_status(port, own, f"http://{own}") != 403  # its own pages pass the gate


# ----------------------------------------------------------------------------------------------- hub


def _hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> tuple[Config, dict]:
    monkeypatch.setenv("PLAYBOOK_HUB_STATE", str(tmp_path / "hub"))
    for name in ("PASSWORD", "TRIAL", "TRAINER", "TRAINER_PASSWORD"):
        monkeypatch.delenv(f"PLAYBOOK_HUB_{name}", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(f"PLAYBOOK_HUB_{name}", value)
    config = Config()
    found = runpy.run_path(str(HUB_CONFIG), init_globals={"get_config": lambda: config})
    return config, found


def _login(config: Config, name: str, password: str) -> dict | None:
    authenticator = config.JupyterHub.authenticator_class(config=config)
    return asyncio.run(authenticator.authenticate(None, {"username": name, "password": password}))


def test_the_hub_never_lets_anyone_in_without_a_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, found = _hub(tmp_path, monkeypatch)
    password, trainer = found["PASSWORD"], found["TRAINER"]
    assert password and len(password) >= 8 and trainer != "trainer" and trainer.startswith("trainer-")
    assert _login(config, "anna", "") is None and _login(config, "anna", "anything") is None
    assert _login(config, "anna", password) == {"name": "anna", "admin": False, "groups": []}
    assert _login(config, trainer, password) is None  # the participants' password is not the trainer's
    assert _login(config, trainer, found["TRAINER_PASSWORD"])["admin"] is False
    # Kept for the next start, readable by the trainer only.
    kept = tmp_path / "hub" / "password"
    assert kept.read_text().strip() == password and oct(kept.stat().st_mode & 0o777) == "0o600"
    _again, found_again = _hub(tmp_path, monkeypatch)
    assert found_again["PASSWORD"] == password and found_again["TRAINER"] == trainer


def test_the_trainer_oversees_servers_but_cannot_enter_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _found = _hub(tmp_path, monkeypatch, TRAINER="Maria", TRAINER_PASSWORD="a-long-trainer-secret")
    [role] = [r for r in config.JupyterHub.load_roles if r["name"] == "trainer"]
    assert role["users"] == ["maria"] and "admin-ui" in role["scopes"] and "servers" in role["scopes"]
    assert not any(s.startswith(("access:servers", "admin:", "tokens")) for s in role["scopes"])
    assert _login(config, "Maria", "a-long-trainer-secret") == {"name": "maria", "admin": False}


def test_a_trial_hub_is_an_explicit_choice_and_short_passwords_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, found = _hub(tmp_path, monkeypatch, TRIAL="1")
    assert _login(config, "anna", "") == {"name": "anna", "admin": False}
    assert _login(config, found["TRAINER"], "") is None  # even a trial does not hand out the trainer
    authenticator = config.JupyterHub.authenticator_class(config=config)
    for name in ("../escape", "..", "a/b", ".hidden"):  # a name is a home folder: none climbs out
        data = {"username": name, "password": ""}
        assert asyncio.run(authenticator.get_authenticated_user(None, data)) is None, name
    assert asyncio.run(authenticator.get_authenticated_user(None, {"username": "Anna", "password": ""}))
    with pytest.raises(SystemExit, match="8 characters"):
        _hub(tmp_path / "other", monkeypatch, PASSWORD="short")
