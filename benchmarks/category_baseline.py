"""The issue's anchor, a plain TF-IDF + logistic regression, scored by our evaluation on our test split.

Run: .venv/bin/python benchmarks/category_baseline.py [--rare drop]
Fits word TF-IDF (1-2 grams) + multinomial logistic regression, with the default C and with C=10,
on the training part of the time-ordered split and prints the test figures `triase evaluate` reports
for the champion, for categories and agencies. Nothing is logged or registered; no text is printed.
"""

import argparse
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from models.settings import get_settings
from training.data import AGENCY, CATEGORY, texts_of, time_ordered_split
from training.datasets import load_dataset, min_reports_per_agency, min_reports_per_category
from training.evaluate import classification_metrics

FIGURES = ("macro_f1", "accuracy", "top3_accuracy", "accuracy_at_coverage_50", "ece")


def tfidf_logistic_regression(C: float) -> Pipeline:
    return make_pipeline(
        TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2)), LogisticRegression(C=C, max_iter=2000)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", default="surabaya_mediacenter")
    parser.add_argument("--rare", default="drop", choices=("fold", "drop"))
    args = parser.parse_args()
    settings = get_settings()
    frame = load_dataset(args.dataset, settings)
    split = time_ordered_split(
        frame,
        min_reports_per_category=min_reports_per_category(args.dataset, settings),
        rare=args.rare,
        min_reports_per_agency=min_reports_per_agency(args.dataset, settings),
    )
    print(f"{args.dataset}, rare={args.rare}: {len(split.train)} training and {len(split.test)} test reports")
    for C in (1.0, 10.0):
        for target in (CATEGORY, AGENCY):
            train, test = split.train.dropna(subset=[target]), split.test.dropna(subset=[target])
            started = time.perf_counter()
            model = tfidf_logistic_regression(C).fit(texts_of(train), train[target])
            figures = classification_metrics(test[target], model.predict_proba(texts_of(test)), model.classes_)
            shown = "  ".join(f"{k} {figures[k]:.3f}" for k in FIGURES)
            print(f"  C={C:<4} {target:<15} {shown}  ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
