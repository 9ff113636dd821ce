"""A data team imports its own city's export: a made-up regency's four monthly XLSX files
(tests/fixtures/kabupaten_contoh) through the loader, `triase data check` and a short training run, and
every error a new mapping meets as one line naming the file, row or column and the fix.

The fixture's reports are invented (no real names, NIK or phone numbers).
"""

import json
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from models.settings import Settings
from service.cli import app
from service.config import get_service_settings
from training.datasets import DatasetIntegrityError, load_dataset
from training.datasets.diagnostics import TooFewLabelsError, composition_warnings
from training.datasets.manifest import combined_hash, sha256_file
from training.train import mismatch_warnings, train

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "kabupaten_contoh"
MAPPING = json.loads((EXPORT / "mapping.json").read_text(encoding="utf-8"))
FILES = sorted(EXPORT.glob("aduan_2024_*.xlsx"))
JAKARTA = ZoneInfo("Asia/Jakarta")
CATEGORIES = {"PKL Liar", "Jalan Rusak", "Sampah", "Lampu Jalan", "Drainase", "Pohon Tumbang"}

runner = CliRunner()


def sheet_rows(path: Path) -> list[tuple]:
    """The data rows of one fixture file as openpyxl reads them (below the header on line 4)."""
    return list(load_workbook(path, read_only=True)["Aduan"].iter_rows(min_row=5, values_only=True))


def raw_texts() -> list[str]:
    return [row[3] for path in FILES for row in sheet_rows(path)]


@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    """The CLI's settings: a private home, the fixture's small labels kept (minimum 10 reports)."""
    monkeypatch.setenv("TRIASE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TRIASE_MIN_REPORTS_PER_CATEGORY", "10")
    monkeypatch.setenv("TRIASE_MIN_REPORTS_PER_AGENCY", "10")
    get_service_settings.cache_clear()
    yield
    get_service_settings.cache_clear()


def write_mapping(folder: Path, **changes) -> Path:
    """The fixture's mapping with `changes`, reading the fixture's files from wherever `folder` is."""
    folder.mkdir(parents=True, exist_ok=True)
    mapping = MAPPING | {"file": str(EXPORT / MAPPING["file"])} | changes
    path = folder / "mapping.json"
    path.write_text(json.dumps(mapping), encoding="utf-8")
    return path


def copy_export(folder: Path) -> Path:
    shutil.copytree(EXPORT, folder)
    return folder


