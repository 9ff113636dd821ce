"""Do the learned problem vectors carry over to a writer they never read? Leave one writer's part out at a time.

Run: .venv/bin/python benchmarks/duplicates_writer_holdout.py --model-home <store with a category champion>
Over the hand-written parts of data/annotations/duplicates_handwritten.jsonl (one blind writer each), fits the
problem pooling and its threshold on every part but one, exactly as `triase train` fits them on all parts
(`training.problem_vectors.fit_on_pairs`), and replays the left-out part through the index as the service would,
beside the same index without problem vectors (the word and category rules alone). Prints figures only, never
texts. The champion's category model gives the predicted distributions; its own problem vectors are not used.
"""

import argparse
import dataclasses

from service.config import get_service_settings
from training.duplicates_handwritten import figures, judge, load_category_model, load_pairs
from training.problem_vectors import fit_on_pairs, pair_states


def line(name: str, kinds: dict) -> str:
    paraphrase = kinds["paraphrase_same_problem"]
    return (
        f"  {name:<22} same place other problem flagged {kinds['same_place_other_problem']['likely_rate']:.3f}  "
        f"paraphrase precision {paraphrase['precision']:.3f} recall {paraphrase['recall']:.3f} "
        f"recall@5 {paraphrase['recall_at_5']:.3f}  resubmissions {kinds['retyped_resubmission']['recall']:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-home", required=True)
    parser.add_argument("--pairs", default="data/annotations/duplicates_handwritten.jsonl")
    args = parser.parse_args()
    settings = get_service_settings()
    champion = load_category_model(settings, args.model_home)
    pairs = load_pairs(args.pairs)
    earlier, later = pair_states(pairs, str(settings.embedder_dir))
    without = dataclasses.replace(champion, bundle=dataclasses.replace(champion.bundle, problem_pooling=None))
    for held in dict.fromkeys(p["part"] for p in pairs):
        keep = [p["part"] != held for p in pairs]
        pooling, threshold, _ = fit_on_pairs(
            [p for p, k in zip(pairs, keep) if k],
            [s for s, k in zip(earlier, keep) if k],
            [s for s, k in zip(later, keep) if k],
            settings.duplicate_problem_vector_recall,
        )
        bundle = dataclasses.replace(champion.bundle, problem_pooling=pooling, problem_vector_threshold=threshold)
        learned = dataclasses.replace(champion, bundle=bundle)
        part = [p for p in pairs if p["part"] == held]
        print(f"{held} (threshold {threshold:.3f})", flush=True)
        print(line("rules alone", figures(part, judge(part, settings, without))))
        print(line("with problem vectors", figures(part, judge(part, settings, learned))), flush=True)


if __name__ == "__main__":
    main()
