"""Concordance: feasible splits, 2 x 2 tests against known values, Holm envelope, power, congruence of tone."""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake_alliance import data, stats
from intake_alliance.study import concordance as cc
from intake_alliance.study import reconstruct as rc


@pytest.fixture(scope="module")
def built() -> rc.Built:
    return rc.build_model()


@pytest.fixture(scope="module")
def splits() -> pd.DataFrame:
    return data.load("group_split_feasibility")


# --- feasibility --------------------------------------------------------------------------


def test_mainly_mizrahi_anger_split_by_hand(built: rc.Built) -> None:
    # 5 therapist interviews with anger, 'mostly Mizrahi' (M > A): M in {3, 4, 5}, by hand
    got = [cc.split_is_feasible(built, "therapist_interview", "anger", m, drop=rc.RELAXED) for m in range(6)]
    assert got == [False, False, False, True, True, True]


def test_only_mizrahi_forces_ashkenazi_count_to_zero() -> None:
    b = rc.build_model(rc.published_targets(strict_anger=True))
    got = [cc.split_is_feasible(b, "therapist_interview", "anger", m, drop=rc.RELAXED) for m in range(6)]
    assert got == [False] * 5 + [True]


def test_both_groups_statement_excludes_the_extremes(built: rc.Built) -> None:
    # 4 client interviews with anger, 'clients of both groups': neither group may have all 4 or none
    assert not cc.split_is_feasible(built, "client", "anger", 0)
    assert not cc.split_is_feasible(built, "client", "anger", 4)
    assert cc.split_is_feasible(built, "client", "anger", 2, coded_mizrahi=27)


def test_a_nearly_universal_theme_is_pinned_by_the_denominators(built: rc.Built) -> None:
    # 48 of 51 coded clients felt understood.  With 25 coded Mizrahi (so 26 Ashkenazi) interviews,
    # Mizrahi count m <= 25 and Ashkenazi count 48 - m <= 26, so m is 22..25 and nothing else.
    got = [m for m in range(20, 27) if cc.split_is_feasible(built, "client", "understood", m, coded_mizrahi=25)]
    assert got == [22, 23, 24, 25]


def test_block_decomposition_gives_the_same_answer(built: rc.Built) -> None:
    # dropping the other respondent's constraint sets must not change feasibility
    ro = built.roster
    for m, want in ((1, True), (7, False)):
        rows = len(built.model.rows)
        built.model.add("_t", {built.y[d, "trust"]: 1 for d in range(ro.n_dyads) if ro.group[d] == "Mizrahi"}, m, m)
        full = built.model.solve().status == 0
        del built.model.rows[rows:]
        assert full == want == cc.split_is_feasible(built, "therapist_interview", "trust", m)


def test_model_is_left_unchanged(built: rc.Built) -> None:
    n_rows, n_vars = len(built.model.rows), len(built.model.names)
    cc.split_is_feasible(built, "therapist_interview", "anger", 4)
    assert (len(built.model.rows), len(built.model.names)) == (n_rows, n_vars)


