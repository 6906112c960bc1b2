import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from fuqing.auth import add_user, authenticate_token, create_token
from fuqing.errors import AuthError, Conflict
from fuqing.models import ApiToken, Response, Survey


def test_migrations_create_the_schema(db):
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "users",
        "api_tokens",
        "surveys",
        "responses",
        "uploads",
        "upload_errors",
        "audit_log",
        "alembic_version",
    } <= tables


def test_source_id_is_unique_per_survey(db):
    with db.session() as s:
        sv = Survey(title="t", questions=[])
        s.add(sv)
        s.flush()
        s.add(Response(survey_id=sv.id, source_id="1", answers={}))
        sid = sv.id
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Response(survey_id=sid, source_id="1", answers={}))
    with db.session() as s:
        assert s.query(Response).count() == 1


def test_tokens_are_stored_hashed_and_shown_once(db):
    with db.session() as s:
        add_user(s, "wang", "fieldworker")
        token = create_token(s, "wang")
    with db.session() as s:
        stored = s.query(ApiToken).one()
        assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
        assert authenticate_token(s, token).name == "wang"
        with pytest.raises(AuthError):
            authenticate_token(s, token + "x")
        with pytest.raises(Conflict):
            add_user(s, "wang", "staff")
