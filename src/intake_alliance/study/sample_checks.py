"""Checks of the sample description that involve several printed numbers at once.

The audit table (:mod:`intake_alliance.study.audit`) checks each printed number
against its own denominator. Three questions need more than one row:

* :func:`caseload_totals` -- how many interviews "M = 3.8 clients per
  therapist" implies for each candidate number of therapists, and which number
  of therapists would make the mean agree with a given total;
* :func:`denominator_hypotheses` -- which numbers of respondents and which
  rounding rule explain all the therapist figures (percentages, means, SDs)
  at once;
* :func:`granularity_assumption` -- how a GRIM verdict on a mean of years
  depends on whether the data were whole years or finer.

Each returns a table; the chapters word it.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from .. import data, ledger
from ..stats.granularity import grim, grimmer
from ..stats.percentages import percent_check

__all__ = ["caseload_totals", "therapists_for_total", "denominator_hypotheses", "granularity_assumption",
           "THERAPIST_FIGURES", "HYPOTHESIS_RULES", "PARTITIONS",
           "prose_testability"]


_USUAL = ("half_up", "half_down")


def _reported(reported):
    return data.reported() if reported is None else reported


def _caseload_scale(r: pd.DataFrame) -> tuple[int, int]:
    return 1, int(r.at["therapist_max_interviews", "value"])


def caseload_totals(reported=None, therapists: dict[str, str] | None = None) -> pd.DataFrame:
    """Return the totals of interviews that the printed caseload mean implies for each number of therapists.

    ``therapists`` maps a label to a key of ``reported_values.csv`` holding a
    number of therapists (default: those who agreed and those analysed). The
    mean is read with the scale 1 to the printed maximum; a total is implied
    when some whole caseloads with that sum print as the mean under the usual
    rounding (``total_min``..``total_max``), or under truncation.
    """
    r = _reported(reported)
    lo, hi = _caseload_scale(r)
    mean = str(r.at["therapist_interviews_mean", "reported"])
    sd = str(r.at["therapist_interviews_sd", "reported"])
    therapists = therapists or {"therapists who agreed": "therapists_agreed",
                                "therapists analysed": "therapists_ashkenazi_included"}
    rows = []
    for label, key in therapists.items():
        n = int(r.at[key, "value"])
        res = grim(mean, n, scale_min=lo, scale_max=hi)
        usual = sorted({s for c in _USUAL for s in res.sums_by_convention[c]})
        trunc = res.sums_by_convention["truncate"]
        rows.append({"therapists": label, "n": n, "mean": mean,
                     "total_min": min(usual) if usual else None, "total_max": max(usual) if usual else None,
                     "total_min_truncate": min(trunc) if trunc else None,
                     "total_max_truncate": max(trunc) if trunc else None,
                     "sd_consistent": bool(grimmer(mean, sd, n, scale_min=lo, scale_max=hi))})
    out = pd.DataFrame(rows)
    for col in ("total_min", "total_max", "total_min_truncate", "total_max_truncate"):
        out[col] = out[col].astype("Int64")
    return out


def therapists_for_total(total: int, reported=None) -> tuple[int, ...]:
    """Return every number of therapists whose caseloads (1 to the printed maximum) sum to ``total``
    with a mean that prints as the published one under the usual rounding."""
    r = _reported(reported)
    lo, hi = _caseload_scale(r)
    mean = str(r.at["therapist_interviews_mean", "reported"])
    if isinstance(total, bool) or not isinstance(total, int) or total < 1:
        raise ValueError(f"`total` must be a positive whole number of interviews; got {total!r}")
    return tuple(n for n in range(1, total + 1)
                 if any(total in grim(mean, n, scale_min=lo, scale_max=hi).sums_by_convention[c] for c in _USUAL))


#: The therapist figures of the sample description, in two blocks: background questions and years of practice.
THERAPIST_FIGURES = {
    "background": ("therapist_female_pct", "therapist_born_israel_pct", "therapist_psychologist_pct",
                   "therapist_psychiatrist_pct", "therapist_social_worker_pct", "therapist_age_mean", "therapist_age_sd"),
    "practice": ("therapist_practice_over_threshold_pct", "therapist_practice_years_mean", "therapist_practice_years_sd"),
}

#: The rounding rules a hypothesis may use, one for all of a block's figures.
HYPOTHESIS_RULES = {"ordinary rounding": "up_or_down", "truncation": "truncate", "rounding up": "up",
                    "round numbers in prose": "prose"}

#: Scale limits of the therapist means (years of age from the printed range; years of practice from 0).
_THERAPIST_SCALES = {"therapist_age_mean": ("therapist_age_min", "therapist_age_max"),
                     "therapist_practice_years_mean": (0, None)}


def _prose_counts(printed: str, n: int, step: int = 5) -> tuple[int, ...]:
    """The counts k for which k / n lies within half a ``step`` of a whole-number percentage (prose rounding)."""
    p = Fraction(printed.rstrip("%").strip())
    return tuple(k for k in range(n + 1) if p - Fraction(step, 2) <= Fraction(100 * k, n) < p + Fraction(step, 2))


def _prose_percent(printed: str, n: int, step: int = 5) -> bool:
    """Whether some k / n lies within half a ``step`` of a whole-number percentage (a round number in prose)."""
    return bool(_prose_counts(printed, n, step))


def prose_testability(n: int, step: int = 5) -> float:
    """The share of round percentages (0, 5, ..., 100) that no count out of ``n`` gives under prose rounding.

    0 means the prose reading cannot fail with n people: its survival is then no evidence for it.
    """
    values = range(0, 101, step)
    return sum(not _prose_percent(f"{v}%", n, step) for v in values) / len(values)


#: Shares of one question that must add up to the number who answered it (one profession per therapist).
PARTITIONS = {"background": ("therapist_psychologist_pct", "therapist_psychiatrist_pct", "therapist_social_worker_pct")}


def _counts(key: str, n: int, rule: str, r: pd.DataFrame) -> tuple[int, ...]:
    rep = str(r.at[key, "reported"])
    if rule == "prose" and "." not in rep:
        return _prose_counts(rep, n)
    return percent_check(rep, n, rounding="up_or_down" if rule == "prose" else rule, n_range=(1, 1)).counts


def _partition_fits(keys, n: int, rule: str, r: pd.DataFrame) -> bool:
    """Whether counts that print as the shares ``keys`` under ``rule`` can add up to n."""
    sums = {0}
    for k in keys:
        sums = {a + b for a in sums for b in _counts(k, n, rule, r) if a + b <= n}
    return n in sums


def _figure_fits(key: str, n: int, rule: str, r: pd.DataFrame) -> bool:
    """Whether one printed therapist figure arises from n people under one rounding rule."""
    rep, unit = str(r.at[key, "reported"]), r.at[key, "unit"]
    if unit == "percent":
        return bool(_counts(key, n, rule, r))
    rule = "up_or_down" if rule == "prose" else rule  # means and SDs are printed with decimals: no prose rule
    mean_key = key.replace("_sd", "_mean")
    lo, hi = (v if v is None or isinstance(v, int) else int(r.at[v, "value"]) for v in _THERAPIST_SCALES[mean_key])
    mean = str(r.at[mean_key, "reported"])
    if not grim(mean, n, rounding=rule, scale_min=lo, scale_max=hi):  # truthy only under `rule`
        return False
    return unit == "mean" or bool(grimmer(mean, rep, n, rounding=rule, scale_min=lo, scale_max=hi))


def denominator_hypotheses(reported=None, n_max: int | None = None) -> pd.DataFrame:
    """Compare denominators and rounding rules across all the therapist figures jointly.

    For each block of :data:`THERAPIST_FIGURES` and each rule of :data:`HYPOTHESIS_RULES` (one rule for every
    figure of the block; "round numbers in prose" reads whole-number percentages as rounded to the nearest
    5 % and everything else as ordinarily rounded), every n from 2 to ``n_max`` (default: the therapists who
    agreed) is tried. One row per block and rule: ``block``, ``rule``, ``figures`` (how many), ``surviving_n``
    (the n that reproduce every figure of the block, comma-separated, empty when none), ``best_n`` and
    ``best_explained`` (the n that reproduces most of them, the largest on ties), ``stated_explained`` (how
    many the stated denominator reproduces), ``survives`` (whether any n does) and ``could_fail`` (False when
    the rule could not have failed at a surviving n: prose rounding with steps of 100 / n below 5 points
    always finds a count, so its survival is then no evidence). Where a block holds shares of one question
    (:data:`PARTITIONS`), their counts must also add up to n; that counts as one more figure.
    """
    if reported is None and n_max is None:
        return _default_hypotheses().copy()
    return _hypotheses(_reported(reported), n_max)


@ledger.remembered
def _default_hypotheses() -> pd.DataFrame:
    """The hypotheses on the package's own data (GRIMMER over every n takes seconds; the pages ask several times)."""
    return _hypotheses(_reported(None), None)


