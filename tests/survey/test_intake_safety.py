"""Idempotent uploads, strict mode, crash recovery and bad input: nothing stored is lost or half-written."""

from pathlib import Path

import pytest

from fuqing.actors import Actor
from fuqing.errors import FileTooLarge, InputError
from fuqing.models import Response, Upload, UploadError
from survey.intake import import_file
from tests.conftest import TEST_VAULT
from tests.fixtures import exports

SYSTEM = Actor.system()


def _count(db, survey_id=None):
    with db.session() as s:
        q = s.query(Response)
        if survey_id is not None:
            q = q.filter(Response.survey_id == survey_id)
        return q.count()


def test_reupload_creates_no_duplicates(db, db_settings, tmp_path: Path):
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=30)
    first = import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="s", batch_size=7)
    again = import_file(db, db_settings, f, actor=SYSTEM, survey_id=first.survey_id, batch_size=7)
    assert (first.rows_ok, again.rows_ok, again.rows_duplicate) == (30, 0, 30)
    assert "此前已导入" in again.message
    assert _count(db, first.survey_id) == 30
    # a bigger export of the same survey adds only the new rows (same 序号 = same answer)
    more = import_file(
        db, db_settings, exports.wjx_csv(tmp_path / "more.csv", n=45), actor=SYSTEM, survey_id=first.survey_id
    )
    assert (more.rows_ok, more.rows_duplicate) == (15, 30)


def test_strict_stores_nothing_unless_every_row_is_valid(db, db_settings, tmp_path: Path):
    bad_row = [
        "99",
        "2025/13/45 10:00:00",
        "100秒",
        "手机提交",
        "直接访问",
        "1.1.1.1",
        "金寨县",
        "梅山镇",
        "小河村",
        "40",
        "已婚",
        "看病贵",
        "满意",
        "满意",
        "满意",
        "满意",
        "就业",
        "想找活干",
        "王芳",
    ]
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=10, extra_rows=[bad_row])
    report = import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="strict", strict=True)
    assert report.status == "refused" and not report.stored and report.rows_failed == 1
    assert report.errors[0]["row"] == 12 and report.errors[0]["column"] == "提交答卷时间"
    assert _count(db, report.survey_id) == 0
    relaxed = import_file(db, db_settings, f, actor=SYSTEM, survey_id=report.survey_id)
    assert (relaxed.rows_ok, relaxed.rows_failed) == (10, 1)
    with db.session() as s:
        err = (
            s.query(UploadError)
            .filter(UploadError.upload_id == relaxed.upload_id, UploadError.kind == "error")
            .one()
        )
        assert (err.row, err.column) == (12, "提交答卷时间") and "日期" in err.reason


def test_crash_mid_upload_keeps_committed_batches_and_resumes(db, db_settings, tmp_path: Path):
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=25)
    calls = {"n": 0}

    def crash_on_third_batch(session, ids):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        import_file(
            db,
            db_settings,
            f,
            actor=SYSTEM,
            new_survey_title="crash",
            batch_size=10,
            on_batch=crash_on_third_batch,
        )
    with db.session() as s:
        up = s.query(Upload).one()
        assert up.status == "failed" and "续传" in up.message
        assert (up.rows_total, up.rows_ok) == (20, 20)  # two committed batches, correctly counted
        survey_id = up.survey_id
    assert _count(db, survey_id) == 20
    resumed = import_file(db, db_settings, f, actor=SYSTEM, survey_id=survey_id, batch_size=10)
    assert (resumed.rows_ok, resumed.rows_duplicate, resumed.status) == (5, 20, "completed")
    assert _count(db, survey_id) == 25


def _wjx_row(serial: str, duration: str, ip: str, text: str) -> list[str]:
    """One 问卷星 row in the layout of tests/fixtures/exports.wjx_csv."""
    place = ["金寨县", "梅山镇", "小河村", "40", "已婚", "看病贵"]
    return [serial, "2025/5/1 10:00:00", duration, "手机提交", "", f"{ip}(安徽-合肥)", *place] + [
        "满意",
        "一般",
        "满意",
        "一般",
        "就业",
        text,
        "王芳",
    ]


