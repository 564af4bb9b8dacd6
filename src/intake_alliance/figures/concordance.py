"""Figures of chapter 04: the range of evidence per theme, and the differences the groups can detect."""

from __future__ import annotations

import numpy as np
import pandas as pd
from .style import FIG_WIDTH, PALETTE, plain_log_ticks

__all__ = ["plot_evidence_intervals", "plot_detectable_difference"]


def plot_evidence_intervals(intervals: pd.DataFrame, labels: dict[str, str] | None = None):
    """Two panels per respondent type: the range of Fisher p-values (log scale) and of the risk difference."""
    import textwrap

    import matplotlib.pyplot as plt

    labels = labels or {}
    fig, axes = plt.subplots(1, 2, figsize=(FIG_WIDTH, 6.0), sharey=True)
    themes = list(dict.fromkeys(intervals.theme))
    ypos = {th: i for i, th in enumerate(themes)}
    offsets = {"client": -0.15, "therapist_interview": 0.15}
    names = {"client": "client interviews", "therapist_interview": "therapist interviews"}
    for resp, g in intervals.groupby("respondent", sort=False):
        y = np.array([ypos[t] for t in g.theme]) + offsets[resp]
        col = PALETTE[resp]
        axes[0].hlines(y, g.p_min, g.p_max, color=col, lw=5, alpha=0.8, label=names[resp])
        axes[0].plot(g.p_min, y, "|", color=col, ms=10)
        axes[0].plot(g.p_max, y, "|", color=col, ms=10)
        axes[1].hlines(y, g.rd_ci_low, g.rd_ci_high, color=col, lw=1.2, alpha=0.7)
        axes[1].hlines(y, g.rd_min, g.rd_max, color=col, lw=5, alpha=0.8, label=names[resp])
    axes[0].set_xscale("log")
    # no ".001": a decade and a half from ".05", the two labels would touch
    plain_log_ticks(axes[0].xaxis, {1e-12: "$10^{-12}$", 1e-9: "$10^{-9}$", 1e-6: "$10^{-6}$", 0.05: ".05", 1.0: "1"})
    axes[0].axvline(0.05, color="0.3", ls="--", lw=1)
    axes[0].set_xlabel("Fisher exact p\n(log scale)")
    axes[0].set_title("Evidence of a difference", fontsize=10)
    axes[1].axvline(0, color="0.3", lw=1)
    axes[1].set_xlabel("risk difference\n(Mizrahi minus Ashkenazi)")
    axes[1].set_title("Size of the difference", fontsize=10)
    axes[0].set_yticks(range(len(themes)), [textwrap.fill(labels.get(t, t), 16) for t in themes])
    axes[0].invert_yaxis()
    handles, names_ = axes[1].get_legend_handles_labels()
    fig.legend(handles, names_, loc="lower center", ncol=2, fontsize="small", frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def plot_detectable_difference(curves: pd.DataFrame):
    """Detectable rate in one group against the base rate in the other, one line per method."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.2, 4.6))
    styles = {"normal": ("-", "normal approximation (Cohen's h)"), "fisher": ("--", "exact Fisher test")}
    for method, g in curves.groupby("method", sort=False):
        ls, lab = styles[method]
        ax.plot(g.base_rate, g.difference, ls, color="0.2", label=lab)
    ax.set_xlabel("share with the theme in the concordant group")
    ax.set_ylabel("difference needed for 80% power")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, fontsize="small")
    fig.tight_layout()
    return fig
