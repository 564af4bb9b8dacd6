"""Inter-rater agreement coefficients of coded qualitative data, with their intervals.

Agreement coefficients for studies in which several raters assign each coded
unit (an interview segment, an utterance, a session) to one of a fixed set of
categories -- for example the eight themes of Nakash et al. (2021). Every point
estimate is the coefficient's vectorised core in :mod:`~intake_alliance.stats.cores`, the algebra
the bootstrap and the batch simulations evaluate too; the tests check each against a second
library (statsmodels, the ``krippendorff`` package, scikit-learn) or a hand-worked case. This module
adds what those libraries lack: one input convention, missing ratings, standard errors and
confidence intervals, Gwet's AC1, PABAK with Byrt's indices, a vectorised bootstrap, and
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
    :func:`~intake_alliance.stats.coding.prepare` converts ``ratings`` into it). Only coefficients that
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
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Literal
import numpy as np
import pandas as pd
from .checks import SeedLike, check_confidence, check_n_resamples
from .bootstrap import bootstrap_coded, register_fast_path
from .coding import CountsLike, Level, RatingsLike, alpha_domain, check_label_order, BASE_COLUMNS, CodedUnits, LEVELS, result_frame, prepare, result_row, two_sided_p, wald_interval
from .cores import NEEDS_RATINGS, core, disagreement_weights, estimate, linearised

__all__ = ["percent_agreement", "cohen_kappa", "fleiss_kappa", "light_kappa", "krippendorff_alpha", "gwet_ac1", "pabak", "agreement_table"]


def _with_bootstrap(table: pd.DataFrame, name: str, coded: CodedUnits, n_resamples: int, seed: SeedLike,
                    confidence: float, **kwargs: Any) -> pd.DataFrame:
    if not check_n_resamples(n_resamples, allow_zero=True):
        return table
    boot = bootstrap_coded(name, coded, n_resamples=n_resamples, confidence=confidence,
                            method="percentile", seed=seed, **kwargs)
    table.loc[0, ["se", "ci_low", "ci_high"]] = boot.loc[0, ["se", "ci_low", "ci_high"]].to_numpy()
    table.loc[0, "ci_method"] = boot.loc[0, "ci_method"]
    return table


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
    >>> from intake_alliance.stats import percent_agreement
    >>> res = percent_agreement([[1, 1], [1, 2], [2, 2], [2, 2]])
    >>> float(res["estimate"].iloc[0])
    0.75
    """
    conf = check_confidence(confidence)
    coded = prepare("percent_agreement", ratings, counts, categories, allow_missing=True)
    est, se, _, _ = linearised("percent_agreement", coded.counts)
    ci = wald_interval(est, se, conf, df=coded.n_units - 1)
    return result_frame([result_row("percent_agreement", est, se, ci, coded, "wald-t (Gwet 2014)", conf)])


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
    :math:`\\kappa = (p_o - p_e) / (1 - p_e)` with :math:`p_o = \\sum_{jk} w_{jk} p_{jk}` and
    :math:`p_e = \\sum_{jk} w_{jk} p_{j\\cdot} p_{\\cdot k}` (Cohen, 1960; agreement weights
    :math:`w = 1` on the diagonal and 0 elsewhere unless ``weights`` is given). ``se`` is the
    large-sample variance of Fleiss, Cohen and Everitt (1969), which SAS PROC FREQ prints as "ASE":
    :math:`\\mathrm{var} = [\\sum_{jk} p_{jk}(w_{jk} - (\\bar w_{j\\cdot} + \\bar w_{\\cdot k})(1-\\kappa))^2 -
    (\\kappa - p_e(1-\\kappa))^2] / [N(1-p_e)^2]` with :math:`\\bar w_{j\\cdot} = \\sum_k p_{\\cdot k} w_{jk}`;
    ``se_null`` is the variance under H0 used for the *z* test,
    :math:`[\\sum_{jk} p_{j\\cdot} p_{\\cdot k}(w_{jk} - \\bar w_{j\\cdot} - \\bar w_{\\cdot k})^2 - p_e^2] / [N(1-p_e)^2]`.
    The tests check both against :func:`statsmodels.stats.inter_rater.cohens_kappa`. The interval
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
    >>> from intake_alliance.stats import cohen_kappa
    >>> pairs = [["yes", "yes"]] * 20 + [["yes", "no"]] * 5 + [["no", "yes"]] * 10 + [["no", "no"]] * 15
    >>> round(float(cohen_kappa(pairs)["estimate"].iloc[0]), 3)
    0.4
    """
    conf = check_confidence(confidence)
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"`weights` must be None, 'linear' or 'quadratic'; got {weights!r}.")
    coded = prepare("cohen_kappa", ratings, None, categories, allow_missing=False)
    if weights is not None:
        check_label_order(coded, f"{weights}-weighted kappa")
    if coded.n_raters != 2:
        raise ValueError(
            f"`ratings` has {coded.n_raters} raters but cohen_kappa needs exactly two; "
            "use light_kappa or fleiss_kappa for more raters."
        )
    kernel = core("cohen_kappa", coded.q, weights=weights)
    cells = kernel.total(None, coded.codes)
    est = float(kernel.value(cells))
    se, se0, po, pe = _cohen_variances(cells.reshape(coded.q, coded.q), weights, est)
    z = est / se0 if np.isfinite(se0) and se0 > 0 else math.nan
    p_value = two_sided_p(z)
    return result_frame([
        result_row("cohen_kappa", est, se, wald_interval(est, se, conf), coded,
                   "wald-normal (Fleiss-Cohen-Everitt 1969)", conf, se_null=se0, z=z, p_value=p_value, po=po, pe=pe,
                   weights="none" if weights is None else weights)
    ])


def _cohen_variances(table: np.ndarray, weights: str | None, est: float) -> tuple[float, float, float, float]:
    """Large-sample and null standard errors (Fleiss, Cohen & Everitt, 1969), po and pe of a q x q table."""
    n = table.sum()
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    w = 1.0 - disagreement_weights(table.shape[0], weights)
    po, pe = float((w * p).sum()), float((w * np.outer(row, col)).sum())
    w_bar = (w @ col)[:, None] + (row @ w)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = n * (1.0 - pe) ** 2
        var = ((p * (w - w_bar * (1.0 - est)) ** 2).sum() - (est - pe * (1.0 - est)) ** 2) / scale
        var0 = ((np.outer(row, col) * (w - w_bar) ** 2).sum() - pe**2) / scale
    # a variance that is 0 in exact arithmetic (one rater used a single category) can come out as -1e-17
    se = 0.0 if -1e-12 < var <= 0 else math.sqrt(var) if var > 0 else math.nan
    se0 = 0.0 if -1e-12 < var0 <= 0 else math.sqrt(var0) if var0 > 0 else math.nan
    return se, se0, po, pe




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
    P_e)/(1 - \\bar P_e)`; the tests check the estimate against
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
    >>> from intake_alliance.stats import fleiss_kappa
    >>> table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
    ...          [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
    ...          [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    >>> round(float(fleiss_kappa(counts=table)["estimate"].iloc[0]), 3)
    0.21
    """
    conf = check_confidence(confidence)
    coded = prepare("fleiss_kappa", ratings, counts, categories, allow_missing=False, equal_raters=True)
    c = coded.counts.astype(float)
    n_units, m = coded.n_units, coded.n_raters
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        est, se, po, pe = linearised("fleiss_kappa", coded.counts)
        p = c.sum(axis=0) / (n_units * m)
        pq = p * (1.0 - p)
        spq = pq.sum()
        se0 = math.sqrt(2.0) / (spq * math.sqrt(n_units * m * (m - 1))) * math.sqrt(
            spq**2 - (pq * ((1.0 - p) - p)).sum()
        )
        z = est / se0
    rows = [
        result_row("fleiss_kappa", est, se, wald_interval(est, se, conf, df=n_units - 1), coded, "wald-t (Gwet 2014)", conf,
             se_null=se0, z=z, p_value=two_sided_p(z),
             po=po, pe=pe)
    ]
    if per_category:
        se0_j = math.sqrt(2.0 / (n_units * m * (m - 1)))
        with np.errstate(divide="ignore", invalid="ignore"):
            kappa_j = 1.0 - (c * (m - c)).sum(axis=0) / (n_units * m * (m - 1) * pq)
        for label, k_j in zip(coded.categories, kappa_j):
            z_j = k_j / se0_j
            rows.append(
                result_row("fleiss_kappa", k_j, math.nan, (math.nan, math.nan), coded, "none", conf,
                     se_null=se0_j, z=z_j,
                     p_value=two_sided_p(z_j),
                     category=label)
            )
        rows[0]["category"] = "(overall)"
    return result_frame(rows)


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
    Conger, 1980), each on the units both raters coded. It is undefined (NaN, with a note) when any
    pair's kappa is: the mean of the defined pairs alone would describe other raters.

    References
    ----------
    Light, R. J. (1971). Measures of response agreement for qualitative data:
    some generalizations and alternatives. *Psychological Bulletin*, 76(5),
    365-377.

    Examples
    --------
    >>> from intake_alliance.stats import light_kappa
    >>> data = [["a", "a", "a"], ["b", "b", "a"], ["b", "b", "b"], ["a", "b", "a"]]
    >>> round(float(light_kappa(data)["estimate"].iloc[0]), 3)
    0.4
    """
    conf = check_confidence(confidence)
    coded = prepare("light_kappa", ratings, None, categories, allow_missing=True)
    names = coded.rater_names
    pair_rows = []
    for j, k in itertools.combinations(range(coded.n_raters), 2):
        both = (coded.codes[:, j] >= 0) & (coded.codes[:, k] >= 0)
        if both.sum() < 2:
            raise ValueError(
                f"`ratings`: raters {names[j]!r} and {names[k]!r} rated fewer than two units in common; "
                "Light's kappa needs every pair of raters to share at least two units."
            )
        if pairwise:
            # Integer codes keep any label type (even tuples) out of the way.
            res = cohen_kappa(coded.codes[both][:, [j, k]], categories=range(coded.q), confidence=conf)
            res["pair"] = f"{names[j]}|{names[k]}"
            pair_rows.append(res)
    kernel, size = core("light_kappa", coded.q), coded.q**2
    cells = kernel.total(None, coded.codes)
    per_pair = [float(kernel.value(cells[i:i + size])) for i in range(0, cells.size, size)]
    est = float(np.mean(per_pair))
    extra = {}
    undefined = [f"{names[j]}|{names[k]}" for (j, k), value in
                 zip(itertools.combinations(range(coded.n_raters), 2), per_pair) if not np.isfinite(value)]
    if undefined:
        extra["note"] = (f"undefined: Cohen's kappa of rater pair(s) {', '.join(undefined)} is undefined (chance "
                         "agreement 1 on their shared units), and Light's kappa is the mean over every pair")
    table = result_frame([result_row("light_kappa", est, math.nan, (math.nan, math.nan), coded, "none", conf,
                         n_pairs=len(per_pair), **extra)])
    table = _with_bootstrap(table, "light_kappa", coded, n_resamples, seed, conf)
    if pairwise:
        table = pd.concat([table, *pair_rows], ignore_index=True)
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
    function of the level (Krippendorff, 2011). The matrix is one product of
    the count table with itself (:func:`~intake_alliance.stats.coding.coincidence_matrix`),
    the algebra the bootstrap resamples; the tests check it against
    :func:`krippendorff.alpha` at every level. Units with a single rating are not pairable
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
    >>> from intake_alliance.stats import krippendorff_alpha
    >>> data = np.array([[1, 1, np.nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...                  [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...                  [2, 2, 2, 2], [np.nan, 5, 5, 5], [np.nan, np.nan, 1, 1],
    ...                  [np.nan, np.nan, 3, np.nan]])
    >>> round(float(krippendorff_alpha(data)["estimate"].iloc[0]), 3)
    0.743
    """
    conf = check_confidence(confidence)
    if level not in LEVELS:
        raise ValueError(f"`level` must be one of {LEVELS}; got {level!r}.")
    coded = prepare("krippendorff_alpha", ratings, counts, categories, allow_missing=True)
    if level == "ordinal":
        check_label_order(coded, "ordinal alpha")
    domain = alpha_domain(coded, level)
    # the coincidence algebra the bootstrap resamples (tests/test_reliability.py checks it against the
    # krippendorff package at every level)
    est = float(estimate(core("krippendorff_alpha", coded.q, level=level, values=domain), coded.counts))
    table = result_frame([result_row("krippendorff_alpha", est, math.nan, (math.nan, math.nan), coded, "none", conf,
                         level=level)])
    return _with_bootstrap(table, "krippendorff_alpha", coded, n_resamples, seed, conf, level=level)




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
    >>> from intake_alliance.stats import gwet_ac1
    >>> table = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6],
    ...          [0, 3, 0, 3, 0], [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0],
    ...          [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
    ...          [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1]]
    >>> res = gwet_ac1(counts=table)
    >>> round(float(res["estimate"].iloc[0]), 4), round(float(res["se"].iloc[0]), 4)
    (0.4448, 0.0842)
    """
    conf = check_confidence(confidence)
    coded = prepare("gwet_ac1", ratings, counts, categories, allow_missing=True)
    est, se, po, pe = linearised("gwet_ac1", coded.counts)
    ci = wald_interval(est, se, conf, df=coded.n_units - 1)
    return result_frame([result_row("gwet_ac1", est, se, ci, coded, "wald-t (Gwet 2014)", conf, po=po, pe=pe)])


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
    >>> from intake_alliance.stats import pabak
    >>> pairs = [[1, 1]] * 20 + [[1, 0]] * 5 + [[0, 1]] * 10 + [[0, 0]] * 15
    >>> res = pabak(pairs)
    >>> [round(float(res[c].iloc[0]), 2) for c in ("estimate", "prevalence_index", "bias_index")]
    [0.4, 0.1, -0.1]
    """
    conf = check_confidence(confidence)
    coded = prepare("pabak", ratings, counts, categories, allow_missing=True)
    est, se, po, _ = linearised("pabak", coded.counts)
    ci = wald_interval(est, se, conf, df=coded.n_units - 1)
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
    return result_frame([result_row("pabak", est, se, ci, coded, "wald-t (Gwet 2014)", conf, po=po, q=coded.q,
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
    >>> from intake_alliance.stats import agreement_table
    >>> data = [["a", "a", "a"], ["b", "b", "a"], ["b", "b", "b"], ["a", "b", "a"], ["c", "c", "c"]]
    >>> agreement_table(data)["coefficient"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['percent_agreement', 'cohen_kappa', 'fleiss_kappa', 'light_kappa', 'krippendorff_alpha',
     'gwet_ac1', 'pabak']
    """
    conf = check_confidence(confidence)
    coded = prepare("agreement_table", ratings, counts, categories, allow_missing=True)
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
        if counts is not None and name in NEEDS_RATINGS:
            reason = "needs ratings: a count table does not say which rater gave which label"
        else:
            try:
                parts.append(call())  # its note says why an estimate is undefined
                continue
            except ValueError as exc:
                reason = str(exc)
        parts.append(result_frame([result_row(name, math.nan, math.nan, (math.nan, math.nan), coded, "none", conf,
                                  note=f"not applicable: {reason}")]))
    table = pd.concat(parts, ignore_index=True)
    cols = BASE_COLUMNS + [c for c in table.columns if c not in BASE_COLUMNS and c != "note"] + ["note"]
    return table[cols]


for _coefficient in (percent_agreement, cohen_kappa, fleiss_kappa, light_kappa, krippendorff_alpha, gwet_ac1, pabak):
    register_fast_path(_coefficient)
