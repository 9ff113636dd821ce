"""The 8-bit e5 encoder that computes the project's sentence vectors, in torch and ``tokenizers`` alone.

The converted embedder is a sentence-transformers model (`models.embedder`), and conversion and fine-tuning use it
as one. Encoding needs none of it: importing sentence-transformers imports transformers, which imports
``torch._dynamo``, ``torch.distributed.tensor`` and sympy and scans its ~400 model folders, 3 s CPU of the
service's 11 s start-up on this 2-core machine, and loading the model through it builds a float BERT whose linear
layers are replaced at once. :class:`Int8Encoder` reads the same cache folder (the tokenizer, the embeddings and
layer norms, the stored 8-bit linear layers of `models.int8_weights`) and runs the very operations of
transformers' ``BertModel`` (sdpa attention), sentence-transformers' mean ``Pooling`` and ``Normalize``, in the
same order on tensors of the same shapes and strides: its vectors are bit-for-bit those of the
sentence-transformers model with the same 8-bit layers (`tests/models/test_int8_encoder.py`).

It encodes unpadded batches only (`models.sentence_vectors` batches texts of one token length): without padding
transformers passes no attention mask to sdpa, and neither does this.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors import safe_open

from models.embedder import (
    PROMPTS,
    WEIGHTS_FILE,
    ensure_converted,
    load_embedder,
    without_text_cache,
    word_embedding_rows,
)
from models.int8_weights import quantise_embedder, read_int8_layers
from models.quantisation import Int8Linear, int8_state, stored_int8_layers

log = logging.getLogger(__name__)

_STATE_PREFIX = "0.model."
"""Where the stored 8-bit layers of `models.int8_weights` sit: the sentence-transformers model's first module."""
_NORMS = ("attention.output.LayerNorm", "output.LayerNorm")


class _Layer:
    """One encoder layer: its six 8-bit linear layers and two layer norms (weight, bias)."""

    def __init__(self, linear: dict[str, Int8Linear], norms: dict[str, tuple[torch.Tensor, torch.Tensor]]):
        self.query = linear["attention.self.query"]
        self.key = linear["attention.self.key"]
        self.value = linear["attention.self.value"]
        self.attention_output = linear["attention.output.dense"]
        self.intermediate = linear["intermediate.dense"]
        self.output = linear["output.dense"]
        self.attention_norm = norms["attention.output.LayerNorm"]
        self.output_norm = norms["output.LayerNorm"]


def _linear_shapes(config: dict) -> dict[str, tuple[int, int]]:
    """(in, out) features of each linear layer of one encoder layer."""
    width, inner = config["hidden_size"], config["intermediate_size"]
    shapes = {f"attention.self.{name}": (width, width) for name in ("query", "key", "value")}
    return shapes | {
        "attention.output.dense": (width, width),
        "intermediate.dense": (width, inner),
        "output.dense": (inner, width),
    }


