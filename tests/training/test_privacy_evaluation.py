"""training.evaluate_pii: drawing a fresh annotation part and telling the parts apart (synthetic texts, and the
recorded draws of the real export where it is present); names by owner (reading and folding the labels, scoring
the reporter's own name)."""

import json
from pathlib import Path

import pytest

from models.settings import Settings
from training.evaluate_pii import (
    ANNOTATIONS,
    DEVELOPMENT_PARTS,
    PARTS,
    STRATUM_SELECTORS,
    TEST_PARTS,
    GoldSpan,
    annotation_part,
    draw_fresh_part,
    draw_part_ids,
    load_annotations,
    score,
)
from training.fold_name_owners import OwnerLabelError, fold_name_owners, read_owner_labels

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
    assert STRATUM_SELECTORS["self_cue"]("Demikian, terima kasih.\\nSiti Rohmawati")
    assert STRATUM_SELECTORS["self_cue"]("saya Budi warga RT 3")
    assert not STRATUM_SELECTORS["self_cue"]("lampu PJU mati, terima kasih")
    long_letter = "Selamat pagi, saya mau menanyakan bantuan PIP untuk anak yang sekolah di SMP negeri. " * 3
    assert STRATUM_SELECTORS["first_person"](long_letter)
    assert not STRATUM_SELECTORS["first_person"]("Selamat pagi, saya mau menanyakan bantuan PIP.")  # short
    assert not STRATUM_SELECTORS["first_person"](long_letter.replace("saya", "kami"))  # no first-person singular


def test_the_newest_fresh_parts_are_the_test_parts_and_every_other_one_development():
    assert TEST_PARTS == ("test19", "test20")
    assert set(DEVELOPMENT_PARTS) == {
        *("dev", "heldout", "test2", "test3", "test4", "test5", "test6", "test7", "train1", "train2", "test8", "test9"),
        *("test10", "test11", "test12", "test13", "test14", "test15", "test16", "test17", "test18"),
    }
    assert set(PARTS) == {*DEVELOPMENT_PARTS, *TEST_PARTS} and len(PARTS) == len(set(PARTS))
    assert PARTS.index("test7") < PARTS.index("train1")  # drawn first, so the training parts exclude it
    assert PARTS[-2:] == TEST_PARTS  # drawn last, each excluding every part before it
    assert annotation_part(155342, "test7") == "test7"
    assert annotation_part(155342) in {"dev", "heldout"}  # the first round's rows carry no part


@pytest.mark.real_data
def test_every_drawn_part_redraws_as_recorded_after_later_parts_were_added(surabaya_available):
    recorded: dict[str, dict[int, str]] = {}
    with open(Path(Settings().assets_dir) / ANNOTATIONS, encoding="utf-8") as f:
        for row in map(json.loads, f):
            if "part" in row:
                recorded.setdefault(row["part"], {})[int(row["id"])] = row["stratum"]
    for part, seed, plan in (
        ("test6", 88888, "fresh"),
        ("test7", 99999, "fresh"),
        ("train2", 202, "training"),
        ("test9", 909, "names"),
        ("test10", 1010, "self_cue"),
        ("test11", 1111, "self_cue"),
        ("test12", 1212, "self_cue"),
        ("test13", 1313, "letter"),
        ("test14", 1414, "letter"),
        ("test15", 1515, "letter"),
        ("test16", 1616, "letter"),
        ("test17", 1717, "letter"),
        ("test18", 1818, "letter"),
        ("test19", 1919, "first_person"),
        ("test20", 2020, "first_person"),
    ):
        assert draw_part_ids(part, seed, plan) == recorded[part], part


# --------------------------------------------------------------------------- names by owner


def _annotation(tmp_path: Path, rows: list[dict]) -> Settings:
    path = tmp_path / ANNOTATIONS
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return Settings(assets_dir=tmp_path)


def test_a_name_span_may_carry_its_owner(tmp_path):
    settings = _annotation(
        tmp_path,
        [
            {"id": 1, "spans": [[10, 14, "nama", "self"], [20, 36, "nik"]]},
            {"id": 2, "spans": [[0, 4, "nama"]], "part": "test7", "stratum": "random"},
        ],
    )
    gold = load_annotations(settings)
    assert gold[1] == [GoldSpan(10, 14, "nama", "self"), GoldSpan(20, 36, "nik", None)]
    assert gold[2] == [GoldSpan(0, 4, "nama", None)]  # not labelled yet


