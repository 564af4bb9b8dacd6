"""What a reader meets on each page of the built site, measured in Chromium.

:func:`measure_site` opens every page of ``_build/html`` at 1280 px in the light
and the dark colour mode, and at 390 px, and counts what should be zero on a
book page (issue 16):

``code_inputs``      code inputs a reader sees without opening anything (the coding lab's too)
``code_in_prose``    the package's functions or modules, their libraries or test names in code formatting in prose
                     (exercises and solutions aside, where the reader is asked to call them, and the cards that
                     say what computed a number)
``wide_tables``      tables wider than the box they scroll in (or the text column) at 1280 px, and clipped cells
``small_svg_text``   SVG figures whose smallest text is under 10 CSS px as displayed at 1280 px
``svg_text_overlap`` pairs of unrotated text boxes that overlap inside an SVG figure, laid out at the displayed width
``raster_figures``   PNG or JPEG figures on the page (the logo aside)
``open_solutions``   solution content visible while its box is closed
``identifiers``      data keys (``snake_case``) and BibTeX keys read as words: text outside code formatting that is
                     visible or folded away (closed solutions, collapsed outputs), with words split by ``<wbr>`` or
                     soft hyphens joined back
``template_text``    sentences that read as a filled-in template: "0 of 56", "8 of the 8", "is 0", "1.00 to 1.00"
                     (visible or folded-away text, as for ``identifiers``)
``hyphen_minus``     a hyphen standing for a minus sign before a number in text ("CI -0.57"; tables and glued
                     sentences write U+2212)
``raw_values``       ``NaN``, ``<NA>``, ``dtype:``, ``object at 0x`` or ``1.2e-08``-style strings in the visible text,
                     and tables printed by pandas as they come (class ``dataframe``, not through reader_table)
``raw_python``       printed Python values in any output, closed solutions included: tuples, ``True``/``False``/``None``,
                     floats with 7 or more decimals, ``array(``, ``np.``, dict and Series reprs
``axe_serious``      axe-core serious or critical violations (WCAG 2.0/2.1 A and AA), light and dark
``table_contrast``   table cells whose text has less than 4.5:1 contrast with what is behind it, light and dark
                     (computed directly: axe leaves cells over layered backgrounds "incomplete")
``number_cards``     glued numbers without a working card (book/sphinx/provenance.py): a glued number with a digit outside
                     a card, or a card whose number is not focusable or not described by a card with text;
                     ``axe_serious`` runs with every card shown, so the cards' own text is checked in both modes
``sideways_390``     the page scrolls sideways at 390 px
``scroll_cue_390``   tables wider than their box at 390 px that do not scroll inside it with a shadow cue, their
                     first column kept in view and the box reachable by keyboard (each scrolling table and its cues
                     are listed in ``details``)

It also saves a full-page screenshot of every page at both widths. Playwright
and Chromium come from the ``test`` extra and the system (``/usr/bin/chromium``);
axe-core is vendored in ``tests/vendor/axe-core`` so that nothing needs the network.
``python -m intake_alliance page-report`` prints the table.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd

from ..paths import ROOT
from .site import html_pages, serve

__all__ = ["MEASURES", "measure_site", "AXE", "CHROMIUM"]

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
MEASURES = ("code_inputs", "code_in_prose", "wide_tables", "small_svg_text", "svg_text_overlap", "raster_figures", "open_solutions",
            "raw_values", "raw_python", "identifiers", "template_text", "hyphen_minus", "axe_serious", "table_contrast",
            "number_cards", "sideways_390", "scroll_cue_390")

_HELPERS_JS = r"""
  const scrollBox = (el, stop) => {
    for (let e = el.parentElement; e && e !== stop; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== 'visible') return e;
    }
    return stop;
  };
  const tableName = (t) => {
    const cap = t.querySelector('caption');
    const head = t.querySelector('th');
    return (t.id || '') + ' "' + ((cap || head) ? (cap || head).innerText.trim().slice(0, 30) : 'table') + '"';
  };
  // pairs of unrotated text boxes that overlap inside one SVG figure, laid out at the width the figure is shown
  const svgOverlaps = async (root) => {
    const found = [];
    for (const img of Array.from(root.querySelectorAll('img')).filter(i => /\.svg$/.test(i.getAttribute('src') || ''))) {
      const shown = img.getBoundingClientRect();
      if (img.closest('.bd-header, .navbar-brand') || !shown.width) continue;
      const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml').documentElement;
      const holder = document.createElement('div');
      holder.style.cssText = 'position:absolute;left:-20000px;top:0;width:' + shown.width + 'px';
      svg.setAttribute('width', shown.width);
      svg.setAttribute('height', shown.height);
      holder.appendChild(document.importNode(svg, true));
      document.body.appendChild(holder);
      const boxes = [];
      for (const t of holder.querySelectorAll('text')) {
        const m = t.getCTM();
        if (!t.textContent.trim() || !m || Math.abs(m.b) > 1e-6 || Math.abs(m.c) > 1e-6) continue;  // rotated
        const r = t.getBoundingClientRect();
        if (r.width && r.height) boxes.push([r, t.textContent.trim()]);
      }
      holder.remove();
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const [a, ta] = boxes[i], [b, tb] = boxes[j];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 0.3 * Math.min(a.height, b.height)) {
          found.push(img.getAttribute('src').split('/').pop() + ': "' + ta.slice(0, 18) + '" on "' + tb.slice(0, 18) + '"');
        }
      }
    }
    return found;
  };
