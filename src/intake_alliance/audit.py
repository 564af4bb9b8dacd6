"""Granularity audits of reported means, standard deviations and percentages.

Summary statistics of whole-number data cannot take every value. A mean of
``n`` integers is a fraction with denominator ``n``; a percentage of ``n``
cases is ``100 k / n``; and a standard deviation of integers is tied to an
integer sum of squares. Once such a value is rounded for print, only some
printed strings are reachable. This module decides, with exact rational
arithmetic, whether a printed value is reachable:

* :func:`grim` -- means of integer data (Brown & Heathers, 2017);
* :func:`grimmer` -- means together with standard deviations (Anaya, 2016;
  with the analytic form of Allard, 2018), including the parity argument;
* :func:`percent_check` and :func:`percent_total_check` -- percentages.

Reported values are passed as **strings** (``"2.56"``, ``"47.36%"``) so that
the printed precision, trailing zeros included, is known. No float is ever
compared: every check works on :class:`fractions.Fraction` values and on the
exact interval of true values that print as the reported string.

Rounding conventions
--------------------
``"half_up"``
    Nearest value; ties away from zero (SPSS, Excel, SAS, Stata).
``"half_down"``
    Nearest value; ties toward zero.
``"half_even"``
    Nearest value; ties to the even last digit (R's and Python's ``round``).
``"truncate"``
    Drop the extra digits (toward zero).
``"up"``
    Ceiling (toward plus infinity).
``"up_or_down"``
    Either ``"half_up"`` or ``"half_down"``; the default, as in the R package
    *scrutiny*. It is a set of conventions, not a sixth rule.

Beware that *scrutiny* calls ``"half_up"`` simply ``"up"`` and the ceiling
``"ceiling"``; here ``"up"`` is the ceiling.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from numbers import Integral
from typing import Iterable, Union

import numpy as np

__all__ = [
    "CONVENTIONS",
    "ROUNDING_OPTIONS",
    "SD_DEFINITIONS",
    "RoundingInterval",
    "GrimResult",
    "GrimmerCandidate",
    "GrimmerResult",
    "PercentResult",
    "PercentTotalResult",
    "round_to",
    "rounding_interval",
    "resolve_rounding",
    "matching_numerators",
    "attainable_conventions",
    "grim",
    "grimmer",
    "percent_check",
    "percent_total_check",
]

#: The five single rounding conventions, in the order used in every report.
CONVENTIONS: tuple[str, ...] = ("half_up", "half_down", "half_even", "truncate", "up")

#: Every accepted value of a ``rounding`` argument given as one string.
ROUNDING_OPTIONS: tuple[str, ...] = CONVENTIONS + ("up_or_down",)

#: The two definitions of the standard deviation that :func:`grimmer` checks.
SD_DEFINITIONS: tuple[str, ...] = ("sample", "population")

# Above this many units of centred sum of squares the exact search for an
# integer data set (see ``_LatticeTable``) is skipped and only the closed-form
# bounds are used; the result then says ``exact=False``.
_LATTICE_LIMIT = 2000

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")

Number = Union[Fraction, Decimal, int]
Rounding = Union[str, Iterable[str]]


# --------------------------------------------------------------------------
# Input checking
# --------------------------------------------------------------------------


def _parse_reported(value: object, name: str, *, percent: bool = False) -> Decimal:
    """Return the reported value as an exact Decimal, keeping its exponent."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"`{name}` must be a finite number; got {value!r}.")
        return value
    if not isinstance(value, str):
        raise TypeError(
            f"`{name}` must be a string such as '2.50' so that the printed "
            f"precision (trailing zeros included) is known; got "
            f"{type(value).__name__} {value!r}."
        )
    text = value.strip().replace("\u2212", "-")
    if percent and text.endswith("%"):
        text = text[:-1].rstrip()
    if not _NUMBER_RE.fullmatch(text):
        raise ValueError(f"`{name}` could not be read as a decimal number: {value!r}.")
    return Decimal(text)


def _decimals(value: Decimal) -> int:
    """Return how many digits follow the decimal point of ``value``."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _check_integer(value: object, name: str, minimum: int) -> int:
    """Return ``value`` as an int after checking it is an integer >= minimum."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"`{name}` must be an integer; got {value!r}.")
    result = int(value)
    if result < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}; got {result}.")
    return result


#: Largest n x items that :func:`grim` examines: it lists every attainable sum, about
#: n x items x 10**-decimals of them, and a mean of more than 10**decimals integers always passes anyway.
GRIM_MAX_UNITS = 1_000_000
#: Largest n x items that :func:`grimmer` examines: it pairs every attainable sum with every attainable
#: sum of squares, which takes about 0.7 s at 500 and grows faster than n squared (16 s at 1,000).
GRIMMER_MAX_UNITS = 500


