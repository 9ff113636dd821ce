"""Reviewers mask personal data the redactor missed: the stored text and every copy follow, the span is kept (never
the text) as a redactor training example, the action is audited without the text, and bad requests lose nothing."""

import json
import shutil

import pytest
from sqlalchemy import select, text

from models.duplicates import DuplicateIndex
from models.masking import MASK_PLACEHOLDERS, MaskError, apply_mask, check_span
from models.privacy.redactor import mask_pii
from models.report import Report
from models.triage import mask_report
from service.database.core import Database
from service.database.migrate import upgrade
from service.duplicates.service import INDEX_DIR
from service.masks.models import ReviewerMask
from service.queue.export import decisions_frame
from service.reports.models import StoredReport, SuggestionRecord
from service.web.labels import MASK_KIND
from training.reviewer_masks import load_mask_rows, reviewer_spans

ADDRESS = "Perumahan Kencanawangi blok C17"
SECRET_WORDS = ("kencanawangi", "c17")
REPORT = {
    "id": "mask-1",
    "text": f"Pohon tumbang menutup jalan di depan rumah saya, {ADDRESS}. Hubungi 0812-3456-7890.",
    "category": "Pohon Tumbang",
}


def _item(client, keys, report_id: str) -> dict:
    items = client.get("/v1/queue", headers=keys["reviewer"]).json()["items"]
    item_id = next(i["id"] for i in items if i["report_id"] == report_id)
    return client.get(f"/v1/queue/{item_id}", headers=keys["reviewer"]).json()


def _mask_address(client, keys, report_id: str = "mask-1"):
    report = _item(client, keys, report_id)["report"]
    start = report["text"].index(ADDRESS)
    body = {"start": start, "end": start + len(ADDRESS), "kind": "alamat", "text_revision": report["text_revision"]}
    return client.post(f"/v1/reports/{report_id}/masks", json=body, headers=keys["reviewer"])


def _no_secret(haystack: str) -> None:
    for word in SECRET_WORDS:
        assert word not in haystack.lower(), f"{word!r} is still there"


def test_a_reviewer_masks_a_span_and_every_stored_copy_follows(reviewed, tmp_path):
    client, keys = reviewed
    masker = client.app.state.model_store.current.bundle.masker  # the rules, and the champion's name tagger
    stored_text = mask_report(Report.model_validate(REPORT), masker).text
    assert ADDRESS in stored_text  # what the redactor misses: no rule finds addresses
    assert client.post("/v1/triage", json=REPORT, headers=keys["intake"]).status_code == 200
    assert _item(client, keys, "mask-1")["report"]["text_revision"] == 0
    database = Database(client.app.state.settings.database)
    quoted = {"phrase": "blok c17", "weight": 0.5}  # as a model whose vocabulary knew the words would quote them
    with database.session() as session:
        report = session.get(StoredReport, "mask-1")
        report.result = report.result | {
            "category": report.result["category"] | {"evidence": [*report.result["category"]["evidence"], quoted]}
        }
        phrases_before = len(report.result["category"]["evidence"])
        category = session.scalars(
            select(SuggestionRecord).where(SuggestionRecord.report_id == "mask-1", SuggestionRecord.kind == "category")
        ).one()
        category.evidence = category.evidence | {"phrases": [*category.evidence["phrases"], quoted]}

    masked = _mask_address(client, keys)
    assert masked.status_code == 200, masked.text
    body = masked.json()
    assert body["report"]["text"] == stored_text.replace(ADDRESS, "[ALAMAT]")
    assert body["report"]["text_revision"] == 1
    assert body["mask"]["kind"] == "alamat" and body["mask"]["redactor_version"] == masker.version
    _no_secret(masked.text)

    item = client.get(f"/v1/queue/{_item(client, keys, 'mask-1')['id']}", headers=keys["reviewer"])
    assert "[ALAMAT]" in item.json()["report"]["text"]
    _no_secret(item.text)
    _no_secret(client.get("/v1/queue", params={"limit": 200}, headers=keys["reviewer"]).text)
    _no_secret(client.get("/v1/reports/mask-1", headers=keys["intake"]).text)  # the outcome never carried text
    _no_secret(client.get("/v1/events", params={"after": 0, "limit": 1000}, headers=keys["intake"]).text)
    client.cookies.set("triase_key", _key(keys["reviewer"]))
    page = client.get(f"/antrian/{item.json()['id']}")
    assert page.status_code == 200 and "[ALAMAT]" in page.text
    _no_secret(page.text)
    again = client.post("/v1/triage", json=REPORT, headers=keys["intake"])  # a retry is answered from storage
    assert again.status_code == 200
    _no_secret(again.text)

    audit = client.get("/v1/admin/audit", params={"action": "report.masked"}, headers=keys["admin"]).json()
    assert len(audit) == 1 and audit[0]["entity_id"] == "mask-1"
    assert audit[0]["after"]["kind"] == "alamat" and audit[0]["after"]["mask_id"] == body["mask"]["id"]
    _no_secret(json.dumps(audit))

    counts = client.get("/v1/admin/masks", headers=keys["admin"]).json()
    assert counts["total"] == 1 and counts["by_redactor_version"] == {masker.version: 1}
    assert counts["counts"] == [{"redactor_version": masker.version, "kind": "alamat", "masks": 1, "reports": 1}]
    assert client.get("/v1/admin/masks", headers=keys["reviewer"]).status_code == 403

    with database.session() as session:
        report = session.get(StoredReport, "mask-1")
        _no_secret(report.text + json.dumps(report.result))
        assert len(report.result["category"]["evidence"]) == phrases_before - 1  # only the quoting phrase left
        for suggestion in session.scalars(select(SuggestionRecord).where(SuggestionRecord.report_id == "mask-1")):
            _no_secret(json.dumps(suggestion.evidence))
        kept = session.scalars(select(ReviewerMask)).one()
        assert (kept.field, kept.end_offset - kept.start_offset, kept.text_revision) == ("text", len(ADDRESS), 0)

    export = tmp_path / "decisions.jsonl"
    frame = decisions_frame(database, client.app.state.settings.zone)
    frame.to_json(export, orient="records", lines=True, force_ascii=False)
    frame.to_csv(tmp_path / "decisions.csv", index=False)
    database.dispose()
    _no_secret(export.read_text())
    rows = load_mask_rows(export)
    assert [(r["mask_start"], r["mask_end"]) for r in load_mask_rows(tmp_path / "decisions.csv")] == [
        (r["mask_start"], r["mask_end"]) for r in rows
    ]
    assert [(r["report_id"], r["mask_kind"], r["redactor_version"]) for r in rows] == [
        ("mask-1", "alamat", masker.version)
    ]
    # Training maps the span back onto the raw text the intake received, masked again as the served bundle did.
    start = REPORT["text"].index(ADDRESS)
    spans = reviewer_spans(rows, {"mask-1": REPORT["text"]}, masker=masker)
    assert spans == {"mask-1": [(start, start + len(ADDRESS), "alamat")]}


