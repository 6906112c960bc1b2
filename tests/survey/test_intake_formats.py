import json
from pathlib import Path

import pytest
import yaml

from fuqing.actors import Actor
from fuqing.models import Response
from fuqing.vault import Vault
from survey.contacts import read_contact
from survey.inspection import inspect_file
from survey.intake import import_file
from tests.fixtures import exports

SYSTEM = Actor.system()

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _responses(db, survey_id):
    with db.session() as s:
        return s.query(Response).filter(Response.survey_id == survey_id).order_by(Response.id).all()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_wjx_text_variant_csv(db, db_settings, tmp_path: Path, encoding: str):
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=12, encoding=encoding)
    report = import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="金寨县2025年妇女需求调研")
    assert report.format == "问卷星（按选项文本）"
    assert report.encoding == ("gb18030" if encoding == "gb18030" else encoding)
    assert (report.rows_total, report.rows_ok, report.rows_failed) == (12, 12, 0)
    assert report.mapping["需求开放题"] == "9、您目前最需要妇联提供哪些帮助？"
    assert (
        report.mapping["县（区）"] == "1、所在县（区）"
        and report.mapping["村（社区）"] == "3、所在村（社区）"
    )
    assert report.mapping["调查员"] == "10、调查员姓名"
    rows = _responses(db, report.survey_id)
    r0, r2 = rows[0], rows[2]
    assert (
        r0.source_id.endswith(":1")
        and r0.county == "金寨县"
        and r0.township == "梅山镇"
        and r0.village == "小河村"
    )
    assert (
        r0.age == 38 and r0.age_band == "30-39" and r0.marital_status == "已婚" and r0.fieldworker == "王芳"
    )
    assert r0.channel == "问卷星" and r0.duration_s == 90 and r0.collected_at.year == 2025
    assert r0.answers["q6"] == ["没有稳定收入", "孩子上学", {"option": "其他", "text": "婆婆生病"}]
    assert r0.answers["q7"] == {
        "妇女之家活动": "满意",
        "两癌筛查": "满意",
        "技能培训": "满意",
        "法律咨询": "满意",
    }
    assert rows[1].answers["q7"]["法律咨询"] == "(跳过)"
    assert r0.answers["q8"] == ["医疗", "就业", "培训"]
    # personal numbers are redacted in the analysed text and in the stored answers; the raw text is sealed apart
    assert "13812345678" not in r2.text_redacted and "13812345678" not in json.dumps(
        r2.answers, ensure_ascii=False
    )
    assert "〔身份证号〕" in r2.text_redacted and "〔手机号〕" in r2.text_redacted
    assert r2.redactions.get("id_number") == 1 and sum(r2.redactions.values()) == 2
    with db.session() as s:
        sealed = read_contact(s, Vault.of(db_settings), r2.id)
    assert sealed is not None and "13812345678" in sealed["text_raw"]
    assert r0.ip_hash and "36.5" not in r0.ip_hash


def test_wjx_xlsx_and_real_samples(db, db_settings, tmp_path: Path):
    report = import_file(
        db, db_settings, exports.wjx_xlsx(tmp_path / "wjx.xlsx"), actor=SYSTEM, new_survey_title="xlsx"
    )
    assert report.format == "问卷星（按选项文本）" and report.rows_ok == 12
    text = import_file(
        db,
        db_settings,
        FIXTURES / "wjx_reportgen_800_0_按选项文本_header_plus20.csv",
        actor=SYSTEM,
        new_survey_title="real-text",
    )
    assert text.rows_ok == 20
    r = _responses(db, text.survey_id)[1]
    assert r.answers["q6"][:3] == ["运动", "阅读", "影视"] and r.age == 32
    idx = import_file(
        db,
        db_settings,
        FIXTURES / "wjx_reportgen_800_2_按选项序号_header_plus20.csv",
        actor=SYSTEM,
        new_survey_title="real-index",
    )
    assert idx.format == "问卷星（按选项序号）" and idx.rows_ok == 20
    r = _responses(db, idx.survey_id)[0]
    assert r.answers["q6"] == ["运动", "影视", "购物"]
    assert r.age is None and any("选项编号" in w for w in idx.warnings)


@pytest.mark.parametrize("builder", [exports.kobo_csv, exports.kobo_xlsx])
def test_kobo_exports(db, db_settings, tmp_path: Path, builder):
    suffix = ".csv" if builder is exports.kobo_csv else ".xlsx"
    report = import_file(
        db, db_settings, builder(tmp_path / f"kobo{suffix}"), actor=SYSTEM, new_survey_title="kobo"
    )
    assert report.format == "KoboToolbox" and report.rows_ok == 8, report.errors
    rows = _responses(db, report.survey_id)
    assert (
        rows[0].source_id.startswith("8f0c5a3e")
        and rows[0].county == "金寨县"
        and rows[0].fieldworker == "王芳".lower()
    )
    assert rows[0].answers["difficulties"] == ["income", "childcare"]
    assert "income" not in rows[0].answers  # the 0/1 detail columns are folded into the parent
    assert rows[0].text_redacted.startswith("孩子他爸")
    assert rows[0].collected_at is not None


def test_odk_central_export(db, db_settings, tmp_path: Path):
    report = import_file(
        db, db_settings, exports.odk_csv(tmp_path / "odk.csv"), actor=SYSTEM, new_survey_title="odk"
    )
    assert report.format == "ODK Central" and report.rows_ok == 8
    rows = _responses(db, report.survey_id)
    assert rows[0].source_id.startswith("uuid:") and rows[0].village == "小河村" and rows[0].age == 38
    assert rows[0].fieldworker == "王芳" and rows[0].text_redacted.startswith("孩子他爸")


def test_plain_gbk_csv_with_mapping_file(db, db_settings, tmp_path: Path):
    f = exports.plain_csv(tmp_path / "excel.csv")
    guess = inspect_file(f)
    assert guess.encoding == "gb18030" and guess.source == "plain"
    assert guess.mapping_labels["需求开放题"] == "最大的困难和需求"
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        yaml.safe_dump({"needs_text": "备注", "county": "县", "source_id": "编号"}, allow_unicode=True),
        encoding="utf-8",
    )
    from survey.mapping import read_mapping_file

    report = import_file(
        db,
        db_settings,
        f,
        actor=SYSTEM,
        new_survey_title="plain",
        mapping_override=read_mapping_file(mapping),
    )
    assert report.mapping["需求开放题"] == "备注"
    rows = _responses(db, report.survey_id)
    assert (
        rows[0].source_id.endswith(":A000") and rows[0].text_redacted == "=1+1"
    )  # formula-like text is stored as text


def test_jsonl(db, db_settings, tmp_path: Path):
    report = import_file(
        db, db_settings, exports.jsonl(tmp_path / "r.jsonl"), actor=SYSTEM, new_survey_title="jsonl"
    )
    assert report.rows_ok == len(exports.PEOPLE)
    rows = _responses(db, report.survey_id)
    assert (
        rows[0].source_id.endswith(":r0")
        and rows[0].county == "金寨县"
        and rows[0].age == 38
        and rows[0].text_redacted.startswith("孩子他爸")
    )
