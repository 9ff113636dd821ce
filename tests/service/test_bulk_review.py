"""A corrected category re-derives the agency; bulk accepts and group merges, race-safe, one audit entry a report."""

import threading

import pytest
from sqlalchemy import func, select

from models.category import TextClassifier
from models.triage import TriageModel
from service.audit.models import AuditEntry
from service.database.core import Database
from service.database.migrate import upgrade
from service.events.models import ChangeEvent
from service.queue import service as queue
from service.queue.models import Decision, DecisionRequest, ItemStatus, QueueItem
from service.reports.models import StoredReport, SuggestionKind, SuggestionRecord, SuggestionStatus
from service.reports.outcome import report_outcome

PJU = {
    "id": "b-pju-1",
    "text": "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu, gelap sekali kalau malam.",
    "category": "Jalan Rusak dan Berlubang",
    "kelurahan": "Kertajaya",
}
TREE = {
    "id": "b-tree-1",
    "text": "Pohon besar di depan SDN Ketabang 1 dahannya hampir kena kabel listrik, mohon dipangkas",
}
WATER = {"id": "b-pdam-1", "text": "Air PDAM mati sejak pagi, tidak ada pemberitahuan", "category": "PDAM"}


def _item(client, keys, report_id: str) -> dict:
    item_id = client.get(f"/v1/reports/{report_id}", headers=keys["intake"]).json()["review"]["item_id"]
    return client.get(f"/v1/queue/{item_id}", headers=keys["reviewer"]).json()


def _decide(client, keys, item, suggestion, **body):
    return client.post(
        f"/v1/queue/{item['id']}/decisions", json={"suggestion_id": suggestion["id"], **body}, headers=keys["reviewer"]
    )


def _events(client, keys, report_id: str) -> list[dict]:
    feed = client.get("/v1/events", params={"limit": 1000}, headers=keys["intake"]).json()["events"]
    return [e for e in feed if e["report_id"] == report_id]


# --- a corrected category re-derives the agency -------------------------------------------------------------


def test_the_served_model_knows_each_categorys_agency_and_a_model_without_routing_does_not(reviewed):
    client, _ = reviewed
    model = client.app.state.model_store.current.model
    assert model.agency_for_category("PJU") == "Dinas Perhubungan"
    assert model.agency_for_category("Pelayanan Puskesmas") == "Dinas Kesehatan"
    assert model.agency_for_category("Tidak Ada Kategori Ini") is None
    assert TriageModel(category_classifier=TextClassifier()).agency_for_category("PJU") is None


def test_a_corrected_category_sends_the_new_agency_to_review_and_the_feed_says_reroute(app_client):
    # The agency is auto-accepted at intake; the category goes to review.
    client, keys = app_client(auto_accept_category=1.0, auto_accept_agency=0.0)
    with client:
        client.post("/v1/triage", json=PJU, headers=keys["intake"])
        routed = client.get("/v1/reports/b-pju-1", headers=keys["intake"]).json()["agency"]
        assert routed["settled"] == "auto_accepted" and routed["value"] == "Dinas Perhubungan"
        item = _item(client, keys, "b-pju-1")
        category = next(s for s in item["suggestions"] if s["kind"] == "category")
        corrected = _decide(client, keys, item, category, action="correct", value="Pelayanan Puskesmas").json()
        assert corrected["status"] == "open"  # the new agency waits for review
        rederived = [
            s for s in corrected["suggestions"] if s["kind"] == "agency" and s["reason"] == "category_corrected"
        ]
        assert len(rederived) == 1
        rederived = rederived[0]
        assert rederived["value"] == "Dinas Kesehatan" and rederived["current_value"] == "Dinas Perhubungan"
        assert rederived["status"] == "in_review" and rederived["model_version"] == "1"

        category_event = next(e for e in _events(client, keys, "b-pju-1") if e["field"] == "category")
        assert (category_event["from"], category_event["to"]) == ("Jalan Rusak dan Berlubang", "Pelayanan Puskesmas")
        assert category_event["reroute"] is True and category_event["source"] == "reviewer"
        outcome = client.get("/v1/reports/b-pju-1", headers=keys["intake"]).json()["agency"]
        assert outcome["value"] == "Dinas Perhubungan" and outcome["pending_value"] == "Dinas Kesehatan"

        done = _decide(client, keys, corrected, rederived, action="accept").json()
        assert done["status"] == "done"
        agency_event = [e for e in _events(client, keys, "b-pju-1") if e["field"] == "agency"][-1]
        assert (agency_event["from"], agency_event["to"]) == ("Dinas Perhubungan", "Dinas Kesehatan")
        assert agency_event["reroute"] is True and agency_event["reviewer"].startswith("test-reviewer")
        outcome = client.get("/v1/reports/b-pju-1", headers=keys["intake"]).json()["agency"]
        assert outcome["value"] == "Dinas Kesehatan" and outcome["settled"] == "reviewer"


