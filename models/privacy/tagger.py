"""A learned name tagger beside the rules: it finds names in layouts no rule was written for.

:class:`NameTagger` is a scikit-learn estimator: a logistic regression over the token features of
:mod:`models.privacy.tagger_features` (which include the rule redactor's own decision), with BIO labels that
carry the owner (``B-SELF``, ``I-SELF``, ``B-OTHER``, ``I-OTHER``, ``O``). A token is part of a name when the
probability of every name label together reaches ``threshold``; adjacent name tokens separated by blanks only
form one span, whose owner is the owner with the larger summed probability; words that are never a name on their own
(titles, degrees, offices, public figures, function words) are trimmed from either end of a span.

:func:`combined_spans` is how it is used: the rules' spans, plus the tagger's names where no rule span
lies; the owner of a rule's name stays the rule's. The tagger adds masks and never removes one, so the rules
behave as before. :class:`Masker` is what the service masks incoming reports with: the rules, and the tagger a
served bundle carries (fitted by `triase train` where the annotated export is present).

A fitted tagger holds hashed feature coefficients only, no words; fitted on real reports, it lives in the model
store with the bundle, never in the repository.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import joblib
import numpy as np
import scipy.sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression

from models.hashing import sha256_file
from models.name_lists import is_given_name
from models.privacy.name_words import DEGREES, STOP, is_office_head, is_public_figure
from models.privacy.pattern import Span
from models.privacy.redactor import redact_spans, redactor_version
from models.privacy.tagger_features import TITLE_WORDS, Token, token_features, view

__all__ = [
    "LABELS",
    "RULES_ONLY",
    "DecodesNames",
    "Masker",
    "NameTagger",
    "annotated_names",
    "combined_spans",
    "decode_names",
    "token_labels",
]

LABELS = ("O", "B-SELF", "I-SELF", "B-OTHER", "I-OTHER")
_SELF_LABELS = [LABELS.index("B-SELF"), LABELS.index("I-SELF")]
_OTHER_LABELS = [LABELS.index("B-OTHER"), LABELS.index("I-OTHER")]
# Two name tokens belong to one name when only blanks (or an initial's dot) stand between them.
_INSIDE_NAME_GAP = re.compile(r"^[ \t]*\.?[ \t]*$")

NameSpan = tuple[int, int, str]


def _never_a_name(word: str) -> bool:
    """Words the guidelines never annotate as a name on their own: function words, titles, degrees, offices,
    and the public figures addressed in their role. Decoding trims them from a tagged span's ends (the repair
    step): each is too rare in the training data for the model to learn it reliably."""
    low = word.lower()
    return low in STOP or low in TITLE_WORDS or low in DEGREES or is_office_head(low) or is_public_figure(low)


# Hashed features: the encoding is fixed, so a text's feature rows can be computed once and reused by every fit
# (the leave-one-part-out evaluation fits ten times), and the fitted model stores no feature names at all.
_HASHER = FeatureHasher(n_features=2**18, input_type="string", alternate_sign=False)


def _token_names(text: str, with_rules: bool) -> tuple[list[Token], list[tuple[str, ...]]]:
    """The tokens of ``text`` and the names of each token's features."""
    return token_features(text, redact_spans(text) if with_rules else [], with_rules)


def _hashed(rows: list[tuple[str, ...]]) -> scipy.sparse.csr_matrix:
    return _HASHER.transform(rows) if rows else scipy.sparse.csr_matrix((0, _HASHER.n_features))


@lru_cache(maxsize=4096)
def _training_rows(text: str, with_rules: bool) -> tuple[list[Token], scipy.sparse.csr_matrix]:
    """Fitting reads the annotated texts again for every fit (the leave-one-part-out evaluation fits ten times), so
    their rows are kept; predicting keeps nothing, so a serving process holds no report text."""
    words, rows = _token_names(text, with_rules)
    return words, _hashed(rows)


def annotated_names(spans: Sequence[tuple]) -> list[tuple]:
    """The names among a text's annotated spans, as (start, end, owner): spans are (start, end, kind[, owner]), or
    (start, end, owner) names already."""
    return [(s[0], s[1], s[3] if len(s) > 3 else s[2]) for s in spans if len(s) < 4 or s[2] == "nama"]


