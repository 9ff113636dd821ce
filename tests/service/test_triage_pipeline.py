"""The triage pipeline masks each report once: the stored title and text are the masked text the models read."""

import dataclasses

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import models.privacy.tagger
from models.privacy.redactor import mask_pii, redactor_version
from models.report import Report
from models.triage import classifier_text, mask_report
from service.database.core import Database
from service.main import create_app
from service.reports.models import StoredReport

NAME = "Budi Santoso"
PHONE = "081234567890"
TITLE = f"Parkir liar, atas nama {NAME}"
TEXT = f"Mobil parkir di trotoar Jl. Darmo setiap malam, hubungi saya di {PHONE}."


def test_a_masked_report_joins_back_into_the_text_the_models_read():
    report = Report(id="m-1", title=TITLE, text=TEXT)
    masked = mask_report(report)
    assert masked.classifier_text == mask_pii(classifier_text(report.title, report.text))
    assert masked.classifier_text == classifier_text(masked.title, masked.text)
    assert NAME not in masked.title and "[NAMA]" in masked.title
    assert PHONE not in masked.text and "[TELEPON]" in masked.text
    untitled = mask_report(Report(id="m-2", text=TEXT))
    assert untitled.title is None and untitled.text == untitled.classifier_text == mask_pii(TEXT)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_each_report_of_a_batch_is_masked_once_and_stored_as_masked(app_client, database_url, monkeypatch):
    masked_texts: list[str] = []
    real = models.privacy.tagger.redact_spans

    def counted(text: str):
        masked_texts.append(text)
        return real(text)

    monkeypatch.setattr(models.privacy.tagger, "redact_spans", counted)
    client, keys = app_client()
    reports = [
        {"id": "once-1", "title": TITLE, "text": TEXT, "kelurahan": "Darmo"},
        {"id": "once-2", "text": TEXT.replace("Mobil", "Motor"), "kelurahan": "Darmo"},
    ]
    with client:
        masker = client.app.state.model_store.current.bundle.masker
        masked_texts.clear()  # start-up warms the model up on a text of its own
        response = client.post("/v1/triage/batch", json={"reports": reports}, headers=keys["intake"])
        assert response.status_code == 200, response.text
        retried = client.post("/v1/triage/batch", json={"reports": reports}, headers=keys["intake"])
        assert retried.json() == response.json()
    assert sorted(masked_texts) == sorted(classifier_text(r.get("title"), r["text"]) for r in reports)
    database = Database(database_url)
    with database.session() as session:
        stored = {row.id: row for row in session.scalars(select(StoredReport)).all()}
        for report in reports:
            masked = mask_report(Report.model_validate(report), masker)
            assert (stored[report["id"]].title, stored[report["id"]].text) == (masked.title, masked.text)
    database.dispose()


PLACES = ("Jl. Darmo", "Jl. Kertajaya", "Jl. Manyar", "Jl. Kenjeran", "Jl. Rungkut")
PROBLEMS = (
    "Lampu PJU di {place} nomor {n} mati sejak kemarin malam, gelap sekali",
    "Saluran air di {place} gang {n} tersumbat sampah, air meluap ke jalan saat hujan",
    "Jalan berlubang di {place} depan rumah nomor {n}, sudah ada pengendara motor jatuh",
    "Pohon tumbang menutup {place} dekat RT {n}, mohon segera dievakuasi",
)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_batch_decides_as_its_reports_sent_one_by_one(app_client, database_url, tmp_path):
    reports = [
        {
            "id": f"chunked-{i}",
            "text": PROBLEMS[i % len(PROBLEMS)].format(place=PLACES[i % len(PLACES)], n=i),
            "kelurahan": "Darmo",
            "created_at": f"2024-06-01T{8 + i // 6:02d}:{(i * 7) % 60:02d}:00+07:00",
        }
        for i in range(37)
    ]
    # The last report is a retyped copy of the second: each report is searched among those before it in the batch.
    reports[-1]["text"] = reports[1]["text"].replace("gang", "Gang") + " !!"

    def decided(answers: list[dict]) -> list[tuple]:
        return [
            (
                a["report_id"],
                a["category"]["predicted"],
                a["category"]["verdict"],
                a["vague"]["is_vague"],
                a["duplicates"]["duplicate_of"],
                a["duplicates"]["resubmission_of"],
                # the likely duplicates as a set: the probabilities agree to 1e-6, so candidates that score alike
                # may swap places, or the fifth place
                sorted(c["report_id"] for c in a["duplicates"]["candidates"] if c["likely_duplicate"]),
            )
            for a in answers
        ]

    client, keys = app_client()
    with client:
        batch = client.post("/v1/triage/batch", json={"reports": reports}, headers=keys["intake"])
    assert batch.status_code == 200, batch.text
    batched = batch.json()["results"]
    assert [a["report_id"] for a in batched] == [r["id"] for r in reports]
    assert batched[-1]["duplicates"]["duplicate_of"] == reports[1]["id"]

    one_by_one, keys = app_client(database_url=f"sqlite:///{tmp_path / 'one-by-one.db'}")
    with one_by_one:
        singles = [one_by_one.post("/v1/triage", json=r, headers=keys["intake"]).json() for r in reports]
    assert decided(batched) == decided(singles)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_service_masks_with_the_rules_and_the_champion_name_tagger(
    served_settings, settings, database_url, issue_keys, register_artifact
):
    """What no rule finds but the bundle's tagger does never reaches storage, an answer or the queue, and each stored
    report names the masking it went through."""
    from made_up_names import fitted

    from models.registry import configure, load_champion
    from training import registry

    demo = load_champion(configure(served_settings), served_settings.model_name, served_settings.embedder_dir)
    bundle = dataclasses.replace(demo.bundle, name_tagger=fitted())
    registry.promote(registry.configure(settings), settings.model_name, register_artifact(settings, bundle))
    settings = settings.model_copy(update={"database_url": database_url, "model_poll_seconds": 0})
    keys = issue_keys(settings)
    report = {"id": "tagged-1", "text": "Got di gang tiga meluap tiap hujan deras, mohon dibersihkan.\\nDimas Saputro"}
    with TestClient(create_app(settings)) as app:
        answer = app.post("/v1/triage", json=report, headers=keys["intake"])
        assert answer.status_code == 200, answer.text
        queue = app.get("/v1/queue", params={"limit": 200}, headers=keys["reviewer"])
        item = app.get(f"/v1/queue/{queue.json()['items'][0]['id']}", headers=keys["reviewer"])
    for seen in (answer.text, queue.text, item.text):
        assert "Dimas" not in seen and "Saputro" not in seen
    assert item.json()["report"]["text"].endswith("\\n[NAMA]")
    database = Database(database_url)
    with database.session() as session:
        stored = session.get(StoredReport, "tagged-1")
        assert stored.text.endswith("\\n[NAMA]") and stored.redactor_version == bundle.masker.version
        assert stored.redactor_version.startswith(f"{redactor_version()}+")
    database.dispose()
