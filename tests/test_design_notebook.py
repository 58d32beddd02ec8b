"""Notebook 03 run in a real kernel: "Propose a draft", then "Use this draft", saved to the session file."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from playbook.calibrate import history
from playbook.catalogue import Catalogue
from playbook.design import design
from playbook.session import load_session

from .conftest import EXAMPLE_EN, ROOT

NOTEBOOK = ROOT / "notebooks" / "03_design_the_session.ipynb"


@pytest.mark.slow
def test_propose_and_use_a_draft_in_notebook_03(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / EXAMPLE_EN.name
    shutil.copyfile(EXAMPLE_EN, path)
    before = load_session(path)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = f"SESSION = {str(path)!r}"
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "draft.propose_button.click()\n"
            "assert draft.draft is not None, draft.view.value\n"
            "draft.use_button.click()\n"
            "print(draft.status.value)"
        )
    )
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert "kept as" in "".join(o.get("text", "") for o in nb.cells[-1].outputs)

    after = load_session(path)
    expected = design(before, catalogue, history=history(path.parent, catalogue)).draft
    assert after.agenda == expected.agenda  # the very draft the panel showed, written to disk
    assert after.alternatives[0].agenda == before.agenda  # and the agenda it replaced is kept
    assert list(path.parent.glob("*.bak"))
