"""A corpus of damaged and hostile REFI-QDA projects, generated (no committed blobs).

Each entry of :func:`corpus` is ``(name, builder, expected)``: ``builder(folder)`` writes the file and
returns its path; ``expected`` is a fragment of the one-line error the ``agreement`` command must print
(or ``None`` when the file must be read and give a table). ``python tests/hostile_qdpx.py FOLDER`` writes
them all, for trying the command by hand.
"""

from __future__ import annotations

import struct
import sys
import zipfile
from pathlib import Path

USERS = ('<User guid="5d95a60e-d1fb-516a-bb44-487956694e36" name="ann" />'
         '<User guid="b7364a3b-275f-53fb-8491-371fd045ad17" name="bob" />')
ANN, BOB = "5d95a60e-d1fb-516a-bb44-487956694e36", "b7364a3b-275f-53fb-8491-371fd045ad17"
CODE = "7cc346c7-1cb6-59a6-8c68-0e6f1c804c78"
CODES = f'<Code guid="{CODE}" name="X" isCodable="true" />'
_N = [0]


def _guid() -> str:
    _N[0] += 1
    return f"00000000-0000-4000-8000-{_N[0]:012d}"


def selection(start, end, user=ANN, code=CODE, kind="PlainTextSelection") -> str:
    pos = "".join(f' {k}="{v}"' for k, v in (("startPosition", start), ("endPosition", end)) if v is not None)
    return (f'<{kind} guid="{_guid()}"{pos} creatingUser="{user}"><Coding guid="{_guid()}" creatingUser="{user}">'
            f'<CodeRef targetGUID="{code}" /></Coding></{kind}>')


def source(name: str, text: str, selections: str, guid: str | None = None) -> str:
    guid = guid or _guid()
    return f'<TextSource guid="{guid}" name="{name}"><PlainTextContent>{text}</PlainTextContent>{selections}</TextSource>'


def qde(users: str = USERS, codes: str = CODES, sources: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
            f"<Users>{users}</Users><CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{sources}</Sources></Project>")


def two_sources() -> str:
    return (source("a", "some text", selection(0, 4) + selection(0, 4, BOB))
            + source("b", "more text", selection(0, 4)))


def write(folder: Path, name: str, xml: str | bytes, extra: dict[str, bytes] | None = None,
          method: int = zipfile.ZIP_DEFLATED) -> Path:
    path = folder / f"{name}.qdpx"
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("project.qde", xml)
        for member, data in (extra or {}).items():
            zf.writestr(member, data)
    return path


def _patch(path: Path, offset_of, data: bytes) -> Path:
    raw = bytearray(path.read_bytes())
    at = offset_of(raw)
    raw[at:at + len(data)] = data
    path.write_bytes(bytes(raw))
    return path


def corrupt_deflate(folder: Path) -> Path:
    path = write(folder, "corrupt_deflate", qde(sources=two_sources()))
    return _patch(path, lambda raw: 30 + len("project.qde") + 5, b"\xff\xff\xff\xff\xff\xff")


def bad_crc(folder: Path) -> Path:
    path = write(folder, "bad_crc", qde(sources=two_sources()), method=zipfile.ZIP_STORED)
    body = 30 + len("project.qde")
    return _patch(path, lambda raw: body + 200, b"Z")  # a stored byte changed: only the CRC tells


def encrypted(folder: Path) -> Path:
    path = write(folder, "encrypted", qde(sources=two_sources()))
    raw = bytearray(path.read_bytes())
    raw[6:8] = struct.pack("<H", struct.unpack("<H", raw[6:8])[0] | 1)  # local header flag
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 8:cd + 10] = struct.pack("<H", struct.unpack("<H", raw[cd + 8:cd + 10])[0] | 1)
    path.write_bytes(bytes(raw))
    return path


def deflate64(folder: Path) -> Path:
    path = write(folder, "deflate64", qde(sources=two_sources()))
    raw = bytearray(path.read_bytes())
    raw[8:10] = struct.pack("<H", 9)
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 10:cd + 12] = struct.pack("<H", 9)
    path.write_bytes(bytes(raw))
    return path


def zip_bomb(folder: Path) -> Path:
    """A project whose source text inflates 1000-fold (80 MiB from about 80 KiB)."""
    xml = qde(sources=f'<TextSource guid="{_guid()}" name="a" plainTextPath="internal://a.txt">'
                      f'{selection(0, 4)}{selection(0, 4, BOB)}</TextSource>')
    return write(folder, "zip_bomb", xml, {"Sources/a.txt": b"a" * (80 << 20)})


