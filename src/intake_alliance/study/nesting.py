"""Interviews nested in therapists: power with the design effect, and group comparisons within therapists.

The 55 dyads share 22 therapists, so neither the therapist interviews nor the
client interviews are independent of each other. Two analyses respect that:

* :func:`clustered_power` -- the difference the design detects once each group
  is shrunk by Kish's design effect, over a range of intraclass correlations
  anchored in the literature (``data/published/literature.csv``);
* :func:`nested_comparisons` -- on the reconstructed interview-level data, a
  Cochran-Mantel-Haenszel test stratified by therapist for every theme, over
  many therapist rosters that honour every published per-therapist count
  (:func:`admissible_rosters`), beside the test that ignores the nesting.

The paper does not say who saw whom, so no roster is known; the rosters are
reached by a seeded random walk from the reconstruction's assumed one, moving
or swapping dyads between therapists and keeping a move only when every
published constraint still holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats._checks import check_int, check_seed, make_rng
from ..stats.power import clustered_detectable_difference
from ..stats.tables import cmh_test, fisher_test

__all__ = ["icc_anchors", "mean_caseload", "clustered_power", "admissible_rosters", "nested_comparisons", "ICC_GRID"]

#: Intraclass correlations over which power is shown: none, the anchors' neighbourhood, and a pessimistic end.
ICC_GRID = (0.0, 0.05, 0.11, 0.2)

_GROUPS = ("Mizrahi", "Ashkenazi")


def icc_anchors() -> pd.DataFrame:
    """Return the literature's shares of alliance variance that lie between clinicians (rows of literature.csv)."""
    from .. import data

    lit = data.load("literature")
    rows = lit[lit.result_kind == "share_of_variance"]
    return rows[["finding_id", "study_key", "finding_label", "n_patients", "result_value"]].reset_index(drop=True)


def clustered_power(base_rates, iccs=ICC_GRID, power: float = 0.8, alpha: float = 0.05) -> pd.DataFrame:
    """Return the detectable difference between the two client groups for each ICC and base rate.

    Mean cluster size is dyads per therapist (55 / 22). See
    :func:`intake_alliance.stats.clustered_detectable_difference` for the columns and the caveat that
    Kish's design effect is the pessimistic end when therapists see clients of both groups.
    """
    from .concordance import group_sizes

    sizes = group_sizes()
    return clustered_detectable_difference(sizes["Mizrahi"], sizes["Ashkenazi"], mean_caseload(), iccs, base_rates,
                                           power, alpha)


def mean_caseload() -> float:
    """Return dyads per therapist: the published participants over the published therapists analysed."""
    from .. import data

    return int(data.reported_value("clients_participated")) / int(data.reported_value("therapists_ashkenazi_included"))


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


def _strata(therapist: np.ndarray, mizrahi: np.ndarray, theme: np.ndarray, k: int) -> list[tuple[int, int, int, int]]:
    """Per therapist: (Mizrahi with the theme, Mizrahi, Ashkenazi with it, Ashkenazi)."""
    counts = np.zeros((k, 4), dtype=np.int64)
    np.add.at(counts, therapist, np.column_stack([theme * mizrahi, mizrahi, theme * (1 - mizrahi), 1 - mizrahi]))
    return [tuple(int(v) for v in row) for row in counts]


def nested_comparisons(recon: pd.DataFrame, themes: list[str], rosters: pd.DataFrame) -> pd.DataFrame:
    """Return, per respondent and theme, Fisher's test ignoring therapists and CMH tests within therapists.

    Columns: ``respondent``, ``theme``, the counts, ``p_fisher`` (independent interviews), ``p_cmh_assumed``
    (the reconstruction's roster, ``roster`` 0), ``p_cmh_min``, ``p_cmh_median``, ``p_cmh_max`` and
    ``share_below_05`` over the distinct rosters in ``rosters`` (NaN p-values, where no therapist saw
    both groups with the theme varying, are left out), and ``rosters`` (how many distinct rosters).
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
            p = pd.Series([cmh_test(_strata(a, mizrahi, x, len(names))) for a in assign], index=wide.index)
            valid = p.dropna()
            mz_with, n_mz = int((x * mizrahi).sum()), int(mizrahi.sum())
            ash_with, n_ash = int((x * (1 - mizrahi)).sum()), int((1 - mizrahi).sum())
            rows.append({"respondent": respondent, "theme": theme, "mizrahi_with": mz_with, "n_mizrahi": n_mz,
                         "ashkenazi_with": ash_with, "n_ashkenazi": n_ash,
                         "p_fisher": fisher_test(mz_with, n_mz, ash_with, n_ash),
                         "p_cmh_assumed": p.get(0, np.nan),
                         "p_cmh_min": valid.min(), "p_cmh_median": valid.median(), "p_cmh_max": valid.max(),
                         "share_below_05": float((valid < 0.05).mean()) if len(valid) else np.nan,
                         "rosters": len(wide)})
    return pd.DataFrame(rows)
