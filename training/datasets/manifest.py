"""Dataset manifests: which files a real dataset consists of, where they come from, and
their sha256, so training runs on exactly the bytes that were reviewed.

A registered dataset's manifest lives in ``<assets_dir>/manifests/<name>.json``; a team's own
dataset may keep one beside its mapping (see :func:`training.datasets.sources.manifest_beside`).
A manifest holds names, hashes and row counts only, never data. :meth:`DatasetManifest.verify` checks
the files under the data dir and returns one combined hash that training logs to MLflow.
"""

import hashlib
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.hashing import sha256_file
from training.datasets.errors import DatasetIntegrityError

__all__ = [
    "DatasetIntegrityError",
    "DatasetManifest",
    "ManifestFile",
    "combined_hash",
    "load_manifest",
    "sha256_file",
]


class ManifestFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="Path relative to the data dir, '/'-separated.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Lower-case hex sha256 of the file bytes.")
    rows: int | None = Field(default=None, ge=0, description="Data rows / features, if known.")
    upstream_path: str | None = Field(default=None, description="Path of this file in the upstream repository.")

    @field_validator("path")
    @classmethod
    def _relative_path(cls, value: str) -> str:
        p = PurePosixPath(value)
        if not value or p.is_absolute() or ".." in p.parts or "\\" in value:
            raise ValueError("must be a relative '/'-separated path inside the data dir")
        return value


class DatasetManifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str
    repository: str | None = Field(
        default=None, description="Upstream repository URL the raw files come from (none for a team's own export)."
    )
    commit: str | None = Field(default=None, pattern=r"^[0-9a-f]{7,40}$", description="Pinned upstream commit.")
    licence: str = Field(description="What is known about the licence / terms of use.")
    files: tuple[ManifestFile, ...] = Field(min_length=1)

    @field_validator("files")
    @classmethod
    def _unique_paths(cls, files: tuple[ManifestFile, ...]) -> tuple[ManifestFile, ...]:
        paths = [f.path for f in files]
        if len(paths) != len(set(paths)):
            raise ValueError("file paths must be unique")
        return files

    @classmethod
    def from_json(cls, path: Path) -> "DatasetManifest":
        return cls.model_validate_json(Path(path).read_bytes())

    def file(self, path: str) -> ManifestFile:
        """The entry for ``path`` (relative to the data dir)."""
        for entry in self.files:
            if entry.path == path:
                return entry
        raise KeyError(f"{path!r} is not listed in manifest {self.name!r}")

    def missing_files(self, data_dir: Path) -> list[Path]:
        """Files of this manifest that do not exist under ``data_dir`` (cheap, no hashing)."""
        return [Path(data_dir) / f.path for f in self.files if not (Path(data_dir) / f.path).is_file()]

    def verify(self, data_dir: Path) -> str:
        """Check every file's sha256 under ``data_dir``; return the combined manifest hash.

        Raises :class:`DatasetIntegrityError` naming the first missing or altered file.
        """
        data_dir = Path(data_dir)
        for entry in self.files:
            target = data_dir / entry.path
            if not target.is_file():
                raise DatasetIntegrityError(
                    f"dataset {self.name!r}: file {entry.path!r} is missing (looked for {target}). "
                    + self._fetch_hint(entry)
                    + " or point TRIASE_DATA_DIR at a folder that has it."
                )
            actual = sha256_file(target)
            if actual != entry.sha256:
                raise DatasetIntegrityError(
                    f"dataset {self.name!r}: file {entry.path!r} ({target}) does not match the manifest: "
                    f"expected sha256 {entry.sha256}, got {actual}. The file was changed or is a different "
                    f"version; {self._fetch_hint(entry).lower()}, or update the manifest if the change is intended."
                )
        return self.manifest_hash

    def _fetch_hint(self, entry: ManifestFile) -> str:
        if self.repository is None:
            return "Put the file the manifest names back in place"
        return (
            f"Fetch it from {self.repository}"
            + (f" at commit {self.commit}" if self.commit else "")
            + (f" ({entry.upstream_path})" if entry.upstream_path else "")
        )

    @property
    def manifest_hash(self) -> str:
        """sha256 over the sorted file hashes (what :meth:`verify` returns when all files match)."""
        return combined_hash(f.sha256 for f in self.files)


def combined_hash(file_hashes) -> str:
    """sha256 of the sorted hex file hashes joined by newlines."""
    return hashlib.sha256("\n".join(sorted(file_hashes)).encode("ascii")).hexdigest()


def load_manifest(name: str, assets_dir: Path) -> DatasetManifest:
    """Load ``<assets_dir>/manifests/<name>.json``."""
    path = Path(assets_dir) / "manifests" / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no manifest for dataset {name!r} (looked for {path})")
    manifest = DatasetManifest.from_json(path)
    if manifest.name != name:
        raise ValueError(f"manifest {path} is named {manifest.name!r}, expected {name!r}")
    return manifest
