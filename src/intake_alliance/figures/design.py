"""Figures of chapter 01: the recruitment flow and the analysis timeline."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch
from .. import data
from .style import FIG_WIDTH, PALETTE
from ..study.design import recruitment_flow, reliability_checkpoints

__all__ = ["plot_recruitment_flow", "plot_analysis_timeline"]


#: Boxes of the flow diagram: (box of recruitment_flow(), x, y, width, height), therapists then clients.
_FLOW_BOXES = [
    ("therapists_approached", 11, 91, 18, 8.5), ("therapists_agreed", 11, 70, 18, 7.0),
    ("therapists_declined", 30, 80.5, 14, 6.5), ("therapists_not_analysed", 30, 53, 19, 16),
    ("therapists_analysed", 11, 30, 18, 7.0),
    ("clients_invited", 57, 91, 20, 7.0), ("clients_not_agreed", 86, 91, 24, 7.0),
    ("clients_declined", 86, 80.5, 26, 9.5), ("gap_declines_unexplained", 86, 69, 26, 8),
    ("clients_agreed", 57, 70, 20, 7.0), ("clients_no_post_interview", 86, 58.5, 22, 6.5),
    ("clients_excluded_recording", 86, 50.5, 22, 6.5), ("clients_usable", 57, 44, 24, 10),
    ("gap_not_in_analysis", 86, 39, 26, 9), ("clients_mizrahi", 46, 26, 18, 7.5),
    ("clients_ashkenazi", 68, 26, 18, 7.5), ("clients_analysed", 57, 9, 22, 7),
]
#: Arrows of the flow diagram: (x0, y0, x1, y1).
_FLOW_ARROWS = [
    (11, 86.7, 11, 73.5), (11, 80.5, 22.9, 80.5), (11, 66.5, 11, 33.5), (11, 53, 19.9, 53),
    (57, 87.5, 57, 73.5), (67, 91, 73.9, 91), (86, 87.5, 86, 85.3), (86, 75.7, 86, 73.0), (57, 66.5, 57, 49),
    (57, 58.5, 74.9, 58.5), (57, 50.5, 74.9, 50.5), (69, 41, 72.9, 39), (52, 39, 46, 29.8), (62, 39, 68, 29.8),
    (46, 22.2, 54, 12.5), (68, 22.2, 60, 12.5),
]
_LABEL_PT = 8  # box labels, the smallest text of the diagram (10 CSS px at natural size)
_DECLINE_REASONS = ["clients_declined_no_time", "clients_declined_unwell", "clients_declined_recording"]


def _flow_box(ax: plt.Axes, row: pd.Series, gap: bool, x: float, y: float, w: float, h: float,
              extra: str = "") -> None:
    """Draw one box of the flow diagram: its n in bold, its label wrapped below; gaps dashed."""
    import textwrap

    kind = "gap" if gap else row["source"]
    face, edge = PALETTE[f"flow_{kind}_fill"], PALETTE[f"flow_{kind}"]
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.3,rounding_size=1.0",
                                fc=face, ec=edge, lw=1.6 if kind == "gap" else 1.4, ls="--" if kind == "gap" else "-"))
    # characters per line: the box width in points over the average glyph width (about 0.58 em)
    label = textwrap.fill(row["label"] + extra, width=max(10, int(w / 100 * FIG_WIDTH * 72 / (_LABEL_PT * 0.58)) - 1))
    # the n at the top of the box and the label hanging below it, a fixed distance in points: never on each other
    top = y + h / 2 - 0.5
    ax.text(x, top, f"n = {row['n']}", ha="center", va="top", fontsize=9, weight="bold", color=edge)
    ax.annotate(label, (x, top), xytext=(0, -12.5), textcoords="offset points", ha="center", va="top",
                fontsize=_LABEL_PT, linespacing=1.1)


def plot_recruitment_flow(flow: pd.DataFrame | None = None, ax: plt.Axes | None = None) -> plt.Figure:
    """Draw a CONSORT-style flow diagram of therapists and clients; gaps drawn dashed in orange."""
    f = (recruitment_flow() if flow is None else flow).set_index("box")
    if ax is None:
        fig, ax = plt.subplots(figsize=(FIG_WIDTH, 8.6))
    else:
        fig = ax.figure
    ax.set_xlim(0, 100)
    ax.set_ylim(-3, 100)
    ax.axis("off")
    ax.text(19, 98.5, "Therapists", ha="center", fontsize=12, weight="bold")
    ax.text(70, 98.5, "Clients", ha="center", fontsize=12, weight="bold")
    reasons = " (" + "; ".join(f"{f.loc[k, 'label']}: {f.loc[k, 'n']}" for k in _DECLINE_REASONS) + ")"
    for name, x, y, w, h in _FLOW_BOXES:
        row = f.loc[name]
        _flow_box(ax, row, name.startswith("gap") and bool(row["gap"]), x, y, w, h,
                  extra=reasons if name == "clients_declined" else "")
    for x0, y0, x1, y1 in _FLOW_ARROWS:
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=dict(arrowstyle="-|>", color=PALETTE["arrow"], lw=1.1))
    ax.plot([20, 46], [30, 12], color=PALETTE["simulated"], lw=0.8, ls=":")
    ax.text(24, 17, "each client seen by\none of these therapists", fontsize=_LABEL_PT, color=PALETTE["note"], ha="center")
    ax.text(1, 0, "Blue: printed in the paper.   Grey: arithmetic on printed numbers.\n"
            "Orange, dashed: people the printed numbers leave unaccounted for.", fontsize=8, color=PALETTE["text"],
            va="center")
    fig.tight_layout()
    return fig

def plot_analysis_timeline(reported: pd.DataFrame | None = None) -> plt.Figure:
    """Draw the coding process on an axis of 'share of interviews coded', with checkpoint kappas."""
    r = data.reported() if reported is None else reported
    cp = reliability_checkpoints(r)
    cp = cp[cp.checkpoint != "overall"]
    share_codebook = float(r.at["codebook_share_pct", "value"])
    fig, (ax, axk) = plt.subplots(2, 1, figsize=(FIG_WIDTH, 5.4), sharex=True, gridspec_kw={"height_ratios": [1.1, 1.6]})
    ax.set_ylim(0, 3)
    ax.axis("off")
    # labels beside or inside their bars, never across a checkpoint mark: the marks hang below the long bar
    ax.barh(2.35, share_codebook, left=0, height=0.5, color=PALETTE["codebook_fill"], ec=PALETTE["codebook"])
    ax.text(share_codebook + 1.5, 2.35, f"codebooks built ({r.at['codebook_share_pct', 'reported']} of the "
            f"interviews, n = {r.at['codebook_interviews_n', 'reported']})", ha="left", va="center", fontsize=8)
    ax.barh(1.35, 100, left=0, height=0.75, color=PALETTE["neutral_fill"], ec=PALETTE["simulated"])
    ax.text(50, 1.35, "remaining interviews divided among the three coders;\n"
            "weekly team meetings; disagreements settled by consensus", ha="center", va="center", fontsize=8,
            linespacing=1.15)
    for share in sorted(cp.share_coded_pct.unique()):
        ax.plot([share, share], [0.62, 0.97], color=PALETTE["highlight"], lw=2)
        ax.text(share, 0.3, f"all three raters code\n{r.at['reliability_interviews_per_checkpoint', 'reported']} interviews", ha="center", va="center", fontsize=8, color=PALETTE["highlight"])
    sns_colors = {"therapist": PALETTE["therapist"], "client": PALETTE["client"]}
    for resp, sub in cp.groupby("respondent"):
        offset = -0.8 if resp == "therapist" else 0.8
        axk.plot(sub.share_coded_pct + offset, sub.kappa, "o-", color=sns_colors[resp], label=f"{resp} interviews")
        for _, row in sub.iterrows():
            # client values above their points, therapist values below: the client line is never the lower one
            axk.annotate(row.kappa_reported, (row.share_coded_pct + offset, row.kappa),
                         textcoords="offset points", xytext=(0, -9) if resp == "therapist" else (0, 9),
                         ha="center", va="top" if resp == "therapist" else "bottom", fontsize=8,
                         color=sns_colors[resp])
    axk.set_ylim(0.55, 0.9)
    axk.set_xlim(0, 100)
    axk.set_xlabel("share of interviews coded when reliability was checked (%)")
    axk.set_ylabel("kappa (3 raters)")
    axk.legend(frameon=False, loc="lower left", fontsize=8)
    axk.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
