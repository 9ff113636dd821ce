"""training.evaluate_vague: drawing an annotation part of the vague gold standard (made-up reports, and the
recorded draws of the real exports where they are present)."""

import pandas as pd
import pytest

from models.settings import Settings
from training.evaluate_vague import FRESH_PART_PLAN, SHORT_CHARACTERS, draw_part_ids, draw_vague_part
from training.vague import PARTS, load_vague_annotations

LONG = "Lampu PJU di Jl. Ngagel Jaya Selatan depan gang 3 mati sejak Senin malam, mohon segera diperbaiki pak."
assert len(LONG) >= SHORT_CHARACTERS

# Made-up reports: none is a real one.
REPORTS = pd.DataFrame(
    [
        ("sby-10", None, "PJU mati", "2023-01-02"),
        ("sby-9", None, "pju  MATI", "2023-01-03"),  # the same report: survives as sby-9 (numeric order)
        ("sby-11", None, "Tolong diperbaiki", "2023-01-04"),
        ("sby-12", None, LONG, "2023-01-05"),
        ("sby-13", None, LONG + " Terima kasih.", "2023-01-06"),
        ("pb-b", "#banjir", "air setinggi lutut", "2017-02-21T08:00:00"),
        ("pb-a", "#banjir", "Air setinggi lutut", "2017-02-21T07:00:00"),  # earlier: survives
        ("pb-c", None, "  ", "2017-02-21T09:00:00"),  # empty text: never drawn
        ("pb-d", None, "banjir 50 cm", "2017-02-21T10:00:00"),
    ],
    columns=["id", "title", "text", "created_at"],
)
PLAN = (("pb_all", 1), ("sby_short", 2), ("sby_long", 1))


def test_the_draw_collapses_identical_reports_and_fills_each_stratum_in_order():
    drawn = draw_vague_part(REPORTS, exclude=set(), seed=1, plan=PLAN)
    assert drawn == draw_vague_part(REPORTS, exclude=set(), seed=1, plan=PLAN)
    assert list(drawn.values()) == ["pb_all", "sby_short", "sby_short", "sby_long"]
    assert {rid for rid, stratum in drawn.items() if stratum == "sby_short"} == {"sby-9", "sby-11"}
    assert not {"sby-10", "pb-b", "pb-c"} & set(drawn)


def test_the_draw_leaves_out_excluded_reports_and_every_report_identical_to_one():
    drawn = draw_vague_part(REPORTS, exclude={"sby-10", "pb-a"}, seed=1, plan=(("pb_all", 1), ("sby_short", 1)))
    assert drawn == {"pb-d": "pb_all", "sby-11": "sby_short"}


def test_a_stratum_larger_than_its_pool_is_an_error():
    with pytest.raises(ValueError):
        draw_vague_part(REPORTS, exclude=set(), seed=1, plan=(("pb_all", 3),))


def test_the_test_parts_use_three_strata():
    assert FRESH_PART_PLAN == (("pb_all", 80), ("sby_short", 100), ("sby_long", 80))


@pytest.mark.real_data
def test_recorded_parts_redraw_exactly_in_draw_order(surabaya_available):
    gold = load_vague_annotations(Settings())
    for part, seed in (("test3", 2029), ("test5", 2031), ("train1", 3031)):
        recorded = gold[gold["part"] == part]
        drawn = draw_part_ids(part, seed)
        assert part in PARTS
        assert drawn == dict(zip(recorded["id"], recorded["stratum"], strict=True)), part
        assert list(drawn) == list(recorded["id"]), part
