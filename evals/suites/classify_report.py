"""How the classify suite's figures are shown: its report tables, plots and notes, all read from metrics.json
(so what a reader sees is exactly what was saved)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from evals import plots
from evals.results import Table
from nlp.taxonomy import taxonomy

FAMILY_ROWS = ("groups", "needs", "all")


def systems_table(reports: dict[str, Any]) -> Table:
    """Every system on every family, so a gap between two systems is read against both intervals."""
    rows = []
    for name, rep in reports.items():
        for fam in FAMILY_ROWS:
            b = rep[fam]
            rows.append(
                [name, fam, b["macro_f1"], b["macro_f1_ci"], b["micro_f1"], b["micro_f1_ci"]]
                + [b["exact_match"], b["exact_match_ci"]]
            )
    return Table(
        "各系统并列（同一批回答）",
        ["system", "family", "macro-F1", "95% CI", "micro-F1", "95% CI", "exact", "95% CI"],
        rows,
    )


def per_label_table(reports: dict[str, Any], kappa: dict[str, dict[str, Any]]) -> Table:
    """The model label by label, beside the keyword baseline's F1 (and the LLM's, when it ran)."""
    with_llm = "llm" in reports
    rows = []
    for lab in taxonomy().ids:
        fam = taxonomy().family_of(lab)
        m = reports["model"][fam]["per_label"][lab]
        row = [lab, m["precision"], m["recall"], m["f1"], m["f1_ci"], m["support"]]
        row += [reports["keywords"][fam]["per_label"][lab]["f1"], kappa["model"][lab]]
        if with_llm:
            row.append(reports["llm"][fam]["per_label"][lab]["f1"])
        rows.append(row)
    columns = ["label", "P", "R", "F1", "F1 95% CI", "support", "keywords F1", "kappa"]
    return Table("逐标签（模型）与关键词基线", columns + (["llm F1"] if with_llm else []), rows)


def cv_table(cv: dict[str, Any]) -> Table:
    keys = ("groups_macro_f1", "needs_macro_f1", "micro_f1", "exact_match")
    rows: list[list[Any]] = [[f["fold"], f["n"], *(f[k] for k in keys)] for f in cv["per_fold"]]
    spread = cv["mean_sd"]
    rows.append(["mean ± sd", cv["n"]] + [f"{spread[k]['mean']:.4f} ± {spread[k]['sd']:.4f}" for k in spread])
    return Table(
        f"{cv['folds']} 折交叉验证（训练集 {cv['n']} 条）",
        ["fold", "n", "groups macro-F1", "needs macro-F1", "micro-F1", "exact"],
        rows,
    )


def classify_tables(metrics: dict[str, Any]) -> list[Table]:
    reports, calibration, co = metrics["systems"], metrics["calibration"], metrics["cooccurrence"]
    tables = [
        systems_table(reports),
        per_label_table(reports, metrics["kappa_vs_test_labels"]),
        Table(
            "校准（可靠性表）",
            ["bin", "n", "mean probability", "observed rate"],
            [[r["bin"], r["n"], r["confidence"], r["observed"]] for r in calibration["table"]],
        ),
        Table(
            "最常见的混淆（有金标签 A，却多标了 B）",
            ["gold", "predicted", "count"],
            [[p["gold"], p["predicted"], p["count"]] for p in co["top_confusions"]],
        ),
    ]
    if metrics["cv"]:
        tables.append(cv_table(metrics["cv"]))
    human = metrics["kappa_vs_human_reviews"]
    if human and human["n"]:
        tables.append(
            Table(
                f"模型与人工复核标签的一致性（{human['n']} 条）",
                ["label", "kappa"],
                [[lab, k] for lab, k in human["per_label"].items()],
            )
        )
    return tables


def classify_plots(metrics: dict[str, Any]) -> dict[str, bytes]:
    reports, co, calibration = metrics["systems"], metrics["cooccurrence"], metrics["calibration"]
    ids, tax = taxonomy().ids, taxonomy()
    per_label = {
        name: [rep[tax.family_of(lab)]["per_label"][lab] for lab in ids] for name, rep in reports.items()
    }
    return {
        "per_label_f1": plots.grouped_bars(
            ids,
            {name: [m["f1"] for m in labels] for name, labels in per_label.items()},
            errors={name: [m["f1_ci"] for m in labels] for name, labels in per_label.items()},
            title="Per-label F1 (95% bootstrap CI)",
            ylabel="F1",
        ),
        "cooccurrence": plots.heatmap(
            np.array(co["rates"]), ids, ids, title="Gold label (row) -> predicted label (column), share"
        ),
        "confusion": plots.heatmap(
            np.array(co["spurious_rates"]),
            ids,
            ids,
            title="Confusion: gold label (row) present, column predicted but not gold, share",
        ),
        "reliability": plots.reliability_plot(
            {"model": calibration["table"]}, title=f"Reliability (ECE {calibration['ece']:.3f})"
        ),
    }


def classify_notes(metrics: dict[str, Any], test: Path) -> list[str]:
    source = (
        "已安装、且正是用该训练集训练的模型"
        if metrics["model_source"] == "installed"
        else "只用训练集新训练的模型"
    )
    notes = [
        f"模型 {metrics['model_version']}（{source}），"
        f"测试集 {test.name} {metrics['n']} 条，其中与训练集文本相同的 {metrics['leaked_test_texts']} 条。",
    ]
    human = metrics["kappa_vs_human_reviews"]
    if human is None or not human["n"]:
        notes.append("数据库中没有人工复核过的回答，未计算模型与人工标注的 kappa。")
    else:
        notes.append(
            f"与数据库中 {human['n']} 条人工复核回答的 kappa 见 metrics.json 的 kappa_vs_human_reviews。"
        )
    return notes
