"""Command line: ``python -m intake_alliance [--debug] <command>``; ``<command> --help`` describes each.

Commands
--------
verify [--data-root DIR] [--jobs N] [--verbose] [--from-build BUILD_DIR]
    Execute every notebook from scratch and compare the values they glue with
    ``data/published/reported_values.csv``, number by number (``--from-build _build``
    reads the numbers of a current ``make book`` build instead of executing again).
build-book [--jobs N] [--path-output DIR]
    Build the book (``jupyter-book build . -W -n --keep-going``) after executing
    the notebooks that are not cached yet in N processes (default 2); exit
    non-zero, naming the notebook and the cell, when any notebook fails. Pages
    are executed and rendered again whenever ``src/`` or ``data/`` changed; when
    nothing the site is built from changed, it says so and stops (``--force``
    runs Sphinx anyway).
build-pdf [--path-output DIR]
    Print the executed book to DIR/_build/pdf/book.pdf (single-page build and
    headless Chromium); run after build-book, whose notebook cache it reads.
inputs-hash
    Print a hash of everything under ``src/`` and ``data/``.
check-data
    Load every table of the data package (hashes, schemas, cross-field rules).
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
write-env-files
    Write environment.yml from requirements.lock (``make lock`` resolves the lock with uv).
agreement PROJECT.qdpx [--unit source|paragraph] [--codes NAME ...] [--coders NAME ...] [--out CSV]
    Read a REFI-QDA project exported by a QDA program and print, per code and
    overall, percent agreement, Cohen's or Fleiss' kappa, Gwet's AC1 and
    Krippendorff's alpha with their intervals; ``--out`` also writes the table
    as CSV.

Exit status: 0 success, 1 a check failed (a build, a mismatch, a budget), 2 a
usage or input error (one line on stderr; ``--debug`` shows the traceback),
130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .book.execution import BuildInterrupted, NotebookFailed, inputs_hash
from .paths import ROOT

__all__ = ["main", "parser"]

#: Exceptions that mean "the input or the request is wrong", not "the program is broken".
USER_ERRORS = (ValueError, FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError, KeyError)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def cmd_verify(args: argparse.Namespace) -> int:
    from .book import verify

    return verify.main(data_root=args.data_root, timeout=args.timeout, jobs=args.jobs, verbose=args.verbose,
                       from_build=args.from_build)


def cmd_build_book(args: argparse.Namespace) -> int:
    from .book.execution import build_book

    return build_book(args.path_output, jobs=args.jobs, force=args.force)


def cmd_build_pdf(args: argparse.Namespace) -> int:
    from .book.pdf import PdfFailed, build_pdf, check_chromium

    if args.check:
        print(f"build-pdf: prints with {check_chromium()}")
        return 0
    try:
        build_pdf(args.path_output)
    except PdfFailed as exc:
        print(f"intake_alliance build-pdf: FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_inputs_hash(args: argparse.Namespace) -> int:
    print(inputs_hash())
    return 0


def cmd_check_data(args: argparse.Namespace) -> int:
    from . import data

    for name, rows in data.check_all().items():
        print(f"{name:30s} {rows:5d} rows  ok")
    return 0


def cmd_rehash(args: argparse.Namespace) -> int:
    from . import data

    changed = data.rehash()
    print("re-hashed: " + (", ".join(changed) if changed else "nothing changed"))
    return 0


def cmd_derive(args: argparse.Namespace) -> int:
    """Write every table into a staging folder first; move them into data/derived/ only when all are done.

    An interrupted or failed run therefore leaves data/derived/ as it was, with no partial file. With
    ``--into DIR`` the tables are written to ``DIR/derived/`` and data/derived/ is not touched.
    """
    import contextlib
    import json
    import shutil
    import tempfile
    import time

    from . import data
    from .study import derive

    target = data.data_dir()
    tables = derive.TABLES[:1] if args.skip_bounds else derive.TABLES
    start = time.perf_counter()
    staging = (tempfile.TemporaryDirectory(dir=target.parent, prefix=".derive-") if args.into is None
               else contextlib.nullcontext(args.into))
    with staging as tmp:
        stage = Path(tmp)
        stage.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target / "datapackage.json", stage / "datapackage.json")
        done = derive.derive_tables(stage, tables, progress=not args.quiet)
        changes = derive.compare_tables(stage, target, tables)
        by_path = {r["path"]: r["name"] for r in data.datapackage(target)["resources"]}
        changed = [by_path[f"derived/{d.name}"] for d in done if changes[d.name]]
        # every written table is checked against its schema and hashed in the staging folder's package first
        data.rehash(stage, only=[by_path[f"derived/{d.name}"] for d in done])
        if args.into is None and changed:
            staged = {r["name"]: r for r in data.datapackage(stage)["resources"]}
            package = data.datapackage(target)
            for res in package["resources"]:
                if res["name"] in changed:
                    res["hash"], res["bytes"] = staged[res["name"]]["hash"], staged[res["name"]]["bytes"]
            new_package = stage / "datapackage.next.json"
            new_package.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            # same file system: each file appears whole or not at all; the package last, right after its tables
            for d in done:
                if changes[d.name]:
                    os.replace(d.path, target / "derived" / d.name)
            os.replace(new_package, target / "datapackage.json")
    where = target / "derived" if args.into is None else stage / "derived"
    summary = ", ".join(f"{d.name} {d.seconds:.1f} s ({'changed' if changes[d.name] else 'unchanged'})" for d in done)
    print(f"derive: {len(done)} table(s) written to {where} in {time.perf_counter() - start:.1f} s: " + summary
          + f"; hashes re-recorded in datapackage.json for {len(changed)} changed table(s)")
    return 0


def cmd_site_weight(args: argparse.Namespace) -> int:
    from .book import site

    report, ok = site.weight_report(args.html_dir)
    print(report)
    print("site-weight: " + ("within budget" if ok else "OVER BUDGET"))
    return 0 if ok else 1


def cmd_page_report(args: argparse.Namespace) -> int:
    import pandas as pd

    from .book import page_audit

    table = page_audit.measure_site(args.html_dir, pages=args.page or None)
    counts = table[list(page_audit.MEASURES)]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(pd.concat([table[["page"]], counts], axis=1).to_string(index=False))
        print("total  " + "  ".join(f"{m}={int(counts[m].sum())}" for m in page_audit.MEASURES))
        if args.details:
            for _, row in table[table.details != ""].iterrows():
                print(f"\n{row.page}: {row.details}")
    print(f"screenshots of every page at 1280 px (light and dark) and 390 px: {Path(args.html_dir).parent / 'screenshots'}")
    return 0 if int(counts.to_numpy().sum()) == 0 else 1


def cmd_check_links(args: argparse.Namespace) -> int:
    from .book import site

    proc = site.check_links(args.html_dir)
    print(proc.stdout)
    return proc.returncode


def cmd_write_env_files(args: argparse.Namespace) -> int:
    from .book import envfiles

    lock = envfiles.read_lock(ROOT / "requirements.lock")
    (ROOT / "environment.yml").write_text(envfiles.environment_yml(lock), encoding="utf-8")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from .stats import qdpx
    from .stats.archive import Limits

    out = _writable_out(args.out)
    if out is not None and args.project.exists() and out.exists() and out.resolve() == args.project.resolve():
        raise ValueError(f"--out {out}: is the project itself; the table would overwrite it")
    limits = Limits(max_member_mib=args.max_mib, max_total_mib=4 * args.max_mib, max_ratio=args.max_ratio,
                    max_units=args.max_units, max_sources=args.max_units, max_codings=args.max_units,
                    max_members=args.max_units, max_codes=args.max_codes, max_depth=args.max_depth)
    project = qdpx.read_project(args.project, limits)
    table = qdpx.code_agreement(project, unit=args.unit, codes=args.codes, coders=args.coders,
                                n_resamples=args.resamples, seed=args.seed, limits=limits)
    print(printable(f"{project.path}: {len(table) - 1} code(s), {table['units'].iloc[0]} {args.unit} unit(s), "
                    f"coders {', '.join(table.attrs['coders'])}"))
    if table.attrs.get("uncounted_codings"):
        print(f"note: {table.attrs['uncounted_codings']} coding(s) fall in no paragraph (a zero-length selection on "
              "a line break or at the end of a text) and count for no unit")
    shown = table.copy()
    shown["code"] = shown["code"].map(printable)
    print(qdpx.format_agreement(shown))
    if out is not None:
        try:
            _spreadsheet_safe(table).to_csv(out, index=False)
        except OSError as exc:
            raise ValueError(f"--out {out}: cannot write the table ({exc.strerror or exc})") from None
        print(f"agreement: table written to {out}")
    return 0


def printable(text: str) -> str:
    """Escape what a terminal would obey instead of show: control characters (C0, C1, DEL) and format characters
    such as the bidirectional overrides, which names inside an untrusted file may carry (``\\x1b``, ``\\u202e``)."""
    import unicodedata

    def show(ch: str) -> str:
        if unicodedata.category(ch) in ("Cc", "Cf") or ch in "\u2028\u2029":
            code = ord(ch)
            return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        return ch

    return "".join(show(ch) for ch in str(text))


def _writable_out(out: Path | None) -> Path | None:
    """Check ``--out`` before any work: a file in an existing folder that can be written."""
    if out is None:
        return None
    if out.is_dir():
        raise ValueError(f"--out {out}: is a folder; give a file name such as {out / 'agreement.csv'}")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"--out {out}: folder {out.parent} does not exist")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ValueError(f"--out {out}: not writable (permission denied)")
    return out


#: Cells a spreadsheet would read as a formula (OWASP's list for CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(table):
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe (numbers are left alone)."""
    safe = table.copy()
    for col in safe.columns:
        values = safe[col].tolist()
        if any(isinstance(v, str) and v.startswith(_FORMULA_START) for v in values):
            safe[col] = [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in values]
    return safe


