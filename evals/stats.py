"""Uncertainty for evaluation figures: bootstrap intervals, paired bootstrap deltas, calibration and kappa.

A figure on 360 responses moves by several points if other responses had been drawn; a researcher comparing
two models must see that before calling one better. Resampling is vectorised (one multinomial weight matrix,
one matrix product per count), so 1,000 resamples of a multi-label test set cost milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

DEFAULT_RESAMPLES = 1000
SEED = 20240601


def resample_weights(n: int, resamples: int = DEFAULT_RESAMPLES, seed: int = SEED) -> np.ndarray:
    """(resamples, n) counts: row b says how often each sample is drawn in bootstrap resample b."""
    if n == 0:
        return np.zeros((resamples, 0))
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(float)


def interval(samples: np.ndarray) -> list[float] | None:
    """The 95% percentile interval of bootstrap replicates (None without any: JSON has no NaN)."""
    samples = np.asarray(samples, dtype=float)
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return None
    lo, hi = np.percentile(samples, [2.5, 97.5])
    return [round(float(lo), 4), round(float(hi), 4)]


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    denom = 2 * tp + fp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), 0.0)


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)


def multilabel_counts(Y: np.ndarray, P: np.ndarray, W: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """tp/fp/fn per label (and exact-match count), weighted by each row of W (or once, unweighted)."""
    Y = np.asarray(Y, dtype=float)
    P = np.asarray(P, dtype=float)
    w = np.ones((1, Y.shape[0])) if W is None else W
    return {
        "tp": w @ (Y * P),
        "fp": w @ ((1 - Y) * P),
        "fn": w @ (Y * (1 - P)),
        "exact": w @ (Y == P).all(axis=1).astype(float),
        "n": w.sum(axis=1),
    }


def multilabel_scores(c: dict[str, np.ndarray], cols: Sequence[int]) -> dict[str, np.ndarray]:
    """Macro/micro F1, micro precision/recall and exact match over the label columns ``cols``."""
    cols = list(cols)
    tp, fp, fn = c["tp"][:, cols], c["fp"][:, cols], c["fn"][:, cols]
    per_f1 = _f1(tp, fp, fn)
    stp, sfp, sfn = tp.sum(axis=1), fp.sum(axis=1), fn.sum(axis=1)
    return {
        "macro_f1": per_f1.mean(axis=1),
        "micro_f1": _f1(stp, sfp, sfn),
        "micro_precision": _ratio(stp, stp + sfp),
        "micro_recall": _ratio(stp, stp + sfn),
    }


def exact_match_over(Y: np.ndarray, P: np.ndarray, cols: Sequence[int], W: np.ndarray | None) -> np.ndarray:
    cols = list(cols)
    same = (np.asarray(Y)[:, cols] == np.asarray(P)[:, cols]).all(axis=1).astype(float)
    w = np.ones((1, len(same))) if W is None else W
    return _ratio(w @ same, w.sum(axis=1))


def multilabel_report(
    Y: np.ndarray,
    P: np.ndarray,
    ids: Sequence[str],
    families: dict[str, list[int]],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = SEED,
) -> dict[str, Any]:
    """Per-label P/R/F1 and, per family and overall, macro/micro F1 and exact match — each with a 95% interval."""
    Y, P = np.asarray(Y, dtype=int), np.asarray(P, dtype=int)
    n = Y.shape[0]
    W = resample_weights(n, resamples, seed)
    point, boot = multilabel_counts(Y, P), multilabel_counts(Y, P, W)
    out: dict[str, Any] = {"n": int(n)}
    per_label: dict[str, Any] = {}
    f1_point = _f1(point["tp"], point["fp"], point["fn"])[0]
    f1_boot = _f1(boot["tp"], boot["fp"], boot["fn"])
    for j, lab in enumerate(ids):
        tp, fp, fn = point["tp"][0, j], point["fp"][0, j], point["fn"][0, j]
        per_label[lab] = {
            "precision": round(float(_ratio(np.array(tp), np.array(tp + fp))), 4),
            "recall": round(float(_ratio(np.array(tp), np.array(tp + fn))), 4),
            "f1": round(float(f1_point[j]), 4),
            "f1_ci": interval(f1_boot[:, j]),
            "support": int(Y[:, j].sum()),
            "predicted": int(P[:, j].sum()),
        }
    groups = {**families, "all": list(range(len(ids)))}
    for name, cols in groups.items():
        p_scores, b_scores = multilabel_scores(point, cols), multilabel_scores(boot, cols)
        block: dict[str, Any] = {}
        for key in ("macro_f1", "micro_f1", "micro_precision", "micro_recall"):
            block[key] = round(float(p_scores[key][0]), 4)
            block[key + "_ci"] = interval(b_scores[key])
        block["exact_match"] = round(float(exact_match_over(Y, P, cols, None)[0]), 4)
        block["exact_match_ci"] = interval(exact_match_over(Y, P, cols, W))
        if name != "all":
            block["per_label"] = {ids[j]: per_label[ids[j]] for j in cols}
        out[name] = block
    return out


def bootstrap_metric(
    values: Sequence[float] | np.ndarray, *, resamples: int = DEFAULT_RESAMPLES, seed: int = SEED
) -> dict[str, Any]:
    """Mean of per-sample values (hit@k, reciprocal rank, pass/fail) with its 95% bootstrap interval."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return {"value": None, "ci": None, "n": 0}
    W = resample_weights(v.size, resamples, seed)
    return {"value": round(float(v.mean()), 4), "ci": interval(W @ v / v.size), "n": int(v.size)}