def _check_units(n: int, items: int, limit: int, func: str, name: str = "`n` x `items`") -> None:
    """Refuse sample sizes whose enumeration would run for minutes, naming the limit."""
    if n * items > limit:
        raise ValueError(f"{name} = {n * items:,} exceeds {func}'s limit of {limit:,}: at that size the "
                         "enumeration takes minutes, and a granularity test can no longer fail for a value "
                         "printed to a few decimals.")


def _check_convention(convention: object) -> str:
    """Return ``convention`` after checking it names one single convention."""
    if convention not in CONVENTIONS:
        raise ValueError(
            f"`convention` must be one of {', '.join(CONVENTIONS)}; got {convention!r}."
        )
    return str(convention)


def _as_fraction(value: object, name: str) -> Fraction:
    """Return ``value`` as an exact Fraction; floats are refused."""
    if isinstance(value, bool):
        raise TypeError(f"`{name}` must be a Fraction, Decimal, int or str; got bool.")
    if isinstance(value, (Fraction, int)):
        return Fraction(value)
    if isinstance(value, Integral):
        return Fraction(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"`{name}` must be finite; got {value!r}.")
        return Fraction(value)
    if isinstance(value, str):
        return Fraction(_parse_reported(value, name))
    raise TypeError(
        f"`{name}` must be a Fraction, Decimal, int or str (floats are refused "
        f"because their binary value is not the printed one); got "
        f"{type(value).__name__} {value!r}."
    )


def _check_scale(scale_min: object, scale_max: object) -> tuple[int | None, int | None]:
    """Return the scale bounds after checking they are integers in order."""
    bounds: list[int | None] = []
    for name, bound in (("scale_min", scale_min), ("scale_max", scale_max)):
        if bound is None:
            bounds.append(None)
        elif isinstance(bound, bool) or not isinstance(bound, Integral):
            raise ValueError(f"`{name}` must be an integer or None; got {bound!r}.")
        else:
            bounds.append(int(bound))
    low, high = bounds
    if low is not None and high is not None and low > high:
        raise ValueError(f"`scale_min` ({low}) must not exceed `scale_max` ({high}).")
    return low, high


def _check_in_scale(value: Decimal, name: str, low: int | None, high: int | None) -> None:
    """Raise ValueError when a reported mean lies outside the scale."""
    if low is not None and value < low:
        raise ValueError(
            f"`{name}` = {value} lies below scale_min = {low}; a mean of data on "
            f"that scale cannot be smaller than its minimum."
        )
    if high is not None and value > high:
        raise ValueError(
            f"`{name}` = {value} lies above scale_max = {high}; a mean of data on "
            f"that scale cannot be larger than its maximum."
        )


# --------------------------------------------------------------------------
# Rounding
# --------------------------------------------------------------------------


def _round_scaled(y: Fraction, convention: str) -> int:
    """Return the integer that ``y`` rounds to under ``convention``."""
    if convention == "up":
        return math.ceil(y)
    if convention == "truncate":
        return math.trunc(y)
    if convention == "half_even":
        return round(y)  # Fraction.__round__ sends exact ties to the even side
    sign = -1 if y < 0 else 1
    magnitude = abs(y)
    half = Fraction(1, 2)
    if convention == "half_up":
        return sign * math.floor(magnitude + half)
    return sign * math.ceil(magnitude - half)  # half_down


def round_to(value: Number | str, decimals: int, convention: str) -> Decimal:
    """Return ``value`` rounded to ``decimals`` places as an exact Decimal.

    Parameters
    ----------
    value : Fraction, Decimal, int or str
        The exact number to round. Floats are refused with ``TypeError``:
        their binary value differs from the decimal they print as, which is
        exactly the error this module is meant to avoid.
    decimals : int
        Number of digits after the decimal point, 0 or more.
    convention : str
        One of :data:`CONVENTIONS`: ``"half_up"``, ``"half_down"``,
        ``"half_even"``, ``"truncate"`` or ``"up"``. The set
        ``"up_or_down"`` is not accepted here because it has two answers.

    Returns
    -------
    Decimal
        The rounded value, carrying exactly ``decimals`` digits after the
        point (so ``Decimal('2.50')``, not ``Decimal('2.5')``).

    Notes
    -----
    Let :math:`y = x \\cdot 10^{d}` be the value in units of the last digit
    and :math:`s = \\operatorname{sign}(y)`. The conventions give the integer

    .. math::

        \\text{half\\_up}: s\\lfloor |y| + \\tfrac12 \\rfloor, \\quad
        \\text{half\\_down}: s\\lceil |y| - \\tfrac12 \\rceil, \\quad
        \\text{truncate}: s\\lfloor |y| \\rfloor, \\quad
        \\text{up}: \\lceil y \\rceil,

    and ``half_even`` takes the nearest integer, sending an exact tie to the
    even one. The result is that integer times :math:`10^{-d}`. Because
    :math:`y` is a :class:`~fractions.Fraction`, a tie such as
    45.45 -> 45.5 is recognised exactly.

    References
    ----------
    .. [1] IEEE Standard for Floating-Point Arithmetic (IEEE 754-2019),
       section 4.3, for the names of the tie-breaking rules.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from decimal import Decimal
    >>> round_to(Decimal("45.45"), 1, "half_up")
    Decimal('45.5')
    >>> round_to(Decimal("45.45"), 1, "half_even")
    Decimal('45.4')
    >>> round_to(Fraction(131, 51), 2, "truncate")
    Decimal('2.56')
    >>> round_to(Fraction(5, 2), 1, "up")
    Decimal('2.5')
    """
    exact = _as_fraction(value, "value")
    places = _check_integer(decimals, "decimals", 0)
    rule = _check_convention(convention)
    integer = _round_scaled(exact * 10**places, rule)
    return Decimal(integer).scaleb(-places)


