"""A name tagger fine-tuned from the e5 encoder: it reads every word in its whole sentence, where the hashed tagger
(:mod:`models.privacy.tagger`) sees the words two either side.

:class:`TransformerNameTagger` is a scikit-learn estimator with :class:`~models.privacy.tagger.NameTagger`'s
interface: ``fit(texts, spans)``, ``token_probabilities(texts)`` and ``predict(texts)``
(:class:`~models.privacy.tagger.DecodesNames`); the same BIO labels with the owner
(:data:`~models.privacy.tagger.LABELS`), the same words (:func:`~models.privacy.tagger_features.tokens`) and the
same decoding (:func:`~models.privacy.tagger.decode_names`), so :func:`~models.privacy.tagger.combined_spans` and
the evaluations take either. Underneath, the converted e5 encoder (the embedder's folder) with a linear layer over
each sub-word's state; a word's label probabilities are those of its first sub-word, averaged over the overlapping
windows of a long text. Fitting keeps the word embeddings as they are (the embedder's: 96 million numbers that a
few thousand reports cannot move) and trains the layers above them and the new linear layer, the latter at a
higher rate: e5's token states differ little from one another, and at the encoder's rate the linear layer learns
only how rare names are.

A candidate, not served: one forward pass of the float encoder over every raw report before masking costs
~40 ms on two threads, more than the service spends on everything else a report needs (figures in
``data/annotations/pii_guidelines.md``).
"""

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from models.privacy.tagger import LABELS, DecodesNames, annotated_names, token_labels
from models.privacy.tagger_features import Token, tokens, view

__all__ = ["TransformerNameTagger"]

_OUTSIDE = LABELS.index("O")
# The word of a sub-word outside every word (punctuation, a line break, the special tokens): labelled O when
# fitting, read for no word when predicting.
_NO_WORD = -1


