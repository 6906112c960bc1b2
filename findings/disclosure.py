"""One disclosure rule for every published figure: a summary must not let anyone work out how many — or which —
women are behind a small cell, whatever filters are combined and whichever two summaries are compared.

The rule, applied to every count that leaves the summary (respondents, labels, cross-tab, places, months):
- a selection of fewer than ``threshold`` respondents publishes no statistic at all;
- a count of 1 to ``threshold``-1 is withheld (shown as "<5"), with its share and interval;
- every other count is rounded to a multiple of ``base`` (37 → 35), and shares and intervals are computed from the
  rounded figures only. So no exact number ever leaves, and a withheld cell cannot be recovered by subtracting
  one summary from another (the difference of two rounded counts is only known to within ± ``base``);
- in tables whose cells add up to a shown total (places, months) a second cell is withheld when one is, so that
  the total does not give the withheld one back (secondary suppression).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a proportion k/n."""
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


def share_text(cell: dict[str, Any], digits: int = 1) -> str:
    """A cell's share as people read it: 37.5%, or 不公开 when the cell is withheld."""
    return "不公开" if cell.get("share") is None else f"{cell['share'] * 100:.{digits}f}%"


def interval_text(cell: dict[str, Any], digits: int = 1) -> str:
    if not cell.get("interval"):
        return "—"
    low, high = cell["interval"]
    return f"{low * 100:.{digits}f}%–{high * 100:.{digits}f}%"


@dataclass(frozen=True)
class Disclosure:
    threshold: int = 5
    base: int = 5

    @property
    def withheld(self) -> str:
        return f"<{self.threshold}"

    # A cell withheld only to protect another one (it is not small itself).
    secondary = "不公开"

    def published(self, k: int) -> int | None:
        """The count as published: None when withheld, else rounded to the base (0 stays 0)."""
        if k <= 0:
            return 0
        if k < self.threshold:
            return None
        return max(self.base, int(math.floor(k / self.base + 0.5)) * self.base) if self.base > 1 else k

    def cell(self, k: int, n_published: int) -> dict[str, Any]:
        """Count, share and 95% interval of one cell, all from published figures (or all withheld)."""
        pub = self.published(k)
        if pub is None:
            return {"count": self.withheld, "share": None, "interval": None, "suppressed": True}
        share = round(pub / n_published, 4) if n_published else 0.0
        low, high = wilson(min(pub, n_published), n_published)
        return {"count": pub, "share": share, "interval": [low, high], "suppressed": False}

    def count(self, k: int) -> int | str:
        pub = self.published(k)
        return self.withheld if pub is None else pub

    def additive(self, counts: Sequence[int]) -> list[int | str]:
        """Published counts of cells that add up to a published total: when exactly one nonzero cell is withheld,
        the smallest other nonzero cell is withheld too, so the total does not give the first one back."""
        out = [self.count(k) for k in counts]
        hidden = [i for i, v in enumerate(out) if v == self.withheld]
        if len(hidden) == 1:
            others = [(k, i) for i, k in enumerate(counts) if k > 0 and i not in hidden]
            if others:
                out[min(others)[1]] = self.secondary
        return out