def _key(headers: dict) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def test_bad_masks_are_refused_with_the_field_at_fault_and_lose_nothing(reviewed):
    client, keys = reviewed
    assert client.post("/v1/triage", json=REPORT, headers=keys["intake"]).status_code == 200
    stored = _item(client, keys, "mask-1")["report"]["text"]
    phone = stored.index("[TELEPON]")
    name = stored.index("Pohon")

    def post(report_id="mask-1", **changes):
        body = {"start": name, "end": name + 5, "kind": "nama", "text_revision": 0} | changes
        return client.post(f"/v1/reports/{report_id}/masks", json=body, headers=keys["reviewer"])

    refused = {
        "end": post(end=len(stored) + 1),
        "start": post(start=len(stored) + 1, end=len(stored) + 2),
        "empty": post(end=name),
        "blank": post(start=stored.index(" "), end=stored.index(" ") + 1),
        "placeholder": post(start=phone - 3, end=phone + 2),
        "kind": post(kind="golongan_darah"),
        "field": post(field="title"),  # the report has no title
        "extra": post(text="Pohon"),  # the text itself is never sent
    }
    for case, response in refused.items():
        assert response.status_code == 422, (case, response.text)
        body = response.json()
        assert body["detail"] and body["errors"], case
    assert refused["end"].json()["errors"][0]["field"] == "end"
    assert refused["empty"].json()["errors"][0]["field"] == "end"
    assert refused["placeholder"].json()["errors"][0]["field"] == "start"
    assert refused["kind"].json()["errors"][0]["field"] == "kind"
    missing = post(report_id="nowhere")
    assert missing.status_code == 404 and "nowhere" in missing.json()["detail"]
    assert missing.json()["errors"] == []
    assert (
        client.post(
            "/v1/reports/mask-1/masks",
            json={"start": 0, "end": 5, "kind": "nama", "text_revision": 0},
            headers=keys["intake"],
        ).status_code
        == 403
    )
    assert _item(client, keys, "mask-1")["report"]["text"] == stored  # nothing changed

    assert _mask_address(client, keys).status_code == 200
    at = stored.index(ADDRESS)
    stale = post(start=at, end=at + len(ADDRESS), kind="alamat")  # a page loaded before the first mask
    assert stale.status_code == 409 and "reload" in stale.json()["detail"]
    now = _item(client, keys, "mask-1")["report"]
    second = post(text_revision=now["text_revision"])  # the next mask applies to the masked text
    assert second.status_code == 200, second.text
    assert second.json()["report"]["text"].startswith("[NAMA]") and "[ALAMAT]" in second.json()["report"]["text"]
    assert second.json()["report"]["text_revision"] == 2


