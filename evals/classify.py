"""Tagging evaluation: multi-label on the taxonomy, or single-label on any labelled CSV/JSONL (same engine)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from fuqing.errors import InputError
from nlp.classifier import TextClassifier
from nlp.labelled import LabelledRow, label_matrix, read_labelled
from nlp.tagger import Tagger
from nlp.taxonomy import FAMILIES, taxonomy


def prf(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    tp = int(np.sum((y == 1) & (p == 1)))
    fp = int(np.sum((y == 0) & (p == 1)))
    fn = int(np.sum((y == 1) & (p == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": int(y.sum()),
    }


def multilabel_metrics(Y: np.ndarray, P: np.ndarray, ids: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": int(Y.shape[0])}
    tax = taxonomy()
    for fam in FAMILIES:
        cols = [j for j, lab in enumerate(ids) if tax.family_of(lab) == fam]
        per = {ids[j]: prf(Y[:, j], P[:, j]) for j in cols}
        micro = prf(Y[:, cols].ravel(), P[:, cols].ravel())
        out[fam] = {
            "macro_f1": round(float(np.mean([per[ids[j]]["f1"] for j in cols])), 4),
            "micro_f1": micro["f1"],
            "exact_match": round(float(np.mean((Y[:, cols] == P[:, cols]).all(axis=1))), 4),
            "per_label": per,
        }
    out["exact_match"] = round(float(np.mean((Y == P).all(axis=1))), 4)
    return out


def predict_matrix(tagger: Tagger, rows: list[LabelledRow]) -> np.ndarray:
    ids = taxonomy().ids
    taggings = tagger.tag([r.text for r in rows])
    return np.array(
        [[1 if any(lab.label == i for lab in t.labels) else 0 for i in ids] for t in taggings], dtype=int
    )


def evaluate_taxonomy(tagger: Tagger, test: Path) -> dict[str, Any]:
    rows = read_labelled(test)
    ids = taxonomy().ids
    P = predict_matrix(tagger, rows)
    result = multilabel_metrics(label_matrix(rows), P, ids)
    result["model_version"] = tagger.version
    result["predictions"] = [
        {"id": r.id, "gold": r.labels, "predicted": [ids[j] for j in np.flatnonzero(P[i])]}
        for i, r in enumerate(rows)
    ]
    return result


def read_single_label(path: Path, text_field: str, label_field: str) -> tuple[list[str], list[str]]:
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件 {path}。", hint="请检查路径。")
    texts, labels = [], []
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with open(path, encoding="utf-8-sig") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                obj = json.loads(line)
                if text_field not in obj or label_field not in obj:
                    raise InputError(
                        f"{path.name} 第 {n} 行缺少字段 {text_field} 或 {label_field}。",
                        hint="用 --text-field/--label-field 指定字段名。",
                    )
                texts.append(str(obj[text_field]))
                labels.append(str(obj[label_field]))
    else:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if (
                reader.fieldnames is None
                or text_field not in reader.fieldnames
                or label_field not in reader.fieldnames
            ):
                raise InputError(
                    f"{path.name} 的表头中没有 {text_field} 或 {label_field}（有：{', '.join(reader.fieldnames or [])}）。",
                    hint="用 --text-field/--label-field 指定列名。",
                )
            for row in reader:
                texts.append(row[text_field] or "")
                labels.append(row[label_field] or "")
    if not texts:
        raise InputError(f"{path.name} 没有数据行。", hint="请检查文件。")
    return texts, labels


def evaluate_single_label(train: Path, test: Path, text_field: str, label_field: str) -> dict[str, Any]:
    """Train a fresh single-label model of the same engine on ``train`` only, and score it on ``test``."""
    xtr, ytr = read_single_label(train, text_field, label_field)
    xte, yte = read_single_label(test, text_field, label_field)
    model = TextClassifier().fit(xtr, ytr)
    pred = list(model.predict(xte))
    classes = sorted(set(ytr) | set(yte))
    per = {
        c: prf(np.array([int(y == c) for y in yte]), np.array([int(p == c) for p in pred])) for c in classes
    }
    return {
        "n_train": len(xtr),
        "n": len(xte),
        "accuracy": round(float(np.mean([p == y for p, y in zip(pred, yte, strict=True)])), 4),
        "macro_f1": round(float(np.mean([per[c]["f1"] for c in classes])), 4),
        "per_label": per,
    }
