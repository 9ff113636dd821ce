"""What a client generated from /openapi.json reads is what the service sends: every response of the intake
and review flows, errors included, validated against the operation's published schema (schemathesis)."""

import pytest
import schemathesis
from fastapi.testclient import TestClient

from service.auth.bootstrap import ADMIN_KEY_FILE
from service.main import create_app
from service.reports.reasons import Reason

PJU = {
    "id": "c-pju-1",
    "text": "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu, gelap sekali kalau malam.",
    "category": "Jalan Rusak dan Berlubang",
    "created_at": "2024-06-01T19:30:00+07:00",
    "kelurahan": "Kertajaya",
}
TREE = {"id": "c-tree-1", "text": "Pohon besar di depan SDN Ketabang 1 dahannya hampir kena kabel listrik"}
WATER = {"id": "c-pdam-1", "text": "Air PDAM mati sejak pagi, tidak ada pemberitahuan", "category": "PDAM"}


class Contract:
    """The published document of a running app, and a check of responses against it."""

    def __init__(self, client: TestClient):
        self.document = client.get("/openapi.json").json()
        self.schema = schemathesis.openapi.from_dict(self.document)
        self.checked: list[tuple[str, str, int]] = []

    def conforms(self, response, method: str, path: str):
        """`path` is the operation's template, e.g. /v1/queue/{item_id}."""
        documented = self.document["paths"][path][method.lower()]["responses"]
        status = response.status_code
        assert str(status) in documented, f"{method} {path} answered {status}, documented: {sorted(documented)}"
        self.schema[path][method.upper()].validate_response(response)
        self.checked.append((method.upper(), path, status))
        return response


@pytest.fixture
def contract(reviewed):
    client, keys = reviewed
    return client, keys, Contract(client)


def test_fastapi_default_validation_body_is_not_published(contract):
    client, _, checker = contract
    document = checker.document
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    body = response["content"]["application/json"]["schema"]["$ref"]
                    assert body.rsplit("/", 1)[1] in ("ErrorResponse", "QueueConflict"), (method, path, status)
    assert set(schemas["ErrorResponse"]["required"]) == {"detail", "errors"}
    assert set(schemas["QueueConflict"]["required"]) >= {"detail", "errors"}


def test_every_kind_of_client_error_conforms_to_the_published_error_model(contract):
    client, keys, checker = contract
    intake, reviewer = keys["intake"], keys["reviewer"]

    def error(response, method, path, status, field=None):
        assert response.status_code == status, response.text
        body = checker.conforms(response, method, path).json()
        assert isinstance(body["detail"], str) and len(body["detail"]) > 10
        if field is not None:
            assert field in [e["field"] for e in body["errors"]], body
        return body

    error(client.post("/v1/triage", json=PJU), "POST", "/v1/triage", 401)
    error(client.post("/v1/triage", json=PJU, headers={"X-API-Key": "trs_unknown"}), "POST", "/v1/triage", 401)
    error(client.post("/v1/triage", json=PJU, headers=reviewer), "POST", "/v1/triage", 403)
    error(client.post("/v1/triage", json={"id": "x"}, headers=intake), "POST", "/v1/triage", 422, "text")
    as_json = intake | {"content-type": "application/json"}
    malformed = client.post("/v1/triage", content=b'{"id": "x", "te', headers=as_json)
    error(malformed, "POST", "/v1/triage", 422, "body")
    huge = client.post("/v1/triage", content=b"x" * (client.app.state.settings.max_body_bytes + 1), headers=as_json)
    error(huge, "POST", "/v1/triage", 413, "body")

    repeated = {"reports": [{"id": "same", "text": "jalan rusak"}, {"id": "same", "text": "banjir"}]}
    body = error(client.post("/v1/triage/batch", json=repeated, headers=intake), "POST", "/v1/triage/batch", 422)
    assert body["errors"] == [{"field": "reports", "message": "ids must be unique within a batch; repeated: same"}]
    most = client.app.state.settings.max_batch_size
    too_many = {"reports": [{"id": f"r{i}", "text": "jalan rusak"} for i in range(most + 1)]}
    error(client.post("/v1/triage/batch", json=too_many, headers=intake), "POST", "/v1/triage/batch", 422, "reports")

    assert client.post("/v1/triage", json=PJU, headers=intake).status_code == 200
    changed = PJU | {"text": "Jalan berlubang besar di depan pasar"}
    error(client.post("/v1/triage", json=changed, headers=intake), "POST", "/v1/triage", 409)
    error(client.get("/v1/reports/nobody", headers=intake), "GET", "/v1/reports/{report_id}", 404)
    error(client.get("/v1/events?limit=0", headers=intake), "GET", "/v1/events", 422, "limit")
    error(client.get("/v1/queue/999999", headers=reviewer), "GET", "/v1/queue/{item_id}", 404)
    error(client.get("/v1/queue?limit=500", headers=reviewer), "GET", "/v1/queue", 422, "limit")

    item = client.get("/v1/queue", headers=reviewer).json()["items"][0]
    detail = client.get(f"/v1/queue/{item['id']}", headers=reviewer).json()
    category = next(s for s in detail["suggestions"] if s["kind"] == "category")
    path = "/v1/queue/{item_id}/decisions"
    unknown = {"suggestion_id": category["id"], "action": "correct", "value": "Kategori Yang Tidak Ada"}
    error(client.post(f"/v1/queue/{item['id']}/decisions", json=unknown, headers=reviewer), "POST", path, 422, "value")
    accept = {"suggestion_id": category["id"], "action": "accept"}
    assert client.post(f"/v1/queue/{item['id']}/decisions", json=accept, headers=reviewer).status_code == 200
    again = client.post(f"/v1/queue/{item['id']}/decisions", json=accept, headers=keys["admin"])
    late = error(again, "POST", path, 409)
    assert late["winner"]["suggestion_id"] == category["id"] and late["errors"] == []


