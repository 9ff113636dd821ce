"""Duplicate checks in the service: resubmissions grouped at once, likely duplicates queued for a merge,
and an index that survives restarts and is rebuilt from the database when it is lost."""

import logging
import shutil

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.database.core import Database
from service.duplicates.service import INDEX_DIR
from service.main import create_app
from service.reports.models import StoredReport

FLOOD = {
    "id": "dup-1",
    "text": "Banjir setinggi lutut di Jl. Kemang Raya depan Masjid Al Ikhlas, mobil tidak bisa lewat",
    "created_at": "2026-11-20T07:00:00+07:00",
    "lat": -6.2601,
    "lon": 106.8132,
    "kelurahan": "Bangka",
}


def _settings(served_settings, database_url, tmp_path):
    return served_settings.model_copy(
        update={"database_url": database_url, "model_poll_seconds": 0, "home": tmp_path / "home"}
    )


def test_resubmissions_are_grouped_and_reworded_reports_queued_for_a_merge(
    served_settings, database_url, tmp_path, issue_keys, caplog
):
    settings = _settings(served_settings, database_url, tmp_path)
    # The registry lives in the served home; only the index and keys live in the test's own home.
    settings = settings.model_copy(update={"mlflow_tracking_uri": served_settings.tracking_uri})
    keys = issue_keys(settings)
    resent = FLOOD | {"id": "dup-2", "created_at": "2026-11-20T07:20:00+07:00"}
    reworded = FLOOD | {
        "id": "dup-3",
        "text": "Jl Kemang Raya di depan masjid Al Ikhlas tergenang air sampai lutut, kendaraan tidak bisa melintas",
        "created_at": "2026-11-20T08:00:00+07:00",
        "lat": -6.2603,
        "lon": 106.8130,
    }
    elsewhere = FLOOD | {"id": "dup-4", "text": "Lampu PJU mati di Jl. Ampera Raya", "lat": -6.29, "lon": 106.82}
    with TestClient(create_app(settings)) as client:
        results = client.post(
            "/v1/triage/batch", json={"reports": [FLOOD, resent, reworded, elsewhere]}, headers=keys["intake"]
        ).json()["results"]
        first, second, third, fourth = (r["duplicates"] for r in results)
        assert first["candidates"] == []
        assert second["exact_resubmission_of"] == "dup-1" and second["duplicate_of"] == "dup-1"
        assert {c["report_id"] for c in third["candidates"]} >= {"dup-1", "dup-2"}
        assert third["candidates"][0]["distance_m"] < 50 and third["candidates"][0]["same_kelurahan"] is True
        assert third["candidates"][0]["problem_vector_similarity"] is not None  # the served bundle's pooling
        assert fourth["duplicate_of"] is None
        assert "exact_resubmission" not in results[1]["review"]["reasons"]

        database = Database(database_url)
        with database.session() as session:
            groups = dict(session.execute(select(StoredReport.id, StoredReport.duplicate_group)).all())
        database.dispose()
        assert groups["dup-1"] == groups["dup-2"] == "dup-1" and groups["dup-4"] is None

        assert third["duplicate_of"] in {"dup-1", "dup-2"}
        item_id = results[2]["review"]["queue_item_id"]
        item = client.get(f"/v1/queue/{item_id}", headers=keys["reviewer"]).json()
        suggestion = next(s for s in item["suggestions"] if s["kind"] == "duplicate")
        assert suggestion["reason"] == "likely_duplicate"
        merged = client.post(
            f"/v1/queue/{item_id}/decisions",
            json={"suggestion_id": suggestion["id"], "action": "merge", "value": suggestion["value"]},
            headers=keys["reviewer"],
        )
        assert merged.status_code == 200 and merged.json()["report"]["duplicate_group"] == "dup-1"

    index_dir = settings.home / INDEX_DIR
    assert (index_dir / "metadata.json").exists()  # saved on shutdown
    with TestClient(create_app(settings)) as client:
        again = client.post("/v1/triage", json=FLOOD | {"id": "dup-5"}, headers=keys["intake"]).json()
        assert again["duplicates"]["exact_resubmission_of"] in {"dup-1", "dup-2"}

    shutil.rmtree(index_dir)
    caplog.set_level(logging.INFO)
    with TestClient(create_app(settings)) as client:
        assert any("rebuilding it from the database" in r.getMessage() for r in caplog.records)
        later = client.post("/v1/triage", json=FLOOD | {"id": "dup-6"}, headers=keys["intake"]).json()
        assert later["duplicates"]["exact_resubmission_of"] in {"dup-1", "dup-2", "dup-5"}


