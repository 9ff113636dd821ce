from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from models.embedder import load_embedder
from models.int8_weights import INT8_WEIGHTS_FILE, int8_weights_stamp, quantise_embedder
from models.quantisation import Int8Linear, int8_state, quantise_linear_layers
from models.sentence_vectors import INT8_SCHEME, encode_unpadded

TEXTS = [
    "Lampu PJU di Jl. Kertajaya gang 5 mati sudah seminggu, mohon segera diperbaiki.",
    "Sampah menumpuk di depan Pasar Wonokromo!!! Baunya menyengat... kapan diangkut???",
    "Jalan berlubang di Jl. A. Yani km 3,5 -> bahaya utk pengendara motor (sdh 2 org jatuh)",
    "banjir  setinggi   lutut di RT 03/RW 05,\tair PDAM mati\r\n\r\nsejak pagi",
    "Tolong dibantu parah banget, saluran air mampet sejak hujan kemarin",
]


@pytest.fixture
def embedder_folder(shared_embedder_dir, tmp_path) -> Path:
    """The shared converted embedder, linked file by file into a folder of the test's own (no stored 8-bit layers)."""
    folder = tmp_path / "embedder"
    folder.mkdir()
    for entry in Path(shared_embedder_dir).iterdir():
        if entry.name != INT8_WEIGHTS_FILE:
            (folder / entry.name).symlink_to(entry)
    return folder


def _vectors(model) -> np.ndarray:
    return encode_unpadded(model, TEXTS, batch_size=2)


def test_stored_8_bit_layers_give_bit_for_bit_the_vectors_of_a_fresh_quantisation(embedder_folder):
    fresh = _vectors(quantise_linear_layers(load_embedder(embedder_folder)))
    first = quantise_embedder(load_embedder(embedder_folder), embedder_folder, INT8_SCHEME)
    stored = embedder_folder / INT8_WEIGHTS_FILE
    assert stored.is_file()
    with safe_open(stored, framework="pt") as handle:
        assert handle.metadata() == int8_weights_stamp(INT8_SCHEME)
    loaded = quantise_embedder(load_embedder(embedder_folder), embedder_folder, INT8_SCHEME)
    assert np.array_equal(_vectors(first), fresh)
    assert np.array_equal(_vectors(loaded), fresh)
    assert sum(isinstance(layer, Int8Linear) for layer in loaded.modules()) == 73


def test_the_stored_layers_are_the_ones_used(embedder_folder):
    quantised = quantise_linear_layers(load_embedder(embedder_folder))
    state = {name: tensor.clone() for name, tensor in int8_state(quantised).items()}
    scale = next(name for name in state if name.endswith("weight_scale"))
    state[scale] *= 2
    save_file(state, embedder_folder / INT8_WEIGHTS_FILE, metadata=int8_weights_stamp(INT8_SCHEME))
    loaded = quantise_embedder(load_embedder(embedder_folder), embedder_folder, INT8_SCHEME)
    assert torch.equal(loaded.get_submodule(scale.rsplit(".", 1)[0]).weight_scale, state[scale])


@pytest.mark.parametrize("damage", ["another scheme", "truncated", "missing layer"])
def test_stored_layers_of_another_stamp_or_damaged_are_quantised_again_and_replaced(embedder_folder, damage):
    fresh = quantise_linear_layers(load_embedder(embedder_folder))
    stored = embedder_folder / INT8_WEIGHTS_FILE
    state = {name: tensor.clone() for name, tensor in int8_state(fresh).items()}
    if damage == "missing layer":
        del state[next(iter(state))]
    scheme = "another scheme" if damage == "another scheme" else INT8_SCHEME
    save_file(state, stored, metadata=int8_weights_stamp(scheme))
    if damage == "truncated":
        stored.write_bytes(stored.read_bytes()[:1000])
    model = quantise_embedder(load_embedder(embedder_folder), embedder_folder, INT8_SCHEME)
    assert np.array_equal(_vectors(model), _vectors(fresh))
    with safe_open(stored, framework="pt") as handle:
        assert handle.metadata() == int8_weights_stamp(INT8_SCHEME)
        assert len(list(handle.keys())) == 3 * 73
