"""The reviewer page in a real headless Chromium: log in, open an item, decide with keys and buttons."""

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from service.main import create_app

CHROMIUM = os.environ.get("TRIASE_TEST_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")

REPORTS = [
    {
        "id": "web-pju",
        "text": "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu. Hubungi saya di 0812-3456-7890.",
        "category": "Jalan Rusak dan Berlubang",
        "kelurahan": "Kertajaya",
    },
    {"id": "web-pdam", "text": "Air PDAM mati sejak pagi, tidak ada pemberitahuan", "category": "PDAM"},
]


@pytest.fixture
def live_service(served_settings, tmp_path, issue_keys, live_server):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (.ci/run installs Debian's chromium)")
    settings = served_settings.model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'web.db'}",
            "auto_accept_category": 1.0,
            "auto_accept_agency": 1.0,
            "spot_check_rate": 0.0,
            "model_poll_seconds": 0,
        }
    )
    keys = issue_keys(settings)
    with live_server(create_app(settings)) as base:
        response = httpx.post(f"{base}/v1/triage/batch", json={"reports": REPORTS}, headers=keys["intake"], timeout=60)
        assert response.status_code == 200
        yield base, keys


def queue_items(base: str, reviewer: dict) -> dict[str, int]:
    """Queue item id by report id."""
    return {i["report_id"]: i["id"] for i in httpx.get(f"{base}/v1/queue", headers=reviewer).json()["items"]}


def finished_item_decisions(base: str, reviewer: dict, item_id: int) -> dict[str, dict]:
    """The decision on each kind of suggestion of an item that must be done."""
    item = httpx.get(f"{base}/v1/queue/{item_id}", headers=reviewer).json()
    assert item["status"] == "done"
    return {s["kind"]: s["decision"] for s in item["suggestions"] if s["decision"]}


