"""A scripted reviewer works a realistic queue in the reviewer page (Debian's Chromium); counts actions and seconds.

Run: .venv/bin/python benchmarks/reviewer_session.py [--items 50] [--port 8771]
Starts `triase serve` (the champion of TRIASE_HOME over a fresh SQLite database, the default auto-accept policy),
triages the latest reports of the dataset the champion was trained on (its held-out test part) until exactly
`--items` reports wait in the queue, then works the queue in the page as a careful reviewer would who knows each
report's true category and agency (the dataset's labels):

1. on the queue list: tick the items whose every waiting suggestion is right (select all and untick the others
   when that is fewer clicks) and accept them with one button;
2. open the first item left; when the right value of its first wrong category or agency suggestion is among that
   suggestion's quick picks (the model's next choices), click it: a pick of an agency, or of a category whose
   settled agency is right, corrects it, accepts the rest and opens the next item; a pick of a catch-all category
   (which settles no agency) only corrects it, and the agency is decided next the same way. Otherwise, for each
   wrong suggestion click its correction field, choose the right value and press Enter (a corrected category that
   another agency handles brings a re-derived agency suggestion, decided the same way); then `s` accepts what is
   left and opens the next item (`n` when nothing is left).

Every click and key press counts one action (choosing a value offered by the correction field counts one; its
rank in the offered list is printed beside). Seconds are wall time of page and service only: a human's reading
time is not simulated. Figures: actions and seconds per decided report, the bulk and one-by-one shares.
"""

import argparse
import os
import shutil
import statistics
import time

import httpx
import pandas as pd
from running_service import running_service

from models.report import REPORT_FIELDS
from service.config import get_service_settings
from training import registry
from training.data import OTHER_CATEGORY, agency_group
from training.datasets import load_dataset

