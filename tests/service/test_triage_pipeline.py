"""The triage pipeline masks each report once: the stored title and text are the masked text the models read."""

import pytest
from sqlalchemy import select

import models.triage
from models.privacy.redactor import mask_pii
from models.report import Report
from models.triage import classifier_text, mask_report
from service.database.core import Database
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
    real = models.triage.redact_spans

    def counted(text: str):
        masked_texts.append(text)
        return real(text)

    monkeypatch.setattr(models.triage, "redact_spans", counted)
    client, keys = app_client()
    reports = [
        {"id": "once-1", "title": TITLE, "text": TEXT, "kelurahan": "Darmo"},
        {"id": "once-2", "text": TEXT.replace("Mobil", "Motor"), "kelurahan": "Darmo"},
    ]
    with client:
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
            masked = mask_report(Report.model_validate(report))
            assert (stored[report["id"]].title, stored[report["id"]].text) == (masked.title, masked.text)
    database.dispose()
