"""`playbook init` (a participant's own playbook folder) and what `playbook app` checks before serving."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from playbook import app, paths
from playbook.cli import main
from playbook.errors import PlaybookError
from playbook.workspace import DEFAULT_EXAMPLE, PAST, examples, init_folder, open_current, past_runs

SHIPPED = [p.relative_to(paths.notebooks_dir()) for p in paths.notebook_files(paths.notebooks_dir())]


def test_init_copies_every_notebook_and_example(tmp_path: Path) -> None:
    report = init_folder(tmp_path / "anna")
    root = report.folder
    assert sorted(p.relative_to(root) for p in root.rglob("*.ipynb")) == SHIPPED
    assert sorted(p.name for p in (root / "sessions").iterdir() if p.is_file()) == sorted(
        p.name for p in examples().values()
    )
    assert sorted(p.name for p in (root / "sessions" / PAST).iterdir()) == [p.name for p in past_runs()]
    assert (root / paths.MARKER).is_file()
    assert len(report.copied) == len(SHIPPED) + len(examples()) + len(past_runs()) and report.kept == []
    assert (root / "01_brief_and_diagnosis.ipynb").read_bytes() == (
        paths.notebooks_dir() / "01_brief_and_diagnosis.ipynb"
    ).read_bytes()


def test_init_again_keeps_what_the_participant_changed(tmp_path: Path) -> None:
    root = init_folder(tmp_path / "anna").folder
    session = root / "sessions" / f"{DEFAULT_EXAMPLE}.session.yaml"
    notebook = root / "03_design_the_session.ipynb"
    session.write_text(session.read_text() + "# my notes\n")
    notebook.write_text(notebook.read_text().replace("03 ·", "03 (mine) ·"))

    again = init_folder(root)
    assert again.copied == [] and len(again.kept) == len(SHIPPED) + len(examples()) + len(past_runs())
    assert session.read_text().endswith("# my notes\n") and "(mine)" in notebook.read_text()

    refreshed = init_folder(root, refresh_notebooks=True)
    assert notebook in refreshed.copied and "(mine)" not in notebook.read_text()
    assert "(mine)" in notebook.with_name(notebook.name + ".bak").read_text()  # nothing is lost
    assert session in refreshed.kept and session.read_text().endswith("# my notes\n")


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    with pytest.raises(PlaybookError, match=r"notes\.txt.*not a folder"):
        init_folder(target)
    assert target.read_text() == "mine"


def test_notebooks_in_an_init_folder_keep_their_sessions_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = init_folder(tmp_path / "anna").folder
    monkeypatch.delenv("PLAYBOOK_WORKSPACE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(root / "workshop")  # a kernel runs in its notebook's folder
    assert paths.workspace() == root / "sessions"
    handle = open_current()
    assert handle.path == root / "sessions" / f"{DEFAULT_EXAMPLE}.session.yaml"
    assert (root / "sessions" / ".current-session").is_file()

    monkeypatch.chdir(tmp_path)  # elsewhere: the personal default
    assert paths.workspace() == tmp_path / "home" / "playbook"
    monkeypatch.setenv("PLAYBOOK_WORKSPACE", str(tmp_path / "chosen"))
    monkeypatch.chdir(root)
    assert paths.workspace() == tmp_path / "chosen"  # the variable always wins


def test_cli_init_reports_what_it_did(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert f"{len(SHIPPED) + len(examples()) + len(past_runs())} files copied, 0 already there" in out
    assert main(["init", str(tmp_path / "p")]) == 0
    assert "0 files copied" in capsys.readouterr().out
    (tmp_path / "f").write_text("x")
    assert main(["init", str(tmp_path / "f")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "f"), "--lang", "nl"]) == 2
    assert "geen map" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "p"), "--lang", "nl"]) == 0
    out = capsys.readouterr().out
    assert "0 bestanden gekopieerd" in out and "open " in out and "JupyterLab" in out


def test_app_serves_the_facilitators_path_only(tmp_path: Path) -> None:
    root = init_folder(tmp_path / "anna").folder
    planned = app.plan(root, port=app.free_port(), open_browser=False)
    assert planned.folder == root and planned.url == f"http://127.0.0.1:{planned.port}/"
    assert {"workshop", "sessions"} <= set(planned.hidden)
    assert not set(app.PATH) & set(planned.hidden)
    assert app.plan(None).folder == paths.notebooks_dir()  # from anywhere else: the shipped notebooks


def test_app_checks_folder_and_port_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(PlaybookError, match=r"not a playbook folder.*playbook init"):
        app.plan(tmp_path)
    root = init_folder(tmp_path / "anna").folder
    with pytest.raises(PlaybookError, match="not a port"):
        app.plan(root, port=70000)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        with pytest.raises(PlaybookError, match=f"port {taken} is in use"):
            app.plan(root, port=taken)
        assert main(["app", str(root), "--port", str(taken), "--no-browser"]) == 2
    assert "in use; choose another with --port" in capsys.readouterr().err
    assert main(["app", str(tmp_path / "nowhere"), "--no-browser"]) == 2
    assert "nowhere: no such folder; make one with 'playbook init FOLDER'" in capsys.readouterr().err
