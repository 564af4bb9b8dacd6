"""The neighbouring literature: effect-size conversions, design effects and two seeded simulations.

Three groups of tools, all used by the chapter *The study among its neighbours*:

* **Conversions** between the correlation *r* and the standardised mean
  difference *d* (Borenstein et al., 2009, ch. 7), Fisher's *z* and its
  confidence interval, and the transformation of published intervals from one
  scale to the other.  With them :func:`evidence_on_common_scale` puts every
  finding of ``data/published/literature.csv`` that is an *r* or a *d* on both
  scales, and :func:`plot_comparable_scales` draws them.
* **Clustering**: Kish's (1965) design effect ``1 + (m - 1) ICC`` and the
  effective sample size it implies for clients nested within therapists.
* **Simulations of the neighbours' designs** (never their data):
  :func:`simulate_nested_alliance` draws clients nested within helpers with a
  chosen intraclass correlation, as in Kondrat and Early's (2010) case-management
  study, and :func:`fit_nested_alliance` recovers the ICC with a random-intercept
  ``MixedLM``; :func:`simulate_growth_curves` draws patient- and therapist-rated
  alliance over four sessions, as in Nissen-Lie et al. (2015), and
  :func:`fit_growth_curves` fits a growth-curve ``MixedLM`` to each perspective.
  Every simulated table carries ``attrs["simulated"] = True`` and a
  ``data_kind`` column equal to ``"simulated"``.

References
----------
Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009).
*Introduction to meta-analysis*. Wiley.  Chapter 7, converting among effect sizes.

Kish, L. (1965). *Survey sampling*. Wiley.  The design effect of cluster samples.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from numbers import Integral, Real

import matplotlib.pyplot as plt
from matplotlib.patches import Patch
import numpy as np
import pandas as pd
from scipy import stats

from . import data

__all__ = [
    "r_to_d",
    "d_to_r",
    "var_r_to_var_d",
    "var_d_to_var_r",
    "fisher_z",
    "inverse_fisher_z",
    "fisher_ci",
    "convert_interval",
    "design_effect",
    "effective_sample_size",
    "literature_table",
    "evidence_on_common_scale",
    "variance_shares",
    "plot_comparable_scales",
    "simulate_nested_alliance",
    "fit_nested_alliance",
    "icc_anova",
    "simulate_icc_estimates",
    "GROWTH_TRUTH",
    "simulate_growth_curves",
    "fit_growth_curves",
    "growth_curve_means",
    "plot_growth_curves",
]


# --- validation at the public boundary ---------------------------------------


def _as_float_array(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected a number or an array of numbers, got {value!r}") from exc
    if np.isnan(arr).any():
        raise ValueError(f"{name}: contains NaN")
    return arr


def _scalar_or_array(arr: np.ndarray, like):
    # Return a float for scalar input and an array otherwise, as numpy ufuncs do.
    return float(arr) if np.ndim(like) == 0 else arr


def _check_r(r, name: str = "r") -> np.ndarray:
    arr = _as_float_array(r, name)
    if (np.abs(arr) >= 1).any():
        raise ValueError(f"{name}: a correlation must lie strictly between -1 and 1, got {r!r}")
    return arr


def _check_positive_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: must be at least {minimum}, got {value}")
    return int(value)


def _check_icc(icc, name: str = "icc") -> float:
    if isinstance(icc, bool) or not isinstance(icc, Real) or not 0 <= float(icc) < 1:
        raise ValueError(f"{name}: an intraclass correlation must lie in [0, 1), got {icc!r}")
    return float(icc)


def _check_level(level: float) -> float:
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < float(level) < 1:
        raise ValueError(f"level: must lie strictly between 0 and 1, got {level!r}")
    return float(level)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer (simulations are always seeded), got {seed!r}")
    return int(seed)


# --- effect-size conversions --------------------------------------------------


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
        raise ValueError(f"d: must be finite, got {d!r}")
    a = _check_a(a)
    return _scalar_or_array(arr / np.sqrt(arr**2 + a), d)


def _check_a(a) -> float:
    if isinstance(a, bool) or not isinstance(a, Real) or float(a) < 4:
        # (n1 + n2)^2 / (n1 n2) is at least 4, reached for equal groups
        raise ValueError(f"a: must be a number of at least 4 ((n1 + n2)^2 / (n1 n2)), got {a!r}")
    return float(a)


def var_r_to_var_d(var_r, r):
    """Return the sampling variance of *d* implied by the variance of *r* (Borenstein eq. 7.9).

    .. math:: V_d = \\frac{4 V_r}{(1 - r^2)^3}
    """
    rr = _check_r(r)
    v = _as_float_array(var_r, "var_r")
    if (v < 0).any():
        raise ValueError(f"var_r: a variance cannot be negative, got {var_r!r}")
    return _scalar_or_array(4 * v / (1 - rr**2) ** 3, var_r)


def var_d_to_var_r(var_d, d, a: float = 4.0):
    """Return the sampling variance of *r* implied by the variance of *d* (Borenstein eq. 7.10).

    .. math:: V_r = \\frac{a^2 V_d}{(d^2 + a)^3}
    """
    dd = _as_float_array(d, "d")
    v = _as_float_array(var_d, "var_d")
    if (v < 0).any():
        raise ValueError(f"var_d: a variance cannot be negative, got {var_d!r}")
    a = _check_a(a)
    return _scalar_or_array(a**2 * v / (dd**2 + a) ** 3, var_d)


def fisher_z(r):
    """Return Fisher's variance-stabilising transform ``z = atanh(r)`` of a correlation."""
    return _scalar_or_array(np.arctanh(_check_r(r)), r)


