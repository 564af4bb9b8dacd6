"""An interview-level dataset consistent with every published aggregate, and its bounds.

The study's codings are not public.  This module states every published
number and every group statement that bears on them as linear constraints on
0/1 theme indicators, one per interview and theme, and solves the resulting
integer program with :func:`scipy.optimize.milp` (HiGHS).  Two uses:

* :func:`reconstruct` returns **one** admissible dataset, deterministically.
  It is a reconstruction, not the study's data: many datasets satisfy the
  same constraints.
* :func:`bounds` minimises and maximises a statistic (a per-group count, a
  co-occurrence, ...) over **all** admissible datasets, which shows what the
  published numbers fix and what they leave open.

What is assumed beyond the paper
--------------------------------
The paper does not say which therapist saw which client, so a roster is fixed
(:func:`default_roster`): 22 therapists with caseloads between 1 and 5 that
sum to 55, clients of both groups spread across therapists.  It does not say
which four client interviews are missing from the 51 coded ones; the model
leaves that open.  Means and SDs of themes per interview are checked under an
explicit rounding convention (:func:`sd_attainability` shows which conventions
can produce the printed values at all).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from math import ceil, floor

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from .. import data
from ..stats.rounding import CONVENTION_WORDS, RoundingInterval, rounding_interval
from .vocabulary import words

__all__ = [
    "InfeasibleConstraintsError",
    "Roster",
    "Targets",
    "default_roster",
    "published_targets",
    "respondent_variables",
    "sd_attainability",
    "Model",
    "build_model",
    "reconstruct",
    "RELAXED",
    "check_reconstruction",
    "READINGS",
]



class InfeasibleConstraintsError(ValueError):
    """No dataset satisfies the constraints; the message names the constraint sets in conflict."""


# --- inputs --------------------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    """Who saw whom: the therapist and client group of each of the dyads."""

    therapist: tuple[int, ...]  # therapist index of each dyad
    group: tuple[str, ...]  # "Mizrahi" or "Ashkenazi" for each dyad

    @property
    def n_dyads(self) -> int:
        return len(self.group)

    @property
    def n_therapists(self) -> int:
        return max(self.therapist) + 1


def default_roster(n_therapists: int = 22, n_mizrahi: int = 29, n_ashkenazi: int = 26,
                   max_caseload: int = 5) -> Roster:
    """Return the fixed roster the reconstruction assumes.

    Caseloads run from ``max_caseload`` down to 1 so that the range the paper
    allows (1 to 5 clients per therapist) is used, and clients of the two groups
    alternate across therapists so that most therapists see both groups.
    """
    for name, value, low in (("n_therapists", n_therapists, 1), ("n_mizrahi", n_mizrahi, 0),
                             ("n_ashkenazi", n_ashkenazi, 0), ("max_caseload", max_caseload, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"`{name}` must be an integer >= {low}; got {value!r}")
    n = n_mizrahi + n_ashkenazi
    if n_therapists < 1 or n < n_therapists:
        raise ValueError(f"n_therapists: need 1 <= n_therapists <= dyads ({n}), got {n_therapists}")
    if n > n_therapists * max_caseload:
        raise ValueError(f"max_caseload: {n_therapists} therapists x {max_caseload} cannot cover {n} dyads")
    # One client each, two therapists at the maximum, the rest handed out one
    # at a time in turn, so caseloads use the whole range the paper allows.
    loads = [1] * n_therapists
    for i in range(min(2, n_therapists)):
        loads[i] = min(max_caseload, 1 + (n - n_therapists) // 2)
    extra = n - sum(loads)
    i = 2 % n_therapists
    while extra > 0:
        if loads[i] < max_caseload:
            loads[i] += 1
            extra -= 1
        i = (i + 1) % n_therapists
    loads.sort(reverse=True)
    therapist = tuple(t for t, load in enumerate(loads) for _ in range(load))
    # alternate the two groups along the list of dyads, Mizrahi first, until one runs out
    groups, m, a = [], n_mizrahi, n_ashkenazi
    for k in range(n):
        if (k % 2 == 0 and m) or not a:
            groups.append("Mizrahi")
            m -= 1
        else:
            groups.append("Ashkenazi")
            a -= 1
    return Roster(therapist=therapist, group=tuple(groups))


@dataclass(frozen=True)
class Targets:
    """The published aggregates the reconstruction must reproduce."""

    themes: tuple[str, ...]
    client_n: dict[str, int]
    therapist_n: dict[str, int]
    therapist_interview_n: dict[str, int]
    n_client_interviews: int
    client_sd: str
    therapist_sd: str
    client_mean: str
    therapist_mean: str
    statements: pd.DataFrame = field(repr=False, compare=False, hash=False)


def published_targets(strict_anger: bool = False) -> Targets:
    """Return the targets read from ``data/published``.

    Parameters
    ----------
    strict_anger
        Use the Discussion's stricter reading that therapists described anger
        and hostility only with Mizrahi clients (statement S16) instead of the
        Results' "mostly" (S15).
    """
    r = data.reported()
    themes = tuple(data.load("themes").sort_values("order")["key"])
    st = data.load("group_statements")
    st = st[st.encodable & (st["default"] | (st.statement_id == "S16"))].copy()
    if strict_anger:
        st = st[st.statement_id != "S15"]
    else:
        st = st[st.statement_id != "S16"]
    freq = data.load("theme_frequencies")
    n_client = int(freq.loc[freq.unit == "client_interviews", "denominator"].iloc[0])

    def counts(prefix: str) -> dict[str, int]:
        return {t: int(r.at[f"{prefix}_theme_{t}_n", "value"]) for t in themes}

    return Targets(
        themes=themes, client_n=counts("client"), therapist_n=counts("therapist"),
        therapist_interview_n=counts("therapist_interview"), n_client_interviews=n_client,
        client_sd=r.at["client_themes_sd", "reported"], therapist_sd=r.at["therapist_themes_sd", "reported"],
        client_mean=r.at["client_themes_mean", "reported"], therapist_mean=r.at["therapist_themes_mean", "reported"],
        statements=st.reset_index(drop=True),
    )


#: A printed mean or SD as the paper prints them: digits, optionally a decimal point and more digits.
_PRINTED_DECIMAL = re.compile(r"\d+(\.\d+)?")


#: The two readings of a printed mean or SD that the reconstruction considers, named as in stats.rounding.
READINGS = ("up_or_down", "truncate")


def _interval(reported: str, convention: str) -> RoundingInterval:
    """Return the exact interval of true values that print as ``reported`` (see :mod:`intake_alliance.stats.rounding`)."""
    if not isinstance(reported, str) or not _PRINTED_DECIMAL.fullmatch(reported.strip()):
        raise ValueError(f"reported value {reported!r} is not a printed non-negative decimal such as '1.30'")
    if convention not in READINGS:
        raise ValueError(f"`convention` must be one of {READINGS}; got {convention!r}")
    return rounding_interval(reported.strip(), convention)


def _sum_of_squares_range(total: int, n: int, sd: str, convention: str, ddof: int) -> list[int]:
    """Integer sums of squares Q whose SD prints as ``sd`` (Q has the parity of ``total`` for 0/1 data)."""
    iv = _interval(sd, convention)
    base = Fraction(total * total, n)
    q_lo = base + (n - ddof) * max(iv.lower, Fraction(0)) ** 2
    q_hi = base + (n - ddof) * iv.upper ** 2
    qs = [q for q in range(max(floor(q_lo), ceil(base)), ceil(q_hi) + 1)
          if iv.contains_square_root((q - base) / (n - ddof))]
    return [q for q in qs if q % 2 == total % 2]  # k^2 = k (mod 2), so Q = sum k^2 = total (mod 2)

def sd_attainability(targets: Targets | None = None) -> pd.DataFrame:
    """Return, for each respondent, convention and SD definition, whether the printed mean and SD are attainable.

    The total number of theme mentions is fixed by the published counts, so the
    mean is ``total / n`` exactly; the SD then depends only on the sum of
    squared per-interview counts ``Q``, an integer with the parity of the total.
    """
    t = published_targets() if targets is None else targets
    _check_targets(t)
    rows = []
    for resp, counts, n, mean, sd in (
        ("client", t.client_n, t.n_client_interviews, t.client_mean, t.client_sd),
        ("therapist", t.therapist_interview_n, len(default_roster().group), t.therapist_mean, t.therapist_sd),
    ):
        total = sum(counts.values())
        exact_mean = Fraction(total, n)
        for convention in READINGS:
            mean_ok = exact_mean in _interval(mean, convention)
            for ddof, label in ((1, "sample (n-1)"), (0, "population (n)")):
                qs = _sum_of_squares_range(total, n, sd, convention, ddof)
                rows.append({
                    "respondent": respondent_label(resp), "n": n, "theme_mentions": total,
                    "mean_exact": float(exact_mean), "mean_reported": mean, "sd_reported": sd,
                    "convention": convention, "sd_definition": label, "mean_attainable": bool(mean_ok),
                    "sum_of_squares_allowed": ", ".join(map(str, qs)), "sd_attainable": bool(qs),
                    "both_attainable": bool(mean_ok and qs),
                })
    return pd.DataFrame(rows)


def respondent_label(resp: str) -> str:
    """Return a readable label for a respondent key."""
    return {"client": "clients", "therapist": "therapist interviews"}[resp]


# --- the integer program ---------------------------------------------------------


def triplets(rows: list) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row indices, column indices and values of ``rows`` as a sparse matrix, and their lower and upper bounds."""
    ri, ci, vals = [], [], []
    for k, (_, coeffs, _, _) in enumerate(rows):
        ri.extend([k] * len(coeffs))
        ci.extend(coeffs.keys())
        vals.extend(coeffs.values())
    return (np.asarray(ri, dtype=np.int64), np.asarray(ci, dtype=np.int64), np.asarray(vals, dtype=float),
            np.asarray([r[2] for r in rows], dtype=float), np.asarray([r[3] for r in rows], dtype=float))


