"""The migrations build exactly the schema the models describe, and upgrading an existing database loses nothing."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import text

from fuqing.db import make_engine, migrate, open_database
from fuqing.models import Base
from fuqing.vault import Vault
from survey.contacts import read_contact


def test_the_migrated_schema_is_the_models(db):  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == [], diff


def _upgrade_to(engine, revision: str) -> None:  # type: ignore[no-untyped-def]
    cfg = Config()
    with resources.as_file(resources.files("fuqing").joinpath("migrations")) as scripts:
        cfg.set_main_option("script_location", str(scripts))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)


def test_upgrading_keeps_labels_and_seals_stored_raw_text(db_settings):  # type: ignore[no-untyped-def]
    engine = make_engine(db_settings.sqlalchemy_url)
    _upgrade_to(engine, "0005")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO surveys (id, title, questions, is_demo, created_at) "
                "VALUES (1, 't', '[]', false, '2025-01-01')"
            )
        )
        c.execute(
            text(
                "INSERT INTO responses (id, survey_id, source_id, answers, text_raw, text_redacted, redactions, "
                "flag_too_fast, flag_straight_lining, flag_repeated_ip, flag_all_skipped, is_demo, created_at, "
                "flag_injection, groups_mask, needs_mask, rev) VALUES (1, 1, 'a', '{}', '电话13800138000', "
                "'电话〔手机号〕', '{}', false, false, false, false, false, '2025-01-01', false, 0, 0, 1)"
            )
        )
        c.execute(
            text(
                "INSERT INTO response_labels (response_id, label, family, source, status, created_at) "
                "VALUES (1, 'employment', 'needs', 'human', 'applied', '2025-01-01')"
            )
        )
    migrate(engine, db_settings)
    with engine.begin() as c:
        assert c.execute(text("SELECT count(*) FROM response_labels")).scalar() == 1  # no cascade on rebuild
    engine.dispose()
    database = open_database(db_settings)
    with database.session() as s:
        sealed = read_contact(s, Vault.of(db_settings), 1)
    database.dispose()
    assert sealed is not None and sealed["text_raw"] == "电话13800138000"
