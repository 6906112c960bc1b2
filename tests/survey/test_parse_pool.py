"""A large upload is parsed in a second process (survey/parse_pool.py): what it stores, skips and reports must be
exactly what the same file gives when parsed in process, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from fuqing.actors import Actor
from fuqing.models import Contact, Response, Upload, UploadError
from survey.intake import import_file
from survey.parse_pool import use_second_process
from survey.tables import MAX_CELL_CHARS

SYSTEM = Actor.system()
TEXTS = [
    "我叫王秀英，电话13812345678，想学电商",
    "孩子上学远，想要校车",
    "婆婆瘫在床上，家住红石村3组12号，走不开",
    "挺好的",
]


def _export(path: Path, n: int = 450) -> Path:
    """A 问卷星-like file with names and numbers to redact, a phone column to seal, rows that fail (a cell over the
    length limit), rows with a warning (an age of 300) and repeated serial numbers."""
    lines = [
        "序号,1、所在县（区）,2、所在乡镇（街道）,3、所在村（社区）,4、您的年龄,5、联系电话,6、您最需要哪些帮助"
    ]
    for i in range(n):
        serial = i + 1 if i % 50 else max(1, i - 3)  # every 50th row repeats an earlier serial number
        age = "300" if i % 97 == 5 else str(25 + i % 40)
        text = "长" * (MAX_CELL_CHARS + 1) if i % 89 == 7 else f"{TEXTS[i % 4]}{i}"
        lines.append(f"{serial},金寨县,梅山镇,小河村,{age},1390000{i:04d},{text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored(db, upload_id: int) -> tuple[list[tuple], list[tuple], tuple, int]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        rows = s.execute(
            select(
                Response.source_id,
                Response.village,
                Response.age,
                Response.answers,
                Response.text_redacted,
                Response.redactions,
            )
            .where(Response.upload_id == upload_id)
            .order_by(Response.source_id)
        ).all()
        errors = s.execute(
            select(UploadError.row, UploadError.column, UploadError.reason)
            .where(UploadError.upload_id == upload_id)
            .order_by(UploadError.row)
        ).all()
        up = s.get(Upload, upload_id)
        counts = (up.rows_total, up.rows_ok, up.rows_failed, up.rows_duplicate, up.status)
        contacts = (
            s.query(Contact)
            .join(Response, Contact.response_id == Response.id)
            .where(Response.upload_id == upload_id)
            .count()
        )
    return [tuple(r) for r in rows], [tuple(e) for e in errors], counts, contacts


def test_a_second_process_stores_what_one_process_stores(db, db_settings, tmp_path: Path) -> None:
    f = _export(tmp_path / "export.csv")
    serial = db_settings.model_copy(update={"import_parallel_mb": -1})
    parallel = db_settings.model_copy(update={"import_parallel_mb": 0})
    assert not use_second_process(f, -1) and use_second_process(f, 0)
    one = import_file(db, serial, f, actor=SYSTEM, new_survey_title="in process", batch_size=64)
    two = import_file(db, parallel, f, actor=SYSTEM, new_survey_title="second process", batch_size=64)
    assert one.rows_ok > 400 and one.rows_failed >= 4 and one.rows_duplicate >= 6
    assert (two.rows_ok, two.rows_failed, two.rows_duplicate) == (
        one.rows_ok,
        one.rows_failed,
        one.rows_duplicate,
    )
    assert two.duplicate_rows == one.duplicate_rows and two.errors == one.errors
    a, b = _stored(db, one.upload_id), _stored(db, two.upload_id)
    assert a == b
    assert a[0] and a[1]
    assert a[3] > 0  # phones and the raw answers were sealed in both
    assert all("王秀英" not in (r[4] or "") and "13812345678" not in str(r[3]) for r in a[0])


def test_a_re_upload_through_the_second_process_adds_nothing(db, db_settings, tmp_path: Path) -> None:
    f = _export(tmp_path / "export.csv", n=60)
    parallel = db_settings.model_copy(update={"import_parallel_mb": 0})
    again = import_file(db, parallel, f, actor=SYSTEM, new_survey_title="twice", batch_size=16)
    assert again.rows_ok > 40
    repeat = import_file(db, parallel, f, actor=SYSTEM, survey_id=again.survey_id, batch_size=16)
    assert repeat.rows_ok == 0 and repeat.rows_duplicate == again.rows_ok + again.rows_duplicate
