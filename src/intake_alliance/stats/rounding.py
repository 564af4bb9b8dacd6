"""Which exact values print as a reported number: rounding conventions and their intervals.

Summary statistics of whole-number data cannot take every value. A mean of
``n`` integers is a fraction with denominator ``n``; a percentage of ``n``
cases is ``100 k / n``; and a standard deviation of integers is tied to an
integer sum of squares. Once such a value is rounded for print, only some
printed strings are reachable. This module decides, with exact rational
arithmetic, whether a printed value is reachable:

* this module: :func:`round_to`, :func:`rounding_interval` (the exact set of
  values that print as a string, under one convention or the union
  ``"up_or_down"``), the building blocks;
* :mod:`intake_alliance.stats.granularity` -- means (GRIM) and means with standard
  deviations (GRIMMER) of integer data;
* :mod:`intake_alliance.stats.percentages` -- percentages of whole counts.

It is the one place in the package that decides whether a value prints as a
reported string; every other module asks it.

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

import functools
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Integral
from typing import Iterable, Union
from .checks import check_int

__all__ = ["fmt_number", "CONVENTIONS", "CONVENTION_WORDS", "describe_conventions", "ROUNDING_OPTIONS", "Number", "Rounding", "round_to", "RoundingInterval", "rounding_interval", "resolve_rounding"]

#: The five single rounding conventions, in the order used in every report.
CONVENTIONS: tuple[str, ...] = ("half_up", "half_down", "half_even", "truncate", "up")

#: The conventions in words, for sentences a reader reads.
CONVENTION_WORDS: dict[str, str] = {"half_up": "ordinary rounding", "half_down": "rounding half down",
                                    "half_even": "rounding half to even", "truncate": "truncation",
                                    "up": "rounding up"}


def describe_conventions(conventions: Iterable[str]) -> str:
    """The rounding conventions under which a printed value is attainable, as words for a sentence.

    >>> describe_conventions(("truncate",))
    'attainable only by truncation'
    >>> describe_conventions(())
    'not attainable under any rounding rule'
    """
    words = [CONVENTION_WORDS[c] for c in CONVENTIONS if c in set(conventions)]
    if not words:
        return "not attainable under any rounding rule"
    if len(words) == 1:
        return f"attainable only by {words[0]}"
    if len(words) == len(CONVENTIONS):
        return "attainable under every rounding rule"
    return "attainable by " + ", ".join(words[:-1]) + " or " + words[-1]


#: Every accepted value of a ``rounding`` argument given as one string.
ROUNDING_OPTIONS: tuple[str, ...] = CONVENTIONS + ("up_or_down",)

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")

Number = Union[Fraction, Decimal, int]

Rounding = Union[str, Iterable[str]]


def parse_reported(value: object, name: str, *, percent: bool = False) -> Decimal:
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


def decimals_of(value: Decimal) -> int:
    """Return how many digits follow the decimal point of ``value``."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def check_units(n: int, items: int, limit: int, func: str, name: str = "`n` x `items`") -> None:
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
        return Fraction(parse_reported(value, name))
    raise TypeError(
        f"`{name}` must be a Fraction, Decimal, int or str (floats are refused "
        f"because their binary value is not the printed one); got "
        f"{type(value).__name__} {value!r}."
    )


def check_scale(scale_min: object, scale_max: object) -> tuple[int | None, int | None]:
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


def check_in_scale(value: Decimal, name: str, low: int | None, high: int | None) -> None:
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
    places = check_int(decimals, "decimals", 0)
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

    def contains_square_root(self, square: object) -> bool:
        """Return whether the non-negative square root of ``square`` lies in the interval, exactly.

        Used for standard deviations, which are known through their squares
        (a sum of squares divided by n or n - 1) and are rarely rational.
        """
        x = _as_fraction(square, "square")
        if x < 0:
            raise ValueError(f"`square` must not be negative; got {x}.")
        if self.upper < 0 or (self.upper == 0 and not self.upper_closed):
            return False
        if self.lower >= 0:
            low = self.lower * self.lower
            if not (x >= low if self.lower_closed else x > low):
                return False
        high = self.upper * self.upper
        return x <= high if self.upper_closed else x < high

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
        One of :data:`CONVENTIONS`, or ``"up_or_down"`` for the values that print as
        ``reported`` under half_up *or* half_down (the closed interval around it).

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
    if isinstance(reported, (str, Decimal)) and isinstance(convention, str):
        # the printed form is part of the key: Decimal("2.5") == Decimal("2.50"), but they are different intervals
        return _remembered_interval(str(reported), reported, convention)
    return _interval_of(reported, convention)


@functools.lru_cache(maxsize=4096)
def _remembered_interval(printed: str, reported: str | Decimal, convention: str) -> RoundingInterval:
    """:func:`rounding_interval`, remembered: GRIMMER asks for the same few intervals thousands of times."""
    return _interval_of(reported, convention)


def _interval_of(reported: object, convention: object) -> RoundingInterval:
    value = parse_reported(reported, "reported")
    rule = "up_or_down" if convention == "up_or_down" else _check_convention(convention)
    places = decimals_of(value)
    k = int(Fraction(value) * 10**places)
    h = Fraction(1, 2)
    if rule == "up_or_down":  # the union of the half_up and half_down intervals: both ends included
        lo, hi, lc, hc = k - h, k + h, True, True
    elif rule == "half_up":
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


def rounding_label(rounding: Rounding) -> str:
    """Return a printable label for a ``rounding`` argument."""
    if isinstance(rounding, str):
        return rounding
    return "+".join(resolve_rounding(rounding))


def numerators_in(
    interval: RoundingInterval,
    denominator: int,
    scale: Fraction,
    k_min: int | None = None,
    k_max: int | None = None,
) -> tuple[int, ...]:
    """Return the integers k with ``scale * k / denominator`` in ``interval``.

    That is, the integers of the interval scaled by ``denominator / scale``: two exact end points, no loop over k.
    """
    ks = interval.scaled(Fraction(denominator) / scale).integers()
    first = ks.start if k_min is None else max(ks.start, k_min)
    last = ks.stop - 1 if k_max is None else min(ks.stop - 1, k_max)
    return tuple(range(first, last + 1))


def reported_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def fmt_number(value: float, decimals: int) -> str:
    """Return ``value`` rounded half-up to ``decimals`` places as a string (trailing zeros kept)."""
    # repr() gives the shortest decimal that reads back as the float, so a
    # computed 45.45 is rounded as the decimal 45.45, not its binary neighbour.
    return str(round_to(Decimal(repr(float(value))), decimals, "half_up"))