@contextlib.contextmanager
def _quiet_solver() -> Iterator[None]:
    """Silence what the HiGHS library prints from C++ (it writes to file descriptors 1 and 2, not to Python)."""
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


class Model:
    """Variables and linear constraints of the reconstruction, grouped by named constraint sets."""

    def __init__(self) -> None:
        #: called with 1 after every solve (a progress bar's ``update``), or None
        self.on_solve: Callable[[int], object] | None = None
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.rows: list[tuple[str, dict[int, float], float, float]] = []
        # The rows outside any scratch block change only through add(); their sparse triplets are
        # cached per set of dropped groups, so that a solve only converts its own scratch rows.
        self._depth = 0
        self._base_len = 0
        self._triplets: dict[frozenset[str], tuple] = {}

    def var(self, name: str, lb: float = 0, ub: float = 1) -> int:
        self.index[name] = len(self.names)
        self.names.append(name)
        self.lb.append(lb)
        self.ub.append(ub)
        return self.index[name]

    def add(self, group: str, coeffs: dict[int, float], lb: float, ub: float) -> None:
        if self._depth == 0:
            self._triplets.clear()
        self.rows.append((group, coeffs, lb, ub))

    def groups(self) -> list[str]:
        return list(dict.fromkeys(g for g, *_ in self.rows))

    def add_and(self, group: str, out: int, *inputs: int) -> None:
        """Constrain the binary ``out`` to equal the AND of the binary ``inputs`` (linearised)."""
        for j in inputs:
            self.add(group, {out: 1, j: -1}, -np.inf, 0)
        self.add(group, {out: 1, **{j: -1 for j in inputs}}, 1 - len(inputs), np.inf)

    @contextlib.contextmanager
    def scratch(self) -> Iterator[Model]:
        """Add temporary variables and rows inside a ``with`` block; they are removed again on exit."""
        n_vars, n_rows, index = len(self.names), len(self.rows), dict(self.index)
        if self._depth == 0:
            self._base_len = n_rows
        self._depth += 1
        try:
            yield self
        finally:
            del self.names[n_vars:], self.lb[n_vars:], self.ub[n_vars:], self.rows[n_rows:]
            self.index = index
            self._depth -= 1

    def solve(self, objective: dict[int, float] | None = None, sense: int = 1,
              drop: set[str] | frozenset[str] = frozenset(), time_limit: float = 60.0, relax: bool = False):
        """Solve; ``sense`` is +1 to minimise and -1 to maximise ``objective``; ``relax``: the linear relaxation."""
        drop = frozenset(drop)
        base_len = self._base_len if self._depth else len(self.rows)
        if drop not in self._triplets or self._triplets[drop][0] != base_len:
            self._triplets[drop] = (base_len, *triplets([r for r in self.rows[:base_len] if r[0] not in drop]))
        _, base_ri, base_ci, base_vals, base_lo, base_hi = self._triplets[drop]
        tail = [r for r in self.rows[base_len:] if r[0] not in drop]
        t_ri, t_ci, t_vals, t_lo, t_hi = triplets(tail)
        n_rows = len(base_lo) + len(t_lo)
        n = len(self.names)
        a = coo_array((np.concatenate([base_vals, t_vals]),
                       (np.concatenate([base_ri, t_ri + len(base_lo)]), np.concatenate([base_ci, t_ci]))),
                      shape=(n_rows, n)).tocsr()
        lower, upper = np.concatenate([base_lo, t_lo]), np.concatenate([base_hi, t_hi])
        c = np.zeros(n)
        for j, v in (objective or {}).items():
            c[j] = sense * v
        with _quiet_solver():
            res = milp(c, constraints=LinearConstraint(a, lower, upper),
                       integrality=np.zeros(n) if relax else np.ones(n), bounds=Bounds(self.lb, self.ub),
                       options={"time_limit": time_limit, "presolve": True, "disp": False})
        if self.on_solve is not None:
            self.on_solve(1)
        return res


