"""8-bit linear layers whose output for a token never depends on the other tokens in the batch.

PyTorch's dynamic quantisation (`torch.ao.quantization.quantize_dynamic`) scales the activations of a
whole batch by one number, so a report's sentence vector changed with the reports encoded beside it
(cosine 0.98-0.99 against the same report alone) and its suggestions could change with it. Here each
token's activations get their own scale and each output channel's weights theirs (per-token /
per-channel symmetric int8, the scheme of torchao's `Int8DynamicActivationInt8WeightConfig`). Integer
products are exact, so a token's output is the same in any batch; the vectors also stay closer to the
float model's (cosine 0.999 against 0.98).

torchao 0.18 computes the same scheme, but its CPU path ran e5-small at 41 texts/s batched and 22 alone on
these two cores (one-off run), against 71 and 59 for this module on `torch._int_mm`; `benchmarks/encoder_speed.py`
compares this module with float and with PyTorch's dynamic quantisation.
"""

import time
from collections.abc import Callable
from functools import cache

import torch

INT8_MAX = 127.0
_TINY = 1e-12
EXACT_FLOAT32_TERMS = 1024
"""Products of two int8 values summed in float32 stay exact integers up to 1024 terms (127 * 127 * 1024 < 2**24),
in any order of summation; longer sums are split into chunks of this many terms."""
_BUFFERS = ("weight_int8", "weight_scale", "bias")


class Int8Linear(torch.nn.Module):
    """A `torch.nn.Linear` in int8: weights with one scale per output channel, activations one per token."""

    def __init__(self, weight_int8: torch.Tensor, weight_scale: torch.Tensor, bias: torch.Tensor):
        super().__init__()
        # weight_int8 is (in, out): the layout torch._int_mm multiplies by.
        self.register_buffer("weight_int8", weight_int8)
        self.register_buffer("weight_scale", weight_scale)
        self.register_buffer("bias", bias)
        self.in_features, self.out_features = weight_int8.shape

    @classmethod
    def from_linear(cls, linear: torch.nn.Linear) -> "Int8Linear":
        weight = linear.weight.detach().float()
        scale = weight.abs().amax(dim=1).clamp_min(_TINY) / INT8_MAX
        weight_int8 = torch.round(weight / scale[:, None]).to(torch.int8).t().contiguous()
        bias = linear.bias.detach().float() if linear.bias is not None else torch.zeros(weight.shape[0])
        return cls(weight_int8, scale, bias)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        rows = inputs.reshape(-1, self.in_features).float()
        scale = rows.abs().amax(dim=1, keepdim=True).clamp_min(_TINY) / INT8_MAX
        rows_int8 = torch.round(rows / scale).to(torch.int8)
        products = integer_products(rows_int8, self.weight_int8)
        outputs = products * scale * self.weight_scale + self.bias
        return outputs.reshape(*inputs.shape[:-1], self.out_features)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}"


