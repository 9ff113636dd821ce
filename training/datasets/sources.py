"""A team's own dataset: a mapping file (or a folder holding ``mapping.json``) anywhere, the files it names,
and the manifest beside it when there is one.

A mapping ``<name>.json`` may have a manifest ``<name>.manifest.json`` beside it; a dataset folder holds
``mapping.json`` and, optionally, ``manifest.json``. A manifest lists every file with its sha256 (and row
count, when given), paths relative to the mapping's folder; it is checked before anything is read.
Without one, the files' own hashes stand in for the manifest hash, so every training run still records
exactly which data it saw.
"""

import glob
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from training.datasets.errors import DatasetIntegrityError, DatasetUnavailableError, MappingError
from training.datasets.manifest import DatasetManifest, combined_hash, sha256_file
from training.datasets.tabular import ColumnMapping, load_table

__all__ = ["MAPPING_IN_FOLDER", "Export", "load_export", "manifest_beside", "open_export"]

MAPPING_IN_FOLDER = "mapping.json"
MANIFEST_IN_FOLDER = "manifest.json"
DOCS = "docs/datasets.md"


@dataclass(frozen=True)
class Export:
    """A dataset described by a mapping file: what to read and how to check it."""

    name: str
    mapping_path: Path
    mapping: ColumnMapping
    files: tuple[Path, ...]
    manifest: DatasetManifest | None


def mapping_of(path: Path) -> Path:
    """The mapping file of a dataset given as a mapping file or as a folder holding ``mapping.json``."""
    path = Path(path)
    if path.is_dir():
        mapping = path / MAPPING_IN_FOLDER
        if not mapping.is_file():
            raise DatasetUnavailableError(
                f"dataset folder {path} holds no {MAPPING_IN_FOLDER}; write one there (see {DOCS}) or pass the "
                "path of the mapping file itself"
            )
        return mapping
    if not path.is_file():
        raise DatasetUnavailableError(f"column mapping {path} does not exist; pass the path of a mapping JSON")
    return path


def manifest_beside(mapping_path: Path) -> Path:
    """Where the manifest of a mapping is looked for."""
    if mapping_path.name == MAPPING_IN_FOLDER:
        return mapping_path.parent / MANIFEST_IN_FOLDER
    return mapping_path.with_name(f"{mapping_path.stem}.manifest.json")


def open_export(path: Path) -> Export:
    """Read a dataset's mapping (and manifest), and find its files; nothing of the data is read yet."""
    mapping_path = mapping_of(Path(path))
    try:
        mapping = ColumnMapping.from_json(mapping_path)
    except ValueError as exc:  # pydantic's ValidationError, or a JSON syntax error
        raise MappingError(f"{mapping_path}: {_one_line(exc)} (the keys are described in {DOCS})") from None
    if mapping.file is None:
        raise MappingError(f"{mapping_path}: 'file' is required: the path or glob pattern of the export's file(s)")
    folder = mapping_path.parent
    name = mapping.name or (folder.name if mapping_path.name == MAPPING_IN_FOLDER else mapping_path.stem)
    manifest = None
    manifest_path = manifest_beside(mapping_path)
    if manifest_path.is_file():
        try:
            manifest = DatasetManifest.from_json(manifest_path)
        except ValueError as exc:
            raise MappingError(f"{manifest_path}: {_one_line(exc)}") from None
    return Export(name, mapping_path, mapping, tuple(_matching_files(mapping, mapping_path)), manifest)


def load_export(path: Path) -> pd.DataFrame:
    """Load a dataset given by its mapping file or folder: the manifest checked first when there is one.

    The frame carries the attrs of :func:`~training.datasets.tabular.load_table` plus ``dataset`` and
    ``manifest_sha256``.
    """
    export = open_export(path)
    folder = export.mapping_path.parent
    if export.manifest is not None:
        listed = {entry.path: entry for entry in export.manifest.files}
        for file in export.files:
            relative = file.relative_to(folder).as_posix() if file.is_relative_to(folder) else str(file)
            if relative not in listed:
                raise DatasetIntegrityError(
                    f"{manifest_beside(export.mapping_path)}: {relative} is read by the mapping but not listed; add "
                    "it (path, sha256, rows) or remove the manifest"
                )
        manifest_sha256 = export.manifest.verify(folder)
    elif len(export.files) == 1:
        manifest_sha256 = sha256_file(export.files[0])
    else:
        manifest_sha256 = combined_hash(sha256_file(file) for file in export.files)

    df = load_table(list(export.files), export.mapping)
    if export.manifest is not None:
        _check_rows(export, df.attrs["files"], folder)
    df.attrs["dataset"] = export.name
    df.attrs["manifest_sha256"] = manifest_sha256
    return df


def _matching_files(mapping: ColumnMapping, mapping_path: Path) -> list[Path]:
    folder = mapping_path.parent
    files: list[Path] = []
    for pattern in mapping.files:
        target = Path(pattern) if Path(pattern).is_absolute() else folder / pattern
        if glob.has_magic(pattern):
            matches = sorted(Path(p) for p in glob.glob(str(target), recursive=True) if Path(p).is_file())
            if not matches:
                raise DatasetUnavailableError(
                    f"{mapping_path}: 'file' pattern {pattern!r} matches no file under {folder}; fix the pattern "
                    "(relative to the mapping's folder) or put the export there"
                )
            files.extend(matches)
        elif target.is_file():
            files.append(target)
        else:
            raise DatasetUnavailableError(
                f"{mapping_path}: the export {target} does not exist; fix 'file' (relative to the mapping's folder)"
            )
    return list(dict.fromkeys(files))


def _check_rows(export: Export, files: list[dict], folder: Path) -> None:
    by_name = {entry.path: entry for entry in export.manifest.files}
    for file, summary in zip(export.files, files, strict=True):
        relative = file.relative_to(folder).as_posix() if file.is_relative_to(folder) else str(file)
        expected = by_name[relative].rows
        if expected is not None and summary["rows_read"] != expected:
            raise DatasetIntegrityError(
                f"{relative}: read {summary['rows_read']} rows, the manifest says {expected}; check header_row and "
                "the file, or correct the manifest's rows"
            )


def _one_line(exc: Exception) -> str:
    """A pydantic error as 'key: problem; ...', anything else on one line."""
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in err['loc']) or 'mapping'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        )
    return " ".join(str(exc).split())
