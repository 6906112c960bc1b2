"""The segmentation suite: domain terms kept whole, agreement of the fast engine with jieba, and throughput.

The tagger's word features and the search index both see the fast (jieba-rs) engine's tokens; they are worth
having only if 两癌筛查 or 妇女微家 stay one token, and the fast engine's speed is worth having only if it cuts
as jieba does (the same logic as bench/bench_tagging.py, on the evaluation texts).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from evals import plots
from evals.common import bundled, one_blas_thread
from evals.runs import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, bootstrap_metric
from fuqing.config import Settings
from fuqing.errors import InputError
from nlp.normalize import normalize_for_features

CONTEXTS = ("我们村最需要{}。", "听说{}的事，想问问。", "{}")


def read_texts(path: Path, limit: int | None) -> list[str]:
    """Texts from a labelled JSONL file (its text field) or a plain file with one text per line."""
    from fuqing.jsonl import read_jsonl

    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件 {path}。", hint="请检查路径。")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        texts = [str(obj.get("text", "")) for _n, obj in read_jsonl(path)]
    else:
        texts = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
    texts = [t for t in texts if t.strip()]
    return texts[:limit] if limit else texts


def read_terms(path: Path | None) -> list[str]:
    if path is None:
        from nlp.segment import user_terms

        return [t.word for t in user_terms()]
    return [
        line.split()[0] for line in Path(path).read_text(encoding="utf-8-sig").splitlines() if line.strip()
    ]


def kept_whole(tokens: list[str], text: str, term: str) -> bool:
    """No token boundary falls inside any occurrence of the term (低保户 keeps 低保 whole; 低|保 does not)."""
    cuts, pos = set(), 0
    for tok in tokens:
        pos += len(tok)
        cuts.add(pos)
    start = text.find(term)
    while start != -1:
        if any(start < c < start + len(term) for c in cuts):
            return False
        start = text.find(term, start + 1)
    return True


def _throughput(cut: Any, texts: list[str], budget_s: float = 3.0) -> float:
    done, t0 = 0, time.perf_counter()
    while True:
        for t in texts:
            cut(t)
            done += 1
            if done % 200 == 0 and time.perf_counter() - t0 > budget_s:
                return done / (time.perf_counter() - t0)
        if time.perf_counter() - t0 > budget_s / 3:
            return done / (time.perf_counter() - t0)


@one_blas_thread
def run_segmentation(
    settings: Settings,
    *,
    texts_file: Path | None = None,
    terms_file: Path | None = None,
    limit: int | None = None,
    resamples: int = DEFAULT_RESAMPLES,
) -> SuiteResult:
    started = time.perf_counter()
    from nlp.segment import Segmenter

    source = Path(texts_file or bundled("needs_dev.jsonl"))
    texts = [normalize_for_features(t) for t in read_texts(source, limit)]
    terms = read_terms(terms_file)
    engines = {"fast": Segmenter("fast"), "jieba": Segmenter("jieba")}

    # Terms kept whole: each term in fixed carrier sentences, and every occurrence in the texts.
    whole: dict[str, list[float]] = {name: [] for name in engines}
    term_rows: list[dict[str, Any]] = []
    split_terms: dict[str, list[str]] = {name: [] for name in engines}
    for term in terms:
        norm = normalize_for_features(term)
        sentences = [c.format(norm) for c in CONTEXTS] + [t for t in texts if norm in t]
        for name, seg in engines.items():
            kept = [float(kept_whole(seg.cut(s), s, norm)) for s in sentences]
            whole[name] += kept
            if min(kept) < 1:
                split_terms[name].append(term)
        term_rows.append({"term": term, "occurrences_in_texts": len(sentences) - len(CONTEXTS)})

    # Agreement: tokens of the fast engine equal to jieba's, position by position (as in bench).
    agree_per_text = []
    predictions = []
    for i, t in enumerate(texts):
        a, b = engines["fast"].cut(t), engines["jieba"].cut(t)
        total = max(len(a), len(b)) or 1
        same = len(a) if a == b else sum(1 for x, y in zip(a, b, strict=False) if x == y)
        agree_per_text.append(same / total)
        predictions.append({"id": i, "text": t, "fast": a, "jieba": b, "identical": a == b})
    identical = [float(p["identical"]) for p in predictions]
    budget = 0.5 if limit else 3.0  # a --limit run is a quick look, not a speed measurement
    speed = {name: _throughput(seg.cut, texts, budget) for name, seg in engines.items()}

    kept = {name: bootstrap_metric(v, resamples=resamples) for name, v in whole.items()}
    agreement = bootstrap_metric(agree_per_text, resamples=resamples)
    identical_m = bootstrap_metric(identical, resamples=resamples)
    head = {
        "fast.terms_kept_whole": headline(kept["fast"]["value"], kept["fast"]["ci"]),
        "jieba.terms_kept_whole": headline(kept["jieba"]["value"], kept["jieba"]["ci"]),
        "token_agreement": headline(agreement["value"], agreement["ci"]),
        "identical_texts": headline(identical_m["value"], identical_m["ci"]),
        "fast.texts_per_s": headline(speed["fast"]),
        "jieba.texts_per_s": headline(speed["jieba"]),
        "speedup": headline(speed["fast"] / speed["jieba"] if speed["jieba"] else 0.0),
    }
    metrics = {
        "headline": head,
        "n_texts": len(texts),
        "n_terms": len(terms),
        "terms_kept_whole": kept,
        "split_terms": split_terms,
        "token_agreement": agreement,
        "identical_texts": identical_m,
        "texts_per_s": {k: round(v, 1) for k, v in speed.items()},
        "avg_chars": round(sum(map(len, texts)) / max(1, len(texts)), 1),
    }
    figs = {
        "segmentation": plots.grouped_bars(
            ["terms kept whole", "token agreement", "identical texts"],
            {
                "fast": [kept["fast"]["value"], agreement["value"], identical_m["value"]],
                "jieba": [kept["jieba"]["value"], 1.0, 1.0],
            },
            title="Segmentation: domain terms and agreement with jieba",
            ylabel="share",
        )
    }
    return SuiteResult(
        "segmentation",
        {"limit": limit, "resamples": resamples, "contexts": list(CONTEXTS)},
        {"texts": source} | ({"terms": Path(terms_file)} if terms_file else {}),
        metrics,
        predictions,
        [
            Table(
                "领域词被切开的情况",
                ["engine", "terms kept whole (all contexts)", "95% CI", "terms split somewhere"],
                [
                    [n, kept[n]["value"], kept[n]["ci"], "、".join(split_terms[n][:30]) or "–"]
                    for n in engines
                ],
            ),
            Table(
                "速度（单进程）",
                ["engine", "texts/s", "avg chars"],
                [[n, round(v, 1), metrics["avg_chars"]] for n, v in speed.items()],
            ),
        ],
        figs,
        [
            f"{len(terms)} 个领域词，每个放进 {len(CONTEXTS)} 个固定句子并在 {source.name} 的 {len(texts)} 条文本中查找出现处；"
            "“保持完整”指没有词元边界落在该词内部（低保户 算保持，低|保 不算）。一致率：逐位置相同的词元占较长一方词元数的比例（与 bench 相同）。"
        ],
        time.perf_counter() - started,
    )
