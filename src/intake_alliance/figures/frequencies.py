"""Figures of chapter 03: theme shares with their intervals, and theme co-occurrence."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from .. import data
from ..study.frequencies import cooccurrence, proportion_intervals
from .style import FIG_WIDTH, PALETTE

__all__ = ["plot_theme_intervals", "plot_cooccurrence"]


def plot_theme_intervals(intervals: pd.DataFrame | None = None) -> plt.Figure:
    """Dot-and-interval plot: each theme's client, therapist and therapist-interview proportions side by side."""
    t = proportion_intervals() if intervals is None else intervals
    labels = data.load("themes").set_index("key")["label"]
    order = data.load("themes").sort_values("order")["key"].tolist()
    unit_label = {"client_interviews": "Clients (per interview)", "therapists": "Therapists (per therapist)",
                  "therapist_interviews": "Therapists (per interview)"}
    palette = dict(zip(unit_label.values(), [PALETTE["client"], PALETTE["therapist"], PALETTE["therapist_interview"]]))
    offsets = dict(zip(unit_label.values(), [-0.25, 0.0, 0.25]))
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 6.2))
    for unit, sub in t.groupby("unit", sort=False):
        name = unit_label[unit]
        y = np.array([order.index(k) for k in sub.theme]) + offsets[name]
        ax.errorbar(sub.proportion, y, xerr=[sub.proportion - sub.ci_low, sub.ci_high - sub.proportion],
                    fmt="o", color=palette[name], ms=5, capsize=2.5, lw=1.3, label=name)
    ax.set_yticks(range(len(order)), [labels[k] for k in order])
    ax.invert_yaxis()
    ax.axhline(4.5, color=PALETTE["rule"], lw=0.8, ls="--")
    ax.text(1.0, 4.42, "negative valence below", ha="right", va="bottom", fontsize=8, color=PALETTE["note"])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(f"share reporting the theme, with {t.ci_method.iloc[0].title()} 95% interval")
    sns.despine(ax=ax)
    # the legend below the axes, never on the intervals
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, frameon=False, loc="lower center", ncol=3, fontsize=8)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def plot_cooccurrence(interviews: pd.DataFrame) -> plt.Figure:
    """Heatmaps of theme co-occurrence for clients and therapists in a reconstructed dataset."""
    labels = data.load("themes").sort_values("order")["label"].tolist()
    fig, axes = plt.subplots(2, 1, figsize=(6.4, 11.0))
    for ax, resp in zip(axes, ("client", "therapist")):
        m = cooccurrence(interviews, resp)
        m.index, m.columns = labels, labels
        mask = np.triu(np.ones_like(m, dtype=bool), k=1)
        sns.heatmap(m, mask=mask, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax, square=True,
                    annot_kws={"fontsize": 9})
        ax.set_title(f"{resp.capitalize()} interviews (one reconstruction)", fontsize=10)
        ax.tick_params(labelsize=9)
    fig.suptitle("RECONSTRUCTED data: one of many datasets consistent with the paper", fontsize=10, color=PALETTE["reconstructed"])
    fig.tight_layout()
    return fig
