"""The duplicate index: resubmissions always found, place and time outweigh wording, groups, persistence.

Texts here are made up. The real-data test prints ids and scores only, never report texts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from models.duplicates import (
    FEATURES,
    DuplicateEntry,
    DuplicateIndex,
    DuplicateScorer,
    IndexIntegrityError,
    duplicate_text,
    embed,
    lexical_similarity,
    minhash,
    text_hash,
)
from models.duplicates.text import number_words, word_hashes
from service.config import ServiceSettings

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
KETINTANG = (-7.3106, 112.7256)


def random_vector(seed: int) -> np.ndarray:
    vector = np.random.default_rng([seed, 384]).standard_normal(384).astype(np.float32)
    return vector / np.linalg.norm(vector)


def entry(report_id, text, vector, hours=0.0, **place) -> DuplicateEntry:
    return DuplicateEntry.from_report(report_id, text, vector, T0 + timedelta(hours=hours), **place)


def filler(count: int, seed: int = 0) -> list[DuplicateEntry]:
    """Unrelated reports with random vectors (seeds from 10**6 up), one per hour before T0, in ten kelurahan."""
    return [
        entry(
            f"f{i}",
            f"laporan lain nomor {i} tentang hal {i * 7}",
            random_vector(10**6 + seed * 10_000 + i),
            -count + i,
            kelurahan=f"Kelurahan {i % 10}",
        )
        for i in range(count)
    ]


def embedded(embedder_dir, report_id, text, hours=0.0, **place) -> DuplicateEntry:
    return entry(report_id, text, embed([duplicate_text(None, text)], embedder_dir)[0], hours, **place)


# ------------------------------------------------------------------ fingerprints


def test_exact_hash_ignores_case_punctuation_and_spacing_only():
    assert text_hash("Lampu PJU  mati, mohon diperbaiki!") == text_hash("lampu pju mati mohon diperbaiki")


def test_word_hashes_mark_exactly_the_words_with_a_digit():
    hashes = word_hashes("Paving Gg. 5 RT03 rusak, no 12A")
    words = hashes[hashes > 0]
    assert len(words) == 7  # paving gg 5 rt03 rusak no 12a
    assert number_words(words).tolist() == [False, False, True, True, False, False, True]
    assert word_hashes("RT03")[0] != word_hashes("rt 03")[0] and word_hashes("RT03")[0] == word_hashes("rt03")[0]
    assert text_hash("lampu pju mati") != text_hash("lampu pju menyala")


def test_minhash_estimates_shingle_overlap():
    a = minhash("pohon tumbang menutup jalan di depan sekolah dasar ketintang")
    b = minhash("pohon tumbang menutup jalan di depan sekolah dasar ketintang baru")
    c = minhash("air pdam mati sejak kemarin di perumahan rungkut")
    assert lexical_similarity(a, b[None])[0] > 0.8
    assert lexical_similarity(a, c[None])[0] < 0.2


# ------------------------------------------------------------------ resubmissions


def test_exact_resubmission_is_found_even_when_its_vector_is_not_near():
    """The hash path finds it: its vector is random and 300 fillers crowd a one-vector candidate pool."""
    index = DuplicateIndex(candidate_pool=1)
    text = "Saluran air di Jl. Ketintang Baru tersumbat sampah, air meluap ke rumah warga"
    index.add(filler(300))
    index.add([entry("first", text, random_vector(1), -0.5, kelurahan="Ketintang")])
    query = entry("again", text.upper() + "!!", random_vector(2), kelurahan="Kelurahan Lain")
    found = index.search(query, k=3)
    assert found[0].id == "first"
    assert found[0].exact and found[0].near_exact
    assert found[0].text_similarity < 0.3  # the vector path could not have found it


def test_an_identical_text_is_a_likely_duplicate_whatever_the_scorer_says_unless_it_is_a_few_words():
    index = DuplicateIndex(scorer=DuplicateScorer(intercept=-100.0))  # a scorer that flags nothing
    long_text = "Saluran air di Jl. Ketintang Baru tersumbat sampah, air meluap ke rumah warga"
    index.add([entry("long", long_text, random_vector(1), -30), entry("short", "PJU padam", random_vector(2), -30)])
    index.add([entry("reworded", "Saluran Jl. Ketintang Baru tersumbat, air meluap", random_vector(1), -1)])
    [again] = index.search(entry("again", long_text, random_vector(3)), k=1)
    assert again.id == "long" and again.exact and again.score == 1.0 and again.likely_duplicate
    short = {c.id: c for c in index.search(entry("short-again", "pju padam", random_vector(4)), k=3)}["short"]
    assert short.exact and short.score < 0.01 and not short.likely_duplicate


def test_numbers_that_differ_count_against_a_duplicate():
    """A sender's template for another alley: same words, other numbers. The numbers are common words here
    (the fillers hold them), so rare-word overlap cannot tell the two candidates apart."""
    index = DuplicateIndex()
    index.add([entry(f"n{i}", "paving gang 5 7 rt 3 4 rusak", random_vector(50 + i), -100 - i) for i in range(30)])
    vector = random_vector(3)
    index.add(
        [
            entry("alley-5", "Mohon paving gang 5 RT 3 rusak", vector, -1, kelurahan="Ketintang"),
            entry("alley-7", "Mohon paving gang 7 RT 4 rusak", vector, -1, kelurahan="Ketintang"),
            entry("no-number", "Mohon paving gang kami rusak", vector, -1, kelurahan="Ketintang"),
        ]
    )
    query = entry("new", "Paving gang 5 RT 3 sudah rusak, mohon diperbaiki", vector, kelurahan="Ketintang")
    agreement = {c: index.pair_features(query, c)[FEATURES.index("number_agreement")] for c in ("alley-5", "alley-7")}
    assert agreement == {"alley-5": 1.0, "alley-7": -1.0}
    assert index.pair_features(query, "no-number")[FEATURES.index("number_agreement")] == 0.0  # unknown
    by_id = {c.id: c for c in index.search(query, k=10)}
    assert by_id["alley-5"].rare_word_overlap == by_id["alley-7"].rare_word_overlap
    assert by_id["alley-5"].score > by_id["alley-7"].score


def test_near_exact_resubmission_is_found_by_its_shingles():
    index = DuplicateIndex(candidate_pool=1)
    index.add(filler(300))
    index.add(
        [entry("first", "Lampu PJU di gang 5 Jl. Kertajaya mati sudah seminggu mohon diperbaiki", random_vector(1))]
    )
    query = entry(
        "again", "Lampu PJU di gang 5 Jl. Kertajaya mati sudah seminggu, mohon segera diperbaiki", random_vector(2)
    )
    found = index.search(query, k=3)
    assert found[0].id == "first"
    assert found[0].near_exact and not found[0].exact


def test_reworded_report_at_the_same_place_ranks_above_the_same_words_elsewhere(embedder_dir):
    index = DuplicateIndex()
    index.add(
        [
            embedded(
                embedder_dir,
                "elsewhere",
                "Pohon tumbang menutup jalan, mohon segera dibersihkan",
                -20,
                kelurahan="Rungkut Kidul",
            ),
            embedded(
                embedder_dir,
                "here",
                "Ada pohon besar roboh di depan SD, kendaraan tidak bisa lewat",
                -1,
                kelurahan="Ketintang",
                lat=KETINTANG[0] + 0.0003,
                lon=KETINTANG[1],
            ),
        ]
    )
    query = embedded(
        embedder_dir,
        "new",
        "Pohon tumbang menutup jalan depan sekolah, mohon dibersihkan",
        0,
        kelurahan="Ketintang",
        lat=KETINTANG[0],
        lon=KETINTANG[1],
    )
    by_id = {c.id: c for c in index.search(query, k=5)}
    assert by_id["elsewhere"].text_similarity > by_id["here"].text_similarity  # text alone gets it wrong
    assert by_id["here"].score > by_id["elsewhere"].score
    assert by_id["here"].same_kelurahan and by_id["elsewhere"].same_kelurahan is False
    assert by_id["here"].distance_m == pytest.approx(33, abs=3)


def test_same_place_report_surfaces_even_when_the_vector_pool_misses_it():
    """A reworded report with weak text similarity is found through the same-kelurahan path."""
    index = DuplicateIndex(candidate_pool=5)
    query_vector = random_vector(7)
    crowd = [
        entry(f"c{i}", f"laporan {i}", query_vector + 0.05 * random_vector(100 + i), -30 - i, kelurahan="Jauh")
        for i in range(50)
    ]
    index.add(crowd)
    index.add(
        [
            entry(
                "same-place",
                "banjir di gang kami",
                0.7 * query_vector + 0.7 * random_vector(8),
                -2,
                kelurahan="Ketintang",
            )
        ]
    )
    query = entry("new", "air setinggi lutut di gang", query_vector, kelurahan="Ketintang")
    assert "same-place" in [c.id for c in index.search(query, k=60)]


# ------------------------------------------------------------------ window and radius


def test_window_and_radius_follow_the_query_category():
    index = DuplicateIndex(
        window_days=365, category_window_days={"Banjir": 2}, radius_m=1000, category_radius_m={"Banjir": 300}
    )
    vector = random_vector(3)
    lat, lon = KETINTANG
    index.add(
        [
            entry("three-days-ago", "genangan air di jalan", vector, -72, lat=lat, lon=lon),
            entry("600m-away", "genangan air di jalan", vector, -1, lat=lat + 600 / 111_195, lon=lon),
            entry("2km-away", "genangan air di jalan", vector, -1, lat=lat + 2000 / 111_195, lon=lon),
        ]
    )

    def found(category):
        query = entry("q", "genangan air di jalan raya", vector, 0, lat=lat, lon=lon, category=category)
        return {c.id for c in index.search(query, k=10)}

    assert found("Banjir") == set()
    assert found("Jalan Rusak") == {"three-days-ago", "600m-away"}
    assert index.window_hours("Banjir") == 48 and index.radius_for("Jalan Rusak") == 1000


def test_report_without_a_point_is_not_held_to_the_radius():
    index = DuplicateIndex(radius_m=250)
    vector = random_vector(4)
    index.add([entry("no-point", "sampah menumpuk", vector, -3, kelurahan="Ketintang")])
    query = entry("q", "sampah menumpuk", vector, lat=KETINTANG[0], lon=KETINTANG[1], kelurahan="Ketintang")
    [candidate] = index.search(query)
    assert candidate.id == "no-point" and candidate.distance_m is None and candidate.same_kelurahan


# ------------------------------------------------------------------ groups


def test_groups_merge_transitively_and_split_when_a_link_is_taken_back():
    index = DuplicateIndex()
    index.add([entry(name, f"laporan {name}", random_vector(i)) for i, name in enumerate("abcde")])
    index.link("a", "b")
    index.link("c", "d")
    index.link("b", "c")
    assert index.cluster_of("a") == ["a", "b", "c", "d"]
    assert index.cluster_of("d") == index.cluster_of("a")
    assert index.cluster_of("e") == ["e"]
    assert index.unlink("b", "c")
    assert index.cluster_of("a") == ["a", "b"] and index.cluster_of("d") == ["c", "d"]


def test_ingest_links_a_resubmission_into_the_group_of_its_original():
    index = DuplicateIndex()
    text = "Lampu PJU di depan masjid Al Falah mati total sejak tiga hari lalu mohon diperbaiki"
    index.ingest(entry("first", text, random_vector(5), -3, kelurahan="Ketintang"))
    index.ingest(entry("second", text, random_vector(5), -2, kelurahan="Ketintang"))
    found = index.ingest(entry("third", text + " segera", random_vector(5), -1, kelurahan="Ketintang"))
    assert found[0].likely_duplicate
    assert index.cluster_of("first") == ["first", "second", "third"]


def test_removed_reports_are_no_longer_candidates_nor_grouped():
    index = DuplicateIndex()
    index.add(
        [entry("a", "jalan berlubang besar", random_vector(6)), entry("b", "jalan berlubang besar", random_vector(6))]
    )
    index.link("a", "b")
    assert index.remove(["a"]) == 1
    assert len(index) == 1 and "a" not in index
    assert [c.id for c in index.search(entry("q", "jalan berlubang besar", random_vector(6)))] == ["b"]
    assert index.cluster_of("b") == ["b"]


def test_reports_older_than_every_window_are_evicted_and_the_rest_answer_as_before():
    index = DuplicateIndex(window_days=10, category_window_days={"Banjir": 30}, ann_min_size=200, nprobe=4)
    kept = [entry("a", "pohon tumbang di taman bungkul", random_vector(7)), entry("b", "x", random_vector(8), 1)]
    index.add([*filler(1200, seed=2), *kept])
    index.link("a", "b")
    query = entry("q", "pohon tumbang di taman bungkul", random_vector(7), 2)
    before, size = index.search(query), index.nbytes
    assert index.longest_window_hours == 30 * 24
    # Filler i was filed 1200 - i hours before T0: those older than 100 hours leave, the newest 100 stay.
    assert index.evict_before(T0 - timedelta(hours=100)) == 1100
    assert len(index) == 102 and "f0" not in index and "f1100" in index and "f1099" not in index
    fixed = DuplicateIndex().nbytes  # the word counters, whatever the size
    assert index.nbytes - fixed < (size - fixed) / 4  # compacted: the rows are gone, not only hidden
    after = index.search(query)
    assert after[0].id == "a" and after[0] == before[0]  # the same evidence and score (fillers tie at 0)
    assert index.cluster_of("b") == ["a", "b"]
    index.add([entry("late", "laporan baru", random_vector(9), 3)])  # still growable after compacting
    assert "late" in index and index.search(entry("q2", "laporan baru", random_vector(9), 4))[0].id == "late"


def test_a_masked_report_is_fingerprinted_again_in_place_and_nothing_of_its_old_text_stays(tmp_path):
    """A reviewer masked words of an indexed report: its row answers as a fresh index of the masked text would,
    keeps its links, and the old words survive neither in the counts nor in the vector lists or saved files."""
    original = "pohon tumbang di depan rumah Kencanawangi blok C17 menutup jalan"
    masked = "pohon tumbang di depan rumah [ALAMAT] menutup jalan"
    rest = filler(300, seed=3)
    replaced = DuplicateIndex(ann_min_size=200, nprobe=64)  # large enough to train the faiss index
    replaced.add([*rest, entry("a", original, random_vector(11)), entry("b", "x", random_vector(12), 1)])
    replaced.link("a", "b")
    resent = entry("q", original, random_vector(11), 2)  # the unmasked text again, as its first vector
    assert replaced.search(resent)[0].id == "a" and replaced.search(resent)[0].exact
    replaced.replace([entry("a", masked, random_vector(13))])
    fresh = DuplicateIndex(ann_min_size=200, nprobe=64)
    fresh.add([*rest, entry("a", masked, random_vector(13)), entry("b", "x", random_vector(12), 1)])

    def scored(index, query):  # the fillers' ties at 0 may come in another order through another IVF training
        return [c for c in index.search(query, k=400) if c.score > 0 or c.id == "a"]

    found = {c.id: c for c in replaced.search(resent, k=400)}
    assert "a" not in found or not (found["a"].exact or found["a"].near_exact)
    assert scored(replaced, resent) == scored(fresh, resent)
    assert replaced.search(entry("q2", masked, random_vector(13), 2), k=3)[0].id == "a"
    assert np.array_equal(replaced._word_counts, fresh._word_counts)
    assert replaced._store._ann.ntotal == 302
    assert replaced.cluster_of("b") == ["a", "b"]
    loaded = DuplicateIndex.load(replaced.save(tmp_path / "duplicates"))
    old_words = set(word_hashes(duplicate_text(None, original)).tolist()) - set(
        word_hashes(duplicate_text(None, masked)).tolist()
    )
    assert old_words and not old_words & set(np.load(tmp_path / "duplicates" / "words.npy").ravel().tolist())
    assert scored(loaded, resent) == scored(fresh, resent)
    with pytest.raises(ValueError, match="not indexed"):
        replaced.replace([entry("nowhere", masked, random_vector(14))])


# ------------------------------------------------------------------ persistence


def test_save_and_load_give_the_same_answers_and_groups(tmp_path):
    index = DuplicateIndex(ann_min_size=200, nprobe=4)  # large enough to train the faiss index
    entries = filler(400, seed=1)
    index.add(entries)
    index.link("f1", "f2")
    assert index._store.ann_size == 400
    queries = [
        entry(f"q{i}", f"laporan lain nomor {i}", entries[i].vector, 1, kelurahan="Kelurahan 3")
        for i in range(0, 400, 40)
    ]
    saved = index.save(tmp_path / "duplicates")
    loaded = DuplicateIndex.load(saved)
    assert len(loaded) == len(index) and loaded.get_params() == index.get_params()
    assert [loaded.search(q) for q in queries] == [index.search(q) for q in queries]
    assert loaded.cluster_of("f2") == ["f1", "f2"]
    loaded.add([entry("late", "laporan baru", random_vector(9), 2)])  # still growable after loading
    assert "late" in loaded and loaded._store.ann_size == 401


def test_load_refuses_an_altered_index(tmp_path):
    index = DuplicateIndex()
    index.add(filler(20))
    saved = index.save(tmp_path / "duplicates")
    times = np.load(saved / "times.npy")
    np.save(saved / "times.npy", times + 3600)
    with pytest.raises(IndexIntegrityError):
        DuplicateIndex.load(saved)


def test_vectors_of_the_wrong_size_or_repeated_ids_are_refused():
    index = DuplicateIndex()
    with pytest.raises(ValueError, match="dimensions"):
        index.add([entry("a", "x", np.ones(10, dtype=np.float32))])
    index.add([entry("a", "x", random_vector(0))])
    with pytest.raises(ValueError, match="already indexed"):
        index.add([entry("a", "x", random_vector(0))])


# ------------------------------------------------------------------ real data


@pytest.mark.real_data
def test_a_surabaya_resubmission_is_found(surabaya_available, embedder_dir):
    from training.datasets import load_dataset
    from training.duplicates import exact_resubmissions

    settings = ServiceSettings()
    frame = load_dataset("surabaya_mediacenter", settings).sort_values("created_at", kind="stable")
    copies = exact_resubmissions("surabaya_mediacenter", settings)
    position_of = {rid: i for i, rid in enumerate(frame["id"])}
    query_id = next(q for q in copies if position_of[q] - max(position_of[c] for c in copies[q]) <= 100)
    position = position_of[query_id]
    window = frame.iloc[max(0, position - 150) : position + 1]  # the 150 reports filed before it, and itself
    texts = [duplicate_text(None, t) for t in window["text"]]
    vectors = embed(texts, embedder_dir)
    entries = [
        DuplicateEntry.from_report(rid, text, vector, created.to_pydatetime(), kelurahan=kel)
        for rid, text, vector, created, kel in zip(
            window["id"], texts, vectors, window["created_at"], window["kelurahan"]
        )
    ]
    index = DuplicateIndex()
    index.add(entries[:-1])
    found = index.search(entries[-1], k=5)
    assert found and found[0].id in copies[query_id], f"{query_id}: top {[(c.id, c.score) for c in found]}"
    assert found[0].exact and found[0].likely_duplicate


# ------------------------------------------------------------------ scorer and evaluation


def test_scorer_fit_follows_the_evidence_and_survives_json():
    from models.duplicates import FEATURES, DuplicateScorer

    rng = np.random.default_rng(0)
    X = rng.random((400, len(FEATURES)))
    y = (X[:, FEATURES.index("text_similarity")] + X[:, FEATURES.index("proximity")] > 1.0).astype(int)
    scorer = DuplicateScorer().fit(X, y)
    coefficients = scorer.to_dict()["coefficients"]
    assert coefficients["text_similarity"] > 1 and coefficients["proximity"] > 1
    restored = DuplicateScorer.from_dict(scorer.to_dict())
    np.testing.assert_allclose(restored.probability(X), scorer.probability(X))


def test_threshold_is_the_lowest_score_reaching_the_precision():
    from training.duplicates import threshold_for_precision

    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    labels = np.array([1, 1, 1, 0, 1, 0], dtype=bool)
    assert threshold_for_precision(scores, labels, 0.8) == 0.5  # 4 of 5 at or above 0.5
    assert threshold_for_precision(scores, labels, 1.0) == 0.7
    assert threshold_for_precision(scores, np.zeros(6, dtype=bool), 0.9) == 1.0


def test_threshold_with_a_margin_stops_where_the_precision_is_sure_to_reach_the_target():
    from training.duplicates import threshold_for_precision, threshold_for_precision_bound

    scores = np.linspace(1.0, 0.01, 100)
    labels = np.ones(100, dtype=bool)
    labels[50::5] = False  # precision 1.0 down to the 50th pair, then it sinks to 0.9 at the last
    queries = np.arange(100)
    assert threshold_for_precision(scores, labels, 0.9) == pytest.approx(0.01)
    bound = threshold_for_precision_bound(scores, labels, queries, 0.9)
    assert 0.01 < bound <= scores[49]  # the clean top half is sure; the sagging tail is not
    one_query = np.zeros(100)  # a single group: every resample is the sample itself, no margin is needed
    assert threshold_for_precision_bound(scores, labels, one_query, 0.9) == pytest.approx(0.01)
    assert threshold_for_precision_bound(scores, np.zeros(100, dtype=bool), queries, 0.9) == 1.0


def test_evaluation_says_clearly_when_the_gold_pairs_are_absent(settings, tmp_path):
    from training.duplicates import DuplicatesUnavailableError
    from training.evaluate_duplicates import evaluate_duplicates

    with pytest.raises(DuplicatesUnavailableError, match="no annotated duplicate pairs"):
        evaluate_duplicates(settings.model_copy(update={"assets_dir": tmp_path}))
