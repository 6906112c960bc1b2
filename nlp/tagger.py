"""Taggers: text in, labels with score, source, model version and explanation out.

``Tagger`` has one abstract method; the model tagger (classifier + rules) is the default, the LLM tagger is
optional, and tests subclass ``Tagger`` for fakes.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp.injection import strip_instructions
from nlp.normalize import normalize_for_features
from nlp.redact import redact
from nlp.rules import apply_rules
from nlp.taxonomy import taxonomy

_CONTENT = re.compile(r"[\u3400-\u9fffA-Za-z]")
RULE_FLOOR = 0.2  # a rule adds its label only when the model does not rule it out (p >= this)
UNCERTAIN_MARGIN = 0.15


@dataclass
class TagLabel:
    label: str
    family: str
    score: float
    source: str  # model | rule | llm | human
    explanation: str
    model_version: str
    prompt_hash: str | None = None

    def to_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


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


def analysable(text: str | None) -> tuple[str, bool]:
    """What any tagger may see: personal numbers redacted, instruction sentences removed."""
    clean = redact(text or "").text
    clean, injected = strip_instructions(clean)
    return clean, injected


class ModelTagger(Tagger):
    def __init__(self, model, version: str, *, rule_floor: float = RULE_FLOOR):  # type: ignore[no-untyped-def]
        self.model = model
        self.version = version
        self.rule_floor = rule_floor
        self.ids = list(model.classes_)
        self.families = [taxonomy().family_of(i) for i in self.ids]

    def tag(self, texts: Sequence[str]) -> list[Tagging]:
        prepared = [analysable(t) for t in texts]
        results: list[Tagging | None] = [None] * len(texts)
        todo = []
        for i, (clean, injected) in enumerate(prepared):
            if not _CONTENT.search(normalize_for_features(clean)):
                results[i] = Tagging([], injection=injected)  # empty, emoji or punctuation only: no labels
            else:
                todo.append(i)
        if todo:
            x = self.model.transform([prepared[i][0] for i in todo])
            proba = self.model.proba_from_features(x)
            thresholds = self.model.thresholds_
            for row, i in enumerate(todo):
                lo, hi = x.indptr[row], x.indptr[row + 1]
                features = (x.indices[lo:hi], x.data[lo:hi])
                results[i] = self._one(prepared[i][0], proba[row], thresholds, prepared[i][1], features)
        return [r for r in results if r is not None]

    def _one(self, text: str, p: np.ndarray, thresholds: np.ndarray, injected: bool, row: Any) -> Tagging:
        hits = apply_rules(text)
        adds = {h.label: h for h in hits if h.action == "add"}
        vetoes = {h.label: h for h in hits if h.action == "veto"}
        labels, uncertain, disagreements = [], [], []
        for j, lab in enumerate(self.ids):
            score = float(p[j])
            model_yes = score >= thresholds[j]
            if abs(score - thresholds[j]) < UNCERTAIN_MARGIN and (
                model_yes or score >= thresholds[j] - UNCERTAIN_MARGIN
            ):
                uncertain.append(lab)
            if lab in vetoes:
                if model_yes:
                    disagreements.append(lab)
                continue
            if model_yes:
                why = "、".join(k for k, _ in self.model.contributions(text, j, row=row)) or "模型判断"
                labels.append(
                    TagLabel(
                        lab, self.families[j], round(score, 4), "model", f"主要依据：{why}", self.version
                    )
                )
            elif lab in adds:
                if score >= self.rule_floor:
                    labels.append(
                        TagLabel(
                            lab,
                            self.families[j],
                            round(max(score, thresholds[j]), 4),
                            "rule",
                            adds[lab].explanation(),
                            self.version,
                        )
                    )
                else:
                    disagreements.append(lab)
        return Tagging(labels, uncertain, disagreements, injected)
