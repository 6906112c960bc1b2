"""Tagging benchmarks: tagging throughput (segmentation included), segmentation speed and agreement of the
fast engine with jieba, training time, and the memory of a loaded model.

Run: python bench/bench_tagging.py   (writes bench/out/tagging.json)
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import save

REPO = Path(__file__).resolve().parents[1]
RUNS = 7


def distinct_texts(n: int = 20_000, target_chars: int = 45) -> list[str]:
    """Distinct texts of about 60 characters: training answers joined at random (no cache can help)."""
    base = [
        json.loads(line)["text"]
        for line in (REPO / "evals/data/needs_train.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    rng = random.Random(3)
    out = []
    for i in range(n):
        t = rng.choice(base)
        while len(t) < target_chars:
            t += "，" + rng.choice(base)
        out.append(t[: target_chars + 25] + f"（{i}）")
    return out


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_memory(home: str) -> None:
    """RSS after importing the libraries, then after loading the model and tagging once (a fresh process)."""
    import sklearn.linear_model  # noqa: F401

    from fuqing.config import Settings
    from nlp.service import load_tagger
    from nlp.tagger import ModelTagger  # noqa: F401 - import the libraries before the first reading

    before = _rss_mb()
    load_tagger(Settings(home=home)).tag(["想找活干"])
    after = _rss_mb()
    print(json.dumps({"rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1)}))


def segmentation(texts: list[str]) -> dict[str, object]:
    """jieba's lcut against the fast engine on the same 5,000 texts: speed and token agreement."""
    import jieba

    from nlp.segment import Segmenter

    jieba.initialize()
    ref, fast = Segmenter("jieba"), Segmenter("fast")
    sample = texts[:5000]
    t = time.perf_counter()
    for s in sample:
        jieba.lcut(s)
    jieba_s = time.perf_counter() - t
    t = time.perf_counter()
    for s in sample:
        fast.cut(s)
    fast_s = time.perf_counter() - t
    same = total = 0
    for s in sample:
        a, b = fast.cut(s), ref.cut(s)
        total += max(len(a), len(b))
        same += len(a) if a == b else sum(1 for x, y in zip(a, b, strict=False) if x == y)
    return {
        "jieba_lcut_texts_per_s": round(len(sample) / jieba_s),
        "fast_texts_per_s": round(len(sample) / fast_s),
        "speedup": round(jieba_s / fast_s, 1),
        "token_agreement": round(same / total, 4),
    }


def training_seconds() -> float:
    from nlp.labelled import read_labelled
    from nlp.model_store import fit_model

    rows = read_labelled(REPO / "evals/data/needs_train.jsonl")
    extra = rows[: max(0, 2000 - len(rows))]
    two_thousand = rows + [type(r)(r.id + "-dup", r.text + "。", r.groups, r.needs) for r in extra]
    t = time.perf_counter()
    fit_model(two_thousand)
    return round(time.perf_counter() - t, 1)


def tagging(tagger: object, texts: list[str]) -> dict[str, object]:
    """The machine is shared: several runs, best and median of wall-clock time, and CPU time beside it."""
    tagger.tag(texts[:100])  # type: ignore[attr-defined]
    walls, cpus = [], []
    for _ in range(RUNS):
        t, c = time.perf_counter(), time.process_time()
        tagger.tag(texts)  # type: ignore[attr-defined]
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return {
        "texts": len(texts),
        "runs": RUNS,
        "seconds_best": round(min(walls), 2),
        "seconds_median": round(statistics.median(walls), 2),
        "seconds_worst": round(max(walls), 2),
        "texts_per_s": round(len(texts) / min(walls)),
        "texts_per_s_median": round(len(texts) / statistics.median(walls)),
        "texts_per_s_worst": round(len(texts) / max(walls)),
        "texts_per_cpu_s_best": round(len(texts) / min(cpus)),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child-memory":
        child_memory(sys.argv[2])
        return
    from fuqing.config import Settings
    from nlp.model_store import train_and_save
    from nlp.service import load_tagger

    results: dict[str, object] = {}
    texts = distinct_texts()
    results["avg_chars"] = round(sum(map(len, texts)) / len(texts), 1)
    results["segmentation"] = segmentation(texts)
    print("segmentation:", results["segmentation"])
    results["train_2000_s"] = training_seconds()
    print("training on 2000 examples:", results["train_2000_s"], "s")
    with tempfile.TemporaryDirectory() as home:
        train_and_save(Settings(home=home))
        results["tagging"] = tagging(load_tagger(Settings(home=home)), texts)
        print("tagging:", results["tagging"])
        out = subprocess.run(
            [sys.executable, __file__, "--child-memory", home], capture_output=True, text=True, check=True
        ).stdout
        mem = json.loads(out.strip().splitlines()[-1])
        mem["model_mb"] = round(mem["rss_after_mb"] - mem["rss_before_mb"], 1)
        results["memory"] = mem
        print("memory:", mem)
    print("written", save("tagging", results))


if __name__ == "__main__":
    main()
