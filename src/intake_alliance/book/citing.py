"""How to cite: ready-to-paste APA and BibTeX citations of the compendium and of the article, from CITATION.cff.

``CITATION.cff`` is the one source: the compendium's title, authors, version and licence, and the article it
accompanies (its ``references``). :func:`citation_markdown` turns both into copyable blocks for the
"How to cite" page, so that the page and the file cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

from ..paths import ROOT

__all__ = ["citation_metadata", "apa", "bibtex", "citation_markdown"]


def citation_metadata(path: str | Path = ROOT / "CITATION.cff") -> dict:
    """Return the parsed ``CITATION.cff``; ``ValueError`` naming the file when a field the page needs is missing."""
    import yaml

    path = Path(path)
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [k for k in ("title", "authors", "version", "references") if not meta.get(k)]
    if missing:
        raise ValueError(f"{path.name}: missing {', '.join(missing)}")
    return meta


def _apa_people(authors: list[dict]) -> str:
    names = [a["name"] if "name" in a else
             f"{a['family-names']}, " + " ".join(f"{g[0]}." for g in a["given-names"].split()) for a in authors]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def apa(meta: dict) -> tuple[str, str]:
    """Return the APA (7th edition) references of the compendium and of the article, as plain text."""
    people = _apa_people(meta["authors"])
    compendium = (f"{people}. (n.d.). {meta['title']} (Version {meta['version']}) [Computer software]."
                  + (f" {meta['url']}" if meta.get("url") else ""))
    art = meta["references"][0]
    article = (f"{_apa_people(art['authors'])} ({art['year']}). {' '.join(art['title'].split())}. "
               f"{art['journal']}, {art['volume']}({art['issue']}), {art['start']}–{art['end']}. "
               f"https://doi.org/{art['doi']}")
    return compendium, article


def _bibtex_people(authors: list[dict]) -> str:
    # a group name in braces (BibTeX would split it into first and last names), persons as "Family, Given"
    return " and ".join("{" + a["name"] + "}" if "name" in a else f"{a['family-names']}, {a['given-names']}"
                        for a in authors)


def bibtex(meta: dict) -> tuple[str, str]:
    """Return BibTeX entries of the compendium (``@software``) and of the article (``@article``)."""
    people = _bibtex_people(meta["authors"])
    compendium = "\n".join([
        "@software{intake_alliance_compendium,",
        f"  author  = {{{people}}},",
        f"  title   = {{{meta['title']}}},",
        f"  version = {{{meta['version']}}},",
        f"  license = {{{' and '.join(meta.get('license', []))}}},",
        *([f"  url     = {{{meta['url']}}},"] if meta.get("url") else []),
        "}"])
    art = meta["references"][0]
    article = "\n".join([
        "@article{nakash2021qualitative,",
        f"  author  = {{{_bibtex_people(art['authors'])}}},",
        f"  title   = {{{' '.join(art['title'].split())}}},",
        f"  journal = {{{art['journal']}}},",
        f"  year    = {{{art['year']}}},",
        f"  volume  = {{{art['volume']}}},",
        f"  number  = {{{art['issue']}}},",
        f"  pages   = {{{art['start']}--{art['end']}}},",
        f"  doi     = {{{art['doi']}}},",
        "}"])
    return compendium, article


def citation_markdown(path: str | Path = ROOT / "CITATION.cff") -> str:
    """Return Markdown for the "How to cite" page: APA and BibTeX for both works, each in a copyable block."""
    meta = citation_metadata(path)
    (apa_book, apa_article), (bib_book, bib_article) = apa(meta), bibtex(meta)
    return "\n".join([
        "**The compendium**, APA:", "", "```text", apa_book, "```", "", "BibTeX:", "", "```bibtex", bib_book, "```", "",
        "**The article**, APA:", "", "```text", apa_article, "```", "", "BibTeX:", "", "```bibtex", bib_article, "```", ""])
