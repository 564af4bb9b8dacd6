"""What each function of the package did while it ran, in this process: the data files it read, whether it drew
random numbers.

:func:`intake_alliance.data.load` (the data package's only door) and :func:`intake_alliance.stats.checks.make_rng`
(the only source of random numbers) :func:`credit` what happened, crediting every function of the package on the
stack at that moment. The record a chapter keeps beside each glued number (``book/provenance.py``) reads it back
to name the files a number was computed from and to say when it rests on random draws. This module sits beside
the layers and imports none of them.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

__all__ = ["credit", "of", "remembered", "RANDOM"]

#: the item noted for a function that drew random numbers (files are noted by their path, ``data/...``)
RANDOM = "random draws"
_NOTED: dict[str, set[str]] = {}


def _callers(frame: Any) -> list[str]:
    """The package's functions on the stack from ``frame`` outwards, as ``module.qualname``."""
    names = []
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("intake_alliance") and frame.f_code.co_name != "<module>":
            names.append(f"{module}.{frame.f_code.co_qualname}")
        frame = frame.f_back
    return names


def credit(items: set[str] | frozenset[str], frame: Any) -> None:
    """Credit ``items`` to every function of the package on the stack from ``frame`` outwards."""
    for name in _callers(frame):
        _NOTED.setdefault(name, set()).update(items)


def of(function: str) -> list[str]:
    """What was noted for ``function`` (``module.qualname``) in this process, sorted."""
    return sorted(_NOTED.get(function, ()))


def forget() -> None:
    """Clear every note (tests)."""
    _NOTED.clear()


def remembered(fn: Any) -> Any:
    """``functools.lru_cache(maxsize=1)`` that keeps the ledger true: a call answered from the cache credits
    its callers with what the call that filled the cache noted (the files it read)."""
    cached = functools.lru_cache(maxsize=1)(fn)
    name, own = f"{fn.__module__}.{fn.__qualname__}", set()

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        out = cached(*args, **kwargs)
        own.update(_NOTED.get(name, ()))
        credit(frozenset(own), sys._getframe(1))
        return out

    call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return call
