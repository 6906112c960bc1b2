"""Text features for the tagger. Module-level functions, so a saved model refers to them by name (skops)."""

from __future__ import annotations

from nlp.normalize import normalize_for_features
from nlp.segment import get_segmenter


def normalized(text: str) -> str:
    """The character-n-gram view: simplified, half-width, lower-case, no readings or emoji."""
    return normalize_for_features(text)


def words(text: str) -> list[str]:
    """The word view: domain-dictionary segmentation, stopwords kept (不, 没 carry negation)."""
    return get_segmenter().tokens(text, keep_stopwords=True)
