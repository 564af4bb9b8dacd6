"""Coded data for the agreement coefficients: validation, count tables and shared algebra.

Every coefficient of :mod:`intake_alliance.stats.agreement` accepts a
**units x raters** table of labels (``ratings``) or a **units x categories**
table of counts (``counts=``); this module turns either into one validated
form (:class:`CodedUnits`), and holds the pieces of algebra that the single
coefficients, their vectorised batch versions and the bootstrap share: chance
agreement, coincidence matrices, distance metrics, Wald intervals and the
tidy result rows.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union
import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["RatingsLike", "CountsLike", "Level", "MAX_RATERS"]

RatingsLike = Union[pd.DataFrame, np.ndarray, Sequence[Sequence[Any]]]

CountsLike = Union[pd.DataFrame, np.ndarray, Sequence[Sequence[float]]]

Level = Literal["nominal", "ordinal", "interval", "ratio"]

LEVELS = ("nominal", "ordinal", "interval", "ratio")

BASE_COLUMNS = [
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


@dataclass(frozen=True)
class CodedUnits:
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
) -> CodedUnits:
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
    return CodedUnits(arr, None, tuple(cats), None, n_raters)


def _categories_of(present: np.ndarray, categories: Iterable[Hashable] | None) -> list:
    """Return the category set: the declared one (checked against the labels used) or the labels used."""
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
    return cats


def _coded_from_ratings(
    func: str,
    ratings: RatingsLike,
    categories: Iterable[Hashable] | None,
    allow_missing: bool,
) -> CodedUnits:
    # a numeric array keeps its dtype: its labels are found with np.unique instead of one Python object each
    numeric = (isinstance(ratings, np.ndarray) and ratings.dtype.kind in "iuf" and categories is None)
    if isinstance(ratings, pd.DataFrame):
        arr = ratings.to_numpy(dtype=object)
        rater_names = tuple(str(c) for c in ratings.columns)
    else:
        arr = ratings if numeric else np.asarray(ratings, dtype=object)
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
    missing = np.isnan(arr) if numeric and arr.dtype.kind == "f" else np.asarray(pd.isna(arr), dtype=bool)
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
    codes = np.full(arr.shape, -1, dtype=np.intp)
    if numeric:
        labels = np.unique(present)  # sorted, as _categories_of sorts numbers
        cats = labels.tolist()
        if len(cats) < 2:
            cats = _categories_of(present.astype(object), None)  # raises the single-category error
        codes[~missing] = np.searchsorted(labels, present)
    else:
        cats = _categories_of(present, categories)
        lut = {lab: i for i, lab in enumerate(cats)}
        codes[~missing] = [lut[v] for v in present.tolist()]
    if not ((~missing).sum(axis=1) >= 2).any():
        raise ValueError("`ratings` has no unit rated by two or more raters, so there is no agreement to measure.")
    return CodedUnits(_counts_from_codes(codes, len(cats)), codes, tuple(cats), rater_names, n_raters)


def _counts_from_codes(codes: np.ndarray, q: int) -> np.ndarray:
    n = codes.shape[0]
    rated = codes >= 0
    flat = (codes + q * np.arange(n)[:, None])[rated]
    return np.bincount(flat, minlength=n * q).reshape(n, q).astype(np.int64)


def prepare(
    func: str,
    ratings: RatingsLike | None,
    counts: CountsLike | None,
    categories: Iterable[Hashable] | None,
    *,
    allow_missing: bool,
    equal_raters: bool = False,
) -> CodedUnits:
    if (ratings is None) == (counts is None):
        raise ValueError(f"`{func}`: give either `ratings` (units x raters) or `counts=` (units x categories), not both.")
    if counts is not None:
        return _coded_from_counts(func, counts, categories, equal_raters)
    return _coded_from_ratings(func, ratings, categories, allow_missing)


def chance_corrected(po: np.ndarray | float, pe: np.ndarray | float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.asarray(po, float) - pe) / (1.0 - np.asarray(pe, float))


def ac1_chance(pi: np.ndarray, q: int) -> np.ndarray:
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


def alpha_from_coincidences(o: np.ndarray, level: str, values: np.ndarray | None) -> np.ndarray:
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


def unit_coincidences(counts: np.ndarray) -> np.ndarray:
    """Per-unit contributions to the coincidence matrix, shape (n_units, q, q)."""
    from .checks import check_work

    check_work(int(np.prod(counts.shape)) * counts.shape[-1], "units x categories x categories of `ratings`")
    c = counts.astype(float)
    m = c.sum(axis=-1)
    pairs = c[..., :, None] * c[..., None, :]
    idx = np.arange(c.shape[-1])
    pairs[..., idx, idx] -= c
    denom = np.where(m >= 2, m - 1.0, np.inf)
    return pairs / denom[..., None, None]


def coincidence_matrix(counts: np.ndarray) -> np.ndarray:
    """Krippendorff's coincidence matrix of one units x categories count table: the sum over units of
    :func:`unit_coincidences`, as one matrix product (units rated once contribute nothing)."""
    c = counts.astype(float)
    m = c.sum(axis=-1)
    share = c / np.where(m >= 2, m - 1.0, np.inf)[:, None]
    return share.T @ c - np.diag(share.sum(axis=0))


def unit_pair_agreement(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of agreeing rater pairs in each unit, and whether the unit has a pair."""
    c = counts.astype(float)
    m = c.sum(axis=-1)
    pairable = m >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(pairable, (c * (c - 1.0)).sum(axis=-1) / np.where(pairable, m * (m - 1.0), 1.0), 0.0)
    return share, pairable.astype(float)


