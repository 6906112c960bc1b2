"""The classify suite: the needs/groups tagger on a held-out test set and by k-fold cross-validation.

Reported side by side on the same rows: the model (classifier + rules, as the system tags), the keyword
baseline and, when configured, the LLM tagger. Every F1 and exact match carries a 95% bootstrap interval;
calibration (ECE, reliability), label co-occurrence confusion and Cohen's kappa complete the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.baseline import KeywordTagger
from evals.common import (
    EvalModel,
    TrainTestFiles,
    bundled,
    family_columns,
    label_matrix_of,
    leakage,
    model_for_eval,
    predicted_sets,
    read_rows,
)
from evals.results import SuiteResult, headline
from evals.stats import DEFAULT_RESAMPLES, cohen_kappa, multilabel_report, reliability
from evals.suite import Description, Metrics, Suite
from evals.suites.classify_report import classify_notes, classify_plots, classify_tables
from fuqing.config import Settings
from nlp.labelled import LabelledRow, read_labelled
from nlp.tagger import Tagger, analysable
from nlp.taxonomy import taxonomy


@dataclass
class ClassifyData:
    rows: list[LabelledRow]
    train_rows: list[LabelledRow]
    model: EvalModel
    systems: dict[str, Tagger]
    reviewed: list[LabelledRow] | None  # None: no database to take human reviews from

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.rows]

    @property
    def gold(self) -> np.ndarray:
        return label_matrix_of([r.labels for r in self.rows])


@dataclass
class FoldPredictions:
    """Cross-validation's answers: row i predicted by the model of the fold that held row i out."""

    rows: list[LabelledRow]
    predicted: np.ndarray
    held_out: list[np.ndarray]  # per fold, the indices of the rows it predicted


@dataclass
class ClassifyOutputs:
    labels: dict[str, list[list[str]]]  # per system, the label set of each test row
    proba: np.ndarray  # the model's probability per test row and label
    reviewed: list[list[str]]  # the model's labels of the human-reviewed responses
    cv: FoldPredictions | None


def cooccurrence(Y: np.ndarray, P: np.ndarray, ids: list[str]) -> dict[str, Any]:
    """Row = gold label, column = predicted label: the share of responses with the gold label that got the
    predicted one. The diagonal is recall; off the diagonal are the labels the model confuses it with."""
    support = Y.sum(axis=0)
    counts = Y.T @ P
    rates = np.divide(
        counts, support[:, None], out=np.zeros(counts.shape, dtype=float), where=support[:, None] > 0
    )
    spurious = Y.T @ (P * (1 - Y))  # gold i present, j predicted although j is not gold
    pairs = [
        {"gold": ids[i], "predicted": ids[j], "count": int(spurious[i, j])}
        for i in range(len(ids))
        for j in range(len(ids))
        if i != j and spurious[i, j] > 0
    ]
    pairs.sort(key=lambda p: -p["count"])
    wrong = np.divide(
        spurious, support[:, None], out=np.zeros(spurious.shape, dtype=float), where=support[:, None] > 0
    )
    return {
        "labels": ids,
        "rates": np.round(rates, 4).tolist(),
        "spurious_rates": np.round(wrong, 4).tolist(),
        "top_confusions": pairs[:10],
    }


def reviewed_responses(settings: Settings) -> list[LabelledRow] | None:
    """Responses a person reviewed, with the reviewer's labels; None when there is no database to ask."""
    if not settings.database_url and not (settings.resolved_home / "fuqing.db").exists():
        return None
    from fuqing.db import open_database
    from survey.review import reviewed_examples

    db = open_database(settings)
    try:
        with db.session() as s:
            return reviewed_examples(s)
    finally:
        db.dispose()