@dataclass(frozen=True)
class RoundingInterval:
    """Interval of exact values that print as one reported string.

    Attributes
    ----------
    lower, upper : Fraction
        End points of the interval.
    lower_closed, upper_closed : bool
        Whether each end point itself belongs to the interval.
    """

    lower: Fraction
    upper: Fraction
    lower_closed: bool
    upper_closed: bool

    def __contains__(self, value: object) -> bool:
        x = _as_fraction(value, "value")
        above = x >= self.lower if self.lower_closed else x > self.lower
        below = x <= self.upper if self.upper_closed else x < self.upper
        return above and below

    def integers(self) -> range:
        """Return the range of integers that lie in the interval."""
        first = math.ceil(self.lower)
        if first == self.lower and not self.lower_closed:
            first += 1
        last = math.floor(self.upper)
        if last == self.upper and not self.upper_closed:
            last -= 1
        return range(first, last + 1)

    def scaled(self, factor: Fraction, shift: Fraction = Fraction(0)) -> "RoundingInterval":
        """Return the image of the interval under ``x -> factor * x + shift``.

        ``factor`` must be positive.
        """
        if factor <= 0:
            raise ValueError("`factor` must be positive.")
        return RoundingInterval(
            self.lower * factor + shift,
            self.upper * factor + shift,
            self.lower_closed,
            self.upper_closed,
        )


def rounding_interval(reported: str | Decimal, convention: str) -> RoundingInterval:
    """Return the exact interval of values that round to ``reported``.

    Parameters
    ----------
    reported : str or Decimal
        The printed value, e.g. ``"2.56"``. Its number of decimals is taken
        from the string, trailing zeros included.
    convention : str
        One of :data:`CONVENTIONS`.

    Returns
    -------
    RoundingInterval
        The set :math:`\\{x : \\text{round\\_to}(x, d, c) = r\\}` as an interval
        with exact end points and explicit open or closed ends.

    Notes
    -----
    With :math:`K = r \\cdot 10^{d}` (an integer), :math:`h = \\tfrac12` and
    :math:`u = 1` in units of the last digit, the interval is, for
    :math:`K > 0`, :math:`[K-h, K+h)` (half_up), :math:`(K-h, K+h]`
    (half_down), :math:`[K-h, K+h]` or :math:`(K-h, K+h)` (half_even, for
    even or odd :math:`K`), :math:`[K, K+u)` (truncate) and
    :math:`(K-u, K]` (up); negative and zero values follow by symmetry of
    the rule in question. End points are divided by :math:`10^{d}`.

    Examples
    --------
    >>> iv = rounding_interval("2.56", "half_up")
    >>> iv.lower, iv.upper, iv.lower_closed, iv.upper_closed
    (Fraction(511, 200), Fraction(513, 200), True, False)
    >>> "2.565" in iv
    False
    """
    value = _parse_reported(reported, "reported")
    rule = _check_convention(convention)
    places = _decimals(value)
    k = int(Fraction(value) * 10**places)
    h = Fraction(1, 2)
    if rule == "half_up":
        if k > 0:
            lo, hi, lc, hc = k - h, k + h, True, False
        elif k < 0:
            lo, hi, lc, hc = k - h, k + h, False, True
        else:
            lo, hi, lc, hc = -h, h, False, False
    elif rule == "half_down":
        if k > 0:
            lo, hi, lc, hc = k - h, k + h, False, True
        elif k < 0:
            lo, hi, lc, hc = k - h, k + h, True, False
        else:
            lo, hi, lc, hc = -h, h, True, True
    elif rule == "half_even":
        closed = k % 2 == 0
        lo, hi, lc, hc = k - h, k + h, closed, closed
    elif rule == "truncate":
        if k > 0:
            lo, hi, lc, hc = Fraction(k), Fraction(k + 1), True, False
        elif k < 0:
            lo, hi, lc, hc = Fraction(k - 1), Fraction(k), False, True
        else:
            lo, hi, lc, hc = Fraction(-1), Fraction(1), False, False
    else:  # "up", the ceiling
        lo, hi, lc, hc = Fraction(k - 1), Fraction(k), False, True
    unit = Fraction(1, 10**places)
    return RoundingInterval(Fraction(lo) * unit, Fraction(hi) * unit, lc, hc)


