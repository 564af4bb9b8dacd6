"""The audit of every number the paper prints: which check applies, and what it finds.

:func:`audit_reported_values` runs the general checks of
:mod:`intake_alliance.stats` (GRIM, GRIMMER, percentages, sums, pooled kappas)
on ``data/published/reported_values.csv`` and returns the findings as a table
of numbers and short verdicts; the chapter formats them.
"""

from __future__ import annotations

import pandas as pd

from .. import data, ledger
from ..stats.granularity import grim, grim_ratio, grimmer
from ..stats.percentages import NEARBY, percent_check, percent_ratio, percent_total_check
from ..stats.rounding import CONVENTION_WORDS, decimals_of, parse_reported
from .vocabulary import words

__all__ = ["audit_reported_values", "verdict_register", "VERDICTS", "verdict_counts", "EXPLANATION_KINDS", "EXPLANATION_LABELS",
           "EXPLANATION_CAUSES"]

#: Scale limits used by GRIM/GRIMMER for each mean (from the printed ranges or the design).
_SCALES = {
    "therapist_age_mean": ("therapist_age_min", "therapist_age_max"),
    "client_age_mean": ("client_age_min", "client_age_max"),
    "client_themes_mean": (0, 8),
    "therapist_themes_mean": (0, 8),
    "therapist_interviews_mean": (1, "therapist_max_interviews"),
    "therapist_practice_years_mean": (0, None),
}

#: Percentages printed without a denominator, paired with the count printed beside them.
_SHARE_COUNTS = {"codebook_share_pct": "codebook_interviews_n", "checkpoint1_pct": "checkpoint1_n",
                 "checkpoint2_pct": "checkpoint2_n", "checkpoint3_pct": "checkpoint3_n"}

#: Counts that other printed counts determine.
_SUMS = {
    "clients_declined": ["clients_declined_no_time", "clients_declined_unwell", "clients_declined_recording"],
    "clients_participated": ["clients_mizrahi", "clients_ashkenazi"],
    "reliability_interviews_per_checkpoint": ["reliability_therapist_interviews_per_checkpoint",
                                              "reliability_client_interviews_per_checkpoint"],
    "n_themes": ["n_positive_themes", "n_negative_themes"],
}


def _verdict(conventions: tuple[str, ...]) -> str:
    if {"half_up", "half_down"} & set(conventions):
        return "consistent"
    if conventions:
        return "consistent only under " + " or ".join(CONVENTION_WORDS[c] for c in conventions)
    return "inconsistent"


def audit_reported_values(reported=None):
    """Return one row per reported value: the check applied, its verdict, a detail and how testable it was.

    Percentages with a denominator get :func:`percent_check`; shares printed
    with a count get :func:`percent_total_check` (which totals they imply);
    means get :func:`grim` and SDs :func:`grimmer` with the printed ranges as
    scale limits; counts that other counts determine are added up; kappas are
    range-checked.  Everything else is listed as not checkable.
    """
    r = data.reported() if reported is None else reported
    joint = _joint_explanations(reported)
    caseload = _caseload_check(r)
    rows = []
    for key, row in r.iterrows():
        rep, unit, den = str(row.reported), row.unit, row.denominator
        check, verdict, detail, totals_lo, totals_hi = _check_one(key, row, r)
        if key in _CASELOAD_KEYS and caseload is not None:
            check, verdict, detail = caseload
        if verdict not in ("consistent", "not checkable") and key in joint:
            kind, n_fit, text = joint[key]
        else:
            kind, n_fit, text = _explain(key, rep, unit, den, verdict, detail, r)
        rows.append({"key": key, "reported": rep, "check": check, "verdict": verdict, "detail": detail,
                     "explanation": text, "explanation_kind": kind, "explanation_n": n_fit,
                     "implied_total_min": totals_lo, "implied_total_max": totals_hi,
                     "testability": _testability(rep, unit, den, check)})
    out = pd.DataFrame(rows)
    for col in ("explanation_n", "implied_total_min", "implied_total_max"):
        out[col] = out[col].astype("Int64")
    return out



#: The caseload mean and SD: each passes GRIM alone, but their total must match one of the paper's samples.
_CASELOAD_KEYS = ("therapist_interviews_mean", "therapist_interviews_sd")

#: Which printed sample of dyads goes with which number of therapists.
_CASELOAD_SAMPLES = {"therapists_agreed": "clients_agreed", "therapists_ashkenazi_included": "clients_participated"}


