"""Settings from ALLIANCE_* environment variables (and an optional .env file).

The defaults run the embedded store with the seed data on 127.0.0.1:8000, which is what a
newcomer's `alliance serve` needs; production sets ALLIANCE_ENVIRONMENT=production, which
refuses the development Neo4j password.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from alliance.access.quota import is_shared
from alliance.ingest.seed import DEFAULT_SEED_DIR

DEVELOPMENT_NEO4J_PASSWORD = "alliance-dev"


class Settings(BaseSettings):
    """Every knob, documented in docs/operations.md."""

    model_config = SettingsConfigDict(env_prefix="ALLIANCE_", env_file=".env",
                                      env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "production"] = "development"
    backend: Literal["embedded", "neo4j"] = "embedded"
    db_path: Path = Field(default=Path("data/alliance.sqlite3"),
                          description="SQLite file of the embedded store.")
    access_db_path: Path | None = Field(
        default=None,
        description="SQLite file of API keys and the audit log; default: access.sqlite3 "
                    "beside db_path.")
    seed_dir: Path = Field(default=DEFAULT_SEED_DIR,
                           description="Seed folder loaded into an empty store at start.")
    load_seed_if_empty: bool = True
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr(DEVELOPMENT_NEO4J_PASSWORD)
    neo4j_database: str = "neo4j"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, description="uvicorn workers (Neo4j backend only).")
    require_api_key: bool = Field(default=False,
                                  description="Refuse anonymous requests (else public:read).")
    cors_origins: list[str] = Field(default_factory=list)
    quota_per_minute: int = Field(default=600, ge=1, description="Requests per key per minute.")
    anonymous_quota_per_minute: int = Field(default=120, ge=1)
    max_request_bytes: int = Field(default=5_000_000, ge=1024)
    answer_cache_mib: int = Field(default=64, ge=0, description=(
        "Encoded question answers kept per process until the graph changes (0: none)."))
    max_json_depth: int = Field(default=32, ge=4, le=200,
                                description="Nesting of a JSON body (400 above it).")
    max_query_bytes: int = Field(default=8192, ge=256,
                                 description="Length of a query string (414 above it).")
    trust_proxy_headers: bool = Field(
        default=False, description="Read the client address and scheme from "
                                   "X-Forwarded-For/-Proto (only behind a proxy you run).")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1", description="Proxies whose X-Forwarded-* headers are trusted.")
    webhook_poll_seconds: float = Field(
        default=2.0, ge=0, description="Seconds between webhook delivery rounds; 0: none.")
    quota_storage_url: str = Field(
        default="memory://",
        description="Where quota counters live (`limits` storage URL): memory:// counts in "
                    "this process; redis://host:port is shared by every worker and host.")
    freshness_days: dict[str, int] = Field(
        default_factory=lambda: {"Policy": 90, "Park": 180, "Person": 365},
        description="Days after last_verified (or as_of) a label's facts turn stale.")
    freshness_default_days: int = Field(default=365, ge=1,
                                        description="Horizon of labels not listed above.")

    @model_validator(mode="after")
    def _refuse_development_secrets(self) -> Settings:
        if (self.environment == "production" and self.backend == "neo4j"
                and self.neo4j_password.get_secret_value() == DEVELOPMENT_NEO4J_PASSWORD):
            msg = "set ALLIANCE_NEO4J_PASSWORD: the development password is refused in production"
            raise ValueError(msg)
        if self.backend == "embedded" and self.workers > 1:
            msg = "the embedded store is single-process: use workers=1 or the neo4j backend"
            raise ValueError(msg)
        if self.workers > 1 and not is_shared(self.quota_storage_url):
            msg = ("several workers need a shared quota storage (quota_storage_url=redis://...)"
                   ": with memory:// each worker would count its own quota")
            raise ValueError(msg)
        return self


@lru_cache
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
