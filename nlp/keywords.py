"""Keywords of a set of responses: jieba.analyse TF-IDF and TextRank, with an IDF fitted on the survey texts
themselves (jieba's bundled IDF comes from news text, where 低保 or 留守 are rare and so over-weighted)."""

from __future__ import annotations

import copy
import math
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from nlp.normalize import normalize_for_features
from nlp.segment import get_segmenter, is_content_token

_KEEP_POS = ("n", "nr", "ns", "nt", "nz", "v", "vn", "a", "an", "l", "i")


_loaded = False


def _ensure_domain_words() -> None:
    """jieba.analyse segments with jieba's global tokenizer: give it the domain dictionary once."""
    global _loaded
    if _loaded:
        return
    import logging

    import jieba

    from nlp.segment import user_terms

    jieba.setLogLevel(logging.WARNING)
    for t in user_terms():
        jieba.add_word(t.word, t.freq, t.tag)
    _loaded = True


class _Given:
    """jieba's tokenizer interface (``cut``) returning tokens already cut by the domain-dictionary jieba-rs
    segmenter, so each text is segmented once for both the IDF and the term counts."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens

    def cut(self, sentence: str, *args: object, **kwargs: object) -> list[str]:
        return self.tokens


@lru_cache(maxsize=1)
def _base_extractor() -> Any:
    """One jieba.analyse TF-IDF extractor (built from a one-word IDF file instead of jieba's 6 MB news IDF,
    which would be read and then replaced); each call works on a shallow copy with the survey's own IDF."""
    import jieba.analyse

    with tempfile.NamedTemporaryFile("w", suffix=".idf", delete=False, encoding="utf-8") as fh:
        fh.write("妇女 1.0\n")
        path = fh.name
    try:
        return jieba.analyse.TFIDF(idf_path=path)
    finally:
        os.unlink(path)


def _idf(token_lists: Sequence[Sequence[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for toks in token_lists:
        df.update(set(toks))
    n = max(len(token_lists), 1)
    return {w: math.log((n + 1) / (c + 1)) + 1.0 for w, c in df.items()}


def keywords(texts: Sequence[str], top: int = 15, method: str = "tfidf") -> list[tuple[str, float]]:
    """Top keywords of the texts taken together, each with its weight."""
    texts = [normalize_for_features(t) for t in texts if t and t.strip()]
    if not texts:
        return []
    import jieba.analyse

    if method == "textrank":
        _ensure_domain_words()
        words = jieba.analyse.textrank("\n".join(texts), topK=top * 2, withWeight=True, allowPOS=_KEEP_POS)
    else:
        seg = get_segmenter()
        cuts = [seg.cut(t) for t in texts]
        content = {w for w in {w for toks in cuts for w in toks} if is_content_token(w)}  # once per word
        idf = _idf([[w for w in toks if w in content] for toks in cuts])
        extractor = copy.copy(_base_extractor())
        extractor.tokenizer = _Given([w for toks in cuts for w in toks])
        extractor.idf_freq = idf
        values = sorted(idf.values())
        extractor.median_idf = values[len(values) // 2] if values else 1.0
        words = extractor.extract_tags("", topK=top * 2, withWeight=True)
    out = [(w, round(float(s), 4)) for w, s in words if is_content_token(w) and len(w) >= 2]
    return out[:top]
