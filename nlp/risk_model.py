"""The model layer of risk detection and the detector that joins it with the phrases.

Why character n-grams and a linear model: the answers are short, misspelt and dialectal (俺, 伢, 寻短见), a word
segmenter splits them unpredictably, and a linear model on 1–3 character grams trains in about a second from the
bundled set and scores thousands of answers a second. It is trained in memory at first use (nothing is loaded from
disk, so no pickle is ever read).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

from nlp.normalize import normalize_many
from nlp.risk import (
    FIGURATIVE_RE,
    RISK_KINDS,
    TARGET_RECALL,
    THREAT_TO_LIFE,
    RiskAssessment,
    RiskDetector,
    RiskFlag,
    RiskRow,
    any_phrase,
    figurative_gate,
    phrase_hits,
    read_risk_rows,
    urgency_of,
)
from nlp.vectorize import compile_chars

HARD_WEIGHT = 5.0
RISK_TRAINING_FILES = (
    "risk_train.jsonl",
    "risk_train2.jsonl",
    "risk_dev.jsonl",
    "risk_dev2.jsonl",
    "risk_dev3.jsonl",
)
# Needs answers that may touch on a disclosure are not taken as ordinary examples.
_NOT_ORDINARY_NEEDS = {"legal_rights", "mental_health"}


def bundled(name: str) -> Path:
    with resources.as_file(resources.files("evals").joinpath("data", name)) as p:
        return Path(p)


def bundled_risk_data() -> list[Path]:
    return [p for p in map(bundled, RISK_TRAINING_FILES) if p.exists()]


def ordinary_needs_answers() -> list[RiskRow]:
    """The bundled needs-training answers as ordinary examples, except those labelled legal rights or mental
    health and those a risk phrase names (either may be a disclosure).

    Why: the risk set's ordinary answers were written to trap the detector; without the plain needs answers the
    model took everyday hardship (a sick husband, a leaking roof) for acute risk on a third of real-looking answers.
    """
    from nlp.labelled import read_labelled

    out = []
    for row in read_labelled(bundled("needs_train.jsonl")):
        if _NOT_ORDINARY_NEEDS.isdisjoint(row.needs) and not phrase_hits(normalize_many([row.text])[0]):
            out.append(RiskRow("needs:" + row.id, row.text, []))
    return out


def training_rows() -> tuple[list[RiskRow], str]:
    """Every bundled training row and a digest of the files they came from (part of the detector's version)."""
    paths = bundled_risk_data() + [bundled("needs_train.jsonl")]
    rows = [r for p in bundled_risk_data() for r in read_risk_rows(p)] + ordinary_needs_answers()
    digest = hashlib.sha256(b"".join(hashlib.sha256(p.read_bytes()).digest() for p in paths)).hexdigest()
    return rows, digest


@dataclass
class RiskModel:
    """Column 0: any risk at all (the gate); columns 1…: each kind. One character n-gram vocabulary for all."""

    vectorizer: TfidfVectorizer
    models: list[LogisticRegression]

    @classmethod
    def fit(cls, texts: Sequence[str], y: np.ndarray, weight: np.ndarray | None = None) -> RiskModel:
        vec = new_vectorizer()
        return cls(vec, fit_models(vec.fit_transform(model_view(normalize_many(list(texts)))), y, weight))

    @functools.cached_property
    def compiled(self) -> Any:
        """The fitted vocabulary as an integer table: the whole batch in a few array operations, the same
        matrix as the vectoriser's own transform (a test compares them)."""
        return compile_chars(self.vectorizer)

    @functools.cached_property
    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        """The models' coefficients side by side and their intercepts: one sparse product scores every model."""
        coef = np.column_stack([m.coef_[0] for m in self.models])
        return coef, np.array([m.intercept_[0] for m in self.models])

    def proba(self, normalized: Sequence[str]) -> np.ndarray:
        """Per text (already ``normalize_many``-ed): the gate's probability, then each kind's (what each model's
        ``predict_proba`` gives, a test compares them)."""
        X = self.compiled.transform(model_view(normalized))
        coef, intercept = self.weights
        return expit(np.asarray(X @ coef) + intercept)


def new_vectorizer() -> TfidfVectorizer:
    # lowercase off and float64: exactly what the compiled table reproduces (model_view lowercases itself)
    return TfidfVectorizer(
        analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, lowercase=False, dtype=np.float64
    )


def fit_models(X: Any, y: np.ndarray, weight: np.ndarray | None) -> list[LogisticRegression]:
    """The gate (any risk) and one model per kind, on one feature matrix."""
    targets = np.column_stack([y.any(axis=1), y]).astype(np.int8)
    with threadpool_limits(1):  # small sparse fits: a second BLAS thread only spins on a shared machine
        return [
            LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear").fit(
                X, targets[:, j], sample_weight=weight
            )
            for j in range(targets.shape[1])
        ]


def model_view(normalized: Sequence[str]) -> list[str]:
    """Everyday uses of risk words (打工, 累死了) blanked, so that 打 and 死 keep their weight. The texts come from
    ``normalize_many``, which already lower-cases them and writes each run of blanks as one space (what sklearn's
    character analyser would otherwise do)."""
    fig = figurative_gate()
    return [FIGURATIVE_RE.sub("□", t) if fig.search(t) else t for t in normalized]


