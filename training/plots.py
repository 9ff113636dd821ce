"""Evaluation plots, written as PNG files for MLflow and for people."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def reliability_diagram(bins: list[dict[str, Any]], path: Path, title: str) -> Path:
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    confidence = [b["confidence"] for b in bins]
    accuracy = [b["accuracy"] for b in bins]
    sizes = [20 + 200 * b["count"] / max(1, max(x["count"] for x in bins)) for b in bins]
    axes.plot(confidence, accuracy, marker="o", label="model")
    axes.scatter(confidence, accuracy, s=sizes, alpha=0.3)
    axes.set(xlabel="mean confidence in bin", ylabel="accuracy in bin", xlim=(0, 1), ylim=(0, 1), title=title)
    axes.legend(loc="upper left")
    return _save(figure, path)


def coverage_curve(points: list[dict[str, float]], path: Path, title: str) -> Path:
    figure, axes = plt.subplots(figsize=(5, 4))
    axes.plot([p["coverage"] for p in points], [p["accuracy"] for p in points], marker="o")
    axes.set(xlabel="coverage (most confident share answered)", ylabel="accuracy", ylim=(0, 1), title=title)
    axes.grid(alpha=0.3)
    return _save(figure, path)


def operating_curve(points: list[dict[str, float]], chosen: dict[str, float], path: Path, title: str) -> Path:
    """Share of reports that need no person against the errors among them, as the auto-accept target moves."""
    figure, axes = plt.subplots(figsize=(5.5, 4))
    automation = [p["automation_rate"] for p in points]
    axes.plot(automation, [p["auto_error_rate"] for p in points], marker="o", label="category wrong")
    axes.plot(automation, [p["auto_agency_error_rate"] for p in points], marker="s", label="agency wrong")
    for p in points:
        axes.annotate(f"{p['target_precision']:.2f}", (p["automation_rate"], p["auto_agency_error_rate"]), fontsize=6)
    axes.axvline(chosen["automation_rate"], color="crimson", linestyle=":", label="served thresholds")
    axes.set(
        xlabel="reports that need no person (worst scenario)",
        ylabel="share of those wrong (worst scenario)",
        xlim=(0, 1),
        ylim=(0, max(0.2, *(p["auto_error_rate"] for p in points))),
        title=title,
    )
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=7)
    return _save(figure, path)


def confusion_heatmap(labels: list[str], matrix: list[list[int]], path: Path, title: str) -> Path:
    counts = np.asarray(matrix, dtype=float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    size = max(6, 0.28 * len(labels))
    figure, axes = plt.subplots(figsize=(size, size))
    axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    short = [label if len(label) <= 32 else label[:30] + "…" for label in labels]
    axes.set_xticks(range(len(labels)), short, rotation=90, fontsize=6)
    axes.set_yticks(range(len(labels)), short, fontsize=6)
    axes.set(xlabel="predicted", ylabel="true (row-normalised)", title=title)
    return _save(figure, path)


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