def _resamples(text: str) -> int:
    return 0 if text.strip() == "0" else _positive_int(text)


def _agreement_arguments(ag: argparse.ArgumentParser) -> None:
    ag.add_argument("project", type=Path, help="the project exported by a QDA program (.qdpx)")
    ag.add_argument("--unit", choices=["source", "paragraph"], default="source",
                    help="what one coding decision is about: a whole source (default) or a paragraph of its text")
    ag.add_argument("--codes", nargs="+", metavar="NAME", help="only these codes (path such as Parent/Child, or name)")
    ag.add_argument("--coders", nargs="+", metavar="NAME", help="only these coders (user names)")
    ag.add_argument("--out", type=Path, metavar="CSV", help="also write the table to this CSV file")
    ag.add_argument("--resamples", type=_resamples, default=1000,
                    help="bootstrap resamples for the interval of Krippendorff's alpha (0: no interval)")
    ag.add_argument("--seed", type=int, default=0, help="seed of that bootstrap")
    ag.add_argument("--max-mib", type=_positive_int, default=64, metavar="MIB",
                    help="largest inflated size of one archive member in MiB (the whole archive: 4 times this)")
    ag.add_argument("--max-ratio", type=_positive_int, default=200,
                    help="largest compression ratio of a member over 1 MiB (zip bombs reach 1000)")
    ag.add_argument("--max-units", type=_positive_int, default=1_000_000,
                    help="most sources, codings, codes, paragraph units (and hundreds of unit x code x coder cells)")
    ag.add_argument("--max-depth", type=_positive_int, default=64, help="deepest nesting of codes")
    ag.add_argument("--max-codes", type=_positive_int, default=5_000,
                    help="most codes in the codebook (each code compared costs about 10 ms)")


