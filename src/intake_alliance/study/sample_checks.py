"""Checks of the sample description that involve several printed numbers at once.

The audit table (:mod:`intake_alliance.study.audit`) checks each printed number
against its own denominator. Three questions need more than one row:

* :func:`caseload_totals` -- how many interviews "M = 3.8 clients per
  therapist" implies for each candidate number of therapists, and which number
  of therapists would make the mean agree with a given total;
* :func:`single_denominator` -- whether one number of respondents explains
  several percentages printed for the same group at once;
* :func:`granularity_assumption` -- how a GRIM verdict on a mean of years
  depends on whether the data were whole years or finer.

Each returns a table; the chapters word it.
"""

from __future__ import annotations

import pandas as pd

from ..stats.granularity import grim, grimmer
from ..stats.percentages import percent_check

__all__ = ["caseload_totals", "therapists_for_total", "single_denominator", "denominator_hypotheses",
           "granularity_assumption", "DEMOGRAPHIC_SHARES"]

#: The therapist percentages of the sample description, printed without saying how many answered.
DEMOGRAPHIC_SHARES = ("therapist_female_pct", "therapist_psychologist_pct", "therapist_psychiatrist_pct",
                      "therapist_social_worker_pct", "therapist_practice_over_threshold_pct")

_USUAL = ("half_up", "half_down")


def _reported(reported):
    from .. import data

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


def single_denominator(keys=DEMOGRAPHIC_SHARES, reported=None, n_max: int | None = None) -> pd.DataFrame:
    """Return, for every n from 1 to ``n_max``, which of the percentages ``keys`` are a count out of n.

    Columns: ``n``, one boolean per key under the usual rounding, ``explained`` (how many of them),
    and ``explained_truncate`` (how many under truncation). ``n_max`` defaults to the largest stated
    denominator among ``keys``.
    """
    r = _reported(reported)
    keys = list(keys)
    missing = [k for k in keys if k not in r.index]
    if missing:
        raise ValueError(f"`keys`: not in reported_values.csv: {missing}")
    n_max = n_max or int(max(r.loc[keys, "denominator"]))
    rows = []
    for n in range(1, n_max + 1):
        row = {"n": n}
        trunc = 0
        for k in keys:
            res = percent_check(str(r.at[k, "reported"]), n, n_range=(1, 1))
            row[k] = bool(set(res.conventions) & set(_USUAL))
            trunc += "truncate" in res.conventions
        row["explained"] = sum(row[k] for k in keys)
        row["explained_truncate"] = trunc
        rows.append(row)
    return pd.DataFrame(rows)


def denominator_hypotheses(keys=DEMOGRAPHIC_SHARES, reported=None) -> pd.DataFrame:
    """Compare explanations of the percentages ``keys``, from the simplest (one n, one rule) up.

    One row per hypothesis: ``hypothesis``, ``n`` (the denominators it uses), ``rule``, ``explained``
    (how many of the percentages it reproduces), ``of`` (how many there are) and ``unexplained`` (their keys).
    The hypotheses: the stated denominator; the best single n under the usual rounding; the best single n
    under truncation; and one n per percentage (any n up to the stated one, usual rounding or truncation),
    the mixed explanation the audit table gives row by row.
    """
    r = _reported(reported)
    keys = list(keys)
    table = single_denominator(keys, r)
    stated = int(max(r.loc[keys, "denominator"]))
    rows = []

    def add(name, ns, rule, ok):
        rows.append({"hypothesis": name, "n": ns, "rule": rule, "explained": sum(ok.values()), "of": len(keys),
                     "unexplained": ", ".join(k for k in keys if not ok[k])})

    at = table.set_index("n").loc[stated]
    add("the stated denominator", str(stated), "usual rounding", {k: bool(at[k]) for k in keys})
    best = table.sort_values(["explained", "n"], ascending=[False, False]).iloc[0]
    add("one denominator for all", str(int(best.n)), "usual rounding", {k: bool(best[k]) for k in keys})
    best_t = table.sort_values(["explained_truncate", "n"], ascending=[False, False]).iloc[0]
    ok_t = {k: "truncate" in percent_check(str(r.at[k, "reported"]), int(best_t.n), n_range=(1, 1)).conventions
            for k in keys}
    add("one denominator for all", str(int(best_t.n)), "truncation", ok_t)
    per_key, ok_m = [], {}
    for k in keys:
        fits = [n for n in range(stated, 0, -1)
                if set(percent_check(str(r.at[k, "reported"]), n, n_range=(1, 1)).conventions) & {*_USUAL, "truncate"}]
        ok_m[k] = bool(fits)
        per_key.append(str(fits[0]) if fits else "none")
    add("a denominator per percentage", " / ".join(per_key), "usual rounding or truncation", ok_m)
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
