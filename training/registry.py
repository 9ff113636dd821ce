"""The MLflow model registry: log a trained model, promote it, load the champion safely.

Artifacts are joblib files. joblib unpickles arbitrary code, so a file is loaded only after
its sha256 matches the hash recorded on the registered model version when it was logged.
"""

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from models.triage import ARTIFACT_FORMAT
from training.datasets.manifest import sha256_file
from training.settings import Settings

log = logging.getLogger(__name__)

CHAMPION_ALIAS = "champion"
ARTIFACT_DIR = "model"
ARTIFACT_FILE = "triage.joblib"
SHA256_TAG = "sha256"


class RegistryError(RuntimeError):
    """The registry cannot give what was asked (no such model, version or alias)."""


class ArtifactIntegrityError(RuntimeError):
    """A model artifact does not match the hash recorded when it was registered."""


@dataclass(frozen=True)
class RegisteredModel:
    model: Any
    name: str
    version: str
    run_id: str
    sha256: str

    @property
    def label(self) -> str:
        return f"{self.name}/{self.version}"


def configure(settings: Settings) -> MlflowClient:
    """Point MLflow at the configured store and make sure the experiment exists."""
    settings.home.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(settings.tracking_uri)
    if mlflow.get_experiment_by_name(settings.mlflow_experiment) is None:
        artifact_location = None if settings.mlflow_tracking_uri else settings.artifact_root
        mlflow.create_experiment(settings.mlflow_experiment, artifact_location=artifact_location)
    mlflow.set_experiment(settings.mlflow_experiment)
    return MlflowClient(tracking_uri=settings.tracking_uri)


def log_model(model: Any, metadata: dict[str, Any]) -> str:
    """Save `model` with joblib as an artifact of the active run; returns its sha256."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / ARTIFACT_DIR
        folder.mkdir()
        path = folder / ARTIFACT_FILE
        joblib.dump(model, path, compress=3)
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


def champion_version(client: MlflowClient, name: str) -> str | None:
    try:
        return str(client.get_model_version_by_alias(name, CHAMPION_ALIAS).version)
    except MlflowException:
        return None


def load_version(client: MlflowClient, name: str, version: str, embedder_dir: Path) -> RegisteredModel:
    """Download, verify and unpickle one registered version, its sentence-vector heads reading `embedder_dir`."""
    info = client.get_model_version(name, version)
    expected = (info.tags or {}).get(SHA256_TAG)
    if not expected:
        raise ArtifactIntegrityError(f"{name}/{version} has no '{SHA256_TAG}' tag; refusing to load it")
    local = Path(mlflow.artifacts.download_artifacts(artifact_uri=info.source)) / ARTIFACT_FILE
    actual = sha256_file(local)
    if actual != expected:
        raise ArtifactIntegrityError(
            f"{name}/{version}: artifact sha256 is {actual}, registry recorded {expected}; refusing to load it"
        )
    model = joblib.load(local)
    found = getattr(model, "metadata", {}).get("artifact_format")
    if found != ARTIFACT_FORMAT:
        raise ArtifactIntegrityError(
            f"{name}/{version} was saved in artifact format {found or 1}, this code reads format {ARTIFACT_FORMAT}: "
            "retrain and promote a model with `triase train --promote`"
        )
    model.use_embedder(embedder_dir)
    log.info("loaded model %s/%s (sha256 %s)", name, version, actual[:12])
    return RegisteredModel(model=model, name=name, version=str(version), run_id=info.run_id, sha256=actual)


def load_champion(client: MlflowClient, name: str, embedder_dir: Path) -> RegisteredModel:
    version = champion_version(client, name)
    if version is None:
        raise RegistryError(f"model '{name}' has no '{CHAMPION_ALIAS}' alias; run `triase train` and `triase promote`")
    return load_version(client, name, version, embedder_dir)