@dataclass
class Built:
    """A built model with the variable indices needed to read a solution."""

    model: Model
    roster: Roster
    targets: Targets
    x: dict[tuple[int, str], int]  # client theme indicators
    y: dict[tuple[int, str], int]  # therapist-interview theme indicators
    coded: dict[int, int]  # client interview coded
    convention: str
    ddof: int


#: Name prefixes of the auxiliary variables of each respondent's block (see build_model): the client SD
#: one-hot counts, and the therapist SD one-hot counts and per-therapist indicators.
_AUX_PREFIXES = {"client": ("sc[",), "therapist_interview": ("st[", "z[")}


def respondent_variables(built: Built, respondent: str) -> set[int]:
    """Return the indices of every variable in one respondent's block of the model.

    The model falls apart into a client block (theme indicators, coded flags,
    SD auxiliaries) and a therapist block (theme indicators, per-therapist
    indicators, SD auxiliaries); no constraint links the two.
    """
    if respondent not in _AUX_PREFIXES:
        raise ValueError(f"`respondent` must be 'client' or 'therapist_interview'; got {respondent!r}")
    own = set(built.x.values()) | set(built.coded.values()) if respondent == "client" else set(built.y.values())
    prefixes = _AUX_PREFIXES[respondent]
    own |= {j for name, j in built.model.index.items() if name.startswith(prefixes)}
    return own


