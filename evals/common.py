"""What the tagging suites share: the bundled data, the model under evaluation, and label matrices.

The model is never trained on the evaluation set. The installed model is reused only when its manifest says it
was trained on exactly the training file given (same sha256); otherwise a fresh model is trained on that file.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from fuqing.config import Settings
from fuqing.errors import InputError
from fuqing.hashing import sha256_file
from nlp.labelled import LabelledRow, read_labelled
from nlp.tagger import ModelTagger, Tagger
from nlp.taxonomy import FAMILIES, taxonomy


def bundled(name: str) -> Path:
    """A file of evals/data (the bundled evaluation data)."""
    with resources.as_file(resources.files("evals").joinpath("data", name)) as p:
        return Path(p)


def read_rows(path: Path, limit: int | None = None) -> list[LabelledRow]:
    rows = read_labelled(Path(path))
    if limit is not None and limit > 0:
        rows = rows[:limit]
    if not rows:
        raise InputError(f"{Path(path).name} 没有数据行。", hint="请检查文件。")
    return rows


def family_columns() -> dict[str, list[int]]:
    tax = taxonomy()
    return {fam: [j for j, lab in enumerate(tax.ids) if tax.family_of(lab) == fam] for fam in FAMILIES}


def label_matrix_of(label_sets: list[list[str]]) -> np.ndarray:
    ids = taxonomy().ids
    return np.array([[1 if lab in s else 0 for lab in ids] for s in label_sets], dtype=int).reshape(
        len(label_sets), len(ids)
    )


def predicted_sets(tagger: Tagger, texts: list[str]) -> list[list[str]]:
    return [[lab.label for lab in t.labels] for t in tagger.tag(texts)]


@dataclass
class TrainTestFiles:
    """Options of the suites that score the model: the file it learns from and the one it is scored on."""

    train: Path | None = None
    test: Path | None = None

    @property
    def train_file(self) -> Path:
        return Path(self.train or bundled("needs_train.jsonl"))

    @property
    def test_file(self) -> Path:
        return Path(self.test or bundled("needs_dev.jsonl"))


@dataclass
class EvalModel:
    tagger: ModelTagger
    source: str  # "installed" (trained on the same train file) or "fresh"
    train_sha256: str


def model_for_eval(settings: Settings, train: Path, test: Path | None = None) -> EvalModel:
    """The model trained on ``train`` only: the installed one if it was trained on that very file, else a new one."""
    from nlp.model_store import fit_model, models_root

    train_sha = sha256_file(train)
    if test is not None and sha256_file(test) == train_sha:
        raise InputError(
            "训练集与测试集是同一个文件：这样的评测没有意义。", hint="用 --test 指定模型从未见过的数据。"
        )
    from nlp.model_store import bundled_training_data, current_model, load_model

    pointer = models_root(settings) / "CURRENT"
    installed = pointer.read_text().strip() if pointer.exists() else ""
    key = (str(settings.resolved_home), train_sha, installed)
    if key in _CACHE:
        return _CACHE[key]
    if pointer.exists():
        trained = load_model(models_root(settings) / pointer.read_text().strip())
        if trained.manifest.get("data_sha256") == train_sha:
            _CACHE[key] = EvalModel(ModelTagger(trained.model, trained.version), "installed", train_sha)
            return _CACHE[key]
    elif train_sha == sha256_file(bundled_training_data()):
        # No model yet: train the system's model exactly as its first use would, and keep it installed.
        trained = current_model(settings)
        _CACHE[key] = EvalModel(ModelTagger(trained.model, trained.version), "installed", train_sha)
        return _CACHE[key]
    model = fit_model(read_labelled(train))
    _CACHE[key] = EvalModel(ModelTagger(model, f"fresh:{train_sha[:12]}"), "fresh", train_sha)
    return _CACHE[key]


# Models built during this process, per (home, training-file sha256, installed version): `eval all` trains
# at most once.
_CACHE: dict[tuple[str, str, str], EvalModel] = {}


def leakage(train: list[LabelledRow], test: list[LabelledRow]) -> int:
    """How many test texts also occur in train (punctuation and spaces ignored)."""
    import re

    def key(t: str) -> str:
        return re.sub(r"[\W_]+", "", t)

    seen = {key(r.text) for r in train}
    return sum(1 for r in test if key(r.text) in seen)


def meta_value(row: LabelledRow, field: str) -> Any:
    return (row.meta or {}).get(field)
