"""Hybrid retrieval: BM25 over jieba tokens, BM25 over character bigrams and dense vectors in Chroma,
fused by reciprocal rank. Each index text carries the clause's plain-language keywords where the bundle has them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import numpy as np

from corpus.bm25 import BM25
from corpus.chroma_store import VectorStore
from corpus.documents import Document, citation
from corpus.structure import Unit
from nlp.normalize import normalize_for_features
from nlp.segment import get_segmenter

Method = Literal["hybrid", "bm25", "dense"]
RRF_K = 60
CANDIDATES = 50


@dataclass
class Hit:
    doc: Document
    unit: Unit
    score: float

    @property
    def clause_id(self) -> str:
        return f"{self.doc.doc_id}#{self.unit.clause}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc.doc_id,
            "clause_id": self.clause_id,
            "clause": self.unit.clause,
            "label": self.unit.label,
            "section": self.unit.section,
            "title": self.unit.title,
            "text": self.unit.text,
            "score": round(float(self.score), 6),
            "doc_title": self.doc.title,
            "date": self.doc.date,
            "citation": citation(self.doc, self.unit),
        }


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, list[str]]:
    """Everyday words → the words laws use (家暴 → 家庭暴力); general domain knowledge, not per-query tuning."""
    table: dict[str, list[str]] = {}
    text = resources.files("corpus").joinpath("data", "query_synonyms.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or "=" not in line:
            continue
        left, right = line.split("=", 1)
        for word in left.split(","):
            table.setdefault(word.strip(), []).extend(w for w in right.split() if w)
    return table


def query_tokens(query: str) -> list[str]:
    seg = get_segmenter()
    toks = seg.tokens(query, search=True)
    norm = normalize_for_features(query)
    expansions: list[str] = []
    for word, targets in _synonyms().items():
        if word in norm:
            for t in targets:
                expansions.extend(seg.tokens(t, search=True))
    return toks + expansions


def unit_index_text(unit: Unit) -> str:
    """What both indexes see: the section heading, the clause and its plain-language keywords (if any)."""
    return " ".join([*unit.section[-1:], unit.text, *unit.keywords])


def unit_tokens(doc: Document, unit: Unit) -> list[str]:
    return get_segmenter().tokens(unit_index_text(unit), search=True)


def unit_text_for_embedding(doc: Document, unit: Unit) -> str:
    return unit_index_text(unit)


def char_bigrams(text: str) -> list[str]:
    """Character bigrams: robust to typos, homophones and words the segmenter splits differently."""
    norm = normalize_for_features(text).replace(" ", "")
    return [norm[i : i + 2] for i in range(len(norm) - 1)]


def rrf(rankings: Iterable[list[int]], k: int = RRF_K) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, idx in enumerate(ranking):
            fused[idx] = fused.get(idx, 0.0) + 1.0 / (k + rank + 1)
    return fused


class HybridIndex:
    """The in-memory side (units and BM25) of one corpus generation, plus its Chroma collection."""

    def __init__(self, docs: list[Document], vectors: VectorStore):
        self.docs = {d.doc_id: d for d in docs}
        self.entries: list[tuple[Document, Unit]] = [(d, u) for d in docs for u in d.units]
        self.position = {f"{d.doc_id}#{u.clause}@{d.rev}": i for i, (d, u) in enumerate(self.entries)}
        self.doc_of = np.array([d.doc_id for d, _ in self.entries], dtype=object)
        self.bm25 = BM25().fit([unit_tokens(d, u) for d, u in self.entries]) if self.entries else None
        self.bm25_chars = (
            BM25().fit([char_bigrams(unit_index_text(u)) for _, u in self.entries]) if self.entries else None
        )
        self.vectors = vectors

    @staticmethod
    def _top(scores: np.ndarray, mask: np.ndarray | None) -> list[int]:
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        n = min(CANDIDATES, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [int(i) for i in top if scores[i] > 0]

    def _bm25_rank(self, query: str, mask: np.ndarray | None) -> list[int]:
        if self.bm25 is None:
            return []
        return self._top(self.bm25.scores(query_tokens(query)), mask)

    def _chars_rank(self, query: str, mask: np.ndarray | None) -> list[int]:
        if self.bm25_chars is None:
            return []
        return self._top(self.bm25_chars.scores(char_bigrams(query)), mask)

    def _dense_rank(self, query: str, doc_ids: list[str] | None) -> list[int]:
        if not self.entries:
            return []
        vec = self.vectors.embedder.embed([query])[0]
        if not np.any(vec):
            return []
        where = None
        if doc_ids:
            where = {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": doc_ids}}
        ranked = []
        for cid, _sim in self.vectors.query(vec, CANDIDATES * 2, where):
            pos = self.position.get(cid)  # ids of replaced revisions are not in the current generation
            if pos is not None:
                ranked.append(pos)
        return ranked[:CANDIDATES]

    def search(
        self, query: str, k: int = 5, doc_ids: list[str] | None = None, method: Method = "hybrid"
    ) -> list[Hit]:
        mask = np.isin(self.doc_of, doc_ids) if doc_ids else None
        rankings = []
        if method in ("hybrid", "bm25"):
            rankings.append(self._bm25_rank(query, mask))
        if method == "hybrid":
            rankings.append(self._chars_rank(query, mask))
        if method in ("hybrid", "dense"):
            rankings.append(self._dense_rank(query, doc_ids))
        fused = rrf(rankings)
        best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [Hit(self.entries[i][0], self.entries[i][1], s) for i, s in best]