def build_model(targets: Targets | None = None, roster: Roster | None = None, convention: str = "truncate",
                ddof: int = 1) -> Built:
    """Return the integer program for ``targets`` on ``roster`` under a rounding ``convention`` for SDs.

    Constraint sets (the names used in error messages): ``client totals``,
    ``therapist-interview totals``, ``per-therapist totals``, ``coded client
    interviews``, ``client SD``, ``therapist SD`` and one set per group
    statement (``S01``...).
    """
    t = published_targets() if targets is None else targets
    _check_targets(t)
    ro = default_roster() if roster is None else roster
    m = Model()
    D, T = range(ro.n_dyads), range(ro.n_therapists)
    x = {(d, th): m.var(f"x[{d},{th}]") for d in D for th in t.themes}
    y = {(d, th): m.var(f"y[{d},{th}]") for d in D for th in t.themes}
    z = {(tt, th): m.var(f"z[{tt},{th}]") for tt in T for th in t.themes}
    c = {d: m.var(f"c[{d}]") for d in D}
    ks = range(len(t.themes) + 1)
    sc = {(d, k): m.var(f"sc[{d},{k}]") for d in D for k in ks}
    st = {(d, k): m.var(f"st[{d},{k}]") for d in D for k in ks}

    _add_totals(m, t, ro, x, y, z, c)
    _add_sd_constraints(m, t, ro, x, y, c, sc, st, convention, ddof)
    _add_statements(m, t, ro, x, y)
    return Built(m, ro, t, x, y, c, convention, ddof)