def _caseload_check(r: pd.DataFrame) -> tuple[str, str, str] | None:
    """(check, verdict, detail) for the caseload rows when the totals they imply fit none of the samples."""
    from .sample_checks import caseload_totals

    labels = {k: k for k in _CASELOAD_SAMPLES}
    table = caseload_totals(r, therapists=labels).set_index("therapists")
    parts, fits = [], False
    for therapists, sample in _CASELOAD_SAMPLES.items():
        t, want = table.loc[therapists], int(r.at[sample, "value"])
        for lo, hi in ((t.total_min, t.total_max), (t.total_min_truncate, t.total_max_truncate)):
            fits |= pd.notna(lo) and lo <= want <= hi
        parts.append(f"{int(t.n)} therapists × the mean gives {t.total_min}–{t.total_max} interviews, "
                     f"not the {want} of that sample")
    if fits:
        return None
    return ("caseload total against the samples (mean × therapists)", "inconsistent", "; ".join(parts))


def _joint_explanations(reported) -> dict[str, tuple[str, int | None, str]]:
    """Explanations of the therapist figures from the hypotheses that explain a whole block at once.

    Row-by-row searches can always find some denominator; only a hypothesis that reproduces every figure of a
    block (:func:`~intake_alliance.study.sample_checks.denominator_hypotheses`) is used to explain its rows.
    """
    from .sample_checks import THERAPIST_FIGURES, denominator_hypotheses

    hyp = denominator_hypotheses(reported)
    out = {}
    r = data.reported() if reported is None else reported
    stated = int(r.at["therapists_ashkenazi_included", "value"])
    for block, keys in THERAPIST_FIGURES.items():
        ok = hyp[(hyp.block == block) & hyp.survives]
        if len(ok) != 1:
            continue  # no hypothesis, or several: nothing to single out
        first = ok.iloc[0]
        ns = [int(n) for n in first.surviving_n.split(", ")]
        which = " or ".join(map(str, ns))
        if first.rule == "round numbers in prose":
            kind = "round numbers"
            text = (f"whole-number percentages rounded to the nearest 5% in prose, with n = {which}: the only rule "
                    f"under which one n reproduces every {block} figure at once (a reading that could not fail "
                    "with so many people, so it is not evidence, only the one account left)")
        else:
            kind = "subsample or another sample" if max(ns) > stated else "subsample"
            text = (f"n = {which} under {first.rule}: the only hypothesis that reproduces every {block} figure at "
                    "once" + (f" ({max(ns)} is more than the {stated} analysed: another count of therapists)"
                              if max(ns) > stated else ""))
        out.update({k: (kind, ns[0], text) for k in keys})
    return out


#: Every verdict the audit gives, the only words the book uses for a published number's consistency.
VERDICTS = ("consistent", "consistent only under", "inconsistent", "implied total", "not checkable")


@ledger.remembered
def _register() -> pd.DataFrame:
    return audit_reported_values()


def verdict_register(reported=None) -> pd.DataFrame:
    """Return the register of verdicts: :func:`audit_reported_values` indexed by key (cached for the package data).

    Every page that states a verdict about a published number glues it from here
    (:func:`intake_alliance.book.gluing.glue_verdict`), so two pages cannot disagree.
    """
    table = _register() if reported is None else audit_reported_values(reported)
    return table.set_index("key", drop=False)


def _testability(rep: str, unit: str, den, check: str) -> float:
    """The share of values printable like ``rep`` that the check would have failed (NaN: not a GRIM check).

    For a percentage, :func:`~intake_alliance.stats.percent_ratio`; for a mean, :func:`~intake_alliance.stats.grim_ratio`
    (per unit of the scale, ignoring its ends). 0 means the check could not fail, so a pass says nothing.
    """
    if check.startswith(_PERCENT_CHECK):
        return float(percent_ratio(decimals_of(parse_reported(rep.rstrip("%"), "reported")), int(den)))
    if check.startswith("GRIM, "):
        return float(grim_ratio(decimals_of(parse_reported(rep, "reported")), int(den)))
    return float("nan")


def verdict_counts(table: pd.DataFrame) -> dict[str, int]:
    """Count the verdicts of :func:`audit_reported_values`: the one definition of "checked" the book uses.

    ``checked`` is every value some check applies to (all but "not checkable"); ``only_under`` the values
    consistent only under a rounding rule other than half-up or half-down.
    """
    v = table["verdict"]
    return {"rows": len(table), "checked": int((v != "not checkable").sum()),
            "consistent": int((v == "consistent").sum()), "only_under": int(v.str.startswith("consistent only").sum()),
            "inconsistent": int((v == "inconsistent").sum()), "implied_total": int((v == "implied total").sum()),
            "not_checkable": int((v == "not checkable").sum())}

