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

Enable with ``extra_extensions: [intake_alliance.book.sphinx.page_fixes]`` in _config.yml.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from sphinx.application import Sphinx

__all__ = ["unique_in_order", "setup"]


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


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
