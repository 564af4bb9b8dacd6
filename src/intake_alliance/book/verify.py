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

import os
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd

from .. import data
from ..paths import ROOT
from .gluing import PUBLISHED_PREFIX, fmt_number

__all__ = ["glued_values", "collect", "compare", "summary_line", "main"]

_NUMERIC = re.compile(r"^[+-]?\d+(\.\d+)?%?$")




def glued_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Return ``{name: text/plain}`` for every value glued in an executed notebook."""
    out = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            name = meta.get("scrapbook", {}).get("name")
            # myst-nb stores glued values under a prefixed mime type
            # ("application/papermill.record/text/plain") when display=False
            plain = [v for k, v in output.get("data", {}).items() if k.endswith("text/plain")]
            if name is not None and plain:
                out[name] = plain[0]
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

    keys = set(data.reported().index)
    rows = []
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
    for ex in done:
        for name, text in glued_values(ex.notebook).items():
            if name in keys and not name.startswith(PUBLISHED_PREFIX):
                rows.append({"key": name, "computed": text, "notebook": ex.path.name, "seconds": ex.seconds})
    return pd.DataFrame(rows, columns=["key", "computed", "notebook", "seconds"])


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
    got = collected.drop_duplicates("key").set_index("key")
    rows = []
    for key, row in rv.iterrows():
        printed = str(row.reported)
        if key not in got.index:
            rows.append({"key": key, "printed": printed, "computed": "", "notebook": "",
                         "verdict": "not recomputed", "explanation": ""})
            continue
        value = float(got.at[key, "computed"])
        if _NUMERIC.match(printed):
            shown = _at_precision(value, printed)
            same = shown == printed
        else:  # printed as words ("Five", "Thirty-eight"): compare the numbers
            shown = repr(int(value)) if value.is_integer() else repr(value)
            same = value == float(row.value)
        if key in expected.index:
            verdict = "UNEXPECTED MATCH" if same else "expected mismatch"
            explanation = expected.at[key, "explanation"]
        else:
            verdict = "reproduced" if same else "MISMATCH"
            explanation = ""
        rows.append({"key": key, "printed": printed, "computed": shown, "notebook": got.at[key, "notebook"],
                     "verdict": verdict, "explanation": explanation})
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


def main(data_root: str | Path | None = None, timeout: int | None = None, jobs: int = 2, verbose: bool = False) -> int:
    """Run the whole verification and print its table; return the exit status.

    Raises
    ------
    DataIntegrityError, FileNotFoundError
        When ``data_root`` is missing or does not match its data package
        (checked before any notebook runs).
    """
    if data_root is not None:
        data.check_all(root=data_root)
    env = {"INTAKE_ALLIANCE_DATA": str(Path(data_root).resolve())} if data_root else {}
    collected = collect(timeout=timeout, env=env, jobs=jobs)
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
    derived_ok = verify_derived(data_root)
    line = summary_line(table)
    if not derived_ok:
        line = line.replace("VERIFIED: ", "FAILED: ", 1) + "; the derived tables differ (see above)"
    print("\n" + line)
    return 0 if line.startswith("VERIFIED") else 1


def verify_derived(data_root: str | Path | None = None) -> bool:
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
    with tempfile.TemporaryDirectory(prefix="verify-derived-") as tmp:
        proc = subprocess.run([sys.executable, "-m", "intake_alliance", "derive", "--into", tmp, "--quiet"],
                              env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise ValueError("regenerating data/derived/ failed:\n" + (proc.stderr or proc.stdout)[-3000:])
        diffs = derive.compare_tables(tmp, root)
    for name, lines in diffs.items():
        print(f"  {name:<32} {'reproduced' if not lines else 'DIFFERS'}")
        for line in lines:
            print(f"      {line}")
    print("  " + proc.stdout.strip().splitlines()[-1])
    return not any(diffs.values())
