"""Notebooks are committed without outputs.

That each one executes, within the timeout of _config.yml and without an error, is shown by the session's
book build (``built_book``), which fails on any notebook that raises; it is not executed a second time here.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from conftest import NOTEBOOKS



def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "no notebooks under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: cell {i} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"
