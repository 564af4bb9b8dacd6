"""Can a printed percentage be a whole count out of its denominator, and out of which totals?

:func:`percent_check` tests a percentage against a stated denominator (and
lists the denominators that would fit); :func:`percent_total_check` lists the
totals a share printed beside its count implies.  Exact arithmetic through
:mod:`intake_alliance.stats.rounding`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from .checks import check_int
from .granularity import GRIM_MAX_UNITS
from .rounding import CONVENTIONS, Rounding, RoundingInterval, check_units, decimals_of, numerators_in, parse_reported, rounding_label, reported_text, resolve_rounding, round_to, rounding_interval

__all__ = ["NEARBY", "PercentResult", "percent_check", "percent_ratio", "PercentTotalResult", "percent_total_check"]


@dataclass(frozen=True)
class PercentResult:
    """Outcome of :func:`percent_check`; truthy when the percentage is attainable.

    Attributes
    ----------
    reported : str
        The reported percentage as given.
    n : int
        The stated denominator.
    decimals : int
        Digits after the point in the percentage.
    rounding : str
        The rounding asked for.
    consistent : bool
        Whether some count ``k`` in ``0..n`` gives ``reported`` under
        ``rounding``.
    conventions : tuple of str
        All of :data:`CONVENTIONS` under which it is attainable with ``n``.
    counts : tuple of int
        The counts ``k`` that work under ``rounding``.
    counts_by_convention : dict
        The same for each convention.
    n_range : tuple of int
        The range of denominators searched (inclusive).
    fitting_n : tuple of int
        Every denominator in ``n_range`` that can give ``reported`` under
        ``rounding``.
    fitting_n_by_convention : dict
        The same for each convention.
    smallest_n : int or None
        The smallest of ``fitting_n``; ``None`` if there is none.
    """

    reported: str
    n: int
    decimals: int
    rounding: str
    consistent: bool
    conventions: tuple[str, ...]
    counts: tuple[int, ...]
    counts_by_convention: dict[str, tuple[int, ...]]
    n_range: tuple[int, int]
    fitting_n: tuple[int, ...]
    fitting_n_by_convention: dict[str, tuple[int, ...]]
    smallest_n: int | None

    def __bool__(self) -> bool:
        return self.consistent

    def nearby(self, within: int | None = None) -> tuple[int, ...]:
        """The denominators of ``fitting_n`` at most ``within`` (default :data:`NEARBY`) from the stated ``n``."""
        within = NEARBY if within is None else within
        return tuple(m for m in self.fitting_n if abs(m - self.n) <= within)


#: How far from a stated denominator the book looks for "nearby denominators that fit" (chapter 01 and the audit).
NEARBY = 12


def _parse_percent(reported: object) -> Decimal:
    value = parse_reported(reported, "reported", percent=True)
    if value < 0 or value > 100:
        raise ValueError(f"`reported` must be a percentage between 0 and 100; got {reported!r}.")
    return value


#: The widest range of denominators percent_check searches (exact arithmetic per n and rule).
_MAX_N_RANGE = 10_000


def percent_check(
    reported: str,
    n: int,
    rounding: Rounding = "up_or_down",
    *,
    n_range: tuple[int, int] = (1, 200),
) -> PercentResult:
    """Return whether a reported percentage can be ``100 k / n`` for a whole count ``k``.

    Parameters
    ----------
    reported : str
        The printed percentage, with or without a percent sign
        (``"47.36%"``, ``"94.1"``, ``"50%"``).
    n : int
        The stated denominator, at least 1.
    rounding : str or list of str, default ``"up_or_down"``
        A value of :data:`ROUNDING_OPTIONS` or a list of :data:`CONVENTIONS`.
    n_range : (int, int), default (1, 200)
        Inclusive range of denominators searched for ``fitting_n``.

    Returns
    -------
    PercentResult
        Truthy when some ``k`` in ``0..n`` prints as ``reported``. It also
        lists the conventions that work, the counts, and every denominator
        in ``n_range`` that would fit (with the smallest).

    Raises
    ------
    ValueError
        For an unreadable value, a percentage outside 0-100, a bad ``n``, a
        bad ``n_range`` or an unknown ``rounding``.

    Notes
    -----
    This is the GRIM test for a proportion: :math:`100k/n` must lie in the
    exact interval :math:`I_c(r)` of values printing as :math:`r`, i.e.
    :math:`k \\in \\tfrac{n}{100} I_c(r)` with :math:`0 \\le k \\le n`. A
    percentage with :math:`d` decimals has :math:`d+2` decimals as a
    proportion, so the test has power up to :math:`n \\approx 10^{d+2}`.

    References
    ----------
    .. [1] Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test.
       *Social Psychological and Personality Science*, 8(4), 363-369.

    Examples
    --------
    >>> res = percent_check("47.36%", 19)
    >>> bool(res), res.conventions, res.counts_by_convention["truncate"]
    (False, ('truncate',), (9,))
    >>> percent_check("30.1%", 55).conventions
    ()
    >>> percent_check("75%", 22).smallest_n
    4
    """
    value = _parse_percent(reported)
    n = check_int(n, "n", 1)
    check_units(n, 1, GRIM_MAX_UNITS, "percent_check", "`n`")
    allowed = resolve_rounding(rounding)
    try:
        first, last = n_range
    except (TypeError, ValueError):
        raise ValueError(f"`n_range` must be a pair (first, last); got {n_range!r}.")
    first = check_int(first, "n_range", 1)
    last = check_int(last, "n_range", first)
    if last - first > _MAX_N_RANGE:
        raise ValueError(f"`n_range` may span at most {_MAX_N_RANGE:,} denominators (each is tried exactly); "
                         f"got {first:,} to {last:,}.")
    hundred = Fraction(100)
    intervals = {c: rounding_interval(value, c) for c in CONVENTIONS}
    counts_by = {c: numerators_in(intervals[c], n, hundred, 0, n) for c in CONVENTIONS}
    fitting_by = {
        c: tuple(m for m in range(first, last + 1) if numerators_in(intervals[c], m, hundred, 0, m))
        for c in CONVENTIONS
    }
    counts = tuple(sorted(set().union(*(counts_by[c] for c in allowed))))
    fitting = tuple(sorted(set().union(*(fitting_by[c] for c in allowed))))
    return PercentResult(
        reported=reported_text(reported),
        n=n,
        decimals=decimals_of(value),
        rounding=rounding_label(rounding),
        consistent=bool(counts),
        conventions=tuple(c for c in CONVENTIONS if counts_by[c]),
        counts=counts,
        counts_by_convention=counts_by,
        n_range=(first, last),
        fitting_n=fitting,
        fitting_n_by_convention=fitting_by,
        smallest_n=fitting[0] if fitting else None,
    )


def percent_ratio(decimals: int, n: int, rounding: Rounding = "up_or_down") -> Fraction:
    """Return how testable a percentage check is: the share of printable percentages no count out of ``n`` gives.

    A percentage printed with ``decimals`` places is one of ``100 * 10**decimals + 1``
    values from 0 to 100; the counts ``0..n`` print as at most ``n + 1`` of them.
    The share of the rest is the chance that a value printed at random fails
    :func:`percent_check` (the "GRIM ratio" of a percentage; 0: it could not fail).

    Examples
    --------
    >>> percent_ratio(0, 20)
    Fraction(80, 101)
    >>> percent_ratio(1, 1000)
    Fraction(0, 1)
    """
    decimals = check_int(decimals, "decimals", 0)
    n = check_int(n, "n", 1)
    check_units(n, 1, GRIM_MAX_UNITS, "percent_ratio", "`n`")
    grid = 100 * 10 ** decimals + 1
    printed = {round_to(Fraction(100 * k, n), decimals, c) for k in range(n + 1) for c in resolve_rounding(rounding)}
    return 1 - Fraction(len(printed), grid)


@dataclass(frozen=True)
class PercentTotalResult:
    """Outcome of :func:`percent_total_check`; truthy when some total fits.

    Attributes
    ----------
    reported : str
        The reported percentage as given.
    count : int
        The known count ``k``.
    decimals : int
        Digits after the point in the percentage.
    rounding : str
        The rounding asked for.
    n_min, n_max : int
        The inclusive range of totals searched.
    consistent : bool
        Whether any total in the range fits under ``rounding``.
    conventions : tuple of str
        The conventions under which at least one total fits.
    totals : tuple of int
        Every total ``N`` with ``100 k / N`` printing as ``reported``.
    totals_by_convention : dict
        The same for each convention.
    smallest_total : int or None
        The smallest of ``totals``.
    """

    reported: str
    count: int
    decimals: int
    rounding: str
    n_min: int
    n_max: int
    consistent: bool
    conventions: tuple[str, ...]
    totals: tuple[int, ...]
    totals_by_convention: dict[str, tuple[int, ...]]
    smallest_total: int | None

    def __bool__(self) -> bool:
        return self.consistent


def _totals_in(interval: RoundingInterval, count: int, first: int, last: int) -> tuple[int, ...]:
    """Return the totals N in [first, last] with 100 * count / N in ``interval``."""
    target = Fraction(100 * count)
    if count == 0:
        return tuple(range(first, last + 1)) if 0 in interval else ()
    # 100k / N decreases in N: N >= 100k / upper and N <= 100k / lower.
    low = first if interval.upper <= 0 else max(first, math.floor(target / interval.upper))
    high = last if interval.lower <= 0 else min(last, math.ceil(target / interval.lower))
    return tuple(m for m in range(low, high + 1) if target / m in interval)


def percent_total_check(
    reported: str,
    k: int,
    n_max: int = 1000,
    rounding: Rounding = "up_or_down",
    *,
    n_min: int | None = None,
) -> PercentTotalResult:
    """Return the totals ``N`` for which ``k`` of ``N`` prints as the reported percentage.

    The inverse of :func:`percent_check`: the count is known, the total is
    not (or is in doubt).

    Parameters
    ----------
    reported : str
        The printed percentage (``"15%"``).
    k : int
        The known count, 0 or more.
    n_max : int, default 1000
        Largest total searched.
    rounding : str or list of str, default ``"up_or_down"``
        A value of :data:`ROUNDING_OPTIONS` or a list of :data:`CONVENTIONS`.
    n_min : int, optional
        Smallest total searched; defaults to ``max(k, 1)``, since a count
        cannot exceed its total.

    Returns
    -------
    PercentTotalResult
        Truthy when some total fits; lists every fitting total, per
        convention too, and the smallest.

    Raises
    ------
    ValueError
        For an unreadable value, a percentage outside 0-100, a negative or
        non-integer ``k``, or an empty range of totals.

    Notes
    -----
    :math:`100k/N \\in I_c(r)` is equivalent to :math:`N \\in 100k /
    I_c(r)`, an interval of totals; its integers are listed and each is
    checked exactly.

    Examples
    --------
    25 interviews reported as 15% of the total:

    >>> res = percent_total_check("15%", 25)
    >>> res.totals[0], res.totals[-1], len(res.totals)
    (162, 172, 11)
    >>> res.totals_by_convention["truncate"][0], res.totals_by_convention["truncate"][-1]
    (157, 166)
    """
    value = _parse_percent(reported)
    count = check_int(k, "k", 0)
    allowed = resolve_rounding(rounding)
    first = max(count, 1) if n_min is None else check_int(n_min, "n_min", max(count, 1))
    last = check_int(n_max, "n_max", 1)
    if last < first:
        raise ValueError(f"`n_max` ({last}) must be at least {first} (the count or n_min).")
    by_convention = {
        c: _totals_in(rounding_interval(value, c), count, first, last) for c in CONVENTIONS
    }
    totals = tuple(sorted(set().union(*(by_convention[c] for c in allowed))))
    return PercentTotalResult(
        reported=reported_text(reported),
        count=count,
        decimals=decimals_of(value),
        rounding=rounding_label(rounding),
        n_min=first,
        n_max=last,
        consistent=bool(totals),
        conventions=tuple(c for c in CONVENTIONS if by_convention[c]),
        totals=totals,
        totals_by_convention=by_convention,
        smallest_total=totals[0] if totals else None,
    )
