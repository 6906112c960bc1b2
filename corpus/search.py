"""Hybrid retrieval: BM25 over jieba tokens, BM25 over character bigrams and dense vectors in Chroma,
fused by reciprocal rank. Each index text carries the clause's plain-language keywords where the bundle has them;
each query is weighted and expanded into legal wording first (corpus/query.py), for all three lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from corpus.bm25 import BM25
from corpus.chroma_store import VectorStore
from corpus.documents import Document, citation
from corpus.query import (
    DENSE_EXPANSION_WEIGHT,
    char_bigrams,
    query_expansions,
    weighted_query_bigrams,
    weighted_query_terms,
)
from corpus.structure import Unit
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


def unit_index_text(unit: Unit) -> str:
    """What both indexes see: the section heading, the clause and its plain-language keywords (if any)."""
    return " ".join([*unit.section[-1:], unit.text, *unit.keywords])


def unit_tokens(doc: Document, unit: Unit) -> list[str]:
    return get_segmenter().tokens(unit_index_text(unit), search=True)


def unit_text_for_embedding(doc: Document, unit: Unit) -> str:
    return unit_index_text(unit)


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

    def _bm25_rank(self, query: str, extra: list[str], mask: np.ndarray | None) -> list[int]:
        if self.bm25 is None:
            return []
        return self._top(self.bm25.scores(weighted_query_terms(query, extra)), mask)

    def _chars_rank(self, query: str, extra: list[str], mask: np.ndarray | None) -> list[int]:
        if self.bm25_chars is None:
            return []
        return self._top(self.bm25_chars.scores(weighted_query_bigrams(query, extra)), mask)

    def _dense_rank(self, query: str, extra: list[str], doc_ids: list[str] | None) -> list[int]:
        if not self.entries:
            return []
        if extra:  # the expansions nudge the query vector; embedded whole they would drown it
            vecs = self.vectors.embedder.embed([query, " ".join(extra)])
            vec = vecs[0] + DENSE_EXPANSION_WEIGHT * vecs[1]
        else:
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
        extra = query_expansions(query)  # computed once, used by all three ranked lists
        rankings = []
        if method in ("hybrid", "bm25"):
            rankings.append(self._bm25_rank(query, extra, mask))
        if method == "hybrid":
            rankings.append(self._chars_rank(query, extra, mask))
        if method in ("hybrid", "dense"):
            rankings.append(self._dense_rank(query, extra, doc_ids))
        fused = rrf(rankings)
        best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [Hit(self.entries[i][0], self.entries[i][1], s) for i, s in best]
