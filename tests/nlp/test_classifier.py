import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from fuqing.config import Settings
from fuqing.errors import Unavailable
from nlp.classifier import NeedsClassifier, TextClassifier
from nlp.model_store import load_model, models_root
from nlp.segment import get_segmenter

REPO = Path(__file__).resolve().parents[2]


def test_sklearn_conventions():
    X = ["想找活干", "孩子没人带", "想找个工作挣钱", "娃上学没人接", "想打工", "孩子作业没人管"] * 4
    Y = np.array([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [0, 1]] * 4)
    est = NeedsClassifier(labels=("employment", "childcare_education"), C=1.0, cv=3)
    assert clone(est).get_params()["C"] == 1.0
    est.fit(X, Y)
    proba = est.predict_proba(["想找活干挣点钱", "孩子放学没人管"])
    assert proba.shape == (2, 2) and np.all((proba >= 0) & (proba <= 1))
    assert est.predict(["想找活干挣点钱", "孩子放学没人管"]).tolist() == [[1, 0], [0, 1]]
    assert list(est.classes_) == ["employment", "childcare_education"]
    single = TextClassifier().fit(["打工挣钱", "孩子上学", "找工作", "娃读书"] * 3, ["a", "b", "a", "b"] * 3)
    assert list(single.predict(["想找工作"])) == ["a"]


def test_fast_segmenter_agrees_with_jieba():
    texts = [
        json.loads(line)["text"]
        for line in (REPO / "evals/data/needs_dev.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    fast, ref = get_segmenter("fast"), get_segmenter("jieba")
    same = total = 0
    for t in texts:
        a, b = fast.cut(t), ref.cut(t)
        total += max(len(a), len(b))
        same += sum(1 for x, y in zip(a, b, strict=False) if x == y) if a != b else len(a)
    assert same / total >= 0.99


def test_model_saved_with_sha_and_no_pickle(trained, model_template):
    root = models_root(Settings(home=model_template))
    directory = root / trained.version
    assert (directory / "model.skops").exists() and not list(directory.glob("*.pkl"))
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["sha256"] and manifest["n_train"] >= 1500 and len(manifest["thresholds"]) == 13


def test_tampered_model_refused(trained, model_template, tmp_path):
    import shutil

    directory = tmp_path / "m"
    shutil.copytree(models_root(Settings(home=model_template)) / trained.version, directory)
    with open(directory / "model.skops", "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(Unavailable, match="sha256"):
        load_model(directory)


class Smuggled:
    """Any type outside scikit-learn, NumPy, SciPy and nlp/ must not be loaded."""

    def __init__(self) -> None:
        self.payload = "x"


def test_untrusted_types_refused(tmp_path):
    import hashlib

    import skops.io as sio

    directory = tmp_path / "evil"
    directory.mkdir()
    sio.dump(Smuggled(), directory / "model.skops")
    digest = hashlib.sha256((directory / "model.skops").read_bytes()).hexdigest()
    (directory / "manifest.json").write_text(json.dumps({"sha256": digest, "version": "x"}))
    with pytest.raises(Unavailable, match="不受信任"):
        load_model(directory)


def test_text_classifier_nb_scaling_and_plain_svm_agree_on_easy_cases():
    X = ["打工挣钱找工作", "孩子上学读书", "看病住院吃药", "找活干挣钱", "娃读书上学", "医院看病"] * 4
    y = ["work", "school", "health"] * 8
    for nb in (True, False):
        model = TextClassifier(nb_scaling=nb).fit(X, y)
        assert list(model.classes_) == ["health", "school", "work"]
        assert list(model.predict(["想找工作挣钱", "孩子读书", "去医院看病"])) == ["work", "school", "health"]
        assert model.decision_function(["想找工作挣钱"]).shape == (1, 3)
    two = TextClassifier().fit(["打工挣钱", "孩子上学"] * 4, ["a", "b"] * 4)
    assert list(two.predict(["找工作挣钱", "孩子读书上学"])) == ["a", "b"]
    assert list(TextClassifier().fit(["打工挣钱", "挣钱打工"], ["a", "a"]).predict(["随便"])) == ["a"]