def resolve_rounding(rounding: Rounding) -> tuple[str, ...]:
    """Return the single conventions that a ``rounding`` argument stands for.

    Parameters
    ----------
    rounding : str or iterable of str
        One of :data:`ROUNDING_OPTIONS`, or several of :data:`CONVENTIONS`.

    Returns
    -------
    tuple of str
        The conventions, in the order of :data:`CONVENTIONS`.

    Examples
    --------
    >>> resolve_rounding("up_or_down")
    ('half_up', 'half_down')
    >>> resolve_rounding(["truncate", "half_up"])
    ('half_up', 'truncate')
    """
    if isinstance(rounding, str):
        if rounding == "up_or_down":
            return ("half_up", "half_down")
        if rounding in CONVENTIONS:
            return (rounding,)
        raise ValueError(
            f"`rounding` must be one of {', '.join(ROUNDING_OPTIONS)}, or a list "
            f"of the first five; got {rounding!r}."
        )
    try:
        names = list(rounding)
    except TypeError:
        raise ValueError(f"`rounding` must be a string or a list of strings; got {rounding!r}.")
    if not names:
        raise ValueError("`rounding` must name at least one convention.")
    for name in names:
        if name not in CONVENTIONS:
            raise ValueError(
                f"`rounding` lists {name!r}, which is not one of {', '.join(CONVENTIONS)}."
            )
    return tuple(c for c in CONVENTIONS if c in names)


def _rounding_label(rounding: Rounding) -> str:
    """Return a printable label for a ``rounding`` argument."""
    if isinstance(rounding, str):
        return rounding
    return "+".join(resolve_rounding(rounding))


# --------------------------------------------------------------------------
# Shared internals: which numerators reproduce a reported value
# --------------------------------------------------------------------------


def _numerators_in(
    interval: RoundingInterval,
    denominator: int,
    scale: Fraction,
    k_min: int | None = None,
    k_max: int | None = None,
) -> tuple[int, ...]:
    """Return the integers k with ``scale * k / denominator`` in ``interval``."""
    ratio = Fraction(denominator) / scale
    first = math.floor(interval.lower * ratio)
    last = math.ceil(interval.upper * ratio)
    if k_min is not None:
        first = max(first, k_min)
    if k_max is not None:
        last = min(last, k_max)
    return tuple(
        k for k in range(first, last + 1) if Fraction(k) * scale / denominator in interval
    )


def matching_numerators(
    value: str | Decimal,
    numerators: Iterable[int],
    denominator: int,
    convention: str,
    *,
    scale: int | Fraction = 1,
) -> tuple[int, ...]:
    """Return the numerators ``k`` whose ``scale * k / denominator`` prints as ``value``.

    Parameters
    ----------
    value : str or Decimal
        The reported value, e.g. ``"2.56"`` or ``"47.36"``.
    numerators : iterable of int
        Candidate integer numerators (sums, counts) to try.
    denominator : int
        The positive integer denominator (sample size, times items).
    convention : str
        One of :data:`CONVENTIONS`.
    scale : int or Fraction, default 1
        Multiplier applied before rounding; use 100 for percentages.

    Returns
    -------
    tuple of int
        The candidates that reproduce ``value`` under ``convention``, in the
        order given.

    Examples
    --------
    >>> matching_numerators("2.56", [130, 131, 132], 51, "truncate")
    (131,)
    >>> matching_numerators("2.56", [130, 131, 132], 51, "half_up")
    ()
    """
    reported = _parse_reported(value, "value")
    rule = _check_convention(convention)
    den = _check_integer(denominator, "denominator", 1)
    factor = _as_fraction(scale, "scale")
    if factor <= 0:
        raise ValueError(f"`scale` must be positive; got {scale!r}.")
    interval = rounding_interval(reported, rule)
    out = []
    for k in numerators:
        if isinstance(k, bool) or not isinstance(k, Integral):
            raise ValueError(f"`numerators` must hold integers; got {k!r}.")
        if Fraction(int(k)) * factor / den in interval:
            out.append(int(k))
    return tuple(out)


