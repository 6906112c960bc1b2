"""Corpus benchmarks: cleaning, first-use ingestion, search latency (bundled and 100,000 units), retrieval quality.

Run: python bench/bench_corpus.py [--units 100000] [--skip-large]
Writes bench/out/corpus.json and prints the figures recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import save, time_calls, time_each
from corpus.cleaning import clean_text
from corpus.query import query_expansions, query_tokens, weighted_query_bigrams, weighted_query_terms
from corpus.search import unit_tokens
from corpus.service import Corpus
from corpus.structure import parse_document
from evals.gold import read_retrieval_gold
from evals.retrieval import evaluate_retrieval
from fuqing.config import Settings

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "evals" / "data" / "retrieval_gold.jsonl"
HELDOUT = REPO / "evals" / "data" / "retrieval_heldout.jsonl"


def bench_cleaning() -> dict[str, float]:
    raw = (REPO / "corpus" / "data" / "anhui-ponan-2022.raw.txt").read_text(encoding="utf-8")
    clean_text(raw)  # warm the converters and the dictionary once
    return time_calls(lambda: parse_document(clean_text(raw).text), 20)


def bench_ingestion(home: Path) -> float:
    started = time.perf_counter()
    Corpus.open(Settings(home=home))
    return round(time.perf_counter() - started, 2)


def bench_search(
    corpus: Corpus, queries: list[str], method: str = "hybrid", rounds: int = 3
) -> dict[str, float]:
    corpus.search(queries[0], method=method)  # build the in-memory index outside the timing
    return time_each(lambda q: corpus.search(q, k=5, method=method), queries * rounds)  # type: ignore[arg-type]


def bench_query_processing(queries: list[str]) -> dict[str, float]:
    """What turning a question into weighted, expanded terms costs per query (part of every search)."""

    def process(q: str) -> None:
        extra = query_expansions(q)
        weighted_query_terms(q, extra)
        weighted_query_bigrams(q, extra)

    process(queries[0])
    return time_each(process, queries * 3, digits=3)


def bench_baseline_bm25(corpus: Corpus, queries: list[str]) -> dict[str, float]:
    """The plain baseline: a Python loop scoring every unit with BM25 (what rank_bm25 does per query)."""
    index = corpus.index()
    tokenised = [unit_tokens(d, u) for d, u in index.entries]
    n = len(tokenised)
    avgdl = sum(len(t) for t in tokenised) / n
    df: dict[str, int] = {}
    for toks in tokenised:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    counts = [{t: toks.count(t) for t in set(toks)} for toks in tokenised]

    def score(q: str) -> list[int]:
        qt = query_tokens(q)
        scores = []
        for c, toks in zip(counts, tokenised, strict=True):
            s = 0.0
            for t in qt:
                f = c.get(t, 0)
                if f:
                    idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                    s += idf * f * 2.5 / (f + 1.5 * (0.25 + 0.75 * len(toks) / avgdl))
            scores.append(s)
        return sorted(range(n), key=lambda i: -scores[i])[:5]

    return time_each(score, queries)


def synthetic_corpus(corpus: Corpus, n_units: int, directory: Path, per_doc: int = 1000) -> list[Path]:
    """Law-shaped files whose articles recombine real sentences of the bundled corpus."""
    sentences = [
        s for d in corpus.documents() for u in d.units for s in re.split(r"(?<=[。；])", u.text) if len(s) > 8
    ]
    rng = random.Random(7)
    paths = []
    for doc_no in range(0, n_units, per_doc):
        lines = [f"# 合成法规第{doc_no // per_doc + 1}号", "", "## 第一章 总则", ""]
        for art in range(1, min(per_doc, n_units - doc_no) + 1):
            lines.append(f"第{art}条 " + "".join(rng.sample(sentences, rng.randint(1, 3))))
            lines.append("")
        path = directory / f"synthetic-{doc_no // per_doc + 1:03d}.md"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    results: dict[str, object] = {}

    results["clean_parse_seed"] = bench_cleaning()
    print("clean+parse seed:", results["clean_parse_seed"])

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        results["first_use_ingestion_s"] = bench_ingestion(home)
        print("first-use ingestion (s):", results["first_use_ingestion_s"])
        corpus = Corpus.open(Settings(home=home))
        queries = [c.query for c in read_retrieval_gold(GOLD)]
        for method in ("hybrid", "bm25", "dense"):
            results[f"search_bundled_{method}"] = bench_search(corpus, queries, method)
            print(f"search bundled {method}:", results[f"search_bundled_{method}"])
        results["query_processing"] = bench_query_processing(queries)
        print(
            "query processing (expansions + weighted terms + weighted bigrams):", results["query_processing"]
        )
        results["search_bundled_baseline_python_bm25"] = bench_baseline_bm25(corpus, queries)
        print("baseline python BM25 loop:", results["search_bundled_baseline_python_bm25"])

        for name, path in (("gold", GOLD), ("heldout", HELDOUT)):
            if not path.exists():
                continue
            for method in ("bm25", "dense", "hybrid"):
                r = evaluate_retrieval(corpus, path, 5, method)  # type: ignore[arg-type]
                results[f"quality_{name}_{method}"] = {
                    k: r[k] for k in ("n", "recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
                }
                print(f"quality {name} {method}:", results[f"quality_{name}_{method}"])

        if not args.skip_large:
            syn_dir = Path(tmp) / "synthetic"
            syn_dir.mkdir()
            paths = synthetic_corpus(corpus, args.units, syn_dir)
            t = time.perf_counter()
            corpus.add(paths)
            results["large_ingest_s"] = round(time.perf_counter() - t, 1)
            total = sum(len(d.units) for d in corpus.documents())
            results["large_units"] = total
            print(f"ingested {total} units in {results['large_ingest_s']} s")
            for method in ("hybrid", "bm25", "dense"):
                results[f"search_large_{method}"] = bench_search(corpus, queries, method, rounds=2)
                print(f"search {total} units {method}:", results[f"search_large_{method}"])
    path = save("corpus", results)
    print("written", path)


if __name__ == "__main__":
    main()
