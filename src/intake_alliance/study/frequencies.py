"""Theme frequencies: the codebook, the published counts, recomputed percentages and their intervals.

The paper reports each theme three times: as a count and percentage of
client interviews, of therapists (a therapist counts once if any of their
interviews had the theme) and of therapist interviews.  This module lays the
published numbers side by side with the percentages recomputed from the
counts, and gives each proportion a confidence interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint
from .. import data
from ..stats.rounding import fmt_number

__all__ = ["UNITS", "codebook", "recomputed_percentages", "proportion_intervals", "themes_per_interview", "cooccurrence", "themes_per_interview_observed"]

UNITS = {
    "client": ("client_interviews", "client"),
    "therapist": ("therapists", "therapist"),
    "therapist_interview": ("therapist_interviews", "therapist"),
}


def codebook() -> pd.DataFrame:
    """Return the eight themes with label, valence and the book's short definitions."""
    themes = data.load("themes")
    defs = data.load("codebook")
    if set(defs.theme) != set(themes.key):
        raise ValueError("data/teaching/codebook.csv: themes do not match data/published/themes.csv")
    out = themes.merge(defs, left_on="key", right_on="theme").drop(columns=["theme", "section", "page"])
    return out.sort_values("order").reset_index(drop=True)


def recomputed_percentages(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return each published count's percentage recomputed from its denominator, with a match flag.

    The recomputed value is rounded half-up to the number of decimals printed,
    and compared as a string with the printed value.  ``difference`` is the
    printed minus the exact percentage, in percentage points.
    """
    t = data.load("theme_frequencies") if table is None else table.copy()
    if (t["n"] > t["denominator"]).any():
        bad = t[t["n"] > t["denominator"]].iloc[0]
        raise ValueError(f"table: count {bad.n} exceeds denominator {bad.denominator} for {bad.n_key}")
    printed = t["percent_reported"].str.rstrip("%")
    decimals = printed.str.split(".").str[1].str.len().fillna(0).astype(int)
    exact = 100 * t["n"] / t["denominator"]
    t["percent_exact"] = exact
    t["percent_recomputed"] = [fmt_number(x, d) for x, d in zip(exact, decimals)]
    t["percent_printed"] = printed
    t["difference"] = printed.astype(float) - exact
    t["matches"] = t["percent_recomputed"] == t["percent_printed"]
    return t


def proportion_intervals(table: pd.DataFrame | None = None, method: str = "wilson",
                         alpha: float = 0.05) -> pd.DataFrame:
    """Return every published proportion with its confidence interval (Wilson by default).

    Parameters
    ----------
    method
        Any method of ``statsmodels.stats.proportion.proportion_confint``
        (``"wilson"``, ``"beta"`` for Clopper-Pearson, ...).
    """
    if not 0 < alpha < 1:
        raise ValueError(f"`alpha` must lie strictly between 0 and 1; got {alpha}")
    t = data.load("theme_frequencies") if table is None else table.copy()
    low, high = proportion_confint(t["n"].to_numpy(), t["denominator"].to_numpy(), alpha=alpha, method=method)
    t["proportion"] = t["n"] / t["denominator"]
    t["ci_low"], t["ci_high"] = np.asarray(low), np.asarray(high)
    t["ci_method"] = method
    return t


def themes_per_interview(reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the published mean and SD of themes per interview next to what the counts imply.

    The sum of theme counts over the eight themes is the total number of
    theme mentions, so the mean per interview is fixed by the counts: for
    clients ``sum / 51``, for therapist interviews ``sum / 55``.
    """
    r = data.reported() if reported is None else reported
    t = data.load("theme_frequencies")
    rows = []
    for prefix, unit, resp in (("client", "client_interviews", "client"),
                                ("therapist", "therapist_interviews", "therapist")):
        sub = t[t.unit == unit]
        n = int(sub.denominator.iloc[0])
        total = int(sub.n.sum())
        rows.append({
            "respondent": resp, "n_interviews": n, "theme_mentions": total, "mean_from_counts": total / n,
            "mean_reported": r.at[f"{prefix}_themes_mean", "reported"],
            "sd_reported": r.at[f"{prefix}_themes_sd", "reported"],
            "mean_key": f"{prefix}_themes_mean", "sd_key": f"{prefix}_themes_sd",
        })
    return pd.DataFrame(rows)


def cooccurrence(interviews: pd.DataFrame, respondent: str) -> pd.DataFrame:
    """Return the theme x theme matrix of interviews coded with both themes (diagonal: with the theme)."""
    if respondent not in ("client", "therapist"):
        raise ValueError(f"`respondent` must be 'client' or 'therapist'; got {respondent!r}")
    themes = data.load("themes").sort_values("order")["key"].tolist()
    missing = [t for t in themes if t not in interviews.columns]
    if missing:
        raise ValueError(f"interviews: missing theme columns {missing}")
    x = interviews.loc[interviews.respondent == respondent, themes].to_numpy(dtype=int)
    return pd.DataFrame(x.T @ x, index=themes, columns=themes)


def themes_per_interview_observed(interviews: pd.DataFrame) -> pd.DataFrame:
    """Return mean and SD (n-1) of themes per interview, by respondent, in an interview-level table."""
    themes = data.load("themes").sort_values("order")["key"].tolist()
    k = interviews[themes].sum(axis=1)
    out = k.groupby(interviews.respondent).agg(n="size", mean="mean", sd="std")
    return out.reset_index()
