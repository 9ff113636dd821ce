"""What holds for a report alone and in a batch: the same sentence vector bit for bit, the same suggestions
and verdict, probabilities within 1e-6 (the heads' matrix products round differently with the batch's shape)."""

import threading

import numpy as np
import pytest

from models import sentence_vectors
from models.report import Report
from models.sentence_vectors import encode_unpadded, encoder
from models.triage import report_text
from training import registry

TEXTS = [
    (
        "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu, gelap sekali kalau malam.",
        "Jalan Rusak dan Berlubang",
    ),
    ("Air PDAM mati sejak pagi, tidak ada pemberitahuan", "pelayanan pdam"),
    ("Pohon besar di depan SD dahannya hampir kena kabel listrik, mohon dipangkas", None),
    ("Jalan berlubang besar di depan pasar, sudah ada motor jatuh", "PJU"),
    ("Banjir setinggi lutut di depan sekolah sejak subuh", None),
    ("Sampah menumpuk di pinggir jalan dekat RT 03 RW 05, bau sekali", "Kategori Yang Tidak Ada"),
    ("Lampu jalan di Jl. Kenari mati sejak kemarin", None),
    ("Saluran air mampet", "Saluran"),
    ("Tolong diperbaiki", None),
    ("#banjir", None),
]
PROBABILITY_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def served(served_settings):
    client = registry.configure(served_settings)
    return registry.load_champion(client, served_settings.model_name, served_settings.embedder_dir)


@pytest.fixture(scope="module")
def reports():
    return [Report(id=f"b-{i}", text=text, category=category) for i, (text, category) in enumerate(TEXTS)]


def test_a_reports_sentence_vector_is_bit_for_bit_the_same_alone_and_in_a_batch(served_settings, reports):
    model = encoder(str(served_settings.embedder_dir))
    texts = [report_text(r) for r in reports]
    alone = np.vstack([encode_unpadded(model, [t], batch_size=32) for t in texts])
    together = encode_unpadded(model, texts[::-1] + texts, batch_size=32)[len(texts) :]
    assert np.array_equal(alone, together)


def test_forward_passes_side_by_side_give_the_vectors_of_one_pass_at_a_time(served_settings, reports, monkeypatch):
    model = encoder(str(served_settings.embedder_dir))
    texts = [report_text(r) for r in reports]
    threads_before = sentence_vectors.limit_threads(1)
    try:
        one_at_a_time = encode_unpadded(model, texts, batch_size=32)
        computing = []
        forward = sentence_vectors._forward

        def recorded(model, batch, threads):
            computing.append(threading.current_thread().name)
            return forward(model, batch, threads)

        monkeypatch.setattr(sentence_vectors, "_forward", recorded)
        sentence_vectors.limit_threads(2)
        side_by_side = encode_unpadded(model, texts, batch_size=32)
    finally:
        sentence_vectors.limit_threads(threads_before)
    assert np.array_equal(one_at_a_time, side_by_side)
    # The texts have several token lengths, so several passes ran on threads of their own.
    assert len({name for name in computing if name.startswith("forward-pass")}) >= 2


def test_a_report_gets_the_same_suggestions_alone_and_in_a_batch(served, reports):
    together = served.model.predict(reports, top_k=3)
    alone = [served.model.predict([r], top_k=3)[0] for r in reports]
    for batched, single in zip(together, alone):
        for field in ("predicted", "verdict", "suggested", "citizen_category_known"):
            assert getattr(batched.category, field) == getattr(single.category, field), (batched.report_id, field)
        assert [label for label, _ in batched.category.top_k] == [label for label, _ in single.category.top_k]
        assert batched.agency.predicted == single.agency.predicted
        pairs = [(batched.category.confidence, single.category.confidence)]
        pairs += [(b, s) for (_, b), (_, s) in zip(batched.category.top_k, single.category.top_k)]
        pairs += [(b, s) for (_, b), (_, s) in zip(batched.agency.top_k, single.agency.top_k)]
        if batched.category.citizen_probability is not None:
            pairs.append((batched.category.citizen_probability, single.category.citizen_probability))
        assert max(abs(b - s) for b, s in pairs) <= PROBABILITY_TOLERANCE, batched.report_id