def test_a_correction_within_the_same_agency_reroutes_nothing_and_a_replaced_suggestion_needs_no_decision(reviewed):
    client, keys = reviewed
    client.post(
        "/v1/triage/batch",
        json={"reports": [PJU, PJU | {"id": "b-pju-2", "text": PJU["text"] + " Tolong."}]},
        headers=keys["intake"],
    )
    item = _item(client, keys, "b-pju-1")
    category = next(s for s in item["suggestions"] if s["kind"] == "category")
    same_agency = _decide(client, keys, item, category, action="correct", value="Parkir").json()
    assert [s["kind"] for s in same_agency["suggestions"]].count("agency") == 1
    assert next(e for e in _events(client, keys, "b-pju-1") if e["field"] == "category")["reroute"] is False

    item = _item(client, keys, "b-pju-2")
    category = next(s for s in item["suggestions"] if s["kind"] == "category")
    old_agency = next(s for s in item["suggestions"] if s["kind"] == "agency")
    after = _decide(client, keys, item, category, action="correct", value="KTP-el").json()
    replaced = next(s for s in after["suggestions"] if s["id"] == old_agency["id"])
    assert replaced["superseded_by"] is not None
    refused = _decide(client, keys, item, old_agency, action="accept")
    assert refused.status_code == 422 and "replaced by suggestion" in refused.json()["detail"]
    new = next(s for s in after["suggestions"] if s["id"] == replaced["superseded_by"])
    assert new["value"] == "Dinas Kependudukan dan Pencatatan Sipil"
    final = _decide(client, keys, item, new, action="accept").json()
    waiting = [
        s
        for s in final["suggestions"]
        if s["status"] != "auto_accepted" and not s["decision"] and not s["superseded_by"]
    ]
    assert all(s["kind"] != "agency" for s in waiting)  # the replaced agency suggestion waits for nobody
    assert (final["status"] == "done") == (not waiting)


# --- bulk accept ---------------------------------------------------------------------------------------------


