"""Interviews nested in therapists: power with the design effect, and group comparisons within therapists.

The 55 dyads share 22 therapists, so neither the therapist interviews nor the
client interviews are independent of each other. Two analyses respect that:

* :func:`clustered_power` -- the variance ratio of the comparison between the
  client groups when therapists saw clients of both (it depends on who saw
  whom and can be below 1), and the difference the design then detects, over
  a range of intraclass correlations anchored in the literature
  (``data/published/literature.csv``), beside Kish's factor for the most
  unequal caseloads the paper allows;
* :func:`nested_comparisons` -- on the reconstructed interview-level data, an
  exact test stratified by therapist for every theme (the asymptotic CMH test
  beside it as a comparison), over many therapist rosters that honour every
  published per-therapist count (:func:`admissible_rosters`), beside the test
  that ignores the nesting.

The paper does not say who saw whom, so no roster is known; the rosters are
reached by a seeded random walk from the reconstruction's assumed one, moving
or swapping dyads between therapists and keeping a move only when every
published constraint still holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats.checks import check_int, check_seed, make_rng
from ..stats.power import clustered_detectable_difference
from ..stats.tables import cmh_test, exact_stratified_test, fisher_test

__all__ = ["icc_anchors", "mean_caseload", "most_unequal_caseloads", "most_unequal_split", "kish_sizes", "roster_group_counts", "clustered_power",
           "admissible_rosters", "study_rosters", "nested_comparisons", "ICC_GRID"]

#: Intraclass correlations over which power is shown: none, the anchors' neighbourhood, and two pessimistic
#: values (a therapist's own accounts of several clients may resemble each other more than clients' ratings do).
ICC_GRID = (0.0, 0.05, 0.11, 0.2, 0.3)

_GROUPS = ("Mizrahi", "Ashkenazi")


def icc_anchors() -> pd.DataFrame:
    """Return the literature's shares of alliance variance that lie between clinicians (rows of literature.csv)."""
    from .. import data

    lit = data.load("literature")
    rows = lit[lit.result_kind == "share_of_variance"]
    return rows[["finding_id", "study_key", "finding_label", "n_patients", "result_value"]].reset_index(drop=True)


def mean_caseload() -> float:
    """Return dyads per therapist: the published participants over the published therapists analysed."""
    from .. import data

    return int(data.reported_value("clients_participated")) / int(data.reported_value("therapists_ashkenazi_included"))


def most_unequal_caseloads(reported=None) -> list[int]:
    """Return the caseloads the paper allows that are most unequal: the most therapists at the printed maximum.

    The dyads analysed are spread over the therapists analysed, each with 1 to the printed maximum; the sum of
    squared caseloads, and with it Kish's design effect, is largest when as many therapists as possible carry
    the maximum and the rest one each.
    """
    from .. import data

    r = data.reported() if reported is None else reported
    n, k = int(r.at["clients_participated", "value"]), int(r.at["therapists_ashkenazi_included", "value"])
    top = int(r.at["therapist_max_interviews", "value"])
    if not k <= n <= k * top:
        raise ValueError(f"reported values: {n} dyads do not fit {k} therapists with 1 to {top} each")
    return _unequal(n, k, top)


def most_unequal_split(reported=None) -> tuple[list[int], list[int]]:
    """Return the caseloads (Mizrahi, Ashkenazi) that make the group contrast most variable when each therapist
    saw clients of one group only: the split of the therapists between the groups, and within each group the
    most unequal caseloads the paper allows, that maximise :func:`~intake_alliance.stats.contrast_design_effect`."""
    from .. import data
    from ..stats.power import contrast_design_effect
    from .concordance import group_sizes

    r = data.reported() if reported is None else reported
    k, top = int(r.at["therapists_ashkenazi_included", "value"]), int(r.at["therapist_max_interviews", "value"])
    sizes = group_sizes()
    n1, n2 = sizes["Mizrahi"], sizes["Ashkenazi"]
    best, best_s = None, -1.0
    for k1 in range(1, k):
        k2 = k - k1
        if not (k1 <= n1 <= top * k1 and k2 <= n2 <= top * k2):
            continue
        g1, g2 = _unequal(n1, k1, top), _unequal(n2, k2, top)
        s = contrast_design_effect(g1 + [0] * k2, [0] * k1 + g2, 0.5)  # monotone in S, any ICC > 0 ranks alike
        if s > best_s:
            best, best_s = (g1, g2), s
    return best


