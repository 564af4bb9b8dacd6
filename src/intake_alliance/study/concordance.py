"""Concordant versus discordant dyads: what the published report allows a test to say.

The paper compares 26 concordant dyads (Ashkenazi therapist, Ashkenazi client)
with 29 discordant ones (Ashkenazi therapist, Mizrahi client) in words only;
it prints no per-group theme counts.  :mod:`intake_alliance.study.reconstruct`
turns every published number and group statement into constraints on the
interview-level codings.  This module works on top of that model (it never
builds a second one):

* :func:`split_is_feasible` and :func:`feasible_splits` ask the integer
  program, for every integer split of a theme's total between the two groups
  inside the stored bounds, whether **some** admissible dataset has exactly that
  split.  The feasible set need not be an interval, so each value is checked.
* :func:`split_evidence` computes, for each feasible split, Fisher's exact test,
  a chi-square test where every expected count is at least 5, the risk
  difference with Newcombe's hybrid score interval and the odds ratio with a
  Woolf interval; :func:`evidence_intervals` reduces this to the range of
  p-values and effects that the published report allows, and
  :func:`holm_envelope` adds a multiplicity-adjusted view;
  :func:`claim_tests` repeats the range of p-values for the differences the
  paper actually claims under four exact tests, with Holm's floor over that
  family of claims.
* :func:`dyad_valence`, :func:`valence_congruence` and
  :func:`valence_agreement_bounds` quantify client-therapist congruence of tone
  within dyads and what the published numbers fix about it.

Everything computed from the reconstruction or its bounds is *reconstructed*,
not observed: the per-group counts are ranges of possibilities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from .. import data
from . import reconstruct as rc
from ..stats.checks import check_int
from ..stats.tables import chi2_test, fisher_test, holm, odds_ratio, risk_difference, two_by_two_tests

__all__ = ["GROUPS", "RESPONDENTS", "group_sizes", "split_is_feasible", "coded_mizrahi_range", "feasible_splits", "split_feasibility", "split_ranges", "split_evidence", "strict_anger_split", "evidence_intervals", "holm_envelope", "claimed_themes", "evidence_by_test", "claim_tests", "NEGATIVE_THEMES", "dyad_valence", "valence_congruence", "valence_agreement_bounds"]

GROUPS = ("Mizrahi", "Ashkenazi")

RESPONDENTS = ("client", "therapist_interview")




def _respondent(respondent: str) -> str:
    if respondent not in RESPONDENTS:
        raise ValueError(f"`respondent` must be one of {RESPONDENTS}; got {respondent!r}")
    return respondent


def group_sizes() -> dict[str, int]:
    """Return the number of dyads per client group, read from the published values."""
    r = data.reported()
    return {"Mizrahi": int(r.at["dyads_discordant", "value"]), "Ashkenazi": int(r.at["dyads_concordant", "value"])}


def split_is_feasible(built: rc.Built, respondent: str, theme: str, mizrahi: int,
                      coded_mizrahi: int | None = None, drop: frozenset[str] = frozenset(),
                      time_limit: float = 60.0, solver=None) -> bool:
    """Return whether some admissible dataset has exactly ``mizrahi`` Mizrahi interviews with ``theme``.

    Parameters
    ----------
    built
        A model from :func:`intake_alliance.study.reconstruct.build_model`.
    respondent
        ``"client"`` or ``"therapist_interview"``.
    mizrahi
        The Mizrahi count to test; the Ashkenazi count is the theme's total minus it.
    coded_mizrahi
        For clients only: also fix the number of coded Mizrahi client interviews
        (the four uncoded interviews may come from either group).
    drop
        Constraint sets to leave out: nothing, or :data:`intake_alliance.study.reconstruct.RELAXED`.
    solver
        A :class:`~intake_alliance.study.solving.CachedSolver` on ``built`` whose witnesses to reuse.

    Raises
    ------
    ValueError
        For an unknown respondent or theme, a negative count, ``coded_mizrahi`` with therapists, or
        another ``drop``.
    RuntimeError
        When the solver stops without deciding (time limit).
    """
    from .solving import CLIENT, ROSTER, CachedSolver, linear_question

    _respondent(respondent)
    if theme not in built.targets.themes:
        raise ValueError(f"theme: {theme!r} is not one of {built.targets.themes}")
    mizrahi = check_int(mizrahi, "mizrahi", 0)
    if coded_mizrahi is not None:
        if respondent != "client":
            raise ValueError("coded_mizrahi: only client interviews can be uncoded; pass None for therapists")
        coded_mizrahi = check_int(coded_mizrahi, "coded_mizrahi", 0)
    drop = frozenset(drop)
    if drop not in (frozenset(), rc.RELAXED):
        raise ValueError(f"drop: only nothing or {sorted(rc.RELAXED)} can be left out; got {sorted(drop)}")
    solver = CachedSolver(built) if solver is None else solver
    ro = built.roster
    var = built.x if respondent == "client" else built.y
    mz = [d for d in range(ro.n_dyads) if ro.group[d] == "Mizrahi"]
    count = {var[d, theme]: 1 for d in mz}
    if coded_mizrahi is None:
        q = linear_question(count, {CLIENT} if respondent == "client" else {ROSTER})
        return solver.feasible(q, mizrahi, relaxed=bool(drop), time_limit=time_limit)
    # the count and the coded interviews together, as one number (count * 1000 + coded) for the witnesses
    both = {**{j: 1000 for j in count}, **{built.coded[d]: 1 for d in mz}}
    q = linear_question(both, {CLIENT})

    def fix_coded(m: rc.Model) -> None:
        m.add("_split", {built.coded[d]: 1 for d in mz}, coded_mizrahi, coded_mizrahi)

    return solver.feasible(q, 1000 * mizrahi + coded_mizrahi, extra=fix_coded, relaxed=bool(drop),
                           time_limit=time_limit)


def coded_mizrahi_range(built: rc.Built, solver=None) -> tuple[int, int]:
    """Return the min and max number of coded Mizrahi client interviews over admissible datasets."""
    from .solving import CLIENT, CachedSolver, linear_question

    ro = built.roster
    obj = {built.coded[d]: 1 for d in range(ro.n_dyads) if ro.group[d] == "Mizrahi"}
    return (CachedSolver(built) if solver is None else solver).bounds(linear_question(obj, {CLIENT}))


def feasible_splits(built: rc.Built | None = None, bounds_table: pd.DataFrame | None = None,
                    themes: tuple[str, ...] | None = None, respondents: tuple[str, ...] = RESPONDENTS,
                    label: str = "default", solver=None) -> pd.DataFrame:
    """Check every integer split inside the stored outer bounds; return one row per candidate.

    Candidates are the Mizrahi counts between the outer minimum and maximum of
    ``bounds_table`` (default: ``group_count_bounds``; values outside the outer
    range are infeasible by construction).  For therapists each candidate is
    checked on the assumed roster (``feasible_roster``) and with the
    roster-bound constraints dropped (``feasible_outer``).  For clients, the
    number of coded Mizrahi interviews ``n_mizrahi`` is also enumerated; no
    constraint ties client codes to the roster, so the two columns agree.
    """
    from .solving import CachedSolver

    b = rc.build_model() if built is None else built
    solver = CachedSolver(b) if solver is None else solver
    if solver.full_witness() is None:  # a witness of the whole model already shows it is feasible
        first = b.model.solve()
        if first.status != 0:
            raise rc.InfeasibleConstraintsError("feasible_splits: the model itself is infeasible")
        solver.add_witness(first.x, frozenset())
    gb = data.load("group_count_bounds") if bounds_table is None else bounds_table
    sizes = group_sizes()
    n_client = b.targets.n_client_interviews
    themes = b.targets.themes if themes is None else themes
    for th in themes:
        if th not in b.targets.themes:
            raise ValueError(f"themes: {th!r} is not one of {b.targets.themes}")
    for resp in respondents:
        _respondent(resp)
    gb = gb.set_index(["respondent", "theme"])
    rows = []
    for resp in respondents:
        if resp == "client":
            lo_c, hi_c = coded_mizrahi_range(b, solver)
            denominators = [(n, n_client - n) for n in range(lo_c, hi_c + 1)]
        else:
            denominators = [(sizes["Mizrahi"], sizes["Ashkenazi"])]
        for th in themes:
            r = gb.loc[(resp, th)]
            total = int(r.total)
            for m in range(int(r.mizrahi_outer_min), int(r.mizrahi_outer_max) + 1):
                for n_m, n_a in denominators:
                    a = total - m
                    row = {"reading": label, "respondent": resp, "theme": th, "total": total,
                           "n_mizrahi": n_m, "n_ashkenazi": n_a, "mizrahi": m, "ashkenazi": a}
                    if m > n_m or a < 0 or a > n_a:
                        row["feasible_roster"] = row["feasible_outer"] = False
                    elif resp == "client":
                        ok = split_is_feasible(b, resp, th, m, coded_mizrahi=n_m, solver=solver)
                        row["feasible_roster"] = row["feasible_outer"] = ok
                    else:
                        row["feasible_outer"] = split_is_feasible(b, resp, th, m, drop=rc.RELAXED, solver=solver)
                        row["feasible_roster"] = row["feasible_outer"] and split_is_feasible(b, resp, th, m,
                                                                                             solver=solver)
                    rows.append(row)
    return pd.DataFrame(rows)


def _strict_anger_bounds(built: rc.Built) -> pd.DataFrame:
    """Outer bounds table for therapist anger under the Discussion's 'only Mizrahi' reading."""
    total = built.targets.therapist_interview_n["anger"]
    return pd.DataFrame([{"respondent": "therapist_interview", "theme": "anger", "total": total,
                          "mizrahi_outer_min": 0, "mizrahi_outer_max": total}])


