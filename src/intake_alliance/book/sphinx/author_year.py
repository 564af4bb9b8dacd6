"""Author-year labels in the reference list, to match the author-year citations in the text.

sphinxcontrib-bibtex cites in the text as (Author, year) with
``bibtex_reference_style: author_year``, but the list at the end takes its
labels from the pybtex formatting style, and the ``plain`` style numbers them
([1], [2], ...). This extension registers a pybtex style, ``author_year_plain``,
that formats entries as ``plain`` does and labels them "Nakash et al., 2021",
"Hatcher & Barends, 2006", "Braun & Clarke, 2006" (a, b suffixes when two
labels would be the same). ``_config.yml`` selects it with
``bibtex_default_style: author_year_plain``.

It also registers the referencing style ``author_year_round``, sphinxcontrib-bibtex's ``author_year`` with
the brackets and separators of APA (7th ed., section 8.10-8.12): "(Hatcher and Barends, 2006)",
"(Baldwin et al., 2007; Del Re et al., 2012)" and, in the narrative form, "Bordin (1979)". ``_config.yml``
selects it with ``bibtex_reference_style: author_year_round``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.plugin import register_plugin as register_bibtex_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

from ...study.vocabulary import citation_labels

STYLE_NAME = "author_year_plain"
REFERENCE_STYLE_NAME = "author_year_round"


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels entries by author and year (:func:`~intake_alliance.study.vocabulary.citation_labels`, the labels the
    book's tables use too), adding a, b, ... where two entries would share a label."""

    def format_labels(self, sorted_entries):
        yield from citation_labels(sorted_entries)


class AuthorYearPlainStyle(PlainStyle):
    """pybtex's ``plain`` formatting with :class:`AuthorYearLabelStyle` labels."""

    default_label_style = AuthorYearLabelStyle


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclass
class RoundAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author-year citations in round brackets, several works separated by semicolons."""

    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_author: BracketStyle = field(default_factory=_round)
    bracket_label: BracketStyle = field(default_factory=_round)
    bracket_year: BracketStyle = field(default_factory=_round)


def setup(app: Sphinx) -> dict:
    register_plugin("pybtex.style.formatting", STYLE_NAME, AuthorYearPlainStyle, force=True)
    register_bibtex_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE_NAME,
                           RoundAuthorYearReferenceStyle, force=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
