"""Keywords of a set of responses: jieba.analyse TF-IDF and TextRank, with an IDF fitted on the survey texts
themselves (jieba's bundled IDF comes from news text, where 低保 or 留守 are rare and so over-weighted)."""

from __future__ import annotations

import math
import os
import tempfile
from collections import Counter
from collections.abc import Sequence

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


class _FastCut:
    """jieba's tokenizer interface (``cut``) over the domain-dictionary jieba-rs segmenter."""

    def cut(self, sentence: str, *args: object, **kwargs: object) -> list[str]:
        return get_segmenter().cut(sentence)


def fit_idf(texts: Sequence[str]) -> dict[str, float]:
    seg = get_segmenter()
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(seg.tokens(t)))
    n = max(len(texts), 1)
    return {w: math.log((n + 1) / (c + 1)) + 1.0 for w, c in df.items()}


def keywords(texts: Sequence[str], top: int = 15, method: str = "tfidf") -> list[tuple[str, float]]:
    """Top keywords of the texts taken together, each with its weight."""
    texts = [normalize_for_features(t) for t in texts if t and t.strip()]
    if not texts:
        return []
    import jieba.analyse

    _ensure_domain_words()
    joined = "\n".join(texts)
    if method == "textrank":
        words = jieba.analyse.textrank(joined, topK=top * 2, withWeight=True, allowPOS=_KEEP_POS)
    else:
        idf = fit_idf(texts)
        with tempfile.NamedTemporaryFile("w", suffix=".idf", delete=False, encoding="utf-8") as fh:
            for w, v in idf.items():
                if " " not in w:
                    fh.write(f"{w} {v:.6f}\n")
            path = fh.name
        try:
            extractor = jieba.analyse.TFIDF(idf_path=path)
            extractor.tokenizer = (
                _FastCut()
            )  # jieba.analyse's TF-IDF, with the jieba-rs segmenter (same tokens)
            words = extractor.extract_tags(joined, topK=top * 2, withWeight=True)
        finally:
            os.unlink(path)
    out = [(w, round(float(s), 4)) for w, s in words if is_content_token(w) and len(w) >= 2]
    return out[:top]
