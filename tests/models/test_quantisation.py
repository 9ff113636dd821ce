import torch

from models.quantisation import EXACT_FLOAT32_TERMS, Int8Linear, _float_kernel, _int_mm_kernel, quantise_linear_layers


def _linear(seed: int = 0) -> torch.nn.Linear:
    torch.manual_seed(seed)
    return torch.nn.Linear(384, 96)


def test_an_8_bit_layer_stays_close_to_the_float_layer():
    linear = _linear()
    inputs = torch.randn(5, 7, 384)
    expected = linear(inputs).detach()
    actual = Int8Linear.from_linear(linear)(inputs)
    assert actual.shape == expected.shape
    relative_error = (actual - expected).norm() / expected.norm()
    assert relative_error < 0.02


def test_a_tokens_output_is_the_same_alone_and_beside_tokens_of_another_scale():
    layer = Int8Linear.from_linear(_linear())
    token = torch.randn(1, 384)
    # A token with 100x larger activations would set a per-tensor scale and coarsen the first token's grid.
    loud = 100 * torch.randn(3, 384)
    alone = layer(token)
    together = layer(torch.cat([token, loud]))[:1]
    assert torch.equal(alone, together)


def test_every_nested_linear_layer_is_replaced_and_the_rest_kept():
    model = torch.nn.Sequential(_linear(), torch.nn.GELU(), torch.nn.Sequential(torch.nn.Linear(96, 8, bias=False)))
    quantise_linear_layers(model)
    assert isinstance(model[0], Int8Linear) and isinstance(model[2][0], Int8Linear)
    assert isinstance(model[1], torch.nn.GELU)
    assert model(torch.randn(2, 384)).shape == (2, 8)


def test_both_integer_kernels_give_the_same_exact_products_at_the_extremes():
    # All-127 rows against all-(-127) weights: the largest sums the float kernel must keep exact, past one chunk.
    for terms in (384, EXACT_FLOAT32_TERMS, 1536):
        rows = torch.full((3, terms), 127, dtype=torch.int8)
        weight = torch.full((terms, 16), -127, dtype=torch.int8)
        weight[:, 1] = torch.randint(-127, 128, (terms,), dtype=torch.int8)
        exact = rows.long() @ weight.long()
        assert torch.equal(_float_kernel(rows, weight), exact.float()), terms
        assert torch.equal(_int_mm_kernel(rows, weight), exact.float()), terms
