"""The neighbouring literature on one scale: published r and d side by side, and variance shares.

:func:`literature_table` reads ``data/published/literature.csv``;
:func:`evidence_on_common_scale` puts every finding that is an *r* or a *d* on
both scales with the conversions of :mod:`intake_alliance.stats.effect_sizes`,
and :func:`variance_shares` compares the published shares of variance between
helpers with r squared.
"""

from __future__ import annotations

import math
import pandas as pd
from .. import data
from ..stats.effect_sizes import convert_interval, d_to_r, r_to_d

__all__ = ["literature_table", "evidence_on_common_scale", "variance_shares"]


def literature_table(root=None) -> pd.DataFrame:
    """Return ``data/published/literature.csv``, checked against its schema, indexed by ``finding_id``."""
    return data.load("literature", root=root).set_index("finding_id")


def evidence_on_common_scale(lit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every *r* or *d* finding on both scales, with intervals where they are published.

    Parameters
    ----------
    lit
        The literature table (default: :func:`literature_table`).

    Returns
    -------
    DataFrame
        One row per finding: ``finding_id``, ``study_key``, ``finding_label``,
        ``published_kind``, ``published_value``, ``r``, ``r_ci_low``, ``r_ci_high``,
        ``d``, ``d_ci_low``, ``d_ci_high``, ``r_squared``, ``k_studies`` and
        ``published_alt_d`` (the *d* the authors themselves give, if any, to
        compare with the conversion).  Conversions assume equal group sizes.
    """
    lit = literature_table() if lit is None else lit
    if "result_kind" not in lit.columns:
        raise ValueError("lit: expected the literature table with a 'result_kind' column")
    rows = []
    for fid, row in lit[lit.result_kind.isin(["r", "d"])].iterrows():
        kind, value = row.result_kind, float(row.result_value)
        r = value if kind == "r" else d_to_r(value)
        d = value if kind == "d" else r_to_d(value)
        has_ci = not (pd.isna(row.ci_low) or pd.isna(row.ci_high))
        r_lo, r_hi = convert_interval(row.ci_low, row.ci_high, kind, "r") if has_ci else (math.nan, math.nan)
        d_lo, d_hi = convert_interval(row.ci_low, row.ci_high, kind, "d") if has_ci else (math.nan, math.nan)
        rows.append({
            "finding_id": fid,
            "study_key": row.study_key,
            "finding_label": row.finding_label,
            "published_kind": kind,
            "published_value": value,
            "r": r, "r_ci_low": r_lo, "r_ci_high": r_hi,
            "d": d, "d_ci_low": d_lo, "d_ci_high": d_hi,
            "r_squared": r**2,
            "k_studies": row.k_studies,
            "published_alt_d": float(row.alt_value) if row.alt_kind == "d" else math.nan,
        })
    return pd.DataFrame(rows)


def variance_shares(lit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return findings expressed as a share of variance: ``r**2`` of correlations and published ICCs.

    Returns
    -------
    DataFrame
        ``finding_id``, ``finding_label``, ``share`` (0-1), ``what`` (how the
        share was obtained) and ``published`` (True when the share
        itself was published, False when it is our ``r**2``).
    """
    lit = literature_table() if lit is None else lit
    common = evidence_on_common_scale(lit)
    rows = [{"finding_id": c.finding_id, "finding_label": c.finding_label, "share": c.r_squared,
             "what": f"r squared (from the published {c.published_kind})", "published": False}
            for c in common.itertuples()]
    for fid, row in lit[lit.result_kind == "share_of_variance"].iterrows():
        rows.append({"finding_id": fid, "finding_label": row.finding_label, "share": float(row.result_value),
                     "what": "alliance variance between helpers (ICC)", "published": True})
    return pd.DataFrame(rows)