def inverse_fisher_z(z):
    """Return the correlation ``r = tanh(z)`` for a Fisher *z*."""
    arr = _as_float_array(z, "z")
    return _scalar_or_array(np.tanh(arr), z)


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
    n = _check_positive_int(n, "n", minimum=4)
    k = _check_positive_int(k, "k")
    if n - 3 * k <= 0:
        raise ValueError(f"n: need more than 3 participants per study (n - 3k > 0), got n = {n}, k = {k}")
    level = _check_level(level)
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
            raise ValueError(f"{name}: must be 'r' or 'd', got {value!r}")
    if not low <= high:
        raise ValueError(f"low: must not exceed high, got low = {low}, high = {high}")
    if kind == to:
        return float(low), float(high)
    f = r_to_d if kind == "r" else d_to_r
    return float(f(low, a)), float(f(high, a))


# --- clustering -----------------------------------------------------------------


def design_effect(m: float, icc: float) -> float:
    """Return Kish's design effect ``1 + (m - 1) * icc`` for clusters of (mean) size ``m``.

    Parameters
    ----------
    m
        Clients per therapist (a mean when caseloads differ; unequal caseloads
        make the true design effect somewhat larger).
    icc
        Intraclass correlation: the share of the variance that lies between therapists.

    Examples
    --------
    >>> design_effect(55 / 22, 0.11)
    1.165
    """
    if isinstance(m, bool) or not isinstance(m, Real) or not float(m) >= 1:
        raise ValueError(f"m: the cluster size must be a number of at least 1, got {m!r}")
    icc = _check_icc(icc)
    return 1 + (float(m) - 1) * icc


def effective_sample_size(n: int, m: float, icc: float) -> float:
    """Return ``n / design_effect(m, icc)``: how many independent clients ``n`` nested ones are worth."""
    n = _check_positive_int(n, "n")
    return n / design_effect(m, icc)


# --- the evidence table -----------------------------------------------------------


def literature_table(root=None) -> pd.DataFrame:
    """Return ``data/published/literature.csv``, checked against its schema, indexed by ``finding_id``."""
    return data.load("literature", root=root).set_index("finding_id")


