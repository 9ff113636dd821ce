"""The e5 encoder in float, in PyTorch's dynamic 8-bit and in the project's per-token 8-bit: speed, agreement with
float, and whether a text's vector depends on the texts encoded with it.

Run: .venv/bin/python benchmarks/encoder_speed.py [--texts 256]
Texts are real Surabaya reports when present, else demo ones (first 128 tokens, e5's "query:" prompt). Prints
figures only, never texts.
"""

import argparse
import copy
import time
import warnings

import numpy as np
import torch

from models import sentence_vectors
from models.embedder import load_embedder
from models.quantisation import quantise_linear_layers
from service.config import get_service_settings
from training.datasets import available_datasets, load_dataset


def encode_padded(model, texts: list[str], batch_size: int) -> np.ndarray:
    return model.encode(
        texts, prompt_name=sentence_vectors.PROMPT, batch_size=batch_size, normalize_embeddings=True
    ).astype(np.float32)


def timed(encode, texts: list[str]) -> tuple[np.ndarray, float]:
    encode(texts[:8])
    started = time.perf_counter()
    vectors = encode(texts)
    return vectors, len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=256)
    args = parser.parse_args()
    settings = get_service_settings()
    name = "surabaya_mediacenter" if "surabaya_mediacenter" in available_datasets(settings) else "demo"
    frame = load_dataset(name, settings).drop_duplicates(subset="text")
    texts = frame.sample(n=min(args.texts, len(frame)), random_state=0)["text"].tolist()

    float_model = load_embedder(settings.embedder_dir)
    float_model.max_seq_length = sentence_vectors.MAX_TOKENS
    with warnings.catch_warnings():  # torch 2.13 announces the move of this API to torchao
        warnings.simplefilter("ignore")
        dynamic = torch.ao.quantization.quantize_dynamic(copy.deepcopy(float_model), {torch.nn.Linear}, torch.qint8)
    per_token = quantise_linear_layers(copy.deepcopy(float_model))

    # What the service encodes with: the same per-token 8-bit layers in torch alone (models.int8_encoder).
    served = sentence_vectors.encoder(str(settings.embedder_dir))

    def unpadded(texts: list[str]) -> np.ndarray:
        return sentence_vectors.encode_unpadded(served, texts, batch_size=32)

    reference, float_rate = timed(lambda t: encode_padded(float_model, t, 32), texts)
    rows = [("float, padded batches of 32", float_rate, reference, None)]
    for label, model in (("dynamic 8-bit", dynamic), ("per-token 8-bit", per_token)):
        batched, batched_rate = timed(lambda t, m=model: encode_padded(m, t, 32), texts)
        alone, alone_rate = timed(lambda t, m=model: encode_padded(m, t, 1), texts)
        rows.append((f"{label}, padded batches of 32", batched_rate, batched, alone))
        rows.append((f"{label}, one text at a time", alone_rate, alone, None))
    batched, batched_rate = timed(unpadded, texts)
    alone = np.vstack([unpadded([text]) for text in texts])
    rows.append(("per-token 8-bit, unpadded batches (the service)", batched_rate, batched, alone))

    print(f"{len(texts)} {name} texts, {torch.get_num_threads()} threads")
    for label, rate, vectors, vectors_alone in rows:
        cosine = (vectors * reference).sum(axis=1)
        line = f"  {label:50s} {rate:6.1f} texts/s  cosine to float min {cosine.min():.4f} mean {cosine.mean():.4f}"
        if vectors_alone is not None:
            same = (vectors * vectors_alone).sum(axis=1)
            exact = np.array_equal(vectors, vectors_alone)
            line += f"  batch vs alone: min cosine {same.min():.6f}{' (bit-identical)' if exact else ''}"
        print(line)


if __name__ == "__main__":
    main()