def human_agreement(reviewed: list[LabelledRow] | None, predicted: list[list[str]]) -> dict[str, Any] | None:
    """Kappa of the evaluated model against human labels of reviewed responses in the database, if any."""
    if reviewed is None:
        return None
    if not reviewed:
        return {"n": 0, "per_label": {}}
    H = label_matrix_of([r.labels for r in reviewed])
    M = label_matrix_of(predicted)
    per_label = {lab: cohen_kappa(M[:, j], H[:, j]) for j, lab in enumerate(taxonomy().ids)}
    return {"n": len(reviewed), "per_label": per_label}


def cross_validate(rows: list[LabelledRow], folds: int) -> FoldPredictions:
    """k-fold CV on the training file: each fold trains a fresh model on the other folds only."""
    from sklearn.model_selection import KFold

    from nlp.model_store import fit_model
    from nlp.tagger import ModelTagger

    P = np.zeros_like(label_matrix_of([r.labels for r in rows]))
    held_out = []
    for k, (tr, te) in enumerate(KFold(folds, shuffle=True, random_state=0).split(rows)):
        tagger = ModelTagger(fit_model([rows[i] for i in tr]), f"cv-fold-{k}")
        P[te] = label_matrix_of(predicted_sets(tagger, [rows[i].text for i in te]))
        held_out.append(te)
    return FoldPredictions(rows, P, held_out)


def cv_report(cv: FoldPredictions, resamples: int) -> dict[str, Any]:
    """Each fold's figures, their mean and spread, and the pooled out-of-fold predictions with intervals."""
    ids, fams = taxonomy().ids, family_columns()
    Y, P, folds = label_matrix_of([r.labels for r in cv.rows]), cv.predicted, len(cv.held_out)
    per_fold = []
    for k, te in enumerate(cv.held_out):
        rep = multilabel_report(Y[te], P[te], ids, fams, resamples=1)
        per_fold.append(
            {
                "fold": k,
                "n": len(te),
                "groups_macro_f1": rep["groups"]["macro_f1"],
                "needs_macro_f1": rep["needs"]["macro_f1"],
                "micro_f1": rep["all"]["micro_f1"],
                "exact_match": rep["all"]["exact_match"],
            }
        )
    pooled = multilabel_report(Y, P, ids, fams, resamples=resamples)
    spread = {
        key: {
            "mean": round(float(np.mean([f[key] for f in per_fold])), 4),
            "sd": round(float(np.std([f[key] for f in per_fold], ddof=1)) if folds > 1 else 0.0, 4),
        }
        for key in ("groups_macro_f1", "needs_macro_f1", "micro_f1", "exact_match")
    }
    return {"folds": folds, "n": len(cv.rows), "per_fold": per_fold, "mean_sd": spread, "pooled": pooled}


def calibration(Y: np.ndarray, proba: np.ndarray) -> dict[str, Any]:
    """ECE and the reliability table over all labels, and the ECE of each family on its own."""
    ece, table = reliability(Y, proba)
    per_family = {
        f"ece_{fam}": reliability(Y[:, cols], proba[:, cols])[0] for fam, cols in family_columns().items()
    }
    return {"ece": ece, "table": table, **per_family}


def classify_headline(
    reports: dict[str, dict[str, Any]], ece: float, cv: dict[str, Any] | None
) -> dict[str, Any]:
    head: dict[str, Any] = {}
    for name, rep in reports.items():
        for fam in ("groups", "needs"):
            head[f"{name}.{fam}.macro_f1"] = headline(rep[fam]["macro_f1"], rep[fam]["macro_f1_ci"])
        head[f"{name}.micro_f1"] = headline(rep["all"]["micro_f1"], rep["all"]["micro_f1_ci"])
        head[f"{name}.exact_match"] = headline(rep["all"]["exact_match"], rep["all"]["exact_match_ci"])
    head["model.ece"] = headline(ece, None, higher_is_better=False)
    if cv:
        for fam in ("groups", "needs"):
            block = cv["pooled"][fam]
            head[f"cv.{fam}.macro_f1"] = headline(block["macro_f1"], block["macro_f1_ci"])
        pooled = cv["pooled"]["all"]
        head["cv.exact_match"] = headline(pooled["exact_match"], pooled["exact_match_ci"])
    return head


