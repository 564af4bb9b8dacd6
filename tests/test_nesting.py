"""Interviews nested in therapists: clustered power, the CMH test and the admissible rosters (issue 17)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from intake_alliance import data, stats
from intake_alliance.stats import clustered_detectable_difference, cmh_test, detectable_difference, fisher_test
from intake_alliance.study import nesting


def test_cmh_by_hand() -> None:
    # stratum 1: a = 4, E = 5*5/10 = 2.5, V = 5*5*5*5 / (10^2 * 9); stratum 2: a = 3, E = 1.5, V = 4*4*3*5 / (8^2 * 7)
    statistic = (abs(4 - 2.5 + 3 - 1.5) - 0.5) ** 2 / (625 / 900 + 240 / 448)
    assert cmh_test([(4, 5, 1, 5), (3, 4, 0, 4)]) == pytest.approx(sps.chi2.sf(statistic, 1), rel=1e-12)
    # a therapist who saw one group only, or whose clients all had the theme, changes nothing
    assert cmh_test([(4, 5, 1, 5), (3, 4, 0, 4), (2, 3, 0, 0), (2, 2, 1, 1)]) == cmh_test([(4, 5, 1, 5), (3, 4, 0, 4)])
    assert math.isnan(cmh_test([(2, 3, 0, 0), (0, 0, 1, 4)]))


@pytest.mark.parametrize("strata, what", [([(1, 2, 3)], "stratum 0"), ([(3, 2, 0, 1)], "more events"),
                                          ([(1, -2, 0, 1)], "n1")])
def test_cmh_rejects_bad_strata(strata, what) -> None:
    with pytest.raises(ValueError, match=what):
        cmh_test(strata)


def test_clustered_power_without_clustering_is_the_plain_normal_calculation() -> None:
    plain = detectable_difference(29, 26, [0.1, 0.3], method="normal")
    deffs = {icc: stats.design_effect(2.5, icc) for icc in (0.0, 0.11, 0.2)}
    clustered = clustered_detectable_difference(29, 26, deffs, [0.1, 0.3])
    none = clustered[clustered.icc == 0.0].reset_index(drop=True)
    np.testing.assert_allclose(none.detectable_rate, plain.detectable_rate, rtol=1e-10)
    # design effect 1 + (2.5 - 1) x 0.2 = 1.3: each group counts for 1 / 1.3 of itself
    pess = clustered[clustered.icc == 0.2].iloc[0]
    assert pess.design_effect == pytest.approx(1.3) and pess.n1_effective == pytest.approx(29 / 1.3)
    assert (clustered.groupby("base_rate").difference.apply(lambda d: d.is_monotonic_increasing)).all()
    with pytest.raises(ValueError, match="`design_effects`"):
        clustered_detectable_difference(29, 26, {}, [0.3])
    with pytest.raises(ValueError, match="icc"):
        clustered_detectable_difference(29, 26, {1.5: 1.2}, [0.3])
    with pytest.raises(ValueError, match="`design_effects`"):
        clustered_detectable_difference(29, 26, {0.1: 0.0}, [0.3])


def test_the_icc_anchor_is_read_from_the_literature_table() -> None:
    anchors = nesting.icc_anchors().set_index("finding_id")
    assert anchors.at["kondrat2010_case_manager_share", "result_value"] == pytest.approx(0.11)
    assert 0.11 in nesting.ICC_GRID


@pytest.fixture(scope="module")
def recon_and_rosters():
    recon = data.load("reconstructed_interviews")
    themes = list(data.load("themes").sort_values("order").key)
    return recon, themes, nesting.admissible_rosters(recon, themes, n_rosters=30, thin=20, burn_in=100)


def test_every_roster_keeps_the_published_constraints(recon_and_rosters) -> None:
    recon, themes, rosters = recon_and_rosters
    rv = data.reported()
    th = recon[recon.respondent == "therapist"].drop(columns="therapist_id")
    assumed = recon[recon.respondent == "therapist"].set_index("dyad_id").therapist_id
    first = rosters[rosters.roster == 0].set_index("dyad_id").therapist_id
    assert first.sort_index().tolist() == assumed.sort_index().tolist()
    assert rosters.groupby("roster").therapist_id.apply(tuple).nunique() > 10  # the walk moves
    for _, roster in rosters.groupby("roster"):
        merged = th.merge(roster, on="dyad_id")
        loads = merged.groupby("therapist_id").size()
        assert loads.between(1, 5).all() and len(loads) == int(rv.at["therapists_ashkenazi_included", "value"])
        for theme in themes:
            per_therapist = int(merged.groupby("therapist_id")[theme].max().sum())
            assert per_therapist == int(rv.at[f"therapist_theme_{theme}_n", "value"]), theme
    again = nesting.admissible_rosters(recon, themes, n_rosters=30, thin=20, burn_in=100)
    assert again.equals(rosters)  # seeded


def test_nested_comparisons_on_a_hand_made_roster() -> None:
    # two therapists; T1 saw 5 Mizrahi (4 with the theme) and 5 Ashkenazi (1), T2 4 and 4 (3 and 0)
    rows, k = [], 0
    for therapist, groups in (("T1", [(1, 4), (1, 1)]), ("T2", [(1, 3), (1, 0)])):
        sizes = (5, 5) if therapist == "T1" else (4, 4)
        for (group, n), (_, with_theme) in zip(zip(("Mizrahi", "Ashkenazi"), sizes), groups):
            for i in range(n):
                k += 1
                rows.append({"interview_id": f"D{k}-T", "respondent": "therapist", "dyad_id": f"D{k:02d}",
                             "therapist_id": therapist, "client_group": group, "x": int(i < with_theme)})
    recon = pd.DataFrame(rows)
    rosters = recon[["dyad_id", "therapist_id"]].assign(roster=0)
    out = nesting.nested_comparisons(recon, ["x"], rosters).set_index("respondent").loc["therapist"]
    assert out.p_cmh_assumed == pytest.approx(cmh_test([(4, 5, 1, 5), (3, 4, 0, 4)]))
    exact = stats.exact_stratified_test([(4, 5, 1, 5), (3, 4, 0, 4)])
    assert (out.p_exact_assumed, out.midp_exact_assumed) == (pytest.approx(exact.pvalue), pytest.approx(exact.mid_pvalue))
    assert out.p_fisher == pytest.approx(fisher_test(7, 9, 1, 9))
    assert out.rosters == 1


def test_the_book_table_covers_every_theme_for_both_respondents(recon_and_rosters) -> None:
    recon, themes, rosters = recon_and_rosters
    out = nesting.nested_comparisons(recon, themes, rosters)
    assert len(out) == 2 * len(themes)
    assert (out.p_exact_min <= out.p_exact_median).all() and (out.p_exact_median <= out.p_exact_max).all()
    assert out.share_below_05.between(0, 1).all() and (out.share_below_05 <= out.share_midp_below_05).all()
    assert out.share_below_05.between(0, 1).all()


# --- issue 25: exact tests within therapists, the clipped CMH correction, the contrast's variance ratio ---

def _hypergeom_enumeration(strata):
    """The conditional distribution of the total, by brute force over every combination of per-stratum counts."""
    import itertools
    from math import comb

    supports = []
    for x1, n1, x2, n2 in strata:
        m = x1 + x2
        denom = comb(n1 + n2, m)
        supports.append([(k, comb(n1, k) * comb(n2, m - k) / denom) for k in range(max(0, m - n2), min(n1, m) + 1)])
    dist = {}
    for combo in itertools.product(*supports):
        t = sum(k for k, _ in combo)
        dist[t] = dist.get(t, 0.0) + float(np.prod([p for _, p in combo]))
    return dist


def test_balanced_strata_give_p_one_where_statsmodels_gives_56() -> None:
    from statsmodels.stats.contingency_tables import StratifiedTable

    strata = [(1, 2, 1, 2), (2, 3, 2, 3)]  # the tables [[1, 1], [1, 1]] and [[2, 1], [2, 1]]
    sm = StratifiedTable([np.array([[1, 1], [1, 1]]), np.array([[2, 1], [2, 1]])]).test_null_odds(correction=True)
    assert sm.pvalue == pytest.approx(0.559, abs=1e-3)  # the library's unclipped correction this guards against
    assert cmh_test(strata) == 1.0
    assert stats.exact_stratified_test(strata).pvalue == 1.0


def test_exact_stratified_test_matches_a_hand_enumerated_two_stratum_case() -> None:
    # stratum 1: 2 events, 2 + 2 cases, a1 in {0, 1, 2} with 1/6, 4/6, 1/6; stratum 2: 1 event, 1 + 2 cases,
    # a2 in {0, 1} with 2/3, 1/3. The total: P(0) = 1/9, P(1) = 1/2, P(2) = 1/3, P(3) = 1/18.
    top = stats.exact_stratified_test([(2, 2, 0, 2), (1, 1, 0, 2)])  # total 3
    assert top.pvalue == pytest.approx(1 / 18) and top.mid_pvalue == pytest.approx(1 / 36)
    mid = stats.exact_stratified_test([(2, 2, 0, 2), (0, 1, 1, 2)])  # total 2: P <= 1/3 is 1/9 + 1/3 + 1/18
    assert mid.pvalue == pytest.approx(1 / 2) and mid.mid_pvalue == pytest.approx(1 / 2 - 1 / 6)
    assert (mid.low, mid.high, mid.expected) == (0, 3, pytest.approx(1 + 1 / 3))
    # a tie: 2 events in 4 + 4, totals 0, 1, 2 with 6/28, 16/28, 6/28; observed 2 gives p = 12/28 and the
    # mid-p subtracts half of P(observed) only, 12/28 - 3/28 (not half of the tied total 0 as well)
    tie = stats.exact_stratified_test([(2, 4, 0, 4)])
    assert tie.pvalue == pytest.approx(12 / 28) and tie.mid_pvalue == pytest.approx(9 / 28)
    # no informative stratum: the total is fixed, both p-values are 1; no stratum at all is refused
    with pytest.raises(ValueError, match="`strata`"):
        stats.exact_stratified_test([])
    with pytest.raises(ValueError, match="`strata`"):
        cmh_test([])
    assert stats.exact_stratified_test([(2, 2, 0, 0), (0, 3, 0, 3), (3, 3, 2, 2)])[:2] == (1.0, 1.0)


def test_exact_stratified_test_against_enumeration_and_fisher() -> None:
    rng = np.random.default_rng(25)
    for _ in range(40):
        strata = []
        for _ in range(int(rng.integers(1, 5))):
            n1, n2 = (int(v) for v in rng.integers(1, 4, size=2))
            strata.append((int(rng.integers(0, n1 + 1)), n1, int(rng.integers(0, n2 + 1)), n2))
        informative = [s for s in strata if 0 < s[0] + s[2] < s[1] + s[3]]
        res = stats.exact_stratified_test(strata)
        if not informative:
            assert res.pvalue == 1.0 and res.informative_strata == 0
            continue
        dist = _hypergeom_enumeration(informative)
        d_obs = dist[sum(s[0] for s in informative)]
        expected = sum(p for p in dist.values() if p <= d_obs * (1 + 1e-7))
        assert res.pvalue == pytest.approx(min(1.0, expected), rel=1e-9)
    for x1, n1, x2, n2 in [(5, 29, 0, 26), (3, 7, 1, 9), (0, 4, 4, 4), (2, 5, 2, 5)]:
        assert stats.exact_stratified_test([(x1, n1, x2, n2)]).pvalue == pytest.approx(fisher_test(x1, n1, x2, n2))


def test_cmh_agrees_with_statsmodels_where_its_correction_is_not_clipped() -> None:
    from statsmodels.stats.contingency_tables import StratifiedTable

    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(60):
        strata = [(int(rng.integers(0, 4)), 3, int(rng.integers(0, 4)), 3) for _ in range(3)]
        tables = [np.array([[x1, n1 - x1], [x2, n2 - x2]]) for x1, n1, x2, n2 in strata if 0 < x1 + x2 < n1 + n2]
        if not tables:
            continue
        t = StratifiedTable(tables)
        assert cmh_test(strata, correction=False) == pytest.approx(t.test_null_odds(correction=False).pvalue)
        deviation = sum(x1 - n1 * (x1 + x2) / (n1 + n2) for x1, n1, x2, n2 in strata if 0 < x1 + x2 < n1 + n2)
        if abs(deviation) >= 0.5:
            assert cmh_test(strata) == pytest.approx(t.test_null_odds(correction=True).pvalue)
            checked += 1
        else:
            assert cmh_test(strata) == 1.0
    assert checked > 20


def _unconditional_by_grid(x1, n1, x2, n2, extreme):
    """sup over a grid of the common proportion of P(tables at least as extreme): Boschloo and Barnard by hand."""
    i, j = np.meshgrid(np.arange(n1 + 1), np.arange(n2 + 1), indexing="ij")
    mask = extreme(i, j)
    grid = np.linspace(0, 1, 4001)
    best = 0.0
    for pi in grid:
        prob = sps.binom.pmf(i, n1, pi) * sps.binom.pmf(j, n2, pi)
        best = max(best, float(prob[mask].sum()))
    return best


@pytest.mark.parametrize("table", [(5, 29, 0, 26), (4, 10, 0, 8), (7, 12, 2, 11)])
def test_unconditional_tests_against_a_grid_over_the_nuisance_proportion(table) -> None:
    x1, n1, x2, n2 = table
    got = stats.two_by_two_tests(*table).set_index("test").p
    # Boschloo, one side at a time: Fisher's one-sided p-value as the statistic, doubled for two sides
    upper = sps.hypergeom.sf(np.arange(n1 + 1)[:, None] - 1, n1 + n2, np.add.outer(np.arange(n1 + 1), np.arange(n2 + 1)), n1)
    lower = sps.hypergeom.cdf(np.arange(n1 + 1)[:, None], n1 + n2, np.add.outer(np.arange(n1 + 1), np.arange(n2 + 1)), n1)
    sides = [_unconditional_by_grid(x1, n1, x2, n2, lambda i, j, s=s: s[i, j] <= s[x1, x2] * (1 + 1e-13))
             for s in (upper, lower)]
    assert got["boschloo"] == pytest.approx(min(1.0, 2 * min(sides)), abs=2e-3)

    def wald(i, j):
        p = (i + j) / (n1 + n2)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (i / n1 - j / n2) / np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
        return np.nan_to_num(z)

    z_obs = abs(wald(np.array(x1), np.array(x2)))
    assert got["barnard"] == pytest.approx(_unconditional_by_grid(x1, n1, x2, n2, lambda i, j: np.abs(wald(i, j)) >= z_obs - 1e-12), abs=2e-3)
    assert got["fisher"] == pytest.approx(fisher_test(*table))
    assert got["fisher_mid_p"] < got["fisher"]


def test_contrast_design_effect_on_a_hand_worked_roster() -> None:
    # T1 saw 2 Mizrahi, T2 one of each, T3 2 Ashkenazi: n1 = n2 = 3, a/n1 - b/n2 = 2/3, 0, -2/3,
    # S = (8/9) / (2/3) = 4/3, so at ICC .3 the ratio is 0.7 + 0.3 x 4/3 = 1.1
    assert stats.contrast_design_effect([2, 1, 0], [0, 1, 2], 0.3) == pytest.approx(1.1)
    # every therapist with one client of each group: the therapist effect cancels, ratio 1 - ICC
    assert stats.contrast_design_effect([1] * 5, [1] * 5, 0.2) == pytest.approx(0.8)
    # clusters within one group and equal caseloads: Kish's factor
    assert stats.contrast_design_effect([3, 3, 0, 0], [0, 0, 3, 3], 0.1) == pytest.approx(stats.design_effect(3, 0.1))
    assert stats.kish_cluster_size([1, 2, 3]) == pytest.approx(14 / 6)
    with pytest.raises(ValueError, match="`a`"):
        stats.contrast_design_effect([1, 0], [0, 1, 2], 0.1)


def test_contrast_design_effect_against_the_covariance_matrix() -> None:
    """Independent method: c' V c with V = (1 - ICC) I + ICC Z Z' for random rosters."""
    rng = np.random.default_rng(3)
    for _ in range(25):
        k = int(rng.integers(2, 8))
        a, b = rng.integers(0, 4, size=k), rng.integers(0, 4, size=k)
        a[0] = max(a[0], 1)
        b[-1] = max(b[-1], 1)
        b[(a + b) == 0] = 1
        icc = float(rng.uniform(0, 0.9))
        cluster = np.concatenate([np.repeat(np.arange(k), a), np.repeat(np.arange(k), b)])
        c = np.concatenate([np.full(a.sum(), 1 / a.sum()), np.full(b.sum(), -1 / b.sum())])
        z = np.eye(k)[cluster]
        v = (1 - icc) * np.eye(len(c)) + icc * z @ z.T
        ratio = c @ v @ c / (1 / a.sum() + 1 / b.sum())
        assert stats.contrast_design_effect(a, b, icc) == pytest.approx(ratio, rel=1e-12)


def test_book_rosters_nesting_can_help_or_hurt(recon_and_rosters) -> None:
    recon, themes, rosters = recon_and_rosters
    cp = nesting.clustered_power(recon, rosters).set_index("icc")
    assert cp.at[0.0, "ratio_min"] == cp.at[0.0, "ratio_max"] == 1.0
    assert (cp.ratio_min <= cp.ratio_assumed).all() and (cp.ratio_assumed <= cp.ratio_max).all()
    assert (cp.ratio_max <= cp.kish_worst + 1e-12).all()
    loads = nesting.most_unequal_caseloads()
    assert sum(loads) == 55 and len(loads) == 22 and max(loads) == 5 and min(loads) == 1
    assert cp.attrs["kish_size_worst"] == pytest.approx(sum(m * m for m in loads) / 55)
