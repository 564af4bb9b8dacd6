"""references.bib: parsed, no duplicate keys, every cited key present, every entry cited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import bibliography_checks as bibliography

ROOT = Path(__file__).resolve().parents[1]


def test_the_book_and_its_bibliography_agree():
    assert bibliography.check(ROOT) == []


def test_every_entry_has_a_doi_or_is_a_book_or_a_known_exception():
    from pybtex.database import parse_file

    entries = parse_file(str(ROOT / "references.bib")).entries
    # Articles without a registered DOI (none found in Crossref or on the publishers' pages), checked by hand.
    no_doi = {"kondrat2010exploration", "loroortega2023influence"}
    missing = [k for k, e in entries.items()
               if e.type == "article" and "doi" not in e.fields and k not in no_doi]
    assert missing == []


@pytest.fixture()
def book_copy(tmp_path: Path) -> Path:
    for name in ("_toc.yml", "references.bib", "intro.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    return tmp_path


def test_a_duplicate_key_is_reported(book_copy: Path):
    bib = book_copy / "references.bib"
    text = bib.read_text()
    first = text[text.index("@"):text.index("\n}\n") + 3]
    bib.write_text(text + "\n" + first)
    key = bibliography.bib_keys(bib)[0]
    problems = bibliography.check(book_copy)
    assert any(f"key {key!r} is defined more than once" in p for p in problems)


def test_a_citation_without_entry_is_reported(book_copy: Path):
    before = bibliography.check(book_copy)
    (book_copy / "intro.md").write_text((book_copy / "intro.md").read_text()
                                        + "\nSee {cite:p}`nosuchkey2099, nakash2021qualitative`.\n")
    new = [p for p in bibliography.check(book_copy) if p not in before]
    assert new == ["intro.md: cites 'nosuchkey2099', which is not in references.bib"]


def test_an_uncited_entry_is_reported(book_copy: Path):
    before = bibliography.check(book_copy)
    with (book_copy / "references.bib").open("a") as fh:
        fh.write("\n@misc{orphan2020,\n  title = {Nobody cites me},\n  year = {2020}\n}\n")
    new = [p for p in bibliography.check(book_copy) if p not in before]
    assert new == ["references.bib: entry 'orphan2020' is not cited on any page of the book"]


def test_cited_keys_reads_every_role_form(tmp_path: Path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (tmp_path / "page.md").write_text("{cite:t}`a2000` and {cite}`b2001,c2002` and {cite:ps}`d2003; a2000`\n")
    assert bibliography.cited_keys(tmp_path) == {k: ["page.md"] for k in ("a2000", "b2001", "c2002", "d2003")}


def test_a_page_missing_from_disk_is_named(tmp_path: Path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: nowhere\n")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        bibliography.cited_keys(tmp_path)


def test_an_unreadable_bibliography_is_named(tmp_path: Path):
    bib = tmp_path / "broken.bib"
    bib.write_text("@article{x,\n  title = {unclosed\n")
    with pytest.raises(ValueError, match="broken.bib"):
        bibliography.bib_keys(bib)
    with pytest.raises(FileNotFoundError, match="missing.bib"):
        bibliography.bib_keys(tmp_path / "missing.bib")


def test_reference_labels_are_author_year_and_unique():
    from pybtex.database import parse_file

    from intake_alliance.book.sphinx.author_year import AuthorYearLabelStyle

    entries = list(parse_file(str(ROOT / "references.bib")).entries.values())
    labels = dict(zip((e.key for e in entries), AuthorYearLabelStyle().format_labels(entries)))
    assert labels["nakash2021qualitative"] == "Nakash et al., 2021"
    assert labels["hatcher2006return"] == "Hatcher & Barends, 2006"
    assert labels["kondrat2010exploration"] == "Kondrat & Early, 2010"
    assert len(set(labels.values())) == len(labels)
    assert not [label for label in labels.values() if "{" in label or "\\" in label]


@pytest.mark.slow
def test_the_reference_list_shows_author_year_labels(built_book: Path):
    import re

    page = (built_book / "notebooks" / "references.html").read_text(encoding="utf-8")
    labels = re.findall(r'<span class="label"><span class="fn-bracket">\[</span>(.*?)<span', page)
    assert labels, "no labels found in the reference list"
    assert "Nakash et al., 2021" in labels and not any(label.isdigit() for label in labels)
    # accents written in LaTeX in references.bib are printed as letters, never as {\'i}
    assert not [label for label in labels if "{" in label or "\\" in label]
    assert any("Alegría" in label for label in labels)