def _add_totals(m: Model, t: Targets, ro: Roster, x: dict, y: dict, z: dict, c: dict) -> None:
    """The published theme counts: per client interview, per therapist interview and per therapist."""
    D, T = range(ro.n_dyads), range(ro.n_therapists)
    m.add("coded client interviews", {c[d]: 1 for d in D}, t.n_client_interviews, t.n_client_interviews)
    for th in t.themes:
        m.add("client totals", {x[d, th]: 1 for d in D}, t.client_n[th], t.client_n[th])
        m.add("therapist-interview totals", {y[d, th]: 1 for d in D}, t.therapist_interview_n[th],
              t.therapist_interview_n[th])
        m.add("per-therapist totals", {z[tt, th]: 1 for tt in T}, t.therapist_n[th], t.therapist_n[th])
        for d in D:
            m.add("coded client interviews", {x[d, th]: 1, c[d]: -1}, -np.inf, 0)
            # a therapist counts once if any of their interviews has the theme
            m.add("per-therapist totals", {z[ro.therapist[d], th]: 1, y[d, th]: -1}, 0, np.inf)
        for tt in T:
            mine = [d for d in D if ro.therapist[d] == tt]
            m.add("per-therapist totals", {z[tt, th]: 1, **{y[d, th]: -1 for d in mine}}, -np.inf, 0)


def _add_sd_constraints(m: Model, t: Targets, ro: Roster, x: dict, y: dict, c: dict, sc: dict, st: dict,
                        convention: str, ddof: int) -> None:
    """The printed SDs of themes per interview, as bounds on the sum of squared counts."""
    D, ks = range(ro.n_dyads), range(len(t.themes) + 1)
    # number of themes per interview as a one-hot variable, so its square is linear
    for d in D:
        m.add("client SD", {**{sc[d, k]: 1 for k in ks}, c[d]: -1}, 0, 0)
        m.add("client SD", {**{sc[d, k]: k for k in ks}, **{x[d, th]: -1 for th in t.themes}}, 0, 0)
        m.add("therapist SD", {st[d, k]: 1 for k in ks}, 1, 1)
        m.add("therapist SD", {**{st[d, k]: k for k in ks}, **{y[d, th]: -1 for th in t.themes}}, 0, 0)
    for name, counts, n, sd, s in (("client SD", t.client_n, t.n_client_interviews, t.client_sd, sc),
                                   ("therapist SD", t.therapist_interview_n, ro.n_dyads, t.therapist_sd, st)):
        qs = _sum_of_squares_range(sum(counts.values()), n, sd, convention, ddof)
        if not qs:
            raise InfeasibleConstraintsError(
                f"{name}: no sum of squares gives SD {sd} with n = {n} under convention {convention!r} "
                f"(ddof={ddof}); try sd_attainability() to see which conventions work")
        m.add(name, {s[d, k]: k * k for d in D for k in ks}, min(qs), max(qs))


def _add_statements(m: Model, t: Targets, ro: Roster, x: dict, y: dict) -> None:
    """The paper's statements about the two groups (S01...), one constraint set each."""
    D = range(ro.n_dyads)
    mizrahi = [d for d in D if ro.group[d] == "Mizrahi"]
    ashkenazi = [d for d in D if ro.group[d] == "Ashkenazi"]
    for _, s in t.statements.iterrows():
        var = x if s.respondent == "client" else y
        mz = {var[d, s.theme]: 1 for d in mizrahi}
        ak = {var[d, s.theme]: 1 for d in ashkenazi}
        sid = s.statement_id
        if s.kind == "both_groups":
            m.add(sid, mz, 1, np.inf)
            m.add(sid, ak, 1, np.inf)
        elif s.kind == "mainly_ashkenazi":
            m.add(sid, {**ak, **{k: -1 for k in mz}}, 1, np.inf)
        elif s.kind == "mainly_mizrahi":
            m.add(sid, {**mz, **{k: -1 for k in ak}}, 1, np.inf)
        elif s.kind == "only_mizrahi":
            m.add(sid, ak, 0, 0)
            m.add(sid, mz, 1, np.inf)
        elif s.kind == "only_ashkenazi":
            m.add(sid, mz, 0, 0)
            m.add(sid, ak, 1, np.inf)
        elif s.kind in ("higher_rate_ashkenazi", "higher_rate_mizrahi"):
            if s.respondent == "client":
                # the coded client interviews per group are variables, so a share comparison is not linear
                raise ValueError(f"statements: {sid} compares shares of client interviews, which this model "
                                 "cannot encode (the number of coded interviews per group is not fixed)")
            # A / n_A > M / n_M  <=>  n_M * A - n_A * M >= 1 (integers)
            sign = 1 if s.kind == "higher_rate_ashkenazi" else -1
            m.add(sid, {**{k: sign * len(mizrahi) for k in ak}, **{k: -sign * len(ashkenazi) for k in mz}},
                  1, np.inf)
        else:
            raise ValueError(f"statements: kind {s.kind!r} of {sid} cannot be encoded")


