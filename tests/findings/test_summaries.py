from datetime import date

import pytest

from findings.disclosure import wilson
from findings.summaries import Filters, summarize
from fuqing.errors import InputError

EXACT = {"threshold": 1, "base": 1}  # no disclosure control: the counting itself, checked against the rows


def test_counts_shares_intervals_and_crosstab(filled):
    with filled.session() as s:
        out = summarize(s, Filters(), **EXACT)
    assert out["respondents"] == 16
    emp = out["needs"]["employment"]
    assert emp["count"] == 6 and emp["share"] == round(6 / 16, 4) and emp["interval"] == list(wilson(6, 16))
    assert list(out["needs"])[0] == "employment"  # sorted by share
    assert out["groups"]["left_behind"]["count"] == 9 and out["groups"]["hardship"]["count"] == 0
    assert out["crosstab"]["left_behind"] == {"employment": 6, "childcare_education": 3}
    assert [t["month"] for t in out["trend"]] == ["2025-03", "2025-04", "2025-05"]
    assert out["regions"][0]["name"] == "金寨县" and out["regions"][0]["top_needs"][0] == {
        "need": "employment",
        "count": 6,
    }
    assert {q["need"] for q in out["quotes"]} >= {"employment"}
    assert all(q["response_id"] and q["text"] for q in out["quotes"])


def test_wilson_interval_known_value():
    low, high = wilson(6, 16)
    assert (low, high) == (0.1848, 0.6136)
    assert wilson(0, 0) == (0.0, 0.0)


def test_filters(filled):
    with filled.session() as s:
        lb = summarize(s, Filters(county="金寨县", group="left_behind"), **EXACT)
        assert lb["respondents"] == 9 and lb["needs"]["employment"]["count"] == 6
        assert lb["regions"][0]["level"] == "township"
        spring = summarize(s, Filters(since=date(2025, 4, 1), until=date(2025, 4, 30)), **EXACT)
        assert spring["respondents"] == 5
        none = summarize(s, Filters(county="不存在县"))
        assert none["respondents"] == 0 and "没有符合条件" in none["message"] and none["quotes"] == []


def test_published_figures_are_rounded_and_small_cells_withheld(filled):
    with filled.session() as s:
        out = summarize(s, Filters())
    assert out["respondents"] == 15  # 16 rounded to a multiple of 5
    emp = out["needs"]["employment"]
    assert emp["count"] == 5 and emp["share"] == round(5 / 15, 4) and emp["interval"] == list(wilson(5, 15))
    assert out["groups"]["left_behind"]["count"] == 10 and out["groups"]["single_mother"]["count"] == "<5"
    assert (
        out["groups"]["single_mother"]["share"] is None and out["groups"]["single_mother"]["interval"] is None
    )
    assert out["crosstab"]["left_behind"] == {"employment": 5, "childcare_education": "<5"}


def test_a_selection_below_the_threshold_shows_nothing(filled):
    with filled.session() as s:
        village = summarize(s, Filters(county="金寨县", township="天堂寨镇", village="前畈村"))
    assert village["respondents"] == "<5" and "不足 5 份" in village["message"]
    assert village["needs"] == {} and village["quotes"] == [] and village["keywords"] == []


def test_places_that_add_up_protect_each_other(filled):
    with filled.session() as s:
        county = summarize(s, Filters(county="金寨县"))
    sizes = {r["name"]: r["respondents"] for r in county["regions"]}
    assert sizes == {"梅山镇": "不公开", "天堂寨镇": "<5"}  # 10 − 梅山镇 would give 天堂寨镇 back
    with filled.session() as s:
        township = summarize(s, Filters(county="金寨县", township="梅山镇"))
    assert township["regions"][0]["level"] == "village"
    assert all(q["county"] == "金寨县" for q in township["quotes"])


def test_bad_filters(filled):
    with filled.session() as s, pytest.raises(InputError, match="boss"):
        summarize(s, Filters(group="boss"))
    with filled.session() as s, pytest.raises(InputError, match="晚于"):
        summarize(s, Filters(since=date(2025, 5, 1), until=date(2025, 4, 1)))
    with filled.session() as s, pytest.raises(InputError, match="需求"):
        summarize(s, Filters(need="left_behind"))
