"""Parallel pre-execution of the notebooks into myst-nb's cache (``build-book --jobs``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from intake_alliance.book import execution


def test_book_notebooks_are_the_executed_pages() -> None:
    names = [p.relative_to(ROOT).as_posix() for p in execution.book_notebooks(ROOT)]
    assert names[0] == "intro.md"  # a MyST notebook: it has a kernelspec
    assert all(f"notebooks/{p.name}" in names for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert "notebooks/how_to_cite.md" in names  # a MyST notebook too: it writes the citations from CITATION.cff
    assert "notebooks/references.md" not in names  # plain Markdown: nothing to execute


def test_myst_notebook_is_read_with_its_code_cells() -> None:
    nb = execution.read_notebook(ROOT / "intro.md")
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert any(c.cell_type == "code" and "intake_alliance" in c.source for c in nb.cells)
    with pytest.raises(ValueError, match="path"):
        execution.read_notebook(ROOT / "references.bib")


def test_bad_worker_count_is_rejected(tmp_path: Path) -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="workers"):
            execution.fill_cache(tmp_path / "cache", ROOT, workers=bad)


def test_failing_notebook_is_reported_not_cached(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise RuntimeError('boom')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    ex = execution.execute_one(path, timeout=120)
    assert ex.notebook is None and "boom" in ex.error


def test_the_inputs_hash_covers_the_books_own_css_and_scripts(tmp_path) -> None:
    """A change to _static/ (reader.css, reader.js) must make the next build render every page again."""
    import shutil

    for top in ("src", "data", "_static"):
        shutil.copytree(ROOT / top, tmp_path / top, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    before = execution.inputs_hash(tmp_path)
    css = tmp_path / "_static" / "reader.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    assert execution.inputs_hash(tmp_path) != before