@pytest.mark.parametrize("span", [[0, 4, "nama", "reporter"], [0, 16, "nik", "self"]])
def test_an_owner_must_be_self_or_other_and_only_on_a_name(tmp_path, span):
    settings = _annotation(tmp_path, [{"id": 1, "spans": [span]}])
    with pytest.raises(ValueError, match="only a nama span has an owner"):
        load_annotations(settings)


def test_owner_labels_fold_into_the_annotation_and_can_be_refolded(tmp_path):
    settings = _annotation(
        tmp_path,
        [
            {"id": 1, "spans": [[10, 14, "nama"], [20, 36, "nik"]], "part": "test7", "stratum": "digits"},
            {"id": 2, "spans": [[0, 4, "nama"], [30, 34, "nama"]]},
        ],
    )
    labels_path = tmp_path / "owners.jsonl"
    labels_path.write_text(
        '{"id": 1, "start": 10, "end": 14, "owner": "self"}\n\n{"id": 2, "start": 30, "end": 34, "owner": "other"}\n'
    )
    annotation = tmp_path / ANNOTATIONS
    assert fold_name_owners(annotation, read_owner_labels(labels_path)) == {"self": 1, "other": 1}
    gold = load_annotations(settings)
    assert gold[1] == [GoldSpan(10, 14, "nama", "self"), GoldSpan(20, 36, "nik")]
    assert gold[2] == [GoldSpan(0, 4, "nama"), GoldSpan(30, 34, "nama", "other")]
    assert json.loads(annotation.read_text().splitlines()[0])["part"] == "test7"  # other fields kept
    # a corrected label replaces the earlier one
    fold_name_owners(annotation, {(1, 10, 14): "other"})
    assert load_annotations(settings)[1][0].owner == "other"


def test_a_label_of_no_annotated_name_or_with_a_wrong_owner_is_refused_and_nothing_written(tmp_path):
    _annotation(tmp_path, [{"id": 1, "spans": [[10, 14, "nama"], [20, 36, "nik"]]}])
    annotation = tmp_path / ANNOTATIONS
    before = annotation.read_text()
    for labels in ({(1, 20, 36): "self"}, {(1, 10, 15): "self"}, {(9, 10, 14): "self"}):
        with pytest.raises(OwnerLabelError, match="label only existing nama spans"):
            fold_name_owners(annotation, labels)
    assert annotation.read_text() == before
    bad = tmp_path / "owners.jsonl"
    bad.write_text(
        '{"id": 1, "start": 10, "end": 14, "owner": "self"}\n{"id": 1, "start": 10, "end": 14, "owner": "me"}\n'
    )
    with pytest.raises(OwnerLabelError, match=r"owners.jsonl, line 2: owner 'me' is none of self, other"):
        read_owner_labels(bad)
    bad.write_text('{"id": 1, "start": 10}\n')
    with pytest.raises(OwnerLabelError, match=r"line 1: not a label"):
        read_owner_labels(bad)


def test_self_name_recall_and_precision():
    # Made-up texts; offsets of the names below.
    texts = {1: "Nama saya Budi Santoso, anak saya Dimas", 2: "Salam, Rina. Pak Joko tidak datang"}
    gold = {
        1: [GoldSpan(10, 22, "nama", "self"), GoldSpan(34, 39, "nama", "other")],
        2: [GoldSpan(7, 11, "nama", "self"), GoldSpan(17, 21, "nama", "other")],
    }
    predicted = {
        1: [(10, 22, "nama", "self")],  # the writer's name, read as theirs
        2: [(17, 21, "nama", "self"), (22, 27, "nama", "self")],  # another's name read as the writer's; a wasted mask
    }
    figures = score(texts, gold, predicted)
    own = figures["self_name"]
    assert own["recall"] == 0.5 and own["n_spans"] == 2  # Rina is not masked
    assert own["precision"] == round(2 / 3, 4)  # of three masks read as the writer's, one covers no name
    assert own["owner_precision"] == round(1 / 3, 4)  # and only one is the writer's
    assert own["other_recall"] == 0.5 and own["n_unlabelled"] == 0
    assert figures["recall"]["nama"] == 0.5 and figures["precision"] == round(2 / 3, 4)
    # gold spans without owners (reviewers' masks): names count, the reporter's own name cannot be scored
    plain = score(texts, {rid: [span[:3] for span in spans] for rid, spans in gold.items()}, predicted)
    assert plain["recall"]["nama"] == 0.5 and plain["self_name"]["recall"] is None
    assert plain["self_name"]["n_unlabelled"] == 4