def empty_paragraphs(folder: Path) -> Path:
    """Two million paragraphs of one space each, from a few kilobytes."""
    text = " \n" * 2_000_000
    return write(folder, "empty_paragraphs", qde(sources=source("a", text, selection(0, 1) + selection(0, 1, BOB))
                                                 + source("b", "x", "")))


def many_paragraphs(folder: Path) -> Path:
    """Two million short numbered paragraphs (about 15 MiB, not a bomb): beyond the paragraph-unit limit."""
    text = "".join(f"{i}\n" for i in range(2_000_000))
    return write(folder, "many_paragraphs", qde(sources=source("a", text, selection(0, 1) + selection(0, 1, BOB))
                                                + source("b", "x", "")))


def nested_codes(folder: Path, depth: int = 5000) -> Path:
    codes = "".join(f'<Code guid="{_guid()}" name="c{i}">' for i in range(depth)) + "</Code>" * depth
    return write(folder, "nested_codes", qde(codes=CODES + codes, sources=two_sources()))


CORPUS = [
    ("duplicate_user", lambda f: write(f, "duplicate_user", qde(
        users=USERS + f'<User guid="{ANN}" name="ann again" />', sources=two_sources())), "share the GUID"),
    ("duplicate_source", lambda f: write(f, "duplicate_source", qde(sources=source("a", "t one", selection(0, 1),
                                                                                   guid=ANN[::-1])
                                                                    + source("b", "t two", selection(0, 1, BOB),
                                                                             guid=ANN[::-1]))), "share the GUID"),
    ("duplicate_code", lambda f: write(f, "duplicate_code", qde(codes=CODES + f'<Code guid="{CODE}" name="Y" />',
                                                                sources=two_sources())), "share the GUID"),
    ("selection_without_positions", lambda f: write(f, "no_positions", qde(sources=source(
        "a", "abc", selection(None, None) + selection(0, 1, BOB)) + source("b", "x", ""))), "lacks startPosition"),
    ("huge_position", lambda f: write(f, "huge_position", qde(sources=source(
        "a", "abc", selection(0, 10 ** 30)) + source("b", "x", selection(0, 1, BOB)))), "beyond any text"),
    ("single_source", lambda f: write(f, "single_source", qde(sources=source(
        "a", "abc", selection(0, 1) + selection(0, 1, BOB)))), "agreement needs at least two"),
    ("corrupt_deflate", corrupt_deflate, "damaged"),
    ("bad_crc", bad_crc, "damaged"),
    ("encrypted", encrypted, "encrypted"),
    ("deflate64", deflate64, "compression method"),
    ("zip_bomb", zip_bomb, "max_member_mib"),
    ("empty_paragraphs", empty_paragraphs, "max_ratio"),
    ("many_paragraphs", many_paragraphs, "max_units"),
    ("nested_codes", nested_codes, "max_depth"),
    ("unknown_xml_encoding", lambda f: write(f, "badenc", qde(sources=two_sources()).replace(
        'encoding="utf-8"', 'encoding="bogus-enc"')), "cannot be decoded"),
    ("terminal_escape_in_member_name", lambda f: write(f, "escape_name", qde(sources=two_sources()),
                                                       {"readme\n\x1b[2J\x1b[31mOK, kappa 1.00.txt": b"x"}), None),
    ("pdf_selection_in_a_text", lambda f: write(f, "pdf_in_text", qde(sources=source(
        "a", "one\ntwo", selection(None, None, kind="PDFSelection") + selection(0, 2, BOB))
        + source("b", "x", selection(0, 1)))), "select no characters"),
    ("entity_expansion", lambda f: write(f, "entities", qde(sources=two_sources()).replace(
        "<Project ", '<!DOCTYPE Project [<!ENTITY e "<u/><u/><u/><u/>">]><Project ', 1).replace(
        "<Users>", "<Extra>" + "&e;" * 1000 + "</Extra><Users>", 1)), "declares a DTD"),
    ("duplicate_member", lambda f: write(f, "dup_member", qde(sources=two_sources()),
                                         {"Sources/a.txt": b"one", "SOURCES/A.TXT": b"two"}), "more than one member"),
    ("underscore_position", lambda f: write(f, "underscore", qde(sources=source(
        "a", "abcdefghijklmn", selection(0, "1_1")) + source("b", "x", selection(0, 1, BOB)))), "not an integer"),
    ("formula_code", lambda f: write(f, "formula_code", qde(
        codes=CODES.replace('name="X"', 'name="=cmd|\' /C calc\'!A0"'), sources=two_sources())), None),
    ("zero_length_on_line_break", lambda f: write(f, "zero_length", qde(sources=source(
        "a", "one\ntwo", selection(3, 3) + selection(0, 2, BOB)) + source("b", "x", selection(0, 1)))), None),
]


def corpus():
    return CORPUS


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, build, _ in CORPUS:
        print(build(out))
