"""The PDF edition: ``make pdf`` writes ``_build/pdf/book.pdf`` from the executed book.

Route: Jupyter Book's single-page build (``--builder singlehtml``, warnings as errors), with the print
styles of :mod:`intake_alliance.book.sphinx.pdf_edition`, printed by the Debian Chromium that the browser
tests use, headless and with every host name unresolvable (the book needs no network). The notebooks
are not executed again: the single-page build reads the cache that ``make book`` filled.

Chromium stamps the print time into the file; it is replaced by ``SOURCE_DATE_EPOCH`` (the same number
of bytes, so the PDF's cross-reference table stays valid), which makes two builds byte-identical.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..paths import ROOT, toc_files
from .execution import run_sphinx
from .page_audit import CHROMIUM
from .sphinx.pdf_edition import PDF_IN_BUILD

__all__ = ["build_pdf", "PdfFailed"]


class PdfFailed(RuntimeError):
    """The single-page build or the print failed; the message says which and why."""


def _single_page(root: Path, out: Path) -> Path:
    """Build the single page in ``out/_build/pdf/site`` with a copy of the book's notebook cache.

    It keeps its own ``.doctrees``, so that the site's next incremental build never starts from an
    environment pickled by another builder; the cache is copied, not shared, for the same reason.
    """
    work = out / "_build" / PDF_IN_BUILD.parent / "site"
    cache = out / "_build" / ".jupyter_cache"
    if not cache.is_dir():
        raise PdfFailed(f"no executed notebooks in {cache}: run make book (build-book) first")
    shutil.rmtree(work / "_build" / ".jupyter_cache", ignore_errors=True)
    shutil.copytree(cache, work / "_build" / ".jupyter_cache")
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--builder", "singlehtml",
           "-W", "-n", "--keep-going", "--path-output", str(work)]
    if run_sphinx(cmd, root) != 0:
        raise PdfFailed("the single-page build failed (see the messages above)")
    return work / "_build" / "singlehtml" / f"{toc_files(root)[0].stem}.html"


def _print(page: Path, pdf: Path, chromium: Path, timeout: int = 600) -> None:
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="pdf-chromium-") as profile:
        cmd = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               "--host-resolver-rules=MAP * ~NOTFOUND",   # offline: no host name resolves
               "--no-pdf-header-footer",                   # page numbers come from the print styles
               "--generate-pdf-document-outline",          # bookmarks from the headings
               "--run-all-compositor-stages-before-draw",
               "--virtual-time-budget=30000",              # MathJax and the page's timers finish first
               f"--print-to-pdf={pdf}", page.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise PdfFailed(f"Chromium did not print {page.name} (exit {proc.returncode}): {proc.stderr[-2000:]}")


def _fix_dates(pdf: Path) -> None:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600"))
    fixed = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch)).encode()
    raw = pdf.read_bytes()
    new = re.sub(rb"D:\d{14}[+\-Z]\d{2}'\d{2}'", fixed, raw)
    if len(new) != len(raw):
        raise PdfFailed(f"{pdf}: the print date could not be replaced in place")
    pdf.write_bytes(new)


def _check_math(pdf: Path) -> None:
    """Fail when no MathJax font is embedded: the page was printed before the formulas were typeset."""
    if not re.search(rb"/FontName\s*/[A-Z]{6}\+MathJax_", pdf.read_bytes()):
        raise PdfFailed(f"{pdf}: no MathJax font inside; the formulas were not typeset before printing")


def check_chromium(chromium: str | Path | None = None) -> Path:
    """Return the Chromium that prints the PDF (``CHROMIUM`` in the environment, else the usual place), or say in
    one line why there is none (before any build)."""
    chromium = Path(chromium or os.environ.get("CHROMIUM") or CHROMIUM)
    if not chromium.is_file():
        raise FileNotFoundError(f"make pdf prints with Chromium, and there is none at {chromium} "
                                "(apt-get install chromium, or set CHROMIUM)")
    if not os.access(chromium, os.X_OK):
        raise PermissionError(f"make pdf prints with Chromium, and {chromium} is not executable")
    return chromium


def build_pdf(out: str | Path | None = None, root: str | Path = ROOT, chromium: str | Path | None = None) -> Path:
    """Build ``out/_build/pdf/book.pdf`` (default ``root/_build``) and return its path.

    Raises
    ------
    FileNotFoundError
        When Chromium is missing (``apt-get install chromium``).
    PdfFailed
        When the single-page build or the print fails, or the formulas were not typeset.
    """
    root = Path(root)
    out = Path(out) if out is not None else root
    chromium = check_chromium(chromium)
    start = time.perf_counter()
    page = _single_page(root, out)
    built = time.perf_counter()
    pdf = out / "_build" / PDF_IN_BUILD
    _print(page, pdf, chromium)
    _fix_dates(pdf)
    _check_math(pdf)
    print(f"build-pdf: {pdf} ({pdf.stat().st_size / 1e6:.1f} MB); single page {built - start:.0f} s, "
          f"print {time.perf_counter() - built:.0f} s", flush=True)
    return pdf
