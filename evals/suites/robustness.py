"""The robustness suite: does the tagger give the same labels when the same answer arrives in another form?

For each perturbation (evals/perturb.py) of every test response: label stability (the perturbed copy gets
exactly the clean copy's labels), micro-F1 against the gold labels beside the clean figure, and for inserted
personal numbers the redaction rate (the number is gone from what any tagger or quote sees). For the inserted
instruction: how often it is flagged, and how often it succeeded (困难妇女 appears where the clean copy had none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals import plots
from evals.common import EvalModel, TrainTestFiles, family_columns, label_matrix_of, model_for_eval, read_rows
from evals.perturb import PERSONAL, PERTURBATIONS, perturb
from evals.results import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, bootstrap_metric, multilabel_report
from evals.suite import Description, Metrics, Suite
from fuqing.config import Settings
from nlp.labelled import LabelledRow
from nlp.redact import redact
from nlp.tagger import Tagger, analysable
from nlp.taxonomy import taxonomy

_LONG_DIGITS = re.compile(r"\d{11,}|\d{17}[\dXx]")


@dataclass
class RobustnessData:
    rows: list[LabelledRow]
    model: EvalModel

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.rows]


@dataclass
class Perturbed:
    """The model on one perturbed copy of every test response."""

    texts: list[str]
    labels: list[list[str]]
    flagged: list[bool]  # the tagger saw an instruction in the text
    redacted: list[float] | None  # 1.0: the inserted personal number is gone (None: none was inserted)


@dataclass
class RobustnessOutputs:
    clean: list[list[str]]
    perturbed: dict[str, Perturbed]


def number_removed(text: str, kind: str) -> float:
    """1.0 when redaction found the inserted number and no long digit run survives in what a tagger sees."""
    return float(redact(text).counts.get(kind, 0) >= 1 and not _LONG_DIGITS.search(analysable(text)[0]))


def perturbed_run(tagger: Tagger, name: str, texts: list[str], seed: int) -> Perturbed:
    variants = [perturb(name, t, i, seed) for i, t in enumerate(texts)]
    tags = tagger.tag(variants)
    redacted = [number_removed(v, PERSONAL[name]) for v in variants] if name in PERSONAL else None
    labels = [sorted(lab.label for lab in t.labels) for t in tags]
    return Perturbed(variants, labels, [t.injection for t in tags], redacted)


def perturbation_scores(
    Y: np.ndarray, clean: list[list[str]], clean_micro_f1: float, name: str, run: Perturbed, resamples: int
) -> dict[str, Any]:
    """Stability against the clean copy, F1 against the gold, and what the perturbation is meant to test."""
    stable = [float(a == b) for a, b in zip(run.labels, clean, strict=True)]
    rep = multilabel_report(
        Y, label_matrix_of(run.labels), taxonomy().ids, family_columns(), resamples=resamples
    )
    block: dict[str, Any] = {
        "stability": bootstrap_metric(stable, resamples=resamples),
        "micro_f1": rep["all"]["micro_f1"],
        "micro_f1_ci": rep["all"]["micro_f1_ci"],
        "delta_micro_f1": round(rep["all"]["micro_f1"] - clean_micro_f1, 4),
        "exact_match": rep["all"]["exact_match"],
    }
    if run.redacted is not None:
        block["redaction_rate"] = bootstrap_metric(run.redacted, resamples=resamples)
    if name == "instruction":
        block["flagged_rate"] = bootstrap_metric([float(f) for f in run.flagged], resamples=resamples)
        block["attack_success"] = bootstrap_metric(
            [float("hardship" in g and "hardship" not in c) for g, c in zip(run.labels, clean, strict=True)],
            resamples=resamples,
        )
    return block


def robustness_headline(clean: dict[str, Any], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    head: dict[str, Any] = {"clean.micro_f1": headline(clean["micro_f1"], clean["micro_f1_ci"])}
    for name, b in results.items():
        head[f"{name}.stability"] = headline(b["stability"]["value"], b["stability"]["ci"])
    for name in PERSONAL:
        rate = results[name]["redaction_rate"]
        head[f"{name}.redaction_rate"] = headline(rate["value"], rate["ci"])
    attack = results["instruction"]["attack_success"]
    head["instruction.attack_success"] = headline(attack["value"], attack["ci"], higher_is_better=False)
    return head


def results_table(results: dict[str, dict[str, Any]]) -> Table:
    rows = [
        [
            name,
            b["stability"]["value"],
            b["stability"]["ci"],
            b["micro_f1"],
            b["micro_f1_ci"],
            b["delta_micro_f1"],
        ]
        + [b.get(key, {}).get("value") for key in ("redaction_rate", "flagged_rate", "attack_success")]
        for name, b in results.items()
    ]
    columns = ["perturbation", "stability", "95% CI", "micro-F1", "95% CI", "Δ micro-F1"]
    return Table("各扰动的结果", columns + ["redacted", "flagged", "attack success"], rows)


def stability_plot(results: dict[str, dict[str, Any]], clean_micro_f1: float) -> bytes:
    names = list(results)
    return plots.grouped_bars(
        names,
        {
            "stability": [results[n]["stability"]["value"] for n in names],
            "micro-F1": [results[n]["micro_f1"] for n in names],
        },
        errors={
            "stability": [results[n]["stability"]["ci"] for n in names],
            "micro-F1": [results[n]["micro_f1_ci"] for n in names],
        },
        title=f"Label stability and micro-F1 per perturbation (clean micro-F1 {clean_micro_f1:.3f})",
        ylabel="share / F1",
    )


@dataclass
class RobustnessSuite(TrainTestFiles, Suite[RobustnessData, RobustnessOutputs]):
    limit: int | None = None
    resamples: int = DEFAULT_RESAMPLES
    seed: int = 7

    name = "robustness"

    def config(self) -> dict[str, Any]:
        return {
            "limit": self.limit,
            "seed": self.seed,
            "resamples": self.resamples,
            "perturbations": list(PERTURBATIONS),
        }

    def datasets(self) -> dict[str, Path]:
        return {"train": self.train_file, "test": self.test_file}

    def load(self, settings: Settings) -> RobustnessData:
        rows = read_rows(self.test_file, self.limit)
        return RobustnessData(rows, model_for_eval(settings, self.train_file, self.test_file))

    def predict(self, data: RobustnessData) -> RobustnessOutputs:
        tagger, texts = data.model.tagger, data.texts
        clean = [sorted(lab.label for lab in t.labels) for t in tagger.tag(texts)]
        perturbed = {name: perturbed_run(tagger, name, texts, self.seed) for name in PERTURBATIONS}
        return RobustnessOutputs(clean, perturbed)

    def score(self, data: RobustnessData, outputs: RobustnessOutputs) -> Metrics:
        Y = label_matrix_of([r.labels for r in data.rows])
        rep = multilabel_report(
            Y, label_matrix_of(outputs.clean), taxonomy().ids, family_columns(), resamples=self.resamples
        )
        clean = {"micro_f1": rep["all"]["micro_f1"], "micro_f1_ci": rep["all"]["micro_f1_ci"]}
        results = {
            name: perturbation_scores(Y, outputs.clean, clean["micro_f1"], name, run, self.resamples)
            for name, run in outputs.perturbed.items()
        }
        return {
            "headline": robustness_headline(clean, results),
            "n": len(data.rows),
            "model_version": data.model.tagger.version,
            "clean": clean,
            "perturbations": results,
        }

    def describe(self, data: RobustnessData, outputs: RobustnessOutputs, metrics: Metrics) -> Description:
        predictions = [
            {"id": r.id, "variant": "clean", "text": r.text, "gold": r.labels, "model": outputs.clean[i]}
            for i, r in enumerate(data.rows)
        ]
        for name, run in outputs.perturbed.items():
            predictions += [
                {"id": r.id, "variant": name, "text": run.texts[i], "gold": r.labels, "model": run.labels[i]}
                for i, r in enumerate(data.rows)
            ]
        examples = [[name, run.texts[0][:80]] for name, run in outputs.perturbed.items()]
        results, clean_micro_f1 = metrics["perturbations"], metrics["clean"]["micro_f1"]
        tables = [results_table(results), Table("扰动示例（第一条回答）", ["perturbation", "text"], examples)]
        notes = [
            f"模型 {metrics['model_version']}；测试集 {self.test_file.name} {metrics['n']} 条，"
            f"每种扰动各一份副本（种子 {self.seed}）。"
            f"干净副本 micro-F1 {clean_micro_f1:.4f}。稳定率：扰动副本的标签与干净副本完全相同的比例。",
        ]
        return Description(
            predictions, tables, {"robustness": stability_plot(results, clean_micro_f1)}, notes
        )


def run_robustness(settings: Settings, **options: Any) -> SuiteResult:
    """The suite in one call, as tests and scripts use it (options: :class:`RobustnessSuite`)."""
    return RobustnessSuite(**options).run(settings)