def _diagnose(built: Built) -> str:
    groups = built.model.groups()
    culprits = [g for g in groups if built.model.solve(drop={g}, time_limit=20).status == 0]
    if culprits:
        return ("dropping any one of these constraint sets makes the problem feasible: " + ", ".join(culprits))
    return "no single constraint set explains it; several conflict jointly (constraint sets: " + ", ".join(groups) + ")"


def reconstruct(targets: Targets | None = None, roster: Roster | None = None, convention: str = "truncate",
                ddof: int = 1, progress: Callable[[int], object] | None = None) -> pd.DataFrame:
    """Return one admissible interview-level dataset (reconstructed, not the study's data).

    Raises
    ------
    InfeasibleConstraintsError
        When no dataset meets the constraints, naming the constraint sets that conflict.
    """
    t = published_targets() if targets is None else targets
    built = build_model(t, roster, convention, ddof)  # checks the targets first
    built.model.on_solve = progress
    res = built.model.solve()
    if res.status != 0:
        raise InfeasibleConstraintsError(f"reconstruction is infeasible: {_diagnose(built)}")
    return _to_frame(built, res.x)


def _check_targets(t: Targets) -> None:
    for name in ("client_mean", "client_sd", "therapist_mean", "therapist_sd"):
        value = getattr(t, name)
        if not isinstance(value, str) or not _PRINTED_DECIMAL.fullmatch(value.strip()):
            raise ValueError(f"targets.{name}: {value!r} is not a printed non-negative decimal such as '1.30'")
    for th in t.themes:
        if not 0 <= t.client_n[th] <= t.n_client_interviews:
            raise InfeasibleConstraintsError(
                f"client totals: count {t.client_n[th]} for {th!r} is outside 0..{t.n_client_interviews}")
        if t.therapist_n[th] > t.therapist_interview_n[th]:
            raise InfeasibleConstraintsError(
                f"per-therapist totals: {t.therapist_n[th]} therapists report {th!r} in only "
                f"{t.therapist_interview_n[th]} interviews")


def _to_frame(built: Built, sol: np.ndarray) -> pd.DataFrame:
    ro, t = built.roster, built.targets
    v = np.rint(sol).astype(int)
    rows = []
    for d in range(ro.n_dyads):
        common = {"dyad_id": f"D{d + 1:02d}", "therapist_id": f"T{ro.therapist[d] + 1:02d}",
                  "client_group": ro.group[d], "concordant": ro.group[d] == "Ashkenazi"}
        if v[built.coded[d]]:
            rows.append({"interview_id": f"D{d + 1:02d}-C", "respondent": "client", **common,
                         **{th: int(v[built.x[d, th]]) for th in t.themes}})
        rows.append({"interview_id": f"D{d + 1:02d}-T", "respondent": "therapist", **common,
                     **{th: int(v[built.y[d, th]]) for th in t.themes}})
    out = pd.DataFrame(rows).sort_values(["respondent", "dyad_id"], kind="stable").reset_index(drop=True)
    out["reconstructed"] = True
    return out


