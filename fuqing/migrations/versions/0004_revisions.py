"""a data revision counter and a revision on each response, so summary indexes reload only what changed

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("rev", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute("INSERT INTO data_version (id, rev) VALUES (1, 1)")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rev", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.create_index("ix_responses_rev", ["rev"])


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index("ix_responses_rev")
        batch_op.drop_column("rev")
    op.drop_table("data_version")
