"""Probe: does fine-tuning the top of the e5 encoder beat the shipped category model? (issue 3)

The category model reads frozen e5 sentence vectors through a logistic-regression head
(`models.category.TextClassifier`). This probe fine-tunes the top `top_layers` transformer
layers of the same embedder, with a class-weighted linear head on mean-pooled tokens, on the
inner training part of the validation split `triase select` uses, and scores on its validation
reports: the fine-tuned model alone, averaged with the TF-IDF SVM, and averaged with the shipped
model (`shipped`: the SVM averaged with the e5 head). One MLflow run, tagged like `triase select`'s
runs (stage `model-selection`).

On two cores, training the top four layers runs at about 47 texts/s (170 s an epoch over the 8,016
training reports); all twelve would take three times as long, so three epochs alone would exceed the 15
minutes the whole model may train in. The lower layers are therefore frozen and computed once (float,
unpadded), and only the top layers train.

Result on Surabaya (2026-11-29, 48 categories, `--top-layers 4 --epochs 3`, 889 s for the fine-tuning
and its predictions): validation macro-F1 0.361 for the fine-tuned model alone, against 0.462 for the
SVM and 0.490 for the shipped model; averaged with the shipped model (weight 0.3 or 0.5) it lowers
macro-F1 to 0.480 / 0.482 and worsens calibration, so `triase train` does not use it.

    python -m training.finetune [--top-layers 4] [--epochs 3] [--rare fold]
"""

import argparse
import itertools
import json
import time
from pathlib import Path

import mlflow
import numpy as np
import torch
from torch import nn

from models.category import TextClassifier
from models.embedder import load_embedder
from models.sentence_vectors import MAX_TOKENS, PROMPT
from models.settings import Settings, get_settings
from training import registry
from training.data import CATEGORY, texts_of, time_ordered_split
from training.datasets import load_dataset, min_reports_per_agency, min_reports_per_category
from training.evaluate import classification_metrics
from training.select import SELECTION_TAG
from training.train import CATEGORY_EMBEDDING_WEIGHT, VALIDATION_FRACTION, default_dataset

BATCH_SIZE = 32
HEAD_LEARNING_RATE = 1e-3
WARM_UP_SHARE = 0.06
CLASS_WEIGHT_POWER = 0.5
"""Class weights (n / (k * count)) ** 0.5: between plain and fully balanced, as rare topics have few reports."""
SCORED = ("macro_f1", "accuracy", "top3_accuracy", "accuracy_at_coverage_50", "ece")


class TopLayerFineTuner:
    """The embedder's top `top_layers` layers and a linear head, trained on texts with their labels."""

    def __init__(self, embedder_dir: str, top_layers: int = 4, epochs: int = 3, learning_rate: float = 5e-5):
        self.embedder_dir = embedder_dir
        self.top_layers = top_layers
        self.epochs = epochs
        self.learning_rate = learning_rate

    def _lower_states(self, texts: list[str]) -> list[torch.Tensor]:
        """Each text's token states after the frozen layers (computed once per text: they never change)."""
        prefix = self.model_.prompts[PROMPT]
        ids = self.model_.tokenizer([prefix + t for t in texts], truncation=True, max_length=MAX_TOKENS)["input_ids"]
        states: list[torch.Tensor] = [torch.empty(0)] * len(texts)
        by_length: dict[int, list[int]] = {}
        for position, tokens in enumerate(ids):
            by_length.setdefault(len(tokens), []).append(position)
        with torch.inference_mode():
            for positions in by_length.values():
                for start in range(0, len(positions), 64):
                    rows = positions[start : start + 64]
                    hidden = self.bert_.embeddings(input_ids=torch.tensor([ids[i] for i in rows]))
                    for layer in self.bert_.encoder.layer[: self.n_frozen_]:
                        hidden = layer(hidden)
                    for row, position in enumerate(rows):
                        states[position] = hidden[row].clone()
        return states

    def _logits(self, states: list[torch.Tensor]) -> torch.Tensor:
        width = max(len(s) for s in states)
        hidden = torch.zeros(len(states), width, states[0].shape[1])
        mask = torch.zeros(len(states), width)
        for row, state in enumerate(states):
            hidden[row, : len(state)] = state
            mask[row, : len(state)] = 1
        additive_mask = (1.0 - mask[:, None, None, :]) * torch.finfo(hidden.dtype).min
        for layer in self.top_:
            hidden = layer(hidden, attention_mask=additive_mask)
        pooled = (hidden * mask[..., None]).sum(dim=1) / mask.sum(dim=1, keepdim=True)
        return self.head_(pooled)

    def _batches(self, states: list[torch.Tensor]) -> list[np.ndarray]:
        """Batches of similar length (little padding), in length order."""
        order = np.argsort([len(s) for s in states], kind="stable")
        return [order[i : i + BATCH_SIZE] for i in range(0, len(order), BATCH_SIZE)]

    def fit(self, texts: list[str], labels: np.ndarray, progress=print) -> "TopLayerFineTuner":
        self.model_ = load_embedder(Path(self.embedder_dir))
        self.bert_ = self.model_[0].auto_model.eval()
        self.n_frozen_ = self.bert_.config.num_hidden_layers - self.top_layers
        self.top_ = nn.ModuleList(self.bert_.encoder.layer[self.n_frozen_ :])
        states = self._lower_states(texts)
        self.classes_, targets = np.unique(labels, return_inverse=True)
        torch.manual_seed(0)
        self.head_ = nn.Linear(states[0].shape[1], len(self.classes_))
        counts = np.bincount(targets, minlength=len(self.classes_))
        weights = (len(targets) / (len(self.classes_) * counts)) ** CLASS_WEIGHT_POWER
        loss_of = nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
        optimiser = torch.optim.AdamW(
            [
                {"params": self.top_.parameters(), "lr": self.learning_rate},
                {"params": self.head_.parameters(), "lr": HEAD_LEARNING_RATE},
            ],
            weight_decay=0.01,
        )
        batches = self._batches(states)
        steps = self.epochs * len(batches)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda step: min(1.0, step / (WARM_UP_SHARE * steps)) * (steps - step) / steps
        )
        shuffle = np.random.RandomState(0)
        parameters = [*self.top_.parameters(), *self.head_.parameters()]
        for epoch in range(self.epochs):
            self.top_.train()
            started, total = time.perf_counter(), 0.0
            for b in shuffle.permutation(len(batches)):
                rows = batches[b]
                loss = loss_of(self._logits([states[i] for i in rows]), torch.tensor(targets[rows]))
                optimiser.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(parameters, 1.0)
                optimiser.step()
                schedule.step()
                total += loss.item()
            seconds = time.perf_counter() - started
            progress(f"epoch {epoch + 1}/{self.epochs}: loss {total / len(batches):.3f}, {seconds:.0f} s")
        self.top_.eval()
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        states = self._lower_states(texts)
        proba = np.zeros((len(states), len(self.classes_)), dtype=np.float32)
        with torch.inference_mode():
            for rows in self._batches(states):
                proba[rows] = torch.softmax(self._logits([states[i] for i in rows]), dim=-1).numpy()
        return proba


