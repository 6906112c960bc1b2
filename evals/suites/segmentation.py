"""The segmentation suite: domain terms kept whole, agreement of the fast engine with jieba, and throughput.

The tagger's word features and the search index both see the fast (jieba-rs) engine's tokens; they are worth
having only if 两癌筛查 or 妇女微家 stay one token, and the fast engine's speed is worth having only if it cuts
as jieba does (the same logic as bench/bench_tagging.py, on the evaluation texts).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals import plots
from evals.common import bundled
from evals.results import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, bootstrap_metric
from evals.suite import Description, Metrics, Suite
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


@dataclass
class SegmentationData:
    texts: list[str]  # normalised as the tagger and the index see them
    terms: list[str]
    engines: dict[str, Any]  # "fast" (jieba-rs) and "jieba"


@dataclass
class TermCuts:
    """One domain term in its carrier sentences and every text it occurs in, as each engine cut them."""

    term: str
    norm: str
    sentences: list[str]
    tokens: dict[str, list[list[str]]]  # per engine, the tokens of each sentence


@dataclass
class SegmentationOutputs:
    terms: list[TermCuts]
    texts: dict[str, list[list[str]]]  # per engine, the tokens of each text
    speed: dict[str, float]  # texts per second


def cut_terms(data: SegmentationData) -> list[TermCuts]:
    out = []
    for term in data.terms:
        norm = normalize_for_features(term)
        sentences = [c.format(norm) for c in CONTEXTS] + [t for t in data.texts if norm in t]
        tokens = {name: [seg.cut(s) for s in sentences] for name, seg in data.engines.items()}
        out.append(TermCuts(term, norm, sentences, tokens))
    return out


def terms_kept_whole(
    cuts: list[TermCuts], engines: list[str]
) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    """Per engine: 1.0 per sentence where the term stayed whole, and the terms split in at least one."""
    whole: dict[str, list[float]] = {name: [] for name in engines}
    split: dict[str, list[str]] = {name: [] for name in engines}
    for c in cuts:
        for name in engines:
            kept = [
                float(kept_whole(tokens, s, c.norm))
                for tokens, s in zip(c.tokens[name], c.sentences, strict=True)
            ]
            whole[name] += kept
            if min(kept) < 1:
                split[name].append(c.term)
    return whole, split


def token_agreement(a: list[str], b: list[str]) -> float:
    """Tokens equal position by position, over the longer side's count (as in bench)."""
    total = max(len(a), len(b)) or 1
    same = len(a) if a == b else sum(1 for x, y in zip(a, b, strict=False) if x == y)
    return same / total


def segmentation_headline(
    kept: dict[str, Any], agreement: dict[str, Any], identical: dict[str, Any], speed: dict[str, float]
) -> dict[str, Any]:
    return {
        "fast.terms_kept_whole": headline(kept["fast"]["value"], kept["fast"]["ci"]),
        "jieba.terms_kept_whole": headline(kept["jieba"]["value"], kept["jieba"]["ci"]),
        "token_agreement": headline(agreement["value"], agreement["ci"]),
        "identical_texts": headline(identical["value"], identical["ci"]),
        "fast.texts_per_s": headline(speed["fast"]),
        "jieba.texts_per_s": headline(speed["jieba"]),
        "speedup": headline(speed["fast"] / speed["jieba"] if speed["jieba"] else 0.0),
    }


def segmentation_tables(metrics: dict[str, Any], speed: dict[str, float]) -> list[Table]:
    kept, split = metrics["terms_kept_whole"], metrics["split_terms"]
    return [
        Table(
            "领域词被切开的情况",
            ["engine", "terms kept whole (all contexts)", "95% CI", "terms split somewhere"],
            [[n, kept[n]["value"], kept[n]["ci"], "、".join(split[n][:30]) or "–"] for n in kept],
        ),
        Table(
            "速度（单进程）",
            ["engine", "texts/s", "avg chars"],
            [[n, round(v, 1), metrics["avg_chars"]] for n, v in speed.items()],
        ),
    ]