def parser() -> argparse.ArgumentParser:
    """Return the argument parser: one subcommand per function above, each with its own ``--help``."""
    ap = argparse.ArgumentParser(prog="intake_alliance", description=__doc__.splitlines()[0])
    ap.add_argument("--debug", dest="debug_global", action="store_true", help="show the full traceback of an error")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = ap.add_subparsers(dest="command", required=True)

    def add(name: str, func, **kw) -> argparse.ArgumentParser:
        """A subcommand that runs ``func`` and, like every subcommand, takes --debug too."""
        cmd = sub.add_parser(name, parents=[common], **kw)
        cmd.set_defaults(func=func)
        return cmd

    v = add("verify", cmd_verify, help="re-execute the notebooks and compare with the paper")
    v.add_argument("--data-root", type=Path, default=None, help="a data folder to compare against (tests)")
    v.add_argument("--timeout", type=_positive_int, default=None,
                   help="per-notebook timeout in seconds (default: execute.timeout of _config.yml)")
    v.add_argument("--jobs", type=_positive_int, default=2, help="notebooks executed at once")
    v.add_argument("--verbose", action="store_true", help="also list the published numbers that are not recomputed")
    v.add_argument("--from-build", type=Path, default=None, metavar="BUILD_DIR",
                   help="read the numbers of a current book build (e.g. _build) instead of executing the notebooks")

    bb = add("build-book", cmd_build_book, help="build the book, warnings as errors")
    bb.add_argument("--jobs", type=_positive_int, default=2,
                    help="processes executing notebooks before the build (1: myst-nb alone)")
    bb.add_argument("--path-output", type=Path, default=None, help="build into DIR/_build instead of ./_build")
    bb.add_argument("--force", action="store_true",
                    help="run Sphinx even when nothing the site is built from changed (notebooks stay cached)")

    bp = add("build-pdf", cmd_build_pdf, help="print the executed book to _build/pdf/book.pdf (Chromium)")
    bp.add_argument("--path-output", type=Path, default=None, help="build into DIR/_build instead of ./_build")
    bp.add_argument("--check", action="store_true", help="only check that Chromium is there (make pdf runs it first)")
    add("inputs-hash", cmd_inputs_hash, help="hash of src/ and data/")
    add("check-data", cmd_check_data, help="validate every data file")
    add("rehash", cmd_rehash, help="record new hashes after an intended data edit")

    dv = add("derive", cmd_derive, help="regenerate data/derived/ (reconstruction and its bounds)")
    dv.add_argument("--skip-bounds", action="store_true", help="only the reconstruction")
    dv.add_argument("--quiet", action="store_true", help="no progress bars")
    dv.add_argument("--into", metavar="DIR", help="write the tables to DIR/derived/ and leave data/derived/ alone")

    for name, func, text in (("site-weight", cmd_site_weight, "page and site weight of the built book against the budgets"),
                             ("check-links", cmd_check_links, "check internal links and anchors of the built book")):
        add(name, func, help=text).add_argument("html_dir", type=Path, nargs="?", default=ROOT / "_build" / "html")

    pr = add("page-report", cmd_page_report, help="count what should be zero on every page (Chromium, axe-core)")
    pr.add_argument("html_dir", type=Path, nargs="?", default=ROOT / "_build" / "html")
    pr.add_argument("--page", action="append", help="only this page (e.g. notebooks/06_reproducibility_audit.html)")
    pr.add_argument("--details", action="store_true", help="also list what was found on each page")

    _agreement_arguments(add("agreement", cmd_agreement,
                             help="per-code inter-coder agreement of a REFI-QDA project (.qdpx)"))
    add("write-env-files", cmd_write_env_files, help="write environment.yml from requirements.lock")
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; return its exit status (see the module docstring)."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (KeyboardInterrupt, BuildInterrupted) as exc:
        detail = str(exc) if isinstance(exc, BuildInterrupted) else "interrupted (Ctrl-C)"
        print(f"intake_alliance {args.command}: {detail.removeprefix(args.command + ': ')}", file=sys.stderr)
        return 130
    except NotebookFailed as exc:
        if args.debug or args.debug_global:
            raise
        print(f"intake_alliance {args.command}: FAILED: {exc}", file=sys.stderr)
        return 1
    except USER_ERRORS as exc:
        if args.debug or args.debug_global:
            raise
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"intake_alliance {args.command}: error: {printable(msg)}  (--debug shows the traceback)",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    status = main()
    if status == 130:
        # Interrupted: workers and kernels are already stopped and temporary files removed. Leave without
        # the interpreter's exit handlers, which join the process pool's manager thread and could wait forever.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(status)
