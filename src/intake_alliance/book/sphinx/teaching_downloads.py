"""Sphinx extension: put the coding lab's handouts (PDF) and CSV files into the site's ``downloads/``.

The lab page and the instructor guide link to ``downloads/...`` so that a class can work with nothing but a
browser; the files are written from ``data/teaching`` on every HTML build
(:func:`intake_alliance.book.handouts.write_downloads`), never committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..handouts import write_downloads

#: The folder of the site that holds the files, relative to its root.
FOLDER = "downloads"


def _write(app: Sphinx) -> None:
    if app.builder.format == "html":
        write_downloads(Path(app.outdir) / FOLDER)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
