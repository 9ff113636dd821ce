"""The triage API through FastAPI's test client, against a real registered demo model."""

import pytest
from fastapi.testclient import TestClient

from models.report import MAX_TEXT_CHARS
from service.auth.bootstrap import ADMIN_KEY_FILE
from service.main import create_app

PJU_REPORT = {
    "id": "sby-900001",
    "text": "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu, gelap sekali kalau malam. Mohon diperbaiki.",
    "category": "Jalan Rusak dan Berlubang",
    "created_at": "2024-06-01T19:30:00+07:00",
    "kelurahan": "Kertajaya",
    "kecamatan": "Gubeng",
    "city": "Surabaya",
    "channel": "mediacenter",
}


@pytest.fixture(scope="module")
def client(served_settings, tmp_path_factory, issue_keys):
    database = tmp_path_factory.mktemp("api") / "triase.db"
    settings = served_settings.model_copy(update={"max_batch_size": 5, "database_url": f"sqlite:///{database}"})
    with TestClient(create_app(settings), headers=issue_keys(settings)["intake"]) as test_client:
        yield test_client


def test_health_readiness_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["ready"] and ready["model"].endswith("/1")
    assert client.get("/docs").status_code == 200
    assert "/v1/triage/batch" in client.get("/openapi.json").json()["paths"]


def test_triage_one_report(client):
    response = client.post("/v1/triage", json=PJU_REPORT)
    assert response.status_code == 200
    body = response.json()
    assert body["report_id"] == PJU_REPORT["id"]
    category = body["category"]
    assert category["predicted"] == "PJU"
    assert category["citizen_category"] == "Jalan Rusak dan Berlubang"
    assert category["agrees_with_citizen"] is False
    # A street light filed as a road: the model is sure, the road is another agency's, so it names the change.
    assert category["verdict"] == "suggest_change" and category["suggested"] == "PJU"
    assert category["citizen_probability"] < 0.1 and category["error_model"] == "default"
    assert "suggest_change" in body["review"]["reasons"]
    assert {"phrase", "weight"} <= set(category["evidence"][0])
    assert any(e["phrase"] in ("pju", "lampu", "lampu pju") for e in category["evidence"])
    assert body["agency"]["predicted"] == "Dinas Perhubungan"
    probabilities = [c["probability"] for c in category["top_k"]]
    assert len(probabilities) == 3 and probabilities == sorted(probabilities, reverse=True)
    assert category["confidence"] == probabilities[0]
    assert body["model"] == {"name": "triase-triage", "version": "1"}


def test_triage_batch_keeps_order_and_reports_agreement(client):
    reports = [
        {"id": "b-1", "text": "Air PDAM mati sejak pagi, tidak ada pemberitahuan", "category": "pelayanan pdam"},
        {"id": "b-2", "text": "Pohon besar di depan SD dahannya hampir kena kabel listrik, mohon dipangkas"},
        PJU_REPORT,
    ]
    response = client.post("/v1/triage/batch", json={"reports": reports})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["report_id"] for r in results] == ["b-1", "b-2", PJU_REPORT["id"]]
    assert results[0]["category"]["agrees_with_citizen"] is True  # case-insensitive match
    assert results[0]["category"]["verdict"] == "agree"
    assert results[1]["category"]["agrees_with_citizen"] is None
    assert results[1]["category"]["verdict"] is None
    assert results[1]["category"]["predicted"] == "Informasi Pemangkasan/Perantingan Pohon"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "x"}, "text"),
        ({"id": "x", "text": "   "}, "text"),
        ({"id": "x", "text": "a" * (MAX_TEXT_CHARS + 1)}, "text"),
        ({"id": "x", "text": "banjir", "lat": -100, "lon": 106.8}, "lat"),
        ({"id": "x", "text": "banjir", "lat": -6.2, "lon": "timur"}, "lon"),
        ({"id": "x", "text": 42}, "text"),
        ({"id": "x", "text": "ok", "private": "maybe"}, "private"),
        ({"text": "tanpa id"}, "id"),
    ],
)
def test_bad_single_reports_get_422_naming_the_field(client, body, field):
    response = client.post("/v1/triage", json=body)
    assert response.status_code == 422
    detail = response.json()
    assert field in detail["detail"]
    assert any(e["field"] == field for e in detail["errors"])


def test_bad_input_is_not_echoed_back(client):
    secret = "NIK 3578011203850004 " + "x" * 20
    response = client.post("/v1/triage", json={"id": "x", "text": secret, "lat": "utara"})
    assert response.status_code == 422
    assert "3578011203850004" not in response.text