def gwet_linearised(counts: np.ndarray, kind: str) -> tuple[float, float, float, float]:
    """Estimate, standard error, po and pe in Gwet's (2014) framework.

    ``kind`` is "pa" (percent agreement), "ac1", "bp" (Brennan-Prediger) or
    "fleiss". The variance is Gwet's linearisation, which does not assume
    independent raters; it reproduces the irrCAC package (Gwet, 2019).
    """
    c = counts.astype(float)
    n, q = c.shape
    r = c.sum(axis=1)
    pa_i, pairable = unit_pair_agreement(c)
    n2 = pairable.sum()
    pa = pa_i.sum() / n2
    pi = (c / r[:, None]).mean(axis=0)
    if kind == "pa":
        est, pe = pa, 0.0
        terms = (n / n2) * pa_i
    else:
        if kind == "ac1":
            pe = float(ac1_chance(pi, q))
            pe_i = (c @ (1.0 - pi)) / r / (q - 1)
        elif kind == "fleiss":
            pe = float((pi**2).sum())
            pe_i = (c @ pi) / r
        elif kind == "bp":
            pe = 1.0 / q
            pe_i = None
        else:  # pragma: no cover - internal misuse
            raise ValueError(kind)
        est = float(chance_corrected(pa, pe))
        terms = (n / n2) * (pa_i - pe * pairable) / (1.0 - pe)
        if pe_i is not None:
            terms = terms - 2.0 * (1.0 - est) * (pe_i - pe) / (1.0 - pe)
    se = math.sqrt(((terms - est) ** 2).sum() / (n * (n - 1))) if n > 1 else math.nan
    return float(est), se, float(pa), float(pe)


def _clip(x: float) -> float:
    return float(np.clip(x, -1.0, 1.0)) if np.isfinite(x) else math.nan


def wald_interval(est: float, se: float, confidence: float, df: float | None = None) -> tuple[float, float]:
    tail = 1.0 - (1.0 - confidence) / 2.0
    crit = stats.norm.ppf(tail) if df is None else stats.t.ppf(tail, df)
    if not (np.isfinite(est) and np.isfinite(se)):
        return math.nan, math.nan
    return _clip(est - crit * se), _clip(est + crit * se)


def result_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    extra = [c for c in df.columns if c not in BASE_COLUMNS]
    for col in BASE_COLUMNS:
        if col not in df.columns:
            df[col] = np.nan
    df = df[BASE_COLUMNS + extra]
    if "note" in df.columns:
        df["note"] = df["note"].fillna("")
    df["n_units"] = df["n_units"].astype("int64")
    df["n_raters"] = df["n_raters"].astype("int64")
    return df.reset_index(drop=True)


def _undefined_note(est: float, coded: CodedUnits) -> str:
    """Return why an estimate is NaN ('' when it is a number)."""
    if np.isfinite(est):
        return ""
    used = [c for c, total in zip(coded.categories, coded.counts.sum(axis=0)) if total > 0]
    if len(used) < 2:
        return (f"undefined (0/0): every rating is {used[0]!r}, so chance agreement is 1 and there is no "
                "disagreement to correct for; report percent agreement instead")
    return ("undefined (0/0): expected agreement is 1 (or expected disagreement 0) for these data, so the "
            "chance correction divides by zero")


def result_row(coefficient: str, est: float, se: float, ci: tuple[float, float], coded: CodedUnits,
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


def disagreement_weights(q: int, weights: str | None) -> np.ndarray:
    idx = np.arange(q)
    gap = np.abs(idx[:, None] - idx[None, :]) / (q - 1)
    if weights is None:
        return 1.0 - np.eye(q)
    return gap if weights == "linear" else gap**2


def alpha_domain(coded: CodedUnits, level: str) -> np.ndarray:
    if level in ("interval", "ratio"):
        try:
            values = np.array([float(c) for c in coded.categories])
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"level={level!r} needs numeric category labels; got {list(coded.categories)!r}. "
                "Use level='nominal' or 'ordinal' for codes."
            ) from exc
        if not np.isfinite(values).all():
            raise ValueError(f"level={level!r} needs finite category values; got "
                             f"{[c for c, v in zip(coded.categories, values) if not np.isfinite(v)]!r}.")
        if level == "ratio" and (values < 0).any():
            raise ValueError("level='ratio' needs non-negative category values.")
        return values
    return np.arange(coded.q)