def split_feasibility(solver=None, bounds_table: pd.DataFrame | None = None, progress=None) -> pd.DataFrame:
    """Return the table of ``data/derived/group_split_feasibility.csv`` (several minutes).

    Rows with ``reading = default`` use the paper's Results wording for therapist
    anger ('mostly Mizrahi'); rows with ``reading = strict_anger`` re-check the
    anger split in therapist interviews under the Discussion's 'only Mizrahi'
    wording, trying every split from 0 to the total. ``bounds_table`` is the group-count bounds table
    (``derive`` passes the one it has just computed; default: the committed one).
    """
    built = rc.build_model() if solver is None else solver.built
    built.model.on_solve = progress
    default = feasible_splits(built, bounds_table=bounds_table, label="default", solver=solver)
    strict_b = rc.build_model(rc.published_targets(strict_anger=True))
    strict_b.model.on_solve = progress
    strict = feasible_splits(strict_b, bounds_table=_strict_anger_bounds(strict_b), themes=("anger",),
                             respondents=("therapist_interview",), label="strict_anger")
    return pd.concat([default, strict], ignore_index=True)


def split_ranges(splits: pd.DataFrame, reading: str = "default") -> pd.DataFrame:
    """Return, per comparison, the Mizrahi counts the report allows, on any roster and on the assumed one.

    One row per (respondent, theme) of ``reading`` in the split-feasibility table, in its order:
    ``total``, ``outer_min``/``outer_max`` (feasible on some roster), ``roster_min``/``roster_max`` (on
    the assumed roster), ``checked`` (candidate splits tested) and ``gaps`` (infeasible counts between the
    outer limits; 0 when every count in the range is attainable).
    """
    rows = []
    for (resp, theme), g in splits[splits.reading == reading].groupby(["respondent", "theme"], sort=False):
        outer = g[g.feasible_outer.astype(bool)].mizrahi.drop_duplicates()
        roster = g[g.feasible_roster.astype(bool)].mizrahi.drop_duplicates()
        rows.append({"respondent": resp, "theme": theme, "total": int(g.total.iloc[0]),
                     "outer_min": int(outer.min()), "outer_max": int(outer.max()),
                     "roster_min": int(roster.min()), "roster_max": int(roster.max()),
                     "checked": len(g), "gaps": int(outer.max() - outer.min() + 1 - len(outer))})
    return pd.DataFrame(rows)


