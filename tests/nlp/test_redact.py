"""Redaction: every kind of identifier becomes its token, and the traps (places, words and ordinary numbers that
look like one) stay as they were. The texts are written for these tests, not taken from the evaluation data."""

import json

import pytest

from nlp.redact import (
    ADDRESS_TOKEN,
    CARD_TOKEN,
    EMAIL_TOKEN,
    ID_TOKEN,
    MOBILE_TOKEN,
    NAME_TOKEN,
    PHONE_TOKEN,
    PLATE_TOKEN,
    QQ_TOKEN,
    WECHAT_TOKEN,
    redact,
    redact_value,
    valid_resident_id,
)
from nlp.redact_numbers import valid_old_id

VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example


def test_resident_id_checksum():
    assert valid_resident_id(VALID_ID)
    assert not valid_resident_id("110105194912310021")
    assert valid_old_id("341221580216123") and not valid_old_id("341221581316123")  # month 13


@pytest.mark.parametrize(
    ("text", "token", "kind"),
    [
        (f"我身份证是{VALID_ID}，帮我查一下", ID_TOKEN, "id_number"),
        (f"sfz{VALID_ID}，低保复核", ID_TOKEN, "id_number"),
        ("身份证号110105 19491231 002X", ID_TOKEN, "id_number"),
        ("俺娘的老身份证341221580216123，她不识字", ID_TOKEN, "id_number"),
        ("有事打我电话13812345678就行", MOBILE_TOKEN, "phone"),
        ("手机 138-1234-5678 白天能接", MOBILE_TOKEN, "phone"),
        ("手机1380-0138-000", MOBILE_TOKEN, "phone"),
        ("手机1731 7347 313，微信同号", MOBILE_TOKEN, "phone"),
        ("+86 139 1234 5678", MOBILE_TOKEN, "phone"),
        ("号码8613912345678", MOBILE_TOKEN, "phone"),
        ("手机１３８１２３４５６７８", MOBILE_TOKEN, "phone"),
        ("手机号幺三八零零幺三八零零零", MOBILE_TOKEN, "phone"),
        ("村委会电话0551-6234 5678", PHONE_TOKEN, "phone"),
        ("座机（0564）6234567", PHONE_TOKEN, "phone"),
        ("电话6234567", PHONE_TOKEN, "phone"),
        ("有消息请打892-5162，村部的电话", PHONE_TOKEN, "phone"),
        ("邮箱 wang.dajie@example.com", EMAIL_TOKEN, "email"),
        ("补贴打到卡号6228 4800 1234 5671里", CARD_TOKEN, "bank_card"),
        ("卡号6222021234567890128", CARD_TOKEN, "bank_card"),
        ("QQ：2700330265，晚上在线", QQ_TOKEN, "qq"),
        ("我的扣扣是6185098", QQ_TOKEN, "qq"),
        ("微信wxid_abc123", WECHAT_TOKEN, "wechat"),
        ("加V：zongzi_mama，接预订", WECHAT_TOKEN, "wechat"),
        ("vx: hsmaofeng_88", WECHAT_TOKEN, "wechat"),
        ("我的车皖A12345被扣了", PLATE_TOKEN, "plate"),
        ("黑车皖N·90234经常超载", PLATE_TOKEN, "plate"),
        ("家住红石村3组12号", ADDRESS_TOKEN, "address"),
        ("住长江西路1024号附近", ADDRESS_TOKEN, "address"),
        ("我住杏林小区12栋3单元201", ADDRESS_TOKEN, "address"),
        ("门牌枣林村二组十六号", ADDRESS_TOKEN, "address"),
        ("我叫王秀英，想学电商", NAME_TOKEN, "name"),
        ("户主张德明，低保户", NAME_TOKEN, "name"),
        ("隔壁王大姐家男人经常打她", NAME_TOKEN, "name"),
        ("有事找李书记", NAME_TOKEN, "name"),
        ("老陈家闺女考上大学了", NAME_TOKEN, "name"),
        ("小周是我们的网格员", NAME_TOKEN, "name"),
        ("听秀英说她那边有活", NAME_TOKEN, "name"),
        ("妇联能不能帮忙找找侯春花，她男人说她跑了", NAME_TOKEN, "name"),
        ("我叫高兴梅，不是来凑热闹的", NAME_TOKEN, "name"),
    ],
)
def test_identifiers_redacted(text: str, token: str, kind: str):
    out = redact(text)
    assert token in out.text and out.counts.get(kind) == 1, out
    assert all(text[s.start : s.end] not in out.text for s in out.spans)


