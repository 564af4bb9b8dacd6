"""Answer many bound and feasibility questions about one integer program, reusing every solution found.

The derived tables ask several hundred questions of the same reconstruction
model: the smallest and largest value of a count over all admissible datasets,
or whether a given split of a theme between the groups is possible at all.
:class:`CachedSolver` answers each one with as little integer programming as
it can, without changing any answer:

1. **Witnesses.** Every integer solution found so far is a dataset that meets
   the constraints it was solved under. Its value of a statistic is
   attainable, so a bound or a split that some witness attains needs no solve
   to show it is attainable.
2. **The linear relaxation.** Dropping integrality gives, in milliseconds, a
   valid limit: no integer dataset goes below the rounded-up LP minimum (or
   above the rounded-down maximum), and an infeasible relaxation proves a
   split impossible. When a witness attains the LP limit, the bound is proven
   with no integer solve at all.
3. **Blocks.** The model falls apart into a client block and a therapist
   block that share no constraint. A question about one block is solved with
   the other block's constraints dropped, which is equivalent when the full
   model is feasible and much faster.

Only when neither settles a question is the integer program solved, and its
solution joins the witnesses. Each witness records which constraints it meets:
the client block, and the therapist block on the assumed roster or only
without the roster-bound per-therapist counts (``RELAXED``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..stats.checks import make_rng
from . import reconstruct as rc

__all__ = ["CachedSolver", "Question", "linear_question", "explore", "CLIENT", "ROSTER", "OUTER",
           "group_count_bounds", "cooccurrence_bounds"]

#: What a witness can be valid for.
CLIENT, ROSTER, OUTER = "client", "therapist on the roster", "therapist, any roster"

_TOL = 1e-6


@dataclass
class Question:
    """One statistic of the base variables: its coefficients (or a vectorised function) and what it needs.

    ``values(matrix)`` returns the statistic of each row of a witness matrix; ``objective(model)``
    returns the linear objective to optimise, adding scratch variables and rows to ``model`` if it
    needs them (inside :meth:`Model.scratch`); ``needs`` is the set of witness labels the statistic
    reads (e.g. ``{CLIENT}``).
    """

    values: Callable[[np.ndarray], np.ndarray]
    objective: Callable[..., dict[int, float]]
    needs: frozenset[str]
    #: ``objective(model, sense)`` rather than ``objective(model)``: the formulation may depend on the direction
    sensed: bool = False
    #: the statistic is the same whichever dyad an interview belongs to (a co-occurrence count): the walk
    #: then only tries the moves that can change it
    dyad_invariant: bool = False


def linear_question(coeffs: dict[int, float], needs: set[str]) -> Question:
    """A :class:`Question` for a linear statistic of the base variables."""
    idx = np.array(list(coeffs), dtype=int)
    w = np.array(list(coeffs.values()), dtype=float)
    return Question(lambda mat: mat[:, idx] @ w, lambda model: dict(coeffs), frozenset(needs))


class CachedSolver:
    """Bounds and feasibility checks on a built reconstruction model, sharing witnesses between questions.

    ``solves`` and ``lp_solves`` count the integer and linear programs solved; ``answered_by_witness``
    the bounds and splits settled without an integer solve.
    """

    def __init__(self, built: rc.Built) -> None:
        self.built = built
        self.model = built.model
        self.n_base = len(self.model.names)
        client = rc.respondent_variables(built, "client")
        self.block_groups = {"client": set(), "therapist": set()}
        for group, coeffs, _, _ in self.model.rows:
            self.block_groups["client" if any(j in client for j in coeffs) else "therapist"].add(group)
        self._rows: list[np.ndarray] = []
        self._labels: list[frozenset[str]] = []
        self._stacked: dict[frozenset[str], np.ndarray] = {}
        self._seen: set[bytes] = set()
        self.solves = self.lp_solves = self.answered_by_witness = 0
        self.walk: _Walk | None = None  # set by explore(): seeks a witness before any integer solve

    # --- witnesses -------------------------------------------------------------------------------

    def labels_for(self, drop: frozenset[str]) -> frozenset[str]:
        """What a solution found with the constraint sets ``drop`` left out is valid for."""
        labels = set()
        if not drop & self.block_groups["client"]:
            labels.add(CLIENT)
        therapist_dropped = drop & self.block_groups["therapist"]
        if not therapist_dropped:
            labels |= {ROSTER, OUTER}
        elif therapist_dropped <= rc.RELAXED:
            labels.add(OUTER)
        return frozenset(labels)

    def add_witness(self, x: np.ndarray, drop: frozenset[str]) -> None:
        """Keep an integer solution found with ``drop`` left out (auxiliary scratch variables are cut off)."""
        self._keep(np.rint(np.asarray(x[: self.n_base], dtype=float)).astype(np.int8), self.labels_for(drop))

    def _keep(self, row: np.ndarray, labels: frozenset[str]) -> None:
        key = row.tobytes() + repr(sorted(labels)).encode()
        if labels and key not in self._seen:
            self._seen.add(key)
            self._rows.append(row)
            self._labels.append(labels)
            self._stacked.clear()

    def witness_values(self, question: Question) -> np.ndarray:
        """The statistic in every witness valid for what ``question`` reads."""
        if question.needs not in self._stacked:
            keep = [i for i, lab in enumerate(self._labels) if question.needs <= lab]
            self._stacked[question.needs] = (np.vstack([self._rows[i] for i in keep]) if keep
                                             else np.empty((0, self.n_base), dtype=np.int8))
        mat = self._stacked[question.needs]
        return np.rint(question.values(mat)) if len(mat) else np.empty(0)

    @property
    def n_witnesses(self) -> int:
        return len(self._rows)

    def full_witness(self) -> int | None:
        """The index of the first witness that meets the whole model on the roster, or None."""
        return next((i for i, lab in enumerate(self._labels) if {CLIENT, ROSTER} <= lab), None)

    # --- solving ---------------------------------------------------------------------------------

    @staticmethod
    def needs_for(question: Question, relaxed: bool) -> frozenset[str]:
        """The witness labels ``question`` needs: with ``relaxed``, any roster will do."""
        return question.needs if not relaxed else frozenset(OUTER if n == ROSTER else n for n in question.needs)

    def drop_for(self, needs: frozenset[str], relaxed: bool) -> frozenset[str]:
        """Constraint sets to leave out: the roster-bound ones for ``relaxed``, and a block nothing reads."""
        drop = set(rc.RELAXED) if relaxed else set()
        if CLIENT not in needs:
            drop |= self.block_groups["client"]
        if not needs & {ROSTER, OUTER}:
            drop |= self.block_groups["therapist"]
        return frozenset(drop)

    def _solve(self, objective, sense, drop, relax=False, time_limit: float = 60.0):
        res = self.model.solve(objective, sense, drop=drop, relax=relax, time_limit=time_limit)
        if relax:
            self.lp_solves += 1
        else:
            self.solves += 1
            if res.status == 0:
                self.add_witness(res.x, drop)
        return res

    def bounds(self, question: Question, relaxed: bool = False) -> tuple[int, int]:
        """Return the (min, max) of ``question`` over admissible datasets (``relaxed``: any roster).

        Raises
        ------
        InfeasibleConstraintsError
            When the solver cannot find a solution (the constraints conflict).
        """
        drop = self.drop_for(question.needs, relaxed)
        needs = self.needs_for(question, relaxed)
        out = []
        for sense in (1, -1):
            with self.model.scratch() as m:
                objective = question.objective(m, sense) if question.sensed else question.objective(m)
                lp = self._solve(objective, sense, drop, relax=True)
                if lp.status == 2:
                    raise rc.InfeasibleConstraintsError("bounds: the constraints admit no dataset (LP infeasible)")
                limit = math.ceil(sense * lp.fun - _TOL) if sense == 1 else math.floor(sense * lp.fun + _TOL)
                seen = self.witness_values(replace(question, needs=needs))
                best = (seen.min() if sense == 1 else seen.max()) if seen.size else None
                if (best is not None and best == limit) or (self.walk is not None
                                                            and self.walk.seek(question, limit, needs)):
                    self.answered_by_witness += 1
                    out.append(int(limit))
                    continue
                res = self._solve(objective, sense, drop)
                if res.status != 0:
                    raise rc.InfeasibleConstraintsError(f"bounds: solver status {res.status}: {res.message}")
                out.append(int(round(sense * res.fun)))
        return out[0], out[1]

    def feasible(self, question: Question, value: int, extra: Callable[[rc.Model], None] | None = None,
                 relaxed: bool = False, time_limit: float = 60.0) -> bool:
        """Return whether some admissible dataset has ``question`` equal to ``value`` (and meets ``extra``).

        ``extra`` adds further temporary constraints; a witness counts only when ``question`` alone
        decides, so pass ``extra`` only together with a question that encodes it (see the callers).
        """
        needs = self.needs_for(question, relaxed)
        seen = self.witness_values(replace(question, needs=needs))
        if (seen.size and (seen == value).any()) or (
                self.walk is not None and self.walk.seek(question, value, needs)):
            self.answered_by_witness += 1
            return True
        drop = self.drop_for(question.needs, relaxed)
        with self.model.scratch() as m:
            objective = question.objective(m)
            m.add("_fix", objective, value, value)
            if extra is not None:
                extra(m)
            if self._solve(None, 1, drop, relax=True).status == 2:
                return False  # not even the linear relaxation has a solution
            res = self._solve(None, 1, drop, time_limit=time_limit)  # a solution joins the witnesses
        if res.status == 0:
            return True
        if res.status == 2:
            return False
        raise RuntimeError(f"feasible: solver did not decide ({res.status}: {res.message})")


class _Walk:
    """Moves between admissible datasets that keep every theme total and every per-interview count.

    Two moves, each checked against every row of the model before it is taken:

    * a *checkerboard* swap: interview i has theme a but not b, interview j has b but not a; give i
      theme b and j theme a. Every theme total and every interview's number of themes (so the means
      and SDs) stay the same; group counts, co-occurrences and the per-therapist counts may change.
      These swaps connect all 0/1 tables with the same margins (Ryser, 1957).
    * a *dyad* swap: a Mizrahi and an Ashkenazi dyad exchange their whole interview (and, for clients,
      whether it was coded), which moves counts between the groups.
    """

    def __init__(self, solver: CachedSolver, seed: int) -> None:
        b, model = solver.built, solver.model
        self.solver = solver
        self.rng = make_rng(seed)
        ro, themes = b.roster, b.targets.themes
        dyads = range(ro.n_dyads)
        self.mizrahi = np.array([d for d in dyads if ro.group[d] == "Mizrahi"])
        self.ashkenazi = np.array([d for d in dyads if ro.group[d] == "Ashkenazi"])
        self.therapist = np.array(ro.therapist)
        self.X = np.array([[b.x[d, th] for th in themes] for d in dyads])
        self.Y = np.array([[b.y[d, th] for th in themes] for d in dyads])
        self.C = np.array([b.coded[d] for d in dyads])
        ks = range(len(themes) + 1)
        self.SC = np.array([[model.index[f"sc[{d},{k}]"] for k in ks] for d in dyads])
        self.ST = np.array([[model.index[f"st[{d},{k}]"] for k in ks] for d in dyads])
        self.Z = np.array([[model.index[f"z[{t},{th}]"] for th in themes] for t in range(ro.n_therapists)])
        rows = list(model.rows)
        ri, ci, vals, self.lo, self.hi = rc.triplets(rows)
        from scipy.sparse import coo_array

        a = coo_array((vals, (ri, ci)), shape=(len(rows), solver.n_base)).tocsr()
        groups = np.array([r[0] for r in rows])
        client = np.isin(groups, list(solver.block_groups["client"]))
        relaxed = np.isin(groups, list(rc.RELAXED))
        self.blocks = {"client": (a[client], self.lo[client], self.hi[client]),
                       "therapist": (a[~client & ~relaxed], self.lo[~client & ~relaxed], self.hi[~client & ~relaxed]),
                       "roster": (a[relaxed], self.lo[relaxed], self.hi[relaxed])}

    def _ok(self, block: str, w: np.ndarray) -> bool:
        a, lo, hi = self.blocks[block]
        v = a @ w
        return bool(np.all(v >= lo - _TOL) and np.all(v <= hi + _TOL))

    def _set_z(self, w: np.ndarray, therapists) -> None:
        for t in set(therapists):
            mine = np.flatnonzero(self.therapist == t)
            w[self.Z[t]] = w[self.Y[mine]].max(axis=0)

    def _propose(self, w: np.ndarray, side: str, checkerboard_only: bool = False) -> np.ndarray | None:
        w = w.copy()
        v = self.X if side == "client" else self.Y
        if not checkerboard_only and self.rng.random() < 0.5:  # dyad swap between the groups
            i, j = int(self.rng.choice(self.mizrahi)), int(self.rng.choice(self.ashkenazi))
            cols = [v, self.SC, self.C[:, None]] if side == "client" else [v, self.ST]
            for m in cols:
                w[m[i]], w[m[j]] = w[m[j]].copy(), w[m[i]].copy()
        else:  # checkerboard swap between two interviews
            pool = np.flatnonzero(w[self.C] > 0.5) if side == "client" else np.arange(len(self.therapist))
            i, j = (int(k) for k in self.rng.choice(pool, size=2, replace=False))
            diff = w[v[i]] - w[v[j]]
            a_set, b_set = np.flatnonzero(diff > 0.5), np.flatnonzero(diff < -0.5)
            if not a_set.size or not b_set.size:
                return None
            a, b = int(self.rng.choice(a_set)), int(self.rng.choice(b_set))
            w[v[i, a]], w[v[j, a]], w[v[i, b]], w[v[j, b]] = 0, 1, 1, 0
        if side == "therapist":
            self._set_z(w, self.therapist[[i, j]])
        return w

    def _accept(self, new: np.ndarray, side: str, labels: frozenset[str], on_roster: bool) -> frozenset[str] | None:
        """The labels ``new`` keeps if every constraint of its side holds (None if one fails).

        A therapist state off the roster keeps only the any-roster label; ``on_roster`` refuses it.
        """
        if side == "client":
            return labels if self._ok("client", new) else None
        if not self._ok("therapist", new):
            return None
        if self._ok("roster", new):
            return labels
        return None if on_roster else labels - {ROSTER}

    def run(self, start: np.ndarray, labels: frozenset[str], side: str, steps: int) -> int:
        """Walk ``steps`` proposals on one side from ``start``; keep every new state; return how many were kept."""
        before = self.solver.n_witnesses
        w = start.astype(float)
        need_roster = ROSTER in labels
        for _ in range(steps):
            new = self._propose(w, side)
            new_labels = None if new is None else self._accept(new, side, labels, need_roster)
            if new_labels is not None:
                w = new
                self.solver._keep(np.rint(w).astype(np.int8), new_labels)
        return self.solver.n_witnesses - before


    def seek(self, question: Question, target: int, needs: frozenset[str], steps: int = 1500) -> bool:
        """Walk from the witness nearest to ``target`` towards it, never moving away; keep what is found.

        Returns whether a state with ``question`` equal to ``target`` was reached (it joins the witnesses).
        """
        if CLIENT in needs and needs & {ROSTER, OUTER}:
            return False  # a statistic of both sides: left to the solver
        side = "client" if CLIENT in needs else "therapist"
        keep = [i for i, lab in enumerate(self.solver._labels) if needs <= lab]
        if not keep:
            return False
        values = self.solver.witness_values(replace(question, needs=needs))  # in the order of ``keep``
        best = int(np.argmin(np.abs(values - target)))
        w, labels = self.solver._rows[keep[best]].astype(float), self.solver._labels[keep[best]]
        gap = abs(values[best] - target)
        on_roster = ROSTER in needs
        for _ in range(steps):
            new = self._propose(w, side, checkerboard_only=question.dyad_invariant)
            if new is None:
                continue
            new_gap = abs(float(np.rint(question.values(new[None, :])[0])) - target)
            new_labels = None if new_gap > gap else self._accept(new, side, labels, on_roster)
            if new_labels is None:
                continue
            w, gap, labels = new, new_gap, new_labels
            if gap == 0:
                self.solver._keep(np.rint(w).astype(np.int8), labels)
                return True
        return False


def explore(solver: CachedSolver, steps: int = 4000, seed: int = 2021) -> int:
    """Add witnesses by walking from the first full witness (see :class:`_Walk`); return how many were added.

    The walk is seeded, so the witnesses (and the number of solves they save) are the same on every run;
    the answers never depend on them, only the time taken.
    """
    first = solver.full_witness()
    if first is None:
        return 0
    walk = _Walk(solver, seed)
    solver.walk = walk
    start, labels = solver._rows[first], solver._labels[first]
    added = walk.run(start, labels, "client", steps)
    added += walk.run(start, labels, "therapist", steps)  # on the roster
    added += walk.run(start, labels - {ROSTER}, "therapist", steps)  # any roster
    return added


# --- the bounds tables -------------------------------------------------------------


def group_count_bounds(built: rc.Built | None = None, solver=None) -> pd.DataFrame:
    """Return, per theme and respondent, the range of the Mizrahi count over admissible datasets.

    Two ranges per row.  ``roster_*``: over datasets on the assumed roster
    (every value in it is attained by some dataset that meets all constraints).
    ``outer_*``: with the roster-bound per-therapist constraints dropped, so no
    dataset on any roster can fall outside it.  The true range lies between.
    For client interviews the Ashkenazi count is not fixed by the Mizrahi one
    (which client interviews are uncoded is open), so both are reported.
    """
    b = rc.build_model() if built is None else built
    solver = CachedSolver(b) if solver is None else solver
    ro, t = b.roster, b.targets
    rows = []
    for resp, var, totals in (("client", b.x, t.client_n), ("therapist_interview", b.y, t.therapist_interview_n)):
        for th in t.themes:
            row = {"respondent": resp, "theme": th, "total": totals[th]}
            for group in ("Mizrahi", "Ashkenazi"):
                obj = {var[d, th]: 1 for d in range(ro.n_dyads) if ro.group[d] == group}
                q = linear_question(obj, {CLIENT} if resp == "client" else {ROSTER})
                for label, relaxed in (("roster", False), ("outer", True)):
                    lo, hi = solver.bounds(q, relaxed)
                    row[f"{group.lower()}_{label}_min"], row[f"{group.lower()}_{label}_max"] = lo, hi
            rows.append(row)
    return pd.DataFrame(rows)


def cooccurrence_bounds(respondent: str = "client", built: rc.Built | None = None, solver=None) -> pd.DataFrame:
    """Return, for each pair of themes, the min and max number of interviews coded with both.

    ``roster_*`` ranges are attained on the assumed roster; ``outer_*`` ranges
    drop the roster-bound constraints and so hold for any roster.
    """
    if respondent not in ("client", "therapist"):
        raise ValueError(f"`respondent` must be 'client' or 'therapist'; got {respondent!r}")
    b = rc.build_model() if built is None else built
    solver = CachedSolver(b) if solver is None else solver
    var = b.x if respondent == "client" else b.y
    dyads = range(b.roster.n_dyads)
    rows = []
    for a, c in itertools.combinations(b.targets.themes, 2):
        row = {"respondent": respondent, "theme_a": a, "theme_b": c}
        ia, ic = np.array([var[d, a] for d in dyads]), np.array([var[d, c] for d in dyads])

        def pairs(m: rc.Model, sense: int, a=a, c=c) -> dict[int, float]:
            # p[d] = x[d,a] AND x[d,c]; a maximum needs only p <= each input, a minimum only p >= their sum - 1
            p = {d: m.var(f"p[{d},{a},{c}]") for d in dyads}
            for d, pv in p.items():
                if sense == -1:
                    m.add("_pair", {pv: 1, var[d, a]: -1}, -np.inf, 0)
                    m.add("_pair", {pv: 1, var[d, c]: -1}, -np.inf, 0)
                else:
                    m.add("_pair", {pv: 1, var[d, a]: -1, var[d, c]: -1}, -1, np.inf)
            return {pv: 1 for pv in p.values()}

        q = Question(lambda mat, ia=ia, ic=ic: (mat[:, ia] * mat[:, ic]).sum(axis=1), pairs,
                     frozenset({CLIENT} if respondent == "client" else {ROSTER}), sensed=True, dyad_invariant=True)
        for label, relaxed in (("roster", False), ("outer", True)):
            row[f"{label}_min"], row[f"{label}_max"] = solver.bounds(q, relaxed)
        rows.append(row)
    return pd.DataFrame(rows)
