"""Taggers: text in, labels with score, source, model version and explanation out.

``Tagger`` has one abstract method; the model tagger (classifier + rules) is the default, the LLM tagger is
optional, and tests subclass ``Tagger`` for fakes.
"""

from __future__ import annotations

import gc
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from nlp.injection import strip_instructions, strip_instructions_many
from nlp.normalize import normalize_many
from nlp.redact import StoredRedacted, redact
from nlp.rules import RuleHit, apply_rules_many
from nlp.taxonomy import taxonomy

_CONTENT = re.compile(r"[\u3400-\u9fffA-Za-z]")
RULE_FLOOR = 0.2  # a rule adds its label only when the model does not rule it out (p >= this)
UNCERTAIN_MARGIN = 0.15


@dataclass(slots=True)
class TagLabel:
    label: str
    family: str
    score: float
    source: str  # model | rule | llm | human
    explanation: str
    model_version: str
    prompt_hash: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {f: getattr(self, f) for f in self.__slots__}


@dataclass
class Tagging:
    """The labels for one text, plus what a reviewer should look at."""

    labels: list[TagLabel]
    uncertain: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    injection: bool = False

    @property
    def needs_review(self) -> bool:
        return bool(self.uncertain or self.disagreements or self.injection)


class Tagger(ABC):
    version: str = "abstract"

    @abstractmethod
    def tag(self, texts: Sequence[str]) -> list[Tagging]:
        """One Tagging per text, in order."""


def _redacted(text: str | None) -> str:
    return text if isinstance(text, StoredRedacted) else redact(text or "").text


def analysable(text: str | None) -> tuple[str, bool]:
    """What any tagger may see: personal numbers redacted, instruction sentences removed."""
    clean = _redacted(text)
    clean, injected = strip_instructions(clean)
    return clean, injected


def analysable_many(texts: Sequence[str | None]) -> list[tuple[str, bool]]:
    """``analysable`` for a batch (the instruction pattern searched once over all texts)."""
    return strip_instructions_many([_redacted(t) for t in texts])


class ModelTagger(Tagger):
    def __init__(self, model, version: str, *, rule_floor: float = RULE_FLOOR):  # type: ignore[no-untyped-def]
        self.model = model
        self.version = version
        self.rule_floor = rule_floor
        self.ids = list(model.classes_)
        self.families = [taxonomy().family_of(i) for i in self.ids]
        self.index = {lab: j for j, lab in enumerate(self.ids)}

    def tag(self, texts: Sequence[str]) -> list[Tagging]:
        """The whole batch in array passes: normalised once, one feature matrix, one product for all labels, and
        the explanations of all model labels computed together."""
        with gc_paused():
            return self._tag(texts)

    def _tag(self, texts: Sequence[str]) -> list[Tagging]:
        prepared = analysable_many(texts)
        clean = [c for c, _ in prepared]
        norms = normalize_many(clean)
        results = [Tagging([], injection=injected) for _, injected in prepared]
        # Empty, emoji-only or punctuation-only texts keep no labels.
        todo = [i for i, n in enumerate(norms) if _CONTENT.search(n)]
        if not todo:
            return results
        x = self.model.transform([clean[i] for i in todo], normalized=[norms[i] for i in todo])
        proba = self.model.proba_from_features(x)
        t = self.model.thresholds_
        model_yes = proba >= t
        near = (np.abs(proba - t) < UNCERTAIN_MARGIN) & (model_yes | (proba >= t - UNCERTAIN_MARGIN))
        hits = apply_rules_many([norms[i] for i in todo])
        yes = _by_row(model_yes)
        pairs: list[tuple[int, int]] = []
        for row, row_hits in enumerate(hits):
            vetoed = {h.label for h in row_hits if h.action == "veto"}
            pairs += [(row, j) for j in yes[row] if self.ids[j] not in vetoed]
        why = dict(zip(pairs, self.model.explain(x, pairs), strict=True))
        uncertain = _by_row(near)
        scores = proba.tolist()
        for row, i in enumerate(todo):
            results[i] = self._one(row, scores[row], yes[row], uncertain[row], hits[row], why, prepared[i][1])
        return results

    def _one(
        self,
        row: int,
        p: list[float],
        yes: list[int],
        near: list[int],
        hits: list[RuleHit],
        why: dict[tuple[int, int], list[tuple[str, float]]],
        injected: bool,
    ) -> Tagging:
        adds = {h.label: h for h in hits if h.action == "add"}
        vetoes = {h.label for h in hits if h.action == "veto"}
        labels, disagreements = [], []
        wanted = set(yes)
        if hits:
            wanted.update(self.index[h.label] for h in hits)
        for j in sorted(wanted):
            lab = self.ids[j]
            score = p[j]
            model_yes = j in yes
            if lab in vetoes:
                if model_yes:
                    disagreements.append(lab)
                continue
            if model_yes:
                because = "、".join([k for k, _ in why.get((row, j), ())]) or "模型判断"
                labels.append(
                    TagLabel(
                        lab, self.families[j], round(score, 4), "model", f"主要依据：{because}", self.version
                    )
                )
            elif score >= self.rule_floor:
                labels.append(
                    TagLabel(
                        lab,
                        self.families[j],
                        round(max(score, float(self.model.thresholds_[j])), 4),
                        "rule",
                        adds[lab].explanation(),
                        self.version,
                    )
                )
            else:
                disagreements.append(lab)
        return Tagging(labels, [self.ids[j] for j in near], disagreements, injected)


_gc_lock = threading.Lock()
_gc_state = {"holders": 0, "was_enabled": False}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch is tagged.

    A batch allocates hundreds of thousands of small lists and labels, none in a cycle; with the collector on,
    its repeated passes over them cost about a quarter of the tagging time. Reference counting still frees
    everything; the collector is re-enabled when the last concurrent batch ends (and only if it was on).
    """
    with _gc_lock:
        if _gc_state["holders"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["holders"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["holders"] -= 1
            if _gc_state["holders"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


def _by_row(mask: np.ndarray) -> list[list[int]]:
    """The column indices set in each row of a boolean matrix, as lists (one pass, no per-row NumPy call)."""
    out: list[list[int]] = [[] for _ in range(mask.shape[0])]
    rows, cols = np.nonzero(mask)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        out[r].append(c)
    return out
