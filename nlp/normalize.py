"""Text normalisation shared by the corpus cleaner and the tagger.

Traditional characters, full-width forms, pinyin readings pasted after characters and emoji all split one
word into many feature values; normalising first makes the same need look the same however it was typed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Tone-marked vowels and ü as they appear in pinyin readings.
_PINYIN_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿê"
_PINYIN_LETTER = f"a-zA-Z{_PINYIN_VOWELS}"
# A reading is a single pinyin syllable: initial + final, lower-case, with or without tone mark.
_SYLLABLE = (
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"[aeiouvü" + _PINYIN_VOWELS + r"][a-z" + _PINYIN_VOWELS + r"]{0,4}"
)
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# `婦聯(lián)`: a Han character immediately followed by a parenthesised syllable (ASCII or full-width brackets).
PINYIN_ANNOTATION = re.compile(rf"(?<=[{HAN}])[(（]\s*(?:{_SYLLABLE})\s*[)）]")

_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, symbols
    "\U00002600-\U000027bf"  # misc symbols, dingbats
    "\U0001f1e6-\U0001f1ff"  # flags
    "\ufe0f\u200d\u20e3"  # variation selector, zero-width joiner, keycap
    "]+"
)
_HAN_CHAR = re.compile(f"[{HAN}]")


def has_tone_mark(s: str) -> bool:
    return any(ch in _PINYIN_VOWELS for ch in s)


def strip_pinyin_annotations(text: str) -> tuple[str, int]:
    """Remove readings such as ``(lián)`` after Han characters; returns the text and how many were removed.

    A reading without a tone mark (``(de)``) is removed only when it is a plausible syllable, so a real
    parenthetical such as ``(WHO)`` or ``(街道)`` is never touched.
    """
    removed = 0

    def _drop(match: re.Match[str]) -> str:
        nonlocal removed
        removed += 1
        return ""

    return PINYIN_ANNOTATION.sub(_drop, text), removed


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    # tw2s is phrase-aware (著力→着力, 隨著→随着, but 著名 stays) without rewriting vocabulary (軟體 stays).
    return opencc.OpenCC("tw2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified, phrase-aware."""
    if not text:
        return text
    return _converter().convert(text)


_HALFWIDTH = {0x3000: " ", **{c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}}


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (ＡＢＣ１２３，！) → half-width; Chinese punctuation such as 。、 is kept."""
    return text.translate(_HALFWIDTH)


def drop_emoji(text: str) -> str:
    return _EMOJI.sub(" ", text)


def han_count(text: str) -> int:
    return len(_HAN_CHAR.findall(text))


@lru_cache(maxsize=8192)
def normalize_for_features(text: str) -> str:
    """The form the tagger and the search index see: simplified, half-width, no readings, no emoji.

    The stored text keeps its original form; this is only for features.
    """
    text = unicodedata.normalize("NFC", text or "")
    text, _ = strip_pinyin_annotations(text)
    text = to_halfwidth(text)
    text = drop_emoji(text)
    text = to_simplified(text)
    return re.sub(r"\s+", " ", text).strip().lower()


_SEP = "\ue000"  # a private-use character: no rule, reading, emoji or conversion table matches it
_WHITESPACE = re.compile(r"\s+")


def _halfwidth_array(text: str) -> str:
    """``to_halfwidth`` over a long string with NumPy (``str.translate`` costs ~0.4 µs a character)."""
    import numpy as np

    try:
        raw = text.encode("utf-32-le")
    except UnicodeEncodeError:  # a lone surrogate: keep it as it is
        raw = text.encode("utf-32-le", "surrogatepass")
    cp = np.frombuffer(raw, dtype=np.uint32).copy()
    wide = (cp >= 0xFF01) & (cp < 0xFF5F)
    cp[wide] -= 0xFEE0
    cp[cp == 0x3000] = 0x20
    return cp.tobytes().decode("utf-32-le", "surrogatepass")


# The last batch's texts and their normalised forms: the tagger and the risk detector read the same answers one
# after the other (survey/labels.store_taggings), and the second finds the first one's work here. Replaced, never
# updated in place, so a reader in another thread sees one whole batch or another.
_last_batch: dict[str, str] = {}


def normalize_many(texts: list[str]) -> list[str]:
    """``[normalize_for_features(t) for t in texts]``, computed on the whole batch at once (texts of the batch
    before taken as they were normalised then)."""
    global _last_batch
    texts = [t or "" for t in texts]
    last = _last_batch
    out: list[str | None] = [last.get(t) for t in texts] if last else [None] * len(texts)
    todo = [i for i, o in enumerate(out) if o is None]
    if todo:
        fresh = _normalize_batch([texts[i] for i in todo])
        for i, n in zip(todo, fresh, strict=True):
            out[i] = n
    done: list[str] = out  # type: ignore[assignment]
    if len(texts) >= 8:
        _last_batch = dict(zip(texts, done, strict=True))
    return done


def _normalize_batch(texts: list[str]) -> list[str]:
    """The texts are joined with a private-use separator that every step passes through unchanged and that no
    pattern can match across, so each step runs once per batch instead of once per text; a test checks the
    result equals the one-at-a-time function. Falls back to that function if a text contains the separator.
    """
    if len(texts) < 8 or any(_SEP in t for t in texts):
        return [normalize_for_features(t) for t in texts]
    text = unicodedata.normalize("NFC", _SEP.join(texts))
    text, _ = strip_pinyin_annotations(text)
    text = _halfwidth_array(text)
    text = drop_emoji(text)
    text = to_simplified(text)
    text = _WHITESPACE.sub(" ", text).lower()
    out = [t.strip() for t in text.split(_SEP)]
    if len(out) != len(texts):  # cannot happen unless a step rewrote the separator; be exact regardless
        return [normalize_for_features(t) for t in texts]
    return out
