"""The built site: page weight and internal links.

:func:`page_weights` measures every HTML page of a built book together with the
images it displays; :func:`site_weight` adds up every file of the site.
:func:`check_links` serves the site on 127.0.0.1 and runs LinkChecker over it,
then :func:`missing_anchors` checks every ``#anchor``: every internal link and
anchor must resolve; external links are not followed. ``python -m intake_alliance site-weight`` and
``python -m intake_alliance check-links`` print the same reports.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd

__all__ = ["PAGE_BUDGET", "SITE_BUDGET", "html_pages", "page_images", "page_weights", "site_weight",
           "weight_report", "serve", "missing_anchors", "check_links"]

#: A page's HTML plus the images it shows must stay under this many bytes.
PAGE_BUDGET = 1_500_000
#: Every file of the site together must stay under this many bytes.
SITE_BUDGET = 25_000_000


def _html_dir(html_dir: str | Path) -> Path:
    html_dir = Path(html_dir)
    if not (html_dir / "index.html").is_file():
        raise ValueError(f"html_dir: {html_dir} is not a built site (no index.html in it)")
    return html_dir


def html_pages(html_dir: str | Path) -> list[Path]:
    """Return the site's HTML pages (not the files under ``_static`` or ``_sources``), sorted."""
    html_dir = _html_dir(html_dir)
    return sorted(p for p in html_dir.rglob("*.html") if not p.relative_to(html_dir).parts[0].startswith("_"))


class _PageParser(HTMLParser):
    """One pass over a page: the images it shows, the anchors it defines and the links it makes."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.anchors: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img" and a.get("src"):
            self.sources.append(a["src"])
        if a.get("id"):
            self.anchors.add(a["id"])
        if tag == "a" and a.get("name"):
            self.anchors.add(a["name"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


@functools.lru_cache(maxsize=256)
def _parsed(page: Path, mtime_ns: int) -> _PageParser:
    parser = _PageParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _parse(page: Path) -> _PageParser:
    return _parsed(page, page.stat().st_mtime_ns)


def page_images(page: Path) -> list[Path]:
    """Return the local image files that ``page`` displays (each once, in order of first use).

    Raises
    ------
    ValueError
        If an ``<img>`` points to a local file that does not exist.
    """
    out: list[Path] = []
    for src in _parse(page).sources:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            if parts.scheme == "data":
                continue
            raise ValueError(f"page: {page.name} shows a remote image {src!r}")
        path = (page.parent / unquote(parts.path)).resolve()
        if not path.is_file():
            raise ValueError(f"page: {page.name} shows {src!r}, which is not in the site")
        if path not in out:
            out.append(path)
    return out


def missing_anchors(html_dir: str | Path) -> tuple[int, list[str]]:
    """Check every ``#anchor`` that a page of the site links to; return how many and the missing ones.

    Each page is parsed once (LinkChecker's anchor check re-reads a page for every anchor on it: a minute here
    instead of a second). A link to a page that is not there is left to LinkChecker; one line per missing anchor,
    ``page: href (no such anchor)``.
    """
    html_dir = _html_dir(html_dir).resolve()
    checked, missing = 0, []
    for page in sorted(html_dir.rglob("*.html")):
        for href in _parse(page).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.fragment:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if target.is_dir():
                target = target / "index.html"
            if target.suffix != ".html" or not target.is_file() or html_dir not in target.parents:
                continue
            checked += 1
            if unquote(parts.fragment) not in _parse(target).anchors:
                missing.append(f"{page.relative_to(html_dir).as_posix()}: {href} (no such anchor)")
    return checked, missing


def page_weights(html_dir: str | Path) -> pd.DataFrame:
    """Return one row per page: ``page``, ``html_bytes``, ``images``, ``image_bytes``, ``total_bytes``."""
    html_dir = _html_dir(html_dir)
    rows = []
    for page in html_pages(html_dir):
        images = page_images(page)
        html_bytes = page.stat().st_size
        image_bytes = sum(p.stat().st_size for p in images)
        rows.append({"page": page.relative_to(html_dir).as_posix(), "html_bytes": html_bytes,
                     "images": len(images), "image_bytes": image_bytes, "total_bytes": html_bytes + image_bytes})
    return pd.DataFrame(rows, columns=["page", "html_bytes", "images", "image_bytes", "total_bytes"])


def site_weight(html_dir: str | Path) -> pd.Series:
    """Return the bytes of every file of the site, summed by top-level folder (files at the root: ``.``)."""
    html_dir = _html_dir(html_dir)
    sizes: dict[str, int] = {}
    for path in html_dir.rglob("*"):
        if path.is_file():
            rel = path.relative_to(html_dir).parts
            top = rel[0] if len(rel) > 1 else "."
            sizes[top] = sizes.get(top, 0) + path.stat().st_size
    return pd.Series(sizes, name="bytes").sort_values(ascending=False)


def weight_report(html_dir: str | Path) -> tuple[str, bool]:
    """Return a printable report of page and site weight, and whether both budgets are met."""
    pages = page_weights(html_dir)
    folders = site_weight(html_dir)
    total = int(folders.sum())
    lines = [f"{'page':45s} {'html':>10s} {'images':>7s} {'img bytes':>10s} {'total':>10s}"]
    for r in pages.itertuples():
        flag = "  OVER BUDGET" if r.total_bytes >= PAGE_BUDGET else ""
        lines.append(f"{r.page:45s} {r.html_bytes:10,d} {r.images:7d} {r.image_bytes:10,d} {r.total_bytes:10,d}{flag}")
    lines.append(f"largest page: {pages.total_bytes.max():,d} bytes (budget {PAGE_BUDGET:,d})")
    lines.append("site by folder: " + ", ".join(f"{k} {v:,d}" for k, v in folders.items()))
    lines.append(f"whole site: {total:,d} bytes in {sum(1 for p in Path(html_dir).rglob('*') if p.is_file())} files "
                 f"(budget {SITE_BUDGET:,d})")
    ok = bool((pages.total_bytes < PAGE_BUDGET).all()) and total < SITE_BUDGET
    return "\n".join(lines), ok


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def end_headers(self) -> None:
        # LinkChecker slows to 10 requests a second per host unless the server answers with this header
        self.send_header("LinkChecker", "any")
        super().end_headers()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # a client that hangs up early (a browser cancelling a request) is not an error of the site
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(html_dir: str | Path) -> Iterator[str]:
    """Serve ``html_dir`` on 127.0.0.1 (a free port) in a thread; yield its origin ``http://127.0.0.1:PORT``."""
    html_dir = _html_dir(html_dir)
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


