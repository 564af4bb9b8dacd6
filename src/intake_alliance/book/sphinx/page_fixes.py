"""Sphinx extension: two fixes that keep the browser console of every page free of errors.

* sphinx-thebe registers its inline configuration script (a body, no file) both
  with the registry and with the builder; Sphinx re-adds the registry's copy
  with the file name ``''`` instead of ``None``, so its own duplicate check
  misses it, the page carries ``const THEBE_JS_URL = ...`` twice and the second
  copy throws "Identifier 'THEBE_JS_URL' has already been declared". Scripts are
  de-duplicated per page on (file name or '', priority, attributes), first
  occurrence kept, order unchanged.
* pydata-sphinx-theme reads the colour mode from local storage and falls back to
  the template variable ``default_mode``; left empty, a first visit logs "Got
  invalid theme mode". It defaults to ``auto`` here (follow the reader's system).
* Accessible names that contain the visible label (WCAG 2.5.3, axe
  ``label-content-name-mismatch``), written into every page when the build
  finishes, so that they do not depend on when a script runs: the search field,
  which shows "Search" and a keyboard shortcut, is named by its content (its
  ``aria-label="Search"`` is dropped), and the icons of the colour-mode button
  lose their ``title`` (``aria-hidden``), leaving the button its name "Color mode";
  the toggle of a collapsed cell is named by its text, and that text is in words ("Show the code", not
  myst-nb's "Show code cell source");
  the entries of the reference list, inside ``role="list"``, become list items
  (the deprecated ``doc-biblioentry`` role is not one; axe ``aria-required-children``); the execution
  table's status emoji (which need an emoji font) become the words "succeeded" and "failed".

Enable with ``extra_extensions: [intake_alliance.book.sphinx.page_fixes]`` in _config.yml.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

__all__ = ["unique_in_order", "accessible_names", "setup"]


def unique_in_order(items: list[Any], key: Callable[[Any], Hashable] = lambda x: x) -> list[Any]:
    """Return ``items`` without repeats of ``key(item)``, keeping the first of each in its place."""
    seen: set[Hashable] = set()
    out: list[Any] = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _script_key(js: Any) -> Hashable:
    attrs = getattr(js, "attributes", {})
    return (getattr(js, "filename", None) or "", getattr(js, "priority", 500), tuple(sorted(attrs.items())))


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    context.setdefault("default_mode", "auto")
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = unique_in_order(list(scripts), key=_script_key)


_SEARCH_FIELD = re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"')
_BIBLIOENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry">')
#: myst-nb's toggle texts for a collapsed cell, in a reader's words
TOGGLE_WORDS = {"code cell source": "the code", "code cell outputs": "the output",
                "code cell content": "the code and its output"}
_TOGGLE = re.compile(r'(<p class="(?:collapsed|expanded) admonition-title">)(Show|Hide) (code cell (?:source|outputs|content))</p>')
_THEME_ICON = re.compile(r'(<i class="theme-switch [^"]*" data-mode="[a-z]+")\s+title="[^"]*">')


def accessible_names(html: str) -> str:
    """Return ``html`` with the accessible names and roles listed in this module's docstring fixed."""
    html = _SEARCH_FIELD.sub(r"\1", html)
    # a collapsed cell's toggle shows "Show code cell source": that text, not "Toggle hidden content", is its name
    html = html.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    html = _TOGGLE.sub(lambda m: f"{m[1]}{m[2]} {TOGGLE_WORDS[m[3]]}</p>", html)
    html = _BIBLIOENTRY.sub(r'\1 role="listitem">', html)
    # the execution table's status in words: its emoji need an emoji font and are read out as "check mark button"
    html = html.replace("<td><p>✅</p></td>", "<td><p>succeeded</p></td>").replace(
        "<td><p>❌</p></td>", "<td><p>failed</p></td>")
    return _THEME_ICON.sub(r'\1 aria-hidden="true">', html)


def _fix_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = accessible_names(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
