"""Writing the MLflow model registry: log a trained bundle, register it as a version, promote it.

The reading side (the champion, loading a version after checking its hash and format) is `models.registry`,
which the service uses too; it is re-exported here so training code has one registry module to call.
"""

import logging
import pickle
import tempfile
from pathlib import Path
from typing import Any

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from models.bundle import ModelBundle
from models.hashing import sha256_file
from models.registry import (
    ARTIFACT_DIR,
    ARTIFACT_FILE,
    CHAMPION_ALIAS,
    SHA256_TAG,
    ArtifactIntegrityError,
    RegisteredModel,
    RegistryError,
    champion_version,
    configure,
    load_champion,
    load_version,
)

__all__ = [
    "ARTIFACT_DIR",
    "ARTIFACT_FILE",
    "CHAMPION_ALIAS",
    "SHA256_TAG",
    "ArtifactIntegrityError",
    "RegisteredModel",
    "RegistryError",
    "champion_version",
    "configure",
    "load_champion",
    "load_version",
    "log_model",
    "promote",
    "register",
]

log = logging.getLogger(__name__)


def log_model(bundle: ModelBundle, metadata: dict[str, Any]) -> str:
    """Save `bundle` as a pickle artifact of the active run (see `models.registry`); returns its sha256."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / ARTIFACT_DIR
        folder.mkdir()
        path = folder / ARTIFACT_FILE
        with path.open("wb") as file:
            pickle.dump(bundle, file, protocol=5)
        digest = sha256_file(path)
        mlflow.log_dict({**metadata, SHA256_TAG: digest}, f"{ARTIFACT_DIR}/metadata.json")
        mlflow.log_artifact(str(path), artifact_path=ARTIFACT_DIR)
    mlflow.set_tag(SHA256_TAG, digest)
    return digest


def register(client: MlflowClient, name: str, run_id: str, digest: str, description: str = "") -> str:
    """Register the model logged in `run_id` as a new version of `name`; returns the version."""
    try:
        client.get_registered_model(name)
    except MlflowException:
        client.create_registered_model(name, description="triase triage models (category suggestions and more)")
    run = client.get_run(run_id)
    version = client.create_model_version(
        name,
        source=f"{run.info.artifact_uri}/{ARTIFACT_DIR}",
        run_id=run_id,
        tags={SHA256_TAG: digest},
        description=description,
    )
    return str(version.version)


def promote(client: MlflowClient, name: str, version: str | None = None) -> str:
    """Point the champion alias at `version` (the newest version when None)."""
    if version is None:
        versions = client.search_model_versions(f"name = '{name}'")
        if not versions:
            raise RegistryError(f"model '{name}' has no registered versions; run `triase train` first")
        version = str(max(int(v.version) for v in versions))
    try:
        client.get_model_version(name, version)
    except MlflowException as exc:
        raise RegistryError(f"model '{name}' has no version {version}") from exc
    client.set_registered_model_alias(name, CHAMPION_ALIAS, version)
    return version
