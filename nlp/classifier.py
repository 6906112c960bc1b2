"""Linear text classifiers over word and character n-grams, following scikit-learn's conventions.

``NeedsClassifier`` is multi-label (one calibrated logistic regression per label, each with its own decision
threshold chosen by cross-validation on the training data); ``TextClassifier`` is the single-label variant of
the same engine, used to measure the engine on other label sets (taidi2020c).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from nlp.features import normalized, words


def make_features(
    word_min_df: int = 1,
    char_ngrams: tuple[int, int] = (1, 3),
    char_min_df: int = 2,
    max_char_features: int | None = 300_000,
) -> FeatureUnion:
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=word_min_df)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char",
                    preprocessor=normalized,
                    ngram_range=char_ngrams,
                    sublinear_tf=True,
                    min_df=char_min_df,
                    max_features=max_char_features,
                ),
            ),
        ]
    )


def _best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability cut that maximises F1 for one label (on out-of-fold predictions)."""
    best_t, best_f = 0.5, -1.0
    for t in np.arange(0.15, 0.86, 0.025):
        pred = p >= t
        tp = float(np.sum(pred & (y == 1)))
        fp = float(np.sum(pred & (y == 0)))
        fn = float(np.sum(~pred & (y == 1)))
        f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f > best_f + 1e-9:
            best_t, best_f = float(t), f
    return best_t


class NeedsClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label tagger: ``fit(texts, Y)`` with Y an (n, n_labels) 0/1 matrix; ``predict_proba`` gives (n, n_labels).

    Per label: a logistic regression on word + character n-grams; its out-of-fold scores (``cv`` folds) fit a
    Platt sigmoid, so probabilities are calibrated, and choose the label's decision threshold (best F1). One
    cross-validation serves both, which keeps training on 2,000 texts to seconds.
    """

    def __init__(
        self,
        labels: Sequence[str] = (),
        C: float = 3.0,
        class_weight: str | None = "balanced",
        char_ngrams: tuple[int, int] = (1, 3),
        cv: int = 5,
        tune_thresholds: bool = True,
        random_state: int = 0,
    ):
        self.labels = labels
        self.C = C
        self.class_weight = class_weight
        self.char_ngrams = char_ngrams
        self.cv = cv
        self.tune_thresholds = tune_thresholds
        self.random_state = random_state

    def _lr(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=3000, class_weight=self.class_weight)

    def fit(self, X: Sequence[str], Y: Any) -> NeedsClassifier:
        Y = np.asarray(Y, dtype=int)
        if Y.ndim != 2 or Y.shape[0] != len(X):
            raise ValueError("Y must be an (n_samples, n_labels) 0/1 matrix")
        self.classes_ = np.asarray(list(self.labels) or [str(i) for i in range(Y.shape[1])])
        self.features_ = make_features(char_ngrams=self.char_ngrams)
        x = self.features_.fit_transform(list(X))
        n_labels = Y.shape[1]
        self.models_: list[Any] = []
        self.calibrators_ = np.zeros((n_labels, 2))  # Platt: p = sigmoid(a * score + b)
        self.thresholds_ = np.full(n_labels, 0.5)
        folds = (
            list(KFold(self.cv, shuffle=True, random_state=self.random_state).split(x))
            if len(X) >= 4 * self.cv
            else []
        )
        for j in range(n_labels):
            y = Y[:, j]
            if y.min() == y.max():  # never (or always) seen: a constant
                self.models_.append(float(y[0]))
                continue
            oof = np.zeros(len(y))
            usable = bool(folds)
            for train_idx, test_idx in folds:
                if y[train_idx].min() == y[train_idx].max():
                    usable = False
                    break
                oof[test_idx] = self._lr().fit(x[train_idx], y[train_idx]).decision_function(x[test_idx])
            model = self._lr().fit(x, y)
            if not usable:
                oof = model.decision_function(x)
            platt = LogisticRegression(C=1e4).fit(oof.reshape(-1, 1), y)
            self.calibrators_[j] = (platt.coef_[0][0], platt.intercept_[0])
            if self.tune_thresholds and usable:
                self.thresholds_[j] = _best_threshold(y, self._sigmoid(j, oof))
            self.models_.append(model)
        self._stack()
        self.feature_names_ = self._feature_names()
        return self

    def _stack(self) -> None:
        """All labels' weights in one matrix, so a batch is scored with a single sparse product."""
        n_features = len(self._feature_names())
        self.coef_ = np.zeros((len(self.models_), n_features))
        self.intercept_ = np.zeros(len(self.models_))
        self.constant_ = np.full(len(self.models_), np.nan)
        for j, m in enumerate(self.models_):
            if isinstance(m, float):
                self.constant_[j] = m
            else:
                self.coef_[j] = m.coef_[0]
                self.intercept_[j] = m.intercept_[0]

    def _sigmoid(self, j: int, scores: np.ndarray) -> np.ndarray:
        a, b = self.calibrators_[j]
        return 1.0 / (1.0 + np.exp(-(a * scores + b)))

    def transform(self, X: Sequence[str]) -> Any:
        return self.features_.transform(list(X)).tocsr()

    def proba_from_features(self, x: Any) -> np.ndarray:
        scores = np.asarray(x @ self.coef_.T) + self.intercept_
        a, b = self.calibrators_[:, 0], self.calibrators_[:, 1]
        out = 1.0 / (1.0 + np.exp(-(a * scores + b)))
        constant = ~np.isnan(self.constant_)
        out[:, constant] = self.constant_[constant]
        return out

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return self.proba_from_features(self.transform(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def contributions(
        self, text: str, label_index: int, top: int = 4, *, row: Any = None
    ) -> list[tuple[str, float]]:
        """The features that pushed this text towards a label most: the explanation stored with a model label.

        ``row`` is the text's (indices, values) when the caller has transformed it already (once per text, not
        once per label).
        """
        if not np.isnan(self.constant_[label_index]):
            return []
        if row is None:
            x = self.transform([text])
            indices, data = x.indices, x.data
        else:
            indices, data = row
        values = data * self.coef_[label_index, indices]
        names = self.feature_names_
        k = top * 4  # enough to survive de-duplication of overlapping n-grams
        best = np.argpartition(-values, k)[:k] if len(values) > k else np.arange(len(values))
        best = best[np.argsort(-values[best])]
        contrib = [(names[indices[i]], float(values[i])) for i in best if values[i] > 0]
        out: list[tuple[str, float]] = []
        for name, value in contrib:
            key = name.split(":", 1)[1].strip()
            if len(key) < 2 or any(key in k or k in key for k, _ in out):
                continue
            out.append((key, round(value, 4)))
            if len(out) >= top:
                break
        return out

    def _feature_names(self) -> np.ndarray:
        names = []
        for name, vec in self.features_.transformer_list:
            vocab = vec.vocabulary_
            arr = np.empty(len(vocab), dtype=object)
            for term, idx in vocab.items():
                arr[idx] = f"{name}:{term}"
            names.append(arr)
        return np.concatenate(names)


class TextClassifier(ClassifierMixin, BaseEstimator):
    """Single-label variant of the same engine (same features, a linear SVM)."""

    def __init__(
        self, C: float = 0.5, char_ngrams: tuple[int, int] = (1, 3), class_weight: str | None = "balanced"
    ):
        self.C = C
        self.char_ngrams = char_ngrams
        self.class_weight = class_weight

    def fit(self, X: Sequence[str], y: Sequence[str]) -> TextClassifier:
        self.features_ = make_features(word_min_df=2, char_ngrams=self.char_ngrams)
        x = self.features_.fit_transform(list(X))
        self.model_ = LinearSVC(C=self.C, class_weight=self.class_weight).fit(x, list(y))
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.model_.predict(self.features_.transform(list(X)))
