"""Reader tables: written headings, words for keys, and cells formatted for people."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from intake_alliance.book.tables import MISSING, heading, reader_table


def _html(styler) -> str:
    return styler.to_html()


def test_headings_are_written_never_made_from_code_names() -> None:
    assert heading("ci_low") == "CI from"  # study.vocabulary.HEADINGS
    assert heading("n_mizrahi") == "Mizrahi n"  # study.vocabulary.TERMS
    assert heading("Mizrahi count (any roster)") == "Mizrahi count (any roster)"  # already a heading
    with pytest.raises(ValueError, match="no written heading for 'halfwidth_q99'"):
        heading("halfwidth_q99")
    with pytest.raises(ValueError, match="no written heading"):
        reader_table(pd.DataFrame({"halfwidth_q99": [1.0]}), name="t")


def test_cells_are_formatted_for_people() -> None:
    df = pd.DataFrame({"respondent": ["client", "therapist"], "p_value": [0.0004, 0.0531],
                       "consistent": [True, False], "estimate": [0.123456, math.nan]})
    html = _html(reader_table(df, name="t"))
    for shown in ("Clients", "Therapists", "&lt;&nbsp;.001", ".053", "yes", "no", "0.12", MISSING, "Respondent", "Estimate"):
        assert shown in html, shown
    for hidden in ("client<", "True", "False", "nan", "0.0531"):
        assert hidden not in html, hidden


def test_key_columns_stay_keys_in_code_beside_the_words() -> None:
    df = pd.DataFrame({"key": ["therapist_female_pct"], "label": ["Female therapists"]})
    html = _html(reader_table(df, {"label": "Printed number", "key": "Data key"}, name="t", keys=["key"]))
    assert "<code>therapist_female_pct</code>" in html.replace("<wbr>", "")
    short = _html(reader_table(pd.DataFrame({"key": ["n_clinics"]}), {"key": "Data key"}, name="t", keys=["key"]))
    assert "<code>n_clinics</code>" in short.replace("<wbr>", "")  # one letter before the underscore
    assert html.index("Printed number") < html.index("Data key")


def test_negative_numbers_carry_a_minus_sign_and_percentages_their_sign_unspaced() -> None:
    df = pd.DataFrame({"estimate": [-0.25, 0.5, -0.0001], "share": [12.5, 40.0, 100.0]})
    html = _html(reader_table(df, {"estimate": "Estimate", "share": "Share"}, name="t", percent=["share"]))
    assert "\u22120.25" in html and "-0.25" not in html  # U+2212, not the hyphen-minus
    assert ">0.00<" in html  # a value that rounds to zero has no sign
    assert "12.50%" in html and "12.50 %" not in html


def test_large_counts_are_grouped_and_never_broken() -> None:
    html = _html(reader_table(pd.DataFrame({"n": [30_000, 9_999]}), {"n": "n"}, name="t"))
    assert "30\u202f000" in html and "9999" in html  # a narrow no-break space: the number stays on one line
