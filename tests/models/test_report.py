"""The report schema rejects bad input with messages that name the field."""

import pytest
from pydantic import ValidationError

from models.report import MAX_TEXT_CHARS, Report


def errors_of(**fields) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Report(**fields)
    return {".".join(map(str, e["loc"])) or "report": e["msg"] for e in caught.value.errors()}


def test_minimal_report_is_valid_and_text_is_stripped():
    report = Report(id="sby-1", text="  Lampu jalan mati  ")
    assert report.text == "Lampu jalan mati"
    assert not report.private and not report.has_point


def test_missing_and_blank_text_name_the_field():
    assert "text" in errors_of(id="a")
    assert "at least 1 character" in errors_of(id="a", text="   ")["text"]


def test_text_over_the_maximum_is_refused():
    assert f"at most {MAX_TEXT_CHARS}" in errors_of(id="a", text="x" * (MAX_TEXT_CHARS + 1))["text"]


def test_coordinates_out_of_range_and_unpaired():
    assert "lat" in errors_of(id="a", text="banjir", lat=91, lon=106.8)
    assert "lon" in errors_of(id="a", text="banjir", lat=-6.2, lon="timur")
    unpaired = errors_of(id="a", text="banjir", lat=-6.2)
    assert any("lat and lon must be given together" in message for message in unpaired.values())


def test_unknown_fields_and_bad_ids_are_refused():
    assert "colour" in errors_of(id="a", text="x", colour="red")
    assert "id" in errors_of(id="a b", text="x")


def test_timestamps_parse_from_iso_strings():
    report = Report(id="a", text="x", created_at="2024-03-01T08:30:00+07:00", lat=-6.2, lon=106.8)
    assert report.created_at.utcoffset().total_seconds() == 7 * 3600
    assert report.has_point
