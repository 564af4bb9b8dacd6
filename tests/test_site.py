"""The built site: internal links and anchors, page weight, offline assets, citation metadata, buttons."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from intake_alliance.book import site
from intake_alliance.book.sphinx import offline_mathjax, page_fixes, repository_buttons


# --- page weight -------------------------------------------------------------------------------------------

def _fake_site(tmp_path: Path, image_bytes: int = 10) -> Path:
    html = tmp_path / "html"
    (html / "_images").mkdir(parents=True)
    (html / "_static").mkdir()
    (html / "_images" / "fig.png").write_bytes(b"x" * image_bytes)
    (html / "_static" / "logo.svg").write_bytes(b"<svg/>")
    (html / "index.html").write_text('<img src="_static/logo.svg"><img src="_images/fig.png">'
                                     '<img src="_images/fig.png"><img src="data:image/png;base64,AA==">')
    return html


def test_page_weight_counts_html_and_each_image_once(tmp_path: Path) -> None:
    html = _fake_site(tmp_path, image_bytes=1000)
    w = site.page_weights(html).set_index("page")
    assert w.loc["index.html", "images"] == 2
    assert w.loc["index.html", "image_bytes"] == 1000 + len(b"<svg/>")
    assert w.loc["index.html", "total_bytes"] == (html / "index.html").stat().st_size + 1006


def test_weight_report_flags_a_page_over_budget(tmp_path: Path) -> None:
    _, ok = site.weight_report(_fake_site(tmp_path / "a"))
    assert ok
    report, ok = site.weight_report(_fake_site(tmp_path / "b", image_bytes=site.PAGE_BUDGET))
    assert not ok and "OVER BUDGET" in report


def test_missing_or_remote_image_is_an_error(tmp_path: Path) -> None:
    html = _fake_site(tmp_path)
    (html / "index.html").write_text('<img src="_images/gone.png">')
    with pytest.raises(ValueError, match="not in the site"):
        site.page_weights(html)
    (html / "index.html").write_text('<img src="https://example.org/a.png">')
    with pytest.raises(ValueError, match="remote image"):
        site.page_weights(html)
    with pytest.raises(ValueError, match="html_dir"):
        site.page_weights(tmp_path / "nowhere")


@pytest.mark.slow
def test_site_is_within_weight_budget(built_book: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "intake_alliance", "site-weight", str(built_book)],
                          capture_output=True, text=True, cwd=ROOT)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    weights = site.page_weights(built_book)
    assert len(weights) >= 10 and weights.image_bytes.sum() > 0


# --- links ---------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_every_internal_link_and_anchor_resolves(built_book: Path) -> None:
    proc = site.check_links(built_book)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert " 0 errors found" in proc.stdout and " 0 warnings found" in proc.stdout


def test_link_check_catches_a_broken_link_and_anchor(tmp_path: Path) -> None:
    """The same check on a three-page site: a good link and anchor pass, a missing page and anchor are named."""
    site_dir = tmp_path / "html"
    (site_dir / "notebooks").mkdir(parents=True)
    page = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{t}</title></head><body>{b}</body></html>'
    (site_dir / "notebooks" / "01_study_design.html").write_text(
        page.format(t="one", b='<h1 id="design">Design</h1>'), encoding="utf-8")
    good = '<a href="notebooks/01_study_design.html#design">one</a> <h2 id="three-ways-to-use-it">x</h2>'
    (site_dir / "index.html").write_text(page.format(t="index", b=good), encoding="utf-8")
    proc = site.check_links(site_dir)
    assert proc.returncode == 0, proc.stdout[-3000:]
    (site_dir / "index.html").write_text(page.format(t="index", b=good + ' <a href="notebooks/gone.html">gone</a>'
                                                     ' <a href="#no-such-anchor">nowhere</a>'
                                                     ' <a href="notebooks/01_study_design.html#nope">x</a>'),
                                             encoding="utf-8")
    proc = site.check_links(site_dir)
    assert proc.returncode != 0
    assert "gone.html" in proc.stdout and "index.html: #no-such-anchor (no such anchor)" in proc.stdout
    assert "index.html: notebooks/01_study_design.html#nope (no such anchor)" in proc.stdout
    assert "Anchors: 3 links to an #anchor checked, 2 missing." in proc.stdout


# --- no third-party requests written into the pages ------------------------------------------------------------

def test_mathjax_distribution_has_what_is_copied() -> None:
    root = offline_mathjax.mathjax_source()
    assert (root / "tex-chtml.js").stat().st_size > 100_000


@pytest.mark.slow
def test_mathjax_is_served_from_the_site(built_book: Path) -> None:
    assert (built_book / "_static" / offline_mathjax.MATHJAX_PATH).is_file()
    assert any((built_book / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    for page in site.html_pages(built_book):
        text = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr.net" not in text and "mathjax@3" not in text, page.name
        assert text.count("const THEBE_JS_URL") <= 1, page.name
    assert '_static/mathjax/tex-chtml.js' in (built_book / "notebooks" / "05_literature_context.html").read_text()


def test_scripts_are_deduplicated_in_order() -> None:
    assert page_fixes.unique_in_order([3, 1, 3, 2, 1]) == [3, 1, 2]
    assert page_fixes.unique_in_order(["a", "A", "b"], key=str.lower) == ["a", "b"]


# --- logo, favicon, repository and launch buttons ----------------------------------------------------------------

def test_logo_and_favicon_are_configured_and_exist() -> None:
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    for rel in (cfg["logo"], cfg["html"]["favicon"]):
        path = ROOT / rel
        assert path.is_file() and path.read_text().lstrip().startswith("<svg"), rel


def test_repository_buttons_need_a_valid_url() -> None:
    assert repository_buttons.theme_options("") == {}
    assert repository_buttons.theme_options(None) == {}
    opts = repository_buttons.theme_options("https://github.com/example-org/intake-alliance")
    assert opts["use_repository_button"] and opts["repository_branch"] == "main"
    assert opts["launch_buttons"]["binderhub_url"] == repository_buttons.BINDER
    assert opts["launch_buttons"]["colab_url"] == repository_buttons.COLAB
    gitlab = repository_buttons.theme_options("https://gitlab.com/example-org/intake-alliance", "dev")
    assert "colab_url" not in gitlab["launch_buttons"] and gitlab["repository_branch"] == "dev"
    for bad in ("github.com/a/b", "https://github.com/a", "https://github.com/a/b/", "https://github.com/a/b.git",
                "http://github.com/a/b"):
        with pytest.raises(ValueError, match="BOOK_REPOSITORY_URL"):
            repository_buttons.theme_options(bad)
    with pytest.raises(ValueError, match="BOOK_REPOSITORY_BRANCH"):
        repository_buttons.theme_options("https://github.com/a/b", "bad branch")


def test_config_leaves_buttons_off_without_a_url() -> None:
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cfg["repository"]["url"] == ""  # not Jupyter Book's default, which points at its own repository
    assert not cfg["html"]["use_repository_button"] and not cfg["html"]["use_issues_button"]
    assert "intake_alliance.book.sphinx.repository_buttons" in cfg["sphinx"]["extra_extensions"]


@pytest.mark.slow
def test_pages_have_download_buttons_and_no_repository_or_launch_buttons(built_book: Path) -> None:
    page = (built_book / "notebooks" / "05_literature_context.html").read_text(encoding="utf-8")
    assert "btn-download-source-button" in page and "_sources/notebooks/05_literature_context.ipynb" in page
    for page in site.html_pages(built_book):
        text = page.read_text(encoding="utf-8")
        for absent in ("btn-source-repository-button", "mybinder.org", "colab.research.google.com",
                       "executablebooks/jupyter-book"):
            assert absent not in text, f"{page.name} has {absent}"


@pytest.mark.slow
def test_repository_url_adds_repository_and_launch_buttons(tmp_path: Path) -> None:
    """A build with BOOK_REPOSITORY_URL set (notebooks not executed: only the buttons are looked at)."""
    import os

    env = dict(os.environ, BOOK_REPOSITORY_URL="https://github.com/example-org/intake-alliance")
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    cfg["execute"]["execute_notebooks"] = "off"
    conf = tmp_path / "_config.yml"
    conf.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--builder", "html",
           "--config", str(conf), "--path-output", str(tmp_path / "out")]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html = tmp_path / "out" / "_build" / "html"
    page = (html / "notebooks" / "05_literature_context.html").read_text(encoding="utf-8")
    assert "https://github.com/example-org/intake-alliance" in page
    assert "mybinder.org/v2/gh/example-org/intake-alliance/main" in page
    assert "colab.research.google.com/github/example-org/intake-alliance/blob/main/notebooks/05_literature_context.ipynb" in page
    assert "btn-download-source-button" in page


# --- citation ----------------------------------------------------------------------------------------------------

def test_citation_cff_is_valid_and_names_the_team_and_the_paper() -> None:
    exe = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run([str(exe), "--builtin-schema", "vendor.citation-file-format", str(ROOT / "CITATION.cff")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert cff["authors"] == [{"name": "The intake alliance compendium team"}]
    import tomllib

    assert str(cff["version"]) == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    (paper,) = [r for r in cff["references"] if r.get("doi") == "10.1177/1473325020923013"]
    assert "social identifies of clients" in " ".join(paper["title"].split())  # spelled as registered
    assert [a["family-names"] for a in paper["authors"]] == ["Nakash", "Cohen", "Aharoni", "Zur", "Nagar"]


def test_broken_citation_cff_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "CITATION.cff"
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    del cff["authors"]
    bad.write_text(yaml.safe_dump(cff))
    exe = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run([str(exe), "--builtin-schema", "vendor.citation-file-format", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode != 0


def test_citation_cff_paper_matches_references_bib() -> None:
    bib = (ROOT / "references.bib").read_text()
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    (paper,) = cff["references"]
    entry = bib[bib.index("@article{nakash2021qualitative"):].split("\n}\n")[0]
    assert paper["doi"] in entry and f"{paper['start']}--{paper['end']}" in entry
    assert " ".join(paper["title"].split()) in " ".join(entry.split())


@pytest.mark.slow
def test_how_to_cite_page_shows_the_citation_file(built_book: Path) -> None:
    page = (built_book / "notebooks" / "how_to_cite.html").read_text(encoding="utf-8")
    assert "The intake alliance compendium team" in page and "1473325020923013" in page


def test_accessible_names_are_written_into_the_pages() -> None:
    """The search field is named by its visible content; the colour-mode icons carry no title (WCAG 2.5.3)."""
    html = ('<button class="btn search-button-field search-button__button pst-js-only" title="Search" '
            'aria-label="Search" data-bs-toggle="tooltip"><span>Search</span><kbd>Ctrl</kbd>+<kbd>K</kbd></button>'
            '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i>'
            '<summary aria-label="Toggle hidden content"><p class="collapsed admonition-title">Show code cell source</p>'
            '<p class="expanded admonition-title">Hide code cell outputs</p></summary>'
            '<div role="list" class="citation-list"><div class="citation" id="id21" role="doc-biblioentry">'
            '<td><p>\u2705</p></td><td><p>\u274c</p></td>')
    fixed = page_fixes.accessible_names(html)
    assert "<td><p>succeeded</p></td><td><p>failed</p></td>" in fixed and "\u2705" not in fixed
    assert 'aria-label="Search"' not in fixed and "<span>Search</span>" in fixed
    assert 'title="Light"' not in fixed and 'data-mode="light" aria-hidden="true"' in fixed
    assert ('<summary><p class="collapsed admonition-title">Show the code</p>'
            '<p class="expanded admonition-title">Hide the output</p></summary>') in fixed
    assert '<div class="citation" id="id21" role="listitem">' in fixed
    assert page_fixes.accessible_names(fixed) == fixed