def split_evidence(splits: pd.DataFrame, feasible: str = "feasible_roster", confidence: float = 0.95) -> pd.DataFrame:
    """Return the tests and effect sizes for every feasible split (Mizrahi versus Ashkenazi).

    Effects are Mizrahi minus (or over) Ashkenazi: a positive risk difference
    means the theme came up in a larger share of discordant dyads.
    """
    if feasible not in ("feasible_roster", "feasible_outer"):
        raise ValueError(f"`feasible` must be 'feasible_roster' or 'feasible_outer'; got {feasible!r}")
    missing = {"respondent", "theme", "mizrahi", "n_mizrahi", "ashkenazi", "n_ashkenazi", feasible} - set(splits)
    if missing:
        raise ValueError(f"splits: missing columns {sorted(missing)}")
    ok = splits[splits[feasible].astype(bool)].copy()
    out = []
    for _, r in ok.iterrows():
        args = (int(r.mizrahi), int(r.n_mizrahi), int(r.ashkenazi), int(r.n_ashkenazi))
        rd, rd_lo, rd_hi = risk_difference(*args, confidence=confidence)
        o, o_lo, o_hi = odds_ratio(*args, confidence=confidence)
        out.append({"p_fisher": fisher_test(*args), "p_chi2": chi2_test(*args), "rd": rd, "rd_low": rd_lo,
                    "rd_high": rd_hi, "or": o, "or_low": o_lo, "or_high": o_hi})
    return pd.concat([ok.reset_index(drop=True), pd.DataFrame(out)], axis=1)


