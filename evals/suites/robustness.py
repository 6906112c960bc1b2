"""The robustness suite: does the tagger give the same labels when the same answer arrives in another form?

For each perturbation (evals/perturb.py) of every test response: label stability (the perturbed copy gets
exactly the clean copy's labels), micro-F1 against the gold labels beside the clean figure, and for inserted
personal numbers the redaction rate (the number is gone from what any tagger or quote sees). For the inserted
instruction: how often it is flagged, and how often it succeeded (困难妇女 appears where the clean copy had none).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from evals import plots
from evals.common import bundled, family_columns, label_matrix_of, model_for_eval, one_blas_thread, read_rows
from evals.perturb import PERSONAL, PERTURBATIONS, perturb
from evals.runs import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, bootstrap_metric, multilabel_report
from fuqing.config import Settings
from nlp.redact import redact
from nlp.tagger import analysable
from nlp.taxonomy import taxonomy

_LONG_DIGITS = re.compile(r"\d{11,}|\d{17}[\dXx]")


@one_blas_thread
def run_robustness(
    settings: Settings,
    *,
    train: Path | None = None,
    test: Path | None = None,
    limit: int | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 7,
) -> SuiteResult:
    started = time.perf_counter()
    train = Path(train or bundled("needs_train.jsonl"))
    test = Path(test or bundled("needs_dev.jsonl"))
    rows = read_rows(test, limit)
    em = model_for_eval(settings, train, test)
    ids, fams = taxonomy().ids, family_columns()
    texts = [r.text for r in rows]
    Y = label_matrix_of([r.labels for r in rows])
    clean_tags = em.tagger.tag(texts)
    clean = [sorted(lab.label for lab in t.labels) for t in clean_tags]
    clean_rep = multilabel_report(Y, label_matrix_of(clean), ids, fams, resamples=resamples)
    results: dict[str, Any] = {}
    predictions: list[dict[str, Any]] = [
        {"id": r.id, "variant": "clean", "text": r.text, "gold": r.labels, "model": clean[i]}
        for i, r in enumerate(rows)
    ]
    for name in PERTURBATIONS:
        variants = [perturb(name, t, i, seed) for i, t in enumerate(texts)]
        tags = em.tagger.tag(variants)
        got = [sorted(lab.label for lab in t.labels) for t in tags]
        stable = [float(a == b) for a, b in zip(got, clean, strict=True)]
        rep = multilabel_report(Y, label_matrix_of(got), ids, fams, resamples=resamples)
        block: dict[str, Any] = {
            "stability": bootstrap_metric(stable, resamples=resamples),
            "micro_f1": rep["all"]["micro_f1"],
            "micro_f1_ci": rep["all"]["micro_f1_ci"],
            "delta_micro_f1": round(rep["all"]["micro_f1"] - clean_rep["all"]["micro_f1"], 4),
            "exact_match": rep["all"]["exact_match"],
        }
        if name in PERSONAL:
            kind = PERSONAL[name]
            redacted = [
                float(redact(v).counts.get(kind, 0) >= 1 and not _LONG_DIGITS.search(analysable(v)[0]))
                for v in variants
            ]
            block["redaction_rate"] = bootstrap_metric(redacted, resamples=resamples)
        if name == "instruction":
            block["flagged_rate"] = bootstrap_metric([float(t.injection) for t in tags], resamples=resamples)
            block["attack_success"] = bootstrap_metric(
                [float("hardship" in g and "hardship" not in c) for g, c in zip(got, clean, strict=True)],
                resamples=resamples,
            )
        results[name] = block
        for i, r in enumerate(rows):
            predictions.append(
                {"id": r.id, "variant": name, "text": variants[i], "gold": r.labels, "model": got[i]}
            )

    head: dict[str, Any] = {
        "clean.micro_f1": headline(clean_rep["all"]["micro_f1"], clean_rep["all"]["micro_f1_ci"])
    }
    for name, b in results.items():
        head[f"{name}.stability"] = headline(b["stability"]["value"], b["stability"]["ci"])
    for name in PERSONAL:
        head[f"{name}.redaction_rate"] = headline(
            results[name]["redaction_rate"]["value"], results[name]["redaction_rate"]["ci"]
        )
    head["instruction.attack_success"] = headline(
        results["instruction"]["attack_success"]["value"],
        results["instruction"]["attack_success"]["ci"],
        higher_is_better=False,
    )
    metrics = {
        "headline": head,
        "n": len(rows),
        "model_version": em.tagger.version,
        "clean": {"micro_f1": clean_rep["all"]["micro_f1"], "micro_f1_ci": clean_rep["all"]["micro_f1_ci"]},
        "perturbations": results,
    }
    table_rows = [
        [
            name,
            b["stability"]["value"],
            b["stability"]["ci"],
            b["micro_f1"],
            b["micro_f1_ci"],
            b["delta_micro_f1"],
            b.get("redaction_rate", {}).get("value"),
            b.get("flagged_rate", {}).get("value"),
            b.get("attack_success", {}).get("value"),
        ]
        for name, b in results.items()
    ]
    examples = [[name, perturb(name, texts[0], 0, seed)[:80]] for name in PERTURBATIONS]
    names = list(results)
    figs = {
        "robustness": plots.grouped_bars(
            names,
            {
                "stability": [results[n]["stability"]["value"] for n in names],
                "micro-F1": [results[n]["micro_f1"] for n in names],
            },
            errors={
                "stability": [results[n]["stability"]["ci"] for n in names],
                "micro-F1": [results[n]["micro_f1_ci"] for n in names],
            },
            title=f"Label stability and micro-F1 per perturbation (clean micro-F1 {clean_rep['all']['micro_f1']:.3f})",
            ylabel="share / F1",
        )
    }
    notes = [
        f"模型 {em.tagger.version}；测试集 {test.name} {len(rows)} 条，每种扰动各一份副本（种子 {seed}）。"
        f"干净副本 micro-F1 {clean_rep['all']['micro_f1']:.4f}。稳定率：扰动副本的标签与干净副本完全相同的比例。",
    ]
    return SuiteResult(
        "robustness",
        {"limit": limit, "seed": seed, "resamples": resamples, "perturbations": names},
        {"train": train, "test": test},
        metrics,
        predictions,
        [
            Table(
                "各扰动的结果",
                [
                    "perturbation",
                    "stability",
                    "95% CI",
                    "micro-F1",
                    "95% CI",
                    "Δ micro-F1",
                    "redacted",
                    "flagged",
                    "attack success",
                ],
                table_rows,
            ),
            Table("扰动示例（第一条回答）", ["perturbation", "text"], examples),
        ],
        figs,
        notes,
        time.perf_counter() - started,
    )