@pytest.mark.parametrize("kwargs, match", [
    ({"respondent": "therapist", "theme": "anger", "mizrahi": 3}, "respondent"),
    ({"respondent": "client", "theme": "rage", "mizrahi": 3}, "theme"),
    ({"respondent": "client", "theme": "anger", "mizrahi": -1}, "mizrahi"),
    ({"respondent": "client", "theme": "anger", "mizrahi": 2.0}, "mizrahi"),
    ({"respondent": "therapist_interview", "theme": "anger", "mizrahi": 3, "coded_mizrahi": 29}, "coded_mizrahi"),
])
def test_split_is_feasible_rejects_bad_arguments(built: rc.Built, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        cc.split_is_feasible(built, **kwargs)


def test_stored_splits_agree_with_stored_bounds(splits: pd.DataFrame) -> None:
    gb = data.load("group_count_bounds").set_index(["respondent", "theme"])
    default = splits[splits.reading == "default"]
    for (resp, th), g in default.groupby(["respondent", "theme"]):
        ok_roster = g[g.feasible_roster]
        ok_outer = g[g.feasible_outer]
        assert ok_roster.mizrahi.min() == gb.at[(resp, th), "mizrahi_roster_min"]
        assert ok_roster.mizrahi.max() == gb.at[(resp, th), "mizrahi_roster_max"]
        assert ok_outer.mizrahi.min() == gb.at[(resp, th), "mizrahi_outer_min"]
        assert ok_outer.mizrahi.max() == gb.at[(resp, th), "mizrahi_outer_max"]
        assert (ok_roster.mizrahi + ok_roster.ashkenazi == g.total.iloc[0]).all()
    # roster feasibility implies outer feasibility; client codes do not depend on the roster
    assert not (splits.feasible_roster & ~splits.feasible_outer).any()
    cl = splits[splits.respondent == "client"]
    assert (cl.feasible_roster == cl.feasible_outer).all()
    strict = splits[splits.reading == "strict_anger"]
    assert strict[strict.feasible_outer].mizrahi.tolist() == [5]


def test_stored_splits_contain_the_reconstruction(splits: pd.DataFrame) -> None:
    recon = data.load("reconstructed_interviews")
    default = splits[(splits.reading == "default") & splits.feasible_roster]
    for resp, key in (("client", "client"), ("therapist", "therapist_interview")):
        sub = recon[recon.respondent == resp]
        n_m = int((sub.client_group == "Mizrahi").sum())
        for th in cc.NEGATIVE_THEMES + ("trust", "openness"):
            m = int(sub.loc[sub.client_group == "Mizrahi", th].sum())
            hit = default[(default.respondent == key) & (default.theme == th) & (default.mizrahi == m)
                          & (default.n_mizrahi == n_m)]
            assert len(hit) == 1, (resp, th, m, n_m)


def test_negative_themes_match_the_codebook() -> None:
    th = data.load("themes")
    assert cc.NEGATIVE_THEMES == tuple(th.loc[th.valence == "negative"].sort_values("order")["key"])


# --- 2 x 2 statistics against known values ----------------------------------------------------


def test_fisher_tea_tasting() -> None:
    # Fisher's lady tasting tea: 3 of 4 cups right in each row; p = 34/70 two-sided, 17/70 one-sided
    assert stats.fisher_test(3, 4, 1, 4) == pytest.approx(34 / 70)
    assert stats.fisher_test(3, 4, 1, 4, alternative="greater") == pytest.approx(17 / 70)
    assert stats.fisher_test(4, 4, 0, 4) == pytest.approx(2 / 70)


def test_risk_difference_newcombe_examples() -> None:
    # Newcombe (1998), Table II, method 10: 56/70 - 48/80 and 9/10 - 3/10
    est, lo, hi = stats.risk_difference(56, 70, 48, 80)
    assert est == pytest.approx(0.2)
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339)
    est, lo, hi = stats.risk_difference(9, 10, 3, 10)
    assert est == pytest.approx(0.6)
    assert (round(lo, 4), round(hi, 4)) == (0.1705, 0.8090)


def test_odds_ratio_woolf_and_zero_cell() -> None:
    # a = 10, b = 20, c = 5, d = 25: OR = 2.5, log-OR SE = sqrt(1/10 + 1/20 + 1/5 + 1/25)
    o, lo, hi = stats.odds_ratio(10, 30, 5, 30)
    se = np.sqrt(1 / 10 + 1 / 20 + 1 / 5 + 1 / 25)
    assert o == pytest.approx(2.5)
    assert lo == pytest.approx(2.5 * np.exp(-1.959964 * se), rel=1e-5)
    assert hi == pytest.approx(2.5 * np.exp(1.959964 * se), rel=1e-5)
    # zero cell: Haldane-Anscombe 0.5 added to every cell -> (5.5 * 26.5) / (24.5 * 0.5)
    o, lo, _ = stats.odds_ratio(5, 29, 0, 26)
    assert o == pytest.approx(5.5 * 26.5 / (24.5 * 0.5))
    se0 = np.sqrt(1 / 5.5 + 1 / 24.5 + 1 / 0.5 + 1 / 26.5)
    assert lo == pytest.approx(o * np.exp(-1.959964 * se0), rel=1e-5)