class TransformerNameTagger(DecodesNames, BaseEstimator):
    """Name spans (start, end, owner) from the e5 encoder in ``encoder_dir`` fine-tuned to label words.

    ``epochs``, ``learning_rate`` (the encoder's layers), ``head_learning_rate`` (the linear layer over them),
    ``batch_size`` windows a step, ``name_weight`` (the loss weight of every name label against O's 1), windows of
    ``max_length`` sub-words overlapping by ``stride``; ``threshold`` and ``unlisted_single_words`` decode as
    :class:`~models.privacy.tagger.NameTagger`'s do; ``seed`` fixes the initial layer and the batches.
    """

    def __init__(
        self,
        encoder_dir: str | Path | None = None,
        epochs: int = 2,
        learning_rate: float = 5e-5,
        head_learning_rate: float = 2e-3,
        batch_size: int = 16,
        name_weight: float = 3.0,
        max_length: int = 256,
        stride: int = 48,
        threshold: float = 0.8,
        unlisted_single_words: bool = True,
        seed: int = 0,
    ) -> None:
        self.encoder_dir = encoder_dir
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.head_learning_rate = head_learning_rate
        self.batch_size = batch_size
        self.name_weight = name_weight
        self.max_length = max_length
        self.stride = stride
        self.threshold = threshold
        self.unlisted_single_words = unlisted_single_words
        self.seed = seed

    def fit(self, texts: Sequence[str], spans: Sequence[Sequence[tuple]]) -> "TransformerNameTagger":
        """Fit on ``texts`` and, per text, its spans (start, end, kind[, owner]) - names only are learnt."""
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        if self.encoder_dir is None:
            raise ValueError("encoder_dir must name the converted e5 embedder's folder (`triase embedder`)")
        torch.manual_seed(self.seed)
        shuffle = random.Random(self.seed)
        self.tokenizer_ = AutoTokenizer.from_pretrained(str(self.encoder_dir))
        self.model_ = AutoModelForTokenClassification.from_pretrained(str(self.encoder_dir), num_labels=len(LABELS))
        self.model_.base_model.embeddings.word_embeddings.weight.requires_grad_(False)
        windows = []
        for text, text_spans in zip(texts, spans, strict=True):
            words = tokens(text)
            word_labels = [LABELS.index(label) for label in token_labels(words, annotated_names(text_spans))]
            windows.extend(
                (ids, _subword_labels(word_of, first, word_labels))
                for ids, word_of, first in self._windows(text, words)
            )
        head = [p for n, p in self.model_.named_parameters() if n.startswith("classifier")]
        encoder = [p for n, p in self.model_.named_parameters() if p.requires_grad and not n.startswith("classifier")]
        optimiser = torch.optim.AdamW(
            [{"params": encoder, "lr": self.learning_rate}, {"params": head, "lr": self.head_learning_rate}],
            weight_decay=0.01,
        )
        steps = self.epochs * -(-len(windows) // self.batch_size)
        warm_up = max(1, steps // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda step: min(1.0, (step + 1) / warm_up) * max(0.0, (steps - step) / steps)
        )
        weights = torch.tensor([1.0 if i == _OUTSIDE else self.name_weight for i in range(len(LABELS))])
        self.model_.train()
        for _ in range(self.epochs):
            # Windows of similar length share a batch (less padding); the batches run in a random order.
            order = sorted(range(len(windows)), key=lambda i: len(windows[i][0]) + shuffle.random() * 20)
            batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
            shuffle.shuffle(batches)
            for batch in batches:
                ids, mask, labels = _padded([windows[i] for i in batch], self.tokenizer_.pad_token_id)
                logits = self.model_(input_ids=ids, attention_mask=mask).logits
                loss = torch.nn.functional.cross_entropy(
                    logits.reshape(-1, len(LABELS)), labels.reshape(-1), weight=weights, ignore_index=-100
                )
                loss.backward()
                torch.nn.utils.clip_grad_norm_(encoder + head, 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
        self.model_.eval()
        self.classes_ = np.array(LABELS)
        return self

    def _windows(self, text: str, words: list[Token]) -> list[tuple[list[int], list[int], list[bool]]]:
        """The text's windows of sub-word ids, each with, per sub-word, the index of the word it overlaps (else
        :data:`_NO_WORD`) and whether it is that word's first sub-word in the window."""
        encoded = self.tokenizer_(
            view(text),
            return_offsets_mapping=True,
            truncation=True,
            max_length=self.max_length,
            stride=self.stride,
            return_overflowing_tokens=True,
        )
        ends = np.array([word.end for word in words])
        windows = []
        for ids, offsets in zip(encoded["input_ids"], encoded["offset_mapping"], strict=True):
            word_of, first, seen = [], [], set()
            for start, end in offsets:
                # A sub-word belongs to the word it overlaps: the first word ending after its start.
                k = int(np.searchsorted(ends, start, side="right")) if start < end else len(words)
                word = k if k < len(words) and words[k].start < end else _NO_WORD
                word_of.append(word)
                first.append(word != _NO_WORD and word not in seen)
                seen.add(word)
            windows.append((ids, word_of, first))
        return windows

    def token_probabilities(self, texts: Sequence[str]) -> list[tuple[list[Token], np.ndarray]]:
        """Per text its words and their label probabilities (columns in :data:`LABELS` order); a word no window
        reads is O."""
        import torch

        results = []
        with torch.inference_mode():
            for text in texts:
                words = tokens(text)
                summed = np.zeros((len(words), len(LABELS)))
                counted = np.zeros(len(words))
                for ids, word_of, first in self._windows(text, words):
                    probabilities = torch.softmax(self.model_(input_ids=torch.tensor([ids])).logits[0], -1).numpy()
                    for position in np.flatnonzero(first):
                        summed[word_of[position]] += probabilities[position]
                        counted[word_of[position]] += 1
                read = counted > 0
                probabilities = np.zeros_like(summed)
                probabilities[:, _OUTSIDE] = 1.0
                probabilities[read] = summed[read] / counted[read, None]
                results.append((words, probabilities))
        return results


def _subword_labels(word_of: list[int], first: list[bool], word_labels: list[int]) -> list[int]:
    """Each sub-word's label: its word's, where a later sub-word of a name continues it (I-); O outside every word."""
    labels = []
    for word, is_first in zip(word_of, first, strict=True):
        label = LABELS[word_labels[word]] if word != _NO_WORD else "O"
        labels.append(LABELS.index(label if is_first or label == "O" else "I-" + label[2:]))
    return labels


def _padded(windows: list[tuple[list[int], list[int]]], pad_id: int):
    import torch

    length = max(len(ids) for ids, _ in windows)
    ids = torch.full((len(windows), length), pad_id)
    mask = torch.zeros((len(windows), length), dtype=torch.long)
    labels = torch.full((len(windows), length), -100)
    for row, (window_ids, window_labels) in enumerate(windows):
        ids[row, : len(window_ids)] = torch.tensor(window_ids)
        mask[row, : len(window_ids)] = 1
        labels[row, : len(window_labels)] = torch.tensor(window_labels)
    return ids, mask, labels