def _unequal(n: int, k: int, top: int) -> list[int]:
    """n units over k clusters of 1..top, as many as possible at top."""
    extra, loads = n - k, []
    for _ in range(k):
        add = min(top - 1, extra)
        loads.append(1 + add)
        extra -= add
    return loads


def kish_sizes(recon: pd.DataFrame | None = None) -> dict[str, float]:
    """Return the cluster size for Kish's factor three ways: ``mean`` (dyads per therapist, the understatement
    the factor should not use), ``assumed`` (``sum(m^2) / sum(m)`` of the reconstruction's roster) and ``worst``
    (the same for :func:`most_unequal_caseloads`)."""
    from .. import data
    from ..stats.power import kish_cluster_size

    recon = data.load("reconstructed_interviews") if recon is None else recon
    loads = recon[recon.respondent == "therapist"].groupby("therapist_id").size().to_numpy()
    return {"mean": mean_caseload(), "assumed": kish_cluster_size(loads),
            "worst": kish_cluster_size(most_unequal_caseloads())}


def roster_group_counts(recon: pd.DataFrame, rosters: pd.DataFrame) -> pd.DataFrame:
    """Return, per roster and therapist, the dyads with a Mizrahi (``a``) and an Ashkenazi (``b``) client."""
    dyads = recon[recon.respondent == "therapist"][["dyad_id", "client_group"]]
    merged = rosters.merge(dyads, on="dyad_id", how="left", validate="many_to_one")
    if merged.client_group.isna().any():
        raise ValueError("`rosters`: a dyad is not among the reconstruction's therapist interviews")
    merged["a"] = (merged.client_group == _GROUPS[0]).astype(int)
    merged["b"] = (merged.client_group == _GROUPS[1]).astype(int)
    return merged.groupby(["roster", "therapist_id"], as_index=False)[["a", "b"]].sum()


def clustered_power(recon: pd.DataFrame, rosters: pd.DataFrame, base_rates=(0.1, 0.3), iccs=ICC_GRID,
                    power: float = 0.8, alpha: float = 0.05) -> pd.DataFrame:
    """Return, per ICC, the variance ratio of the group contrast and the difference it lets the design detect.

    Clients of both groups share therapists, so the ratio is :func:`~intake_alliance.stats.contrast_design_effect`
    of each roster (who saw whom), not Kish's factor: ``ratio_assumed`` on the reconstruction's roster
    (``roster`` 0), ``ratio_min`` and ``ratio_max`` over the distinct rosters in ``rosters`` (a sample: not
    bounds). For comparison, Kish's factor with ``sum(m^2) / sum(m)`` of the assumed roster's caseloads
    (``kish_assumed``), and ``kish_worst``, the ratio if each therapist had seen clients of one group only with
    the most unequal caseloads the paper allows (:func:`most_unequal_split`). The ratios are those of a linear
    random-intercept model; they give the precision of an analysis that uses the within-therapist contrast
    with the therapist as a random effect, not that of Fisher's test or of the exact stratified test. For each base rate ``b`` (in percent) the detectable difference
    in points at 80 % power (normal approximation): ``det_b_independent``, ``det_b_assumed``, ``det_b_best``
    (smallest ratio), ``det_b_worst`` (largest ratio) and ``det_b_kish_worst``.
    """
    from ..stats.power import contrast_design_effect, design_effect, detectable_difference

    counts = roster_group_counts(recon, rosters)
    per_roster = {r: (g.a.to_numpy(), g.b.to_numpy()) for r, g in counts.groupby("roster")}
    distinct = {tuple(sorted(zip(*ab))): r for r, ab in per_roster.items()}.values()
    n1, n2 = (int(v.sum()) for v in per_roster[0])
    sizes = kish_sizes(recon)
    k_assumed, k_worst = sizes["assumed"], sizes["worst"]
    g1, g2 = most_unequal_split()
    one_group = ([*g1] + [0] * len(g2), [0] * len(g1) + [*g2])
    both_by_roster = [int(((a > 0) & (b > 0)).sum()) for a, b in (per_roster[r] for r in distinct)]
    both = int(((per_roster[0][0] > 0) & (per_roster[0][1] > 0)).sum())
    rates = [float(b) for b in base_rates]
    plain = detectable_difference(n1, n2, rates, power=power, alpha=alpha).set_index("base_rate").difference
    rows = []
    for icc in iccs:
        ratios = np.array([contrast_design_effect(*per_roster[r], icc) for r in distinct])
        row = {"icc": float(icc), "ratio_assumed": contrast_design_effect(*per_roster[0], icc),
               "ratio_min": float(ratios.min()), "ratio_max": float(ratios.max()),
               "kish_assumed": design_effect(k_assumed, icc),
               "kish_worst": contrast_design_effect(np.array(one_group[0]), np.array(one_group[1]), icc)}
        for name, ratio in (("assumed", row["ratio_assumed"]), ("best", row["ratio_min"]),
                            ("worst", row["ratio_max"]), ("kish_worst", row["kish_worst"])):
            det = clustered_detectable_difference(n1, n2, {float(icc): ratio}, rates, power, alpha)
            for b, d in zip(det.base_rate, det.difference):
                row[f"det_{round(100 * b)}_{name}"] = 100 * d
        for b in rates:
            row[f"det_{round(100 * b)}_independent"] = 100 * plain[b]
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update(n_rosters=len(distinct), kish_size_assumed=k_assumed, kish_size_worst=k_worst,
                     therapists_with_both=both, therapists=len(per_roster[0][0]),
                     therapists_with_both_median=float(np.median(both_by_roster)),
                     therapists_with_both_min=min(both_by_roster), therapists_with_both_max=max(both_by_roster),
                     one_group_caseloads=(g1, g2))
    return out


