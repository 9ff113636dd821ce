"""Replicas on one database: each finds the duplicates of reports stored by the others, as one replica alone
would; a report is stored once whichever replicas receive it; reports no window reaches leave the index."""

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from service.database.core import Database
from service.main import create_app
from service.reports.models import StoredReport

FLOOD = {
    "id": "rep-1",
    "text": "Banjir setinggi lutut di Jl. Kemang Raya depan Masjid Al Ikhlas, mobil tidak bisa lewat",
    "created_at": "2026-11-20T07:00:00+07:00",
    "lat": -6.2601,
    "lon": 106.8132,
    "kelurahan": "Bangka",
}
SEQUENCE = [
    # (replica, report): replica 0 is A, 1 is B; a single replica receives them all in the same order.
    (0, FLOOD),
    (1, FLOOD | {"id": "rep-2", "text": FLOOD["text"] + "!", "created_at": "2026-11-20T07:05:00+07:00"}),
    (0, FLOOD | {"id": "rep-3", "created_at": "2026-11-20T07:30:00+07:00"}),
    (
        1,
        FLOOD
        | {
            "id": "rep-4",
            "text": "Jl Kemang Raya di depan masjid Al Ikhlas tergenang air sampai lutut, kendaraan tak bisa melintas",
            "created_at": "2026-11-20T08:00:00+07:00",
            "lat": -6.2603,
            "lon": 106.8130,
        },
    ),
    (0, FLOOD | {"id": "rep-5", "text": "Lampu PJU mati di Jl. Ampera Raya", "lat": -6.29, "lon": 106.82}),
]


def _settings(served_settings, database_url, home):
    # The registry lives in the served home; each replica keeps its own index files and keys in its own home.
    return served_settings.model_copy(
        update={
            "database_url": database_url,
            "model_poll_seconds": 0,
            "home": home,
            "mlflow_tracking_uri": served_settings.tracking_uri,
            "reporter_hash_key": SecretStr("one-key-for-every-replica"),
        }
    )


def _stored_count(database_url: str, report_id: str) -> int:
    database = Database(database_url)
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(StoredReport).where(StoredReport.id == report_id))
    database.dispose()
    return count


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_replicas_find_each_others_duplicates_as_one_replica_would_and_store_each_report_once(
    served_settings, database_url, tmp_path, issue_keys
):
    alone_settings = _settings(served_settings, f"sqlite:///{tmp_path / 'alone.db'}", tmp_path / "alone")
    alone_keys = issue_keys(alone_settings)
    with TestClient(create_app(alone_settings)) as alone:
        expected = [
            alone.post("/v1/triage", json=report, headers=alone_keys["intake"]).json()["duplicates"]
            for _, report in SEQUENCE
        ]
    assert expected[1]["duplicate_of"] == "rep-1"
    assert {c["report_id"] for c in expected[3]["candidates"]} >= {"rep-1", "rep-2", "rep-3"}

    shared = [_settings(served_settings, database_url, tmp_path / name) for name in ("a", "b")]
    keys = issue_keys(shared[0])["intake"]  # one database: a key works on every replica
    with TestClient(create_app(shared[0])) as a, TestClient(create_app(shared[1])) as b:
        replicas = (a, b)
        found = [
            replicas[replica].post("/v1/triage", json=report, headers=keys).json()["duplicates"]
            for replica, report in SEQUENCE
        ]
        assert found == expected  # the same candidates, evidence and scores as one replica alone
        assert found[1]["duplicate_of"] == "rep-1"  # B found what A stored
        assert [c["report_id"] for c in found[2]["candidates"]][:2] == ["rep-1", "rep-2"]  # and A, what B stored

        # Exactly once: a retry on the other replica is answered with the stored result.
        first = a.post("/v1/triage", json=FLOOD | {"id": "rep-6"}, headers=keys)
        retried = b.post("/v1/triage", json=FLOOD | {"id": "rep-6"}, headers=keys)
        assert first.status_code == retried.status_code == 200 and retried.json() == first.json()
        altered = b.post("/v1/triage", json=FLOOD | {"id": "rep-6", "text": "Sampah menumpuk"}, headers=keys)
        assert altered.status_code == 409 and "rep-6" in altered.json()["detail"]

        # Both replicas at once with the same new report: one stores it, both give the stored answer.
        racing = FLOOD | {"id": "rep-7", "created_at": "2026-11-20T09:00:00+07:00"}
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda client: client.post("/v1/triage", json=racing, headers=keys), replicas))
        assert [r.status_code for r in answers] == [200, 200] and answers[0].json() == answers[1].json()
    for report_id in ("rep-6", "rep-7"):
        assert _stored_count(database_url, report_id) == 1


def test_reports_no_window_reaches_leave_the_index_and_stay_in_the_database(
    served_settings, database_url, tmp_path, issue_keys
):
    settings = _settings(served_settings, database_url, tmp_path / "home").model_copy(
        update={"duplicate_window_days": 2.0, "duplicate_category_window_days": {"Banjir": 5.0}}
    )
    keys = issue_keys(settings)["intake"]
    now = datetime.now(UTC)

    def filed(report_id: str, days: float) -> dict:
        return FLOOD | {
            "id": report_id,
            "text": f"{FLOOD['text']} ({report_id})",
            "created_at": (now + timedelta(days=days)).isoformat(),
        }

    with TestClient(create_app(settings)) as client:
        for report in (filed("old-0", -8), filed("old-1", -2), filed("ahead-1", 3)):
            assert client.post("/v1/triage", json=report, headers=keys).status_code == 200
        finder = client.app.state.duplicate_finder
        # Filed 8 days ago, beyond the longest window (5 days), but received now: a backfill still finds its own.
        assert set(finder.index.ids()) == {"old-0", "old-1", "ahead-1"}

        finder.clock = lambda: now + timedelta(days=6)  # six days of service later
        fresh = client.post("/v1/triage", json=filed("new-1", 6), headers=keys).json()
        # Filed and received more than 5 days before: no report filed now can match them.
        assert set(finder.index.ids()) == {"ahead-1", "new-1"}
        assert {c["report_id"] for c in fresh["duplicates"]["candidates"]} <= {"ahead-1"}
    for report_id in ("old-0", "old-1", "ahead-1", "new-1"):
        assert _stored_count(database_url, report_id) == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_serve_with_workers_answers_from_every_worker_as_one_replica(
    served_settings, database_url, tmp_path, issue_keys
):
    keys = issue_keys(served_settings.model_copy(update={"database_url": database_url}))["intake"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "TRIASE_HOME": str(tmp_path / "home"),
        "TRIASE_MLFLOW_TRACKING_URI": served_settings.tracking_uri,
        "TRIASE_DATABASE_URL": database_url,
        "TRIASE_PORT": str(port),
        "TRIASE_MODEL_POLL_SECONDS": "0",
        "TRIASE_EMBEDDER_CACHE_DIR": str(served_settings.embedder_dir),
    }
    service = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert service.poll() is None, service.stderr.read().decode()[-2000:]
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        # A new connection per report: the kernel hands each to whichever worker accepts it first.
        found = [
            httpx.post(f"{base}/v1/triage", json=report, headers=keys, timeout=120).json()["duplicates"]
            for _, report in SEQUENCE[:3]
        ]
    finally:
        service.terminate()
        service.wait(timeout=60)
    assert found[1]["duplicate_of"] == "rep-1"
    assert [c["report_id"] for c in found[2]["candidates"]][:2] == ["rep-1", "rep-2"]
