"""`playbook design`: the draft in text and JSON, applying it, and going back to a kept agenda."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from playbook.cli import main
from playbook.session import Brief, Group, Session, SessionFile, load_session

from .conftest import EXAMPLE_EN, EXAMPLE_NL


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def own_copy(tmp_path: Path) -> Path:
    """A copy of the English example in a folder of its own (no past runs beside it)."""
    target = tmp_path / "own" / EXAMPLE_EN.name
    target.parent.mkdir()
    shutil.copyfile(EXAMPLE_EN, target)
    return target


@pytest.fixture
def retro(tmp_path: Path) -> Path:
    return own_copy(tmp_path)


@pytest.fixture
def board(tmp_path: Path) -> Path:
    path = tmp_path / "board.session.yaml"
    session = Session(
        title="Board slot",
        budget_minutes=30,
        brief=Brief(wish="A complete new strategy and better team spirit", visible_result="A strategy"),
        group=Group(7, "in-person"),
    )
    SessionFile.create(path, session)
    return path


def test_design_prints_the_draft_with_every_reason(capsys: pytest.CaptureFixture[str], retro: Path) -> None:
    before = retro.read_bytes()
    code, out, _ = run(capsys, "design", str(retro))
    assert code == 0
    assert "Looking back" in out and "120 of 120" in out
    assert "because" in out and "Plan B" in out and "[info] arc-chosen" in out
    assert retro.read_bytes() == before  # advice only: nothing is written without --apply


def test_design_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str], retro: Path) -> None:
    code, out, _ = run(capsys, "design", str(retro), "--json", "--alternatives", "2")
    data = json.loads(out)
    assert code == 0 and data["fits"] is True and data["arc"] == "retrospective"
    assert data["budget_minutes"] == 120 and sum(b["minutes"] for b in data["blocks"]) == 120
    assert len(data["alternatives"]) == 2 and data["alternatives"][0]["arc"]
    assert all(b["reason"] for b in data["blocks"])


def test_a_wish_that_does_not_fit_is_advice_and_exits_zero(
    capsys: pytest.CaptureFixture[str], board: Path
) -> None:
    code, out, _ = run(capsys, "design", str(board), "--json")
    data = json.loads(out)
    assert code == 0 and data["fits"] is False
    assert data["needed_minutes"] > data["budget_minutes"] == 30
    assert {"wish-does-not-fit", "two-aims"} <= {f["code"] for f in data["findings"]}
    assert "playbook session next" in data["proposal"]
    code, out, _ = run(capsys, "design", str(board))
    assert code == 0 and "What can be reached" in out


def test_design_speaks_the_session_language(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / EXAMPLE_NL.name
    shutil.copyfile(EXAMPLE_NL, path)
    code, out, _ = run(capsys, "design", str(path), "--no-history")
    assert code == 0 and "Ontwerp" in out and ", want " in out
    code, out, _ = run(capsys, "design", str(path), "--no-history", "--lang", "en")
    assert code == 0 and "Draft" in out


def test_apply_writes_the_draft_and_keeps_the_old_agenda(
    capsys: pytest.CaptureFixture[str], retro: Path
) -> None:
    old = load_session(retro).agenda
    code, out, _ = run(capsys, "design", str(retro), "--alternatives", "1", "--apply", "1")
    assert code == 0 and "kept as" in out
    session = load_session(retro)
    assert session.agenda != old and session.alternatives[0].agenda == old
    assert list(retro.parent.glob("*.bak")), "the save keeps a backup, like every save"
    code, out, _ = run(capsys, "agenda", str(retro), "alternatives")
    assert code == 0 and out.startswith("1. ") and "10 blocks" in out
    code, out, _ = run(capsys, "agenda", str(retro), "restore", "1")
    assert code == 0 and load_session(retro).agenda == old
    assert len(load_session(retro).alternatives) == 2  # the draft it replaced is kept in its turn


def test_keep_names_the_current_agenda(capsys: pytest.CaptureFixture[str], retro: Path) -> None:
    code, out, _ = run(capsys, "agenda", str(retro), "keep", "Sam's", "version")
    assert code == 0 and "Sam's version" in out
    assert load_session(retro).alternatives[0].name == "Sam's version"
    code, out, _ = run(capsys, "agenda", str(retro), "keep", "again")
    assert code == 0 and "nothing was saved" in out
    assert len(load_session(retro).alternatives) == 1  # the same agenda is kept once


def test_mistakes_get_a_clear_message_and_exit_two(
    capsys: pytest.CaptureFixture[str], retro: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "design", str(retro), "--apply", "3")
    assert code == 2 and "there is no draft 3" in err
    code, _, err = run(capsys, "agenda", str(retro), "restore", "Nothing like it")
    assert code == 2 and "Nothing like it" in err
    broken = tmp_path / "broken.session.yaml"
    broken.write_text("schema_version: 1\ntitle: x\nbudget_minutes: lots\n", encoding="utf-8")
    code, _, err = run(capsys, "design", str(broken))
    assert code == 2 and "budget_minutes" in err and "Traceback" not in err
    code, _, err = run(capsys, "design", str(tmp_path / "missing.session.yaml"))
    assert code == 2 and "not found" in err


def test_design_runs_as_a_command(retro: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "playbook", "design", str(retro), "--json"], capture_output=True, text=True
    )
    assert done.returncode == 0 and json.loads(done.stdout)["arc"] == "retrospective"


def test_applying_the_same_draft_twice_saves_nothing(capsys: pytest.CaptureFixture[str], retro: Path) -> None:
    run(capsys, "design", str(retro), "--apply")
    before = retro.read_bytes()
    code, out, _ = run(capsys, "design", str(retro), "--apply")
    assert code == 0 and "nothing was saved" in out and retro.read_bytes() == before


def test_the_decision_rule_the_draft_asks_for_can_be_given(
    capsys: pytest.CaptureFixture[str], board: Path
) -> None:
    run(capsys, "brief", str(board), "--wish", "Choose the two priorities for next year")
    _, out, _ = run(capsys, "design", str(board), "--json")
    assert "no-decision-rule" in {f["code"] for f in json.loads(out)["findings"]}
    code, _, _ = run(capsys, "brief", str(board), "--decision-rule", "The board decides by consent")
    assert code == 0 and load_session(board).brief.decision_rule == "The board decides by consent"
    _, out, _ = run(capsys, "design", str(board), "--json")
    assert "no-decision-rule" not in {f["code"] for f in json.loads(out)["findings"]}