def _roster_arrays(recon: pd.DataFrame, themes: list[str]):
    """Dyads in a fixed order, their therapist index, and the therapist-interview theme matrix."""
    th = recon[recon.respondent == "therapist"].sort_values("dyad_id")
    therapists = sorted(th.therapist_id.unique())
    index = {t: i for i, t in enumerate(therapists)}
    state = th.therapist_id.map(index).to_numpy()
    return th.dyad_id.to_numpy(), therapists, state, th[themes].to_numpy(dtype=np.int64)


def _per_therapist(state: np.ndarray, x: np.ndarray, n_therapists: int) -> np.ndarray:
    counts = np.zeros((n_therapists, x.shape[1]), dtype=np.int64)
    np.add.at(counts, state, x)
    return (counts > 0).sum(axis=0)


def admissible_rosters(recon: pd.DataFrame, themes: list[str], n_rosters: int = 200, seed: int = 2021,
                       burn_in: int = 500, thin: int = 50, max_caseload: int = 5) -> pd.DataFrame:
    """Return ``n_rosters`` rosters (dyad -> therapist) that keep every published per-therapist constraint.

    Each step proposes to swap the therapists of two dyads or to move one dyad to another therapist
    (caseloads stay between 1 and ``max_caseload``), and keeps the proposal only if the number of
    therapists with each theme in ``themes`` is unchanged. After ``burn_in`` proposals a roster is
    taken every ``thin`` proposals. Returns a long table: ``roster`` (0 is the assumed roster),
    ``dyad_id``, ``therapist_id``.
    """
    n_rosters = check_int(n_rosters, "n_rosters", 1)
    burn_in, thin = check_int(burn_in, "burn_in", 0), check_int(thin, "thin", 1)
    rng = make_rng(check_seed(seed))
    dyads, therapists, state, x = _roster_arrays(recon, themes)
    k = len(therapists)
    target = _per_therapist(state, x, k)
    loads = np.bincount(state, minlength=k)
    if loads.min() < 1 or loads.max() > max_caseload:
        raise ValueError(f"`recon`: the assumed roster has caseloads {loads.min()}..{loads.max()}, "
                         f"outside 1..{max_caseload}")
    state = state.copy()
    taken = [state.copy()]
    for step in range(1, burn_in + thin * n_rosters + 1):
        proposal = state.copy()
        if rng.random() < 0.5:
            i, j = rng.choice(len(state), size=2, replace=False)
            proposal[i], proposal[j] = state[j], state[i]
        else:
            i, t = int(rng.integers(len(state))), int(rng.integers(k))
            if loads[state[i]] <= 1 or loads[t] >= max_caseload or t == state[i]:
                proposal = None
            else:
                proposal[i] = t
        if proposal is not None and np.array_equal(_per_therapist(proposal, x, k), target):
            state = proposal
            loads = np.bincount(state, minlength=k)
        if step > burn_in and (step - burn_in) % thin == 0:
            taken.append(state.copy())
    names = np.array(therapists)
    return pd.DataFrame([{"roster": r, "dyad_id": d, "therapist_id": names[s]}
                         for r, st in enumerate(taken) for d, s in zip(dyads, st)])


