"""Build the book: execute its notebooks in parallel into myst-nb's jupyter-cache, then run Sphinx.

With ``execute_notebooks: cache`` myst-nb executes each notebook, one after the
other, while Sphinx reads the sources. :func:`fill_cache` does that work first,
in a pool of worker processes, and stores each executed notebook in the same
jupyter-cache, matched by the same hash (code-cell sources and kernelspec), so
that the Sphinx build finds every notebook cached and only renders. Execution
uses the function myst-nb itself uses (``jupyter_cache``'s
``single_nb_execution``), in the notebook's own folder, with the timeout of
_config.yml. A notebook that fails is not cached: the Sphinx build then runs
it again and reports the error as usual.

:func:`build_book` is what ``make book`` runs. It keeps the build honest:

* when anything under ``src/`` or ``data/`` changed since the last build that
  succeeded (:func:`inputs_hash`), both the executed notebooks (jupyter-cache)
  and Sphinx's record of the pages it has read (``_build/.doctrees``) are
  dropped, so every page is executed and rendered again -- myst-nb's cache
  looks only at the notebooks' code and Sphinx only at the pages' files;
* the hash is recorded only after a build that succeeded, so a build that
  failed or was interrupted is followed by a clean one;
* a notebook that fails in the parallel pre-execution stops the build before
  Sphinx runs, naming the notebook and the cell; one that fails while Sphinx
  runs fails the Sphinx build (``-W``), whose reports are printed;
* Ctrl-C stops it within seconds, with one line and no traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat
import yaml

from ..paths import ROOT, toc_files

__all__ = ["book_notebooks", "read_notebook", "execute_one", "fill_cache", "Executed", "failed_cell",
           "inputs_hash", "site_inputs_hash", "execution_timeout", "execution_settings", "build_book", "BuildInterrupted", "NotebookFailed", "run_pool"]





def book_notebooks(root: str | Path = ROOT) -> list[Path]:
    """Return the pages of the book that are executed: .ipynb files and MyST notebooks (.md with a kernelspec)."""
    from myst_nb.core.read import is_myst_markdown_notebook

    root = Path(root)
    return [p for p in toc_files(root)
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
    #: index (from 1, among all cells) of the cell that raised, when known
    cell: int | None = None

    def describe(self, root: Path | None = None) -> str:
        """Return 'path, cell N: last line of the error' for a failed execution."""
        name = self.path.relative_to(root).as_posix() if root and self.path.is_relative_to(root) else self.path.name
        last = [ln for ln in _ANSI.sub("", self.error or "").strip().splitlines() if ln.strip()]
        where = f", cell {self.cell}" if self.cell else ""
        return f"{name}{where}: {last[-1] if last else 'failed'}"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def failed_cell(nb: nbformat.NotebookNode) -> int | None:
    """Return the 1-based index of the first cell whose outputs hold an error, or None."""
    for i, cell in enumerate(nb.cells, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i
    return None


def execute_one(path: str | Path, timeout: int) -> Executed:
    """Execute one notebook in its own folder, as myst-nb does; return it with its outputs (or the error)."""
    from jupyter_cache.executors.utils import single_nb_execution

    path = Path(path)
    nb = read_notebook(path)
    log_at = os.lseek(2, 0, os.SEEK_END) if _KERNEL_LOG is not None else None
    start = time.perf_counter()
    result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout, allow_errors=False, meta_override=True)
    seconds = time.perf_counter() - start
    if result.err is not None:
        error = result.exc_string or repr(result.err)
        kernel = _kernel_log_since(log_at)
        if kernel:  # first, so that the error's last line stays the one describe() shows
            error = f"--- the kernel's own log (stderr) ---\n{kernel}\n--- the error ---\n{error}"
        return Executed(path, seconds, None, error, failed_cell(nb))
    return Executed(path, seconds, nb, None)


def _check_workers(value: object, name: str) -> int:
    """Return ``value`` after checking it is a positive integer (bools refused); the message names ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: must be a positive integer, got {value!r}")
    return value


#: In a pool worker: the file its stderr (file descriptor 2) was moved to, which the kernels it starts inherit.
_KERNEL_LOG = None


