from datetime import date

import pytest

from findings.ask import ask, parse_question
from fuqing.errors import InputError

TODAY = date(2025, 6, 15)


def test_the_example_question(filled):
    with filled.session() as s:
        out = ask(s, "金寨县的留守妇女最需要什么", today=TODAY)
    assert out["filters"] == {"county": "金寨县", "group": "left_behind"}
    assert out["not_understood"] == []
    assert out["summary"]["respondents"] == 10  # 9, published rounded to a multiple of 5
    assert list(out["summary"]["needs"])[0] == "employment"


def test_regions_needs_and_time_words(filled):
    with filled.session() as s:
        p = parse_question(s, "霍山上个月的养老需求有多少", today=TODAY)
        assert (p.filters.county, p.filters.need) == ("霍山县", "eldercare")
        assert (p.filters.since, p.filters.until) == (date(2025, 5, 1), date(2025, 5, 31))
        p = parse_question(s, "梅山镇今年单亲妈妈的就业情况", today=TODAY)
        assert (p.filters.township, p.filters.group, p.filters.need) == (
            "梅山镇",
            "single_mother",
            "employment",
        )
        assert p.filters.since == date(2025, 1, 1)
        p = parse_question(s, "2025年4月小河村", today=TODAY)
        assert (
            p.filters.village == "小河村"
            and p.filters.since == date(2025, 4, 1)
            and p.filters.until == date(2025, 4, 30)
        )


def test_unknown_words_are_reported_not_guessed(filled):
    with filled.session() as s:
        out = ask(s, "合肥市区的外卖骑手最需要什么", today=TODAY)
        assert "外卖" in "".join(out["not_understood"]) and out["filters"] == {}
        off = ask(s, "今天天气怎么样", today=TODAY)
        assert (
            off["filters"] == {}
            and any("天气" in w for w in off["not_understood"])
            and "没有看懂" in off["message"]
        )
    with filled.session() as s, pytest.raises(InputError):
        ask(s, "  ")
