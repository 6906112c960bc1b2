"""The risk suite: does every answer that discloses violence, despair, an unsafe child or acute hardship reach a
person, and how many ordinary answers raise a false alarm?

``recall`` is the share of answers with a non-empty ``risk`` list that get at least one flag (the answer reaches a
person whatever kind is named); per kind, recall and precision of that kind's flag; ``false_alarm_rate`` the share
of ordinary answers (``risk: []``) flagged at all. Intervals: 95% bootstrap over answers. The detector is the one
the service uses, trained from the bundled training files only (never from the file under test).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals import plots
from evals.common import bundled
from evals.results import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, ratio, resample_weights
from evals.suite import Description, Metrics, Suite
from fuqing.config import Settings
from nlp.risk import KIND_NAMES, RISK_KINDS, RiskAssessment, RiskRow, read_risk_rows

TARGETS = {"recall": 0.95, "per_kind_recall": 0.90, "false_alarm_rate": 0.05}


@dataclass
class RiskData:
    rows: list[RiskRow]


@dataclass
class RiskOutputs:
    found: list[RiskAssessment]
    version: str


def risk_metrics(rows: list[RiskRow], found: list[RiskAssessment], resamples: int) -> Metrics:
    gold = np.array([[k in r.risk for k in RISK_KINDS] for r in rows], dtype=float)
    pred = np.array([[k in a.kinds for k in RISK_KINDS] for a in found], dtype=float)
    W = resample_weights(len(rows), resamples)
    risky, flagged = gold.any(axis=1).astype(float), pred.any(axis=1).astype(float)
    recall = ratio(risky * flagged, risky, W)
    far = ratio((1 - risky) * flagged, 1 - risky, W)
    precision = ratio(risky * flagged, flagged, W)
    per_kind = {
        k: {
            "recall": ratio(gold[:, j] * pred[:, j], gold[:, j], W),
            "precision": ratio(gold[:, j] * pred[:, j], pred[:, j], W),
        }
        for j, k in enumerate(RISK_KINDS)
    }
    met = {
        "recall": (recall["value"] or 0) >= TARGETS["recall"],
        "per_kind_recall": all(
            (b["recall"]["value"] or 0) >= TARGETS["per_kind_recall"] for b in per_kind.values()
        ),
        "false_alarm_rate": (far["value"] or 0) <= TARGETS["false_alarm_rate"],
    }
    heads = {
        "recall": headline(recall["value"], recall["ci"]),
        "precision": headline(precision["value"], precision["ci"]),
        "false_alarm_rate": headline(far["value"], far["ci"], higher_is_better=False),
    }
    for k, b in per_kind.items():
        heads[f"{k}.recall"] = headline(b["recall"]["value"], b["recall"]["ci"])
    return {
        "headline": heads,
        "n": len(rows),
        "n_risk": int(risky.sum()),
        "n_ordinary": int((1 - risky).sum()),
        "recall": recall,
        "precision": precision,
        "false_alarm_rate": far,
        "per_kind": per_kind,
        "targets_met": met,
    }


@dataclass
class RiskSuite(Suite[RiskData, RiskOutputs]):
    test: Path | None = None
    limit: int | None = None
    resamples: int = DEFAULT_RESAMPLES

    name = "risk"

    @property
    def test_file(self) -> Path:
        return Path(self.test or bundled("risk_eval.jsonl"))

    def config(self) -> dict[str, Any]:
        return {"limit": self.limit, "resamples": self.resamples, "targets": TARGETS}

    def datasets(self) -> dict[str, Path]:
        return {"test": self.test_file}

    def load(self, settings: Settings) -> RiskData:
        rows = read_risk_rows(self.test_file)
        return RiskData(rows[: self.limit] if self.limit else rows)

    def predict(self, data: RiskData) -> RiskOutputs:
        from nlp.risk_model import default_risk_detector

        detector = default_risk_detector()
        return RiskOutputs(detector.assess([r.text for r in data.rows]), detector.version)

    def score(self, data: RiskData, outputs: RiskOutputs) -> Metrics:
        metrics = risk_metrics(data.rows, outputs.found, self.resamples)
        metrics["detector_version"] = outputs.version
        return metrics

    def describe(self, data: RiskData, outputs: RiskOutputs, metrics: Metrics) -> Description:
        predictions = [
            {"id": r.id, "gold": r.risk, "flagged": a.kinds, "urgency": a.urgency, "text": r.text}
            for r, a in zip(data.rows, outputs.found, strict=True)
        ]
        return Description(predictions, _tables(predictions, metrics), _plots(metrics), _notes(self, metrics))


def _tables(predictions: list[dict[str, Any]], metrics: Metrics) -> list[Table]:
    kinds = [
        [KIND_NAMES[k], b["recall"]["value"], b["recall"]["ci"], b["precision"]["value"], b["recall"]["n"]]
        for k, b in metrics["per_kind"].items()
    ]
    missed = [
        [p["id"], "、".join(p["gold"]), p["text"]] for p in predictions if p["gold"] and not p["flagged"]
    ]
    alarms = [
        [p["id"], "、".join(p["flagged"]), p["text"]] for p in predictions if p["flagged"] and not p["gold"]
    ]
    return [
        Table("各类风险", ["类别", "召回", "召回区间", "精确", "样本数"], kinds),
        Table("漏报（有风险却没有提示）", ["id", "风险", "text"], missed),
        Table("误报（普通回答被提示）", ["id", "提示", "text"], alarms),
    ]


def _plots(metrics: Metrics) -> dict[str, bytes]:
    kinds = list(RISK_KINDS)
    series = {m: [metrics["per_kind"][k][m]["value"] or 0.0 for k in kinds] for m in ("recall", "precision")}
    errors = {m: [metrics["per_kind"][k][m]["ci"] or [0.0, 0.0] for k in kinds] for m in series}
    return {
        "risk": plots.grouped_bars(
            kinds, series, errors=errors, title="Risk flags: recall and precision per kind", ylabel="share"
        )
    }


def _notes(suite: RiskSuite, metrics: Metrics) -> list[str]:
    return [
        f"{suite.test_file.name}：{metrics['n']} 条回答，其中有风险 {metrics['n_risk']} 条、普通 {metrics['n_ordinary']} 条。"
        "召回：有风险的回答至少得到一个提示（即会交到人手里）的比例；误报率：普通回答被提示的比例。",
        "目标：召回 ≥ 0.95，每类召回 ≥ 0.90，误报率 ≤ 5%。提示只是辅助，是否有风险由跟进人员判断。",
    ]


def run_risk(settings: Settings, **options: Any) -> SuiteResult:
    return RiskSuite(**options).run(settings)
