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


def test_pool_keeps_kernel_stderr_off_the_terminal_and_in_the_error(tmp_path: Path, capfd) -> None:
    """A kernel's own stderr (its log) stays out of the build's output, where a kernel killed on Ctrl-C could
    otherwise leave a traceback; a failing notebook's error carries it, and still ends with the exception."""
    import nbformat

    paths = []
    for name, fails in (("bad", True), ("good", False)):
        code = "import os\nos.write(2, b'kernel-log-line-" + name + "\\n')\n" + ("raise RuntimeError('boom')" if fails else "")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
        paths.append(tmp_path / f"{name}.ipynb")
    bad, good = execution.run_pool(paths, workers=2, timeout=120)
    out, err = capfd.readouterr()
    assert "kernel-log-line" not in out + err
    assert "kernel-log-line-bad" in bad.error and "kernel-log-line-good" not in bad.error
    assert bad.describe().endswith("RuntimeError: boom") and good.error is None


def test_pool_workers_are_out_of_reach_of_the_terminals_ctrl_c(tmp_path: Path) -> None:
    """Each worker runs in a session of its own, so Ctrl-C at the terminal reaches only the parent (which stops
    workers and kernels), never nbclient inside a worker, which would interrupt and shut down its kernel
    while the parent kills it (the kernel then printed a KeyboardInterrupt traceback)."""
    import os

    import nbformat

    code = "import os\nprint(os.getsid(os.getppid()), os.getpgid(os.getppid()))"  # the kernel's parent: the worker
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "where.ipynb")
    (ex,) = execution.run_pool([tmp_path / "where.ipynb"], workers=1, timeout=120)
    sid, pgid = map(int, ex.notebook.cells[0].outputs[0]["text"].split())
    assert sid != os.getsid(0) and pgid != os.getpgid(0)


def test_the_inputs_hash_covers_the_books_own_css_and_scripts(tmp_path) -> None:
    """A change to _static/ (reader.css, reader.js) must make the next build render every page again."""
    import shutil

    for top in ("src", "data", "_static"):
        shutil.copytree(ROOT / top, tmp_path / top, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    before = execution.inputs_hash(tmp_path)
    css = tmp_path / "_static" / "reader.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    assert execution.inputs_hash(tmp_path) != before
