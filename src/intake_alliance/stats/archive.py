"""Bounded reading of untrusted zip archives (REFI-QDA ``.qdpx`` projects).

A project exported by a QDA program is a zip archive that anyone can hand a
teacher. Reading it must not cost unbounded memory or time, and a damaged
archive must give one line naming the file and the problem, not a traceback.

* :class:`Limits` -- the caps, each with the command-line option that raises it;
* :func:`read_member` -- reads one member in a stream, refusing it before and
  while inflating when it exceeds the member cap, the total budget or the
  compression ratio of a zip bomb, and turning every error the zip and zlib
  modules raise on damaged, encrypted or unsupported members into
  :class:`ProjectError`;
* :func:`check_count` -- the same one-line refusal for counts (sources,
  codings, codes, nesting depth, units) before the work that depends on them.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["ProjectError", "Limits", "read_member", "check_count", "refuse_duplicate_guids", "unique_labels", "MIB"]

MIB = 1 << 20


class ProjectError(ValueError):
    """A ``.qdpx`` file that cannot be read (damaged, beyond the limits), or a request the project cannot answer;
    the message names the file."""


@dataclass(frozen=True)
class Limits:
    """Caps for reading one untrusted project (sizes in MiB of inflated data).

    The defaults are far above any real project of a qualitative study (a book of interviews is a few MiB)
    and far below what would strain a laptop. Each refusal names the option that raises the cap.
    """

    max_member_mib: float = 64.0  #: one member inflated (the project XML or one source's text)
    max_total_mib: float = 256.0  #: all members read, together
    max_ratio: float = 200.0  #: inflated / compressed size of a member over 1 MiB (zip bombs reach 1000)
    max_sources: int = 50_000
    max_codings: int = 1_000_000
    max_codes: int = 5_000  #: each code compared costs about 10 ms
    max_depth: int = 64  #: nesting of codes in the codebook
    max_members: int = 100_000  #: files inside the archive
    max_units: int = 1_000_000  #: paragraphs (or sources) compared, and units x codes x coders cells / 100
    options: dict = field(default_factory=lambda: {
        "max_member_mib": "--max-mib", "max_total_mib": "--max-mib", "max_ratio": "--max-ratio",
        "max_sources": "--max-units", "max_codings": "--max-units",
        "max_depth": "--max-depth", "max_units": "--max-units", "max_members": "--max-units",
        "max_codes": "--max-codes"})

    def raise_with(self, name: str) -> str:
        """How to raise the limit ``name``: the command-line option and the keyword of this class."""
        return f"raise it with {self.options[name]} (or Limits({name}=...)) if the file is legitimate"


class Budget:
    """Inflated bytes read so far from one archive, against :attr:`Limits.max_total_mib`."""

    def __init__(self, limits: Limits):
        self.limits, self.used = limits, 0

    def take(self, n: int, where: str) -> None:
        self.used += n
        if self.used > self.limits.max_total_mib * MIB:
            raise ProjectError(f"{where}: the archive inflates to more than {self.limits.max_total_mib:g} MiB in "
                               f"all (limit max_total_mib); {self.limits.raise_with('max_total_mib')}")


def read_member(zf: zipfile.ZipFile, name: str, where: str, limits: Limits, budget: Budget) -> bytes:
    """Return the bytes of member ``name``, read in a stream and never beyond the limits.

    The sizes in the zip headers are checked first (cheap), then the stream is read only up to the cap, so a
    header that lies about the size still cannot make the reader hold more than the cap.
    """
    info = zf.getinfo(name)
    cap = int(limits.max_member_mib * MIB)
    if info.flag_bits & 0x1:
        raise ProjectError(f"{where}: member {name} is encrypted; export the project again without a password")
    if info.file_size > cap:
        raise ProjectError(f"{where}: member {name} inflates to {info.file_size / MIB:.0f} MiB, more than the "
                           f"{limits.max_member_mib:g} MiB allowed (limit max_member_mib); "
                           f"{limits.raise_with('max_member_mib')}")
    if info.file_size > MIB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise ProjectError(f"{where}: member {name} inflates {info.file_size / max(info.compress_size, 1):.0f} "
                           f"times (limit max_ratio {limits.max_ratio:g}), as a zip bomb does; "
                           f"{limits.raise_with('max_ratio')}")
    try:
        with zf.open(info) as stream:
            data = stream.read(cap + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ProjectError(f"{where}: member {name} is damaged and cannot be inflated ({exc})") from None
    except NotImplementedError as exc:
        raise ProjectError(f"{where}: member {name} uses a compression method this reader does not support "
                           f"({exc}); export the project again with ordinary (deflate) compression") from None
    except RuntimeError as exc:  # zipfile raises it for encrypted members
        raise ProjectError(f"{where}: member {name} cannot be read ({exc})") from None
    if len(data) > cap:
        raise ProjectError(f"{where}: member {name} inflates to more than {limits.max_member_mib:g} MiB although "
                           f"its header says {info.file_size} bytes (limit max_member_mib); "
                           f"{limits.raise_with('max_member_mib')}")
    budget.take(len(data), where)
    return data


def check_count(count: int, name: str, what: str, where: str, limits: Limits) -> None:
    """Refuse ``count`` ``what`` (sources, codings ...) beyond the limit ``name`` of ``limits``, in one line."""
    cap = getattr(limits, name)
    if count > cap:
        raise ProjectError(f"{where}: {count:,} {what}, more than the {cap:,} allowed (limit {name}); "
                           f"{limits.raise_with(name)}")


def refuse_duplicate_guids(table: pd.DataFrame, element: str, where: str) -> None:
    """No silent wrong agreement: two elements with one GUID would merge two coders, sources or codes."""
    missing = table[table["guid"].isna()]
    if len(missing):
        raise ProjectError(f"{where}: a <{element}> ({missing['name'].iloc[0]!r}) has no guid attribute, which "
                           "QDA-XML requires")
    dup = table[table["guid"].duplicated(keep=False)]
    if len(dup):
        guid = dup["guid"].iloc[0]
        names = ", ".join(repr(n) for n in dup.loc[dup["guid"] == guid, "name"])
        raise ProjectError(f"{where}: {(dup['guid'] == guid).sum()} <{element}> elements share the GUID {guid} "
                           f"({names}); each needs its own, or they would be counted as one")


def unique_labels(names, guids, repeated) -> list[str]:
    """Names made unique by their GUID's first eight characters, or the whole GUID where those repeat too."""
    short = [f"{n} ({g[:8]})".lstrip() if rep else n for n, g, rep in zip(names, guids, repeated)]
    clash = pd.Series(short).duplicated(keep=False).to_numpy()
    return [f"{n} ({g})".lstrip() if c else s for n, g, s, c in zip(names, guids, short, clash)]
