"""Checks of references.bib against the book (tests only): parsed, no key twice, every cited key present.

Sphinx already fails the build on a citation whose key is not in the
bibliography (``-n -W``), but it says nothing about a bibliography entry that
no page cites, and a duplicated key is silently resolved to one of the two
entries.  :func:`check` reports all three problems, naming the file and key.

Citations are the MyST roles ``{cite}``, ``{cite:p}``, ``{cite:t}``,
``{cite:ps}``, ``{cite:ts}``, ``{cite:alp}`` ... with one or more keys separated
by commas, in the markdown cells of the notebooks and in the markdown pages
listed in ``_toc.yml``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path


from intake_alliance.paths import ROOT, toc_files

__all__ = ["bib_keys", "duplicate_keys", "cited_keys", "check"]


_CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")


def bib_keys(path: str | Path) -> list[str]:
    """Return the key of every entry in the BibTeX file ``path``, a duplicated key as often as it occurs.

    Read with pybtex's low-level parser, the one sphinxcontrib-bibtex uses to
    build the references page (its high-level reader keeps only the first of two
    entries with one key, so it cannot count them). Raises ``FileNotFoundError``
    when ``path`` does not exist and ``ValueError`` naming the file and line when
    pybtex cannot read it.
    """
    from pybtex.database.input.bibtex import LowLevelParser
    from pybtex.scanner import PybtexSyntaxError

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"bibliography file not found: {path}")
    try:
        entries = list(LowLevelParser(path.read_text(encoding="utf-8")))
    except PybtexSyntaxError as exc:
        raise ValueError(f"{path}: cannot parse it: {exc}") from None
    return [key for entry_type, (key, *_) in entries if entry_type.lower() not in ("comment", "preamble", "string")]

def duplicate_keys(path: str | Path) -> list[str]:
    """Keys that occur more than once in ``path`` (BibTeX keys are case-insensitive)."""
    counts = Counter(k.lower() for k in bib_keys(path))
    return sorted(k for k, n in counts.items() if n > 1)




def _markdown_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def cited_keys(root: str | Path = ROOT) -> dict[str, list[str]]:
    """Map every cited key to the pages (paths relative to ``root``) that cite it."""
    root = Path(root)
    cited: dict[str, list[str]] = {}
    for path in toc_files(root):
        for match in _CITE.finditer(_markdown_of(path)):
            for key in re.split(r"[,;]", match.group(1)):
                key = key.strip()
                if key:
                    pages = cited.setdefault(key, [])
                    rel = str(path.relative_to(root))
                    if rel not in pages:
                        pages.append(rel)
    return dict(sorted(cited.items()))


def check(root: str | Path = ROOT, bibfile: str = "references.bib") -> list[str]:
    """Return one message per problem: duplicated keys, cited-but-missing keys, unused entries."""
    root = Path(root)
    path = root / bibfile
    keys = bib_keys(path)
    problems = [f"{bibfile}: key {k!r} is defined more than once" for k in duplicate_keys(path)]
    cited = cited_keys(root)
    have = set(keys)
    for key, pages in cited.items():
        if key not in have:
            problems.append(f"{', '.join(pages)}: cites {key!r}, which is not in {bibfile}")
    for key in keys:
        if key not in cited:
            problems.append(f"{bibfile}: entry {key!r} is not cited on any page of the book")
    return problems
