"""The redaction suite: are names, addresses and personal numbers gone before anyone reads an answer, and do
ordinary answers stay as they were?

Gold: every occurrence of a ``pii[].text`` in the answer is a span of its kind. A gold span counts as found when
every one of its characters lies inside a replaced region (a half-redacted phone number still identifies); a
replaced region counts as right when it overlaps a gold span of any kind (redacting an address as a name still
protects the woman), and as kind-exact when it overlaps one of its own kind. Recall and precision per kind and
micro over numbers, names and addresses, and the share of ordinary answers (``pii: []``) that changed at all — the
cost paid by every answer without anything personal in it. Intervals: 95% bootstrap over answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals import plots
from evals.common import bundled
from evals.results import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, SEED, ratio, resample_weights
from evals.suite import Description, Metrics, Suite
from fuqing.config import Settings
from fuqing.errors import InputError
from nlp.redact import KINDS, Redacted, redact

NUMBERS = ("phone", "id_number", "bank_card", "qq", "wechat", "plate", "email")
GROUPS = {"numbers": NUMBERS, "names": ("name",), "addresses": ("address",)}
TARGETS = {"numbers": 0.99, "names": 0.90, "addresses": 0.90, "ordinary_changed_rate": 0.01}


@dataclass(frozen=True)
class Sample:
    id: str
    text: str
    gold: list[tuple[int, int, str]]  # every occurrence of every labelled span: (start, end, kind)

    @property
    def ordinary(self) -> bool:
        return not self.gold


def gold_spans(text: str, pii: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    """Every occurrence of each labelled text, as the writers' rule says."""
    out = []
    for item in pii:
        needle, kind = str(item.get("text", "")), str(item.get("kind", ""))
        start = text.find(needle) if needle else -1
        while start != -1:
            out.append((start, start + len(needle), kind))
            start = text.find(needle, start + len(needle))
    return sorted(set(out))


def read_samples(path: Path, limit: int | None) -> list[Sample]:
    """The labelled answers of any file in the format; a wrong line or an unknown kind is refused with its line
    number, so that a figure is never computed on data the suite misread."""
    from fuqing.jsonl import read_jsonl

    samples = []
    for n, obj in read_jsonl(path):
        text, pii = obj.get("text"), obj.get("pii")
        if not isinstance(text, str) or not isinstance(pii, list):
            raise InputError(
                f"{Path(path).name} 第 {n} 行需要 text（字符串）和 pii（列表）。",
                hint='格式：{"id", "text", "pii": [{"kind", "text"}]}',
            )
        unknown = {p.get("kind") for p in pii} - set(KINDS)
        if unknown:
            raise InputError(f"{Path(path).name} 第 {n} 行有未知的 kind：{sorted(map(str, unknown))}。")
        samples.append(Sample(str(obj.get("id", n)), text, gold_spans(text, pii)))
    return samples[:limit] if limit else samples


@dataclass
class Judged:
    """One answer judged: per kind, gold spans found / labelled, regions right / replaced / kind-exact."""

    found: dict[str, int]
    gold: dict[str, int]
    right: dict[str, int]
    regions: dict[str, int]
    exact: dict[str, int]
    missed: list[dict[str, str]]
    wrong: list[dict[str, str]]
    changed: bool


def judge(sample: Sample, red: Redacted) -> Judged:
    """One answer against its gold: found = every character of the span replaced; right = overlaps any gold."""
    covered = np.zeros(len(sample.text), dtype=bool)
    for s in red.spans:
        covered[s.start : s.end] = True
    j = Judged({}, {}, {}, {}, {}, [], [], red.text != sample.text)
    for start, end, kind in sample.gold:
        hit = bool(covered[start:end].all())
        j.gold[kind] = j.gold.get(kind, 0) + 1
        j.found[kind] = j.found.get(kind, 0) + hit
        if not hit:
            j.missed.append({"kind": kind, "text": sample.text[start:end]})
    for s in red.spans:
        kinds = {k for a, b, k in sample.gold if a < s.end and s.start < b}
        j.regions[s.kind] = j.regions.get(s.kind, 0) + 1
        j.right[s.kind] = j.right.get(s.kind, 0) + bool(kinds)
        j.exact[s.kind] = j.exact.get(s.kind, 0) + (s.kind in kinds)
        if not kinds:
            j.wrong.append({"kind": s.kind, "text": sample.text[s.start : s.end]})
    return j


