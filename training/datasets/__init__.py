"""Adapters that turn real exports into the report schema.

A dataset is a registered name (the project's exports under ``data_dir``, the demo set) or a team's own:
the path of a column mapping JSON, or of a folder holding ``mapping.json`` (see docs/datasets.md).
"""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.settings import Settings, get_settings
from training.datasets.errors import (
    DatasetError,
    DatasetIntegrityError,
    DatasetUnavailableError,
    MappingError,
    UnknownDatasetError,
)
from training.datasets.manifest import DatasetManifest, load_manifest
from training.datasets.sources import MAPPING_IN_FOLDER, load_export
from training.datasets.tabular import (
    LABEL_FIELDS,
    OUTPUT_COLUMNS,
    ColumnMapping,
    DatasetValidationError,
    load_table,
)

__all__ = [
    "DATASET_NAMES",
    "LABEL_FIELDS",
    "OUTPUT_COLUMNS",
    "ColumnMapping",
    "DatasetError",
    "DatasetIntegrityError",
    "DatasetManifest",
    "DatasetUnavailableError",
    "DatasetValidationError",
    "MappingError",
    "UnknownDatasetError",
    "available_datasets",
    "load_dataset",
    "export_path",
    "is_mapping_path",
    "load_export",
    "load_mapping",
    "load_table",
    "min_reports_per_agency",
    "min_reports_per_category",
]


@dataclass(frozen=True, slots=True)
class _Dataset:
    name: str
    in_project: bool
    """True: the table lives under ``assets_dir`` (no manifest). False: a real export under
    ``data_dir``, checked against ``<assets_dir>/manifests/<name>.json``."""
    min_reports: int | None = None
    """Overrides the settings of the minimum reports per category and per agency: the demo set is small by
    design."""


_DATASETS = {
    d.name: d
    for d in (
        _Dataset("surabaya_mediacenter", in_project=False),
        _Dataset("petabencana_jakarta_flood_reports_2017", in_project=False),
        _Dataset("demo", in_project=True, min_reports=10),
    )
}
DATASET_NAMES: tuple[str, ...] = tuple(_DATASETS)


def _spec(name: str) -> _Dataset:
    try:
        return _DATASETS[name]
    except KeyError:
        raise _unknown(name) from None


def _unknown(name: str) -> UnknownDatasetError:
    return UnknownDatasetError(
        f"unknown dataset {name!r}: neither a registered name (known: {', '.join(DATASET_NAMES)}) nor an "
        "existing mapping file or dataset folder; pass the path of a mapping JSON or of a folder holding "
        "mapping.json, or put that folder under TRIASE_DATA_DIR (see docs/datasets.md)"
    )


def min_reports_per_category(name: str, settings: Settings | None = None) -> int:
    """Categories with fewer reports than this are folded into 'Lainnya' (or dropped) when training on `name`."""
    override = None if is_mapping_path(name) else _spec(name).min_reports
    return override if override is not None else (settings or get_settings()).min_reports_per_category


def min_reports_per_agency(name: str, settings: Settings | None = None) -> int:
    """Agencies with fewer reports than this are folded into 'Lainnya' when training on `name`."""
    override = None if is_mapping_path(name) else _spec(name).min_reports
    return override if override is not None else (settings or get_settings()).min_reports_per_agency


def load_mapping(name: str, settings: Settings | None = None) -> ColumnMapping:
    """The column mapping ``<assets_dir>/mappings/<name>.json``."""
    _spec(name)
    settings = settings or get_settings()
    path = Path(settings.assets_dir) / "mappings" / f"{name}.json"
    mapping = ColumnMapping.from_json(path)
    if not isinstance(mapping.file, str):
        raise MappingError(f"{path}: 'file' (one path) is required for a registered dataset")
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
    """A dataset named by the path of its column mapping (or of a folder holding one), not a registered name."""
    return name not in _DATASETS


def export_path(name: str, settings: Settings | None = None) -> Path:
    """The mapping file or dataset folder a name that is not registered stands for: a path, or a folder of
    that name under ``data_dir`` holding ``mapping.json``."""
    path = Path(name)
    if path.exists() or len(path.parts) > 1 or path.suffix == ".json":
        return path  # a path: when it does not exist, loading says so
    in_data_dir = Path((settings or get_settings()).data_dir) / name
    if (in_data_dir / MAPPING_IN_FOLDER).is_file():
        return in_data_dir
    raise _unknown(name)


def load_dataset(name: str, settings: Settings | None = None) -> pd.DataFrame:
    """Load a registered dataset (or, given the path of a mapping file or dataset folder, the export it
    describes: :func:`~training.datasets.sources.load_export`) as validated, PII-masked reports plus labels.

    Real datasets are verified against their manifest first (sha256 of every file). The
    frame carries ``attrs["dataset"]``, ``attrs["manifest_sha256"]`` (``None`` for the demo)
    and the importer's ``rows_read`` / ``skipped`` / ``invalid`` / ``pii_masked``.

    Raises :class:`DatasetUnavailableError` when files are missing,
    :class:`DatasetIntegrityError` when they differ from the manifest and
    :class:`DatasetValidationError` for invalid rows (unless the mapping skips them).
    """
    settings = settings or get_settings()
    if is_mapping_path(name):
        return load_export(export_path(name, settings))
    spec = _spec(name)
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