def attainable_conventions(
    value: str | Decimal,
    numerators: Iterable[int],
    denominator: int,
    *,
    scale: int | Fraction = 1,
) -> tuple[str, ...]:
    """Return the conventions under which some ``scale * k / denominator`` prints as ``value``.

    This is the building block of every check here; other code can call it
    with candidate sums or counts of its own (for example, a sum known from
    a data table).

    Parameters
    ----------
    value : str or Decimal
        The reported value, e.g. ``"2.56"``.
    numerators : iterable of int
        Candidate integer numerators.
    denominator : int
        The positive integer denominator.
    scale : int or Fraction, default 1
        Multiplier applied before rounding; 100 for percentages.

    Returns
    -------
    tuple of str
        A subset of :data:`CONVENTIONS`, in that order; empty if none works.

    Examples
    --------
    >>> attainable_conventions("2.56", [131], 51)
    ('truncate',)
    >>> attainable_conventions("47.36", [9], 19, scale=100)
    ('truncate',)
    """
    candidates = list(numerators)
    return tuple(
        c
        for c in CONVENTIONS
        if matching_numerators(value, candidates, denominator, c, scale=scale)
    )


# --------------------------------------------------------------------------
# GRIM
# --------------------------------------------------------------------------


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
        c: _numerators_in(rounding_interval(value, c), n_units, Fraction(1), k_min, k_max)
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
    value = _parse_reported(reported, "reported")
    n = _check_integer(n, "n", 1)
    items = _check_integer(items, "items", 1)
    _check_units(n, items, GRIM_MAX_UNITS, "grim")
    allowed = resolve_rounding(rounding)
    low, high = _check_scale(scale_min, scale_max)
    _check_in_scale(value, "reported", low, high)
    by_convention = _grim_sums(value, n * items, low, high)
    sums = tuple(sorted(set().union(*(by_convention[c] for c in allowed))))
    return GrimResult(
        reported=reported if isinstance(reported, str) else str(reported),
        n=n,
        items=items,
        rounding=_rounding_label(rounding),
        decimals=_decimals(value),
        consistent=bool(sums),
        conventions=tuple(c for c in CONVENTIONS if by_convention[c]),
        sums=sums,
        sums_by_convention=by_convention,
    )


