"""Reading speed of a large REFI-QDA project, and the time of per-code agreement on it (issue 20).

Scenario: a generated project in a temporary folder -- 3 coders, 400 plain-text
sources of about 100 KB each (about 40 MB of text in made-up words, paragraphs of about 500
characters separated by blank lines), a codebook of 20 codes nested two deep
(4 groups of 5), and about 40,000 codings. The codings come from 16,000
"true" segments of one to three paragraphs: each coder codes each segment with
probability 0.75, with start and end moved by up to 40 characters, and 4,000
further codings are made by one coder alone. The texts are random words, the
generator seeded, so every run writes the same project.

Reported: the size of the archive and of its XML, the time to write it
(:func:`write_project`, not a target), the best of 3 runs of
:func:`read_project`, and one run each of :func:`code_agreement` with source
and paragraph units (with the default 1,000 bootstrap resamples for alpha's
interval, and with none), plus the process's peak resident memory.

Run with the package importable, e.g.
    PYTHONPATH=src python bench/qdpx_read.py
"""

from __future__ import annotations

import platform
import resource
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

import intake_alliance
from intake_alliance.stats import code_agreement, read_project, write_project

N_SOURCES, TEXT_CHARS, PARAGRAPH_CHARS = 400, 100_000, 500
CODERS = ["coder_a", "coder_b", "coder_c"]
N_GROUPS, CODES_PER_GROUP = 4, 5
N_SEGMENTS, P_CODE, N_LONE, JITTER = 16_000, 0.75, 4_000, 40
REPEATS = 3
#: A vocabulary of 20,000 made-up words (3 to 9 letters, seeded), so that the texts compress about as poorly as
#: real transcripts do and the archive is tens of MB, not a few.
_VOCABULARY = np.random.default_rng(7)
WORDS = np.array(["".join(_VOCABULARY.choice(list("abcdefghijklmnopqrstuvwxyz"), size=int(_VOCABULARY.integers(3, 10))))
                  for _ in range(20_000)])


def _text(rng: np.random.Generator) -> tuple[str, np.ndarray]:
    """About TEXT_CHARS characters of random words in paragraphs; also the (start, end) of every paragraph."""
    paragraphs, spans, pos = [], [], 0
    while pos < TEXT_CHARS:
        para = " ".join(rng.choice(WORDS, size=PARAGRAPH_CHARS // 7))
        paragraphs.append(para)
        spans.append((pos, pos + len(para)))
        pos += len(para) + 2
    return "\n\n".join(paragraphs), np.array(spans)


def _codings(rng: np.random.Generator, spans: list[np.ndarray], codes: list[str]) -> list[dict]:
    rows = []

    def add(source: int, first: int, last: int, code: str, coder: str) -> None:
        length = spans[source][-1, 1]
        start = int(np.clip(spans[source][first, 0] + rng.integers(-JITTER, JITTER + 1), 0, length))
        end = int(np.clip(spans[source][last, 1] + rng.integers(-JITTER, JITTER + 1), start, length))
        rows.append({"source": f"interview_{source:03d}", "code": code, "coder": coder, "start": start, "end": end})

    for _ in range(N_SEGMENTS):
        source = int(rng.integers(N_SOURCES))
        first = int(rng.integers(len(spans[source]) - 3))
        last, code = first + int(rng.integers(3)), codes[int(rng.integers(len(codes)))]
        for coder in CODERS:
            if rng.random() < P_CODE:
                add(source, first, last, code, coder)
    for _ in range(N_LONE):
        source = int(rng.integers(N_SOURCES))
        first = int(rng.integers(len(spans[source])))
        add(source, first, first, codes[int(rng.integers(len(codes)))], CODERS[int(rng.integers(len(CODERS)))])
    return rows


def generate(path: Path, seed: int = 20) -> int:
    """Write the project; return the number of codings."""
    rng = np.random.default_rng(seed)
    groups = [{"guid": None, "name": f"group {g + 1}", "codable": False} for g in range(N_GROUPS)]
    codes = pd.DataFrame(groups + [{"name": f"code {g + 1}.{k + 1}", "group": g}
                                   for g in range(N_GROUPS) for k in range(CODES_PER_GROUP)])
    codes["guid"] = [f"00000000-0000-4000-8000-{i:012d}" for i in range(len(codes))]
    codes["parent_guid"] = [None if pd.isna(g) else codes["guid"][int(g)] for g in codes["group"]]
    texts = [_text(rng) for _ in range(N_SOURCES)]
    sources = [{"name": f"interview_{i:03d}", "text": t} for i, (t, _) in enumerate(texts)]
    codings = _codings(rng, [s for _, s in texts], list(codes["name"][N_GROUPS:]))
    write_project(path, [{"name": c} for c in CODERS], codes.drop(columns="group"), sources, codings, name="bench")
    return len(codings)


def _timed(func, *args, **kwargs):
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start


def main() -> None:
    print(f"intake_alliance from {intake_alliance.__file__}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, {platform.machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.qdpx"
        n_codings, t_write = _timed(generate, path)
        with zipfile.ZipFile(path) as zf:
            xml = zf.getinfo("project.qde").file_size
            text = sum(i.file_size for i in zf.infolist() if i.filename.startswith("Sources/"))
        print(f"\nproject: {N_SOURCES} sources, {len(CODERS)} coders, {N_GROUPS * CODES_PER_GROUP} codes, "
              f"{n_codings:,} codings")
        print(f"archive {path.stat().st_size / 2**20:.1f} MiB on disk; uncompressed: XML {xml / 2**20:.1f} MiB, "
              f"texts {text / 2**20:.1f} MiB; written in {t_write:.1f} s\n")
        times = []
        for _ in range(REPEATS):
            project, t = _timed(read_project, path)
            times.append(t)
        print(f"read_project            best of {REPEATS}: {min(times):6.2f} s  (all: "
              f"{', '.join(f'{t:.2f}' for t in times)})")
        for unit in ("source", "paragraph"):
            for n_resamples in (1000, 0):
                table, t = _timed(code_agreement, project, unit=unit, n_resamples=n_resamples)
                overall = table.set_index("code").loc["overall"]
                print(f"code_agreement {unit:<9} n_resamples={n_resamples:<5}: {t:6.2f} s  "
                      f"({overall['units']:,} units; overall kappa {overall['kappa']:.3f}, "
                      f"prevalence {overall['prevalence']:.3f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of the process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
