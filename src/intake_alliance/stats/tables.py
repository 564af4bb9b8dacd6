"""Two proportions: Fisher's exact test, chi-square, risk difference and odds ratio; and the stratified CMH test.

Each function takes ``x1`` events of ``n1`` against ``x2`` of ``n2`` (one such
tuple per stratum for :func:`cmh_test`) and calls the field's implementation
(scipy, statsmodels, pingouin).
"""

from __future__ import annotations

import math
import warnings
import numpy as np
import pandas as pd
from scipy import stats
from ._checks import check_confidence, check_int

__all__ = ["fisher_test", "risk_difference", "odds_ratio", "chi2_test", "cmh_test"]




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
    """Return the Yates-corrected chi-square p-value (pingouin), or NaN if an expected count is below ``min_expected``."""
    import pingouin as pg

    x1, n1, x2, n2 = _table_args(x1, n1, x2, n2)
    obs = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float)
    expected = obs.sum(1, keepdims=True) * obs.sum(0, keepdims=True) / obs.sum()
    if expected.min() < min_expected:
        return math.nan
    long = pd.DataFrame({"group": ["g1"] * n1 + ["g2"] * n2,
                         "theme": [1] * x1 + [0] * (n1 - x1) + [1] * x2 + [0] * (n2 - x2)})
    with warnings.catch_warnings():  # pingouin warns on small *observed* counts; the rule here is on expected ones
        warnings.filterwarnings("ignore", message="Low count on observed frequencies")
        _, _, res = pg.chi2_independence(long, x="group", y="theme", correction=True)
    return float(res.set_index("test").at["pearson", "pval"])


def cmh_test(strata, correction: bool = True) -> float:
    """Return the Cochran-Mantel-Haenszel p-value for two groups compared within strata (statsmodels).

    ``strata`` is an iterable of ``(x1, n1, x2, n2)``: ``x1`` events of ``n1`` in group 1 and ``x2`` of
    ``n2`` in group 2 within one stratum (clients of one therapist, say). A stratum with only one group
    carries no information about the comparison and is left out, as the test itself would weigh it by
    zero. The result is NaN when no stratum is informative: no stratum has both groups, or in none of
    them does the event vary.

    Examples
    --------
    Two therapists, each seeing both groups, the event more common in group 1 with both:

    >>> round(cmh_test([(4, 5, 1, 5), (3, 4, 0, 4)]), 4)
    0.0242
    """
    rows = []
    for i, stratum in enumerate(strata):
        try:
            x1, n1, x2, n2 = stratum
        except (TypeError, ValueError):
            raise ValueError(f"`strata`: stratum {i} must be (x1, n1, x2, n2); got {stratum!r}") from None
        n1, n2 = check_int(n1, f"strata[{i}] n1", 0), check_int(n2, f"strata[{i}] n2", 0)
        x1, x2 = check_int(x1, f"strata[{i}] x1", 0), check_int(x2, f"strata[{i}] x2", 0)
        if x1 > n1 or x2 > n2:
            raise ValueError(f"`strata`: stratum {i} has more events than cases: {stratum!r}")
        if n1 and n2 and 0 < x1 + x2 < n1 + n2:
            rows.append([[x1, n1 - x1], [x2, n2 - x2]])
    if not rows:
        return math.nan
    from statsmodels.stats.contingency_tables import StratifiedTable

    table = StratifiedTable(np.array(rows, dtype=float).transpose(1, 2, 0))
    return float(table.test_null_odds(correction=correction).pvalue)
