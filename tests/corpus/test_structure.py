from corpus.cleaning import clean_text
from corpus.structure import parse_document
from tests.conftest import REPO, SEED


def _seed_units():
    return parse_document(clean_text(SEED.read_text(encoding="utf-8")).text)


def test_seed_items_keep_their_own_numbers():
    parsed = _seed_units()
    assert parsed.structure == "policy"
    items = [u.clause for u in parsed.units if u.kind == "item"]
    assert items == [str(i) for i in range(1, 16) if i != 10]


def test_seed_item_fields():
    units = {u.clause: u for u in _seed_units().units}
    u12 = units["12"]
    assert u12.title == "畅通联系妇女群众渠道"
    assert u12.label == "第12条"
    assert u12.section[0].startswith("二、准确把握") and "(四)" in u12.section[1]
    assert "单身母亲" in u12.text
    assert units["11"].title == "健全完善调查研究机制"
    assert "基层妇女群众需求调研" in units["11"].text


def test_preamble_and_intros_are_units():
    units = {u.clause: u for u in _seed_units().units}
    assert units["preamble"].text.startswith("为深入贯彻")
    assert units["p1"].title == "充分认识实施“破难行动”的重要意义"
    assert {"p2s1", "p2s2", "p2s3", "p2s4"} <= set(units)
    assert units["p2s1"].text.startswith("着力解决县级妇联")
    assert units["13"].section == ["三、认真落实实施“破难行动”的工作要求"]


LAW = """# 中华人民共和国示例法

2020年1月1日 第十三届全国人民代表大会常务委员会通过　2022年10月30日修订

<!-- INFO END -->

## 第一章 总则

第一条 为了保护妇女权益，制定本法。

第二条 国家采取措施。

依照本法第二十条的规定，妇女联合会应当协助。

## 第二章 人身权益

### 第一节 一般规定

第二十条 妇女的人身自由不受侵犯。

第二十一条 本条有两款。

第二款的内容。
"""


def test_law_articles_sections_and_paragraphs():
    parsed = parse_document(clean_text(LAW).text)
    assert parsed.structure == "law"
    assert parsed.title == "中华人民共和国示例法"
    assert parsed.date == "2022-10-30"
    clauses = [u.clause for u in parsed.units]
    assert clauses == ["1", "2", "20", "21"], "a cross-reference inside a sentence is not a heading"
    by = {u.clause: u for u in parsed.units}
    assert "依照本法第二十条的规定" in by["2"].text
    assert by["20"].label == "第二十条"
    assert by["20"].section == ["第二章 人身权益", "第一节 一般规定"]
    assert by["21"].text.endswith("第二款的内容。")


def test_bundled_laws_parse_with_expected_article_counts():
    expected = {"妇女权益保障法_2022.md": 86, "反家庭暴力法_2015.md": 38, "未成年人保护法_2024.md": 132}
    for name, count in expected.items():
        text = (REPO / "corpus" / "data" / "laws" / name).read_text(encoding="utf-8")
        parsed = parse_document(clean_text(text).text)
        assert len([u for u in parsed.units if u.kind == "article"]) == count
    civil = parse_document(
        clean_text((REPO / "corpus/data/laws/民法典_婚姻家庭编.md").read_text(encoding="utf-8")).text
    )
    clauses = [u.clause for u in civil.units]
    assert clauses[0] == "1040" and clauses[-1] == "1118"
    by = {u.clause: u for u in civil.units}
    assert by["1079"].label == "第一千零七十九条"
    assert any("第一节" in s for s in by["1059"].section)


def test_unstructured_text_falls_back_to_paragraphs_and_says_so():
    parsed = parse_document("村里开了个会。\n\n大家讨论了妇女之家的活动安排。\n\n下次再议。")
    assert parsed.structure == "paragraphs"
    assert [u.clause for u in parsed.units] == ["para1", "para2", "para3"]
    assert parsed.notes and "按段落" in parsed.notes[0]
