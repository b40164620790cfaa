"""Prometheus metrics read from Redis at scrape time.

Every number lives in Redis (queues, stage counters, run history, dead letters), so
any API process answers the same: nothing is counted in the process itself. Workers
are left to Flower (a `celery inspect` broadcast per scrape would be slow).

Crawl metrics describe each configured site's last run, plus how its kept history
(the last 50 runs, `newssieve.store.crawl_runs.HISTORY_LENGTH`) splits by status; both are gauges,
since a window is not a counter.

Latencies are histograms the workers fill in Redis (`Stats.latency_histograms`), so Grafana can
take quantiles over any window: fetch-to-stored end to end, and each stage with a `stage` label.
The dashboard and alert rules in config/ use only names listed here (tests check it).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import redis
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from newssieve.ops import status
from newssieve.ops.redis_state import redis_state
from newssieve.redis_conn import get_client
from newssieve.sites import SitesFileError, current_sites
from newssieve.store.articles import Store
from newssieve.store.crawl_runs import HISTORY_LENGTH, is_running, last_runs
from newssieve.store.deadletters import DeadLetters
from newssieve.store.keys import Keys
from newssieve.store.stats import Count, Stats

log = logging.getLogger(__name__)
# Numbers of a run summary (ops.crawl_runner) exposed for the last run: field -> (metric name, help).
LAST_RUN_NUMBERS = {
    "pages": ("newssieve_crawl_last_run_pages", "Pages the last crawl run fetched."),
    "articles_new": ("newssieve_crawl_last_run_new_articles", "New articles the last crawl run found."),
    "errors_total": ("newssieve_crawl_last_run_errors", "Errors in the last crawl run."),
    "duration": ("newssieve_crawl_last_run_duration_seconds", "How long the last crawl run took."),
}
# Per-site counters (Stats.site_counts): field -> (metric name, help); each family is a counter.
SITE_COUNTS = {
    "pages": ("newssieve_site_pages", "Pages of the site taken off the process queue."),
    "stored": ("newssieve_site_stored", "Pages of the site stored as articles."),
    "duplicates": ("newssieve_site_duplicates", "Stored pages of the site flagged as copies of a story."),
    "errors": ("newssieve_site_errors", "Pages of the site that failed for good (dead letters)."),
}
# The end-to-end latency's name among Stats.latency_histograms; every other one is a stage.
FETCH_TO_STORED = "fetch_to_stored"


class PipelineCollector(Collector):
    def __init__(self, client: redis.Redis | None = None, prefix: str | None = None):
        self.client = client or get_client()
        self.keys = Keys(prefix)

    def collect(self) -> Iterator[Metric]:
        try:
            families, up = [*self._queues(), *self._stages(), *self._dead_letters(), *self._crawls()], 1
            families += [*self._sites(), *self._latencies()]
            families += self._redis()
            families += self._data_errors()  # last: the reads above report to it
        except redis.RedisError as exc:
            log.warning("metrics: Redis unavailable: %s", exc)
            families, up = [], 0
        yield GaugeMetricFamily("newssieve_redis_up", "1 when Redis answered this scrape, else 0.", value=up)
        yield from families

    def _queues(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("newssieve_queue_messages",
                                   "Celery messages per queue: waiting, or taken by a worker and not acked.",
                                   labels=["queue", "state"])
        for queue, depth in status.queues(self.client, self.keys.prefix).items():
            for state, count in depth.items():
                family.add_metric([queue, state], count)
        yield family

    def _stages(self) -> Iterator[Metric]:
        stages = status.stage_counters(self.client, self.keys.prefix)
        pages = CounterMetricFamily(
            "newssieve_pipeline_pages",
            "Pages through the pipeline, by step (received, cleaned, duplicates_flagged, stored, failed).",
            labels=["step"])
        for step, counts in status.page_counts(stages).items():
            pages.add_metric([step], counts["total"])
        events = CounterMetricFamily("newssieve_stage_events",
                                     "Raw stage counters (seen, kept, dropped, ...).",
                                     labels=["stage", "counter"])
        seconds = CounterMetricFamily("newssieve_stage_seconds", "Time spent in each stage.",
                                      labels=["stage"])
        for stage, windows in stages.items():
            for counter, value in sorted(windows["total"].items()):
                if counter == Count.SECONDS:
                    seconds.add_metric([stage], value)
                else:
                    events.add_metric([stage, counter], value)
        yield from (pages, events, seconds)

    def _sites(self) -> Iterator[Metric]:
        families = {field: CounterMetricFamily(name, about, labels=["site"])
                    for field, (name, about) in SITE_COUNTS.items()}
        for site, counts in sorted(Stats(self.client, self.keys.prefix).site_counts().items()):
            for field, family in families.items():
                family.add_metric([site], counts.get(field, 0))
        yield from families.values()

    def _latencies(self) -> Iterator[Metric]:
        end_to_end = HistogramMetricFamily(
            "newssieve_fetch_to_stored_seconds",
            "From the page's fetch by the crawler to its article stored (queue wait included).")
        stages = HistogramMetricFamily("newssieve_stage_duration_seconds",
                                       "Time one page spends in a stage of the worker.", labels=["stage"])
        for name, histogram in sorted(Stats(self.client, self.keys.prefix).latency_histograms().items()):
            buckets = [(floatToGoString(le), count) for le, count in histogram["buckets"]]
            if not buckets or buckets[-1][0] != "+Inf":
                buckets.append(("+Inf", histogram["count"]))
            if name == FETCH_TO_STORED:
                end_to_end.add_metric([], buckets, histogram["sum"])
            else:
                stages.add_metric([name], buckets, histogram["sum"])
        yield from (end_to_end, stages)

    def _dead_letters(self) -> Iterator[Metric]:
        count = DeadLetters(self.client, self.keys.prefix).count()
        yield GaugeMetricFamily("newssieve_dead_letters",
                                "Tasks that failed for good, waiting for an operator.", value=count)

    def _redis(self) -> list[Metric]:
        """Redis's memory against maxmemory, when the workers last met it, broker keys of the wrong type."""
        state = redis_state(self.client, self.keys.prefix)
        memory, last = state["memory"], state["last_oom"].get("last_at")
        wrong = GaugeMetricFamily("newssieve_redis_wrong_type_keys",
                                  "Broker keys (queues, unacked) holding another Redis type: workers cannot "
                                  "take messages.", value=len(state["wrong_type_keys"]))
        families = [
            GaugeMetricFamily("newssieve_redis_used_memory_bytes", "Memory Redis counts against maxmemory.",
                              value=memory["used"]),
            GaugeMetricFamily("newssieve_redis_max_memory_bytes", "Redis maxmemory (0: no limit).",
                              value=memory["limit"]),
            GaugeMetricFamily("newssieve_redis_out_of_memory",
                              "1 while Redis is past maxmemory (noeviction: writes refused, workers wait).",
                              value=int(memory["full"])),
            CounterMetricFamily("newssieve_redis_oom_refusals",
                                "Commands Redis refused for lack of memory since it started.",
                                value=memory["oom_refusals"]),
            wrong,
        ]
        if last:
            families.append(GaugeMetricFamily("newssieve_redis_last_oom_timestamp_seconds",
                                              "When a worker last met maxmemory (Unix time).", value=last))
        articles = Store(self.client, self.keys.prefix).article_count()
        families.append(GaugeMetricFamily("newssieve_articles_stored", "Articles stored now.",
                                          value=articles))
        if articles:
            families.append(GaugeMetricFamily(
                "newssieve_redis_memory_per_article_bytes",
                "Redis's used memory divided by the articles stored: what one more article costs, roughly "
                "(queues and indexes included).", value=memory["used"] / articles))
        return families

    def _data_errors(self) -> list[Metric]:
        summary = status.data_errors(self.client, self.keys.prefix)
        return [CounterMetricFamily("newssieve_data_errors", "Malformed records the readers skipped "
                                    "(/health names the latest).", value=summary["count"])]

    def _crawls(self) -> Iterator[Metric]:
        try:
            sites = [site.name for site in current_sites().sites.values()]
        except (SitesFileError, OSError) as exc:
            log.warning("metrics: no crawl metrics, the sites file is unreadable: %s", exc)
            return
        last = {field: GaugeMetricFamily(name, about, labels=["site"])
                for field, (name, about) in LAST_RUN_NUMBERS.items()}
        finished = GaugeMetricFamily("newssieve_crawl_last_run_finished_timestamp_seconds",
                                     "When the last crawl run ended (Unix time).", labels=["site"])
        outcome = GaugeMetricFamily("newssieve_crawl_last_run_status",
                                    "1 for the status the last crawl run ended with.",
                                    labels=["site", "status"])
        recent = GaugeMetricFamily("newssieve_crawl_recent_runs",
                                   f"Crawl runs among the last {HISTORY_LENGTH} kept, by status.",
                                   labels=["site", "status"])
        running = GaugeMetricFamily("newssieve_crawl_running", "1 while a crawl of the site holds its lock.",
                                    labels=["site"])
        for site in sites:
            runs = last_runs(site, HISTORY_LENGTH)
            running.add_metric([site], int(is_running(site, self.client)))
            for state, count in sorted(Counter(run.get("status", "unknown") for run in runs).items()):
                recent.add_metric([site, state], count)
            if not runs:
                continue
            run = runs[0]
            for field, family in last.items():
                if isinstance(run.get(field), int | float):
                    family.add_metric([site], run[field])
            if run.get("finished"):
                finished.add_metric([site], datetime.fromisoformat(run["finished"]).timestamp())
            outcome.add_metric([site, run.get("status", "unknown")], 1)
        yield from (*last.values(), finished, outcome, recent, running)


def exposition(accept: str | None = None) -> tuple[bytes, str]:
    """(body, content type): the metrics read now from the configured Redis and prefix, in the format
    the scraper asks for (Prometheus text, or OpenMetrics)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(PipelineCollector())
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry), content_type