def test_chi2_only_with_large_expected_counts() -> None:
    assert np.isnan(stats.chi2_test(5, 29, 0, 26))
    p = stats.chi2_test(20, 40, 10, 40)
    # by hand: expected 15 and 25 in each row; Yates' statistic 4.5^2 (2/15 + 2/25) = 4.32 on 1 df
    assert p == pytest.approx(math.erfc(math.sqrt(4.32 / 2)), rel=1e-12)


@pytest.mark.parametrize("x1, n1, x2, n2", [(20, 40, 10, 40), (12, 30, 25, 33), (40, 60, 5, 50), (9, 22, 13, 19)])
def test_chi2_equals_pingouin(x1: int, n1: int, x2: int, n2: int) -> None:
    import pingouin as pg

    long = pd.DataFrame({"group": ["g1"] * n1 + ["g2"] * n2,
                         "theme": [1] * x1 + [0] * (n1 - x1) + [1] * x2 + [0] * (n2 - x2)})
    _, _, res = pg.chi2_independence(long, x="group", y="theme", correction=True)
    assert stats.chi2_test(x1, n1, x2, n2) == pytest.approx(float(res.set_index("test").at["pearson", "pval"]), rel=1e-12)


@pytest.mark.parametrize("args, match", [
    ((5, 4, 1, 4), "x1"), ((1, 4, 5, 4), "x2"), ((1, 0, 1, 4), "n1"), ((-1, 4, 1, 4), "x1"),
    ((1.5, 4, 1, 4), "x1"),
])
def test_2x2_functions_reject_bad_counts(args: tuple, match: str) -> None:
    for f in (stats.fisher_test, stats.risk_difference, stats.odds_ratio, stats.chi2_test):
        with pytest.raises(ValueError, match=match):
            f(*args)


def test_bad_options() -> None:
    with pytest.raises(ValueError, match="alternative"):
        stats.fisher_test(1, 4, 1, 4, alternative="bigger")
    with pytest.raises(ValueError, match="confidence"):
        stats.risk_difference(1, 4, 1, 4, confidence=95)


# --- evidence intervals and Holm ------------------------------------------------------------


def test_evidence_intervals_on_a_hand_made_split_table() -> None:
    sp = pd.DataFrame({"respondent": "therapist_interview", "theme": "anger", "total": 5, "n_mizrahi": 29,
                       "n_ashkenazi": 26, "mizrahi": [3, 4, 5], "ashkenazi": [2, 1, 0], "feasible_roster": True,
                       "feasible_outer": True})
    ev = cc.split_evidence(sp)
    iv = cc.evidence_intervals(ev).iloc[0]
    assert iv.p_min == pytest.approx(stats.fisher_test(5, 29, 0, 26))
    assert iv.p_max == pytest.approx(1.0)  # 3/29 vs 2/26 is as even as it gets
    assert iv.split_p_min == "5/29 : 0/26"
    assert iv.rd_max == pytest.approx(5 / 29)
    assert iv.n_splits == 3


def test_split_evidence_skips_infeasible_and_checks_columns() -> None:
    sp = pd.DataFrame({"respondent": "client", "theme": "anger", "total": 4, "n_mizrahi": 27, "n_ashkenazi": 24,
                       "mizrahi": [1, 2], "ashkenazi": [3, 2], "feasible_roster": [False, True],
                       "feasible_outer": True})
    assert len(cc.split_evidence(sp)) == 1
    with pytest.raises(ValueError, match="feasible"):
        cc.split_evidence(sp, feasible="roster")
    with pytest.raises(ValueError, match="missing columns"):
        cc.split_evidence(sp.drop(columns="n_mizrahi"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(1e-6, 1.0), st.floats(0, 1), st.floats(0, 1)), min_size=2, max_size=16))