"""

# Runs in the page at 1280 px; returns the counts that do not need axe.
_MEASURE_JS = r"""async (publicNames) => {
  const visible = (el) => el.checkVisibility ? el.checkVisibility({checkVisibilityCSS: true}) : el.offsetParent !== null;
  const article = document.querySelector('.bd-article') || document.body;
  %HELPERS%
  const column = article.getBoundingClientRect().width;
  const inputs = Array.from(article.querySelectorAll('.cell_input')).filter(visible);
  // a table is measured against the box it scrolls in (the nearest ancestor that clips or scrolls), not the column
  const wide = [];
  for (const t of article.querySelectorAll('table')) {
    if (!visible(t)) continue;
    const room = Math.min(scrollBox(t, article).clientWidth, column);
    const width = Math.max(t.getBoundingClientRect().width, t.scrollWidth);
    if (width > room + 1) wide.push(tableName(t) + ' ' + Math.round(width) + '>' + Math.round(room));
    for (const cell of t.querySelectorAll('td, th')) {
      const o = getComputedStyle(cell).overflowX;
      if (o !== 'visible' && cell.scrollWidth > cell.clientWidth + 1) wide.push(tableName(t) + ' cell clipped: ' + cell.innerText.slice(0, 20));
    }
  }
  const small = [];
  for (const img of Array.from(article.querySelectorAll('img')).filter(i => /\.svg$/.test(i.getAttribute('src') || ''))) {
    if (img.closest('.bd-header, .navbar-brand')) continue;
    const text = await (await fetch(img.src)).text();
    const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    const box = (svg.getAttribute('viewBox') || '').split(/[ ,]+/).map(Number);
    if (box.length !== 4 || !box[2] || !img.getBoundingClientRect().width) continue;
    const scale = img.getBoundingClientRect().width / box[2];
    const sizes = [];
    for (const t of svg.querySelectorAll('text')) {
      const style = (t.getAttribute('style') || '') + ';' + (t.closest('g[style]') ? t.closest('g[style]').getAttribute('style') : '');
      const m = style.match(/font(?:-size)?:\s*(?:[a-z]+\s+)*([0-9.]+)px/) || [null, t.getAttribute('font-size')];
      if (m[1]) sizes.push(parseFloat(m[1]));
    }
    if (sizes.length) {
      const least = Math.min(...sizes) * scale;
      if (least < 10) small.push(img.getAttribute('src').split('/').pop() + ' ' + least.toFixed(1) + 'px');
    }
  }
  const raster = Array.from(article.querySelectorAll('img'))
    .filter(i => /\.(png|jpe?g)$/i.test(i.getAttribute('src') || '') && !/_static\//.test(i.getAttribute('src')))
    .map(i => i.getAttribute('src').split('/').pop());
  const solutions = [];
  for (const box of article.querySelectorAll('.solution.dropdown, details.solution')) {
    const open = box.tagName === 'DETAILS' ? box.open : !box.classList.contains('toggle-hidden') && box.querySelector('.toggle-details__container, .admonition-title + *') && visible(box.querySelector('.admonition-title + *'));
    if (open) solutions.push(box.id || 'solution');
  }
  // data keys and BibTeX keys read as words: text outside code formatting that is visible or folded away (a closed
  // solution, a collapsed output), with the pieces a <wbr> or a soft hyphen splits joined back (text nodes are
  // gathered per block element)
  const folded = (el) => el.closest('details, .solution, .toggle-hidden, .dropdown');
  const skip = 'code, pre, kbd, samp, script, style, .cell_input, mjx-container, .MathJax, svg, .headerlink';
  const blocks = new Map();
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !(visible(el) || folded(el))) continue;
    const block = el.closest('p, li, td, th, dt, dd, h1, h2, h3, h4, h5, h6, figcaption, caption, summary, div') || article;
    blocks.set(block, (blocks.get(block) || '') + n.nodeValue);
  }
  // sentences that read as a filled-in template ("0 of 56 pairs", "8 of the 8 themes", "is 0.", "1.00 to 1.00")
  // and a hyphen standing for a minus sign ("CI -0.57"), in the same text
  const template = [], hyphens = [];
  for (const text of blocks.values()) {
    const plain = text.replace(/\u00ad/g, '').replace(/\s+/g, ' ');
    for (const m of plain.matchAll(/(?<![\d.,])0 of (?:the )?\d+\b|\b(\d+) of (?:the )?\1\b(?![.,]\d)|\b(?:is|are) 0(?![.,]?\d)|(?<![\d.])(\d+(?:\.\d+)?) to \2(?![\d.]*\d)/g)) {
      template.push(plain.slice(Math.max(0, m.index - 25), m.index + m[0].length + 10).trim());
    }
    for (const m of plain.matchAll(/(?<![\w.\-\u2013])-\.?\d/g)) {
      hyphens.push(plain.slice(Math.max(0, m.index - 20), m.index + 12).trim());
    }
  }
  const identifiers = new Set();
  for (const text of blocks.values()) {
    const plain = text.replace(/\u00ad/g, '').replace(/\bhttps?:\/\/\S+/g, ' ');  // addresses are not words
    for (const m of plain.matchAll(/(?<![\w.\/-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+\d{4}[a-z]+)(?![\w\/-])/g)) {
      identifiers.add(m[1]);
    }
  }
  const rawText = (article.innerText || '');
  const raw = (rawText.match(/\bNaN\b|<NA>|dtype:|object at 0x|\b\d\.\d+e[-+]\d+\b/g) || [])
    .concat(Array.from(article.querySelectorAll('table.dataframe')).map(t => 'plain pandas table'));
  // printed Python values a reader should never see, in every output (closed solutions included: textContent)
  const pythonText = Array.from(article.querySelectorAll('.cell_output pre, .cell_output .text_plain'))
    .map(o => o.textContent).join('\n');
  const python = (pythonText.match(/\('[^'\n]*',\s*\)|\('[^'\n]*'(?:,\s*'[^'\n]*')+\)|\b(?:True|False|None)\b|\b\d+\.\d{7,}\b|\barray\(|\bnp\.\w+\(|\{'[^'\n]*':|\bName: \w+, dtype/g) || [])
    .map(m => m.slice(0, 30));
  // the package's functions and modules, or the libraries behind them, named in prose meant for readers
  // (exercises, solutions and a dropdown for Python users may ask the reader to call a function; file names are
  // provenance, not plumbing; so is a number's card, which a verifier opens to see what computed it)
  const plumbing = Array.from(article.querySelectorAll('p code, li code'))
    .filter(c => !c.closest('.exercise, .solution, .sd-dropdown, .cell_output, pre, table, .num-prov-card'))
    .map(c => c.textContent.trim())
    .filter(t => /^(intake_alliance|stats|study|figures|book|data)\.\w|^(statsmodels|scipy|pingouin|sklearn|krippendorff)\b|^\w+\(.*\)$|^test_\w+/.test(t)
                 || publicNames.includes(t) || /^[A-Z][a-z]+(?:[A-Z][a-z]+)+$/.test(t));  // a package name, a CamelCase class
  const cards = [];
  for (const glued of article.querySelectorAll('span.pasted-text')) {
    if (!glued.closest('.num-prov') && /\d/.test(glued.textContent)) cards.push('no card: ' + glued.textContent.slice(0, 30));
  }
  for (const wrap of article.querySelectorAll('.num-prov')) {
    const value = wrap.querySelector(':scope > .num-prov-value');
    const card = value && document.getElementById(value.getAttribute('aria-describedby') || '');
    if (!value || value.tabIndex !== 0 || !card || !wrap.contains(card) || !card.textContent.trim()) {
      cards.push('broken card: ' + wrap.textContent.slice(0, 30));
    }
  }
  return {number_cards: cards, code_inputs: inputs.length, wide_tables: wide, small_svg_text: small, raster_figures: raster, code_in_prose: plumbing,
          open_solutions: solutions, raw_values: raw, raw_python: python, identifiers: Array.from(identifiers).sort(),
          svg_text_overlap: await svgOverlaps(article), template_text: template, hyphen_minus: hyphens};
}"""

_MEASURE_JS = _MEASURE_JS.replace("%HELPERS%", _HELPERS_JS)

# Runs at 390 px: every table wider than its box, whether that box shows it scrolls and keeps the first column.
_NARROW_JS = r"""() => {
  const article = document.querySelector('.bd-article') || document.body;
  %HELPERS%
  const out = [];
  for (const t of article.querySelectorAll('table')) {
    if (!(t.checkVisibility ? t.checkVisibility({checkVisibilityCSS: true}) : t.offsetParent)) continue;
    const box = scrollBox(t, article);
    if (Math.max(t.getBoundingClientRect().width, t.scrollWidth) <= box.clientWidth + 1) continue;
    const style = getComputedStyle(box);
    const cue = /gradient/.test(style.backgroundImage) || style.boxShadow !== 'none';
    const first = t.querySelector('tbody tr > :first-child, tr > :first-child');
    const sticky = !!first && getComputedStyle(first).position === 'sticky';
    out.push({table: tableName(t), scrolls: box !== article && /auto|scroll/.test(style.overflowX), cue, sticky,
              keyboard: box !== article && box.tabIndex >= 0});
  }
  return out;
}""".replace("%HELPERS%", _HELPERS_JS)

# Contrast of every table cell's text with the first opaque background behind it (WCAG 1.4.3, 4.5:1).
_CONTRAST_JS = r"""() => {
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const td of document.querySelectorAll('.bd-article table td, .bd-article table th')) {
    if (!td.innerText.trim()) continue;
    const [a, b] = [lum(rgb(getComputedStyle(td).color)), lum(behind(td))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) bad.push(td.innerText.trim().slice(0, 20) + ' ' + ratio.toFixed(2));
  }
  return bad;
}"""

_AXE_JS = """async () => {
  const res = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' x' + v.nodes.length);
}"""


# every card of the page shown in the text (as a block where it stands), for axe; and back
_CARDS_SHOWN = """() => {
  const style = document.getElementById('audit-cards-shown') || Object.assign(document.createElement('style'), {
    id: 'audit-cards-shown', textContent: '.num-prov-card { display: block !important; position: static !important; }'});
  if ('%s' === 'add') document.head.appendChild(style); else style.remove();
}"""

# the book's theme follows the emulated colour scheme in its "auto" mode; a page without the theme has no mode
_THEME_IS = "!document.documentElement.dataset.mode || document.documentElement.dataset.theme === '%s'"
_DECODE_JS = "async () => { await Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null))); }"


def _shot_name(path: str, width: int, mode: str) -> str:
    return path.replace("/", "__").removesuffix(".html") + f"_{width}" + ("" if mode == "light" else f"_{mode}") + ".png"


# The coding lab's scorer shows its tables only once a sheet is scored: paste the confused example sheet (linked
# from the page) into the answer-key form and score it, so that every measure sees the result a student sees.
_FILL_SCORER_JS = r"""async () => {
  const form = document.querySelector('.sheet-scorer[data-mode=key]');
  const link = document.querySelector('a[href$="sheet_confused.csv"]');
  if (!form || !link) return false;
  form.querySelector('textarea').value = await (await fetch(link.href)).text();
  form.querySelector('button').click();
  return true;
}"""


def _visit(browser, origin: str, path: str, width: int, mode: str, shots: Path):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=mode,
                                  service_workers="block")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((origin, "data:")) else r.abort())
    page = context.new_page()
    page.goto(f"{origin}/{path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(_DECODE_JS)
    if page.evaluate(_FILL_SCORER_JS):  # the lab: measure the scorer's result as a student sees it
        page.wait_for_selector(".sheet-scorer[data-mode=key] .scorer-output table")
    page.screenshot(path=str(shots / _shot_name(path, width, mode)), full_page=True)
    return context, page


def measure_site(html_dir: str | Path, screenshots: str | Path | None = None, pages: list[str] | None = None,
                 axe: bool = True, browser=None) -> pd.DataFrame:
    """Return one row per page with the counts of :data:`MEASURES` and what was found (``details``).

    ``browser`` is a running Playwright Chromium to use (the tests share theirs); without it one is started.
    Raises ``FileNotFoundError`` when Chromium or the vendored axe-core is missing.
    """
    html = Path(html_dir)
    if not CHROMIUM.is_file():
        raise FileNotFoundError(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if axe and not AXE.is_file():
        raise FileNotFoundError(f"axe-core not found at {AXE}")
    shots = Path(screenshots) if screenshots else html.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    paths = pages or [p.relative_to(html).as_posix() for p in html_pages(html) if p.name not in ("index.html",)]
    with serve(html) as origin:
        if browser is not None:
            return pd.DataFrame([_measure_page(browser, origin, path, shots, axe) for path in paths])
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            own = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            try:
                return pd.DataFrame([_measure_page(own, origin, path, shots, axe) for path in paths])
            finally:
                own.close()


@functools.lru_cache(maxsize=1)
def _public_names() -> list[str]:
    """Every name the package exports (the ``__all__`` of each module): in reader prose they are plumbing."""
    import importlib
    import pkgutil

    import intake_alliance

    names: set[str] = set()
    for info in pkgutil.walk_packages(intake_alliance.__path__, "intake_alliance."):
        if info.name.endswith("__main__"):
            continue
        names |= set(getattr(importlib.import_module(info.name), "__all__", ()))
    return sorted(names)


def _measure_page(browser, origin: str, path: str, shots: Path, axe: bool) -> dict:
    """One visit per page: light at 1280 px, then the same page switched to dark, then narrowed to 390 px.

    Switching the emulated colour scheme fires the theme's ``prefers-color-scheme`` listener (the page is in
    "auto" mode), and narrowing the viewport reflows the page as a phone would load it; the tests compare this
    with fresh loads in each mode and width (``tests/test_browser.py``).
    """
    details: dict[str, list] = {}
    row: dict = {"page": path}
    context, page = _visit(browser, origin, path, 1280, "light", shots)
    try:
        found = page.evaluate(_MEASURE_JS, _public_names())
        for key, value in found.items():
            row[key] = value if isinstance(value, int) else len(value)
            if value and not isinstance(value, int):
                details[key] = value
        if axe:
            page.add_script_tag(path=str(AXE))
        for mode in ("light", "dark"):
            if mode == "dark":
                page.emulate_media(color_scheme="dark")
                page.wait_for_function(_THEME_IS % "dark")
                _settle(page)
                page.screenshot(path=str(shots / _shot_name(path, 1280, mode)), full_page=True)
            low = page.evaluate(_CONTRAST_JS)
            row["table_contrast"] = row.get("table_contrast", 0) + len(low)
            if low:
                details[f"contrast_{mode}"] = low[:5]
            if axe:  # with every number's card shown, so that axe reads the cards too
                page.evaluate(_CARDS_SHOWN % "add")
                bad = page.evaluate(_AXE_JS)
                page.evaluate(_CARDS_SHOWN % "remove")
                row["axe_serious"] = row.get("axe_serious", 0) + sum(int(b.rsplit("x", 1)[1]) for b in bad)
                if bad:
                    details[f"axe_{mode}"] = bad
        page.emulate_media(color_scheme="light")
        page.wait_for_function(_THEME_IS % "light")
        page.set_viewport_size({"width": 390, "height": 900})
        _settle(page)
        page.screenshot(path=str(shots / _shot_name(path, 390, "light")), full_page=True)
        row["sideways_390"] = int(page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"))
        scrolling = page.evaluate(_NARROW_JS)
        row["scroll_cue_390"] = sum(not (t["scrolls"] and t["cue"] and t["sticky"] and t["keyboard"]) for t in scrolling)
        if scrolling:
            details["scrolling_390"] = [f"{t['table']}: " + ", ".join(
                w for w, ok in (("scrolls in its box", t["scrolls"]), ("shadow cue", t["cue"]),
                                ("first column kept", t["sticky"]), ("keyboard", t["keyboard"])) if ok)
                for t in scrolling]
    finally:
        context.close()
    row.setdefault("axe_serious", 0)
    row["details"] = json.dumps(details, ensure_ascii=False) if details else ""
    return row


def _settle(page) -> None:
    """Wait until a change of colour scheme or width is laid out and painted (two animation frames)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.evaluate(_DECODE_JS)
