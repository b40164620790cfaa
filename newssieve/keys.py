"""Every Redis key newssieve writes, in one place, under the configured prefix."""

from __future__ import annotations

from newssieve.settings import get_settings


class Keys:
    def __init__(self, prefix: str | None = None):
        self.prefix = prefix if prefix is not None else get_settings().prefix

    def article(self, article_id: str) -> str:
        return f"{self.prefix}article:{article_id}"

    def site(self, site: str) -> str:
        """zset of the site's article ids scored by published time."""
        return f"{self.prefix}site:{site}"

    def feed(self, name: str) -> str:
        """zset of canonical article ids (one per story) scored by published time."""
        return f"{self.prefix}feed:{name}"

    @property
    def articles(self) -> str:
        """zset of every article id scored by first-seen time (retention, export)."""
        return f"{self.prefix}articles"

    def cluster(self, cluster_id: str) -> str:
        """zset of member article ids scored by published time."""
        return f"{self.prefix}cluster:{cluster_id}"

    def rep(self, cluster_id: str) -> str:
        """hash feed name -> the cluster's representative article in that feed (see story_index.lua)."""
        return f"{self.prefix}rep:{cluster_id}"

    def boiler(self, site: str) -> str:
        return f"{self.prefix}boiler:{site}"

    def crawl_lock(self, site: str) -> str:
        return f"{self.prefix}crawl:{site}:lock"

    def crawl_runs(self, site: str) -> str:
        return f"{self.prefix}crawl:{site}:runs"

    def index(self, name: str) -> str:
        """The story index's own keys (lsh:{n}, lsh:meta, rec:{n}, seq): see story_index.lua."""
        return f"{self.prefix}{name}"

    def counters(self, stage: str) -> str:
        return f"{self.prefix}stats:{stage}"

    @property
    def dead(self) -> str:
        return f"{self.prefix}dead"
