"""The fixed label set (shared/spec/taxonomy.json, copied into the package): ids are stable API values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Label:
    id: str
    family: str  # groups | needs
    name: str
    definition: str


@dataclass(frozen=True)
class Taxonomy:
    version: int
    labels: tuple[Label, ...]

    @property
    def ids(self) -> list[str]:
        return [lab.id for lab in self.labels]

    def family(self, family: str) -> list[Label]:
        return [lab for lab in self.labels if lab.family == family]

    def get(self, label_id: str) -> Label:
        for lab in self.labels:
            if lab.id == label_id:
                return lab
        raise KeyError(label_id)

    def family_of(self, label_id: str) -> str:
        return self.get(label_id).family


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    data = json.loads(resources.files("nlp").joinpath("data", "taxonomy.json").read_text(encoding="utf-8"))
    labels = [Label(g["id"], "groups", g["name"], g["definition"]) for g in data["groups"]]
    labels += [Label(n["id"], "needs", n["name"], n["definition"]) for n in data["needs"]]
    return Taxonomy(int(data["version"]), tuple(labels))


FAMILIES = ("groups", "needs")