# --------------------------------------------------------------------------
# GRIMMER
# --------------------------------------------------------------------------


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
    ``t``, one pass over ``t`` in increasing order fills the table.
    """

    def __init__(self, n: int, total: int, t_max: int, low: int | None, high: int | None):
        self.n = n
        self.total = total
        self.base = _nearest_integer(Fraction(total, n))
        self.rest = total - n * self.base
        self.t_max = t_max
        reach = math.isqrt(t_max)
        y_low = -reach if low is None else max(-reach, low - self.base)
        y_high = reach if high is None else min(reach, high - self.base)
        steps = [y for y in range(y_low, y_high + 1) if y != 0]
        big = np.iinfo(np.int32).max // 2
        width = 2 * t_max + 1
        best = np.full((t_max + 1, width), big, dtype=np.int32)
        best[0, t_max] = 0
        for t in range(t_max + 1):
            row = best[t]
            if row.min() >= big:
                continue
            for y in steps:
                t_next = t + y * y
                if t_next > t_max:
                    continue
                if y > 0:
                    target = best[t_next, y:]
                    np.minimum(target, row[:-y] + 1, out=target)
                else:
                    target = best[t_next, :y]
                    np.minimum(target, row[-y:] + 1, out=target)
        self.best = best

    def reachable(self, sum_of_squares: int) -> bool:
        t = sum_of_squares - 2 * self.base * self.total + self.n * self.base * self.base
        if t < 0 or t > self.t_max or abs(self.rest) > t:
            return False
        return bool(self.best[t, self.t_max + self.rest] <= self.n)


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
    sd_definition: str = "either",
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
    sd_definition : {"either", "sample", "population"}, default "either"
        Which SD the paper may have used: divisor :math:`n-1` (sample) or
        :math:`n` (population). Both are always reported.
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
    >>> bool(res), res.sd_definitions
    (True, ('population',))
    >>> grimmer("2.65", "1.45", 55, sd_definition="sample").reason
    'parity'

    A sample of 18 integers with mean 3.44 cannot have SD 2.47 (rsprite2):

    >>> grimmer("3.44", "2.47", 18, sd_definition="sample").consistent
    False
    """
    mean_value = _parse_reported(reported_mean, "reported_mean")
    sd_value = _parse_reported(reported_sd, "reported_sd")
    if sd_value < 0:
        raise ValueError(f"`reported_sd` must not be negative; got {reported_sd!r}.")
    n = _check_integer(n, "n", 1)
    items = _check_integer(items, "items", 1)
    _check_units(n, items, GRIMMER_MAX_UNITS, "grimmer")
    allowed = resolve_rounding(rounding)
    wanted = _resolve_sd_definition(sd_definition)
    if n == 1 and wanted == ("sample",):
        raise ValueError("`n` must be at least 2 for the sample SD (divisor n - 1).")
    low, high = _check_scale(scale_min, scale_max)
    _check_in_scale(mean_value, "reported_mean", low, high)

    grim_result = grim(
        mean_value, n, items, rounding=rounding, scale_min=low, scale_max=high
    )
    grim_result = replace(grim_result, reported=_text(reported_mean))
    sums_by = grim_result.sums_by_convention
    s_low = None if low is None else low * items
    s_high = None if high is None else high * items
    definitions = tuple(d for d in SD_DEFINITIONS if not (d == "sample" and n < 2))

    # Steps 2 and 3 for every convention, definition and sum.
    stage: dict[tuple[str, str], int] = {}
    survivors: list[tuple[str, str, int, int]] = []
    for convention in CONVENTIONS:
        sd_range = rounding_interval(sd_value, convention)
        if sd_range.lower < 0:
            sd_range = RoundingInterval(Fraction(0), sd_range.upper, True, sd_range.upper_closed)
        var_range = RoundingInterval(
            sd_range.lower**2 * items**2,
            sd_range.upper**2 * items**2,
            sd_range.lower_closed,
            sd_range.upper_closed,
        )
        for definition in definitions:
            divisor = n - 1 if definition == "sample" else n
            reached = 0
            for total in sums_by[convention]:
                reached = max(reached, 1)
                q_range = var_range.scaled(Fraction(divisor), Fraction(total * total, n))
                q_values = [q for q in q_range.integers()]
                if not q_values:
                    continue
                reached = max(reached, 2)
                for q in q_values:
                    if (q - total) % 2 == 0:
                        reached = max(reached, 3)
                        survivors.append((convention, definition, total, q))
            stage[(convention, definition)] = reached

    # Step 4: is there an integer data set with this S and Q on the scale?
    exact = True
    tables: dict[int, _LatticeTable | None] = {}
    by_total: dict[int, list[int]] = {}
    for _, _, total, q in survivors:
        by_total.setdefault(total, []).append(q)
    for total, qs in by_total.items():
        base = _nearest_integer(Fraction(total, n))
        t_max = max(q - 2 * base * total + n * base * base for q in qs)
        if t_max > _LATTICE_LIMIT:
            tables[total] = None
            exact = False
        else:
            tables[total] = _LatticeTable(n, total, max(t_max, 0), s_low, s_high)

    candidates: list[GrimmerCandidate] = []
    for convention, definition, total, q in survivors:
        q_min, q_max = _extreme_sums_of_squares(n, total, s_low, s_high)
        if q < q_min or (q_max is not None and q > q_max):
            continue
        table = tables[total]
        if table is not None and not table.reachable(q):
            continue
        stage[(convention, definition)] = 4
        candidates.append(GrimmerCandidate(convention, definition, total, q))

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
        reported_mean=_text(reported_mean),
        reported_sd=_text(reported_sd),
        n=n,
        items=items,
        rounding=_rounding_label(rounding),
        sd_definition=sd_definition,
        mean_decimals=_decimals(mean_value),
        sd_decimals=_decimals(sd_value),
        consistent=consistent,
        conventions=conventions,
        sd_definitions=sd_definitions,
        definitions_by_convention=by_convention,
        candidates=tuple(candidates),
        reason=_STAGES[furthest],
        exact=exact,
        grim=grim_result,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


# --------------------------------------------------------------------------
# Percentages
# --------------------------------------------------------------------------


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


def _parse_percent(reported: object) -> Decimal:
    value = _parse_reported(reported, "reported", percent=True)
    if value < 0 or value > 100:
        raise ValueError(f"`reported` must be a percentage between 0 and 100; got {reported!r}.")
    return value


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
    n = _check_integer(n, "n", 1)
    _check_units(n, 1, GRIM_MAX_UNITS, "percent_check", "`n`")
    allowed = resolve_rounding(rounding)
    try:
        first, last = n_range
    except (TypeError, ValueError):
        raise ValueError(f"`n_range` must be a pair (first, last); got {n_range!r}.")
    first = _check_integer(first, "n_range", 1)
    last = _check_integer(last, "n_range", first)
    hundred = Fraction(100)
    intervals = {c: rounding_interval(value, c) for c in CONVENTIONS}
    counts_by = {c: _numerators_in(intervals[c], n, hundred, 0, n) for c in CONVENTIONS}
    fitting_by = {
        c: tuple(m for m in range(first, last + 1) if _numerators_in(intervals[c], m, hundred, 0, m))
        for c in CONVENTIONS
    }
    counts = tuple(sorted(set().union(*(counts_by[c] for c in allowed))))
    fitting = tuple(sorted(set().union(*(fitting_by[c] for c in allowed))))
    return PercentResult(
        reported=_text(reported),
        n=n,
        decimals=_decimals(value),
        rounding=_rounding_label(rounding),
        consistent=bool(counts),
        conventions=tuple(c for c in CONVENTIONS if counts_by[c]),
        counts=counts,
        counts_by_convention=counts_by,
        n_range=(first, last),
        fitting_n=fitting,
        fitting_n_by_convention=fitting_by,
        smallest_n=fitting[0] if fitting else None,
    )


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
    count = _check_integer(k, "k", 0)
    allowed = resolve_rounding(rounding)
    first = max(count, 1) if n_min is None else _check_integer(n_min, "n_min", max(count, 1))
    last = _check_integer(n_max, "n_max", 1)
    if last < first:
        raise ValueError(f"`n_max` ({last}) must be at least {first} (the count or n_min).")
    by_convention = {
        c: _totals_in(rounding_interval(value, c), count, first, last) for c in CONVENTIONS
    }
    totals = tuple(sorted(set().union(*(by_convention[c] for c in allowed))))
    return PercentTotalResult(
        reported=_text(reported),
        count=count,
        decimals=_decimals(value),
        rounding=_rounding_label(rounding),
        n_min=first,
        n_max=last,
        consistent=bool(totals),
        conventions=tuple(c for c in CONVENTIONS if by_convention[c]),
        totals=totals,
        totals_by_convention=by_convention,
        smallest_total=totals[0] if totals else None,
    )


