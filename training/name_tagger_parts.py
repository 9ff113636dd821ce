"""How much the learned name tagger (:mod:`models.privacy.tagger`) adds to the rules on a part it never saw.

Leave one part out: each scored group (``dev`` and ``heldout`` together, then ``test2`` to ``test11`` one by one)
is predicted by a tagger fitted on every other annotated part (``train1`` and ``train2`` always among them), and
scored with :func:`training.evaluate_pii.score`, rules alone against rules + tagger
(:func:`models.privacy.tagger.combined_spans`). Each part was written by other people, so a left-out part is the
nearest proxy for a fresh part the annotation allows - for the tagger. The rules themselves were tuned on every
part but ``test10``, so their own figures are optimistic everywhere else, and what the table measures is the
tagger's addition.

The threshold is nested: for the scored group it is the one that does best on the pooled left-out predictions of
the *other* groups (:func:`choose_threshold`), so no group's gold chooses its own threshold.

Nothing here prints or returns report text: only figures.
"""

import numpy as np
from sklearn.base import clone

from models.privacy.redactor import redact_spans
from models.privacy.tagger import NameTagger, combined_spans, decode_names
from models.privacy.tagger_features import Token
from models.settings import Settings, get_settings
from training.evaluate_pii import (
    TEST_PARTS,
    load_annotation_parts,
    load_annotations,
    load_raw_texts,
    score,
)
from training.name_tagger import fit_name_tagger

__all__ = [
    "SCORED_GROUPS",
    "THRESHOLDS",
    "choose_threshold",
    "cross_part_figures",
    "figures_from",
    "format_table",
    "left_out_probabilities",
    "test_part_figures",
]

SCORED_GROUPS = {
    "dev+heldout": ("dev", "heldout"),
    **{f"test{n}": (f"test{n}",) for n in range(2, 12)},
}
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
# What the threshold must keep on the other groups' pooled predictions: the issue-19 precision targets.
_MIN_PRECISION = 0.97
_MIN_SELF_PRECISION = 0.97

Probabilities = dict[int, tuple[list[Token], np.ndarray]]


def _group_of(part: str) -> str | None:
    return next((group for group, parts in SCORED_GROUPS.items() if part in parts), None)


def _predictions(
    texts: dict[int, str], rules: dict[int, list], probabilities: Probabilities | None, threshold: float
) -> dict[int, list[tuple[int, int, str, str | None]]]:
    predicted = {}
    for rid, rule_spans in rules.items():
        if probabilities is None:
            spans = rule_spans
        else:
            words, probs = probabilities[rid]
            spans = combined_spans(texts[rid], decode_names(texts[rid], words, probs, threshold), rule_spans)
        predicted[rid] = [(s.start, s.end, s.kind, s.owner) for s in spans]
    return predicted


def _objective(figures: dict) -> float:
    """Recall of the writer's names and of every name together, or -1 where a precision target is missed."""
    if (figures["precision"] or 0) < _MIN_PRECISION or (figures["self_name"]["precision"] or 0) < _MIN_SELF_PRECISION:
        return -1.0
    return (figures["self_name"]["recall"] or 0) + (figures["recall"]["nama"] or 0)


def choose_threshold(figures_by_threshold: dict[float, dict]) -> float:
    """The threshold with the best :func:`_objective`; on a tie the higher (fewer added masks)."""
    return max(figures_by_threshold, key=lambda t: (_objective(figures_by_threshold[t]), t))


def _summary(figures: dict) -> dict:
    return {
        "self_name_recall": figures["self_name"]["recall"],
        "self_name_precision": figures["self_name"]["precision"],
        "name_recall": figures["recall"]["nama"],
        "precision": figures["precision"],
        "n_self": figures["self_name"]["n_spans"],
        "n_names": figures["n_spans"]["nama"],
    }


def cross_part_figures(settings: Settings | None = None, tagger: NameTagger | None = None) -> dict:
    """Leave-one-part-out figures per scored group and pooled: rules alone, rules + tagger at the nested
    threshold, and rules + tagger at every fixed threshold of :data:`THRESHOLDS` (pooled only)."""
    settings = settings or get_settings()
    gold = load_annotations(settings)
    parts = load_annotation_parts(settings)
    texts = load_raw_texts(set(gold), settings)
    probabilities = left_out_probabilities(tagger or NameTagger(), texts, gold, parts)
    return figures_from(probabilities, texts, gold, parts)


def left_out_probabilities(
    tagger: NameTagger, texts: dict[int, str], gold: dict[int, list], parts: dict[int, str]
) -> Probabilities:
    """Token label probabilities of every scored report from a clone of ``tagger`` fitted without its group."""
    probabilities: Probabilities = {}
    for group in SCORED_GROUPS:
        # The fresh test parts are never learnt from: they are scored once, by test_part_figures.
        train_ids = sorted(rid for rid in gold if _group_of(parts[rid]) != group and parts[rid] not in TEST_PARTS)
        held_ids = sorted(rid for rid in gold if _group_of(parts[rid]) == group)
        fitted = clone(tagger).fit([texts[r] for r in train_ids], [gold[r] for r in train_ids])
        probabilities |= dict(zip(held_ids, fitted.token_probabilities([texts[r] for r in held_ids]), strict=True))
    return probabilities


