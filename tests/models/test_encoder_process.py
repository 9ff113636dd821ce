"""The encoder process computes the vectors this process would, and one that died is replaced."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from models import sentence_vectors
from models.encoder_process import EncoderProcess

TEXTS = [
    "Lampu penerangan jalan di gang dua mati sejak seminggu",
    "Saluran air tersumbat sampah, banjir tiap hujan",
    "Pohon tumbang menutup jalan",
]


@pytest.fixture
def encoder_process():
    process = EncoderProcess()
    yield process
    process.close()


@pytest.fixture
def encoding_in(encoder_process):
    """Encode in `encoder_process` for the test, with nothing memoised before or after."""
    sentence_vectors.forget()
    before = sentence_vectors.encode_in(encoder_process)
    yield encoder_process
    sentence_vectors.encode_in(before)
    sentence_vectors.forget()


def test_vectors_from_the_encoder_process_are_bit_for_bit_this_process_s(embedder_dir, encoding_in):
    elsewhere = sentence_vectors.sentence_vectors(TEXTS, str(embedder_dir))
    sentence_vectors.encode_in(None)
    sentence_vectors.forget()
    here = sentence_vectors.sentence_vectors(TEXTS, str(embedder_dir))
    assert encoding_in.submit(os.getpid).result() != os.getpid()
    np.testing.assert_array_equal(elsewhere, here)


def test_vectors_come_back_in_the_order_asked_while_the_caller_goes_on(embedder_dir, encoding_in):
    pending = [sentence_vectors.vectors_later([text], str(embedder_dir)) for text in TEXTS]
    together, pooled = sentence_vectors.vectors_later(TEXTS, str(embedder_dir)).result()
    assert pooled is None
    np.testing.assert_array_equal(np.vstack([p.result()[0] for p in pending]), together)


def test_an_encoder_process_that_died_is_replaced_and_the_texts_encoded_again(embedder_dir, encoding_in):
    first = encoding_in.submit(os.getpid).result()
    expected = sentence_vectors.sentence_vectors(TEXTS[:1], str(embedder_dir))
    sentence_vectors.forget()
    os.kill(first, signal.SIGKILL)
    vectors = sentence_vectors.sentence_vectors(TEXTS[:1], str(embedder_dir))
    np.testing.assert_array_equal(vectors, expected)
    assert encoding_in.submit(os.getpid).result() not in (first, os.getpid())


def test_the_encoder_takes_the_idle_cores_only_while_nothing_computes_beside_it(embedder_dir, encoding_in):
    import torch

    threads_before, idle_before = sentence_vectors.limit_threads(1), sentence_vectors.use_idle_cores(2)
    try:
        # The caller only waits: the encoder computes on the idle threads.
        sentence_vectors.vectors_later(TEXTS[:1], str(embedder_dir)).result()
        assert encoding_in.submit(torch.get_num_threads).result() == 2
        # Another thread of this process computes meanwhile: the encoder keeps to its own number.
        with encoding_in.computing(), sentence_vectors.computing_beside_encoder():
            sentence_vectors.vectors_later(TEXTS[1:2], str(embedder_dir)).result()
        assert encoding_in.submit(torch.get_num_threads).result() == 1
    finally:
        sentence_vectors.limit_threads(threads_before)
        sentence_vectors.use_idle_cores(idle_before)


def test_an_encoder_process_does_not_outlive_the_process_that_started_it():
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os\n"
            "from models.encoder_process import EncoderProcess\n"
            "print(EncoderProcess().submit(os.getpid).result(), flush=True)\n"
            "os._exit(0)  # killed, as a worker can be: no clean shutdown\n",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    orphan = int(started.stdout.strip())
    deadline = time.monotonic() + 30
    while _alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(orphan)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A process that exited but was not reaped yet is gone too.
    return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