def test_holm_is_monotone_so_the_envelope_holds(draws: list[tuple[float, float, float]]) -> None:
    from statsmodels.stats.multitest import multipletests

    # each comparison: its smallest p, its largest p, and a p somewhere between (one configuration)
    p_lo = [lo for lo, _, _ in draws]
    p_hi = [min(1.0, lo + up) for lo, up, _ in draws]
    mid = [min(hi, lo + share * (hi - lo)) for (lo, _, share), hi in zip(draws, p_hi)]
    env = cc.holm_envelope(pd.DataFrame({"p_min": p_lo, "p_max": p_hi}))
    with mock.patch("gc.collect"):  # statsmodels collects garbage on every call (50 ms); the result is the same
        adj = multipletests(mid, method="holm")[1]
    assert np.all(env.holm_min.to_numpy() <= adj + 1e-12)
    assert np.all(adj <= env.holm_max.to_numpy() + 1e-12)


def test_holm_envelope_labels() -> None:
    env = cc.holm_envelope(pd.DataFrame({"p_min": [0.001, 0.01, 0.5], "p_max": [0.002, 0.9, 0.9]}))
    assert env.raw_significant.tolist() == ["always", "possibly", "never"]
    assert env.holm_significant.tolist() == ["always", "possibly", "never"]
    with pytest.raises(ValueError, match="alpha"):
        cc.holm_envelope(env, alpha=5)


# --- power --------------------------------------------------------------------------------------


def test_fisher_power_is_size_under_the_null_and_grows() -> None:
    size = stats.fisher_power(0.3, 0.3, 29, 26)
    assert 0 < size <= 0.05  # Fisher's test is conservative
    assert stats.fisher_power(0.6, 0.3, 29, 26) > stats.fisher_power(0.5, 0.3, 29, 26)
    # brute force for a tiny design
    from scipy.stats import binom, fisher_exact

    want = sum(binom.pmf(i, 3, 0.9) * binom.pmf(j, 4, 0.1)
               for i in range(4) for j in range(5)
               if fisher_exact([[i, 3 - i], [j, 4 - j]]).pvalue <= 0.05)
    assert stats.fisher_power(0.9, 0.1, 3, 4) == pytest.approx(want)


def test_detectable_difference_normal_matches_statsmodels() -> None:
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    d = stats.detectable_difference(29, 26, [0.1, 0.3]).set_index("base_rate")
    for p0 in (0.1, 0.3):
        h = proportion_effectsize(d.at[p0, "detectable_rate"], p0)
        pw = NormalIndPower().power(h, nobs1=29, ratio=26 / 29, alpha=0.05)
        assert pw == pytest.approx(0.8, abs=1e-6)


def test_detectable_difference_fisher_reaches_power() -> None:
    d = stats.detectable_difference(29, 26, [0.2], method="fisher").iloc[0]
    assert stats.fisher_power(d.detectable_rate, 0.2, 29, 26) >= 0.8
    assert stats.fisher_power(d.detectable_rate - 0.001, 0.2, 29, 26) < 0.8


@pytest.mark.parametrize("kwargs, match", [
    ({"base_rates": [1.2]}, "base_rates"), ({"base_rates": [0.2], "power": 80}, "power"),
    ({"base_rates": [0.2], "method": "exact"}, "method"), ({"base_rates": []}, "base_rates"),
])
def test_detectable_difference_rejects_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        stats.detectable_difference(29, 26, **kwargs)


# --- congruence of tone ----------------------------------------------------------------------------


def _toy_interviews() -> pd.DataFrame:
    rows = []
    # dyad, group, client negative?, therapist negative?
    for i, (g, c, t) in enumerate([("Mizrahi", 1, 1), ("Mizrahi", 0, 0), ("Ashkenazi", 0, 1), ("Ashkenazi", 0, 0)]):
        for resp, neg in (("client", c), ("therapist", t)):
            rows.append({"dyad_id": f"D{i}", "respondent": resp, "client_group": g, "frustration": neg, "anger": 0,
                         "disengagement": 0})
    rows.append({"dyad_id": "D9", "respondent": "therapist", "client_group": "Mizrahi", "frustration": 1,
                 "anger": 0, "disengagement": 0})  # no coded client interview: left out
    return pd.DataFrame(rows)


