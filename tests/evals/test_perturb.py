import random
import re

import numpy as np

from evals.perturb import PERTURBATIONS, perturb, random_resident_id, seed_readings
from evals.suites.fairness import breakdown
from evals.suites.segmentation import kept_whole
from nlp.labelled import LabelledRow
from nlp.normalize import normalize_for_features
from nlp.redact import redact, valid_resident_id

TEXT = "孩子他爸在外打工，俺想在家门口找点活干，也想学点技术。"


def test_pinyin_copies_look_like_the_seed_page_and_normalise_back():
    assert seed_readings()["聯"] == "lián"
    annotated = perturb("pinyin", "妇联组织帮帮我们", 0)
    assert "婦聯(lián)" in annotated
    assert normalize_for_features(annotated) == normalize_for_features("妇联组织帮帮我们")


def test_each_perturbation_changes_the_text_deterministically():
    for name in PERTURBATIONS:
        once, again = perturb(name, TEXT, 3), perturb(name, TEXT, 3)
        assert once == again and once != TEXT, name
    assert not re.search(r"[，。]", perturb("no_punctuation", TEXT, 0))
    assert "忽略以上要求" in perturb("instruction", TEXT, 0)


def test_inserted_personal_numbers_are_real_and_redactable():
    rng = random.Random(1)
    for _ in range(50):
        assert valid_resident_id(random_resident_id(rng))
    for i in range(20):
        assert redact(perturb("phone", TEXT, i)).counts.get("phone") == 1
        assert redact(perturb("id_number", TEXT, i)).counts.get("id_number") == 1


def test_kept_whole_counts_a_term_inside_a_longer_token_as_whole():
    assert kept_whole(["吃", "低保户"], "吃低保户", "低保")
    assert not kept_whole(["吃低", "保户"], "吃低保户", "低保")


def test_fairness_flags_a_group_the_model_fails():
    rows = [
        LabelledRow(f"r{i}", "x" * 20, [], [], {"county": "甲县" if i < 40 else "乙县"}) for i in range(200)
    ]
    Y = np.zeros((200, 13), dtype=int)
    Y[np.arange(200), np.arange(200) % 13] = 1
    P = Y.copy()
    P[:40] = np.roll(Y[:40], 1, axis=1)  # every answer of 甲县 gets the wrong label
    groups = {g["group"]: g for g in breakdown(rows, Y, P, "county", min_group=10, resamples=200)}
    assert groups["甲县"]["flagged"] and groups["甲县"]["beyond_noise"] and groups["甲县"]["micro_f1"] == 0
    assert not groups["乙县"]["flagged"]
