"""Shared fixtures: isolated settings, and one demo model trained and promoted per session."""

import pytest

from service.config import ServiceSettings
from training import registry
from training.datasets import available_datasets
from training.train import train


def make_settings(home, **overrides) -> ServiceSettings:
    return ServiceSettings(home=home, **overrides)


@pytest.fixture
def settings(tmp_path) -> ServiceSettings:
    """Settings with a private MLflow store and cache under a temporary home."""
    return make_settings(tmp_path / "home")


@pytest.fixture(scope="session")
def served_settings(tmp_path_factory) -> ServiceSettings:
    """A registry whose champion is a model trained on the project's demo reports."""
    settings = make_settings(tmp_path_factory.mktemp("served") / "home")
    result = train(settings, dataset="demo")
    registry.promote(registry.configure(settings), settings.model_name, result.version)
    return settings


@pytest.fixture(scope="session")
def surabaya_available() -> None:
    if "surabaya_mediacenter" not in available_datasets(ServiceSettings()):
        pytest.skip("the real Surabaya export is absent under TRIASE_DATA_DIR")
