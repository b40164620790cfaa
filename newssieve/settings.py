"""Settings from the environment (prefix NEWSSIEVE_), one cached instance per process.

A secret setting may come from a file instead: NEWSSIEVE_<NAME>_FILE (compose and Kubernetes
secrets under /run/secrets), so it is in no process's environment; the plain variable wins.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_SETTINGS = ("api_token", "redis_password", "redis_url", "broker_url")
PARENT_PID_ENV = "NEWSSIEVE_PARENT_PID"
"""Set by the runner of a crawl, check or discovery for its child process: the runner's pid, which the
child watches (crawler.run.exit_with_parent). Not a setting."""


class SecretFiles(PydanticBaseSettingsSource):
    """NEWSSIEVE_<NAME>_FILE for each of SECRET_SETTINGS: the file's text, without its final newline."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[None, str, bool]:
        return None, field_name, False  # unused: __call__ reads every secret at once

    def __call__(self) -> dict[str, str]:
        found = {}
        for name in SECRET_SETTINGS:
            variable = f"NEWSSIEVE_{name.upper()}_FILE"
            if path := os.environ.get(variable):
                try:
                    found[name] = Path(path).read_text().rstrip("\r\n")
                except OSError as exc:
                    raise ValueError(f"{variable}: cannot read {path}: {exc.strerror}") from None
        return found


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSSIEVE_", extra="ignore")

    # Where things live
    redis_url: str | None = Field(
        default=None,
        description="Redis URL; unset means 127.0.0.1:6379 if it answers, else an embedded server. "
        "redis+cluster://host:port (rediss+cluster:// with TLS) names a Redis Cluster by one of its nodes: "
        "then NEWSSIEVE_BROKER_URL must name the broker.",
    )
    broker_url: str | None = Field(
        default=None,
        description="Celery broker: a Redis URL, or RabbitMQ (amqp://user:password@host:5672/vhost); "
        "defaults to the Redis URL.")
    broker_api: str | None = Field(
        default=None,
        description="RabbitMQ's management API (http://user:password@host:15672/api/), when enabled: "
        "Flower's --broker_api (its Broker page reads it; without it, the lengths come over AMQP).")
    redis_password: str | None = Field(
        default=None, description="Put into the Redis URL (and a Redis broker URL) that carries none.")
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
    boilerplate_max_entries: int = Field(
        default=20_000, ge=100,
        description="Paragraph counts kept per site (~30 bytes each, in 64 buckets); past a bucket's share, "
                    "its oldest paragraphs seen on one page only are forgotten.",
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
    api_open_reads: bool = Field(
        default=False,
        description="With a token set: GET and HEAD need no token (browsers can open the pages), while "
        "every change still needs it. Without a token, reads are open anyway.")
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

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, SecretFiles(settings_cls), dotenv_settings, file_secret_settings

    @property
    def redis_cluster(self) -> bool:
        """Whether the Redis URL names a Redis Cluster (redis+cluster://)."""
        return urlsplit(self.redis_url or "").scheme in CLUSTER_SCHEMES

    @model_validator(mode="after")
    def _password_into_urls(self) -> Settings:
        if self.redis_password:
            self.redis_url = _with_password(self.redis_url, self.redis_password)
            self.broker_url = _with_password(self.broker_url, self.redis_password)
        return self

    @model_validator(mode="after")
    def _a_cluster_is_not_a_broker(self) -> Settings:
        if self.redis_cluster and not self.broker_url:
            raise ValueError("NEWSSIEVE_REDIS_URL names a Redis Cluster, which Celery cannot use as its "
                             "broker: set NEWSSIEVE_BROKER_URL (amqp://... for RabbitMQ, or a standalone "
                             "redis://...)")
        if self.redis_cluster and ("{" in self.prefix or "}" in self.prefix):
            raise ValueError("NEWSSIEVE_PREFIX: no braces with a Redis Cluster (they would make a hash tag)")
        if urlsplit(self.broker_url or "").scheme in CLUSTER_SCHEMES:
            raise ValueError("NEWSSIEVE_BROKER_URL: Celery cannot use a Redis Cluster as its broker")
        return self


CLUSTER_SCHEMES = ("redis+cluster", "rediss+cluster")


def _with_password(url: str | None, password: str) -> str | None:
    """redis://host:6379/0 -> redis://:PASSWORD@host:6379/0; other URLs, or ones with a password, as given."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", *CLUSTER_SCHEMES) or parts.password is not None:
        return url
    user = quote(parts.username or "", safe="")
    netloc = f"{user}:{quote(password, safe='')}@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit(parts._replace(netloc=netloc))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