def strict_anger_split(splits: pd.DataFrame) -> tuple[int, int, int, int]:
    """Return the one therapist-anger split the strict 'only with Mizrahi clients' reading allows.

    ``splits`` is the ``group_split_feasibility`` table; the result is
    ``(mizrahi, n_mizrahi, ashkenazi, n_ashkenazi)``, ready for
    :func:`fisher_test`, :func:`risk_difference` and :func:`odds_ratio`.
    Raises ``ValueError`` unless exactly one split is feasible under that reading.
    """
    missing = {"reading", "feasible_outer", "mizrahi", "n_mizrahi", "ashkenazi", "n_ashkenazi"} - set(splits)
    if missing:
        raise ValueError(f"splits: missing columns {sorted(missing)}")
    strict = splits[(splits.reading == "strict_anger") & splits.feasible_outer.astype(bool)]
    if len(strict) != 1:
        raise ValueError(f"splits: expected exactly one feasible split under the strict anger reading, found {len(strict)}")
    r = strict.iloc[0]
    return int(r.mizrahi), int(r.n_mizrahi), int(r.ashkenazi), int(r.n_ashkenazi)


def evidence_intervals(evidence: pd.DataFrame) -> pd.DataFrame:
    """Reduce :func:`split_evidence` to one row per respondent and theme: the range each statistic can take.

    ``p_min``/``p_max`` are the smallest and largest Fisher p-values over the
    feasible splits (the strongest and the weakest evidence of a group
    difference), ``split_p_min``/``split_p_max`` the splits that give them
    (``Mizrahi/n : Ashkenazi/n``), ``rd_min``/``rd_max`` the range of the risk
    difference and ``rd_ci_low``/``rd_ci_high`` the widest interval over all
    splits; likewise for the odds ratio.
    """
    if evidence.empty:
        raise ValueError("evidence: no feasible splits")
    rows = []
    for (resp, th), g in evidence.groupby(["respondent", "theme"], sort=False):
        lo, hi = g.loc[g.p_fisher.idxmin()], g.loc[g.p_fisher.idxmax()]

        def split(r: pd.Series) -> str:
            return f"{int(r.mizrahi)}/{int(r.n_mizrahi)} : {int(r.ashkenazi)}/{int(r.n_ashkenazi)}"

        rows.append({"respondent": resp, "theme": th, "total": int(g.total.iloc[0]), "n_splits": len(g),
                     "mizrahi_min": int(g.mizrahi.min()), "mizrahi_max": int(g.mizrahi.max()),
                     "p_min": float(g.p_fisher.min()), "p_max": float(g.p_fisher.max()),
                     "split_p_min": split(lo), "split_p_max": split(hi),
                     "p_chi2_min": float(g.p_chi2.min()), "p_chi2_max": float(g.p_chi2.max()),
                     "rd_min": float(g.rd.min()), "rd_max": float(g.rd.max()),
                     "rd_ci_low": float(g.rd_low.min()), "rd_ci_high": float(g.rd_high.max()),
                     "or_min": float(g["or"].min()), "or_max": float(g["or"].max()),
                     "or_ci_low": float(g.or_low.min()), "or_ci_high": float(g.or_high.max())})
    return pd.DataFrame(rows)


