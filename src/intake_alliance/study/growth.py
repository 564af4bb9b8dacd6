"""The growth-curve simulation of chapter 05: SIMULATED alliance ratings over sessions, in one neighbour's design.

The Norwegian Multisite Study (Nissen-Lie et al., 2015) had patients and therapists rate the alliance at
several sessions; :func:`simulate_growth_curves` draws data of that shape from invented generating values
(:data:`GROWTH_TRUTH`, not the study's estimates), :func:`fit_growth_curves` fits a growth-curve
``MixedLM`` to each perspective and :func:`growth_curve_means` averages the curves by a therapist trait.
Every table it returns is simulated and says so (``data_kind == "simulated"``, ``attrs["simulated"]``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..stats.checks import check_columns, check_int, check_open_unit, check_seed, check_work, make_rng

__all__ = ["GROWTH_TRUTH", "simulate_growth_curves", "fit_growth_curves", "growth_curve_means"]

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
    n_t = check_int(n_therapists, "n_therapists", minimum=2)
    n_p = check_int(patients_per_therapist, "patients_per_therapist")
    check_work(n_t * n_p * max(len(sessions), 1), "`n_therapists` x `patients_per_therapist` x sessions",
               limit=10_000_000)
    if isinstance(sessions, (str, bytes)) or not isinstance(sessions, Sequence) or len(sessions) < 2:
        raise ValueError(f"`sessions` must be at least two session numbers; got {sessions!r}")
    for s in sessions:
        check_int(s, "sessions")
    if any(b <= a for a, b in zip(sessions, sessions[1:])):
        raise ValueError(f"`sessions` must be strictly increasing; got {tuple(sessions)}")
    rng = make_rng(check_seed(seed))
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

    check_columns(df, ["therapist", "patient", "time", "perspective", "alliance", "neg", "flow"], "df")
    level = check_open_unit(level, "level")
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
        raise ValueError(f"`by` must be 'neg' or 'flow'; got {by!r}")
    check_columns(df, ["therapist", "session", "perspective", "alliance", by], "df")
    per_t = df.groupby("therapist")[by].first()
    high = per_t > per_t.median()
    labels = {"neg": ("fewer negative reactions", "more negative reactions"),
              "flow": ("less flow", "more flow")}[by]
    group = df["therapist"].map(high).map({False: labels[0], True: labels[1]})
    out = (df.assign(group=group).groupby(["perspective", "group", "session"], as_index=False)["alliance"]
           .mean().rename(columns={"alliance": "mean_alliance"}))
    out["split_by"] = by
    return out
