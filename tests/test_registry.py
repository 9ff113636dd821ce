"""Training logs to MLflow, registers, promotes, and the champion loads only if its hash matches."""

import mlflow
import pytest

from models.triage import TriageModel
from training import registry
from training.train import train


def test_train_register_promote_load_round_trip(settings):
    result = train(settings, dataset="demo")
    assert result.version == "1"
    assert result.metrics["category"]["accuracy"] > 0.6  # 15 well-separated demo categories
    assert result.metrics["agency"]["accuracy"] > 0.6
    assert 0 <= result.metrics["mismatch"]["precision"] <= 1
    client = registry.configure(settings)
    assert registry.champion_version(client, settings.model_name) is None
    with pytest.raises(registry.RegistryError, match="no 'champion' alias"):
        registry.load_champion(client, settings.model_name)

    assert registry.promote(client, settings.model_name) == "1"
    loaded = registry.load_champion(client, settings.model_name)
    assert isinstance(loaded.model, TriageModel)
    assert loaded.label == f"{settings.model_name}/1"
    assert loaded.model.metadata["dataset"] == "demo"

    run = mlflow.get_run(result.run_id)
    assert run.data.tags["sha256"] == loaded.sha256
    expected = {"category.macro_f1", "category.accuracy", "category.top3_accuracy", "category.ece", "agency.macro_f1"}
    assert expected <= set(run.data.metrics)
    assert run.data.params["dataset"] == "demo"


def test_tampered_artifact_is_refused(settings):
    result = train(settings, dataset="demo")
    client = registry.configure(settings)
    (stored,) = (settings.home / "mlartifacts").rglob(registry.ARTIFACT_FILE)
    stored.write_bytes(stored.read_bytes()[:-10] + b"tampered!!")
    with pytest.raises(registry.ArtifactIntegrityError, match="refusing to load"):
        registry.load_version(client, settings.model_name, result.version)


def test_promoting_an_unknown_version_fails_clearly(settings):
    client = registry.configure(settings)
    with pytest.raises(registry.RegistryError, match="no registered versions"):
        registry.promote(client, settings.model_name)
    train(settings, dataset="demo")
    with pytest.raises(registry.RegistryError, match="no version 7"):
        registry.promote(client, settings.model_name, "7")