def token_labels(words: Sequence[Token], spans: Sequence[tuple]) -> list[str]:
    """The BIO label of every token given annotated name spans (start, end, owner): a token overlapping a
    name is in it; an unlabelled owner reads as someone else's."""
    labels = []
    previous = None
    for token in words:
        span = next((s for s in spans if s[0] < token.end and token.start < s[1]), None)
        if span is None:
            labels.append("O")
        else:
            owner = "SELF" if span[2] == "self" else "OTHER"
            labels.append(f"{'I' if span == previous else 'B'}-{owner}")
        previous = span
    return labels


def decode_names(
    text: str,
    words: Sequence[Token],
    probabilities: np.ndarray,
    threshold: float,
    unlisted_single_words: bool = True,
) -> list[NameSpan]:
    """Name spans (start, end, owner) from per-token label probabilities (columns in :data:`LABELS` order);
    without ``unlisted_single_words`` a span of one word must be a listed given name."""
    text_view = view(text)
    is_name = (1.0 - probabilities[:, 0]) >= threshold
    spans: list[NameSpan] = []
    run: list[int] = []

    def close() -> None:
        while run and _never_a_name(words[run[0]].word):
            run.pop(0)
        while run and _never_a_name(words[run[-1]].word):
            run.pop()
        if len(run) == 1 and not unlisted_single_words and not is_given_name(words[run[0]].word):
            run.clear()
        if run:
            self_mass = probabilities[run][:, _SELF_LABELS].sum()
            other_mass = probabilities[run][:, _OTHER_LABELS].sum()
            owner = "self" if self_mass > other_mass else "other"
            spans.append((words[run[0]].start, words[run[-1]].end, owner))
            run.clear()

    for i, token in enumerate(words):
        if not is_name[i] or token.word.isdigit():
            close()
            continue
        if run and not _INSIDE_NAME_GAP.match(text_view[words[run[-1]].end : token.start]):
            close()
        run.append(i)
    close()
    return spans


class DecodesNames:
    """What a name tagger shares: from the label probabilities of its words (``token_probabilities``) to name spans,
    decoded at its ``threshold`` and ``unlisted_single_words``."""

    def predict(self, texts: Sequence[str]) -> list[list[NameSpan]]:
        """Per text the name spans (start, end, owner) the tagger finds at :attr:`threshold`."""
        return [
            decode_names(text, words, probabilities, self.threshold, self.unlisted_single_words)
            for text, (words, probabilities) in zip(texts, self.token_probabilities(texts), strict=True)
        ]


