"""Inter-rater reliability of coded qualitative data.

Agreement coefficients for studies in which several raters assign each coded
unit (an interview segment, an utterance, a session) to one of a fixed set of
categories -- for example the eight themes of Nakash et al. (2021). The point
estimates come from the field's own libraries wherever they exist
(:mod:`statsmodels.stats.inter_rater` for Cohen's and Fleiss' kappa, the
``krippendorff`` package for alpha); this module adds what they lack: one
input convention, missing ratings, standard errors and confidence intervals,
Gwet's AC1, PABAK with Byrt's indices, a vectorised bootstrap, and
interpretation benchmarks returned as data.

Input convention
----------------
Every coefficient accepts the coded data in one of two shapes.

``ratings`` (first positional argument)
    A **units x raters** table: a :class:`pandas.DataFrame`, a 2-D NumPy
    array or a list of rows. Rows are coded units, columns are raters, and a
    cell holds the category label that rater gave that unit. Labels may be of
    any hashable type (``int``, ``str``, ``bool`` ...). A missing rating is
    ``NaN``, ``None`` or ``pd.NA``. Rows in which nobody rated the unit are
    dropped.

``counts=`` (keyword only)
    A **units x categories** table of non-negative integers: entry *(i, k)* is
    the number of raters who put unit *i* in category *k* (the layout of
    Fleiss, 1971, and of :func:`statsmodels.stats.inter_rater.aggregate_raters`;
    :func:`count_table` converts ``ratings`` into it). Only coefficients that
    are functions of these counts accept it: :func:`percent_agreement`,
    :func:`fleiss_kappa`, :func:`gwet_ac1`, :func:`krippendorff_alpha` and
    :func:`pabak`. Cohen's and Light's kappa need to know *which* rater gave
    which label, which a count table does not record, so they take
    ``ratings`` only.

``categories=`` (keyword only, optional)
    The full category set, in order. Without it the set is the labels that
    occur (sorted when the labels can be sorted). Declare it when coders could
    have used categories that nobody used: Gwet's AC1 and PABAK depend on the
    number of categories, and ordinal or interval alpha on their order. For a
    count table it names the columns.

Results
-------
Every public coefficient returns a tidy :class:`pandas.DataFrame` with one
row per coefficient (a few rows where a breakdown is requested) and the
columns ``coefficient, estimate, se, ci_low, ci_high, n_units, n_raters,
ci_method, confidence`` followed by coefficient-specific columns (``po``,
``pe``, ``z``, ``p_value``, ``level`` ...). :func:`agreement_table` stacks
them so that a reader can compare all coefficients in one table.

Analytic (Wald) intervals are clipped to ``[-1, 1]``, the range of the
kappa-type coefficients. ``ci_method`` names the interval that was used.

Vectorised helpers
------------------
:func:`fleiss_kappa_batch`, :func:`gwet_ac1_batch`,
:func:`percent_agreement_batch` and :func:`krippendorff_alpha_batch` compute a
coefficient for many count tables at once (shape ``(n_tables, n_units,
n_categories)``), which is what simulation studies need.
:func:`bootstrap_ci` uses the same algebra on resampling weights.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

import krippendorff
import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.inter_rater import cohens_kappa as _sm_cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as _sm_fleiss_kappa
from statsmodels.stats.inter_rater import to_table as _sm_to_table

__all__ = [
    "percent_agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "light_kappa",
    "krippendorff_alpha",
    "gwet_ac1",
    "pabak",
    "agreement_table",
    "bootstrap_ci",
    "interpret",
    "interpretation_scales",
    "count_table",
    "fleiss_kappa_batch",
    "gwet_ac1_batch",
    "percent_agreement_batch",
    "krippendorff_alpha_batch",
]

RatingsLike = Union[pd.DataFrame, np.ndarray, Sequence[Sequence[Any]]]
CountsLike = Union[pd.DataFrame, np.ndarray, Sequence[Sequence[float]]]
SeedLike = Union[int, np.random.Generator, None]
Level = Literal["nominal", "ordinal", "interval", "ratio"]

_LEVELS = ("nominal", "ordinal", "interval", "ratio")
_BASE_COLUMNS = [
    "coefficient",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "n_units",
    "n_raters",
    "ci_method",
    "confidence",
]
# Bootstrap weights are evaluated in blocks of about this many cells, which
# bounds peak memory without slowing the matrix products down.
_BLOCK_CELLS = 500_000


# --------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Coded:
    """Validated data: per-unit category counts, plus integer codes when known."""

    counts: np.ndarray  # (n_units, q) int64
    codes: np.ndarray | None  # (n_units, n_raters) intp, -1 = missing
    categories: tuple
    rater_names: tuple | None
    n_raters: int

    @property
    def n_units(self) -> int:
        return self.counts.shape[0]

    @property
    def q(self) -> int:
        return self.counts.shape[1]


#: The largest count of raters for one unit and category that ``counts=`` accepts: far above any coding
#: study, and small enough that sums over units cannot overflow 64-bit integers.
MAX_RATERS = 1_000_000


def _check_n_resamples(n_resamples: Any, *, allow_zero: bool) -> int:
    """Return ``n_resamples`` as an int: at least 2, or 0 (no bootstrap) where ``allow_zero``."""
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)):
        raise ValueError(f"`n_resamples` must be an integer; got {type(n_resamples).__name__} {n_resamples!r}.")
    if n_resamples < 2 and not (allow_zero and n_resamples == 0):
        wanted = "0 (no bootstrap) or an integer >= 2" if allow_zero else "an integer >= 2"
        raise ValueError(f"`n_resamples` must be {wanted}; got {n_resamples}.")
    return int(n_resamples)


def _check_confidence(confidence: float) -> float:
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise ValueError(f"`confidence` must be a number strictly between 0 and 1; got {confidence!r}.")
    return float(confidence)


def _sort_labels(labels: Iterable[Hashable]) -> list:
    labels = list(labels)
    try:
        return sorted(labels)
    except TypeError:
        # Mixed, unorderable label types: keep first-appearance order, which is
        # harmless for nominal coefficients (they ignore category order).
        return labels


def _validate_categories(categories: Iterable[Hashable], argname: str = "categories") -> list:
    if isinstance(categories, (str, bytes)):
        raise ValueError(f"`{argname}` must be a sequence of labels, not a single string.")
    cats = list(categories)
    try:
        unique = set(cats)
    except TypeError as exc:
        raise ValueError(f"`{argname}` must contain hashable labels.") from exc
    if len(unique) != len(cats):
        raise ValueError(f"`{argname}` contains duplicate labels.")
    if len(cats) < 2:
        raise ValueError(
            f"`{argname}` declares {len(cats)} category; agreement coefficients need at least two categories."
        )
    return cats


def _coded_from_counts(
    func: str, counts: CountsLike, categories: Iterable[Hashable] | None, equal_raters: bool
) -> _Coded:
    columns = list(counts.columns) if isinstance(counts, pd.DataFrame) else None
    try:
        arr = np.asarray(counts, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("`counts` must be a numeric units x categories table.") from exc
    if arr.ndim != 2:
        raise ValueError(f"`counts` must be a 2-D units x categories table; got {arr.ndim} dimension(s).")
    if np.isnan(arr).any():
        raise ValueError("`counts` contains NaN; a count table cannot have missing entries (use 0).")
    if np.isinf(arr).any():
        raise ValueError("`counts` contains an infinite entry; counts of raters must be finite whole numbers.")
    if (arr > MAX_RATERS).any():
        raise ValueError(f"`counts` contains {arr.max():.6g}, above the limit of {MAX_RATERS:,} raters for one unit; "
                         "a count table counts the raters who chose each category.")
    if (arr < 0).any():
        raise ValueError("`counts` contains negative entries; counts of raters must be >= 0.")
    if not np.all(arr == np.round(arr)):
        raise ValueError("`counts` contains non-integer entries; counts of raters must be whole numbers.")
    q = arr.shape[1]
    if categories is not None:
        cats = _validate_categories(categories)
        if len(cats) != q:
            raise ValueError(f"`categories` has {len(cats)} labels but `counts` has {q} category columns.")
    elif columns is not None:
        cats = columns
    else:
        cats = list(range(q))
    if q < 2:
        raise ValueError("`counts` has a single category column; agreement needs at least two categories.")
    arr = arr.astype(np.int64)
    totals = arr.sum(axis=1)
    arr = arr[totals > 0]
    totals = totals[totals > 0]
    if arr.shape[0] < 2:
        raise ValueError(f"`counts` needs at least two rated units (rows); got {arr.shape[0]}.")
    if equal_raters and totals.min() != totals.max():
        raise ValueError(
            f"`counts` rows sum to different numbers of raters (min {totals.min()}, max {totals.max()}); "
            f"{func} needs the same number of ratings for every unit."
        )
    n_raters = int(totals.max())
    if n_raters < 2:
        raise ValueError("`counts` has no unit rated by two or more raters; agreement needs at least two raters.")
    return _Coded(arr, None, tuple(cats), None, n_raters)


def _coded_from_ratings(
    func: str,
    ratings: RatingsLike,
    categories: Iterable[Hashable] | None,
    allow_missing: bool,
) -> _Coded:
    if isinstance(ratings, pd.DataFrame):
        arr = ratings.to_numpy(dtype=object)
        rater_names = tuple(str(c) for c in ratings.columns)
    else:
        arr = np.asarray(ratings, dtype=object)
        rater_names = None
    if arr.ndim != 2:
        raise ValueError(
            "`ratings` must be a 2-D units x raters table (rows = units, columns = raters); "
            f"got {arr.ndim} dimension(s)."
        )
    n_units, n_raters = arr.shape
    if rater_names is None:
        rater_names = tuple(f"rater_{j}" for j in range(n_raters))
    if n_raters < 2:
        raise ValueError(f"`ratings` needs at least two raters (columns); got {n_raters}.")
    missing = np.asarray(pd.isna(arr), dtype=bool)
    if missing.any() and not allow_missing:
        raise ValueError(
            f"`ratings` contains {int(missing.sum())} missing rating(s) (NaN/None), but {func} needs every rater to "
            "rate every unit. Drop the incomplete units, or use krippendorff_alpha, gwet_ac1 or percent_agreement, "
            "which allow missing ratings."
        )
    keep = ~missing.all(axis=1)
    arr, missing = arr[keep], missing[keep]
    if arr.shape[0] < 2:
        raise ValueError(f"`ratings` needs at least two rated units (rows); got {arr.shape[0]}.")
    present = arr[~missing]
    try:
        observed = list(dict.fromkeys(present.tolist()))
    except TypeError as exc:
        raise ValueError("`ratings` contains unhashable labels; use str, int or other hashable labels.") from exc
    by_text: dict[str, list] = {}
    for lab in observed:
        by_text.setdefault(str(lab), []).append(lab)
    clash = next((labs for labs in by_text.values() if len(labs) > 1), None)
    if clash:
        shown = " and ".join(f"{lab!r} ({type(lab).__name__})" for lab in clash[:2])
        raise ValueError(f"`ratings` mixes label types that print alike: {shown} would count as different "
                         "categories; convert the labels to one type first.")
    if categories is None:
        cats = _sort_labels(observed)
        if len(cats) < 2:
            raise ValueError(
                f"`ratings` uses a single category ({cats[0]!r}); agreement coefficients need at least two "
                "categories. Pass `categories=` to declare the full category set."
            )
    else:
        cats = _validate_categories(categories)
        declared = set(cats)
        unknown = [lab for lab in observed if lab not in declared]
        if unknown:
            shown = ", ".join(repr(u) for u in unknown[:5])
            more = "" if len(unknown) <= 5 else f" and {len(unknown) - 5} more"
            raise ValueError(f"`ratings` contains labels not in `categories`: {shown}{more}.")
    lut = {lab: i for i, lab in enumerate(cats)}
    codes = np.full(arr.shape, -1, dtype=np.intp)
    codes[~missing] = [lut[v] for v in present.tolist()]
    if not ((~missing).sum(axis=1) >= 2).any():
        raise ValueError("`ratings` has no unit rated by two or more raters, so there is no agreement to measure.")
    return _Coded(_counts_from_codes(codes, len(cats)), codes, tuple(cats), rater_names, n_raters)


def _counts_from_codes(codes: np.ndarray, q: int) -> np.ndarray:
    n = codes.shape[0]
    rated = codes >= 0
    flat = (codes + q * np.arange(n)[:, None])[rated]
    return np.bincount(flat, minlength=n * q).reshape(n, q).astype(np.int64)


def _prepare(
    func: str,
    ratings: RatingsLike | None,
    counts: CountsLike | None,
    categories: Iterable[Hashable] | None,
    *,
    allow_missing: bool,
    equal_raters: bool = False,
) -> _Coded:
    if (ratings is None) == (counts is None):
        raise ValueError(f"{func}: give either `ratings` (units x raters) or `counts=` (units x categories), not both.")
    if counts is not None:
        return _coded_from_counts(func, counts, categories, equal_raters)
    return _coded_from_ratings(func, ratings, categories, allow_missing)


def count_table(ratings: RatingsLike, *, categories: Iterable[Hashable] | None = None) -> pd.DataFrame:
    """Convert a units x raters table into a units x categories count table.

    Parameters
    ----------
    ratings : DataFrame, 2-D array or list of rows
        Units in rows, raters in columns, category labels in cells, NaN for a
        missing rating.
    categories : sequence, optional
        Full category set in order; defaults to the labels that occur.

    Returns
    -------
    DataFrame
        One row per rated unit, one column per category; entry *(i, k)* is the
        number of raters who put unit *i* in category *k*.

    Notes
    -----
    Unlike :func:`statsmodels.stats.inter_rater.aggregate_raters`, missing
    ratings are allowed (they are simply not counted) and labels need not be
    integers.

    Examples
    --------
    >>> from intake_alliance.reliability import count_table
    >>> count_table([["a", "b"], ["b", "b"], ["a", None]])
       a  b
    0  1  1
    1  0  2
    2  1  0
    """
    coded = _coded_from_ratings("count_table", ratings, categories, allow_missing=True)
    if isinstance(ratings, pd.DataFrame):
        index = ratings.index[~np.asarray(pd.isna(ratings.to_numpy(dtype=object)), dtype=bool).all(axis=1)]
    else:
        index = None
    return pd.DataFrame(coded.counts, columns=list(coded.categories), index=index)


# --------------------------------------------------------------------------
# Shared algebra (used by the public functions, the batch helpers and the
# bootstrap, so that all three agree to rounding error)
# --------------------------------------------------------------------------


def _chance_corrected(po: np.ndarray | float, pe: np.ndarray | float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.asarray(po, float) - pe) / (1.0 - np.asarray(pe, float))


def _ac1_chance(pi: np.ndarray, q: int) -> np.ndarray:
    return (pi * (1.0 - pi)).sum(axis=-1) / (q - 1)


def _distance_matrix(level: str, q: int, values: np.ndarray | None) -> np.ndarray | None:
    """Krippendorff's squared difference function; ``None`` for ordinal (data dependent)."""
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        return None
    v = np.asarray(values, dtype=float)
    diff = v[:, None] - v[None, :]
    if level == "interval":
        return diff**2
    total = v[:, None] + v[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total != 0, (diff / np.where(total != 0, total, 1.0)) ** 2, 0.0)