def test_dyad_valence_by_hand() -> None:
    dv = cc.dyad_valence(_toy_interviews())
    assert len(dv) == 4
    assert dv.congruent.tolist() == [True, True, False, True]
    vc = cc.valence_congruence(_toy_interviews()).set_index("dyads")
    assert vc.at["all dyads", "agree"] == 3
    # 2 x 2: both negative 1, client no/therapist yes 1, both no 2: po = .75, pe = .25*.5 + .75*.5 = .5
    assert vc.at["all dyads", "kappa"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="missing columns"):
        cc.dyad_valence(_toy_interviews().drop(columns="anger"))


def test_stored_valence_bounds_contain_the_reconstruction() -> None:
    vb = data.load("valence_congruence_bounds").set_index("statistic")
    dv = cc.dyad_valence(data.load("reconstructed_interviews"))
    got = {"client_negative": dv.client_negative.sum(), "therapist_negative": dv.therapist_negative.sum(),
           "both_negative": (dv.client_negative & dv.therapist_negative).sum(), "disagree": (~dv.congruent).sum()}
    for k, v in got.items():
        assert vb.at[k, "outer_min"] <= vb.at[k, "roster_min"] <= v <= vb.at[k, "roster_max"] <= vb.at[k, "outer_max"]
    # at least as many client interviews with a negative theme as the most common negative theme
    assert vb.at["client_negative", "outer_min"] >= max(rc.published_targets().client_n[t] for t in cc.NEGATIVE_THEMES)


def test_detectable_difference_names_a_bad_grid_step():
    with pytest.raises(ValueError, match="grid_step"):
        stats.detectable_difference(29, 26, [0.1], method="fisher", grid_step=0)
    with pytest.raises(ValueError, match="grid_step"):
        stats.detectable_difference(29, 26, [0.1], method="fisher", grid_step=-0.01)


def test_holm_envelope_rejects_values_that_are_not_p_values():
    bad = pd.DataFrame({"p_min": [0.01, 1.2], "p_max": [0.5, 1.0]})
    with pytest.raises(ValueError, match="p_min"):
        cc.holm_envelope(bad)
    with pytest.raises(ValueError, match="p_max"):
        cc.holm_envelope(pd.DataFrame({"p_min": [0.01], "p_max": ["x"]}))


def test_strict_anger_split_reads_the_one_feasible_split():
    splits = data.load("group_split_feasibility")
    m, n_m, a, n_a = cc.strict_anger_split(splits)
    assert a == 0 and m == rc.published_targets().therapist_interview_n["anger"]
    assert (n_m, n_a) == (cc.group_sizes()["Mizrahi"], cc.group_sizes()["Ashkenazi"])
    with pytest.raises(ValueError, match="exactly one"):
        cc.strict_anger_split(splits[splits.reading == "default"])
    with pytest.raises(ValueError, match="missing columns"):
        cc.strict_anger_split(splits.drop(columns="feasible_outer"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_holm_equals_statsmodels(p: list[float]) -> None:
    from statsmodels.stats.multitest import multipletests

    with mock.patch("gc.collect"):  # statsmodels collects garbage on every call (50 ms); the result is the same
        expected = multipletests(p, method="holm")[1]
    np.testing.assert_allclose(stats.holm(p), expected, rtol=0, atol=1e-15)


def test_holm_by_hand() -> None:
    # m = 4: sorted 0.01, 0.02, 0.03, 0.5 times 4, 3, 2, 1 = 0.04, 0.06, 0.06, 0.5 (running maximum)
    assert stats.holm([0.03, 0.5, 0.01, 0.02]).tolist() == pytest.approx([0.06, 0.5, 0.04, 0.06])
    assert stats.holm([0.4, 0.6]).tolist() == [0.8, 0.8]  # 0.8 and 0.6, then the running maximum
    with pytest.raises(ValueError, match="`p`"):
        stats.holm([0.1, 1.5])
