"""Point estimates of the agreement coefficients against the libraries that compute the same number.

Same data for both sides, one process, 3 raters coding into 8 categories (Cohen's kappa: the first two
raters), at 1,000 and 100,000 units. For each coefficient and size the best of ``REPEATS`` wall-clock
runs (time.perf_counter) is taken for our function and for each peer, and the ratio ours / fastest peer
is printed; the estimates are compared too (a ratio means nothing if the numbers differ).

Peers: Fleiss' kappa -- statsmodels (``aggregate_raters`` then ``fleiss_kappa``); Krippendorff's alpha --
the ``krippendorff`` package; Cohen's kappa -- scikit-learn's ``cohen_kappa_score`` and statsmodels
(``cohens_kappa`` on the crosstab). Our side is the public function as a user calls it, on a units x raters
array of labels, with its interval: that is what it returns.

Run with the package importable, e.g.
    .venv/bin/python bench/peer_speed.py
"""

from __future__ import annotations

import platform
import time

import numpy as np

N_RATERS, N_CATEGORIES, SIZES, REPEATS = 3, 8, (1_000, 100_000), 5


def codings(n_units: int, seed: int = 2021) -> np.ndarray:
    """Raters copy a unit's true theme with probability 0.7, else pick at random (integer codes)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, N_CATEGORIES, n_units)
    copy = rng.random((n_units, N_RATERS)) < 0.7
    return np.where(copy, truth[:, None], rng.integers(0, N_CATEGORIES, (n_units, N_RATERS)))


def best(f, repeats: int = REPEATS) -> tuple[float, float]:
    """Return (best wall time in seconds, value) of ``f()`` over ``repeats`` runs."""
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - start)
    return min(times), float(value)


def contestants(x: np.ndarray) -> dict[str, tuple]:
    import krippendorff
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats import inter_rater as ir

    from intake_alliance import stats

    def sm_cohen() -> float:
        table = np.zeros((N_CATEGORIES, N_CATEGORIES))
        np.add.at(table, (x[:, 0], x[:, 1]), 1)
        return ir.cohens_kappa(table, return_results=False)

    return {
        "Fleiss' kappa": (lambda: stats.fleiss_kappa(x).at[0, "estimate"],
                          {"statsmodels": lambda: ir.fleiss_kappa(ir.aggregate_raters(x, N_CATEGORIES)[0])}),
        "Krippendorff's alpha": (lambda: stats.krippendorff_alpha(x).at[0, "estimate"],
                                 {"krippendorff": lambda: krippendorff.alpha(x.T.astype(float),
                                                                             level_of_measurement="nominal")}),
        "Cohen's kappa": (lambda: stats.cohen_kappa(x[:, :2]).at[0, "estimate"],
                          {"scikit-learn": lambda: cohen_kappa_score(x[:, 0], x[:, 1]), "statsmodels": sm_cohen}),
    }


def main() -> None:
    print(f"peer_speed: {platform.python_version()} on {platform.machine()}, best of {REPEATS}; "
          "ratio = ours / fastest peer (below 1: ours is faster)")
    print(f"{'coefficient':<22} {'units':>8} {'ours':>10} {'fastest peer':>24} {'ratio':>7}  same value")
    for n in SIZES:
        x = codings(n)
        for name, (ours, peers) in contestants(x).items():
            t_ours, v_ours = best(ours)
            timed = {peer: best(f) for peer, f in peers.items()}
            peer, (t_peer, v_peer) = min(timed.items(), key=lambda kv: kv[1][0])
            same = all(abs(v - v_ours) < 1e-9 for _, v in timed.values())
            print(f"{name:<22} {n:>8,} {t_ours * 1e3:>8.2f}ms {peer + f' {t_peer * 1e3:.2f}ms':>24} "
                  f"{t_ours / t_peer:>7.2f}  {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
