"""Sphinx extension: put the coding lab's handouts (PDF) and CSV files into the site's ``downloads/``.

The lab page and the instructor guide link to ``downloads/...`` so that a class can work with nothing but a
browser; the files are written from ``data/teaching`` by an HTML build
(:func:`intake_alliance.book.handouts.write_downloads`), never committed. They are written again only when
their inputs changed (the package, ``data/``, ``_static/``, the data folder in use, the build date or the
site's address, ``html.baseurl`` in ``_config.yml``, which the handouts print), which
a stamp in the folder records: an unchanged rebuild neither imports the package nor lays out the PDFs.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

#: The folder of the site that holds the files, relative to its root.
FOLDER = "downloads"
STAMP = ".inputs.sha256"


def _inputs(site_url: str) -> str:
    from ...paths import ROOT
    from ..execution import inputs_hash

    h = hashlib.sha256(inputs_hash(ROOT).encode())
    h.update(f"\0site_url={site_url}".encode())
    for name in ("INTAKE_ALLIANCE_DATA", "SOURCE_DATE_EPOCH"):
        h.update(f"\0{name}={os.environ.get(name, '')}".encode())
    return h.hexdigest()


def _write(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    folder = Path(app.outdir) / FOLDER
    site_url = app.config.html_baseurl or ""
    stamp, current = folder / STAMP, _inputs(site_url)
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == current:
        return
    from ..handouts import write_downloads  # the whole package: imported only when the files are written

    stamp.unlink(missing_ok=True)
    write_downloads(folder, site_url or None)
    stamp.write_text(current + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