def _worker_init() -> None:
    """Set up a pool worker: in a session of its own, so that Ctrl-C at the terminal reaches only the parent,
    which stops the workers and their kernels (:func:`_kill_trees`); and with its stderr, which every kernel
    it starts inherits, in a file of its own.

    Ignoring SIGINT in the worker is not enough: while it runs a notebook, nbclient installs its own SIGINT
    handler (and leaves Python's default one behind), so a Ctrl-C reached nbclient, which interrupted and shut
    down its kernel while the parent was killing it; a kernel still importing IPython then printed a
    KeyboardInterrupt traceback (the flaky ``test_ctrl_c_stops_build_book_quickly``, reproduced and fixed).
    The kernels' stderr holds their log (a start-up warning on every launch); when a notebook fails,
    :func:`execute_one` adds the kernel's lines to the error.
    """
    import tempfile

    global _KERNEL_LOG
    os.setsid()
    _KERNEL_LOG = tempfile.TemporaryFile()  # unlinked at once: nothing is left behind, whatever stops the worker
    os.dup2(_KERNEL_LOG.fileno(), 2)


def _kernel_log_since(offset: int | None, limit: int = 3000) -> str:
    """The last ``limit`` characters the kernels of this worker wrote to stderr after ``offset`` ('' outside a pool)."""
    if offset is None:
        return ""
    end = os.lseek(2, 0, os.SEEK_END)
    start = max(offset, end - limit)
    return os.pread(2, end - start, start).decode("utf-8", errors="replace").strip()


def _kill_trees(pids: list[int]) -> None:
    """Kill processes ``pids`` and all their descendants (workers and the kernels they started).

    The roots are stopped (SIGSTOP) before their descendants are listed, so that none of them can start a
    kernel between the listing and the kill: such a kernel would outlive its worker and print a traceback
    when it found its sockets closed. Then every descendant dies before any root.
    """
    import psutil

    roots = []
    for pid in pids:
        try:
            root = psutil.Process(pid)
            root.suspend()
            roots.append(root)
        except psutil.NoSuchProcess:
            pass
    descendants = []
    for root in roots:
        try:
            descendants += root.children(recursive=True)
        except psutil.NoSuchProcess:
            pass
    for proc in descendants + roots:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(descendants + roots, timeout=5)


def run_pool(paths: list[Path], workers: int, timeout: int,
             on_done: Callable[[Executed], None] | None = None) -> list[Executed]:
    """Execute ``paths`` in ``workers`` processes (in order); on Ctrl-C stop the workers at once and re-raise.

    ``on_done`` is called with each result as it arrives (a progress bar).
    """
    _check_workers(workers, "workers")
    on_done = on_done or (lambda ex: None)
    done: list[Executed] = []
    if not paths:
        return done
    # always in worker processes, even one: nbclient handles SIGINT in the process that runs a notebook
    pool = ProcessPoolExecutor(max_workers=min(workers, len(paths)), initializer=_worker_init)
    futures = [pool.submit(execute_one, p, timeout) for p in paths]
    try:
        for future in futures:  # in order; not pool.map, which cancels its futures on Ctrl-C and so
            done.append(future.result())  # makes the pool's manager thread fail loudly once we stop it
            on_done(done[-1])
    except KeyboardInterrupt:
        procs = list((pool._processes or {}).values())  # noqa: SLF001 - no public way to stop running workers
        _kill_trees([proc.pid for proc in procs])
        for proc in procs:
            proc.join(5)
        pool.shutdown(wait=False, cancel_futures=True)  # never wait on a broken pool's manager thread
        raise
    pool.shutdown()
    return done


def fill_cache(cache_path: str | Path, root: str | Path = ROOT, workers: int = 2,
               timeout: int | None = None) -> list[Executed]:
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

    _check_workers(workers, "workers")
    cache = get_cache(str(cache_path))
    todo = []
    for path in book_notebooks(root):
        try:
            cache.match_cache_notebook(read_notebook(path))
        except KeyError:
            todo.append(path)
    if not todo:
        return []
    done = run_pool(todo, workers, execution_timeout(root) if timeout is None else timeout)
    for ex in done:
        if ex.notebook is not None:  # failures are left to the Sphinx build, which reports them
            cache.cache_notebook_bundle(CacheBundleIn(ex.notebook, str(ex.path), data={"execution_seconds": ex.seconds}),
                                        check_validity=False, overwrite=True)
    return done


# --- the build -------------------------------------------------------------------


class NotebookFailed(RuntimeError):
    """A notebook raised while it was executed; the message names the notebook and the cell."""


class BuildInterrupted(Exception):
    """The build was stopped with Ctrl-C."""


def inputs_hash(root: str | Path = ROOT) -> str:
    """Return a sha256 over the paths and bytes of every file under ``src/``, ``data/`` and ``_static/``
    (walked as :func:`site_inputs_hash` walks the repository: dot-files, caches and egg-info left out)."""
    root = Path(root)
    h = hashlib.sha256()
    for top in ("src", "data", "_static"):
        _hash_tree(h, root / top, top)
    return h.hexdigest()


