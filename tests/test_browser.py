"""The published site as a reader gets it: every page of the built book opened in Chromium.

Each page is served by a local http.server and visited once; the visit records
console errors, images that did not load, the links of the left navigation,
and every request the page makes. A request to any other origin is blocked
and recorded, so the site must work with no network (no CDN, fonts or widget
scripts). A full-page screenshot of each page goes to the folder ``SCREENSHOTS`` names (for example
``SCREENSHOTS=_build/screenshots make test``), else to a temporary folder: the suite never writes into the
repository.

Playwright drives Debian's Chromium (``/usr/bin/chromium``; Playwright's own
browser download is not used). Without Chromium or Playwright the tests skip,
unless ``REQUIRE_BROWSER=1`` (set by .ci/run), where they fail.
"""

from __future__ import annotations

import json

import atexit
import os
import shutil
import tempfile
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pandas as pd
import pytest

from conftest import ROOT
from intake_alliance.book.page_audit import MEASURES
from intake_alliance.book.site import html_pages, serve
from test_book import toc_files

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS") or tempfile.mkdtemp(prefix="intake-alliance-screenshots-")).resolve()
if not os.environ.get("SCREENSHOTS"):  # a folder of our own: removed when the run ends
    atexit.register(shutil.rmtree, SCREENSHOTS, ignore_errors=True)


def _require_browser() -> None:
    """Skip (or fail under REQUIRE_BROWSER=1) when Playwright or Chromium is missing."""
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the Python package playwright is not installed (make venv installs it)"
    if reason is None and not CHROMIUM.is_file():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does it)"
    if reason is not None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(browser, built_book: Path):
    """Serve the built book on 127.0.0.1 (free port) for the module; yield (origin, html folder)."""
    with serve(built_book) as origin:
        yield origin, built_book


@dataclass
class Visit:
    page: str
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    images: int = 0
    math: int = 0
    nav_links: set[str] = field(default_factory=set)


