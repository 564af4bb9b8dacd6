"""Deterministic builds: a second clean build gives the same notebooks, numbers, figures and pages.

The first build is the session's ``built_book`` (made as ``make book`` does, the
notebooks executed in two processes beforehand); one more clean build, plain
``jupyter-book build`` with myst-nb executing the notebooks one by one, goes
into a temporary folder and the two are compared: the outputs of every executed cell,
the glued values of every page, every figure and every HTML page byte for byte.
Random ids (pandas Styler tables), PNG timestamps and SVG hash salts would
show up here (see plots.setup and the fixed Styler ids in the notebooks).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from intake_alliance.book.execution import inputs_hash



def _outputs(nb: Path) -> list[list[dict]]:
    """Return the outputs of every code cell (cell ids and timing metadata are not compared).

    Consecutive stream outputs of one stream are joined, as the page shows them (myst-nb's merge_streams):
    how the kernel batches printed lines into messages depends on timing, not on what was printed.
    """
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    return [_merged(c.get("outputs", [])) for c in cells if c["cell_type"] == "code"]


def _merged(outputs: list[dict]) -> list[dict]:
    out: list[dict] = []
    for o in outputs:
        if o.get("output_type") == "stream" and out and out[-1].get("output_type") == "stream" \
                and out[-1].get("name") == o.get("name"):
            out[-1] = {**out[-1], "text": "".join(out[-1]["text"]) + "".join(o["text"])}
        else:
            out.append(o)
    return [{**o, "text": "".join(o["text"])} if o.get("output_type") == "stream" else o for o in out]


def test_stream_batches_are_compared_as_the_page_shows_them() -> None:
    one = [{"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]}]
    two = [{"output_type": "stream", "name": "stdout", "text": ["a\n"]},
           {"output_type": "stream", "name": "stdout", "text": ["b\n"]}]
    assert _merged(one) == _merged(two)
    assert _merged(one) != _merged([{"output_type": "stream", "name": "stdout", "text": ["a\n", "c\n"]}])
    assert _merged(two + [{"output_type": "stream", "name": "stderr", "text": ["e"]}])[-1]["name"] == "stderr"


def _files(root: Path, pattern: str) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob(pattern)) if p.is_file()}


@pytest.mark.slow
def test_building_changes_nothing_under_src_data_or_static(built_book: Path, second_build: Path) -> None:
    """Both builds (the session's records the inputs it built from) leave src/, data/ and _static/ as they were."""
    recorded = built_book.parent / ".inputs.sha256"
    if not recorded.is_file():
        pytest.skip("built_book has no recorded inputs beside it (BUILT_BOOK reuse?)")
    assert recorded.read_text(encoding="utf-8").strip() == inputs_hash(), "a build changed src/, data/ or _static/"


@pytest.mark.slow
def test_executed_notebooks_have_identical_outputs(built_book: Path, second_build: Path) -> None:
    """Compare the executed notebooks kept in each build's jupyter-cache (one folder per notebook hash).

    The cache holds every output of every cell. The copies myst-nb writes to
    ``_build/jupyter_execute`` are not compared: when a notebook comes from the
    cache (as in ``make book``, or any rebuild) myst-nb writes them without the
    cells' execute_result outputs, so they differ from a fresh execution even
    though the pages (compared below) are the same.
    """
    first = _files(built_book.parent / ".jupyter_cache" / "executed", "*.ipynb")
    second = _files(second_build / ".jupyter_cache" / "executed", "*.ipynb")
    assert first.keys() == second.keys() and len(first) >= 5
    for name, path in first.items():
        a, b = _outputs(path), _outputs(second[name])
        assert sum(map(len, a)) > 0, f"{name}: no outputs at all"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert x == y, f"{name}: code cell {i} gave different outputs in two builds"


@pytest.mark.slow
def test_glued_values_are_identical(built_book: Path, second_build: Path) -> None:
    first = _files(built_book.parent / "jupyter_execute", "*.glue.json")
    second = _files(second_build / "jupyter_execute", "*.glue.json")
    assert first.keys() == second.keys() and first
    for name, path in first.items():
        assert json.loads(path.read_text()) == json.loads(second[name].read_text()), name


@pytest.mark.slow
def test_figures_are_byte_identical(built_book: Path, second_build: Path) -> None:
    first, second = _files(built_book / "_images", "*"), _files(second_build / "html" / "_images", "*")
    assert first.keys() == second.keys() and first
    differ = [n for n, p in first.items() if p.read_bytes() != second[n].read_bytes()]
    assert not differ, f"figures differ between two builds: {differ}"


#: The one page that reports the build itself: myst-nb's execution table gives
#: when each notebook ran and for how long, which no two builds share.
EXEC_STATUS = "notebooks/execution_status"


def _comparable(name: str, path: Path) -> bytes:
    """The bytes of a built file, with the execution-statistics table taken out where it appears."""
    raw = path.read_bytes()
    if name == f"{EXEC_STATUS}.html":
        raw, n = re.subn(rb'<table class="table">.*?</table>', b"<table/>", raw, count=1, flags=re.S)
        assert n == 1, "the execution status page has no execution table"
    elif name == "searchindex.js":
        index = json.loads(raw.decode("utf-8").removeprefix("Search.setIndex(").removesuffix(")"))
        doc = index["docnames"].index(EXEC_STATUS)
        for key in ("terms", "titleterms"):
            kept = {}
            for term, postings in index[key].items():
                postings = [d for d in (postings if isinstance(postings, list) else [postings]) if d != doc]
                if postings:
                    kept[term] = postings
            index[key] = kept
        raw = json.dumps(index, sort_keys=True).encode()
    return raw


@pytest.mark.slow
def test_pages_are_byte_identical(built_book: Path, second_build: Path) -> None:
    """Every page, byte for byte; on the execution status page, everything but the timing table."""
    first = _files(built_book, "*.html") | _files(built_book, "searchindex.js")
    second = _files(second_build / "html", "*.html") | _files(second_build / "html", "searchindex.js")
    first = {k: v for k, v in first.items() if not k.startswith("reports/")}
    second = {k: v for k, v in second.items() if not k.startswith("reports/")}
    assert first.keys() == second.keys()
    assert f"{EXEC_STATUS}.html" in first
    differ = [n for n, p in first.items() if _comparable(n, p) != _comparable(n, second[n])]
    assert not differ, f"pages differ between two builds: {differ}"


def test_styled_table_text_has_no_memory_address() -> None:
    import pandas as pd

    from intake_alliance.figures import styler_text

    text = styler_text(pd.DataFrame({"a": [1, 2], "b": [3, 4]}).style)
    assert text == "<pandas Styler: 2 rows x 2 columns>" and "0x" not in text
