"""Bootstrap and jackknife intervals for the agreement coefficients.

:func:`bootstrap_ci` resamples coded units (percentile, BCa or basic
intervals) and evaluates every resample at once through resampling weights,
in blocks that bound the memory it needs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Literal
import numpy as np
import pandas as pd
from scipy import stats
from .checks import SeedLike, check_confidence, check_n_resamples, check_work, make_rng
from .coding import CountsLike, RatingsLike, CodedUnits, alpha_domain, check_label_order, result_frame, prepare, result_row
from .cores import CORES, NEEDS_RATINGS, core, evaluator

__all__ = ["bootstrap_ci", "register_fast_path"]

# Bootstrap weights are evaluated in blocks of about this many cells, which
# bounds peak memory without slowing the matrix products down.
_BLOCK_CELLS = 500_000


def _weighted_evaluator(name: str, coded: CodedUnits, *, level: str = "nominal",
                        weights: str | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """``f(W)``: the coefficient's core (:mod:`~intake_alliance.stats.cores`) for each row of unit weights."""
    values = alpha_domain(coded, level) if name == "krippendorff_alpha" else None
    kernel = core(name, coded.q, level=level, values=values, weights=weights)
    return evaluator(kernel, None if name in NEEDS_RATINGS else coded.counts, coded.codes)


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


def bootstrap_coded(name: str, coded: CodedUnits, *, n_resamples: int, confidence: float, method: str,
                     seed: SeedLike, level: str = "nominal", weights: str | None = None,
                     return_replicates: bool = False) -> Any:
    f = _weighted_evaluator(name, coded, level=level, weights=weights)
    n = coded.n_units
    estimate = float(f(np.ones((1, n)))[0])
    check_work(n_resamples * n, "`n_resamples` x units")
    idx = make_rng(seed).integers(0, n, size=(n_resamples, n))
    reps = _evaluate_blocks(f, _resample_weights(idx, n), n_resamples, n)
    jack = _evaluate_blocks(f, _jackknife_weights(n), n, n) if method == "bca" else None
    return _summarise_bootstrap(name, estimate, reps, jack, coded, confidence, method, n_resamples,
                                return_replicates, level=level if name == "krippendorff_alpha" else None)


def _summarise_bootstrap(name: str, estimate: float, reps: np.ndarray, jack: np.ndarray | None, coded: CodedUnits,
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
    table = result_frame([result_row(name, estimate, se, (lo, hi), coded, f"bootstrap-{method}", confidence, **extra)])
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
        table (a DataFrame of the resampled rows of ``data`` or ``counts``,
        and ``categories=`` when it is given, so that a resample missing a
        category is scored on the full category set) and must return a float
        or a result table with an ``estimate`` column; that path is a Python loop.
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
    >>> from intake_alliance.stats import bootstrap_ci
    >>> data = [["a", "a", "a"], ["b", "b", "a"], ["b", "b", "b"], ["a", "b", "a"],
    ...         ["a", "a", "a"], ["b", "b", "b"]]
    >>> res = bootstrap_ci("gwet_ac1", data, n_resamples=2000, seed=1)
    >>> str(res.at[0, "ci_method"]), int(res.at[0, "n_units"]), int(res.at[0, "n_resamples"])
    ('bootstrap-percentile', 6, 2000)
    >>> bool(res.at[0, "ci_low"] < res.at[0, "estimate"] < res.at[0, "ci_high"])
    True
    """
    conf = check_confidence(confidence)
    if method not in ("percentile", "bca"):
        raise ValueError(f"`method` must be 'percentile' or 'bca'; got {method!r}.")
    check_n_resamples(n_resamples, allow_zero=False)
    name = _statistic_name(statistic)
    if name is not None:
        if counts is not None and name in NEEDS_RATINGS:
            raise ValueError(f"`counts`: {name} needs ratings (which rater gave which label), not a count table.")
        missing_ok = name not in ("cohen_kappa", "fleiss_kappa")
        coded = prepare(f"bootstrap_ci({name})", data, counts, categories, allow_missing=missing_ok,
                         equal_raters=name == "fleiss_kappa")
        if name == "cohen_kappa" and coded.n_raters != 2:
            raise ValueError(f"`data` has {coded.n_raters} raters but cohen_kappa needs exactly two.")
        unknown = set(kwargs) - {"level", "weights"}
        if unknown:
            raise ValueError(f"unexpected keyword(s) for {name}: {sorted(unknown)}.")
        if kwargs.get("weights") is not None:
            check_label_order(coded, f"{kwargs['weights']}-weighted kappa")
        if name == "krippendorff_alpha" and kwargs.get("level") == "ordinal":
            check_label_order(coded, "ordinal alpha")
        return bootstrap_coded(name, coded, n_resamples=int(n_resamples), confidence=conf, method=method,
                                seed=seed, return_replicates=return_replicates, **kwargs)
    if not callable(statistic):
        raise ValueError(f"`statistic` must be a callable or one of {tuple(CORES)}; got {statistic!r}.")
    return _bootstrap_loop(statistic, data, counts, categories, int(n_resamples), conf, method, seed,
                           return_replicates, kwargs)


def _statistic_name(statistic: Any) -> str | None:
    if isinstance(statistic, str):
        if statistic not in CORES:
            raise ValueError(f"`statistic` {statistic!r} is not a known coefficient; known names: {tuple(CORES)}.")
        return statistic
    # the coefficient functions themselves, by identity (a wrapper around one is an arbitrary callable)
    entry = _REGISTERED.get(id(statistic))
    return entry[1] if entry is not None and entry[0] is statistic else None


#: The coefficient functions with a vectorised path: ``id(function) -> (function, name)``, filled by
#: :func:`register_fast_path` (``stats/agreement.py`` registers its functions when it is imported; this module
#: cannot import it, since agreement uses this module for its intervals).
_REGISTERED: dict[int, tuple[Callable[..., Any], str]] = {}


def register_fast_path(function: Callable[..., Any]) -> None:
    """Let ``bootstrap_ci(function, ...)`` use the vectorised path of the coefficient of the same name."""
    if function.__name__ not in CORES:
        raise ValueError(f"`function` {function.__name__!r} has no fast path; known names: {tuple(CORES)}.")
    _REGISTERED[id(function)] = (function, function.__name__)


def _bootstrap_loop(statistic: Callable[..., Any], data: Any, counts: Any, categories: Any, n_resamples: int,
                    confidence: float, method: str, seed: SeedLike, return_replicates: bool,
                    kwargs: dict[str, Any]) -> Any:
    coded = prepare("bootstrap_ci", data, counts, categories, allow_missing=True)
    source = counts if counts is not None else data
    frame = source if isinstance(source, pd.DataFrame) else pd.DataFrame(np.asarray(source, dtype=object))
    if counts is None:
        # Rows nobody rated were dropped from `coded`; keep the callable's view consistent.
        frame = frame.loc[~np.asarray(pd.isna(frame.to_numpy(dtype=object)), dtype=bool).all(axis=1)]
    else:
        frame = frame.loc[np.asarray(frame, dtype=float).sum(axis=1) > 0]

    def value(sub: pd.DataFrame) -> float:
        out = statistic(sub, **kwargs) if categories is None else statistic(sub, categories=categories, **kwargs)
        if isinstance(out, pd.DataFrame):
            return float(out["estimate"].iloc[0])
        return float(out)

    n = len(frame)
    estimate = value(frame)
    check_work(n_resamples * n, "`n_resamples` x units")
    idx = make_rng(seed).integers(0, n, size=(n_resamples, n))
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
