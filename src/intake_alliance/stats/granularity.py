"""GRIM and GRIMMER: can a printed mean (and SD) of whole-number data be attained?

* :func:`grim` -- means of integer data (Brown & Heathers, 2017);
* :func:`grimmer` -- means together with standard deviations (Anaya, 2016;
  with the analytic form of Allard, 2018), including the parity argument.

Reported values are strings, compared exactly through
:mod:`intake_alliance.stats.rounding`; no float is compared.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
import numpy as np
from .checks import check_int
from .rounding import CONVENTIONS, Rounding, RoundingInterval, check_in_scale, check_scale, check_units, decimals_of, numerators_in, parse_reported, rounding_label, reported_text, resolve_rounding, round_to, rounding_interval

__all__ = ["SD_DEFINITIONS", "SD_WORDS", "GRIM_MAX_UNITS", "GRIMMER_MAX_UNITS", "GrimResult", "grim", "grim_ratio", "GrimmerCandidate", "GrimmerResult", "grimmer"]

#: The two definitions of the standard deviation that :func:`grimmer` checks.
SD_DEFINITIONS: tuple[str, ...] = ("sample", "population")
#: The SD definitions in words, for sentences a reader reads.
SD_WORDS: dict[str, str] = {"sample": "the sample SD (divisor n − 1)", "population": "the population SD (divisor n)"}

# Above this many units of centred sum of squares the exact search for an
# integer data set (see ``_LatticeTable``) is skipped and only the closed-form
# bounds are used; the result then says ``exact=False``.
_LATTICE_LIMIT = 2000

#: Largest n x items that :func:`grim` examines: it lists every attainable sum, about
#: n x items x 10**-decimals of them, and a mean of more than 10**decimals integers always passes anyway.
GRIM_MAX_UNITS = 1_000_000

#: Largest n x items that :func:`grimmer` examines: it pairs every attainable sum with every attainable
#: sum of squares, which takes about 0.7 s at 500 and grows faster than n squared (16 s at 1,000).
GRIMMER_MAX_UNITS = 500


@dataclass(frozen=True)
class GrimResult:
    """Outcome of :func:`grim`; truthy when the mean is attainable.

    Attributes
    ----------
    reported : str
        The reported mean as given.
    n, items : int
        Sample size and number of items averaged per person.
    rounding : str
        The rounding asked for.
    decimals : int
        Digits after the point in ``reported``.
    consistent : bool
        Whether some integer sum reproduces ``reported`` under ``rounding``.
    conventions : tuple of str
        All of :data:`CONVENTIONS` under which the mean is attainable.
    sums : tuple of int
        Integer sums :math:`S` (of all item responses) with
        :math:`S / (n \\cdot items)` printing as ``reported`` under
        ``rounding``.
    sums_by_convention : dict
        The same, for each of the five conventions.
    """

    reported: str
    n: int
    items: int
    rounding: str
    decimals: int
    consistent: bool
    conventions: tuple[str, ...]
    sums: tuple[int, ...]
    sums_by_convention: dict[str, tuple[int, ...]]

    def __bool__(self) -> bool:
        return self.consistent

    @property
    def granularity(self) -> Fraction:
        """Smallest step between two attainable means, :math:`1/(n \\cdot items)`."""
        return Fraction(1, self.n * self.items)

    @property
    def means(self) -> tuple[Fraction, ...]:
        """Exact means :math:`S / (n \\cdot items)` for each sum in ``sums``."""
        return tuple(Fraction(s, self.n * self.items) for s in self.sums)


def _grim_sums(
    value: Decimal, n_units: int, low: int | None, high: int | None
) -> dict[str, tuple[int, ...]]:
    """Return, per convention, the integer sums whose mean prints as ``value``."""
    k_min = None if low is None else low * n_units
    k_max = None if high is None else high * n_units
    return {
        c: numerators_in(rounding_interval(value, c), n_units, Fraction(1), k_min, k_max)
        for c in CONVENTIONS
    }


def grim(
    reported: str,
    n: int,
    items: int = 1,
    rounding: Rounding = "up_or_down",
    *,
    scale_min: int | None = 0,
    scale_max: int | None = None,
) -> GrimResult:
    """Return whether a reported mean of integer data is attainable (GRIM test).

    Parameters
    ----------
    reported : str
        The reported mean, as printed (``"2.56"``, ``"5.30"``).
    n : int
        Sample size, at least 1.
    items : int, default 1
        Number of integer items averaged into each person's score.
    rounding : str or list of str, default ``"up_or_down"``
        A value of :data:`ROUNDING_OPTIONS` or a list of :data:`CONVENTIONS`.
    scale_min, scale_max : int or None, default 0 and None
        Smallest and largest possible item response. ``None`` means no
        bound. A reported mean outside the bounds raises ``ValueError``;
        candidate sums are confined to :math:`[n \\cdot items \\cdot
        scale\\_min,\\; n \\cdot items \\cdot scale\\_max]`.

    Returns
    -------
    GrimResult
        Truthy when the mean is attainable under ``rounding``. It also
        lists the conventions (of all five) that make it attainable and the
        integer sums that work.

    Raises
    ------
    ValueError
        For an unreadable ``reported``, a non-integer or non-positive ``n``
        or ``items``, a mean outside the scale, or an unknown ``rounding``.
    TypeError
        When ``reported`` is not a string or Decimal (floats lose trailing
        zeros).

    Notes
    -----
    With :math:`N = n \\cdot items` the mean is :math:`S/N` for an integer
    sum :math:`S`. Let :math:`I_c(r)` be the exact interval of values that
    print as :math:`r` under convention :math:`c` (see
    :func:`rounding_interval`). The mean is attainable under :math:`c` if
    and only if some integer :math:`S` satisfies :math:`S/N \\in I_c(r)`,
    that is :math:`S \\in N \\cdot I_c(r)`. All such :math:`S` are listed,
    which matters once :math:`N > 10^{d}` and several sums print alike.

    References
    ----------
    .. [1] Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test: A
       simple technique detects numerous anomalies in the reporting of
       results in psychology. *Social Psychological and Personality
       Science*, 8(4), 363-369. https://doi.org/10.1177/1948550616673876

    Examples
    --------
    Clients in Nakash et al. (2021): mean 2.56 themes, n = 51.

    >>> res = grim("2.56", 51)
    >>> bool(res), res.conventions, res.sums_by_convention["truncate"]
    (False, ('truncate',), (131,))

    A mean of 28 integers cannot be 5.19 (rsprite2 documentation):

    >>> grim("5.19", 28).consistent
    False
    >>> grim("5.21", 28).sums
    (146,)
    """
    value = parse_reported(reported, "reported")
    n = check_int(n, "n", 1)
    items = check_int(items, "items", 1)
    check_units(n, items, GRIM_MAX_UNITS, "grim")
    allowed = resolve_rounding(rounding)
    low, high = check_scale(scale_min, scale_max)
    check_in_scale(value, "reported", low, high)
    by_convention = _grim_sums(value, n * items, low, high)
    sums = tuple(sorted(set().union(*(by_convention[c] for c in allowed))))
    return GrimResult(
        reported=reported if isinstance(reported, str) else str(reported),
        n=n,
        items=items,
        rounding=rounding_label(rounding),
        decimals=decimals_of(value),
        consistent=bool(sums),
        conventions=tuple(c for c in CONVENTIONS if by_convention[c]),
        sums=sums,
        sums_by_convention=by_convention,
    )


def grim_ratio(decimals: int, n: int, items: int = 1, rounding: Rounding = "up_or_down") -> Fraction:
    """Return how testable a GRIM check is: the share of printable means that no data set attains.

    A mean printed with ``decimals`` places is one of ``10**decimals`` values
    per unit of the scale; a mean of ``n * items`` integers can only print as
    some of them. The share of the others is the probability that a value
    printed at random would fail the test, so a pass means more the closer
    it is to 1 (0: the check could not fail). This is the exact form of the
    "GRIM ratio" of the R package *scrutiny*, ``max(0, 1 - n * items / 10**decimals)``,
    which assumes that no two sums print alike; it is exact here for every ``rounding``.

    Parameters
    ----------
    decimals : int
        Places after the decimal point of the printed mean, 0 or more.
    n, items : int
        Sample size and integer items per person, each at least 1.
    rounding : str or list of str, default ``"up_or_down"``
        The conventions under which a printed value counts as attained.

    Examples
    --------
    >>> grim_ratio(2, 51)
    Fraction(49, 100)
    >>> grim_ratio(1, 38), grim_ratio(2, 22, rounding="truncate")
    (Fraction(0, 1), Fraction(39, 50))
    """
    decimals = check_int(decimals, "decimals", 0)
    units = check_int(n, "n", 1) * check_int(items, "items", 1)
    check_units(n, items, GRIM_MAX_UNITS, "grim_ratio")
    grid = 10 ** decimals
    if units >= grid:
        return Fraction(0)
    printed = {round_to(Fraction(s, units), decimals, c) % 1 for s in range(units) for c in resolve_rounding(rounding)}
    return 1 - Fraction(len(printed), grid)


@dataclass(frozen=True)
class GrimmerCandidate:
    """One integer (sum, sum of squares) pair that reproduces mean and SD.

    Attributes
    ----------
    convention : str
        The convention used for both the mean and the SD.
    definition : str
        ``"sample"`` (divisor :math:`n-1`) or ``"population"`` (divisor
        :math:`n`).
    total : int
        Sum :math:`S` of all item responses.
    sum_of_squares : int
        :math:`Q = \\sum_i s_i^2`, where :math:`s_i` is person *i*'s item sum.
    """

    convention: str
    definition: str
    total: int
    sum_of_squares: int


@dataclass(frozen=True)
class GrimmerResult:
    """Outcome of :func:`grimmer`; truthy when mean and SD are jointly attainable.

    Attributes
    ----------
    reported_mean, reported_sd : str
        The reported values as given.
    n, items : int
        Sample size and items per person.
    rounding : str
        The rounding asked for (applied to both mean and SD).
    sd_definition : str
        ``"sample"``, ``"population"`` or ``"either"``, as asked for.
    mean_decimals, sd_decimals : int
        Printed precision of each value.
    consistent : bool
        Whether some integer data set reproduces both values under
        ``rounding`` and ``sd_definition``.
    conventions : tuple of str
        The conventions (of all five) under which the pair is attainable
        for the asked-for SD definition(s).
    sd_definitions : tuple of str
        The SD definitions that work under ``rounding``, whichever was
        asked for.
    definitions_by_convention : dict
        For each of the five conventions, the SD definitions that work.
    candidates : tuple of GrimmerCandidate
        Every (convention, definition, S, Q) that passes all checks.
    reason : str
        ``"consistent"``, or the furthest check reached under ``rounding``
        that failed: ``"grim"`` (no integer sum gives the mean), ``"sd"``
        (no integer sum of squares gives the SD), ``"parity"`` (only sums
        of squares of the wrong parity do), or ``"lattice"`` (the sums of
        squares left are outside what integer data on the scale can reach).
    exact : bool
        ``False`` when the data-set search was skipped for size and only
        closed-form bounds were applied after the parity check.
    grim : GrimResult
        The GRIM result for the mean alone.
    """

    reported_mean: str
    reported_sd: str
    n: int
    items: int
    rounding: str
    sd_definition: str
    mean_decimals: int
    sd_decimals: int
    consistent: bool
    conventions: tuple[str, ...]
    sd_definitions: tuple[str, ...]
    definitions_by_convention: dict[str, tuple[str, ...]]
    candidates: tuple[GrimmerCandidate, ...]
    reason: str
    exact: bool
    grim: GrimResult

    def __bool__(self) -> bool:
        return self.consistent

_STAGES = ("grim", "sd", "parity", "lattice", "consistent")


def _extreme_sums_of_squares(
    n: int, total: int, low: int | None, high: int | None
) -> tuple[int, int | None]:
    """Return the least and greatest sum of squares of n integers summing to ``total``.

    The least spreads the total as evenly as possible; the greatest (only
    when both bounds are known) piles values at the two ends.
    """
    base, extra = divmod(total, n)
    q_min = (n - extra) * base * base + extra * (base + 1) ** 2
    if low is None or high is None:
        return q_min, None
    width = high - low
    if width == 0:
        return q_min, n * low * low
    full, rest = divmod(total - n * low, width)
    if full >= n:
        return q_min, n * high * high
    q_max = full * high * high + (low + rest) ** 2 + (n - full - 1) * low * low
    return q_min, q_max


def _nearest_integer(value: Fraction) -> int:
    """Return the integer nearest to ``value`` (ties go down)."""
    return math.ceil(value - Fraction(1, 2))


class _LatticeTable:
    """Exact search for n integers with a given sum and sum of squares.

    Centre the data on the integer ``base`` nearest to ``S / n``: with
    ``y_i = s_i - base`` the targets become ``sum(y) = r`` (``|r| <= n/2``)
    and ``sum(y**2) = T``, the smallest such ``T`` for any centring.
    Zeros cost nothing, so a data set exists if and only if some multiset of
    at most ``n`` non-zero integers within the scale has sum ``r`` and sum of
    squares ``T``. ``best[t, s]`` holds the fewest non-zero values reaching
    sum ``s`` and sum of squares ``t``; since every value adds at least 1 to
    ``t``, one pass over ``t`` in increasing order fills the table. The table
    depends only on the scale's limits relative to the centre (``y_low``,
    ``y_high``; None: unbounded), so every n and centre with the same
    relative limits shares it.
    """

    def __init__(self, t_max: int, y_low: int | None, y_high: int | None):
        self.t_max = t_max
        reach = math.isqrt(t_max)
        low = -reach if y_low is None else max(-reach, y_low)
        high = reach if y_high is None else min(reach, y_high)
        steps = [y for y in range(low, high + 1) if y != 0]
        # a count of non-zero values is at most t_max (each adds at least 1 to t): int16 holds every one
        big = np.iinfo(np.int16).max // 2
        best = np.full((t_max + 1, 2 * t_max + 1), big, dtype=np.int16)
        best[0, t_max] = 0
        for t in range(t_max + 1):
            # sums reachable with sum of squares t lie in [-t, t]: columns t_max - t .. t_max + t
            row = best[t, t_max - t:t_max + t + 1]
            if row.min() >= big:
                continue
            row = row + 1
            for y in steps:
                t_next = t + y * y
                if t_next <= t_max:  # then |s + y| <= t_next: the shifted slice stays inside the table
                    target = best[t_next, t_max - t + y:t_max + t + 1 + y]
                    np.minimum(target, row, out=target)
        self.best = best

    def reachable(self, n: int, base: int, total: int, sum_of_squares: int) -> bool:
        """Whether some n integers on the scale, centred on ``base``, have this sum and sum of squares."""
        rest = total - n * base
        t = sum_of_squares - 2 * base * total + n * base * base
        if t > self.t_max:
            raise ValueError(f"sum of squares {sum_of_squares}: beyond this table (t_max {self.t_max})")
        if t < 0 or abs(rest) > t:
            return False
        return bool(self.best[t, self.t_max + rest] <= n)


#: The lattice tables last used, by the scale's limits relative to the centre, within a budget of cells (int16:
#: 2 bytes each); the largest table (_LATTICE_LIMIT = 2000) has 8 million cells, so at most 128 MB is kept.
_LATTICES: "collections.OrderedDict[tuple, _LatticeTable]" = collections.OrderedDict()
_LATTICE_CELLS_KEPT = 64_000_000


def _lattice(base: int, t_max: int, low: int | None, high: int | None) -> _LatticeTable:
    """A table for data centred on ``base`` reaching at least ``t_max``, shared between calls.

    The table depends on n and the sum only through the scale's limits relative to the centre, and a table
    built for a larger ``t_max`` holds every smaller one; an audit asks about the same limits hundreds of
    times. A first request builds exactly what it needs; a larger request for the same key builds at least
    twice the kept table's reach (within ``_LATTICE_LIMIT``), so that a growing series of requests builds
    few tables.
    """
    key = (None if low is None else low - base, None if high is None else high - base)
    kept = _LATTICES.get(key)
    if kept is not None and kept.t_max >= t_max:
        _LATTICES.move_to_end(key)
        return kept
    reach = t_max if kept is None else min(_LATTICE_LIMIT, max(t_max, 2 * kept.t_max))
    table = _LatticeTable(reach, *key)
    _LATTICES[key] = table
    _LATTICES.move_to_end(key)
    while len(_LATTICES) > 1 and sum(t.best.size for t in _LATTICES.values()) > _LATTICE_CELLS_KEPT:
        _LATTICES.popitem(last=False)
    return table


def _resolve_sd_definition(sd_definition: str) -> tuple[str, ...]:
    if sd_definition == "either":
        return SD_DEFINITIONS
    if sd_definition in SD_DEFINITIONS:
        return (sd_definition,)
    raise ValueError(
        f"`sd_definition` must be 'sample', 'population' or 'either'; got {sd_definition!r}."
    )


def grimmer(
    reported_mean: str,
    reported_sd: str,
    n: int,
    items: int = 1,
    rounding: Rounding = "up_or_down",
    *,
    sd_definition: str = "sample",
    scale_min: int | None = 0,
    scale_max: int | None = None,
) -> GrimmerResult:
    """Return whether a reported mean and SD of integer data are jointly attainable (GRIMMER).

    Parameters
    ----------
    reported_mean, reported_sd : str
        The printed mean and standard deviation (``"2.56"``, ``"1.17"``).
    n : int
        Sample size, at least 1 (at least 2 for the sample SD).
    items : int, default 1
        Number of integer items summed into each person's score; mean and
        SD are of the per-person item average.
    rounding : str or list of str, default ``"up_or_down"``
        Applied to both values. Under a set such as ``"up_or_down"`` each
        single convention is tried for mean and SD together.
    sd_definition : {"sample", "population", "either"}, default "sample"
        Which SD the paper used: divisor :math:`n-1` (sample, what papers in
        psychology and social work report, and what *scrutiny* assumes) or
        :math:`n` (population); ``"either"`` accepts both. The definitions that
        work are always listed in ``sd_definitions``, whatever is asked, so a
        population-SD reading can be reported as an alternative explanation.
    scale_min, scale_max : int or None, default 0 and None
        Smallest and largest possible item response; ``None`` is unbounded.
        For binary data pass ``scale_min=0, scale_max=1``.

    Returns
    -------
    GrimmerResult
        Truthy when some integer data set on the scale reproduces both
        values. It lists the conventions and SD definitions that work, the
        (sum, sum of squares) pairs, and the check that failed otherwise.

    Raises
    ------
    ValueError
        For unreadable values, a negative SD, a bad ``n`` or ``items``, a
        mean outside the scale, ``n == 1`` with ``sd_definition="sample"``,
        or an unknown ``rounding`` or ``sd_definition``.

    Notes
    -----
    Work with person scores :math:`s_i` (sums of ``items`` integers), so that
    :math:`S = \\sum s_i` and :math:`Q = \\sum s_i^2` are integers. The mean
    is :math:`S/(n\\,items)` and the variance of the per-person averages is

    .. math::

        \\sigma^2 = \\frac{Q - S^2/n}{items^2\\,(n - \\delta)}, \\qquad
        \\delta = 1 \\text{ (sample) or } 0 \\text{ (population)}.

    For each convention the check runs four steps:

    1. **GRIM**: the integer sums :math:`S` that give the printed mean.
    2. **SD**: the exact interval of SDs that print as the reported SD is
       squared and mapped to :math:`Q \\in items^2 (n-\\delta)[a^2, b^2] +
       S^2/n`; the integers in it are the candidate :math:`Q` (Allard's
       analytic form of Anaya's test).
    3. **Parity**: for any integer :math:`s`, :math:`s^2 \\equiv s
       \\pmod 2`, so :math:`Q \\equiv S \\pmod 2`; candidates of the other
       parity are impossible. For binary data :math:`s^2 = s`, so even
       :math:`Q = S` is forced, which step 4 enforces.
    4. **Lattice**: a data set of :math:`n` integers within the scale with
       exactly this :math:`S` and :math:`Q` must exist. The even spread
       gives the least :math:`Q` and piling at the ends the greatest; gaps
       in between (frequent for small :math:`n`) are found by an exact
       search (see ``_LatticeTable``). Above a size limit only the two
       bounds are applied and ``exact`` is ``False``.

    The SD is compared through its square, so no square root is taken and
    no float enters: a value such as :math:`\\sqrt{2.117024\\ldots} =
    1.45499\\ldots` is placed on the right side of 1.455 exactly.

    References
    ----------
    .. [1] Anaya, J. (2016). The GRIMMER test: A method for testing the
       validity of reported measures of variability. *PeerJ Preprints*,
       4, e2400v1. https://doi.org/10.7287/peerj.preprints.2400v1
    .. [2] Allard, A. (2018). Analytic-GRIMMER: a new way of testing the
       possibility of standard deviations. Blog post,
       https://aurelienallard.netlify.app/post/anaytic-grimmer-possibility-standard-deviations/
    .. [3] Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test.
       *Social Psychological and Personality Science*, 8(4), 363-369.

    Examples
    --------
    Therapists in Nakash et al. (2021): mean 2.65, SD 1.45, n = 55.

    >>> res = grimmer("2.65", "1.45", 55)
    >>> bool(res), res.reason, res.sd_definitions
    (False, 'parity', ('population',))
    >>> bool(grimmer("2.65", "1.45", 55, sd_definition="population"))
    True

    A sample of 18 integers with mean 3.44 cannot have SD 2.47 (rsprite2):

    >>> grimmer("3.44", "2.47", 18, sd_definition="sample").consistent
    False
    """
    mean_value = parse_reported(reported_mean, "reported_mean")
    sd_value = parse_reported(reported_sd, "reported_sd")
    if sd_value < 0:
        raise ValueError(f"`reported_sd` must not be negative; got {reported_sd!r}.")
    n = check_int(n, "n", 1)
    items = check_int(items, "items", 1)
    check_units(n, items, GRIMMER_MAX_UNITS, "grimmer")
    allowed = resolve_rounding(rounding)
    wanted = _resolve_sd_definition(sd_definition)
    if n == 1 and wanted == ("sample",):
        raise ValueError("`n` must be at least 2 for the sample SD (divisor n - 1).")
    low, high = check_scale(scale_min, scale_max)
    check_in_scale(mean_value, "reported_mean", low, high)

    grim_result = grim(
        mean_value, n, items, rounding=rounding, scale_min=low, scale_max=high
    )
    grim_result = replace(grim_result, reported=reported_text(reported_mean))
    sums_by = grim_result.sums_by_convention
    s_low = None if low is None else low * items
    s_high = None if high is None else high * items
    definitions = tuple(d for d in SD_DEFINITIONS if not (d == "sample" and n < 2))

    stage, survivors = _sum_of_squares_candidates(sd_value, n, items, sums_by, definitions)
    candidates, exact = _integer_data_sets(survivors, n, s_low, s_high, stage)

    works = {key for key, value in stage.items() if value == 4}
    by_convention = {
        c: tuple(d for d in SD_DEFINITIONS if (c, d) in works) for c in CONVENTIONS
    }
    conventions = tuple(c for c in CONVENTIONS if any(d in wanted for d in by_convention[c]))
    sd_definitions = tuple(
        d for d in SD_DEFINITIONS if any(d in by_convention[c] for c in allowed)
    )
    furthest = max(
        (stage.get((c, d), 0) for c in allowed for d in wanted if (c, d) in stage),
        default=0,
    )
    consistent = furthest == 4
    return GrimmerResult(
        reported_mean=reported_text(reported_mean),
        reported_sd=reported_text(reported_sd),
        n=n,
        items=items,
        rounding=rounding_label(rounding),
        sd_definition=sd_definition,
        mean_decimals=decimals_of(mean_value),
        sd_decimals=decimals_of(sd_value),
        consistent=consistent,
        conventions=conventions,
        sd_definitions=sd_definitions,
        definitions_by_convention=by_convention,
        candidates=tuple(candidates),
        reason=_STAGES[furthest],
        exact=exact,
        grim=grim_result,
    )


def _sum_of_squares_candidates(sd_value: Decimal, n: int, items: int, sums_by: dict[str, tuple[int, ...]],
                               definitions: tuple[str, ...]) -> tuple[dict[tuple[str, str], int],
                                                                      list[tuple[str, str, int, int]]]:
    """Steps 2 and 3 of GRIMMER for every convention, definition and sum.

    Returns the furthest stage each (convention, definition) reached and the
    (convention, definition, sum, sum of squares) quadruples that survive: an
    integer sum of squares in the SD's interval with the parity of the sum.
    """
    stage: dict[tuple[str, str], int] = {}
    survivors: list[tuple[str, str, int, int]] = []
    for convention in CONVENTIONS:
        sd_range = rounding_interval(sd_value, convention)
        if sd_range.lower < 0:
            sd_range = RoundingInterval(Fraction(0), sd_range.upper, True, sd_range.upper_closed)
        var_range = RoundingInterval(sd_range.lower**2 * items**2, sd_range.upper**2 * items**2,
                                     sd_range.lower_closed, sd_range.upper_closed)
        for definition in definitions:
            divisor = n - 1 if definition == "sample" else n
            reached = 0
            for total in sums_by[convention]:
                reached = max(reached, 1)
                q_values = list(var_range.scaled(Fraction(divisor), Fraction(total * total, n)).integers())
                if not q_values:
                    continue
                reached = max(reached, 2)
                for q in q_values:
                    if (q - total) % 2 == 0:
                        reached = max(reached, 3)
                        survivors.append((convention, definition, total, q))
            stage[(convention, definition)] = reached
    return stage, survivors


def _integer_data_sets(survivors: list[tuple[str, str, int, int]], n: int, s_low: int | None, s_high: int | None,
                       stage: dict[tuple[str, str], int]) -> tuple[list[GrimmerCandidate], bool]:
    """Step 4 of GRIMMER: keep the (sum, sum of squares) pairs that some integer data set on the scale has.

    Updates ``stage`` to 4 where a pair survives; returns the candidates and
    whether the search was exact (below ``_LATTICE_LIMIT``) for every sum.
    """
    exact = True
    tables: dict[int, tuple[int, _LatticeTable | None]] = {}
    by_total: dict[int, list[int]] = {}
    for _, _, total, q in survivors:
        by_total.setdefault(total, []).append(q)
    for total, qs in by_total.items():
        base = _nearest_integer(Fraction(total, n))
        t_max = max(q - 2 * base * total + n * base * base for q in qs)
        if t_max > _LATTICE_LIMIT:
            tables[total] = base, None
            exact = False
        else:
            tables[total] = base, _lattice(base, max(t_max, 0), s_low, s_high)
    candidates: list[GrimmerCandidate] = []
    for convention, definition, total, q in survivors:
        q_min, q_max = _extreme_sums_of_squares(n, total, s_low, s_high)
        if q < q_min or (q_max is not None and q > q_max):
            continue
        base, table = tables[total]
        if table is not None and not table.reachable(n, base, total, q):
            continue
        stage[(convention, definition)] = 4
        candidates.append(GrimmerCandidate(convention, definition, total, q))
    return candidates, exact
