"""Regenerate every table in ``data/derived/``, and compare a regeneration with the committed files.

:func:`derive_tables` writes the five derived tables into a folder (a staging
folder for ``derive``, a temporary one for ``verify`` and the tests), with a
progress bar per table; :func:`compare_tables` reports, file by file and row
by row, where two such folders differ. Neither ever writes into
``data/derived/`` itself: ``derive`` moves the staged files there only when
every table is done.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import data

__all__ = ["TABLES", "Derived", "derive_tables", "compare_tables", "compare_files"]

#: The derived tables, in the order they are built (the reconstruction first: the others do not read it).
TABLES = ("reconstructed_interviews.csv", "group_count_bounds.csv", "cooccurrence_bounds.csv",
          "group_split_feasibility.csv", "valence_congruence_bounds.csv")


@dataclass(frozen=True)
class Derived:
    """One regenerated table: where it was written and how long it took."""

    name: str
    path: Path
    seconds: float
    #: integer programs solved, linear relaxations solved, questions settled by a witness (bounds tables)
    solves: int = 0
    lp_solves: int = 0
    by_witness: int = 0


def _writers() -> dict[str, Callable]:
    from . import concordance, reconstruct, solving

    return {
        "reconstructed_interviews.csv": reconstruct.write_reconstruction,
        "group_count_bounds.csv": solving.write_group_count_bounds,
        "cooccurrence_bounds.csv": solving.write_cooccurrence_bounds,
        "group_split_feasibility.csv": concordance.write_feasible_splits,
        "valence_congruence_bounds.csv": concordance.write_valence_bounds,
    }


#: Work for the processes, in order within each job (the split check reads the group bounds written
#: just before it). The co-occurrence table is computed in two halves, joined afterwards; the jobs are
#: balanced by their measured times (bench/derive_time.py).
_JOBS = (("group_count_bounds.csv", "group_split_feasibility.csv", "cooccurrence_bounds.csv:client",
          "valence_congruence_bounds.csv"),
         ("cooccurrence_bounds.csv:therapist",))


def _ignore_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers


def _run(root: str | Path, names: tuple[str, ...], progress: bool, position: int = 0) -> list[Derived]:
    """Write ``names`` in order with one shared, explored :class:`CachedSolver`; return what was written."""
    from tqdm import tqdm

    from . import reconstruct
    from .solving import CachedSolver, explore

    writers = _writers()
    solver = CachedSolver(reconstruct.build_model())  # one pool of witnesses for these tables
    if any(n != TABLES[0] for n in names):
        first = solver.model.solve()
        if first.status == 0:  # else the reconstruction reports the conflict, naming it
            solver.add_witness(first.x, frozenset())
            explore(solver)
    out = []
    for name in names:
        start = time.perf_counter()
        before = (solver.solves, solver.lp_solves, solver.answered_by_witness)
        table, _, half = name.partition(":")
        with tqdm(desc=f"{name:<36}", unit="solve", disable=not progress, file=sys.stderr, position=position,
                  leave=True) as bar:
            kwargs = {} if name == TABLES[0] else {"solver": solver}
            if half:
                kwargs["respondents"] = (half,)
            path = writers[table](root=root, progress=bar.update, **kwargs)
        after = (solver.solves, solver.lp_solves, solver.answered_by_witness)
        out.append(Derived(name, Path(path), time.perf_counter() - start, *(a - b for a, b in zip(after, before))))
    return out


def derive_tables(root: str | Path, tables: tuple[str, ...] = TABLES, progress: bool = True,
                  jobs: int = 2) -> list[Derived]:
    """Write ``tables`` under ``root/derived/``; return one :class:`Derived` per table, in :data:`TABLES` order.

    ``root`` is a data folder (with its ``datapackage.json``); the published values are read from the
    package's data (``INTAKE_ALLIANCE_DATA`` when set). The reconstruction is written first, then the
    bounds tables in ``jobs`` processes. ``progress`` shows one bar per table on stderr.

    Raises
    ------
    ValueError
        For an unknown table name or a bad ``jobs``.
    intake_alliance.study.reconstruct.InfeasibleConstraintsError
        When the published values admit no dataset; the message names the conflicting constraint sets.
    KeyboardInterrupt
        On Ctrl-C, after the worker processes have been stopped.
    """
    from concurrent.futures import ProcessPoolExecutor

    from ..stats.checks import check_int

    unknown = [t for t in tables if t not in _writers()]
    if unknown:
        raise ValueError(f"`tables`: unknown derived table(s) {unknown}; known: {list(TABLES)}")
    jobs = check_int(jobs, "jobs", 1)
    out = _run(root, (TABLES[0],), progress) if TABLES[0] in tables else []
    groups = [g for g in (tuple(n for n in job if n.partition(":")[0] in tables) for job in _JOBS) if g]
    if jobs == 1 or len(groups) < 2:
        for g in groups:
            out += _run(root, g, progress)
    else:
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(groups)), initializer=_ignore_sigint)
        try:
            futures = [pool.submit(_run, root, g, progress, i) for i, g in enumerate(groups)]
            for f in futures:
                out += f.result()
        except BaseException:
            for proc in list((pool._processes or {}).values()):  # noqa: SLF001 - no public way to stop them
                proc.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    return sorted(_join_halves(out), key=lambda d: TABLES.index(d.name))


def _join_halves(done: list[Derived]) -> list[Derived]:
    """Join ``table:half`` results into one file per table (halves in the order of :data:`_JOBS`)."""
    import pandas as pd

    whole = [d for d in done if ":" not in d.name]
    halves: dict[str, list[Derived]] = {}
    for d in done:
        if ":" in d.name:
            halves.setdefault(d.name.partition(":")[0], []).append(d)
    order = [n for job in _JOBS for n in job]
    for table, parts in halves.items():
        parts.sort(key=lambda d: (d.name.partition(":")[2] != "client", order.index(d.name)))
        path = parts[0].path.with_name(table)
        pd.concat([pd.read_csv(p.path, dtype=str, keep_default_na=False) for p in parts]).to_csv(
            path, index=False, lineterminator="\n")
        for p in parts:
            p.path.unlink()
        whole.append(Derived(table, path, sum(p.seconds for p in parts), sum(p.solves for p in parts),
                             sum(p.lp_solves for p in parts), sum(p.by_witness for p in parts)))
    return whole


def compare_files(new: Path, old: Path, max_rows: int = 5) -> list[str]:
    """Return the differences between two CSV files, by row (empty when they are byte-identical)."""
    if not old.is_file():
        return [f"{old.name}: missing from the committed tables"]
    if new.read_bytes() == old.read_bytes():
        return []
    a, b = new.read_text(encoding="utf-8").splitlines(), old.read_text(encoding="utf-8").splitlines()
    diffs = []
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else "(no row)"
        y = b[i] if i < len(b) else "(no row)"
        if x != y:
            diffs.append(f"{new.name} row {i}: regenerated {x!r}, committed {y!r}")
    if not diffs:  # same lines, different bytes (line endings, final newline)
        diffs.append(f"{new.name}: same rows, different bytes (line endings or final newline)")
    shown = diffs[:max_rows]
    if len(diffs) > max_rows:
        shown.append(f"{new.name}: ... and {len(diffs) - max_rows} more differing row(s)")
    return shown


def compare_tables(new_root: str | Path, old_root: str | Path | None = None,
                   tables: tuple[str, ...] = TABLES) -> dict[str, list[str]]:
    """Compare the derived tables under two roots; return ``{table: differences}`` (empty lists: identical)."""
    new_dir = data.data_dir(new_root) / "derived"
    old_dir = data.data_dir(old_root) / "derived"
    return {name: compare_files(new_dir / name, old_dir / name) for name in tables}