def evidence_on_common_scale(lit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every *r* or *d* finding on both scales, with intervals where they are published.

    Parameters
    ----------
    lit
        The literature table (default: :func:`literature_table`).

    Returns
    -------
    DataFrame
        One row per finding: ``finding_id``, ``study_key``, ``finding_label``,
        ``published_kind``, ``published_value``, ``r``, ``r_ci_low``, ``r_ci_high``,
        ``d``, ``d_ci_low``, ``d_ci_high``, ``r_squared``, ``k_studies`` and
        ``published_alt_d`` (the *d* the authors themselves give, if any, to
        compare with the conversion).  Conversions assume equal group sizes.
    """
    lit = literature_table() if lit is None else lit
    if "result_kind" not in lit.columns:
        raise ValueError("lit: expected the literature table with a 'result_kind' column")
    rows = []
    for fid, row in lit[lit.result_kind.isin(["r", "d"])].iterrows():
        kind, value = row.result_kind, float(row.result_value)
        r = value if kind == "r" else d_to_r(value)
        d = value if kind == "d" else r_to_d(value)
        has_ci = not (pd.isna(row.ci_low) or pd.isna(row.ci_high))
        r_lo, r_hi = convert_interval(row.ci_low, row.ci_high, kind, "r") if has_ci else (math.nan, math.nan)
        d_lo, d_hi = convert_interval(row.ci_low, row.ci_high, kind, "d") if has_ci else (math.nan, math.nan)
        rows.append({
            "finding_id": fid,
            "study_key": row.study_key,
            "finding_label": row.finding_label,
            "published_kind": kind,
            "published_value": value,
            "r": r, "r_ci_low": r_lo, "r_ci_high": r_hi,
            "d": d, "d_ci_low": d_lo, "d_ci_high": d_hi,
            "r_squared": r**2,
            "k_studies": row.k_studies,
            "published_alt_d": float(row.alt_value) if row.alt_kind == "d" else math.nan,
        })
    return pd.DataFrame(rows)


def variance_shares(lit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return findings expressed as a share of variance: ``r**2`` of correlations and published ICCs.

    Returns
    -------
    DataFrame
        ``finding_id``, ``finding_label``, ``share`` (0-1), ``what`` (how the
        share was obtained) and ``published`` (True when the share
        itself was published, False when it is our ``r**2``).
    """
    lit = literature_table() if lit is None else lit
    common = evidence_on_common_scale(lit)
    rows = [{"finding_id": c.finding_id, "finding_label": c.finding_label, "share": c.r_squared,
             "what": f"r squared (from the published {c.published_kind})", "published": False}
            for c in common.itertuples()]
    for fid, row in lit[lit.result_kind == "share_of_variance"].iterrows():
        rows.append({"finding_id": fid, "finding_label": row.finding_label, "share": float(row.result_value),
                     "what": "alliance variance between helpers (ICC)", "published": True})
    return pd.DataFrame(rows)


def plot_comparable_scales(common: pd.DataFrame | None = None, shares: pd.DataFrame | None = None):
    """Return a two-panel figure: (a) findings on the *r* scale with a *d* axis; (b) shares of variance.

    Published intervals are drawn as bars; findings published as *d* are marked
    with open symbols, since their position on the *r* axis is a conversion.
    """
    from .plots import PALETTE

    common = evidence_on_common_scale() if common is None else common
    shares = variance_shares() if shares is None else shares
    for name, frame, col in (("common", common, "r"), ("shares", shares, "share")):
        if col not in frame.columns:
            raise ValueError(f"{name}: missing column {col!r}")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 5.0), gridspec_kw={"width_ratios": [1.2, 1]})
    order = common.sort_values("r").reset_index(drop=True)
    y = np.arange(len(order))
    for i, row in order.iterrows():
        native = row.published_kind == "r"
        if not math.isnan(row.r_ci_low):
            ax1.plot([row.r_ci_low, row.r_ci_high], [i, i], color=PALETTE["published"], lw=2.2, solid_capstyle="butt")
        ax1.plot(row.r, i, "o", ms=7, mec=PALETTE["published"],
                 mfc=PALETTE["published"] if native else "white", mew=1.6)
    ax1.set_yticks(y, [f"{lbl}\n(k = {k})" if not pd.isna(k) else lbl
                       for lbl, k in zip(order.finding_label, order.k_studies)], fontsize=8)
    ax1.axvline(0, color="0.6", lw=0.8)
    ax1.set_xlim(-0.02, 0.4)
    ax1.set_xlabel("correlation r")
    top = ax1.secondary_xaxis("top", functions=(lambda x: r_to_d(np.clip(x, -0.999, 0.999)), d_to_r))
    top.set_xlabel("standardised mean difference d (equal groups)")
    ax1.set_title("(a) One scale for r and d", loc="left", fontsize=10, pad=12)
    ax1.plot([], [], "o", mfc=PALETTE["published"], mec=PALETTE["published"], label="published as r")
    ax1.plot([], [], "o", mfc="white", mec=PALETTE["published"], mew=1.6, label="published as d, converted")
    ax1.plot([], [], color=PALETTE["published"], lw=2.2, label="published interval")
    ax1.legend(loc="upper center", bbox_to_anchor=(0.4, -0.15), ncol=2, fontsize=7.5, frameon=False)

    s = shares.sort_values("share").reset_index(drop=True)
    # the between-helper share is drawn in the therapist colour: it is the therapists' part of the variance
    colours = [PALETTE["therapist"] if p else PALETTE["published"] for p in s.published]
    ax2.barh(np.arange(len(s)), s.share * 100, color=colours, height=0.6)
    ax2.set_yticks(np.arange(len(s)), s.finding_label, fontsize=8)
    ax2.set_xlabel("share of variance (%)")
    ax2.set_title("(b) Shares of variance", loc="left", fontsize=10, pad=12)
    handles = [Patch(color=PALETTE["therapist"], label="published share between helpers (ICC)"),
               Patch(color=PALETTE["published"], label="r squared (our conversion)")]
    ax2.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.3, -0.15), fontsize=7.5, frameon=False)
    ax1.spines["right"].set_visible(False)  # the top spine carries the d scale
    ax2.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


