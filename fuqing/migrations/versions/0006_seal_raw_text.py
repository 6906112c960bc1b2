"""raw answer texts move into the sealed contact records; the clear-text column goes

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
BATCH = 2000


def upgrade() -> None:
    conn = op.get_bind()
    settings = op.get_context().config.attributes.get("settings")
    has_raw = conn.execute(sa.text("SELECT 1 FROM responses WHERE text_raw IS NOT NULL LIMIT 1")).first()
    if has_raw is not None:
        if settings is None:
            raise RuntimeError(
                "sealing stored raw texts needs the data key: migrate through fuqing.db.open_database"
            )
        _seal_existing(conn, settings)
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("text_raw")


def _seal_existing(conn: sa.Connection, settings: object) -> None:
    """Every raw text that redaction changed is sealed into its response's contact record (none exist yet)."""
    from datetime import UTC, datetime

    from fuqing.vault import Vault

    vault = Vault.of(settings)  # type: ignore[arg-type]
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT id, survey_id, text_raw, text_redacted FROM responses "
                "WHERE id > :last AND text_raw IS NOT NULL ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        sealed = [
            {
                "response_id": rid,
                "survey_id": sid,
                "key_id": vault.key_id,
                "sealed": vault.seal({"fields": {}, "text_raw": raw}, f"response:{rid}"),
                "created_at": datetime.now(UTC),
            }
            for rid, sid, raw, redacted in rows
            if raw != redacted
        ]
        if sealed:
            conn.execute(
                sa.text(
                    "INSERT INTO contacts (response_id, survey_id, key_id, sealed, created_at) "
                    "VALUES (:response_id, :survey_id, :key_id, :sealed, :created_at)"
                ),
                sealed,
            )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_raw", sa.Text(), nullable=True))
