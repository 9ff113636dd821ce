"""The project's own annotation files hold ids, labels and judgements: never report text or personal data."""

import json
from pathlib import Path

import pytest

ANNOTATIONS = Path(__file__).resolve().parents[2] / "data" / "annotations"


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (ANNOTATIONS / name).read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("name", ["category_disputes.jsonl", "category_errors.jsonl"])
def test_blind_readings_of_real_reports_name_them_by_id_only(name):
    rows = _rows(name)
    assert rows and len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["id"].startswith("sby-")
        assert not {"text", "title", "note", "reporter", "name"} & set(row)


def test_every_disputed_report_was_judged_on_both_categories():
    rows = _rows("category_disputes.jsonl")
    assert {r["sample"] for r in rows} == {"label_false_alarm", "simulated_wrong_pick", "validation_dispute"}
    for row in rows:
        assert row["citizen"] != row["suggested"]
        assert isinstance(row["citizen_fits"], bool) and isinstance(row["suggested_fits"], bool)
        assert row["better"] in ("citizen", "suggested", "equal")
