"""Dataset manifests, the tabular importer and the dataset registry.

Fixture data is fictional (made-up names, NIK, phones, e-mail). Tests marked ``real_data``
use the real exports under ``settings.data_dir`` and skip when those are absent.
"""

import hashlib
import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from models.settings import Settings
from training.datasets import (
    DATASET_NAMES,
    OUTPUT_COLUMNS,
    ColumnMapping,
    DatasetIntegrityError,
    DatasetManifest,
    DatasetUnavailableError,
    DatasetValidationError,
    MappingError,
    available_datasets,
    load_dataset,
    load_mapping,
    load_table,
)
from training.datasets.manifest import load_manifest, sha256_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SMALL_CSV = FIXTURES / "reports_small.csv"
SMALL_MAPPING = FIXTURES / "reports_small.mapping.json"
JAKARTA = ZoneInfo("Asia/Jakarta")


def small_mapping(**changes) -> ColumnMapping:
    data = json.loads(SMALL_MAPPING.read_text())
    data.update(changes)
    return ColumnMapping.model_validate(data)


# --------------------------------------------------------------------------- manifest


def _write_manifest(path: Path, files: list[dict]) -> DatasetManifest:
    manifest = {
        "name": "fixture_small",
        "description": "test fixture",
        "repository": "https://example.invalid/fixture",
        "commit": "0123456789abcdef0123456789abcdef01234567",
        "licence": "fictional test data",
        "files": files,
    }
    path.write_text(json.dumps(manifest))
    return DatasetManifest.from_json(path)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A data dir holding a copy of the small fixture CSV."""
    data = tmp_path / "data"
    (data / "fixture_small").mkdir(parents=True)
    shutil.copy(SMALL_CSV, data / "fixture_small" / "reports_small.csv")
    return data


def test_manifest_verify_returns_combined_hash(data_copy, tmp_path):
    file_hash = hashlib.sha256(SMALL_CSV.read_bytes()).hexdigest()
    manifest = _write_manifest(
        tmp_path / "m.json", [{"path": "fixture_small/reports_small.csv", "sha256": file_hash, "rows": 7}]
    )
    combined = manifest.verify(data_copy)
    assert combined == hashlib.sha256(file_hash.encode()).hexdigest() == manifest.manifest_hash
    assert sha256_file(data_copy / "fixture_small" / "reports_small.csv") == file_hash


def test_manifest_hash_is_over_sorted_file_hashes(data_copy, tmp_path):
    (data_copy / "fixture_small" / "b.txt").write_text("b")
    entries = [
        {"path": "fixture_small/reports_small.csv", "sha256": sha256_file(SMALL_CSV)},
        {"path": "fixture_small/b.txt", "sha256": hashlib.sha256(b"b").hexdigest()},
    ]
    forward = _write_manifest(tmp_path / "f.json", entries).verify(data_copy)
    backward = _write_manifest(tmp_path / "b.json", entries[::-1]).verify(data_copy)
    assert forward == backward == hashlib.sha256("\n".join(sorted(e["sha256"] for e in entries)).encode()).hexdigest()


def test_manifest_tampered_copy_raises_with_expected_and_actual(data_copy, tmp_path):
    expected = sha256_file(SMALL_CSV)
    manifest = _write_manifest(tmp_path / "m.json", [{"path": "fixture_small/reports_small.csv", "sha256": expected}])
    target = data_copy / "fixture_small" / "reports_small.csv"
    target.write_bytes(target.read_bytes().replace(b"Lampu mati", b"Lampu MATI"))
    actual = sha256_file(target)

    with pytest.raises(DatasetIntegrityError) as err:
        manifest.verify(data_copy)
    message = str(err.value)
    assert "fixture_small/reports_small.csv" in message
    assert expected in message and actual in message
    assert "Lampu" not in message


def test_manifest_missing_file_raises_with_searched_path(tmp_path):
    manifest = _write_manifest(
        tmp_path / "m.json", [{"path": "fixture_small/reports_small.csv", "sha256": sha256_file(SMALL_CSV)}]
    )
    with pytest.raises(DatasetIntegrityError, match="missing") as err:
        manifest.verify(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere" / "fixture_small" / "reports_small.csv") in str(err.value)
    assert manifest.missing_files(tmp_path / "nowhere") == [tmp_path / "nowhere/fixture_small/reports_small.csv"]


@pytest.mark.parametrize("bad", [{"path": "../etc/passwd"}, {"path": "/abs/file.csv"}, {"sha256": "XYZ"}])
def test_manifest_rejects_bad_entries(tmp_path, bad):
    entry = {"path": "fixture_small/reports_small.csv", "sha256": "0" * 64} | bad
    with pytest.raises(ValueError):
        _write_manifest(tmp_path / "m.json", [entry])


def test_project_manifests_hold_names_and_hashes_only():
    assets = Settings().assets_dir
    for name in ("surabaya_mediacenter", "petabencana_jakarta_flood_reports_2017"):
        manifest = load_manifest(name, assets)
        assert manifest.name == name
        assert re.fullmatch(r"[0-9a-f]{40}", manifest.commit)
        assert manifest.repository.startswith("https://github.com/")
        assert (assets / "manifests" / f"{name}.json").stat().st_size < 10_000  # no data in there
        assert load_mapping(name).file in {f.path for f in manifest.files}


# --------------------------------------------------------------------------- tabular importer


def test_csv_invalid_rows_raise_with_row_number_and_field_but_no_text():
    with pytest.raises(DatasetValidationError) as err:
        load_table(SMALL_CSV, small_mapping())
    error = err.value
    assert {(e.row, e.field) for e in error.errors} == {(4, "text"), (5, "created_at"), (6, "report")}
    assert error.rows_read == 7
    message = str(error)
    assert "3 of 7 rows" in message
    assert "row 4: text: missing" in message and "row 5: created_at" in message and "row 6: report" in message
    for raw in ("Jalan berlubang", "Banjir setinggi", "bukan-tanggal", "Kenanga"):
        assert raw not in message


def test_csv_skip_mode_maps_masks_and_counts():
    df = load_table(SMALL_CSV, small_mapping(on_invalid="skip"))

    assert tuple(df.columns) == OUTPUT_COLUMNS
    assert df.attrs["skipped"] == 3 and df.attrs["rows_read"] == 7 and len(df) == 4
    assert [e["row"] for e in df.attrs["invalid"]] == [4, 5, 6]
    assert df.attrs["pii_masked"] == {"email": 1, "nik": 1, "telepon": 2, "plat": 0, "nama": 0}

    assert df["id"].tolist() == ["fx-101", "fx-102", "fx-103", "fx-107"]
    row = df.set_index("id").loc["fx-101"]
    assert row["text"] == (
        "Lampu PJU di Jl. Melati No. 12 RT 03 RW 05 mati sejak 02-03-2024. Hubungi saya di [TELEPON]."
    )
    assert row["title"] == "Lampu mati"
    assert row["created_at"] == datetime(2024, 3, 5, 8, 15, tzinfo=JAKARTA)
    assert (row["lat"], row["lon"]) == (-7.2458, 112.7378)
    place = (row["kelurahan"], row["kecamatan"], row["city"], row["channel"])
    assert place == ("Gundih", "Bubutan", "Surabaya", "fixture")
    assert (row["label_category"], row["label_agency"]) == ("PJU", "Dinas Perhubungan")

    texts = df.set_index("id")["text"]
    assert texts["fx-102"] == ("Saya warga dengan NIK [NIK] belum menerima bansos Rp 150.000. Email: [EMAIL]")
    assert texts["fx-103"] == "Sampah menumpuk di depan rumah no. 7, WA [TELEPON] atau [TELEPON]"

    no_labels = df.set_index("id").loc["fx-107"]
    assert no_labels["label_category"] is None or no_labels["label_category"] != no_labels["label_category"]
    assert df["label_agency"].isna().sum() == 1
    assert df.loc[df["id"] == "fx-102", "title"].isna().all()  # empty cell -> None, not ""
    assert df["category"].isna().all() and df["reporter_ref"].isna().all() and not df["private"].any()


def _write_xlsx(path: Path, rows: list[tuple], sheet: str = "Keluhan") -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["tanggal", "sumber", "isi", "x", "y", "kategori"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)


XLSX_ROWS = [
    (datetime(2024, 2, 1, 7, 30), "qlue", "Banjir 50 cm di Jl. Kenari, hubungi 0813-1111-2222", 106.85, -6.2, None),
    (datetime(2024, 2, 1, 8, 0), "grasp", "Air naik terus, RT 04 RW 09", 106.86, -6.21, "Banjir"),
    (datetime(2024, 2, 1, 8, 0), "grasp", "", 106.87, -6.22, None),  # no text: invalid
    (datetime(2024, 2, 1, 9, 15), "detik", "Genangan di underpass, info a.b@contoh.id", 106.88, -6.23, None),
]

XLSX_MAPPING = {
    "columns": {
        "text": "isi",
        "created_at": "tanggal",
        "lat": "y",
        "lon": "x",
        "channel": "sumber",
        "label_category": "kategori",
    },
    "constants": {"city": "Jakarta"},
    "id_prefix": "pb-",
    "id_from": ["tanggal", "sumber", "x", "y", "isi"],
    "timezone": "Asia/Jakarta",
    "sheet_name": "Keluhan",
    "on_invalid": "skip",
}


def test_xlsx_derived_ids_are_stable_and_content_based(tmp_path):
    mapping = ColumnMapping.model_validate(XLSX_MAPPING)
    first, reordered = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _write_xlsx(first, XLSX_ROWS)
    _write_xlsx(reordered, XLSX_ROWS[::-1])

    df = load_table(first, mapping)
    again = load_table(first, mapping)
    other_order = load_table(reordered, mapping)

    assert tuple(df.columns) == OUTPUT_COLUMNS
    assert (
        len(df) == 3
        and df.attrs["skipped"] == 1
        and df.attrs["invalid"]
        == [{"file": "a.xlsx", "row": 3, "field": "text", "reason": "missing (empty in the source)"}]
    )
    assert all(re.fullmatch(r"pb-[0-9a-f]{16}", i) for i in df["id"])
    assert df["id"].is_unique
    assert df["id"].tolist() == again["id"].tolist()
    assert sorted(df["id"]) == sorted(other_order["id"])

    assert df["text"].tolist()[0] == "Banjir 50 cm di Jl. Kenari, hubungi [TELEPON]"
    assert df["text"].tolist()[2] == "Genangan di underpass, info [EMAIL]"
    assert df["created_at"].tolist()[0] == datetime(2024, 2, 1, 7, 30, tzinfo=JAKARTA)
    assert df["lat"].tolist() == [-6.2, -6.21, -6.23] and df["lon"].tolist() == [106.85, 106.86, 106.88]
    assert df["label_category"].tolist()[1] == "Banjir" and df["label_category"].isna().sum() == 2
    assert set(df["city"]) == {"Jakarta"}

    changed = [XLSX_ROWS[0][:2] + ("Banjir 60 cm di Jl. Kenari",) + XLSX_ROWS[0][3:]] + XLSX_ROWS[1:]
    _write_xlsx(tmp_path / "c.xlsx", changed)
    assert load_table(tmp_path / "c.xlsx", mapping)["id"].tolist()[0] != df["id"].tolist()[0]


def test_xlsx_numeric_id_column_gets_prefix(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "sby.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["id", "keluhan", "tanggal_keluhan"])
    ws.append([155340, "Pohon tumbang di Jl. Darmo, NIK saya 3578011203850004", datetime(2022, 1, 1, 0, 29)])
    ws.append([155342, "Lampu jalan mati", "2022-01-01 02:42:00"])
    wb.save(path)
    mapping = ColumnMapping.model_validate(
        {
            "columns": {"id": "id", "text": "keluhan", "created_at": "tanggal_keluhan"},
            "constants": {"city": "Surabaya", "channel": "mediacenter"},
            "id_prefix": "sby-",
            "timestamp_format": "%Y-%m-%d %H:%M:%S",
            "timezone": "Asia/Jakarta",
        }
    )
    df = load_table(path, mapping)
    assert df["id"].tolist() == ["sby-155340", "sby-155342"]
    assert df["text"].tolist()[0] == "Pohon tumbang di Jl. Darmo, NIK saya [NIK]"
    assert df["created_at"].tolist() == [
        datetime(2022, 1, 1, 0, 29, tzinfo=JAKARTA),
        datetime(2022, 1, 1, 2, 42, tzinfo=JAKARTA),
    ]


def test_duplicate_ids_are_invalid_rows(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,text\n1,Jalan rusak\n2,Lampu mati\n1,Sampah menumpuk\n")
    mapping = ColumnMapping.model_validate({"columns": {"id": "id", "text": "text"}})
    with pytest.raises(DatasetValidationError, match=r"row 3: id: duplicate id \(first seen in row 1\)"):
        load_table(path, mapping)


def test_missing_source_column_is_a_mapping_error(tmp_path):
    with pytest.raises(MappingError, match="not_there"):
        load_table(SMALL_CSV, small_mapping(columns={"id": "no_laporan", "text": "not_there"}))


@pytest.mark.parametrize(
    "bad",
    [
        {"columns": {"text": "isi", "id": "no", "nonsense": "x"}},  # unknown target field
        {"columns": {"text": "isi", "id": "no"}, "id_from": ["no"]},  # two id sources
        {"columns": {"text": "isi"}},  # no id source
        {"columns": {"id": "no"}},  # no text
        {"columns": {"text": "isi", "id": "no", "city": "kota"}, "constants": {"city": "Surabaya"}},
        {"columns": {"text": "isi", "id": "no"}, "timezone": "Mars/Olympus"},
        {"columns": {"text": "isi", "id": "no"}, "on_invalid": "ignore"},
        {"columns": {"text": "isi", "id": "no"}, "unexpected_option": 1},
    ],
)
def test_mapping_validation(bad):
    with pytest.raises(ValueError):
        ColumnMapping.model_validate(bad)


def test_project_mapping_files_parse():
    settings = Settings()
    for name in DATASET_NAMES:
        mapping = load_mapping(name, settings)
        assert mapping.name == name and mapping.file


# --------------------------------------------------------------------------- registry


def test_registry_unknown_name():
    with pytest.raises(KeyError, match="known: surabaya_mediacenter"):
        load_dataset("no_such_dataset")


def test_registry_unavailable_data_dir(tmp_path):
    settings = Settings(data_dir=tmp_path / "empty")
    assert "surabaya_mediacenter" not in available_datasets(settings)
    assert "petabencana_jakarta_flood_reports_2017" not in available_datasets(settings)
    with pytest.raises(DatasetUnavailableError, match="TRIASE_DATA_DIR") as err:
        load_dataset("surabaya_mediacenter", settings)
    assert str(tmp_path / "empty") in str(err.value)


def _fake_registry(tmp_path: Path) -> Settings:
    """A data dir + assets dir where 'surabaya_mediacenter' is the small fixture CSV."""
    data, assets = tmp_path / "data", tmp_path / "assets"
    (data / "surabaya_mediacenter").mkdir(parents=True)
    (assets / "manifests").mkdir(parents=True)
    (assets / "mappings").mkdir()
    shutil.copy(SMALL_CSV, data / "surabaya_mediacenter" / "small.csv")
    mapping = json.loads(SMALL_MAPPING.read_text()) | {
        "name": "surabaya_mediacenter",
        "file": "surabaya_mediacenter/small.csv",
        "on_invalid": "skip",
    }
    (assets / "mappings" / "surabaya_mediacenter.json").write_text(json.dumps(mapping))
    manifest = json.loads((Settings().assets_dir / "manifests" / "surabaya_mediacenter.json").read_text())
    manifest["files"] = [{"path": "surabaya_mediacenter/small.csv", "sha256": sha256_file(SMALL_CSV), "rows": 7}]
    (assets / "manifests" / "surabaya_mediacenter.json").write_text(json.dumps(manifest))
    return Settings(data_dir=data, assets_dir=assets)


def test_registry_verifies_then_loads(tmp_path):
    settings = _fake_registry(tmp_path)
    assert available_datasets(settings) == ["surabaya_mediacenter"]
    df = load_dataset("surabaya_mediacenter", settings)
    assert df.attrs["dataset"] == "surabaya_mediacenter"
    assert df.attrs["manifest_sha256"] == hashlib.sha256(sha256_file(SMALL_CSV).encode()).hexdigest()
    assert len(df) == 4 and df.attrs["skipped"] == 3

    target = settings.data_dir / "surabaya_mediacenter" / "small.csv"
    target.write_text(target.read_text() + "108;Tambahan;;10/03/2024 10:00;Ampel;Semampir;;;;\n")
    with pytest.raises(DatasetIntegrityError, match="does not match the manifest"):
        load_dataset("surabaya_mediacenter", settings)


def test_demo_dataset_has_no_manifest():
    settings = Settings()
    if "demo" not in available_datasets(settings):
        pytest.skip(f"demo reports not written yet ({settings.assets_dir / 'demo' / 'reports.csv'})")
    df = load_dataset("demo", settings)
    assert df.attrs["dataset"] == "demo" and df.attrs["manifest_sha256"] is None
    assert tuple(df.columns) == OUTPUT_COLUMNS and df["id"].is_unique and len(df) > 0


# --------------------------------------------------------------------------- real data

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)|(?<!\d)\d{4}([ .\-])\d{4}\1\d{4}\1\d{4}(?!\d)")
PHONE_LIKE = re.compile(r"(?:\+\s?62|(?<!\d)62|(?<!\d)0)[ .\-()]*8[1-9](?:[ .\-()]*\d){7,}")
EMAIL_LIKE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
# Jabodetabek: the reports come from Greater Jakarta, not only DKI.
GREATER_JAKARTA = {"lat": (-6.6, -5.9), "lon": (106.4, 107.2)}
DKI_BBOX = {"lat": (-6.373, -6.088), "lon": (106.685, 106.974)}  # from geo/dki_jakarta_city_boundary


class _Loaded:
    """A real-data frame whose repr shows no content, so a failing test never prints report text."""

    def __init__(self, df):
        self.df = df

    def __repr__(self) -> str:
        return f"<{self.df.attrs['dataset']}: {len(self.df)} rows>"


def _real(name: str) -> _Loaded:
    settings = Settings()
    if name not in available_datasets(settings):
        pytest.skip(f"real data for {name!r} not found under data_dir={settings.data_dir} (set TRIASE_DATA_DIR)")
    return _Loaded(load_dataset(name, settings))


def _count_matching(texts, pattern: re.Pattern) -> int:
    # The Surabaya export writes line breaks as a literal backslash-n; undo that first so
    # "\nbudi@x.id" is checked as "budi@x.id" rather than "nbudi@x.id".
    return sum(bool(pattern.search(text.replace("\\n", "\n"))) for text in texts)


@pytest.fixture(scope="module")
def surabaya() -> _Loaded:
    return _real("surabaya_mediacenter")


@pytest.fixture(scope="module")
def petabencana() -> _Loaded:
    return _real("petabencana_jakarta_flood_reports_2017")


@pytest.mark.real_data
def test_real_surabaya(surabaya):
    df = surabaya.df
    manifest = load_manifest("surabaya_mediacenter", Settings().assets_dir)
    assert len(df) == 12_530 and df.attrs["skipped"] == 0
    assert df.attrs["manifest_sha256"] == manifest.manifest_hash
    assert tuple(df.columns) == OUTPUT_COLUMNS
    assert df["id"].is_unique and df["id"].str.startswith("sby-").all()
    assert (df["city"] == "Surabaya").all() and (df["channel"] == "mediacenter").all()
    assert df["created_at"].notna().all() and str(df["created_at"].dt.tz) == "Asia/Jakarta"
    assert df["label_category"].notna().sum() >= 12_000
    assert df["label_agency"].notna().all()
    texts = df["text"].tolist()
    for pattern in (SIXTEEN_DIGITS, PHONE_LIKE, EMAIL_LIKE):
        leaks = _count_matching(texts, pattern)
        assert leaks == 0, f"{leaks} texts still match {pattern.pattern}"
    assert df.attrs["pii_masked"]["nik"] > 250 and df.attrs["pii_masked"]["telepon"] > 150


@pytest.mark.real_data
def test_real_petabencana(petabencana):
    df = petabencana.df
    manifest = load_manifest("petabencana_jakarta_flood_reports_2017", Settings().assets_dir)
    assert df.attrs["manifest_sha256"] == manifest.manifest_hash
    # 1,204 rows read; 16 chatbot reports have neither text nor title and are skipped.
    assert df.attrs["rows_read"] == 1_204
    assert len(df) + df.attrs["skipped"] == 1_204 and df.attrs["skipped"] == 16
    assert df["id"].is_unique and df["id"].str.fullmatch(r"pb-[0-9a-f]{16}").all()
    assert df["lat"].between(*GREATER_JAKARTA["lat"]).all() and df["lon"].between(*GREATER_JAKARTA["lon"]).all()
    in_dki = df["lat"].between(*DKI_BBOX["lat"]) & df["lon"].between(*DKI_BBOX["lon"])
    assert in_dki.mean() > 0.95
    assert set(df["channel"]) == {"qlue", "grasp", "detik"}
    assert (df["label_category"] == "Banjir").all() and df["label_agency"].isna().all()
    assert df["city"].isna().all()

    again = load_dataset("petabencana_jakarta_flood_reports_2017", Settings())
    assert again["id"].tolist() == df["id"].tolist()


def test_an_export_described_only_by_a_mapping_loads_and_records_its_hash(tmp_path):
    table = tmp_path / "kota_lain.csv"
    table.write_text(
        "no,isi,waktu,kategori\n"
        "1,Lampu jalan di Jl. Merdeka mati\\nmohon dicek,2024-05-01 08:00,Penerangan\n"
        "2,Saluran mampet hub 0812-3456-7890,2024-05-02 09:00,Drainase\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "kota_lain.json"
    mapping.write_text(
        json.dumps(
            {
                "name": "kota_lain",
                "file": "kota_lain.csv",
                "columns": {"id": "no", "text": "isi", "created_at": "waktu", "label_category": "kategori"},
                "id_prefix": "kl-",
                "timezone": "Asia/Jakarta",
                "literal_newlines": True,
            }
        ),
        encoding="utf-8",
    )
    df = load_dataset(str(mapping))
    assert list(df["id"]) == ["kl-1", "kl-2"]
    assert "[TELEPON]" in df["text"].iloc[1]
    assert df["text"].iloc[0] == "Lampu jalan di Jl. Merdeka mati\nmohon dicek"
    assert df.attrs["dataset"] == "kota_lain"
    assert df.attrs["manifest_sha256"] == hashlib.sha256(table.read_bytes()).hexdigest()
    with pytest.raises(DatasetUnavailableError, match="does not exist"):
        load_dataset(str(tmp_path / "absent.json"))