_PERCENT_CHECK = "a count out of "


def _check_one(key: str, row: pd.Series, r: pd.DataFrame) -> tuple[str, str, str, int | None, int | None]:
    """Return (check, verdict, detail, implied total min, max) for one printed value."""
    rep, unit, den = str(row.reported), row.unit, row.denominator

    def val(k):
        return k if isinstance(k, int) or k is None else int(r.at[k, "value"])

    check, verdict, detail = "none applicable", "not checkable", ""
    totals_lo = totals_hi = None
    if unit == "percent" and pd.notna(den):
        res = percent_check(rep, int(den))
        check, verdict = f"{_PERCENT_CHECK}{int(den)}", _verdict(res.conventions)
        if res.consistent or res.conventions:
            counts = sorted({c for cs in res.counts_by_convention.values() for c in cs})
            detail = (f"count {counts[0]}" if len(counts) == 1 else "counts " + ", ".join(map(str, counts))) + f" of {int(den)}"
        else:
            near = res.nearby()
            detail = (f"no count out of {int(den)} fits; nearby denominators that fit: "
                      + (", ".join(map(str, near)) if near else f"none within {NEARBY}")
                      + (f"; smallest: {res.smallest_n}" if res.smallest_n else ""))
    elif key in _SHARE_COUNTS:
        k = int(r.at[_SHARE_COUNTS[key], "value"])
        res = percent_total_check(rep, k)
        totals = getattr(res, "totals", None) or getattr(res, "fitting_n", ())
        check = f"share: {k} of a total"
        verdict = "implied total" if totals else "inconsistent"
        detail = (f"total between {min(totals)} and {max(totals)}" if min(totals) != max(totals)
                  else f"total exactly {totals[0]}") if totals else "no total fits"
        totals_lo, totals_hi = (min(totals), max(totals)) if totals else (None, None)
    elif unit == "mean" and pd.notna(den):
        lo, hi = (val(x) for x in _SCALES.get(key, (0, None)))
        res = grim(rep, int(den), scale_min=lo, scale_max=hi)
        check, verdict = f"GRIM, n = {int(den)}", _verdict(res.conventions)
        sums = res.sums_by_convention.get("truncate", ())[:3]
        detail = (("sum " if len(sums) == 1 else "sums ") + ", ".join(map(str, sums)) + f" over {int(den)}, truncated"
                  if not res.consistent and res.conventions and sums else "")
    elif unit == "sd" and pd.notna(den):
        mean_key = key.replace("_sd", "_mean")
        lo, hi = (val(x) for x in _SCALES.get(mean_key, (0, None)))
        mean = str(r.at[mean_key, "reported"])
        res = grimmer(mean, rep, int(den), scale_min=lo, scale_max=hi)  # the sample SD, divisor n - 1
        check, verdict = f"GRIMMER (sample SD) with mean {mean}, n = {int(den)}", _verdict(res.conventions)
        usual = _population_sd_rules(res)
        detail = ("the population SD (divisor n) fits under " + " or ".join(CONVENTION_WORDS[c] for c in usual)) if usual and not res.consistent else ""
        inherited = _sd_given_mean_sum(mean, rep, int(den), lo, hi) if not res.consistent else None
        if inherited is not None:
            verdict = "consistent"
            detail = (f"fits under ordinary rounding given the sum {inherited} that the printed mean implies; "
                      "the mean's own verdict carries the rounding question, the SD adds no evidence to it")
    elif key in _SUMS:
        parts = [int(r.at[p, "value"]) for p in _SUMS[key]]
        check = "sum of its parts: " + "; ".join(words(k) for k in _SUMS[key])
        verdict = "consistent" if sum(parts) == int(row.value) else "inconsistent"
        detail = f"{' + '.join(map(str, parts))} = {sum(parts)}"
    elif unit == "kappa" and key.endswith("_overall"):
        verdict, check, detail = _pooling_verdict(key, r)
    elif unit == "kappa":
        check = "between −1 and 1"
        verdict = "consistent" if -1 <= row.value <= 1 else "inconsistent"
        detail = "a part of the overall kappa: see its row"
    return check, verdict, detail, totals_lo, totals_hi


