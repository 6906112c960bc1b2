"""One settings object, built once at the edge (CLI or ``create_app``) and passed inward."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All configuration of fuqing; every field can be set as ``FUQING_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="FUQING_", extra="ignore")

    home: Path = Field(default=Path("./.fuqing"), description="All local state lives here.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite under home if unset.")
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a Chroma server; embedded if unset."
    )
    embedding_model: str | None = Field(default=None, description="Local sentence-transformers directory.")
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 30.0
    llm_tagging: bool = Field(
        default=False, description="Also tag with the LLM (source llm); off by default."
    )
    max_file_mb: float = 20.0
    max_upload_mb: float = 50.0
    import_parallel_mb: float = Field(
        default=4.0,
        description="Uploads of at least this size are parsed in a second process while rows are stored "
        "(0: every upload; negative: never).",
    )
    small_cell_threshold: int = Field(
        default=5, ge=2, description="Cells with fewer respondents are withheld."
    )
    rounding_base: int = Field(
        default=5, ge=1, description="Every published count is rounded to a multiple of it."
    )
    kappa_floor: float = 0.6
    data_key: SecretStr | None = Field(
        default=None, description="Base64 of 32 random bytes; else FUQING_HOME/data.key (created 0600)."
    )
    alert_webhook: str | None = Field(
        default=None,
        description="A 企业微信/钉钉 group robot's webhook address: each new follow-up case is announced there "
        "(case number, kind, county, urgency; never the answer or a name).",
    )
    contact_retention_days: int | None = Field(
        default=None,
        ge=1,
        description="Identifying fields are destroyed this many days after they were stored.",
    )

    @property
    def resolved_home(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def corpus_dir(self) -> Path:
        return self.resolved_home / "corpus"

    @property
    def chroma_dir(self) -> Path:
        return self.resolved_home / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.resolved_home / "models"

    @property
    def evals_dir(self) -> Path:
        return self.resolved_home / "evals"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_home / 'fuqing.db'}"

    def ensure_home(self) -> Path:
        home = self.resolved_home
        home.mkdir(parents=True, exist_ok=True)
        return home