class Int8Encoder:
    """e5 with 8-bit linear layers: ``preprocess`` texts, call on an unpadded batch for ``token_embeddings`` and
    the unit-length mean-pooled ``sentence_embedding`` (the interface `models.sentence_vectors` uses of a
    sentence-transformers model)."""

    def __init__(self, model_dir: Path, state: dict[str, torch.Tensor], max_seq_length: int):
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        if config["hidden_act"] != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{model_dir}: not an e5 BERT this encoder runs ({config['hidden_act']} activation)")
        self.prompts = dict(PROMPTS)
        self._width = config["hidden_size"]
        self._head_size = self._width // config["num_attention_heads"]
        self._scaling = self._head_size**-0.5  # as transformers' BertSelfAttention
        self._eps = config["layer_norm_eps"]
        self._pad_id = config["pad_token_id"]

        stored = stored_int8_layers(state, _STATE_PREFIX)
        shapes = _linear_shapes(config)
        linear = [
            {name: stored.get(f"encoder.layer.{i}.{name}") for name in shapes}
            for i in range(config["num_hidden_layers"])
        ]
        found = [
            {name: (layer.in_features, layer.out_features) for name, layer in layers.items() if layer is not None}
            for layers in linear
        ]
        if found != [shapes] * len(linear):
            raise ValueError("the stored 8-bit layers are not this embedder's linear layers")
        # The small tensors are copied, so no mapping of the whole float weights file outlives the loading.
        with safe_open(model_dir / WEIGHTS_FILE, framework="pt") as weights:

            def tensor(name: str) -> torch.Tensor:
                return weights.get_tensor(name).clone()

            def norm(name: str) -> tuple[torch.Tensor, torch.Tensor]:
                return tensor(f"{name}.weight"), tensor(f"{name}.bias")

            self._position = tensor("embeddings.position_embeddings.weight")
            self._token_type = tensor("embeddings.token_type_embeddings.weight")
            self._embedding_norm = norm("embeddings.LayerNorm")
            self._layers = [
                _Layer(layers, {name: norm(f"encoder.layer.{i}.{name}") for name in _NORMS})
                for i, layers in enumerate(linear)
            ]
        # Read row by row: a lookup in the mapped matrix keeps the 64 KB around each row resident.
        self._word_rows = word_embedding_rows(model_dir)

        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # As the converted PreTrainedTokenizerFast (split_special_tokens): "</s>" typed in a report is text.
        tokenizer.encode_special_tokens = True
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_seq_length)  # as the tokenizer's call with truncation="longest_first"
        without_text_cache(tokenizer)
        self.tokenizer = tokenizer
        """The ``tokenizers.Tokenizer`` (the sentence-transformers model's ``tokenizer.backend_tokenizer``)."""

    @classmethod
    def load(cls, model_dir: Path, max_seq_length: int, scheme: str) -> Int8Encoder:
        """The encoder of the embedder in `model_dir` (converted first if needed) with its stored 8-bit layers of
        `scheme`; where none fit, the sentence-transformers model is quantised once and stores them for the next
        process (`models.int8_weights.quantise_embedder`)."""
        model_dir = Path(model_dir)
        ensure_converted(model_dir)
        if (state := read_int8_layers(model_dir, scheme)) is not None:
            try:
                return cls(model_dir, state, max_seq_length)
            except ValueError as error:
                log.warning(
                    "stored 8-bit layers in %s do not fit the embedder (%s): quantising again", model_dir, error
                )
        model = quantise_embedder(load_embedder(model_dir), model_dir, scheme)
        # Copies: the quantised layers' biases may be views into the loader's mapping of the float weights.
        return cls(model_dir, {name: tensor.clone() for name, tensor in int8_state(model).items()}, max_seq_length)

    @property
    def max_seq_length(self) -> int:
        """Tokens read of each text, <s> and </s> included."""
        return self.tokenizer.truncation["max_length"]

    def get_embedding_dimension(self) -> int:
        return self._width

    def preprocess(self, texts: list[str]) -> dict:
        """Token ids of `texts` truncated to `max_seq_length` (with <s> and </s>), right-padded to the longest."""
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=True)
        longest = max((len(encoding.ids) for encoding in encodings), default=0)
        input_ids = torch.full((len(texts), longest), self._pad_id, dtype=torch.long)
        attention_mask = torch.zeros((len(texts), longest), dtype=torch.long)
        for row, encoding in enumerate(encodings):
            input_ids[row, : len(encoding.ids)] = torch.tensor(encoding.ids, dtype=torch.long)
            attention_mask[row, : len(encoding.ids)] = 1
        return {"input_ids": input_ids, "attention_mask": attention_mask, "modality": "text"}

    def __call__(self, features: dict) -> dict:
        return self.forward(features)

    def forward(self, features: dict) -> dict:
        """`features` with ``token_embeddings`` (the final token states) and ``sentence_embedding`` added."""
        input_ids, attention_mask = features["input_ids"], features["attention_mask"]
        if not bool(attention_mask.all()):
            raise ValueError("Int8Encoder encodes unpadded batches only (texts of one token length)")
        token_embeddings = self._encode(input_ids)
        # sentence-transformers' Pooling (mean over every token, <s> and </s> included) and Normalize
        mask = attention_mask.unsqueeze(-1).to(token_embeddings.dtype)
        summed = (token_embeddings * mask).sum(dim=1, dtype=token_embeddings.dtype)
        counts = torch.clamp(mask.sum(dim=1, dtype=token_embeddings.dtype), min=1e-9)
        sentence_embedding = F.normalize(summed / counts, p=2, dim=-1)
        return {**features, "token_embeddings": token_embeddings, "sentence_embedding": sentence_embedding}

    def _encode(self, input_ids: torch.Tensor) -> torch.Tensor:
        # transformers' BertEmbeddings: word + token type 0 + position, each (batch, length, width), then the norm
        batch, length = input_ids.shape
        positions = torch.arange(length).expand(1, -1)
        token_types = torch.zeros((batch, length), dtype=torch.long)
        hidden = self._word_rows(input_ids) + F.embedding(token_types, self._token_type)
        hidden = hidden + F.embedding(positions, self._position)
        hidden = self._layer_norm(hidden, self._embedding_norm)
        for layer in self._layers:
            hidden = self._layer(layer, hidden)
        return hidden

    def _layer(self, layer: _Layer, hidden: torch.Tensor) -> torch.Tensor:
        # transformers' BertLayer with sdpa attention and no mask (eval: dropout is the identity)
        shape = hidden.shape[:-1]
        heads = (*shape, -1, self._head_size)
        query = layer.query(hidden).view(*heads).transpose(1, 2)
        key = layer.key(hidden).view(*heads).transpose(1, 2)
        value = layer.value(hidden).view(*heads).transpose(1, 2)
        attended = F.scaled_dot_product_attention(
            query, key, value, attn_mask=None, dropout_p=0.0, scale=self._scaling, is_causal=False
        )
        attended = attended.reshape(attended.shape[0], -1, query.shape[2], value.shape[-1]).transpose(1, 2).contiguous()
        attended = attended.reshape(*shape, -1).contiguous()
        hidden = self._layer_norm(layer.attention_output(attended) + hidden, layer.attention_norm)
        intermediate = F.gelu(layer.intermediate(hidden))
        return self._layer_norm(layer.output(intermediate) + hidden, layer.output_norm)

    def _layer_norm(self, hidden: torch.Tensor, norm: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return F.layer_norm(hidden, (self._width,), norm[0], norm[1], self._eps)