def figures_from(
    probabilities: Probabilities, texts: dict[int, str], gold: dict[int, list], parts: dict[int, str]
) -> dict:
    """Rules alone and rules + tagger per group (nested threshold), pooled, and pooled at every fixed threshold."""
    rules = {rid: redact_spans(texts[rid]) for rid in probabilities}
    scored = {rid for rid in gold if _group_of(parts[rid]) is not None}
    by_threshold = {t: _predictions(texts, {r: rules[r] for r in scored}, probabilities, t) for t in THRESHOLDS}
    rules_alone = _predictions(texts, {r: rules[r] for r in scored}, None, 0.0)

    def figures_of(ids: set[int], predicted: dict) -> dict:
        return score(texts, {r: gold[r] for r in ids}, predicted)

    result: dict = {"groups": {}, "thresholds": {}}
    nested: dict[int, list] = {}
    for group in SCORED_GROUPS:
        ids = {r for r in scored if _group_of(parts[r]) == group}
        others = scored - ids
        threshold = choose_threshold({t: figures_of(others, by_threshold[t]) for t in THRESHOLDS})
        nested |= {r: by_threshold[threshold][r] for r in ids}
        result["groups"][group] = {
            "threshold": threshold,
            "rules": _summary(figures_of(ids, rules_alone)),
            "rules+tagger": _summary(figures_of(ids, by_threshold[threshold])),
        }
    result["pooled"] = {
        "rules": _summary(figures_of(scored, rules_alone)),
        "rules+tagger": _summary(figures_of(scored, nested)),
    }
    result["thresholds"] = {str(t): _summary(figures_of(scored, by_threshold[t])) for t in THRESHOLDS}
    return result


def format_table(result: dict) -> str:
    """The figures as a Markdown table: rules -> rules + tagger per group and pooled."""
    keys = ("self_name_recall", "self_name_precision", "name_recall", "precision")
    lines = [
        "| group | threshold | self / names | " + " | ".join(keys) + " |",
        "|---|---|---|" + "---|" * len(keys),
    ]

    def row(name: str, threshold: str, entry: dict) -> str:
        before, after = entry["rules"], entry["rules+tagger"]
        cells = [f"{before[k]:.3f} -> {after[k]:.3f}" if before[k] is not None else "-" for k in keys]
        return f"| {name} | {threshold} | {before['n_self']} / {before['n_names']} | " + " | ".join(cells) + " |"

    for group, entry in result["groups"].items():
        lines.append(row(group, f"{entry['threshold']:.1f}", entry))
    lines.append(row("pooled", "nested", result["pooled"]))
    lines.append("")
    lines.append("| fixed threshold (pooled) | " + " | ".join(keys) + " |")
    lines.append("|---|" + "---|" * len(keys))
    for threshold, figures in result["thresholds"].items():
        lines.append(f"| {threshold} | " + " | ".join(f"{figures[k]:.3f}" for k in keys) + " |")
    return "\n".join(lines)


def test_part_figures(taggers: dict[str, NameTagger], settings: Settings | None = None) -> dict:
    """The fresh test parts (:data:`training.evaluate_pii.TEST_PARTS`, together) scored by the rules alone and by
    the rules + each of ``taggers`` (by name), each fitted as a bundle's is
    (:func:`training.name_tagger.fit_name_tagger`, on every development part) and decoding at its own threshold."""
    settings = settings or get_settings()
    gold = load_annotations(settings)
    parts = load_annotation_parts(settings)
    test_ids = sorted(rid for rid in gold if parts[rid] in TEST_PARTS)
    texts = load_raw_texts(set(test_ids), settings)
    test_gold = {rid: gold[rid] for rid in test_ids}
    rules = {rid: redact_spans(texts[rid]) for rid in test_ids}
    figures = {"rules": _summary(score(texts, test_gold, _predictions(texts, rules, None, 0.0)))}
    for name, tagger in taggers.items():
        fitted = fit_name_tagger(settings, tagger)
        found = dict(zip(test_ids, fitted.predict([texts[r] for r in test_ids]), strict=True))
        predicted = {
            rid: [(s.start, s.end, s.kind, s.owner) for s in combined_spans(texts[rid], found[rid], rules[rid])]
            for rid in test_ids
        }
        figures[f"rules+{name}"] = _summary(score(texts, test_gold, predicted))
    return {"parts": list(TEST_PARTS), "n_reports": len(test_ids), "figures": figures}
