"""Theme frequencies: the codebook, the published counts, recomputed percentages and their intervals.

The paper reports each theme three times: as a count and percentage of
client interviews, of therapists (a therapist counts once if any of their
interviews had the theme) and of therapist interviews.  This module lays the
published numbers side by side with the percentages recomputed from the
counts, and gives each proportion a confidence interval.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from statsmodels.stats.proportion import proportion_confint

from . import data
from .gluing import fmt_number

__all__ = [
    "UNITS",
    "codebook",
    "published_table",
    "recomputed_percentages",
    "proportion_intervals",
    "plot_theme_intervals",
    "themes_per_interview",
    "themes_per_interview_observed",
    "cooccurrence",
    "plot_cooccurrence",
]

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


def published_table(reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the wide theme-frequency table built from ``reported_values`` (as stored in theme_frequencies.csv)."""
    r = data.reported() if reported is None else reported
    themes = data.load("themes").sort_values("order")
    rows = []
    for _, t in themes.iterrows():
        for prefix, (unit, respondent) in UNITS.items():
            nk, pk = f"{prefix}_theme_{t.key}_n", f"{prefix}_theme_{t.key}_pct"
            rows.append({
                "theme": t.key, "valence": t.valence, "respondent": respondent, "unit": unit,
                "n": int(r.at[nk, "value"]), "percent_reported": r.at[pk, "reported"],
                "denominator": int(r.at[pk, "denominator"]), "n_key": nk, "percent_key": pk,
            })
    return pd.DataFrame(rows)


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
        raise ValueError(f"alpha: must lie strictly between 0 and 1, got {alpha}")
    t = data.load("theme_frequencies") if table is None else table.copy()
    low, high = proportion_confint(t["n"].to_numpy(), t["denominator"].to_numpy(), alpha=alpha, method=method)
    t["proportion"] = t["n"] / t["denominator"]
    t["ci_low"], t["ci_high"] = np.asarray(low), np.asarray(high)
    t["ci_method"] = method
    return t


def plot_theme_intervals(intervals: pd.DataFrame | None = None) -> plt.Figure:
    """Dot-and-interval plot: each theme's client, therapist and therapist-interview proportions side by side."""
    t = proportion_intervals() if intervals is None else intervals
    labels = data.load("themes").set_index("key")["label"]
    order = data.load("themes").sort_values("order")["key"].tolist()
    unit_label = {"client_interviews": "clients (per interview)", "therapists": "therapists (per therapist)",
                  "therapist_interviews": "therapists (per interview)"}
    palette = dict(zip(unit_label.values(), ["#7570b3", "#1b9e77", "#66c2a5"]))
    offsets = dict(zip(unit_label.values(), [-0.25, 0.0, 0.25]))
    fig, ax = plt.subplots(figsize=(8.5, 6.2))
    for unit, sub in t.groupby("unit", sort=False):
        name = unit_label[unit]
        y = np.array([order.index(k) for k in sub.theme]) + offsets[name]
        ax.errorbar(sub.proportion, y, xerr=[sub.proportion - sub.ci_low, sub.ci_high - sub.proportion],
                    fmt="o", color=palette[name], ms=5, capsize=2.5, lw=1.3, label=name)
    ax.set_yticks(range(len(order)), [labels[k] for k in order])
    ax.invert_yaxis()
    ax.axhline(4.5, color="#bbbbbb", lw=0.8, ls="--")
    ax.text(1.0, 4.42, "negative valence below", ha="right", va="bottom", fontsize=7.5, color="#777777")
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(f"share reporting the theme, with {t.ci_method.iloc[0].title()} 95% interval")
    sns.despine(ax=ax)
    ax.legend(frameon=False, loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


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
        raise ValueError(f"respondent: expected 'client' or 'therapist', got {respondent!r}")
    themes = data.load("themes").sort_values("order")["key"].tolist()
    missing = [t for t in themes if t not in interviews.columns]
    if missing:
        raise ValueError(f"interviews: missing theme columns {missing}")
    x = interviews.loc[interviews.respondent == respondent, themes].to_numpy(dtype=int)
    return pd.DataFrame(x.T @ x, index=themes, columns=themes)


def plot_cooccurrence(interviews: pd.DataFrame) -> plt.Figure:
    """Heatmaps of theme co-occurrence for clients and therapists in a reconstructed dataset."""
    labels = data.load("themes").sort_values("order")["label"].tolist()
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
    for ax, resp in zip(axes, ("client", "therapist")):
        m = cooccurrence(interviews, resp)
        m.index, m.columns = labels, labels
        mask = np.triu(np.ones_like(m, dtype=bool), k=1)
        sns.heatmap(m, mask=mask, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax, square=True,
                    annot_kws={"fontsize": 8})
        ax.set_title(f"{resp} interviews (one reconstruction)", fontsize=10)
        ax.tick_params(labelsize=8)
    fig.suptitle("RECONSTRUCTED data: one of many datasets consistent with the paper", fontsize=10, color="#b35806")
    fig.tight_layout()
    return fig


def themes_per_interview_observed(interviews: pd.DataFrame) -> pd.DataFrame:
    """Return mean and SD (n-1) of themes per interview, by respondent, in an interview-level table."""
    themes = data.load("themes").sort_values("order")["key"].tolist()
    k = interviews[themes].sum(axis=1)
    out = k.groupby(interviews.respondent).agg(n="size", mean="mean", sd="std")
    return out.reset_index()
