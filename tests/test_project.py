"""The project keeps its promises: set-up files agree, the core stays light, translations are complete."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from playbook.i18n import LANGUAGES, strings, t
from playbook.paths import notebook_files

from .conftest import ROOT


def _name(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match[1].lower().replace("_", "-"), match[2].replace(" ", "")


def test_environment_yml_lists_the_same_runtime_dependencies_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    wanted = dict(_name(r) for r in project["dependencies"])
    listed = {n: spec for n, spec in map(_name, conda) if n not in ("python", "pip")}
    assert listed == wanted
    assert "conda-forge" in env["channels"] and "-e ." in pip
    assert dict(map(_name, conda))["python"] == project["requires-python"]


def test_core_does_not_import_views() -> None:
    code = (
        "import sys, playbook, playbook.session, playbook.catalogue, playbook.workspace, playbook.cli,"
        " playbook.diagnosis, playbook.recommend, playbook.agenda, playbook.live, playbook.groups, playbook.app;"
        "heavy = [m for m in ('ipywidgets', 'matplotlib', 'nbconvert', 'nbclient', 'IPython', 'voila', 'jupyterhub', 'tornado') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_every_interface_string_exists_in_both_languages() -> None:
    keys = {lang: set(strings(lang)) for lang in LANGUAGES}
    assert keys["en"] == keys["nl"]
    assert t("roles.groan", "nl") == "Worstelzone" and t("session.size", "en", size=5) == "5 people"


def test_readme_opens_with_the_two_commands_and_ci_calls_make_test() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[: readme.index("\n## ")]
    assert "make lab" in head and "make test" in head
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_make_help_lists_every_target() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.M))
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    listed = set(re.findall(r"make (\S+)", out))
    assert listed == targets and {"lab", "test", "bench", "help"} <= listed


def test_every_literal_interface_key_used_in_the_code_exists() -> None:
    used: set[str] = set()
    for path in (ROOT / "playbook").rglob("*.py"):
        used |= set(
            re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_\-.]+)["']""", path.read_text(encoding="utf-8"))
        )
    assert used, "the pattern should find the keys used by the CLI and the widgets"
    assert sorted(used - set(strings("en"))) == []


def test_every_vocabulary_word_has_a_label_in_both_languages() -> None:
    from playbook.catalogue import CONFIGURATIONS, LAYERS, ROLES, SETTINGS, STAGES

    for group, words in {
        "roles": ROLES,
        "layers": LAYERS,
        "settings": SETTINGS,
        "configurations": CONFIGURATIONS,
        "stages": STAGES,
    }.items():
        for lang in LANGUAGES:
            assert all(f"{group}.{w}" in strings(lang) for w in words), (group, lang)


@pytest.mark.slow
def test_the_wheel_carries_notebooks_assets_and_the_app_template_but_no_clutter(tmp_path: Path) -> None:
    """A hub installs the playbook from a wheel (pip install DIR): `playbook init` and the app need these."""
    checkpoint = ROOT / "notebooks" / ".ipynb_checkpoints" / "stray-checkpoint.ipynb"
    made = not checkpoint.parent.exists()
    checkpoint.parent.mkdir(exist_ok=True)
    checkpoint.write_text("{}")
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
            check=True,
            capture_output=True,
        )
    finally:
        checkpoint.unlink()
        if made:
            checkpoint.parent.rmdir()
    (wheel,) = tmp_path.glob("playbook-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"playbook/notebooks/{p.relative_to(ROOT / 'notebooks')}" for p in notebook_files(ROOT / "notebooks")
    }
    assert shipped <= names
    assert "playbook/assets/voila/templates/playbook/index.html.j2" in names
    assert "playbook/assets/examples/samen-een-servicedesk.session.yaml" in names
    assert not [n for n in names if ".ipynb_checkpoints" in n or "__pycache__" in n]


def test_the_readme_counts_the_catalogue_it_ships() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.search(r"one YAML file per intervention, (\d+) in all", readme)
    assert said, "the README says how many interventions the catalogue holds"
    assert int(said[1]) == len(list((ROOT / "assets" / "catalogue").glob("*.yaml")))


def test_no_interface_string_is_written_twice() -> None:
    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
        keys = [loader.construct_object(key) for key, _ in node.value]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        assert not twice, f"line {node.start_mark.line + 1}: {twice} written twice; YAML keeps only the last"
        return yaml.SafeLoader.construct_mapping(loader, node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    for lang in LANGUAGES:
        yaml.load((ROOT / "assets" / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8"), Loader=Strict)
