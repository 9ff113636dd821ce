"""Intake storage, the review queue, roles and quality gates, on SQLite and on PostgreSQL."""

import threading

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from service.audit.models import AuditEntry
from service.database.core import Database
from service.database.migrate import alembic_config, current_revision, head_revision, upgrade
from service.main import create_app
from service.queue import service as queue_service
from service.queue.models import Action, DecisionRequest
from service.reports.models import StoredReport, SuggestionRecord

PJU = {
    "id": "q-pju-1",
    "text": "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu, gelap sekali kalau malam.",
    "category": "Jalan Rusak dan Berlubang",
    "kelurahan": "Kertajaya",
}
TREE = {
    "id": "q-tree-1",
    "text": "Pohon besar di depan SDN Ketabang 1 dahannya hampir kena kabel listrik, mohon dipangkas",
}
WATER = {"id": "q-pdam-1", "text": "Air PDAM mati sejak pagi, tidak ada pemberitahuan", "category": "PDAM"}


def _client(settings, issue_keys, **overrides):
    settings = settings.model_copy(update={"model_poll_seconds": 0, **overrides})
    keys = issue_keys(settings)
    return TestClient(create_app(settings)), keys


@pytest.fixture
def service(served_settings, database_url, issue_keys):
    """The app on a fresh database; everything reviewed (no auto-accept), no spot checks."""
    client, keys = _client(
        served_settings,
        issue_keys,
        database_url=database_url,
        auto_accept_category=1.0,
        auto_accept_agency=1.0,
        spot_check_rate=0.0,
    )
    with client:
        yield client, keys


def _count(database_url, model) -> int:
    database = Database(database_url)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        database.dispose()


def test_migrations_build_the_schema_the_models_describe_and_roll_back(database_url):
    database = Database(database_url)
    upgrade(database)
    assert current_revision(database) == head_revision(database)
    config = alembic_config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises when models and migrations disagree
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert current_revision(database) is None
    upgrade(database)
    assert current_revision(database) == head_revision(database)
    database.dispose()


def test_the_audit_log_refuses_updates_and_deletes(database_url):
    database = Database(database_url)
    upgrade(database)
    with database.session() as session:
        session.add(AuditEntry(actor="t", action="test", entity="x", entity_id="1"))
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with database.engine.begin() as connection:
                connection.execute(text(statement))
    with database.session() as session:
        assert session.scalar(select(AuditEntry.actor)) == "t"
    database.dispose()


def test_the_same_report_is_triaged_and_stored_once(service, database_url):
    client, keys = service
    first = client.post("/v1/triage", json=PJU, headers=keys["intake"])
    again = client.post("/v1/triage", json=PJU, headers=keys["intake"])
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    batch = client.post("/v1/triage/batch", json={"reports": [PJU, TREE]}, headers=keys["intake"])
    retried = client.post("/v1/triage/batch", json={"reports": [TREE, PJU]}, headers=keys["intake"])
    assert [r["report_id"] for r in retried.json()["results"]] == ["q-tree-1", "q-pju-1"]
    assert batch.json()["results"][0] == first.json()
    assert _count(database_url, StoredReport) == 2
    suggestions = _count(database_url, SuggestionRecord)
    client.post("/v1/triage/batch", json={"reports": [PJU, TREE]}, headers=keys["intake"])
    assert _count(database_url, SuggestionRecord) == suggestions


def test_a_known_id_with_other_content_is_refused_and_nothing_of_the_batch_is_stored(service, database_url):
    client, keys = service
    client.post("/v1/triage", json=PJU, headers=keys["intake"])
    changed = PJU | {"text": "Jalan berlubang besar di depan pasar"}
    response = client.post("/v1/triage/batch", json={"reports": [WATER, changed]}, headers=keys["intake"])
    assert response.status_code == 409
    assert "q-pju-1" in response.json()["detail"]
    assert _count(database_url, StoredReport) == 1


def test_suggestions_store_model_version_and_scores_and_the_answer_says_what_happens(service, database_url):
    client, keys = service
    body = client.post("/v1/triage", json=PJU, headers=keys["intake"]).json()
    assert body["review"]["queued"] is True and body["review"]["queue_item_id"]
    assert "suggest_change" in body["review"]["reasons"] or "needs_review" in body["review"]["reasons"]
    database = Database(database_url)
    with database.session() as session:
        stored = session.scalars(select(SuggestionRecord).where(SuggestionRecord.report_id == "q-pju-1")).all()
        report = session.get(StoredReport, "q-pju-1")
    database.dispose()
    kinds = {s.kind.value: s for s in stored}
    assert {"category", "agency"} <= set(kinds)
    assert all(s.model_version == "1" and 0 <= s.score <= 1 for s in stored)
    assert kinds["category"].value == "PJU" and kinds["category"].current_value == "Jalan Rusak dan Berlubang"
    assert kinds["category"].evidence["phrases"]
    assert report.model_version == "1" and report.reporter_hash is None


