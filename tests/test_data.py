"""The data package: every table loads, and corrupted copies are refused with the file named."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from intake_alliance import data

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", data.resource_names())
def test_every_resource_loads(name: str) -> None:
    table = data.load(name)
    assert len(table) > 0
    assert table.attrs["resource"] == name


def test_every_file_under_data_is_described() -> None:
    rows = data.check_all()
    assert set(rows) == set(data.resource_names())


def test_hashes_are_sha256_of_the_files() -> None:
    pkg = data.datapackage()
    for res in pkg["resources"]:
        path = data.DATA_DIR / res["path"]
        assert res["hash"] == "sha256:" + data.sha256(path), res["path"]
        assert res["bytes"] == path.stat().st_size, res["path"]


def test_datapackage_has_licence_and_sources() -> None:
    pkg = data.datapackage()
    assert pkg["licenses"] and pkg["sources"]
    for res in pkg["resources"]:
        assert res["schema"]["fields"], res["name"]
        kind = res["intake_alliance:kind"]
        assert kind in {"published", "derived", "teaching", "audit"}
        assert res["path"].startswith(kind + "/"), f"{res['name']}: kind {kind} but path {res['path']}"


def _corrupt(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changed_byte_is_rejected_naming_the_file(data_copy: Path) -> None:
    path = data_copy / "published" / "reported_values.csv"
    raw = bytearray(path.read_bytes())
    i = raw.index(b"48.0")
    raw[i] = ord("4") if raw[i] != ord("4") else ord("5")
    raw[i + 1] = ord("9")
    path.write_bytes(bytes(raw))
    with pytest.raises(data.DataIntegrityError, match=r"data/published/reported_values\.csv: sha256"):
        data.load("reported_values", root=data_copy)


def test_missing_file_is_rejected_naming_the_file(data_copy: Path) -> None:
    (data_copy / "published" / "themes.csv").unlink()
    with pytest.raises(data.DataIntegrityError, match=r"data/published/themes\.csv: file is missing"):
        data.load("themes", root=data_copy)


def test_dropped_column_is_rejected_even_after_rehash(data_copy: Path) -> None:
    path = data_copy / "published" / "theme_frequencies.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="denominator")
    table.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(data.DataIntegrityError, match=r"theme_frequencies\.csv: missing column\(s\) \['denominator'\]"):
        data.rehash(root=data_copy)  # rehash validates first, so a broken file is never blessed
    pkg = json.loads((data_copy / "datapackage.json").read_text())
    for res in pkg["resources"]:
        if res["name"] == "theme_frequencies":
            res["hash"] = "sha256:" + data.sha256(path)
    (data_copy / "datapackage.json").write_text(json.dumps(pkg))
    with pytest.raises(data.DataIntegrityError, match=r"data/published/theme_frequencies\.csv: missing column"):
        data.load("theme_frequencies", root=data_copy)


def _rehash_one(root: Path, name: str) -> None:
    pkg = json.loads((root / "datapackage.json").read_text())
    for res in pkg["resources"]:
        if res["name"] == name:
            res["hash"] = "sha256:" + data.sha256(root / res["path"])
    (root / "datapackage.json").write_text(json.dumps(pkg))


def test_negative_count_is_rejected(data_copy: Path) -> None:
    path = data_copy / "published" / "theme_frequencies.csv"
    _corrupt(path, ",48,94.1%", ",-48,94.1%")
    _rehash_one(data_copy, "theme_frequencies")
    with pytest.raises(data.DataIntegrityError, match=r"theme_frequencies\.csv: column 'n', line 2: -48 is below the minimum 0"):
        data.load("theme_frequencies", root=data_copy)


def test_non_numeric_value_is_rejected_not_coerced(data_copy: Path) -> None:
    path = data_copy / "published" / "reported_values.csv"
    _corrupt(path, "n_clinics,4.0,", "n_clinics,four,")
    _rehash_one(data_copy, "reported_values")
    with pytest.raises(data.DataIntegrityError, match=r"reported_values\.csv: column 'value', line \d+: 'four' is not a number"):
        data.load("reported_values", root=data_copy)


def test_duplicate_key_is_rejected(data_copy: Path) -> None:
    path = data_copy / "published" / "themes.csv"
    _corrupt(path, "comfortable,Feeling comfortable", "understood,Feeling comfortable")
    _rehash_one(data_copy, "themes")
    with pytest.raises(data.DataIntegrityError, match=r"themes\.csv: column 'key', line 3: 'understood' is duplicated"):
        data.load("themes", root=data_copy)


def test_out_of_range_page_is_rejected(data_copy: Path) -> None:
    path = data_copy / "published" / "themes.csv"
    _corrupt(path, ",Results,1011", ",Results,1111")
    _rehash_one(data_copy, "themes")
    with pytest.raises(data.DataIntegrityError, match=r"themes\.csv: column 'page', line 2: 1111 is above the maximum 1024"):
        data.load("themes", root=data_copy)


def test_undescribed_file_is_rejected(data_copy: Path) -> None:
    (data_copy / "published" / "extra.csv").write_text("a\n1\n")
    with pytest.raises(data.DataIntegrityError, match=r"data/published/extra\.csv: file is not described"):
        data.check_all(root=data_copy)


def test_unknown_resource_and_key_name_the_argument() -> None:
    with pytest.raises(KeyError, match="name: no resource 'nope'"):
        data.load("nope")
    with pytest.raises(KeyError, match="key: 'nope' is not in"):
        data.reported_value("nope")


# --- reported_values content ---------------------------------------------------

def test_reported_strings_parse_to_values() -> None:
    rv = data.load("reported_values")
    words = {"four": 4, "five": 5, "Five": 5, "Thirty-eight": 38, "three": 3, "two": 2, "eight": 8, "twice": 2,
             "three months": 3, "30 minutes": 30, "US$15,000": 15000}
    for _, row in rv.iterrows():
        text = row.reported
        parsed = words[text] if text in words else float(text.rstrip("%"))
        assert parsed == pytest.approx(row.value), row.key


def test_percentages_keep_their_printed_precision() -> None:
    rv = data.reported()
    assert rv.at["therapist_practice_over_threshold_pct", "reported"] == "47.36%"
    assert rv.at["kappa_client_overall", "reported"] == "0.70"
    assert rv.at["therapist_theme_disengagement_pct", "reported"] == "50%"


def test_every_theme_has_three_counts_and_three_percentages() -> None:
    rv = data.reported()
    themes = data.load("themes")
    for key in themes.key:
        for resp in ("client", "therapist", "therapist_interview"):
            assert f"{resp}_theme_{key}_n" in rv.index
            assert f"{resp}_theme_{key}_pct" in rv.index
    assert (themes.valence == "positive").sum() == rv.at["n_positive_themes", "value"]
    assert len(themes) == rv.at["n_themes", "value"]


def test_method_and_results_numbers_are_covered() -> None:
    # Every number of the Method and Results the issue lists must have a row.
    rv = data.reported()
    needed = {
        "therapists_agreed", "therapists_declined", "clients_invited", "clients_agreed", "clients_declined",
        "clients_declined_no_time", "clients_declined_unwell", "clients_declined_recording",
        "clients_no_post_interview", "clients_excluded_recording", "therapists_ashkenazi_included",
        "clients_mizrahi", "clients_ashkenazi", "therapist_female_pct", "therapist_age_mean", "therapist_age_sd",
        "client_age_mean", "client_age_sd", "interview_minutes", "codebook_share_pct", "codebook_interviews_n",
        "checkpoint1_kappa_therapist", "checkpoint3_kappa_client", "kappa_therapist_overall", "kappa_client_overall",
        "client_themes_mean", "client_themes_sd", "therapist_themes_mean", "therapist_themes_sd",
        "dyads_concordant", "dyads_discordant", "therapist_interviews_mean",
    }
    assert needed <= set(rv.index)
    assert rv.page.between(1006, 1024).all()


def test_theme_frequencies_agree_with_reported_values() -> None:
    from intake_alliance.study import frequencies

    r, rows = data.reported(), []
    for _, t in data.load("themes").sort_values("order").iterrows():
        for prefix, (unit, respondent) in frequencies.UNITS.items():
            nk, pk = f"{prefix}_theme_{t.key}_n", f"{prefix}_theme_{t.key}_pct"
            rows.append({"theme": t.key, "valence": t.valence, "respondent": respondent, "unit": unit,
                         "n": int(r.at[nk, "value"]), "percent_reported": r.at[pk, "reported"],
                         "denominator": int(r.at[pk, "denominator"]), "n_key": nk, "percent_key": pk})
    built = pd.DataFrame(rows)
    stored = data.load("theme_frequencies")
    pd.testing.assert_frame_equal(built.reset_index(drop=True), stored.reset_index(drop=True), check_dtype=False)


# --- line endings, empty files and cross-field rules ------------------------------------


def test_crlf_checkout_passes_check_data(tmp_path: Path) -> None:
    """A clone made as Git for Windows makes it (core.autocrlf=true) keeps the data byte-exact."""
    import subprocess

    clone = tmp_path / "clone"
    subprocess.run(["git", "-c", "core.autocrlf=true", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
                   check=True, capture_output=True)
    subprocess.run(["git", "config", "core.autocrlf", "true"], cwd=clone, check=True)
    # the committed .gitattributes is what protects the data; check it is the one in the working tree
    assert (clone / ".gitattributes").read_bytes() == (ROOT / ".gitattributes").read_bytes(), \
        "commit .gitattributes: the clone was made from HEAD"
    subprocess.run(["git", "rm", "-r", "--cached", "--quiet", "."], cwd=clone, check=True)
    subprocess.run(["git", "reset", "--hard", "--quiet"], cwd=clone, check=True)  # re-checkout under autocrlf
    assert all(b"\r\n" not in p.read_bytes() for p in (clone / "data").rglob("*.csv"))
    rows = data.check_all(root=clone / "data")
    assert rows["reported_values"] > 100


def test_crlf_converted_file_is_told_apart_from_an_edit(data_copy: Path) -> None:
    path = data_copy / "published" / "themes.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(data.DataIntegrityError, match=r"themes\.csv: its line endings were converted to CRLF"):
        data.load("themes", root=data_copy)
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"empathy", b"empathz", 1))
    with pytest.raises(data.DataIntegrityError, match=r"themes\.csv: sha256 .* does not match") as err:
        data.load("themes", root=data_copy)
    assert "line endings" not in str(err.value)


def test_emptied_file_is_named_even_after_rehash(data_copy: Path) -> None:
    (data_copy / "teaching" / "codebook.csv").write_text("")
    with pytest.raises(data.DataIntegrityError, match=r"data/teaching/codebook\.csv: file is empty"):
        data.rehash(root=data_copy)


@pytest.mark.parametrize("file, old, new, message", [
    ("published/theme_frequencies.csv", ",22,43.1%,51,", ",52,43.1%,51,", r"n = 52 is not <= denominator = 51"),
    ("published/theme_frequencies.csv", ",22,43.1%,51,", ",22,143.1%,51,", r"percent_reported = 143.1% is not <= 100"),
    ("published/reported_values.csv", "client_theme_trust_pct,43.1,43.1%", "client_theme_trust_pct,143.1,143.1%",
     r"value = 143.1 is not <= 100 \(a percentage is at most 100 %\)"),
    ("derived/cooccurrence_bounds.csv", None, None, r"roster_min = .* is not <= roster_max"),
])
def test_cross_field_rules_are_checked_after_rehash(data_copy: Path, file: str, old: str | None, new: str | None,
                                                     message: str) -> None:
    path = data_copy / file
    text = path.read_text(encoding="utf-8")
    if old is None:  # swap a minimum above its maximum in the first row with a gap between them
        lines = text.splitlines(keepends=True)
        head = lines[0].rstrip("\n").split(",")
        lo_i, hi_i = head.index("roster_min"), head.index("roster_max")
        for i, line in enumerate(lines[1:], start=1):
            cells = line.rstrip("\n").split(",")
            if int(cells[lo_i]) < int(cells[hi_i]):
                cells[lo_i] = str(int(cells[hi_i]) + 1)
                lines[i] = ",".join(cells) + "\n"
                break
        text = "".join(lines)
    else:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(data.DataIntegrityError, match=message):
        data.rehash(root=data_copy)  # rehash validates first, so the broken file is never blessed


def test_row_with_an_unquoted_comma_is_named_even_after_rehash(data_copy: Path) -> None:
    # pandas would silently turn the first columns into an index when a row has one field too many
    path = data_copy / "teaching" / "discussion_prompts.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace('"', "")  # the prompt's commas now split it into several fields
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(data.DataIntegrityError, match=r"discussion_prompts.csv: some rows have more fields than the header"):
        data.rehash(root=data_copy)
