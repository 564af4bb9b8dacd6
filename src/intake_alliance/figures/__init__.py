"""Every figure of the book: one palette, one :func:`setup`, one plotting function per figure.

Call :func:`setup` once at the top of a chapter; the plotting functions take
the tables that :mod:`intake_alliance.study` returns and draw them in the
book's colours (:data:`PALETTE`).  Nothing else in the package imports
matplotlib.
"""

from .style import PALETTE, setup, styler_text
from .concordance import plot_detectable_difference, plot_evidence_intervals
from .design import plot_analysis_timeline, plot_recruitment_flow
from .frequencies import plot_cooccurrence, plot_theme_intervals
from .literature import plot_comparable_scales, plot_growth_curves
from .reliability import plot_halfwidth, plot_kappas_with_bands, plot_simulated_kappas
from .teaching import plot_confusion

__all__ = [
    "PALETTE", "setup", "styler_text",
    "plot_recruitment_flow", "plot_analysis_timeline",
    "plot_kappas_with_bands", "plot_halfwidth", "plot_simulated_kappas",
    "plot_theme_intervals", "plot_cooccurrence",
    "plot_evidence_intervals", "plot_detectable_difference",
    "plot_comparable_scales", "plot_growth_curves",
    "plot_confusion",
]
