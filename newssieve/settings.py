"""Settings from the environment (prefix NEWSSIEVE_), one cached instance per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSSIEVE_", extra="ignore")

    # Where things live
    redis_url: str | None = Field(
        default=None,
        description="Redis URL; unset means 127.0.0.1:6379 if it answers, else an embedded server.",
    )
    broker_url: str | None = Field(default=None, description="Celery broker; defaults to the Redis URL.")
    sites: Path = Field(default=PROJECT_ROOT / "config" / "sites.yaml", description="The sites file.")
    prefix: str = Field(default="ns:", description="Prefix of every Redis key newssieve writes.")
    var_dir: Path = Field(default=PROJECT_ROOT / "var", description="Embedded Redis data and run files.")

    # Crawling
    user_agent: str = "newssieve/0.1 (+{contact})"
    contact_url: str = "https://example.invalid/newssieve-contact"
    max_page_bytes: int = 5_000_000
    download_timeout: float = 30.0
    crawl_lock_seconds: int = 3600
    broker_timeout: float = 5.0

    # Cleaning
    boilerplate_min_pages: int = Field(
        default=3, description="K: a paragraph on K pages of a site is boilerplate."
    )
    clean_time_limit: float = Field(default=30.0, description="Seconds one page may take to process.")

    # Deduplication
    minhash_perm: int = 128
    lsh_bands: int = 32
    shingle_words: int = 3
    jaccard_threshold: float = 0.5
    containment_threshold: float = 0.8
    containment_min_shingles: int = 40
    lsh_rows: int = Field(default=3, description="MinHash rows per LSH band; bands x rows <= minhash_perm.")
    lsh_bucket_fields: int = Field(
        default=64, description="Mean band-table fields per Redis hash before the table grows by a bucket."
    )
    near_min_shingles: int = Field(
        default=10, description="Texts with fewer shingles than this match exact copies only."
    )
    containment_min_jaccard: float = Field(
        default=0.15, description="Below this Jaccard the containment estimate is too noisy to trust."
    )
    translation_matching: bool = Field(
        default=True,
        description="Link translated copies across languages (loads a sentence encoder in each worker "
        "process); false: no encoder, no translation band tables.",
    )
    translation_candidates: int = Field(
        default=8, ge=1, le=64,
        description="Translation candidates verified per article at most: of the 128 articles sharing the "
        "most translation bands with it (then the latest), those with the nearest lead signatures; the cost "
        "per article does not grow with the index (bench/dedup_translation_scale.py).",
    )

    # Processing
    task_max_retries: int = 5
    visibility_timeout: int = Field(
        default=3600,
        description="Seconds before a message a worker took but never acknowledged (the worker died) "
        "goes back to its queue; longer than any task may take.",
    )

    # API
    api_token: str | None = None
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where the API is reached from outside: the id and links of the Atom and RSS feeds "
        "(never taken from the request's Host header).",
    )
    api_keep_alive_timeout: int = Field(default=5,
                                        description="Seconds an idle keep-alive connection stays open.")
    api_header_timeout: float = Field(
        default=10.0, description="Seconds a client has to send a request's line and headers (slow clients).")

    @property
    def effective_user_agent(self) -> str:
        return self.user_agent.format(contact=self.contact_url)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
