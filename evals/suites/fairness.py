"""The fairness suite: the tagger's quality broken down by county, age band, marital status and answer length.

A model that works for the plain's short phone answers but not for the mountains' long fieldworker notes would
bias every summary built on it. Each group is compared with the rest of the test set; a group whose micro-F1 is
more than 0.10 below the rest's is flagged, and the flag says whether the gap is larger than its noise (the
95% bootstrap interval of the difference excludes 0). Groups smaller than ``min_group`` are pooled as 其他.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals import plots
from evals.common import (
    EvalModel,
    TrainTestFiles,
    family_columns,
    label_matrix_of,
    model_for_eval,
    predicted_sets,
    read_rows,
)
from evals.results import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, multilabel_counts, multilabel_scores, resample_weights
from evals.suite import Description, Metrics, Suite
from fuqing.config import Settings
from nlp.labelled import LabelledRow
from nlp.taxonomy import taxonomy
from survey.values import age_band as survey_age_band

GAP = 0.10
DIMENSIONS = ("county", "age_band", "marital_status", "length")
UNKNOWN = "（未填）"
OTHER = "其他（小组合并）"


def age_band(age: Any) -> str:
    """The bands of survey summaries (<30, 30-39, …, 60+), from the survey module itself."""
    try:
        return survey_age_band(int(age)) or UNKNOWN
    except (TypeError, ValueError):
        return UNKNOWN


def length_band(text: str) -> str:
    n = len(text)
    return "≤10字" if n <= 10 else "11-40字" if n <= 40 else "41-100字" if n <= 100 else ">100字"


def group_of(row: LabelledRow, dim: str) -> str:
    if dim == "length":
        return length_band(row.text)
    if dim == "age_band":
        return age_band((row.meta or {}).get("age"))
    value = (row.meta or {}).get(dim)
    return str(value) if value not in (None, "") else UNKNOWN


def _scores(Y: np.ndarray, P: np.ndarray, mask: np.ndarray, W: np.ndarray | None) -> dict[str, np.ndarray]:
    w = (np.ones((1, len(mask))) if W is None else W) * mask
    c = multilabel_counts(Y, P, w)
    fams = family_columns()
    out = {"micro_f1": multilabel_scores(c, range(Y.shape[1]))["micro_f1"]}
    for fam, cols in fams.items():
        out[f"{fam}_macro_f1"] = multilabel_scores(c, cols)["macro_f1"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["exact_match"] = c["exact"] / np.where(c["n"] > 0, c["n"], np.nan)
    return out


def breakdown(
    rows: list[LabelledRow], Y: np.ndarray, P: np.ndarray, dim: str, *, min_group: int, resamples: int
) -> list[dict[str, Any]]:
    """Per group of one dimension: metrics, the rest's micro-F1, the gap and its interval, and the flag."""
    raw = [group_of(r, dim) for r in rows]
    sizes = Counter(raw)
    labels = np.array([g if sizes[g] >= min_group else OTHER for g in raw])
    W = resample_weights(len(rows), resamples)
    out = []
    for g in sorted(set(labels), key=lambda x: (-int(np.sum(labels == x)), x)):
        mask = (labels == g).astype(float)
        if mask.sum() == len(rows):
            continue
        inside, rest = _scores(Y, P, mask, None), _scores(Y, P, 1 - mask, None)
        b_in, b_rest = _scores(Y, P, mask, W), _scores(Y, P, 1 - mask, W)
        diff = b_in["micro_f1"] - b_rest["micro_f1"]
        diff = diff[~np.isnan(diff)]
        lo, hi = np.percentile(diff, [2.5, 97.5]) if diff.size else (0.0, 0.0)
        gap = float(inside["micro_f1"][0] - rest["micro_f1"][0])
        out.append(
            {
                "dimension": dim,
                "group": str(g),
                "n": int(mask.sum()),
                "micro_f1": round(float(inside["micro_f1"][0]), 4),
                "groups_macro_f1": round(float(inside["groups_macro_f1"][0]), 4),
                "needs_macro_f1": round(float(inside["needs_macro_f1"][0]), 4),
                "exact_match": round(float(inside["exact_match"][0]), 4),
                "rest_micro_f1": round(float(rest["micro_f1"][0]), 4),
                "gap": round(gap, 4),
                "gap_ci": [round(float(lo), 4), round(float(hi), 4)],
                "flagged": gap < -GAP,
                "beyond_noise": bool(hi < 0),
            }
        )
    return out