class NameTagger(DecodesNames, BaseEstimator):
    """Token-level name tagger (see the module docstring).

    Parameters: ``C`` the inverse regularisation strength of the logistic regression, ``threshold`` the
    probability of a name (any owner) from which a token is tagged, ``with_rules`` whether the rule redactor's
    decisions are features (stacking), ``unlisted_single_words`` whether a tagged name of one word that is no
    listed given name is kept, ``max_iter`` the solver's iterations.

    Defaults from the leave-one-part-out evaluation (:mod:`training.name_tagger_parts`): ``C`` 1.0 found more
    names than 0.3 and 3.0 at the same precision; 0.8 is the threshold the nested choice took for most parts.
    Without the rules' decisions the tagger learns from every annotated name; with them it learns mostly to
    repeat the rules (they were tuned on the same parts, so their decision predicts the gold almost
    perfectly there) and added almost nothing to them on a left-out part. Most wrong names it adds are single
    capitalised words in no list, so a tagged name of one word must be a listed given name (``unlisted_single_words``
    off): seen on ``test10`` after its figures (precision 0.93 -> 0.96 for one name in 115), then confirmed on the
    fresh part ``test11``, scored once with both settings (precision 0.914 -> 0.975, writer's names 0.943 -> 1.0,
    the same recall).
    """

    def __init__(
        self,
        C: float = 1.0,
        threshold: float = 0.8,
        with_rules: bool = False,
        unlisted_single_words: bool = False,
        max_iter: int = 300,
    ):
        self.C = C
        self.threshold = threshold
        self.with_rules = with_rules
        self.unlisted_single_words = unlisted_single_words
        self.max_iter = max_iter

    def fit(self, texts: Sequence[str], spans: Sequence[Sequence[tuple]]) -> "NameTagger":
        """Fit on ``texts`` and, per text, its name spans (start, end, owner) - other kinds are left out."""
        rows, labels = [], []
        features = [_training_rows(text, self.with_rules) for text in texts]
        for (words, matrix), text_spans in zip(features, spans, strict=True):
            rows.append(matrix)
            labels.extend(token_labels(words, annotated_names(text_spans)))
        matrix = scipy.sparse.vstack(rows).tocsr()
        self.classifier_ = LogisticRegression(C=self.C, max_iter=self.max_iter)
        self.classifier_.fit(matrix, [LABELS.index(label) for label in labels])
        self.classes_ = np.array(LABELS)
        return self

    def token_probabilities(self, texts: Sequence[str]) -> list[tuple[list[Token], np.ndarray]]:
        """Per text its tokens and their label probabilities (columns in :data:`LABELS` order); the texts' tokens
        are scored together, in one call to the classifier."""
        named = [_token_names(text, self.with_rules) for text in texts]
        rows = [row for _, text_rows in named for row in text_rows]
        known = self.classifier_.predict_proba(_hashed(rows)) if rows else None
        results, first = [], 0
        for words, _ in named:
            probabilities = np.zeros((len(words), len(LABELS)))
            if words:
                probabilities[:, self.classifier_.classes_] = known[first : first + len(words)]
                first += len(words)
            results.append((words, probabilities))
        return results


def combined_spans(text: str, tagger_names: Sequence[NameSpan], rule_spans: Sequence[Span] | None = None) -> list[Span]:
    """The rules' spans united with the tagger's names that overlap none of them (sorted): where the rules found
    a name their owner stands, elsewhere the tagger's."""
    rules = list(redact_spans(text) if rule_spans is None else rule_spans)
    added = [
        Span(start, end, "nama", owner)
        for start, end, owner in tagger_names
        if not any(s.start < end and start < s.end for s in rules)
    ]
    return sorted(rules + added)


_TAGGER_SOURCES = ("tagger.py", "tagger_features.py")


@dataclass(frozen=True)
class Masker:
    """What masks a report as a served bundle does: the rule redactor, plus the names of ``tagger`` (a fitted
    :class:`NameTagger`) where no rule span lies, when the bundle carries one. It masks at least what the rules do.

    :attr:`version` is what a stored report records as the masking it went through (and what the admin counts of
    reviewers' masks are grouped by): the rules' version, and with a tagger ``+`` a digest of the tagger.
    """

    tagger: NameTagger | None = None

    def spans(self, text: str) -> list[Span]:
        """The personal data in ``text`` as non-overlapping typed spans, sorted by position."""
        return self.spans_many([text])[0]

    def spans_many(self, texts: Sequence[str]) -> list[list[Span]]:
        """:meth:`spans` of each text; the tagger scores them together."""
        rules = [redact_spans(text) for text in texts]
        if self.tagger is None:
            return rules
        names = self.tagger.predict(texts)
        return [combined_spans(*found) for found in zip(texts, names, rules, strict=True)]

    @cached_property
    def version(self) -> str:
        """:func:`~models.privacy.redactor.redactor_version`, and with a tagger ``+`` the first 8 hex digits of the
        sha256 of its modules' source and its fitted state (``joblib.hash``)."""
        if self.tagger is None:
            return redactor_version()
        here = Path(__file__).parent
        sources = "".join(sha256_file(here / name) for name in _TAGGER_SOURCES)
        return f"{redactor_version()}+{hashlib.sha256((sources + joblib.hash(self.tagger)).encode()).hexdigest()[:8]}"


RULES_ONLY = Masker()
"""The rule redactor alone: how training texts are masked, and how a bundle without a tagger masks."""
