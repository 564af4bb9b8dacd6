"""Tests for the agreement coefficients (intake_alliance.stats) and the rater models.

Published worked examples are asserted to the precision at which they were
printed; each test names its source. Cross-checks against statsmodels,
scikit-learn, krippendorff and scipy guard the parts we wrote ourselves, and
Hypothesis checks the invariances every agreement coefficient must have.
"""

from __future__ import annotations

import doctest
import warnings

import krippendorff
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import scipy.stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from intake_alliance import stats
from support import count_table
from intake_alliance.stats import (
    agreement_table,
    bootstrap_ci,
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_batch,
    gwet_ac1,
    interpret,
    interpretation_scales,
    krippendorff_alpha,
    light_kappa,
    pabak,
    percent_agreement,
)

# The project profile (tests/conftest.py) is derandomized; these tests need fewer, slower examples.
settings.register_profile(
    "reliability", parent=settings.get_profile("project"), max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("reliability")


def one(table: pd.DataFrame, column: str = "estimate", row: int = 0) -> float:
    return float(table[column].iloc[row])


def from_crosstab(table) -> np.ndarray:
    """Expand a rater-1 x rater-2 contingency table into a units x 2 table of codes."""
    table = np.asarray(table)
    return np.array([[i, j] for i in range(table.shape[0]) for j in range(table.shape[1])
                     for _ in range(int(table[i, j]))])


# ---------------------------------------------------------------------------
# Published data sets
# ---------------------------------------------------------------------------

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5
# categories. Copied from statsmodels/stats/tests/test_inter_rater.py
# (table0), which also keeps Wikipedia's per-subject P_i column.
WIKI_FLEISS = np.array([
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
])
WIKI_FLEISS_P_I = [1.000, 0.253, 0.308, 0.440, 0.330, 0.462, 0.242, 0.176, 0.286, 0.286]

# Fleiss (1971): 30 patients, 6 psychiatrists, 5 diagnoses; the `diagnoses`
# data of R's irr package, as in statsmodels' test_inter_rater.py.
DIAGNOSES = np.array([
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
])
DIAGNOSIS_LABELS = {1: "1. Depression", 2: "2. Personality Disorder", 3: "3. Schizophrenia", 4: "4. Neurosis",
                    5: "5. Other"}

# irrCAC (Gwet) README: `distrib.6raters`, the first 15 patients of the
# diagnoses data as a subjects x categories count table.
DISTRIB_6RATERS = np.array([
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
])

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal
# example with missing data (4 observers x 12 units), here units x raters.
# It is also irrCAC's `cac.raw4raters`.
KRIPP_2011 = np.array([
    [1, 1, np.nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [np.nan, 5, 5, 5], [np.nan, np.nan, 1, 1],
    [np.nan, np.nan, 3, np.nan],
])

# Wikipedia, "Krippendorff's alpha", computational example: 3 coders x 15
# units (as in the krippendorff package's tests), here units x raters.
WIKI_KRIPP = np.array([
    [np.nan, np.nan, np.nan, np.nan, np.nan, 3, 4, 1, 2, 1, 1, 3, 3, np.nan, 3],
    [1, np.nan, 2, 1, 3, 3, 4, 3, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan],
    [np.nan, np.nan, 2, 1, 3, 4, 4, np.nan, 2, 1, 1, 3, 3, np.nan, 4],
]).T

# SAS PROC FREQ agreement example, as used by statsmodels'
# test_inter_rater.py (UnweightedCohens / TestWeightedCohens).
SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]

# irrCAC README: `cont3x3abstractors` contingency table (2 raters, 3 categories).
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]

# R irr `anxiety` data (20 subjects x 3 raters), from statsmodels' tests.
ANXIETY = np.array([
    3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3, 3, 6, 4,
    6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4, 2, 1, 4, 4, 3, 2,
    1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2,
]).reshape(20, 3, order="F")


# ---------------------------------------------------------------------------
# Published worked examples
# ---------------------------------------------------------------------------


def test_fleiss_wikipedia_example():
    # Wikipedia "Fleiss' kappa": kappa = 0.210 (also statsmodels test_fleiss_kappa).
    res = fleiss_kappa(counts=WIKI_FLEISS)
    assert round(one(res), 3) == 0.210
    assert round(float(fleiss_kappa_batch(WIKI_FLEISS[None])[0]), 3) == 0.210
    # P-bar is the mean of the printed per-subject P_i column (0.378).
    assert round(one(percent_agreement(counts=WIKI_FLEISS)), 3) == round(np.mean(WIKI_FLEISS_P_I), 3) == 0.378


def test_fleiss_diagnoses_matches_irr():
    # R irr::kappam.fleiss(diagnoses): Kappa = 0.4302445, z = 17.65183
    # (values recorded in statsmodels test_fleiss_kappa_irr).
    labels = pd.DataFrame(DIAGNOSES).replace(DIAGNOSIS_LABELS)
    res = fleiss_kappa(labels, per_category=True)
    assert round(one(res), 7) == 0.4302445
    assert round(one(res, "z"), 5) == 17.65183
    # irr::kappam.fleiss(diagnoses, detail=TRUE), as printed in the pyirr README
    # (sophiedkk/pyirr): category kappas and z statistics.
    by_cat = res.iloc[1:]
    assert by_cat["category"].tolist() == sorted(DIAGNOSIS_LABELS.values())
    assert by_cat["estimate"].round(3).tolist() == [0.245, 0.245, 0.520, 0.471, 0.566]
    assert by_cat["z"].round(3).tolist() == [5.192, 5.192, 11.031, 9.994, 12.009]


def test_light_kappa_diagnoses_matches_irr():
    # R irr::kappam.light(diagnoses): Kappa = 0.459 (pyirr tests/test_kappam_light.py).
    assert round(one(light_kappa(DIAGNOSES)), 3) == 0.459


def test_cohen_kappa_sas_example_unweighted():
    # SAS PROC FREQ printout reproduced in statsmodels test_inter_rater.py:
    # Kappa 0.4842, ASE 0.1380, 95% CI 0.2137-0.7547, ASE under H0 0.1484, Z 3.2626.
    res = cohen_kappa(from_crosstab(SAS_TABLE), categories=[0, 1, 2])
    assert [round(one(res, c), 4) for c in ("estimate", "se", "ci_low", "ci_high", "se_null", "z")] == [
        0.4842, 0.1380, 0.2137, 0.7547, 0.1484, 3.2626]


