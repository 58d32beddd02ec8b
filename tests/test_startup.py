"""Start-up: the playbook's processes import what they use, and the IRI grammars only when an IRI is checked.

Each check runs in a fresh interpreter, since what a process has imported is the point. Speed itself is
measured by ``make bench`` (benchmarks/startup.py), never here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

from playbook import chartcache
from playbook.chartkeys import iceberg_key, stage_key, stance_key
from playbook.chartmemo import KEPT_AS
from playbook.diagnosis import diagnose
from playbook.session import load_session
from playbook.startup import _Deferrer
from playbook.ui import VIEWS
from playbook.workspace import DEFAULT_EXAMPLE, examples
from playbook.yamlio import CACHE_FORMAT, fingerprint

from .conftest import EXAMPLE_EN, ROOT, fresh

GRAMMAR = ("lark", "rfc3987_syntax.syntax_helpers")
"""Modules that exist only to compile the IRI grammars."""


LOADED = """
import json, sys
def loaded(*names):
    return {n: n in sys.modules for n in names}
"""


@pytest.mark.parametrize(
    "command",
    [
        ["plan", str(EXAMPLE_EN)],
        ["diagnose", str(EXAMPLE_EN)],
        ["session", "check", str(EXAMPLE_EN)],
        ["catalogue", "list"],
    ],
)
def test_a_command_imports_no_jupyter_machinery(command: list[str]) -> None:
    code = (
        LOADED
        + """
from contextlib import redirect_stdout
import io
from playbook.cli import main
with redirect_stdout(io.StringIO()):
    status = main(sys.argv[1:])
print(json.dumps([status, loaded("nbformat", "nbconvert", "jsonschema", "matplotlib", "ipywidgets")]))
"""
    )
    status, modules = fresh(code, *command)
    assert status in (0, None)
    assert modules == {
        "nbformat": False,
        "nbconvert": False,
        "jsonschema": False,
        "matplotlib": False,
        "ipywidgets": False,
    }


def test_a_handout_from_the_command_line_validates_its_notebook_but_compiles_no_grammar(
    tmp_path: Path,
) -> None:
    code = (
        LOADED
        + """
from playbook.cli import main
from playbook.startup import is_deferred
status = main(sys.argv[1:])
print(json.dumps([status, is_deferred("rfc3987_syntax"), loaded("nbconvert", "jsonschema", "lark")]))
"""
    )
    target = tmp_path / "handout.html"
    args = ["handout", str(EXAMPLE_EN), "--audience", "participants", "-o", str(target)]
    status, deferred, modules = fresh(code, *args)
    assert status in (0, None) and target.stat().st_size > 1000
    assert deferred and modules == {"nbconvert": True, "jsonschema": True, "lark": False}


def test_the_first_cell_of_each_notebook_imports_only_what_its_views_need() -> None:
    code = (
        LOADED
        + """
from playbook.ui import AgendaBuilder, DesignPanel, SessionBinding  # notebook 03
design = loaded("matplotlib", "nbformat", "jsonschema", "lark")
from playbook.ui import StartPanel, CatalogueBrowser  # notebook 00, in a process of its own below
print(json.dumps(design))
"""
    )
    assert fresh(code) == {"matplotlib": True, "nbformat": False, "jsonschema": False, "lark": False}
    start = fresh(LOADED + "from playbook.ui import StartPanel, CatalogueBrowser\n"
                  "print(json.dumps(loaded('matplotlib', 'nbformat')))")  # fmt: skip
    assert start == {"matplotlib": False, "nbformat": False}


def test_every_view_can_be_imported_and_none_compiles_a_grammar() -> None:
    code = (
        LOADED
        + """
from playbook.ui import *
import playbook.ui as ui
from playbook.startup import is_deferred
missing = [name for name in ui.__all__ if name not in globals()]
print(json.dumps([missing, is_deferred("rfc3987_syntax"), loaded("nbformat", "lark")]))
"""
    )
    missing, deferred, modules = fresh(code)
    assert missing == []
    assert modules == {"nbformat": True, "lark": False} and deferred  # notebook 04's export needs nbformat


def test_an_unknown_view_is_an_attribute_error() -> None:
    import playbook.ui as ui

    with pytest.raises(AttributeError, match="NoSuchView"):
        ui.NoSuchView  # noqa: B018
    assert set(VIEWS) <= set(dir(ui))


def test_jupyter_servers_started_by_the_playbook_compile_no_grammar() -> None:
    """Voilà runs inside ``playbook app``: importing it (jupyter_server, jupyter_events) after the playbook."""
    code = (
        LOADED
        + "import playbook, voila.app\nprint(json.dumps(loaded('jupyter_events', 'jsonschema', 'lark')))"
    )
    assert fresh(code) == {"jupyter_events": True, "jsonschema": True, "lark": False}


def test_validation_still_works_and_iris_are_still_checked_when_used() -> None:
    code = (
        LOADED
        + """
