"""No pickle anywhere: not in Celery messages, not in anything read back from Redis, not in the source.

The payloads are real: unpickling one creates a marker directory (a positive control in each test
shows that it does). A real worker gets a pickled task message and must refuse it; then every kind
of newssieve key is planted with such payloads, a real worker processes pages over them, every GET
endpoint of the API reads them, and the marker must never appear.
"""

from __future__ import annotations

import ast
import base64
import os
import pickle
import shutil
import uuid
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from newssieve.ids import article_id
from newssieve.ops.drain import queue_depth, unacked
from newssieve.settings import PROJECT_ROOT, get_settings
from newssieve.sites import current_sites
from newssieve.store.deadletters import DeadLetters
from newssieve.store.keys import Keys
from newssieve.store.paragraph_counts import ParagraphCounts
from newssieve.taskqueue import PROCESS_PAGE, PROCESS_QUEUE, make_celery
from tests.reliability_pages import synthetic_pages
from tests.reliability_routes import app_routes, fill
from tests.reliability_support import idle, logged_worker, send_pages, stored_count, wait_for
from workers.clean import clean
from workers.site_boilerplate import paragraph_key

SOURCE_DIRS = ("newssieve", "workers", "crawler")


class Plant:
    """Unpickling this creates the directory `path`."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (self.path,))


def payloads(marker: Path) -> list[bytes]:
    """The same plant as an ASCII pickle (valid UTF-8, so it reaches parsers), a binary one, base64."""
    text = pickle.dumps(Plant(str(marker)), protocol=0)
    binary = pickle.dumps(Plant(str(marker)), protocol=pickle.HIGHEST_PROTOCOL)
    return [text, binary, base64.b64encode(binary)]


@pytest.fixture
def marker(tmp_path) -> Path:
    path = tmp_path / f"unpickled-{uuid.uuid4().hex[:8]}"
    text, binary, encoded = payloads(path)
    for payload in (text, binary, base64.b64decode(encoded)):  # positive control: each one works
        pickle.loads(payload)
        assert path.is_dir()
        path.rmdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_worker_refuses_a_pickled_task_message(client, prefix, marker, tmp_path):
    app = make_celery("pickle-sender")
    app.conf.accept_content = ["json", "pickle"]  # the sender may encode pickle; the worker must refuse it
    try:
        app.send_task(PROCESS_PAGE, args=[Plant(str(marker))], queue=PROCESS_QUEUE, serializer="pickle")
    finally:
        app.close()
    raw = client.lrange(f"{prefix}{PROCESS_QUEUE}", 0, -1)
    assert len(raw) == 1 and "application/x-python-serialize" in raw[0]  # a real pickled message is queued
    after = synthetic_pages(1, seed=41, run="after-pickle/")
    send_pages(after)  # queued behind it: once stored, the pickled message has been dealt with

    log = tmp_path / "worker.log"
    with logged_worker(log, concurrency=1) as worker:
        assert wait_for(lambda: stored_count(client, prefix) == 1 and idle(client, prefix), 90, 0.2)
        assert worker.poll() is None
    text = log.read_text(errors="replace")
    assert "ContentDisallowed" in text and "pickle" in text, text[-3000:]
    assert not marker.exists(), "the worker unpickled a message"
    assert queue_depth(client, prefix) == 0 and unacked(client, prefix) == 0  # refused, not left to loop
    assert DeadLetters(client, prefix).count() == 0


# -- every kind of key, read by the pipeline and the API ---------------------------------------------------

ARTICLE_FIELDS = ("id", "url", "canonical_url", "site", "status", "fetched_at", "processed_at", "title",
                  "authors", "published", "published_ts", "lang", "site_name", "text", "paragraphs",
                  "empty_reason", "exact_hash", "shingles", "feeds", "cluster", "seen_seq", "match",
                  "jaccard", "containment")
ENTRY_FIELDS = ("cluster", "seen_seq", "match", "jaccard", "containment", "published_ts", "feeds")
POISONED_ARTICLE = "p0isonedarticle"
POISONED_CLUSTER = "p0isonedcluster"


def plant_everywhere(raw: redis.Redis, prefix: str, plants: list[bytes], pages) -> list[str]:
    """Plant the payloads in every kind of key newssieve keeps; returns the keys planted."""
    keys = Keys(prefix)
    planted: list[str] = []
    sites = list(current_sites().sites) + [p.page.site for p in pages]
    feeds = ["all", *current_sites().feeds]
    text = plants[0]
    poisoned_fields = {field: plants[n % len(plants)] for n, field in enumerate(ARTICLE_FIELDS)}

    def put(key: str, kind: str, *values, **named) -> None:
        planted.append(key)
        getattr(raw, kind)(key, *values, **named)

    # articles: some pages about to be processed, and one only the readers see
    for item in pages[:4]:
        put(keys.article(article_id(item.page.canonical_url)), "hset", mapping=poisoned_fields)
    put(keys.article(POISONED_ARTICLE), "hset", mapping=poisoned_fields)
    raw.hset(keys.article(POISONED_ARTICLE), "cluster", POISONED_CLUSTER)
    # their entries in the story index
    entry_fields = {field: poisoned_fields[field] for field in ENTRY_FIELDS}
    for item in pages[:4]:
        put(keys.entry(article_id(item.page.canonical_url)), "hset", mapping=entry_fields)
    put(keys.entry(POISONED_ARTICLE), "hset", mapping={**entry_fields, "cluster": POISONED_CLUSTER})
    for payload in plants:
        put(keys.articles, "zadd", {payload: 1.0, POISONED_ARTICLE: 2.0})
        for site in sites:
            put(keys.site(site), "zadd", {payload: 1.0, POISONED_ARTICLE: 2.0})
        for feed in feeds:
            put(keys.feed(feed), "zadd", {payload: 1.0, POISONED_ARTICLE: 2.0})
        # clusters and their representatives
        put(keys.cluster(POISONED_CLUSTER), "zadd", {payload: 1.0, POISONED_ARTICLE: 2.0})
        put(keys.rep(POISONED_CLUSTER), "hset", "all", payload)
        # the story index: signatures and records, band tables, exact hashes
        for bucket in range(4):
            put(keys.index(f"rec:{bucket}"), "hset", f"{1000 + len(planted)}", payload)
            put(keys.index(f"lsh:{bucket}"), "hset", payload[:4], payload)
        put(keys.index("lsh:meta"), "hset", "poison", payload)
        # boilerplate counts: paragraphs of pages about to be processed
        counts = ParagraphCounts(prefix=prefix)
        for item in pages[4:8]:
            for paragraph in clean(item.page.html, item.page.url).paragraphs:
                key, field = counts.place(item.page.site, paragraph_key(paragraph))
                put(key, "hset", field, payload)
        for site in sites:
            put(keys.boiler(site, 0), "hset", b"\x00" * 8, payload)
        # dead letters
        letter = uuid.uuid4().hex[:12]
        put(keys.dead, "hset", letter, payload)
        put(keys.dead + ":order", "zadd", {letter: 1.0})
        # crawl runs and locks, the crawler's validators
        for site in sites:
            put(keys.crawl_runs(site), "lpush", payload)
        put(f"{prefix}http:{uuid.uuid4().hex[:24]}", "hset", "etag", payload)
        # stats: extra counters and stages (the pipeline's own counters must stay numbers to be added to)
        for stage in ("received", "clean", "boilerplate", "dedup", "store", "process", "reclean"):
            put(keys.counters(stage), "hset", f"planted{len(planted)}", payload)
        put(keys.counters("_stages"), "sadd", text)
        # the broker's unacked hash, read by the status view
        put(f"{prefix}unacked", "hset", uuid.uuid4().hex, payload)
    put(keys.crawl_lock(sites[0]), "set", text)
    put(f"{prefix}lsh:meta", "hset", "level", text)
    return planted


def get_paths(app) -> list[str]:
    """Every GET path of the app, path parameters filled with the planted ids."""
    values = {"article_id": POISONED_ARTICLE, "cluster_id": POISONED_CLUSTER, "name": "all"}
    return [route.path + "/style.css" if route.mount else fill(route.path, values)
            for route in app_routes(app) if "GET" in route.methods]


def test_planted_pickles_are_never_unpickled_by_the_pipeline_or_the_api(client, prefix, marker, tmp_path):
    from newssieve.api.app import create_app

    pages = synthetic_pages(24, seed=42, run="planted/")
    raw = redis.Redis.from_url(get_settings().redis_url or "redis://127.0.0.1:6379/0")
    planted = plant_everywhere(raw, prefix, payloads(marker), pages)
    kinds = {key[len(prefix):].split(":")[0] for key in planted}
    assert {"article", "articles", "cluster", "rep", "rec", "lsh", "boiler", "dead", "crawl",
            "http", "stats", "feed", "site", "unacked"} <= kinds

    dead = DeadLetters(client, prefix)
    planted_unacked, planted_letters = unacked(client, prefix), set(dead.ids())
    send_pages(pages)
    log = tmp_path / "worker.log"
    with logged_worker(log, concurrency=2) as worker:
        ids = {article_id(p.page.canonical_url) for p in pages}

        def stored() -> int:  # the zset also holds a binary plant: ask per id
            return sum(client.zscore(Keys(prefix).articles, aid) is not None for aid in ids)

        def accounted() -> bool:
            settled = queue_depth(client, prefix) == 0 and unacked(client, prefix) == planted_unacked
            return settled and stored() + dead.count() - len(planted_letters) >= len(pages)

        assert wait_for(accounted, 120, 0.2), (stored(), dead.count(), queue_depth(client, prefix),
                                               unacked(client, prefix))
        assert worker.poll() is None, "the worker died"
    assert not marker.exists(), "the pipeline unpickled something"
    failed = [dead.get(letter_id) for letter_id in set(dead.ids()) - planted_letters]
    # A page that read a planted record failed with the reason, kept for requeueing; the others are stored.
    assert all(letter["error"] and letter["args"] for letter in failed), failed
    assert stored() + len(failed) == len(pages)
    assert stored() >= len(pages) - 8
    print(f"pipeline over planted keys: {stored()} pages stored, {len(failed)} dead-lettered:",
          sorted({letter["error"][:80] for letter in failed}))

    app = create_app(token=None)
    paths = get_paths(app)
    schema_gets = {fill(p, {"article_id": POISONED_ARTICLE, "cluster_id": POISONED_CLUSTER, "name": "all"})
                   for p, ops in app.openapi()["paths"].items() if "get" in ops}
    assert schema_gets <= set(paths)
    assert {"/", "/health", "/feeds", "/feeds/all", "/feeds/all.atom", "/feeds/all.rss",
            f"/articles/{POISONED_ARTICLE}", f"/clusters/{POISONED_CLUSTER}", "/status", "/status.json",
            "/metrics", "/openapi.json"} <= set(paths)
    cursor = base64.urlsafe_b64encode(pickle.dumps(Plant(str(marker)), protocol=0)).decode().rstrip("=")
    answers = {}
    with TestClient(app, raise_server_exceptions=False) as http:
        for path in paths:
            answers[path] = http.get(path).status_code
        for path in ("/feeds/all", "/feeds/all.atom", "/"):
            answers[f"{path}?cursor"] = http.get(path, params={"cursor": cursor}).status_code
        # Still serving, and records nobody planted in still read fine.
        assert http.get("/health").status_code == 200, "the API stopped answering"
        clean_id = article_id(pages[-1].page.canonical_url)
        assert http.get(f"/articles/{clean_id}").status_code == 200
    assert not marker.exists(), "the API unpickled something"
    # Unreadable records are an error response (500 at worst), never a dead server or a hang.
    assert set(answers.values()) <= {200, 404, 422, 500}, answers
    assert answers["/health"] == answers["/openapi.json"] == 200
    print("API over planted keys:", answers)


# -- the source ---------------------------------------------------------------------------------------------

UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "jsonpickle", "shelve", "marshal"}
UNSAFE_SERIALIZERS = {"pickle", "application/x-python-serialize", "yaml", "application/x-yaml", "msgpack"}


def unsafe_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(PROJECT_ROOT)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names
                      if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            found.append(f"{where} from {node.module} import")
        elif isinstance(node, ast.Call):
            func = node.func
            attribute = isinstance(func, ast.Attribute)
            name = func.id if isinstance(func, ast.Name) else func.attr if attribute else ""
            owner = func.value.id if attribute and isinstance(func.value, ast.Name) else ""
            keywords = {k.arg: k.value for k in node.keywords}
            if isinstance(func, ast.Name) and name in ("eval", "exec", "__import__"):
                found.append(f"{where} {name}()")
            if owner == "yaml" and name in ("load", "load_all", "unsafe_load", "full_load",
                                            "unsafe_load_all"):
                loader = keywords.get("Loader") or (node.args[1] if len(node.args) > 1 else None)
                if name.startswith(("unsafe", "full")) or loader is None or "Safe" not in ast.unparse(loader):
                    found.append(f"{where} yaml.{name} without SafeLoader")
            if "allow_pickle" in keywords and not (isinstance(keywords["allow_pickle"], ast.Constant)
                                                   and keywords["allow_pickle"].value is False):
                found.append(f"{where} allow_pickle")
            if name in ("read_pickle", "to_pickle") or (owner == "torch" and name == "load"):
                found.append(f"{where} {owner}.{name}")
            if name == "MinHashLSH" and "storage_config" in keywords:
                found.append(f"{where} datasketch Redis storage (it unpickles what it reads)")
        elif isinstance(node, ast.Constant) and node.value in UNSAFE_SERIALIZERS:
            found.append(f"{where} serializer name {node.value!r}")
    return found


def test_source_has_no_pickle_eval_unsafe_yaml_or_shelve():
    files = [p for d in SOURCE_DIRS for p in (PROJECT_ROOT / d).rglob("*.py")]
    assert len(files) > 40
    found = [use for path in files for use in unsafe_uses(path)]
    assert not found, "\n".join(found)
    # and the check itself finds what it looks for
    probe = PROJECT_ROOT / "var" / f"probe-{uuid.uuid4().hex[:6]}.py"
    probe.parent.mkdir(exist_ok=True)
    try:
        probe.write_text("import pickle\nimport yaml\neval('1')\nyaml.load(s)\n"
                         "yaml.load(s, Loader=yaml.SafeLoader)\nx = {'task_serializer': 'pickle'}\n"
                         "from shelve import open\n")
        assert len(unsafe_uses(probe)) == 5, unsafe_uses(probe)
    finally:
        probe.unlink()


def test_celery_accepts_json_only_everywhere():
    from workers.app import app

    conf = make_celery("probe").conf
    for config in (conf, app.conf):
        assert list(config.accept_content) == ["json"]
        assert config.task_serializer == config.result_serializer == config.event_serializer == "json"
        assert list(config.result_accept_content or ["json"]) == ["json"]