def test_quality_flags(db, db_settings, tmp_path: Path):
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=12)
    report = import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="flags")
    with db.session() as s:
        rows = s.query(Response).filter(Response.survey_id == report.survey_id).order_by(Response.id).all()
        # rows 1,4,7,10 answer every matrix item 满意: straight-lining
        assert [r.flag_straight_lining for r in rows[:4]] == [True, False, False, True]
        # 4 distinct IPs over 12 rows: each used 3 times, below the threshold of 5
        assert not any(r.flag_repeated_ip for r in rows)
    # one answer in 5 s among answers of 300 s (too fast); six from one IP address (repeated)
    fast = [_wjx_row("900", "5秒", "10.0.0.1", "想找活干")]
    fast += [_wjx_row(str(901 + i), "300秒", "10.0.0.9", f"想找活干{i}") for i in range(6)]
    f2 = exports.wjx_csv(tmp_path / "fast.csv", n=0, extra_rows=fast)
    r2 = import_file(db, db_settings, f2, actor=SYSTEM, survey_id=report.survey_id)
    with db.session() as s:
        rows = {
            r.source_id.rsplit(":", 1)[-1]: r
            for r in s.query(Response).filter(Response.upload_id == r2.upload_id)
        }
        assert rows["900"].flag_too_fast and not rows["901"].flag_too_fast
        assert rows["901"].flag_repeated_ip and not rows["900"].flag_repeated_ip
    assert r2.rows_flagged == 7


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("answers.pdf", b"%PDF-1.4", "不支持"),
        ("empty.csv", b"", "空"),
        ("broken.xlsx", b"PK\x03\x04 this is not a workbook", "broken.xlsx.*Excel"),
        ("header.csv", "序号,提交答卷时间,1、您最需要什么帮助\n".encode(), "只有表头"),
        ("latin.csv", bytes([0xFF, 0xFE, 0x00, 0x41]) * 64, "latin.csv"),
    ],
)
def test_bad_files_are_refused_with_the_file_named(db, db_settings, tmp_path: Path, name, content, match):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(InputError, match=match):
        import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="bad")
    with db.session() as s:
        assert s.query(Upload).count() == 0 and s.query(Response).count() == 0


def test_file_over_the_limit(db, db_settings, tmp_path: Path):
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=200)
    small = db_settings.model_copy(update={"max_upload_mb": 0.001})
    with pytest.raises(FileTooLarge):
        import_file(db, small, f, actor=SYSTEM, new_survey_title="big")


def test_row_level_problems(db, db_settings, tmp_path: Path):
    base = [
        "1",
        "2025/5/1 10:00:00",
        "100秒",
        "手机提交",
        "",
        "1.1.1.1",
        "金寨县",
        "梅山镇",
        "小河村",
        "40",
        "已婚",
        "看病贵",
        "满意",
        "一般",
        "满意",
        "一般",
        "就业",
        "想找活干",
        "王芳",
    ]
    long_cell = [*base[:17], "长" * 100_000, "王芳"]
    long_cell[0] = "2"
    skipped = ["3", "2025/5/1 10:00:00", "100秒", "手机提交", "", "1.1.1.1", *["(跳过)"] * 13]
    bad_age = [*base]
    bad_age[0], bad_age[9] = "4", "两百岁"
    formula = [*base]
    formula[0], formula[17] = "5", '=HYPERLINK("http://x","点我")'
    f = exports.wjx_csv(tmp_path / "rows.csv", n=0, extra_rows=[base, long_cell, skipped, bad_age, formula])
    report = import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="rows")
    assert (report.rows_ok, report.rows_failed) == (4, 1)
    by_row = {}
    for e in report.errors:
        by_row.setdefault(e["row"], []).append(e)
    assert by_row[3][0]["column"] == "9、您目前最需要妇联提供哪些帮助？" and "过长" in by_row[3][0]["reason"]
    assert by_row[4][0]["kind"] == "flag" and "跳过" in by_row[4][0]["reason"]
    assert by_row[5][0]["kind"] == "warning" and by_row[5][0]["column"] == "4、您的年龄"
    with db.session() as s:
        rows = {
            r.source_id.rsplit(":", 1)[-1]: r
            for r in s.query(Response).filter(Response.survey_id == report.survey_id)
        }
        assert rows["3"].flag_all_skipped and rows["4"].age is None
        assert rows["5"].text_redacted.startswith("=HYPERLINK")


def test_duplicate_headers_are_reported(db, db_settings, tmp_path: Path):
    f = tmp_path / "dup.csv"
    f.write_text("编号,县,县,您最需要什么帮助\nA1,金寨县,霍山县,想找活干\n", encoding="utf-8")
    report = import_file(db, db_settings, f, actor=SYSTEM, new_survey_title="dup")
    assert report.rows_ok == 1 and any("重复" in w for w in report.warnings)


def test_a_row_stored_by_someone_else_mid_import_is_skipped_not_fatal(db, db_settings, tmp_path: Path):
    """A fresh survey skips the per-batch duplicate query; a concurrent writer must not break the import."""
    from survey.responses import submit_response

    f = exports.wjx_csv(tmp_path / "wjx.csv", n=20)
    state: dict = {}

    def someone_else_submits(done: int) -> None:
        if done == 10:  # after the first batch: 序号 15 arrives through the API before the file gets there
            with db.session(write=True) as s:
                key = f"{state['prefix']}:15"  # the key the file's 序号 15 gets (scoped by the questionnaire)
                submit_response(
                    s, state["survey"], {"source_id": key, "text": "想学手艺"}, SYSTEM, TEST_VAULT
                )

    def remember_survey(session, ids):
        first = session.get(Response, ids[0])
        state.setdefault("survey", first.survey_id)
        state.setdefault("prefix", first.source_id.rsplit(":", 1)[0])

    report = import_file(
        db,
        db_settings,
        f,
        actor=SYSTEM,
        new_survey_title="race",
        batch_size=10,
        progress=someone_else_submits,
        on_batch=remember_survey,
    )
    assert (report.status, report.rows_ok, report.rows_duplicate) == ("completed", 19, 1)
    assert _count(db, report.survey_id) == 20
