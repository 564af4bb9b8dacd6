"""Glued strings reach the page exactly as written (trailing zeros included)."""

from __future__ import annotations

import pytest
from myst_nb.core.variables import format_plain_text

from intake_alliance.book.gluing import Text, fmt_number, prose_form


@pytest.mark.parametrize("text", ["0.70", "1.00", "0.10", "47.36%", "4", "feeling understood, trust", "it's"])
def test_glued_text_is_pasted_verbatim(text: str) -> None:
    # {glue:text} pastes format_plain_text(<text/plain repr>, "s"); the repr of Text must survive it
    assert format_plain_text(repr(Text(text)), "s") == text


def test_fmt_number_keeps_trailing_zeros() -> None:
    assert fmt_number(0.0954, 2) == "0.10"
    assert fmt_number(1.0, 2) == "1.00"
    assert fmt_number(0.125, 2) == "0.13"  # half-up, not banker's rounding


def test_prose_form_keeps_the_printed_precision() -> None:
    assert prose_form("0.70", 0.7) == "0.70"
    assert prose_form("Thirty-eight", 38.0) == "38"


def test_fmt_p_drops_the_leading_zero_and_floors_small_values():
    from intake_alliance.book.gluing import fmt_p

    assert fmt_p(0.05304) == ".053"
    assert fmt_p(1.0) == "1.000"
    assert fmt_p(0.0004) == "< .001"
    with pytest.raises(ValueError, match="p:"):
        fmt_p(1.2)


def test_count_of_reads_as_prose_at_the_edges() -> None:
    from intake_alliance.book.gluing import count_of

    assert count_of(0, 56, "pairs") == "none of the 56 pairs is"
    assert count_of(1, 56, "pairs") == "1 of the 56 pairs is"
    assert count_of(12, 56, "pairs") == "12 of the 56 pairs are"
    assert count_of(56, 56, "pairs") == "all 56 pairs are"
    assert count_of(3, 8, "themes", verb=("was", "were")) == "3 of the 8 themes were"
    for bad in ((57, 56), (-1, 56), (0, 0), (True, 2)):
        with pytest.raises(ValueError, match="count_of"):
            count_of(*bad, "pairs")


def test_fmt_tiny_keeps_small_p_values_apart() -> None:
    from intake_alliance.book.gluing import fmt_tiny

    assert fmt_tiny(1.084313e-08) == "1.1\u202f\u00d7\u202f10\u207b\u2078"
    assert fmt_tiny(2.5e-12) == "2.5\u202f\u00d7\u202f10\u207b\u00b9\u00b2"
    assert fmt_tiny(0.0039644) == ".004" and fmt_tiny(1.0) == "1.000"
    assert fmt_tiny(9.96e-4, digits=3) == "9.96\u202f\u00d7\u202f10\u207b\u2074"
    for bad in (0.0, -1e-9, 1.5):
        with pytest.raises(ValueError, match="x"):
            fmt_tiny(bad)


def test_none_or_and_count_of_without_a_verb() -> None:
    from intake_alliance.book.gluing import count_of, none_or

    assert none_or(0) == "none" and none_or(3) == "3"
    with pytest.raises(ValueError, match="none_or"):
        none_or(-1)
    assert count_of(12, 12, "coefficients", verb=None) == "all 12 coefficients"
    assert count_of(0, 12, "coefficients", verb=None) == "none of the 12 coefficients"


def test_fmt_range_collapses_equal_ends() -> None:
    from intake_alliance.book.gluing import fmt_range

    assert fmt_range(0.934, 1.121, 2) == "0.93 to 1.12"
    assert fmt_range(0.999, 1.004, 2) == "1.00" and fmt_range(37, 37, 0) == "37"


def test_glued_sentences_take_the_minus_sign() -> None:
    from intake_alliance.book.gluing import _HYPHEN_MINUS

    fix = lambda s: _HYPHEN_MINUS.sub("\u2212", s)  # noqa: E731
    assert fix("differs by -0.39 points (CI -0.57 to -.21)") == "differs by \u22120.39 points (CI \u22120.57 to \u2212.21)"
    for kept in ("2026-12-07", "V01-V05", "well-known", "1-2 sessions", "- 3 themes"):
        assert fix(kept) == kept
