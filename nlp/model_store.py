"""Training, saving and loading the needs model.

Models are saved with skops (not pickle) together with a manifest holding the file's sha256; loading checks the
hash first and then admits only the types of scikit-learn, NumPy, SciPy and this package, so a file someone
dropped into FUQING_HOME cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fuqing.config import Settings
from fuqing.errors import Unavailable
from fuqing.hashing import sha256_file
from fuqing.locking import atomic_write_text, file_lock
from fuqing.timeutil import utcnow
from nlp.classifier import NeedsClassifier
from nlp.labelled import LabelledRow, label_matrix, read_labelled
from nlp.taxonomy import taxonomy

_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "nlp.", "builtins.")


@dataclass
class TrainedModel:
    model: NeedsClassifier
    version: str
    manifest: dict[str, Any]


def bundled_training_data() -> Path:
    with resources.as_file(resources.files("evals").joinpath("data", "needs_train.jsonl")) as p:
        return Path(p)


def fit_model(rows: list[LabelledRow], **params: Any) -> NeedsClassifier:
    ids = taxonomy().ids
    return NeedsClassifier(labels=tuple(ids), **params).fit([r.text for r in rows], label_matrix(rows))


def dev_metrics(model: NeedsClassifier) -> dict[str, Any] | None:
    """Macro-F1 per family and exact match on the bundled held-out dev set (never trained on), for reports."""
    try:
        with resources.as_file(resources.files("evals").joinpath("data", "needs_dev.jsonl")) as p:
            rows = read_labelled(Path(p))
    except Exception:
        return None
    from sklearn.metrics import f1_score

    y = label_matrix(rows)
    pred = model.predict([r.text for r in rows])
    fam = [taxonomy().family_of(i) for i in model.classes_]
    cols = {f: [j for j, x in enumerate(fam) if x == f] for f in ("groups", "needs")}
    return {
        "n": len(rows),
        "groups": round(
            float(f1_score(y[:, cols["groups"]], pred[:, cols["groups"]], average="macro", zero_division=0)),
            4,
        ),
        "needs": round(
            float(f1_score(y[:, cols["needs"]], pred[:, cols["needs"]], average="macro", zero_division=0)), 4
        ),
        "exact": round(float((y == pred).all(axis=1).mean()), 4),
    }


def save_model(
    model: NeedsClassifier, root: Path, *, data_sha256: str, n_train: int, seconds: float
) -> TrainedModel:
    import skops.io as sio

    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{os.getpid()}-{time.time_ns()}.skops"
    sio.dump(model, tmp)
    digest = sha256_file(tmp)
    version = "needs-" + digest[:12]
    target = root / version
    target.mkdir(exist_ok=True)
    os.replace(tmp, target / "model.skops")
    manifest = {
        "version": version,
        "sha256": digest,
        "trained_at": utcnow().isoformat(),
        "n_train": n_train,
        "data_sha256": data_sha256,
        "train_seconds": round(seconds, 2),
        "labels": list(model.classes_),
        "thresholds": [round(float(t), 4) for t in model.thresholds_],
        "params": {k: v for k, v in model.get_params().items() if k != "labels"},
        "dev_metrics": dev_metrics(model),
    }
    atomic_write_text(
        target / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, default=str)
    )
    atomic_write_text(root / "CURRENT", version)
    return TrainedModel(model, version, manifest)


def load_model(directory: Path) -> TrainedModel:
    import skops.io as sio

    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    path = directory / "model.skops"
    if sha256_file(path) != manifest["sha256"]:
        raise Unavailable(
            f"模型文件 {path} 的 sha256 与清单不符，拒绝加载。", hint="运行 `fuqing nlp train` 重新训练模型。"
        )
    untrusted = sio.get_untrusted_types(file=path)
    refused = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if refused:
        raise Unavailable(
            f"模型文件 {path} 含有不受信任的类型：{refused[:3]}，拒绝加载。",
            hint="运行 `fuqing nlp train` 重新训练。",
        )
    model = sio.load(path, trusted=untrusted)
    if not isinstance(model, NeedsClassifier):
        raise Unavailable(f"{path} 不是需求标注模型。", hint="运行 `fuqing nlp train` 重新训练。")
    return TrainedModel(model, manifest["version"], manifest)


def models_root(settings: Settings) -> Path:
    return settings.models_dir / "needs"


def train_and_save(
    settings: Settings, data: Path | None = None, extra: list[LabelledRow] | None = None
) -> TrainedModel:
    path = data or bundled_training_data()
    rows = read_labelled(path) + list(extra or [])
    started = time.perf_counter()
    model = fit_model(rows)
    seconds = time.perf_counter() - started
    digest = (
        sha256_file(path)
        if not extra
        else hashlib.sha256((sha256_file(path) + str(len(extra))).encode()).hexdigest()
    )
    return save_model(model, models_root(settings), data_sha256=digest, n_train=len(rows), seconds=seconds)


def current_model(settings: Settings, *, train_if_missing: bool = True) -> TrainedModel:
    """The model in use; trained from the bundled data at first start when none exists."""
    root = models_root(settings)
    pointer = root / "CURRENT"
    if pointer.exists():
        return load_model(root / pointer.read_text().strip())
    if not train_if_missing:
        raise Unavailable("还没有需求标注模型。", hint="运行 `fuqing nlp train`。")
    with file_lock(settings.ensure_home() / "models.lock"):
        if pointer.exists():
            return load_model(root / pointer.read_text().strip())
        return train_and_save(settings)