def _sd_given_mean_sum(mean: str, sd: str, n: int, lo, hi) -> int | None:
    """The sum behind a mean that fits only under another rule, if the SD fits under ordinary rounding with it.

    A mean of 2.56 over 51 fits only as a truncated 131 / 51 = 2.5686; given that sum the SD is checked
    under ordinary rounding (GRIMMER with the mean re-printed half-up from the sum). If it fits, the SD is
    no separate evidence for the rule the mean needs.
    """
    from decimal import ROUND_HALF_UP, Decimal

    res = grim(mean, n, scale_min=lo, scale_max=hi)
    if set(res.conventions) & {"half_up", "half_down"}:
        return None
    places = Decimal(1).scaleb(-decimals_of(parse_reported(mean, "reported")))
    for total in sorted({t for ts in res.sums_by_convention.values() for t in ts}):
        printed = str((Decimal(total) / Decimal(n)).quantize(places, rounding=ROUND_HALF_UP))
        if grimmer(printed, sd, n, scale_min=lo, scale_max=hi).consistent:
            return total
    return None


def _population_sd_rules(res) -> tuple[str, ...]:
    """The usual rounding rules under which a GRIMMER result's SD fits as a population SD (divisor n)."""
    return tuple(c for c in ("half_up", "half_down") if "population" in res.definitions_by_convention[c])


def _pooling_verdict(key, r) -> tuple[str, str, str]:
    """Check an overall kappa against its checkpoint kappas as a pooled Fleiss' kappa.

    Pooled Fleiss' kappa is never below the smallest part (see
    ``reliability_study.fleiss_pooling_decomposition``), so a printed overall
    value below every printed part is attainable only if the rounding leaves
    room for it.
    """
    from ..stats.rater_models import pooling_consistency

    who = key.removeprefix("kappa_").removesuffix("_overall")
    part_keys = [f"checkpoint{i}_kappa_{who}" for i in (1, 2, 3)]
    parts = [str(r.at[k, "reported"]) for k in part_keys]
    pooled = str(r.at[key, "reported"])
    fits = tuple(rule for rule in ("half_up", "truncate") if pooling_consistency(parts, pooled, rule=rule)["consistent"])
    check = ("pooled Fleiss' kappa of " + ", ".join(parts) + " (never below the smallest part; "
             "Krippendorff's alpha can fall slightly below it)")
    detail = "attainable under " + " or ".join(CONVENTION_WORDS[f] for f in fits) if fits else "below the smallest part under every rounding rule"
    return _verdict(fits), check, detail


#: What the explanation of a verdict says, one short kind per row (the chapter groups and formats them).
EXPLANATION_KINDS = {
    "implied total": "the total behind the share is not stated; compare the totals the shares imply",
    "truncation": ("truncation instead of rounding (the rule that also fits other values the paper prints), or a slip "
                   "in the last digit (the ordinarily rounded value mistyped)"),
    "truncation or population SD": ("truncation instead of rounding, as for other values the paper prints; or, "
                                    "with ordinary rounding, the population SD (divisor n) instead of the sample SD"),
    "other rule": "a rounding rule other than the usual one, or a different denominator",
    "not pooled Fleiss' kappa": ("not Fleiss' kappa pooled over the checkpoint codings: another coefficient (a mean "
                                 "of pairwise or per-code kappas, or Krippendorff's alpha, which ATLAS.ti 8 and later "
                                 "offer and which can fall slightly below its smallest part), other coding units, or "
                                 "more interviews coded in common"),
    "typo": "typo: the count is consistent with the other numbers, the percentage is not",
    "round numbers": ("whole-number percentages rounded to a round number in prose (the one reading that explains "
                      "every therapist background figure at once: see sample_checks.denominator_hypotheses)"),
    "subsample": "a subsample: missing answers would give a denominator such as n (the largest n below the stated one that fits)",
    "subsample with truncation": "a subsample with truncation (n fits when truncated)",
    "subsample with another rule": "a subsample with a rounding rule the audit also accepts elsewhere (rounding up)",
    "subsample or another sample": ("a subsample, or figures from another count of therapists (n fits, and so does "
                                    "a larger n)"),
    "different denominator": "a different denominator",
    "another sample": ("the caseload figures describe neither sample the paper names (perhaps all recorded intakes "
                       "or another stage of the larger study)"),
    "unexplained": "unexplained",
}