def test_confident_reports_are_not_queued(served_settings, database_url, issue_keys):
    client, keys = _client(
        served_settings,
        issue_keys,
        database_url=database_url,
        auto_accept_category=0.0,
        auto_accept_agency=0.0,
        spot_check_rate=0.0,
    )
    with client:
        body = client.post("/v1/triage", json=TREE, headers=keys["intake"]).json()
        assert body["review"] == {"queued": False, "queue_item_id": None, "reasons": []}
        assert client.get("/v1/queue", headers=keys["reviewer"]).json()["total"] == 0


def test_roles_are_enforced(service):
    client, keys = service
    assert client.post("/v1/triage", json=PJU).status_code == 401
    assert client.post("/v1/triage", json=PJU, headers={"X-API-Key": "trs_nonsense"}).status_code == 401
    forbidden = client.post("/v1/triage", json=PJU, headers=keys["reviewer"])
    assert forbidden.status_code == 403 and "intake" in forbidden.json()["detail"]
    assert client.get("/v1/queue", headers=keys["intake"]).status_code == 403
    assert client.get("/v1/admin/quality", headers=keys["reviewer"]).status_code == 403
    assert client.post("/v1/triage", json=PJU, headers=keys["admin"]).status_code == 200
    assert client.get("/v1/queue", headers=keys["admin"]).status_code == 200

    created = client.post("/v1/admin/keys", json={"name": "siti", "role": "reviewer"}, headers=keys["admin"])
    assert created.status_code == 201
    siti = {"X-API-Key": created.json()["key"]}
    assert client.get("/v1/queue", headers=siti).status_code == 200
    assert (
        client.post("/v1/admin/keys", json={"name": "siti", "role": "admin"}, headers=keys["admin"]).status_code == 409
    )
    assert client.delete("/v1/admin/keys/siti", headers=keys["admin"]).status_code == 204
    assert client.get("/v1/queue", headers=siti).status_code == 401


