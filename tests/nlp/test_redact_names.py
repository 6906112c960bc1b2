"""The name detector's signals where no cue word stands before a name: the shape of the given part (a table of
given-name characters), what follows a name that opens a clause, kin words before a given name used alone,
lists, compound surnames and 氏, titles after rare surnames; and the places and words that begin with a surname
character, which must stay. The texts are written for these tests, not taken from the evaluation data."""

import pytest

from nlp.redact import NAME_TOKEN, redact
from nlp.redact_names import (
    SHAPE_ALL,
    SHAPE_NONE,
    SHAPE_SOME,
    SHAPE_STRONG,
    given_shape,
    lexicon,
)


@pytest.mark.parametrize(
    ("given", "shape"),
    [
        ("琴", SHAPE_STRONG),  # 蔡琴
        ("秀兰", SHAPE_STRONG),
        ("大勇", SHAPE_STRONG),  # one typical character is enough beside a plausible one
        ("婷婷", SHAPE_STRONG),
        ("大山", SHAPE_ALL),  # both occur in names, neither is typical
        ("令芝", SHAPE_SOME),  # the last one carries the name
        ("猫血", SHAPE_NONE),
        ("店", SHAPE_NONE),  # 马店: the end of a place
        ("森病", SHAPE_NONE),
        ("", SHAPE_NONE),
    ],
)
def test_given_shape(given: str, shape: int) -> None:
    assert given_shape(given, lexicon()) == shape


def _names(text: str) -> list[str]:
    return [text[s.start : s.end] for s in redact(text).spans if s.kind == "name"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a full name opening a clause, before what people do
        ("韩琳在镇上开了个裁缝铺，想招两个徒弟", ["韩琳"]),
        ("邹磊摔伤了腰，干不了重活", ["邹磊"]),
        ("袁杰他妈让我帮忙问问低保的事", ["袁杰"]),
        ("廖强的老婆刚生了二胎", ["廖强"]),
        ("孟丽娟老师对村里的孩子可好了", ["孟丽娟"]),
        ("村里的汤燕组织了个广场舞队", ["汤燕"]),
        # a rare surname opening a clause
        ("奚红跟我说她家的地被占了", ["奚红"]),
        # a cued name before a verb, taken by its shape rather than by jieba
        ("孩子他爸杜大山去年在工地上摔了", ["杜大山"]),
        ("老伴儿钱德林前年中风了", ["钱德林"]),
        # given names alone after kin words and before strong cues
        ("俺家建军在外地打工，一年回来一趟", ["建军"]),
        ("女儿欣怡今年上初一了", ["欣怡"]),
        ("俺妹子小翠让人骗了八千块", ["小翠"]),
        ("根生他媳妇跑了，留下两个娃", ["根生"]),
        ("国庆他妈一个人在家", ["国庆"]),
        ("大伙都叫我胖丫，今年四十了", ["胖丫"]),
        # a name found once is a name wherever else it stands
        ("凤霞家的老二在县城读书，凤霞一个人种地", ["凤霞", "凤霞"]),
        # lists, and kin order before a name
        ("葛燕、苏敏、邱小霞报名学面点", ["葛燕", "苏敏", "邱小霞"]),
        ("大姐陈红，二姐陈丽，都嫁到外省了", ["陈红", "陈丽"]),
        ("褚莹、常敏两个人想学电商", ["褚莹", "常敏"]),
        # compound surnames and 氏
        ("我丈夫欧阳明去世三年了", ["欧阳明"]),
        ("网格员司徒静每周都来看看", ["司徒静"]),
        ("家中由其母储张氏照顾", ["储张氏"]),
        ("我是外地嫁过来的，叫阮氏兰", ["阮氏兰"]),
        # titles: a rare surname, one that is mostly a word, a household and its kin title
        ("我想请卞主任帮我查一下", ["卞主任"]),
        ("镇妇联杭主任来过俺村两回", ["杭主任"]),
        ("于姐家的大棚被雪压塌了", ["于姐"]),
        ("赵家嫂子天天跟婆婆吵架", ["赵家嫂子"]),
        ("老訾家的闺女被人骗了", ["老訾"]),
        ("跟小阚讲过好几回了", ["小阚"]),
    ],
)
def test_names_without_a_cue_before_them(text: str, names: list[str]) -> None:
    assert _names(text) == names, redact(text).text


@pytest.mark.parametrize(
    "text",
    [
        "俺是马店的，离镇上近",
        "俺们这里叶集的家具厂招人",
        "熊猫血，生孩子的时候差点没命",
        "小王庄的路灯坏了一年了",
        "丁香花开了，想学做精油",
        "杨梅在卖，五块钱一斤",
        "严冬来了，老人怕冷",
        "金银花今年价格不错",
        "潘家的媳妇说了好几回",
        "大娃在寄宿学校，一个月回来一次",
        "房租水电 月月都不够",
        "秋菊在开，院子里挺好看",
        "连老师都不管这个事",
        "原主任退休以后就没人管了",
        "对于大姐们来说这是好事",
        "向英雄学习，向东走三里路就到",
        "王氏宗祠修好了",
        "金华、丽水那边的厂子都招人，黄豆、绿豆都卖不掉",
        "东方红拖拉机还能开",
        "国家主席说过要关心妇女",
        "高兴在心里，方便的话周末来，马上要秋收了",
        "黄山那边的茶叶卖得好，金寨的山核桃也是",
        "江淮分水岭缺水，王家坝年年淹",
        "我家宝宝在睡觉，大家都很高兴",
        "婆婆和孩子他爸都说好，书记和主任也来过",
    ],
)
def test_places_and_words_stay(text: str) -> None:
    out = redact(text)
    assert out.text == text and NAME_TOKEN not in out.text, out.text
