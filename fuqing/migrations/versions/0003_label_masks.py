"""label bit masks on responses, for one-scan summaries

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The bit positions as of this revision: label ids in taxonomy order (a migration is frozen in time, so it
# does not import the taxonomy, which may change later; a test checks these against the taxonomy).
BITS = {
    "groups": ["left_behind", "single_mother", "disability", "hardship"],
    "needs": [
        "employment",
        "skills_training",
        "childcare_education",
        "health",
        "mental_health",
        "legal_rights",
        "financial_aid",
        "eldercare",
        "community",
    ],
}


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("groups_mask", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("needs_mask", sa.Integer(), nullable=False, server_default="0"))
    # Existing labels: fill the masks once.
    conn = op.get_bind()
    for family, column in (("groups", "groups_mask"), ("needs", "needs_mask")):
        for j, label in enumerate(BITS[family]):
            conn.execute(
                sa.text(
                    f"UPDATE responses SET {column} = {column} + {1 << j} WHERE id IN "
                    "(SELECT response_id FROM response_labels WHERE label = :label AND status = 'applied')"
                ),
                {"label": label},
            )


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("needs_mask")
        batch_op.drop_column("groups_mask")