def _hypotheses(r: pd.DataFrame, n_max: int | None) -> pd.DataFrame:
    stated = int(r.at["therapists_ashkenazi_included", "value"])
    n_max = n_max or int(r.at["therapists_agreed", "value"])
    rows = []
    for block, keys in THERAPIST_FIGURES.items():
        for label, rule in HYPOTHESIS_RULES.items():
            parts = PARTITIONS.get(block)
            explained = {n: sum(_figure_fits(k, n, rule, r) for k in keys)
                         + (bool(parts) and _partition_fits(parts, n, rule, r)) for n in range(2, n_max + 1)}
            figures = len(keys) + bool(parts)
            best = max(explained, key=lambda n: (explained[n], n))
            full = [n for n, e in explained.items() if e == figures]
            rows.append({"block": block, "rule": label, "figures": figures,
                         "surviving_n": ", ".join(map(str, full)), "best_n": best, "best_explained": explained[best],
                         "stated_explained": explained[stated], "survives": bool(full),
                         "could_fail": (min(1 - prose_testability(n) for n in map(int, full)) < 1) if rule == "prose" and full
                         else True})
    return pd.DataFrame(rows)


def granularity_assumption(key: str = "therapist_practice_years_mean", reported=None,
                           steps: dict[str, int] | None = None) -> pd.DataFrame:
    """Return the GRIM verdict on the mean ``key`` for data recorded in whole units or finer steps.

    ``steps`` maps a label to the number of steps per unit (default: whole, half and quarter years, and
    months). Data recorded in halves are means of two integers per person, so GRIM runs with ``items``
    equal to the steps per unit. Columns: ``recorded_in``, ``steps_per_unit``, ``consistent`` (usual
    rounding), ``consistent_truncate``, ``sd_consistent`` (GRIMMER with the printed SD, sample SD).
    """
    r = _reported(reported)
    steps = steps or {"whole years": 1, "half years": 2, "quarter years": 4, "months": 12}
    mean = str(r.at[key, "reported"])
    sd_key = key.replace("_mean", "_sd")
    n = int(r.at[key, "denominator"])
    rows = []
    for label, items in steps.items():
        res = grim(mean, n, items=items)
        sd_ok = None
        if sd_key in r.index and n * items <= 500:
            sd_ok = bool(grimmer(mean, str(r.at[sd_key, "reported"]), n, items=items))
        rows.append({"recorded_in": label, "steps_per_unit": items, "n": n, "mean": mean,
                     "consistent": bool(set(res.conventions) & set(_USUAL)),
                     "consistent_truncate": "truncate" in res.conventions, "sd_consistent": sd_ok})
    return pd.DataFrame(rows)
