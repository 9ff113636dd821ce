"""Training logs to MLflow, registers, promotes, and the champion loads only if its hash matches."""

import pickle

import joblib
import mlflow
import pytest

from models.category import TextClassifier
from models.duplicates import DuplicateScorer
from models.hashing import sha256_file
from models.privacy.redactor import redactor_version
from models.privacy.tagger import NameTagger
from models.registry import LEGACY_ARTIFACT_FILE
from models.report import Report
from models.settings import Settings
from models.triage import ARTIFACT_FORMAT, TriageModel
from training import registry
from training.datasets import available_datasets, load_dataset
from training.geo import geo_available, load_gazetteer
from training.train import train


def test_a_relative_home_gives_an_absolute_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings(home=".triase")
    assert settings.home == tmp_path / ".triase"
    assert settings.artifact_root == (tmp_path / ".triase" / "mlartifacts").as_uri()


def test_train_register_promote_load_round_trip(settings):
    result = train(settings, dataset="demo")
    assert result.version == "1"
    assert result.metrics["category"]["accuracy"] > 0.6  # 15 well-separated demo categories
    assert result.metrics["agency"]["accuracy"] > 0.6
    assert 0 <= result.metrics["mismatch"]["precision"] <= 1
    client = registry.configure(settings)
    assert registry.champion_version(client, settings.model_name) is None
    with pytest.raises(registry.RegistryError, match="no 'champion' alias"):
        registry.load_champion(client, settings.model_name, settings.embedder_dir)

    assert registry.promote(client, settings.model_name) == "1"
    loaded = registry.load_champion(client, settings.model_name, settings.embedder_dir)
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
        registry.load_version(client, settings.model_name, result.version, settings.embedder_dir)


def test_a_bundle_logged_as_a_joblib_file_before_still_loads(settings):
    result = train(settings, dataset="demo")
    client = registry.configure(settings)
    (stored,) = (settings.home / "mlartifacts").rglob(registry.ARTIFACT_FILE)
    with stored.open("rb") as file:
        bundle = pickle.load(file)
    legacy = stored.with_name(LEGACY_ARTIFACT_FILE)
    joblib.dump(bundle, legacy, compress=3)
    stored.unlink()
    client.set_model_version_tag(settings.model_name, result.version, registry.SHA256_TAG, sha256_file(legacy))
    loaded = registry.load_version(client, settings.model_name, result.version, settings.embedder_dir)
    assert loaded.sha256 == sha256_file(legacy)
    assert loaded.model.metadata["dataset"] == "demo"


def test_promoting_an_unknown_version_fails_clearly(settings):
    client = registry.configure(settings)
    with pytest.raises(registry.RegistryError, match="no registered versions"):
        registry.promote(client, settings.model_name)
    train(settings, dataset="demo")
    with pytest.raises(registry.RegistryError, match="no version 7"):
        registry.promote(client, settings.model_name, "7")


def test_a_model_reads_the_embedder_of_the_machine_that_loads_it(settings, tmp_path):
    result = train(settings, dataset="demo")
    client = registry.configure(settings)
    elsewhere = tmp_path / "another-machine" / "embedder"
    elsewhere.parent.mkdir()
    elsewhere.symlink_to(settings.embedder_dir)  # the same embedder, at another path
    loaded = registry.load_version(client, settings.model_name, result.version, elsewhere)
    heads = [c for c in (loaded.model.category_classifier, loaded.model.agency_classifier) if c.embedding_weight > 0]
    assert heads and all(c.embedder_dir == str(elsewhere) for c in heads)
    (prediction,) = loaded.model.predict([Report(id="r1", text="Lampu PJU di gang kami mati sejak kemarin")])
    assert prediction.category.predicted == "PJU"


@pytest.mark.parametrize("saved_format", [None, 4])
def test_a_model_saved_in_an_older_format_is_refused_with_what_to_do(settings, saved_format, register_artifact):
    # Format 4 and before registered the triage model alone; the service then refit the rest from raw data.
    frame = load_dataset("demo", settings)
    model = TriageModel(category_classifier=TextClassifier(min_df=1).fit(frame["text"], frame["label_category"]))
    if saved_format is None:
        del model.metadata["artifact_format"]  # as saved before the format was recorded
    else:
        model.metadata["artifact_format"] = saved_format
    version = register_artifact(settings, model)
    with pytest.raises(registry.ArtifactIntegrityError, match=f"artifact format {saved_format or 1}.*triase train"):
        registry.load_version(registry.configure(settings), settings.model_name, version, settings.embedder_dir)


def test_the_registered_bundle_holds_every_part_the_service_serves(served_settings):
    client = registry.configure(served_settings)
    bundle = registry.load_champion(client, served_settings.model_name, served_settings.embedder_dir).bundle
    learned = {"surabaya_mediacenter", "petabencana_jakarta_flood_reports_2017"} <= set(
        available_datasets(served_settings)
    )
    assert bundle.vagueness.mode == ("learned" if learned else "rules")
    assert bundle.vagueness.threshold == served_settings.vague_threshold
    assert bundle.duplicate_scorer.to_dict() == DuplicateScorer().to_dict()
    assert bundle.duplicate_likely_threshold == served_settings.duplicate_likely_threshold
    assert bundle.redactor_version == redactor_version()
    # The name tagger learns from the annotated reports in the Surabaya export; without it the rules mask alone.
    if "surabaya_mediacenter" in available_datasets(served_settings):
        assert bundle.name_tagger.threshold == NameTagger().threshold and bundle.masker.tagger is bundle.name_tagger
        assert bundle.describe()["name_tagger"]["masker_version"] == bundle.masker.version != redactor_version()
    else:
        assert bundle.name_tagger is None and bundle.masker.version == redactor_version()
    if geo_available(served_settings):
        assert bundle.gazetteer.version == load_gazetteer(served_settings).version
    else:
        assert bundle.gazetteer is None
    # The problem vectors are fitted on the hand-written pairs the project ships, their threshold out of fold.
    assert bundle.problem_pooling is not None and bundle.problem_pooling.output_dim == 128
    assert bundle.metadata["problem_vectors"]["threshold"] == round(bundle.problem_vector_threshold, 4)
    described = bundle.describe()
    assert described["artifact_format"] == ARTIFACT_FORMAT and described["vague"]["mode"] == bundle.vagueness.mode
    assert described["duplicates"]["problem_pooling"]["digest"] == bundle.problem_pooling.digest


def test_a_bundle_built_without_the_name_tagger_masks_with_the_rules(served_settings):
    from training.bundle import build_bundle

    client = registry.configure(served_settings)
    champion = registry.load_champion(client, served_settings.model_name, served_settings.embedder_dir).bundle
    bundle = build_bundle(served_settings.model_copy(update={"name_tagger": False}), champion.triage)
    assert bundle.name_tagger is None and bundle.masker.version == redactor_version()
    assert bundle.describe()["name_tagger"] is None
