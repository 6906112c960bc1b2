"""The classify suite: the needs/groups tagger on a held-out test set and by k-fold cross-validation.

Reported side by side on the same rows: the model (classifier + rules, as the system tags), the keyword
baseline and, when configured, the LLM tagger. Every F1 and exact match carries a 95% bootstrap interval;
calibration (ECE, reliability), label co-occurrence confusion and Cohen's kappa complete the picture.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from evals import plots
from evals.baseline import KeywordTagger
from evals.common import (
    bundled,
    family_columns,
    label_matrix_of,
    leakage,
    model_for_eval,
    one_blas_thread,
    predicted_sets,
    read_rows,
)
from evals.runs import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, cohen_kappa, multilabel_report, reliability
from fuqing.config import Settings
from nlp.labelled import LabelledRow, read_labelled
from nlp.tagger import Tagger, analysable
from nlp.taxonomy import taxonomy


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


def human_agreement(settings: Settings, tagger: Tagger) -> dict[str, Any] | None:
    """Kappa of the evaluated model against human labels of reviewed responses in the database, if any."""
    if not settings.database_url and not (settings.resolved_home / "fuqing.db").exists():
        return None
    from fuqing.db import open_database
    from survey.review import reviewed_examples

    db = open_database(settings)
    try:
        with db.session() as s:
            rows = reviewed_examples(s)
    finally:
        db.dispose()
    if not rows:
        return {"n": 0, "per_label": {}}
    ids = taxonomy().ids
    H = label_matrix_of([r.labels for r in rows])
    M = label_matrix_of(predicted_sets(tagger, [r.text for r in rows]))
    return {"n": len(rows), "per_label": {lab: cohen_kappa(M[:, j], H[:, j]) for j, lab in enumerate(ids)}}


def cross_validate(rows: list[LabelledRow], folds: int, resamples: int) -> dict[str, Any]:
    """k-fold CV on the training file: each fold trains a fresh model on the other folds only."""
    from sklearn.model_selection import KFold

    from nlp.model_store import fit_model
    from nlp.tagger import ModelTagger

    ids = taxonomy().ids
    fams = family_columns()
    Y = label_matrix_of([r.labels for r in rows])
    P = np.zeros_like(Y)
    per_fold = []
    for k, (tr, te) in enumerate(KFold(folds, shuffle=True, random_state=0).split(rows)):
        model = fit_model([rows[i] for i in tr])
        tagger = ModelTagger(model, f"cv-fold-{k}")
        P[te] = label_matrix_of(predicted_sets(tagger, [rows[i].text for i in te]))
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
    return {"folds": folds, "n": len(rows), "per_fold": per_fold, "mean_sd": spread, "pooled": pooled}


@one_blas_thread
def run_classify(
    settings: Settings,
    *,
    train: Path | None = None,
    test: Path | None = None,
    folds: int = 5,
    limit: int | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    llm_tagger: Tagger | None = None,
    keywords: Path | None = None,
) -> SuiteResult:
    started = time.perf_counter()
    train = Path(train or bundled("needs_train.jsonl"))
    test = Path(test or bundled("needs_dev.jsonl"))
    rows = read_rows(test, limit)
    train_rows = read_labelled(train)
    ids, fams = taxonomy().ids, family_columns()
    em = model_for_eval(settings, train, test)
    texts = [r.text for r in rows]
    Y = label_matrix_of([r.labels for r in rows])

    systems: dict[str, Tagger] = {"model": em.tagger, "keywords": KeywordTagger(keywords)}
    if llm_tagger is not None:
        systems["llm"] = llm_tagger
    preds = {name: predicted_sets(t, texts) for name, t in systems.items()}
    mats = {name: label_matrix_of(p) for name, p in preds.items()}
    reports = {name: multilabel_report(Y, m, ids, fams, resamples=resamples) for name, m in mats.items()}

    proba = em.tagger.model.predict_proba([analysable(t)[0] for t in texts])
    ece, table = reliability(Y, proba)
    calibration = {
        "ece": ece,
        "table": table,
        **{f"ece_{fam}": reliability(Y[:, cols], proba[:, cols])[0] for fam, cols in fams.items()},
    }
    kappa = {
        name: {lab: cohen_kappa(m[:, j], Y[:, j]) for j, lab in enumerate(ids)} for name, m in mats.items()
    }
    human = human_agreement(settings, em.tagger)
    cv_rows = train_rows[:limit] if limit else train_rows
    cv = cross_validate(cv_rows, folds, resamples) if folds and folds > 1 else None
    co = cooccurrence(Y, mats["model"], ids)

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
        head["cv.exact_match"] = headline(
            cv["pooled"]["all"]["exact_match"], cv["pooled"]["all"]["exact_match_ci"]
        )

    metrics = {
        "headline": head,
        "n": len(rows),
        "model_version": em.tagger.version,
        "model_source": em.source,
        "leaked_test_texts": leakage(train_rows, rows),
        "systems": reports,
        "system_versions": {name: t.version for name, t in systems.items()},
        "calibration": calibration,
        "kappa_vs_test_labels": kappa,
        "kappa_vs_human_reviews": human,
        "cooccurrence": co,
        "cv": cv,
    }
    predictions = [
        {
            "id": r.id,
            "text": r.text,
            "gold": r.labels,
            **{name: preds[name][i] for name in systems},
            "proba": {lab: round(float(proba[i, j]), 4) for j, lab in enumerate(ids)},
        }
        for i, r in enumerate(rows)
    ]
    names = list(systems)
    tables = [
        Table(
            "各系统并列（同一批回答）",
            ["system", "family", "macro-F1", "95% CI", "micro-F1", "95% CI", "exact", "95% CI"],
            [
                [
                    name,
                    fam,
                    reports[name][fam]["macro_f1"],
                    reports[name][fam]["macro_f1_ci"],
                    reports[name][fam]["micro_f1"],
                    reports[name][fam]["micro_f1_ci"],
                    reports[name][fam]["exact_match"],
                    reports[name][fam]["exact_match_ci"],
                ]
                for name in names
                for fam in ("groups", "needs", "all")
            ],
        ),
    ]
    per_label_rows = []
    for lab in ids:
        fam = taxonomy().family_of(lab)
        m = reports["model"][fam]["per_label"][lab]
        row = [lab, m["precision"], m["recall"], m["f1"], m["f1_ci"], m["support"]]
        row += [reports["keywords"][fam]["per_label"][lab]["f1"], kappa["model"][lab]]
        if "llm" in reports:
            row.append(reports["llm"][fam]["per_label"][lab]["f1"])
        per_label_rows.append(row)
    tables.append(
        Table(
            "逐标签（模型）与关键词基线",
            ["label", "P", "R", "F1", "F1 95% CI", "support", "keywords F1", "kappa"]
            + (["llm F1"] if "llm" in reports else []),
            per_label_rows,
        )
    )
    tables.append(
        Table(
            "校准（可靠性表）",
            ["bin", "n", "mean probability", "observed rate"],
            [[r["bin"], r["n"], r["confidence"], r["observed"]] for r in table],
        )
    )
    tables.append(
        Table(
            "最常见的混淆（有金标签 A，却多标了 B）",
            ["gold", "predicted", "count"],
            [[p["gold"], p["predicted"], p["count"]] for p in co["top_confusions"]],
        )
    )
    if cv:
        tables.append(
            Table(
                f"{cv['folds']} 折交叉验证（训练集 {cv['n']} 条）",
                ["fold", "n", "groups macro-F1", "needs macro-F1", "micro-F1", "exact"],
                [
                    [
                        f["fold"],
                        f["n"],
                        f["groups_macro_f1"],
                        f["needs_macro_f1"],
                        f["micro_f1"],
                        f["exact_match"],
                    ]
                    for f in cv["per_fold"]
                ]
                + [
                    ["mean ± sd", cv["n"]]
                    + [
                        f"{cv['mean_sd'][k]['mean']:.4f} ± {cv['mean_sd'][k]['sd']:.4f}"
                        for k in cv["mean_sd"]
                    ]
                ],
            )
        )
    notes = [
        f"模型 {em.tagger.version}（{'已安装、且正是用该训练集训练的模型' if em.source == 'installed' else '只用训练集新训练的模型'}），"
        f"测试集 {test.name} {len(rows)} 条，其中与训练集文本相同的 {metrics['leaked_test_texts']} 条。",
    ]
    if human is None or not human["n"]:
        notes.append("数据库中没有人工复核过的回答，未计算模型与人工标注的 kappa。")
    else:
        notes.append(
            f"与数据库中 {human['n']} 条人工复核回答的 kappa 见 metrics.json 的 kappa_vs_human_reviews。"
        )
    if human and human["n"]:
        tables.append(
            Table(
                f"模型与人工复核标签的一致性（{human['n']} 条）",
                ["label", "kappa"],
                [[lab, k] for lab, k in human["per_label"].items()],
            )
        )
    label_f1 = {
        name: [reports[name][taxonomy().family_of(lab)]["per_label"][lab]["f1"] for lab in ids]
        for name in names
    }
    label_ci = {
        name: [reports[name][taxonomy().family_of(lab)]["per_label"][lab]["f1_ci"] for lab in ids]
        for name in names
    }
    figs = {
        "per_label_f1": plots.grouped_bars(
            ids, label_f1, errors=label_ci, title="Per-label F1 (95% bootstrap CI)", ylabel="F1"
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
        "reliability": plots.reliability_plot({"model": table}, title=f"Reliability (ECE {ece:.3f})"),
    }
    return SuiteResult(
        "classify",
        {
            "folds": folds,
            "limit": limit,
            "resamples": resamples,
            "systems": names,
        },
        {"train": train, "test": test, "keywords": Path(keywords or bundled("keyword_baseline.yaml"))},
        metrics,
        predictions,
        tables,
        figs,
        notes,
        time.perf_counter() - started,
    )
