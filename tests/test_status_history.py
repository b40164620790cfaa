"""The status page's history in the real Redis: one point a minute, 24 hours kept, rates from totals, and
the charts drawn from it (a gap in the samples breaks the line)."""

from __future__ import annotations

import time

from newssieve.api.status_charts import chart
from newssieve.ops.history import Sampler, rates, series
from newssieve.store.data_errors import DataErrors
from newssieve.store.keys import Keys
from newssieve.store.status_history import KEPT_MINUTES, StatusHistory


def test_one_point_a_minute_the_last_day_kept_and_a_bad_one_skipped(client, prefix):
    history = StatusHistory()
    now = (time.time() // 60) * 60 + 30
    history.record({"waiting_process": 5, "received": 1, "stored": 1}, at=now - (KEPT_MINUTES + 2) * 60)
    history.record({"waiting_process": 9, "received": 10, "stored": 8}, at=now - 120)
    history.record({"waiting_process": 3, "received": 20, "stored": 18}, at=now - 65)
    history.record({"waiting_process": 4, "received": 30, "stored": 28}, at=now - 60)  # same minute: replaces
    client.zadd(Keys(prefix).status_history, {"not json": int(now // 60)})
    points = history.points(now=now)
    assert [p["waiting_process"] for p in points] == [9, 4]
    assert DataErrors(client, prefix).summary()["count"] == 1
    assert client.zcard(Keys(prefix).status_history) == 3  # the day-old sample was trimmed on write

    sampler = Sampler()
    assert sampler.maybe_sample(now) and not sampler.maybe_sample(now + 5)  # once a minute
    drawn = series(now=now + 1)
    assert drawn["samples"] == 3
    assert drawn["per_minute"]["received"][0] == (now - 60, 20.0)


def test_rates_survive_gaps_and_resets_and_the_chart_breaks_at_a_gap():
    points = [{"t": 0, "stored": 0}, {"t": 60, "stored": 30}, {"t": 360, "stored": 180},
              {"t": 420, "stored": 5}]  # a gap of five minutes, then the counters reset
    assert rates(points, "stored") == [(60, 30.0), (360, 30.0), (420, 0.0)]
    html = chart("Pages <per> minute", {"stored": [(0, 1.0), (60, 2.0), (600, 3.0)]}, 0, 600)
    assert html.count("<polyline") == 2 and "Pages &lt;per&gt; minute" in html and "<per>" not in html
    assert "No samples yet" in chart("Empty", {"stored": []}, 0, 600)