def _ordinal_distance(n_v: np.ndarray) -> np.ndarray:
    """Ordinal distances from pairable value frequencies ``n_v`` of shape (..., q)."""
    q = n_v.shape[-1]
    cs = np.cumsum(n_v, axis=-1)
    idx = np.arange(q)
    lo = np.minimum(idx[:, None], idx[None, :])
    hi = np.maximum(idx[:, None], idx[None, :])
    between = cs[..., hi] - cs[..., lo] + n_v[..., lo]
    return (between - (n_v[..., :, None] + n_v[..., None, :]) / 2.0) ** 2


def _alpha_from_coincidences(o: np.ndarray, level: str, values: np.ndarray | None) -> np.ndarray:
    """Krippendorff's alpha from coincidence matrices of shape (..., q, q)."""
    q = o.shape[-1]
    n_v = o.sum(axis=-1)
    n = n_v.sum(axis=-1)
    delta = _distance_matrix(level, q, values)
    if delta is None:
        delta = _ordinal_distance(n_v)
    observed = (o * delta).sum(axis=(-2, -1))
    expected = (n_v[..., :, None] * n_v[..., None, :] * delta).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 - (n - 1.0) * observed / expected


def _unit_coincidences(counts: np.ndarray) -> np.ndarray:
    """Per-unit contributions to the coincidence matrix, shape (n_units, q, q)."""
    c = counts.astype(float)
    m = c.sum(axis=-1)
    pairs = c[..., :, None] * c[..., None, :]
    idx = np.arange(c.shape[-1])
    pairs[..., idx, idx] -= c
    denom = np.where(m >= 2, m - 1.0, np.inf)
    return pairs / denom[..., None, None]


