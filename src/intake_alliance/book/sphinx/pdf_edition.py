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
* Links that would point into the build folder of the machine that printed it become plain text.

For the ``html`` builder: when ``_build/pdf/book.pdf`` exists beside the site being built, it is copied
into the site as ``book.pdf`` and the tag ``pdf_edition`` is set, which shows the intro's link to it.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

CSS = Path(__file__).with_name("print_edition.css")
#: Where the PDF is written (relative to the build's output folder, _build/) and where the site offers it.
PDF_IN_BUILD = Path("pdf") / "book.pdf"
PDF_IN_SITE = "book.pdf"
_WRAPPER = '<div class="toctree-wrapper compound">'
#: Links that only work inside the build folder (downloads, full-size figures, data: URIs) would become
#: file:// links to the machine that printed the PDF; they are kept as plain text. Links within the book
#: (#anchors) and to the web stay.
_UNLINK = """<script>
window.addEventListener("load", () => {
  document.querySelectorAll("a[href]").forEach((a) => {
    const href = a.getAttribute("href");
    if (!/^(#|https?:|mailto:)/.test(href)) a.removeAttribute("href");
  });
});
</script>
"""


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
    dst = Path(app.outdir) / "_static" / CSS.name
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CSS, dst)
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
    page.write_text("".join(out).replace("</body>", _UNLINK + "</body>", 1), encoding="utf-8")


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
