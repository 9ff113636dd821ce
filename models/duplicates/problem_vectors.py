"""A learned "problem vector" per report: e5's final token states pooled by attention learned to read the problem.

Whole-text similarity rates two reports from one alley as close whatever they are about (a dead street light
and a blocked drain in Gang Mawar share the alley's name, its RT/RW and its landmark), and word lists of problems
and conditions stay one writer behind (three fresh writers' parts put them at 17-23 % same-place false
duplicates). Here the encoder's own final token states, which know whether a word is part of a place name or of
what is wrong, are pooled with weights a small learned scorer gives each token, then projected: two reports
about the same problem get close problem vectors wherever they are, two problems at one place get distant ones.

:class:`ProblemPooling` follows scikit-learn's estimator contract: hyperparameters in ``__init__``, :meth:`fit`
on pairs of token-state matrices labelled same problem or not, fitted state in attributes ending in ``_``.
Inference is numpy (:meth:`pool`); fitting needs torch, imported only there. The pooled vectors are unit length
per head and scaled by ``1/sqrt(heads)``, so the inner product of two is the mean cosine over the heads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


class ProblemPooling:
    """Attention pooling of token states into problem vectors, fitted on pairs of reports.

    - ``heads``: attention heads, each with its own token weights (one reads the object, another the condition).
    - ``dim``: dimensions per head after the learned projection.
    - ``epochs``, ``learning_rate``, ``weight_decay``, ``batch_size``: AdamW on the pairs' logistic loss.
    - ``random_state``: seeds the initial weights and the batch order, so a fit is reproducible.
    """

    def __init__(
        self,
        heads: int = 1,
        dim: int = 128,
        epochs: int = 20,
        learning_rate: float = 3e-3,
        weight_decay: float = 0.01,
        batch_size: int = 32,
        random_state: int = 0,
    ) -> None:
        self.heads = heads
        self.dim = dim
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.random_state = random_state

    def get_params(self) -> dict:
        return {
            name: getattr(self, name)
            for name in ("heads", "dim", "epochs", "learning_rate", "weight_decay", "batch_size", "random_state")
        }

    @property
    def output_dim(self) -> int:
        return self.heads * self.dim

    def fit(
        self, earlier: Sequence[np.ndarray], later: Sequence[np.ndarray], same_problem: Sequence[bool]
    ) -> ProblemPooling:
        """Fit on pairs: ``earlier[i]`` and ``later[i]`` are the token states (tokens x width) of pair i's two
        reports, ``same_problem[i]`` whether one handling resolves both problems (the place aside)."""
        import torch

        if not len(earlier) or len(earlier) != len(later) or len(later) != len(same_problem):
            raise ValueError("fit needs as many earlier as later token states and labels, at least one pair")
        labels = np.asarray(same_problem, dtype=np.float32)
        if labels.min() == labels.max():
            raise ValueError("fit needs pairs of the same problem and pairs of different problems")
        torch.manual_seed(self.random_state)
        states, mask = _padded([*earlier, *later])
        states, mask = torch.from_numpy(states), torch.from_numpy(mask)
        width = states.shape[-1]
        score = torch.nn.Linear(width, self.heads)
        project = torch.nn.Linear(width, self.output_dim, bias=False)
        scale, offset = torch.nn.Parameter(torch.tensor(10.0)), torch.nn.Parameter(torch.tensor(-5.0))
        parameters = [*score.parameters(), *project.parameters(), scale, offset]
        optimiser = torch.optim.AdamW(parameters, lr=self.learning_rate, weight_decay=self.weight_decay)
        n = len(labels)
        target = torch.from_numpy(labels)

        def vectors(rows: torch.Tensor) -> torch.Tensor:
            weights = score(states[rows]).masked_fill(~mask[rows, :, None], float("-inf")).softmax(dim=1)
            pooled = torch.einsum("blh,bld->bhd", weights, states[rows])
            heads = project(pooled).reshape(len(rows), self.heads, self.heads, self.dim)
            # Head h's projection of head h's pooled states: one projection matrix, a slice per head.
            own = torch.diagonal(heads, dim1=1, dim2=2).permute(0, 2, 1)
            return torch.nn.functional.normalize(own, dim=-1)

        rng = np.random.default_rng(self.random_state)
        for _ in range(self.epochs):
            order = rng.permutation(n)
            for start in range(0, n, self.batch_size):
                rows = torch.from_numpy(order[start : start + self.batch_size])
                similarity = (vectors(rows) * vectors(rows + n)).sum(-1).mean(-1)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(scale * similarity + offset, target[rows])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
        self._digest = None  # of weights fitted before, if any
        self.token_weights_ = score.weight.detach().numpy().T.astype(np.float32).copy()
        self.token_bias_ = score.bias.detach().numpy().astype(np.float32).copy()
        self.projection_ = project.weight.detach().numpy().T.astype(np.float32).copy()
        return self

    def pool(self, states: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Problem vectors (rows x heads*dim, float32) of a batch of token states (rows x tokens x width); `mask`
        (rows x tokens, True for real tokens) where the batch is padded."""
        states = np.asarray(states, dtype=np.float32)
        logits = states @ self.token_weights_ + self.token_bias_
        if mask is not None:
            logits = np.where(np.asarray(mask, dtype=bool)[..., None], logits, -np.inf)
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        weights /= weights.sum(axis=1, keepdims=True)
        pooled = np.einsum("blh,bld->bhd", weights, states)
        rows = len(states)
        projection = self.projection_.reshape(-1, self.heads, self.dim)
        vectors = np.einsum("bhw,whd->bhd", pooled, projection)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)
        return (vectors / np.sqrt(self.heads)).reshape(rows, self.output_dim).astype(np.float32)

    def transform(self, states: Sequence[np.ndarray]) -> np.ndarray:
        """Problem vectors of token-state matrices of any lengths, one row each."""
        if not len(states):
            return np.zeros((0, self.output_dim), dtype=np.float32)
        padded, mask = _padded(states)
        return self.pool(padded, mask)

    @property
    def digest(self) -> str:
        """Names the fitted weights: vectors pooled by different weights are never compared. Hashed once per
        process (the memo keys every encoded text by it)."""
        if getattr(self, "_digest", None) is None:
            digest = hashlib.blake2b(digest_size=8)
            for array in (self.token_weights_, self.token_bias_, self.projection_):
                digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
            self._digest = digest.hexdigest()
        return self._digest


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise mean cosine over the heads of two batches of problem vectors (1: the same problem)."""
    return np.einsum("ij,ij->i", np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32))


def _padded(states: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    length = max(len(s) for s in states)
    width = states[0].shape[-1]
    padded = np.zeros((len(states), length, width), dtype=np.float32)
    mask = np.zeros((len(states), length), dtype=bool)
    for i, s in enumerate(states):
        padded[i, : len(s)] = s
        mask[i, : len(s)] = True
    return padded, mask
