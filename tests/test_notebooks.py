"""Every notebook is committed clean and runs top to bottom in a real kernel."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from playbook.paths import notebook_files
from playbook.workspace import current_path

from .conftest import ROOT

NOTEBOOKS = notebook_files(ROOT / "notebooks")


def test_there_is_a_start_notebook() -> None:
    assert ROOT / "notebooks" / "00_start_here.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, (
                f"{path.name}: clear the outputs"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 8, f"{path.name}: move logic into the playbook package"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path: Path, isolated: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    widgets = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widgets, "the notebook should show its widgets"
    if path.name == "00_start_here.ipynb":
        assert current_path() is not None and current_path().parent == isolated  # the example was opened


@pytest.mark.slow
def test_the_live_notebook_resumes_after_its_kernel_is_killed(example: Path) -> None:
    path = ROOT / "notebooks" / "05_run_the_session.ipynb"

    def prepared(extra: str) -> nbformat.NotebookNode:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if "parameters" in cell.metadata.get("tags", []):
                cell.source = f"SESSION = {str(example)!r}"
        nb.cells.append(nbformat.v4.new_code_cell(extra))
        return nb

    during = prepared("companion.start_button.click()\ncompanion.observe_buttons['tension'].click()")
    client = NotebookClient(
        during, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    with client.setup_kernel():
        for index, cell in enumerate(during.cells):
            client.execute_cell(cell, index)
        os.kill(client.km.provisioner.process.pid, signal.SIGKILL)  # the kernel dies mid-session
        client.km.provisioner.process.wait(timeout=30)

    after = prepared(
        "status = companion.live.status()\n"
        "assert status.current is not None and status.current.index == 0, status\n"
        "assert [o.kind for o in companion.live.session.run.observations] == ['tension']\n"
        "assert 'Welkom en bedoeling' in companion.now.value"
    )
    NotebookClient(
        after, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    assert [
        o.output_type
        for c in after.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ] == []
