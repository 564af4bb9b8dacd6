"""Benchmark scales for agreement coefficients, returned as data.

:func:`interpretation_scales` lists the bands of Landis & Koch (1977), Fleiss
(1981), McHugh (2012) and Krippendorff (2004); :func:`interpret` places a value
on each of them.  The bands are conventions, not properties of the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
import numpy as np
import pandas as pd

__all__ = ["interpretation_scales", "interpret"]

# Each band: (scale, lower, upper, closed, label, source). ``closed`` follows
# pandas.Interval. The published tables print two-decimal ranges with gaps
# (e.g. 0.00-0.20, 0.21-0.40); the closure below assigns the gaps to the
# band whose printed range they round into.
_BANDS: list[tuple[str, float, float, str, str, str]] = [
    ("landis_koch", -np.inf, 0.0, "neither", "poor", "Landis & Koch (1977)"),
    ("landis_koch", 0.0, 0.20, "both", "slight", "Landis & Koch (1977)"),
    ("landis_koch", 0.20, 0.40, "right", "fair", "Landis & Koch (1977)"),
    ("landis_koch", 0.40, 0.60, "right", "moderate", "Landis & Koch (1977)"),
    ("landis_koch", 0.60, 0.80, "right", "substantial", "Landis & Koch (1977)"),
    ("landis_koch", 0.80, 1.00, "right", "almost perfect", "Landis & Koch (1977)"),
    # McHugh's table starts at 0, but kappa can be negative: the lowest band is extended downwards.
    ("mchugh", -np.inf, 0.20, "right", "none", "McHugh (2012)"),
    ("mchugh", 0.20, 0.40, "neither", "minimal", "McHugh (2012)"),
    ("mchugh", 0.40, 0.60, "left", "weak", "McHugh (2012)"),
    ("mchugh", 0.60, 0.80, "left", "moderate", "McHugh (2012)"),
    ("mchugh", 0.80, 0.90, "both", "strong", "McHugh (2012)"),
    ("mchugh", 0.90, 1.00, "right", "almost perfect", "McHugh (2012)"),
    ("krippendorff", -np.inf, 0.667, "neither", "unacceptable", "Krippendorff (2004)"),
    ("krippendorff", 0.667, 0.800, "left", "tentative conclusions only", "Krippendorff (2004)"),
    ("krippendorff", 0.800, 1.00, "both", "acceptable", "Krippendorff (2004)"),
    ("fleiss", -np.inf, 0.40, "neither", "poor", "Fleiss (1981)"),
    ("fleiss", 0.40, 0.75, "both", "fair to good", "Fleiss (1981)"),
    ("fleiss", 0.75, 1.00, "right", "excellent", "Fleiss (1981)"),
]


def interpretation_scales() -> pd.DataFrame:
    """All interpretation benchmarks as one tidy table.

    Returns
    -------
    DataFrame
        Columns ``scale, lower, upper, closed, label, source``; one row per
        band. ``closed`` says which ends belong to the band, as in
        :class:`pandas.Interval` (``"left"``, ``"right"``, ``"both"``,
        ``"neither"``).

    Notes
    -----
    * ``landis_koch`` -- Landis & Koch (1977): <0 poor, 0-.20 slight, .21-.40
      fair, .41-.60 moderate, .61-.80 substantial, .81-1 almost perfect.
    * ``mchugh`` -- McHugh (2012), stricter: 0-.20 none, .21-.39 minimal,
      .40-.59 weak, .60-.79 moderate, .80-.90 strong, >.90 almost perfect.
    * ``krippendorff`` -- Krippendorff (2004): rely on alpha >= .800; alpha
      in [.667, .800) only for tentative conclusions; below .667 discard.
    * ``fleiss`` -- Fleiss (1981): <.40 poor, .40-.75 fair to good, >.75
      excellent.

    The benchmarks are conventions, not properties of the data; showing them
    side by side is the point.

    References
    ----------
    Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement
    for categorical data. *Biometrics*, 33(1), 159-174.

    McHugh, M. L. (2012). Interrater reliability: the kappa statistic.
    *Biochemia Medica*, 22(3), 276-282.

    Krippendorff, K. (2004). *Content Analysis: An Introduction to Its
    Methodology* (2nd ed.). Sage.

    Fleiss, J. L. (1981). *Statistical Methods for Rates and Proportions*
    (2nd ed.). Wiley.

    Examples
    --------
    >>> from intake_alliance.stats import interpretation_scales
    >>> interpretation_scales().groupby("scale", sort=False).size().to_dict()
    {'landis_koch': 6, 'mchugh': 6, 'krippendorff': 3, 'fleiss': 3}
    """
    return pd.DataFrame(_BANDS, columns=["scale", "lower", "upper", "closed", "label", "source"])


def _in_band(x: np.ndarray, lower: float, upper: float, closed: str) -> np.ndarray:
    left_ok = x >= lower if closed in ("left", "both") else x > lower
    right_ok = x <= upper if closed in ("right", "both") else x < upper
    return left_ok & right_ok


def interpret(value: float | Iterable[float] | pd.DataFrame, scale: str | Sequence[str] = "landis_koch"
              ) -> pd.DataFrame:
    """Label agreement values with published benchmarks.

    Parameters
    ----------
    value : float, sequence of floats, or result table
        Coefficient value(s). A result table from this module is accepted and
        its ``estimate`` column is used (its ``coefficient`` column is kept).
    scale : str or sequence of str
        ``"landis_koch"`` (default), ``"mchugh"``, ``"krippendorff"``,
        ``"fleiss"``, a list of these, or ``"all"``.

    Returns
    -------
    DataFrame
        One row per value and scale: ``value, scale, label, lower, upper,
        closed`` (plus ``coefficient`` for a result table). Values outside
        ``[-1, 1]`` or NaN get a missing label.

    Notes
    -----
    See :func:`interpretation_scales` for the bands and their sources.

    Examples
    --------
    >>> from intake_alliance.stats import interpret
    >>> interpret(0.72, scale="all")[["scale", "label"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['landis_koch', 'substantial'], ['mchugh', 'moderate'],
     ['krippendorff', 'tentative conclusions only'], ['fleiss', 'fair to good']]
    """
    bands = interpretation_scales()
    known = list(dict.fromkeys(bands["scale"]))
    scales = known if scale == "all" else ([scale] if isinstance(scale, str) else list(scale))
    bad = [s for s in scales if s not in known]
    if bad:
        raise ValueError(f"`scale` must be one of {known} or 'all'; got {bad}.")
    if isinstance(value, pd.DataFrame):
        if "estimate" not in value.columns:
            raise ValueError("`value`: a table must have an 'estimate' column.")
        values = value["estimate"].to_numpy(dtype=float)
        coefficients = value["coefficient"].tolist() if "coefficient" in value.columns else None
    else:
        values = np.atleast_1d(np.asarray(value, dtype=float)).ravel()
        coefficients = None
    outside = np.isfinite(values) & ((values < -1.0) | (values > 1.0))
    if outside.any():
        raise ValueError(f"`value` must be agreement coefficients between -1 and 1; got {values[outside][0]!r}.")
    with np.errstate(invalid="ignore"):
        in_range = np.isfinite(values) & (values >= -1.0) & (values <= 1.0)
    parts = []
    for rank, name in enumerate(scales):
        label = np.full(values.size, None, dtype=object)
        closed = np.full(values.size, None, dtype=object)
        lower = np.full(values.size, np.nan)
        upper = np.full(values.size, np.nan)
        for band in bands[bands["scale"] == name].itertuples(index=False):
            # First matching band wins; the bands of a scale do not overlap.
            hit = in_range & (label == None) & _in_band(values, band.lower, band.upper, band.closed)  # noqa: E711
            label[hit], closed[hit], lower[hit], upper[hit] = band.label, band.closed, band.lower, band.upper
        part = pd.DataFrame({"value": values, "scale": name, "label": label, "lower": lower, "upper": upper,
                             "closed": closed, "_pos": np.arange(values.size), "_rank": rank})
        if coefficients is not None:
            part.insert(0, "coefficient", coefficients)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True).sort_values(["_pos", "_rank"], kind="stable")
    return out.drop(columns=["_pos", "_rank"]).reset_index(drop=True)