def test_cohen_kappa_sas_example_linear_weights():
    # Same SAS printout, weighted kappa with Cicchetti-Allison (linear) weights:
    # 0.4701, ASE 0.1457, CI 0.1845-0.7558, ASE under H0 0.1426, Z 3.2971.
    res = cohen_kappa(from_crosstab(SAS_TABLE), categories=[0, 1, 2], weights="linear")
    assert [round(one(res, c), 4) for c in ("estimate", "se", "ci_low", "ci_high", "se_null", "z")] == [
        0.4701, 0.1457, 0.1845, 0.7558, 0.1426, 3.2971]


def test_cohen_kappa_irr_anxiety():
    # R irr::kappa2(anxiety[, 2:3]): Kappa = -0.006289308, z = -0.0604067
    # (statsmodels test_cohens_kappa_irr). irr drops the unused level, as we do
    # when categories are not declared.
    res = cohen_kappa(ANXIETY[:, 1:])
    assert round(one(res), 9) == -0.006289308
    assert round(one(res, "z"), 7) == -0.0604067


def test_cohen_kappa_wikipedia_grant_example():
    # Wikipedia "Cohen's kappa" (also howcodex.com): 50 proposals, Yes/Yes 20,
    # Yes/No 5, No/Yes 10, No/No 15 -> po = 0.70, pe = 0.50, kappa = 0.40.
    pairs = [["Yes", "Yes"]] * 20 + [["Yes", "No"]] * 5 + [["No", "Yes"]] * 10 + [["No", "No"]] * 15
    res = cohen_kappa(pairs)
    assert round(one(res, "po"), 2) == 0.70
    assert round(one(res, "pe"), 2) == 0.50
    assert round(one(res), 2) == 0.40


def test_two_rater_coefficients_irrcac_abstractors():
    # irrCAC README, cont3x3abstractors: Cohen 0.7964094 (se 0.05891072),
    # Gwet AC1 0.8493305, Brennan-Prediger 0.835, Krippendorff 0.7972585,
    # percent agreement 0.89. (irrCAC's *.table standard errors divide by n^2
    # rather than n(n-1), so only Cohen's se is compared.)
    pairs = from_crosstab(ABSTRACTORS)
    ck = cohen_kappa(pairs, categories=[0, 1, 2])
    assert round(one(ck), 7) == 0.7964094
    assert round(one(ck, "se"), 8) == 0.05891072
    assert round(one(gwet_ac1(pairs)), 7) == 0.8493305
    assert round(one(pabak(pairs)), 3) == 0.835
    assert round(one(krippendorff_alpha(pairs)), 7) == 0.7972585
    assert round(one(percent_agreement(pairs)), 2) == 0.89


def test_krippendorff_2011_example():
    # Krippendorff (2011, p. 8) as quoted in the krippendorff package docs:
    # nominal .743, ordinal .815, ratio .797.
    assert round(one(krippendorff_alpha(KRIPP_2011)), 3) == 0.743
    assert round(one(krippendorff_alpha(KRIPP_2011, level="ordinal")), 3) == 0.815
    assert round(one(krippendorff_alpha(KRIPP_2011, level="ratio")), 3) == 0.797
    # irrCAC README, krippen.alpha.raw(cac.raw4raters): 0.74342.
    assert round(one(krippendorff_alpha(KRIPP_2011)), 5) == 0.74342


def test_krippendorff_2011_string_labels_need_declared_order():
    # Same data with verbal labels (krippendorff package docs): ordinal .815
    # once the order is declared, nominal .743 without it.
    words = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    data = pd.DataFrame(KRIPP_2011).replace(words)
    order = ["very low", "low", "mid", "high", "very high"]
    assert round(one(krippendorff_alpha(data, categories=order, level="ordinal")), 3) == 0.815
    assert round(one(krippendorff_alpha(data)), 3) == 0.743


def test_krippendorff_wikipedia_example():
    # Wikipedia "Krippendorff's alpha", computational example: nominal 0.691,
    # interval 0.811 (krippendorff package tests: 0.691358, 0.810845).
    assert round(one(krippendorff_alpha(WIKI_KRIPP)), 6) == 0.691358
    assert round(one(krippendorff_alpha(WIKI_KRIPP, level="interval")), 6) == 0.810845


def test_gwet_family_irrcac_raw4raters():
    # irrCAC README, cac.raw4raters (= KRIPP_2011):
    # pa.coeff.raw 0.8181818, se 0.12561; gwet.ac1.raw 0.77544, se 0.14295,
    # pe 0.1903212; bp.coeff.raw 0.77273, se 0.14472.
    pa = percent_agreement(KRIPP_2011)
    assert round(one(pa), 7) == 0.8181818
    assert round(one(pa, "se"), 5) == 0.12561
    ac1 = gwet_ac1(KRIPP_2011)
    assert (round(one(ac1), 5), round(one(ac1, "se"), 5), round(one(ac1, "pe"), 7)) == (0.77544, 0.14295, 0.1903212)
    bp = pabak(KRIPP_2011)
    assert (round(one(bp), 5), round(one(bp, "se"), 5)) == (0.77273, 0.14472)


def test_gwet_family_irrcac_distrib_6raters():
    # irrCAC README, distrib.6raters (count table):
    # gwet.ac1.dist 0.4448007, se 0.08418757, pe 0.1914815;
    # fleiss.kappa.dist 0.4139265, se 0.08119291, pe 0.2340741, pa 0.5511111;
    # bp.coeff.dist 0.4388889, se 0.08312142; krippen.alpha.dist 0.4204384.
    ac1 = gwet_ac1(counts=DISTRIB_6RATERS)
    assert (round(one(ac1), 7), round(one(ac1, "se"), 8), round(one(ac1, "pe"), 7)) == (
        0.4448007, 0.08418757, 0.1914815)
    fk = fleiss_kappa(counts=DISTRIB_6RATERS)
    assert (round(one(fk), 7), round(one(fk, "se"), 8), round(one(fk, "pe"), 7), round(one(fk, "po"), 7)) == (
        0.4139265, 0.08119291, 0.2340741, 0.5511111)
    bp = pabak(counts=DISTRIB_6RATERS)
    assert (round(one(bp), 7), round(one(bp, "se"), 8)) == (0.4388889, 0.08312142)
    assert round(one(krippendorff_alpha(counts=DISTRIB_6RATERS)), 7) == 0.4204384
    # The count table is the first 15 rows of the diagnoses data.
    assert np.array_equal(count_table(DIAGNOSES[:15], categories=[1, 2, 3, 4, 5]).to_numpy(), DISTRIB_6RATERS)


