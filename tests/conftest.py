"""Shared fixtures: isolated settings, and one demo model trained and promoted per session."""

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import mlflow
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models.embedder import load_embedder
from service.auth.models import Role
from service.auth.service import create_key
from service.config import ServiceSettings, get_service_settings
from service.database.core import Database
from service.database.migrate import upgrade
from service.main import create_app
from training import registry
from training.datasets import available_datasets
from training.train import train

SHARED_EMBEDDER_DIR = ServiceSettings().embedder_dir
"""Every test home shares one converted embedder: converting it takes a minute."""


@pytest.fixture(scope="session")
def shared_embedder_dir() -> str:
    """The converted embedder every test shares (see SHARED_EMBEDDER_DIR)."""
    return str(SHARED_EMBEDDER_DIR)


def make_settings(home, **overrides) -> ServiceSettings:
    return ServiceSettings(home=home, embedder_cache_dir=SHARED_EMBEDDER_DIR, **overrides)


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
def register_artifact():
    """A function that logs an artifact (a model bundle, or a model saved in an older format) in a run of its own
    and registers it in the settings' registry: `register_artifact(settings, artifact)` gives its version."""
    return _register_artifact


def _register_artifact(settings: ServiceSettings, artifact) -> str:
    client = registry.configure(settings)
    with mlflow.start_run() as run:
        digest = registry.log_model(artifact, artifact.metadata)
    return registry.register(client, settings.model_name, run.info.run_id, digest)


@pytest.fixture
def app_client(served_settings, database_url, issue_keys):
    """Builds the app on the demo champion and a fresh database, no spot checks, no model polling:
    `app_client(**setting_overrides)` gives a (not yet started) TestClient and headers for each role."""

    def build(**overrides):
        settings = served_settings.model_copy(
            update={"model_poll_seconds": 0, "database_url": database_url, "spot_check_rate": 0.0, **overrides}
        )
        return TestClient(create_app(settings)), issue_keys(settings)

    return build


@pytest.fixture
def reviewed(app_client):
    """The app running with nothing auto-accepted: every suggestion goes to a reviewer."""
    client, keys = app_client(auto_accept_category=1.0, auto_accept_agency=1.0)
    with client:
        yield client, keys


@pytest.fixture(scope="session")
def surabaya_available() -> None:
    if "surabaya_mediacenter" not in available_datasets(ServiceSettings()):
        pytest.skip("the real Surabaya export is absent under TRIASE_DATA_DIR")


# --- databases: every persistence test runs on SQLite and on PostgreSQL ------------------------------------

POSTGRES_ADMIN_URL = os.environ.get("TRIASE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> bool:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'triase.db'}"
        return
    if not _postgres_reachable():
        pytest.skip(f"no PostgreSQL at {POSTGRES_ADMIN_URL} (set TRIASE_TEST_POSTGRES_URL)")
    name = f"triase_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def issue_keys():
    """A function giving headers with a fresh key of each role, created in the settings' database."""
    return _issue_keys


def _issue_keys(settings: ServiceSettings) -> dict[str, dict[str, str]]:
    """Headers carrying a fresh key of each role, created in the settings' database."""
    database = Database(settings.database)
    upgrade(database)
    headers = {}
    with database.session() as session:
        for role in Role:
            key = create_key(session, f"test-{role.value}-{uuid.uuid4().hex[:6]}", role)
            headers[role.value] = {"Authorization": f"Bearer {key}"}
    database.dispose()
    return headers


# --- a real server on a free port, for browser and end-to-end tests ----------------------------------------


@contextmanager
def _live(app) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def live_server():
    """A function: `with live_server(app) as base_url:` runs the app under uvicorn on a free port."""
    return _live


@pytest.fixture
def service_environment(monkeypatch, served_settings):
    """A function setting TRIASE_* variables, so the CLI and a service share settings; returns those settings."""

    def apply(**values) -> ServiceSettings:
        values.setdefault("embedder_cache_dir", served_settings.embedder_dir)
        for name, value in values.items():
            monkeypatch.setenv(f"TRIASE_{name.upper()}", str(value))
        get_service_settings.cache_clear()
        return get_service_settings()

    yield apply
    get_service_settings.cache_clear()


@pytest.fixture(scope="session")
def embedder_dir() -> Path:
    """The real e5 embedder's folder, the default cache (built once per machine)."""
    folder = ServiceSettings().embedder_dir
    load_embedder(folder)
    return folder
