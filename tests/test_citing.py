"""The "How to cite" page's citations come from CITATION.cff and are valid APA-shaped text and BibTeX."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake_alliance.book import citing


def test_both_citations_follow_citation_cff() -> None:
    meta = citing.citation_metadata()
    apa_book, apa_article = citing.apa(meta)
    assert meta["title"] in apa_book and f"(Version {meta['version']})" in apa_book
    art = meta["references"][0]
    assert apa_article.startswith("Nakash, O., Cohen, M., Aharoni, L., Zur, S., & Nagar, M. (2021).")
    assert apa_article.endswith(f"https://doi.org/{art['doi']}") and "20(4), 1006–1024" in apa_article


def test_bibtex_entries_parse_and_match_the_bibliography() -> None:
    from pybtex.database import parse_string

    book, article = citing.bibtex(citing.citation_metadata())
    parsed = parse_string(book + "\n\n" + article, "bibtex")
    assert set(parsed.entries) == {"intake_alliance_compendium", "nakash2021qualitative"}
    ours = parsed.entries["nakash2021qualitative"]
    root = Path(__file__).resolve().parents[1]
    reference = parse_string((root / "references.bib").read_text(encoding="utf-8"), "bibtex").entries["nakash2021qualitative"]
    for field in ("title", "journal", "year", "volume", "number", "pages", "doi"):
        assert ours.fields[field] == reference.fields[field], field
    assert [str(p) for p in ours.persons["author"]] == [str(p) for p in reference.persons["author"]]


def test_a_citation_file_without_a_version_is_named(tmp_path: Path) -> None:
    (tmp_path / "CITATION.cff").write_text("title: x\nauthors: [{name: y}]\nreferences: [{}]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="CITATION.cff: missing version"):
        citing.citation_metadata(tmp_path / "CITATION.cff")
