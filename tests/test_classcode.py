"""The methods ``@dataclass`` writes for the playbook's classes, kept compiled between processes.

Speed is measured by ``make bench``; these tests check that a second process compiles none of them, that
what is kept is exactly what compiling gives, that nothing else is touched, and that a damaged or
foreign table, or a Python told not to write bytecode, costs time only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playbook.classcode import FORMAT, read_table

from .conftest import fresh as run_fresh

IMPORT_COMMANDS = """
import json
import playbook.cli, playbook.agenda, playbook.diagnosis, playbook.structure, playbook.flavours.text
from playbook import classcode
from playbook.errors import Problem
problem = Problem("a.yaml", "energy", "too high")
try:
    problem.field = "other"
    frozen = False
except AttributeError:
    frozen = True
same = problem == Problem("a.yaml", "energy", "too high") and hash(problem) == hash(Problem("a.yaml", "energy", "too high"))
print(json.dumps([*classcode.counts(), repr(problem), frozen, same]))
"""


def fresh(code: str, cache: Path, *, bytecode: bool = True) -> Any:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return run_fresh(code, env=env)


def tables(cache: Path) -> list[Path]:
    return sorted((cache / "playbook" / f"classcode-{FORMAT}").rglob("*.marshal"))


def test_a_second_process_compiles_no_method_and_its_classes_are_the_same(tmp_path: Path) -> None:
    served, compiled, *first = fresh(IMPORT_COMMANDS, tmp_path)
    assert served == 0 and compiled > 300
    assert {p.stem for p in tables(tmp_path)} >= {"playbook.errors", "playbook.catalogue", "playbook.session"}
    served, compiled, *second = fresh(IMPORT_COMMANDS, tmp_path)
    assert compiled == 0 and served > 300
    assert second == first == ["Problem(file='a.yaml', field='energy', message='too high')", True, True]


def test_what_is_kept_is_exactly_what_compiling_the_text_gives(tmp_path: Path) -> None:
    fresh(IMPORT_COMMANDS, tmp_path)
    kept = [read_table(path) for path in tables(tmp_path)]
    assert sum(len(table) for table in kept) > 300
    for table in kept:
        for text, code in table.items():
            assert code == compile(text, "<string>", "exec", dont_inherit=True)


def test_other_classes_and_other_uses_of_exec_are_left_alone(tmp_path: Path) -> None:
    code = """
    import json, dataclasses, playbook
    from playbook import classcode
    @dataclasses.dataclass(frozen=True)
    class Outside:
        x: int
    namespace = {}
    exec("y = 1 + 1", namespace)
    print(json.dumps([dataclasses.exec is classcode._exec, classcode.counts(), Outside(1).x, namespace["y"]]))
    """
    assert fresh(code, tmp_path) == [True, [0, 0], 1, 2]  # dataclasses imported before playbook, too
    assert tables(tmp_path) == []


def test_import_playbook_alone_does_not_import_dataclasses(tmp_path: Path) -> None:
    code = "import json, sys, playbook; print(json.dumps('dataclasses' in sys.modules))"
    assert fresh(code, tmp_path) is False


def test_a_damaged_or_foreign_table_is_passed_over_and_written_anew(tmp_path: Path) -> None:
    fresh(IMPORT_COMMANDS, tmp_path)
    errors = next(p for p in tables(tmp_path) if p.stem == "playbook.errors")
    good = errors.read_bytes()
    for damage in (b"", b"garbage", good[:-20], good.replace(b"|", b"#", 1)):
        errors.write_bytes(damage)
        _, compiled, *_ = fresh(IMPORT_COMMANDS, tmp_path)
        assert compiled >= 1  # the methods of errors.py's class, compiled again
        assert read_table(errors) and errors.read_bytes() == good


def test_a_table_others_may_write_is_not_read(tmp_path: Path) -> None:
    fresh(IMPORT_COMMANDS, tmp_path)
    errors = next(p for p in tables(tmp_path) if p.stem == "playbook.errors")
    errors.chmod(0o666)
    assert read_table(errors) == {}


def test_nothing_is_written_when_python_is_told_to_write_no_bytecode(tmp_path: Path) -> None:
    _, compiled, *_ = fresh(IMPORT_COMMANDS, tmp_path, bytecode=False)
    assert compiled > 300
    assert tables(tmp_path) == []
