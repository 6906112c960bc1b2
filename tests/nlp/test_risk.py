"""Risk detection: the phrase layer (figurative uses and denials), the model's training and the detector as a
whole on answers written for these tests (not from any bundled set)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fuqing.errors import InputError
from nlp.risk import RISK_KINDS, phrase_hits, read_risk_rows
from nlp.risk_model import default_risk_detector


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("他喝了酒就动手，上回把俺胳膊打青了", "violence"),
        ("他把我锁在家里，不让我出门", "violence"),
        ("我不想活了，活着没意思", "self_harm"),
        ("上个月喝了农药，被送去洗胃", "self_harm"),
        ("孩子他后妈不给孩子吃饭，饿了两天了", "child_safety"),
        ("家里一粒米都没了，借也借不到", "acute_hardship"),
        ("房子塌了，一家子没地方住", "acute_hardship"),
    ],
)
def test_phrases_name_the_act(text: str, kind: str) -> None:
    assert kind in phrase_hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "天天在厂里打工，累死了，就想多挣点",
        "想死你们了，啥时候再来村里",
        "婆婆死活不肯去医院，说打针吃药浪费钱",
        "老人每天都要打胰岛素，想请村医上门",
        "丈夫脾气急，但从来不动手",
        "腰不好不想活动，想问问有没有康复理疗",
        "希望多宣传反家暴法，让大家知道怎么求助",
        "没饭吃了哈哈，开玩笑的，就是想办个老年食堂",
        "想打官司要回工钱，不知道找谁",
    ],
)
def test_everyday_uses_and_denials_are_not_phrases(text: str) -> None:
    assert phrase_hits(text) == {}


def test_the_detector_flags_disclosures_and_leaves_ordinary_answers() -> None:
    detector = default_risk_detector()
    risky = [
        "他喝醉了就打我，我怕哪天被打死",
        "俺天天想往塘里跳",
        "娃他舅喝醉了就摸娃，娃才七岁",
        "娃烧到四十度，身上一分钱没有",
    ]
    ordinary = ["想学电商，把茶叶卖出去", "孩子放学没人接，希望办个托管班", "希望村里多搞几次技能培训"]
    found = detector.assess(risky + ordinary)
    assert [a.flagged for a in found] == [True] * len(risky) + [False] * len(ordinary)
    assert (
        found[0].kinds == ["violence"] and found[0].urgency == "urgent"
    )  # feared death at his hands is not despair
    assert found[1].kinds == ["self_harm"] and found[1].urgency == "urgent"
    assert "child_safety" in found[2].kinds
    assert detector.assess([]) == []
    assert detector.version.startswith("risk-")


def test_risk_files_name_the_line_and_the_unknown_kind(tmp_path: Path) -> None:
    f = tmp_path / "r.jsonl"
    f.write_text(
        '{"id": "a", "text": "x", "risk": []}\n{"id": "b", "text": "y", "risk": ["danger"]}\n', "utf-8"
    )
    with pytest.raises(InputError) as err:
        read_risk_rows(f)
    assert "第 2 行" in err.value.message and "danger" in err.value.message
    f.write_text('{"id": "a", "text": "x", "risk": ["violence", "violence"]}\n', "utf-8")
    assert read_risk_rows(f)[0].risk == ["violence"]


def test_importing_risk_detection_loads_no_web_framework() -> None:
    code = "import sys, nlp.risk, nlp.risk_model; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette', 'typer'))))"
    out = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_kinds_are_the_spec_ids() -> None:
    assert RISK_KINDS == ("violence", "self_harm", "child_safety", "acute_hardship")
