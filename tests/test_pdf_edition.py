"""The PDF edition (``make pdf``): the whole executed book, printed by headless Chromium.

Built once from the session's book build (its notebook cache, so nothing is executed again), then read
back with pypdf: enough pages, every chapter's title, the audit table's last column whole (a table cut at
the page edge would lose it), the same bytes on a second print, and the site linking the PDF afterwards.
"""

from __future__ import annotations

import html
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT
from intake_alliance.book.execution import build_book
from intake_alliance.book.pdf import build_pdf
from intake_alliance.paths import toc_files
from test_browser import CHROMIUM, _require_browser

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _squash(text: str) -> str:
    """Text without whitespace, ligatures unfolded (the PDF sets "fi" as one glyph)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def printed(built_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the session's build (its notebook cache: nothing is executed again) to print from;
    returns the folder that holds its ``_build``. The session's own site is never changed."""
    out = tmp_path_factory.mktemp("printed")
    shutil.copytree(built_book.parent, out / "_build", symlinks=True)
    return out


@pytest.fixture(scope="module")
def edition(printed: Path) -> tuple[Path, str]:
    _require_browser()
    pdf = build_pdf(printed, chromium=CHROMIUM)
    text = _squash(" ".join(page.extract_text() for page in PdfReader(pdf).pages))
    return pdf, text


def _page_text(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


def _titles(built_book: Path) -> list[str]:
    titles = []
    for doc in toc_files(ROOT):
        page = (built_book / doc.relative_to(ROOT)).with_suffix(".html").read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
        titles.append(html.unescape(re.sub(r"<[^>]+>", "", h1)).replace("#", "").strip())
    return titles


def test_pdf_has_every_chapter_title(edition, built_book: Path) -> None:
    pdf, text = edition
    assert len(PdfReader(pdf).pages) >= 60
    titles = _titles(built_book)
    assert len(titles) == len(toc_files(ROOT))
    for title in titles:
        assert _squash(title) in text, title


def test_audit_table_is_not_cut_at_the_page_edge(edition, built_book: Path) -> None:
    _, text = edition
    page = (built_book / "notebooks" / "06_reproducibility_audit.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table id="T_audit[^"]*".*?</table>', page, re.S)
    assert tables, "the audit chapter has its audit tables"
    checked = 0
    for table in tables:
        for row in re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1), re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            last = _squash(html.unescape(re.sub(r"<[^>]+>", "", cells[-1])))
            if last and last != "–":
                assert last in text, last
                checked += 1
    assert checked >= 50


def test_formulas_are_typeset_not_raw_tex(edition) -> None:
    _, text = edition
    for raw in (r"\frac", r"\(", r"\[", "$$"):
        assert raw not in text


def test_a_second_print_gives_the_same_bytes(edition, printed: Path) -> None:
    pdf, _ = edition
    first = pdf.read_bytes()
    assert build_pdf(printed, chromium=CHROMIUM).read_bytes() == first


def test_the_site_links_the_pdf_once_it_exists(edition, printed: Path, built_book: Path) -> None:
    assert build_book(printed) == 0
    site = printed / "_build" / "html"
    intro = (site / "intro.html").read_text(encoding="utf-8")
    assert 'href="book.pdf"' in intro
    assert (site / "book.pdf").read_bytes() == edition[0].read_bytes()
    assert not (built_book / "book.pdf").exists(), "the session's site was changed"
