"""One look for every figure of the book, and deterministic image output."""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import seaborn as sns

__all__ = ["setup", "styler_text", "plain_log_ticks", "PALETTE", "FIG_WIDTH", "MIN_FONT_PT"]

#: Widest figure, in inches: 7 in is 672 CSS px, within the room a figure gets in the 1280 px layout,
#: so figures are shown at their natural size and a font of MIN_FONT_PT points reads as 10.7 CSS px.
FIG_WIDTH = 7.0
#: Smallest font in any figure, in points (1 pt = 4/3 CSS px at natural size).
MIN_FONT_PT = 8

# Colours used consistently across chapters (colour-blind safe, from ColorBrewer Dark2).
PALETTE = {
    "client": "#7570b3",
    "therapist": "#1b9e77",
    "therapist_interview": "#66c2a5",
    "mizrahi": "#d95f02",
    "ashkenazi": "#1f78b4",
    "published": "#1f4e9c",
    "simulated": "#999999",
    # the flow diagram: printed numbers, arithmetic on them, and people left unaccounted for
    "flow_reported": "#1f4e9c", "flow_reported_fill": "#eef3fb",
    "flow_derived": "#666666", "flow_derived_fill": "#f4f4f4",
    "flow_gap": "#d95f02", "flow_gap_fill": "#fde0c5",
    # neutral greys for arrows, notes and body text
    "arrow": "#444444", "note": "#777777", "text": "#333333", "rule": "#bbbbbb", "neutral_fill": "#eeeeee",
    # a mark the reader should find (a target, a threshold), and the warning colour of reconstructed data
    "highlight": "#d95f02", "reconstructed": "#b35806",
    "codebook_fill": "#9ecae1", "codebook": "#3182bd",
}


def plain_log_ticks(axis: Any, labels: dict[float, str]) -> None:
    """Label a log-scaled ``axis`` (``ax.xaxis``) at the values of ``labels`` that lie in its range, with those words
    ("1,000" and ".05", not "10³" and "5×10⁻²"), and no minor labels: a reader of the book reads numbers, not powers."""
    low, high = sorted(axis.get_view_interval())
    shown = {v: t for v, t in labels.items() if low <= v <= high}
    axis.set_major_locator(mpl.ticker.FixedLocator(list(shown)))
    axis.set_major_formatter(mpl.ticker.FixedFormatter(list(shown.values())))
    axis.set_minor_formatter(mpl.ticker.NullFormatter())


def setup(dpi: int = 110) -> None:
    """Set the book's plotting style and make inline figures sharp and byte-identical between builds.

    Figures are SVG with live text (``svg.fonttype: none``): sharp at any zoom, searchable and
    selectable. They carry no date or creator, and the hash salt of their ids is fixed. Their
    background is white, so that they read the same on the light and the dark page. A styled
    table's plain-text form (stored in the executed notebook beside its HTML) names its shape
    instead of a memory address.
    """
    sns.set_theme(context="notebook", style="ticks", font_scale=0.95)
    mpl.rcParams.update({
        "figure.dpi": dpi,
        "savefig.dpi": dpi,
        "svg.hashsalt": "intake-alliance",
        "svg.fonttype": "none",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.titleweight": "bold",
        "font.family": "DejaVu Sans",
    })
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg", metadata={"Date": None, "Creator": None})
    except ImportError:  # outside IPython nothing is displayed inline
        pass
    _register_styler_text()


def styler_text(styler: Any) -> str:
    """Return the plain-text form of a pandas Styler: its class and table shape, no memory address."""
    rows, cols = styler.data.shape
    return f"<pandas Styler: {rows} rows x {cols} columns>"


def _register_styler_text() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is None:
        return
    from pandas.io.formats.style import Styler

    ip.display_formatter.formatters["text/plain"].for_type(Styler, lambda obj, p, cycle: p.text(styler_text(obj)))
