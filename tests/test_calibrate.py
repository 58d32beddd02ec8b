"""The facilitator's own history: runs read from a workspace, median ratios, and plans that use them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from playbook.agenda import plan
from playbook.calibrate import MIN_RUNS, block_runs, calibrated_minutes, history
from playbook.catalogue import Catalogue
from playbook.cli import main
from playbook.live import Live
from playbook.session import Block, Brief, Group, Session, SessionFile
from playbook.workspace import PAST, copy_example, past_runs

DAY = dt.datetime(2027, 3, 1, 9, 0)


def run_session(
    folder: Path,
    name: str,
    catalogue: Catalogue,
    took: list[int],
    agenda: tuple[Block, ...] | None = None,
    during: dict[int, str] | None = None,
) -> Path:
    """A session run with the live companion on a fake clock: block i takes ``took[i]`` minutes."""
    agenda = agenda or (
        Block(15, intervention="check-in-round"),
        Block(20, intervention="1-2-4-all"),
        Block(10, title="Coffee", is_break=True),
        Block(10, intervention="dot-voting"),
        Block(10, intervention="check-out-round"),
    )
    session = Session(
        name,
        start=DAY.time(),
        date=DAY.date(),
        agenda=agenda,
        group=Group(12),
        brief=Brief(visible_result="x"),
    )
    path = folder / f"{name}.session.yaml"
    now = [DAY]
    live = Live(SessionFile.create(path, session), catalogue, clock=lambda: now[0])
    actions = dict(during or {})
    i = 0
    while i < len(live.session.agenda):
        action = actions.pop(i, None)
        if action == "swap":
            live.swap_to_plan_b(i)
        elif action == "cut":
            live.cut(i)
            took = took[:i] + took[i + 1 :]
            continue
        live.start(i)
        if action == "resize":
            live.resize(i, live.session.agenda[i].minutes + 5)
        now[0] += dt.timedelta(minutes=took[i])
        live.finish()
        i += 1
    return path


def test_a_run_is_compared_with_the_plan_it_started_from(tmp_path: Path, catalogue: Catalogue) -> None:
    path = run_session(tmp_path, "one", catalogue, [20, 22, 12, 13, 12], during={1: "resize"})
    runs = block_runs(SessionFile.open(path).session, catalogue, str(path))
    assert [(r.intervention, r.role, r.planned, r.actual) for r in runs] == [
        ("check-in-round", "open", 15, 20),
        ("1-2-4-all", "diverge", 20, 22),  # resized to 25 during the run: still measured against 20
        (None, "break", 10, 12),
        ("dot-voting", "converge", 10, 13),
        ("check-out-round", "close", 10, 12),
    ]


def test_swapped_inserted_and_cut_blocks_have_no_plan_to_compare_with(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    agenda = (
        Block(15, intervention="check-in-round"),
        Block(20, intervention="1-2-4-all", plan_b=("silent-brainstorm",)),
        Block(5, intervention="stand-up-if"),
        Block(10, intervention="check-out-round"),
    )
    path = run_session(tmp_path, "two", catalogue, [18, 20, 5, 11], agenda, during={1: "swap", 2: "cut"})
    runs = block_runs(SessionFile.open(path).session, catalogue, str(path))
    assert [r.intervention for r in runs] == ["check-in-round", "check-out-round"]


def test_three_runs_calibrate_and_two_change_nothing(tmp_path: Path, catalogue: Catalogue) -> None:
    for n, took in enumerate(([20, 22, 10, 13, 12], [18, 21, 12, 12, 13])):
        run_session(tmp_path, f"run-{n}", catalogue, took)
    two = history(tmp_path, catalogue)
    assert two.sessions == 2 and two.interventions["check-in-round"].runs == 2
    agenda = (Block(15, intervention="check-in-round"), Block(20, intervention="1-2-4-all"))
    s = Session("Next", agenda=agenda, budget_minutes=35, brief=Brief(visible_result="x"))
    assert plan(s, catalogue, history=two).blocks[0].expected_minutes == 15  # an anecdote changes nothing
    run_session(tmp_path, "run-2", catalogue, [21, 20, 10, 11, 12])
    three = history(tmp_path, catalogue)
    tally = three.interventions["check-in-round"]
    assert (tally.runs, tally.sessions, tally.usable) == (3, 3, True) and tally.ratio == pytest.approx(
        20 / 15
    )
    p = plan(s, catalogue, history=three)
    assert p.blocks[0].expected_minutes == 20 and p.blocks[0].expected.basis == "intervention"
    message = next(f.message for f in p.findings if f.code == "calibrated-time")
    assert "ran 33 % over" in message and "3 times in 3 sessions" in message
    assert p.blocks[1].expected_minutes == 21  # 1-2-4-All: +5 % over three runs, under the bar for a note
    assert MIN_RUNS == 3


def test_a_role_speaks_for_a_form_without_enough_runs_of_its_own(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    for n in range(3):
        run_session(tmp_path, f"r{n}", catalogue, [20, 22, 10, 13, 12])
    past = history(tmp_path, catalogue)
    estimate = past.estimate("hopes-and-concerns", "open", 20)  # never run, but openings ran 33 % over
    assert estimate.basis == "role" and estimate.minutes == 27
    assert "in the role “Open”" in estimate.note("en", "Hopes and Concerns")
    custom = Session(
        "x",
        agenda=(Block(10, title="Welcome by the director", role="open"),),
        brief=Brief(visible_result="x"),
    )
    assert plan(custom, catalogue, history=past).blocks[0].expected_minutes == 13
    assert past.estimate(None, "groan", 30).calibrated is False


def test_the_designer_gets_calibrated_minutes_for_a_work_form(tmp_path: Path, catalogue: Catalogue) -> None:
    item = catalogue.get("check-in-round")
    typical = item.minutes_for(20).typical
    assert calibrated_minutes(None, item, 20).minutes == typical
    for n in range(4):
        run_session(tmp_path, f"r{n}", catalogue, [18, 20, 10, 10, 10])
    estimate = calibrated_minutes(history(tmp_path, catalogue), item, 20)
    assert estimate.calibrated and estimate.minutes == round(typical * 1.2)
    assert calibrated_minutes(history(tmp_path, catalogue), item, 20, minutes=10).minutes == 12


def test_a_broken_file_is_named_not_fatal_and_backups_are_ignored(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    for n in range(3):
        run_session(tmp_path, f"r{n}", catalogue, [20, 22, 10, 13, 12])
    (tmp_path / "broken.session.yaml").write_text("schema_version: 1\ntitle: [", encoding="utf-8")
    hidden = tmp_path / ".trash"
    hidden.mkdir()
    (hidden / "old.session.yaml").write_text("not: a session", encoding="utf-8")
    past = history(tmp_path, catalogue)
    assert past.sessions == 3 and [Path(p.file).name for p in past.skipped] == ["broken.session.yaml"]
    assert all(not Path(r.file).name.endswith(".bak") for r in past.runs)


def test_history_follows_the_files_as_they_change(tmp_path: Path, catalogue: Catalogue) -> None:
    path = run_session(tmp_path, "r0", catalogue, [20, 22, 10, 13, 12])
    assert history(tmp_path, catalogue).sessions == 1
    run_session(tmp_path, "r1", catalogue, [20, 22, 10, 13, 12])
    assert history(tmp_path, catalogue).sessions == 2
    path.unlink()
    assert history(tmp_path, catalogue).sessions == 1


def test_not_a_folder_is_a_clear_error(tmp_path: Path, catalogue: Catalogue) -> None:
    from playbook.errors import PlaybookError

    with pytest.raises(PlaybookError, match="is not a folder of session documents"):
        history(tmp_path / "nowhere", catalogue)


def test_the_example_workspace_ships_past_runs_that_calibrate(catalogue: Catalogue, isolated: Path) -> None:
    example = copy_example()
    copied = sorted(p.name for p in (example.parent / PAST).iterdir())
    assert copied == [p.name for p in past_runs()] and len(copied) >= 3
    past = history(example.parent, catalogue)
    assert past.interventions["check-in-round"].usable and past.interventions["check-in-round"].ratio > 1.2
    p = plan(SessionFile.open(example).session, catalogue, history=past)
    codes = {f.code for f in p.findings}
    assert {"calibrated-time", "history-over-time"} <= codes and p.expected_minutes > p.total_minutes


def test_the_calibrate_command(
    tmp_path: Path, catalogue: Catalogue, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calibrate", str(tmp_path)]) == 0
    assert "No session in this workspace has a recorded run yet" in capsys.readouterr().out
    for n in range(3):
        run_session(tmp_path, f"r{n}", catalogue, [20, 22, 10, 13, 12])
    assert main(["calibrate", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "from 15 blocks in 3 sessions" in out and "Check-in Round" in out and "+33 %" in out
    assert main(["calibrate", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["interventions"]["check-in-round"] == {
        "runs": 3, "sessions": 3, "median_ratio": 1.333, "median_planned_minutes": 15,
        "median_actual_minutes": 20.0, "used_in_plans": True,
    }  # fmt: skip
    assert data["roles"]["break"]["runs"] == 3
    assert main(["calibrate", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder of session documents" in capsys.readouterr().err


def test_plan_uses_the_history_of_the_file_s_own_folder(
    tmp_path: Path, catalogue: Catalogue, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(3):
        run_session(tmp_path, f"r{n}", catalogue, [20, 22, 10, 13, 12])
    agenda = (Block(10, title="Welcome", role="open"), Block(15, intervention="check-in-round"))
    SessionFile.create(tmp_path / "next.session.yaml", Session("Next", agenda=agenda, budget_minutes=25))
    assert main(["plan", str(tmp_path / "next.session.yaml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["expected_minutes"] == 33 and data["blocks"][1]["calibration"]["basis"] == "intervention"
    assert "history-over-time" in {f["code"] for f in data["findings"]}
    assert main(["plan", str(tmp_path / "next.session.yaml"), "--json", "--no-history"]) == 0
    assert json.loads(capsys.readouterr().out)["expected_minutes"] == 25
