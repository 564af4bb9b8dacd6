"""The PDF edition: ``make pdf`` writes ``_build/pdf/book.pdf`` from the executed book.

Route: Jupyter Book's single-page build (``--builder singlehtml``, warnings as errors), with the print
styles of :mod:`intake_alliance.book.sphinx.pdf_edition`, printed by the Debian Chromium that the browser
tests use, headless and with every host name unresolvable (the book needs no network). The notebooks
are not executed again: the single-page build reads the cache that ``make book`` filled.

Paper cannot follow a link, so the page prints until its page numbers settle: the first print finds the page
of every link target (the PDF's named destinations), the next one prints them in the contents and after each
cross-reference ("(p. 12)"), and a third runs only when a number moved the layout. The outline that Chromium
makes from the headings loses the spaces where a heading wraps and repeats some titles; its entries get the
headings' own text back (pypdf), in the same order and with the same targets.

Chromium stamps the print time into the file; pypdf replaces it by ``SOURCE_DATE_EPOCH`` when it writes the
outline, which makes two builds byte-identical.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from ..paths import ROOT, toc_files
from .execution import run_sphinx
from .page_audit import CHROMIUM
from .sphinx.pdf_edition import DATA_ID, PDF_IN_BUILD, data_script

__all__ = ["build_pdf", "destination_pages", "PdfFailed"]


class PdfFailed(RuntimeError):
    """The single-page build or the print failed; the message says which and why."""


def _single_page(root: Path, out: Path) -> Path:
    """Build the single page in ``out/_build/pdf/site`` with a copy of the book's notebook cache.

    It has its own ``.doctrees``, so that the site's next incremental build never starts from an environment
    pickled by another builder, and starts it afresh each time; the cache is copied, not shared.
    """
    work = out / "_build" / PDF_IN_BUILD.parent / "site"
    cache = out / "_build" / ".jupyter_cache"
    if not cache.is_dir():
        raise PdfFailed(f"no executed notebooks in {cache}: run make book (build-book) first")
    # Sphinx would keep the pages it read last time: the notebooks' sources have not changed when only the
    # package or data/ did, so it would print the outputs of an older build. Each print reads every page.
    for stale in (".jupyter_cache", ".doctrees"):
        shutil.rmtree(work / "_build" / stale, ignore_errors=True)
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


#: Prints before the page numbers must have settled (each number printed moves the text by a few characters).
MAX_PRINTS = 4


def destination_pages(pdf: Path) -> dict[str, int]:
    """Return ``{element id: page number, counted from 1}`` for every named destination (link target) of ``pdf``."""
    reader = PdfReader(pdf)
    return {unquote(str(name).lstrip("/")): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


def _set_pages(page: Path, pages: dict[str, int]) -> None:
    text = page.read_text(encoding="utf-8")
    found = re.search(rf'<script type="application/json" id="{DATA_ID}">(.*?)</script>', text, re.S)
    if found is None:
        raise PdfFailed(f"{page}: no {DATA_ID} script to hand the page numbers to")
    payload = {**json.loads(found.group(1)), "pages": pages}
    page.write_text(text[:found.start()] + data_script(payload) + text[found.end():], encoding="utf-8")


def _print_until_settled(page: Path, pdf: Path, chromium: Path) -> int:
    """Print until the page numbers the page shows are those of the PDF; return the number of prints."""
    pages: dict[str, int] = {}
    for n in range(1, MAX_PRINTS + 1):
        _set_pages(page, pages)
        _print(page, pdf, chromium)
        found = destination_pages(pdf)
        if found == pages:
            return n
        pages = found
    raise PdfFailed(f"the page numbers still moved after {MAX_PRINTS} prints")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", html.unescape(text)).casefold()


def _headings(page: Path) -> list[str]:
    """The text of every heading of the printed page, in order (hidden ones too: matching skips them)."""
    out = []
    for m in re.finditer(r"<h([1-6])\b[^>]*>(.*?)</h\1>", page.read_text(encoding="utf-8"), re.S):
        inner = re.sub(r'<a class="headerlink".*?</a>', "", m.group(2), flags=re.S)
        out.append(" ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split()))
    return out


def _clean_outline(pdf: Path, page: Path) -> None:
    """Give each outline entry the text of its heading (raise when an entry matches no heading) and the PDF the
    build's date."""
    headings = [(h, _squash(h)) for h in _headings(page)]
    writer = PdfWriter(clone_from=PdfReader(pdf))
    outlines = writer.root_object.get("/Outlines")
    entries = []

    def walk(node) -> None:
        while node is not None:
            item = node.get_object()
            entries.append(item)
            walk(item.get("/First"))
            node = item.get("/Next")

    walk(outlines.get_object().get("/First") if outlines is not None else None)
    at = 0
    for item in entries:
        title = _squash(str(item["/Title"]))
        while at < len(headings) and not (headings[at][1] and headings[at][1] in title):
            at += 1
        if at == len(headings):
            raise PdfFailed(f"{pdf}: the outline entry {str(item['/Title'])!r} matches no heading of the page")
        item[NameObject("/Title")] = TextStringObject(headings[at][0])
        at += 1
    # Chromium stamps the print time; the build's date (SOURCE_DATE_EPOCH) makes two builds byte-identical
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600"))
    stamp = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch))
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp})
    with pdf.open("wb") as out:
        writer.write(out)


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
    prints = _print_until_settled(page, pdf, chromium)
    _clean_outline(pdf, page)
    _check_math(pdf)
    print(f"build-pdf: {pdf} ({pdf.stat().st_size / 1e6:.1f} MB); single page {built - start:.0f} s, "
          f"{prints} prints until the page numbers settled {time.perf_counter() - built:.0f} s", flush=True)
    return pdf
