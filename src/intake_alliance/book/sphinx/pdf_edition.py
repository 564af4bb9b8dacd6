"""Sphinx extension: the single-page build that ``make pdf`` prints, and the link to the PDF in the site.

For the ``singlehtml`` builder (:mod:`intake_alliance.book.pdf`):

* Sphinx looks up the handlers of custom nodes under the builder's own name and falls back to ``html``
  only when that name has no entry at all. sphinx-exercise registers handlers for ``singlehtml``, so
  every node registered for ``html`` alone (sphinx-jupyterbook-latex's ``HiddenCellNode``, for one) would
  stop the build; their ``html`` handlers are copied under ``singlehtml``.
* ``print_edition.css`` (print styles: no navigation, tables and figures inside the page, each chapter
  on a new page) is added to that page only.
* The single page loses the part captions of ``_toc.yml``; they are written back above each part.
* The check mark emoji of the execution-status table, which no print font has, becomes a plain one.
* A title page (the book, its authors and version, the article it accompanies, the build date, the licences,
  the site's address and how to cite, all read from ``CITATION.cff`` and the configuration) and an empty
  contents list open the page. ``print_edition.js`` fills the contents and gives every cross-reference the
  page of its target, from the page numbers in the page's ``pdf-edition-data`` script (written there by
  :mod:`intake_alliance.book.pdf` between prints); it also turns links that would point into the build folder
  of the printing machine into text that names the file.

For the ``html`` builder: when ``_build/pdf/book.pdf`` exists beside the site being built, it is copied
into the site as ``book.pdf`` and the tag ``pdf_edition`` is set, which shows the intro's link to it.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

CSS = Path(__file__).with_name("print_edition.css")
JS = Path(__file__).with_name("print_edition.js")
#: The JSON script element whose ``pages`` the print script reads; build_pdf rewrites it between prints.
DATA_ID = "pdf-edition-data"
#: Where the PDF is written (relative to the build's output folder, _build/) and where the site offers it.
PDF_IN_BUILD = Path("pdf") / "book.pdf"
PDF_IN_SITE = "book.pdf"
_WRAPPER = '<div class="toctree-wrapper compound">'
_PRINT_TITLE = '<div id="jb-print-docs-body" class="onlyprint">'
_LICENCE_ROLES = {"MIT": "code", "CC-BY-4.0": "text and figures"}


def _sources() -> str:
    """Which sources were built: the commit and its date, and whether the working tree had changes."""
    from ...paths import ROOT

    def git(*args: str) -> str:
        proc = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=30)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    commit, when = git("rev-parse", "--short=10", "HEAD"), git("log", "-1", "--format=%ct")
    if not commit or not when:
        return "built from sources without version-control information"
    day = dt.datetime.fromtimestamp(int(when), tz=dt.timezone.utc)
    changed = " with local changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"built from the sources of {day:%-d %B %Y} (commit {commit}{changed})"


def _title_page(app: Sphinx) -> str:
    """The title page and the (empty) contents list, as HTML."""
    from ..citing import apa, citation_metadata

    meta = citation_metadata()
    book, article = apa(meta)
    authors = "; ".join(a.get("name") or f"{a['given-names']} {a['family-names']}" for a in meta["authors"])
    licences = "; ".join(f"{name} ({_LICENCE_ROLES[name]})" if name in _LICENCE_ROLES else name
                         for name in meta.get("license", []))
    site = app.config.html_baseurl or ""
    facts = [("The article", article), ("Version", f"{meta['version']}, {_sources()}"),
             ("Licences", licences),
             ("On the web", site or "this copy was printed without the address of the book's site, which holds the "
                                    "coding lab and the files named in the text; ask whoever gave you this copy"),
             ("How to cite", book + " Please cite the article too.")]
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in facts)
    return (f'<section class="pdf-title-page" aria-label="Title page"><p class="pdf-title">'
            f'{html.escape(meta["title"])}</p><p class="pdf-authors">{html.escape(authors)}</p>'
            f'<dl class="pdf-facts">{rows}</dl></section>'
            '<section class="pdf-contents"><h2>Contents</h2><ol></ol></section>')


def data_script(payload: dict) -> str:
    """The script element that hands ``print_edition.js`` its data: ``pages`` (the page numbers of the previous
    print) and ``site`` (the site's address)."""
    payload = json.dumps(payload, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/json" id="{DATA_ID}">{payload}</script>'


def _pdf_beside(app: Sphinx) -> Path:
    return Path(app.outdir).parent / PDF_IN_BUILD


def _builder_inited(app: Sphinx) -> None:
    if app.builder.name == "singlehtml":
        handlers = app.registry.translation_handlers
        single = handlers.setdefault("singlehtml", {})
        for name, pair in handlers.get("html", {}).items():
            single.setdefault(name, pair)
        app.add_css_file("print_edition.css")
    elif app.builder.name == "html" and _pdf_beside(app).is_file():
        app.tags.add("pdf_edition")


def _outdated(app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list[str]:
    """Re-read the root page when the PDF appeared or went away since the last build."""
    linked = app.tags.has("pdf_edition")
    if getattr(env, "intake_pdf_linked", None) != linked:
        env.intake_pdf_linked = linked
        return [app.config.root_doc]
    return []


def _part_captions(app: Sphinx) -> list[str]:
    site_map = getattr(app.config, "external_site_map", None)
    if site_map is None:
        return []
    return [t.caption or "" for t in site_map[site_map.root.docname].subtrees]


def _finish_single_page(app: Sphinx) -> None:
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for source in (CSS, JS):
        shutil.copyfile(source, static / source.name)
    page = Path(app.outdir) / f"{app.config.root_doc}.html"
    text = page.read_text(encoding="utf-8").replace("\u2705", "\u2714")
    captions = _part_captions(app)
    pieces = text.split(_WRAPPER)
    if len(pieces) - 1 != len(captions):
        raise RuntimeError(f"pdf_edition: {len(pieces) - 1} parts on the single page but {len(captions)} "
                           "captions in _toc.yml")
    out = [pieces[0]]
    for caption, rest in zip(captions, pieces[1:]):
        title = f'\n<h2 class="pdf-part-title">{html.escape(caption)}</h2>' if caption else ""
        out.append(_WRAPPER + title + rest)
    text = "".join(out)
    if text.count(_PRINT_TITLE) != 1:
        raise RuntimeError("pdf_edition: the theme's print title was not found once on the single page")
    text = text.replace(_PRINT_TITLE, _title_page(app) + _PRINT_TITLE, 1)
    script = data_script({"pages": {}, "site": app.config.html_baseurl or ""})
    script += f'\n<script src="_static/{JS.name}"></script>\n'
    page.write_text(text.replace("</body>", script + "</body>", 1), encoding="utf-8")


def _finish(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None:
        return
    if app.builder.name == "singlehtml":
        _finish_single_page(app)
    elif app.builder.name == "html" and app.tags.has("pdf_edition"):
        shutil.copyfile(_pdf_beside(app), Path(app.outdir) / PDF_IN_SITE)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
