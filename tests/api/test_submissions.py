"""Submissions that arrive together are stored in one transaction; each request still gets its own answer."""

import asyncio

import pytest
from sqlalchemy import select

from api.submissions import SubmissionGroup
from fuqing.errors import InputError, NotFound
from fuqing.models import Response


def test_concurrent_submissions_share_one_transaction(db, survey_id):
    sid = survey_id
    tagged: list[list[int]] = []
    group = SubmissionGroup(db, tagged.append)

    async def burst():
        return await asyncio.gather(
            *(group.submit(sid, {"source_id": f"s{i}", "text": "想找活干"}, None) for i in range(5)),
            group.submit(sid + 1, {"source_id": "x", "text": "调查不存在"}, None),
            group.submit(sid, {"age": "不知道"}, None),
            return_exceptions=True,
        )

    *ok, missing, bad = asyncio.run(burst())
    assert [r.created for r in ok] == [True] * 5
    assert isinstance(missing, NotFound) and isinstance(bad, InputError)
    assert tagged == [[r.id for r in ok]]  # handed to tagging once, as a group
    with db.session() as s:
        revs = set(s.scalars(select(Response.rev).where(Response.survey_id == sid)))
    assert len(revs) == 1

    async def again():
        return await group.submit(sid, {"source_id": "s0", "text": "重复提交"}, None)

    repeat = asyncio.run(again())
    assert (repeat.id, repeat.created) == (ok[0].id, False)


def test_a_failed_write_fails_every_waiting_submission(db, survey_id):
    if db.dialect != "sqlite":
        pytest.skip("one database is enough to break on purpose")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE audit_log")  # every store now fails inside its transaction
    group = SubmissionGroup(db, lambda ids: None)

    async def two():
        return await asyncio.gather(
            group.submit(survey_id, {"text": "a"}, None),
            group.submit(survey_id, {"text": "b"}, None),
            return_exceptions=True,
        )

    errors = asyncio.run(two())
    assert all(isinstance(e, Exception) and "audit_log" in str(e) for e in errors)
    with db.session() as s:
        assert s.scalar(select(Response.id)) is None  # nothing half-written
