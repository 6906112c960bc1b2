"""The driver-level bulk insert stores exactly what SQLAlchemy's own insert stores."""

from datetime import UTC, datetime

from sqlalchemy import insert, select

from fuqing.bulk import insert_rows
from fuqing.models import Response

ROW = {
    "source_id": "x",
    "county": "金寨县",
    "township": None,
    "age": 41,
    "collected_at": datetime(2025, 3, 9, 23, 30, 5, 123456, tzinfo=UTC),
    "answers": {"q1": ["甲", {"option": "其他", "text": "养蜂"}], "q2": None},
    "redactions": {},
    "text_redacted": "电话〔手机号〕",
    "flag_too_fast": True,
}


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def _stored(db, survey_id: int, source_id: str) -> dict:
    with db.session() as s:
        r = s.scalar(select(Response).where(Response.survey_id == survey_id, Response.source_id == source_id))
        return {
            c.key: getattr(r, c.key) for c in Response.__table__.columns if c.key not in ("id", "source_id")
        }


def test_bulk_insert_matches_sqlalchemy_insert(db, survey_id):
    sid = survey_id
    with db.session(write=True) as s:
        rows = [{**ROW, "survey_id": sid, "source_id": f"bulk{i}"} for i in range(3)]
        ids = insert_rows(s, Response.__table__, rows)
        by_key = dict(
            s.execute(select(Response.source_id, Response.id).where(Response.survey_id == sid)).all()
        )
        assert ids == [by_key[f"bulk{i}"] for i in range(3)]  # new keys, in row order
        s.connection().execute(insert(Response.__table__), [{**ROW, "survey_id": sid, "source_id": "core"}])
    bulk, core = _stored(db, sid, "bulk2"), _stored(db, sid, "core")
    assert bulk.pop("created_at") and core.pop("created_at")  # defaults applied, times differ
    assert bulk == core
    assert bulk["answers"] == ROW["answers"] and _aware(bulk["collected_at"]) == ROW["collected_at"]
    assert bulk["flag_too_fast"] is True and bulk["flag_all_skipped"] is False and bulk["is_demo"] is False


def test_bulk_insert_constants_apply_to_every_row(db, survey_id):
    sid = survey_id
    with db.session(write=True) as s:
        rows = [{**ROW, "source_id": f"c{i}"} for i in range(4)]
        ids = insert_rows(s, Response.__table__, rows, {"survey_id": sid, "rev": 7})
    with db.session() as s:
        stored = s.execute(select(Response.id, Response.rev).where(Response.survey_id == sid)).all()
    assert sorted(ids) == sorted(i for i, _ in stored) and {r for _, r in stored} == {7}