def _matrix(judged: list[Judged], field: str, kinds: tuple[str, ...]) -> np.ndarray:
    """Per answer, the count of ``field`` summed over ``kinds`` (one column vector for the bootstrap)."""
    return np.array([sum(getattr(j, field).get(k, 0) for k in kinds) for j in judged], dtype=float)


def kind_scores(judged: list[Judged], kinds: tuple[str, ...], W: np.ndarray) -> dict[str, Any]:
    """Recall, precision and kind-exact precision summed over ``kinds`` (micro), each with its interval."""
    regions = _matrix(judged, "regions", kinds)
    return {
        "recall": ratio(_matrix(judged, "found", kinds), _matrix(judged, "gold", kinds), W),
        "precision": ratio(_matrix(judged, "right", kinds), regions, W),
        "precision_exact": ratio(_matrix(judged, "exact", kinds), regions, W),
    }


def redaction_metrics(samples: list[Sample], judged: list[Judged], resamples: int) -> Metrics:
    """metrics.json: per kind, per group, overall, the ordinary-answer change rate and whether each target is met.
    All intervals come from the same resampled answers (one weight matrix), so figures stay comparable."""
    W = resample_weights(len(samples), resamples, SEED)
    per_kind = {k: kind_scores(judged, (k,), W) for k in KINDS}
    groups = {g: kind_scores(judged, kinds, W) for g, kinds in GROUPS.items()}
    overall = kind_scores(judged, KINDS, W)
    ordinary = [i for i, s in enumerate(samples) if s.ordinary]
    changed = np.array([float(judged[i].changed) for i in ordinary])
    rate = ratio(changed, np.ones_like(changed), resample_weights(len(ordinary), resamples, SEED))
    met = {
        g: groups[g]["recall"]["value"] is not None and groups[g]["recall"]["value"] >= TARGETS[g]
        for g in GROUPS
    }
    met["ordinary_changed_rate"] = (
        rate["value"] is not None and rate["value"] <= TARGETS["ordinary_changed_rate"]
    )
    return {
        "headline": redaction_headline(groups, overall, rate),
        "n": len(samples),
        "n_ordinary": len(ordinary),
        "per_kind": per_kind,
        "groups": groups,
        "overall": overall,
        "ordinary_changed_rate": rate,
        "targets": TARGETS,
        "targets_met": met,
    }


def redaction_headline(
    groups: dict[str, Any], overall: dict[str, Any], rate: dict[str, Any]
) -> dict[str, Any]:
    """The shared headline shape: recall and precision of the three groups, kind-exact precision, the change rate."""
    head = {}
    for g in GROUPS:
        for m in ("recall", "precision"):
            head[f"{g}.{m}"] = headline(groups[g][m]["value"], groups[g][m]["ci"])
    head["all.precision_exact"] = headline(
        overall["precision_exact"]["value"], overall["precision_exact"]["ci"]
    )
    head["ordinary_changed_rate"] = headline(rate["value"], rate["ci"], higher_is_better=False)
    return head


def kind_table(metrics: Metrics) -> Table:
    """Per kind and per group: how many spans, recall and precision with intervals."""
    rows = []
    for name, block in [*metrics["per_kind"].items(), *metrics["groups"].items()]:
        r, p, e = block["recall"], block["precision"], block["precision_exact"]
        rows.append([name, r["n"], r["value"], r["ci"], p["n"], p["value"], p["ci"], e["value"]])
    columns = ["kind", "gold spans", "recall", "95% CI", "replaced", "precision", "95% CI", "kind-exact"]
    return Table("各类别的召回率与精确率", columns, rows)


@dataclass
class RedactionData:
    samples: list[Sample]


@dataclass
class RedactionOutputs:
    redacted: list[Redacted]
    judged: list[Judged]