# --- simulation 1: clients nested within helpers ------------------------------


def _cluster_sizes(n_helpers: int, per_helper) -> np.ndarray:
    if isinstance(per_helper, Integral) and not isinstance(per_helper, bool):
        _check_positive_int(per_helper, "per_helper")
        return np.full(n_helpers, int(per_helper))
    if isinstance(per_helper, (Sequence, np.ndarray)) and not isinstance(per_helper, str):
        sizes = list(per_helper)
        if len(sizes) != n_helpers:
            raise ValueError(f"per_helper: a list of sizes needs one per helper ({n_helpers}), got {len(sizes)}")
        for s in sizes:
            _check_positive_int(s, "per_helper")
        return np.asarray(sizes, dtype=int)
    raise ValueError(f"per_helper: expected an integer or a list of integers, got {per_helper!r}")


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
    n_helpers = _check_positive_int(n_helpers, "n_helpers", minimum=2)
    sizes = _cluster_sizes(n_helpers, per_helper)
    icc = _check_icc(icc)
    seed = _check_seed(seed)
    if isinstance(sd, bool) or not isinstance(sd, Real) or not float(sd) > 0:
        raise ValueError(f"sd: must be a positive number, got {sd!r}")
    if isinstance(mean, bool) or not isinstance(mean, Real) or not math.isfinite(float(mean)):
        raise ValueError(f"mean: must be a finite number, got {mean!r}")
    rng = np.random.default_rng(seed)
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


def _require_columns(df: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name}: expected a DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}")


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

    _require_columns(df, ["helper", "alliance"], "df")
    if df["helper"].nunique() < 2:
        raise ValueError("df: need at least 2 helpers to separate between- and within-helper variance")
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
    _require_columns(df, ["helper", "alliance"], "df")
    g = df.groupby("helper")["alliance"]
    n_j, means = g.size().to_numpy(float), g.mean().to_numpy()
    J, N = len(n_j), n_j.sum()
    if J < 2 or N <= J:
        raise ValueError("df: need at least 2 helpers and more clients than helpers")
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
    n_reps = _check_positive_int(n_reps, "n_reps")
    seed = _check_seed(seed)
    sizes = _cluster_sizes(_check_positive_int(n_helpers, "n_helpers", minimum=2), per_helper)
    m = float(sizes.mean())
    est = [icc_anova(simulate_nested_alliance(n_helpers, per_helper, icc, seed + i)) for i in range(n_reps)]
    out = pd.DataFrame({"rep": np.arange(1, n_reps + 1), "icc_estimated": est})
    out["design_effect_estimated"] = 1 + (m - 1) * out["icc_estimated"]
    out["data_kind"] = "simulated"
    out.attrs.update({"simulated": True, "icc": _check_icc(icc), "n_helpers": n_helpers, "mean_per_helper": m})
    return out


# --- simulation 2: patient- and therapist-rated alliance over sessions -----------

