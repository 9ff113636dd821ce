"""Reading the MLflow model registry: which version is the champion, and loading a bundle safely.

Both `triase train` (which writes versions, see `training.registry`) and the service (which only reads them)
use this module, so the service never imports the training code.

Artifacts are pickle files (protocol 5, arrays in place): the C unpickler reads a Surabaya bundle in 0.2 s CPU
against 2.7 s for joblib's pure-Python one, a quarter of the service's start-up. Bundles logged as joblib files
before still load. Unpickling runs arbitrary code, so a file is loaded only after its sha256 matches the hash
recorded on the registered model version when it was logged.
"""

import logging
import pickle
from dataclasses import dataclass
from pathlib import Path

import joblib
import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from models.bundle import ModelBundle
from models.errors import TriaseError
from models.hashing import sha256_file
from models.privacy.redactor import redactor_version
from models.settings import Settings
from models.triage import ARTIFACT_FORMAT, TriageModel

log = logging.getLogger(__name__)

CHAMPION_ALIAS = "champion"
ARTIFACT_DIR = "model"
ARTIFACT_FILE = "triage.pkl"
LEGACY_ARTIFACT_FILE = "triage.joblib"
"""What bundles were saved as before ARTIFACT_FILE (joblib, compressed); read, never written."""
SHA256_TAG = "sha256"


class RegistryError(TriaseError, RuntimeError):
    """The registry cannot give what was asked (no such model, version or alias)."""


class ArtifactIntegrityError(RuntimeError):
    """A model artifact does not match the hash recorded when it was registered, or this code cannot read it."""


@dataclass(frozen=True)
class RegisteredModel:
    """One loaded registry version: the bundle, and the name and version every suggestion it makes carries."""

    bundle: ModelBundle
    name: str
    version: str
    run_id: str
    sha256: str

    @property
    def model(self) -> TriageModel:
        """The bundle's triage model (category, agency, mismatch, auto-accept)."""
        return self.bundle.triage

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


def champion_version(client: MlflowClient, name: str) -> str | None:
    try:
        return str(client.get_model_version_by_alias(name, CHAMPION_ALIAS).version)
    except MlflowException:
        return None


def load_version(client: MlflowClient, name: str, version: str, embedder_dir: Path) -> RegisteredModel:
    """Download, verify and unpickle one registered bundle, its sentence-vector heads reading `embedder_dir`."""
    info = client.get_model_version(name, version)
    expected = (info.tags or {}).get(SHA256_TAG)
    if not expected:
        raise ArtifactIntegrityError(f"{name}/{version} has no '{SHA256_TAG}' tag; refusing to load it")
    folder = Path(mlflow.artifacts.download_artifacts(artifact_uri=info.source))
    local = folder / ARTIFACT_FILE if (folder / ARTIFACT_FILE).exists() else folder / LEGACY_ARTIFACT_FILE
    actual = sha256_file(local)
    if actual != expected:
        raise ArtifactIntegrityError(
            f"{name}/{version}: artifact sha256 is {actual}, registry recorded {expected}; refusing to load it"
        )
    if local.name == ARTIFACT_FILE:
        with local.open("rb") as file:
            bundle = pickle.load(file)
    else:
        bundle = joblib.load(local)
    found = getattr(bundle, "metadata", {}).get("artifact_format")
    if not isinstance(bundle, ModelBundle) or found != ARTIFACT_FORMAT:
        raise ArtifactIntegrityError(
            f"{name}/{version} was saved in artifact format {found or 1}, this code reads format {ARTIFACT_FORMAT} "
            "(one bundle of every learnt part the service serves): retrain and promote a model with "
            "`triase train --promote`"
        )
    if bundle.redactor_version != redactor_version():
        log.warning(
            "%s/%s was trained on texts masked by redactor %s; this code's rules are %s",
            name,
            version,
            bundle.redactor_version,
            redactor_version(),
        )
    bundle.use_embedder(embedder_dir)
    log.info("loaded model %s/%s (sha256 %s)", name, version, actual[:12])
    return RegisteredModel(bundle=bundle, name=name, version=str(version), run_id=info.run_id, sha256=actual)


def load_champion(client: MlflowClient, name: str, embedder_dir: Path) -> RegisteredModel:
    version = champion_version(client, name)
    if version is None:
        raise RegistryError(f"model '{name}' has no '{CHAMPION_ALIAS}' alias; run `triase train` and `triase promote`")
    return load_version(client, name, version, embedder_dir)