def holm_envelope(intervals: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Add Holm-adjusted p-values at the most and least favourable configurations.

    Holm's adjusted p-values never decrease when any raw p-value increases, so
    adjusting the vector of smallest p-values gives a lower bound, and the
    vector of largest p-values an upper bound, for the adjusted p-value of
    every theme in any configuration that the published report allows, even
    though the per-theme extremes need not occur together.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"`alpha` must be a number strictly between 0 and 1; got {alpha!r}")
    missing = {"p_min", "p_max"} - set(intervals)
    if missing:
        raise ValueError(f"intervals: missing columns {sorted(missing)}")
    for col in ("p_min", "p_max"):
        values = pd.to_numeric(intervals[col], errors="coerce")
        if values.isna().any() or not values.between(0, 1).all():
            raise ValueError(f"intervals: column {col!r} must hold p-values between 0 and 1")
    out = intervals.copy()
    out["holm_min"] = holm(out.p_min)
    out["holm_max"] = holm(out.p_max)
    out["raw_significant"] = np.where(out.p_max < alpha, "always", np.where(out.p_min < alpha, "possibly", "never"))
    out["holm_significant"] = np.where(out.holm_max < alpha, "always",
                                       np.where(out.holm_min < alpha, "possibly", "never"))
    return out

def claimed_themes(statements: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """Return the (respondent, theme) pairs for which the paper states a direction of difference between groups.

    These are the encodable statements other than "both groups" in ``group_statements.csv`` (trust, openness
    and anger in therapist interviews): the family of the paper's actual claims.
    """
    st = data.load("group_statements") if statements is None else statements
    directional = st[st.encodable.astype(bool) & (st.kind != "both_groups")]
    return list(dict.fromkeys(zip(directional.respondent, directional.theme)))


def evidence_by_test(splits: pd.DataFrame, pairs=None, feasible: str = "feasible_outer") -> pd.DataFrame:
    """Return, per comparison and test, the smallest and largest p-value over the feasible splits.

    ``pairs`` is a list of (respondent, theme); by default every comparison of the default reading. Each
    feasible split is tested with :func:`~intake_alliance.stats.two_by_two_tests` (Fisher, its mid-p,
    Boschloo, Barnard). Columns: ``respondent``, ``theme``, ``test``, ``conditional``, ``p_min``, ``split``
    (the split that gives it) and ``p_max``.
    """
    default = splits[(splits.reading == "default") & splits[feasible].astype(bool)]
    if pairs is None:
        pairs = list(dict.fromkeys(zip(default.respondent, default.theme)))
    rows = []
    for respondent, theme in pairs:
        cand = default[(default.respondent == respondent) & (default.theme == theme)]
        per_split = []
        for r in cand.drop_duplicates(["mizrahi", "n_mizrahi", "ashkenazi", "n_ashkenazi"]).itertuples():
            args = (int(r.mizrahi), int(r.n_mizrahi), int(r.ashkenazi), int(r.n_ashkenazi))
            per_split.append(two_by_two_tests(*args).assign(split=f"{args[0]}/{args[1]} : {args[2]}/{args[3]}"))
        tests = pd.concat(per_split, ignore_index=True)
        for test, g in tests.groupby("test", sort=False):
            best = g.loc[g.p.idxmin()]
            rows.append({"respondent": respondent, "theme": theme, "test": test, "conditional": bool(best.conditional),
                         "p_min": float(best.p), "split": best.split, "p_max": float(g.p.max())})
    return pd.DataFrame(rows)


def claim_tests(splits: pd.DataFrame, feasible: str = "feasible_outer", alpha: float = 0.05,
                evidence: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return, per claimed difference and test, the p-value range the report allows and Holm's floors over the claims.

    The rows of :func:`evidence_by_test` for the pairs of :func:`claimed_themes`, with ``holm_min``, the
    Holm-adjusted p-value of the vector of smallest p-values within the family of claims (a floor for any
    configuration, as for :func:`holm_envelope`), and ``holm_others_weakest``, the adjusted p-value of each
    claim at its smallest p-value when the other claims sit at their largest (the floor is reached only when
    every other claim is at its most lopsided split). ``p_strict`` is the p-value of the one split the strict
    "only with Mizrahi clients" reading leaves for anger (NaN for the other claims). ``evidence`` may pass a
    table :func:`evidence_by_test` already computed for every comparison.
    """

    claims = claimed_themes()
    if evidence is None:
        out = evidence_by_test(splits, claims, feasible)
    else:
        keep = pd.Series([(r, t) in claims for r, t in zip(evidence.respondent, evidence.theme)], index=evidence.index)
        out = evidence[keep].reset_index(drop=True)
    strict = two_by_two_tests(*strict_anger_split(splits)).set_index("test").p
    out["p_strict"] = [float(strict[t]) if th == "anger" else np.nan for t, th in zip(out.test, out.theme)]
    out["holm_min"] = out.groupby("test").p_min.transform(lambda p: holm(p))
    weakest = []
    for row in out.itertuples():
        same = out[out.test == row.test]
        vec = np.where(same.index == row.Index, same.p_min, same.p_max)
        weakest.append(float(holm(vec)[list(same.index).index(row.Index)]))
    out["holm_others_weakest"] = weakest
    return out


NEGATIVE_THEMES = ("frustration", "anger", "disengagement")  # valence "negative" in published/themes.csv


def dyad_valence(interviews: pd.DataFrame) -> pd.DataFrame:
    """Return one row per dyad with a coded client interview: whether each side mentioned a negative theme.

    ``client_negative`` / ``therapist_negative`` are True when the interview
    has at least one of the negative themes; ``congruent`` when both sides agree.
    """
    need = {"dyad_id", "respondent", "client_group", *NEGATIVE_THEMES}
    missing = need - set(interviews)
    if missing:
        raise ValueError(f"interviews: missing columns {sorted(missing)}")
    neg = interviews[list(NEGATIVE_THEMES)].sum(axis=1) > 0
    wide = (interviews.assign(negative=neg).pivot_table(index=["dyad_id", "client_group"], columns="respondent",
                                                        values="negative", aggfunc="max"))
    if not {"client", "therapist"} <= set(wide.columns):
        raise ValueError("interviews: need both client and therapist rows")
    wide = wide.dropna(subset=["client", "therapist"]).reset_index()
    out = pd.DataFrame({"dyad_id": wide.dyad_id, "client_group": wide.client_group,
                        "client_negative": wide.client.astype(bool), "therapist_negative": wide.therapist.astype(bool)})
    out["congruent"] = out.client_negative == out.therapist_negative
    return out


def valence_congruence(interviews: pd.DataFrame) -> pd.DataFrame:
    """Return per group and overall: dyads, agreement, both-negative count and Cohen's kappa on the negative flag."""
    from ..stats.agreement import cohen_kappa

    dv = dyad_valence(interviews)
    rows = []
    for label, sub in [("all dyads", dv)] + [(f"{g} clients", dv[dv.client_group == g]) for g in GROUPS]:
        pairs = pd.DataFrame({"client": sub.client_negative.map({True: "negative", False: "no negative"}),
                              "therapist": sub.therapist_negative.map({True: "negative", False: "no negative"})})
        k = cohen_kappa(pairs, categories=["negative", "no negative"]).iloc[0]
        rows.append({"dyads": label, "n": len(sub), "agree": int(sub.congruent.sum()),
                     "agreement": float(sub.congruent.mean()),
                     "both_negative": int((sub.client_negative & sub.therapist_negative).sum()),
                     "kappa": float(k.estimate), "kappa_low": float(k.ci_low), "kappa_high": float(k.ci_high)})
    return pd.DataFrame(rows)


def _tone_variables(m: rc.Model, b: rc.Built) -> dict[str, dict[int, int]]:
    """Add the dyad-level tone indicators to ``m`` (inside a scratch block); return them by statistic."""
    inf = np.inf
    nc, nt, ntc, both, dis = {}, {}, {}, {}, {}
    for d in range(b.roster.n_dyads):
        nc[d], nt[d] = m.var(f"_nc[{d}]"), m.var(f"_nt[{d}]")
        ntc[d], both[d], dis[d] = m.var(f"_ntc[{d}]"), m.var(f"_both[{d}]"), m.var(f"_dis[{d}]")
        for th in NEGATIVE_THEMES:  # nc = OR of the client's negative themes (0 if uncoded)
            m.add("_tone", {nc[d]: 1, b.x[d, th]: -1}, 0, inf)
            m.add("_tone", {nt[d]: 1, b.y[d, th]: -1}, 0, inf)
        m.add("_tone", {nc[d]: 1, **{b.x[d, th]: -1 for th in NEGATIVE_THEMES}}, -inf, 0)
        m.add("_tone", {nt[d]: 1, **{b.y[d, th]: -1 for th in NEGATIVE_THEMES}}, -inf, 0)
        m.add_and("_tone", ntc[d], nt[d], b.coded[d])  # the therapist side counts only for coded dyads
        m.add_and("_tone", both[d], nc[d], ntc[d])
        m.add("_tone", {dis[d]: 1, nc[d]: -1, ntc[d]: -1, both[d]: 2}, 0, 0)  # dis = XOR = nc + ntc - 2 both
    return {"client_negative": nc, "therapist_negative": ntc, "both_negative": both, "disagree": dis}


def _tone_values(b: rc.Built, statistic: str, mat: np.ndarray) -> np.ndarray:
    """The tone statistic of every row of a witness matrix (base variables only)."""
    dyads = range(b.roster.n_dyads)
    nc = np.stack([mat[:, [b.x[d, th] for th in NEGATIVE_THEMES]].max(axis=1) for d in dyads], axis=1)
    nt = np.stack([mat[:, [b.y[d, th] for th in NEGATIVE_THEMES]].max(axis=1) for d in dyads], axis=1)
    ntc = nt * mat[:, [b.coded[d] for d in dyads]]
    both = nc * ntc
    return {"client_negative": nc, "therapist_negative": ntc, "both_negative": both,
            "disagree": nc + ntc - 2 * both}[statistic].sum(axis=1)


def valence_agreement_bounds(built: rc.Built | None = None, solver=None) -> pd.DataFrame:
    """Return min and max, over admissible datasets, of dyad-level tone counts among coded dyads.

    Statistics: ``client_negative`` (coded client interviews with a negative
    theme), ``therapist_negative`` (their therapists' interviews with one),
    ``both_negative`` and ``disagree`` (exactly one side negative).  Ranges on
    the assumed roster (``roster_*``) and with the roster-bound constraints
    dropped (``outer_*``).
    """
    from .solving import CLIENT, ROSTER, CachedSolver, Question

    b = rc.build_model() if built is None else built
    solver = CachedSolver(b) if solver is None else solver
    rows = []
    for name in ("client_negative", "therapist_negative", "both_negative", "disagree"):
        q = Question(lambda mat, name=name: _tone_values(b, name, mat),
                     lambda m, name=name: {j: 1 for j in _tone_variables(m, b)[name].values()},
                     frozenset({CLIENT, ROSTER}))
        row = {"statistic": name}
        for label, relaxed in (("roster", False), ("outer", True)):
            row[f"{label}_min"], row[f"{label}_max"] = solver.bounds(q, relaxed)
        rows.append(row)
    out = pd.DataFrame(rows)
    out.insert(1, "n_dyads", b.targets.n_client_interviews)
    return out
