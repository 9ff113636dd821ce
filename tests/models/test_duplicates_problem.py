"""Place and problem as separate duplicate evidence, retyped resubmissions, and the hand-written pairs' figures.

Texts, points, categories and reporter references here are made up.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from models.duplicates import DuplicateEntry, DuplicateIndex
from models.duplicates.problem import split_words
from models.settings import Settings
from service.web.labels import place_and_problem
from training.duplicates_handwritten import figures, handwritten_figures, judge, load_pairs

T0 = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
GANG = (-6.2001, 106.8001)  # a made-up alley in Jakarta
LIGHT = {"Penerangan Jalan Umum": 0.86, "Jalan Rusak": 0.08, "Saluran Air": 0.06}
DRAIN = {"Saluran Air": 0.81, "Banjir": 0.12, "Jalan Rusak": 0.07}
LIGHT_TEXT = "Lampu PJU di Gg. Mawar 3 RT 05/RW 02 depan Masjid Al Ikhlas mati sudah seminggu, gelap bgt"
DRAIN_TEXT = "Saluran air di Gg. Mawar 3 RT 05/RW 02 depan Masjid Al Ikhlas mampet, kalau hujan meluap"


def vector(seed: int, like: np.ndarray | None = None, noise: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng([seed, 384])
    v = rng.standard_normal(384).astype(np.float32) if like is None else like + noise * rng.standard_normal(384)
    return (v / np.linalg.norm(v)).astype(np.float32)


def entry(report_id, text, v, minutes=0.0, point=GANG, **extra) -> DuplicateEntry:
    lat, lon = point
    return DuplicateEntry.from_report(
        report_id, text, v, T0 + timedelta(minutes=minutes), lat=lat, lon=lon, kelurahan="Kebon Jeruk", **extra
    )


def metres_north(point, metres):
    return point[0] + metres / 111_195.0, point[1]


def test_place_words_are_blanked_before_the_problem_is_compared():
    light_problem, light_place = split_words(LIGHT_TEXT, "Kebon Jeruk")
    drain_problem, drain_place = split_words(DRAIN_TEXT, "Kebon Jeruk")
    assert "lampu" in light_problem and "saluran" in drain_problem
    assert "mati" not in light_problem and "air" not in drain_problem  # words of many problems
    assert {"mawar", "#3", "#5", "al", "ikhlas"} <= set(light_place) and set(light_place) == set(drain_place)
    assert "kebon" not in light_place  # the kelurahan is no evidence of the place within it
    assert not ({"mawar", "ikhlas", "masjid", "gg"} & set(light_problem))
    # Citizens' words for one problem fold onto one concept; words of many problems ("mati") are no evidence.
    assert split_words("pju padam")[0] == ["lampu"] and split_words("selokan mampet")[0] == ["saluran"]


def test_same_place_other_problem_is_never_a_likely_duplicate_however_close():
    """Same alley, same landmark, 12 m and two hours apart, nearly the same vector: the problems differ."""
    shared = vector(1)
    index = DuplicateIndex()
    index.add([entry("light", LIGHT_TEXT, shared, -120, category_probabilities=LIGHT)])
    drain = entry("drain", DRAIN_TEXT, vector(2, shared, 0.01), 0, metres_north(GANG, 12), category_probabilities=DRAIN)
    [found] = index.search(drain, k=1)
    assert found.same_place is True and found.same_problem is False
    assert found.category_similarity < 0.3 and not found.likely_duplicate
    assert place_and_problem(found.same_place, found.same_problem) == "tempat sama, masalah berbeda"
    # Near miss: the same light reported again in other words is one.
    again = entry(
        "light-2",
        "Tolong lampu jalan depan Masjid Al Ikhlas padam, jadi gelap",
        vector(3, shared, 0.01),
        30,
        metres_north(GANG, 40),
        category_probabilities={"Penerangan Jalan Umum": 0.9, "Jalan Rusak": 0.1},
    )
    top = {c.id: c for c in index.search(again, k=2)}
    assert top["light"].same_problem is True and top["light"].likely_duplicate


def test_a_different_place_name_beyond_the_same_place_distance_is_no_likely_duplicate():
    shared = vector(4)
    index = DuplicateIndex()
    index.add(
        [
            entry(
                "kenanga",
                "Jalan berlubang besar di Jl. Kenanga Raya, bahaya",
                shared,
                -600,
                category_probabilities=LIGHT,
            )
        ]
    )
    query = entry(
        "melati",
        "Jalan berlubang besar di Jl. Melati Raya, bahaya",
        vector(5, shared, 0.01),
        0,
        metres_north(GANG, 400),
        category_probabilities=LIGHT,
    )
    [found] = index.search(query, k=1)
    assert found.same_place is False and found.same_problem is True and not found.likely_duplicate
    near = entry("kenanga-2", "Jl. Kenanga Raya berlubang besar", vector(6, shared, 0.01), 0, metres_north(GANG, 400))
    assert index.search(near, k=1)[0].same_place is True  # the street name in common


def test_a_comma_ends_the_place_name_and_a_plural_two_is_no_digit():
    problem, place = split_words("Jl. Cempaka Putih Raya dekat gerbang komplek, tutup gorong2 hilang")
    assert {"tutup", "saluran", "hilang"} <= set(problem) and "tutup" not in place
    assert "lubang" in split_words("aspalnya bolong2 semua")[0]


def test_the_pavement_is_where_vendors_are_not_a_problem_of_its_own():
    vendors = entry(
        "vendors", "PKL jualan di trotoar Jl. Kenari depan kampus", vector(21), category_probabilities=LIGHT
    )
    index = DuplicateIndex()
    index.add([vendors])
    again = entry("again", "Kenari malam2 trotoarnya penuh tenda", vector(22, vector(21), 0.01), 600)
    [found] = index.search(again, k=1)
    assert found.same_problem is not False


def test_problem_words_and_distributions_that_both_differ_outweigh_an_unsure_model():
    """Same school frontage, minutes apart; the category model is unsure of both, the words share nothing."""
    unsure_a = {"Sampah": 0.35, "Saluran Air": 0.3, "Jalan Rusak": 0.2}
    unsure_b = {"Rambu": 0.4, "Parkir Liar": 0.3, "Jalan Rusak": 0.2}
    index = DuplicateIndex()
    index.add([entry("leaves", "Depan SDN 03 dedaunan nyumbat got", vector(23), -30, category_probabilities=unsure_a)])
    crossing = entry(
        "crossing",
        "Depan SDN 03 zebra cross pudar, kendaraan ngebut",
        vector(24, vector(23), 0.01),
        0,
        category_probabilities=unsure_b,
    )
    [found] = index.search(crossing, k=1)
    assert found.same_place is True and found.same_problem is False and not found.likely_duplicate


def test_a_same_named_alley_in_another_kelurahan_is_another_place():
    index = DuplicateIndex()
    index.add([entry("north", "Sampah liar di Gg. Duku RT 04, dibuang sembarangan", vector(25))])
    south = DuplicateEntry.from_report(
        "south",
        "Sampah liar di Gg. Duku RT 04 numpuk dekat tiang",
        vector(26, vector(25), 0.01),
        T0 + timedelta(hours=3),
        lat=metres_north(GANG, 500)[0],
        lon=GANG[1],
        kelurahan="Kebon Jeruk Selatan",
    )
    [found] = index.search(south, k=1)
    assert found.same_kelurahan is False and found.same_place is False and not found.likely_duplicate


def test_one_object_in_conditions_that_share_nothing_is_two_jobs():
    """A dead street light and its pole knocked down, 20 m and a night apart: the same object, two jobs."""
    index = DuplicateIndex()
    index.add([entry("dead", "PJU depan pos RW 07 Gg. Kenari mati total", vector(27), category_probabilities=LIGHT)])
    pole = entry(
        "pole",
        "tiang lampu di Gg. Kenari dekat pos RW 07 roboh, nutup jalan",
        vector(28, vector(27), 0.01),
        600,
        metres_north(GANG, 20),
        category_probabilities=LIGHT,
    )
    [found] = index.search(pole, k=1)
    assert found.same_place is True and found.same_problem is False and not found.likely_duplicate
    # Near miss: the same light again, dead by other words of the same condition, is one job.
    again = entry("again", "lampu jalan Gg. Kenari dekat pos RW 07 padam, gelap", vector(29, vector(27), 0.01), 700)
    assert {c.id: c for c in index.search(again, k=2)}["dead"].likely_duplicate


def test_same_category_goes_by_the_predicted_category_when_the_citizen_gave_none():
    index = DuplicateIndex()
    index.add([entry("a", LIGHT_TEXT, vector(7), -60, category="Penerangan Jalan Umum")])
    [found] = index.search(entry("b", LIGHT_TEXT + " tolong", vector(8), 0, category_probabilities=LIGHT), k=1)
    assert found.same_category is True
    [other] = index.search(entry("c", DRAIN_TEXT, vector(9), 0, category_probabilities=DRAIN), k=1)
    assert other.same_category is False


RETYPED = (
    "Lampu PJU di Gg. Mawar 3 RT 05/RW 02 depan Masjid Al Ikhlas mati sudah seminggu, gelap bgt",
    "Lampu PJU di Gg. Mawar 3 RT 05/RW 02 depan Masjid Al-Ikhlas sudah mati seminggu, gelap banget. Mohon segera!",
)


def test_a_retyped_report_from_the_same_reporter_minutes_later_is_a_resubmission():
    index = DuplicateIndex()
    index.add([entry("first", RETYPED[0], vector(10), 0, reporter_hash="a" * 64, category_probabilities=LIGHT)])
    moved = metres_north(GANG, 90)  # the phone's point moved; the reporter is the same
    [found] = index.search(entry("again", RETYPED[1], vector(11), 6, moved, reporter_hash="a" * 64), k=1)
    assert found.resubmission and found.likely_duplicate and found.score == 1.0 and not found.exact
    # Near misses: another reporter elsewhere; the same reporter with another problem; the same reporter a day on.
    [other] = index.search(entry("other", RETYPED[1], vector(11), 6, moved, reporter_hash="b" * 64), k=1)
    assert not other.resubmission
    [drain] = index.search(entry("drain", DRAIN_TEXT, vector(12), 6, reporter_hash="a" * 64), k=1)
    assert not drain.resubmission
    [late] = index.search(entry("late", RETYPED[1], vector(11), 24 * 60, moved, reporter_hash="a" * 64), k=1)
    assert not late.resubmission


def test_a_retyped_report_at_the_same_point_without_a_reporter_is_a_resubmission():
    index = DuplicateIndex()
    index.add([entry("first", RETYPED[0], vector(13), 0)])
    [found] = index.search(entry("again", RETYPED[1], vector(14), 12, metres_north(GANG, 5)), k=1)
    assert found.resubmission and found.likely_duplicate
    [far] = index.search(entry("far", RETYPED[1], vector(14), 12, metres_north(GANG, 200)), k=1)
    assert not far.resubmission


def test_the_problem_evidence_survives_saving_and_loading(tmp_path):
    index = DuplicateIndex()
    index.add([entry("light", LIGHT_TEXT, vector(15), -120, category_probabilities=LIGHT, reporter_hash="c" * 64)])
    query = entry("drain", DRAIN_TEXT, vector(16), 0, category_probabilities=DRAIN, reporter_hash="c" * 64)
    before = index.search(query, k=1)
    after = DuplicateIndex.load(index.save(tmp_path / "index")).search(query, k=1)
    assert before == after and after[0].same_problem is False


def _side(pair_id, side, text, minutes, point, category, reporter):
    return {
        "id": f"hw-t-{pair_id}{side}",
        "text": text,
        "category": category,
        "created_at": (T0 + timedelta(minutes=minutes)).isoformat(),
        "lat": point[0],
        "lon": point[1],
        "kelurahan": "Kebon Jeruk",
        "reporter_ref": reporter,
    }


def _pair(number, kind, label, earlier, later, resubmission=False):
    return {
        "pair_id": f"t-{number:03d}",
        "part": "t",
        "kind": kind,
        "label": label,
        "resubmission": resubmission,
        "earlier": _side(number, "a", *earlier),
        "later": _side(number, "b", *later),
        "note": "made up",
    }


@pytest.fixture
def handwritten(tmp_path):
    far = (-6.1501, 106.9001)
    pairs = [
        _pair(
            1,
            "same_place_other_problem",
            "not_duplicate",
            (LIGHT_TEXT, 0, GANG, "Penerangan Jalan Umum", "warga-1"),
            (DRAIN_TEXT, 90, metres_north(GANG, 15), None, "warga-2"),
        ),
        _pair(
            2,
            "retyped_resubmission",
            "duplicate",
            (RETYPED[0], 2000, far, None, "warga-3"),
            (RETYPED[1], 2007, metres_north(far, 3), None, "warga-3"),
            resubmission=True,
        ),
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in pairs) + "\n")
    return path


def test_handwritten_pairs_are_loaded_by_part_and_bad_lines_are_named(handwritten, tmp_path):
    assert [p["pair_id"] for p in load_pairs(handwritten, "t")] == ["t-001", "t-002"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(handwritten.read_text() + '{"pair_id": "x"}\n')
    with pytest.raises(ValueError, match="bad.jsonl:3"):
        load_pairs(bad)


def test_handwritten_figures_per_kind(handwritten):
    settings = Settings()
    pairs = load_pairs(handwritten, "t")
    verdicts = judge(pairs, settings)
    result = figures(pairs, verdicts)
    assert result["same_place_other_problem"]["false_duplicate_rate"] == 0.0
    assert result["retyped_resubmission"]["recall"] == 1.0 and result["retyped_resubmission"]["recall_at_5"] == 1.0
    assert result["precision"] == 1.0 and result["recall"] == 1.0
    # Figures follow the verdicts: flag the other-problem pair and its rate and the precision move.
    flagged = {**verdicts.pair}
    flagged["t-001"] = verdicts.top["t-001"][0].__class__(
        **{**verdicts.top["t-001"][0].to_dict(), "likely_duplicate": True}
    )
    moved = figures(pairs, type(verdicts)(pair=flagged, top=verdicts.top))
    assert moved["same_place_other_problem"]["false_duplicate_rate"] == 1.0 and moved["precision"] == 0.5
    summary = handwritten_figures(settings, handwritten, "t")
    assert summary["part"] == "t" and summary["file"] == "pairs.jsonl" and summary["category_model"] is None
