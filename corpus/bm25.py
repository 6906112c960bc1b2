"""Okapi BM25 as a sparse matrix, so a query is one column slice and one sum even over 100,000 units."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse


class BM25:
    def __init__(self, k1: float = 1.5, b: float = 0.75):
        self.k1 = k1
        self.b = b
        self.vocabulary: dict[str, int] = {}
        self.weights: sparse.csc_matrix | None = None

    def fit(self, docs: Sequence[Sequence[str]]) -> BM25:
        rows, cols, vals = [], [], []
        vocab: dict[str, int] = {}
        lengths = np.zeros(len(docs), dtype=np.float32)
        for r, toks in enumerate(docs):
            lengths[r] = len(toks)
            counts: dict[int, int] = {}
            for t in toks:
                j = vocab.setdefault(t, len(vocab))
                counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                rows.append(r)
                cols.append(j)
                vals.append(c)
        n = len(docs)
        tf = sparse.csr_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(n, len(vocab)))
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocab)).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avgdl = float(lengths.mean()) if n else 1.0
        norm = self.k1 * (1 - self.b + self.b * lengths / max(avgdl, 1e-9))
        tf = tf.tocoo()
        w = idf[tf.col] * tf.data * (self.k1 + 1) / (tf.data + norm[tf.row])
        self.weights = sparse.csc_matrix((w.astype(np.float32), (tf.row, tf.col)), shape=(n, len(vocab)))
        self.vocabulary = vocab
        return self

    def scores(self, query_tokens: Sequence[str] | Mapping[str, float]) -> np.ndarray:
        """Sum of the query terms' BM25 weights; a mapping gives each term its own weight (expansions count less)."""
        assert self.weights is not None, "fit first"
        terms = query_tokens if isinstance(query_tokens, Mapping) else dict.fromkeys(query_tokens, 1.0)
        found = [(self.vocabulary[t], w) for t, w in terms.items() if t in self.vocabulary and w > 0]
        if not found:
            return np.zeros(self.weights.shape[0], dtype=np.float32)
        idx = [j for j, _ in found]
        qw = np.asarray([w for _, w in found], dtype=np.float32)
        return np.asarray(self.weights[:, idx] @ qw).ravel()