#: Each kind of explanation as a table row names it (the kinds themselves are short keys).
EXPLANATION_LABELS = {
    "implied total": "A share printed without its total",
    "truncation": "Digits cut off instead of rounded, or a slip in the last digit",
    "truncation or population SD": "Digits cut off, or the population SD",
    "other rule": "Another rounding rule, or another denominator",
    "not pooled Fleiss' kappa": "A coefficient other than Fleiss' kappa of the pooled codings",
    "typo": "A typing slip in the percentage",
    "round numbers": "Percentages rounded to round numbers in prose",
    "subsample": "Fewer respondents (missing answers)",
    "subsample with truncation": "Fewer respondents, digits cut off",
    "subsample with another rule": "Fewer respondents, rounded up",
    "subsample or another sample": "Fewer respondents, or another sample",
    "different denominator": "Another denominator",
    "another sample": "Figures from another sample",
    "unexplained": "Unexplained",
}

#: The cause each kind of explanation points to; the chapter lists the causes in this order.
EXPLANATION_CAUSES = {
    "truncation": "a rounding rule", "truncation or population SD": "a rounding rule",
    "other rule": "a rounding rule",
    "round numbers": "a rounding rule", "subsample": "a different number of respondents",
    "subsample or another sample": "a different number of respondents",
    "subsample with truncation": "a different number of respondents",
    "subsample with another rule": "a different number of respondents",
    "different denominator": "a different number of respondents",
    "typo": "a typing slip",
    "not pooled Fleiss' kappa": "another agreement coefficient",
    "implied total": "a share printed without its total",
    "another sample": "a figure from another sample",
    "unexplained": "unexplained",
}


def _explain(key, rep, unit, den, verdict, detail, r) -> tuple[str, int | None, str]:
    """Return (kind, n, sentence): the most plausible explanation of a verdict other than 'consistent'.

    ``kind`` is a key of :data:`EXPLANATION_KINDS` ('' when nothing needs explaining) and ``n`` the
    denominator that would fit, where the explanation is a subsample.
    """
    if verdict in ("consistent", "not checkable"):
        return "", None, ""
    if verdict == "implied total":
        return _kind("implied total")
    if verdict.startswith("consistent only under " + CONVENTION_WORDS["truncate"]):
        if unit == "sd" and detail.startswith("the population SD"):
            return _kind("truncation or population SD")
        return _kind("truncation")
    if verdict.startswith("consistent only under"):
        return _kind("other rule")
    if unit == "kappa":
        return _kind("not pooled Fleiss' kappa")
    if key in _CASELOAD_KEYS:
        return _kind("another sample")
    if "_theme_" in key:
        return _kind("typo")
    if unit == "percent":
        return _percent_subsample(rep, int(den))
    if unit in ("mean", "sd"):
        return _mean_subsample(str(r.at[key.replace("_sd", "_mean"), "reported"]), int(den))
    return _kind("unexplained")


def _kind(kind: str) -> tuple[str, None, str]:
    return kind, None, EXPLANATION_KINDS[kind]


def _percent_subsample(rep: str, den: int) -> tuple[str, int | None, str]:
    """The largest denominator below ``den`` that fits, under the same rules as the verdicts.

    Ordinary rounding is tried first; then every other rule a verdict accepts ("consistent only under"),
    the one that fits the largest n named, so that a subsample explanation never uses a rule the audit
    would not accept for a verdict, nor leaves out one it does accept.
    """
    below = [n for n in percent_check(rep, den, n_range=(1, den)).fitting_n if n < den]
    if below:
        n = below[-1]
        return "subsample", n, (f"a subsample: missing answers would give a denominator such as {n} "
                                f"(the largest n below {den} that fits)")
    best = None
    for rule in ("half_even", "truncate", "up"):
        fits = [n for n in percent_check(rep, den, rounding=rule, n_range=(1, den)).fitting_n if n < den]
        if fits and (best is None or fits[-1] > best[1]):
            best = (rule, fits[-1])
    if best:
        rule, n = best
        kind = "subsample with truncation" if rule == "truncate" else "subsample with another rule"
        how = {"truncate": "when truncated", "up": "when rounded up", "half_even": "when rounded half to even"}[rule]
        return kind, n, f"a subsample with {CONVENTION_WORDS[rule]} (n = {n} fits {how})"
    return _kind("different denominator")


def _mean_subsample(mean: str, den: int) -> tuple[str, int | None, str]:
    for n in range(den - 1, 0, -1):
        res = grim(mean, n, scale_min=0)
        if res.conventions:
            how = "rounded" if {"half_up", "half_down"} & set(res.conventions) else "truncated"
            return "subsample", n, (f"a subsample: the mean fits n = {n} ({how}), e.g. therapists who reported "
                                    "their years of practice")
    return _kind("unexplained")
