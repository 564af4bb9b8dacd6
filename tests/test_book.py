"""The book: a full build with warnings as errors, and the expected pages in the HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def test_every_toc_entry_exists() -> None:
    for f in toc_files():
        assert any((ROOT / f).with_suffix(s).exists() for s in (".md", ".ipynb")), f


def test_every_notebook_is_in_the_toc() -> None:
    listed = set(toc_files())
    for nb in (ROOT / "notebooks").glob("*.*"):
        if nb.suffix in {".ipynb", ".md"}:
            assert f"notebooks/{nb.stem}" in listed, f"{nb.name} is not in _toc.yml"


def test_config_makes_errors_fatal() -> None:
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cfg["execute"]["allow_errors"] is False
    assert cfg["sphinx"]["config"]["nb_execution_raise_on_error"] is True


@pytest.mark.slow
def test_book_builds_with_expected_pages(built_book: Path) -> None:
    for f in toc_files():
        page = built_book / f"{f}.html"
        assert page.is_file(), f"missing page {page.relative_to(built_book)}"
    intro = (built_book / "intro.html").read_text(encoding="utf-8")
    assert "Three ways to use it" in intro
    # glued numbers were substituted, not left as roles
    assert "glue:text" not in intro
    assert "Ashkenazi therapists" in intro


@pytest.mark.slow
def test_no_execution_errors_in_built_pages(built_book: Path) -> None:
    for html in built_book.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text, html.name
        assert "output stderr" not in text or "Warning" not in text, html.name


def test_every_chapter_opens_with_in_brief() -> None:
    """Issue 16: three to five plain-language points, numbers glued, each linking to its section."""
    import json

    for nb_path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        first = "".join(json.loads(nb_path.read_text(encoding="utf-8"))["cells"][0]["source"])
        assert "```{admonition} In brief" in first, nb_path.name
        box = first.split("```{admonition} In brief", 1)[1].split("\n```", 1)[0]
        points = [line for line in box.splitlines() if line.startswith("- ")]
        assert 3 <= len(points) <= 5, (nb_path.name, len(points))
        assert all("](#" in p or "{ref}" in p for p in points), nb_path.name
        assert "{glue:text}" in box, nb_path.name
        assert first.index("In brief") < first.index("\n## ") if "\n## " in first else True