def test_pabak_indices_of_byrt():
    # Byrt, Bishop & Carlin (1993): PI = (a - d)/n, BI = (b - c)/n, PABAK = 2po - 1.
    # Grant example above: a=20, b=5, c=10, d=15.
    pairs = [[1, 1]] * 20 + [[1, 0]] * 5 + [[0, 1]] * 10 + [[0, 0]] * 15
    res = pabak(pairs)
    assert round(one(res), 10) == 0.4
    assert round(one(res, "prevalence_index"), 10) == 0.1
    assert round(one(res, "bias_index"), 10) == -0.1
    flipped = pabak(pairs, positive=0)
    assert round(one(flipped, "prevalence_index"), 10) == -0.1
    assert round(one(flipped, "bias_index"), 10) == 0.1
    assert np.isnan(one(pabak(KRIPP_2011), "prevalence_index"))


@given(st.lists(st.integers(0, 20), min_size=4, max_size=4).filter(lambda t: sum(t) >= 2))
def test_byrt_identity_links_kappa_pabak_pi_bi(cells):
    # Byrt et al. (1993): kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2).
    a, b, c, d = cells
    pairs = np.array([[1, 1]] * a + [[1, 0]] * b + [[0, 1]] * c + [[0, 0]] * d)
    res = pabak(pairs, categories=[0, 1])
    pab, pi_, bi_ = one(res), one(res, "prevalence_index"), one(res, "bias_index")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        kappa = one(cohen_kappa(pairs, categories=[0, 1]))
    denom = 1 - pi_**2 + bi_**2
    if np.isfinite(kappa) and denom > 1e-12:
        assert kappa == pytest.approx((pab - pi_**2 + bi_**2) / denom, abs=1e-12)


# ---------------------------------------------------------------------------
# Cross-checks against the libraries we build on
# ---------------------------------------------------------------------------


def random_ratings(seed: int, n_units: int = 60, n_raters: int = 3, q: int = 4, p_missing: float = 0.0):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, q, size=n_units)
    data = np.where(rng.random((n_units, n_raters)) < 0.6, truth[:, None], rng.integers(0, q, (n_units, n_raters)))
    data = data.astype(float)
    if p_missing:
        data[rng.random(data.shape) < p_missing] = np.nan
    return data


def test_count_table_matches_aggregate_raters():
    data = random_ratings(1).astype(int)
    assert np.array_equal(count_table(data).to_numpy(), aggregate_raters(data)[0])