def one_error_line(result) -> str:
    """The CLI failed with one error line, last on stderr (after a progress bar, if any), and no traceback."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert errors == lines[-1:] and "Traceback" not in result.stderr, result.stderr
    return errors[0]


# --------------------------------------------------------------------------- the export end to end


def test_a_multi_file_export_with_title_rows_loads_as_one_dataset():
    df = load_dataset(str(EXPORT))

    rows = [row for path in FILES for row in sheet_rows(path)]
    kept = [row for row in rows if row[7] != "Dibatalkan"]
    assert df.attrs["dataset"] == "kabupaten_contoh"
    assert df.attrs["rows_read"] == len(rows) and df.attrs["filtered"] == len(rows) - len(kept) == 4
    assert df.attrs["skipped"] == 0 and len(df) == len(kept)
    assert [f["file"] for f in df.attrs["files"]] == [p.name for p in FILES]
    assert df["id"].tolist() == [f"kc-{row[0].removeprefix('KC-')}".replace("kc-", "kc-KC-") for row in kept]
    assert df.attrs["manifest_sha256"] == combined_hash(sha256_file(p) for p in FILES)

    # Three spellings of one category are one label; the old name is recoded; nothing else is touched.
    assert set(df["label_category"]) == CATEGORIES
    assert df.attrs["labels"]["label_category"]["folded_spellings"] == {"PKL Liar": ["PKL  LIAR", "PKL liar"]}
    assert (df["label_category"] == "Jalan Rusak").sum() == sum(
        row[4] in {"Jalan Rusak", "Jalan Berlubang"} for row in kept
    )

    # Date and time from two columns, local time of the mapping's zone.
    first = kept[0]
    hour, minute = map(int, first[2].split(":"))
    assert df["created_at"].iloc[0] == datetime.combine(first[1].date(), datetime.min.time()).replace(
        hour=hour, minute=minute, tzinfo=JAKARTA
    )
    assert df["created_at"].notna().all()

    # Personal data is masked before anything else sees the text.
    assert df.attrs["pii_masked"]["telepon"] > 0 and df.attrs["pii_masked"]["nik"] > 0
    assert not df["text"].str.contains("0812-3456-7890|3201234567890001").any()


def test_data_check_summarises_the_export_without_report_text(cli_env):
    result = runner.invoke(app, ["data", "check", str(EXPORT / "mapping.json")])
    assert result.exit_code == 0, result.output
    out = result.stdout

    assert "dataset kabupaten_contoh: 139 rows read, 4 filtered, 0 skipped, 135 loaded" in out
    for path in FILES:
        assert f"{path.name}: " in out
    assert "spellings folded: PKL  LIAR, PKL liar -> PKL Liar" in out
    assert "time range: 2024-01-01" in out
    assert "8  Pohon Tumbang   <- folded into 'Lainnya'" in out
    assert "category labels: 6 (6 to learn; minimum 10 reports" in out
    for part in ("train", "validation", "test"):
        assert f"  {part} " in out
    assert "reports per source file (training / test):" in out
    assert "personal data masked (rows per kind): email 0, nik 6, telepon 4" in out
    # Monthly files land in the test period by design: no warning about its make-up.
    assert "warning" not in out

    texts = raw_texts() + load_dataset(str(EXPORT))["text"].tolist()
    leaked = [text for text in texts if text[:40] in out]
    assert not leaked, f"{len(leaked)} report texts in the output"


def test_data_check_warns_when_most_labels_are_folded(cli_env, monkeypatch):
    monkeypatch.setenv("TRIASE_MIN_REPORTS_PER_CATEGORY", "30")
    get_service_settings.cache_clear()
    result = runner.invoke(app, ["data", "check", str(EXPORT)])
    assert result.exit_code == 0, result.output
    assert (
        "warning: 5 of 6 categories (104 of 134 reports, 78%) have fewer than 30 reports and are folded into "
        "'Lainnya'; lower TRIASE_MIN_REPORTS_PER_CATEGORY (now 30)" in result.stdout
    )


def test_a_short_training_run_on_the_export(settings):
    settings = settings.model_copy(update={"min_reports_per_category": 10, "min_reports_per_agency": 10})
    result = train(settings, dataset=str(EXPORT), register=False)
    assert result.dataset == str(EXPORT)
    assert result.n_categories == 6  # five categories and 'Lainnya' (Pohon Tumbang is rare)
    assert 0 <= result.metrics["category"]["macro_f1"] <= 1 and "agency" in result.metrics


def test_rare_drop_leaving_one_category_stops_training_saying_what_to_do(settings):
    settings = settings.model_copy(update={"min_reports_per_category": 30})
    with pytest.raises(TooFewLabelsError) as error:
        train(settings, dataset=str(EXPORT), register=False, rare="drop")
    message = str(error.value)
    assert message == (
        "only 1 category left to learn: 1 of 6 have at least 30 reports; lower TRIASE_MIN_REPORTS_PER_CATEGORY "
        "to at most 26 (the second largest category has 26 reports) or train with --rare fold"
    )


# --------------------------------------------------------------------------- warnings


def _reports(source: str, start: str, end: str, n: int) -> pd.DataFrame:
    times = pd.date_range(start, end, periods=n, tz="Asia/Jakarta")
    return pd.DataFrame({"id": [f"{source}-{i}" for i in range(n)], "created_at": times, "source": source})


def _split(*parts: pd.DataFrame, test_share: float = 0.2) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    frame = pd.concat(parts).sort_values("created_at", kind="stable").reset_index(drop=True)
    n_test = round(len(frame) * test_share)
    return frame.iloc[:-n_test], frame.iloc[-n_test:], frame.set_index("id")["source"]


def test_a_file_running_past_the_others_is_a_test_period_unlike_training():
    train_part, test_part, sources = _split(
        _reports("kab_a.xlsx", "2022-01-01", "2022-12-31", 300),
        _reports("kab_b.xlsx", "2022-01-01", "2022-12-31", 300),
        _reports("kab_c.xlsx", "2022-01-01", "2023-12-31", 200),
    )
    (warning,) = composition_warnings(train_part, test_part, sources)
    assert warning.startswith("the test period is made up unlike training: kab_c.xlsx holds")
    assert "its reports run until 2023-12-31, the other files' until 2022-12-31" in warning


def test_monthly_files_and_parallel_files_of_one_period_give_no_warning():
    monthly = [_reports(f"2024_{m:02d}.xlsx", f"2024-{m:02d}-01", f"2024-{m:02d}-28", 50) for m in range(1, 7)]
    assert composition_warnings(*_split(*monthly)) == []
    parallel = [_reports(f"kab_{k}.xlsx", "2022-01-01", "2022-12-31", 100) for k in "abc"]
    assert composition_warnings(*_split(*parallel)) == []


def test_a_mismatch_rule_short_of_its_target_is_a_warning():
    settings = Settings(mismatch_target_precision=0.9, mismatch_same_agency_precision=0.85)
    short = {
        "mismatch": {
            "validation_other_agency_precision": 0.7,
            "other_agency_precision": 0.67,
            "same_agency_precision": 0.79,
            "suggest_threshold": 0.0,
        }
    }
    (warning,) = mismatch_warnings(short, settings)
    assert "validation other_agency 0.70 against 0.90, test same_agency 0.79 against 0.85" in warning
    assert "test other_agency 0.67 against 0.90" in warning and "suggest_threshold 0.00" in warning
    # The test split is allowed 0.05 of slack; the same-agency pattern is held to its own floor.
    fine = {"validation_other_agency_precision": 0.91, "other_agency_precision": 0.86, "same_agency_precision": 0.81}
    assert mismatch_warnings({"mismatch": fine}, settings) == []


# --------------------------------------------------------------------------- one-line errors


def test_duplicate_ids_over_files_name_both_rows_and_the_fix(cli_env, tmp_path):
    folder = copy_export(tmp_path / "export")
    shutil.copy(folder / "aduan_2024_01.xlsx", folder / "aduan_2024_01_salinan.xlsx")
    line = one_error_line(runner.invoke(app, ["data", "check", str(folder)]))
    assert "aduan_2024_01_salinan.xlsx row 1: id: duplicate id (first seen in aduan_2024_01.xlsx row 1)" in line
    assert "Ids must be unique over every file: map another id column, or derive ids with id_from" in line


def test_unparsable_dates_name_file_row_column_and_the_format_setting(cli_env, tmp_path):
    export = tmp_path / "kota.csv"
    export.write_text(
        "no;isi;tanggal;kategori\n1;Lampu jalan mati;2024-01-05 08:30;PJU\n2;Jalan berlubang;05-01-2024;Jalan\n"
    )
    mapping = tmp_path / "kota.json"
    columns = {"id": "no", "text": "isi", "created_at": "tanggal", "label_category": "kategori"}
    mapping.write_text(json.dumps({"file": "kota.csv", "csv_sep": ";", "columns": columns}))
    line = one_error_line(runner.invoke(app, ["data", "check", str(mapping)]))
    assert "1 of 2 rows in kota.csv failed validation" in line
    assert "kota.csv row 2: created_at: not an ISO 8601 timestamp" in line
    assert "set timestamp_format to the strptime format of the dates as the file writes them" in line


def test_an_unparsable_time_names_the_time_format_setting(cli_env, tmp_path):
    mapping = write_mapping(tmp_path, time_format="%H.%M")
    line = one_error_line(runner.invoke(app, ["data", "check", str(mapping)]))
    assert "rows in aduan_2024_01.xlsx, aduan_2024_02.xlsx" in line
    assert "aduan_2024_01.xlsx row 1: created_at: cannot parse the time with time_format '%H.%M'" in line
    assert "(and time_column, with time_format, for a time of day in its own column)" in line


def test_a_file_without_dates_names_the_column_and_what_to_map(cli_env, tmp_path):
    export = tmp_path / "kota.csv"
    export.write_text("no;isi;tanggal;kategori\n1;Lampu jalan mati;;PJU\n2;Jalan berlubang;;Jalan\n")
    mapping = tmp_path / "kota.json"
    columns = {"id": "no", "text": "isi", "created_at": "tanggal", "label_category": "kategori"}
    mapping.write_text(json.dumps({"file": "kota.csv", "csv_sep": ";", "columns": columns}))
    line = one_error_line(runner.invoke(app, ["data", "check", str(mapping)]))
    assert line == (
        "error: kota.csv: column 'tanggal' (created_at) is empty in all 2 rows; map columns.created_at to the column "
        "holding the dates (and time_column to the one holding the time, if separate): training splits the "
        "reports by time"
    )


def test_a_mapping_without_dates_says_what_to_map(cli_env, tmp_path):
    columns = {k: v for k, v in MAPPING["columns"].items() if k != "created_at"}
    mapping = write_mapping(tmp_path, columns=columns, time_column=None)
    line = one_error_line(runner.invoke(app, ["data", "check", str(mapping)]))
    assert "no reports with both 'label_category' and 'created_at' to split: map columns.label_category and" in line


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"header_row": 1}, "['No. Tiket', 'Isi Aduan', 'Tanggal', 'Kecamatan', 'Kategori', 'Instansi Tujuan', 'Jam'"),
        ({"columns": MAPPING["columns"] | {"text": "Isi Laporan"}}, "['Isi Laporan']"),
    ],
    ids=["title block above the header", "misspelt column"],
)
def test_a_missing_header_or_column_names_file_column_and_the_fix(cli_env, tmp_path, changes, named):
    mapping = write_mapping(tmp_path, **changes)
    line = one_error_line(runner.invoke(app, ["data", "check", str(mapping)]))
    assert line.startswith(f"error: aduan_2024_01.xlsx: mapped column(s) {named}")
    assert "Fix the mapping's column names, or set header_row to the line holding the column names" in line


def test_an_unknown_dataset_name_says_a_path_is_accepted(cli_env):
    for command in (["data", "check", "laporgub"], ["train", "--dataset", "laporgub", "--no-decisions"]):
        line = one_error_line(runner.invoke(app, command))
        assert line.startswith("error: unknown dataset 'laporgub': neither a registered name (known: ")
        assert "pass the path of a mapping JSON or of a folder holding mapping.json" in line


def test_verbose_adds_the_traceback(cli_env):
    result = runner.invoke(app, ["data", "check", "laporgub", "--verbose"])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and result.stderr.strip().endswith("(see docs/datasets.md)")


def test_a_bad_mapping_key_is_one_line_naming_it(cli_env, tmp_path):
    mapping = write_mapping(tmp_path, header_rows=3)
    line = one_error_line(runner.invoke(app, ["data", "check", str(mapping)]))
    assert line.endswith(
        "mapping.json: header_rows: Extra inputs are not permitted (the keys are described in docs/datasets.md)"
    )


# --------------------------------------------------------------------------- where a dataset lives


def test_a_dataset_folder_under_the_data_dir_is_found_by_its_name(tmp_path):
    copy_export(tmp_path / "data" / "kabupaten_contoh")
    df = load_dataset("kabupaten_contoh", Settings(data_dir=tmp_path / "data"))
    assert df.attrs["dataset"] == "kabupaten_contoh" and len(df) == 135


def test_a_manifest_beside_the_mapping_is_checked(tmp_path):
    folder = copy_export(tmp_path / "export")
    files = [{"path": p.name, "sha256": sha256_file(p), "rows": len(sheet_rows(p))} for p in FILES]
    manifest = {"name": "kabupaten_contoh", "description": "test", "licence": "made up", "files": files}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    df = load_dataset(str(folder))
    assert df.attrs["manifest_sha256"] == combined_hash(f["sha256"] for f in files)

    (folder / "manifest.json").write_text(json.dumps(manifest | {"files": files[:3]}))
    with pytest.raises(DatasetIntegrityError, match="aduan_2024_04.xlsx is read by the mapping but not listed"):
        load_dataset(str(folder))

    wrong_rows = [f | {"rows": f["rows"] + 1} if f["path"].endswith("01.xlsx") else f for f in files]
    (folder / "manifest.json").write_text(json.dumps(manifest | {"files": wrong_rows}))
    with pytest.raises(DatasetIntegrityError, match="aduan_2024_01.xlsx: read 36 rows, the manifest says 37"):
        load_dataset(str(folder))

    (folder / "manifest.json").write_text(json.dumps(manifest))
    shutil.copy(folder / "aduan_2024_02.xlsx", folder / "aduan_2024_01.xlsx")
    with pytest.raises(DatasetIntegrityError, match="'aduan_2024_01.xlsx' .* does not match the manifest"):
        load_dataset(str(folder))


def test_a_missing_sheet_names_the_file_and_the_setting(cli_env, tmp_path):
    mapping = write_mapping(tmp_path, sheet_name="Laporan")
    line = one_error_line(runner.invoke(app, ["data", "check", str(mapping)]))
    assert line == (
        "error: aduan_2024_01.xlsx: Worksheet named 'Laporan' not found; set sheet_name to a sheet's name or its "
        "0-based position"
    )


# --------------------------------------------------------------------------- evaluate's sections


@pytest.mark.real_data
def test_the_location_section_applies_only_to_points_in_the_gazetteers_area():
    from training.evaluate import has_points_in
    from training.geo import geo_available, load_gazetteer

    settings = Settings()
    if not geo_available(settings):
        pytest.skip(f"the Jakarta boundary files are absent under data_dir={settings.data_dir}")
    gazetteer = load_gazetteer(settings)
    monas = pd.DataFrame({"lat": [-6.1754], "lon": [106.8272]})
    surabaya = pd.DataFrame({"lat": [-7.2575], "lon": [112.7521]})
    assert has_points_in(monas, gazetteer)
    assert not has_points_in(surabaya, gazetteer)
    assert not has_points_in(pd.DataFrame({"lat": [None], "lon": [None]}, dtype=float), gazetteer)
    assert not has_points_in(monas, None)


def test_skipped_rows_are_counted_per_reason_with_row_numbers(cli_env, tmp_path):
    lines = ["no;isi;tanggal;kategori"]
    lines += [f"{i};Laporan nomor {i} tentang lampu jalan;2024-01-{i:02d} 08:30;PJU" for i in range(1, 21)]
    lines += ["21;Laporan tanpa tanggal yang benar;31-01-2024;PJU", "22;;2024-01-22 09:00;PJU", "23;Lagi;bukan;PJU"]
    (tmp_path / "kota.csv").write_text("\n".join(lines) + "\n")
    columns = {"id": "no", "text": "isi", "created_at": "tanggal", "label_category": "kategori"}
    mapping = {"file": "kota.csv", "csv_sep": ";", "columns": columns, "on_invalid": "skip"}
    (tmp_path / "kota.json").write_text(json.dumps(mapping))
    result = runner.invoke(app, ["data", "check", str(tmp_path / "kota.json")])
    assert result.exit_code == 0, result.output
    assert "23 rows read, 0 filtered, 3 skipped, 20 loaded" in result.stdout
    assert "       2  created_at: not an ISO 8601 timestamp  (kota.csv row 21, kota.csv row 23)" in result.stdout
    assert "       1  text: missing (empty in the source)  (kota.csv row 22)" in result.stdout
    assert "tanpa tanggal" not in result.stdout
