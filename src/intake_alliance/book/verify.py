"""Re-execute every notebook and compare the book's numbers with the paper's, key by key.

Notebooks glue each number they *compute* that the paper also prints under
the number's key in ``reported_values.csv`` (see :mod:`intake_alliance.book.gluing`).
:func:`collect` executes the notebooks from scratch with nbclient and reads
those glued values back; :func:`compare` formats each at the precision of the
printed string and compares the two strings.  Differences the audit has
explained are listed in ``data/audit/expected_mismatches.csv``; they are
reported as expected, never passed silently, and an expected mismatch that
no longer occurs is itself flagged.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from .. import data
from ..paths import ROOT
from .gluing import PUBLISHED_PREFIX, fmt_number
from .provenance import METADATA_KEY

__all__ = ["glued_values", "collect", "collect_from_build", "read_glued", "compare", "summary_line", "main"]

_NUMERIC = re.compile(r"^[+-]?\d+(\.\d+)?%?$")




def glued_values(nb: nbformat.NotebookNode, records: bool = False) -> dict[str, Any]:
    """Return ``{name: text/plain}`` for every value glued in an executed notebook; with ``records``,
    ``{name: (text/plain, the record of where it comes from or None)}`` (:mod:`intake_alliance.book.provenance`)."""
    out: dict[str, Any] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            name = meta.get("scrapbook", {}).get("name")
            # myst-nb stores glued values under a prefixed mime type
            # ("application/papermill.record/text/plain") when display=False
            plain = [v for k, v in output.get("data", {}).items() if k.endswith("text/plain")]
            if name is not None and plain:
                out[name] = (plain[0], meta.get(METADATA_KEY)) if records else plain[0]
    return out


def collect(paths: list[Path] | None = None, timeout: int | None = None, progress: bool = True,
            env: dict[str, str] | None = None, jobs: int = 2) -> pd.DataFrame:
    """Execute notebooks from scratch in ``jobs`` processes; return every glued value that names a reported key.

    Raises
    ------
    NotebookFailed
        Naming the notebook and the cell, when a notebook fails to execute.
    KeyboardInterrupt
        On Ctrl-C, after the worker processes have been stopped.
    """
    from tqdm import tqdm

    from .execution import NotebookFailed, book_notebooks, execution_timeout, run_pool

    paths = book_notebooks(ROOT) if paths is None else paths
    bar = tqdm(total=len(paths), desc="executing notebooks", unit="nb", disable=not progress, file=sys.stderr)
    old_env = dict(os.environ)
    os.environ.update(env or {})  # the worker processes and their kernels inherit it
    try:
        done = run_pool(list(paths), jobs, execution_timeout(ROOT) if timeout is None else timeout, on_done=lambda ex: bar.update(1))
    finally:
        bar.close()
        os.environ.clear()
        os.environ.update(old_env)
    failed = [ex for ex in done if ex.error]
    if failed:
        raise NotebookFailed("notebook execution failed: " + "; ".join(ex.describe(ROOT) for ex in failed))
    return _rows([(ex.path, ex.notebook, ex.seconds) for ex in done])


def _rows(notebooks: list[tuple[Path, nbformat.NotebookNode, float]]) -> pd.DataFrame:
    keys = set(data.reported().index)
    # a recomputation is a value glued with glue_computed (its record says so); a glue that merely shares a
    # printed number's name is not one (a value glued before records existed counts by its name)
    rows = [{"key": name, "computed": text, "notebook": path.name, "seconds": seconds, "record": record}
            for path, nb, seconds in notebooks for name, (text, record) in glued_values(nb, records=True).items()
            if name in keys and not name.startswith(PUBLISHED_PREFIX)
            and (record is None or record.get("kind") == "computed")]
    return pd.DataFrame(rows, columns=["key", "computed", "notebook", "seconds", "record"])


def collect_from_build(build_dir: str | Path) -> pd.DataFrame:
    """Return the glued values of a finished book build (``_build``), read from its executed notebooks.

    The build must be current: built successfully from exactly what the site is built from now (the
    notebooks, configuration, ``src/``, ``data/``, the installed packages: the hash it recorded, see
    :func:`~intake_alliance.book.execution.site_inputs_hash`), so that its numbers are the ones
    :func:`collect` would compute.

    Raises
    ------
    ValueError
        Naming the folder, when it holds no successful build of the current inputs or lacks a notebook.
    """
    from .execution import FAILED_MARKER, site_inputs_hash

    build_dir = Path(build_dir)
    stamp = build_dir / ".numbers.sha256"
    if (build_dir / "html" / FAILED_MARKER).exists() or not stamp.is_file():
        raise ValueError(f"--from-build: {build_dir} holds no successful build (run make book)")
    if stamp.read_text(encoding="utf-8").strip() != site_inputs_hash(build_dir, ROOT, numbers_only=True):
        raise ValueError(f"--from-build: {build_dir} was built from other notebooks, sources, data or packages "
                         "than the repository now holds (run make book)")
    return read_glued(build_dir)


def read_glued(build_dir: str | Path, notebooks: list[Path] | None = None, root: Path = ROOT) -> pd.DataFrame:
    """The values a build glued under reported keys, as :func:`collect` returns them, read from the glue files
    myst-nb keeps beside each executed notebook (``jupyter_execute/*.glue.json``), without asking whether the
    build is current (:func:`collect_from_build` does; the Sphinx extension that writes the Numbers appendix
    reads its own build while it runs)."""
    from .execution import book_notebooks

    build_dir = Path(build_dir)
    found = []
    for path in book_notebooks(root) if notebooks is None else notebooks:
        # myst-nb keeps each page's glued outputs beside the executed notebook, as {name: output}
        glued = (build_dir / "jupyter_execute" / path.relative_to(root)).with_suffix(".glue.json")
        if not glued.is_file():
            if "glue(" not in path.read_text(encoding="utf-8"):
                continue  # a page that glues nothing (the citations) has no numbers to compare
            raise ValueError(f"--from-build: {build_dir} has no glued values of {path.relative_to(root).as_posix()}")
        outputs = list(json.loads(glued.read_text(encoding="utf-8")).values())
        found.append((path, nbformat.from_dict({"cells": [{"outputs": outputs}]}), 0.0))
    return _rows(found)


def _at_precision(value: float, reported: str) -> str:
    """Return ``value`` formatted (half-up) like the printed string ``reported``."""
    text = reported.rstrip("%")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return fmt_number(value, decimals) + ("%" if reported.endswith("%") else "")


def compare(collected: pd.DataFrame, root: str | Path | None = None) -> pd.DataFrame:
    """Return one row per reported key: printed, computed at the printed precision, and the verdict.

    Verdicts: ``reproduced``, ``expected mismatch`` (listed in
    ``expected_mismatches.csv``, with its explanation), ``MISMATCH``,
    ``UNEXPECTED MATCH`` (an expected mismatch that no longer occurs) and
    ``not recomputed`` (an input the book quotes but cannot derive).
    """
    rv = data.reported(root)
    expected = data.load("expected_mismatches", root=root).set_index("key")
    unknown = sorted(set(expected.index) - set(rv.index))
    if unknown:
        raise ValueError(f"data/audit/expected_mismatches.csv: keys not in reported_values.csv: {unknown}")
    got = {key: group for key, group in collected.groupby("key", sort=False)}
    rows = []
    for key, row in rv.iterrows():
        printed = str(row.reported)
        if key not in got:
            rows.append({"key": key, "printed": printed, "computed": "", "notebook": "",
                         "verdict": "not recomputed", "explanation": ""})
            continue
        # every chapter that recomputes the number must reproduce it, not only the first
        shown_all, same = [], True
        for text in got[key].computed:
            value = float(text)
            if _NUMERIC.match(printed):
                shown_all.append(_at_precision(value, printed))
                same = same and shown_all[-1] == printed
            else:  # printed as words ("Five", "Thirty-eight"): compare the numbers
                shown_all.append(repr(int(value)) if value.is_integer() else repr(value))
                same = same and value == float(row.value)
        shown = " / ".join(dict.fromkeys(shown_all))
        if key in expected.index:
            verdict = "UNEXPECTED MATCH" if same else "expected mismatch"
            explanation = expected.at[key, "explanation"]
        else:
            verdict = "reproduced" if same else "MISMATCH"
            explanation = ""
        rows.append({"key": key, "printed": printed, "computed": shown,
                     "notebook": ", ".join(dict.fromkeys(got[key].notebook)), "verdict": verdict,
                     "explanation": explanation})
    return pd.DataFrame(rows)


def summary_line(table: pd.DataFrame) -> str:
    """Return the one-line summary printed at the end of ``verify``.

    It says how many published numbers were checked and, separately, how many
    the book only quotes (``not recomputed``): verify cannot tell whether those
    were copied correctly, and the reader should know how many there are.
    """
    c = table.verdict.value_counts()
    parts = [f"{c.get(v, 0)} {v}" for v in ("reproduced", "expected mismatch", "MISMATCH", "UNEXPECTED MATCH")]
    checked = len(table) - c.get("not recomputed", 0)
    # nothing recomputed means the notebooks glued nothing the verifier could read: a failure, not a pass
    ok = c.get("MISMATCH", 0) == 0 and c.get("UNEXPECTED MATCH", 0) == 0 and c.get("reproduced", 0) > 0
    return (("VERIFIED: " if ok else "FAILED: ") + ", ".join(parts)
            + f" (of {checked} recomputed); {c.get('not recomputed', 0)} of the {len(table)} published numbers are "
            "only quoted, not recomputed, and were NOT checked (--verbose lists them)")


def main(data_root: str | Path | None = None, timeout: int | None = None, jobs: int = 2, verbose: bool = False,
         from_build: str | Path | None = None, regenerated: str | Path | None = None) -> int:
    """Run the whole verification and print its table; return the exit status.

    ``from_build`` (a ``_build`` folder of a current build) reads the numbers the build computed instead of
    executing every notebook again; ``regenerated`` (a data folder already written by ``derive --into``)
    is compared instead of regenerating ``data/derived/``.

    Raises
    ------
    DataIntegrityError, FileNotFoundError
        When ``data_root`` is missing or does not match its data package
        (checked before any notebook runs).
    """
    if data_root is not None:
        data.check_all(root=data_root)
    env = {"INTAKE_ALLIANCE_DATA": str(Path(data_root).resolve())} if data_root else {}
    if from_build is not None and data_root is not None:
        raise ValueError("--from-build: a build reads the repository's data/; it cannot be checked against --data-root")
    collected = collect(timeout=timeout, env=env, jobs=jobs) if from_build is None else collect_from_build(from_build)
    table = compare(collected, root=data_root)
    shown = table[table.verdict != "not recomputed"]
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 70, "display.width", 200):
        print(shown[["key", "printed", "computed", "verdict", "notebook"]].to_string(index=False))
        explained = shown[shown.explanation != ""]
        if len(explained):
            print("\nExplanations of expected mismatches:")
            for _, r in explained.iterrows():
                print(f"  {r.key}: {r.explanation}")
        if verbose:
            quoted = table[table.verdict == "not recomputed"]
            print(f"\nNot recomputed ({len(quoted)}): quoted from the paper, not derived by any notebook:")
            print("  " + "\n  ".join(f"{k} = {v}" for k, v in zip(quoted.key, quoted.printed)))
    derived_ok = verify_derived(data_root, regenerated)
    line = summary_line(table)
    if not derived_ok:
        line = line.replace("VERIFIED: ", "FAILED: ", 1) + "; the derived tables differ (see above)"
    print("\n" + line)
    return 0 if line.startswith("VERIFIED") else 1


def verify_derived(data_root: str | Path | None = None, regenerated: str | Path | None = None) -> bool:
    """Regenerate every table of ``data/derived/`` into a temporary folder and compare it byte for byte.

    The regeneration runs ``python -m intake_alliance derive --into`` in a child process reading the
    published values of ``data_root`` (default: the repository's), so the committed tables are never
    touched. Prints one line per table, with the differing rows; returns whether all are identical.

    Raises
    ------
    ValueError
        When the regeneration fails (for instance because the published values became infeasible);
        the child's message, which names the conflicting constraint sets, is included.
    """
    import subprocess
    import tempfile

    from ..study import derive

    root = data.data_dir(data_root)
    env = {**os.environ, "INTAKE_ALLIANCE_DATA": str(Path(root).resolve())}
    print("\nDerived tables (data/derived/), regenerated from the published values and compared byte for byte:",
          flush=True)
    if regenerated is not None:
        diffs, note = derive.compare_tables(regenerated, root), f"regenerated earlier into {regenerated}"
    else:
        with tempfile.TemporaryDirectory(prefix="verify-derived-") as tmp:
            proc = subprocess.run([sys.executable, "-m", "intake_alliance", "derive", "--into", tmp, "--quiet"],
                                  env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise ValueError("regenerating data/derived/ failed:\n" + (proc.stderr or proc.stdout)[-3000:])
            diffs, note = derive.compare_tables(tmp, root), proc.stdout.strip().splitlines()[-1]
    for name, lines in diffs.items():
        print(f"  {name:<32} {'reproduced' if not lines else 'DIFFERS'}")
        for line in lines:
            print(f"      {line}")
    print("  " + note)
    return not any(diffs.values())
