"""Author-year labels in the reference list, to match the author-year citations in the text.

sphinxcontrib-bibtex cites in the text as (Author, year) with
``bibtex_reference_style: author_year``, but the list at the end takes its
labels from the pybtex formatting style, and the ``plain`` style numbers them
([1], [2], ...). This extension registers a pybtex style, ``author_year_plain``,
that formats entries as ``plain`` does and labels them "Nakash et al., 2021",
"Hatcher & Barends, 2006", "Braun & Clarke, 2006" (a, b suffixes when two
labels would be the same). ``_config.yml`` selects it with
``bibtex_default_style: author_year_plain``.
"""

from __future__ import annotations

from collections import Counter

from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.richtext import Text
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx

STYLE_NAME = "author_year_plain"
#: One plain-text backend for every surname: ``render_as("text")`` looks the backend up among the installed
#: packages' entry points on each call (about 20 ms each, 5 s per build for the reference list).
_TEXT = TextBackend()


def _surname(person) -> str:
    """The surname as printed: LaTeX accents of the .bib file ({\\'i}) decoded by pybtex ("í")."""
    return " ".join(Text.from_latex(part).render(_TEXT) for part in person.prelast_names + person.last_names)


def author_year_label(entry) -> str:
    """Return "Surname, year", "Surname & Surname, year" or "Surname et al., year" for a pybtex entry.

    Editors stand in for missing authors; an entry with neither is labelled by its key.
    """
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    if not names:
        who = entry.key
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} & {names[1]}"
    else:
        who = f"{names[0]} et al."
    year = entry.fields.get("year", "n.d.")
    return f"{who}, {year}"


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels entries by author and year, adding a, b, ... where two entries would share a label."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [author_year_label(e) for e in entries]
        counts, seen = Counter(labels), Counter()
        for label in labels:
            if counts[label] > 1:
                suffix = chr(ord("a") + seen[label])
                seen[label] += 1
                yield label + suffix
            else:
                yield label


class AuthorYearPlainStyle(PlainStyle):
    """pybtex's ``plain`` formatting with :class:`AuthorYearLabelStyle` labels."""

    default_label_style = AuthorYearLabelStyle


def setup(app: Sphinx) -> dict:
    register_plugin("pybtex.style.formatting", STYLE_NAME, AuthorYearPlainStyle, force=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
