"""Execute the book's notebooks in parallel into myst-nb's jupyter-cache, before Sphinx runs.

With ``execute_notebooks: cache`` myst-nb executes each notebook, one after the
other, while Sphinx reads the sources. :func:`fill_cache` does that work first,
in a pool of worker processes, and stores each executed notebook in the same
jupyter-cache, matched by the same hash (code-cell sources and kernelspec), so
that the Sphinx build finds every notebook cached and only renders. Execution
uses the function myst-nb itself uses (``jupyter_cache``'s
``single_nb_execution``), in the notebook's own folder, with the timeout of
_config.yml. A notebook that fails is not cached: the Sphinx build then runs
it again and reports the error as usual.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

__all__ = ["book_notebooks", "read_notebook", "execute_one", "fill_cache", "Executed"]

ROOT = Path(__file__).resolve().parents[2]


def _toc_files(root: Path) -> list[Path]:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    out = []
    for name in names:
        for suffix in (".ipynb", ".md"):
            if (root / name).with_suffix(suffix).is_file():
                out.append((root / name).with_suffix(suffix))
                break
        else:
            raise ValueError(f"_toc.yml: {name} has no .ipynb or .md file")
    return out


def book_notebooks(root: str | Path = ROOT) -> list[Path]:
    """Return the pages of the book that are executed: .ipynb files and MyST notebooks (.md with a kernelspec)."""
    from myst_nb.core.read import is_myst_markdown_notebook

    root = Path(root)
    return [p for p in _toc_files(root)
            if p.suffix == ".ipynb" or is_myst_markdown_notebook(p.read_text(encoding="utf-8"))]


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Return the notebook at ``path`` as myst-nb reads it (an .ipynb, or a MyST Markdown notebook)."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    if path.suffix == ".md":
        from myst_nb.core.read import read_myst_markdown_notebook

        return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=path)
    raise ValueError(f"path: {path.name} is neither .ipynb nor .md")


@dataclass
class Executed:
    path: Path
    seconds: float
    notebook: nbformat.NotebookNode | None
    error: str | None


def execute_one(path: str | Path, timeout: int = 300) -> Executed:
    """Execute one notebook in its own folder, as myst-nb does; return it with its outputs (or the error)."""
    from jupyter_cache.executors.utils import single_nb_execution

    path = Path(path)
    nb = read_notebook(path)
    start = time.perf_counter()
    result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout, allow_errors=False, meta_override=True)
    seconds = time.perf_counter() - start
    if result.err is not None:
        return Executed(path, seconds, None, result.exc_string or repr(result.err))
    return Executed(path, seconds, nb, None)


def fill_cache(cache_path: str | Path, root: str | Path = ROOT, workers: int = 2,
               timeout: int = 300) -> list[Executed]:
    """Execute every notebook of the book not yet in the jupyter-cache at ``cache_path`` and cache it.

    Returns one :class:`Executed` per notebook that was run (already cached
    notebooks are skipped). ``workers`` processes run at once.

    Raises
    ------
    ValueError
        If ``workers`` is not a positive integer.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ValueError(f"workers: must be a positive integer, got {workers!r}")
    cache = get_cache(str(cache_path))
    todo = []
    for path in book_notebooks(root):
        try:
            cache.match_cache_notebook(read_notebook(path))
        except KeyError:
            todo.append(path)
    if not todo:
        return []
    if workers == 1 or len(todo) == 1:
        done = [execute_one(p, timeout) for p in todo]
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            done = list(pool.map(execute_one, todo, [timeout] * len(todo)))
    for ex in done:
        if ex.notebook is not None:  # failures are left to the Sphinx build, which reports them
            cache.cache_notebook_bundle(CacheBundleIn(ex.notebook, str(ex.path), data={"execution_seconds": ex.seconds}),
                                        check_validity=False, overwrite=True)
    return done
