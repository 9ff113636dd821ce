"""The whole review loop against a running service: triage, review, export, retrain, promote, hot reload."""

import threading

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

from models.report import REPORT_FIELDS
from service.cli import app as cli
from service.config import ServiceSettings
from service.main import create_app
from training import registry
from training.datasets import available_datasets, load_dataset

BATCH = 40


def _reports(settings: ServiceSettings) -> list[dict]:
    """The latest real Surabaya reports where the export is present, else the project's demo reports."""
    name = "surabaya_mediacenter" if "surabaya_mediacenter" in available_datasets(settings) else "demo"
    frame = load_dataset(name, settings).sort_values("created_at").tail(BATCH)
    reports = []
    for row in frame.to_dict("records"):
        report = {f: row[f] for f in REPORT_FIELDS if f in row and not pd.isna(row[f])}
        report["created_at"] = row["created_at"].isoformat()
        reports.append(report)
    return reports


@pytest.fixture
def e2e_settings(tmp_path, service_environment):
    """Settings shared by the CLI (through the environment) and the running service."""
    return service_environment(
        home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'e2e.db'}", model_poll_seconds=0.5
    )


def test_triage_review_export_retrain_promote_and_serve_without_restart(
    e2e_settings, tmp_path, issue_keys, live_server
):
    runner = CliRunner()
    first = runner.invoke(cli, ["train", "--dataset", "demo", "--promote"])
    assert first.exit_code == 0, first.output
    keys = issue_keys(e2e_settings)
    intake, reviewer, admin = keys["intake"], keys["reviewer"], keys["admin"]

    with live_server(create_app(e2e_settings)) as base, httpx.Client(base_url=base, timeout=120) as http:
        reports = _reports(e2e_settings)
        results = http.post("/v1/triage/batch", json={"reports": reports}, headers=intake).json()["results"]
        queued = [r for r in results if r["review"]["queued"]]
        assert 0 < len(queued) <= len(reports)
        assert all(r["model"]["version"] == "1" for r in results)

        decided = 0
        categories = sorted({c["label"] for r in results for c in r["category"]["top_k"]})
        for n, result in enumerate(queued[:10]):
            # Fetched again after every decision: a corrected category may bring a re-derived agency suggestion.
            while True:
                item = http.get(f"/v1/queue/{result['review']['queue_item_id']}", headers=reviewer).json()
                waiting = [
                    s
                    for s in item["suggestions"]
                    if s["status"] != "auto_accepted"
                    and s["kind"] in ("category", "agency")
                    and not s["decision"]
                    and not s["superseded_by"]
                ]
                if not waiting:
                    break
                suggestion = waiting[0]
                if suggestion["kind"] == "category" and n % 2:
                    body = {"action": "correct", "value": next(c for c in categories if c != suggestion["value"])}
                else:
                    body = {"action": "accept"}
                response = http.post(
                    f"/v1/queue/{item['id']}/decisions",
                    json={"suggestion_id": suggestion["id"], **body},
                    headers=reviewer,
                )
                assert response.status_code == 200, response.text
                decided += 1
        assert decided

        # The web page's path: log in with the form, then decide with the session cookie as the page's script does.
        web = httpx.Client(base_url=base, timeout=60)
        login = web.post("/masuk", data={"key": reviewer["Authorization"].removeprefix("Bearer ")})
        assert login.status_code == 303 and web.cookies.get("triase_key")
        open_items = web.get("/v1/queue").json()["items"]
        if open_items:
            page = web.get(f"/antrian/{open_items[0]['id']}")
            assert page.status_code == 200 and "Saran" in page.text
            item = web.get(f"/v1/queue/{open_items[0]['id']}").json()
            pending = next(
                s
                for s in item["suggestions"]
                if s["status"] != "auto_accepted" and not s["decision"] and not s["superseded_by"]
            )
            accepted = web.post(
                f"/v1/queue/{item['id']}/decisions", json={"suggestion_id": pending["id"], "action": "accept"}
            )
            assert accepted.status_code == 200
            decided += 1

        export = tmp_path / "decisions.csv"
        exported = runner.invoke(cli, ["export-decisions", "--out", str(export)])
        assert exported.exit_code == 0, exported.output
        assert len(pd.read_csv(export)) == decided

        failures: list[int] = []
        stop = threading.Event()

        def keep_triaging() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                report = {"id": f"inflight-{n}", "text": "Lampu jalan di Jl. Kenari mati sejak kemarin"}
                response = http.post("/v1/triage", json=report, headers=intake)
                if response.status_code != 200:
                    failures.append(response.status_code)

        traffic = threading.Thread(target=keep_triaging)
        traffic.start()
        try:
            second = runner.invoke(cli, ["train", "--dataset", "demo", "--promote"])
            assert second.exit_code == 0, second.output
            assert "labelled by reviewers are included" in second.output
            for _ in range(120):
                if http.get("/readyz").json()["model"].endswith("/2"):
                    break
                threading.Event().wait(0.5)
        finally:
            stop.set()
            traffic.join()
        assert http.get("/readyz").json()["model"] == "triase-triage/2"
        assert failures == []
        after = http.post("/v1/triage", json={"id": "after-1", "text": "Sampah menumpuk di TPS"}, headers=intake)
        assert after.json()["model"]["version"] == "2"

        audit = http.get("/v1/admin/audit", params={"limit": 1000}, headers=admin).json()
    actions = [e["action"] for e in audit]
    assert actions.count("report.triaged") >= len(reports)
    assert actions.count("suggestion.decided") == decided
    for step in ("decisions.exported", "model.trained", "model.promoted", "model.loaded"):
        assert step in actions, step
    loaded = next(e for e in audit if e["action"] == "model.loaded")
    assert loaded["before"] == {"version": "1"} and loaded["after"] == {"version": "2"}

    client = registry.configure(e2e_settings)
    run = client.get_run(client.get_model_version(e2e_settings.model_name, "2").run_id)
    assert int(run.data.params["reviewer_labels"]) > 0
