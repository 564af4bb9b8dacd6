"""Reference implementations the tests check the package against (never imported by the package)."""

from __future__ import annotations

from intake_alliance.study import reconstruct as rc


def lp_bounds(objective: dict[int, float], built: rc.Built | None = None,
              drop: frozenset[str] = frozenset()) -> tuple[int, int]:
    """Return the (min, max) of a linear statistic over all admissible datasets, by two plain solves.

    The reference for :class:`~intake_alliance.study.solving.CachedSolver`, which answers the same
    question with witnesses and relaxations. ``drop`` removes constraint sets (``rc.RELAXED``: any roster).
    """
    b = rc.build_model() if built is None else built
    out = []
    for sense in (1, -1):
        res = b.model.solve(objective, sense, drop=drop)
        if res.status != 0:
            raise rc.InfeasibleConstraintsError(f"bounds: solver status {res.status}: {res.message}")
        out.append(int(round(sense * res.fun)))
    return out[0], out[1]
