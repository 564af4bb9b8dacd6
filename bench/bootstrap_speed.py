"""Wall time and peak memory of the vectorised bootstrap.

Scenario: 10,000 bootstrap resamples of 200 coded units rated by 3 raters into
8 categories (the shape of a thematic-coding reliability study). For every
statistic with a fast path we report the best of 5 wall-clock runs
(time.perf_counter) and, from one further run, the peak memory that Python and
NumPy allocated (tracemalloc). Timing runs are done with tracemalloc off,
because tracing slows allocation down.

Run with the package importable, e.g.
    PYTHONPATH=src python bench/bootstrap_speed.py
"""

from __future__ import annotations

import platform
import time
import tracemalloc

import numpy as np

import intake_alliance
from intake_alliance.stats import bootstrap_ci

N_UNITS, N_RATERS, N_CATEGORIES = 200, 3, 8
N_RESAMPLES, REPEATS = 10_000, 5


def simulated_codings(seed: int = 2021) -> np.ndarray:
    """Raters copy a unit's true theme with probability 0.7, else pick at random."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, N_CATEGORIES, N_UNITS)
    noise = rng.integers(0, N_CATEGORIES, (N_UNITS, N_RATERS))
    return np.where(rng.random((N_UNITS, N_RATERS)) < 0.7, truth[:, None], noise)


def main() -> None:
    data = simulated_codings()
    cases = [
        ("percent_agreement", data, "percentile"),
        ("fleiss_kappa", data, "percentile"),
        ("fleiss_kappa", data, "bca"),
        ("gwet_ac1", data, "percentile"),
        ("krippendorff_alpha", data, "percentile"),
        ("pabak", data, "percentile"),
        ("light_kappa", data, "percentile"),
        ("cohen_kappa", data[:, :2], "percentile"),
    ]
    print(f"intake_alliance from {intake_alliance.__file__}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"{N_RESAMPLES:,} resamples of {N_UNITS} units x {N_RATERS} raters ({N_CATEGORIES} categories); "
          f"best of {REPEATS}\n")
    print(f"{'statistic':<20}{'method':<12}{'best s':>9}{'peak MiB':>10}{'estimate':>10}{'95% CI':>20}")
    for name, ratings, method in cases:
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            res = bootstrap_ci(name, ratings, n_resamples=N_RESAMPLES, method=method, seed=0)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        bootstrap_ci(name, ratings, n_resamples=N_RESAMPLES, method=method, seed=0)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        ci = f"[{res.at[0, 'ci_low']:.3f}, {res.at[0, 'ci_high']:.3f}]"
        print(f"{name:<20}{method:<12}{min(times):>9.3f}{peak / 2**20:>10.1f}{res.at[0, 'estimate']:>10.3f}{ci:>20}")


if __name__ == "__main__":
    main()
