"""The name of every Redis key newssieve reads or writes, under the configured prefix.

Python code builds key names only here. Two Lua scripts build the same names from the
prefix inside Redis (story_index.lua, from the index's prefix: every key it touches is in the
slot of the one key it is given; feed_rows.lua, on one Redis only): their layouts are listed at
the top of each and must match the names below. Celery's own keys (its queue lists and the unacknowledged
messages) live under the prefix too, named as kombu names them.
"""

from __future__ import annotations

import hashlib

import redis

from newssieve.redis_conn import get_client, is_cluster
from newssieve.settings import get_settings

# kombu's Redis transport keeps a queue's priority levels in lists named queue + this + level.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_LEVELS = range(1, 10)


INDEX_TAG = "{index}:"
OPS_TAG = "{ops}:"


class Keys:
    """Key names. On a Redis Cluster (`on_cluster`; by default, whether the configured URL names one), the
    story index's keys share one hash slot, `{index}`, so that its script can touch them all in one
    atomic call, and the pipeline's own bookkeeping (pending pages, dead letters, counters, crawl
    locks, ...) shares another, `{ops}`, so that its transactions stay single-slot; article records and
    sites spread over the slots, and a site's paragraph counts share its own (`{site}`). On one Redis,
    names carry no tags (the layout is the same)."""

    def __init__(self, prefix: str | None = None, cluster: bool | None = None):
        settings = get_settings()
        self.prefix = prefix if prefix is not None else settings.prefix
        self.on_cluster = settings.redis_cluster if cluster is None else cluster
        self.index_prefix = self.prefix + (INDEX_TAG if self.on_cluster else "")
        self.ops_prefix = self.prefix + (OPS_TAG if self.on_cluster else "")

    # -- articles and stories (articles.py, story_index.lua, feed_rows.lua) --------------------------

    def article(self, article_id: str) -> str:
        """hash: the article record (its fields are read and written by store/articles.py only)."""
        return f"{self.prefix}article:{article_id}"

    def site(self, site: str) -> str:
        """zset of the site's article ids scored by published time."""
        return f"{self.prefix}site:{site}"

    def feed(self, name: str) -> str:
        """zset of canonical article ids (one per story) scored by published time."""
        return f"{self.index_prefix}feed:{name}"

    @property
    def articles(self) -> str:
        """zset of every article id scored by first-seen time (retention, export)."""
        return f"{self.prefix}articles"

    def entry(self, article_id: str) -> str:
        """hash: the article's place in the story index (its number, cluster and match; written by
        story_index.lua only, read by store/articles.py)."""
        return f"{self.index_prefix}entry:{article_id}"

    def cluster(self, cluster_id: str) -> str:
        """zset of member article ids scored by published time."""
        return f"{self.index_prefix}cluster:{cluster_id}"

    def rep(self, cluster_id: str) -> str:
        """hash feed name -> the cluster's representative article in that feed (see story_index.lua)."""
        return f"{self.index_prefix}rep:{cluster_id}"

    def index(self, name: str) -> str:
        """The story index's own keys (lsh:{n}, lsh:meta, rec:{n}, xrec:{n}, seq): see story_index.lua."""
        return f"{self.index_prefix}{name}"

    def index_family(self, family: str) -> str:
        """SCAN pattern for one family of the story index's keys: "lsh" (band tables), "rec" (records),
        "xrec" (translation records) or "cluster"."""
        return f"{self.index_prefix}{family}:*"

    def boiler(self, site: str, bucket: int) -> str:
        """hash: one bucket of the site's paragraph counts (store/paragraph_counts.py); `{site}` is a hash
        tag. The older layout, one hash a site, was named without the braces."""
        return f"{self.boiler_family}{{{site}}}:{bucket:02x}"

    @property
    def boiler_family(self) -> str:
        """What every key of the paragraph counts starts with, of either layout (the older: + site)."""
        return f"{self.prefix}boiler:"

    # -- the way through the pipeline ---------------------------------------------------------------

    @property
    def pending(self) -> str:
        """hash article id -> the JSON page sent to the process queue and not yet stored."""
        return f"{self.ops_prefix}pending"

    @property
    def pending_since(self) -> str:
        """zset of pending article ids scored by when they were (last) sent."""
        return f"{self.ops_prefix}pending:since"

    @property
    def dead(self) -> str:
        """hash letter id -> the JSON dead letter."""
        return f"{self.ops_prefix}dead"

    @property
    def dead_order(self) -> str:
        """zset of dead letter ids scored by failure time."""
        return f"{self.ops_prefix}dead:order"

    def counters(self, stage: str) -> str:
        """hash counter -> total, of one stage (store/stats.py)."""
        return f"{self.ops_prefix}stats:{stage}"

    def minute_counters(self, stage: str, minute: int) -> str:
        """hash counter -> count in one minute (minutes since the epoch), of one stage."""
        return f"{self.ops_prefix}stats:{stage}:m{minute}"

    @property
    def stages(self) -> str:
        """set of the stage names that recorded counters."""
        return f"{self.ops_prefix}stats:_stages"

    @property
    def site_counters(self) -> str:
        """hash "{counter}:{site}" -> total: pages, stored, duplicates, errors per site (store/stats.py)."""
        return f"{self.ops_prefix}stats:_sites"

    @property
    def latencies(self) -> str:
        """hash "{name}:{bucket bound}", "{name}:sum", "{name}:count": latency histograms (store/stats.py)."""
        return f"{self.ops_prefix}stats:_latency"

    @property
    def data_errors(self) -> str:
        """string: how many malformed records readers skipped (store/data_errors.py)."""
        return f"{self.ops_prefix}data_errors"

    @property
    def data_errors_latest(self) -> str:
        """zset of the latest malformed records skipped (JSON {key, why}) scored by when."""
        return f"{self.ops_prefix}data_errors:latest"

    # -- crawls -------------------------------------------------------------------------------------

    def crawl_lock(self, site: str) -> str:
        return f"{self.ops_prefix}crawl:{site}:lock"

    def crawl_runs(self, site: str) -> str:
        return f"{self.ops_prefix}crawl:{site}:runs"

    def crawl_cancel(self, site: str) -> str:
        """string with an expiry: the run id of the site's crawl asked to stop (store/crawl_runs.py)."""
        return f"{self.ops_prefix}crawl:{site}:cancel"

    @property
    def status_history(self) -> str:
        """zset of one JSON status sample per minute, scored by the minute (store/status_history.py)."""
        return f"{self.ops_prefix}status:history"

    def http(self, url: str) -> str:
        """hash of one listing document's HTTP validators (crawler/state.py), named by a hash of its URL."""
        digest = hashlib.blake2b(url.encode("utf-8"), digest_size=12).hexdigest()
        return f"{self.ops_prefix}http:{digest}"

    # -- Celery's keys, as kombu's Redis transport names them -----------------------------------------

    def queue_lists(self, queue: str) -> list[str]:
        """The lists holding a queue's waiting messages: the queue's own and its priority levels."""
        own = f"{self.prefix}{queue}"
        return [own] + [f"{own}{PRIORITY_SEPARATOR}{level}" for level in PRIORITY_LEVELS]

    @property
    def unacked(self) -> str:
        """hash delivery tag -> JSON [message, exchange, routing key] of messages taken, not yet acked."""
        return f"{self.prefix}unacked"

    @property
    def unacked_index(self) -> str:
        """zset delivery tag -> when the message was taken (restored once past the visibility timeout)."""
        return f"{self.prefix}unacked_index"

    def binding(self, queue: str) -> str:
        """set of the queue's exchange bindings (kombu's `_kombu.binding.<queue>`)."""
        return f"{self.prefix}_kombu.binding.{queue}"

    # -- Redis itself -------------------------------------------------------------------------------

    @property
    def oom(self) -> str:
        """hash: when a worker first and last met Redis's maxmemory, and how often (store/memory.py)."""
        return f"{self.ops_prefix}redis:oom"

    @property
    def write_probe(self) -> str:
        """string with a short expiry: a worker's test write (is Redis taking writes?)."""
        return f"{self.ops_prefix}redis:probe"


class KeyOwner:
    """Base of the store's owners: a Redis client (the configured one by default) and the key names."""

    def __init__(self, client: redis.Redis | None = None, prefix: str | None = None):
        self.client = client or get_client()
        self.keys = Keys(prefix, cluster=is_cluster(self.client))
