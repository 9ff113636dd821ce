"""training.evaluate_pii: drawing a fresh annotation part and telling the parts apart (synthetic texts, and the
recorded draws of the real export where it is present)."""

import json
from pathlib import Path

import pytest

from models.settings import Settings
from training.evaluate_pii import (
    ANNOTATIONS,
    DEVELOPMENT_PARTS,
    PARTS,
    STRATUM_SELECTORS,
    TEST_PART,
    annotation_part,
    draw_fresh_part,
    draw_part_ids,
)

# Made-up report texts: none is a real report.
TEXTS = {
    1: "Nama saya Budi, mohon dibantu",
    2: "NIK 3578011203850004 belum aktif",
    3: "mohon hubungi saya lewat WA",
    4: "mobil nopol L 1234 AB parkir di trotoar",
    5: "lampu PJU mati",
    6: "lampu PJU mati",  # a resubmission of 5: collapsed to the smaller id
    7: "saluran buntu",
    8: "pohon tumbang",
    9: "jalan berlubang",
    10: "sampah belum diangkut",
}
PLAN = (("digits", 1), ("name_phrase", 1), ("plate_like", 1), ("phone_like", 1))


def test_draw_is_reproducible_and_fills_every_stratum_then_the_random_rest():
    drawn = draw_fresh_part(TEXTS, exclude=set(), seed=666, plan=PLAN, total=7)
    assert drawn == draw_fresh_part(TEXTS, exclude=set(), seed=666, plan=PLAN, total=7)
    assert len(drawn) == 7
    assert {rid for rid, stratum in drawn.items() if stratum != "random"} == {1, 2, 3, 4}
    assert drawn[2] == "digits" and drawn[1] == "name_phrase" and drawn[4] == "plate_like" and drawn[3] == "phone_like"
    assert 6 not in drawn  # identical texts are one report, under the smallest id


def test_draw_leaves_out_annotated_reports_and_their_identical_texts():
    drawn = draw_fresh_part(TEXTS, exclude={2, 5}, seed=1, plan=PLAN, total=7)
    assert not {2, 5, 6} & set(drawn)
    assert "digits" not in drawn.values()  # the only NIK report was excluded: an empty stratum is skipped


def test_stratum_selectors_choose_reports_likely_to_hold_personal_data():
    assert STRATUM_SELECTORS["digits"]("NIK 3578 0112 0385 0004")
    assert STRATUM_SELECTORS["phone_like"]("WA 0812-3456-7890")
    assert STRATUM_SELECTORS["plate_extra"]("truk W 1234 XY parkir")
    assert not STRATUM_SELECTORS["plate_extra"]("RT 03 RW 05")
    assert not STRATUM_SELECTORS["name_phrase"]("lampu PJU mati")


def test_the_newest_fresh_part_is_the_test_part_and_every_other_one_development():
    assert TEST_PART == "test7"
    assert set(DEVELOPMENT_PARTS) == {"dev", "heldout", "test2", "test3", "test4", "test5", "test6", "train1", "train2"}
    assert set(PARTS) == {*DEVELOPMENT_PARTS, TEST_PART} and len(PARTS) == len(set(PARTS))
    assert PARTS.index("test7") < PARTS.index("train1")  # drawn first, so the training parts exclude it
    assert annotation_part(155342, "test7") == "test7"
    assert annotation_part(155342) in {"dev", "heldout"}  # the first round's rows carry no part


@pytest.mark.real_data
def test_every_drawn_part_redraws_as_recorded_after_later_parts_were_added(surabaya_available):
    recorded: dict[str, dict[int, str]] = {}
    with open(Path(Settings().assets_dir) / ANNOTATIONS, encoding="utf-8") as f:
        for row in map(json.loads, f):
            if "part" in row:
                recorded.setdefault(row["part"], {})[int(row["id"])] = row["stratum"]
    for part, seed, plan in (("test6", 88888, "fresh"), ("test7", 99999, "fresh"), ("train2", 202, "training")):
        assert draw_part_ids(part, seed, plan) == recorded[part], part