#: Folders of the repository that no book page reads (and every folder whose name starts with "."): a change
#: there leaves the site as it is.
_NOT_READ = {"_build", "tests", "bench", "__pycache__"}
#: Environment variables that change what a build writes (the repository buttons, the build date, the data).
_BUILD_ENV = ("BOOK_REPOSITORY_URL", "BOOK_REPOSITORY_BRANCH", "SOURCE_DATE_EPOCH", "INTAKE_ALLIANCE_DATA",
              "PYTHONHASHSEED", "PYTHONPATH", "MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_CONFIG_DIR")
#: What a current site must still hold, beside every page of the book.
_SITE_PARTS = ("html/index.html", "html/searchindex.js", "html/_static", "html/_images", "html/downloads",
               "jupyter_execute", ".jupyter_cache", ".doctrees")


def _hash_tree(h: "hashlib._Hash", top: Path, label: str) -> None:
    """Add every file under ``top`` (symbolic links followed; dot-folders, _NOT_READ and egg-info left out)."""
    import os

    files = []
    for folder, dirs, names in os.walk(top, followlinks=True):
        # pruned in place, so that .git, .venv and _build are never walked
        dirs[:] = [d for d in dirs if d not in _NOT_READ and not d.startswith(".") and not d.endswith(".egg-info")]
        files += [Path(folder, n) for n in names if not n.startswith(".")]
    for path in sorted(files):
        if path.is_file():
            rel = f"{label}/{path.relative_to(top).as_posix()}"
            h.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())


def site_inputs_hash(build_dir: str | Path, root: str | Path = ROOT, numbers_only: bool = False) -> str:
    """Return a sha256 over everything a build of the site reads: every file of the repository outside
    :data:`_NOT_READ` (pages, configuration, bibliography, ``src/``, ``data/``, ``_static/``, the lock), the
    data folder of ``INTAKE_ALLIANCE_DATA`` when set, the variables of :data:`_BUILD_ENV`, the Python version,
    every installed package with its version, and the PDF edition beside the site, if any.

    When it equals the hash recorded by the last successful build (and the site is whole), that build's site
    is current. ``numbers_only`` leaves out what changes the pages but not the numbers (the repository
    buttons, the build date, the hash seed, the PDF): ``verify --from-build`` compares that one. Not
    covered: configuration outside the repository that the kernels read (IPython startup files, a
    matplotlibrc in the home folder); ``build-book --force`` builds anyway.
    """
    return site_inputs_hashes(build_dir, root)[1 if numbers_only else 0]


def site_inputs_hashes(build_dir: str | Path, root: str | Path = ROOT) -> tuple[str, str]:
    """Return both :func:`site_inputs_hash` values, the site's and ``numbers_only``, from one walk."""
    import importlib.metadata
    import os

    root, common = Path(root), hashlib.sha256()
    _hash_tree(common, root, "repository")
    override = os.environ.get("INTAKE_ALLIANCE_DATA")
    if override and Path(override).is_dir():
        _hash_tree(common, Path(override), "data override")
    common.update(sys.version.encode() + sys.executable.encode())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    common.update("\n".join(packages).encode())
    site, numbers = common.copy(), common
    for h, names in ((site, _BUILD_ENV), (numbers, ("INTAKE_ALLIANCE_DATA", "PYTHONPATH"))):
        for name in names:
            h.update(f"\0{name}={os.environ.get(name, '')}".encode())
    pdf = Path(build_dir) / "pdf" / "book.pdf"
    site.update(hashlib.sha256(pdf.read_bytes()).digest() if pdf.is_file() else b"no pdf")
    return site.hexdigest(), numbers.hexdigest()


def _site_is_current(build_dir: Path, root: Path, current: str) -> bool:
    stamp, html = build_dir / ".site.sha256", build_dir / "html"
    if not stamp.is_file() or stamp.read_text(encoding="utf-8").strip() != current:
        return False
    if (html / FAILED_MARKER).exists() or not all((build_dir / part).exists() for part in _SITE_PARTS):
        return False
    return all((html / doc.relative_to(root)).with_suffix(".html").is_file() for doc in toc_files(root))


def execution_settings(root: str | Path = ROOT) -> dict:
    """Return the ``execute:`` section of ``_config.yml``."""
    return yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8"))["execute"]


def execution_timeout(root: str | Path = ROOT) -> int:
    """Return the per-notebook execution timeout in seconds: ``execute.timeout`` of ``_config.yml``.

    One number serves the Sphinx build, the parallel pre-execution and ``verify``.
    """
    value = execution_settings(root).get("timeout")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"_config.yml: execute.timeout must be a positive number of seconds; got {value!r}")
    return value