def integer_products(rows: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """rows @ weight of two int8 matrices, exactly, as float32: by the faster of two kernels on this CPU.

    `torch._int_mm` is fast where the CPU multiplies int8 in hardware (AVX-512 VNNI, AMX) and some 40x slower than
    float where it does not (AVX2 only); the float kernel computes the same integers exactly (see
    `EXACT_FLOAT32_TERMS`), so which one runs changes the speed, never a vector."""
    return _int_mm_kernel(rows, weight) if _int_mm_is_faster() else _float_kernel(rows, weight)


def _int_mm_kernel(rows: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    return torch._int_mm(rows, weight).float()


def _float_kernel(rows: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    if rows.shape[1] <= EXACT_FLOAT32_TERMS:
        return rows.float() @ weight.float()
    total = torch.zeros(rows.shape[0], weight.shape[1], dtype=torch.float64)
    for start in range(0, rows.shape[1], EXACT_FLOAT32_TERMS):
        stop = start + EXACT_FLOAT32_TERMS
        total += (rows[:, start:stop].float() @ weight[start:stop].float()).double()
    return total.float()


@cache
def _int_mm_is_faster() -> bool:
    """Times both kernels once per process on a quarter of an e5-small product (the best of two calls after a
    warm-up): 0.08 s of start-up where `torch._int_mm` is slow, against 0.29 s for three full-size calls."""
    rows = torch.randint(-127, 128, (32, 384), dtype=torch.int8)
    weight = torch.randint(-127, 128, (384, 1536), dtype=torch.int8)

    def seconds(kernel) -> float:
        kernel(rows, weight)
        timings = []
        for _ in range(2):
            start = time.perf_counter()
            kernel(rows, weight)
            timings.append(time.perf_counter() - start)
        return min(timings)

    return seconds(_int_mm_kernel) < seconds(_float_kernel)


def quantise_linear_layers(module: torch.nn.Module) -> torch.nn.Module:
    """Replace every `torch.nn.Linear` inside `module` by an `Int8Linear`, in place; returns `module`."""
    return _replace_linear_layers(module, lambda _path, linear: Int8Linear.from_linear(linear))


def int8_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The buffers of every `Int8Linear` inside `module`, by path: what `load_int8_linear_layers` puts back."""
    return {
        f"{path}.{name}": buffer
        for path, layer in module.named_modules()
        if isinstance(layer, Int8Linear)
        for name, buffer in zip(_BUFFERS, (layer.weight_int8, layer.weight_scale, layer.bias))
    }


def load_int8_linear_layers(module: torch.nn.Module, state: dict[str, torch.Tensor]) -> torch.nn.Module:
    """Replace every `torch.nn.Linear` inside `module` by the `Int8Linear` that `state` (from `int8_state`) holds
    for its path, in place and without reading the float weights; returns `module`. Raises `ValueError`, leaving
    `module` as it was, unless `state` holds exactly the module's linear layers, each of its shape."""
    linear_shapes = {
        path: (linear.in_features, linear.out_features)
        for path, linear in module.named_modules()
        if isinstance(linear, torch.nn.Linear)
    }
    layers = {path: layer for path in linear_shapes if (layer := _stored_layer(state, path)) is not None}
    stored_shapes = {path: (layer.in_features, layer.out_features) for path, layer in layers.items()}
    if stored_shapes != linear_shapes or len(state) != len(_BUFFERS) * len(layers):
        raise ValueError("the stored 8-bit layers are not this module's linear layers")
    return _replace_linear_layers(module, lambda path, _linear: layers[path])


def stored_int8_layers(state: dict[str, torch.Tensor], prefix: str = "") -> dict[str, Int8Linear]:
    """Every `Int8Linear` that `state` (from `int8_state`) holds under `prefix`, by its path after `prefix`."""
    paths = {name.rsplit(".", 1)[0] for name in state if name.startswith(prefix)}
    layers = {path[len(prefix) :]: _stored_layer(state, path) for path in paths}
    return {path: layer for path, layer in layers.items() if layer is not None}


def _stored_layer(state: dict[str, torch.Tensor], path: str) -> Int8Linear | None:
    """The `Int8Linear` `state` holds for `path`, or None if it holds none of these dtypes and dimensions."""
    weight_int8, weight_scale, bias = (state.get(f"{path}.{name}") for name in _BUFFERS)
    if weight_int8 is None or weight_scale is None or bias is None:
        return None
    if weight_int8.dtype != torch.int8 or weight_int8.dim() != 2:
        return None
    out_features = weight_int8.shape[1]
    if any(t.dtype != torch.float32 or t.shape != (out_features,) for t in (weight_scale, bias)):
        return None
    return Int8Linear(weight_int8, weight_scale, bias)


def _replace_linear_layers(
    module: torch.nn.Module, make: Callable[[str, torch.nn.Linear], torch.nn.Module], prefix: str = ""
) -> torch.nn.Module:
    for name, child in module.named_children():
        path = f"{prefix}{name}"
        if isinstance(child, torch.nn.Linear):
            setattr(module, name, make(path, child))
        else:
            _replace_linear_layers(child, make, f"{path}.")
    return module
