"""Command line: ``python -m intake_alliance <command>``.

Commands
--------
verify
    Execute every notebook from scratch and compare the values they glue with
    ``data/published/reported_values.csv``, number by number.
build-book [--jobs N] [--path-output DIR]
    Execute the notebooks that are not cached yet in N processes (default 2)
    into myst-nb's jupyter-cache, then build the book (``jupyter-book build .
    -W -n --keep-going``) and, when it fails, print the notebook and cell that
    raised. ``--jobs 1`` leaves execution to myst-nb (one notebook at a time).
inputs-hash
    Print a hash of everything under ``src/`` and ``data/`` (the Makefile drops
    the notebook cache when it changes).
check-data
    Load every table of the data package (hashes and schemas).
derive
    Regenerate data/derived/ (the reconstruction, its bounds, the feasible
    group splits and the bounds on congruence of tone).
rehash
    Record new sha256 hashes after an intended edit of a data file.
site-weight [HTML_DIR]
    Print each page's weight (HTML plus its images) and the whole site's, against
    the budgets; exit 1 when a budget is exceeded.
check-links [HTML_DIR]
    Check every internal link and anchor of the built site with LinkChecker.
write-env-files FREEZE
    Write requirements.lock and environment.yml from a ``pip freeze`` listing.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def inputs_hash() -> str:
    """Return a sha256 over the paths and bytes of every file under src/ and data/."""
    h = hashlib.sha256()
    for top in ("src", "data"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(ROOT).as_posix().encode())
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def build_book(out: Path | None = None, jobs: int = 2) -> int:
    """Run the Jupyter Book build, notebooks first executed in ``jobs`` processes; on failure print the reports."""
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs: must be a positive integer, got {jobs!r}")
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["execute"]
    if jobs > 1 and cfg.get("execute_notebooks") == "cache" and not cfg.get("cache"):
        from . import execution

        start = time.perf_counter()
        done = execution.fill_cache((out or ROOT) / "_build" / ".jupyter_cache", ROOT, workers=jobs,
                                    timeout=int(cfg.get("timeout", 300)))
        failed = [d.path.name for d in done if d.error]
        print(f"build-book: executed {len(done)} notebook(s) in {jobs} processes in "
              f"{time.perf_counter() - start:.1f} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--builder", "html", "-W", "-n", "--keep-going"]
    if out is not None:
        cmd += ["--path-output", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT)
    if proc.returncode != 0:
        reports = ((out or ROOT) / "_build" / "html" / "reports").glob("**/*.err.log")
        for rep in sorted(reports):
            print(f"\n=== notebook execution failed: {rep.name.removesuffix('.err.log')} ===", file=sys.stderr)
            print(rep.read_text(encoding="utf-8", errors="replace")[-6000:], file=sys.stderr)
        print("\nmake book: FAILED (see the messages above)", file=sys.stderr)
    return proc.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="intake_alliance", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="re-execute the notebooks and compare with the paper")
    v.add_argument("--data-root", type=Path, default=None, help="a data folder to compare against (tests)")
    v.add_argument("--timeout", type=int, default=600, help="per-notebook timeout in seconds")
    bb = sub.add_parser("build-book", help="build the book, warnings as errors")
    bb.add_argument("--jobs", type=int, default=2, help="processes executing notebooks before the build (1: myst-nb alone)")
    bb.add_argument("--path-output", type=Path, default=None, help="build into DIR/_build instead of ./_build")
    sub.add_parser("inputs-hash", help="hash of src/ and data/")
    sub.add_parser("check-data", help="validate every data file")
    sub.add_parser("rehash", help="record new hashes after an intended data edit")
    dv = sub.add_parser("derive", help="regenerate data/derived/ (reconstruction and its bounds)")
    dv.add_argument("--skip-bounds", action="store_true", help="only the reconstruction (seconds, not minutes)")
    for name, text in (("site-weight", "page and site weight of the built book against the budgets"),
                       ("check-links", "check internal links and anchors of the built book")):
        sw = sub.add_parser(name, help=text)
        sw.add_argument("html_dir", type=Path, nargs="?", default=ROOT / "_build" / "html")
    w = sub.add_parser("write-env-files", help="write requirements.lock and environment.yml")
    w.add_argument("freeze", type=Path)
    args = ap.parse_args(argv)

    if args.command == "inputs-hash":
        print(inputs_hash())
        return 0
    if args.command == "build-book":
        return build_book(args.path_output, jobs=args.jobs)
    if args.command == "check-data":
        from . import data

        for name, rows in data.check_all().items():
            print(f"{name:30s} {rows:5d} rows  ok")
        return 0
    if args.command == "rehash":
        from . import data

        changed = data.rehash()
        print("re-hashed: " + (", ".join(changed) if changed else "nothing changed"))
        return 0
    if args.command == "derive":
        from . import reconstruct

        print(reconstruct.write_reconstruction())
        if not args.skip_bounds:
            from . import concordance

            print("\n".join(reconstruct.write_bounds()))
            print(concordance.write_feasible_splits())
            print(concordance.write_valence_bounds())
        return 0
    if args.command == "site-weight":
        from . import site

        report, ok = site.weight_report(args.html_dir)
        print(report)
        print("site-weight: " + ("within budget" if ok else "OVER BUDGET"))
        return 0 if ok else 1
    if args.command == "check-links":
        from . import site

        proc = site.check_links(args.html_dir)
        print(proc.stdout)
        return proc.returncode
    if args.command == "write-env-files":
        from . import envfiles

        header = (
            "# Exact versions installed by 'make' (pip install -r requirements.lock).\n"
            "# Produced from a clean venv with 'make lock' (pip install . && pip freeze); edit pyproject.toml, not this file.\n"
        )
        body = args.freeze.read_text(encoding="utf-8")
        (ROOT / "requirements.lock").write_text(header + body, encoding="utf-8")
        lock = envfiles.read_lock(ROOT / "requirements.lock")
        (ROOT / "environment.yml").write_text(envfiles.environment_yml(lock), encoding="utf-8")
        return 0
    if args.command == "verify":
        from . import verify

        return verify.main(data_root=args.data_root, timeout=args.timeout)
    return 2


if __name__ == "__main__":
    sys.exit(main())
