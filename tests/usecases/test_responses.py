"""Submissions that arrive together are stored in one transaction; each request still gets its own answer."""

import asyncio

import pytest
from sqlalchemy import select

import usecases as uc
from fuqing.errors import Forbidden, InputError, NotFound
from fuqing.models import AuditLog, Response
from survey.submissions import SubmissionGroup
from tests.usecases.conftest import ctx_of


def test_concurrent_submissions_share_one_transaction(services, db, survey_id):
    sid = survey_id
    tagged: list[list[int]] = []
    services.submissions = SubmissionGroup(db, tagged.append, services.vault)
    ctx = ctx_of(services, "fieldworker")

    async def burst():
        return await asyncio.gather(
            *(uc.submit_response(ctx, sid, {"source_id": f"s{i}", "text": "想找活干"}) for i in range(5)),
            uc.submit_response(ctx, sid + 1, {"source_id": "x", "text": "调查不存在"}),
            uc.submit_response(ctx, sid, {"age": "不知道"}),
            return_exceptions=True,
        )

    *ok, missing, bad = asyncio.run(burst())
    assert [r.created for r in ok] == [True] * 5
    assert isinstance(missing, NotFound) and isinstance(bad, InputError)
    assert tagged == [[r.id for r in ok]]  # handed to tagging once, as a group
    with db.session() as s:
        revs = set(s.scalars(select(Response.rev).where(Response.survey_id == sid)))
        actors = set(s.scalars(select(AuditLog.actor).where(AuditLog.action == "response.create")))
    assert len(revs) == 1 and actors == {"fieldworker"}

    repeat = asyncio.run(uc.submit_response(ctx, sid, {"source_id": "s0", "text": "重复提交"}))
    assert (repeat.id, repeat.created) == (ok[0].id, False)


def test_only_roles_that_collect_answers_may_submit(services, survey_id):
    with pytest.raises(Forbidden):
        asyncio.run(uc.submit_response(ctx_of(services, "researcher"), survey_id, {"text": "想找活干"}))


def test_without_a_service_a_submission_is_stored_and_tagged_at_once(services, db, survey_id):
    stored = asyncio.run(uc.submit_response(ctx_of(services, "fieldworker"), survey_id, {"text": "想学电商"}))
    with db.session() as s:
        assert s.get(Response, stored.id).tagged_version is not None


def test_a_failed_write_fails_every_waiting_submission(services, db, survey_id):
    if db.dialect != "sqlite":
        pytest.skip("one database is enough to break on purpose")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE audit_log")  # every store now fails inside its transaction
    services.submissions = SubmissionGroup(db, lambda ids: None, services.vault)
    ctx = ctx_of(services, "fieldworker")

    async def two():
        return await asyncio.gather(
            uc.submit_response(ctx, survey_id, {"text": "a"}),
            uc.submit_response(ctx, survey_id, {"text": "b"}),
            return_exceptions=True,
        )

    errors = asyncio.run(two())
    assert all(isinstance(e, Exception) and "audit_log" in str(e) for e in errors)
    with db.session() as s:
        assert s.scalar(select(Response.id)) is None  # nothing half-written
