"""The PDF edition (``make pdf``): the whole executed book, printed by headless Chromium.

Built once from the session's book build (its notebook cache, so nothing is executed again), then read
back with pypdf: enough pages, every chapter's title, the audit table's last column whole (a table cut at
the page edge would lose it), the same bytes on a second print, and the site linking the PDF afterwards.
"""

from __future__ import annotations

import html
import json
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


# ------------------------------------------------------------------------------------------- a book on paper

def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page counted from 1) of every outline entry, in order."""
    out = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


def _bare(title: str) -> str:
    """A chapter title without its number ("2. Coding reliability" -> "Coding reliability")."""
    return re.sub(r"^\d+\.\s+", "", title)


def _contents(reader: PdfReader) -> dict[str, int]:
    """The printed contents: {title without its chapter number: page}, read from the pages after the title page."""
    entries = {}
    for page in reader.pages[1:4]:
        for line in page.extract_text().splitlines():
            m = re.match(r"(.+?)\s+(\d+)$", line.strip())
            if m and not line.strip().isdigit():
                entries[_bare(unicodedata.normalize("NFKC", m.group(1)).strip())] = int(m.group(2))
    return entries


def test_the_first_page_is_a_title_page(edition) -> None:
    from intake_alliance.book.citing import apa, citation_metadata

    pdf, _ = edition
    first = _squash(PdfReader(pdf).pages[0].extract_text())
    meta = citation_metadata()
    book, article = apa(meta)
    for part in (meta["title"], article, f"Version{meta['version']},builtfromthesourcesof", "(commit", "Licences", book):
        assert _squash(part) in first, part


def test_the_contents_give_each_chapter_the_page_the_outline_gives(edition, built_book: Path) -> None:
    pdf, _ = edition
    reader = PdfReader(pdf)
    contents = _contents(reader)
    outline = {_bare(title): page for _, title, page in _outline(reader)}
    chapters = _titles(built_book)[1:]  # the introduction is listed as such
    assert "Introduction" in contents
    for title in chapters:
        assert title in contents, (title, sorted(contents)[:20])
        assert contents[title] == outline[title], title
    assert len(contents) >= 60, "the contents list the sections too"


def test_the_outline_is_the_headings_of_the_book(edition, built_book: Path) -> None:
    pdf, _ = edition
    entries = _outline(PdfReader(pdf))
    titles = [_bare(t) for _, t, _ in entries]
    assert "Contents" in titles
    for title in _titles(built_book)[1:]:
        assert titles.count(title) == 1, title
    for title in titles:
        half = len(title) // 2
        assert not (len(title) % 2 == 0 and title[:half] == title[half:]), f"doubled: {title!r}"
    # each entry is the text of a heading: words keep their spaces ("who was analysed", not "wasanalysed")
    headings = set()
    for page in [built_book / "intro.html", *(built_book / "notebooks").glob("*.html")]:
        for inner in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page.read_text(encoding="utf-8"), re.S):
            headings.add(_bare(" ".join(html.unescape(re.sub(r"<[^>]+>|#", "", inner)).split())))
    import yaml

    parts = {part["caption"] for part in yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]}
    loose = [t for t in titles if t not in headings | parts | {"Contents"}]
    assert not loose, loose


def test_cross_references_print_the_page_they_lead_to(edition, printed: Path) -> None:
    from intake_alliance.book.pdf import destination_pages
    from intake_alliance.book.sphinx.pdf_edition import DATA_ID

    pdf, text = edition
    page = printed / "_build" / "pdf" / "site" / "_build" / "singlehtml" / "intro.html"
    shown = json.loads(re.search(rf'id="{DATA_ID}">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
                       .group(1))["pages"]
    found = destination_pages(pdf)
    assert shown and all(found[k] == v for k, v in shown.items())
    assert len(re.findall(r"\(p\.\d+\)", text)) >= 40
    # one by hand: the introduction's pointer to the audit chapter prints the page the chapter starts on
    reader = PdfReader(pdf)
    audit = next(p for _, t, p in _outline(reader) if t.startswith("6. "))
    assert f"(p.{audit})" in _squash(reader.pages[3].extract_text() + reader.pages[4].extract_text())


def test_internal_links_reach_a_page(edition) -> None:
    pdf, _ = edition
    reader = PdfReader(pdf)
    names = reader.named_destinations
    links = [a.get_object() for p in reader.pages for a in (p.get("/Annots") or [])
             if a.get_object().get("/Subtype") == "/Link" and "/Dest" in a.get_object()]
    assert len(links) >= 150
    for link in links:
        assert str(link["/Dest"]) in names, link["/Dest"]


def _fill(page) -> float:
    """Share of the text area from the top margin down to the lowest text (figures are not seen)."""
    ys = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            ys.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    height, mm = float(page.mediabox.height), 72 / 25.4
    body = [y for y in ys if y > 22 * mm]  # the page number sits in the bottom margin
    return (height - 16 * mm - min(body)) / (height - 34 * mm) if body else 0.0


def test_no_page_is_mostly_empty_except_at_a_chapter_end(edition) -> None:
    pdf, _ = edition
    reader = PdfReader(pdf)
    starts = {page for depth, _, page in _outline(reader) if depth <= 1} | {2, 3}
    empty = [i + 1 for i, page in enumerate(reader.pages[:-1]) if _fill(page) < 1 / 3 and i + 2 not in starts
             and not page.images]
    assert not empty, f"pages more than two-thirds empty in mid-chapter: {empty}"


def test_no_empty_frames_in_print(printed: Path, edition) -> None:
    from playwright.sync_api import sync_playwright

    page_path = printed / "_build" / "pdf" / "site" / "_build" / "singlehtml" / "intro.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_page()
        page.emulate_media(media="print")
        page.goto(page_path.as_uri())
        page.wait_for_function("document.documentElement.dataset.pdfEditionReady === '1'")
        empty = page.evaluate("""() => Array.from(document.querySelectorAll(
            'article pre, article div.highlight, article div.cell_input, article .sd-card, article details'))
          .filter((e) => { const r = e.getBoundingClientRect(); return r.height > 4 && getComputedStyle(e).display !== 'none'
                           && !(e.innerText || '').trim() && !e.querySelector('img, svg, table'); })
          .map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().height) + 'px')""")
        browser.close()
    assert not empty, empty


#: Words that only make sense on a screen; the PDF prints the print-only variant instead (``.print-only``).
SCREEN_ONLY = re.compile(r"\b(?:click|copy button|hidden until|open them|in this page|web version|scorer (?:above|"
                         r"below)|open it below)\b", re.I)


def test_no_screen_only_instructions_on_paper(edition) -> None:
    pdf, _ = edition
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    found = sorted({m.group(0) for m in SCREEN_ONLY.finditer(" ".join(text.split()))})
    # headings such as "Score your sheet in this page" name a section of the site; they are allowed once each
    assert not [f for f in found if f.lower() != "in this page"], found
