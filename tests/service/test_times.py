"""Times as reviewers and the data team read them: in the reporting city's zone, with the zone shown."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from service.auth.dependencies import SESSION_COOKIE
from service.config import ServiceSettings
from service.database.core import Database
from service.queue.export import decisions_frame
from service.web.labels import local_time

FILED_1930_WIB = {
    "id": "time-1",
    "text": "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu, gelap sekali kalau malam.",
    "category": "Jalan Rusak dan Berlubang",
    "created_at": "2024-06-01T19:30:00+07:00",
}


def test_local_time_names_the_zone():
    moment = datetime(2024, 6, 1, 12, 30, tzinfo=UTC)
    assert local_time(moment, ZoneInfo("Asia/Jakarta")) == "01-06-2024 19:30 WIB"
    assert local_time(moment, ZoneInfo("Asia/Makassar")) == "01-06-2024 20:30 WITA"
    assert local_time(moment, ZoneInfo("Asia/Jayapura")) == "01-06-2024 21:30 WIT"
    assert local_time(None, ZoneInfo("Asia/Jakarta")) == "–"


def test_an_unknown_zone_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="unknown time zone 'Asia/Atlantis'"):
        ServiceSettings(home=tmp_path, time_zone="Asia/Atlantis")
    assert ServiceSettings(home=tmp_path).time_zone == "Asia/Jakarta"


@pytest.mark.parametrize(
    ("zone", "shown", "offset"), [(None, "19:30 WIB", "+07:00"), ("Asia/Makassar", "20:30 WITA", "+08:00")]
)
def test_page_and_export_show_the_citys_time_while_the_api_keeps_offsets(app_client, zone, shown, offset):
    overrides = {"auto_accept_category": 1.0, "auto_accept_agency": 1.0} | ({"time_zone": zone} if zone else {})
    client, keys = app_client(**overrides)
    with client:
        item_id = client.post("/v1/triage", json=FILED_1930_WIB, headers=keys["intake"]).json()["review"][
            "queue_item_id"
        ]
        item = client.get(f"/v1/queue/{item_id}", headers=keys["reviewer"]).json()
        filed = datetime.fromisoformat(item["report"]["created_at"])
        assert filed.utcoffset() is not None and filed == datetime(2024, 6, 1, 12, 30, tzinfo=UTC)
        assert datetime.fromisoformat(item["queued_at"]).utcoffset() is not None and "created_at" not in item

        client.cookies.set(SESSION_COOKIE, keys["reviewer"]["Authorization"].removeprefix("Bearer "))
        page = client.get(f"/antrian/{item_id}").text
        assert f'<dd id="reported-at">01-06-2024 {shown}</dd>' in page
        zone_name = shown.split()[1]
        assert f"{zone_name}</td>" in client.get("/antrian").text  # queued time in the list, zone shown

        suggestion = next(s for s in item["suggestions"] if s["kind"] == "category")
        decided = client.post(
            f"/v1/queue/{item_id}/decisions",
            json={"suggestion_id": suggestion["id"], "action": "accept"},
            headers=keys["reviewer"],
        )
        assert decided.status_code == 200
        settings = client.app.state.settings
        database = Database(settings.database)
        frame = decisions_frame(database, settings.zone)
        database.dispose()
        decided_at = datetime.fromisoformat(frame.loc[0, "decided_at"])
        assert frame.loc[0, "decided_at"].endswith(offset)
        decision = next(s for s in decided.json()["suggestions"] if s["id"] == suggestion["id"])["decision"]
        assert decided_at == datetime.fromisoformat(decision["decided_at"])
