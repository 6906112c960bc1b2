"""Row keys that mean what they say (issue 15): identical answers from different women are never taken for a
re-import, a second questionnaire's 序号 never collides with the first's, and whenever rows are skipped the report
says how many, why and which."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from fuqing.actors import Actor
from fuqing.auth import Role
from fuqing.models import Response, Upload
from survey.intake import import_file
from survey.responses import prepare_response, store_responses
from tests.conftest import TEST_VAULT
from tests.fixtures import exports

SYSTEM = Actor.system()


def _count(db, survey_id: int) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(func.count()).where(Response.survey_id == survey_id)) or 0


def _plain(path: Path) -> Path:
    """42 women in three villages ticking the same few answers: 39 rows repeat an earlier one exactly."""
    needs = ["技能培训", "看病", "孩子上学"]
    lines = ["县,乡镇,村,您最需要哪些帮助"]
    lines += [f"金寨县,梅山镇,小河村,{needs[i % 3]}" for i in range(42)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_identical_rows_of_a_plain_file_are_different_women(db, db_settings, tmp_path: Path) -> None:
    f = _plain(tmp_path / "plain.csv")
    first = import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="plain")
    assert (first.rows_ok, first.rows_duplicate, first.warnings) == (42, 0, [])
    again = import_file(db, db_settings, f, actor=SYSTEM, survey_id=first.survey_id)
    assert (again.rows_ok, again.rows_duplicate) == (0, 42)
    assert again.duplicate_rows[:3] == [2, 3, 4]
    assert any("42 行已跳过" in w and "第 2、3、4、5、6 等 行" in w for w in again.warnings)
    assert _count(db, first.survey_id) == 42
    with db.session() as s:
        assert "42 行已跳过" in (s.get(Upload, again.upload_id).message or "")  # the upload page shows it


def test_a_second_questionnaire_keeps_its_own_serial_numbers(db, db_settings, tmp_path: Path) -> None:
    a = exports.wjx_csv(tmp_path / "a.csv", n=12)
    b = tmp_path / "b.csv"
    b.write_text(
        a.read_text(encoding="utf-8-sig").replace("您目前最需要妇联提供哪些帮助", "明年最希望村里办什么事"),
        encoding="utf-8-sig",
    )
    first = import_file(db, db_settings, a, actor=SYSTEM, new_survey_title="two questionnaires")
    second = import_file(db, db_settings, b, actor=SYSTEM, survey_id=first.survey_id)
    assert (first.rows_ok, second.rows_ok, second.rows_duplicate) == (12, 12, 0)
    again = import_file(db, db_settings, b, actor=SYSTEM, survey_id=first.survey_id)
    assert (again.rows_ok, again.rows_duplicate) == (0, 12)  # the same export again is still idempotent
    assert _count(db, first.survey_id) == 24


def test_same_text_twice_is_two_answers_unless_it_is_a_retry(db, survey_id: int) -> None:  # type: ignore[no-untyped-def]
    sid = survey_id
    worker = Actor("wang", Role.fieldworker, None, "api")
    same = {"text": "想学电商", "county": "金寨县"}
    retry = {**same, "submission_id": "5b0c7c1e-0001"}
    items = [prepare_response(sid, d, worker) for d in (same, same, retry, retry)]
    with db.session(write=True) as s:
        out = store_responses(s, items, TEST_VAULT)
    assert [o.created for o in out] == [True, True, True, False]
    assert len({o.id for o in out}) == 3
    assert _count(db, sid) == 3