def _unit_pair_agreement(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of agreeing rater pairs in each unit, and whether the unit has a pair."""
    c = counts.astype(float)
    m = c.sum(axis=-1)
    pairable = m >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(pairable, (c * (c - 1.0)).sum(axis=-1) / np.where(pairable, m * (m - 1.0), 1.0), 0.0)
    return share, pairable.astype(float)


def _gwet_linearised(counts: np.ndarray, kind: str) -> tuple[float, float, float, float]:
    """Estimate, standard error, po and pe in Gwet's (2014) framework.

    ``kind`` is "pa" (percent agreement), "ac1", "bp" (Brennan-Prediger) or
    "fleiss". The variance is Gwet's linearisation, which does not assume
    independent raters; it reproduces the irrCAC package (Gwet, 2019).
    """
    c = counts.astype(float)
    n, q = c.shape
    r = c.sum(axis=1)
    pa_i, pairable = _unit_pair_agreement(c)
    n2 = pairable.sum()
    pa = pa_i.sum() / n2
    pi = (c / r[:, None]).mean(axis=0)
    if kind == "pa":
        est, pe = pa, 0.0
        terms = (n / n2) * pa_i
    else:
        if kind == "ac1":
            pe = float(_ac1_chance(pi, q))
            pe_i = (c @ (1.0 - pi)) / r / (q - 1)
        elif kind == "fleiss":
            pe = float((pi**2).sum())
            pe_i = (c @ pi) / r
        elif kind == "bp":
            pe = 1.0 / q
            pe_i = None
        else:  # pragma: no cover - internal misuse
            raise ValueError(kind)
        est = float(_chance_corrected(pa, pe))
        terms = (n / n2) * (pa_i - pe * pairable) / (1.0 - pe)
        if pe_i is not None:
            terms = terms - 2.0 * (1.0 - est) * (pe_i - pe) / (1.0 - pe)
    se = math.sqrt(((terms - est) ** 2).sum() / (n * (n - 1))) if n > 1 else math.nan
    return float(est), se, float(pa), float(pe)


# --------------------------------------------------------------------------
# Result tables
# --------------------------------------------------------------------------


def _clip(x: float) -> float:
    return float(np.clip(x, -1.0, 1.0)) if np.isfinite(x) else math.nan


def _wald(est: float, se: float, confidence: float, df: float | None = None) -> tuple[float, float]:
    tail = 1.0 - (1.0 - confidence) / 2.0
    crit = stats.norm.ppf(tail) if df is None else stats.t.ppf(tail, df)
    if not (np.isfinite(est) and np.isfinite(se)):
        return math.nan, math.nan
    return _clip(est - crit * se), _clip(est + crit * se)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    extra = [c for c in df.columns if c not in _BASE_COLUMNS]
    for col in _BASE_COLUMNS:
        if col not in df.columns:
            df[col] = np.nan
    df = df[_BASE_COLUMNS + extra]
    if "note" in df.columns:
        df["note"] = df["note"].fillna("")
    df["n_units"] = df["n_units"].astype("int64")
    df["n_raters"] = df["n_raters"].astype("int64")
    return df.reset_index(drop=True)


def _undefined_note(est: float, coded: _Coded) -> str:
    """Return why an estimate is NaN ('' when it is a number)."""
    if np.isfinite(est):
        return ""
    used = [c for c, total in zip(coded.categories, coded.counts.sum(axis=0)) if total > 0]
    if len(used) < 2:
        return (f"undefined (0/0): every rating is {used[0]!r}, so chance agreement is 1 and there is no "
                "disagreement to correct for; report percent agreement instead")
    return ("undefined (0/0): expected agreement is 1 (or expected disagreement 0) for these data, so the "
            "chance correction divides by zero")


def _row(coefficient: str, est: float, se: float, ci: tuple[float, float], coded: _Coded,
         ci_method: str, confidence: float, **extra: Any) -> dict[str, Any]:
    extra.setdefault("note", _undefined_note(est, coded))
    return {
        "coefficient": coefficient,
        "estimate": float(est),
        "se": float(se),
        "ci_low": float(ci[0]),
        "ci_high": float(ci[1]),
        "n_units": coded.n_units,
        "n_raters": coded.n_raters,
        "ci_method": ci_method,
        "confidence": confidence,
        **extra,
    }


def _with_bootstrap(table: pd.DataFrame, name: str, coded: _Coded, n_resamples: int, seed: SeedLike,
                    confidence: float, **kwargs: Any) -> pd.DataFrame:
    if not _check_n_resamples(n_resamples, allow_zero=True):
        return table
    boot = _bootstrap_coded(name, coded, n_resamples=n_resamples, confidence=confidence,
                            method="percentile", seed=seed, **kwargs)
    table.loc[0, ["se", "ci_low", "ci_high"]] = boot.loc[0, ["se", "ci_low", "ci_high"]].to_numpy()
    table.loc[0, "ci_method"] = boot.loc[0, "ci_method"]
    return table


# --------------------------------------------------------------------------
# Coefficients
# --------------------------------------------------------------------------


def percent_agreement(
    ratings: RatingsLike | None = None,
    *,
    counts: CountsLike | None = None,
    categories: Iterable[Hashable] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Observed (pairwise) percent agreement among any number of raters.

    Parameters
    ----------
    ratings : DataFrame, 2-D array or list of rows, optional
        Units x raters table of labels; NaN marks a missing rating.
    counts : 2-D array or DataFrame, optional, keyword only
        Units x categories count table, instead of ``ratings``.
    categories : sequence, optional
        Full category set (only used for validation here).
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row; ``estimate`` is the proportion of agreeing rater pairs.

    Notes
    -----
    For unit *i* rated by :math:`r_i \\ge 2` raters, of whom :math:`r_{ik}`
    chose category *k*, the share of agreeing pairs is
    :math:`p_{a|i} = \\sum_k r_{ik}(r_{ik}-1) / [r_i(r_i-1)]`, and
    :math:`p_a` is its mean over those units (Fleiss, 1971, :math:`\\bar P`).
    With two raters this is the plain proportion of units they agree on.
    Units rated by a single rater carry no agreement information and are
    ignored. The standard error is Gwet's (2014) linearisation and the
    interval uses Student's *t* with *n - 1* degrees of freedom, as in the
    irrCAC package.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    *Psychological Bulletin*, 76(5), 378-382.

    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.).
    Advanced Analytics.

    Examples
    --------
    >>> from intake_alliance.reliability import percent_agreement
    >>> res = percent_agreement([[1, 1], [1, 2], [2, 2], [2, 2]])
    >>> float(res["estimate"].iloc[0])
    0.75
    """
    conf = _check_confidence(confidence)
    coded = _prepare("percent_agreement", ratings, counts, categories, allow_missing=True)
    est, se, _, _ = _gwet_linearised(coded.counts, "pa")
    ci = _wald(est, se, conf, df=coded.n_units - 1)
    return _frame([_row("percent_agreement", est, se, ci, coded, "wald-t (Gwet 2014)", conf)])


def cohen_kappa(
    ratings: RatingsLike,
    *,
    categories: Iterable[Hashable] | None = None,
    weights: Literal["linear", "quadratic"] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cohen's kappa for two raters, with its large-sample standard error.

    Parameters
    ----------
    ratings : DataFrame, 2-D array or list of rows
        Units x 2 raters table of labels. Missing ratings are not allowed.
    categories : sequence, optional
        Full category set, in order (the order matters for weighted kappa).
    weights : {None, "linear", "quadratic"}
        Unweighted kappa (default) or weighted kappa with linear
        (Cicchetti-Allison) or quadratic (Fleiss-Cohen) disagreement weights.
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row with ``estimate``, ``se`` (large-sample, non-null), the Wald
        interval, ``se_null``, ``z`` and two-sided ``p_value`` for
        H0: kappa = 0, and the observed/chance agreement ``po``/``pe``.

    Notes
    -----
    :math:`\\kappa = (p_o - p_e) / (1 - p_e)` with :math:`p_e = \\sum_k
    p_{k\\cdot} p_{\\cdot k}` (Cohen, 1960). The estimate and both standard
    errors come from :func:`statsmodels.stats.inter_rater.cohens_kappa`:
    ``se`` is its ``std_kappa``, the large-sample variance of Fleiss, Cohen
    and Everitt (1969) that SAS PROC FREQ prints as "ASE"; ``se_null`` is
    ``std_kappa0``, the variance under H0 used for the *z* test. The interval
    is :math:`\\hat\\kappa \\pm z_{1-\\alpha/2}\\,\\mathrm{se}`.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales.
    *Educational and Psychological Measurement*, 20(1), 37-46.

    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard
    errors of kappa and weighted kappa. *Psychological Bulletin*, 72(5),
    323-327.

    Examples
    --------
    >>> from intake_alliance.reliability import cohen_kappa
    >>> pairs = [["yes", "yes"]] * 20 + [["yes", "no"]] * 5 + [["no", "yes"]] * 10 + [["no", "no"]] * 15
    >>> round(float(cohen_kappa(pairs)["estimate"].iloc[0]), 3)
    0.4
    """
    conf = _check_confidence(confidence)
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"`weights` must be None, 'linear' or 'quadratic'; got {weights!r}.")
    coded = _prepare("cohen_kappa", ratings, None, categories, allow_missing=False)
    if coded.n_raters != 2:
        raise ValueError(
            f"`ratings` has {coded.n_raters} raters but cohen_kappa needs exactly two; "
            "use light_kappa or fleiss_kappa for more raters."
        )
    table = _sm_to_table(coded.codes, bins=coded.q)[0]
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if weights is None:
            res = _sm_cohens_kappa(table)
        else:
            res = _sm_cohens_kappa(table, wt=weights)
    probs = table / table.sum()
    agree_w = 1.0 - _disagreement_weights(coded.q, weights)
    po = float((agree_w * probs).sum())
    pe = float((agree_w * np.outer(probs.sum(1), probs.sum(0))).sum())
    est, se = float(res.kappa), float(res.std_kappa)
    ci = _wald(est, se, conf)
    z = float(res.z_value) if np.isfinite(res.std_kappa0) and res.std_kappa0 > 0 else math.nan
    p_value = float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else math.nan
    return _frame([
        _row("cohen_kappa", est, se, ci, coded, "wald-normal (Fleiss-Cohen-Everitt 1969)", conf,
             se_null=float(res.std_kappa0), z=z, p_value=p_value, po=po, pe=pe,
             weights="none" if weights is None else weights)
    ])


def _disagreement_weights(q: int, weights: str | None) -> np.ndarray:
    idx = np.arange(q)
    gap = np.abs(idx[:, None] - idx[None, :]) / (q - 1)
    if weights is None:
        return 1.0 - np.eye(q)
    return gap if weights == "linear" else gap**2


def fleiss_kappa(
    ratings: RatingsLike | None = None,
    *,
    counts: CountsLike | None = None,
    categories: Iterable[Hashable] | None = None,
    confidence: float = 0.95,
    per_category: bool = False,
) -> pd.DataFrame:
    """Fleiss' kappa for any fixed number of raters per unit.

    Parameters
    ----------
    ratings : DataFrame, 2-D array or list of rows, optional
        Units x raters table of labels. Missing ratings are not allowed.
    counts : 2-D array or DataFrame, optional, keyword only
        Units x categories count table; every row must sum to the same
        number of raters.
    categories : sequence, optional
        Full category set.
    confidence : float
        Confidence level of the interval.
    per_category : bool
        Also return one row per category with the category-wise kappa of
        Fleiss (1971) and its null-hypothesis *z* test.

    Returns
    -------
    DataFrame
        One row for the overall kappa (plus one per category if requested).
        ``se`` is the large-sample (non-null) standard error used for the
        interval; ``se_null``, ``z`` and ``p_value`` test H0: kappa = 0.

    Notes
    -----
    With *N* units, *m* raters per unit and :math:`n_{ij}` raters putting
    unit *i* in category *j*: :math:`\\bar P = \\frac{1}{N}\\sum_i
    \\frac{\\sum_j n_{ij}(n_{ij}-1)}{m(m-1)}`, :math:`p_j = \\sum_i n_{ij}/(Nm)`,
    :math:`\\bar P_e = \\sum_j p_j^2` and :math:`\\kappa = (\\bar P - \\bar
    P_e)/(1 - \\bar P_e)`. The estimate is
    :func:`statsmodels.stats.inter_rater.fleiss_kappa`.

    Two standard errors are reported, because no single one serves both
    purposes:

    * ``se`` -- Gwet's (2014) linearisation variance, valid when kappa is not
      zero; the interval is :math:`\\hat\\kappa \\pm t_{N-1}\\,\\mathrm{se}`
      (as in irrCAC).
    * ``se_null`` -- the variance under H0: kappa = 0 of Fleiss, Nee and
      Landis (1979), :math:`\\mathrm{se}_0 = \\frac{\\sqrt{2}}{\\sum_j p_j q_j
      \\sqrt{N m (m-1)}} \\sqrt{(\\sum_j p_j q_j)^2 - \\sum_j p_j q_j (q_j -
      p_j)}` with :math:`q_j = 1 - p_j`; ``z`` = kappa / ``se_null`` (the
      statistic printed by R's ``irr::kappam.fleiss``).

    The category-wise kappa is :math:`\\kappa_j = 1 - \\sum_i n_{ij}(m -
    n_{ij}) / [N m (m-1) p_j q_j]` with null standard error
    :math:`\\sqrt{2/[N m (m-1)]}` (Fleiss, 1971; Fleiss et al., 1979).

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    *Psychological Bulletin*, 76(5), 378-382.

    Fleiss, J. L., Nee, J. C. M., & Landis, J. R. (1979). Large sample
    variance of kappa in the case of different sets of raters.
    *Psychological Bulletin*, 86(5), 974-977.

    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.).
    Advanced Analytics.

    Examples
    --------
    >>> from intake_alliance.reliability import fleiss_kappa
    >>> table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
    ...          [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
    ...          [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    >>> round(float(fleiss_kappa(counts=table)["estimate"].iloc[0]), 3)
    0.21
    """
    conf = _check_confidence(confidence)
    coded = _prepare("fleiss_kappa", ratings, counts, categories, allow_missing=False, equal_raters=True)
    c = coded.counts.astype(float)
    n_units, m = coded.n_units, coded.n_raters
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        est = float(_sm_fleiss_kappa(c, method="fleiss"))
        _, se, po, pe = _gwet_linearised(coded.counts, "fleiss")
        p = c.sum(axis=0) / (n_units * m)
        pq = p * (1.0 - p)
        spq = pq.sum()
        se0 = math.sqrt(2.0) / (spq * math.sqrt(n_units * m * (m - 1))) * math.sqrt(
            spq**2 - (pq * ((1.0 - p) - p)).sum()
        )
        z = est / se0
    rows = [
        _row("fleiss_kappa", est, se, _wald(est, se, conf, df=n_units - 1), coded, "wald-t (Gwet 2014)", conf,
             se_null=se0, z=z, p_value=float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else math.nan,
             po=po, pe=pe)
    ]
    if per_category:
        se0_j = math.sqrt(2.0 / (n_units * m * (m - 1)))
        with np.errstate(divide="ignore", invalid="ignore"):
            kappa_j = 1.0 - (c * (m - c)).sum(axis=0) / (n_units * m * (m - 1) * pq)
        for label, k_j in zip(coded.categories, kappa_j):
            z_j = k_j / se0_j
            rows.append(
                _row("fleiss_kappa", k_j, math.nan, (math.nan, math.nan), coded, "none", conf,
                     se_null=se0_j, z=z_j,
                     p_value=float(2 * stats.norm.sf(abs(z_j))) if np.isfinite(z_j) else math.nan,
                     category=label)
            )
        rows[0]["category"] = "(overall)"
    return _frame(rows)


def light_kappa(
    ratings: RatingsLike,
    *,
    categories: Iterable[Hashable] | None = None,
    confidence: float = 0.95,
    pairwise: bool = False,
    n_resamples: int = 0,
    seed: SeedLike = 0,
) -> pd.DataFrame:
    """Light's kappa: the mean of Cohen's kappa over all pairs of raters.

    Parameters
    ----------
    ratings : DataFrame, 2-D array or list of rows
        Units x raters table of labels. A pair of raters is compared on the
        units both of them rated (pairwise deletion).
    categories : sequence, optional
        Full category set.
    confidence : float
        Confidence level of the bootstrap interval.
    pairwise : bool
        Also return one row per rater pair (column ``pair``) with that pair's
        Cohen's kappa and its analytic interval.
    n_resamples : int
        If positive, fill ``se`` and the interval of the overall row with a
        percentile bootstrap over units (see :func:`bootstrap_ci`); no analytic
        variance is used for the mean of dependent kappas.
    seed : int, Generator or None
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        One row (plus one per pair if requested).

    Notes
    -----
    :math:`\\kappa_L = \\binom{m}{2}^{-1} \\sum_{j<k} \\kappa_{jk}` with
    :math:`\\kappa_{jk}` Cohen's kappa of raters *j* and *k* (Light, 1971;
    Conger, 1980), each computed by :func:`cohen_kappa`.

    References
    ----------
    Light, R. J. (1971). Measures of response agreement for qualitative data:
    some generalizations and alternatives. *Psychological Bulletin*, 76(5),
    365-377.

    Examples
    --------
    >>> from intake_alliance.reliability import light_kappa
    >>> data = [["a", "a", "a"], ["b", "b", "a"], ["b", "b", "b"], ["a", "b", "a"]]
    >>> round(float(light_kappa(data)["estimate"].iloc[0]), 3)
    0.4
    """
    conf = _check_confidence(confidence)
    coded = _prepare("light_kappa", ratings, None, categories, allow_missing=True)
    names = coded.rater_names
    pair_rows = []
    for j, k in itertools.combinations(range(coded.n_raters), 2):
        both = (coded.codes[:, j] >= 0) & (coded.codes[:, k] >= 0)
        if both.sum() < 2:
            raise ValueError(
                f"`ratings`: raters {names[j]!r} and {names[k]!r} rated fewer than two units in common; "
                "Light's kappa needs every pair of raters to share at least two units."
            )
        # Integer codes keep any label type (even tuples) out of the way.
        res = cohen_kappa(coded.codes[both][:, [j, k]], categories=range(coded.q), confidence=conf)
        res["pair"] = f"{names[j]}|{names[k]}"
        pair_rows.append(res)
    pairs = pd.concat(pair_rows, ignore_index=True)
    est = float(pairs["estimate"].mean())
    table = _frame([_row("light_kappa", est, math.nan, (math.nan, math.nan), coded, "none", conf,
                         n_pairs=len(pair_rows))])
    table = _with_bootstrap(table, "light_kappa", coded, n_resamples, seed, conf)
    if pairwise:
        table = pd.concat([table, pairs], ignore_index=True)
    return table


def krippendorff_alpha(
    ratings: RatingsLike | None = None,
    *,
    counts: CountsLike | None = None,
    categories: Iterable[Hashable] | None = None,
    level: Level = "nominal",
    confidence: float = 0.95,
    n_resamples: int = 0,
    seed: SeedLike = 0,
) -> pd.DataFrame:
    """Krippendorff's alpha for any number of raters, with missing ratings.

    Parameters
    ----------
    ratings : DataFrame, 2-D array or list of rows, optional
        Units x raters table of labels; NaN marks a missing rating.
    counts : 2-D array or DataFrame, optional, keyword only
        Units x categories count table (``value_counts`` in the
        ``krippendorff`` package), instead of ``ratings``.
    categories : sequence, optional
        Full category set. For ``"ordinal"`` its order is the order of the
        scale; for ``"interval"`` and ``"ratio"`` the labels must be numbers.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement. Defaults to ``"nominal"``, the right choice for
        thematic codes. (The ``krippendorff`` package defaults to
        ``"interval"``, which would treat code numbers as quantities.)
    confidence : float
        Confidence level of the bootstrap interval.
    n_resamples : int
        If positive, fill ``se`` and the interval with a percentile bootstrap
        over units (see :func:`bootstrap_ci`).
    seed : int, Generator or None
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        One row, with a ``level`` column.

    Notes
    -----
    :math:`\\alpha = 1 - D_o / D_e = 1 - (n_{\\cdot\\cdot} - 1)
    \\frac{\\sum_{c,k} o_{ck}\\,\\delta^2_{ck}}{\\sum_{c,k} n_c n_k\\,
    \\delta^2_{ck}}`, where :math:`o_{ck} = \\sum_u n_{uc}(n_{uk} - [c=k]) /
    (m_u - 1)` is the coincidence matrix over units with :math:`m_u \\ge 2`
    ratings, :math:`n_c` its margins and :math:`\\delta^2` the difference
    function of the level (Krippendorff, 2011). The estimate is
    :func:`krippendorff.alpha`. Units with a single rating are not pairable
    and do not contribute. No analytic standard error is given (Krippendorff
    recommends the bootstrap); use ``n_resamples`` or :func:`bootstrap_ci`.

    References
    ----------
    Krippendorff, K. (2011). *Computing Krippendorff's alpha-reliability*.
    Annenberg School for Communication, University of Pennsylvania.

    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard
    reliability measure for coding data. *Communication Methods and
    Measures*, 1(1), 77-89.

    Examples
    --------
    >>> import numpy as np
    >>> from intake_alliance.reliability import krippendorff_alpha
    >>> data = np.array([[1, 1, np.nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...                  [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...                  [2, 2, 2, 2], [np.nan, 5, 5, 5], [np.nan, np.nan, 1, 1],
    ...                  [np.nan, np.nan, 3, np.nan]])
    >>> round(float(krippendorff_alpha(data)["estimate"].iloc[0]), 3)
    0.743
    """
    conf = _check_confidence(confidence)
    if level not in _LEVELS:
        raise ValueError(f"`level` must be one of {_LEVELS}; got {level!r}.")
    coded = _prepare("krippendorff_alpha", ratings, counts, categories, allow_missing=True)
    domain = _alpha_domain(coded, level)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        est = float(krippendorff.alpha(value_counts=coded.counts, value_domain=domain, level_of_measurement=level))
    table = _frame([_row("krippendorff_alpha", est, math.nan, (math.nan, math.nan), coded, "none", conf,
                         level=level)])
    return _with_bootstrap(table, "krippendorff_alpha", coded, n_resamples, seed, conf, level=level)


def _alpha_domain(coded: _Coded, level: str) -> np.ndarray:
    if level in ("interval", "ratio"):
        try:
            values = np.array([float(c) for c in coded.categories])
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"level={level!r} needs numeric category labels; got {list(coded.categories)!r}. "
                "Use level='nominal' or 'ordinal' for codes."
            ) from exc
        if level == "ratio" and (values < 0).any():
            raise ValueError("level='ratio' needs non-negative category values.")
        return values
    return np.arange(coded.q)


def gwet_ac1(
    ratings: RatingsLike | None = None,
    *,
    counts: CountsLike | None = None,
    categories: Iterable[Hashable] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Gwet's AC1 for any number of raters, with missing ratings.

    Parameters
    ----------
    ratings : DataFrame, 2-D array or list of rows, optional
        Units x raters table of labels; NaN marks a missing rating.
    counts : 2-D array or DataFrame, optional, keyword only
        Units x categories count table, instead of ``ratings``.
    categories : sequence, optional
        Full category set. AC1 depends on the number of categories *q*, so
        declare categories that were available but unused.
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row with ``estimate``, Gwet's standard error and the *t* interval,
        and the agreement terms ``po`` and ``pe``.

    Notes
    -----
    :math:`AC_1 = (p_a - p_e)/(1 - p_e)` with :math:`p_a` as in
    :func:`percent_agreement`, :math:`\\pi_k = \\frac{1}{n}\\sum_i r_{ik}/r_i`
    and :math:`p_e = \\frac{1}{q-1}\\sum_k \\pi_k(1-\\pi_k)` (Gwet, 2008).
    The variance is Gwet's linearisation (2008; 2014, ch. 5), which does not
    assume independent raters:
    :math:`v = \\frac{1}{n(n-1)}\\sum_i (AC_{1|i}^\\star - AC_1)^2`, where
    :math:`AC^\\star_{1|i} = \\frac{n}{n_2}\\frac{p_{a|i} - p_e}{1 - p_e} -
    2(1 - AC_1)\\frac{p_{e|i} - p_e}{1 - p_e}` and :math:`p_{e|i} =
    \\frac{1}{q-1}\\sum_k \\frac{r_{ik}}{r_i}(1 - \\pi_k)`. The interval uses
    Student's *t* with *n - 1* degrees of freedom. This reproduces the irrCAC
    package (Gwet, 2019) for raw ratings.

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in
    the presence of high agreement. *British Journal of Mathematical and
    Statistical Psychology*, 61(1), 29-48.

    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.).
    Advanced Analytics.

    Examples
    --------
    >>> from intake_alliance.reliability import gwet_ac1
    >>> table = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6],
    ...          [0, 3, 0, 3, 0], [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0],
    ...          [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
    ...          [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1]]
    >>> res = gwet_ac1(counts=table)
    >>> round(float(res["estimate"].iloc[0]), 4), round(float(res["se"].iloc[0]), 4)
    (0.4448, 0.0842)
    """
    conf = _check_confidence(confidence)
    coded = _prepare("gwet_ac1", ratings, counts, categories, allow_missing=True)
    est, se, po, pe = _gwet_linearised(coded.counts, "ac1")
    ci = _wald(est, se, conf, df=coded.n_units - 1)
    return _frame([_row("gwet_ac1", est, se, ci, coded, "wald-t (Gwet 2014)", conf, po=po, pe=pe)])


def pabak(
    ratings: RatingsLike | None = None,
    *,
    counts: CountsLike | None = None,
    categories: Iterable[Hashable] | None = None,
    positive: Hashable | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Prevalence- and bias-adjusted kappa (Brennan-Prediger coefficient).

    Parameters
    ----------
    ratings : DataFrame, 2-D array or list of rows, optional
        Units x raters table of labels; NaN marks a missing rating.
    counts : 2-D array or DataFrame, optional, keyword only
        Units x categories count table, instead of ``ratings`` (the
        prevalence and bias indices then cannot be computed).
    categories : sequence, optional
        Full category set; *q* is its size, so declare unused categories.
    positive : label, optional
        The "present" category for the two-rater binary indices. Defaults to
        the second category (e.g. ``1`` of ``{0, 1}``, ``True`` of
        ``{False, True}``).
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row with ``estimate``, Gwet's standard error and *t* interval,
        ``po``, ``q`` and, for two raters and two categories, Byrt et al.'s
        ``prevalence_index`` and ``bias_index`` (NaN otherwise).

    Notes
    -----
    :math:`\\mathrm{PABAK} = (p_o - 1/q) / (1 - 1/q)`, i.e. kappa with chance
    agreement fixed at uniform use of the *q* categories (Brennan & Prediger,
    1981); for two categories it is :math:`2p_o - 1` (Byrt, Bishop & Carlin,
    1993). :math:`p_o` is the pairwise agreement of
    :func:`percent_agreement`, so any number of raters is allowed.

    For two raters and a 2 x 2 table with cells *a* (both positive), *b*
    (first rater positive only), *c* (second rater positive only) and *d*
    (both negative), Byrt et al. define the prevalence index
    :math:`PI = (a - d)/n` and the bias index :math:`BI = (b - c)/n`
    (signed here; they are often quoted as absolute values). Cohen's kappa is
    recovered as :math:`\\kappa = (\\mathrm{PABAK} - PI^2 + BI^2) / (1 - PI^2 +
    BI^2)`. The standard error is Gwet's (2014) linearisation.

    References
    ----------
    Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa.
    *Journal of Clinical Epidemiology*, 46(5), 423-429.

    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses,
    misuses, and alternatives. *Educational and Psychological Measurement*,
    41(3), 687-699.

    Examples
    --------
    >>> from intake_alliance.reliability import pabak
    >>> pairs = [[1, 1]] * 20 + [[1, 0]] * 5 + [[0, 1]] * 10 + [[0, 0]] * 15
    >>> res = pabak(pairs)
    >>> [round(float(res[c].iloc[0]), 2) for c in ("estimate", "prevalence_index", "bias_index")]
    [0.4, 0.1, -0.1]
    """
    conf = _check_confidence(confidence)
    coded = _prepare("pabak", ratings, counts, categories, allow_missing=True)
    est, se, po, _ = _gwet_linearised(coded.counts, "bp")
    ci = _wald(est, se, conf, df=coded.n_units - 1)
    pi_, bi_ = math.nan, math.nan
    if positive is not None and positive not in coded.categories:
        raise ValueError(f"`positive` ({positive!r}) is not one of the categories {list(coded.categories)!r}.")
    if coded.codes is not None and coded.n_raters == 2 and coded.q == 2:
        pos = 1 if positive is None else coded.categories.index(positive)
        both = (coded.codes >= 0).all(axis=1)
        first, second = coded.codes[both, 0] == pos, coded.codes[both, 1] == pos
        n = both.sum()
        a = np.sum(first & second)
        b = np.sum(first & ~second)
        c = np.sum(~first & second)
        d = np.sum(~first & ~second)
        pi_, bi_ = float((a - d) / n), float((b - c) / n)
    return _frame([_row("pabak", est, se, ci, coded, "wald-t (Gwet 2014)", conf, po=po, q=coded.q,
                        prevalence_index=pi_, bias_index=bi_)])


def agreement_table(
    ratings: RatingsLike | None = None,
    *,
    counts: CountsLike | None = None,
    categories: Iterable[Hashable] | None = None,
    level: Level = "nominal",
    confidence: float = 0.95,
    n_resamples: int = 0,
    seed: SeedLike = 0,
) -> pd.DataFrame:
    """All coefficients for one data set, stacked into one tidy table.

    Parameters
    ----------
    ratings, counts, categories
        See the module docstring.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement for Krippendorff's alpha.
    confidence : float
        Confidence level of all intervals.
    n_resamples : int
        If positive, bootstrap the coefficients that have no analytic interval
        (Light's kappa, Krippendorff's alpha).
    seed : int, Generator or None
        Seed of that bootstrap.

    Returns
    -------
    DataFrame
        One row per coefficient, in the order percent agreement, Cohen's
        kappa, Fleiss' kappa, Light's kappa, Krippendorff's alpha, Gwet's
        AC1, PABAK. A coefficient that does not apply to the data (Cohen's
        kappa for three raters, Fleiss' kappa with missing ratings, rater-level
        coefficients for a count table) is kept as a row with NaN estimate and
        the reason in ``note``.

    Examples
    --------
    >>> from intake_alliance.reliability import agreement_table
    >>> data = [["a", "a", "a"], ["b", "b", "a"], ["b", "b", "b"], ["a", "b", "a"], ["c", "c", "c"]]
    >>> agreement_table(data)["coefficient"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['percent_agreement', 'cohen_kappa', 'fleiss_kappa', 'light_kappa', 'krippendorff_alpha',
     'gwet_ac1', 'pabak']
    """
    conf = _check_confidence(confidence)
    coded = _prepare("agreement_table", ratings, counts, categories, allow_missing=True)
    data = {"counts": counts} if counts is not None else {"ratings": ratings}
    common = {"categories": categories, "confidence": conf}
    calls: list[tuple[str, Callable[[], pd.DataFrame]]] = [
        ("percent_agreement", lambda: percent_agreement(**data, **common)),
        ("cohen_kappa", lambda: cohen_kappa(ratings, **common)),
        ("fleiss_kappa", lambda: fleiss_kappa(**data, **common)),
        ("light_kappa", lambda: light_kappa(ratings, n_resamples=n_resamples, seed=seed, **common)),
        ("krippendorff_alpha",
         lambda: krippendorff_alpha(**data, level=level, n_resamples=n_resamples, seed=seed, **common)),
        ("gwet_ac1", lambda: gwet_ac1(**data, **common)),
        ("pabak", lambda: pabak(**data, **common)),
    ]
    parts = []
    for name, call in calls:
        if counts is not None and name in ("cohen_kappa", "light_kappa"):
            reason = "needs ratings: a count table does not say which rater gave which label"
        else:
            try:
                parts.append(call())  # its note says why an estimate is undefined
                continue
            except ValueError as exc:
                reason = str(exc)
        parts.append(_frame([_row(name, math.nan, math.nan, (math.nan, math.nan), coded, "none", conf,
                                  note=f"not applicable: {reason}")]))
    table = pd.concat(parts, ignore_index=True)
    cols = _BASE_COLUMNS + [c for c in table.columns if c not in _BASE_COLUMNS and c != "note"] + ["note"]
    return table[cols]


# --------------------------------------------------------------------------
# Batch helpers for simulations
# --------------------------------------------------------------------------


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
    >>> from intake_alliance.reliability import fleiss_kappa_batch
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
    return _chance_corrected(pbar, (p**2).sum(axis=1))


def _batch_agreement(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    share, pairable = _unit_pair_agreement(c)
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
    >>> from intake_alliance.reliability import percent_agreement_batch
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
    >>> from intake_alliance.reliability import gwet_ac1_batch
    >>> gwet_ac1_batch([[[2, 0], [0, 2]], [[2, 0], [1, 1]]]).round(3).tolist()
    [1.0, 0.2]
    """
    c = _check_batch(counts)
    r = c.sum(axis=2)
    if (r == 0).any():
        raise ValueError("`counts` contains units without any rating; drop them first.")
    pa, _ = _batch_agreement(c)
    pi = (c / r[..., None]).mean(axis=1)
    return _chance_corrected(pa, _ac1_chance(pi, c.shape[2]))


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
    >>> from intake_alliance.reliability import krippendorff_alpha_batch
    >>> krippendorff_alpha_batch([[[2, 0], [0, 2]], [[2, 0], [1, 1]]]).round(3).tolist()
    [1.0, 0.0]
    """
    if level not in _LEVELS:
        raise ValueError(f"`level` must be one of {_LEVELS}; got {level!r}.")
    c = _check_batch(counts)
    if level in ("interval", "ratio"):
        if values is None or len(values) != c.shape[2]:
            raise ValueError(f"level={level!r} needs `values`, one number per category column.")
        values = np.asarray(values, dtype=float)
    o = _unit_coincidences(c).sum(axis=1)
    return _alpha_from_coincidences(o, level, values)


# --------------------------------------------------------------------------
# Bootstrap
# --------------------------------------------------------------------------

_FAST = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "light_kappa", "krippendorff_alpha", "gwet_ac1",
         "pabak")
_NEEDS_RATINGS = ("cohen_kappa", "light_kappa")


def _weighted_evaluator(name: str, coded: _Coded, *, level: str = "nominal",
                        weights: str | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """Return ``f(W)`` giving the statistic for each row of unit weights ``W``.

    A bootstrap resample is a vector of unit multiplicities and every
    coefficient here is a ratio of sums over units, so precomputing per-unit
    terms once turns all resamples into a few matrix products.
    """
    c = coded.counts.astype(float)
    q = coded.q
    if name in ("percent_agreement", "pabak", "gwet_ac1", "fleiss_kappa"):
        share, pairable = _unit_pair_agreement(c)
        if name == "fleiss_kappa":
            def fleiss(w: np.ndarray) -> np.ndarray:
                pa = (w @ share) / (w @ pairable)
                p = w @ c
                p /= p.sum(axis=1, keepdims=True)
                return _chance_corrected(pa, (p**2).sum(axis=1))
            return fleiss
        if name == "gwet_ac1":
            unit_shares = c / c.sum(axis=1, keepdims=True)

            def ac1(w: np.ndarray) -> np.ndarray:
                pa = (w @ share) / (w @ pairable)
                pi = (w @ unit_shares) / w.sum(axis=1, keepdims=True)
                return _chance_corrected(pa, _ac1_chance(pi, q))
            return ac1

        def agreement(w: np.ndarray) -> np.ndarray:
            with np.errstate(divide="ignore", invalid="ignore"):
                pa = (w @ share) / (w @ pairable)
            return pa if name == "percent_agreement" else _chance_corrected(pa, 1.0 / q)
        return agreement
    if name == "krippendorff_alpha":
        unit_o = _unit_coincidences(c).reshape(coded.n_units, q * q)
        values = _alpha_domain(coded, level)

        def alpha(w: np.ndarray) -> np.ndarray:
            o = (w @ unit_o).reshape(-1, q, q)
            return _alpha_from_coincidences(o, level, values)
        return alpha
    if name in _NEEDS_RATINGS:
        agree_w = 1.0 - _disagreement_weights(q, weights)
        pair_cells = []
        for j, k in itertools.combinations(range(coded.n_raters), 2):
            both = (coded.codes[:, j] >= 0) & (coded.codes[:, k] >= 0)
            cells = np.zeros((coded.n_units, q * q))
            cells[np.nonzero(both)[0], coded.codes[both, j] * q + coded.codes[both, k]] = 1.0
            pair_cells.append(cells)

        def mean_kappa(w: np.ndarray) -> np.ndarray:
            kappas = []
            for cells in pair_cells:
                t = (w @ cells).reshape(-1, q, q)
                t /= t.sum(axis=(1, 2), keepdims=True)
                po = (agree_w * t).sum(axis=(1, 2))
                pe = (agree_w * (t.sum(axis=2)[:, :, None] * t.sum(axis=1)[:, None, :])).sum(axis=(1, 2))
                kappas.append(_chance_corrected(po, pe))
            return np.mean(kappas, axis=0)
        return mean_kappa
    raise ValueError(f"`statistic` {name!r} has no fast path; known names: {_FAST}.")  # pragma: no cover


def _evaluate_blocks(f: Callable[[np.ndarray], np.ndarray], make_block: Callable[[int, int], np.ndarray],
                     n_rows: int, n_units: int) -> np.ndarray:
    step = max(1, _BLOCK_CELLS // max(n_units, 1))
    out = np.empty(n_rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n_rows, step):
            stop = min(n_rows, start + step)
            out[start:stop] = f(make_block(start, stop))
    return out


def _resample_weights(idx: np.ndarray, n_units: int) -> Callable[[int, int], np.ndarray]:
    def block(start: int, stop: int) -> np.ndarray:
        rows = stop - start
        flat = idx[start:stop] + n_units * np.arange(rows)[:, None]
        return np.bincount(flat.ravel(), minlength=rows * n_units).reshape(rows, n_units).astype(float)
    return block


def _jackknife_weights(n_units: int) -> Callable[[int, int], np.ndarray]:
    def block(start: int, stop: int) -> np.ndarray:
        w = np.ones((stop - start, n_units))
        w[np.arange(stop - start), np.arange(start, stop)] = 0.0
        return w
    return block


def _rng(seed: SeedLike) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def _interval(replicates: np.ndarray, jackknife: np.ndarray | None, estimate: float, confidence: float,
              method: str) -> tuple[float, float]:
    alpha = (1.0 - confidence) / 2.0
    if method == "percentile":
        lo, hi = np.quantile(replicates, [alpha, 1.0 - alpha])
        return float(lo), float(hi)
    # BCa (Efron & Tibshirani, 1993, ch. 14): bias from the share of
    # replicates below the estimate, acceleration from the jackknife skewness.
    # Agreement coefficients of discrete data tie with the estimate often;
    # ties are counted half, and "tie" allows for rounding so that the result
    # does not depend on the order in which sums were accumulated.
    tol = 1e-12 * max(1.0, abs(estimate))
    below = np.count_nonzero(replicates < estimate - tol)
    ties = np.count_nonzero(np.abs(replicates - estimate) <= tol)
    share = (below + 0.5 * ties) / replicates.size
    z0 = stats.norm.ppf(share)
    jk = jackknife[np.isfinite(jackknife)]
    u = jk.mean() - jk
    denom = 6.0 * (u**2).sum() ** 1.5
    accel = (u**3).sum() / denom if denom > 0 else 0.0
    z = stats.norm.ppf([alpha, 1.0 - alpha])
    with np.errstate(divide="ignore", invalid="ignore"):
        adj = stats.norm.cdf(z0 + (z0 + z) / (1.0 - accel * (z0 + z)))
    if not np.all(np.isfinite(adj)):
        warnings.warn("BCa interval undefined (all replicates on one side of the estimate); returning NaN.",
                      RuntimeWarning, stacklevel=3)
        return math.nan, math.nan
    lo, hi = np.quantile(replicates, adj)
    return float(lo), float(hi)


def _bootstrap_coded(name: str, coded: _Coded, *, n_resamples: int, confidence: float, method: str,
                     seed: SeedLike, level: str = "nominal", weights: str | None = None,
                     return_replicates: bool = False) -> Any:
    f = _weighted_evaluator(name, coded, level=level, weights=weights)
    n = coded.n_units
    estimate = float(f(np.ones((1, n)))[0])
    idx = _rng(seed).integers(0, n, size=(n_resamples, n))
    reps = _evaluate_blocks(f, _resample_weights(idx, n), n_resamples, n)
    jack = _evaluate_blocks(f, _jackknife_weights(n), n, n) if method == "bca" else None
    return _summarise_bootstrap(name, estimate, reps, jack, coded, confidence, method, n_resamples,
                                return_replicates, level=level if name == "krippendorff_alpha" else None)


def _summarise_bootstrap(name: str, estimate: float, reps: np.ndarray, jack: np.ndarray | None, coded: _Coded,
                         confidence: float, method: str, n_resamples: int, return_replicates: bool,
                         level: str | None = None) -> Any:
    finite = reps[np.isfinite(reps)]
    dropped = reps.size - finite.size
    if dropped:
        warnings.warn(f"{dropped} of {reps.size} bootstrap resamples gave an undefined {name} "
                      "(e.g. a single category in the resample) and were left out.", RuntimeWarning, stacklevel=3)
    if finite.size < 2:
        lo = hi = se = math.nan
    else:
        lo, hi = _interval(finite, jack, estimate, confidence, method)
        se = float(finite.std(ddof=1))
    extra: dict[str, Any] = {"n_resamples": int(finite.size)}
    if level is not None:
        extra["level"] = level
    table = _frame([_row(name, estimate, se, (lo, hi), coded, f"bootstrap-{method}", confidence, **extra)])
    return (table, reps) if return_replicates else table


def bootstrap_ci(
    statistic: str | Callable[..., Any],
    data: RatingsLike | None = None,
    *,
    counts: CountsLike | None = None,
    categories: Iterable[Hashable] | None = None,
    n_resamples: int = 10_000,
    confidence: float = 0.95,
    method: Literal["percentile", "bca"] = "percentile",
    seed: SeedLike = 0,
    return_replicates: bool = False,
    **kwargs: Any,
) -> pd.DataFrame | tuple[pd.DataFrame, np.ndarray]:
    """Bootstrap confidence interval for an agreement coefficient, resampling units.

    Parameters
    ----------
    statistic : str or callable
        A coefficient name -- ``"percent_agreement"``, ``"cohen_kappa"``,
        ``"fleiss_kappa"``, ``"light_kappa"``, ``"krippendorff_alpha"``,
        ``"gwet_ac1"`` or ``"pabak"`` -- or one of those functions: these use
        the vectorised path. Any other callable is called on each resampled
        table (a DataFrame of the resampled rows of ``data`` or ``counts``)
        and must return a float or a result table with an ``estimate``
        column; that path is a Python loop.
    data : DataFrame, 2-D array or list of rows, optional
        Units x raters table of labels (``ratings`` elsewhere in this module).
    counts : 2-D array or DataFrame, optional, keyword only
        Units x categories count table, instead of ``data``.
    categories : sequence, optional
        Full category set.
    n_resamples : int
        Number of bootstrap resamples.
    confidence : float
        Confidence level.
    method : {"percentile", "bca"}
        Percentile interval, or bias-corrected and accelerated interval with
        the acceleration estimated by the jackknife.
    seed : int, Generator or None
        Seed for :func:`numpy.random.default_rng`. The default (0) makes
        repeated builds of a book identical; pass ``None`` for fresh
        randomness.
    return_replicates : bool
        Also return the array of bootstrap replicates.
    **kwargs
        Passed on to the statistic: ``level=`` for Krippendorff's alpha,
        ``weights=`` for Cohen's/Light's kappa; anything for a callable.

    Returns
    -------
    DataFrame, or (DataFrame, ndarray)
        One row: the estimate on the full data, the bootstrap standard error
        (SD of the replicates), the interval, ``n_resamples`` (replicates
        actually used) and ``ci_method``.

    Notes
    -----
    Units (rows) are resampled with replacement; raters stay fixed, because
    reliability is a property of this set of coders applying the codebook.
    All resample indices are drawn at once with
    ``Generator.integers(0, n, size=(n_resamples, n))``, which is also how
    :func:`scipy.stats.bootstrap` draws them, so the two agree for the same
    generator. In the fast path a resample is represented by the vector of
    unit multiplicities *w*; every coefficient is a ratio of weighted sums of
    per-unit terms (pairwise agreement, category shares, coincidences, the
    2-rater cells), computed once, so all resamples cost a few matrix
    products. The BCa interval (Efron & Tibshirani, 1993) uses
    :math:`\\hat z_0 = \\Phi^{-1}(\\#\\{\\theta^* < \\hat\\theta\\}/B)` (ties
    counted half) and the jackknife acceleration
    :math:`\\hat a = \\sum U_i^3 / [6(\\sum U_i^2)^{3/2}]`. Resamples in which
    a coefficient is undefined (e.g. only one category drawn) are dropped
    with a warning.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
    Bootstrap*. Chapman & Hall.

    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard
    reliability measure for coding data. *Communication Methods and
    Measures*, 1(1), 77-89.

    Examples
    --------
    >>> from intake_alliance.reliability import bootstrap_ci
    >>> data = [["a", "a", "a"], ["b", "b", "a"], ["b", "b", "b"], ["a", "b", "a"],
    ...         ["a", "a", "a"], ["b", "b", "b"]]
    >>> res = bootstrap_ci("gwet_ac1", data, n_resamples=2000, seed=1)
    >>> str(res.at[0, "ci_method"]), int(res.at[0, "n_units"]), int(res.at[0, "n_resamples"])
    ('bootstrap-percentile', 6, 2000)
    >>> bool(res.at[0, "ci_low"] < res.at[0, "estimate"] < res.at[0, "ci_high"])
    True
    """
    conf = _check_confidence(confidence)
    if method not in ("percentile", "bca"):
        raise ValueError(f"`method` must be 'percentile' or 'bca'; got {method!r}.")
    _check_n_resamples(n_resamples, allow_zero=False)
    name = _statistic_name(statistic)
    if name is not None:
        if counts is not None and name in _NEEDS_RATINGS:
            raise ValueError(f"`counts`: {name} needs ratings (which rater gave which label), not a count table.")
        missing_ok = name not in ("cohen_kappa", "fleiss_kappa")
        coded = _prepare(f"bootstrap_ci({name})", data, counts, categories, allow_missing=missing_ok,
                         equal_raters=name == "fleiss_kappa")
        if name == "cohen_kappa" and coded.n_raters != 2:
            raise ValueError(f"`data` has {coded.n_raters} raters but cohen_kappa needs exactly two.")
        unknown = set(kwargs) - {"level", "weights"}
        if unknown:
            raise ValueError(f"unexpected keyword(s) for {name}: {sorted(unknown)}.")
        return _bootstrap_coded(name, coded, n_resamples=int(n_resamples), confidence=conf, method=method,
                                seed=seed, return_replicates=return_replicates, **kwargs)
    if not callable(statistic):
        raise ValueError(f"`statistic` must be a callable or one of {_FAST}; got {statistic!r}.")
    return _bootstrap_loop(statistic, data, counts, categories, int(n_resamples), conf, method, seed,
                           return_replicates, kwargs)


def _statistic_name(statistic: Any) -> str | None:
    if isinstance(statistic, str):
        if statistic not in _FAST:
            raise ValueError(f"`statistic` {statistic!r} is not a known coefficient; known names: {_FAST}.")
        return statistic
    for name in _FAST:
        if statistic is globals()[name]:
            return name
    return None


def _bootstrap_loop(statistic: Callable[..., Any], data: Any, counts: Any, categories: Any, n_resamples: int,
                    confidence: float, method: str, seed: SeedLike, return_replicates: bool,
                    kwargs: dict[str, Any]) -> Any:
    coded = _prepare("bootstrap_ci", data, counts, categories, allow_missing=True)
    source = counts if counts is not None else data
    frame = source if isinstance(source, pd.DataFrame) else pd.DataFrame(np.asarray(source, dtype=object))
    if counts is None:
        # Rows nobody rated were dropped from `coded`; keep the callable's view consistent.
        frame = frame.loc[~np.asarray(pd.isna(frame.to_numpy(dtype=object)), dtype=bool).all(axis=1)]
    else:
        frame = frame.loc[np.asarray(frame, dtype=float).sum(axis=1) > 0]

    def value(sub: pd.DataFrame) -> float:
        out = statistic(sub, **kwargs)
        if isinstance(out, pd.DataFrame):
            return float(out["estimate"].iloc[0])
        return float(out)

    n = len(frame)
    estimate = value(frame)
    idx = _rng(seed).integers(0, n, size=(n_resamples, n))
    reps = np.empty(n_resamples)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for b in range(n_resamples):
            try:
                reps[b] = value(frame.iloc[idx[b]])
            except ValueError:
                reps[b] = math.nan
        jack = None
        if method == "bca":
            jack = np.array([value(frame.iloc[np.delete(np.arange(n), i)]) for i in range(n)])
    name = getattr(statistic, "__name__", "statistic")
    return _summarise_bootstrap(name, estimate, reps, jack, coded, confidence, method, n_resamples,
                                return_replicates)


# --------------------------------------------------------------------------
# Interpretation benchmarks
# --------------------------------------------------------------------------

# Each band: (scale, lower, upper, closed, label, source). ``closed`` follows
# pandas.Interval. The published tables print two-decimal ranges with gaps
# (e.g. 0.00-0.20, 0.21-0.40); the closure below assigns the gaps to the
# band whose printed range they round into.
_BANDS: list[tuple[str, float, float, str, str, str]] = [
    ("landis_koch", -np.inf, 0.0, "neither", "poor", "Landis & Koch (1977)"),
    ("landis_koch", 0.0, 0.20, "both", "slight", "Landis & Koch (1977)"),
    ("landis_koch", 0.20, 0.40, "right", "fair", "Landis & Koch (1977)"),
    ("landis_koch", 0.40, 0.60, "right", "moderate", "Landis & Koch (1977)"),
    ("landis_koch", 0.60, 0.80, "right", "substantial", "Landis & Koch (1977)"),
    ("landis_koch", 0.80, 1.00, "right", "almost perfect", "Landis & Koch (1977)"),
    # McHugh's table starts at 0, but kappa can be negative: the lowest band is extended downwards.
    ("mchugh", -np.inf, 0.20, "right", "none", "McHugh (2012)"),
    ("mchugh", 0.20, 0.40, "neither", "minimal", "McHugh (2012)"),
    ("mchugh", 0.40, 0.60, "left", "weak", "McHugh (2012)"),
    ("mchugh", 0.60, 0.80, "left", "moderate", "McHugh (2012)"),
    ("mchugh", 0.80, 0.90, "both", "strong", "McHugh (2012)"),
    ("mchugh", 0.90, 1.00, "right", "almost perfect", "McHugh (2012)"),
    ("krippendorff", -np.inf, 0.667, "neither", "unacceptable", "Krippendorff (2004)"),
    ("krippendorff", 0.667, 0.800, "left", "tentative conclusions only", "Krippendorff (2004)"),
    ("krippendorff", 0.800, 1.00, "both", "acceptable", "Krippendorff (2004)"),
    ("fleiss", -np.inf, 0.40, "neither", "poor", "Fleiss (1981)"),
    ("fleiss", 0.40, 0.75, "both", "fair to good", "Fleiss (1981)"),
    ("fleiss", 0.75, 1.00, "right", "excellent", "Fleiss (1981)"),
]


def interpretation_scales() -> pd.DataFrame:
    """All interpretation benchmarks as one tidy table.

    Returns
    -------
    DataFrame
        Columns ``scale, lower, upper, closed, label, source``; one row per
        band. ``closed`` says which ends belong to the band, as in
        :class:`pandas.Interval` (``"left"``, ``"right"``, ``"both"``,
        ``"neither"``).

    Notes
    -----
    * ``landis_koch`` -- Landis & Koch (1977): <0 poor, 0-.20 slight, .21-.40
      fair, .41-.60 moderate, .61-.80 substantial, .81-1 almost perfect.
    * ``mchugh`` -- McHugh (2012), stricter: 0-.20 none, .21-.39 minimal,
      .40-.59 weak, .60-.79 moderate, .80-.90 strong, >.90 almost perfect.
    * ``krippendorff`` -- Krippendorff (2004): rely on alpha >= .800; alpha
      in [.667, .800) only for tentative conclusions; below .667 discard.
    * ``fleiss`` -- Fleiss (1981): <.40 poor, .40-.75 fair to good, >.75
      excellent.

    The benchmarks are conventions, not properties of the data; showing them
    side by side is the point.

    References
    ----------
    Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement
    for categorical data. *Biometrics*, 33(1), 159-174.

    McHugh, M. L. (2012). Interrater reliability: the kappa statistic.
    *Biochemia Medica*, 22(3), 276-282.

    Krippendorff, K. (2004). *Content Analysis: An Introduction to Its
    Methodology* (2nd ed.). Sage.

    Fleiss, J. L. (1981). *Statistical Methods for Rates and Proportions*
    (2nd ed.). Wiley.

    Examples
    --------
    >>> from intake_alliance.reliability import interpretation_scales
    >>> interpretation_scales().groupby("scale", sort=False).size().to_dict()
    {'landis_koch': 6, 'mchugh': 6, 'krippendorff': 3, 'fleiss': 3}
    """
    return pd.DataFrame(_BANDS, columns=["scale", "lower", "upper", "closed", "label", "source"])


def _in_band(x: np.ndarray, lower: float, upper: float, closed: str) -> np.ndarray:
    left_ok = x >= lower if closed in ("left", "both") else x > lower
    right_ok = x <= upper if closed in ("right", "both") else x < upper
    return left_ok & right_ok


def interpret(value: float | Iterable[float] | pd.DataFrame, scale: str | Sequence[str] = "landis_koch"
              ) -> pd.DataFrame:
    """Label agreement values with published benchmarks.

    Parameters
    ----------
    value : float, sequence of floats, or result table
        Coefficient value(s). A result table from this module is accepted and
        its ``estimate`` column is used (its ``coefficient`` column is kept).
    scale : str or sequence of str
        ``"landis_koch"`` (default), ``"mchugh"``, ``"krippendorff"``,
        ``"fleiss"``, a list of these, or ``"all"``.

    Returns
    -------
    DataFrame
        One row per value and scale: ``value, scale, label, lower, upper,
        closed`` (plus ``coefficient`` for a result table). Values outside
        ``[-1, 1]`` or NaN get a missing label.

    Notes
    -----
    See :func:`interpretation_scales` for the bands and their sources.

    Examples
    --------
    >>> from intake_alliance.reliability import interpret
    >>> interpret(0.72, scale="all")[["scale", "label"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['landis_koch', 'substantial'], ['mchugh', 'moderate'],
     ['krippendorff', 'tentative conclusions only'], ['fleiss', 'fair to good']]
    """
    bands = interpretation_scales()
    known = list(dict.fromkeys(bands["scale"]))
    scales = known if scale == "all" else ([scale] if isinstance(scale, str) else list(scale))
    bad = [s for s in scales if s not in known]
    if bad:
        raise ValueError(f"`scale` must be one of {known} or 'all'; got {bad}.")
    if isinstance(value, pd.DataFrame):
        if "estimate" not in value.columns:
            raise ValueError("`value`: a table must have an 'estimate' column.")
        values = value["estimate"].to_numpy(dtype=float)
        coefficients = value["coefficient"].tolist() if "coefficient" in value.columns else None
    else:
        values = np.atleast_1d(np.asarray(value, dtype=float)).ravel()
        coefficients = None
    with np.errstate(invalid="ignore"):
        in_range = np.isfinite(values) & (values >= -1.0) & (values <= 1.0)
    parts = []
    for rank, name in enumerate(scales):
        label = np.full(values.size, None, dtype=object)
        closed = np.full(values.size, None, dtype=object)
        lower = np.full(values.size, np.nan)
        upper = np.full(values.size, np.nan)
        for band in bands[bands["scale"] == name].itertuples(index=False):
            # First matching band wins; the bands of a scale do not overlap.
            hit = in_range & (label == None) & _in_band(values, band.lower, band.upper, band.closed)  # noqa: E711
            label[hit], closed[hit], lower[hit], upper[hit] = band.label, band.closed, band.lower, band.upper
        part = pd.DataFrame({"value": values, "scale": name, "label": label, "lower": lower, "upper": upper,
                             "closed": closed, "_pos": np.arange(values.size), "_rank": rank})
        if coefficients is not None:
            part.insert(0, "coefficient", coefficients)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True).sort_values(["_pos", "_rank"], kind="stable")
    return out.drop(columns=["_pos", "_rank"]).reset_index(drop=True)