def _open(browser, origin: str, path: str, visit: Visit):
    """Open ``origin/path`` in a fresh context that blocks and records every request to another origin."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

    def route(r) -> None:
        if r.request.url.startswith(origin + "/") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            visit.external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(f"{m.text} @ {m.location}"))
    page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: visit.failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and visit.failed.append(f"{r.url}: HTTP {r.status}"))
    page.goto(f"{origin}/{path}", wait_until="load")
    return context, page


# Waits for images, MathJax and fonts, but never longer than 30 s: a page whose MathJax never starts
# then fails the checks below (no typeset math) instead of hanging the test run.
_WAIT_FOR_PAGE = """async () => {
  const ready = (async () => {
    for (const img of document.images) { img.loading = 'eager'; }
    await Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)));
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
    await document.fonts.ready;
  })();
  await Promise.race([ready, new Promise(resolve => setTimeout(resolve, 30000))]);
}"""


@pytest.fixture(scope="module")
def visits(browser, site) -> dict[str, Visit]:
    """Visit every HTML page of the site once; return what each visit recorded."""
    origin, html = site
    pages = [p.relative_to(html).as_posix() for p in html_pages(html)]
    assert len(pages) >= len(toc_files()), pages
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out: dict[str, Visit] = {}
    for path in pages:
        visit = Visit(path)
        context, page = _open(browser, origin, path, visit)
        try:
            refresh = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', (html / path).read_text(encoding="utf-8"),
                                re.IGNORECASE)
            if refresh:  # index.html redirects to the root page
                page.wait_for_url(f"**/{refresh.group(1)}")
            page.evaluate(_WAIT_FOR_PAGE)
            page.wait_for_load_state("networkidle")
            visit.images = page.evaluate("document.images.length")
            visit.math = page.evaluate("document.querySelectorAll('mjx-container').length")
            visit.broken_images = page.evaluate(
                "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
                ".map(i => i.getAttribute('src'))")
            hrefs = page.evaluate("Array.from(document.querySelectorAll('.bd-sidebar-primary a[href]'))"
                                  ".map(a => a.href)")
            visit.nav_links = {urlsplit(h).path for h in hrefs if h.startswith(origin)}
            page.screenshot(path=str(SCREENSHOTS / (path.replace("/", "__").removesuffix(".html") + ".png")),
                            full_page=True)
        finally:
            context.close()
        out[path] = visit
    return out


def test_every_page_loads_without_console_errors(visits: dict[str, Visit]) -> None:
    bad = {p: v.console_errors + v.failed for p, v in visits.items() if v.console_errors or v.failed}
    assert not bad, bad


def test_no_request_leaves_the_local_server(visits: dict[str, Visit]) -> None:
    bad = {p: sorted(set(v.external)) for p, v in visits.items() if v.external}
    assert not bad, f"pages requested other origins (blocked): {bad}"


def test_every_image_is_rendered(visits: dict[str, Visit]) -> None:
    bad = {p: v.broken_images for p, v in visits.items() if v.broken_images}
    assert not bad, bad
    # the logo is on every page, figures on the chapters: something was actually checked
    assert all(v.images >= 1 for v in visits.values())
    assert sum(v.images for v in visits.values()) > len(visits)


def test_math_is_typeset_by_the_local_mathjax(visits: dict[str, Visit], site) -> None:
    _, html = site
    for path, visit in visits.items():
        has_math = 'class="math' in (html / path).read_text(encoding="utf-8")
        assert (visit.math > 0) == has_math, f"{path}: {visit.math} typeset formulas, math in HTML: {has_math}"
    assert visits["notebooks/05_literature_context.html"].math > 0


def test_left_navigation_lists_every_chapter(visits: dict[str, Visit]) -> None:
    chapters = {f"/{f}.html" for f in toc_files()}
    for path, visit in visits.items():
        if path == "index.html":  # a redirect to the root page; checked there
            continue
        missing = chapters - visit.nav_links
        assert not missing, f"{path}: navigation lacks {sorted(missing)}"


def test_every_page_has_a_screenshot(visits: dict[str, Visit]) -> None:
    for path in visits:
        shot = SCREENSHOTS / (path.replace("/", "__").removesuffix(".html") + ".png")
        assert shot.is_file() and shot.stat().st_size > 1000, shot


def _search(browser, origin: str, query: str) -> tuple[list[str], Visit]:
    visit = Visit(f"search.html?q={query}")
    context, page = _open(browser, origin, f"search.html?q={quote(query)}", visit)
    try:
        # Sphinx writes the summary ("Search finished, found N page(s)...") when it is done
        page.wait_for_function("document.querySelector('#search-results .search-summary')?.textContent.length > 0",
                               timeout=20_000)
        hits = page.evaluate("Array.from(document.querySelectorAll('#search-results ul.search li a'))"
                             ".map(a => new URL(a.href).pathname)")
    finally:
        context.close()
    return hits, visit


def test_search_finds_theme_names(browser, site) -> None:
    origin, _ = site
    themes = pd.read_csv(ROOT / "data" / "published" / "themes.csv")
    for label in themes["label"]:
        hits, visit = _search(browser, origin, label)
        assert not visit.console_errors and not visit.external, visit
        assert "/notebooks/03_theme_frequencies.html" in hits, f"search for {label!r} found {hits}"


def test_search_for_nonsense_finds_nothing(browser, site) -> None:
    origin, _ = site
    hits, _ = _search(browser, origin, "qwxzvbnonsenseterm")
    assert hits == []


# --- what a reader meets (issue 16): measured by intake_alliance.book.page_audit on every page ---------------


@pytest.fixture(scope="module")
def page_measures(browser, site) -> pd.DataFrame:
    """Every page at 1280 px in light and dark mode and at 390 px; screenshots of each in _build/screenshots/."""
    from intake_alliance.book import page_audit

    _, html = site
    return page_audit.measure_site(html, screenshots=SCREENSHOTS, browser=browser)


@pytest.mark.parametrize("measure", MEASURES)
def test_every_page_reads_like_a_book(page_measures: pd.DataFrame, measure: str) -> None:
    bad = page_measures[page_measures[measure] > 0]
    assert bad.empty, {row.page: (row[measure], row.details) for _, row in bad.iterrows()}


def test_page_measures_cover_every_page_and_save_screenshots(page_measures: pd.DataFrame, site) -> None:
    _, html = site
    pages = {p.relative_to(html).as_posix() for p in html_pages(html)} - {"index.html"}
    assert set(page_measures.page) == pages
    for page in pages:
        stem = page.replace("/", "__").removesuffix(".html")
        for suffix in ("_1280", "_1280_dark", "_390"):
            shot = SCREENSHOTS / f"{stem}{suffix}.png"
            assert shot.is_file() and shot.stat().st_size > 1000, shot


def test_the_measures_can_fail(browser, tmp_path: Path) -> None:
    """A page with every fault is counted as such: the zeros above are measurements, not defaults."""
    from intake_alliance.book import page_audit

    html = tmp_path / "html"
    (html / "notebooks").mkdir(parents=True)
    (html / "index.html").write_text("<!doctype html><title>index</title>", encoding="utf-8")
    wide = "<table><tr>" + "".join(f"<td>column_number_{i}</td>" for i in range(40)) + "</tr></table>"
    # faults only the dark mode shows (grey on black) and only a phone shows (700 px wide)
    dark = ("<style>@media (prefers-color-scheme: dark) { body { background: #000 } td.dim { color: #222 } }</style>"
            "<table><tr><td class='dim'>dim in dark</td></tr></table>")
    cells = "".join(f"<td>cell{i}</td>" for i in range(12))
    boxes = ("<div style='overflow-x:auto;width:300px'><table style='width:600px'><tr>" + cells + "</tr></table></div>"
             "<div tabindex='0' style='overflow-x:auto;width:300px;background-image:linear-gradient(to left, #888, transparent)'>"
             "<table style='width:600px'><tr><td style='position:sticky;left:0'>kept</td>" + cells + "</tr></table></div>"
             "<table><tr><td style='overflow:hidden;max-width:40px;white-space:nowrap'>a cell far too long</td></tr></table>")
    python = "<div class='cell_output'><pre>2.56 False ('truncate',) 0.004808296484212132</pre></div>"
    python += ("<p>computed by <code>intake_alliance.stats.fisher_test</code> with <code>statsmodels</code>, see "
               "<code>data/derived/x.csv</code></p><div class='exercise'><p>Use <code>stats.fisher_test</code></p></div>"
               "<p>A bootstrap, <code>bootstrap_ci</code>, as <code>NormalIndPower</code> does</p>")
    (html / "notebooks" / "bad.html").write_text(
        "<!doctype html><html lang='en'><head><title>bad</title></head><body><main class='bd-article'>"
        "<div class='cell_input'><pre>x = 1</pre></div>" + wide + dark +
        "<p>value NaN and &lt;NA&gt;, dtype: float64, 1.2e-08</p><img src='fig.png' alt=''>"
        "<div style='width:700px'>wide</div><button aria-label='Go'>Search</button>"
        # keys read as words: one split by <wbr>, one BibTeX key; the same key in code formatting is not counted
        "<table><tr><td>therapist_<wbr>female_pct</td><td>nakash2021qualitative</td>"
        "<td><code>client_age_min</code></td></tr></table><p>as n_raters says</p>"
        # a key folded away in a collapsed output still counts: a reader who opens it reads it
        "<details><summary>Show the output</summary><p>checked as clients_declined_unwell</p></details>"
        # four template sentences and one hyphen for a minus; dates, ids and true minus signs are fine
        "<p>Here 0 of 56 pairs are fixed, for 8 of the 8 themes; the number of gaps is 0. It ranges 1.00 to 1.00, "
        "CI -0.57 to 0.2, on 2026-12-07, vignettes V01-V05, a kappa of \u22120.11, 3 to 30 and 2 of 3.</p>" + boxes + python + "<img src='overlap.svg' alt='two labels'>"
        "</main></body></html>",
        encoding="utf-8")
    (html / "notebooks" / "fig.png").write_bytes((ROOT / "images" / "favicon.svg").read_bytes())
    # two labels on each other, and one apart
    (html / "notebooks" / "overlap.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 400 100' width='400' height='100'>"
        "<text x='10' y='40' style='font: 14px sans-serif'>n = 112</text>"
        "<text x='30' y='44' style='font: 14px sans-serif'>Clients with a usable interview</text>"
        "<text x='10' y='90' style='font: 14px sans-serif'>apart</text></svg>", encoding="utf-8")
    # glued numbers: one with no card, one whose number cannot take focus and has no card; a card that works but
    # whose text is too faint, which axe finds only because it reads the cards shown
    (html / "notebooks" / "cards.html").write_text(
        "<!doctype html><html lang='en'><head><title>cards</title></head><body><main class='bd-article'>"
        "<p>Glued <span class='pasted-text'>42</span>, <span class='num-prov'><span class='num-prov-value'>"
        "<span class='pasted-text'>7</span></span></span> and <span class='num-prov'><span class='num-prov-value' "
        "tabindex='0' aria-describedby='c1'><span class='pasted-text'>9</span></span><span class='num-prov-card' "
        "id='c1' style='display:none;color:#e4e4e4;background:#fff'>faint card text</span></span>.</p>"
        "</main></body></html>", encoding="utf-8")
    rows = page_audit.measure_site(html, screenshots=tmp_path / "shots", browser=browser).set_index("page")
    cards = rows.loc["notebooks/cards.html"]
    assert cards.number_cards == 2 and cards.axe_serious >= 1, cards.details
    assert sum(cards[m] for m in MEASURES) == cards.number_cards + cards.axe_serious, cards.details
    row = rows.loc["notebooks/bad.html"]
    assert row.number_cards == 0
    assert row.code_inputs == 1 and row.raster_figures == 1
    # wide at 1280: the 40-column table, both tables wider than their 300 px box and the clipped cell
    assert row.wide_tables == 4, row.details
    # scrolling at 390 with no cue: the 40-column table (not in a box) and the box without a shadow; the box
    # with a shadow and a sticky first column is listed but not counted
    assert row.scroll_cue_390 == 2, row.details
    assert row.raw_python == 3 and row.svg_text_overlap == 1, row.details
    assert row.template_text == 4 and row.hyphen_minus == 1, row.details
    assert row.code_in_prose == 4, row.details  # and a name the package exports, and a library's class  # the function and the library; the file name and the exercise are fine  # False, the tuple, the long float
    assert row.raw_values >= 4 and row.axe_serious >= 1 and row.sideways_390 == 1
    found = json.loads(row.details)
    seen = set(found["identifiers"])  # the wide table's column_number_N cells count too
    assert {"nakash2021qualitative", "therapist_female_pct", "clients_declined_unwell", "n_raters"} <= seen, seen
    assert "client_age_min" not in seen, seen
    assert row.table_contrast >= 1 and "contrast_dark" in found and "contrast_light" not in found, found
    for suffix in ("_1280", "_1280_dark", "_390"):
        assert (tmp_path / "shots" / f"notebooks__bad{suffix}.png").stat().st_size > 1000, suffix


# --- the cards beside the numbers (issue 28) ---------------------------------------------------------------

_CARD_BOX = """(wrap) => { const c = wrap.querySelector('.num-prov-card'); const r = c.getBoundingClientRect();
  return {shown: getComputedStyle(c).display !== 'none', left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          width: document.documentElement.clientWidth, height: window.innerHeight}; }"""


def _inside_window(box: dict) -> bool:
    return box["shown"] and box["left"] >= 0 and box["right"] <= box["width"] and box["top"] >= 0 \
        and box["bottom"] <= box["height"]


def test_a_number_card_opens_with_mouse_keyboard_and_touch(browser, site) -> None:
    origin, _ = site
    url = origin + "/notebooks/03_theme_frequencies.html"
    # mouse, at 1280 px: the card opens on hover, inside the window, and closes when the pointer leaves
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(url)
        wraps = page.locator(".num-prov")
        assert wraps.count() > 20
        wrap = wraps.nth(3)
        assert not wrap.evaluate(_CARD_BOX)["shown"]
        wrap.locator(".num-prov-value").hover()
        assert _inside_window(wrap.evaluate(_CARD_BOX)), wrap.evaluate(_CARD_BOX)
        # the pointer can move from the number into the card, pixel by pixel, without the card closing
        number = wrap.locator(".num-prov-value").bounding_box()
        card_top = wrap.evaluate(_CARD_BOX)["top"]
        x = number["x"] + 2
        for y in range(int(number["y"] + number["height"] / 2), int(card_top) + 6):
            page.mouse.move(x, y)
        assert wrap.evaluate(_CARD_BOX)["shown"]
        page.mouse.move(1, 1)
        assert not wrap.evaluate(_CARD_BOX)["shown"]
        # a click leaves no card open once the pointer leaves, and one card is open at a time
        wrap.locator(".num-prov-value").click()
        wraps.nth(5).locator(".num-prov-value").hover()
        assert not wrap.evaluate(_CARD_BOX)["shown"] and wraps.nth(5).evaluate(_CARD_BOX)["shown"]
        page.mouse.move(1, 1)
        # keyboard: the numbers are in the tab order; the focused one shows its card, Tab moves into the card's
        # links with the card still open, and Escape closes it while focus stays on the number
        page.locator("article.bd-article h1").first.click()
        for _ in range(400):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('num-prov-value')"):
                break
        else:
            pytest.fail("no number is reachable with the Tab key")
        focused = page.locator(".num-prov:focus-within")
        assert _inside_window(focused.evaluate(_CARD_BOX))
        described = page.evaluate("document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
                                  ".textContent")
        assert "Computed by the book" in described or "Printed in the paper" in described, described
        page.keyboard.press("Enter")  # into the card's links; Tab alone goes on to the next number
        assert page.evaluate("document.activeElement.closest('.num-prov-card') !== null")
        assert focused.evaluate(_CARD_BOX)["shown"]
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.classList.contains('num-prov-value')")
        assert not page.locator(".num-prov:focus-within").evaluate(_CARD_BOX)["shown"]
    finally:
        context.close()
    # touch, on a phone: a tap opens the card inside the narrow window, a tap elsewhere closes it
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(url)
        wrap = page.locator(".num-prov").nth(8)
        wrap.locator(".num-prov-value").tap()
        assert _inside_window(wrap.evaluate(_CARD_BOX)), wrap.evaluate(_CARD_BOX)
        page.locator("article.bd-article h1").first.tap()
        assert not wrap.evaluate(_CARD_BOX)["shown"]
        wrap.locator(".num-prov-value").tap()  # a second tap on the number closes its card too
        assert wrap.evaluate(_CARD_BOX)["shown"]
        wrap.locator(".num-prov-value").tap()
        assert not wrap.evaluate(_CARD_BOX)["shown"]
    finally:
        context.close()
    # without scripts, the number is there and the card still opens (CSS alone)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url)
        wrap = page.locator(".num-prov").nth(3)
        assert wrap.locator(".num-prov-value").inner_text().strip()
        wrap.locator(".num-prov-value").hover()
        assert wrap.evaluate(_CARD_BOX)["shown"]
        # and it is opaque: the system's colours stand in for the theme's, which a page without scripts lacks
        assert wrap.evaluate("(w) => getComputedStyle(w.querySelector('.num-prov-card')).backgroundColor") \
            not in ("rgba(0, 0, 0, 0)", "transparent")
    finally:
        context.close()