#: Invented generating values of :func:`simulate_growth_curves` (NOT estimates
#: from Nissen-Lie et al., 2015, whose abstract gives directions only).
#: ``time`` is (session - first session) / 10, so ``Intercept`` is the level at
#: the first assessment and ``time`` the growth per ten sessions.  ``neg`` is a
#: therapist's standardised negative reactions to patients, ``flow`` their
#: standardised experience of flow; both are therapist-level.
GROWTH_TRUTH = pd.DataFrame(
    [
        ("patient", "Intercept", 5.20), ("patient", "time", 0.12), ("patient", "neg", -0.25),
        ("patient", "flow", 0.00), ("patient", "time:neg", -0.06), ("patient", "time:flow", 0.00),
        ("therapist", "Intercept", 4.80), ("therapist", "time", 0.18), ("therapist", "neg", 0.00),
        ("therapist", "flow", 0.25), ("therapist", "time:neg", 0.00), ("therapist", "time:flow", 0.04),
    ],
    columns=["perspective", "term", "true_value"],
)

# Standard deviations of the random parts (same for both perspectives): therapist
# intercept, patient intercept, patient slope per ten sessions, residual.
_GROWTH_SD = {"therapist": 0.30, "patient": 0.50, "slope": 0.08, "residual": 0.40}


def simulate_growth_curves(n_therapists: int, patients_per_therapist: int,
                           sessions: Sequence[int] = (3, 12, 20, 40), seed: int = 0) -> pd.DataFrame:
    """Return SIMULATED patient- and therapist-rated alliance of each patient at each session.

    A three-level growth model (sessions within patients within therapists), run
    separately for the two perspectives with the fixed effects of
    :data:`GROWTH_TRUTH`: the therapist's negative reactions lower the
    patient-rated alliance and its growth but leave the therapist's rating
    untouched, while the therapist's flow raises only the therapist's rating.
    That mirrors the *direction* of what Nissen-Lie et al. (2015) report; every
    number is invented.

    Parameters
    ----------
    n_therapists
        Number of therapists; at least 2.
    patients_per_therapist
        Patients per therapist; at least 1.
    sessions
        Sessions at which both members rate the alliance; at least 2, increasing.
    seed
        Seed of the random generator.

    Returns
    -------
    DataFrame
        Long format, one row per patient, session and perspective: ``therapist``,
        ``patient``, ``session``, ``time``, ``perspective`` (``"patient"`` or
        ``"therapist"``), ``alliance``, ``neg``, ``flow``, ``data_kind``
        (``"simulated"``).
    """
    n_t = _check_positive_int(n_therapists, "n_therapists", minimum=2)
    n_p = _check_positive_int(patients_per_therapist, "patients_per_therapist")
    if isinstance(sessions, (str, bytes)) or not isinstance(sessions, Sequence) or len(sessions) < 2:
        raise ValueError(f"sessions: expected at least two session numbers, got {sessions!r}")
    for s in sessions:
        _check_positive_int(s, "sessions")
    if any(b <= a for a, b in zip(sessions, sessions[1:])):
        raise ValueError(f"sessions: must be strictly increasing, got {tuple(sessions)}")
    rng = np.random.default_rng(_check_seed(seed))
    sess = np.asarray(sessions, dtype=int)
    time = (sess - sess[0]) / 10.0
    neg, flow = rng.normal(size=n_t), rng.normal(size=n_t)
    therapist = np.repeat(np.arange(1, n_t + 1), n_p)
    n_pat = therapist.size
    frames = []
    for perspective in ("patient", "therapist"):
        b = GROWTH_TRUTH[GROWTH_TRUTH.perspective == perspective].set_index("term")["true_value"]
        u_t = rng.normal(0, _GROWTH_SD["therapist"], n_t)[therapist - 1]
        u_p = rng.normal(0, _GROWTH_SD["patient"], n_pat)
        u_s = rng.normal(0, _GROWTH_SD["slope"], n_pat)
        nt, ft = neg[therapist - 1], flow[therapist - 1]
        level = b["Intercept"] + b["neg"] * nt + b["flow"] * ft + u_t + u_p
        slope = b["time"] + b["time:neg"] * nt + b["time:flow"] * ft + u_s
        y = level[:, None] + slope[:, None] * time[None, :] + rng.normal(0, _GROWTH_SD["residual"], (n_pat, time.size))
        frames.append(pd.DataFrame({
            "therapist": np.repeat(therapist, time.size),
            "patient": np.repeat(np.arange(1, n_pat + 1), time.size),
            "session": np.tile(sess, n_pat),
            "time": np.tile(time, n_pat),
            "perspective": perspective,
            "alliance": y.ravel(),
            "neg": np.repeat(nt, time.size),
            "flow": np.repeat(ft, time.size),
        }))
    out = pd.concat(frames, ignore_index=True)
    out["data_kind"] = "simulated"
    out.attrs.update({"simulated": True, "seed": int(seed), "n_therapists": n_t,
                      "patients_per_therapist": n_p, "sessions": tuple(int(s) for s in sess)})
    return out


