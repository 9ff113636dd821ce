"""Would a learned combination of the duplicate evidence carry over to a new writer's pairs?

Run: .venv/bin/python benchmarks/duplicates_writer_holdout.py --model-home <store with a category champion>
Over the hand-written parts of data/annotations/duplicates_handwritten.jsonl (one writer each), fits a logistic
regression on the evidence the index shows for each pair (score, text, lexical and rare-word similarity, category
and problem-word overlap, same problem, same place, hours, metres, resubmission), with and without the e5
similarity of the two texts with their place words blanked, on all parts but one; thresholds it for likely-
duplicate precision 0.95 on those parts; and prints the left-out part's figures beside the served rules'. Every
part but the last was read while the rules were chosen, so only the last part's row is a fresh writer's.
Prints figures only, never texts.
"""

import argparse
import re
import unicodedata

import numpy as np
from sklearn.linear_model import LogisticRegression

from models.duplicates.problem import _DIGIT, _REDUPLICATION, _TOKEN, PLACE_HEADS, split_words
from models.sentence_vectors import sentence_vectors
from service.config import get_service_settings
from training.duplicates_handwritten import SIDES, judge, load_category_model, load_pairs

PRECISION = 0.95


def blank_places(text: str, kelurahan: str | None) -> str:
    """`text` without its place words, place heads, numbers and kelurahan words (what is left names the problem)."""
    text = unicodedata.normalize("NFKC", text)
    place = set(split_words(text, kelurahan)[1]) | PLACE_HEADS
    place |= set(_TOKEN.findall(kelurahan.casefold())) if kelurahan else set()
    kept = [
        token
        for token in _TOKEN.findall(text)
        if not (_REDUPLICATION.sub("", token.casefold()) in place or _DIGIT.search(token))
    ]
    return re.sub(r"\s+", " ", " ".join(kept)).strip()


def evidence(candidate) -> list[float]:
    def known(value) -> float:
        return 0.0 if value is None or value != value else float(value)

    def sign(flag) -> float:
        return 0.0 if flag is None else (1.0 if flag else -1.0)

    return [
        candidate.score,
        candidate.text_similarity,
        candidate.lexical_similarity,
        candidate.rare_word_overlap,
        known(candidate.category_similarity),
        float(candidate.category_similarity is None),
        known(candidate.problem_word_overlap),
        float(candidate.problem_word_overlap is None),
        sign(candidate.same_problem),
        sign(candidate.same_place),
        float(np.log1p(candidate.hours_apart)),
        0.0 if candidate.distance_m is None else candidate.distance_m / 100.0,
        float(candidate.resubmission),
    ]


def figures(flagged: np.ndarray, kinds: np.ndarray, duplicate: np.ndarray) -> str:
    paraphrase = kinds == "paraphrase_same_problem"
    judged = flagged & (paraphrase | ~duplicate)
    precision = (flagged & paraphrase).sum() / max(judged.sum(), 1)
    return (
        f"same place other problem flagged {flagged[kinds == 'same_place_other_problem'].mean():.3f}  "
        f"paraphrase precision {precision:.3f} recall {flagged[paraphrase].mean():.3f}  "
        f"resubmissions {flagged[kinds == 'retyped_resubmission'].mean():.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-home", required=True)
    args = parser.parse_args()
    settings = get_service_settings()
    pairs = load_pairs("data/annotations/duplicates_handwritten.jsonl")
    verdicts = judge(pairs, settings, load_category_model(settings, args.model_home))
    blanked = [blank_places(p[side]["text"], p[side].get("kelurahan")) for p in pairs for side in SIDES]
    vectors = sentence_vectors(blanked, settings.embedder_dir)
    problem_similarity = (vectors[0::2] * vectors[1::2]).sum(axis=1)
    candidates = [verdicts.pair[p["pair_id"]] for p in pairs]
    found = np.array([c is not None for c in candidates])
    X = np.array([evidence(c) + [s] if c is not None else [0.0] * 14 for c, s in zip(candidates, problem_similarity)])
    served = np.array([c is not None and c.likely_duplicate for c in candidates])
    parts = np.array([p["part"] for p in pairs])
    kinds = np.array([p["kind"] for p in pairs])
    duplicate = np.array([p["label"] == "duplicate" for p in pairs])
    for held in dict.fromkeys(parts):
        test, train = parts == held, (parts != held) & found
        print(f"{held}: served rules: {figures(served[test], kinds[test], duplicate[test])}")
        for name, columns in (("learned, with blanked e5", slice(0, 14)), ("learned, without", slice(0, 13))):
            model = LogisticRegression(max_iter=2000).fit(X[train][:, columns], duplicate[train])
            fitted = model.predict_proba(X[train][:, columns])[:, 1]
            threshold = next(
                (
                    t
                    for t in np.linspace(0.05, 0.99, 95)
                    if (fitted >= t).any() and duplicate[train][fitted >= t].mean() >= PRECISION
                ),
                1.0,
            )
            scores = np.where(found, model.predict_proba(X[:, columns])[:, 1], 0.0)
            flagged = found & ((scores >= threshold) | (X[:, 12] > 0))
            print(f"  {name}: {figures(flagged[test], kinds[test], duplicate[test])}")


if __name__ == "__main__":
    main()