def test_fleiss_batch_matches_statsmodels():
    tables = np.stack([count_table(random_ratings(s), categories=[0.0, 1.0, 2.0, 3.0]).to_numpy() for s in range(5)])
    expected = [sm_fleiss_kappa(t) for t in tables]
    np.testing.assert_allclose(fleiss_kappa_batch(tables), expected, rtol=1e-12)
    np.testing.assert_allclose(fleiss_kappa_batch(tables), [one(fleiss_kappa(counts=t)) for t in tables], rtol=1e-12)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_matches_sklearn(weights):
    data = random_ratings(2, n_raters=2).astype(int)
    expected = cohen_kappa_score(data[:, 0], data[:, 1], weights=weights)
    assert one(cohen_kappa(data, weights=weights)) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_standard_errors_match_statsmodels(weights):
    # cohen_kappa writes the Fleiss-Cohen-Everitt (1969) variances out; statsmodels computes them its own way
    # (a separate formula for the unweighted case). Random tables, some with an empty row or column.
    from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa, to_table

    rng = np.random.default_rng(3)
    for trial in range(12):
        q = int(rng.integers(2, 6))
        data = rng.integers(0, q, size=(int(rng.integers(8, 80)), 2))
        if trial % 3 == 0:
            data[data == q - 1] = 0  # a category nobody used
        res = cohen_kappa(data, categories=range(q), weights=weights)
        table = to_table(data, bins=q)[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # statsmodels divides 0/0 when one code was used
            ref = sm_cohens_kappa(table) if weights is None else sm_cohens_kappa(table, wt=weights)
        assert res.at[0, "estimate"] == pytest.approx(ref.kappa, abs=1e-12, nan_ok=True)
        assert res.at[0, "se"] == pytest.approx(ref.std_kappa, abs=1e-12, nan_ok=True)
        assert res.at[0, "se_null"] == pytest.approx(ref.std_kappa0, abs=1e-12, nan_ok=True)


def _pattern_closed_forms(c: np.ndarray) -> dict[str, float]:
    """Three raters, binary codes, no missing ratings: the coefficients written out by hand from the eight
    pattern counts (independent of stats.cores, which pattern_coefficients and the public functions share)."""
    bits = (np.arange(8)[:, None] >> np.arange(3)[None, :]) & 1
    n, k = c.sum(), bits.sum(axis=1)
    po = (c * (k * (k - 1) + (3 - k) * (2 - k)) / 6.0).sum() / n
    p = (c * k).sum() / (3 * n)
    pe = p**2 + (1 - p) ** 2
    nv = 3 * n
    alpha = 1 - (1 - po) / (2 * p * nv * (nv - p * nv) / (nv * (nv - 1)))
    rater_p = (c[:, None] * bits).sum(axis=0) / n
    kappas = []
    for j, m in ((0, 1), (0, 2), (1, 2)):
        agree = (c * (bits[:, j] == bits[:, m])).sum() / n
        pe_jm = rater_p[j] * rater_p[m] + (1 - rater_p[j]) * (1 - rater_p[m])
        kappas.append((agree - pe_jm) / (1 - pe_jm))
    return {"percent_agreement": po, "fleiss_kappa": (po - pe) / (1 - pe), "krippendorff_alpha": alpha,
            "light_kappa": float(np.mean(kappas)), "prevalence": p}


def test_pattern_coefficients_match_closed_forms() -> None:
    tabs = stats.random_pattern_tables(5, 3, 40, seed=4)
    got = stats.pattern_coefficients(tabs)
    for t in range(5):
        for part in range(3):
            for name, value in _pattern_closed_forms(tabs[t, part]).items():
                assert got[name][t, part] == pytest.approx(value, abs=1e-12), name


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package_and_the_bootstraps_algebra(level):
    data = random_ratings(3, p_missing=0.2) + 1.0
    expected = krippendorff.alpha(reliability_data=data.T, level_of_measurement=level)
    assert one(krippendorff_alpha(data, level=level)) == pytest.approx(expected, abs=1e-12)
    # the in-house coincidence algebra that the bootstrap resamples gives the same estimate
    boot = bootstrap_ci("krippendorff_alpha", data, level=level, n_resamples=20, seed=1)
    assert boot.at[0, "estimate"] == pytest.approx(expected, abs=1e-12)


def test_fleiss_se_null_equals_per_category_formula_for_two_categories():
    # With two categories the overall and the per-category kappas coincide, and so
    # must the null standard errors of Fleiss, Nee & Landis (1979).
    data = random_ratings(4, q=2)
    res = fleiss_kappa(data, per_category=True)
    assert one(res, "estimate", 1) == pytest.approx(one(res), abs=1e-12)
    assert one(res, "se_null", 1) == pytest.approx(one(res, "se_null"), abs=1e-12)


# ---------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------

FAST_NAMES = ["percent_agreement", "fleiss_kappa", "gwet_ac1", "krippendorff_alpha", "pabak", "light_kappa"]


@pytest.mark.parametrize("name", FAST_NAMES + ["cohen_kappa"])
@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_fast_bootstrap_equals_loop(name, method):
    data = random_ratings(5, n_units=30, n_raters=2 if name == "cohen_kappa" else 3)
    func = getattr(stats, name)
    fast, fast_reps = bootstrap_ci(name, data, n_resamples=150, method=method, seed=7, return_replicates=True)
    slow, slow_reps = bootstrap_ci(lambda d: func(d), data, n_resamples=150, method=method, seed=7,
                                   return_replicates=True)
    np.testing.assert_allclose(fast_reps, slow_reps, rtol=1e-10, atol=1e-12)
    for col in ("estimate", "se", "ci_low", "ci_high"):
        assert one(fast, col) == pytest.approx(one(slow, col), abs=1e-10)
    assert one(fast) == pytest.approx(one(func(data)), abs=1e-12)


def test_fast_bootstrap_with_missing_ratings_equals_loop():
    data = random_ratings(6, n_units=30, n_raters=4, p_missing=0.25)
    for name in ("krippendorff_alpha", "gwet_ac1", "light_kappa", "percent_agreement"):
        func = getattr(stats, name)
        _, fast = bootstrap_ci(name, data, n_resamples=100, seed=2, return_replicates=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            _, slow = bootstrap_ci(lambda d: func(d), data, n_resamples=100, seed=2, return_replicates=True)
        np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12, equal_nan=True)


def test_bootstrap_on_counts_and_ordinal_alpha_equal_loop():
    counts = count_table(random_ratings(7, n_units=40)).to_numpy()
    _, fast = bootstrap_ci("fleiss_kappa", counts=counts, n_resamples=100, seed=3, return_replicates=True)
    _, slow = bootstrap_ci(lambda d: fleiss_kappa(counts=d), counts=counts, n_resamples=100, seed=3,
                           return_replicates=True)
    np.testing.assert_allclose(fast, slow, rtol=1e-10)
    data = random_ratings(8, n_units=40, p_missing=0.1)
    _, fast = bootstrap_ci("krippendorff_alpha", data, level="ordinal", n_resamples=100, seed=3,
                           return_replicates=True)
    _, slow = bootstrap_ci(lambda d: krippendorff_alpha(d, level="ordinal"), data, n_resamples=100, seed=3,
                           return_replicates=True)
    np.testing.assert_allclose(fast, slow, rtol=1e-10)


@pytest.mark.parametrize("method", ["percentile", "BCa"])
def test_bootstrap_matches_scipy(method):
    # scipy.stats.bootstrap draws Generator.integers(0, n, (B, n)) too, so with
    # the same generator the intervals must agree to rounding error.
    data = random_ratings(9, n_units=40)
    n = len(data)
    ref = scipy.stats.bootstrap((np.arange(n),), lambda i: one(gwet_ac1(data[i])), paired=True, vectorized=False,
                          n_resamples=999, method=method, confidence_level=0.9, rng=np.random.default_rng(11))
    mine = bootstrap_ci("gwet_ac1", data, n_resamples=999, method=method.lower(), confidence=0.9,
                        seed=np.random.default_rng(11))
    assert one(mine, "ci_low") == pytest.approx(ref.confidence_interval.low, abs=1e-12)
    assert one(mine, "ci_high") == pytest.approx(ref.confidence_interval.high, abs=1e-12)
    assert one(mine, "se") == pytest.approx(ref.standard_error, abs=1e-12)


def test_bootstrap_is_deterministic_and_accepts_functions():
    data = random_ratings(10)
    a = bootstrap_ci("fleiss_kappa", data, n_resamples=500, seed=123)
    b = bootstrap_ci(fleiss_kappa, data, n_resamples=500, seed=123)
    pd.testing.assert_frame_equal(a, b)
    assert a.at[0, "ci_method"] == "bootstrap-percentile"
    assert int(a.at[0, "n_resamples"]) == 500


def test_bootstrap_warns_and_drops_undefined_resamples():
    data = np.array([[0, 0]] * 9 + [[1, 1]])
    with pytest.warns(RuntimeWarning, match="undefined"):
        res = bootstrap_ci("cohen_kappa", data, n_resamples=200, seed=0)
    assert 0 < int(res.at[0, "n_resamples"]) < 200


def test_alpha_and_light_fill_bootstrap_interval_on_request():
    data = random_ratings(12)
    res = krippendorff_alpha(data, n_resamples=300, seed=1)
    assert res.at[0, "ci_method"] == "bootstrap-percentile"
    assert res.at[0, "ci_low"] < res.at[0, "estimate"] < res.at[0, "ci_high"]
    assert np.isnan(one(krippendorff_alpha(data), "se"))
    assert light_kappa(data, n_resamples=300).at[0, "ci_method"] == "bootstrap-percentile"


# ---------------------------------------------------------------------------
# Invariances (Hypothesis)
# ---------------------------------------------------------------------------


@st.composite
def rating_tables(draw, missing: bool = False, min_raters: int = 2, max_raters: int = 5):
    n_units = draw(st.integers(3, 25))
    n_raters = draw(st.integers(min_raters, max_raters))
    q = draw(st.integers(2, 4))
    cells = draw(st.lists(st.integers(0, q - 1), min_size=n_units * n_raters, max_size=n_units * n_raters))
    data = np.array(cells, dtype=float).reshape(n_units, n_raters)
    # At least two categories must be used; and agreement is not all-or-nothing.
    data[0, :] = 0
    data[1, :] = 1
    if missing:
        mask = draw(st.lists(st.booleans(), min_size=n_units * n_raters, max_size=n_units * n_raters))
        mask = np.array(mask).reshape(n_units, n_raters)
        mask[:2] = False
        data[mask] = np.nan
    return data, q


def estimates(data, categories, with_missing: bool) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        table = agreement_table(data, categories=categories)
    out = dict(zip(table["coefficient"], table["estimate"]))
    if with_missing:
        for name in ("cohen_kappa", "fleiss_kappa"):
            out.pop(name)
    return out


def assert_same(a: dict, b: dict):
    assert a.keys() == b.keys()
    for key in a:
        assert (np.isnan(a[key]) and np.isnan(b[key])) or a[key] == pytest.approx(b[key], abs=1e-10), key


@given(rating_tables(missing=True), st.randoms(use_true_random=False))
def test_relabelling_categories_changes_nothing(table, rnd):
    data, q = table
    new_labels = [f"theme {i}" for i in range(q)]
    rnd.shuffle(new_labels)
    relabelled = pd.DataFrame(data).apply(lambda col: col.map(lambda v: new_labels[int(v)] if v == v else None))
    assert_same(estimates(data, list(range(q)), True), estimates(relabelled, sorted(new_labels), True))


@given(rating_tables(missing=True), st.randoms(use_true_random=False))
def test_permuting_units_changes_nothing(table, rnd):
    data, q = table
    order = list(range(len(data)))
    rnd.shuffle(order)
    assert_same(estimates(data, list(range(q)), True), estimates(data[order], list(range(q)), True))


@given(rating_tables(missing=True), st.randoms(use_true_random=False))
def test_permuting_raters_changes_nothing(table, rnd):
    data, q = table
    order = list(range(data.shape[1]))
    rnd.shuffle(order)
    assert_same(estimates(data, list(range(q)), True), estimates(data[:, order], list(range(q)), True))


@given(rating_tables(missing=False, max_raters=2))
def test_swapping_two_raters_keeps_kappa_and_flips_bias_index(table):
    data, q = table
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert one(cohen_kappa(data, categories=range(q))) == pytest.approx(
            one(cohen_kappa(data[:, ::-1], categories=range(q))), abs=1e-12, nan_ok=True)
    if q == 2:
        assert one(pabak(data, categories=[0, 1]), "bias_index") == pytest.approx(
            -one(pabak(data[:, ::-1], categories=[0, 1]), "bias_index"))


@given(st.integers(2, 30), st.integers(2, 6), st.integers(2, 5), st.randoms(use_true_random=False))
def test_perfect_agreement_gives_one(n_units, n_raters, q, rnd):
    truth = [rnd.randrange(q) for _ in range(n_units)]
    truth[0], truth[1] = 0, 1
    data = np.repeat(np.array(truth)[:, None], n_raters, axis=1)
    table = agreement_table(data, categories=range(q))
    applicable = table[table["note"] == ""]
    if n_raters > 2:
        assert set(applicable["coefficient"]) == set(table["coefficient"]) - {"cohen_kappa"}
    assert np.allclose(applicable["estimate"], 1.0)


@given(rating_tables(missing=True))
def test_bounds_hold(table):
    data, q = table
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = agreement_table(data, categories=range(q))
    est = res.set_index("coefficient")["estimate"]
    assert 0.0 <= est["percent_agreement"] <= 1.0
    for name in ("cohen_kappa", "fleiss_kappa", "light_kappa", "krippendorff_alpha", "gwet_ac1", "pabak"):
        if np.isfinite(est[name]):
            assert est[name] <= 1.0 + 1e-12, name
    assert -1.0 <= est["pabak"] <= 1.0
    finite = res.dropna(subset=["ci_low", "ci_high"])
    assert ((finite["ci_low"] >= -1) & (finite["ci_high"] <= 1) & (finite["ci_low"] <= finite["ci_high"])).all()


@given(rating_tables(missing=True))
def test_fast_path_point_estimate_equals_public_function(table):
    data, q = table
    coded = stats.coding.prepare("t", data, None, range(q), allow_missing=True)
    ones = np.ones((1, coded.n_units))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for name in ("percent_agreement", "gwet_ac1", "krippendorff_alpha", "pabak", "light_kappa"):
            fast = stats.bootstrap._weighted_evaluator(name, coded)(ones)[0]
            try:
                public = one(getattr(stats, name)(data, categories=range(q)))
            except ValueError:  # e.g. a rater pair sharing fewer than two units
                continue
            assert fast == pytest.approx(public, abs=1e-10, nan_ok=True), name


# ---------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: fleiss_kappa([[1], [2], [1]]), r"`ratings` needs at least two raters"),
        (lambda: fleiss_kappa([1, 2, 1]), r"`ratings` must be a 2-D"),
        (lambda: gwet_ac1([[1, 1]]), r"`ratings` needs at least two rated units"),
        (lambda: gwet_ac1([[1, 1], [1, 1], [1, 1]]), r"`ratings` uses a single category"),
        (lambda: gwet_ac1([[1, 1], [2, 1]], categories=[1]), r"`categories` declares 1 category"),
        (lambda: gwet_ac1([[1, 1], [2, 1]], categories=[1, 1, 2]), r"`categories` contains duplicate"),
        (lambda: gwet_ac1([["a", "b"], ["c", "a"]], categories=["a", "b"]), r"not in `categories`: 'c'"),
        (lambda: fleiss_kappa([[1, 2], [1, np.nan], [2, 2]]), r"`ratings` contains 1 missing rating"),
        (lambda: cohen_kappa([[1, None], [1, 2], [2, 2]]), r"`ratings` contains 1 missing"),
        (lambda: cohen_kappa([[1, 2, 1], [1, 2, 2]]), r"needs exactly two"),
        (lambda: fleiss_kappa(counts=[[2, 1], [3, 0], [1, 1]]), r"`counts` rows sum to different numbers"),
        (lambda: fleiss_kappa(counts=[[2, -1], [3, 0]]), r"`counts` contains negative"),
        (lambda: gwet_ac1(counts=[[2, 0.5], [3, 0]]), r"`counts` contains non-integer"),
        (lambda: gwet_ac1(counts=[[2, np.nan], [3, 0]]), r"`counts` contains NaN"),
        (lambda: gwet_ac1(counts=[[2], [3]]), r"`counts` has a single category"),
        (lambda: gwet_ac1(counts=[[2, 0], [1, 1]], categories=["a", "b", "c"]), r"`categories` has 3 labels"),
        (lambda: gwet_ac1([[1, 2], [2, 2]], counts=[[1, 1], [0, 2]]), r"not both"),
        (lambda: gwet_ac1(), r"not both"),
        (lambda: gwet_ac1([[1, np.nan], [np.nan, 2]]), r"no unit rated by two or more"),
        (lambda: krippendorff_alpha([[1, 2], [2, 2]], level="interval_"), r"`level` must be one of"),
        (lambda: krippendorff_alpha([["a", "b"], ["b", "b"]], level="interval"), r"needs numeric category"),
        (lambda: pabak([[0, 1], [1, 1]], positive=5), r"`positive`"),
        (lambda: percent_agreement([[0, 1], [1, 1]], confidence=95), r"`confidence`"),
        (lambda: bootstrap_ci("cohens", [[0, 1], [1, 1]]), r"`statistic` 'cohens' is not a known"),
        (lambda: bootstrap_ci("gwet_ac1", [[0, 1], [1, 1]], method="bc"), r"`method`"),
        (lambda: bootstrap_ci("gwet_ac1", [[0, 1], [1, 1]], n_resamples=1), r"`n_resamples`"),
        (lambda: bootstrap_ci("light_kappa", counts=[[0, 2], [1, 1]]), r"`counts`: light_kappa needs ratings"),
        (lambda: fleiss_kappa_batch([[1, 1], [2, 0]]), r"shape \(n_tables, n_units, n_categories\)"),
        (lambda: fleiss_kappa_batch([[[1, 1], [2, 1]]]), r"same number of ratings"),
        (lambda: interpret(0.5, scale="cohen"), r"`scale` must be one of"),
    ],
)
def test_bad_input_raises_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_counts_input_is_refused_by_rater_level_coefficients():
    with pytest.raises(TypeError):
        cohen_kappa(counts=[[1, 1], [0, 2]])  # type: ignore[call-arg]
    table = agreement_table(counts=DISTRIB_6RATERS)
    notes = table.set_index("coefficient")["note"]
    assert notes["cohen_kappa"].startswith("not applicable") and notes["light_kappa"].startswith("not applicable")
    assert notes["fleiss_kappa"] == ""


