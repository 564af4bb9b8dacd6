"""Coded data for the agreement coefficients: validation, count tables and shared algebra.

Every coefficient of :mod:`intake_alliance.stats.agreement` accepts a
**units x raters** table of labels (``ratings``) or a **units x categories**
table of counts (``counts=``); this module turns either into one validated
form (:class:`CodedUnits`), and holds what every public coefficient shares around
its core (:mod:`~intake_alliance.stats.cores`): Wald intervals and the tidy result rows.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union
import numpy as np
import pandas as pd
from scipy import special

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
    """Validated data: integer codes when known, and per-unit category counts (from the codes on first use)."""

    given_counts: np.ndarray | None  # (n_units, q) int64, from ``counts=``
    codes: np.ndarray | None  # (n_units, n_raters) intp, -1 = missing
    categories: tuple
    rater_names: tuple | None
    n_raters: int
    ordered: bool = True  # False: text labels sorted alphabetically because no order was declared

    @functools.cached_property
    def counts(self) -> np.ndarray:
        """Units x categories counts, shape (n_units, q), int64."""
        if self.given_counts is not None:
            return self.given_counts
        counts = np.zeros((self.codes.shape[0], self.q), dtype=np.int64)
        rows = np.arange(self.codes.shape[0])
        for column in self.codes.T:
            rated = column >= 0
            np.add.at(counts, (rows[rated], column[rated]), 1) if not rated.all() else None
            if rated.all():
                counts[rows, column] += 1  # one rating per unit and rater: no repeated cells in this column
        return counts

    @property
    def n_units(self) -> int:
        return (self.codes if self.codes is not None else self.given_counts).shape[0]

    @property
    def q(self) -> int:
        return len(self.categories)

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
    if isinstance(ratings, np.ndarray) and ratings.dtype.kind in "US" and (ratings == "nan").any():
        raise ValueError("`ratings` is a text array holding 'nan': NumPy turned a missing rating into the text 'nan'; "
                         "build it with dtype=object (or as a DataFrame) so that NaN stays missing.")
    if isinstance(ratings, pd.DataFrame):
        if categories is None:
            categories = _categorical_levels(ratings)
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
    if numeric and arr.dtype.kind in "iu":
        missing = None  # an integer array cannot hold a missing rating
    else:
        missing = np.isnan(arr) if numeric else np.asarray(pd.isna(arr), dtype=bool)
        missing = missing if missing.any() else None
    if missing is not None:
        if not allow_missing:
            raise ValueError(
                f"`ratings` contains {int(missing.sum())} missing rating(s) (NaN/None), but {func} needs every rater "
                "to rate every unit. Drop the incomplete units, or use krippendorff_alpha, gwet_ac1 or "
                "percent_agreement, which allow missing ratings."
            )
        keep = ~missing.all(axis=1)
        arr, missing = arr[keep], missing[keep]
    if arr.shape[0] < 2:
        raise ValueError(f"`ratings` needs at least two rated units (rows); got {arr.shape[0]}.")
    present = arr.ravel() if missing is None else arr[~missing]
    if numeric:
        cats, present_codes = _numeric_codes(present)
    else:
        cats = _categories_of(present, categories)
        lut = {lab: i for i, lab in enumerate(cats)}
        present_codes = np.fromiter((lut[v] for v in present.tolist()), dtype=np.intp, count=present.size)
    if missing is None:
        codes = present_codes.reshape(arr.shape)
    else:
        codes = np.full(arr.shape, -1, dtype=np.intp)
        codes[~missing] = present_codes
        if not ((~missing).sum(axis=1) >= 2).any():
            raise ValueError("`ratings` has no unit rated by two or more raters, so there is no agreement to measure.")
    ordered = categories is not None or not any(isinstance(c, str) for c in cats)
    return CodedUnits(None, codes, tuple(cats), rater_names, n_raters, ordered)


def _categorical_levels(frame: pd.DataFrame) -> list | None:
    """The categories of a table of pandas categorical columns, in their order (unused levels included)."""
    kinds = [isinstance(dtype, pd.CategoricalDtype) for dtype in frame.dtypes]
    if not any(kinds):
        return None
    levels = [list(dtype.categories) for dtype in frame.dtypes if isinstance(dtype, pd.CategoricalDtype)]
    if not all(kinds) or any(lv != levels[0] for lv in levels):
        raise ValueError("`ratings`: some columns are categorical with other levels (or not categorical); give every "
                         "rater's column the same categories, or pass `categories=` in their order.")
    return levels[0]


def check_label_order(coded: CodedUnits, what: str) -> None:
    """Refuse text labels sorted as text where the order of the categories changes the number."""
    if not coded.ordered:
        shown = ", ".join(repr(c) for c in coded.categories[:4])
        raise ValueError(f"`categories`: {what} depends on the order of the categories, and the labels are text "
                         f"({shown}, ...) that would be ordered alphabetically; pass `categories=` in their order.")


#: Non-negative integer labels below this are coded through a lookup table (linear time) instead of a sort.
_LOOKUP_LABELS = 1 << 16


def _numeric_codes(present: np.ndarray) -> tuple[list, np.ndarray]:
    """The sorted labels of a numeric array (as ``_categories_of`` sorts numbers) and each value's code."""
    if present.dtype.kind in "iu" and present.size and present.min() >= 0 and present.max() < _LOOKUP_LABELS:
        used = np.bincount(present) > 0
        labels = np.flatnonzero(used)
        codes = (np.cumsum(used) - 1)[present]
    else:
        labels = np.unique(present)
        codes = np.searchsorted(labels, present)
    cats = labels.tolist()
    if len(cats) < 2:
        _categories_of(present.astype(object), None)  # raises the single-category error
    return cats, codes.astype(np.intp, copy=False)


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


def _clip(x: float) -> float:
    return float(np.clip(x, -1.0, 1.0)) if np.isfinite(x) else math.nan


def wald_interval(est: float, se: float, confidence: float, df: float | None = None) -> tuple[float, float]:
    """Normal (``df`` None) or Student-t interval, clipped to [-1, 1]. ``special.ndtri``/``stdtrit`` are the
    quantile functions ``scipy.stats.norm.ppf``/``t.ppf`` evaluate, without their per-call overhead."""
    tail = 1.0 - (1.0 - confidence) / 2.0
    crit = special.ndtri(tail) if df is None else special.stdtrit(df, tail)
    if not (np.isfinite(est) and np.isfinite(se)):
        return math.nan, math.nan
    return _clip(est - crit * se), _clip(est + crit * se)


def two_sided_p(z: float) -> float:
    """Two-sided normal p-value of ``z`` (NaN when ``z`` is not finite)."""
    return float(2.0 * special.ndtr(-abs(z))) if np.isfinite(z) else math.nan


def result_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Result rows as one table: the base columns first, then the others in order of appearance."""
    columns = list(BASE_COLUMNS)
    for row in rows:
        columns += [c for c in row if c not in columns]
    data = {c: [row.get(c, math.nan) for row in rows] for c in columns}
    if "note" in data:
        data["note"] = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in data["note"]]
    return pd.DataFrame(data)


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
