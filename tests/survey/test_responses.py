"""Grouped single submissions: one transaction, duplicates and unknown surveys answered per submission."""

import pytest
from sqlalchemy import func, select

from fuqing.actors import Actor
from fuqing.errors import InputError, NotFound
from fuqing.models import AuditLog, Response
from survey.responses import StoredResponse, prepare_response, store_responses, submit_response
from tests.conftest import TEST_VAULT

SYSTEM = Actor.system()


def test_store_responses_groups_and_answers_each_submission(db, survey_id):
    sid = survey_id
    with db.session(write=True) as s:
        before, _ = submit_response(s, sid, {"source_id": "old", "text": "以前交过"}, SYSTEM, TEST_VAULT)
    items = [
        prepare_response(sid, {"source_id": "a", "text": "电话13912345678，想找活干"}, SYSTEM),
        prepare_response(sid, {"source_id": "old", "text": "又交了一次"}, SYSTEM),
        prepare_response(sid, {"source_id": "a", "text": "同一批里重复"}, SYSTEM),
        prepare_response(sid + 99, {"source_id": "b", "text": "调查不存在"}, SYSTEM),
        prepare_response(sid, {"text": "没有编号"}, SYSTEM),
    ]
    with db.session(write=True) as s:
        out = store_responses(s, items, TEST_VAULT)
    a, old, again, missing, anon = out
    assert isinstance(a, StoredResponse) and a.created and a.redactions == {"phone": 1}
    assert isinstance(old, StoredResponse) and (old.id, old.created) == (before.id, False)
    assert isinstance(again, StoredResponse) and (again.id, again.created) == (a.id, False)
    assert isinstance(missing, NotFound) and str(sid + 99) in missing.message
    assert isinstance(anon, StoredResponse) and anon.created and anon.source_id.startswith("new:")
    with db.session() as s:
        rows = {r.source_id: r for r in s.scalars(select(Response).where(Response.survey_id == sid))}
        assert set(rows) == {"old", "a", anon.source_id}
        assert rows["a"].rev == rows[anon.source_id].rev > rows["old"].rev  # one transaction, one revision
        assert "13912345678" not in rows["a"].text_redacted
        created = s.scalar(select(func.count()).where(AuditLog.action == "response.create"))
        assert created == 3  # the earlier one and the two new ones; repeats are not audited


def test_prepare_response_refuses_bad_fields_before_anything_is_stored():
    with pytest.raises(InputError, match="age"):
        prepare_response(1, {"age": "不知道"}, SYSTEM)
    with pytest.raises(InputError, match="answers"):
        prepare_response(1, {"answers": ["x"]}, SYSTEM)