def test_a_report_is_encoded_once_for_the_category_model_and_the_duplicate_index(
    served_settings, tmp_path, monkeypatch
):
    from models import sentence_vectors
    from models.report import Report
    from service.duplicates.service import DuplicateFinder
    from training import registry
    from training.duplicates import make_index

    bundle = registry.load_champion(
        registry.configure(served_settings), served_settings.model_name, served_settings.embedder_dir
    ).bundle
    # Counted where it computes: in this process (a service encodes in its encoder process, bit for bit the same).
    monkeypatch.setattr(sentence_vectors, "_process", None)
    encoder = sentence_vectors.encoder(str(served_settings.embedder_dir))
    encoded: list[int] = []
    forward = encoder.forward
    monkeypatch.setattr(
        encoder, "forward", lambda features, **kw: encoded.append(len(features["input_ids"])) or forward(features, **kw)
    )
    report = Report(id="once-1", text="Pohon tumbang menutup Jl. Rungkut Asri Tengah sejak subuh, belum ditangani")
    finder = DuplicateFinder(
        make_index(served_settings), served_settings.embedder_dir, tmp_path / INDEX_DIR, pooling=bundle.problem_pooling
    )

    # As the pipeline does: one forward pass for the sentence and problem vectors, which the classifiers reuse.
    finder.encode([report.text], bundle.problem_pooling)
    bundle.triage.predict([report])
    (entry,) = finder.entries([report])
    assert encoded == [1]
    assert entry.vector.shape == (384,) and entry.problem_vector.shape == (bundle.problem_pooling.output_dim,)
    assert entry.problem_pooling == bundle.problem_pooling.digest


LIGHT = {
    "id": "re-1",
    "text": "Lampu PJU di Gg. Mawar 3 RT 05 depan Masjid Al Ikhlas mati sudah seminggu, gelap bgt",
    "created_at": "2026-11-21T19:00:00+07:00",
    "lat": -6.2001,
    "lon": 106.8001,
    "kelurahan": "Bangka",
    "reporter_ref": "warga-0412",
}


def test_a_retyped_resubmission_is_grouped_by_the_stored_reporter_hash_also_after_a_rebuild(
    served_settings, database_url, tmp_path, issue_keys
):
    settings = _settings(served_settings, database_url, tmp_path)
    settings = settings.model_copy(update={"mlflow_tracking_uri": served_settings.tracking_uri})
    keys = issue_keys(settings)
    retyped = LIGHT | {
        "id": "re-2",
        "text": "Lampu PJU di Gg. Mawar 3 RT 05 depan Masjid Al-Ikhlas sudah mati seminggu, gelap banget. Mohon segera",
        "created_at": "2026-11-21T19:06:00+07:00",
        "lat": -6.2007,  # the phone's point moved 67 m; the reporter is the same
    }
    other_sender = retyped | {
        "id": "re-3",
        "reporter_ref": "warga-9999",
        "text": LIGHT["text"] + ", tolong dicek",  # not identical: an identical text is a resubmission whoever sent it
        "created_at": "2026-11-21T19:08:00+07:00",
        "lat": -6.1995,  # 67 m from the first report, 133 m from the second
    }
    with TestClient(create_app(settings)) as client:
        first, second, third = (
            r["duplicates"]
            for r in client.post(
                "/v1/triage/batch", json={"reports": [LIGHT, retyped, other_sender]}, headers=keys["intake"]
            ).json()["results"]
        )
        assert second["resubmission_of"] == "re-1" and second["exact_resubmission_of"] is None
        best = second["candidates"][0]
        assert best["resubmission"] and not best["exact"] and best["category_similarity"] is not None
        assert third["resubmission_of"] is None  # another reporter at another point: no resubmission by itself
        assert "warga" not in str(second)  # reporter data never appears in responses
    database = Database(database_url)
    with database.session() as session:
        groups = dict(session.execute(select(StoredReport.id, StoredReport.duplicate_group)).all())
    database.dispose()
    assert groups["re-1"] == groups["re-2"] == "re-1"

    shutil.rmtree(settings.home / INDEX_DIR)  # rebuilt from the stored reporter hashes and triage answers
    with TestClient(create_app(settings)) as client:
        again = retyped | {"id": "re-4", "created_at": "2026-11-21T19:20:00+07:00", "lat": -6.2012}
        found = client.post("/v1/triage", json=again, headers=keys["intake"]).json()["duplicates"]
        assert found["resubmission_of"] in {"re-1", "re-2"}
        assert found["candidates"][0]["category_similarity"] is not None
