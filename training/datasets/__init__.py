"""Adapters that turn real exports into the report schema."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.settings import Settings, get_settings
from training.datasets.manifest import DatasetIntegrityError, DatasetManifest, load_manifest, sha256_file
from training.datasets.tabular import (
    LABEL_FIELDS,
    OUTPUT_COLUMNS,
    ColumnMapping,
    DatasetValidationError,
    MappingError,
    load_table,
)

__all__ = [
    "DATASET_NAMES",
    "LABEL_FIELDS",
    "OUTPUT_COLUMNS",
    "ColumnMapping",
    "DatasetIntegrityError",
    "DatasetManifest",
    "DatasetUnavailableError",
    "DatasetValidationError",
    "MappingError",
    "available_datasets",
    "load_dataset",
    "load_export",
    "load_mapping",
    "load_table",
    "min_reports_per_category",
]


class DatasetUnavailableError(FileNotFoundError):
    """The files of a dataset are not where the settings say they should be."""


@dataclass(frozen=True, slots=True)
class _Dataset:
    name: str
    in_project: bool
    """True: the table lives under ``assets_dir`` (no manifest). False: a real export under
    ``data_dir``, checked against ``<assets_dir>/manifests/<name>.json``."""
    min_reports_per_category: int | None = None
    """Overrides the setting of the same name: the demo set is small by design."""


_DATASETS = {
    d.name: d
    for d in (
        _Dataset("surabaya_mediacenter", in_project=False),
        _Dataset("petabencana_jakarta_flood_reports_2017", in_project=False),
        _Dataset("demo", in_project=True, min_reports_per_category=10),
    )
}
DATASET_NAMES: tuple[str, ...] = tuple(_DATASETS)


def _spec(name: str) -> _Dataset:
    try:
        return _DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASET_NAMES)}") from None


def min_reports_per_category(name: str, settings: Settings | None = None) -> int:
    """Categories with fewer reports than this are folded into 'Lainnya' when training on `name`."""
    override = None if is_mapping_path(name) else _spec(name).min_reports_per_category
    return override if override is not None else (settings or get_settings()).min_reports_per_category


def load_mapping(name: str, settings: Settings | None = None) -> ColumnMapping:
    """The column mapping ``<assets_dir>/mappings/<name>.json``."""
    _spec(name)
    settings = settings or get_settings()
    path = Path(settings.assets_dir) / "mappings" / f"{name}.json"
    mapping = ColumnMapping.from_json(path)
    if mapping.file is None:
        raise MappingError(f"{path}: 'file' is required for a registered dataset")
    return mapping


def _root(spec: _Dataset, settings: Settings) -> Path:
    return Path(settings.assets_dir if spec.in_project else settings.data_dir)


def _missing(name: str, settings: Settings) -> list[Path]:
    """Files the dataset needs that are absent: its mapping, manifest, or data files."""
    spec = _spec(name)
    assets = Path(settings.assets_dir)
    config = [assets / "mappings" / f"{name}.json"]
    if not spec.in_project:
        config.append(assets / "manifests" / f"{name}.json")
    absent = [path for path in config if not path.is_file()]
    if absent:
        return absent
    if spec.in_project:
        table = _root(spec, settings) / load_mapping(name, settings).file
        return [] if table.is_file() else [table]
    return load_manifest(name, assets).missing_files(settings.data_dir)


def available_datasets(settings: Settings | None = None) -> list[str]:
    """Names of the registered datasets whose files are present (existence only, no hashing)."""
    settings = settings or get_settings()
    return [name for name in DATASET_NAMES if not _missing(name, settings)]


def is_mapping_path(name: str) -> bool:
    """A dataset named by the path of its column mapping rather than a registered name."""
    return name.endswith(".json")


def load_export(mapping_path: Path) -> pd.DataFrame:
    """Load an export that only a column mapping describes, e.g. another city's.

    The mapping's ``file`` is absolute or relative to the mapping's folder. With no manifest
    to check against, the file's own sha256 stands in for the manifest hash, so every
    training run still records exactly which data it saw.
    """
    if not mapping_path.is_file():
        raise DatasetUnavailableError(f"column mapping {mapping_path} does not exist")
    mapping = ColumnMapping.from_json(mapping_path)
    if mapping.file is None:
        raise MappingError(f"{mapping_path}: 'file' is required to load an export")
    table = Path(mapping.file)
    if not table.is_absolute():
        table = mapping_path.parent / table
    if not table.is_file():
        raise DatasetUnavailableError(f"{mapping_path}: the export {table} does not exist")
    df = load_table(table, mapping)
    df.attrs["dataset"] = mapping.name or mapping_path.stem
    df.attrs["manifest_sha256"] = sha256_file(table)
    return df


def load_dataset(name: str, settings: Settings | None = None) -> pd.DataFrame:
    """Load a registered dataset (or, given a path ending in .json, the export its mapping describes)
    as validated, PII-masked reports plus labels.

    Real datasets are verified against their manifest first (sha256 of every file). The
    frame carries ``attrs["dataset"]``, ``attrs["manifest_sha256"]`` (``None`` for the demo)
    and the importer's ``rows_read`` / ``skipped`` / ``invalid`` / ``pii_masked``.

    Raises :class:`DatasetUnavailableError` when files are missing,
    :class:`DatasetIntegrityError` when they differ from the manifest and
    :class:`DatasetValidationError` for invalid rows (unless the mapping skips them).
    """
    if is_mapping_path(name):
        return load_export(Path(name))
    spec = _spec(name)
    settings = settings or get_settings()
    root = _root(spec, settings)

    missing = _missing(name, settings)
    if missing:
        if spec.in_project or not missing[0].is_relative_to(Path(settings.data_dir)):
            where, hint = f"assets_dir {settings.assets_dir} (TRIASE_ASSETS_DIR)", ""
        else:
            where = f"data_dir {settings.data_dir} (TRIASE_DATA_DIR)"
            hint = (
                f" Point TRIASE_DATA_DIR at the folder holding '{name}/', or fetch the files named in "
                f"{Path(settings.assets_dir) / 'manifests' / f'{name}.json'} from their upstream repository."
            )
        raise DatasetUnavailableError(
            f"dataset {name!r} is not available: {len(missing)} file(s) missing under {where}, "
            f"first: {missing[0]}.{hint}"
        )

    mapping = load_mapping(name, settings)
    manifest_sha256 = None
    expected_rows = None
    if not spec.in_project:
        manifest = load_manifest(name, settings.assets_dir)
        try:
            expected_rows = manifest.file(mapping.file).rows
        except KeyError:
            raise MappingError(f"mapping file {mapping.file!r} of {name!r} is not listed in its manifest") from None
        manifest_sha256 = manifest.verify(settings.data_dir)

    df = load_table(root / mapping.file, mapping)
    if expected_rows is not None and df.attrs["rows_read"] != expected_rows:
        raise DatasetIntegrityError(
            f"dataset {name!r}: read {df.attrs['rows_read']} rows from {mapping.file}, manifest says {expected_rows}"
        )
    df.attrs["dataset"] = name
    df.attrs["manifest_sha256"] = manifest_sha256
    return df