def groups_table(groups: list[dict[str, Any]]) -> Table:
    """Each group beside the rest, with the flag spelled out: a gap within noise is not a finding."""
    columns = ["dimension", "group", "n", "micro-F1", "groups macro-F1", "needs macro-F1", "exact"]
    columns += ["rest micro-F1", "gap", "gap 95% CI", "flag"]
    rows = [
        [g["dimension"], g["group"], g["n"], g["micro_f1"], g["groups_macro_f1"], g["needs_macro_f1"]]
        + [g["exact_match"], g["rest_micro_f1"], g["gap"], g["gap_ci"]]
        + [
            ("低于其余 >0.10" + ("（超出噪声）" if g["beyond_noise"] else "（在噪声内）"))
            if g["flagged"]
            else ""
        ]
        for g in groups
    ]
    return Table("分组指标（与其余回答比较）", columns, rows)


def group_plots(groups: list[dict[str, Any]]) -> dict[str, bytes]:
    """One chart per dimension; counties and marital statuses are drawn as g1, g2, … in table order (the
    plots' bundled font has no Chinese characters)."""
    figs = {}
    for dim in DIMENSIONS:
        part = [g for g in groups if g["dimension"] == dim]
        if part:
            names = [
                f"g{i + 1}" if dim in ("county", "marital_status") else g["group"] for i, g in enumerate(part)
            ]
            figs[f"fairness_{dim}"] = plots.grouped_bars(
                names,
                {"group": [g["micro_f1"] for g in part], "rest": [g["rest_micro_f1"] for g in part]},
                title=f"micro-F1 by {dim} (group vs. rest; g1.. = table order)",
                ylabel="micro-F1",
            )
    return figs


@dataclass
class FairnessData:
    rows: list[LabelledRow]
    model: EvalModel


@dataclass
class FairnessSuite(TrainTestFiles, Suite[FairnessData, list[list[str]]]):
    """The model's labels of every test row are the outputs; the groups are formed when scoring."""

    limit: int | None = None
    min_group: int = 10
    resamples: int = DEFAULT_RESAMPLES

    name = "fairness"

    def config(self) -> dict[str, Any]:
        return {"limit": self.limit, "min_group": self.min_group, "resamples": self.resamples, "gap": GAP}

    def datasets(self) -> dict[str, Path]:
        return {"train": self.train_file, "test": self.test_file}

    def load(self, settings: Settings) -> FairnessData:
        rows = read_rows(self.test_file, self.limit)
        return FairnessData(rows, model_for_eval(settings, self.train_file, self.test_file))

    def predict(self, data: FairnessData) -> list[list[str]]:
        return predicted_sets(data.model.tagger, [r.text for r in data.rows])

    def score(self, data: FairnessData, outputs: list[list[str]]) -> Metrics:
        rows = data.rows
        Y, P = label_matrix_of([r.labels for r in rows]), label_matrix_of(outputs)
        groups = [
            g
            for dim in DIMENSIONS
            for g in breakdown(rows, Y, P, dim, min_group=self.min_group, resamples=self.resamples)
        ]
        flagged = [g for g in groups if g["flagged"]]
        overall = _scores(Y, P, np.ones(len(rows)), None)
        head = {
            "model.micro_f1": headline(float(overall["micro_f1"][0])),
            "flagged_groups": headline(len(flagged), None, higher_is_better=False),
            "flagged_beyond_noise": headline(
                sum(g["beyond_noise"] for g in flagged), None, higher_is_better=False
            ),
            "worst_gap": headline(min((g["gap"] for g in groups), default=0.0), None),
        }
        return {
            "headline": head,
            "n": len(rows),
            "model_version": data.model.tagger.version,
            "gap_threshold": GAP,
            "min_group": self.min_group,
            "groups": groups,
            "flagged": flagged,
        }

    def describe(self, data: FairnessData, outputs: list[list[str]], metrics: Metrics) -> Description:
        predictions = [
            {"id": r.id, "gold": r.labels, "model": outputs[i], **{d: group_of(r, d) for d in DIMENSIONS}}
            for i, r in enumerate(data.rows)
        ]
        notes = [
            f"模型 {metrics['model_version']}；测试集 {self.test_file.name} {metrics['n']} 条；"
            f"少于 {self.min_group} 条的组合并为“{OTHER}”。"
            f"标记规则：组内 micro-F1 比其余回答低 {GAP:.2f} 以上；“超出噪声”指差值的 95% 区间不含 0。",
            f"{len(taxonomy().ids)} 个标签；被标记的组 {len(metrics['flagged'])} 个。",
        ]
        return Description(
            predictions, [groups_table(metrics["groups"])], group_plots(metrics["groups"]), notes
        )


def run_fairness(settings: Settings, **options: Any) -> SuiteResult:
    """The suite in one call, as tests and scripts use it (options: :class:`FairnessSuite`)."""
    return FairnessSuite(**options).run(settings)
