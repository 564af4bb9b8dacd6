"""Executing the book's notebooks into a jupyter-cache: our pool against jupyter-cache's own executor.

Both fill an empty cache with every .ipynb notebook of the book, executed in its own folder by the same function
(``jupyter_cache.executors.utils.single_nb_execution``) with the timeout of ``_config.yml``:

* ``ours``: ``book.execution.run_pool`` with two workers, as ``fill_cache`` runs it -- a ``ProcessPoolExecutor``
  whose workers are each handed the next notebook when they are free;
* ``jupyter-cache local-parallel``: the notebooks added to the cache's project, then
  ``load_executor("local-parallel").run_and_cache()`` -- a ``multiprocessing.Pool`` of ``os.cpu_count()``
  workers (two on this machine) mapping over the notebooks in chunks.

Each side runs ``ROUNDS`` times, alternating, into a new temporary cache; the best and the median wall
time (time.perf_counter) of each are printed with the ratio ours / jupyter-cache.

Run from the repository root with the package importable, e.g.
    .venv/bin/python bench/executors.py
"""

from __future__ import annotations

import logging
import os
import platform
import statistics
import tempfile
import time

from intake_alliance.book import execution
from intake_alliance.paths import ROOT

ROUNDS = 2


def notebooks() -> list:
    """The book's .ipynb pages. Its MyST-markdown page is left out of both sides: jupyter-cache reads those
    only through jupytext, which the stack does not install (myst-nb has its own reader)."""
    return [p for p in execution.book_notebooks(ROOT) if p.suffix == ".ipynb"]


def ours(cache_dir: str) -> int:
    """``book.execution.run_pool`` with two workers, each result cached as ``fill_cache`` caches it."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(cache_dir)
    done = execution.run_pool(notebooks(), 2, execution.execution_timeout(ROOT))
    for ex in done:
        if ex.notebook is not None:
            cache.cache_notebook_bundle(CacheBundleIn(ex.notebook, str(ex.path)), check_validity=False, overwrite=True)
    return sum(ex.notebook is not None for ex in done)


def stock(cache_dir: str) -> int:
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(cache_dir)
    for path in notebooks():
        cache.add_nb_to_project(str(path))
    logger = logging.getLogger("bench.executors")
    logger.setLevel(logging.WARNING)
    result = load_executor("local-parallel", cache=cache, logger=logger).run_and_cache(
        timeout=execution.execution_timeout(ROOT))
    return len(result.succeeded)


def main() -> None:
    n = len(notebooks())
    print(f"executors: {n} notebooks, Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"{ROUNDS} rounds each, alternating")
    times: dict[str, list[float]] = {"ours": [], "jupyter-cache local-parallel": []}
    for _ in range(ROUNDS):
        for name, run in (("ours", ours), ("jupyter-cache local-parallel", stock)):
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                cached = run(os.path.join(tmp, "cache"))
                times[name].append(time.perf_counter() - start)
                if cached != n:
                    raise SystemExit(f"{name}: {cached} of {n} notebooks executed without error")
    for name, ts in times.items():
        print(f"{name:<30} best {min(ts):6.1f} s   median {statistics.median(ts):6.1f} s")
    a, b = times.values()
    print(f"ratio ours / jupyter-cache: best {min(a) / min(b):.2f}, median {statistics.median(a) / statistics.median(b):.2f}")


if __name__ == "__main__":
    main()