_LINKCHECKER_CONFIG = """\
[checking]
threads=4
maxrequestspersecond=1000
[filtering]
checkextern=0
[output]
status=0
"""


def _linkchecker() -> str:
    exe = Path(sys.executable).parent / "linkchecker"
    found = str(exe) if exe.is_file() else shutil.which("linkchecker")
    if not found:
        raise RuntimeError("linkchecker is not installed (it is pinned in requirements.lock: run 'make venv')")
    return found


def check_links(html_dir: str | Path, timeout: int = 600) -> subprocess.CompletedProcess:
    """Check every internal link and anchor of the site; return the finished check as a process.

    LinkChecker follows every internal link of the site, served over HTTP from a local server, and reports
    pages and files that are not there; :func:`missing_anchors` then checks every ``#anchor``. LinkChecker
    normally switches to the user 'nobody' when it is started as root; in a container whose Python lives under
    /root that user cannot import parts of the standard library, so the switch is turned off (the check only
    reads pages from the local server). Return code 0 means no broken link, no missing anchor and no warning;
    the output is LinkChecker's report followed by the anchors' line.
    """
    html_dir = _html_dir(html_dir)
    _linkchecker()  # a clear error when LinkChecker is not installed
    with tempfile.TemporaryDirectory() as tmp, serve(html_dir) as origin:
        config = Path(tmp) / "linkcheckerrc"
        config.write_text(_LINKCHECKER_CONFIG, encoding="utf-8")
        run = ("import sys, linkcheck.command.linkchecker as lc; lc.drop_privileges = lambda: None; "
               "sys.argv[0] = 'linkchecker'; sys.exit(lc.linkchecker())")
        cmd = [sys.executable, "-c", run, "--config", str(config), "--no-status", "--output", "text",
               f"{origin}/index.html"]
        env = dict(os.environ, no_proxy="127.0.0.1,localhost", NO_PROXY="127.0.0.1,localhost")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    checked, missing = missing_anchors(html_dir)
    report = "\n".join([*missing, f"Anchors: {checked} links to an #anchor checked, {len(missing)} missing."])
    return subprocess.CompletedProcess(proc.args, proc.returncode or (1 if missing else 0),
                                       proc.stdout + "\n" + report + "\n", proc.stderr)