# --- the paper's own numbers -------------------------------------------------------

#: Scale limits used by GRIM/GRIMMER for each mean (from the printed ranges or the design).
_SCALES = {
    "therapist_age_mean": ("therapist_age_min", "therapist_age_max"),
    "client_age_mean": ("client_age_min", "client_age_max"),
    "client_themes_mean": (0, 8),
    "therapist_themes_mean": (0, 8),
    "therapist_interviews_mean": (1, "therapist_max_interviews"),
    "therapist_practice_years_mean": (0, None),
}
#: Percentages printed without a denominator, paired with the count printed beside them.
_SHARE_COUNTS = {"codebook_share_pct": "codebook_interviews_n", "checkpoint1_pct": "checkpoint1_n",
                 "checkpoint2_pct": "checkpoint2_n", "checkpoint3_pct": "checkpoint3_n"}
#: Counts that other printed counts determine.
_SUMS = {
    "clients_declined": ["clients_declined_no_time", "clients_declined_unwell", "clients_declined_recording"],
    "clients_participated": ["clients_mizrahi", "clients_ashkenazi"],
    "reliability_interviews_per_checkpoint": ["reliability_therapist_interviews_per_checkpoint",
                                              "reliability_client_interviews_per_checkpoint"],
    "n_themes": ["n_positive_themes", "n_negative_themes"],
}


def _verdict(conventions: tuple[str, ...]) -> str:
    if {"half_up", "half_down"} & set(conventions):
        return "consistent"
    if conventions:
        return "consistent only under " + " / ".join(conventions)
    return "inconsistent"


def audit_reported_values(reported=None):
    """Return one row per reported value: the check applied, its verdict and a detail.

    Percentages with a denominator get :func:`percent_check`; shares printed
    with a count get :func:`percent_total_check` (which totals they imply);
    means get :func:`grim` and SDs :func:`grimmer` with the printed ranges as
    scale limits; counts that other counts determine are added up; kappas are
    range-checked.  Everything else is listed as not checkable.
    """
    import pandas as pd

    from . import data

    r = data.reported() if reported is None else reported

    def val(k):
        return k if isinstance(k, int) or k is None else int(r.at[k, "value"])

    rows = []
    for key, row in r.iterrows():
        rep, unit, den = str(row.reported), row.unit, row.denominator
        check, verdict, detail = "none applicable", "not checkable", ""
        if unit == "percent" and pd.notna(den):
            res = percent_check(rep, int(den))
            check, verdict = f"percent: k/{int(den)}", _verdict(res.conventions)
            if res.consistent or res.conventions:
                counts = sorted({c for cs in res.counts_by_convention.values() for c in cs})
                detail = "count(s) " + ", ".join(map(str, counts))
            else:
                fits = res.fitting_n_by_convention
                near = sorted({n for ns in fits.values() for n in ns if abs(n - int(den)) <= 12})
                detail = (f"no count out of {int(den)} fits; nearby denominators that fit: "
                          + (", ".join(map(str, near)) if near else "none within 12")
                          + (f"; smallest: {res.smallest_n}" if res.smallest_n else ""))
        elif key in _SHARE_COUNTS:
            k = int(r.at[_SHARE_COUNTS[key], "value"])
            res = percent_total_check(rep, k)
            totals = getattr(res, "totals", None) or getattr(res, "fitting_n", ())
            check = f"share: {k} / total"
            verdict = "implied total" if totals else "inconsistent"
            detail = f"total between {min(totals)} and {max(totals)}" if totals else "no total fits"
        elif unit == "mean" and pd.notna(den):
            lo, hi = (val(x) for x in _SCALES.get(key, (0, None)))
            res = grim(rep, int(den), scale_min=lo, scale_max=hi)
            check, verdict = f"GRIM, n = {int(den)}", _verdict(res.conventions)
            detail = "sum(s) " + ", ".join(map(str, res.sums_by_convention.get("truncate", ())[:3])) \
                if not res.consistent and res.conventions else ""
        elif unit == "sd" and pd.notna(den):
            mean_key = key.replace("_sd", "_mean")
            lo, hi = (val(x) for x in _SCALES.get(mean_key, (0, None)))
            mean = str(r.at[mean_key, "reported"])
            res = grimmer(mean, rep, int(den), scale_min=lo, scale_max=hi)
            check, verdict = f"GRIMMER with mean {mean}, n = {int(den)}", _verdict(res.conventions)
            detail = "SD definition(s): " + ", ".join(res.sd_definitions) if res.conventions else ""
        elif key in _SUMS:
            parts = [int(r.at[p, "value"]) for p in _SUMS[key]]
            check = " + ".join(_SUMS[key])
            verdict = "consistent" if sum(parts) == int(row.value) else "inconsistent"
            detail = f"{' + '.join(map(str, parts))} = {sum(parts)}"
        elif unit == "kappa" and key.endswith("_overall"):
            verdict, check, detail = _pooling_verdict(key, r)
        elif unit == "kappa":
            check = "range [-1, 1]"
            verdict = "consistent" if -1 <= row.value <= 1 else "inconsistent"
            detail = "a part of the overall kappa: see its row"
        rows.append({"key": key, "reported": rep, "check": check, "verdict": verdict, "detail": detail,
                     "explanation": _explain(key, rep, unit, den, verdict, r)})
    return pd.DataFrame(rows)