@dataclass
class RedactionSuite(Suite[RedactionData, RedactionOutputs]):
    test: Path | None = None
    limit: int | None = None
    resamples: int = DEFAULT_RESAMPLES

    name = "redaction"

    @property
    def test_file(self) -> Path:
        return Path(self.test or bundled("redaction_eval.jsonl"))

    def config(self) -> dict[str, Any]:
        return {"limit": self.limit, "resamples": self.resamples, "targets": TARGETS}

    def datasets(self) -> dict[str, Path]:
        return {"test": self.test_file}

    def load(self, settings: Settings) -> RedactionData:
        return RedactionData(read_samples(self.test_file, self.limit))

    def predict(self, data: RedactionData) -> RedactionOutputs:
        redacted = [redact(s.text) for s in data.samples]
        return RedactionOutputs(redacted, [judge(s, r) for s, r in zip(data.samples, redacted, strict=True)])

    def score(self, data: RedactionData, outputs: RedactionOutputs) -> Metrics:
        return redaction_metrics(data.samples, outputs.judged, self.resamples)

    def describe(self, data: RedactionData, outputs: RedactionOutputs, metrics: Metrics) -> Description:
        predictions = [
            {
                "id": s.id,
                "text": s.text,
                "redacted": r.text,
                "gold": [{"kind": k, "text": s.text[a:b]} for a, b, k in s.gold],
                "missed": j.missed,
                "wrong": j.wrong,
            }
            for s, r, j in zip(data.samples, outputs.redacted, outputs.judged, strict=True)
        ]
        return Description(
            predictions, describe_tables(predictions, metrics), describe_plots(metrics), notes(self, metrics)
        )


def describe_tables(predictions: list[dict[str, Any]], metrics: Metrics) -> list[Table]:
    """The figures, the targets and every miss and wrong replacement: what to read before changing a rule."""
    missed = [[p["id"], m["kind"], m["text"]] for p in predictions for m in p["missed"]]
    wrong = [[p["id"], w["kind"], w["text"]] for p in predictions for w in p["wrong"]]
    met = [[k, TARGETS[k], metrics["targets_met"][k]] for k in TARGETS]
    return [
        kind_table(metrics),
        Table("目标", ["figure", "target", "met"], met),
        Table("漏掉的片段", ["id", "kind", "text"], missed),
        Table("多替换的片段", ["id", "kind", "text"], wrong),
    ]


def describe_plots(metrics: Metrics) -> dict[str, bytes]:
    """Recall and precision bars per kind (kinds with no gold span left out)."""
    kinds = [k for k in KINDS if metrics["per_kind"][k]["recall"]["n"]]
    series = {m: [metrics["per_kind"][k][m]["value"] or 0.0 for k in kinds] for m in ("recall", "precision")}
    errors = {m: [metrics["per_kind"][k][m]["ci"] or [0.0, 0.0] for k in kinds] for m in series}
    fig = plots.grouped_bars(
        kinds, series, errors=errors, title="Redaction: recall and precision per kind", ylabel="share"
    )
    return {"redaction": fig}


def notes(suite: RedactionSuite, metrics: Metrics) -> list[str]:
    """How the figures were counted, in the report's language."""
    rate = metrics["ordinary_changed_rate"]
    return [
        f"{suite.test_file.name}：{metrics['n']} 条回答，其中 {metrics['n_ordinary']} 条不含个人信息；"
        f"这些普通回答被改动的比例 {rate['value']}。召回：金标准片段的每个字都在被替换的区域内才算找到；"
        "精确：被替换的区域与任一金标准片段重叠即算对（kind-exact 要求类别相同）。",
        "目标：数字类召回 ≥ 0.99，姓名、地址召回 ≥ 0.90，普通回答改动 ≤ 1%。预测文件含测试集的合成文本。",
    ]


def run_redaction(settings: Settings, **options: Any) -> SuiteResult:
    """The suite in one call, as tests and scripts use it (options: :class:`RedactionSuite`)."""
    return RedactionSuite(**options).run(settings)
