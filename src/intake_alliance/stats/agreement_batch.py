"""Agreement coefficients for many count tables at once, as simulation studies need.

:func:`fleiss_kappa_batch`, :func:`gwet_ac1_batch`,
:func:`percent_agreement_batch` and :func:`krippendorff_alpha_batch` take an
array of shape ``(n_tables, n_units, n_categories)`` and return one value per
table, with the algebra of the single-table functions in
:mod:`intake_alliance.stats.agreement`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
import numpy as np
from .coding import Level, LEVELS, ac1_chance, alpha_from_coincidences, chance_corrected, unit_coincidences, unit_pair_agreement

__all__ = ["fleiss_kappa_batch", "percent_agreement_batch", "gwet_ac1_batch", "krippendorff_alpha_batch"]


def _check_batch(counts: Any) -> np.ndarray:
    try:
        arr = np.asarray(counts, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("`counts` must be a numeric array of shape (n_tables, n_units, n_categories).") from exc
    if arr.ndim != 3:
        raise ValueError(
            f"`counts` must have shape (n_tables, n_units, n_categories); got {arr.ndim} dimension(s)."
        )
    if arr.shape[2] < 2:
        raise ValueError("`counts` needs at least two category columns.")
    if arr.shape[1] < 2:
        raise ValueError("`counts` needs at least two units per table.")
    if np.isnan(arr).any() or (arr < 0).any() or not np.all(arr == np.round(arr)):
        raise ValueError("`counts` must hold non-negative whole numbers (no NaN).")
    return arr


def fleiss_kappa_batch(counts: Any) -> np.ndarray:
    """Fleiss' kappa for many count tables at once.

    Parameters
    ----------
    counts : array of shape (n_tables, n_units, n_categories)
        Stacked units x categories count tables. Within a table every unit
        must have the same number of ratings; tables may differ.

    Returns
    -------
    ndarray of shape (n_tables,)
        Kappa of each table (NaN where chance agreement is 1).

    Notes
    -----
    Same formula as :func:`fleiss_kappa`, evaluated with array reductions
    instead of a Python loop, so 10,000 simulated 200 x 8 tables take a
    fraction of a second.

    Examples
    --------
    >>> import numpy as np
    >>> from intake_alliance.stats import fleiss_kappa_batch
    >>> rng = np.random.default_rng(1)
    >>> labels = rng.integers(0, 3, size=(4, 50, 3))          # 4 tables, 50 units, 3 raters
    >>> counts = (labels[..., None] == np.arange(3)).sum(axis=2)
    >>> fleiss_kappa_batch(counts).shape
    (4,)
    """
    c = _check_batch(counts)
    m = c.sum(axis=2)
    if not np.all(m == m[:, :1]):
        raise ValueError("`counts`: Fleiss' kappa needs the same number of ratings for every unit of a table.")
    m = m[:, 0]
    if (m < 2).any():
        raise ValueError("`counts`: every table needs at least two ratings per unit.")
    n_units = c.shape[1]
    pbar = (c * (c - 1.0)).sum(axis=(1, 2)) / (n_units * m * (m - 1.0))
    p = c.sum(axis=1) / (n_units * m)[:, None]
    return chance_corrected(pbar, (p**2).sum(axis=1))


def _batch_agreement(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    share, pairable = unit_pair_agreement(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = share.sum(axis=1) / pairable.sum(axis=1)
    return pa, pairable


def percent_agreement_batch(counts: Any) -> np.ndarray:
    """Pairwise percent agreement for many count tables at once.

    Parameters
    ----------
    counts : array of shape (n_tables, n_units, n_categories)
        Stacked count tables; units may have different numbers of ratings.

    Returns
    -------
    ndarray of shape (n_tables,)

    Notes
    -----
    Same definition as :func:`percent_agreement`.

    Examples
    --------
    >>> from intake_alliance.stats import percent_agreement_batch
    >>> percent_agreement_batch([[[2, 0], [1, 1]], [[2, 0], [0, 2]]]).tolist()
    [0.5, 1.0]
    """
    return _batch_agreement(_check_batch(counts))[0]


def gwet_ac1_batch(counts: Any) -> np.ndarray:
    """Gwet's AC1 for many count tables at once.

    Parameters
    ----------
    counts : array of shape (n_tables, n_units, n_categories)
        Stacked count tables; the number of categories *q* is the last axis.
        Units without any rating must not be present.

    Returns
    -------
    ndarray of shape (n_tables,)

    Notes
    -----
    Same definition as :func:`gwet_ac1`.

    Examples
    --------
    >>> from intake_alliance.stats import gwet_ac1_batch
    >>> gwet_ac1_batch([[[2, 0], [0, 2]], [[2, 0], [1, 1]]]).round(3).tolist()
    [1.0, 0.2]
    """
    c = _check_batch(counts)
    r = c.sum(axis=2)
    if (r == 0).any():
        raise ValueError("`counts` contains units without any rating; drop them first.")
    pa, _ = _batch_agreement(c)
    pi = (c / r[..., None]).mean(axis=1)
    return chance_corrected(pa, ac1_chance(pi, c.shape[2]))


def krippendorff_alpha_batch(counts: Any, *, level: Level = "nominal", values: Sequence[float] | None = None
                             ) -> np.ndarray:
    """Krippendorff's alpha for many count tables at once.

    Parameters
    ----------
    counts : array of shape (n_tables, n_units, n_categories)
        Stacked count tables; units may have different numbers of ratings.
        For ``"ordinal"`` the columns must be in scale order.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement.
    values : sequence of float, optional
        Numeric value of each category column; required for ``"interval"``
        and ``"ratio"``.

    Returns
    -------
    ndarray of shape (n_tables,)

    Notes
    -----
    Same definition as :func:`krippendorff_alpha`; the coincidence matrices
    of all tables are built with one ``einsum``.

    Examples
    --------
    >>> from intake_alliance.stats import krippendorff_alpha_batch
    >>> krippendorff_alpha_batch([[[2, 0], [0, 2]], [[2, 0], [1, 1]]]).round(3).tolist()
    [1.0, 0.0]
    """
    if level not in LEVELS:
        raise ValueError(f"`level` must be one of {LEVELS}; got {level!r}.")
    c = _check_batch(counts)
    if level in ("interval", "ratio"):
        if values is None or len(values) != c.shape[2]:
            raise ValueError(f"level={level!r} needs `values`, one number per category column.")
        values = np.asarray(values, dtype=float)
    o = unit_coincidences(c).sum(axis=1)
    return alpha_from_coincidences(o, level, values)
