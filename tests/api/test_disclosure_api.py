"""Trying, as a staff user would, to work out a withheld count by subtracting one summary from another."""

from __future__ import annotations

import itertools

from fuqing.models import Survey
from tests.api.conftest import auth
from tests.conftest import insert_labelled

# 梅山镇: 小河村 with 17 women (10 want work), 前畈村 with 3 (all want work, all widowed, one fieldworker).
SMALL = 3


def _data(api) -> int:  # type: ignore[no-untyped-def]
    db = api.app.state.services.db
    with db.session(write=True) as s:
        sv = Survey(title="差分", questions=[])
        s.add(sv)
        s.flush()
        sid = sv.id
    big = [
        {
            "county": "金寨县",
            "township": "梅山镇",
            "village": "小河村",
            "labels": ["employment"] if i < 10 else [],
        }
        | {"fieldworker": "王芳", "marital_status": "已婚"}
        for i in range(17)
    ]
    small = [
        {"county": "金寨县", "township": "梅山镇", "village": "前畈村", "labels": ["employment"]}
        | {"fieldworker": "李娟", "marital_status": "丧偶"}
        for _ in range(SMALL)
    ]
    insert_labelled(db, sid, big + small)
    return sid


def _summary(api, **params: object) -> dict:  # type: ignore[no-untyped-def,type-arg]
    r = api.get("/api/summaries", params=params, headers=auth(api, "staff"))
    assert r.status_code == 200, r.text
    return r.json()


def _numbers(summary: dict) -> list:  # type: ignore[type-arg]
    out = [summary["respondents"]]
    for fam in ("needs", "groups"):
        out += [v["count"] for v in summary.get(fam, {}).values()]
    out += [r["respondents"] for r in summary.get("regions", [])]
    return out


def test_no_exact_number_leaves_and_small_selections_show_nothing(api):  # type: ignore[no-untyped-def]
    sid = _data(api)
    queries = [
        {"survey_id": sid},
        {"survey_id": sid, "county": "金寨县", "township": "梅山镇"},
        {"survey_id": sid, "county": "金寨县", "township": "梅山镇", "village": "小河村"},
        {"survey_id": sid, "need": "employment"},
        {"survey_id": sid, "marital_status": "已婚"},
        {"survey_id": sid, "fieldworker": "王芳"},
    ]
    for q in queries:
        for n in _numbers(_summary(api, **q)):
            assert n in ("<5", "不公开") or n % 5 == 0, (q, n)
    # filters that isolate the three women: by village, by fieldworker, by marital status
    for q in ({"village": "前畈村"}, {"fieldworker": "李娟"}, {"marital_status": "丧偶"}):
        s = _summary(api, survey_id=sid, **q)
        assert s["respondents"] == "<5" and s["needs"] == {} and s["quotes"] == []


def test_subtracting_two_summaries_does_not_give_the_small_village_back(api):  # type: ignore[no-untyped-def]
    sid = _data(api)
    township = _summary(api, survey_id=sid, county="金寨县", township="梅山镇")
    village = _summary(api, survey_id=sid, county="金寨县", township="梅山镇", village="小河村")
    sizes = {r["name"]: r["respondents"] for r in township["regions"]}
    assert sizes["前畈村"] == "<5" and sizes["小河村"] == "不公开"  # the total would give 前畈村 back
    by_fieldworker = _summary(api, survey_id=sid, fieldworker="王芳")
    by_marital = _summary(api, survey_id=sid, marital_status="已婚")
    totals = [township, village, by_fieldworker, by_marital, _summary(api, survey_id=sid)]
    for a, b in itertools.permutations(totals, 2):
        assert a["respondents"] - b["respondents"] != SMALL
        emp = a["needs"]["employment"]["count"] - b["needs"]["employment"]["count"]
        assert emp != SMALL