def test_batch_errors_name_the_report_and_field(client):
    response = client.post("/v1/triage/batch", json={"reports": [{"id": "ok", "text": "jalan rusak"}, {"id": "bad"}]})
    assert response.status_code == 422
    assert "reports[1].text" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"reports": []}, "reports"),
        ({"reports": [{"id": f"r{i}", "text": "jalan rusak"} for i in range(6)]}, "at most 5 reports"),
        ({"reports": [{"id": "same", "text": "a"}, {"id": "same", "text": "b"}]}, "repeated: same"),
        ({}, "reports"),
    ],
)
def test_batch_limits(client, body, message):
    response = client.post("/v1/triage/batch", json=body)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_malformed_json_is_a_clear_422(client):
    response = client.post("/v1/triage", content=b'{"id": "x", "text": ', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "invalid JSON at character" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "body"


def test_without_a_champion_the_service_is_not_ready(settings):
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "no 'champion' alias" in ready.json()["detail"]
        admin_key = (settings.home / ADMIN_KEY_FILE).read_text().strip()
        response = client.post("/v1/triage", json=PJU_REPORT, headers={"Authorization": f"Bearer {admin_key}"})
        assert response.status_code == 503
        assert response.headers["retry-after"]


def test_location_check_flags_a_report_filed_in_the_neighbouring_kelurahan(client, served_settings):
    from training.geo import geo_available, load_gazetteer

    if not geo_available(served_settings):
        pytest.skip("the Jakarta boundary files are absent under TRIASE_DATA_DIR")
    gazetteer = load_gazetteer(served_settings)
    place = next(p for p in gazetteer.places if gazetteer.neighbours(p))
    point = gazetteer.geometry(place).representative_point()
    neighbour = gazetteer.neighbours(place)[0]
    report = {"id": "jkt-1", "text": "Banjir setinggi lutut di depan sekolah", "lat": point.y, "lon": point.x}

    same = client.post("/v1/triage", json=report | {"kelurahan": place.kelurahan}).json()["location"]
    assert same["verdict"] == "match" and same["located"]["kelurahan"] == place.kelurahan
    assert same["boundary_distance_m"] > 0

    moved = client.post("/v1/triage", json=report | {"id": "jkt-1b", "kelurahan": neighbour.kelurahan})
    moved = moved.json()["location"]
    assert moved["verdict"] in ("mismatch", "ambiguous")
    assert moved["suggested"]["kelurahan"] == place.kelurahan

    no_point = client.post("/v1/triage", json={"id": "jkt-2", "text": "Banjir", "kelurahan": place.kelurahan})
    assert no_point.json()["location"]["verdict"] == "no_point"


def test_personal_data_in_a_report_never_comes_back(client):
    planted = {
        "id": "pii-1",
        "text": "Nama saya Budi Santoso, NIK 3578011203850004, hp 0812-3456-7890, email budi.santoso@example.com. "
        "Lampu PJU di gang kami mati.",
        "reporter_ref": "whatsapp:+6281234567890",
        "private": True,
    }
    response = client.post("/v1/triage", json=planted)
    assert response.status_code == 200
    for secret in ("Budi", "Santoso", "3578011203850004", "3456", "budi.santoso", "6281234567890"):
        assert secret.lower() not in response.text.lower()


def test_vague_reports_are_flagged_with_what_to_ask_for(client):
    vague = client.post("/v1/triage", json={"id": "vague-1", "text": "Tolong diperbaiki"}).json()["vague"]
    assert vague["is_vague"] is True and vague["reasons"]
    assert all(r["code"] and r["request"] for r in vague["reasons"])
    specific = {
        "id": "vague-2",
        "text": "Lampu PJU di depan rumah nomor 12 Jl. Kertajaya Indah RT 03 RW 05 mati sejak tiga hari, jalan gelap.",
    }
    clear = client.post("/v1/triage", json=specific).json()
    assert clear["vague"]["is_vague"] is False and clear["vague"]["reasons"] == []
    assert "vague" not in clear["review"]["reasons"]
    queued = client.post("/v1/triage", json={"id": "vague-3", "text": "#banjir"}).json()
    assert queued["vague"]["is_vague"] and "vague" in queued["review"]["reasons"]


def test_the_service_starts_without_the_raw_data_and_every_suggestion_names_the_bundle(
    client, served_settings, tmp_path, issue_keys
):
    """The bundle carries every learnt part, so a server needs no exports; what it answers is what the same
    bundle answers on a machine that has them (the module's client)."""
    from sqlalchemy import select

    from models import registry
    from service.database.core import Database
    from service.reports.models import SuggestionKind, SuggestionRecord

    empty = tmp_path / "no-exports"
    empty.mkdir()
    database = f"sqlite:///{tmp_path / 'triase.db'}"
    settings = served_settings.model_copy(
        update={"data_dir": empty, "database_url": database, "model_poll_seconds": 0, "spot_check_rate": 0.0}
    )
    bundle = registry.load_champion(registry.configure(settings), settings.model_name, settings.embedder_dir).bundle
    vague = {"id": "nodata-1", "text": "Tolong diperbaiki"}
    copies = [{"id": f"nodata-{n}", "text": PJU_REPORT["text"], "created_at": PJU_REPORT["created_at"]} for n in (2, 3)]
    sent = [vague, *copies]
    if bundle.gazetteer is not None:
        place = next(p for p in bundle.gazetteer.places if bundle.gazetteer.neighbours(p))
        point = bundle.gazetteer.geometry(place).representative_point()
        neighbour = bundle.gazetteer.neighbours(place)[0]
        sent.append(
            {"id": "nodata-4", "text": "Banjir di depan sekolah", "lat": point.y, "lon": point.x}
            | {"kelurahan": neighbour.kelurahan}
        )
    with TestClient(create_app(settings), headers=issue_keys(settings)["intake"]) as no_data:
        assert no_data.get("/readyz").json()["ready"]
        answers = [no_data.post("/v1/triage", json=report).json() for report in sent]
    with_data = [client.post("/v1/triage", json=report | {"id": f"with-{report['id']}"}).json() for report in sent]

    assert answers[0]["vague"] == with_data[0]["vague"] and answers[0]["vague"]["is_vague"]
    assert answers[2]["duplicates"]["resubmission_of"] == "nodata-2"
    if bundle.gazetteer is not None:
        assert answers[3]["location"] == with_data[3]["location"]
        assert answers[3]["location"]["suggested"]["kelurahan"] == place.kelurahan
    assert {a["model"]["version"] for a in answers} == {"1"}
    stored = Database(database)
    with stored.session() as session:
        versions = session.execute(select(SuggestionRecord.kind, SuggestionRecord.model_version)).all()
    stored.dispose()
    kinds = {SuggestionKind.VAGUE, SuggestionKind.DUPLICATE} | (
        {SuggestionKind.LOCATION} if bundle.gazetteer is not None else set()
    )
    assert kinds <= {kind for kind, _ in versions}
    assert {version for _, version in versions} == {"1"}


def test_a_champion_registered_before_bundles_leaves_the_service_unready_saying_to_retrain(settings, register_artifact):
    from models.category import TextClassifier
    from models.triage import TriageModel
    from training import registry
    from training.datasets import load_dataset

    frame = load_dataset("demo", settings)
    model = TriageModel(category_classifier=TextClassifier(min_df=1).fit(frame["text"], frame["label_category"]))
    model.metadata["artifact_format"] = 4  # the triage model alone, as registered before the bundle
    registry.promote(registry.configure(settings), settings.model_name, register_artifact(settings, model))
    with TestClient(create_app(settings.model_copy(update={"model_poll_seconds": 0}))) as old:
        ready = old.get("/readyz")
        assert ready.status_code == 503
        assert "artifact format 4" in ready.json()["detail"] and "triase train --promote" in ready.json()["detail"]


def test_the_server_imports_no_training_code():
    """Only the `triase` command (service/cli.py) trains; the app a server runs loads the bundle and nothing of
    `training`, so it cannot drift back into refitting parts at start-up."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    probe = "import sys, service.main; print(sorted({m.split('.')[0] for m in sys.modules} & {'training'}))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(root)},
    )
    assert loaded.stdout.strip() == "[]"


def test_the_service_encodes_in_a_process_of_its_own_on_its_configured_threads(served_settings, tmp_path, issue_keys):
    import os

    import torch

    from models.encoder_process import shared_encoder_process

    wanted = 2 if torch.get_num_threads() == 1 else 1
    settings = served_settings.model_copy(
        update={
            "encoder_threads": wanted,
            "encoder_idle_threads": wanted,  # the threads while the request only waits: wanted too
            "database_url": f"sqlite:///{tmp_path / 'threads.db'}",
        }
    )
    # A text no other test sends, so it is encoded here (not answered from the vector memo) on this service's threads.
    report = {**PJU_REPORT, "id": "threads-1", "text": f"{PJU_REPORT['text']} Dilaporkan ulang oleh pengurus RW."}
    with TestClient(create_app(settings), headers=issue_keys(settings)["intake"]) as test_client:
        assert test_client.post("/v1/triage", json=report).status_code == 200
        encoder = shared_encoder_process()
        assert encoder.submit(os.getpid).result() != os.getpid()
        assert encoder.submit(torch.get_num_threads).result() == wanted
