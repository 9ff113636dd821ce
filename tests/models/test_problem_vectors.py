"""The learned problem vectors: what the pooling learns, how the index uses them, and the real encoder's pass.

Token states in the unit tests are synthetic: a few "problem" directions and a place direction shared by both
reports of a pair, so what the pooling must learn (look at the problem tokens, not the place) is known.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_duplicates_problem import GANG, LIGHT, entry, metres_north, vector

from models.duplicates import DuplicateIndex
from models.duplicates.problem_vectors import ProblemPooling, similarity
from models.sentence_vectors import pooled_vectors, sentence_vectors, token_states

WIDTH = 16


def report_states(rng, problem: int, place: np.ndarray, tokens: int = 6) -> np.ndarray:
    """Token states of a made-up report: two tokens name its problem (one of the first eight directions), the rest
    its place (the pair's shared direction among the last eight), all with noise."""
    states = 0.3 * rng.standard_normal((tokens, WIDTH)).astype(np.float32)
    states[:2, problem] += 3.0
    states[2:] += place
    return states


def pairs(seed: int, count: int):
    rng = np.random.default_rng(seed)
    earlier, later, same = [], [], []
    for i in range(count):
        place = np.zeros(WIDTH, dtype=np.float32)
        place[8:] = 3.0 * rng.standard_normal(8)
        first = int(rng.integers(8))
        second = first if i % 2 == 0 else (first + 1 + int(rng.integers(7))) % 8
        earlier.append(report_states(rng, first, place))
        later.append(report_states(rng, second, place, tokens=4 + i % 5))
        same.append(first == second)
    return earlier, later, np.array(same)


@pytest.fixture(scope="module")
def fitted() -> ProblemPooling:
    earlier, later, same = pairs(0, 200)
    return ProblemPooling(dim=8, epochs=30).fit(earlier, later, same)


def test_the_pooling_learns_to_read_the_problem_not_the_shared_place(fitted):
    earlier, later, same = pairs(1, 100)  # pairs it never saw
    learned = similarity(fitted.transform(earlier), fitted.transform(later))
    assert learned[same].mean() - learned[~same].mean() > 0.5
    assert np.mean(learned[~same] < np.quantile(learned[same], 0.05)) > 0.9

    # The mean of the token states (what a sentence vector is) rates every pair at one place as close.
    def mean(states):
        vectors = np.stack([s.mean(axis=0) for s in states])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    whole = similarity(mean(earlier), mean(later))
    assert whole[~same].mean() > 0.8


def test_padding_changes_nothing_and_vectors_are_unit_length(fitted):
    earlier, later, _ = pairs(2, 6)
    batch = fitted.transform(later)  # padded to the longest
    alone = np.vstack([fitted.transform([states]) for states in later])
    assert np.allclose(batch, alone, atol=1e-6)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    assert fitted.transform([]).shape == (0, fitted.output_dim)


def test_fit_is_reproducible_and_the_digest_names_the_weights(fitted):
    earlier, later, same = pairs(0, 200)
    again = ProblemPooling(dim=8, epochs=30).fit(earlier, later, same)
    assert again.digest == fitted.digest
    other = ProblemPooling(dim=8, epochs=30, random_state=1).fit(earlier, later, same)
    assert other.digest != fitted.digest


def test_fit_refuses_pairs_it_cannot_learn_from():
    earlier, later, same = pairs(3, 10)
    with pytest.raises(ValueError, match="as many"):
        ProblemPooling().fit(earlier, later[:-1], same)
    with pytest.raises(ValueError, match="same problem and pairs of different"):
        ProblemPooling().fit(earlier, later, np.ones(len(earlier), dtype=bool))


def problem_vector(seed: int, like: np.ndarray | None = None) -> np.ndarray:
    rng = np.random.default_rng([seed, 32])
    v = rng.standard_normal(32) if like is None else like + 0.05 * rng.standard_normal(32)
    return (v / np.linalg.norm(v)).astype(np.float32)


LAMP_TEXT = "Lampu PJU di Gg. Mawar 3 RT 05 depan Masjid Al Ikhlas mati, gelap"
NEW_LAMP_TEXT = "Minta lampu PJU di Gg. Mawar 3 RT 05 depan Masjid Al Ikhlas ditambah satu, masih gelap"


def lamp_index(threshold: float) -> DuplicateIndex:
    index = DuplicateIndex(problem_dim=32, problem_vector_threshold=threshold)
    index.add(
        [
            entry(
                "dead",
                LAMP_TEXT,
                vector(40),
                -600,  # ten hours before: no resubmission
                category_probabilities=LIGHT,
                problem_vector=problem_vector(41),
                problem_pooling="p1",
            )
        ]
    )
    return index


def request(pooling: str = "p1", problem=None):
    return entry(
        "request",
        NEW_LAMP_TEXT,
        vector(42, vector(40), 0.01),
        0,
        metres_north(GANG, 15),
        category_probabilities=LIGHT,
        problem_vector=problem_vector(43) if problem is None else problem,
        problem_pooling=pooling,
    )


def test_problem_vectors_far_apart_make_one_place_two_problems_whatever_the_words_say():
    """A dead light and a request for a new one in the same alley: the words name one kind (lampu), the learned
    vectors read two jobs."""
    [found] = lamp_index(threshold=0.5).search(request(), k=1)
    assert found.same_place is True and found.same_problem is False and not found.likely_duplicate
    assert found.problem_vector_similarity < 0.5
    # Near misses: vectors of one problem stay a likely duplicate; without the veto the words decide alone.
    [close] = lamp_index(threshold=0.5).search(request(problem=problem_vector(44, problem_vector(41))), k=1)
    assert close.problem_vector_similarity > 0.5 and close.same_problem is True and close.likely_duplicate
    [words_only] = lamp_index(threshold=-1.0).search(request(), k=1)
    assert words_only.same_problem is True and words_only.likely_duplicate


def test_vectors_of_another_pooling_are_never_compared(tmp_path):
    index = lamp_index(threshold=0.5)
    [other] = index.search(request(pooling="p2"), k=1)
    assert other.problem_vector_similarity is None and other.likely_duplicate
    # A report pooled by a new bundle's pooling replaces the old one's vectors: no evidence rather than wrong.
    index.add([request(pooling="p2")])
    assert index.problem_pooling == "p2" and not index._problem_vectors[0].any()
    loaded = DuplicateIndex.load(index.save(tmp_path / "index"))
    assert loaded.problem_pooling == "p2" and np.array_equal(loaded._problem_vectors[:2], index._problem_vectors[:2])


def test_the_encoder_gives_sentence_and_problem_vectors_from_one_pass(embedder_dir, fitted_on_states):
    texts = [LAMP_TEXT, NEW_LAMP_TEXT, "Saluran air mampet di depan masjid"]
    pooling = fitted_on_states
    vectors, problems = pooled_vectors(texts, str(embedder_dir), pooling)
    assert np.array_equal(vectors, sentence_vectors(texts, str(embedder_dir)))
    states = token_states(texts, str(embedder_dir))
    assert np.allclose(problems, pooling.transform(states), atol=1e-5)
    # The sentence vector is the mean of the same token states.
    means = np.stack([s.mean(axis=0) for s in states])
    assert np.allclose(vectors, means / np.linalg.norm(means, axis=1, keepdims=True), atol=1e-5)


@pytest.fixture(scope="module")
def fitted_on_states(embedder_dir) -> ProblemPooling:
    texts = ["lampu jalan mati", "lampu jalan padam", "saluran mampet", "minta lampu baru"]
    states = token_states(texts, str(embedder_dir))
    return ProblemPooling(dim=8, epochs=5).fit([states[0], states[0]], [states[1], states[2]], [True, False])


def test_a_flood_is_one_event_whatever_the_vectors_say():
    """A flood report and a later status update of the same flood 40 m away: the pooling, fitted on problems of a
    spot, may read them apart, but a flood's status and cause at the spot are one handling."""
    index = DuplicateIndex(problem_dim=32, problem_vector_threshold=0.5)
    flood = {"Banjir": 0.9, "Saluran Air": 0.1}
    index.add(
        [
            entry(
                "flood",
                "Banjir setinggi lutut di Gg. Mawar 3 RT 05, motor mogok",
                vector(50),
                -240,
                category_probabilities=flood,
                problem_vector=problem_vector(51),
                problem_pooling="p1",
            )
        ]
    )
    update = entry(
        "update",
        "Gg. Mawar 3 RT 05 masih banjir, air belum surut juga dari pagi",
        vector(52, vector(50), 0.01),
        0,
        metres_north(GANG, 40),
        category_probabilities=flood,
        problem_vector=problem_vector(53),
        problem_pooling="p1",
    )
    [found] = index.search(update, k=1)
    assert found.problem_vector_similarity < 0.5 and found.same_problem is True and found.likely_duplicate
