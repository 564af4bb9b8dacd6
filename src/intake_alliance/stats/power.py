"""Power and detectable differences for two proportions, and the design effect of clustering.

* :func:`fisher_power` and :func:`detectable_difference`: the exact power of
  Fisher's test and the smallest difference two groups of a given size detect.
* :func:`design_effect` and :func:`effective_sample_size`: Kish's (1965) design
  effect ``1 + (m - 1) ICC`` for units nested in clusters (clients within
  therapists), and the independent sample it is worth; with unequal clusters
  ``m`` is ``sum(m_j^2) / sum(m_j)`` (:func:`kish_cluster_size`). It is the
  variance inflation of a comparison only when every cluster lies within one
  group.
* :func:`contrast_design_effect`: the variance ratio of a difference of two
  group means when clusters hold both groups (a random-intercept model), which
  can be below 1; :func:`clustered_detectable_difference` the detectable
  difference with either.
"""

from __future__ import annotations

import functools
import math
from numbers import Real
import numpy as np
import pandas as pd
from scipy import stats
from .checks import check_icc, check_int, check_work

__all__ = ["fisher_power", "detectable_difference", "clustered_detectable_difference", "design_effect",
           "effective_sample_size", "kish_cluster_size", "contrast_design_effect"]


@functools.lru_cache(maxsize=16)
def _fisher_rejections(n1: int, n2: int, alpha: float) -> np.ndarray:
    """Which of the (n1 + 1)(n2 + 1) tables Fisher's two-sided test rejects at ``alpha``.

    For each total t of events the tables share one hypergeometric distribution, so all their p-values come
    from one sorted cumulative sum (the rule of :func:`scipy.stats.fisher_exact`: the probability of the
    tables no more probable than the observed one, with its relative tolerance of 1e-7): O(n log n) per
    total instead of one call of ``fisher_exact`` per table.
    """
    check_work((n1 + 1) * (n2 + 1), "(`n1` + 1) x (`n2` + 1) tables (use method='normal' for groups this large)",
               limit=1_000_000)
    rej = np.zeros((n1 + 1, n2 + 1), dtype=bool)
    total = n1 + n2
    for t in range(total + 1):
        i = np.arange(max(0, t - n2), min(n1, t) + 1)
        pmf = stats.hypergeom.pmf(i, total, t, n1)
        ordered = np.sort(pmf)
        cumulative = np.cumsum(ordered)
        p = cumulative[np.searchsorted(ordered, pmf * (1 + 1e-7), side="right") - 1]
        rej[i, t - i] = np.minimum(p, 1.0) <= alpha
    rej.setflags(write=False)
    return rej

_TINY = 1e-300