def test_the_duplicate_search_no_longer_matches_on_masked_words(reviewed):
    client, keys = reviewed
    intake = keys["intake"]
    control = {"id": "dup-control", "text": "Saluran air di Jl. Rungkut Asri Tengah 9 tersumbat sampah dan meluap."}
    for report in (REPORT, control):
        assert client.post("/v1/triage", json=report, headers=intake).status_code == 200
    assert _mask_address(client, keys).status_code == 200

    def candidate(resent: dict, original: str) -> dict | None:
        duplicates = client.post("/v1/triage", json=resent, headers=intake).json()["duplicates"]
        return next((c for c in duplicates["candidates"] if c["report_id"] == original), None)

    unmasked = candidate(control | {"id": "dup-control-again"}, "dup-control")
    assert unmasked is not None and unmasked["exact"]  # the same text again is an exact resubmission ...
    masked = candidate(REPORT | {"id": "mask-1-again"}, "mask-1")
    assert masked is None or not (masked["exact"] or masked["near_exact"])  # ... unless a reviewer masked it


def test_a_replica_whose_saved_index_predates_a_mask_fingerprints_the_report_again(
    app_client, served_settings, tmp_path
):
    own_home = {"home": tmp_path / "home", "mlflow_tracking_uri": served_settings.tracking_uri}
    client, keys = app_client(auto_accept_category=1.0, auto_accept_agency=1.0, **own_home)
    index_dir = tmp_path / "home" / INDEX_DIR
    with client:
        assert client.post("/v1/triage", json=REPORT, headers=keys["intake"]).status_code == 200
        finder = client.app.state.duplicate_finder
        finder.save()
        shutil.copytree(index_dir, tmp_path / "before-mask")
        before = finder.index._words[finder.index._rows["mask-1"]].copy()
        assert _mask_address(client, keys).status_code == 200
        after = finder.index._words[finder.index._rows["mask-1"]].copy()
        assert not (before == after).all()
        saved = DuplicateIndex.load(index_dir)  # saved at once: the cached files hold the masked fingerprint
        assert (saved._words[saved._rows["mask-1"]] == after).all()
    shutil.rmtree(index_dir)
    shutil.copytree(tmp_path / "before-mask", index_dir)  # as a replica that saved before the mask left them
    restarted, _ = app_client(auto_accept_category=1.0, auto_accept_agency=1.0, **own_home)
    with restarted:
        finder = restarted.app.state.duplicate_finder
        assert finder.mask_watermark == 1
        assert (finder.index._words[finder.index._rows["mask-1"]] == after).all()


def test_reviewer_masks_refuse_updates_and_deletes(database_url):
    database = Database(database_url)
    upgrade(database)
    with database.session() as session:
        session.add(
            StoredReport(
                id="r0", content_sha256="0" * 64, text="x", private=False, model_name="m", model_version="1", result={}
            )
        )
        session.flush()
        session.add(
            ReviewerMask(
                report_id="r0",
                field="text",
                start_offset=0,
                end_offset=1,
                kind="nama",
                text_revision=0,
                text_sha256="0" * 64,
                redactor_version="v",
                reviewer="ani",
            )
        )
    for statement in ("UPDATE reviewer_masks SET kind = 'nik'", "DELETE FROM reviewer_masks"):
        with pytest.raises(Exception, match="append-only"):
            with database.engine.begin() as connection:
                connection.execute(text(statement))
    database.dispose()


def test_spans_map_back_through_every_placeholder_and_a_changed_redactor_leaves_a_report_out():
    raw = "Nama saya Budi Santoso, HP 0812-3456-7890. Rumah di Kencanawangi C17 😀 dekat toko Sutarjo."
    stored = mask_pii(raw)
    first_at = stored.index("Kencanawangi C17")
    once = apply_mask(stored, first_at, first_at + len("Kencanawangi C17"), "alamat")
    second_at = once.index("Sutarjo")
    rows = [
        _row("r1", first_at, first_at + len("Kencanawangi C17"), "alamat", 0, stored),
        _row("r1", second_at, second_at + len("Sutarjo"), "nama", 1, once),
    ]
    spans = reviewer_spans(rows, {"r1": raw})["r1"]
    assert [(raw[s:e], k) for s, e, k in spans] == [("Kencanawangi C17", "alamat"), ("Sutarjo", "nama")]
    full = reviewer_spans(rows, {"r1": raw}, with_redactor_spans=True)["r1"]
    assert {raw[s:e] for s, e, _ in full} >= {"Kencanawangi C17", "Sutarjo", "0812-3456-7890"}
    other_redactor = [_row("r1", first_at, first_at + 3, "alamat", 0, stored + " ")]
    assert reviewer_spans(other_redactor, {"r1": raw}) == {}


def _row(report_id, start, end, kind, revision, before) -> dict:
    from models.masking import text_sha256

    return {
        "report_id": report_id,
        "kind": "personal_data",
        "mask_field": "text",
        "mask_start": start,
        "mask_end": end,
        "mask_kind": kind,
        "mask_text_revision": revision,
        "mask_text_sha256": text_sha256(before),
    }


def test_a_span_is_checked_before_it_is_masked_and_every_kind_has_a_page_label():
    text = "Hubungi [TELEPON] atau Budi"
    with pytest.raises(MaskError, match="overlaps a placeholder"):
        check_span(text, 10, 20)
    with pytest.raises(MaskError, match="empty"):
        check_span(text, 3, 3)
    assert apply_mask(text, 23, 27, "nama") == "Hubungi [TELEPON] atau [NAMA]"
    assert set(MASK_KIND) == set(MASK_PLACEHOLDERS)
