"""Raters who code a binary decision: simulated agreement, rating patterns and pooled kappas.

The coefficients themselves live in :mod:`intake_alliance.stats.agreement`;
this module asks questions *about* kappa values such as those published by
Nakash et al. (2021):

* **Simulation** (:func:`simulate_presence_counts`, :func:`calibrate_accuracy`):
  three raters decide whether each theme is present in each segment of an
  interview. Every rater reports the true state with probability
  ``accuracy`` and otherwise guesses with the theme's prevalence. For one
  prevalence, the population kappa of this model is ``accuracy ** 2``
  (:func:`accuracy_for_kappa`); pooled over themes of different prevalence it
  is higher, so the accuracy that reproduces a published pooled kappa is found
  numerically.
* **Pooling** (:func:`fleiss_pooling_decomposition`,
  :func:`search_pooled_below_parts`): can a kappa computed on the
  concatenated data of several parts lie below the kappa of every part?
  For Fleiss' kappa it cannot (Notes of :func:`fleiss_pooling_decomposition`);
  for Light's kappa (the mean of pairwise Cohen's kappas) it can, when the
  raters' individual tendencies to code change from part to part.
* **Printed values** (:func:`pooling_consistency`): whether a printed pooled
  kappa can sit with printed part kappas, through the exact rounding intervals
  of :mod:`intake_alliance.stats.rounding`.

Three raters and a binary decision (theme present / absent) are the running
case. The eight rating patterns of three raters are indexed by the bits of the
pattern: pattern ``k`` has rater *j* coding "present" when bit *j* of ``k`` is
set (pattern 0 = nobody, pattern 7 = all three).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
import numpy as np
import pandas as pd
from scipy import optimize
from .checks import SeedLike, check_int, check_unit_interval, check_work, make_rng
from .cores import core, evaluator, fleiss_kappa_batch
from .rounding import rounding_interval

__all__ = ["N_PATTERNS", "accuracy_for_kappa", "segment_prevalence", "simulate_presence_counts", "calibrate_accuracy", "per_theme_kappas", "ratings_from_cells", "pattern_coefficients", "random_pattern_tables", "biased_rater_tables", "fleiss_pooling_decomposition", "search_pooled_below_parts", "pooling_consistency"]

N_PATTERNS = 8  # rating patterns of three raters on a binary decision

_BITS = ((np.arange(N_PATTERNS)[:, None] >> np.arange(3)[None, :]) & 1).astype(float)  # (8, 3)


def accuracy_for_kappa(kappa: float | Sequence[float]) -> np.ndarray | float:
    """Return the rater accuracy whose population kappa, for a single prevalence, is ``kappa``.

    Notes
    -----
    A rater reports the true state with probability *a* and otherwise guesses
    "present" with the prevalence *p*, independently of the truth. Each rater's
    marginal is then *p*, and two raters agree beyond chance only when both
    report the truth, so :math:`p_o = a^2 + (1 - a^2) p_e` and
    :math:`\\kappa = a^2` whatever *p* is. Hence :math:`a = \\sqrt{\\kappa}`.

    Examples
    --------
    >>> round(float(accuracy_for_kappa(0.81)), 6)
    0.9
    """
    k = check_unit_interval(kappa, "kappa", open_low=False, open_high=False)
    out = np.sqrt(k)
    return float(out) if out.ndim == 0 else out


def segment_prevalence(interview_share: float | Sequence[float], segments_per_interview: int) -> np.ndarray:
    """Return the per-segment prevalence that gives ``interview_share`` of interviews with the theme.

    If a theme occurs in each of *S* segments independently with probability
    *s*, an interview contains it with probability :math:`1 - (1 - s)^S`; this
    inverts that relation.

    Examples
    --------
    >>> segment_prevalence([0.5], 1).tolist()
    [0.5]
    """
    share = check_unit_interval(interview_share, "interview_share")
    s = check_int(segments_per_interview, "segments_per_interview")
    return np.atleast_1d(1.0 - (1.0 - share) ** (1.0 / s))


def _draws(rng: np.random.Generator, n_reps: int, n_units: int, n_raters: int) -> dict[str, np.ndarray]:
    check_work(n_reps * n_units * n_raters, "`n_reps` x `n_units` x `n_raters`")
    return {
        "truth": rng.random((n_reps, n_units)),
        "copy": rng.random((n_reps, n_units, n_raters)),
        "guess": rng.random((n_reps, n_units, n_raters)),
    }


def _counts_from_draws(draws: dict[str, np.ndarray], prevalence: np.ndarray, accuracy: float) -> np.ndarray:
    truth = draws["truth"] < prevalence
    guess = draws["guess"] < prevalence[..., None]
    present = np.where(draws["copy"] < accuracy, truth[..., None], guess)
    n_present = present.sum(axis=-1)
    n_raters = present.shape[-1]
    return np.stack([n_raters - n_present, n_present], axis=-1)


def _prevalence_vector(prevalence, n_units: int | None) -> np.ndarray:
    p = np.atleast_1d(check_unit_interval(prevalence, "prevalence"))
    if p.ndim != 1:
        raise ValueError("`prevalence` must be a number or a 1-D sequence (one value per unit).")
    if p.size == 1 and n_units is not None:
        p = np.full(n_units, float(p[0]))
    elif n_units is not None and p.size != n_units:
        raise ValueError(f"`prevalence` has {p.size} values but `n_units` is {n_units}.")
    return p


def simulate_presence_counts(
    prevalence: float | Sequence[float],
    accuracy: float,
    *,
    n_units: int | None = None,
    n_raters: int = 3,
    n_reps: int = 1,
    seed: SeedLike = 0,
) -> np.ndarray:
    """Simulate count tables of raters coding a theme as absent/present.

    Parameters
    ----------
    prevalence : float or sequence of float
        Probability that the theme is truly present in a unit; one value for
        all units (then give ``n_units``) or one value per unit.
    accuracy : float
        Probability that a rater reports the true state; otherwise the rater
        guesses "present" with the unit's prevalence.
    n_units : int, optional
        Number of units when ``prevalence`` is a single number.
    n_raters : int
        Raters per unit.
    n_reps : int
        Number of independent replications.
    seed : int, Generator or None
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    ndarray of shape (n_reps, n_units, 2)
        Column 0 counts "absent", column 1 "present"; ready for
        :func:`intake_alliance.stats.fleiss_kappa_batch`.

    Examples
    --------
    >>> simulate_presence_counts(0.3, 0.9, n_units=5, n_reps=2).shape
    (2, 5, 2)
    """
    if n_units is not None:
        check_int(n_units, "n_units", 2)
    p = _prevalence_vector(prevalence, n_units)
    if p.size < 2:
        raise ValueError("`n_units` must be given (>= 2) when `prevalence` is a single number.")
    a = float(check_unit_interval(accuracy, "accuracy", open_low=False, open_high=False))
    r = check_int(n_raters, "n_raters", 2)
    reps = check_int(n_reps, "n_reps")
    return _counts_from_draws(_draws(make_rng(seed), reps, p.size, r), p, a)


def calibrate_accuracy(
    target_kappa: float,
    prevalence: float | Sequence[float],
    *,
    n_units: int | None = None,
    n_raters: int = 3,
    n_reps: int = 2000,
    seed: SeedLike = 0,
) -> dict[str, float]:
    """Find the accuracy at which the mean simulated Fleiss' kappa equals ``target_kappa``.

    The same random numbers are used for every trial accuracy (common random
    numbers), so the mean kappa changes smoothly with the accuracy and a
    bracketing root finder (:func:`scipy.optimize.brentq`) converges.

    Returns
    -------
    dict
        ``accuracy``, the reached ``mean_kappa``, ``target_kappa`` and the
        single-prevalence value ``accuracy_analytic`` = sqrt(target) for
        comparison.

    Examples
    --------
    >>> res = calibrate_accuracy(0.7, 0.4, n_units=200, n_reps=200)
    >>> abs(res["mean_kappa"] - 0.7) < 0.01
    True
    """
    target = float(check_unit_interval(target_kappa, "target_kappa"))
    if n_units is not None:
        check_int(n_units, "n_units", 2)
    p = _prevalence_vector(prevalence, n_units)
    if p.size < 2:
        raise ValueError("`n_units` must be given (>= 2) when `prevalence` is a single number.")
    r = check_int(n_raters, "n_raters", 2)
    reps = check_int(n_reps, "n_reps", 10)
    draws = _draws(make_rng(seed), reps, p.size, r)

    def mean_kappa(a: float) -> float:
        return float(np.nanmean(fleiss_kappa_batch(_counts_from_draws(draws, p, a))))

    low, high = mean_kappa(0.0), mean_kappa(1.0)
    if not (low < target < high):
        raise ValueError(f"`target_kappa` {target} cannot be reached: the mean kappa runs from {low:.3f} "
                         f"to {high:.3f} over accuracies 0 to 1.")
    a = optimize.brentq(lambda x: mean_kappa(x) - target, 0.0, 1.0, xtol=1e-5)
    return {"accuracy": float(a), "mean_kappa": mean_kappa(a), "target_kappa": target,
            "accuracy_analytic": math.sqrt(target)}


def per_theme_kappas(counts: np.ndarray, themes: Sequence[str]) -> pd.DataFrame:
    """Fleiss' kappa and percent agreement of each theme in each replication.

    Parameters
    ----------
    counts : ndarray of shape (n_reps, n_units, 2)
        Simulated tables whose units are ordered theme-major: the units of
        ``themes[0]`` first, then those of ``themes[1]`` and so on, in equal
        numbers.
    themes : sequence of str
        Theme names.

    Returns
    -------
    DataFrame
        Long table ``rep, theme, kappa, percent_agreement, prevalence_coded``;
        kappa is NaN where nobody (or everybody) coded the theme.
    """
    c = np.asarray(counts)
    if c.ndim != 3 or c.shape[2] != 2:
        raise ValueError("`counts` must have shape (n_reps, n_units, 2).")
    k = len(themes)
    if k == 0 or c.shape[1] % k:
        raise ValueError(f"`counts` has {c.shape[1]} units, not a multiple of the {k} themes.")
    per = c.reshape(c.shape[0], k, c.shape[1] // k, 2)
    flat = per.reshape(-1, per.shape[2], 2)
    m = flat.sum(axis=2)[:, :1]
    with np.errstate(divide="ignore", invalid="ignore"):
        kap = fleiss_kappa_batch(flat)
        pa = (flat * (flat - 1)).sum(axis=(1, 2)) / (flat.shape[1] * m[:, 0] * (m[:, 0] - 1))
    coded = flat[..., 1].sum(axis=1) / flat.sum(axis=(1, 2))
    reps = np.repeat(np.arange(c.shape[0]), k)
    return pd.DataFrame({"rep": reps, "theme": np.tile(np.asarray(themes, dtype=object), c.shape[0]),
                         "kappa": kap, "percent_agreement": pa, "prevalence_coded": coded})


def ratings_from_cells(both: int, first_only: int, second_only: int, neither: int,
                       labels: tuple[str, str] = ("absent", "present")) -> pd.DataFrame:
    """Expand a two-rater 2 x 2 table into a units x raters table of labels.

    Parameters
    ----------
    both, first_only, second_only, neither : int
        Cells *a*, *b*, *c*, *d*: units both raters coded present, only the
        first, only the second, and neither.
    labels : (str, str)
        Labels for absent and present.

    Examples
    --------
    >>> ratings_from_cells(1, 0, 1, 1).values.tolist()
    [['present', 'present'], ['absent', 'present'], ['absent', 'absent']]
    """
    cells = {"both": both, "first_only": first_only, "second_only": second_only, "neither": neither}
    for name, v in cells.items():
        check_int(v, name, 0)
    if sum(cells.values()) < 2:
        raise ValueError("the four cells must add up to at least two units.")
    check_work(2 * sum(cells.values()), "2 x the four cells", limit=20_000_000)
    absent, present = labels
    rows = ([[present, present]] * both + [[present, absent]] * first_only
            + [[absent, present]] * second_only + [[absent, absent]] * neither)
    return pd.DataFrame(rows, columns=["rater_1", "rater_2"])


def _check_patterns(patterns, name: str = "patterns") -> np.ndarray:
    try:
        arr = np.asarray(patterns, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be an array of counts; got {type(patterns).__name__}.") from None
    if arr.shape[-1:] != (N_PATTERNS,):
        raise ValueError(f"`{name}` must end in an axis of length {N_PATTERNS} (the rating patterns of "
                         f"three raters); got shape {arr.shape}.")
    if np.isnan(arr).any() or (arr < 0).any() or not np.all(arr == np.round(arr)):
        raise ValueError(f"`{name}` must hold non-negative whole numbers.")
    if (arr.sum(axis=-1) < 2).any():
        raise ValueError(f"`{name}`: every table needs at least two units.")
    return arr


def pattern_coefficients(patterns) -> dict[str, np.ndarray]:
    """Percent agreement, Fleiss', Light's kappa and Krippendorff's alpha from rating-pattern counts.

    Parameters
    ----------
    patterns : array (..., 8)
        Number of units with each of the eight rating patterns of three raters
        (bit *j* of the pattern index = rater *j* coded "present").

    Returns
    -------
    dict of ndarray
        ``percent_agreement``, ``fleiss_kappa``, ``light_kappa``,
        ``krippendorff_alpha`` and ``prevalence``, each of shape ``patterns.shape[:-1]``.

    Notes
    -----
    Each coefficient is its core (:mod:`~intake_alliance.stats.cores`) evaluated with the pattern
    counts as weights over the eight distinct units, so these are the definitions of
    :mod:`intake_alliance.stats.agreement` exactly. Light's kappa is the mean over the three rater pairs
    of Cohen's kappa, whose chance term uses each rater's own marginal; Fleiss' kappa and alpha use the
    marginal pooled over raters.
    """
    c = _check_patterns(patterns)
    codes = _BITS.astype(np.intp)
    counts = np.stack([(codes == 0).sum(axis=1), (codes == 1).sum(axis=1)], axis=1)
    out = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name in ("percent_agreement", "fleiss_kappa", "light_kappa", "krippendorff_alpha"):
            out[name] = evaluator(core(name, 2), counts, codes)(c)
    out["prevalence"] = (c @ counts[:, 1]) / (3 * c.sum(axis=-1))
    return out


def random_pattern_tables(n_tables: int, n_parts: int, n_units: int, *, concentration: float = 0.5,
                          seed: SeedLike = 0) -> np.ndarray:
    """Draw random rating-pattern tables: shape (n_tables, n_parts, 8), each part with ``n_units`` units.

    Each part's pattern probabilities come from a symmetric Dirichlet with
    the given ``concentration``; small values give the lopsided tables
    (high or low prevalence, one rater coding more than the others) that
    make pooling effects visible.
    """
    t = check_int(n_tables, "n_tables")
    k = check_int(n_parts, "n_parts")
    n = check_int(n_units, "n_units", 2)
    if not (isinstance(concentration, (int, float)) and concentration > 0):
        raise ValueError(f"`concentration` must be a positive number; got {concentration!r}.")
    rng = make_rng(seed)
    probs = rng.dirichlet(np.full(N_PATTERNS, float(concentration)), size=(t, k))
    return rng.multinomial(n, probs).astype(float)


def biased_rater_tables(n_tables: int, n_parts: int, n_units: int, *,
                        prevalence: tuple[float, float] = (0.05, 0.6),
                        accuracy: tuple[float, float] = (0.75, 1.0), same_prevalence: bool = False,
                        seed: SeedLike = 0) -> np.ndarray:
    """Draw rating-pattern tables from raters whose guessing tendency differs between raters and parts.

    For each table and part, a prevalence *p*, an accuracy *a* and, for each
    of the three raters, a guessing rate :math:`g_j` are drawn uniformly (the
    first two from the given ranges, :math:`g_j` from (0, 1)). A unit is
    truly present with probability *p*; rater *j* reports the truth with
    probability *a* and otherwise codes "present" with probability
    :math:`g_j`. Unlike :func:`simulate_presence_counts`, raters therefore
    differ in how readily they code, and that tendency changes from part to
    part -- the situation in which pooled pairwise kappas can fall. With
    ``same_prevalence=True`` all parts of a table share one true prevalence,
    which reduces (but, since the coded shares still differ between parts,
    does not remove) the gain that differing prevalences bring to a pooled kappa.

    Returns
    -------
    ndarray of shape (n_tables, n_parts, 8)
    """
    t = check_int(n_tables, "n_tables")
    k = check_int(n_parts, "n_parts")
    n = check_int(n_units, "n_units", 2)
    for name, rng_ in (("prevalence", prevalence), ("accuracy", accuracy)):
        lo_hi = np.asarray(rng_, dtype=float)
        if lo_hi.shape != (2,) or not (0 <= lo_hi[0] <= lo_hi[1] <= 1):
            raise ValueError(f"`{name}` must be a (low, high) pair with 0 <= low <= high <= 1; got {rng_!r}.")
    rng = make_rng(seed)
    p = rng.uniform(*prevalence, size=(t, 1 if same_prevalence else k, 1))
    a = rng.uniform(*accuracy, size=(t, k, 1))
    g = rng.uniform(0, 1, size=(t, k, 3))
    q_present = a + (1 - a) * g  # P(rater codes present | truly present)
    q_absent = (1 - a) * g  # P(rater codes present | truly absent)

    def pattern_prob(q: np.ndarray) -> np.ndarray:
        # q: (t, k, 3) -> probability of each of the 8 patterns, (t, k, 8)
        return np.prod(np.where(_BITS[None, None] == 1, q[:, :, None, :], 1 - q[:, :, None, :]), axis=-1)

    probs = p * pattern_prob(q_present) + (1 - p) * pattern_prob(q_absent)
    return rng.multinomial(n, probs / probs.sum(axis=-1, keepdims=True)).astype(float)


def fleiss_pooling_decomposition(parts) -> pd.DataFrame:
    """Split the Fleiss' kappa of concatenated parts into a weighted mean of the parts' kappas plus a gain.

    Parameters
    ----------
    parts : sequence of count tables
        Units x categories count tables with the same categories and the same
        number of raters per unit.

    Returns
    -------
    DataFrame
        One row per part (``part, n_units, kappa, chance, weight``) and a
        last row ``pooled`` whose ``kappa`` is the kappa of the concatenated
        table; the columns ``weighted_mean`` and ``prevalence_gain`` of that
        row hold the decomposition.

    Notes
    -----
    With :math:`N_k` units, observed agreement :math:`P_k` and chance
    agreement :math:`P_{e,k} = \\sum_j p_{kj}^2` in part *k*, the pooled table
    has :math:`P = \\sum_k N_k P_k / N` and :math:`P_e = \\sum_j \\bar p_j^2`
    with :math:`\\bar p = \\sum_k N_k p_k / N`. Since :math:`1 - P_k =
    (1-\\kappa_k)(1-P_{e,k})`,

    .. math:: 1 - \\kappa = \\frac{\\sum_k N_k (1-P_{e,k})(1-\\kappa_k)}{N(1-P_e)}.

    :math:`1 - P_e` (the Gini–Simpson index of the pooled marginal) is
    concave, so :math:`N(1-P_e) \\ge \\sum_k N_k(1-P_{e,k})`, with equality
    only when all parts have the same marginal. Hence
    :math:`\\kappa \\ge \\sum_k w_k \\kappa_k` with weights
    :math:`w_k \\propto N_k(1-P_{e,k})`: the pooled Fleiss' kappa is at
    least a weighted mean of the parts' kappas, and never below the smallest
    of them. Differences in prevalence between the parts *raise* it.
    """
    tables = [np.asarray(t, dtype=float) for t in parts]
    if len(tables) < 2:
        raise ValueError("`parts` needs at least two count tables.")
    shapes = {t.shape[1] if t.ndim == 2 else -1 for t in tables}
    if len(shapes) != 1 or -1 in shapes:
        raise ValueError("`parts` must be 2-D count tables with the same number of category columns.")
    raters = {float(v) for t in tables for v in t.sum(axis=1)}
    if len(raters) != 1:
        raise ValueError("`parts`: every unit of every part must have the same number of ratings.")
    rows = []
    for i, t in enumerate(tables):
        kap = float(fleiss_kappa_batch(t[None])[0])
        p = t.sum(axis=0) / t.sum()
        rows.append({"part": str(i + 1), "n_units": t.shape[0], "kappa": kap, "chance": float((p**2).sum())})
    df = pd.DataFrame(rows)
    w = df.n_units * (1 - df.chance)
    df["weight"] = w / w.sum()
    pooled_table = np.concatenate(tables)
    pooled = float(fleiss_kappa_batch(pooled_table[None])[0])
    p = pooled_table.sum(axis=0) / pooled_table.sum()
    wmean = float((df.weight * df.kappa).sum())
    pooled_row = {"part": "pooled", "n_units": int(pooled_table.shape[0]), "kappa": pooled,
                  "chance": float((p**2).sum()), "weight": np.nan, "weighted_mean": wmean,
                  "prevalence_gain": pooled - wmean}
    return pd.concat([df, pd.DataFrame([pooled_row])], ignore_index=True)


def search_pooled_below_parts(tables: np.ndarray, *, min_part: float = -1.0) -> pd.DataFrame:
    """How often is the pooled coefficient below every part's coefficient?

    Parameters
    ----------
    tables : array of shape (n_tables, n_parts, 8)
        Rating-pattern tables, e.g. from :func:`random_pattern_tables` or
        :func:`biased_rater_tables`; the parts of a table are pooled by
        adding their counts (concatenating their units).
    min_part : float
        Only tables whose parts all reach this value of the coefficient count.

    Returns
    -------
    DataFrame
        One row per coefficient: ``n_eligible`` (tables with all values
        defined and every part >= ``min_part``), ``n_below`` and
        ``share_below`` (pooled value below the smallest part), ``largest_drop``
        (largest such gap) and ``example`` (index of the table with that gap,
        -1 if none).
    """
    tabs = _check_patterns(tables, "tables")
    if tabs.ndim != 3:
        raise ValueError("`tables` must have shape (n_tables, n_parts, 8).")
    with np.errstate(divide="ignore", invalid="ignore"):
        parts = pattern_coefficients(tabs)
        pooled = pattern_coefficients(tabs.sum(axis=1))
    rows = []
    for name in ("fleiss_kappa", "krippendorff_alpha", "light_kappa"):
        low = parts[name].min(axis=1)
        ok = np.isfinite(low) & np.isfinite(pooled[name]) & (low >= min_part)
        gap = np.where(ok, low - pooled[name], -np.inf)
        below = gap > 1e-12
        rows.append({"coefficient": name, "n_eligible": int(ok.sum()), "n_below": int(below.sum()),
                     "share_below": float(below.sum() / ok.sum()) if ok.any() else math.nan,
                     "largest_drop": float(gap.max()) if below.any() else 0.0,
                     "example": int(np.argmax(gap)) if below.any() else -1})
    return pd.DataFrame(rows)


def pooling_consistency(parts: Sequence[str], pooled: str, *, rule: str = "half_up") -> dict[str, float | bool]:
    """Can a printed pooled Fleiss' kappa sit with printed part kappas, given the bound pooled >= min(parts)?

    Parameters
    ----------
    parts : sequence of str
        The parts' kappas as printed (e.g. ``["0.82", "0.71", "0.71"]``).
    pooled : str
        The pooled kappa as printed.
    rule : {"half_up", "truncate"}
        How the printed values were rounded.

    Returns
    -------
    dict
        ``min_part_lowest`` (the smallest true value the smallest printed part
        allows), ``pooled_highest`` (the largest true value the printed pooled
        value allows; exclusive), and ``consistent``: whether
        ``pooled_highest > min_part_lowest``.

    Examples
    --------
    >>> pooling_consistency(["0.82", "0.71"], "0.70")["consistent"]
    False
    >>> pooling_consistency(["0.82", "0.70"], "0.72")["consistent"]
    True
    """
    if rule not in ("half_up", "truncate"):
        raise ValueError(f"`rule` must be 'half_up' or 'truncate'; got {rule!r}.")
    if isinstance(parts, str) or len(parts) < 2:
        raise ValueError("`parts` must be a sequence of at least two printed values.")
    texts = [*parts, pooled]
    for t in texts:
        if not isinstance(t, str) or "." not in t:
            raise ValueError(f"`parts` and `pooled` must be strings with decimals, like '0.71'; got {t!r}.")
        try:
            float(t)
        except ValueError:
            raise ValueError(f"`parts` and `pooled` must be printed numbers, like '0.71'; got {t!r}.") from None
    decimals = {len(t.split(".")[1]) for t in texts}
    if len(decimals) != 1:
        raise ValueError("`parts` and `pooled` must be printed to the same number of decimals.")
    # the smallest part's interval starts lowest; the pooled value must be able to reach it
    lowest = min((rounding_interval(t, rule) for t in parts), key=lambda iv: (iv.lower, not iv.lower_closed))
    highest = rounding_interval(pooled, rule)
    touching = lowest.lower_closed and highest.upper_closed
    consistent = highest.upper >= lowest.lower if touching else highest.upper > lowest.lower
    return {"min_part_lowest": float(lowest.lower), "pooled_highest": float(highest.upper),
            "consistent": bool(consistent)}