def test_rows_without_any_rating_are_dropped():
    data = [[1, 1], [np.nan, np.nan], [2, 2], [1, 2]]
    res = gwet_ac1(data)
    assert int(res.at[0, "n_units"]) == 3
    assert one(res) == pytest.approx(one(gwet_ac1([[1, 1], [2, 2], [1, 2]])))


def test_result_table_layout():
    res = agreement_table(DIAGNOSES)
    assert list(res.columns[:9]) == ["coefficient", "estimate", "se", "ci_low", "ci_high", "n_units", "n_raters",
                                     "ci_method", "confidence"]
    assert res["coefficient"].tolist() == ["percent_agreement", "cohen_kappa", "fleiss_kappa", "light_kappa",
                                           "krippendorff_alpha", "gwet_ac1", "pabak"]
    assert (res["n_units"] == 30).all() and (res["n_raters"] == 6).all()
    assert res.set_index("coefficient").at["cohen_kappa", "note"].startswith("not applicable")


# ---------------------------------------------------------------------------
# Interpretation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, scale, label",
    [
        (-0.05, "landis_koch", "poor"), (0.0, "landis_koch", "slight"), (0.20, "landis_koch", "slight"),
        (0.21, "landis_koch", "fair"), (0.61, "landis_koch", "substantial"), (0.81, "landis_koch", "almost perfect"),
        (0.20, "mchugh", "none"), (0.39, "mchugh", "minimal"), (0.40, "mchugh", "weak"),
        (0.72, "mchugh", "moderate"), (0.90, "mchugh", "strong"), (0.91, "mchugh", "almost perfect"),
        (0.666, "krippendorff", "unacceptable"), (0.667, "krippendorff", "tentative conclusions only"),
        (0.80, "krippendorff", "acceptable"), (0.75, "fleiss", "fair to good"), (0.76, "fleiss", "excellent"),
    ],
)
def test_interpret_band_edges(value, scale, label):
    assert interpret(value, scale=scale).at[0, "label"] == label


