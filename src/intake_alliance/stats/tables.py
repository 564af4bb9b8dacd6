"""Two proportions: exact and asymptotic tests, risk difference and odds ratio; tests stratified by cluster.

Each function takes ``x1`` events of ``n1`` against ``x2`` of ``n2`` (one such
tuple per stratum for the stratified tests) and calls the field's implementation
(scipy, statsmodels) where one does the job:

* :func:`fisher_test`, :func:`two_by_two_tests` (Fisher, its mid-p, Boschloo's
  and Barnard's unconditional tests), :func:`chi2_test`;
* :func:`exact_stratified_test` -- the exact conditional test of no
  association within strata (the exact counterpart of the
  Cochran-Mantel-Haenszel test, as R's ``mantelhaen.test(exact = TRUE)``):
  the distribution of the total count in group 1 given every stratum's
  margins is the convolution of one hypergeometric distribution per stratum;
* :func:`cmh_test` -- the asymptotic Cochran-Mantel-Haenszel test, written out
  because statsmodels' ``StratifiedTable.test_null_odds(correction=True)``
  subtracts the continuity correction without stopping at zero (balanced
  strata get p = .56 instead of 1); kept only as a labelled comparison.
"""

from __future__ import annotations

import math
from typing import NamedTuple
import numpy as np
import pandas as pd
from scipy import stats
from .checks import check_confidence, check_int, check_work

__all__ = ["fisher_test", "two_by_two_tests", "risk_difference", "odds_ratio", "chi2_test", "exact_stratified_test",
           "ExactStratified", "cmh_test", "holm"]


def holm(p) -> np.ndarray:
    """Holm's step-down adjusted p-values, in the order given.

    The i-th smallest of m p-values is multiplied by m - i + 1, the running maximum taken from the smallest
    up, and the result capped at 1 (Holm, 1979). Written out because statsmodels' ``multipletests`` runs a
    full garbage collection on every call (about 50 ms): the audit and chapter 04 adjust hundreds of
    vectors. ``tests/test_concordance.py`` checks it against ``multipletests``.
    """
    values = np.asarray(p, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"`p` must be a one-dimensional sequence of p-values; got {values.ndim} dimensions")
    bad = ~((values >= 0) & (values <= 1))
    if bad.any():
        raise ValueError(f"`p` must hold p-values in [0, 1] (no NaN); {int(bad.sum())} of {values.size} are not, "
                         f"the first at position {int(np.argmax(bad))}")
    order = np.argsort(values, kind="stable")
    m = values.size
    stepped = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * values[order]))
    out = np.empty(m)
    out[order] = stepped
    return out


def _table_args(x1, n1, x2, n2) -> tuple[int, int, int, int]:
    n1, n2 = check_int(n1, "n1", 1), check_int(n2, "n2", 1)
    x1, x2 = check_int(x1, "x1", 0), check_int(x2, "x2", 0)
    if x1 > n1:
        raise ValueError(f"`x1`: {x1} events exceed n1 = {n1}")
    if x2 > n2:
        raise ValueError(f"`x2`: {x2} events exceed n2 = {n2}")
    return x1, n1, x2, n2




def fisher_test(x1: int, n1: int, x2: int, n2: int, alternative: str = "two-sided") -> float:
    """Return the p-value of Fisher's exact test for ``x1`` of ``n1`` versus ``x2`` of ``n2``."""
    x1, n1, x2, n2 = _table_args(x1, n1, x2, n2)
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"`alternative` must be 'two-sided', 'greater' or 'less'; got {alternative!r}")
    return float(stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative=alternative).pvalue)


