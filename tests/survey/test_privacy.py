"""Every column is classified before anything is stored; identifying values are sealed apart, never in answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from fuqing.actors import Actor
from fuqing.models import Contact, Response
from fuqing.vault import SealBroken, Vault
from survey.contacts import read_contact
from survey.inspection import inspect_file
from survey.intake import import_file

SYSTEM = Actor.system()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PEOPLE = [
    ("王秀英", "红石村3组12号", "13800138000", "金寨县", "想在家门口找点活干，孩子没人带"),
    ("李桂兰", "柳树湾村5组3号", "0564-5123456", "霍山县", "婆婆瘫在床上，想请人帮忙照看"),
    ("张春花", "东关社区2栋301", "13912345678", "金寨县", "想学电商，把土鸡蛋卖出去"),
]


def _csv(path: Path, extra: str = "") -> Path:
    lines = ["姓名,家庭住址,联系电话,县,您最需要哪些帮助" + (",备注" if extra else "")]
    lines += [",".join(p) + (f",{extra}" if extra else "") for p in PEOPLE]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_issues_csv_is_classified(tmp_path: Path):
    insp = inspect_file(_csv(tmp_path / "people.csv", extra="她男人叫刘建国"))
    by_text = {f["text"]: f for f in insp.to_dict()["fields"]}
    for header in ("姓名", "家庭住址", "联系电话", "备注"):
        assert by_text[header]["class"] == "identifying", header
        assert by_text[header]["samples"] == ["（已隐藏）"]  # the page never shows their values
    assert by_text["县"]["class"] == "analytic" and by_text["您最需要哪些帮助"]["class"] == "analytic"


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("wjx_reportgen_*.csv")))
def test_real_wjx_samples_hold_nothing_identifying(name: str):
    """A phone survey about phones: age in bands, gender, income bands — analytic, none identifying."""
    insp = inspect_file(FIXTURES / name)
    classes = {f["text"]: f["class"] for f in insp.to_dict()["fields"]}
    assert "identifying" not in classes.values(), classes
    age = next(c for t, c in classes.items() if "年龄" in t)
    # 30~34岁 is a band; the 按选项序号 export has only option numbers there, which could be ages: kept cautious
    assert age == ("analytic" if "按选项文本" in name else "quasi")


def test_values_give_a_column_away_whatever_its_header(tmp_path: Path):
    f = tmp_path / "odd.csv"
    f.write_text(
        "县,q1,q2,您最需要哪些帮助\n"
        + "".join(f"金寨县,138001380{i:02d},34152219850612{i:03d}X,想找活干{i}\n" for i in range(6)),
        encoding="utf-8",
    )
    classes = {x["text"]: x["class"] for x in inspect_file(f).to_dict()["fields"]}
    assert classes["q1"] == "identifying" and classes["q2"] == "identifying"


def test_the_uploader_can_change_a_class(tmp_path: Path):
    f = _csv(tmp_path / "people.csv")
    insp = inspect_file(f, mapping_override={"privacy": {"县": "quasi", "姓名": "analytic"}})
    classes = {x["text"]: x["class"] for x in insp.to_dict()["fields"]}
    assert classes["县"] == "quasi" and classes["姓名"] == "analytic"


def test_identifying_values_are_sealed_apart_from_answers(db, db_settings, tmp_path: Path):
    report = import_file(
        db, db_settings, _csv(tmp_path / "p.csv", extra="她男人叫刘建国"), actor=SYSTEM, new_survey_title="p"
    )
    assert report.rows_ok == 3
    with db.session() as s:
        rows = list(s.scalars(select(Response).where(Response.survey_id == report.survey_id)))
        stored = json.dumps([[r.answers, r.text_redacted] for r in rows], ensure_ascii=False)
        for name, address, phone, *_ in PEOPLE:
            assert name not in stored and address not in stored and phone not in stored
        assert "刘建国" not in stored
        blobs = b"".join(c.sealed for c in s.scalars(select(Contact)))
        assert "王秀英".encode() not in blobs  # sealed, not merely moved
        contact = read_contact(s, Vault.of(db_settings), rows[0].id)
    values = {f["question"]: f["value"] for f in contact["fields"]}  # type: ignore[index]
    assert values["姓名"] == "王秀英" and values["联系电话"] == "13800138000"


def test_a_wrong_key_does_not_open_the_contacts(db, db_settings, tmp_path: Path):
    report = import_file(db, db_settings, _csv(tmp_path / "p.csv"), actor=SYSTEM, new_survey_title="p")
    with db.session() as s:
        rid = s.scalar(select(Response.id).where(Response.survey_id == report.survey_id))
        with pytest.raises(SealBroken):
            read_contact(s, Vault(bytes(32), "other"), rid)