def test_interpret_study_values_side_by_side():
    # The kappas reported by Nakash et al. (2021): 0.82, 0.71, 0.70, 0.72.
    res = interpret([0.82, 0.71, 0.70, 0.72], scale="all")
    assert len(res) == 16
    wide = res.pivot(index="value", columns="scale", values="label")
    assert wide.at[0.82, "landis_koch"] == "almost perfect"
    assert wide.at[0.70, "krippendorff"] == "tentative conclusions only"
    assert interpret(np.nan).at[0, "label"] is None
    with pytest.raises(ValueError, match="between -1 and 1; got np.float64\\(1.2\\)"):
        interpret(1.2)  # outside the domain: refused by name, not labelled None


def test_interpretation_scales_are_tidy_and_cover_the_range():
    bands = interpretation_scales()
    assert list(bands.columns) == ["scale", "lower", "upper", "closed", "label", "source"]
    grid = np.round(np.linspace(-1, 1, 2001), 3)
    for scale in bands["scale"].unique():
        labels = interpret(grid, scale=scale)["label"]
        assert labels.notna().all(), scale


def test_interpret_accepts_result_tables():
    res = interpret(agreement_table(DIAGNOSES), scale="mchugh")
    assert res["coefficient"].tolist()[:3] == ["percent_agreement", "cohen_kappa", "fleiss_kappa"]
    assert res.set_index("coefficient").at["fleiss_kappa", "label"] == "weak"


# ---------------------------------------------------------------------------
# Documentation
# ---------------------------------------------------------------------------


def test_docstring_examples_run():
    attempted = 0
    for module in (stats.coding, stats.agreement, stats.cores, stats.bootstrap, stats.benchmarks,
                   stats.rater_models, stats.kappa_precision):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted > 15


def test_public_api_is_documented():
    for name in stats.agreement.__all__ + stats.cores.__all__ + ["bootstrap_ci", "interpret",
                                                                            "interpretation_scales"]:
        doc = getattr(stats, name).__doc__
        assert doc and "Examples" in doc and "Returns" in doc, name


# --------------------------------------------------------------------------
# intake_alliance.reliability_study: simulation, pooling, sample size
# --------------------------------------------------------------------------



def _ratings_from_patterns(patterns) -> np.ndarray:
    rows = [list(stats.rater_models._BITS[k].astype(int)) for k, c in enumerate(patterns) for _ in range(int(c))]
    return np.array(rows)


def test_reliability_study_doctests() -> None:
    result = doctest.testmod(stats.rater_models, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_pattern_coefficients_match_the_reference_functions() -> None:
    tabs = stats.random_pattern_tables(6, 1, 30, seed=11)[:, 0]
    for t in tabs:
        r = _ratings_from_patterns(t)
        v = stats.pattern_coefficients(t)
        assert v["fleiss_kappa"] == pytest.approx(one(fleiss_kappa(r)), abs=1e-10)
        assert v["light_kappa"] == pytest.approx(one(light_kappa(r)), abs=1e-10)
        assert v["krippendorff_alpha"] == pytest.approx(one(krippendorff_alpha(r)), abs=1e-10)
        assert v["percent_agreement"] == pytest.approx(one(percent_agreement(r)), abs=1e-10)


def test_pattern_coefficients_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="patterns"):
        stats.pattern_coefficients([1, 2, 3])
    with pytest.raises(ValueError, match="non-negative"):
        stats.pattern_coefficients([1, -1, 0, 0, 0, 0, 0, 3])