import playbook, jsonschema, nbformat
from playbook.startup import is_deferred
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(nb)
nb.cells[0]["cell_type"] = "nonsense"
try:
    nbformat.validate(nb)
    invalid_refused = False
except nbformat.ValidationError:
    invalid_refused = True
before = [is_deferred("rfc3987_syntax"), loaded("lark")["lark"]]
checker = jsonschema.FormatChecker()
iris = [checker.conforms("https://例え.jp/ä?q=1", "iri"), checker.conforms("not an iri", "iri"),
        checker.conforms("../relative/ä", "iri-reference"), checker.conforms("a b", "iri-reference")]
print(json.dumps([invalid_refused, before, iris, is_deferred("rfc3987_syntax")]))
"""
    )
    invalid_refused, before, iris, still_deferred = fresh(code)
    assert invalid_refused
    assert before == [True, False], "validating a notebook compiled the IRI grammars"
    assert iris == [True, False, True, False]
    assert not still_deferred  # the first IRI check imported the real module


def test_a_deferred_package_s_submodules_import_as_usual() -> None:
    code = (
        LOADED
        + """
import playbook
import rfc3987_syntax.utils
from playbook.startup import is_deferred
print(json.dumps([is_deferred("rfc3987_syntax"), callable(rfc3987_syntax.utils.load_grammar), loaded("lark")]))
"""
    )
    assert fresh(code) == [True, True, {"lark": False}]


def test_a_module_that_is_not_installed_still_fails_to_import() -> None:
    deferrer = _Deferrer({"playbook_no_such_module": ("anything",)})
    sys.meta_path.insert(0, deferrer)
    try:
        with pytest.raises(ModuleNotFoundError):
            import playbook_no_such_module  # noqa: F401
    finally:
        sys.meta_path.remove(deferrer)


def test_launch_runs_a_module_as_python_m_does_with_the_deferral(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text(
        "import json, sys, jsonschema\nfrom playbook.startup import is_deferred\n"
        "print(json.dumps([__name__, sys.argv[1:], is_deferred('rfc3987_syntax'), 'lark' in sys.modules]))\n",
        encoding="utf-8",
    )
    env = {"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    out = subprocess.run(
        [sys.executable, "-m", "playbook.launch", "probe", "--flag", "value"],
        capture_output=True, text=True, check=True, env=env, cwd=tmp_path,
    ).stdout  # fmt: skip
    assert json.loads(out) == ["__main__", ["--flag", "value"], True, False]
    usage = subprocess.run([sys.executable, "-m", "playbook.launch"], capture_output=True, text=True)
    assert usage.returncode != 0 and "usage: python -m playbook.launch MODULE" in usage.stderr


def test_the_hub_starts_each_participant_s_server_through_the_launcher_with_a_warm_shared_cache(
    tmp_path: Path,
) -> None:
    config = Config()
    path = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
    env = {"PLAYBOOK_HUB_STATE": str(tmp_path), "PLAYBOOK_ROOM_PORT": "1"}
    namespace = {"get_config": lambda: config, "__file__": str(path)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    # playbook.participant: playbook.launch, without the Node processes of JupyterLab's registry lookup
    assert config.Spawner.cmd == [sys.executable, "-m", "playbook.participant", "jupyterhub.singleuser"]
    cache = Path(config.Spawner.environment["XDG_CACHE_HOME"])
    assert cache == tmp_path / "cache"
    assert namespace["warm_up"].wait(timeout=300) == 0
    assert list((cache / "matplotlib").glob("fontlist-*.json")), "matplotlib's font list is not shared"
    shipped = {fingerprint(p.read_bytes()) for p in (ROOT / "assets" / "catalogue").glob("*.yaml")}
    kept = {p.stem for p in (cache / "playbook" / f"yaml-{CACHE_FORMAT}").glob("*.json")}
    assert shipped <= kept, "the warm-up did not read the shipped catalogue into the shared cache"
    # and the example's charts as notebook 01 shows them, so a participant's kernel needs no matplotlib
    profile = diagnose(load_session(examples()[DEFAULT_EXAMPLE]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        for key in (iceberg_key(profile), stage_key(profile), stance_key(profile)):
            assert (chartcache.recall(KEPT_AS, key) or "").startswith("<svg"), f"{key[0]} chart not kept"


def test_a_preheated_kernel_imports_every_view_then_waits_before_any_session_is_read(tmp_path: Path) -> None:
    code = (
        LOADED
        + """