def check_reconstruction(df: pd.DataFrame, targets: Targets | None = None, convention: str = "truncate",
                         ddof: int = 1) -> pd.DataFrame:
    """Re-derive every constraint from an interview-level table; return one row per check with ``ok``."""
    t = published_targets() if targets is None else targets
    _check_targets(t)
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"`df` must be an interview-level DataFrame; got {type(df).__name__}")
    needed = ["respondent", "dyad_id", "therapist_id", "client_group", "concordant", *t.themes]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ValueError(f"df: missing column(s) {missing}; an interview-level table has {needed}")
    for resp in ("client", "therapist"):
        if not (df.respondent == resp).any():
            raise ValueError(f"df: has no {resp} interviews (respondent == {resp!r}); both kinds are checked")
    checks = []
    cl = df[df.respondent == "client"]
    tr = df[df.respondent == "therapist"]

    def add(name: str, got, want, ok: bool | None = None) -> None:
        checks.append({"check": name, "got": str(got), "want": str(want), "ok": bool(got == want if ok is None else ok)})

    rv = data.reported()
    n_conc, n_disc = int(rv.at["dyads_concordant", "value"]), int(rv.at["dyads_discordant", "value"])
    add("Dyads", df.dyad_id.nunique(), n_conc + n_disc)
    add("Concordant dyads", df.drop_duplicates("dyad_id").concordant.sum(), n_conc)
    add("Discordant dyads", (~df.drop_duplicates("dyad_id").concordant).sum(), n_disc)
    add("Therapists", df.therapist_id.nunique(), int(rv.at["therapists_ashkenazi_included", "value"]))
    loads = tr.groupby("therapist_id").size()
    lo, hi = 1, int(rv.at["therapist_max_interviews", "value"])  # an analysed therapist saw at least one client
    add("Interviews per therapist", f"{loads.min()} to {loads.max()}", f"between {lo} and {hi}",
        bool(loads.between(lo, hi).all()))
    add("Therapist interviews", len(tr), n_conc + n_disc)
    add("Coded client interviews", len(cl), t.n_client_interviews)
    for th in t.themes:
        theme = words(th).lower()
        add(f"Client interviews with {theme}", int(cl[th].sum()), t.client_n[th])
        add(f"Therapist interviews with {theme}", int(tr[th].sum()), t.therapist_interview_n[th])
        add(f"Therapists with {theme}", int(tr.groupby("therapist_id")[th].max().sum()), t.therapist_n[th])
    rule = CONVENTION_WORDS[convention]
    for name, sub, sd in (("Themes per client interview, SD", cl, t.client_sd),
                          ("Themes per therapist interview, SD", tr, t.therapist_sd)):
        k = sub[list(t.themes)].sum(axis=1)
        q = int((k * k).sum())
        var = Fraction(q * len(k) - int(k.sum()) ** 2, len(k) * (len(k) - ddof))
        ok = _interval(sd, convention).contains_square_root(var)
        add(f"{name} ({rule})", f"{float(var) ** 0.5:.4f}", sd, ok)
    for name, sub, mean in (("Themes per client interview, mean", cl, t.client_mean),
                            ("Themes per therapist interview, mean", tr, t.therapist_mean)):
        k = sub[list(t.themes)].sum(axis=1)
        exact = Fraction(int(k.sum()), len(k))
        add(f"{name} ({rule})", f"{float(exact):.4f}", mean, exact in _interval(mean, convention))
    for _, s in t.statements.iterrows():
        sub = cl if s.respondent == "client" else tr
        mz = int(sub.loc[sub.client_group == "Mizrahi", s.theme].sum())
        ak = int(sub.loc[sub.client_group == "Ashkenazi", s.theme].sum())
        # shares compare counts over the interviews of each group that this respondent type has
        n_mz, n_ak = int((sub.client_group == "Mizrahi").sum()), int((sub.client_group == "Ashkenazi").sum())
        ok = {"both_groups": mz >= 1 and ak >= 1, "mainly_ashkenazi": ak > mz, "mainly_mizrahi": mz > ak,
              "only_mizrahi": ak == 0 and mz >= 1, "only_ashkenazi": mz == 0 and ak >= 1,
              "higher_rate_ashkenazi": ak * n_mz > mz * n_ak, "higher_rate_mizrahi": mz * n_ak > ak * n_mz}[s.kind]
        # a statement about rates is checked on shares, so the shares are shown with the counts
        rates = s.kind.startswith("higher_rate")
        got = (f"Mizrahi {mz} of {n_mz} ({100 * mz / n_mz:.0f}%), Ashkenazi {ak} of {n_ak} ({100 * ak / n_ak:.0f}%)"
               if rates and n_mz and n_ak else f"Mizrahi {mz}, Ashkenazi {ak}")
        who = "client interviews" if s.respondent == "client" else words(s.respondent).lower()
        add(f"Statement {s.statement_id} ({who}, {words(s.theme).lower()})", got, s.kind, ok)
    return pd.DataFrame(checks)


# --- bounds ----------------------------------------------------------------------


RELAXED = frozenset({"per-therapist totals"})
