"""How many coded units a kappa needs: expected standard errors and simulated interval widths.

:func:`cohen_kappa_se_expected`, :func:`simulated_kappa_halfwidth` and
:func:`units_needed` say how many units give a confidence interval of a chosen
half-width around a kappa of about .70.
"""

from __future__ import annotations

from collections.abc import Sequence
import numpy as np
import pandas as pd
from scipy import stats
from .checks import SeedLike, check_int, check_unit_interval, make_rng
from .cores import fleiss_kappa_batch
from .rater_models import accuracy_for_kappa, simulate_presence_counts

__all__ = ["cohen_kappa_se_expected", "simulated_kappa_halfwidth", "units_needed"]


def cohen_kappa_se_expected(kappa: float, prevalence: float, n_units: int | Sequence[int]) -> np.ndarray:
    """Large-sample SE of Cohen's kappa for two unbiased raters, evaluated on the expected table.

    The expected 2 x 2 table has cells :math:`p^2 + \\kappa p q`, :math:`(1 -
    \\kappa) p q` twice and :math:`q^2 + \\kappa p q` (:math:`q = 1-p`), i.e.
    both raters code "present" with probability *p* and agree with kappa
    :math:`\\kappa`. The variance is that of Fleiss, Cohen and Everitt (1969)
    (the non-null ``std_kappa`` of statsmodels), divided by ``n_units``.

    Examples
    --------
    >>> bool(cohen_kappa_se_expected(0.7, 0.5, 100)[0] > cohen_kappa_se_expected(0.7, 0.5, 400)[0])
    True
    """
    k = float(check_unit_interval(kappa, "kappa", open_low=False, open_high=True))
    p = float(check_unit_interval(prevalence, "prevalence"))
    n = np.atleast_1d(np.asarray(n_units))
    if n.ndim != 1 or not np.all(n == np.round(n)) or (n < 2).any():
        raise ValueError(f"`n_units` must be whole numbers >= 2; got {n_units!r}.")
    q = 1 - p
    tab = np.array([[q * q + k * p * q, (1 - k) * p * q], [(1 - k) * p * q, p * p + k * p * q]])
    row, col = tab.sum(axis=1), tab.sum(axis=0)
    pe = float(row @ col)
    diag = sum(tab[i, i] * (1 - (row[i] + col[i]) * (1 - k)) ** 2 for i in range(2))
    off = (1 - k) ** 2 * sum(tab[i, j] * (col[i] + row[j]) ** 2 for i in range(2) for j in range(2) if i != j)
    var1 = (diag + off - (k - pe * (1 - k)) ** 2) / (1 - pe) ** 2
    return np.sqrt(var1 / n.astype(float))


def simulated_kappa_halfwidth(kappa: float, prevalence: float, n_units: Sequence[int], *, n_raters: int = 3,
                              n_reps: int = 2000, confidence: float = 0.95, seed: SeedLike = 0) -> pd.DataFrame:
    """Half-width of the central interval of simulated Fleiss' kappas, for each number of units.

    Data come from :func:`simulate_presence_counts` with accuracy
    ``sqrt(kappa)``. ``halfwidth`` is half the distance between the
    (1 - confidence)/2 and (1 + confidence)/2 quantiles of the simulated
    kappas, ``halfwidth_sd`` is the normal-theory z * SD.

    Returns
    -------
    DataFrame
        ``n_units, mean_kappa, sd, halfwidth, halfwidth_sd, share_undefined``.
    """
    if not (isinstance(confidence, float) and 0 < confidence < 1):
        raise ValueError(f"`confidence` must be a float strictly between 0 and 1; got {confidence!r}.")
    a = accuracy_for_kappa(kappa)
    rng = make_rng(seed)
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows = []
    for n in n_units:
        n = check_int(n, "n_units", 2)
        counts = simulate_presence_counts(prevalence, a, n_units=n, n_raters=n_raters, n_reps=n_reps, seed=rng)
        with np.errstate(divide="ignore", invalid="ignore"):
            kap = fleiss_kappa_batch(counts)
        ok = kap[np.isfinite(kap)]
        lo, hi = np.quantile(ok, [0.5 - confidence / 2, 0.5 + confidence / 2])
        rows.append({"n_units": n, "mean_kappa": float(ok.mean()), "sd": float(ok.std(ddof=1)),
                     "halfwidth": float((hi - lo) / 2), "halfwidth_sd": float(z * ok.std(ddof=1)),
                     "share_undefined": float(1 - ok.size / kap.size)})
    return pd.DataFrame(rows)


def units_needed(n_units: Sequence[int], halfwidth: Sequence[float], target: float = 0.10) -> int | None:
    """Return the smallest number of units from which the half-width stays at or below ``target``.

    ``None`` if the half-width never gets that small on the grid.

    Examples
    --------
    >>> units_needed([10, 20, 40], [0.3, 0.12, 0.08])
    40
    """
    n = np.asarray(n_units)
    h = np.asarray(halfwidth, dtype=float)
    if n.shape != h.shape or n.ndim != 1:
        raise ValueError("`n_units` and `halfwidth` must be 1-D sequences of the same length.")
    if not (isinstance(target, (int, float)) and target > 0):
        raise ValueError(f"`target` must be a positive number; got {target!r}.")
    order = np.argsort(n)
    n, h = n[order], h[order]
    ok = h <= target
    for i in range(n.size):
        if ok[i:].all():
            return int(n[i])
    return None
