"""Converting effect sizes: r and d, their variances, Fisher's z and intervals.

Conversions between the correlation *r* and the standardised mean difference
*d* follow Borenstein et al. (2009, ch. 7); :func:`convert_interval` carries a
published interval from one scale to the other.

References
----------
Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009).
*Introduction to meta-analysis*. Wiley.  Chapter 7, converting among effect sizes.
"""

from __future__ import annotations

import math
from numbers import Real
import numpy as np
from scipy import stats
from .checks import check_int, check_open_unit

__all__ = ["r_to_d", "d_to_r", "fisher_ci", "convert_interval"]


def _as_float_array(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must be a number or an array of numbers; got {value!r}") from exc
    if np.isnan(arr).any():
        raise ValueError(f"`{name}`: contains NaN")
    return arr


def _scalar_or_array(arr: np.ndarray, like):
    # Return a float for scalar input and an array otherwise, as numpy ufuncs do.
    return float(arr) if np.ndim(like) == 0 else arr


def _check_r(r, name: str = "r") -> np.ndarray:
    arr = _as_float_array(r, name)
    if (np.abs(arr) >= 1).any():
        raise ValueError(f"`{name}`: a correlation must lie strictly between -1 and 1, got {r!r}")
    return arr


def r_to_d(r, a: float = 4.0):
    """Return the standardised mean difference *d* equivalent to a correlation *r*.

    Parameters
    ----------
    r
        Correlation(s), strictly between -1 and 1.
    a
        Correction for unequal group sizes, ``(n1 + n2)**2 / (n1 * n2)``; 4 for
        equal groups (the usual default when the groups are not known).

    Notes
    -----
    Borenstein et al. (2009, eq. 7.8, with ``a = 4``):

    .. math:: d = \\frac{\\sqrt{a}\\, r}{\\sqrt{1 - r^2}}

    Examples
    --------
    >>> round(r_to_d(0.278), 3)   # Flückiger et al. (2018) report d = .579
    0.579
    """
    arr = _check_r(r)
    a = _check_a(a)
    return _scalar_or_array(math.sqrt(a) * arr / np.sqrt(1 - arr**2), r)


def d_to_r(d, a: float = 4.0):
    """Return the correlation *r* equivalent to a standardised mean difference *d*.

    Notes
    -----
    Borenstein et al. (2009, eq. 7.7): :math:`r = d / \\sqrt{d^2 + a}`, with
    ``a = 4`` for equal groups.  The inverse of :func:`r_to_d`.

    Examples
    --------
    >>> round(d_to_r(0.579), 3)
    0.278
    """
    arr = _as_float_array(d, "d")
    if not np.isfinite(arr).all():
        raise ValueError(f"`d` must be finite; got {d!r}")
    a = _check_a(a)
    return _scalar_or_array(arr / np.sqrt(arr**2 + a), d)


def _check_a(a) -> float:
    if isinstance(a, bool) or not isinstance(a, Real) or float(a) < 4:
        # (n1 + n2)^2 / (n1 n2) is at least 4, reached for equal groups
        raise ValueError(f"`a` must be a number of at least 4 ((n1 + n2)^2 / (n1 n2)); got {a!r}")
    return float(a)


def fisher_ci(r: float, n: int, k: int = 1, level: float = 0.95) -> tuple[float, float]:
    """Return the confidence interval ``(low, high)`` of a correlation through Fisher's *z*.

    Parameters
    ----------
    r
        The correlation.
    n
        Participants: the sample size of one study, or the total across ``k``
        studies for a pooled correlation.
    k
        Number of studies pooled.  Each study's *z* has variance ``1 / (n_i - 3)``,
        so an inverse-variance (fixed-effect) pool of ``k`` studies has variance
        ``1 / (n - 3k)``.
    level
        Confidence level.

    Notes
    -----
    .. math:: z \\pm z_{1-\\alpha/2} / \\sqrt{n - 3k}, \\quad \\text{back-transformed with } \\tanh

    For a pooled correlation this is the *fixed-effect* interval: it ignores the
    variation of true effects between studies, so it is narrower than the
    random-effects interval a meta-analysis of heterogeneous studies publishes.
    """
    _check_r(r)
    n = check_int(n, "n", minimum=4)
    k = check_int(k, "k")
    if n - 3 * k <= 0:
        raise ValueError(f"`n`: need more than 3 participants per study (n - 3k > 0), got n = {n}, k = {k}")
    level = check_open_unit(level, "level")
    se = 1 / math.sqrt(n - 3 * k)
    crit = stats.norm.ppf(0.5 + level / 2)
    z = math.atanh(r)
    return math.tanh(z - crit * se), math.tanh(z + crit * se)


def convert_interval(low: float, high: float, kind: str, to: str, a: float = 4.0) -> tuple[float, float]:
    """Return a published interval moved from scale ``kind`` to scale ``to`` (``"r"`` or ``"d"``).

    Both conversions are increasing functions, so the limits are transformed one
    by one and keep their order; the coverage is unchanged.
    """
    for name, value in (("kind", kind), ("to", to)):
        if value not in {"r", "d"}:
            raise ValueError(f"`{name}` must be 'r' or 'd'; got {value!r}")
    if not low <= high:
        raise ValueError(f"`low` must not exceed high; got low = {low}, high = {high}")
    if kind == to:
        return float(low), float(high)
    f = r_to_d if kind == "r" else d_to_r
    return float(f(low, a)), float(f(high, a))