@contextmanager
def item_page(base: str, reviewer: dict, item_id: int):
    """A reviewer logged in through the page, on an item they have claimed."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{base}/masuk")
        page.fill("#key", reviewer["Authorization"].removeprefix("Bearer "))
        page.click("button[type=submit]")
        page.goto(f"{base}/antrian/{item_id}")
        expect(page.locator("#claim")).to_contain_text("Anda meninjau butir ini")
        yield page
        browser.close()


def test_a_reviewer_logs_in_opens_an_item_decides_it_and_sees_the_queue_update(live_service):
    from playwright.sync_api import expect, sync_playwright

    base, keys = live_service
    reviewer_key = keys["reviewer"]["Authorization"].removeprefix("Bearer ")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{base}/antrian")
        expect(page).to_have_url(re.compile(r"/masuk$"))
        page.fill("#key", "trs_salah")
        page.click("button[type=submit]")
        expect(page.locator(".error")).to_have_text("Kunci API tidak dikenal.")
        page.fill("#key", keys["intake"]["Authorization"].removeprefix("Bearer "))
        page.click("button[type=submit]")
        expect(page.locator(".error")).to_have_text("Kunci ini bukan untuk peninjau.")
        page.fill("#key", reviewer_key)
        page.click("button[type=submit]")

        expect(page).to_have_url(re.compile(r"/antrian$"))
        expect(page.locator("#queue-total")).to_have_text("2")
        page.click("text=web-pju")
        expect(page.locator("#claim")).to_contain_text("Anda meninjau butir ini")
        text = page.locator("#report-text").inner_text()
        assert "[TELEPON]" in text and "3456" not in text

        category = page.locator(".suggestion[data-kind=category]")
        expect(category).to_contain_text("Kategori warga kemungkinan salah")
        expect(category.locator("mark").first).to_be_visible()
        page.keyboard.press("a")
        expect(category.locator(".outcome")).to_contain_text("Diterima oleh")

        agency = page.locator(".suggestion[data-kind=agency]")
        agency.locator(".correct-value").fill("Dinas Perhubungan")
        agency.locator("button.correct").click()
        # The item's last decision: nothing is left for the reviewer there, so the next item opens.
        expect(page).to_have_url(re.compile(r"/antrian/\d+$"))
        expect(page.locator("#report-text")).not_to_contain_text("Kertajaya")
        expect(page.locator("#item-status")).to_have_text("Menunggu")

        page.goto(f"{base}/antrian")
        expect(page.locator("#queue-total")).to_have_text("1")
        expect(page.locator("#queue")).not_to_contain_text("web-pju")
        expect(page.locator("#queue")).to_contain_text("web-pdam")
        browser.close()


def test_a_reviewer_accepts_an_item_with_one_key_and_ticked_items_with_one_button(live_service):
    from playwright.sync_api import expect

    base, keys = live_service
    reviewer = keys["reviewer"]
    items = queue_items(base, reviewer)
    pju = httpx.get(f"{base}/v1/queue/{items['web-pju']}", headers=reviewer).json()
    top_category = next(s for s in pju["suggestions"] if s["kind"] == "category")["evidence"]["top_k"][0]
    with item_page(base, reviewer, items["web-pju"]) as page:
        # The correction field offers the model's most probable category first, with its probability.
        first = page.locator("#choices-category option").first
        assert first.get_attribute("value") == top_category["label"]
        assert first.get_attribute("label") == f"{top_category['probability'] * 100:.0f}%"
        page.keyboard.press("s")
        expect(page).to_have_url(re.compile(rf"/antrian/{items['web-pdam']}$"))
        decided = httpx.get(f"{base}/v1/queue/{items['web-pju']}", headers=reviewer).json()
        assert decided["status"] == "done"
        assert {s["decision"]["action"] for s in decided["suggestions"] if s["decision"]} <= {"accept", "merge"}

        page.goto(f"{base}/antrian")
        expect(page.locator("#accept-selected")).to_be_disabled()
        page.check("#select-all")
        expect(page.locator("#selected-count")).to_have_text("1")
        page.click("#accept-selected")
        expect(page.locator("#queue-empty")).to_be_visible()
    audit = httpx.get(f"{base}/v1/admin/audit", params={"limit": 100}, headers=keys["admin"]).json()
    assert sorted(e["entity_id"] for e in audit if e["action"] == "report.bulk_decided") == ["web-pdam", "web-pju"]


def test_a_number_key_corrects_to_the_models_next_choice_accepts_the_rest_and_opens_the_next_item(live_service):
    from playwright.sync_api import expect

    base, keys = live_service
    reviewer = keys["reviewer"]
    items = queue_items(base, reviewer)
    with item_page(base, reviewer, items["web-pju"]) as page:
        category = page.locator(".suggestion[data-kind=category]")
        suggested = category.locator(".value").inner_text()
        picks = category.locator("button.quick-pick")
        # The model's next choices, most probable first, never the suggestion itself; each names its agency.
        offered = [o.get_attribute("value") for o in page.locator("#choices-category option").all()]
        chosen = picks.first.get_attribute("data-value")
        assert chosen == next(v for v in offered if v != suggested)
        routed_agency = picks.first.get_attribute("data-agency")
        assert routed_agency and f"→ {routed_agency}" in picks.first.inner_text()
        page.keyboard.press("1")
        expect(page).to_have_url(re.compile(rf"/antrian/{items['web-pdam']}$"))

    decisions = finished_item_decisions(base, reviewer, items["web-pju"])
    assert (decisions["category"]["action"], decisions["category"]["value"]) == ("correct", chosen)
    assert decisions["agency"]["action"] == "accept"
    outcome = httpx.get(f"{base}/v1/reports/web-pju", headers=keys["intake"]).json()
    assert outcome["category"]["value"] == chosen
    assert outcome["agency"]["value"] == routed_agency


def test_ctrl_enter_in_the_correction_field_saves_it_accepts_the_rest_and_opens_the_next_item(live_service):
    from playwright.sync_api import expect

    base, keys = live_service
    reviewer = keys["reviewer"]
    items = queue_items(base, reviewer)
    with item_page(base, reviewer, items["web-pju"]) as page:
        field = page.locator(".suggestion[data-kind=agency] .correct-value")
        field.fill("Dinas Perhubungan")
        field.press("Control+Enter")
        expect(page).to_have_url(re.compile(rf"/antrian/{items['web-pdam']}$"))

    decisions = finished_item_decisions(base, reviewer, items["web-pju"])
    assert (decisions["agency"]["action"], decisions["agency"]["value"]) == ("correct", "Dinas Perhubungan")
    assert decisions["category"]["action"] == "accept"


def test_a_reviewer_selects_personal_data_in_the_report_text_and_masks_it(live_service):
    """In the text and then the title. The offsets the page sends are the stored field's even after an emoji (two
    UTF-16 units in the browser, one character stored) and a CRLF line break (which HTML parsing turns into LF)."""
    from playwright.sync_api import expect

    from models.privacy.redactor import mask_pii

    base, keys = live_service
    reviewer = keys["reviewer"]
    address = "Perumahan Kencanawangi blok C17"
    report = {
        "id": "web-mask",
        "title": "Pohon tumbang 🌳 di Kencanawangi",
        "text": f"Pohon tumbang 🌳 di depan rumah saya\r\n{address}, mohon segera dipotong.",
    }
    response = httpx.post(f"{base}/v1/triage", json=report, headers=keys["intake"], timeout=60)
    assert response.status_code == 200
    item_id = response.json()["review"]["queue_item_id"]
    with item_page(base, reviewer, item_id) as page:
        expect(page.locator("#mask-selection")).to_be_disabled()
        select = """([field, words]) => {
            const node = document.getElementById(field).firstChild;
            const start = node.data.indexOf(words);
            const range = document.createRange();
            range.setStart(node, start - 1);  // with the space before it, as a sloppy drag would
            range.setEnd(node, start + words.length);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
        }"""
        page.evaluate(select, ["report-text", address])
        page.select_option("#mask-kind", "alamat")
        page.click("#mask-selection")
        expect(page.locator("#mask-question")).to_contain_text('sebagai "Alamat rumah"')
        page.click("#mask-yes")
        expect(page.locator("#mask-outcome")).to_have_text("Data pribadi disamarkan.")
        expect(page.locator("#report-text")).to_contain_text("[ALAMAT]")
        expect(page.locator("#report-text")).not_to_contain_text("Kencanawangi")
        page.evaluate(select, ["report-title", "Kencanawangi"])  # the title too, at the page's new revision
        page.click("#mask-selection")
        page.click("#mask-yes")
        expect(page.locator("#report-title")).to_have_text("Pohon tumbang 🌳 di [ALAMAT]")
        page.reload()
        expect(page.locator("#report-text")).to_contain_text("[ALAMAT], mohon segera")
    stored = httpx.get(f"{base}/v1/queue/{item_id}", headers=reviewer).json()["report"]
    assert stored["text"] == mask_pii(report["text"]).replace(address, "[ALAMAT]")
    assert stored["title"] == "Pohon tumbang 🌳 di [ALAMAT]"
    assert stored["text_revision"] == 2