def two_by_two_tests(x1: int, n1: int, x2: int, n2: int) -> pd.DataFrame:
    """Return the two-sided p-value of one 2 x 2 comparison under four exact tests.

    * ``fisher``: Fisher's test, conditional on both margins (:func:`scipy.stats.fisher_exact`); two-sided:
      the probability of the tables no more probable than the observed one;
    * ``fisher_mid_p``: its mid-p (:func:`exact_stratified_test` with one stratum), the same less half the
      probability of the observed table, which removes most of the conditional test's conservatism;
    * ``boschloo``: Boschloo's unconditional test, Fisher's one-sided p-value as statistic, its tail probability
      maximised over the common proportion (:func:`scipy.stats.boschloo_exact`); two-sided is twice the smaller
      one-sided p-value (scipy's definition), and each one-sided p-value is never larger than Fisher's;
    * ``barnard``: Barnard's unconditional test with the pooled score statistic, two-sided on its absolute
      value (:func:`scipy.stats.barnard_exact`).

    The four two-sided rules differ, so no test is uniformly the most conservative: Fisher's p-value is
    usually but not always the largest. One row per test: ``test``, ``conditional`` (whether it conditions on
    the event total) and ``p``.
    """
    x1, n1, x2, n2 = _table_args(x1, n1, x2, n2)
    check_work((n1 + 1) * (n2 + 1), "(`n1` + 1) x (`n2` + 1) tables of the unconditional tests", limit=4_000_000)
    table = [[x1, x2], [n1 - x1, n2 - x2]]  # scipy's unconditional tests take the groups as columns
    rows = [("fisher", True, fisher_test(x1, n1, x2, n2)),
            ("fisher_mid_p", True, exact_stratified_test([(x1, n1, x2, n2)]).mid_pvalue),
            ("boschloo", False, float(stats.boschloo_exact(table, alternative="two-sided", n=64).pvalue)),
            ("barnard", False, float(stats.barnard_exact(table, alternative="two-sided", n=64).pvalue))]
    return pd.DataFrame(rows, columns=["test", "conditional", "p"])