def test_simulation_population_kappa_is_accuracy_squared() -> None:
    a = stats.accuracy_for_kappa(0.64)
    assert a == pytest.approx(0.8)
    counts = stats.simulate_presence_counts(0.3, a, n_units=20000, n_reps=1, seed=5)
    assert fleiss_kappa_batch(counts)[0] == pytest.approx(0.64, abs=0.02)
    # every rater's marginal equals the prevalence
    assert counts[0, :, 1].sum() / counts[0].sum() == pytest.approx(0.3, abs=0.01)


def test_simulation_is_seeded_and_validates() -> None:
    one_run = stats.simulate_presence_counts([0.1, 0.5, 0.2], 0.9, n_reps=3, seed=2)
    assert np.array_equal(one_run, stats.simulate_presence_counts([0.1, 0.5, 0.2], 0.9, n_reps=3, seed=2))
    assert one_run.shape == (3, 3, 2) and (one_run.sum(axis=2) == 3).all()
    with pytest.raises(ValueError, match="accuracy"):
        stats.simulate_presence_counts(0.3, 1.5, n_units=4)
    with pytest.raises(ValueError, match="n_units"):
        stats.simulate_presence_counts(0.3, 0.5)
    with pytest.raises(ValueError, match="prevalence"):
        stats.simulate_presence_counts([0.3, 0.0], 0.5)


def test_calibration_hits_the_target_and_pooling_over_themes_needs_less_accuracy() -> None:
    prev = np.repeat([0.05, 0.5], 100)
    res = stats.calibrate_accuracy(0.71, prev, n_reps=300, seed=1)
    assert res["mean_kappa"] == pytest.approx(0.71, abs=0.005)
    # mixed prevalences raise the pooled kappa, so less accuracy than sqrt(kappa) is needed
    assert res["accuracy"] < res["accuracy_analytic"]
    with pytest.raises(ValueError, match="target_kappa"):
        stats.calibrate_accuracy(1.2, prev)


def test_segment_prevalence_inverts_interview_share() -> None:
    s = stats.segment_prevalence([0.2, 0.9], 10)
    assert np.allclose(1 - (1 - s) ** 10, [0.2, 0.9])
    with pytest.raises(ValueError, match="segments_per_interview"):
        stats.segment_prevalence(0.2, 0)


def test_per_theme_kappas_shape_and_values() -> None:
    counts = stats.simulate_presence_counts(np.repeat([0.2, 0.4], 50), 0.9, n_reps=4, seed=3)
    out = stats.per_theme_kappas(counts, ["a", "b"])
    assert len(out) == 8 and set(out.theme) == {"a", "b"}
    first = out[(out.rep == 0) & (out.theme == "b")].kappa.iloc[0]
    assert first == pytest.approx(one(fleiss_kappa(counts=counts[0, 50:])))
    with pytest.raises(ValueError, match="multiple"):
        stats.per_theme_kappas(counts, ["a", "b", "c"])


def test_ratings_from_cells_round_trip() -> None:
    r = stats.ratings_from_cells(40, 9, 6, 45)
    assert len(r) == 100
    assert one(percent_agreement(r)) == pytest.approx(0.85)
    with pytest.raises(ValueError, match="first_only"):
        stats.ratings_from_cells(1, -1, 0, 3)


@given(st.lists(st.lists(st.integers(0, 12), min_size=8, max_size=8), min_size=2, max_size=4))
def test_pooled_fleiss_kappa_is_never_below_every_part(parts) -> None:
    tables = []
    for pat in parts:
        if sum(pat) < 2:
            return
        k = stats.rater_models._BITS[:, :].sum(axis=1)
        tables.append(np.repeat(np.stack([3 - k, k], axis=1), pat, axis=0))
    dec = stats.fleiss_pooling_decomposition(tables)
    kap = dec.kappa.iloc[:-1]
    pooled = dec.iloc[-1]
    if not (np.isfinite(kap).all() and np.isfinite(pooled.kappa)):
        return
    assert pooled.kappa >= pooled.weighted_mean - 1e-9
    assert pooled.kappa >= kap.min() - 1e-9
    assert pooled.prevalence_gain >= -1e-9


def test_pooling_decomposition_gain_is_zero_for_equal_prevalence() -> None:
    a = np.array([[3, 0], [0, 3], [2, 1], [1, 2]])
    dec = stats.fleiss_pooling_decomposition([a, a[::-1]])
    assert dec.iloc[-1].prevalence_gain == pytest.approx(0.0, abs=1e-12)
    assert dec.iloc[-1].kappa == pytest.approx(dec.kappa.iloc[0])
    with pytest.raises(ValueError, match="same number of ratings"):
        stats.fleiss_pooling_decomposition([a, np.array([[2, 0], [0, 2]])])


def test_light_kappa_can_pool_below_every_part() -> None:
    # rater 1 codes generously in part 1 and sparingly in part 2; rater 2 the reverse
    part1 = [30, 0, 0, 0, 0, 0, 0, 30]
    part1[1] = 8  # pattern 1: only rater 0 codes present
    part2 = [30, 0, 8, 0, 0, 0, 0, 30]  # pattern 2: only rater 1 codes present
    parts = stats.pattern_coefficients(np.array([part1, part2]))["light_kappa"]
    pooled = stats.pattern_coefficients(np.array(part1) + np.array(part2))["light_kappa"]
    assert pooled < parts.min()
    found = stats.search_pooled_below_parts(np.array([[part1, part2]])).set_index("coefficient")
    assert found.at["light_kappa", "n_below"] == 1 and found.at["fleiss_kappa", "n_below"] == 0


def test_pooling_consistency_rules() -> None:
    assert not stats.pooling_consistency(["0.82", "0.71", "0.71"], "0.70")["consistent"]
    assert not stats.pooling_consistency(["0.82", "0.71", "0.71"], "0.70", rule="truncate")["consistent"]
    assert stats.pooling_consistency(["0.82", "0.71", "0.70"], "0.72")["consistent"]
    with pytest.raises(ValueError, match="rule"):
        stats.pooling_consistency(["0.8", "0.7"], "0.7", rule="floor")
    with pytest.raises(ValueError, match="same number of decimals"):
        stats.pooling_consistency(["0.8", "0.71"], "0.70")


def test_cohen_se_on_expected_table_matches_statsmodels() -> None:
    from statsmodels.stats.inter_rater import cohens_kappa as sm_ck
    k, p, n = 0.7, 0.3, 1000
    q = 1 - p
    table = n * np.array([[q * q + k * p * q, (1 - k) * p * q], [(1 - k) * p * q, p * p + k * p * q]])
    ref = sm_ck(table)
    assert float(stats.cohen_kappa_se_expected(k, p, n)[0]) == pytest.approx(ref.std_kappa, rel=1e-9)
    assert float(ref.kappa) == pytest.approx(k)
    with pytest.raises(ValueError, match="n_units"):
        stats.cohen_kappa_se_expected(0.7, 0.3, [1.5])


