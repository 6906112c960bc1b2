"""Running one regular expression over a whole batch of texts at once, to find the few texts it can match.

A pattern searched text by text costs a Python call per text and pattern (18 rule patterns, the instruction
pattern); searched once over the texts joined together it costs one call. A match in the joined string may
run across the join, so this only narrows the batch down: every text that any match touches is a candidate,
and the caller runs its exact per-text check on the candidates. No text with a match of its own is missed:
scanning left to right, either an earlier match already covers part of the text or the scan reaches the
text's own match. That holds for patterns that look at nothing outside their match (no anchors or
lookarounds), which ``prefilterable`` checks; other patterns keep every text a candidate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_SEP = "\ue000"  # private use: appears in no pattern and (almost) no text
_CONTEXT = re.compile(r"\(\?[=!<]|\\[bBAZ]|\$|(?<!\[)\^")


def prefilterable(pattern: re.Pattern[str]) -> bool:
    """True when whether a substring matches cannot depend on the characters around it."""
    return _CONTEXT.search(pattern.pattern) is None


class JoinedTexts:
    """The texts of a batch joined by a separator, with where each text starts."""

    def __init__(self, texts: Sequence[str]):
        self.n = len(texts)
        self.text = _SEP.join(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
        self.starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(texts) else np.zeros(0, np.int64)

    def candidates(self, pattern: re.Pattern[str]) -> list[int]:
        """Indices (ascending) of the texts that ``pattern`` may match on their own; see the module docstring."""
        if not prefilterable(pattern):
            return list(range(self.n))
        spans = [m.span() for m in pattern.finditer(self.text)]
        if not spans:
            return []
        arr = np.array(spans, dtype=np.int64)
        first = np.searchsorted(self.starts, arr[:, 0], side="right") - 1
        last = np.searchsorted(self.starts, np.maximum(arr[:, 1] - 1, arr[:, 0]), side="right") - 1
        hit = np.zeros(self.n + 1, dtype=np.int64)
        np.add.at(hit, first, 1)
        np.add.at(hit, last + 1, -1)
        return np.flatnonzero(np.cumsum(hit)[: self.n] > 0).tolist()