@dataclass
class SegmentationSuite(Suite[SegmentationData, SegmentationOutputs]):
    texts_file: Path | None = None
    terms_file: Path | None = None
    limit: int | None = None
    resamples: int = DEFAULT_RESAMPLES

    name = "segmentation"

    @property
    def source(self) -> Path:
        return Path(self.texts_file or bundled("needs_dev.jsonl"))

    def config(self) -> dict[str, Any]:
        return {"limit": self.limit, "resamples": self.resamples, "contexts": list(CONTEXTS)}

    def datasets(self) -> dict[str, Path]:
        return {"texts": self.source} | ({"terms": Path(self.terms_file)} if self.terms_file else {})

    def load(self, settings: Settings) -> SegmentationData:
        from nlp.segment import Segmenter

        texts = [normalize_for_features(t) for t in read_texts(self.source, self.limit)]
        engines = {"fast": Segmenter("fast"), "jieba": Segmenter("jieba")}
        return SegmentationData(texts, read_terms(self.terms_file), engines)

    def predict(self, data: SegmentationData) -> SegmentationOutputs:
        terms = cut_terms(data)
        texts = {name: [seg.cut(t) for t in data.texts] for name, seg in data.engines.items()}
        budget = 0.5 if self.limit else 3.0  # a --limit run is a quick look, not a speed measurement
        speed = {name: _throughput(seg.cut, data.texts, budget) for name, seg in data.engines.items()}
        return SegmentationOutputs(terms, texts, speed)

    def score(self, data: SegmentationData, outputs: SegmentationOutputs) -> Metrics:
        whole, split = terms_kept_whole(outputs.terms, list(data.engines))
        fast, jieba = outputs.texts["fast"], outputs.texts["jieba"]
        kept = {name: bootstrap_metric(v, resamples=self.resamples) for name, v in whole.items()}
        agreement = bootstrap_metric(
            [token_agreement(a, b) for a, b in zip(fast, jieba, strict=True)], resamples=self.resamples
        )
        identical = bootstrap_metric(
            [float(a == b) for a, b in zip(fast, jieba, strict=True)], resamples=self.resamples
        )
        texts = data.texts
        return {
            "headline": segmentation_headline(kept, agreement, identical, outputs.speed),
            "n_texts": len(texts),
            "n_terms": len(data.terms),
            "terms_kept_whole": kept,
            "split_terms": split,
            "token_agreement": agreement,
            "identical_texts": identical,
            "texts_per_s": {k: round(v, 1) for k, v in outputs.speed.items()},
            "avg_chars": round(sum(map(len, texts)) / max(1, len(texts)), 1),
        }

    def describe(self, data: SegmentationData, outputs: SegmentationOutputs, metrics: Metrics) -> Description:
        fast, jieba = outputs.texts["fast"], outputs.texts["jieba"]
        predictions = [
            {"id": i, "text": t, "fast": a, "jieba": b, "identical": a == b}
            for i, (t, a, b) in enumerate(zip(data.texts, fast, jieba, strict=True))
        ]
        kept = metrics["terms_kept_whole"]
        figs = {
            "segmentation": plots.grouped_bars(
                ["terms kept whole", "token agreement", "identical texts"],
                {
                    "fast": [
                        kept["fast"]["value"],
                        metrics["token_agreement"]["value"],
                        metrics["identical_texts"]["value"],
                    ],
                    "jieba": [kept["jieba"]["value"], 1.0, 1.0],
                },
                title="Segmentation: domain terms and agreement with jieba",
                ylabel="share",
            )
        }
        notes = [
            f"{len(data.terms)} 个领域词，每个放进 {len(CONTEXTS)} 个固定句子"
            f"并在 {self.source.name} 的 {len(data.texts)} 条文本中查找出现处；"
            "“保持完整”指没有词元边界落在该词内部（低保户 算保持，低|保 不算）。一致率：逐位置相同的词元占较长一方词元数的比例（与 bench 相同）。"
        ]
        return Description(predictions, segmentation_tables(metrics, outputs.speed), figs, notes)


def run_segmentation(settings: Settings, **options: Any) -> SuiteResult:
    """The suite in one call, as tests and scripts use it (options: :class:`SegmentationSuite`)."""
    return SegmentationSuite(**options).run(settings)
