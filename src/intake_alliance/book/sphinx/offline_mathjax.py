"""Sphinx extension: serve MathJax 3 from the site itself, never from a CDN.

Jupyter Book loads MathJax from a public CDN by default, so a reader offline (or
behind a strict network) sees raw TeX, and every page view is announced to a
third party. The PyPI package ``sphinx-mathjax-offline`` ships the MathJax 3.2.2
distribution; its own extension copies all of it (24 MB) into every build. This
extension copies only what the CommonHTML TeX component needs (the combined
``tex-chtml.js``, its fonts, the TeX extensions it may autoload, the menu and
the accessibility components the menu loads on request) and points Sphinx's
``mathjax_path`` at the copy.

Enable with ``extra_extensions: [intake_alliance.book.sphinx.offline_mathjax]`` in _config.yml.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.fileutil import copy_asset

__all__ = ["mathjax_source", "PARTS", "MATHJAX_PATH", "setup"]

#: What is copied, relative to the MathJax distribution folder.
PARTS = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "ui", "a11y", "adaptors")
#: Where the copy lives, relative to the site's _static folder.
MATHJAX_PATH = "mathjax/tex-chtml.js"


def mathjax_source() -> Path:
    """Return the folder of the MathJax distribution installed by ``sphinx-mathjax-offline``."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise RuntimeError("the package 'sphinx-mathjax-offline' is not installed: "
                           "run 'make venv' (it is pinned in requirements.lock)")
    root = Path(spec.origin).parent / "static" / "mathjax"
    missing = [p for p in PARTS if not (root / p).exists()]
    if missing:
        raise RuntimeError(f"MathJax distribution at {root} lacks {', '.join(missing)}")
    return root


def _use_local_copy(app: Sphinx, config: Config) -> None:
    mathjax_source()  # fail at start-up, not after the whole build
    config.mathjax_path = MATHJAX_PATH


def _copy(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    src = mathjax_source()
    dst = Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        target = dst / part
        if (src / part).is_dir():
            copy_asset(str(src / part), str(target))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_asset(str(src / part), str(target.parent))


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _use_local_copy)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
