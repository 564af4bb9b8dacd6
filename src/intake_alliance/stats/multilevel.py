"""Seeded simulations of nested designs and their mixed-model fits.

:func:`simulate_nested_alliance` draws clients nested within helpers with a
chosen intraclass correlation and :func:`fit_nested_alliance` recovers the ICC
with a random-intercept ``MixedLM``. (The growth-curve simulation of chapter 05,
pinned to one neighbouring study's design, is study material:
:mod:`intake_alliance.study.growth`.)
Every simulated table carries ``attrs["simulated"] = True`` and a
``data_kind`` column equal to ``"simulated"``: these are the neighbours'
designs, never their data.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from numbers import Integral, Real
import numpy as np
import pandas as pd
from .checks import check_columns, check_icc, check_int, check_seed, check_work, make_rng
from .power import design_effect

__all__ = ["simulate_nested_alliance", "fit_nested_alliance", "icc_anova", "simulate_icc_estimates"]


def _cluster_sizes(n_helpers: int, per_helper) -> np.ndarray:
    if isinstance(per_helper, Integral) and not isinstance(per_helper, bool):
        check_int(per_helper, "per_helper")
        return np.full(n_helpers, int(per_helper))
    if isinstance(per_helper, (Sequence, np.ndarray)) and not isinstance(per_helper, str):
        sizes = list(per_helper)
        if len(sizes) != n_helpers:
            raise ValueError(f"`per_helper`: a list of sizes needs one per helper ({n_helpers}), got {len(sizes)}")
        for s in sizes:
            check_int(s, "per_helper")
        return np.asarray(sizes, dtype=int)
    raise ValueError(f"`per_helper` must be an integer or a list of integers; got {per_helper!r}")


def simulate_nested_alliance(n_helpers: int, per_helper, icc: float = 0.11, seed: int = 0, *,
                             mean: float = 5.5, sd: float = 1.0) -> pd.DataFrame:
    """Return SIMULATED alliance scores of clients nested within helpers, with a chosen ICC.

    The model is a random intercept per helper:
    ``alliance = mean + u_helper + e_client``, with
    ``var(u) = icc * sd**2`` and ``var(e) = (1 - icc) * sd**2``.  The default
    ``icc`` is the share of variance Kondrat and Early (2010) attribute to case
    managers; scale and mean are arbitrary.

    Parameters
    ----------
    n_helpers
        Number of helpers (therapists, case managers); at least 2.
    per_helper
        Clients per helper: one integer for all, or one integer per helper.
    icc
        True intraclass correlation, in [0, 1).
    seed
        Seed of the random generator (required for reproducibility).
    mean, sd
        Mean and total standard deviation of the scores.

    Returns
    -------
    DataFrame
        ``helper``, ``client``, ``alliance``, ``data_kind`` (always
        ``"simulated"``); ``attrs`` record the generating values.
    """
    n_helpers = check_int(n_helpers, "n_helpers", minimum=2)
    check_work(n_helpers, "`n_helpers`", limit=10_000_000)
    sizes = _cluster_sizes(n_helpers, per_helper)
    check_work(int(sizes.sum()), "`n_helpers` x `per_helper` clients", limit=10_000_000)
    icc = check_icc(icc)
    seed = check_seed(seed)
    if isinstance(sd, bool) or not isinstance(sd, Real) or not 0 < float(sd) < math.inf:
        raise ValueError(f"`sd` must be a positive finite number; got {sd!r}")
    if isinstance(mean, bool) or not isinstance(mean, Real) or not math.isfinite(float(mean)):
        raise ValueError(f"`mean` must be a finite number; got {mean!r}")
    rng = make_rng(seed)
    u = rng.normal(0.0, sd * math.sqrt(icc), n_helpers)
    helper = np.repeat(np.arange(1, n_helpers + 1), sizes)
    e = rng.normal(0.0, sd * math.sqrt(1 - icc), helper.size)
    out = pd.DataFrame({
        "helper": helper,
        "client": np.arange(1, helper.size + 1),
        "alliance": mean + u[helper - 1] + e,
        "data_kind": "simulated",
    })
    out.attrs.update({"simulated": True, "icc": icc, "seed": seed, "n_helpers": n_helpers,
                      "mean_per_helper": float(sizes.mean())})
    return out


def fit_nested_alliance(df: pd.DataFrame) -> pd.DataFrame:
    """Return the ICC and design effect estimated by a random-intercept ``MixedLM`` (REML).

    Parameters
    ----------
    df
        Output of :func:`simulate_nested_alliance` (columns ``helper`` and ``alliance``).

    Returns
    -------
    DataFrame
        One row: ``n_helpers``, ``n_clients``, ``mean_per_helper``,
        ``between_var``, ``within_var``, ``icc_estimated``, ``design_effect_estimated``,
        ``icc_true`` and ``design_effect_true`` (from ``df.attrs`` when present),
        ``at_boundary`` (the between-helper variance was estimated as zero) and
        ``converged``.

    Notes
    -----
    .. math:: \\widehat{ICC} = \\hat\\tau^2 / (\\hat\\tau^2 + \\hat\\sigma^2)

    Optimiser warnings (common when the between-helper variance is near zero in
    small samples) are caught and reported through ``at_boundary``.
    """
    import statsmodels.formula.api as smf

    check_columns(df, ["helper", "alliance"], "df")
    if df["helper"].nunique() < 2:
        raise ValueError("`df`: need at least 2 helpers to separate between- and within-helper variance")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = smf.mixedlm("alliance ~ 1", df, groups="helper").fit(reml=True, method=["powell", "nm"])
    tau2 = max(float(res.cov_re.iloc[0, 0]), 0.0)
    sigma2 = float(res.scale)
    icc = tau2 / (tau2 + sigma2)
    m = len(df) / df["helper"].nunique()
    true_icc = df.attrs.get("icc", math.nan)
    return pd.DataFrame([{
        "n_helpers": int(df["helper"].nunique()),
        "n_clients": len(df),
        "mean_per_helper": m,
        "between_var": tau2,
        "within_var": sigma2,
        "icc_estimated": icc,
        "design_effect_estimated": design_effect(m, icc),
        "icc_true": true_icc,
        "design_effect_true": design_effect(m, true_icc) if not math.isnan(true_icc) else math.nan,
        "at_boundary": tau2 < 1e-6 * sigma2,
        "converged": bool(res.converged),
    }])


def icc_anova(df: pd.DataFrame) -> float:
    """Return the one-way ANOVA (method-of-moments) ICC of ``alliance`` by ``helper``, truncated at 0.

    Notes
    -----
    With ``n0 = (N - sum(n_j**2) / N) / (J - 1)``,
    :math:`\\hat\\tau^2 = (MS_B - MS_W) / n_0` and
    :math:`ICC = \\hat\\tau^2 / (\\hat\\tau^2 + MS_W)`.  For equal cluster sizes
    this matches the REML estimate of :func:`fit_nested_alliance` whenever it is
    positive, at a fraction of the cost, which makes it the estimator for the
    many replications of :func:`simulate_icc_estimates`.
    """
    check_columns(df, ["helper", "alliance"], "df")
    g = df.groupby("helper")["alliance"]
    n_j, means = g.size().to_numpy(float), g.mean().to_numpy()
    J, N = len(n_j), n_j.sum()
    if J < 2 or N <= J:
        raise ValueError("`df`: need at least 2 helpers and more clients than helpers")
    grand = df["alliance"].mean()
    msb = float((n_j * (means - grand) ** 2).sum() / (J - 1))
    ssw = float(((df["alliance"] - g.transform("mean")) ** 2).sum())
    msw = ssw / (N - J)
    n0 = (N - (n_j**2).sum() / N) / (J - 1)
    tau2 = max((msb - msw) / n0, 0.0)
    return tau2 / (tau2 + msw)


def simulate_icc_estimates(n_helpers: int, per_helper, icc: float = 0.11, n_reps: int = 200,
                           seed: int = 0) -> pd.DataFrame:
    """Return the ICC estimated in ``n_reps`` SIMULATED samples of one nested design.

    Each replication draws a fresh sample with :func:`simulate_nested_alliance`
    (seeds ``seed``, ``seed + 1``, …) and estimates the ICC with :func:`icc_anova`.

    Returns
    -------
    DataFrame
        ``rep``, ``icc_estimated``, ``design_effect_estimated``, ``data_kind``;
        ``attrs`` hold the design.
    """
    n_reps = check_int(n_reps, "n_reps")
    if n_reps > 20_000:  # each replicate simulates and fits one sample: a minute per few thousand
        raise ValueError(f"`n_reps` must be at most 20,000 (each replicate is a simulated study); got {n_reps:,}.")
    seed = check_seed(seed)
    sizes = _cluster_sizes(check_int(n_helpers, "n_helpers", minimum=2), per_helper)
    m = float(sizes.mean())
    est = [icc_anova(simulate_nested_alliance(n_helpers, per_helper, icc, seed + i)) for i in range(n_reps)]
    out = pd.DataFrame({"rep": np.arange(1, n_reps + 1), "icc_estimated": est})
    out["design_effect_estimated"] = 1 + (m - 1) * out["icc_estimated"]
    out["data_kind"] = "simulated"
    out.attrs.update({"simulated": True, "icc": check_icc(icc), "n_helpers": n_helpers, "mean_per_helper": m})
    return out
