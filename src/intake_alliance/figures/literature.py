"""Figures of chapter 05: the neighbouring findings on the r and d scales, and simulated growth curves."""

from __future__ import annotations

import math
import matplotlib.pyplot as plt
from matplotlib.patches import Patch
import numpy as np
import pandas as pd
from ..stats.effect_sizes import d_to_r, r_to_d
from ..study.growth import growth_curve_means
from ..study.literature import evidence_on_common_scale, variance_shares
from .style import FIG_WIDTH, PALETTE

__all__ = ["plot_comparable_scales", "plot_growth_curves"]


def plot_comparable_scales(common: pd.DataFrame | None = None, shares: pd.DataFrame | None = None):
    """Return a two-panel figure: (a) findings on the *r* scale with a *d* axis; (b) shares of variance.

    Published intervals are drawn as bars; findings published as *d* are marked
    with open symbols, since their position on the *r* axis is a conversion.
    """


    common = evidence_on_common_scale() if common is None else common
    shares = variance_shares() if shares is None else shares
    for name, frame, col in (("common", common, "r"), ("shares", shares, "share")):
        if col not in frame.columns:
            raise ValueError(f"{name}: missing column {col!r}")
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(FIG_WIDTH, 9.5), gridspec_kw={"height_ratios": [1.3, 1]})
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
    ax1.set_title("(a) One scale for r and d", loc="left", fontsize=10, pad=34)
    ax1.plot([], [], "o", mfc=PALETTE["published"], mec=PALETTE["published"], label="published as r")
    ax1.plot([], [], "o", mfc="white", mec=PALETTE["published"], mew=1.6, label="published as d, converted")
    ax1.plot([], [], color=PALETTE["published"], lw=2.2, label="published interval")
    ax1.legend(loc="upper center", bbox_to_anchor=(0.4, -0.15), ncol=2, fontsize=8, frameon=False)

    s = shares.sort_values("share").reset_index(drop=True)
    # the between-helper share is drawn in the therapist colour: it is the therapists' part of the variance
    colours = [PALETTE["therapist"] if p else PALETTE["published"] for p in s.published]
    ax2.barh(np.arange(len(s)), s.share * 100, color=colours, height=0.6)
    ax2.set_yticks(np.arange(len(s)), s.finding_label, fontsize=8)
    ax2.set_xlabel("share of variance (%)")
    ax2.set_title("(b) Shares of variance", loc="left", fontsize=10, pad=12)
    handles = [Patch(color=PALETTE["therapist"], label="published share between helpers (ICC)"),
               Patch(color=PALETTE["published"], label="r squared (our conversion)")]
    ax2.legend(handles=handles, loc="lower right", fontsize=8, frameon=False)
    ax1.spines["right"].set_visible(False)  # the top spine carries the d scale
    ax2.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_growth_curves(df: pd.DataFrame):
    """Return a figure of mean SIMULATED alliance by session: panels by therapist predictor, lines by perspective."""


    colours = {"patient": PALETTE["client"], "therapist": PALETTE["therapist"]}
    fig, axes = plt.subplots(1, 2, figsize=(FIG_WIDTH, 5.0), sharey=True)
    for ax, by in zip(axes, ("neg", "flow")):
        means = growth_curve_means(df, by)
        for (perspective, group), part in means.groupby(["perspective", "group"]):
            dashed = group.startswith(("more",))
            ax.plot(part.session, part.mean_alliance, marker="o", ms=4, color=colours[perspective],
                    ls="--" if dashed else "-", label=f"{perspective}-rated, {group}")
        ax.set_xticks(sorted(df.session.unique()))
        ax.set_xlabel("session")
        ax.set_title({"neg": "(a) Split by the therapist's\nnegative reactions",
                      "flow": "(b) Split by the therapist's\nflow"}[by], loc="left", fontsize=10)
        # each panel's legend below it, off the lines
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.2))
    axes[0].set_ylabel("mean alliance (simulated scale)")
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
