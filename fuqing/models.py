"""The relational schema (SQLAlchemy 2). Migrations in fuqing/migrations must match these models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from fuqing.timeutil import utcnow

JsonType = JSON().with_variant(JSONB(), "postgresql")
IdType = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The area a cadre answers for (follow-up cases are assigned within it); empty: the whole province.
    county: Mapped[str | None] = mapped_column(String(60))
    village: Mapped[str | None] = mapped_column(String(60))

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="tokens")


class WebSession(Base):
    """A signed-in browser, kept on the server so that it can be ended before its cookie expires (sign-out, a
    revoked credential, an administrator). The cookie holds the random session id; this row only its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """One failed sign-in of an account or from an address (fuqing/throttle.py), kept for the throttling window
    only: every service process reads the same ones."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # account | address
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[float] = mapped_column(Float)  # seconds since the epoch


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    needs_question: Mapped[str | None] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Upload(Base):
    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    fmt: Mapped[str | None] = mapped_column(String(40))
    encoding: Mapped[str | None] = mapped_column(String(40))
    mapping: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="running")
    strict: Mapped[bool] = mapped_column(Boolean, default=False)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_ok: Mapped[int] = mapped_column(Integer, default=0)
    rows_failed: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rows_flagged: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UploadError(Base):
    __tablename__ = "upload_errors"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20), default="error")
    reason: Mapped[str] = mapped_column(Text)


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "source_id", name="uq_response_source"),
        Index("ix_responses_region", "county", "township", "village"),
        Index("ix_responses_survey_time", "survey_id", "collected_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"), index=True)
    source_id: Mapped[str] = mapped_column(String(120))
    county: Mapped[str | None] = mapped_column(String(60))
    township: Mapped[str | None] = mapped_column(String(60))
    village: Mapped[str | None] = mapped_column(String(60))
    age: Mapped[int | None] = mapped_column(Integer)
    age_band: Mapped[str | None] = mapped_column(String(10))
    marital_status: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(40))
    fieldworker: Mapped[str | None] = mapped_column(String(80))
    collected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_s: Mapped[float | None] = mapped_column(Float)
    ip_hash: Mapped[str | None] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(
        JsonType, default=dict
    )  # identifying ones are sealed apart
    text_redacted: Mapped[str | None] = mapped_column(Text)
    redactions: Mapped[dict[str, int]] = mapped_column(JsonType, default=dict)
    flag_too_fast: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_straight_lining: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_repeated_ip: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_all_skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    tagged_version: Mapped[str | None] = mapped_column(String(60))
    review_status: Mapped[str | None] = mapped_column(String(20), index=True)  # queued | reviewed
    flag_injection: Mapped[bool] = mapped_column(Boolean, default=False)
    # Applied labels as bit masks (bit j = j-th label of the family in taxonomy order), kept in step with
    # response_labels so that summaries count every label in one scan of responses, without a join.
    groups_mask: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    needs_mask: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The data revision (fuqing/revisions.py) of the last insert or label change, so that an in-memory
    # summary index reloads only the rows that changed since it last looked.
    rev: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0", index=True)


class Contact(Base):
    """The identifying fields of one respondent (name, phone, address… and the raw answer text when redaction
    changed it), sealed by fuqing/vault.py. Never joined into summaries, reports or exports; read one respondent
    at a time with the ``contact:read`` permission, each read audited."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_survey", "survey_id"),
        Index("ix_contacts_created", "created_at"),
    )

    response_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    survey_id: Mapped[int] = mapped_column(IdType, ForeignKey("surveys.id", ondelete="CASCADE"))
    key_id: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DataVersion(Base):
    """One row: the last data revision handed out. Bumped once per writing transaction that inserts responses
    or changes their labels; the row lock makes revisions commit in order on PostgreSQL."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    rev: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Bumped when responses are erased: a revision says what was added or changed, not what is gone.
    erased: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class ResponseLabel(Base):
    """One label on one response. Exactly the rows with status 'applied' count in summaries; a human review
    marks the machine's labels 'superseded' and adds its own with source 'human'."""

    __tablename__ = "response_labels"
    __table_args__ = (
        Index("ix_labels_label_status", "label", "status", "response_id"),
        Index("ix_labels_response", "response_id", "status"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(40))
    family: Mapped[str] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(10))  # model | rule | llm | human
    status: Mapped[str] = mapped_column(String(15), default="applied")  # applied | needs_review | superseded
    model_version: Mapped[str | None] = mapped_column(String(60))
    prompt_hash: Mapped[str | None] = mapped_column(String(32))
    explanation: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class Case(Base):
    """A follow-up case: one flagged response that a person must look at (nlp/risk.py flags, a cadre decides).

    Region is copied from the response so that cases are listed and assigned by area without a join. The answer
    text is never copied here; notes are sealed like contact fields (they name people and places)."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_open", "status", "urgency", "due_at"),
        Index("ix_cases_region", "county", "village"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    survey_id: Mapped[int] = mapped_column(IdType, ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # the most pressing kind, for lists and reports
    kinds: Mapped[list[str]] = mapped_column(JsonType, default=list)
    urgency: Mapped[str] = mapped_column(String(10))  # urgent | soon
    source: Mapped[str] = mapped_column(String(20))  # rule | model | rule+model
    detector_version: Mapped[str] = mapped_column(String(40))
    county: Mapped[str | None] = mapped_column(String(60))
    township: Mapped[str | None] = mapped_column(String(60))
    village: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12), default="new")  # new|contacted|referred|closed|dismissed
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    first_contact_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dismiss_reason: Mapped[str | None] = mapped_column(String(200))
    alert_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    alert_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    alert_next_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseNote(Base):
    """One step of a case: a status change, an assignment or a note (the note's text sealed)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(IdType, ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # opened | assigned | contacted | referred | closed | …
    key_id: Mapped[str | None] = mapped_column(String(16))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)


class ReferralContact(Base):
    """Where a cadre can refer a woman: kept by an administrator, per county (empty county: everywhere)."""

    __tablename__ = "referral_contacts"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    county: Mapped[str | None] = mapped_column(String(60), index=True)
    organisation: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40))
    handles: Mapped[list[str]] = mapped_column(JsonType, default=list)  # risk kinds; empty: all
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
