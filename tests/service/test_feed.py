"""What the intake pipeline learns after triage: a report's outcome and the change feed, on SQLite and PostgreSQL."""

import threading
import time

import pytest
from sqlalchemy import select, text

from service.database.core import Database
from service.database.migrate import upgrade
from service.events import service as events
from service.events.models import ChangeEvent, EventField, EventSource
from service.reports.models import StoredReport

PJU = {
    "id": "f-pju-1",
    "text": "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu, gelap sekali kalau malam.",
    "category": "Jalan Rusak dan Berlubang",
    "kelurahan": "Kertajaya",
    "reporter_ref": "warga-0812-3456-7890",
}
TREE = {
    "id": "f-tree-1",
    "text": "Pohon besar di depan SDN Ketabang 1 dahannya hampir kena kabel listrik, mohon dipangkas",
}


def _feed(client, headers, after=0, limit=100) -> dict:
    response = client.get("/v1/events", params={"after": after, "limit": limit}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_report_outcome_says_what_is_settled_and_how_and_never_shows_reporter_data(reviewed):
    client, keys = reviewed
    intake, reviewer = keys["intake"], keys["reviewer"]
    missing = client.get("/v1/reports/no-such-report", headers=intake)
    assert missing.status_code == 404 and "no-such-report" in missing.json()["detail"]
    assert client.get("/v1/reports/f-pju-1", headers=reviewer).status_code == 403

    triaged = client.post("/v1/triage", json=PJU, headers=intake).json()
    outcome = client.get("/v1/reports/f-pju-1", headers=intake).json()
    assert outcome["model_version"] == triaged["model"]["version"] == "1"
    category = outcome["category"]
    assert category["value"] == "Jalan Rusak dan Berlubang"  # the citizen's, until a reviewer decides
    assert category["settled"] == "pending_review" and category["pending_value"] == "PJU"
    assert category["model_version"] == "1"
    assert outcome["agency"]["value"] is None and outcome["agency"]["settled"] == "pending_review"
    assert outcome["kelurahan"] == {
        "value": "Kertajaya",
        "settled": "as_submitted",
        "reviewer": None,
        "decided_at": None,
        "action": None,
        "pending_value": None,
        "model_version": None,
    }
    assert outcome["duplicate_group"]["value"] is None and outcome["duplicate_group"]["original"] is None
    assert outcome["vague"]["settled"] in ("auto_accepted", "pending_review")
    assert outcome["review"]["item_id"] == triaged["review"]["queue_item_id"]
    body = str(outcome).lower()
    assert "reporter" not in body and "0812" not in body and "gelap" not in body

    item = client.get(f"/v1/queue/{outcome['review']['item_id']}", headers=reviewer).json()
    suggestion = next(s for s in item["suggestions"] if s["kind"] == "category")
    decided = client.post(
        f"/v1/queue/{item['id']}/decisions",
        json={"suggestion_id": suggestion["id"], "action": "accept"},
        headers=reviewer,
    )
    assert decided.status_code == 200
    category = client.get("/v1/reports/f-pju-1", headers=intake).json()["category"]
    assert category["value"] == "PJU" and category["settled"] == "reviewer" and category["action"] == "accept"
    assert category["reviewer"].startswith("test-reviewer") and category["decided_at"]


def test_auto_accepted_changes_are_in_the_feed_paged_and_resumable(app_client):
    client, keys = app_client(auto_accept_category=0.0, auto_accept_agency=0.0)
    with client:
        intake = keys["intake"]
        reports = [
            TREE,
            {"id": "f-pdam-1", "text": "Air PDAM mati sejak pagi di Jl. Kenjeran, tidak ada pemberitahuan"},
            {"id": "f-sampah-1", "text": "Sampah menumpuk di TPS Jl. Keputih sudah tiga hari belum diangkut"},
        ]
        client.post("/v1/triage/batch", json={"reports": reports}, headers=intake)
        everything = _feed(client, intake)
        # No citizen category: category and agency both change from nothing, automatically.
        assert [(e["report_id"], e["field"]) for e in everything["events"]] == [
            (r["id"], field) for r in reports for field in ("category", "agency")
        ]
        first = everything["events"][0]
        assert first["from"] is None and first["to"] and first["source"] == "auto" and first["reviewer"] is None
        assert first["reroute"] is False
        ids = [e["id"] for e in everything["events"]]
        assert ids == sorted(ids) and everything["has_more"] is False and everything["next_cursor"] == ids[-1]

        seen, cursor = [], 0
        while True:
            page = _feed(client, intake, after=cursor, limit=4)
            seen += [e["id"] for e in page["events"]]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        assert seen == ids
        assert _feed(client, intake, after=cursor) == {"events": [], "next_cursor": cursor, "has_more": False}
        outcome = client.get("/v1/reports/f-tree-1", headers=intake).json()
        assert outcome["category"]["settled"] == "auto_accepted" and outcome["category"]["value"] == first["to"]

        assert client.get("/v1/events", params={"after": -1}, headers=intake).status_code == 422
        too_many = client.get("/v1/events", params={"limit": 5000}, headers=intake)
        assert too_many.status_code == 422 and "limit" in too_many.json()["detail"]
        assert client.get("/v1/events", headers=keys["reviewer"]).status_code == 403


def test_an_exact_resubmission_joins_its_original_in_the_feed(app_client):
    client, keys = app_client(auto_accept_category=1.0, auto_accept_agency=1.0)
    with client:
        client.post("/v1/triage", json=TREE, headers=keys["intake"])
        again = client.post("/v1/triage", json=TREE | {"id": "f-tree-again"}, headers=keys["intake"]).json()
        assert again["duplicates"]["exact_resubmission_of"] == "f-tree-1"
        groups = [e for e in _feed(client, keys["intake"])["events"] if e["field"] == "duplicate_group"]
        assert {(e["report_id"], e["from"], e["to"], e["source"]) for e in groups} == {
            ("f-tree-again", None, "f-tree-1", "auto"),
            ("f-tree-1", None, "f-tree-1", "auto"),
        }
        outcome = client.get("/v1/reports/f-tree-again", headers=keys["intake"]).json()["duplicate_group"]
        assert outcome["original"] == "f-tree-1" and outcome["settled"] == "auto_accepted"


# --- the feed's order under concurrent writers ---------------------------------------------------------------


def _database_with_reports(database_url, n: int) -> Database:
    database = Database(database_url)
    upgrade(database)
    with database.session() as session:
        for i in range(n):
            session.add(
                StoredReport(
                    id=f"r{i}",
                    content_sha256="0" * 64,
                    text="x",
                    private=False,
                    model_name="m",
                    model_version="1",
                    result={},
                )
            )
    return database


def _write_event(database: Database, report_id: str, to: str) -> None:
    with database.session() as session:
        events.append(session, report_id, EventField.CATEGORY, None, to, EventSource.AUTO)


def test_an_event_committed_late_is_never_skipped_by_a_consumer(database_url):
    """The trap: ids taken in one order, committed in another. A later writer must wait for the earlier one."""
    database = _database_with_reports(database_url, 1)
    early = database.sessions()
    early.begin()
    events.append(early, "r0", EventField.CATEGORY, None, "early", EventSource.AUTO)
    events.publish(early)  # the id is taken and the row written; the commit is still to come
    later = threading.Thread(target=_write_event, args=(database, "r0", "later"))
    later.start()
    time.sleep(1.0)
    # Had the later writer committed its (higher) id now, a consumer would move its cursor past the early one.
    assert events.page(database, after=0, limit=10).events == []
    assert later.is_alive()
    early.commit()
    early.close()
    later.join(timeout=30)
    page = events.page(database, after=0, limit=10)
    assert [e.to for e in page.events] == ["early", "later"]
    assert page.events[0].id < page.events[1].id
    database.dispose()


def test_a_consumer_polling_during_concurrent_writes_sees_every_event_once_in_order(database_url):
    writers, per_writer = 4, 15
    database = _database_with_reports(database_url, writers)
    done = threading.Event()
    seen: list[int] = []

    def consume() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            page = events.page(database, after=cursor, limit=7)
            seen.extend(e.id for e in page.events)
            cursor = page.next_cursor
            if finished and not page.has_more and not page.events:
                return

    def write(n: int) -> None:
        for i in range(per_writer):
            _write_event(database, f"r{n}", f"w{n}-{i}")

    consumer = threading.Thread(target=consume)
    consumer.start()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    consumer.join(timeout=60)
    with database.session() as session:
        stored = session.scalars(select(ChangeEvent.id).order_by(ChangeEvent.id)).all()
    database.dispose()
    assert len(stored) == writers * per_writer
    assert seen == stored


def test_events_refuse_updates_and_deletes(database_url):
    database = _database_with_reports(database_url, 1)
    _write_event(database, "r0", "x")
    for statement in ("UPDATE events SET to_value = 'y'", "DELETE FROM events"):
        with pytest.raises(Exception, match="append-only"):
            with database.engine.begin() as connection:
                connection.execute(text(statement))
    database.dispose()