def _pooling_verdict(key, r) -> tuple[str, str, str]:
    """Check an overall kappa against its checkpoint kappas as a pooled Fleiss' kappa.

    Pooled Fleiss' kappa is never below the smallest part (see
    ``reliability_study.fleiss_pooling_decomposition``), so a printed overall
    value below every printed part is attainable only if the rounding leaves
    room for it.
    """
    from .reliability_study import pooling_consistency

    who = key.removeprefix("kappa_").removesuffix("_overall")
    part_keys = [f"checkpoint{i}_kappa_{who}" for i in (1, 2, 3)]
    parts = [str(r.at[k, "reported"]) for k in part_keys]
    pooled = str(r.at[key, "reported"])
    fits = tuple(rule for rule in ("half_up", "truncate") if pooling_consistency(parts, pooled, rule=rule)["consistent"])
    check = "pooled Fleiss' kappa of " + ", ".join(parts) + " (never below the smallest part)"
    detail = "attainable under " + " / ".join(fits) if fits else "below the smallest part under every rounding rule"
    return _verdict(fits), check, detail


def _explain(key, rep, unit, den, verdict, r) -> str:
    """Return the most plausible explanation of a verdict other than 'consistent'."""
    if verdict in ("consistent", "not checkable"):
        return ""
    if verdict == "implied total":
        return "the total behind the share is not stated; compare the totals the shares imply"
    if verdict.startswith("consistent only under truncate"):
        return "truncation instead of rounding (the rule that also fits other values the paper prints)"
    if verdict.startswith("consistent only under"):
        return "a rounding rule other than the usual one, or a different denominator"
    if unit == "kappa":
        return ("not Fleiss' kappa pooled over the checkpoint codings: another coefficient (e.g. a mean of "
                "pairwise or per-code kappas), other coding units, or more interviews coded in common")
    if "_theme_" in key:
        return "typo: the count is consistent with the other numbers, the percentage is not"
    if unit == "percent":
        res = percent_check(rep, int(den), n_range=(1, int(den)))
        below = [n for n in res.fitting_n if n < int(den)]
        if below:
            return (f"a subsample: missing answers would give a denominator such as {below[-1]} "
                    f"(the largest n below {int(den)} that fits)")
        res_t = percent_check(rep, int(den), rounding="truncate", n_range=(1, int(den)))
        if res_t.fitting_n:
            return f"a subsample with truncation (n = {res_t.fitting_n[-1]} fits when truncated)"
        return "a different denominator"
    if unit in ("mean", "sd"):
        mean_key = key.replace("_sd", "_mean")
        for n in range(int(den) - 1, 0, -1):
            res = grim(str(r.at[mean_key, "reported"]), n, scale_min=0)
            if res.conventions:
                how = "rounded" if {"half_up", "half_down"} & set(res.conventions) else "truncated"
                return f"a subsample: the mean fits n = {n} ({how}), e.g. therapists who reported their years of practice"
    return "unexplained"
