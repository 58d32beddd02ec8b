"""The `playbook` command: output, JSON, languages and exit codes, as a facilitator would use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from playbook.catalogue import Catalogue, load_catalogue
from playbook.cli import main
from playbook.session import load_session

from .conftest import EXAMPLE_EN, EXAMPLE_NL


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_catalogue_list_in_both_languages(capsys: pytest.CaptureFixture[str], catalogue: Catalogue) -> None:
    code, out, _ = run(capsys, "catalogue", "list")
    assert code == 0 and f"{len(catalogue)} interventions" in out and "1-2-4-All" in out
    code, out, _ = run(capsys, "--lang", "nl", "catalogue", "list")
    assert code == 0 and f"{len(catalogue)} werkvormen" in out and "1-2-4-allen" in out
    code, out2, _ = run(capsys, "catalogue", "list", "--lang", "nl")  # --lang after the command works too
    assert out2 == out


def test_catalogue_list_filters_and_json(capsys: pytest.CaptureFixture[str], catalogue: Catalogue) -> None:
    code, out, _ = run(capsys, "catalogue", "list", "--role", "close", "--setting", "online", "--json")
    data = json.loads(out)
    expected = [i.id for i in catalogue.filter(role="close", setting="online")]
    assert code == 0 and [d["id"] for d in data] == expected and expected
    assert all(d["role"] == "close" and "online" in d["settings"] for d in data)
    assert data[0]["name"].keys() == {"en", "nl"} and data[0]["origin"] == "shipped"


def test_catalogue_show_prints_the_whole_card(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue", "show", "1-2-4-all", "--lang", "nl")
    assert code == 0
    for words in (
        "1-2-4-allen",
        "Uitnodiging",
        "Stappen",
        "tweetallen",
        "Zichtbaar resultaat",
        "Bron",
        "Lipmanowicz",
    ):
        assert words in out
    code, out, _ = run(capsys, "catalogue", "show", "1-2-4-all", "--json")
    assert json.loads(out)["steps"][0]["configuration"] == "solo"


def test_catalogue_search(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue", "search", "stippen", "--json")
    assert code == 0 and "dot-voting" in [d["id"] for d in json.loads(out)]
    code, out, _ = run(capsys, "catalogue", "search", "xyzzy")
    assert code == 0 and "No intervention matches." in out


def test_catalogue_validate(capsys: pytest.CaptureFixture[str], tmp_path: Path, catalogue: Catalogue) -> None:
    code, out, _ = run(capsys, "catalogue", "validate")
    assert code == 0 and f"valid: {len(catalogue)} interventions" in out
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "oops.yaml").write_text("id: oops\nrole: open\n", encoding="utf-8")
    code, _, err = run(capsys, "catalogue", "validate", str(bad))
    assert code == 2 and "oops.yaml: name: is missing" in err


def test_catalogue_validate_report_shows_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue", "validate", "--report")
    assert code == 0
    for row in (
        "role        converge",
        "role        input",
        "layer       below",
        "setting     online",
        "group size  50+",
    ):
        assert row in out
    assert "✗" not in out and out.count("✓") == 10
    scaling = next(line for line in out.splitlines() if "scales with size" in line)
    assert int(scaling.split()[-1]) == sum(i.scales for i in load_catalogue([]))


def test_unknown_id_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "catalogue", "show", "dot-votin")
    assert code == 2 and out == ""
    assert err == "playbook: error: unknown intervention 'dot-votin'; did you mean dot-voting?\n"


def test_session_new_check_show(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "kickoff.session.yaml"
    code, out, _ = run(capsys, "session", "new", str(path), "--title", "Aftrap", "--language", "nl")
    assert code == 0 and path.exists() and load_session(path).language == "nl"
    code, out, _ = run(capsys, "session", "check", str(path))
    assert code == 0 and "in orde: 0 blokken" in out  # the session's own language
    code, _, err = run(capsys, "session", "new", str(path))
    assert code == 2 and "already exists" in err and load_session(path).title == "Aftrap"


def test_session_new_adds_the_suffix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, _ = run(capsys, "session", "new", str(tmp_path / "plain"))
    assert code == 0 and load_session(tmp_path / "plain.session.yaml").title == "New session"


def test_session_show_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "session", "show", str(EXAMPLE_NL))
    assert code == 0
    assert "Samen één servicedesk" in out and "13:00" in out and "Koffie en thee" in out
    assert "Incheckronde" in out or "check-in" in out.lower()
    code, out, _ = run(capsys, "session", "show", str(EXAMPLE_EN), "--json")
    data = json.loads(out)
    assert data["start"] == "14:00" and data["group"] == {"size": 8, "setting": "online"}
    assert data["agenda"][0]["intervention"] == "weather-report"


def test_session_check_reports_each_problem_with_its_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.session.yaml"
    path.write_text(
        "schema_version: 1\ntitle: x\nagenda:\n  - intervention: dot-votin\n    minutes: 5\n"
        "  - intervention: dot-voting\n    minutes: 5\n    plan_b: [nope]\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "session", "check", str(path))
    assert code == 2
    assert err.splitlines()[0] == "playbook: error: 2 problems:"
    assert f"{path}: agenda[0].intervention: unknown intervention 'dot-votin'" in err
    assert f"{path}: agenda[1].plan_b[0]: unknown intervention 'nope'" in err


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["catalogue", "list", "--role", "warmup"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "invalid choice: 'warmup'" in err


def test_the_installed_command_never_shows_a_traceback(tmp_path: Path) -> None:
    evil = tmp_path / "evil.session.yaml"
    evil.write_text("schema_version: 1\ntitle: !!python/object/apply:os.getcwd []\n", encoding="utf-8")
    env = {**os.environ, "PLAYBOOK_WORKSPACE": str(tmp_path)}
    for argv in (
        ["session", "show", str(evil)],
        ["session", "check", str(tmp_path / "missing.session.yaml")],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "playbook", *argv],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr.startswith("playbook: error: ") and "Traceback" not in proc.stderr


def test_diagnose_json_has_the_promised_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diagnose", str(EXAMPLE_NL), "--json")
    data = json.loads(out)
    assert code == 0 and 0 <= data["undercurrent"] <= 100
    dim = data["dimensions"][0]
    assert {"id", "layer", "score", "reasons"} <= dim.keys() and dim["layer"] in ("above", "below")
    assert {"name", "confidence", "reasons"} <= data["stage"].keys()
    assert all({"id", "evidence"} <= th.keys() for th in data["themes"]) and data["themes"]
    assert {"dominant", "reasons", "warnings"} <= data["colour"].keys()
    assert isinstance(data["stance"]["findings"], list)
    assert data["language"] == "nl" and data["dimensions"][5]["name"] == "Vertrouwen"


def test_diagnose_text_in_either_language(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "diagnose", str(EXAMPLE_NL), "--lang", "en")
    assert code == 0 and "Undercurrent intensity" in out and "Trust" in out and "Seen: Rumours" in out
    path = tmp_path / "m.session.yaml"
    path.write_text(
        "schema_version: 1\ntitle: x\nbrief:\n  wish: Make them hit the deadline and fix the conflict between A and B.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "diagnose", str(path))
    assert code == 0 and "asks-for-management" in out and "Re-contract before you accept" in out


def test_session_check_reports_unknown_diagnosis_ids(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "d.session.yaml"
    path.write_text(
        "schema_version: 1\ntitle: x\ndiagnosis:\n  answers: {trust-rly: 3}\n  signals: [telepathy]\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "session", "check", str(path))
    assert (
        code == 2
        and "diagnosis.answers.trust-rly: is not a known statement" in err
        and "unknown signal 'telepathy'" in err
    )


def test_suggest_groups_a_shortlist_per_role(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "suggest", str(EXAMPLE_EN), "--json")
    data = json.loads(out)
    assert code == 0 and list(data) == ["open", "diverge", "groan", "converge", "close", "energise", "input"]
    for role, items in data.items():
        assert 1 <= len(items) <= 4 and all(item["role"] == role for item in items)
        assert all({"id", "role", "score", "reasons", "warnings"} <= item.keys() for item in items)
    online = {i.id for i in load_catalogue() if "online" in i.settings}
    assert all(item["id"] in online for items in data.values() for item in items)  # the example is online


def test_suggest_one_role_ranked_best_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "suggest", str(EXAMPLE_NL), "--role", "groan", "--limit", "3", "--json")
    items = json.loads(out)
    assert (
        code == 0
        and len(items) == 3
        and [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    )
    code, out, _ = run(capsys, "suggest", str(EXAMPLE_NL), "--role", "groan", "--limit", "3")
    assert code == 0 and "Worstelzone" in out and "✓" in out


def test_suggest_all_shows_what_breaks_a_limit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "suggest", str(EXAMPLE_EN), "--role", "energise", "--all", "--limit", "50", "--json"
    )
    items = json.loads(out)
    unfit = [i for i in items if not i["fits"]]
    offline = {i.id for i in load_catalogue() if "online" not in i.settings}
    assert code == 0 and unfit and all(i["warnings"] for i in unfit)
    assert all("does not work online" in i["warnings"] for i in unfit if i["id"] in offline)
    assert any(i["id"] in offline for i in unfit)
    code, _, err = run(capsys, "suggest", str(EXAMPLE_EN), "--limit", "0")
    assert code == 2 and "--limit must be at least 1" in err


def test_plan_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", str(EXAMPLE_NL), "--json")
    data = json.loads(out)
    assert code == 0 and data["start"] == "13:00" and data["end"] == "16:20"
    assert data["total_minutes"] == 200 and data["budget_minutes"] == 210
    assert {"start", "end", "minutes", "title", "role", "intervention"} <= data["blocks"][0].keys()
    planned = {"no-groan-space", "no-break", "block-too-short"}  # advice, so still exit 0
    assert {f["code"] for f in data["findings"]} == planned | {"calibrated-time", "history-over-time"}
    code, out, _ = run(capsys, "plan", str(EXAMPLE_NL), "--json", "--no-history")  # the past runs left out
    assert code == 0 and {f["code"] for f in json.loads(out)["findings"]} == planned
    code, out, _ = run(capsys, "plan", str(EXAMPLE_NL), "--lang", "en")
    assert code == 0 and "13:00–13:10" in out and "[warning] no-break" in out


def test_plan_of_an_invalid_file_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.session.yaml"
    bad.write_text("schema_version: 1\ntitle: x\nagenda:\n  - break: b\n    minutes: -1\n", encoding="utf-8")
    code, out, err = run(capsys, "plan", str(bad))
    assert code == 2 and out == "" and "agenda[0].minutes" in err


def test_arc_writes_png_and_svg(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    png, svg = tmp_path / "arc.png", tmp_path / "arc.svg"
    assert run(capsys, "arc", str(EXAMPLE_EN), "-o", str(png))[0] == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert run(capsys, "arc", str(EXAMPLE_NL), "-o", str(svg))[0] == 0
    text = svg.read_text(encoding="utf-8")
    assert text.startswith(("<svg", "<?xml")) and "Incheckronde" in text and "worstelzone" in text
    code, _, err = run(capsys, "arc", str(EXAMPLE_EN), "-o", str(tmp_path / "arc.pdf"))
    assert code == 2 and ".png or .svg" in err
    code, _, err = run(capsys, "arc", str(EXAMPLE_EN), "-o", str(tmp_path / "missing" / "arc.svg"))
    assert code == 2 and "does not exist" in err


def test_report_and_next_session(capsys: pytest.CaptureFixture[str], tmp_path: Path, example: Path) -> None:
    import datetime as dt

    from playbook.live import Live
    from playbook.session import SessionFile

    live = Live(SessionFile.open(example), load_catalogue(), clock=lambda: dt.datetime(2027, 1, 14, 13, 5))
    live.start()
    live.observe("laughter")
    live.add_action("Afspraken uitwerken", "Marieke", "1 februari")
    report = tmp_path / "report.html"
    code, out, _ = run(capsys, "report", str(example), "-o", str(report))
    text = report.read_text(encoding="utf-8")
    assert (
        code == 0
        and out.strip() == str(report)
        and "<script" not in text
        and "Afspraken uitwerken" in text
        and "gelach" in text
    )
    code, _, _ = run(capsys, "session", "next", str(example), "-o", str(tmp_path / "next"))
    nxt = load_session(tmp_path / "next.session.yaml")
    assert code == 0 and "Afspraken uitwerken" in nxt.brief.wish
    code, _, err = run(capsys, "session", "next", str(example), "-o", str(tmp_path / "next.session.yaml"))
    assert code == 2 and "bestaat al" in err  # in the language of the (Dutch) session


# ----------------------------------------------------------------------- the path from the terminal


def test_a_session_from_nothing_to_a_handout_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "kickoff.session.yaml"
    assert run(capsys, "session", "new", str(path), "--title", "Kick-off")[0] == 0
    f = str(path)
    code, out, _ = run(
        capsys, "brief", f, "--client", "Ana, head of service",
        "--wish", "The team wants to agree together how they share the phones; there is no conflict.",
        "--result", "Five working agreements on the wall", "--context", "Two desks merged in May.",
        "--purpose", "We make our own agreements about the phones.",
    )  # fmt: skip
    assert code == 0 and "Saved" in out and "Purpose for participants" in out
    assert run(capsys, "group", f, "--size", "14", "--setting", "hybrid")[0] == 0

    code, out, _ = run(capsys, "questions", f, "--json")
    listed = json.loads(out)
    from playbook.diagnosis import default_bank

    assert {q["id"] for q in listed} == {"history", *default_bank().questions}
    trust = next(q for q in listed if q["id"] == "trust-rely")
    assert [a["value"] for a in trust["answers"]] == ["1", "2", "3", "4", "5"] and trust["current"] is None
    history = next(q for q in listed if q["id"] == "history")
    assert [a["value"] for a in history["answers"]] == ["new", "settling", "established", "ending"]

    assert run(capsys, "answer", f, "trust-rely=4", "safe-disagree=2", "history=new")[0] == 0
    assert run(capsys, "signals", f, "--add", "silence", "--add", "newcomers")[0] == 0
    assert run(capsys, "signals", f, "--remove", "silence")[0] == 0
    for argv in (
        ("add", "check-in-round"),
        ("add", "working-agreements", "--minutes", "40"),
        ("add", "break", "--minutes", "10", "--at", "2"),
        ("add", "check-out-round"),
        ("move", "2", "3"),
        ("set", "1", "--minutes", "12"),
        ("remove", "4"),
    ):
        code, out, err = run(capsys, "agenda", f, *argv)
        assert code == 0, err
    s = load_session(path)
    assert s.brief.purpose.startswith("We make our own") and (s.group.size, s.group.setting) == (14, "hybrid")
    assert s.diagnosis.answers == {"trust-rely": 4, "safe-disagree": 2} and s.diagnosis.history == "new"
    assert s.diagnosis.signals == ("newcomers",)
    assert [(b.intervention or b.title, b.minutes) for b in s.agenda] == [
        ("check-in-round", 12), ("working-agreements", 40), ("Break", 10),
    ]  # fmt: skip
    assert s.agenda[1].plan_b  # a plan B chosen for this group, as the notebooks do
    assert path.with_name(path.name + ".bak").exists()  # saved like the widgets: atomically, with a backup

    code, out, _ = run(capsys, "diagnose", f, "--json")
    data = json.loads(out)
    assert data["stance"]["value"] == "facilitating" and data["stance"]["evidence"]
    assert (
        data["intents"]["agreements"]["value"] == "present"
        and data["intents"]["tension"]["value"] == "absent"
    )
    assert set(data["colour"]) >= {"value", "confidence", "evidence", "dominant", "scores"}
    out_html = tmp_path / "kickoff.html"
    assert run(capsys, "handout", f, "--audience", "participants", "-o", str(out_html))[0] == 0
    page = out_html.read_text(encoding="utf-8")
    assert "We make our own agreements about the phones." in page and "share the phones" not in page


def test_command_line_mistakes_name_the_field_in_the_sessions_language_and_change_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dag.session.yaml"
    run(capsys, "session", "new", str(path), "--language", "nl")
    before = path.read_bytes()
    code, _, err = run(capsys, "answer", str(path), "trust-rley=4", "safe-disagree=9", "history=old")
    assert code == 2 and path.read_bytes() == before
    assert "diagnosis.answers.trust-rley: is geen vraag van de diagnose; bedoel je 'trust-rely'?" in err
    assert "diagnosis.answers.safe-disagree: moet een geheel getal zijn van 1" in err
    assert "diagnosis.history: moet een van deze zijn" in err
    code, _, err = run(capsys, "agenda", str(path), "remove", "1")
    assert code == 2 and "de agenda is nog leeg" in err
    code, _, err = run(capsys, "agenda", str(path), "add", "dot-votin")
    assert code == 2 and "dot-voting" in err
    code, _, err = run(capsys, "signals", str(path), "--add", "silense")
    assert code == 2 and "bedoel je 'silence'?" in err
    code, _, err = run(capsys, "group", str(path), "--size", "0")
    assert code == 2 and "group.size" in err
    assert path.read_bytes() == before
    code, out, _ = run(capsys, "answer", str(path), "trust-rely=3")
    assert code == 0 and out.startswith("Opgeslagen in")


def test_commands_without_changes_show_what_is_there(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "x.session.yaml"
    run(capsys, "session", "new", str(path))
    code, out, _ = run(capsys, "brief", str(path), "--wish", "Learn together")
    assert code == 0
    code, out, _ = run(capsys, "brief", str(path), "--wish", "Learn together")
    assert code == 0 and "nothing was saved" in out
    code, out, _ = run(capsys, "brief", str(path))
    assert code == 0 and "Learn together" in out
    code, out, _ = run(capsys, "signals", str(path))
    assert code == 0 and "conflict-avoided" in out and "playbook signals" in out
    code, out, _ = run(capsys, "questions", str(path))
    assert code == 0 and "trust-rely" in out and "strongly agree" in out


def test_a_broken_dutch_session_is_reported_in_dutch_from_header_to_last_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "kapot.session.yaml"
    path.write_text(
        "schema_version: 1\ntitle: x\nlanguage: nl\ndate: morgen\nstart: '25:00'\n"
        "agenda:\n  - minutes: 5\n  - break: Koffie\n    minutes: 10\n    plan_b: [dot-voting]\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "session", "check", str(path))
    assert code == 2 and "4 problemen:" in err and "problems" not in err
    assert "date: moet een datum zijn als 2026-12-03, gevonden: 'morgen'" in err
    assert "start: moet een tijd zijn als 13:00" in err
    assert "agenda[0]: moet precies één zijn van" in err and "een pauze heeft geen plan B" in err
    path.write_text(
        "schema_version: 1\ntitle: x\nlanguage: nl\nshortlist: [dot-votin]\n"
        "diagnosis:\n  answers: {trust-rly: 3}\n  signals: [telepathy]\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "session", "check", str(path))
    assert code == 2 and "3 problemen:" in err
    assert "onbekende werkvorm 'dot-votin'" in err and "is geen bekende stelling" in err
    assert "onbekend signaal 'telepathy'" in err
    path.write_text("schema_version: 7\ntitle: x\nlanguage: nl\n", encoding="utf-8")
    code, _, err = run(capsys, "session", "check", str(path))
    assert code == 2 and "geschreven door een nieuwer playbook" in err
