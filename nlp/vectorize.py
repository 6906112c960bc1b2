"""A compiled form of the fitted TF-IDF features that transforms a whole batch in a few array operations.

scikit-learn's ``TfidfVectorizer.transform`` counts n-grams one Python string at a time; at ~200 character
n-grams per answer that loop was a third of the tagging time. ``CompiledFeatures`` reads the fitted
vocabularies and IDF weights of the model's ``FeatureUnion`` (it is built from them, never saved) and produces the
same matrix: character n-grams of the whole batch are encoded as integers (code points packed into an int64,
so a 3-gram is one number) and looked up in a sorted copy of the vocabulary with ``searchsorted``; words are
looked up in the vocabulary dict; counts, sublinear tf, IDF and L2 norm follow sklearn's own order of
operations. A test compares it with sklearn on real texts, so the two cannot drift apart silently.

Input texts must already be normalised (``normalize_many``): the tagger normalises each text once and shares
the result between features, rules and the content check.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

from nlp import features
from nlp.segment import get_segmenter

_BITS = 21  # every code point (< 0x110000) plus one fits in 21 bits, so three fit in an int64


def char_keys(grams: Sequence[str]) -> np.ndarray:
    """The integer key of each character n-gram (n ≤ 3): code points + 1, packed 21 bits apiece."""
    out = np.zeros(len(grams), dtype=np.int64)
    for i, g in enumerate(grams):
        k = 0
        for ch in g:
            k = (k << _BITS) | (ord(ch) + 1)
        out[i] = k
    return out


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64) + 1


class IntTable:
    """A read-only int64 → int64 map looked up for a whole array at once (open addressing, linear probing).

    ``np.searchsorted`` over the vocabulary costs a binary search per n-gram; with the table a quarter full,
    most look-ups end at the first slot.
    """

    _MULT = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        self.bits = max(4, int(np.ceil(np.log2(max(1, len(keys)) * 4))))
        self.mask = (1 << self.bits) - 1
        self.keys = np.full(1 << self.bits, -1, dtype=np.int64)  # keys are positive, -1 marks an empty slot
        self.values = np.full(1 << self.bits, -1, dtype=np.int64)
        self.max_probe = 0
        for k, v, h in zip(keys.tolist(), values.tolist(), self._hash(keys).tolist(), strict=True):
            probe = 0
            while self.keys[(h + probe) & self.mask] not in (-1, k):
                probe += 1
            self.keys[(h + probe) & self.mask] = k
            self.values[(h + probe) & self.mask] = v
            self.max_probe = max(self.max_probe, probe)

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * self._MULT) >> np.uint64(64 - self.bits)).astype(np.int64)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key, -1 where absent."""
        out = np.full(len(keys), -1, dtype=np.int64)
        home = self._hash(keys)
        active = np.arange(len(keys))
        for probe in range(self.max_probe + 1):
            slot = (home[active] + probe) & self.mask
            stored = self.keys[slot]
            hit = stored == keys[active]
            out[active[hit]] = self.values[slot[hit]]
            active = active[~hit & (stored != -1)]
            if not len(active):
                break
        return out


class _Block:
    """One fitted vectoriser of the union: how to find its columns and weight them."""

    def __init__(self, vec: TfidfVectorizer, kind: str):
        self.kind = kind
        self.n_features = len(vec.vocabulary_)
        self.sublinear = bool(vec.sublinear_tf)
        self.idf = np.asarray(vec.idf_, dtype=np.float64) if vec.use_idf else None
        self.norm = vec.norm
        self.binary = bool(vec.binary)
        if kind == "words":
            self.vocab: dict[str, int] = dict(vec.vocabulary_)
        else:
            self.min_n, self.max_n = vec.ngram_range
            terms = list(vec.vocabulary_)
            keys = char_keys(terms)
            cols = np.fromiter((vec.vocabulary_[t] for t in terms), dtype=np.int64, count=len(terms))
            self.table = IntTable(keys, cols)

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        rows, cols = self._words(texts) if self.kind == "words" else self._chars(texts)
        x = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(texts), self.n_features)
        )
        x.sum_duplicates()  # counts, indices sorted within each row as sklearn's CountVectorizer leaves them
        return x

    def _words(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        seg = get_segmenter()
        vocab_get = self.vocab.get
        flat: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for i, t in enumerate(texts):
            # Raw tokens straight into the vocabulary: the analyser's filter (no blanks, no bare punctuation)
            # depends on the token alone, so a token it drops was never fitted and finds no column anyway.
            ids = list(map(vocab_get, seg.cut(t), repeat(-1)))
            lengths[i] = len(ids)
            flat.extend(ids)
        cols = np.asarray(flat, dtype=np.int64)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        keep = cols >= 0
        return rows[keep], cols[keep]

    def _chars(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        cp = _codepoints("".join(texts))
        doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        rows_parts, cols_parts = [], []
        total = len(cp)
        for n in range(self.min_n, self.max_n + 1):
            if total < n:
                break
            m = total - n + 1
            key = cp[:m].copy()
            for k in range(1, n):
                key = (key << _BITS) | cp[k : k + m]
            col = self.table.get(key)
            found = (col >= 0) & (doc[:m] == doc[n - 1 : n - 1 + m])  # known n-gram, inside one text
            rows_parts.append(doc[:m][found])
            cols_parts.append(col[found])
        if not rows_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows_parts), np.concatenate(cols_parts)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        x = self.counts(texts)
        if self.binary:
            x.data[:] = 1.0
        if self.sublinear:
            np.log(x.data, x.data)
            x.data += 1.0
        if self.idf is not None:
            x.data *= self.idf[x.indices]
        if self.norm is not None:
            x = normalize(x, norm=self.norm, copy=False)
        return x


def compile_chars(vec: TfidfVectorizer) -> _Block:
    """A fitted character n-gram vectoriser (n ≤ 3, no preprocessing of its own) as a batch transform; inputs must
    already be as its analyser would see them (lower-cased if it lowercases, blank runs collapsed)."""
    return _Block(vec, "chars")


class CompiledFeatures:
    """Batch transform equal to ``union.transform(raw)`` for texts given as ``normalize_many(raw)``."""

    def __init__(self, union: FeatureUnion):
        self.blocks = []
        for name, vec in union.transformer_list:
            kind = _kind(vec)
            if kind is None:
                raise ValueError(f"feature block {name!r} cannot be compiled")
            self.blocks.append(_Block(vec, kind))

    @staticmethod
    def supports(union: Any) -> bool:
        return (
            isinstance(union, FeatureUnion)
            and union.transformer_weights is None
            and all(_kind(vec) is not None for _, vec in union.transformer_list)
        )

    def transform(self, normalized_texts: Sequence[str]) -> sp.csr_matrix:
        parts = [b.transform(normalized_texts) for b in self.blocks]
        return sp.hstack(parts, format="csr") if len(parts) > 1 else parts[0].tocsr()


def _kind(vec: Any) -> str | None:
    """Which compiled block reproduces this vectoriser exactly, or None when none does."""
    if not isinstance(vec, TfidfVectorizer) or not hasattr(vec, "vocabulary_"):
        return None
    if vec.input != "content" or vec.dtype is not np.float64 and vec.dtype != np.float64:
        return None
    if vec.analyzer is features.words:
        return "words"
    if (
        vec.analyzer == "char"
        and vec.preprocessor is features.normalized
        and 1 <= vec.ngram_range[0] <= vec.ngram_range[1] <= 3
    ):
        return "chars"
    return None
