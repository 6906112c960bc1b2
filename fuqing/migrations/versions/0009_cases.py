"""follow-up cases for answers that disclose risk, their sealed notes, referral contacts, and cadres' areas

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county", sa.String(60)))
        batch_op.add_column(sa.Column("village", sa.String(60)))
    op.create_table(
        "cases",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column(
            "response_id", ID, sa.ForeignKey("responses.id", ondelete="CASCADE"), nullable=False, unique=True
        ),
        sa.Column(
            "survey_id", ID, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("kinds", JSON, nullable=False),
        sa.Column("urgency", sa.String(10), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("detector_version", sa.String(40), nullable=False),
        sa.Column("county", sa.String(60)),
        sa.Column("township", sa.String(60)),
        sa.Column("village", sa.String(60)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("assignee_id", ID, sa.ForeignKey("users.id", ondelete="SET NULL"), index=True),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("first_contact_at", TS),
        sa.Column("closed_at", TS),
        sa.Column("dismiss_reason", sa.String(200)),
        sa.Column("alert_sent_at", TS),
        sa.Column("alert_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("alert_next_at", TS),
    )
    op.create_index("ix_cases_open", "cases", ["status", "urgency", "due_at"])
    op.create_index("ix_cases_region", "cases", ["county", "village"])
    op.create_table(
        "case_notes",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", ID, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("author_id", ID, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("at", TS, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("key_id", sa.String(16)),
        sa.Column("sealed", sa.LargeBinary()),
    )
    op.create_table(
        "referral_contacts",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("county", sa.String(60), index=True),
        sa.Column("organisation", sa.String(120), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("handles", JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("referral_contacts")
    op.drop_table("case_notes")
    op.drop_index("ix_cases_region", "cases")
    op.drop_index("ix_cases_open", "cases")
    op.drop_table("cases")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("village")
        batch_op.drop_column("county")
