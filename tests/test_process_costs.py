"""What a fresh process of the command line pays for: only the modules its command needs, and work done
once (a chart, a compiled template) reused only for the very same input.

Each check that is about imports runs in a new interpreter, since what a process has imported is the
point. Speed itself is measured by ``make bench`` (benchmarks/startup.py), never here.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import jinja2
import pytest

from playbook import chartcache
from playbook.templatecache import use_cache

from .conftest import EXAMPLE_EN, ROOT
from .conftest import fresh as run_fresh

VIEW_MACHINERY = ("matplotlib", "jinja2", "nbformat", "nbconvert", "ipywidgets", "tornado", "jsonschema")
"""What the text commands never need: drawing, HTML pages, notebooks, widgets and servers."""


def fresh(code: str, *args: str, cache: Path) -> Any:
    """:func:`conftest.fresh` with its own cache folder."""
    return run_fresh(code, *args, env={**os.environ, "XDG_CACHE_HOME": str(cache)})


RUN = """
import io, json, sys
from contextlib import redirect_stdout
from playbook.cli import main
with redirect_stdout(io.StringIO()) as out:
    status = main(sys.argv[2:])
names = json.loads(sys.argv[1])
print(json.dumps([status, len(out.getvalue()), sorted(n for n in names if n in sys.modules)]))
"""


@pytest.mark.parametrize("command", [["plan", str(EXAMPLE_EN)], ["diagnose", str(EXAMPLE_EN)]])
def test_plan_and_diagnose_import_no_view_server_or_app_module(command: list[str], tmp_path: Path) -> None:
    unwanted = [
        *VIEW_MACHINERY,
        "playbook.app",  # the app's launcher (sockets, addresses, secrets) for a text command
        "playbook.structure.handout",  # the handout's and the report's builders for a plan on screen
        "playbook.structure.report",
        "playbook.review",
        "socket",
        "importlib.resources",  # importlib.abc's baggage, once paid by every process at `import playbook`
    ]
    status, printed, loaded = fresh(RUN, json.dumps(unwanted), *command, cache=tmp_path)
    assert status == 0 and printed > 200
    assert loaded == []


@pytest.mark.parametrize("command", [["plan", str(EXAMPLE_EN)], ["diagnose", str(EXAMPLE_EN)]])
def test_a_second_plan_or_diagnosis_of_an_unchanged_session_parses_no_yaml(
    command: list[str], tmp_path: Path
) -> None:
    first = fresh(RUN, json.dumps(["yaml"]), *command, cache=tmp_path)
    second = fresh(RUN, json.dumps(["yaml"]), *command, cache=tmp_path)
    assert first == [0, first[1], ["yaml"]]  # nothing kept yet: the session and its past ones are parsed
    assert second == [0, first[1], []]  # each kept as it was read: PyYAML is not even imported


def test_import_playbook_alone_stays_small(tmp_path: Path) -> None:
    code = "import sys, json, playbook; print(json.dumps(sorted(m for m in sys.modules if m.startswith('playbook'))))"
    assert fresh(code, cache=tmp_path) == ["playbook", "playbook.classcode", "playbook.startup"]


def test_soupsieve_waits_until_a_css_selector_is_used(tmp_path: Path) -> None:
    """nbconvert imports BeautifulSoup, which imports soupsieve; its patterns are built on first use only."""
    code = """
    import json, playbook, nbconvert, bs4
    from playbook.startup import is_deferred
    before = is_deferred("soupsieve")
    soup = bs4.BeautifulSoup('<p><img src="a.png"><img src="b.png" alt="b"></p>', "html.parser")
    found = [str(img["src"]) for img in soup.select("img:not([alt])")]
    print(json.dumps([before, found, is_deferred("soupsieve")]))
    """
    assert fresh(code, cache=tmp_path) == [True, ["a.png"], False]


HANDOUT = """
import json, sys
from playbook.cli import main
status = main(["handout", sys.argv[1], "--audience", "facilitator", "-o", sys.argv[2]])
print(json.dumps([status, "matplotlib" in sys.modules]))
"""


def test_a_second_handout_of_the_same_session_reuses_its_charts_and_a_changed_one_is_drawn_again(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    first, second, changed = tmp_path / "1.html", tmp_path / "2.html", tmp_path / "3.html"
    assert fresh(HANDOUT, str(EXAMPLE_EN), str(first), cache=cache) == [0, True]
    kept = sorted(chartcache_folder(cache).glob("*.svg"))
    assert kept, "the first handout kept no chart"
    assert fresh(HANDOUT, str(EXAMPLE_EN), str(second), cache=cache) == [0, False]
    assert second.read_bytes() == first.read_bytes()

    edited = tmp_path / "edited.session.yaml"
    text = EXAMPLE_EN.read_text(encoding="utf-8")
    assert "minutes: 10" in text
    edited.write_text(text.replace("minutes: 10", "minutes: 25", 1), encoding="utf-8")
    assert fresh(HANDOUT, str(edited), str(changed), cache=cache) == [0, True]
    assert changed.read_bytes() != first.read_bytes()
    assert len(list(chartcache_folder(cache).glob("*.svg"))) > len(kept)


def chartcache_folder(cache: Path) -> Path:
    return cache / "playbook" / f"charts-{chartcache.CACHE_FORMAT}"


def test_a_chart_key_names_every_input_and_refuses_what_it_cannot_name() -> None:
    base = chartcache.key("arc", ("plan", 1, "text"), "alt")
    assert base is not None and base == chartcache.key("arc", ("plan", 1, "text"), "alt")
    assert base != chartcache.key("arc", ("plan", 2, "text"), "alt")
    assert base != chartcache.key("arc", ("plan", 1, "text"), "another alt")
    assert base != chartcache.key("arc", ("plan", 1, "text"), "alt", (("audience", "participants"),))
    assert base != chartcache.key("stage", ("plan", 1, "text"), "alt")
    assert chartcache.key("arc", object(), "alt") is None  # an address is no name for content


def test_a_broken_cache_entry_or_an_unwritable_cache_costs_a_drawing_never_a_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    drawn: list[int] = []

    def draw() -> str:
        drawn.append(1)
        return "<svg>é</svg>"

    args = ("arc", ("data",), "alt", ())
    assert chartcache.svg(*args, draw) == "<svg>é</svg>"
    assert chartcache.svg(*args, draw) == "<svg>é</svg>" and len(drawn) == 1
    entry = chartcache.folder() / f"{chartcache.key(*args)}.svg"
    entry.write_bytes(b"\xff\xfe broken")
    assert chartcache.svg(*args, draw) == "<svg>é</svg>" and len(drawn) == 2
    monkeypatch.setattr(tempfile, "mkstemp", _refuse)
    assert chartcache.svg("arc", ("other",), "alt", (), draw) == "<svg>é</svg>" and len(drawn) == 3


def _refuse(*args: object, **kwargs: object) -> None:
    raise PermissionError(13, "Permission denied")


def test_the_chart_cache_keeps_a_bounded_number_of_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(chartcache, "KEEP", 3)
    for n in range(6):
        chartcache.svg("arc", (n,), "alt", (), lambda n=n: f"<svg>{n}</svg>")
    assert len(list(chartcache.folder().glob("*.svg"))) == 3
    assert chartcache.svg("arc", (5,), "alt", (), lambda: "drawn again") == "<svg>5</svg>"  # newest kept


def _environment(folder: Path) -> tuple[jinja2.Environment, list[str]]:
    """A new environment (as a new process has) that records which templates it compiles."""
    compiled: list[str] = []

    class Counting(jinja2.Environment):
        def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
            compiled.append(name)
            return super().compile(source, name, filename, raw, defer_init)

    env = Counting(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, trim_blocks=True)
    return use_cache(env), compiled


def test_a_compiled_template_is_reused_by_the_next_process_and_an_edited_one_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "card.html.j2").write_text("<p>{{ name }}</p>\n", encoding="utf-8")

    env, compiled = _environment(templates)
    assert env.get_template("card.html.j2").render(name="<b>") == "<p>&lt;b&gt;</p>"
    assert compiled == ["card.html.j2"]

    env, compiled = _environment(templates)
    assert env.get_template("card.html.j2").render(name="Ann") == "<p>Ann</p>"
    assert compiled == [], "the next environment compiled the template again"

    (templates / "card.html.j2").write_text("<h2>{{ name }}</h2>\n", encoding="utf-8")
    env, compiled = _environment(templates)
    assert env.get_template("card.html.j2").render(name="Ann") == "<h2>Ann</h2>"
    assert compiled == ["card.html.j2"]


def test_environments_that_compile_differently_never_share_compiled_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    loader = jinja2.DictLoader({"t": "{% if x %}\n  yes\n{% endif %}\n"})
    trimmed = use_cache(jinja2.Environment(loader=loader, trim_blocks=True, lstrip_blocks=True))
    assert trimmed.get_template("t").render(x=True) == "  yes\n"
    plain = use_cache(jinja2.Environment(loader=loader))
    assert plain.get_template("t").render(x=True) == "\n  yes\n"
    assert trimmed.bytecode_cache.directory != plain.bytecode_cache.directory  # type: ignore[union-attr]


def test_a_hub_participant_s_server_loads_jupyterlab_and_none_of_the_extensions_it_does_not_use(
    tmp_path: Path,
) -> None:
    """The spawner's arguments, read by jupyter_server as a participant's server reads them: installed
    extensions (Voilà's for `playbook app`) stay off for participants, JupyterLab stays on."""
    from traitlets.config import Config

    config = Config()
    path = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
    namespace = {"get_config": lambda: config, "__file__": str(path)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLAYBOOK_HUB_STATE", str(tmp_path))
        patch.setenv("PLAYBOOK_ROOM_PORT", "1")
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    namespace["warm_up"].kill()
    code = """
    import json, sys
    from jupyter_server.serverapp import ServerApp
    app = ServerApp()
    app.parse_command_line(sys.argv[1:])
    app.find_server_extensions()
    print(json.dumps([app.jpserver_extensions, app.terminals_enabled]))
    """
    args = [a for a in config.Spawner.args if a != "--allow-root"]
    extensions, terminals = fresh(code, *args, cache=tmp_path)  # type: ignore[misc]
    assert extensions["jupyterlab"] is True
    for unused in ("voila.server_extension", "jupyter_lsp", "notebook_shim", "jupyter_server_terminals"):
        assert extensions.get(unused) is False, unused
    assert terminals is False