def _forget_stale(build_dir: Path, current: str) -> bool:
    """Drop executed notebooks and Sphinx's page records when the inputs changed; return whether they did."""
    stamp = build_dir / ".inputs.sha256"
    previous = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None
    stamp.unlink(missing_ok=True)  # written again only when this build succeeds
    if previous == current:
        return False
    shutil.rmtree(build_dir / ".jupyter_cache", ignore_errors=True)
    shutil.rmtree(build_dir / ".doctrees", ignore_errors=True)
    return True


def run_sphinx(cmd: list[str], cwd: Path) -> int:
    """Run the Sphinx build in its own session, so that Ctrl-C reaches only us; stop it on Ctrl-C."""
    proc = subprocess.Popen(cmd, cwd=cwd, start_new_session=True)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        _kill_trees([proc.pid])  # Sphinx and the kernel myst-nb may be running
        proc.wait()
        raise


#: Written into ``_build/html`` when a build starts and removed when it succeeds: ``make serve`` and the
#: site tests refuse a site that carries it, so a failed build never leaves an old site looking current.
FAILED_MARKER = "BUILD_NOT_CURRENT.txt"


def build_book(out: str | Path | None = None, jobs: int = 2, root: str | Path = ROOT, force: bool = False) -> int:
    """Build the book into ``out/_build`` (default ``root/_build``); return the exit status (0: built).

    Raises
    ------
    ValueError
        If ``jobs`` is not a positive integer.
    BuildInterrupted
        On Ctrl-C; the next build then starts clean.
    """
    _check_workers(jobs, "jobs")
    root = Path(root)
    build_dir = Path(out or root) / "_build"
    site_hash, numbers_hash = site_inputs_hashes(build_dir, root)
    if not force and _site_is_current(build_dir, root, site_hash):
        print("build-book: nothing the site is built from changed since the last successful build; "
              f"{build_dir / 'html'} is current (executed 0 notebooks, Sphinx not run)", flush=True)
        return 0
    (build_dir / ".site.sha256").unlink(missing_ok=True)
    (build_dir / ".numbers.sha256").unlink(missing_ok=True)
    from .. import data

    marker = build_dir / "html" / FAILED_MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("This site is not current: a build started and did not finish (it failed or was "
                      "interrupted). Run make book again.\n", encoding="utf-8")
    data.check_all(root / "data")  # a tampered or malformed data file is named in seconds, before any notebook runs
    current = inputs_hash(root)
    try:
        if _forget_stale(build_dir, current):
            print("build-book: src/, data/ or _static/ changed since the last successful build: every page is executed "
                  "and rendered again", flush=True)
        cfg = execution_settings(root)
        if jobs > 1 and cfg.get("execute_notebooks") == "cache" and not cfg.get("cache"):
            start = time.perf_counter()
            done = fill_cache(build_dir / ".jupyter_cache", root, workers=jobs, timeout=execution_timeout(root))
            failed = [d for d in done if d.error]
            print(f"build-book: executed {len(done)} notebook(s) in {jobs} processes in "
                  f"{time.perf_counter() - start:.1f} s", flush=True)
            if failed:
                for d in failed:
                    print(f"\n=== notebook execution failed: {d.describe(root)} ===\n{d.error[-6000:]}",
                          file=sys.stderr)
                print("\nbuild-book: FAILED: " + "; ".join(d.describe(root) for d in failed), file=sys.stderr)
                return 1
        cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--builder", "html",
               "-W", "-n", "--keep-going"]
        if out is not None:
            cmd += ["--path-output", str(out)]
        code = run_sphinx(cmd, root)
    except KeyboardInterrupt:
        raise BuildInterrupted("build-book: interrupted; the next build starts clean") from None
    if code != 0:
        for rep in sorted((build_dir / "html" / "reports").glob("**/*.err.log")):
            print(f"\n=== notebook execution failed: {rep.name.removesuffix('.err.log')} ===", file=sys.stderr)
            print(rep.read_text(encoding="utf-8", errors="replace")[-6000:], file=sys.stderr)
        print("\nbuild-book: FAILED (see the messages above)", file=sys.stderr)
        return code
    (build_dir / ".inputs.sha256").write_text(current + "\n", encoding="utf-8")
    (build_dir / ".site.sha256").write_text(site_hash + "\n", encoding="utf-8")
    (build_dir / ".numbers.sha256").write_text(numbers_hash + "\n", encoding="utf-8")
    marker.unlink(missing_ok=True)
    return 0