def risk_difference(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """Return ``x1/n1 - x2/n2`` with Newcombe's hybrid score (Wilson-based) interval.

    The interval is method 10 of Newcombe (1998), computed by
    :func:`statsmodels.stats.proportion.confint_proportions_2indep`.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    x1, n1, x2, n2 = _table_args(x1, n1, x2, n2)
    conf = check_confidence(confidence)
    lo, hi = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - conf)
    return x1 / n1 - x2 / n2, float(lo), float(hi)


def odds_ratio(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """Return the odds ratio of group 1 versus group 2 with its Woolf (log) interval.

    With a zero cell, 0.5 is added to every cell first (Haldane-Anscombe
    correction), so the estimate stays finite.  (``Table2x2(shift_zeros=True)``
    in statsmodels replaces only the empty cells, hence the explicit shift.)
    """
    from statsmodels.stats.contingency_tables import Table2x2

    x1, n1, x2, n2 = _table_args(x1, n1, x2, n2)
    conf = check_confidence(confidence)
    cells = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float)
    if (cells == 0).any():
        cells += 0.5
    t = Table2x2(cells, shift_zeros=False)
    lo, hi = t.oddsratio_confint(alpha=1 - conf)
    return float(t.oddsratio), float(lo), float(hi)


def chi2_test(x1: int, n1: int, x2: int, n2: int, min_expected: float = 5.0) -> float:
    """Return the Yates-corrected chi-square p-value, or NaN if an expected count is below ``min_expected``.

    :func:`scipy.stats.chi2_contingency` on the 2 x 2 table (pingouin's ``chi2_independence`` gives the same
    p-value from a long table, 200 times slower; the tests compare the two).
    """
    x1, n1, x2, n2 = _table_args(x1, n1, x2, n2)
    obs = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float)
    expected = obs.sum(1, keepdims=True) * obs.sum(0, keepdims=True) / obs.sum()
    if expected.min() < min_expected:
        return math.nan
    return float(stats.chi2_contingency(obs, correction=True).pvalue)


def _strata_array(strata, caller: str) -> np.ndarray:
    """Validate ``(x1, n1, x2, n2)`` strata and return the informative ones as a k x 4 integer array.

    A stratum with one group only, or in which the event does not vary, carries no information about the
    comparison (its count is fixed by its margins) and is left out.
    """
    rows, seen = [], 0
    for i, stratum in enumerate(strata):
        seen += 1
        try:
            x1, n1, x2, n2 = stratum
        except (TypeError, ValueError):
            raise ValueError(f"`strata`: stratum {i} must be (x1, n1, x2, n2); got {stratum!r}") from None
        n1, n2 = check_int(n1, f"strata[{i}] n1", 0), check_int(n2, f"strata[{i}] n2", 0)
        x1, x2 = check_int(x1, f"strata[{i}] x1", 0), check_int(x2, f"strata[{i}] x2", 0)
        if x1 > n1 or x2 > n2:
            raise ValueError(f"`strata`: stratum {i} has more events than cases: {stratum!r}")
        if n1 and n2 and 0 < x1 + x2 < n1 + n2:
            rows.append((x1, n1, x2, n2))
    if not seen:
        raise ValueError(f"`strata`: {caller} needs at least one stratum (x1, n1, x2, n2); got none")
    return np.array(rows, dtype=np.int64).reshape(-1, 4)


class ExactStratified(NamedTuple):
    """Result of :func:`exact_stratified_test`."""

    pvalue: float  #: two-sided: the probability of totals no more probable than the observed one
    mid_pvalue: float  #: the p-value less half the probability of the observed total (Lancaster's mid-p)
    statistic: int  #: the observed total of events in group 1 over the informative strata
    expected: float  #: its expectation given the margins
    informative_strata: int  #: strata with both groups in which the event varies
    low: int  #: the smallest total the margins allow
    high: int  #: the largest total the margins allow

    @property
    def mantel_fleiss(self) -> float:
        """Mantel and Fleiss's criterion, ``min(E - low, high - E)``: the chi-square approximation of the
        CMH test is trusted only when it is at least 5."""
        return min(self.expected - self.low, self.high - self.expected)


#: Relative tolerance for "as probable as the observed total" (the one R's mantelhaen.test and fisher.test use).
_REL_ERR = 1e-7


def exact_stratified_test(strata) -> ExactStratified:
    """Return the exact conditional test of no association between group and event within strata.

    ``strata`` is an iterable of ``(x1, n1, x2, n2)``: ``x1`` events of ``n1`` in group 1 and ``x2`` of
    ``n2`` in group 2 within one stratum (the clients of one therapist, say). Given each stratum's margins,
    ``x1`` is hypergeometric under the null hypothesis, so the total of ``x1`` over the strata has the
    convolution of those distributions; the two-sided p-value sums the probabilities of every total no more
    probable than the observed one (the rule of R's ``mantelhaen.test(exact = TRUE)`` and of
    :func:`scipy.stats.fisher_exact`, to which one stratum reduces). The mid-p subtracts half the probability
    of the observed total (Lancaster's mid-p). With no informative stratum the total is fixed by the margins
    and both p-values are 1: the data say nothing about the comparison.

    Examples
    --------
    Perfectly balanced strata carry no evidence of a difference:

    >>> exact_stratified_test([(1, 2, 1, 2), (2, 3, 1, 2)]).pvalue
    1.0
    """
    arr = _strata_array(strata, "exact_stratified_test")
    dist, low, high, expected = np.array([1.0]), 0, 0, 0.0
    for x1, n1, x2, n2 in arr:
        m = x1 + x2
        lo, hi = max(0, m - n2), min(n1, m)
        dist = np.convolve(dist, stats.hypergeom.pmf(np.arange(lo, hi + 1), n1 + n2, m, n1))
        low, high = low + lo, high + hi
        expected += n1 * m / (n1 + n2)
    observed = int(arr[:, 0].sum())
    d_obs = dist[observed - low]
    p = float(min(1.0, dist[dist <= d_obs * (1 + _REL_ERR)].sum()))
    mid = p - 0.5 * float(d_obs) if len(arr) else 1.0
    return ExactStratified(p, mid, observed, float(expected), len(arr), int(low), int(high))


def cmh_test(strata, correction: bool = True) -> float:
    """Return the Cochran-Mantel-Haenszel p-value for two groups compared within strata (asymptotic).

    ``strata`` is an iterable of ``(x1, n1, x2, n2)`` as for :func:`exact_stratified_test`; strata with one
    group only, or without variation in the event, are left out (the test weighs them by zero). The
    statistic is ``(|sum(x1 - E)| - 0.5)^2 / sum(V)`` with the correction clipped at zero, so balanced strata
    give p = 1 (statsmodels' ``StratifiedTable.test_null_odds(correction=True)`` does not clip: it gives
    .56 for two balanced strata). With sparse strata the chi-square approximation is poor; use
    :func:`exact_stratified_test`. NaN when no stratum is informative (the statistic is 0 / 0).

    Examples
    --------
    Two therapists, each seeing both groups, the event more common in group 1 with both:

    >>> round(cmh_test([(4, 5, 1, 5), (3, 4, 0, 4)]), 4)
    0.0242
    """
    arr = _strata_array(strata, "cmh_test").astype(float)
    if not len(arr):
        return math.nan
    x1, n1, x2, n2 = arr.T
    total, m = n1 + n2, x1 + x2
    deviation = float(np.sum(x1 - n1 * m / total))
    variance = float(np.sum(n1 * n2 * m * (total - m) / (total ** 2 * (total - 1))))
    shift = max(abs(deviation) - 0.5, 0.0) if correction else abs(deviation)
    return float(stats.chi2.sf(shift ** 2 / variance, 1))