def test_reviewers_list_claim_and_decide_and_every_step_is_audited(service):
    client, keys = service
    client.post("/v1/triage/batch", json={"reports": [PJU, TREE, WATER]}, headers=keys["intake"])
    reviewer = keys["reviewer"]
    page = client.get("/v1/queue", headers=reviewer).json()
    assert page["total"] == 3
    priorities = [i["priority"] for i in page["items"]]
    assert priorities == sorted(priorities, reverse=True)
    changes = client.get("/v1/queue", params={"reason": "suggest_change"}, headers=reviewer).json()
    assert all("suggest_change" in i["reasons"] for i in changes["items"])
    assert client.get("/v1/queue", params={"kelurahan": "kertajaya"}, headers=reviewer).json()["total"] == 1
    assert client.get("/v1/queue", params={"min_age_hours": 1}, headers=reviewer).json()["total"] == 0

    item_id = next(i["id"] for i in page["items"] if i["report_id"] == "q-pju-1")
    item = client.post(f"/v1/queue/{item_id}/claim", headers=reviewer).json()
    assert item["claimed_by"].startswith("test-reviewer")
    other = client.post("/v1/admin/keys", json={"name": "budi", "role": "reviewer"}, headers=keys["admin"]).json()
    taken = client.post(f"/v1/queue/{item_id}/claim", headers={"X-API-Key": other["key"]})
    assert taken.status_code == 409 and taken.json()["claimed_by"] == item["claimed_by"]
    assert "claimed by" in taken.json()["detail"]

    assert "reporter" not in str(item["report"]).lower()
    category = next(s for s in item["suggestions"] if s["kind"] == "category")
    agency = next(s for s in item["suggestions"] if s["kind"] == "agency")
    unknown = client.post(
        f"/v1/queue/{item_id}/decisions",
        json={"suggestion_id": category["id"], "action": "correct", "value": "Tidak Ada Kategori Ini"},
        headers=reviewer,
    )
    assert unknown.status_code == 422 and "not a known category" in unknown.json()["detail"]
    assert (
        client.post(
            f"/v1/queue/{item_id}/decisions",
            json={"suggestion_id": category["id"], "action": "correct"},
            headers=reviewer,
        ).status_code
        == 422
    )
    decided = client.post(
        f"/v1/queue/{item_id}/decisions",
        json={"suggestion_id": category["id"], "action": "accept", "comment": "lampu jalan, bukan jalan rusak"},
        headers=reviewer,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "open"
    done = client.post(
        f"/v1/queue/{item_id}/decisions",
        json={"suggestion_id": agency["id"], "action": "correct", "value": agency["value"]},
        headers=reviewer,
    ).json()
    assert done["status"] == "done" and done["claimed_by"] is None
    assert {s["decision"]["action"] for s in done["suggestions"] if s["decision"]} == {"accept", "correct"}
    assert client.get("/v1/queue", headers=reviewer).json()["total"] == 2
    assert client.get("/v1/queue", params={"status": "done"}, headers=reviewer).json()["total"] == 1

    audit = client.get("/v1/admin/audit", params={"limit": 1000}, headers=keys["admin"]).json()
    actions = [e["action"] for e in audit]
    for expected in ("report.triaged", "queue_item.claimed", "suggestion.decided", "queue_item.closed"):
        assert expected in actions
    decided_entry = next(
        e for e in audit if e["action"] == "suggestion.decided" and e["entity_id"] == str(category["id"])
    )
    assert decided_entry["before"]["value"] == "PJU" and decided_entry["after"]["action"] == "accept"
    assert "kertajaya" not in str(audit).lower()  # no report text in the log


def test_two_reviewers_deciding_the_same_suggestion_exactly_one_wins(service, database_url):
    client, keys = service
    client.post("/v1/triage", json=WATER, headers=keys["intake"])
    item = client.get("/v1/queue", headers=keys["reviewer"]).json()["items"][0]
    suggestion_id = client.get(f"/v1/queue/{item['id']}", headers=keys["reviewer"]).json()["suggestions"][0]["id"]
    database = Database(database_url)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(reviewer: str, action: Action) -> None:
        start.wait()
        try:
            queue_service.decide(
                database, item["id"], DecisionRequest(suggestion_id=suggestion_id, action=action), reviewer, None
            )
            outcomes[reviewer] = "won"
        except queue_service.Conflict as exc:
            outcomes[reviewer] = exc

    threads = [
        threading.Thread(target=decide, args=(name, action))
        for name, action in (("ani", Action.ACCEPT), ("budi", Action.REJECT))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    database.dispose()
    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    loser = next(o for o in outcomes.values() if o != "won")
    assert isinstance(loser, queue_service.Conflict) and loser.winner.reviewer == winners[0]
    http = client.post(
        f"/v1/queue/{item['id']}/decisions",
        json={"suggestion_id": suggestion_id, "action": "reject"},
        headers=keys["reviewer"],
    )
    assert http.status_code == 409 and http.json()["winner"]["reviewer"] == winners[0]


def test_a_closed_quality_gate_sends_that_suggestion_type_to_review(served_settings, database_url, issue_keys):
    client, keys = _client(
        served_settings,
        issue_keys,
        database_url=database_url,
        auto_accept_category=0.0,
        auto_accept_agency=0.0,
        spot_check_rate=1.0,
        quality_min_decisions=2,
        quality_min_precision=0.9,
    )
    with client:
        for n in range(2):
            body = client.post("/v1/triage", json=TREE | {"id": f"gate-{n}"}, headers=keys["intake"]).json()
            assert body["review"]["reasons"] == ["spot_check"]
            item = client.get(f"/v1/queue/{body['review']['queue_item_id']}", headers=keys["reviewer"]).json()
            category = next(s for s in item["suggestions"] if s["kind"] == "category")
            client.post(
                f"/v1/queue/{item['id']}/decisions",
                json={"suggestion_id": category["id"], "action": "reject"},
                headers=keys["reviewer"],
            )
        gates = client.get("/v1/admin/quality", headers=keys["admin"]).json()
        category_gate = next(g for g in gates if g["kind"] == "category")
        assert category_gate["precision"] == 0.0 and category_gate["auto_accept_open"] is False
        client.app.state.quality_gates.invalidate()
        body = client.post("/v1/triage", json=TREE | {"id": "gate-after"}, headers=keys["intake"]).json()
        assert "quality_gate" in body["review"]["reasons"]


def test_oversized_bodies_are_refused_before_parsing(served_settings, database_url, issue_keys):
    client, keys = _client(served_settings, issue_keys, database_url=database_url, max_body_bytes=2048)
    with client:
        big = {"id": "big", "text": "jalan rusak " * 400}
        response = client.post("/v1/triage", json=big, headers=keys["intake"])
        assert response.status_code == 413 and "2048 bytes" in response.json()["detail"]
        assert _count(database_url, StoredReport) == 0


def test_metrics_expose_requests_queue_depth_decisions_and_model(service):
    client, keys = service
    client.post("/v1/triage", json=PJU, headers=keys["intake"])
    metrics = client.get("/metrics").text
    assert 'triase_http_requests_total{method="POST",route="/v1/triage",status="200"} 1.0' in metrics
    assert "triase_http_request_duration_seconds_bucket" in metrics
    assert "triase_queue_depth 1.0" in metrics
    assert 'triase_model_info{name="triase-triage",version="1"} 1.0' in metrics