def paired_delta(
    metric: Callable[[np.ndarray], np.ndarray],
    n: int,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = SEED,
) -> dict[str, Any]:
    """Paired bootstrap of B − A: ``metric(W)`` returns, for weight rows W, the replicate deltas.

    Both runs are scored on the same resampled responses, so the interval reflects only how differently the
    two systems treat the same data — much narrower than comparing two independent intervals.
    """
    W = resample_weights(n, resamples, seed)
    point = float(metric(np.ones((1, n)))[0])
    reps = metric(W)
    ci = interval(reps)
    return {"delta": round(point, 4), "ci": ci, "exceeds_noise": bool(ci and (ci[0] > 0 or ci[1] < 0))}


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> tuple[float, list[dict[str, float | int]]]:
    """Expected calibration error and the reliability table (mean confidence vs. observed rate per bin)."""
    y, p = np.asarray(y, dtype=float).ravel(), np.asarray(p, dtype=float).ravel()
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    table: list[dict[str, float | int]] = []
    ece = 0.0
    for b in range(bins):
        mask = idx == b
        count = int(mask.sum())
        if not count:
            continue
        conf, rate = float(p[mask].mean()), float(y[mask].mean())
        ece += count / len(p) * abs(conf - rate)
        table.append(
            {
                "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                "n": count,
                "confidence": round(conf, 4),
                "observed": round(rate, 4),
            }
        )
    return round(ece, 4), table


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Agreement of two 0/1 raters beyond chance; None without data."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size == 0:
        return None
    po = float((x == y).mean())
    pa, pb = float(x.mean()), float(y.mean())
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe == 1:
        return 1.0 if po == 1 else 0.0
    return round((po - pe) / (1 - pe), 4)


def ratio(num: np.ndarray, den: np.ndarray, W: np.ndarray) -> dict[str, Any]:
    """Σnum/Σden with its 95% interval over resampled answers (None when nothing was counted)."""
    total = float(den.sum())
    if total == 0:
        return {"value": None, "ci": None, "n": 0}
    d = W @ den
    reps = np.where(d > 0, (W @ num) / np.where(d > 0, d, 1), np.nan)
    return {"value": round(float(num.sum()) / total, 4), "ci": interval(reps), "n": int(total)}