def label_matrix(rows: Sequence[RiskRow]) -> np.ndarray:
    return np.array([[k in r.risk for k in RISK_KINDS] for r in rows], dtype=np.int8)


def phrase_matrix(texts: Sequence[str]) -> np.ndarray:
    hits = [phrase_hits(t) for t in normalize_many(list(texts))]
    return np.array([[k in h for k in RISK_KINDS] for h in hits], dtype=bool)


def row_weights(rows: Sequence[RiskRow]) -> np.ndarray:
    """Ordinary answers written as traps (the risk sets' own) weigh more than plain needs answers."""
    return np.array([1.0 if r.id.startswith("needs:") else HARD_WEIGHT for r in rows])


def out_of_fold(rows: Sequence[RiskRow], folds: int = 5, seed: int = 0) -> np.ndarray:
    """Each training answer scored by a model that did not see it (for choosing thresholds honestly)."""
    texts = [r.text for r in rows]
    y = label_matrix(rows)
    w = row_weights(rows)
    # One vocabulary for all folds (it sees no labels), so the texts are vectorised once, not once per fold.
    X = new_vectorizer().fit_transform(model_view(normalize_many(texts)))
    oof = np.zeros((len(rows), len(RISK_KINDS) + 1), dtype=np.float64)
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(texts):
        models = fit_models(X[train], y[train], w[train])
        oof[test] = np.column_stack([m.predict_proba(X[test])[:, 1] for m in models])
    return oof


def _highest(scores: np.ndarray, covered: np.ndarray, target: float) -> float:
    """The highest threshold at which ``covered | scores >= t`` still holds for ``target`` of the rows."""
    for t in np.arange(0.95, 0.02, -0.01):
        if ((scores >= t) | covered).mean() >= target:
            return float(t)
    return 0.02


def choose_thresholds(
    y: np.ndarray, oof: np.ndarray, rules: np.ndarray, target: float = TARGET_RECALL
) -> np.ndarray:
    """The gate's threshold (any risk) and each kind's, the highest that keep cross-validated recall at ``target``.

    A kind is flagged by the model only when the gate also passes, which is what keeps ordinary answers unflagged;
    within flagged answers the kind thresholds only decide which kinds, so they may be low."""
    risky = y.any(axis=1)
    gate = _highest(oof[risky, 0], rules[risky].any(axis=1), target)
    out = [gate]
    for j in range(len(RISK_KINDS)):
        pos = y[:, j] == 1
        reach = (oof[:, 0] >= gate) | rules[:, j]  # rows the kind's threshold can still decide
        sel = pos & reach
        out.append(_highest(oof[sel, j + 1], rules[sel, j], target) if sel.any() else 0.5)
    return np.array(out)


class TrainedRiskDetector(RiskDetector):
    """Phrases, or the gate and the kind's model; urgency from the kinds' pressing cues."""

    def __init__(self, model: RiskModel, thresholds: np.ndarray, version: str) -> None:
        self.model = model
        self.thresholds = thresholds
        self.version = version

    def assess(self, texts: Sequence[str]) -> list[RiskAssessment]:
        if not texts:
            return []
        normal = normalize_many(list(texts))
        proba = self.model.proba(normal)
        gated = (proba[:, 0] >= self.thresholds[0]).tolist()
        quick = any_phrase().search
        # Most answers: no phrase and the gate closed, so nothing to flag and no per-kind work.
        return [
            self._one(text, p) if gate or quick(text) else RiskAssessment()
            for text, p, gate in zip(normal, proba, gated, strict=True)
        ]

    def _one(self, text: str, p: np.ndarray) -> RiskAssessment:
        hits = phrase_hits(text)
        gate = p[0] >= self.thresholds[0]
        by_model = [gate and p[j + 1] >= self.thresholds[j + 1] for j in range(len(RISK_KINDS))]
        if gate and not any(by_model) and not hits:
            by_model[int(np.argmax(p[1:]))] = (
                True  # the gate says risk: the likeliest kind, so a person sees it
            )
        if by_model[1] and "self_harm" not in hits and "violence" in hits and THREAT_TO_LIFE.search(text):
            by_model[1] = False  # death feared at someone else's hands (我怕被打死) is violence, not despair
        flags = []
        for j, kind in enumerate(RISK_KINDS):
            if kind in hits or by_model[j]:
                source = (
                    "rule+model" if kind in hits and by_model[j] else ("rule" if kind in hits else "model")
                )
                flags.append(RiskFlag(kind, round(float(p[j + 1]), 4), source, hits.get(kind, "")))
        return RiskAssessment(flags, urgency_of(text, [f.kind for f in flags]))


def train_risk_detector(
    rows: Sequence[RiskRow], *, data_digest: str = "", target: float = TARGET_RECALL
) -> TrainedRiskDetector:
    texts = [r.text for r in rows]
    y = label_matrix(rows)
    thresholds = choose_thresholds(y, out_of_fold(rows), phrase_matrix(texts), target)
    version = "risk-" + hashlib.sha256((data_digest + repr(thresholds.round(2))).encode()).hexdigest()[:10]
    return TrainedRiskDetector(RiskModel.fit(texts, y, row_weights(rows)), thresholds, version)


@lru_cache(maxsize=1)
def default_risk_detector() -> TrainedRiskDetector:
    """Trained from the bundled risk set at first use in a process (about two seconds), then kept."""
    rows, digest = training_rows()
    return train_risk_detector(rows, data_digest=digest)
