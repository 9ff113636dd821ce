"""The issue's target, against running services: triage, a reviewer's correction, then the intake pipeline sees it
in GET /v1/reports/{id} and in the feed; a consumer that restarts from its last cursor sees every event once."""

from pathlib import Path

import httpx

from service.main import create_app

REPORTS = [
    {
        "id": "e2e-pju",
        "text": "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu, gelap sekali kalau malam.",
        "category": "Jalan Rusak dan Berlubang",
        "kelurahan": "Kertajaya",
    },
    {"id": "e2e-pdam", "text": "Air PDAM mati sejak pagi, tidak ada pemberitahuan", "category": "PDAM"},
    {
        "id": "e2e-tree",
        "text": "Pohon besar di depan SDN Ketabang 1 dahannya hampir kena kabel listrik, mohon dipangkas",
    },
    {"id": "e2e-sampah", "text": "Sampah menumpuk di TPS Jl. Keputih sudah tiga hari belum diangkut"},
]


class FeedConsumer:
    """An intake pipeline's follower: it processes events in order and keeps its last cursor on disk."""

    def __init__(self, http: httpx.Client, headers: dict, state: Path):
        self.http, self.headers, self.state = http, headers, state
        self.processed: list[dict] = []

    @property
    def cursor(self) -> int:
        return int(self.state.read_text()) if self.state.exists() else 0

    def poll(self, pages: int | None = None) -> None:
        """Follow the feed to its end, or stop (as a crash would) after `pages` pages."""
        read = 0
        while pages is None or read < pages:
            response = self.http.get("/v1/events", params={"after": self.cursor, "limit": 3}, headers=self.headers)
            assert response.status_code == 200, response.text
            page = response.json()
            for event in page["events"]:
                self.processed.append(event)
                self.state.write_text(str(event["id"]))  # processed, then remembered
            read += 1
            if not page["has_more"]:
                return


def test_a_correction_reaches_the_pipeline_and_a_restarted_consumer_sees_every_event_once(
    served_settings, database_url, tmp_path, issue_keys, live_server
):
    settings = served_settings.model_copy(
        update={
            "database_url": database_url,
            "auto_accept_category": 1.0,  # every category is reviewed
            "auto_accept_agency": 0.0,  # every agency is auto-accepted at intake: routed at once
            "spot_check_rate": 0.0,
            "model_poll_seconds": 0,
        }
    )
    keys = issue_keys(settings)
    intake, reviewer = keys["intake"], keys["reviewer"]
    state = tmp_path / "pipeline.cursor"
    processed: list[dict] = []

    with live_server(create_app(settings)) as base, httpx.Client(base_url=base, timeout=120) as http:
        response = http.post("/v1/triage/batch", json={"reports": REPORTS}, headers=intake)
        assert response.status_code == 200, response.text
        first = FeedConsumer(http, intake, state)
        first.poll(pages=1)  # ... and the pipeline goes down
        processed += first.processed
        assert len(first.processed) == 3

        item_id = http.get("/v1/reports/e2e-pju", headers=intake).json()["review"]["item_id"]
        item = http.get(f"/v1/queue/{item_id}", headers=reviewer).json()
        category = next(s for s in item["suggestions"] if s["kind"] == "category")
        corrected = http.post(
            f"/v1/queue/{item_id}/decisions",
            json={"suggestion_id": category["id"], "action": "correct", "value": "Pelayanan Puskesmas"},
            headers=reviewer,
        ).json()
        rederived = next(s for s in corrected["suggestions"] if s["reason"] == "category_corrected")
        accepted = http.post(
            f"/v1/queue/{item_id}/decisions",
            json={"suggestion_id": rederived["id"], "action": "accept"},
            headers=reviewer,
        )
        assert accepted.status_code == 200, accepted.text

        outcome = http.get("/v1/reports/e2e-pju", headers=intake).json()
        assert outcome["category"]["value"] == "Pelayanan Puskesmas"
        assert outcome["category"]["settled"] == "reviewer" and outcome["category"]["action"] == "correct"
        assert outcome["category"]["reviewer"] == corrected["suggestions"][0]["decision"]["reviewer"]
        assert outcome["agency"]["value"] == "Dinas Kesehatan" and outcome["agency"]["settled"] == "reviewer"

    # The service restarts too (another replica would serve the same feed: it is read from the database).
    with live_server(create_app(settings)) as base, httpx.Client(base_url=base, timeout=120) as http:
        second = FeedConsumer(http, intake, state)
        second.poll()
        http.post(
            "/v1/triage",
            json={"id": "e2e-late", "text": "Jalan berlubang besar di depan Pasar Genteng"},
            headers=intake,
        )
        second.poll()
        processed += second.processed
        everything = http.get("/v1/events", params={"limit": 1000}, headers=intake).json()["events"]

    ids = [e["id"] for e in processed]
    assert ids == [e["id"] for e in everything]  # every event, once, in order, across both restarts
    assert len(set(ids)) == len(ids)
    changes = {(e["report_id"], e["field"]): e for e in processed if e["source"] == "reviewer"}
    category = changes[("e2e-pju", "category")]
    assert (category["from"], category["to"], category["reroute"]) == (
        "Jalan Rusak dan Berlubang",
        "Pelayanan Puskesmas",
        True,
    )
    agency = changes[("e2e-pju", "agency")]
    assert (agency["from"], agency["to"], agency["reroute"]) == ("Dinas Perhubungan", "Dinas Kesehatan", True)
    assert {e["report_id"] for e in processed if e["source"] == "auto"} >= {r["id"] for r in REPORTS} | {"e2e-late"}
