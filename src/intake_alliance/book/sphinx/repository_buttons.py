"""Sphinx extension: repository and launch buttons, only when a repository URL is configured.

The book has no public repository yet, and Jupyter Book's own default points
its buttons at Jupyter Book's repository. ``_config.yml`` therefore leaves the
buttons off and the URL empty; this extension switches them on at build time
when the environment variable ``BOOK_REPOSITORY_URL`` names the repository
(``BOOK_REPOSITORY_BRANCH`` defaults to ``main``). With the URL set each page
gets a repository button, an issues button, and on executable pages launch
buttons for Binder and (for GitHub repositories) Colab; without it none of
them is rendered, so none can be broken.

Enable with ``extra_extensions: [intake_alliance.book.sphinx.repository_buttons]`` in _config.yml.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from sphinx.application import Sphinx
from sphinx.config import Config

__all__ = ["URL_VARIABLE", "BRANCH_VARIABLE", "BINDER", "COLAB", "theme_options", "setup"]

URL_VARIABLE = "BOOK_REPOSITORY_URL"
BRANCH_VARIABLE = "BOOK_REPOSITORY_BRANCH"
BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_BRANCH = re.compile(r"^[A-Za-z0-9_./-]+$")


def theme_options(url: str | None, branch: str | None = None) -> dict:
    """Return the theme options that turn the buttons on for ``url``, or ``{}`` when ``url`` is empty.

    Raises
    ------
    ValueError
        If ``url`` is not ``https://host/owner/repository`` (no trailing slash or ``.git``),
        or ``branch`` is empty or has characters a git branch name cannot have.
    """
    if not url:
        return {}
    if not isinstance(url, str) or not _URL.match(url) or url.endswith(".git"):
        raise ValueError(f"{URL_VARIABLE}: {url!r} is not a repository URL of the form https://host/owner/name")
    branch = "main" if branch is None else branch
    if not isinstance(branch, str) or not _BRANCH.match(branch):
        raise ValueError(f"{BRANCH_VARIABLE}: {branch!r} is not a branch name")
    launch = {"binderhub_url": BINDER, "notebook_interface": "jupyterlab"}
    if url.startswith("https://github.com/"):
        launch["colab_url"] = COLAB  # Colab opens notebooks from GitHub only
    return {
        "repository_url": url,
        "repository_branch": branch,
        "path_to_docs": "",
        "use_repository_button": True,
        "use_issues_button": True,
        "use_download_button": True,
        "launch_buttons": launch,
    }


def _apply(app: Sphinx, config: Config, environ: Mapping[str, str] | None = None) -> None:
    environ = os.environ if environ is None else environ
    opts = theme_options(environ.get(URL_VARIABLE, "").strip(), environ.get(BRANCH_VARIABLE))
    config.html_theme_options = {**config.html_theme_options, **opts}


def setup(app: Sphinx) -> dict:
    # Sphinx only sees html_theme_options change, so toggling the URL triggers a full rebuild.
    app.connect("config-inited", _apply)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
