"""Checks that need several printed numbers at once, and how testable each GRIM verdict was (issue 17)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from intake_alliance.stats import grim, grim_ratio, grimmer, percent_check, percent_ratio
from intake_alliance import data
from intake_alliance.study import audit, sample_checks


def test_grim_ratio_by_hand() -> None:
    # 51 integers: 51 distinct sums per unit, each printing as its own two-decimal value -> 49 of 100 fail
    assert grim_ratio(2, 51) == Fraction(49, 100)
    # 38 integers, one decimal: every tenth is reachable, so a pass says nothing
    assert grim_ratio(1, 38) == 0
    # truncation: S/22 for S = 0..21 cut to two decimals are 22 distinct values
    assert grim_ratio(2, 22, rounding="truncate") == Fraction(78, 100)
    # scrutiny's closed form 1 - n / 10**d holds while no two sums print alike
    assert grim_ratio(2, 7) == 1 - Fraction(7, 100)


@pytest.mark.parametrize("decimals, n", [(1, 3), (1, 7), (2, 13), (2, 40), (2, 99), (1, 12)])
def test_grim_ratio_is_the_share_of_values_grim_rejects(decimals: int, n: int) -> None:
    grid = [f"{k / 10 ** decimals + 3:.{decimals}f}" for k in range(10 ** decimals)]  # one unit of the scale
    failing = sum(not grim(v, n, scale_min=None) for v in grid)
    assert grim_ratio(decimals, n) == Fraction(failing, len(grid))


def test_percent_ratio_by_hand_and_by_enumeration() -> None:
    # whole percentages out of 20: 0, 5, ..., 100 are 21 of the 101 printable values
    assert percent_ratio(0, 20) == Fraction(80, 101)
    assert percent_ratio(1, 1000) == 0
    values = [f"{k / 10:.1f}" for k in range(1001)]
    failing = sum(not percent_check(v, 55, n_range=(1, 1)) for v in values)
    assert percent_ratio(1, 55) == Fraction(failing, 1001)


@pytest.mark.parametrize("call, name", [(lambda: grim_ratio(-1, 5), "decimals"), (lambda: grim_ratio(2, 0), "n"),
                                        (lambda: percent_ratio(1, 1.5), "n")])
def test_ratio_arguments_are_checked(call, name) -> None:
    with pytest.raises(ValueError, match=f"`{name}`"):
        call()


def test_grimmer_defaults_to_the_sample_sd() -> None:
    assert not grimmer("2.65", "1.45", 55)
    assert grimmer("2.65", "1.45", 55, sd_definition="population")


def test_the_therapist_sd_has_one_verdict_everywhere() -> None:
    from intake_alliance import data

    table = audit.audit_reported_values().set_index("key")
    row = table.loc["therapist_themes_sd"]
    assert row.verdict == "consistent only under truncation"
    assert row.explanation_kind == "truncation or population SD"
    assert "population SD" in row.detail
    # the audit table, the verify list of expected mismatches and chapter 03's table agree
    assert "therapist_themes_sd" in set(data.load("expected_mismatches").key)
    from intake_alliance.study import reconstruct

    att = reconstruct.sd_attainability().set_index(["respondent", "convention", "sd_definition"])
    therapist = ("therapist interviews",)
    assert not att.loc[therapist + ("up_or_down", "sample (n-1)"), "both_attainable"]
    assert att.loc[therapist + ("truncate", "sample (n-1)"), "both_attainable"]
    assert att.loc[therapist + ("up_or_down", "population (n)"), "both_attainable"]  # the alternative reading


def test_every_row_flagged_by_the_audit_is_explained_in_expected_mismatches_or_its_own_kind() -> None:
    table = audit.audit_reported_values()
    assert set(table.explanation_kind) <= set(audit.EXPLANATION_KINDS) | {""}
    tested = table[table.testability.notna()]
    assert ((tested.testability >= 0) & (tested.testability <= 1)).all()
    assert tested.check.str.match(r"(a count out of|GRIM,)").all()


def test_caseload_totals_by_hand() -> None:
    t = sample_checks.caseload_totals().set_index("n")
    # 3.8 prints for means in [3.75, 3.85): 38 x that = [142.5, 146.3) -> 143..146; 22 x that = [82.5, 84.7) -> 83..84
    assert (t.at[38, "total_min"], t.at[38, "total_max"]) == (143, 146)
    assert (t.at[22, "total_min"], t.at[22, "total_max"]) == (83, 84)
    # 122 / n in [3.75, 3.85) <=> n in (31.7, 32.53]: 32 therapists; 55 interviews fit no number of therapists
    assert sample_checks.therapists_for_total(122) == (32,)
    assert sample_checks.therapists_for_total(55) == ()
    with pytest.raises(ValueError, match="`total`"):
        sample_checks.therapists_for_total(0)


def test_no_single_denominator_explains_every_therapist_figure_under_one_ordinary_rule() -> None:
    from intake_alliance.stats import percent_check

    # 72.7 % is 16/22; out of 20 it would need 14.54 people, under any rounding rule
    assert not any(percent_check("72.7%", 20, rounding=rule, n_range=(1, 1)).conventions
                   for rule in ("half_up", "half_down", "half_even", "truncate", "up"))
    # 47.36 % is 9/19 and 18/38 truncated (47.368...), so 38 fits exactly as well as 19
    for n, k in ((19, 9), (38, 18)):
        assert percent_check("47.36%", n, rounding="truncate", n_range=(1, 1)).counts == (k,)
    # round numbers in prose, by hand: with 22 therapists 17/22 = 77.3 %, 2/22 = 9.1 %, 9/22 = 40.9 % and
    # 11/22 = 50 % all lie within 2.5 points of 75, 10, 40 and 50 %
    from intake_alliance.study.sample_checks import _prose_percent

    assert all(_prose_percent(p, 22) for p in ("75%", "10%", "40%", "50%"))
    assert not _prose_percent("75%", 3)  # 2/3 = 66.7 % and 3/3 = 100 % are both more than 2.5 points away
    hyp = sample_checks.denominator_hypotheses().set_index(["block", "rule"])
    assert not hyp.loc["background"].drop("round numbers in prose").survives.any()
    assert hyp.at[("background", "round numbers in prose"), "surviving_n"].split(", ")[0] == "22"
    assert hyp.at[("practice", "truncation"), "surviving_n"] == "19, 38"
    assert hyp.loc["practice"].survives.sum() == 1
    # one rule per hypothesis: 40 % of 22 is 9/22 only truncated and 10 % only rounded up, so under ordinary
    # rounding the stated 22 reproduces 72.7 %, 50 % and the mean age with its SD, not 7 figures
    from intake_alliance.study.sample_checks import _figure_fits

    assert not _figure_fits("therapist_social_worker_pct", 22, "up_or_down", data.reported())
    assert _figure_fits("therapist_social_worker_pct", 22, "truncate", data.reported())
    assert hyp.at[("background", "ordinary rounding"), "stated_explained"] == 4
    # the professions must add up: 11 + 2 + 9 = 22 under prose rounding; and prose rounding cannot fail at 22
    from intake_alliance.study.sample_checks import PARTITIONS, _partition_fits, prose_testability

    assert _partition_fits(PARTITIONS["background"], 22, "prose", data.reported())
    assert not _partition_fits(PARTITIONS["background"], 21, "up_or_down", data.reported())
    assert prose_testability(22) == 0 and prose_testability(8) > 0.5  # 8 people: 12.5-point steps miss round values
    assert not hyp.at[("background", "round numbers in prose"), "could_fail"]


def test_the_practice_years_verdict_depends_on_the_recording_unit() -> None:
    t = sample_checks.granularity_assumption().set_index("recorded_in")
    # whole years: 218/22 = 9.909 and 219/22 = 9.955, neither prints as 9.94
    assert not t.at["whole years", "consistent"]
    # months: 2624 / (22 x 12) = 9.9394 -> 9.94
    assert t.at["months", "consistent"]
