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
from .vocabulary import in_words, words
from ..stats.effect_sizes import convert_interval, d_to_r, r_to_d

__all__ = ["literature_table", "overview", "sessions_in_words", "evidence_on_common_scale", "variance_shares"]


def literature_table(root=None) -> pd.DataFrame:
    """Return ``data/published/literature.csv``, checked against its schema, indexed by ``finding_id``."""
    return data.load("literature", root=root).set_index("finding_id")


def _number(value: float, decimals: int | None = None) -> str:
    text = f"{float(value):g}" if decimals is None else f"{float(value):.{decimals}f}"
    return text.replace("-", "\u2212")


def _result(row: pd.Series) -> str:
    """A finding's published number in words: "r = 0.278, 95% CI 0.256 to 0.299", "Times as likely: 2"."""
    if pd.isna(row.result_value):
        return ""
    kind = str(row.result_kind)
    value = _number(row.result_value)
    text = (f"{kind} = " if kind in ("r", "d") else f"{words(kind)}: ") + value
    if not (pd.isna(row.ci_low) or pd.isna(row.ci_high)):  # the limits with the value's decimals
        places = len(value.partition(".")[2])
        text += (f", {round(100 * float(row.ci_level))}% CI {_number(row.ci_low, places)} to "
                 f"{_number(row.ci_high, places)}")
    return text


def _participants(row: pd.Series) -> str:
    if pd.isna(row.n_total):
        return ""
    n = int(row.n_total)
    shown = f"{n:,}".replace(",", "\u202f") if n >= 10_000 else str(n)
    return (words(row.n_total_qualifier) + " " if isinstance(row.n_total_qualifier, str) else "") + shown


def sessions_in_words(value: object) -> str:
    """The sessions a study rated, as a list reads: "3;12;20;40" → "3, 12, 20 and 40"; "1" → "1"; empty → ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    parts = [p.strip() for p in str(value).split(";") if p.strip()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""


def overview(lit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per finding, for reading: ``finding_label``, ``study_key``, ``evidence_type`` (in words),
    ``k_studies``, ``participants`` and ``result`` (the published number with its interval, in words; empty
    where a finding has no single number)."""
    lit = literature_table() if lit is None else lit
    return pd.DataFrame({
        "finding_label": lit.finding_label, "study_key": lit.study_key,
        "evidence_type": in_words(lit.evidence_type), "k_studies": lit.k_studies,
        "participants": lit.apply(_participants, axis=1), "result": lit.apply(_result, axis=1),
    }).reset_index(drop=True)


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
