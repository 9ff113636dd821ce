"""Text classifier that suggests a report's category (or any other label of its text)."""

from collections.abc import Iterable, Sequence

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_union
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from models.errors import TooFewReportsError
from models.sentence_vectors import INT8, MAX_TOKENS, embedder_version, sentence_vectors

MIN_RECALIBRATION_REPORTS = 100
"""Fewer held-out reports than this fit no temperature: the estimate would be noise."""

_FLOOR = 1e-12


class EmbedderMismatchError(RuntimeError):
    """A sentence-vector head meets vectors from another embedder than it was trained on."""


class TextClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF word and character n-grams into a linear SVM, optionally averaged with a sentence-vector head.

    Character n-grams carry much of the signal in these reports: citizens misspell,
    abbreviate ("jln", "yg", "PJU") and glue words together, which word features miss.
    On the Surabaya validation split the SVM is as good as class-balanced logistic
    regression (macro-F1 0.461 / 0.455, top-3 0.878 / 0.880), better calibrated, and fits
    in half the time (`triase select`).

    With `embedding_weight` > 0 the probabilities are a weighted average with a
    class-balanced logistic regression on frozen multilingual-e5 vectors (from
    `embedder_dir`, truncated to `embedding_max_tokens`, 8-bit unless `embedding_int8` is
    off; see `models.sentence_vectors`). The head alone is weaker than the
    SVM, but it knows paraphrases the n-grams miss and, balanced, it lifts the rare
    categories: +0.03 to +0.05 validation macro-F1 on Surabaya. Explanations always come
    from the SVM's word n-grams.

    Reviewers act on the confidence shown, so the scores are calibrated twice. Per-class
    sigmoids are fitted on cross-validated SVM scores (one SVM trained on everything, which
    beats averaging the folds' SVMs by ~0.03 macro-F1). Cross-validation mixes old and new
    reports, while the model always predicts the future, and topics drift; so a temperature
    is then fitted on the latest `recalibration_fraction` of the training texts, predicted
    by a model fitted on the earlier ones. `fit` therefore expects `X` in time order.
    """

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (2, 5),
        max_word_features: int = 100_000,
        max_char_features: int = 200_000,
        min_df: int = 2,
        C: float = 0.1,
        calibration: str = "sigmoid",
        calibration_folds: int = 3,
        average_fold_models: bool = False,
        recalibration_fraction: float = 0.15,
        embedding_weight: float = 0.0,
        embedder_dir: str | None = None,
        embedding_C: float = 30.0,
        embedding_max_tokens: int = MAX_TOKENS,
        embedding_int8: bool = INT8,
    ):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.min_df = min_df
        self.C = C
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.average_fold_models = average_fold_models
        self.recalibration_fraction = recalibration_fraction
        self.embedding_weight = embedding_weight
        self.embedder_dir = embedder_dir
        self.embedding_C = embedding_C
        self.embedding_max_tokens = embedding_max_tokens
        self.embedding_int8 = embedding_int8

    def _build(self) -> Pipeline:
        features = make_union(
            TfidfVectorizer(
                sublinear_tf=True,
                min_df=self.min_df,
                ngram_range=self.word_ngram_range,
                max_features=self.max_word_features,
            ),
            TfidfVectorizer(
                sublinear_tf=True,
                min_df=self.min_df,
                analyzer="char_wb",
                ngram_range=self.char_ngram_range,
                max_features=self.max_char_features,
            ),
        )
        model = CalibratedClassifierCV(
            LinearSVC(C=self.C, random_state=0),  # liblinear shuffles: a fixed seed makes retraining reproducible
            cv=self.calibration_folds,
            method=self.calibration,
            ensemble=self.average_fold_models,
        )
        return Pipeline([("features", features), ("model", model)])

    def fit(self, X: Iterable[str], y: Sequence[str]) -> "TextClassifier":
        """Fit on `X` in time order (oldest first): the latest `recalibration_fraction` set the temperature."""
        texts = list(X)
        labels = np.asarray(list(y))
        if len(texts) != len(labels):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        if len(set(labels)) < 2:
            raise ValueError("need at least two distinct labels to train a classifier")
        names, counts = np.unique(labels, return_counts=True)
        scarce = names[counts < self.calibration_folds]
        if len(scarce):
            raise TooFewReportsError(
                f"label '{scarce[0]}' has {counts[counts < self.calibration_folds][0]} training report(s) "
                f"({len(scarce)} label(s) have fewer than {self.calibration_folds}, the calibration folds): raise "
                "TRIASE_MIN_REPORTS_PER_CATEGORY / TRIASE_MIN_REPORTS_PER_AGENCY so they are folded into 'Lainnya', "
                "or train with --rare drop"
            )
        if self.embedding_weight > 0 and not self.embedder_dir:
            raise ValueError("embedding_weight > 0 needs embedder_dir, the sentence-transformers embedder folder")
        self.embedder_version_ = embedder_version() if self.embedding_weight > 0 else None
        vectors = self._vectors(texts)
        self.temperature_ = self._fit_holdout(texts, vectors, labels)
        self.pipeline_, self.embedding_head_ = self._fit_parts(texts, vectors, labels)
        self.classes_ = self.pipeline_.classes_
        self.phrase_weights_ = self._phrase_weights()
        self.phrases_ = self.pipeline_.named_steps["features"].transformer_list[0][1].get_feature_names_out()
        return self

    def _vectors(self, texts: list[str]) -> np.ndarray | None:
        if self.embedding_weight <= 0:
            return None
        if self.embedder_version_ != embedder_version():
            raise EmbedderMismatchError(
                f"this classifier's head was trained on sentence vectors of embedder {self.embedder_version_}, "
                f"but this code builds {embedder_version()}: retrain the model"
            )
        return sentence_vectors(texts, str(self.embedder_dir), self.embedding_max_tokens, self.embedding_int8)

    def _fit_parts(
        self, texts: list[str], vectors: np.ndarray | None, labels: np.ndarray
    ) -> tuple[Pipeline, LogisticRegression | None]:
        pipeline = self._build().fit(texts, labels)
        head = None
        if vectors is not None:
            head = LogisticRegression(C=self.embedding_C, class_weight="balanced", max_iter=3000).fit(vectors, labels)
        return pipeline, head

    def _combined_proba(
        self,
        pipeline: Pipeline,
        head: LogisticRegression | None,
        texts: list[str],
        vectors: np.ndarray | None,
        features=None,
    ) -> np.ndarray:
        proba = pipeline.predict_proba(texts) if features is None else pipeline[-1].predict_proba(features)
        if head is None:
            return proba
        return (1 - self.embedding_weight) * proba + self.embedding_weight * head.predict_proba(vectors)

    def _fit_holdout(self, texts: list[str], vectors: np.ndarray | None, labels: np.ndarray) -> float:
        """Predict the latest texts with a model of the earlier ones; the temperature that fits them best.

        Their probabilities are kept (`holdout_*_`, like a forest's out-of-bag scores) because
        they are what thresholds downstream must be chosen on; None when there are none.
        """
        self.holdout_index_ = self.holdout_classes_ = self.holdout_proba_ = None
        n_holdout = round(len(texts) * self.recalibration_fraction)
        n_earlier = len(texts) - n_holdout
        # Cross-validated calibration needs every label in every fold: rarer labels sit out the inner model.
        names, counts = np.unique(labels[:n_earlier], return_counts=True)
        earlier = np.flatnonzero(np.isin(labels[:n_earlier], names[counts >= self.calibration_folds]))
        later = np.arange(n_earlier, len(texts))
        later = later[np.isin(labels[later], labels[earlier])]  # unseen labels say nothing of the inner model's scale
        if n_holdout == 0 or len(later) == 0 or len(set(labels[earlier])) < 2:
            return 1.0
        pipeline, head = self._fit_parts(
            [texts[i] for i in earlier], None if vectors is None else vectors[earlier], labels[earlier]
        )
        proba = self._combined_proba(
            pipeline, head, [texts[i] for i in later], None if vectors is None else vectors[later]
        )
        temperature = 1.0
        if len(later) >= MIN_RECALIBRATION_REPORTS:
            truth = np.searchsorted(pipeline.classes_, labels[later])
            temperature = fit_temperature(np.log(np.maximum(proba, _FLOOR)), truth)
        self.holdout_index_, self.holdout_classes_ = later, pipeline.classes_
        self.holdout_proba_ = apply_temperature(proba, temperature)
        return temperature

    def _phrase_weights(self) -> np.ndarray:
        """Per-class weights of the word n-grams, averaged over the calibrated SVMs (one unless folds are averaged).

        Only word n-grams explain: character fragments mean nothing to a reviewer.
        """
        n_words = len(self.pipeline_.named_steps["features"].transformer_list[0][1].vocabulary_)
        folds = self.pipeline_.named_steps["model"].calibrated_classifiers_
        weights = np.mean([fold.estimator.coef_[:, :n_words] for fold in folds], axis=0)
        if weights.shape[0] == 1:  # binary SVMs keep one row, for the second class
            weights = np.vstack([-weights, weights])
        return weights.astype(np.float32)

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        return self.predict_proba_from(X)

    def predict_proba_from(self, X: Iterable[str], features=None, vectors: np.ndarray | None = None) -> np.ndarray:
        """`predict_proba` from what the caller holds already, so nothing is computed twice: `features` from
        `text_features` (this classifier's, or one's whose features it shares, see `adopt_text_features`),
        `vectors` built as `_vectors` builds them (this classifier's embedder, `embedding_max_tokens`,
        `embedding_int8`)."""
        check_is_fitted(self, "pipeline_")
        texts = list(X)
        if self.embedding_weight <= 0:
            vectors = None
        elif vectors is None:
            vectors = self._vectors(texts)
        else:
            vectors = np.asarray(vectors, dtype=np.float32)
        proba = self._combined_proba(self.pipeline_, self.embedding_head_, texts, vectors, features)
        return apply_temperature(proba, self.temperature_)

    def text_features(self, X: Iterable[str]):
        """The TF-IDF word and character n-grams the SVM reads (a sparse matrix, word n-grams first)."""
        check_is_fitted(self, "pipeline_")
        return self._text_features.transform(list(X))

    @property
    def _text_features(self) -> FeatureUnion:
        return self.pipeline_.named_steps["features"]

    def shares_text_features(self, other: "TextClassifier") -> bool:
        """Whether `other.text_features` are this classifier's too (see `adopt_text_features`)."""
        return self._text_features is other._text_features

    def adopt_text_features(self, other: "TextClassifier") -> bool:
        """Read `other`'s fitted n-gram features from now on if they equal this classifier's (same settings,
        vocabulary and weights: both fitted on the same texts), so one copy is kept and each text is transformed
        once for both. True if they are shared."""
        if not self.shares_text_features(other) and _same_fitted_features(self._text_features, other._text_features):
            self.pipeline_.steps[0] = ("features", other._text_features)
        return self.shares_text_features(other)

    def predict(self, X: Iterable[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def top_k(self, X: Iterable[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """The `k` most probable labels of each text, most probable first."""
        return self.rank(self.predict_proba(X), k)

    def rank(self, proba: np.ndarray, k: int = 3) -> list[list[tuple[str, float]]]:
        """`top_k` from probabilities already computed."""
        k = min(k, proba.shape[1])
        order = np.argsort(-proba, axis=1)[:, :k]
        return [[(str(self.classes_[j]), float(row[j])) for j in idx] for row, idx in zip(proba, order)]

    def explain(
        self, texts: Iterable[str], labels: Sequence[str], k: int = 5, features=None
    ) -> list[list[tuple[str, float]]]:
        """For each text, the word n-grams that pushed it most towards its label, strongest first; `features`:
        the texts' `text_features`, when the caller holds them already."""
        check_is_fitted(self, "phrase_weights_")
        if features is None:
            features = self.text_features(texts)
        words = features[:, : len(self.phrases_)]  # the word n-grams come first
        row_of = {label: i for i, label in enumerate(self.classes_)}
        explanations = []
        for tfidf, label in zip(words, labels):
            contributions = tfidf.data * self.phrase_weights_[row_of[label], tfidf.indices]
            order = np.argsort(-contributions)[:k]
            explanations.append(
                [(str(self.phrases_[tfidf.indices[j]]), float(contributions[j])) for j in order if contributions[j] > 0]
            )
        return explanations


def _same_fitted_features(a: FeatureUnion, b: FeatureUnion) -> bool:
    """Whether two fitted unions of TF-IDF vectorizers transform every text alike."""
    if len(a.transformer_list) != len(b.transformer_list):
        return False
    for (_, first), (_, second) in zip(a.transformer_list, b.transformer_list):
        if type(first) is not type(second) or first.get_params() != second.get_params():
            return False
        if first.vocabulary_ != second.vocabulary_ or not np.array_equal(first.idf_, second.idf_):
            return False
    return True


def fit_temperature(log_proba: np.ndarray, truth: np.ndarray) -> float:
    """The temperature T minimising the log loss of `softmax(log_proba / T)` against class indices `truth`."""
    rows = np.arange(len(truth))

    def log_loss(temperature: float) -> float:
        scaled = log_proba / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(scaled).sum(axis=1)) - scaled[rows, truth]))

    return float(minimize_scalar(log_loss, bounds=(0.05, 20.0), method="bounded").x)


def apply_temperature(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities sharpened (T < 1) or softened (T > 1); the ranking of classes is unchanged."""
    if temperature == 1.0:
        return proba
    scaled = np.log(np.maximum(proba, _FLOOR)) / temperature
    scaled = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    return scaled / scaled.sum(axis=1, keepdims=True)