def test_spans_are_whole_and_counted_by_kind():
    text = "我叫王秀英，家住红石村3组12号，电话15157392403，身份证" + VALID_ID
    out = redact(text)
    assert out.text == "我叫〔姓名〕，家住〔住址〕，电话〔手机号〕，身份证〔身份证号〕"
    assert out.counts == {"name": 1, "address": 1, "phone": 1, "id_number": 1}
    assert [text[s.start : s.end] for s in out.spans] == ["王秀英", "红石村3组12号", "15157392403", VALID_ID]


def test_an_address_starts_at_the_village_not_the_county():
    out = redact("家住金寨县斑竹园镇漆店村6组，俺叫漆玉珍")
    assert out.text == "家住金寨县斑竹园镇〔住址〕，俺叫〔姓名〕"


def test_two_numbers_in_one_run_are_two_numbers():
    out = redact("电话13344523733 15612345678")
    assert out.text == "电话〔手机号〕 〔手机号〕" and out.counts == {"phone": 2}


@pytest.mark.parametrize(
    "text",
    [
        "一年收入不到20000元，2023年12月看病花了35000",
        "孩子今年8岁，家里3亩地",
        "妇联热线12338打了好几次都占线，打110也没用",
        "打12345反映过路的问题",
        "2025-03-12那天来的工作组说下个月再来",
        "身份证后四位1234，记不全了",
        "黄山脚下茶叶卖不出去，金寨的山核桃也是",
        "江淮分水岭这边缺水",
        "王家坝那边年年发水",
        "高兴得很，方便的话周末来，马上要秋收了",
        "石头太多的地不好种，李子烂在树上",
        "老公常年在外，婆婆身体不好",
        "我是单亲妈妈，一个人带两个娃",
        "孩子班主任老师说成绩下降了",
        "养老金每月才一百多块",
        "我们村3组的路灯坏了",
        "我们这个小区3号楼的电梯坏了",
        "张庄村到镇上的公交车一天只有两班",
        "村里的微信群消息太多",
        "",
    ],
)
def test_ordinary_answers_untouched(text: str):
    out = redact(text)
    assert out.text == text and not out.found, out


def test_checksum_failure_is_not_an_id():
    out = redact("身份证号110105194912310021写错了")
    assert ID_TOKEN not in out.text and MOBILE_TOKEN not in out.text and CARD_TOKEN not in out.text


def test_regions_never_overlap_and_rebuild_the_text():
    """Every answer of the development file, and each rotated: the regions are in order, inside the text, and
    the redacted text is the original with exactly those regions replaced."""
    from evals.common import bundled

    texts = [
        json.loads(line)["text"] for line in bundled("redaction_dev.jsonl").read_text("utf-8").splitlines()
    ]
    for text in texts + [t[len(t) // 2 :] + t[: len(t) // 2] for t in texts]:
        out = redact(text)
        spans = out.spans
        assert all(0 <= s.start < s.end <= len(text) for s in spans)
        assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
        rebuilt, pos = [], 0
        for s in spans:
            rebuilt += [text[pos : s.start], s.token]
            pos = s.end
        assert out.text == "".join([*rebuilt, text[pos:]])


def test_redact_value_walks_json():
    value = {"a": ["我叫王秀英", 3], "b": {"c": "电话13812345678"}, "d": None}
    assert redact_value(value) == {"a": ["我叫〔姓名〕", 3], "b": {"c": "电话〔手机号〕"}, "d": None}


@pytest.mark.parametrize("unit", ["1 ", "1-", "路1号", "村3组", "王秀英", "微信a", "QQ1"])
def test_a_hostile_20000_character_cell_is_linear_not_cubic(unit: str) -> None:
    """Such a cell once took half an hour ("1 1 1 …" tried every prefix of every digit run; thousands of address
    spans were each checked against all the others). The bound is generous: this guards against a return of
    super-linear behaviour, it does not measure speed."""
    import time

    text = (unit * (20_000 // len(unit)))[:20_000]
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 3