def fit_growth_curves(df: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Return the fixed effects of a growth-curve ``MixedLM`` fitted to each perspective.

    The model, fitted by REML separately to the patients' and the therapists'
    ratings, is ``alliance ~ time * (neg + flow)`` with a random intercept per
    therapist and, within therapist, an intercept and a slope per patient
    (variance components, uncorrelated).

    Returns
    -------
    DataFrame
        One row per perspective and term: ``perspective``, ``term``, ``estimate``,
        ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``true_value`` (from
        :data:`GROWTH_TRUTH`), ``covers_truth`` and ``converged``.
    """
    import statsmodels.formula.api as smf

    _require_columns(df, ["therapist", "patient", "time", "perspective", "alliance", "neg", "flow"], "df")
    level = _check_level(level)
    crit = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for perspective, part in df.groupby("perspective", sort=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = smf.mixedlm(
                "alliance ~ time * (neg + flow)", part, groups="therapist", re_formula="~1",
                vc_formula={"patient": "0 + C(patient)", "patient_slope": "0 + C(patient):time"},
            ).fit(reml=True)
        for term in res.fe_params.index:
            est, se = float(res.fe_params[term]), float(res.bse_fe[term])
            rows.append({"perspective": perspective, "term": term, "estimate": est, "se": se,
                         "ci_low": est - crit * se, "ci_high": est + crit * se,
                         "p_value": float(2 * stats.norm.sf(abs(est / se))), "converged": bool(res.converged)})
    out = pd.DataFrame(rows).merge(GROWTH_TRUTH, on=["perspective", "term"], how="left")
    out["covers_truth"] = (out.ci_low <= out.true_value) & (out.true_value <= out.ci_high)
    return out[["perspective", "term", "estimate", "se", "ci_low", "ci_high", "p_value", "true_value",
                "covers_truth", "converged"]]


def growth_curve_means(df: pd.DataFrame, by: str = "neg") -> pd.DataFrame:
    """Return mean alliance per perspective, session and half of a therapist predictor (below / above its median)."""
    if by not in {"neg", "flow"}:
        raise ValueError(f"by: must be 'neg' or 'flow', got {by!r}")
    _require_columns(df, ["therapist", "session", "perspective", "alliance", by], "df")
    per_t = df.groupby("therapist")[by].first()
    high = per_t > per_t.median()
    labels = {"neg": ("fewer negative reactions", "more negative reactions"),
              "flow": ("less flow", "more flow")}[by]
    group = df["therapist"].map(high).map({False: labels[0], True: labels[1]})
    out = (df.assign(group=group).groupby(["perspective", "group", "session"], as_index=False)["alliance"]
           .mean().rename(columns={"alliance": "mean_alliance"}))
    out["split_by"] = by
    return out


def plot_growth_curves(df: pd.DataFrame):
    """Return a figure of mean SIMULATED alliance by session: panels by therapist predictor, lines by perspective."""
    from .plots import PALETTE

    colours = {"patient": PALETTE["client"], "therapist": PALETTE["therapist"]}
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, by in zip(axes, ("neg", "flow")):
        means = growth_curve_means(df, by)
        for (perspective, group), part in means.groupby(["perspective", "group"]):
            dashed = group.startswith(("more",))
            ax.plot(part.session, part.mean_alliance, marker="o", ms=4, color=colours[perspective],
                    ls="--" if dashed else "-", label=f"{perspective}-rated, {group}")
        ax.set_xticks(sorted(df.session.unique()))
        ax.set_xlabel("session")
        ax.set_title({"neg": "(a) Split by therapist's negative reactions",
                      "flow": "(b) Split by therapist's flow"}[by], loc="left", fontsize=10)
        ax.legend(fontsize=7.5, frameon=False, loc="lower right")
    axes[0].set_ylabel("mean alliance (simulated scale)")
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