@dataclass
class ClassifySuite(TrainTestFiles, Suite[ClassifyData, ClassifyOutputs]):
    folds: int = 5
    limit: int | None = None
    resamples: int = DEFAULT_RESAMPLES
    llm_tagger: Tagger | None = None
    keywords: Path | None = None

    name = "classify"

    def system_names(self) -> list[str]:
        return ["model", "keywords"] + (["llm"] if self.llm_tagger is not None else [])

    def config(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "limit": self.limit,
            "resamples": self.resamples,
            "systems": self.system_names(),
        }

    def datasets(self) -> dict[str, Path]:
        keywords = Path(self.keywords or bundled("keyword_baseline.yaml"))
        return {"train": self.train_file, "test": self.test_file, "keywords": keywords}

    def load(self, settings: Settings) -> ClassifyData:
        rows = read_rows(self.test_file, self.limit)
        train_rows = read_labelled(self.train_file)
        model = model_for_eval(settings, self.train_file, self.test_file)
        systems: dict[str, Tagger] = {"model": model.tagger, "keywords": KeywordTagger(self.keywords)}
        if self.llm_tagger is not None:
            systems["llm"] = self.llm_tagger
        return ClassifyData(rows, train_rows, model, systems, reviewed_responses(settings))

    def predict(self, data: ClassifyData) -> ClassifyOutputs:
        texts, tagger = data.texts, data.model.tagger
        labels = {name: predicted_sets(t, texts) for name, t in data.systems.items()}
        proba = tagger.model.predict_proba([analysable(t)[0] for t in texts])
        reviewed = predicted_sets(tagger, [r.text for r in data.reviewed]) if data.reviewed else []
        cv_rows = data.train_rows[: self.limit] if self.limit else data.train_rows
        cv = cross_validate(cv_rows, self.folds) if self.folds and self.folds > 1 else None
        return ClassifyOutputs(labels, proba, reviewed, cv)

    def score(self, data: ClassifyData, outputs: ClassifyOutputs) -> Metrics:
        ids, fams, Y = taxonomy().ids, family_columns(), data.gold
        mats = {name: label_matrix_of(p) for name, p in outputs.labels.items()}
        reports = {
            name: multilabel_report(Y, m, ids, fams, resamples=self.resamples) for name, m in mats.items()
        }
        calib = calibration(Y, outputs.proba)
        cv = cv_report(outputs.cv, self.resamples) if outputs.cv else None
        return {
            "headline": classify_headline(reports, calib["ece"], cv),
            "n": len(data.rows),
            "model_version": data.model.tagger.version,
            "model_source": data.model.source,
            "leaked_test_texts": leakage(data.train_rows, data.rows),
            "systems": reports,
            "system_versions": {name: t.version for name, t in data.systems.items()},
            "calibration": calib,
            "kappa_vs_test_labels": {
                name: {lab: cohen_kappa(m[:, j], Y[:, j]) for j, lab in enumerate(ids)}
                for name, m in mats.items()
            },
            "kappa_vs_human_reviews": human_agreement(data.reviewed, outputs.reviewed),
            "cooccurrence": cooccurrence(Y, mats["model"], ids),
            "cv": cv,
        }

    def describe(self, data: ClassifyData, outputs: ClassifyOutputs, metrics: Metrics) -> Description:
        ids = taxonomy().ids
        predictions = [
            {
                "id": r.id,
                "text": r.text,
                "gold": r.labels,
                **{name: outputs.labels[name][i] for name in data.systems},
                "proba": {lab: round(float(outputs.proba[i, j]), 4) for j, lab in enumerate(ids)},
            }
            for i, r in enumerate(data.rows)
        ]
        notes = classify_notes(metrics, self.test_file)
        return Description(predictions, classify_tables(metrics), classify_plots(metrics), notes)


def run_classify(settings: Settings, **options: Any) -> SuiteResult:
    """The suite in one call, as tests and scripts use it (options: :class:`ClassifySuite`)."""
    return ClassifySuite(**options).run(settings)