def test_simulated_halfwidth_shrinks_and_units_needed() -> None:
    res = stats.simulated_kappa_halfwidth(0.7, 0.3, [20, 80, 320], n_reps=400, seed=4)
    assert res.halfwidth.is_monotonic_decreasing
    assert res.mean_kappa.iloc[-1] == pytest.approx(0.7, abs=0.03)
    assert stats.units_needed([10, 20, 40, 80], [0.3, 0.09, 0.11, 0.05]) == 80
    assert stats.units_needed([10, 20], [0.3, 0.2]) is None
    with pytest.raises(ValueError, match="same length"):
        stats.units_needed([10, 20], [0.3])


def test_reliability_study_errors_name_the_argument():

    with pytest.raises(ValueError, match="`tables`"):
        stats.search_pooled_below_parts(np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match="`parts` and `pooled`"):
        stats.pooling_consistency(["0.8x", "0.71"], "0.70")


def test_a_wrapped_coefficient_is_called_not_replaced_by_the_fast_path():
    import functools

    data = random_ratings(4, n_units=30)

    @functools.wraps(fleiss_kappa)
    def negated(*args, **kwargs):
        return -fleiss_kappa(*args, **kwargs).at[0, "estimate"]

    plain = bootstrap_ci(fleiss_kappa, data, n_resamples=30, seed=1).at[0, "estimate"]
    assert bootstrap_ci(negated, data, n_resamples=30, seed=1).at[0, "estimate"] == pytest.approx(-plain)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["int", "float", "float-missing"]))
def test_numeric_arrays_are_coded_as_their_objects_are(seed, kind):
    """The numeric fast path of the ratings reader gives the same units, codes and categories as the
    general path (each label a Python object)."""
    from intake_alliance.stats import coding

    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(int(rng.integers(2, 30)), int(rng.integers(2, 5))))
    if kind != "int":
        x = x.astype(float) / 2
    if kind == "float-missing":
        x[rng.random(x.shape) < 0.2] = np.nan
    try:
        fast = coding.prepare("t", x, None, None, allow_missing=True)
    except ValueError as exc:
        with pytest.raises(ValueError, match=re.escape(str(exc))):
            coding.prepare("t", x.astype(object), None, None, allow_missing=True)
        return
    slow = coding.prepare("t", x.astype(object), None, None, allow_missing=True)
    assert fast.categories == slow.categories and [type(c) for c in fast.categories] == [type(c) for c in slow.categories]
    np.testing.assert_array_equal(fast.codes, slow.codes)
    np.testing.assert_array_equal(fast.counts, slow.counts)


# --- labels that used to give another number without a word (methods review, issue 30) ---


def test_text_nan_from_numpy_is_refused() -> None:
    ratings = np.array([["a", "a", np.nan], ["b", "b", "b"], ["a", "b", "a"], ["b", np.nan, "b"]])  # 'nan' as text
    with pytest.raises(ValueError, match="text 'nan'"):
        krippendorff_alpha(ratings)
    as_objects = np.array([["a", "a", np.nan], ["b", "b", "b"], ["a", "b", "a"], ["b", np.nan, "b"]], dtype=object)
    # hand-worked: coincidences o_aa = 2 + 1 = 3, o_bb = 3 + 2 = 5, o_ab = o_ba = 1 (n = 10; n_a = 4, n_b = 6),
    # D_o = 2/10, D_e = 2 * 4 * 6 / (10 * 9), alpha = 1 - D_o / D_e = 0.625
    assert one(krippendorff_alpha(as_objects)) == pytest.approx(1 - (2 / 10) / (48 / 90), abs=1e-12)


def test_categorical_columns_give_their_levels_in_order() -> None:
    order = ["low", "medium", "high", "unsure"]
    rows = {"r1": ["low", "medium", "high", "low", "high", "medium"],
            "r2": ["low", "high", "high", "medium", "high", "low"],
            "r3": ["medium", "medium", "high", "low", "medium", "medium"]}
    frame = pd.DataFrame({r: pd.Categorical(v, categories=order, ordered=True) for r, v in rows.items()})
    plain = pd.DataFrame(rows)
    for f, kw in ((krippendorff_alpha, {"level": "ordinal"}), (gwet_ac1, {}), (pabak, {})):
        assert one(f(frame, **kw)) == pytest.approx(one(f(plain, categories=order, **kw)), abs=1e-12), f.__name__
    assert int(pabak(frame).at[0, "q"]) == 4  # the unused level counts
    mixed = plain.assign(r1=pd.Categorical(rows["r1"], categories=order))
    with pytest.raises(ValueError, match="categorical"):
        gwet_ac1(mixed)


def test_order_dependent_coefficients_refuse_text_labels_sorted_as_text() -> None:
    pairs = np.array([[2, 2], [9, 10], [10, 10], [9, 9], [2, 10], [10, 2], [9, 2]])
    text = pairs.astype(str)
    for call in (lambda: cohen_kappa(text, weights="linear"), lambda: krippendorff_alpha(text, level="ordinal"),
                 lambda: bootstrap_ci("cohen_kappa", text, weights="quadratic", n_resamples=10)):
        with pytest.raises(ValueError, match="order of the categories"):
            call()
    declared = cohen_kappa(text, weights="linear", categories=["2", "9", "10"])
    assert one(declared) == pytest.approx(one(cohen_kappa(pairs, weights="linear")), abs=1e-12)
    assert np.isfinite(one(cohen_kappa(text)))  # unweighted kappa does not depend on the order


def test_a_callable_statistic_gets_the_declared_categories() -> None:
    data = [[0, 0], [1, 1], [0, 1], [1, 1], [0, 0], [1, 0]]
    by_name = bootstrap_ci("gwet_ac1", data, categories=[0, 1, 2], n_resamples=300, seed=3)
    by_callable = bootstrap_ci(lambda x, **kw: gwet_ac1(x, **kw), data, categories=[0, 1, 2], n_resamples=300, seed=3)
    assert by_callable.at[0, "estimate"] == pytest.approx(by_name.at[0, "estimate"], abs=1e-12)
    assert by_callable.at[0, "ci_low"] == pytest.approx(by_name.at[0, "ci_low"], abs=1e-12)


def test_light_kappa_is_undefined_when_a_pair_is_and_names_the_pair() -> None:
    # raters 0 and 1 both code every unit "a": their kappa is 0/0, so the mean over the three pairs is undefined
    # (R's irr::kappam.light gives NaN too); the note names the pair
    res = light_kappa([["a", "a", "b"], ["a", "a", "a"], ["a", "a", "b"]])
    assert np.isnan(res.at[0, "estimate"]) and "rater_0|rater_1" in res.at[0, "note"]
