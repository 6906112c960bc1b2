"""The keyword baseline tagger: substring lists per label (evals/data/keyword_baseline.yaml).

A model is only worth its complexity if it clearly beats what anyone can do with a "contains" filter, so the
classify suite always reports this baseline beside the model, on the same rows, with the same intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from evals.common import bundled
from fuqing.errors import InputError
from nlp.normalize import normalize_for_features
from nlp.tagger import Tagger, Tagging, TagLabel, analysable
from nlp.taxonomy import taxonomy


class KeywordTagger(Tagger):
    def __init__(self, path: Path | None = None):
        path = Path(path or bundled("keyword_baseline.yaml"))
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        tax = taxonomy()
        unknown = [k for k in data if k not in tax.ids]
        if unknown:
            raise InputError(
                f"{path.name} 中有未知标签：{'、'.join(unknown)}。", hint="标签 id 见 taxonomy.json。"
            )
        self.keywords = {lab: [normalize_for_features(w) for w in data.get(lab) or []] for lab in tax.ids}
        self.version = f"keywords:{path.name}"

    def tag(self, texts: Sequence[str]) -> list[Tagging]:
        tax = taxonomy()
        out = []
        for text in texts:
            clean, injected = analysable(text)
            norm = normalize_for_features(clean)
            labels = []
            for lab, words in self.keywords.items():
                hit = next((w for w in words if w and w in norm), None)
                if hit:
                    labels.append(
                        TagLabel(lab, tax.family_of(lab), 1.0, "rule", f"关键词：{hit}", self.version)
                    )
            out.append(Tagging(labels, injection=injected))
        return out