def study_rosters(recon: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the book's sample of admissible rosters: :func:`admissible_rosters` of the reconstruction over every
    theme, with the default seed and walk (the one sample every page uses)."""
    from .. import data

    recon = data.load("reconstructed_interviews") if recon is None else recon
    return admissible_rosters(recon, list(data.load("themes").sort_values("order").key))


def _strata(therapist: np.ndarray, mizrahi: np.ndarray, theme: np.ndarray, k: int) -> list[tuple[int, int, int, int]]:
    """Per therapist: (Mizrahi with the theme, Mizrahi, Ashkenazi with it, Ashkenazi)."""
    counts = np.zeros((k, 4), dtype=np.int64)
    np.add.at(counts, therapist, np.column_stack([theme * mizrahi, mizrahi, theme * (1 - mizrahi), 1 - mizrahi]))
    return [tuple(int(v) for v in row) for row in counts]


def nested_comparisons(recon: pd.DataFrame, themes: list[str], rosters: pd.DataFrame) -> pd.DataFrame:
    """Return, per respondent and theme, Fisher's test ignoring therapists and exact tests within therapists.

    Within therapists the test is :func:`~intake_alliance.stats.exact_stratified_test` (conditional on every
    therapist's margins; strata of one to five dyads are far too sparse for the chi-square approximation).
    Columns: ``respondent``, ``theme``, the counts, ``p_fisher`` (independent interviews); on the
    reconstruction's roster (``roster`` 0) ``p_exact_assumed``, ``midp_exact_assumed`` and
    ``mantel_fleiss_assumed`` (the criterion the asymptotic test needs at 5 or more); over the distinct rosters
    in ``rosters`` ``p_exact_min``, ``p_exact_median``, ``p_exact_max``, ``share_below_05`` and
    ``share_midp_below_05``; as a labelled comparison, the asymptotic CMH test with the continuity correction
    clipped at zero (``p_cmh_assumed``, ``p_cmh_min``, ``share_cmh_below_05``; rosters where no therapist saw
    both groups with the theme varying are left out of it); and ``rosters`` (how many distinct rosters).
    """
    wide = rosters.pivot(index="roster", columns="dyad_id", values="therapist_id")
    wide = wide[~wide.apply(tuple, axis=1).duplicated()]
    names = sorted(set(rosters.therapist_id))
    code = {t: i for i, t in enumerate(names)}
    rows = []
    for respondent in ("client", "therapist"):
        base = recon[recon.respondent == respondent]
        if base.empty:
            continue
        assign = wide[base.dyad_id].map(code.get).to_numpy(dtype=np.int64)  # rosters x interviews
        mizrahi = (base.client_group == _GROUPS[0]).to_numpy(dtype=np.int64)
        for theme in themes:
            x = base[theme].to_numpy(dtype=np.int64)
            strata = [_strata(a, mizrahi, x, len(names)) for a in assign]
            exact = [exact_stratified_test(s) for s in strata]
            p = pd.Series([e.pvalue for e in exact], index=wide.index)
            mid = pd.Series([e.mid_pvalue for e in exact], index=wide.index)
            cmh = pd.Series([cmh_test(s) for s in strata], index=wide.index).dropna()
            first = exact[list(wide.index).index(0)] if 0 in wide.index else None
            mz_with, n_mz = int((x * mizrahi).sum()), int(mizrahi.sum())
            ash_with, n_ash = int((x * (1 - mizrahi)).sum()), int((1 - mizrahi).sum())
            rows.append({"respondent": respondent, "theme": theme, "mizrahi_with": mz_with, "n_mizrahi": n_mz,
                         "ashkenazi_with": ash_with, "n_ashkenazi": n_ash,
                         "p_fisher": fisher_test(mz_with, n_mz, ash_with, n_ash),
                         "p_exact_assumed": first.pvalue if first else np.nan,
                         "midp_exact_assumed": first.mid_pvalue if first else np.nan,
                         "mantel_fleiss_assumed": first.mantel_fleiss if first else np.nan,
                         "p_exact_min": p.min(), "p_exact_median": p.median(), "p_exact_max": p.max(),
                         "share_below_05": float((p < 0.05).mean()),
                         "share_midp_below_05": float((mid < 0.05).mean()),
                         "p_cmh_assumed": cmh.get(0, np.nan), "p_cmh_min": cmh.min() if len(cmh) else np.nan,
                         "share_cmh_below_05": float((cmh < 0.05).mean()) if len(cmh) else np.nan,
                         "rosters": len(wide)})
    return pd.DataFrame(rows)