def test_bulk_accept_by_ids_writes_one_audit_entry_per_report_and_skips_what_others_hold(reviewed, database_url):
    client, keys = reviewed
    client.post("/v1/triage/batch", json={"reports": [PJU, TREE, WATER]}, headers=keys["intake"])
    items = {r: _item(client, keys, r) for r in ("b-pju-1", "b-tree-1", "b-pdam-1")}
    other = client.post("/v1/admin/keys", json={"name": "budi", "role": "reviewer"}, headers=keys["admin"]).json()
    client.post(f"/v1/queue/{items['b-pdam-1']['id']}/claim", headers={"X-API-Key": other["key"]})

    response = client.post(
        "/v1/queue/bulk-decisions",
        json={"action": "accept", "item_ids": [i["id"] for i in items.values()] + [999999]},
        headers=keys["reviewer"],
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["decided"] == 2 and result["skipped"] == 2
    by_item = {r["item_id"]: r for r in result["results"]}
    assert "claimed by budi" in by_item[items["b-pdam-1"]["id"]]["detail"]
    assert by_item[999999]["detail"] == "no queue item 999999"
    for report_id in ("b-pju-1", "b-tree-1"):
        outcome = by_item[items[report_id]["id"]]
        waiting = [s["id"] for s in items[report_id]["suggestions"] if s["status"] != "auto_accepted"]
        assert outcome["decided"] and outcome["item_status"] == "done" and outcome["suggestion_ids"] == waiting
    assert client.get("/v1/reports/b-pju-1", headers=keys["intake"]).json()["category"]["value"] == "PJU"

    audit = client.get("/v1/admin/audit", params={"limit": 1000}, headers=keys["admin"]).json()
    bulk = [e for e in audit if e["action"] == "report.bulk_decided"]
    assert sorted(e["entity_id"] for e in bulk) == ["b-pju-1", "b-tree-1"]
    assert not [e for e in audit if e["action"] in ("suggestion.decided", "queue_item.closed")]
    entry = next(e for e in bulk if e["entity_id"] == "b-pju-1")
    assert entry["after"]["queue_item_closed"] is True and entry["after"]["category"] == "PJU"
    assert {d["action"] for d in entry["after"]["decisions"]} == {"accept"}


def test_bulk_accept_by_filter_accepts_only_the_matching_suggestions(reviewed):
    client, keys = reviewed
    client.post("/v1/triage/batch", json={"reports": [PJU, TREE, WATER]}, headers=keys["intake"])
    matching = client.get("/v1/queue", params={"reason": "suggest_change"}, headers=keys["reviewer"]).json()
    assert matching["total"] >= 1
    result = client.post(
        "/v1/queue/bulk-decisions",
        json={"action": "accept", "filter": {"reason": "suggest_change", "kind": "category"}},
        headers=keys["reviewer"],
    ).json()
    assert result["decided"] == matching["total"]
    for outcome in result["results"]:
        item = client.get(f"/v1/queue/{outcome['item_id']}", headers=keys["reviewer"]).json()
        decided = [s for s in item["suggestions"] if s["decision"]]
        assert [(s["kind"], s["reason"]) for s in decided] == [("category", "suggest_change")]
        assert item["status"] == "open"  # the agency still waits
    bad = client.post("/v1/queue/bulk-decisions", json={"action": "accept", "filter": {}}, headers=keys["reviewer"])
    assert bad.status_code == 422 and "at least one of" in bad.json()["detail"]
    both = client.post(
        "/v1/queue/bulk-decisions",
        json={"action": "accept", "item_ids": [1], "filter": {"kind": "category"}},
        headers=keys["reviewer"],
    )
    assert both.status_code == 422 and "exactly one of item_ids and filter" in both.json()["detail"]


def test_two_bulk_accepts_of_the_same_items_decide_each_suggestion_exactly_once(reviewed, database_url):
    client, keys = reviewed
    client.post("/v1/triage/batch", json={"reports": [PJU, TREE, WATER]}, headers=keys["intake"])
    item_ids = [i["id"] for i in client.get("/v1/queue", headers=keys["reviewer"]).json()["items"]]
    database = Database(database_url)
    start = threading.Barrier(3)
    results = {}

    def bulk(reviewer: str) -> None:
        start.wait()
        results[reviewer] = queue.bulk_accept(database, item_ids, reviewer)

    def single() -> None:
        start.wait()
        item = queue.get_item(database, item_ids[0])
        waiting = next(s for s in item.suggestions if s.status != SuggestionStatus.AUTO_ACCEPTED)
        try:
            queue.decide(database, item.id, DecisionRequest(suggestion_id=waiting.id, action="reject"), "citra", None)
            results["citra"] = "won"
        except queue.Conflict:
            results["citra"] = "lost"

    threads = [threading.Thread(target=bulk, args=(n,)) for n in ("ani", "budi")] + [threading.Thread(target=single)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with database.session() as session:
        decided = session.execute(select(Decision.suggestion_id, func.count()).group_by(Decision.suggestion_id)).all()
        waiting = session.scalar(
            select(func.count()).select_from(SuggestionRecord).where(SuggestionRecord.status != "auto_accepted")
        )
        open_items = session.scalar(select(func.count()).select_from(QueueItem).where(QueueItem.status == "open"))
    database.dispose()
    assert all(count == 1 for _, count in decided)
    assert open_items == 0 or results["citra"] == "won"  # a lone reject leaves its item's other suggestions
    assert set(results) == {"ani", "budi", "citra"}  # nobody failed with an error
    decided_items = [r.item_id for name in ("ani", "budi") for r in results[name].results if r.decided]
    assert len(decided_items) == len(set(decided_items))
    assert set(item_ids[1:]) <= set(decided_items)  # items nobody else touched: exactly one bulk decided each
    assert len(decided) <= waiting


# --- merging a duplicate group ------------------------------------------------------------------------------


def _stored(session, report_id: str, text: str = "banjir di jalan") -> StoredReport:
    report = StoredReport(
        id=report_id, content_sha256="0" * 64, text=text, private=False, model_name="m", model_version="1", result={}
    )
    session.add(report)
    return report


def _duplicate_item(session, report_id: str, of: str) -> None:
    _stored(session, report_id)
    session.add(
        SuggestionRecord(
            report_id=report_id,
            kind=SuggestionKind.DUPLICATE,
            value=of,
            score=0.7,
            status=SuggestionStatus.IN_REVIEW,
            reason="likely_duplicate",
            evidence={},
            model_name="m",
            model_version="1",
        )
    )
    session.add(QueueItem(report_id=report_id, status=ItemStatus.OPEN, priority=0.5))


def test_a_duplicate_group_merges_into_its_original_in_one_action(database_url):
    database = Database(database_url)
    upgrade(database)
    with database.session() as session:
        _stored(session, "flood-0")
        _stored(session, "elsewhere")
        session.flush()
        _duplicate_item(session, "flood-1", of="flood-0")
        _duplicate_item(session, "flood-2", of="flood-1")  # a copy of a copy
        session.flush()
        _duplicate_item(session, "flood-3", of="flood-2")
        _duplicate_item(session, "other-1", of="elsewhere")

    result = queue.merge_group(database, "flood-0", "ani")
    assert result.decided == 3 and result.skipped == 0
    assert {r.report_id for r in result.results} == {"flood-1", "flood-2", "flood-3"}
    assert {r.merged_into for r in result.results} == {"flood-0"}
    with database.session() as session:
        groups = dict(session.execute(select(StoredReport.id, StoredReport.duplicate_group)).all())
        items = dict(session.execute(select(QueueItem.report_id, QueueItem.status)).all())
        events = session.execute(select(ChangeEvent.report_id, ChangeEvent.to_value, ChangeEvent.reviewer)).all()
        audit = session.scalars(select(AuditEntry.entity_id).where(AuditEntry.actor == "ani")).all()
    assert groups == {
        "flood-0": "flood-0",
        "flood-1": "flood-0",
        "flood-2": "flood-0",
        "flood-3": "flood-0",
        "elsewhere": None,
        "other-1": None,
    }
    assert items["other-1"] == ItemStatus.OPEN and {items[f"flood-{n}"] for n in (1, 2, 3)} == {ItemStatus.DONE}
    assert sorted(events) == [(f"flood-{n}", "flood-0", "ani") for n in range(4)]
    assert sorted(audit) == ["flood-0", "flood-1", "flood-2", "flood-3"]  # one entry per report
    with database.session() as session:
        # The original's group changed through its copies' decisions: the outcome says by whom.
        original = report_outcome(session, "flood-0").duplicate_group
        copy = report_outcome(session, "flood-2").duplicate_group
    assert (original.value, original.original, original.settled, original.reviewer) == (
        "flood-0",
        "flood-0",
        "reviewer",
        "ani",
    )
    assert (copy.value, copy.settled, copy.action) == ("flood-0", "reviewer", "merge")

    with pytest.raises(queue.NotFound, match="no stored report"):
        queue.merge_group(database, "nothing-here", "ani")
    # Accepting one duplicate suggestion merges too.
    other = queue.list_items(database, queue.QueueFilter(), limit=10, offset=0).items[0]
    suggestion = queue.get_item(database, other.id).suggestions[0]
    queue.decide(database, other.id, DecisionRequest(suggestion_id=suggestion.id, action="accept"), "ani", None)
    with database.session() as session:
        assert session.get(StoredReport, "other-1").duplicate_group == "elsewhere"
    database.dispose()


def test_a_merge_request_names_its_original(reviewed):
    client, keys = reviewed
    missing = client.post("/v1/queue/bulk-decisions", json={"action": "merge"}, headers=keys["reviewer"])
    assert missing.status_code == 422 and "merge needs original" in missing.json()["detail"]
    unknown = client.post(
        "/v1/queue/bulk-decisions", json={"action": "merge", "original": "nope"}, headers=keys["reviewer"]
    )
    assert unknown.status_code == 404 and "'nope'" in unknown.json()["detail"]
    assert (
        client.post(
            "/v1/queue/bulk-decisions", json={"action": "merge", "original": "nope"}, headers=keys["intake"]
        ).status_code
        == 403
    )
