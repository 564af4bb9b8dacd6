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


def _make(name: str, solver, progress: Callable[[int], object], made: dict, half: str):
    """Compute table ``name`` (one ``half`` of the co-occurrence table when given); return the DataFrame.

    ``made`` holds the tables this process computed before: the split check uses the group bounds computed
    just before it, in memory.
    """
    import pandas as pd

    from . import concordance, reconstruct, solving

    if name == TABLES[0]:
        return reconstruct.reconstruct(progress=progress)
    solver.built.model.on_solve = progress
    if name == "group_count_bounds.csv":
        return solving.group_count_bounds(solver.built, solver)
    if name == "cooccurrence_bounds.csv":
        halves = (half,) if half else ("client", "therapist")
        return pd.concat([solving.cooccurrence_bounds(r, solver.built, solver) for r in halves], ignore_index=True)
    if name == "group_split_feasibility.csv":
        return concordance.split_feasibility(solver, made.get("group_count_bounds.csv"), progress)
    return concordance.valence_agreement_bounds(solver.built, solver)


#: Work for the processes, in order within each job (the split check reads the group bounds written
#: just before it). The co-occurrence table is computed in two halves, joined afterwards; the jobs are
#: balanced by their measured times (bench/derive_time.py).
_JOBS = (("group_count_bounds.csv", "group_split_feasibility.csv", "cooccurrence_bounds.csv:client",
          "valence_congruence_bounds.csv"),
         ("cooccurrence_bounds.csv:therapist",))


def _ignore_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers


def _run(names: tuple[str, ...], progress: bool, position: int = 0) -> list[tuple[Derived, "object"]]:
    """Compute ``names`` in order with one shared, explored :class:`CachedSolver`; return each with its table."""
    from tqdm import tqdm

    from . import reconstruct
    from .solving import CachedSolver, explore

    solver = None
    if any(n != TABLES[0] for n in names):
        solver = CachedSolver(reconstruct.build_model())  # one pool of witnesses for these tables
        first = solver.model.solve()
        if first.status == 0:  # else the first table reports the conflict, naming it
            solver.add_witness(first.x, frozenset())
            explore(solver)
    out, made = [], {}
    for name in names:
        start = time.perf_counter()
        before = (solver.solves, solver.lp_solves, solver.answered_by_witness) if solver else (0, 0, 0)
        table, _, half = name.partition(":")
        with tqdm(desc=f"{name:<36}", unit="solve", disable=not progress, file=sys.stderr, position=position,
                  leave=True) as bar:
            made[name] = _make(table, solver, bar.update, made, half)
        after = (solver.solves, solver.lp_solves, solver.answered_by_witness) if solver else (0, 0, 0)
        counts = (a - b for a, b in zip(after, before))
        out.append((Derived(name, Path(table), time.perf_counter() - start, *counts), made[name]))
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

    unknown = [t for t in tables if t not in TABLES]
    if unknown:
        raise ValueError(f"`tables`: unknown derived table(s) {unknown}; known: {list(TABLES)}")
    jobs = check_int(jobs, "jobs", 1)
    made = _run((TABLES[0],), progress) if TABLES[0] in tables else []
    groups = [g for g in (tuple(n for n in job if n.partition(":")[0] in tables) for job in _JOBS) if g]
    if jobs == 1 or len(groups) < 2:
        for g in groups:
            made += _run(g, progress)
    else:
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(groups)), initializer=_ignore_sigint)
        try:
            futures = [pool.submit(_run, g, progress, i) for i, g in enumerate(groups)]
            for f in futures:
                made += f.result()
        except BaseException:
            for proc in list((pool._processes or {}).values()):  # noqa: SLF001 - no public way to stop them
                proc.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    return [_write(name, [m for m in made if m[0].name.partition(":")[0] == name], root)
            for name in TABLES if name in tables]


def _write(name: str, parts: list, root: str | Path) -> Derived:
    """Join a table's parts (the co-occurrence halves, client first) and write it through the data package."""
    import pandas as pd

    parts = sorted(parts, key=lambda m: m[0].name.partition(":")[2] != "client")
    table = parts[0][1] if len(parts) == 1 else pd.concat([m[1] for m in parts], ignore_index=True)
    path = data.write_derived(table, name, root)
    done = [m[0] for m in parts]
    return Derived(name, path, sum(d.seconds for d in done), sum(d.solves for d in done),
                   sum(d.lp_solves for d in done), sum(d.by_witness for d in done))


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
