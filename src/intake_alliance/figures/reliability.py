"""Figures of chapter 02: published kappas over their benchmark bands, and interval half-widths."""

from __future__ import annotations

import textwrap

from collections.abc import Sequence
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from ..stats.benchmarks import interpretation_scales
from .style import FIG_WIDTH, PALETTE, plain_log_ticks

__all__ = ["plot_kappas_with_bands", "plot_halfwidth", "plot_simulated_kappas"]

_BAND_COLOURS = ["#fbfbfb", "#f1f1f1", "#e7e7e7", "#dddddd", "#d3d3d3", "#c9c9c9"]  # light: labels stay legible

_SCALE_TITLES = {"landis_koch": "Landis & Koch (1977)", "mchugh": "McHugh (2012)",
                 "krippendorff": "Krippendorff (2004)", "fleiss": "Fleiss (1981)"}


def plot_kappas_with_bands(checkpoints: pd.DataFrame, scales: Sequence[str] = ("landis_koch", "mchugh", "krippendorff"),
                           ylim: tuple[float, float] = (0.5, 0.9)) -> plt.Figure:
    """Draw the published kappas over the checkpoints, once per benchmark scale with its bands behind.

    Parameters
    ----------
    checkpoints : DataFrame
        As returned by :func:`intake_alliance.study.design.reliability_checkpoints`
        (columns ``checkpoint, respondent, kappa, kappa_reported``).
    scales : sequence of str
        Benchmark scales of :func:`intake_alliance.stats.interpretation_scales`.
    """
    need = {"checkpoint", "respondent", "kappa", "kappa_reported", "share_coded_pct"}
    if not need <= set(checkpoints.columns):
        raise ValueError(f"`checkpoints` must have the columns {sorted(need)}.")
    bands = interpretation_scales()
    unknown = [s for s in scales if s not in set(bands.scale)]
    if unknown:
        raise ValueError(f"`scales`: unknown scale(s) {unknown}.")
    colours = {"therapist": PALETTE["therapist"], "client": PALETTE["client"]}
    order = ["1", "2", "3", "overall"]
    cp = checkpoints.assign(x=checkpoints.checkpoint.astype(str).map({v: i for i, v in enumerate(order)}))
    # the share of interviews coded by each checkpoint, from the data (the paper's 25, 50 and 75%)
    shares = cp[cp.checkpoint.astype(str) != "overall"].drop_duplicates("checkpoint").sort_values("x")
    ticks = [f"{float(v):g}%" for v in shares.share_coded_pct] + ["overall"]
    fig, axes = plt.subplots(1, len(scales), figsize=(FIG_WIDTH, 3.8), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, scale in zip(axes, scales):
        sub = bands[bands.scale == scale].reset_index(drop=True)
        for i, b in sub.iterrows():
            lo, hi = max(b.lower, ylim[0]), min(b.upper, ylim[1])
            if hi <= lo:
                continue
            ax.axhspan(lo, hi, color=_BAND_COLOURS[min(i, len(_BAND_COLOURS) - 1)], zorder=0)
            ax.text(3.45, hi - 0.006, textwrap.fill(b.label, 14), fontsize=8, va="top", ha="right", color=PALETTE["text"])
        for resp, d in cp.groupby("respondent"):
            dx = -0.08 if resp == "therapist" else 0.08
            line = d[d.checkpoint.astype(str) != "overall"]
            ax.plot(line.x + dx, line.kappa, "o-", color=colours[resp], label=f"{resp} interviews", zorder=3)
            over = d[d.checkpoint.astype(str) == "overall"]
            ax.plot(over.x + dx, over.kappa, "D", color=colours[resp], zorder=3)
        ax.set_xticks(range(4), ticks)
        ax.set_xlim(-0.4, 3.5)
        ax.set_ylim(*ylim)
        ax.set_title(_SCALE_TITLES.get(scale, scale), fontsize=9)
        ax.set_xlabel("")
    axes[0].set_ylabel("published kappa")
    axes[0].legend(frameon=True, fontsize=8, loc="lower left")
    fig.supxlabel("checkpoint (share of interviews coded by then)", fontsize=10)
    fig.tight_layout()
    return fig


def plot_halfwidth(curves: pd.DataFrame, target: float = 0.10, analytic: pd.DataFrame | None = None) -> plt.Figure:
    """Draw the CI half-width against the number of units, one line per prevalence.

    Parameters
    ----------
    curves : DataFrame
        Columns ``n_units, halfwidth, prevalence`` (simulation, three raters).
    analytic : DataFrame, optional
        Columns ``n_units, halfwidth, prevalence`` (two-rater formula), drawn dashed.
    """
    need = {"n_units", "halfwidth", "prevalence"}
    if not need <= set(curves.columns):
        raise ValueError(f"`curves` must have the columns {sorted(need)}.")
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    palette = plt.get_cmap("viridis")
    prevs = sorted(curves.prevalence.unique())
    for i, p in enumerate(prevs):
        col = palette(i / max(len(prevs) - 1, 1) * 0.85)
        d = curves[curves.prevalence == p]
        ax.plot(d.n_units, d.halfwidth, "o-", ms=3, color=col, label=f"prevalence {p:.2f}, 3 raters (simulated)")
        if analytic is not None:
            a = analytic[analytic.prevalence == p]
            ax.plot(a.n_units, a.halfwidth, "--", color=col, lw=1, label=f"prevalence {p:.2f}, 2 raters (formula)")
    ax.axhline(target, color=PALETTE["highlight"], lw=1)
    ax.set_xscale("log")
    plain_log_ticks(ax.xaxis, {n: f"{n:,}" for n in (10, 20, 50, 100, 200, 500, 1000, 2000, 5000)})
    ax.set_xlabel("number of units coded by every rater (log scale)")
    ax.set_ylabel("half-width of 95% interval")
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_simulated_kappas(simulated: dict, checkpoints: pd.DataFrame) -> plt.Figure:
    """Violins of SIMULATED Fleiss' kappas per (respondent, checkpoint), with the published value as a diamond.

    ``simulated`` maps ``(respondent, checkpoint)`` to an array of simulated kappas; ``checkpoints`` is
    :func:`intake_alliance.study.design.reliability_checkpoints` (columns ``respondent, checkpoint, kappa``).
    """
    missing = {"respondent", "checkpoint", "kappa"} - set(checkpoints.columns)
    if missing:
        raise ValueError(f"`checkpoints` lacks column(s) {sorted(missing)}")
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 3.6))
    for i, ((resp, chk), kap) in enumerate(simulated.items()):
        colour = PALETTE[resp]
        body = ax.violinplot(kap, positions=[i], showextrema=False, widths=0.8)["bodies"][0]
        body.set_facecolor(colour)
        body.set_alpha(0.45)
        published = checkpoints[(checkpoints.respondent == resp) & (checkpoints.checkpoint == chk)].kappa
        ax.plot(i, published.iloc[0], "D", color=colour)
    ax.set_xticks(range(len(simulated)), [f"{r}\ncheckpoint {c}" for r, c in simulated], fontsize=8)
    ax.set_ylabel("simulated Fleiss' kappa")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