def probe(settings: Settings, dataset: str, top_layers: int, epochs: int, rare: str) -> dict[str, dict[str, float]]:
    """Validation figures of the fine-tuned model, the SVM, the shipped model and their averages; one MLflow run."""
    registry.configure(settings)
    frame = load_dataset(dataset, settings)
    split = time_ordered_split(
        frame,
        min_reports_per_category=min_reports_per_category(dataset, settings),
        rare=rare,
        min_reports_per_agency=min_reports_per_agency(dataset, settings),
    )
    validation = split.holdout(VALIDATION_FRACTION)
    train_texts, test_texts = texts_of(validation.train), texts_of(validation.test)
    labels, truth = validation.train[CATEGORY].to_numpy(), validation.test[CATEGORY]

    started = time.perf_counter()
    tuner = TopLayerFineTuner(str(settings.embedder_dir), top_layers, epochs)
    fine_tuned = tuner.fit(train_texts, labels).predict_proba(test_texts)
    fit_seconds = time.perf_counter() - started
    svm = TextClassifier().fit(train_texts, labels)
    shipped = TextClassifier(embedding_weight=CATEGORY_EMBEDDING_WEIGHT, embedder_dir=str(settings.embedder_dir))
    shipped.fit(train_texts, labels)
    if not (list(svm.classes_) == list(shipped.classes_) == list(tuner.classes_)):
        raise RuntimeError("the models learnt different label sets")
    variants = {
        "fine_tuned": fine_tuned,
        "svm": svm.predict_proba(test_texts),
        "shipped": shipped.predict_proba(test_texts),
    }
    for base, weight in itertools.product(("svm", "shipped"), (0.3, 0.5)):
        variants[f"{base}_plus_fine_tuned_{weight}"] = (1 - weight) * variants[base] + weight * fine_tuned
    figures = {
        name: {k: round(v, 4) for k, v in classification_metrics(truth, proba, svm.classes_).items() if k in SCORED}
        for name, proba in variants.items()
    }
    with mlflow.start_run(run_name=f"select-category-e5-finetuned-top{top_layers}"):
        mlflow.set_tags({"stage": SELECTION_TAG, "candidate": f"e5-finetuned-top{top_layers}", "dataset": dataset})
        mlflow.log_params({"top_layers": top_layers, "epochs": epochs, "rare": rare, "batch_size": BATCH_SIZE})
        mlflow.log_metric("fine_tune_seconds", fit_seconds)
        for name, values in figures.items():
            mlflow.log_metrics({f"validation.{name}.{k}": v for k, v in values.items()})
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top-layers", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rare", choices=("fold", "drop"), default="fold")
    parser.add_argument("--dataset", default=None)
    args = parser.parse_args(argv)
    settings = get_settings()
    figures = probe(settings, args.dataset or default_dataset(settings), args.top_layers, args.epochs, args.rare)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