import voila.utils
from playbook.paths import examples_dir
from playbook import session
opened = []
original = session.SessionFile.open.__func__
def spy(cls, path, *args, **kwargs):
    opened.append(str(path))
    return original(cls, path, *args, **kwargs)
session.SessionFile.open = classmethod(spy)
waits = []
def wait_for_request(url=None):
    waits.append({"views": sorted(m for m in sys.modules if m.startswith("playbook.ui.")), "opened": list(opened)})
voila.utils.wait_for_request = wait_for_request
from playbook.ui import AgendaBuilder, SessionBinding
binding = SessionBinding.open()
examples = str(examples_dir())
print(json.dumps([waits, [p.startswith(examples) for p in opened]]))
"""
    )
    env = {
        "PATH": str(Path(sys.executable).parent),
        "PLAYBOOK_WORKSPACE": str(tmp_path / "ws"),
        "VOILA_PREHEAT": "True",
        "HOME": str(tmp_path),
    }
    waits, shipped = fresh(code, env=env)
    assert len(waits) == 1, "a preheated kernel must wait exactly once"
    views = {f"playbook.ui.{module}" for module in VIEWS.values()}
    assert views <= set(waits[0]["views"]), "the wait came before the views were imported"
    assert waits[0]["opened"] and all(shipped[: len(waits[0]["opened"])]), "only the shipped examples"
    assert not all(shipped), "the session was read before the wait, or not at all"


def test_make_test_fast_leaves_out_kernels_browsers_apps_and_hubs_and_make_test_runs_everything() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    fast = re.search(r"^FAST := (.+)$", makefile, re.M)
    assert fast and '-m "$(FAST)"' in makefile.split("\ntest-fast:")[1].split("\n\n")[0]
    test_recipe = makefile.split("\ntest:")[1].split("\n\n")[0]
    assert test_recipe.rstrip().endswith("python -m pytest"), "make test must run every test"

    heavy = {"tests/test_browser.py", "tests/test_e2e.py", "tests/test_hub.py", "tests/test_room_browser.py"}
    light = {"tests/test_session.py", "tests/test_ui_agenda.py", "tests/test_notebooks.py"}

    def collected(*args: str) -> set[str]:
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args,
             *sorted(heavy | light)],
            capture_output=True, text=True, cwd=ROOT, check=True,
        ).stdout  # fmt: skip
        return {line for line in out.splitlines() if "::" in line}

    def files(ids: set[str]) -> set[str]:
        return {i.split("::")[0] for i in ids}

    quick, every = collected("-m", fast[1]), collected()
    assert files(every) == heavy | light and files(quick) == light
    kernels = {i for i in every if "test_notebook_executes" in i}
    assert kernels and not kernels & quick, "notebooks run in a kernel: not in the quick loop"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test-fast" in readme[: readme.index("\n## ")]


def test_the_hub_itself_runs_through_the_launcher_as_make_hub_starts_it() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/python -m playbook.launch jupyterhub -f $(HUB)/jupyterhub_config.py" in makefile
    out = subprocess.run(
        [sys.executable, "-m", "playbook.launch", "jupyterhub", "--version"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    assert re.match(r"\d+\.\d+", out.strip()), out
    code = LOADED + "import playbook, jupyterhub.app\nprint(json.dumps(loaded('jsonschema', 'lark')))"
    assert fresh(code) == {"jsonschema": True, "lark": False}


def test_deferring_the_same_modules_twice_adds_one_finder(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked participant's server defers the hub's modules in the fork server and again in
    participant.main: one finder stands in for them, not two."""
    import sys

    from playbook.startup import _Deferrer, defer_also

    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    modules = {"playbook_never_installed_module": ()}
    defer_also(modules)
    defer_also(dict(modules))
    assert sum(isinstance(f, _Deferrer) and f.modules == modules for f in sys.meta_path) == 1