def test_without_a_model_the_503_conforms_too(settings):
    with TestClient(create_app(settings)) as client:
        checker = Contract(client)
        key = (settings.home / ADMIN_KEY_FILE).read_text().strip()
        response = client.post("/v1/triage", json=PJU, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 503 and response.headers["retry-after"]
        checker.conforms(response, "POST", "/v1/triage")
        checker.conforms(client.get("/readyz"), "GET", "/readyz")


def test_the_intake_and_review_flows_conform_to_the_published_document(contract):
    client, keys, checker = contract
    intake, reviewer, admin = keys["intake"], keys["reviewer"], keys["admin"]
    ok = checker.conforms

    vocabulary = ok(client.get("/v1/vocabulary", headers=intake), "GET", "/v1/vocabulary").json()
    assert "PJU" in [c["name"] for c in vocabulary["categories"]]
    one = ok(client.post("/v1/triage", json=PJU, headers=intake), "POST", "/v1/triage").json()
    assert one["review"]["queued"]
    retried = ok(client.post("/v1/triage", json=PJU, headers=intake), "POST", "/v1/triage").json()
    assert retried == one  # answered from storage, same contract
    batch = ok(
        client.post("/v1/triage/batch", json={"reports": [TREE, WATER]}, headers=intake), "POST", "/v1/triage/batch"
    ).json()
    assert [r["report_id"] for r in batch["results"]] == [TREE["id"], WATER["id"]]

    page = ok(client.get("/v1/queue", headers=reviewer), "GET", "/v1/queue").json()
    assert page["total"] == 3 and all("queued_at" in i and "created_at" not in i for i in page["items"])
    ok(client.get("/v1/queue?reason=suggest_change&kind=category", headers=reviewer), "GET", "/v1/queue")
    item_id = one["review"]["queue_item_id"]
    item = ok(client.get(f"/v1/queue/{item_id}", headers=reviewer), "GET", "/v1/queue/{item_id}").json()
    ok(client.post(f"/v1/queue/{item_id}/claim", headers=reviewer), "POST", "/v1/queue/{item_id}/claim")
    taken = ok(client.post(f"/v1/queue/{item_id}/claim", headers=admin), "POST", "/v1/queue/{item_id}/claim")
    assert taken.status_code == 409 and taken.json()["claimed_by"]
    ok(client.post(f"/v1/queue/{item_id}/release", headers=reviewer), "POST", "/v1/queue/{item_id}/release")
    for suggestion in item["suggestions"]:
        if suggestion["status"] != "auto_accepted" and not suggestion["superseded_by"]:
            if suggestion["kind"] == "category":
                decision = {"suggestion_id": suggestion["id"], "action": "correct", "value": "PJU"}
            else:
                decision = {"suggestion_id": suggestion["id"], "action": "accept"}
            decided = client.post(f"/v1/queue/{item_id}/decisions", json=decision, headers=reviewer)
            ok(decided, "POST", "/v1/queue/{item_id}/decisions")
    assert decided.json()["status"] == "done"

    tree_item = batch["results"][0]["review"]["queue_item_id"]
    bulk = {"action": "accept", "item_ids": [tree_item]}
    result = ok(
        client.post("/v1/queue/bulk-decisions", json=bulk, headers=reviewer), "POST", "/v1/queue/bulk-decisions"
    )
    assert result.json()["decided"] == 1
    ok(client.get("/v1/queue?status=done", headers=reviewer), "GET", "/v1/queue")

    outcome = ok(client.get(f"/v1/reports/{PJU['id']}", headers=intake), "GET", "/v1/reports/{report_id}").json()
    assert outcome["category"]["value"] == "PJU"
    events = ok(client.get("/v1/events?after=0&limit=100", headers=intake), "GET", "/v1/events").json()
    assert events["events"]
    ok(client.get("/readyz"), "GET", "/readyz")
    ok(client.get("/healthz"), "GET", "/healthz")
    operations = {(method, path) for method, path, _ in checker.checked}
    assert {
        ("POST", "/v1/triage"),
        ("POST", "/v1/triage/batch"),
        ("POST", "/v1/queue/{item_id}/decisions"),
    } <= operations


def test_the_published_reasons_are_the_tables(contract):
    _, _, checker = contract
    assert checker.document["components"]["schemas"]["Reason"]["enum"] == [r.value for r in Reason]
