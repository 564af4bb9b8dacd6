"""Argument checks shared by every statistical module, with one message style.

Each check returns the value in the type the caller computes with and raises
``ValueError`` (``TypeError`` where only the type is wrong is still reported as
``ValueError``, so callers catch one class) whose message starts with the
argument's name in backticks and ends with what was given::

    `n_units` must be an integer >= 2; got 1.
"""

from __future__ import annotations

import sys
from numbers import Integral, Real
from typing import Any, Union

import numpy as np

from .. import ledger

SeedLike = Union[int, np.random.Generator, None]


def check_int(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking that it is an integer (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"`{name}` must be an integer >= {minimum}; got {type(value).__name__} {value!r}.")
    if value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}; got {value!r}.")
    return int(value)


def check_open_unit(value: Any, name: str) -> float:
    """Return ``value`` as a float after checking it lies strictly between 0 and 1 (a level, alpha, power)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 < float(value) < 1:
        raise ValueError(f"`{name}` must be a number strictly between 0 and 1; got {value!r}.")
    return float(value)


def check_confidence(confidence: Any) -> float:
    """Return a confidence level after checking it lies strictly between 0 and 1."""
    return check_open_unit(confidence, "confidence")


def check_unit_interval(value: Any, name: str, *, open_low: bool = True, open_high: bool = True) -> np.ndarray:
    """Return ``value`` as a float array after checking that every entry lies in (0, 1), [0, 1), ..."""
    arr = np.asarray(value, dtype=float)
    if np.isnan(arr).any():
        raise ValueError(f"`{name}` must not contain NaN; got {value!r}.")
    low_bad = (arr <= 0) if open_low else (arr < 0)
    high_bad = (arr >= 1) if open_high else (arr > 1)
    if (low_bad | high_bad).any():
        lo, hi = ("(" if open_low else "["), (")" if open_high else "]")
        raise ValueError(f"`{name}` must lie in {lo}0, 1{hi}; got {value!r}.")
    return arr


def check_icc(icc: Any, name: str = "icc") -> float:
    """Return an intraclass correlation after checking it lies in [0, 1)."""
    if isinstance(icc, bool) or not isinstance(icc, Real) or not 0 <= float(icc) < 1:
        raise ValueError(f"`{name}` must be an intraclass correlation in [0, 1); got {icc!r}.")
    return float(icc)


def check_seed(seed: Any) -> int:
    """Return ``seed`` after checking it is a non-negative integer (simulations are always seeded)."""
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer (simulations are always seeded); got {seed!r}.")
    return int(seed)


#: More bootstrap resamples than this buy no precision a report could show.
MAX_RESAMPLES = 1_000_000


def check_n_resamples(n_resamples: Any, *, allow_zero: bool) -> int:
    """Return ``n_resamples`` as an int: at least 2, or 0 (no bootstrap) where ``allow_zero``."""
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)):
        raise ValueError(f"`n_resamples` must be an integer; got {type(n_resamples).__name__} {n_resamples!r}.")
    if n_resamples < 2 and not (allow_zero and n_resamples == 0):
        wanted = "0 (no bootstrap) or an integer >= 2" if allow_zero else "an integer >= 2"
        raise ValueError(f"`n_resamples` must be {wanted}; got {n_resamples}.")
    if n_resamples > MAX_RESAMPLES:
        raise ValueError(f"`n_resamples` must be at most {MAX_RESAMPLES:,} (the Monte Carlo error of a 95 % "
                         f"percentile limit is already below 0.001 there); got {n_resamples:,}.")
    return int(n_resamples)


#: The most elements one call may allocate for a simulation or resampling (about 800 MB of float64 or int64).
MAX_ELEMENTS = 100_000_000


def check_work(elements: int, what: str, limit: int = MAX_ELEMENTS) -> None:
    """Refuse, before any work, a request that would allocate ``elements`` array elements beyond ``limit``.

    ``what`` names the arguments that set the size, so the message says what to lower:
    "`n_resamples` x units = 524,288,000 exceeds 50,000,000 ...".
    """
    if elements > limit:
        raise ValueError(f"{what} = {elements:,} exceeds {limit:,} (about {8 * limit / 1e9:.1f} GB of memory); "
                         "ask for fewer")


def make_rng(seed: SeedLike) -> np.random.Generator:
    """Return a NumPy generator: ``seed`` itself when it is one, else ``default_rng(seed)``.

    The only source of random numbers in the package: it notes in the :mod:`~intake_alliance.ledger` that its
    callers drew random numbers, so that a number's record can say it rests on random draws.
    """
    ledger.credit({ledger.RANDOM}, sys._getframe(1))
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def check_columns(df, cols, name: str) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``df`` is a DataFrame with every column of ``cols``."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"`{name}` must be a DataFrame; got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"`{name}`: missing column(s) {missing}")
