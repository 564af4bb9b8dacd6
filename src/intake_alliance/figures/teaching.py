"""Figure of the coding lab: the confusion matrix of a scored sheet."""

from __future__ import annotations

from ..study.teaching import SheetScore
from ..study.vocabulary import vocabulary
from .style import PALETTE

__all__ = ["plot_confusion"]


def plot_confusion(result: SheetScore, *, ax=None, title: str | None = None, cmap: str = "Blues"):
    """Draw the confusion matrix of ``result`` as an annotated seaborn heatmap; return the figure.

    Rows are the reference (key or other coder), columns the scored coder's
    themes; agreements lie on the diagonal, which is outlined.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.patches import Rectangle

    if not isinstance(result, SheetScore):
        raise ValueError(f"result: expected the SheetScore returned by score_sheet, got {type(result).__name__}")
    conf = result.confusion
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 5.4))
    else:
        fig = ax.figure
    vmax = max(int(conf.to_numpy().max()), 1)
    sns.heatmap(conf, annot=True, fmt="d", cmap=cmap, vmin=0, vmax=vmax, cbar=False, square=True,
                linewidths=0.5, linecolor="white", ax=ax, annot_kws={"fontsize": 9})
    for i in range(len(conf)):
        ax.add_patch(Rectangle((i, i), 1, 1, fill=False, edgecolor=PALETTE["text"], lw=1.2))
    vocab = vocabulary()
    ref = "answer key" if result.reference == "key" else vocab.get(result.reference, result.reference)
    coder = vocab.get(result.coder, result.coder)
    ax.set_ylabel(f"reference: {ref}")
    ax.set_xlabel(f"coded by {coder}")
    ax.tick_params(axis="x", labelrotation=45)
    for lab in ax.get_xticklabels():
        lab.set_horizontalalignment("right")
    ax.tick_params(axis="y", labelrotation=0)
    if title is None:
        title = f"{coder} vs {ref}: kappa = {result.kappa:.2f}"
    ax.set_title(title)
    fig.tight_layout()
    return fig