CHROMIUM = os.environ.get("TRIASE_TEST_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
BATCH = 10
FOLDED = OTHER_CATEGORY
PAGE_TIMEOUT_MS = 120_000
"""Generous: the machine may be shared, and an item page runs the model once to order the correction choices."""


def champion_dataset(settings) -> str:
    client = registry.configure(settings)
    version = client.get_model_version_by_alias(settings.model_name, registry.CHAMPION_ALIAS)
    return client.get_run(version.run_id).data.params["dataset"]


def latest_reports(settings, dataset: str) -> tuple[list[dict], dict[str, tuple[str, str | None]], int]:
    """Reports newest first (the held-out test part, then older ones the model was trained on, when the test part
    does not fill the queue), and each one's true (category, agency)."""
    frame = load_dataset(dataset, settings).drop_duplicates(subset="text")
    frame = frame.sort_values("created_at", ascending=False)
    reports, truth = [], {}
    for row in frame.to_dict("records"):
        report = {f: row[f] for f in REPORT_FIELDS if f in row and not pd.isna(row[f])}
        report["created_at"] = row["created_at"].isoformat()
        reports.append(report)
        agency = row.get("label_agency")
        # As training groups them: 'Kelurahan Lontar' is the local kelurahan office, 'Kelurahan'.
        truth[report["id"]] = (row["label_category"], agency_group(agency))
    return reports, truth, len(frame) // 5


def fill_queue(http: httpx.Client, headers: dict, reports: list[dict], items: int) -> int:
    """Triage reports until exactly `items` wait in the queue; returns how many were triaged."""
    sent = 0
    while True:
        waiting = http.get("/v1/queue", params={"limit": 1}, headers=headers).json()["total"]
        if waiting >= items:
            return sent
        if sent >= len(reports):
            raise SystemExit(f"only {waiting} items queued from {sent} reports; lower --items")
        step = BATCH if items - waiting > BATCH else 1
        body = {"reports": reports[sent : sent + step]}
        http.post("/v1/triage/batch", json=body, headers=headers).raise_for_status()
        sent += step


def waiting_suggestions(item: dict) -> list[dict]:
    return [
        s
        for s in item["suggestions"]
        if s["status"] != "auto_accepted" and not s["decision"] and not s.get("superseded_by")
    ]


def right_value(suggestion: dict, truth: tuple[str, str | None]) -> str | None:
    """What a reviewer who knows the labels would set; None where the suggestion is right as it stands."""
    category, agency = truth
    wanted = {"category": category, "agency": agency}.get(suggestion["kind"])
    return wanted if wanted is not None and suggestion["value"] != wanted else None


class Session:
    """The scripted reviewer: knows the labels, counts every click and key press it makes."""

    def __init__(self, page, http: httpx.Client, headers: dict, truth: dict, offered: dict[str, set[str]]):
        self.page, self.http, self.headers, self.truth, self.offered = page, http, headers, truth, offered
        self.actions = 0
        self.corrections = 0
        self.rejections = 0
        self.quick_picks = 0
        self.ranks: list[int] = []

    def act(self, n: int = 1) -> None:
        self.actions += n

    def item(self, item_id: int) -> dict:
        return self.http.get(f"/v1/queue/{item_id}", headers=self.headers).json()

    def wrong(self, item: dict) -> list[tuple[dict, str]]:
        category, agency = self.truth[item["report_id"]]
        if category not in self.offered["category"] and FOLDED in self.offered["category"]:
            category = FOLDED  # a rare category the model folds, as training does
        if agency is not None and agency not in self.offered["agency"] and FOLDED in self.offered["agency"]:
            agency = FOLDED
        truth = (category, agency)
        return [(s, v) for s in waiting_suggestions(item) if (v := right_value(s, truth)) is not None]

    def bulk_accept_clean(self, base: str) -> int:
        self.page.goto(f"{base}/antrian")
        self.act()
        ids = [int(v) for v in self.page.locator("input.select-item").evaluate_all("els => els.map(e => e.value)")]
        clean = [i for i in ids if not self.wrong(self.item(i))]
        if not clean:
            return 0
        if 1 + len(ids) - len(clean) < len(clean):
            self.page.check("#select-all")
            self.act()
            for i in set(ids) - set(clean):
                self.page.uncheck(f"input.select-item[value='{i}']")
                self.act()
        else:
            for i in clean:
                self.page.check(f"input.select-item[value='{i}']")
                self.act()
        # The page reloads itself once every ticked item is decided.
        with self.page.expect_navigation(), self.page.expect_response("**/v1/queue/bulk-decisions") as answer:
            self.page.click("#accept-selected")
        self.act()
        if answer.value.status != 200:
            raise RuntimeError(f"bulk accept failed: {answer.value.text()}")
        return len(clean)

    def one_by_one(self) -> int:
        first = self.page.locator("#queue tbody tr a").first
        if not first.count():
            return 0
        first.click()
        self.act()
        worked = 0
        while "/antrian/" in self.page.url:
            self.page.wait_for_selector("#claim:not(:empty)")
            item_id = int(self.page.url.rsplit("/", 1)[1])
            current = self.page.url
            settled = False
            while self.item(item_id)["status"] != "done":
                pick = self.quick_pick(self.item(item_id))
                if pick is None:
                    break
                if pick[1]:
                    pick[0].click()
                    self.act()
                    self.quick_picks += 1
                    settled = True
                    break
                self.pick(item_id, pick[0])  # a catch-all category: its agency is picked next
            # A decision that finished the item opened the next one; otherwise correct in the field (the last
            # wrong one with Ctrl+Enter, which accepts the rest and opens the next item), then `s` if needed.
            if not settled and self.item(item_id)["status"] != "done":
                while wrong := self.wrong(self.item(item_id)):
                    if len(wrong) == 1 and self.settles_in_the_field(*wrong[0]):
                        self.decide(item_id, *wrong[0], key="Control+Enter")
                        break
                    self.decide(item_id, *wrong[0])
                if self.item(item_id)["status"] != "done" and waiting_suggestions(self.item(item_id)):
                    self.page.keyboard.press("s")
                    self.act()
            worked += 1
            self.page.wait_for_url(lambda url: url != current)
        return worked

    def quick_pick(self, item: dict):
        """The quick-pick button for the first wrong category or agency, if its right value is offered, and whether
        it settles the whole item in one action: an agency (the last wrong suggestion), or a category whose settled
        agency is right, not a catch-all category (the agency is picked next)."""
        wrong = self.wrong(item)
        if not wrong or any(s["kind"] not in ("category", "agency") for s, _ in wrong):
            return None
        suggestion, value = next(((s, v) for s, v in wrong if s["kind"] == "category"), wrong[0])
        buttons = self.page.locator(f".suggestion[data-suggestion='{suggestion['id']}'] button.quick-pick").all()
        button = next((b for b in buttons if b.get_attribute("data-value") == value), None)
        if button is None:
            return None
        if suggestion["kind"] == "agency":
            return (button, True) if len(wrong) == 1 else None
        settled = button.get_attribute("data-agency") or None
        if settled is None:
            return button, False
        agency = self.truth[item["report_id"]][1]
        return (button, True) if agency is None or settled == agency else None

    def pick(self, item_id: int, button) -> None:
        """A quick pick that does not settle the item (a catch-all category): wait until the page shows what comes
        next (it reloads when the correction brings a re-derived agency suggestion)."""
        suggestion_id = int(button.evaluate("b => b.closest('.suggestion').dataset.suggestion"))
        shown = {s["id"] for s in self.item(item_id)["suggestions"]}
        button.click()
        self.act()
        self.quick_picks += 1
        self.wait_decided(item_id, suggestion_id, shown)

    def settles_in_the_field(self, suggestion: dict, value: str) -> bool:
        """Whether a correction typed in the field, with the rest accepted, leaves the item right: an agency the
        model serves (a category might bring a re-derived agency, which needs its own look)."""
        return suggestion["kind"] == "agency" and value in self.offered.get("agency", set())

    def decide(self, item_id: int, suggestion: dict, value: str, key: str = "Enter") -> None:
        shown = {s["id"] for s in self.item(item_id)["suggestions"]}
        box = self.page.locator(f".suggestion[data-suggestion='{suggestion['id']}']")
        if value not in self.offered.get(suggestion["kind"], set()):
            box.locator("button.reject").click()
            self.act()
            self.rejections += 1
        else:
            field = box.locator(".correct-value")
            offered = field.evaluate(
                "el => Array.from(document.getElementById(el.getAttribute('list')).options).map(o => o.value)"
            )
            self.ranks.append(offered.index(value) + 1)
            field.click()
            field.fill(value)
            if key != "Enter":
                # The rest is accepted and the next item opens.
                with self.page.expect_navigation():
                    field.press(key)
                self.act(3)
                self.corrections += 1
                return
            field.press(key)
            self.act(3)
            self.corrections += 1
        self.wait_decided(item_id, suggestion["id"], shown)

    def wait_decided(self, item_id: int, suggestion_id: int, shown: set[int]) -> None:
        deadline = time.monotonic() + 60
        while True:
            item = self.item(item_id)
            if any(s["id"] == suggestion_id and s["decision"] for s in item["suggestions"]):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"suggestion {suggestion_id} was not decided")
            time.sleep(0.05)
        if item["status"] == "done":
            return  # the page opens the next item itself after a quick pick, or waits for `n`
        for new in [s for s in item["suggestions"] if s["id"] not in shown]:
            # A re-derived agency: the page reloads to show it.
            self.page.wait_for_selector(f".suggestion[data-suggestion='{new['id']}']")
            self.page.wait_for_selector("#claim:not(:empty)")


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--port", type=int, default=8771)
    args = parser.parse_args()
    settings = get_service_settings()
    dataset = champion_dataset(settings)
    reports, truth, held_out = latest_reports(settings, dataset)

    with running_service(port=args.port) as service, httpx.Client(base_url=service.base_url, timeout=300) as http:
        headers = service.headers
        sent = fill_queue(http, headers, reports, args.items)
        queue = http.get("/v1/queue", params={"limit": args.items}, headers=headers).json()["items"]
        reasons = pd.Series([r for i in queue for r in i["reasons"]]).value_counts().to_dict()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(f"{service.base_url}/masuk")
            page.fill("#key", headers["Authorization"].removeprefix("Bearer "))
            page.click("button[type=submit]")
            page.wait_for_url("**/antrian")
            # The values the correction field offers (the served categories and agencies), read from an item page.
            page.goto(f"{service.base_url}/antrian/{queue[0]['id']}")
            offered = {
                kind: set(page.locator(f"#choices-{kind} option").evaluate_all("els => els.map(e => e.value)"))
                for kind in ("category", "agency")
            }
            http.post(f"/v1/queue/{queue[0]['id']}/release", headers=headers)
            session = Session(page, http, headers, truth, offered)
            started = time.perf_counter()
            bulk = session.bulk_accept_clean(service.base_url)
            single = session.one_by_one()
            seconds = time.perf_counter() - started
            browser.close()
        done = http.get("/v1/queue", params={"status": "done", "limit": 1}, headers=headers).json()["total"]
        left = http.get("/v1/queue", params={"limit": 1}, headers=headers).json()["total"]

    per_report = max(done, 1)
    print(
        f"dataset {dataset}: {sent} latest reports triaged ({min(sent, held_out)} of them held out from training), "
        f"{args.items} queued; reasons {reasons}"
    )
    print(f"decided reports: {done} ({bulk} in one bulk accept, {single} one by one); left in the queue: {left}")
    print(f"actions: {session.actions} -> {session.actions / per_report:.2f} per decided report")
    print(f"seconds: {seconds:.1f} -> {seconds / per_report:.2f} per decided report (page and service time only)")
    ranks = (
        f"; the right value's rank in the offered list: median {statistics.median(session.ranks):.0f}, "
        f"max {max(session.ranks)}"
        if session.ranks
        else ""
    )
    print(
        f"quick picks (a next choice of the model, the rest accepted, one action): {session.quick_picks}; "
        f"corrections in the field: {session.corrections}{ranks}; rejections (right value not served): "
        f"{session.rejections}"
    )


if __name__ == "__main__":
    main()