def fisher_power(p1: float, p2: float, n1: int, n2: int, alpha: float = 0.05) -> float:
    """Return the exact power of the two-sided Fisher test for true proportions ``p1`` and ``p2``."""
    n1, n2 = check_int(n1, "n1", 1), check_int(n2, "n2", 1)
    for name, p in (("p1", p1), ("p2", p2)):
        if isinstance(p, bool) or not isinstance(p, Real) or not 0 <= p <= 1:
            raise ValueError(f"`{name}` must be a proportion in [0, 1]; got {p!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not 0 < alpha < 1:
        raise ValueError(f"`alpha` must be a number strictly between 0 and 1; got {alpha!r}")
    # a subnormal proportion overflows scipy's binomial pmf; it differs from 0 by less than 1e-300 in the power
    p1, p2 = (0.0 if p < _TINY else float(p) for p in (p1, p2))
    rej = _fisher_rejections(n1, n2, float(alpha))
    f1 = stats.binom.pmf(np.arange(n1 + 1), n1, p1)
    f2 = stats.binom.pmf(np.arange(n2 + 1), n2, p2)
    return float(f1 @ rej @ f2)


def detectable_difference(n1: int, n2: int, base_rates, power: float = 0.8, alpha: float = 0.05,
                          method: str = "normal", grid_step: float = 0.001) -> pd.DataFrame:
    """Return, per base rate ``p2`` in group 2, the smallest ``p1 > p2`` detected with ``power``.

    ``method="normal"`` uses Cohen's *h* (:func:`statsmodels.stats.power.NormalIndPower`
    with :func:`statsmodels.stats.proportion.proportion_effectsize`) and inverts
    it exactly; ``method="fisher"`` scans ``p1`` on a grid of width
    ``grid_step`` using :func:`fisher_power`.  ``p1`` is NaN when no proportion
    up to 1 reaches the power.
    """
    n1, n2 = check_int(n1, "n1", 1), check_int(n2, "n2", 1)
    if not 0 < power < 1:
        raise ValueError(f"`power` must be a number strictly between 0 and 1; got {power!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"`alpha` must be a number strictly between 0 and 1; got {alpha!r}")
    if method not in ("normal", "fisher"):
        raise ValueError(f"`method` must be 'normal' or 'fisher'; got {method!r}")
    if not isinstance(grid_step, (int, float)) or not 1e-4 <= grid_step <= 0.1:
        raise ValueError(f"`grid_step` must be a number in [0.0001, 0.1]; got {grid_step!r}")
    rates = np.asarray(base_rates, dtype=float)
    if rates.ndim != 1 or rates.size == 0 or np.any(~((rates >= 0) & (rates < 1))):
        raise ValueError("`base_rates`: expected a non-empty 1-D sequence of proportions in [0, 1)")
    rows = []
    if method == "normal":
        rows = _normal_detectable(n1, n2, rates, power, alpha)
    else:
        grid = np.arange(0, 1 + grid_step / 2, grid_step)
        rej = _fisher_rejections(n1, n2, float(alpha)).astype(float)
        f1 = stats.binom.pmf(np.arange(n1 + 1)[None, :], n1, grid[:, None])  # grid x (n1 + 1)
        for p2 in rates:
            f2 = stats.binom.pmf(np.arange(n2 + 1), n2, p2)
            pw = f1 @ rej @ f2
            ok = np.flatnonzero((grid > p2) & (pw >= power))
            rows.append({"base_rate": p2, "detectable_rate": float(grid[ok[0]]) if ok.size else math.nan})
    out = pd.DataFrame(rows)
    out["difference"] = out.detectable_rate - out.base_rate
    out["method"] = method
    return out


def _normal_detectable(n1: float, n2: float, rates, power: float, alpha: float) -> list[dict]:
    """Invert the arcsine (Cohen's h) power calculation at each base rate; sample sizes may be fractional."""
    from statsmodels.stats.power import NormalIndPower

    h = NormalIndPower().solve_power(effect_size=None, nobs1=n1, ratio=n2 / n1, alpha=alpha, power=power,
                                     alternative="two-sided")
    rows = []
    for p2 in rates:
        phi = math.asin(math.sqrt(p2)) + h / 2
        rows.append({"base_rate": float(p2), "detectable_rate": math.sin(phi) ** 2 if phi <= math.pi / 2 else math.nan})
    return rows


def clustered_detectable_difference(n1: int, n2: int, design_effects, base_rates,
                                    power: float = 0.8, alpha: float = 0.05) -> pd.DataFrame:
    """Return :func:`detectable_difference` (normal method) with both groups scaled by a design effect.

    ``design_effects`` maps an intraclass correlation to the variance ratio of the comparison at that ICC
    (from :func:`design_effect` when each cluster lies within one group, from :func:`contrast_design_effect`
    when clusters hold both groups). A ratio ``r`` makes each group worth ``n / r`` independent units; a
    ratio below 1 makes the nested design *more* sensitive than independent units would be. One row per ICC
    and base rate: ``icc``, ``design_effect``, ``n1_effective``, ``n2_effective``, ``base_rate``,
    ``detectable_rate`` and ``difference``.

    Examples
    --------
    >>> t = clustered_detectable_difference(29, 26, {0.0: 1.0, 0.11: design_effect(55 / 22, 0.11)}, [0.3])
    >>> t.design_effect.round(3).tolist(), bool(t.difference.diff().iloc[1] > 0)
    ([1.0, 1.165], True)
    """
    n1, n2 = check_int(n1, "n1", 1), check_int(n2, "n2", 1)
    if not 0 < power < 1:
        raise ValueError(f"`power` must be a number strictly between 0 and 1; got {power!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"`alpha` must be a number strictly between 0 and 1; got {alpha!r}")
    rates = np.asarray(base_rates, dtype=float)
    if rates.ndim != 1 or rates.size == 0 or np.any(~((rates >= 0) & (rates < 1))):
        raise ValueError("`base_rates`: expected a non-empty 1-D sequence of proportions in [0, 1)")
    if not hasattr(design_effects, "items") or not design_effects:
        raise ValueError(f"`design_effects` must map at least one ICC to a variance ratio; got {design_effects!r}")
    rows = []
    for icc, deff in design_effects.items():
        icc = check_icc(icc)
        if isinstance(deff, bool) or not isinstance(deff, Real) or not 0 < float(deff) < math.inf:
            raise ValueError(f"`design_effects`: the ratio at ICC {icc} must be a positive number; got {deff!r}")
        e1, e2 = n1 / deff, n2 / deff
        for row in _normal_detectable(e1, e2, rates, power, alpha):
            rows.append({"icc": icc, "design_effect": float(deff), "n1_effective": e1, "n2_effective": e2, **row})
    out = pd.DataFrame(rows)
    out["difference"] = out.detectable_rate - out.base_rate
    return out


def kish_cluster_size(sizes) -> float:
    """Return ``sum(m_j^2) / sum(m_j)``, the cluster size to put in :func:`design_effect` when sizes differ.

    It equals the common size when all clusters are equal and exceeds the mean size otherwise (a mean
    caseload understates the design effect).

    Examples
    --------
    >>> kish_cluster_size([1, 2, 3])
    2.3333333333333335
    """
    m = np.asarray(sizes)
    if m.ndim != 1 or m.size == 0 or not np.issubdtype(m.dtype, np.integer) or (m < 1).any():
        raise ValueError(f"`sizes` must be a non-empty sequence of whole cluster sizes >= 1; got {sizes!r}")
    m = m.astype(float)
    return float((m ** 2).sum() / m.sum())


def contrast_design_effect(a, b, icc: float) -> float:
    """Return the variance of a difference of two group means under clustering, over its independent value.

    Cluster ``j`` holds ``a[j]`` units of group 1 and ``b[j]`` of group 2. With a random cluster intercept
    taking the share ``icc`` of the total variance, the difference of the group means has variance
    ``(1 - icc) (1/n1 + 1/n2) + icc * sum_j (a_j/n1 - b_j/n2)^2`` (units of the total variance), so the ratio
    is ``1 - icc + icc * S`` with ``S = sum_j (a_j/n1 - b_j/n2)^2 / (1/n1 + 1/n2)``. When every cluster lies
    within one group, ``S`` is the mean of the two groups' :func:`kish_cluster_size` weighted by ``1/n1`` and
    ``1/n2``, and the ratio is Kish's design effect; when clusters hold both groups in proportion, ``S`` is 0 and the ratio ``1 - icc`` is *below* 1 (the
    cluster effect cancels in the difference). For a proportion it is the linear-model approximation.

    Examples
    --------
    Two therapists with one client of each group: the therapist effect cancels.

    >>> contrast_design_effect([1, 1], [1, 1], 0.2)
    0.8
    """
    a, b = np.asarray(a), np.asarray(b)
    for name, v in (("a", a), ("b", b)):
        if v.ndim != 1 or not np.issubdtype(v.dtype, np.integer) or (v < 0).any():
            raise ValueError(f"`{name}` must be a 1-D sequence of whole counts >= 0 per cluster; got {v.tolist()!r}")
    if a.shape != b.shape or (a + b).min(initial=1) < 1:
        raise ValueError("`a`, `b`: one count per cluster in each, every cluster with at least one unit")
    n1, n2 = int(a.sum()), int(b.sum())
    if not n1 or not n2:
        raise ValueError(f"`a`, `b`: both groups need units; got {n1} and {n2}")
    icc = check_icc(icc)
    s = float(np.sum((a / n1 - b / n2) ** 2) / (1 / n1 + 1 / n2))
    return 1 - icc + icc * s


def design_effect(m: float, icc: float) -> float:
    """Return Kish's design effect ``1 + (m - 1) * icc`` for clusters of (mean) size ``m``.

    Parameters
    ----------
    m
        Clients per therapist; when caseloads differ, ``sum(m^2) / sum(m)``
        (:func:`kish_cluster_size`), not the mean.
    icc
        Intraclass correlation: the share of the variance that lies between therapists.

    Examples
    --------
    >>> design_effect(55 / 22, 0.11)
    1.165
    """
    if isinstance(m, bool) or not isinstance(m, Real) or not float(m) >= 1:
        raise ValueError(f"`m`: the cluster size must be a number of at least 1, got {m!r}")
    icc = check_icc(icc)
    return 1 + (float(m) - 1) * icc


def effective_sample_size(n: int, m: float, icc: float) -> float:
    """Return ``n / design_effect(m, icc)``: how many independent clients ``n`` nested ones are worth."""
    n = check_int(n, "n")
    return n / design_effect(m, icc)
