"""WARC ingest: archived HTML responses go through the same processing task as crawled pages.

`ingest_warc(path)` reads a .warc or .warc.gz (warcio), turns every HTML
response record into a `Page` (site = the configured site whose domains
match the URL's host, else the host itself; canonical URL as the crawler
computes it) and sends it to the process queue by task name. Non-HTML
responses, non-2xx responses, other record types and pages over
`max_page_bytes` are counted and skipped. With `wait=True` it returns once
every page sent is stored (`EXISTS article:{id}`), or when the timeout passes,
or when the workers have taken everything and some pages were not stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from newssieve.ids import article_id
from newssieve.models import Page
from newssieve.ops.drain import idle
from newssieve.settings import get_settings
from newssieve.sites import Site, SitesFileError, load_sites
from newssieve.store.articles import Store
from newssieve.store.pending import PendingPages, send_pages
from newssieve.taskqueue import make_celery

MAX_ERRORS_KEPT = 100
IDLE_SECONDS = 3.0  # a drained queue this long, with pages still missing: the workers dropped them
HTML_TYPES = ("text/html", "application/xhtml+xml")
SEND_CHUNK = 64
"""Pages read from the WARC before they are sent, together: send_pages puts them BATCH_PAGES to a message
(each page's HTML stays in the pending pages, not in a message), which costs the worker less than a
message a page (bench/pipeline.py)."""


def _site_for(url: str, sites: list[Site]) -> tuple[str, Any]:
    """(site name, allows_url) for a URL: a configured site, else its host."""
    for site in sites:
        if site.allows_url(url):
            return site.name, site.allows_url
    host = (urlsplit(url).hostname or "unknown").lower()
    return host, lambda other: (urlsplit(other).hostname or "").lower() == host


def _is_html(content_type: str | None, body: bytes) -> bool:
    if content_type:
        return any(t in content_type.lower() for t in HTML_TYPES)
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _warc_time(value: str | None) -> float:
    if not value:
        return time.time()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return time.time()


def _check_warc(path: str) -> None:
    """ValueError unless the file starts like a WARC (gzip'd or not); warcio would read almost anything."""
    import gzip

    with open(path, "rb") as raw:
        head = raw.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as stream:
            start = stream.read(5)
    except (OSError, EOFError) as exc:
        raise ValueError(f"not a WARC file ({exc})") from exc
    if start != b"WARC/":
        raise ValueError("not a WARC file (no WARC/ header at the start)")


def pages_from_warc(path: str, counts: dict[str, Any], max_bytes: int | None = None) -> Iterator[Page]:
    """Yield a Page for every HTML 2xx response record; count (in `counts`) everything skipped."""
    from warcio.archiveiterator import ArchiveIterator

    max_bytes = max_bytes or get_settings().max_page_bytes
    try:
        configured = list(load_sites().sites.values())
    except SitesFileError:
        configured = []
    _check_warc(path)
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            counts["records"] += 1
            page = _page_of(record, counts, configured, max_bytes)
            if page is not None:
                yield page


def _page_of(record, counts: dict[str, Any], configured: list[Site], max_bytes: int) -> Page | None:
    """The Page of one WARC record, or None when it is not an HTML 2xx response (counted why)."""
    from w3lib.encoding import html_to_unicode

    from newssieve.canonical import canonicalize, find_canonical_links, page_canonical

    if record.rec_type != "response" or record.http_headers is None:
        counts["skipped_other_records"] += 1
        return None
    counts["responses"] += 1
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if urlsplit(url).scheme not in ("http", "https"):
        counts["skipped_other_records"] += 1
        return None
    status = int(record.http_headers.get_statuscode() or 0)
    content_type = record.http_headers.get_header("Content-Type")
    body = record.content_stream().read(max_bytes + 1)
    if not _is_html(content_type, body):
        counts["skipped_non_html"] += 1
        return None
    counts["html"] += 1
    if not 200 <= status < 300:
        counts["skipped_status"] += 1
        return None
    if len(body) > max_bytes:
        counts["too_large"] += 1
        _error(counts, url, f"over the size limit of {max_bytes} bytes")
        return None
    _, html = html_to_unicode(content_type, body)
    site, allows = _site_for(url, configured)
    canonical_href, og_url = find_canonical_links(html)
    return Page(
        url=canonicalize(url),
        canonical_url=page_canonical(url, canonical_href, og_url, allows),
        site=site,
        html=html,
        status=status,
        headers={k.lower(): v for k, v in record.http_headers.headers},
        fetched_at=_warc_time(record.rec_headers.get_header("WARC-Date")),
    )


def _error(counts: dict[str, Any], url: str, reason: str) -> None:
    if len(counts["errors"]) < MAX_ERRORS_KEPT:
        counts["errors"].append({"url": url, "reason": reason})


def ingest_warc(path: str, wait: bool = False, timeout: float = 300.0, poll: float = 0.5,
                progress: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Send the WARC's HTML pages to the process queue; `progress(summary)` after each chunk sent and wait."""
    summary = _new_summary(path)

    def report() -> None:
        if progress is not None:
            progress(summary)

    sent = _send_pages(path, summary, report)
    if summary["enqueue_failed"] and summary["status"] == "ok":
        summary["status"] = "failed"
        summary["reason"] = f"{summary['enqueue_failed']} page(s) could not be handed to the process queue"
    if wait:
        _wait_for_storage(summary, sent, timeout, poll, report)
    return summary


def _new_summary(path: str) -> dict[str, Any]:
    return {
        "file": str(path),
        "records": 0,
        "responses": 0,
        "html": 0,
        "sent": 0,
        "skipped_non_html": 0,
        "skipped_status": 0,
        "skipped_other_records": 0,
        "too_large": 0,
        "duplicates": 0,
        "enqueue_failed": 0,
        "sites": {},
        "errors": [],
        "status": "ok",
    }


def _send_pages(path: str, summary: dict[str, Any], report: Callable[[], None]) -> dict[str, str]:
    """Send each page of the WARC once (by article id), SEND_CHUNK at a time; {article id: url} of the
    pages sent."""
    from warcio.exceptions import ArchiveLoadFailed

    app = make_celery("newssieve-ingest")
    pending = PendingPages()
    sent: dict[str, str] = {}
    chunk: dict[str, Page] = {}
    try:
        for page in pages_from_warc(path, summary):
            aid = article_id(page.canonical_url)
            if aid in sent or aid in chunk:
                summary["duplicates"] += 1
                continue
            chunk[aid] = page
            if len(chunk) == SEND_CHUNK:
                _send(app, chunk, pending, summary, sent, report)
    except (ArchiveLoadFailed, OSError, ValueError) as exc:
        summary["status"] = "failed"
        summary["reason"] = f"cannot read {path}: {exc}"
    finally:
        try:
            _send(app, chunk, pending, summary, sent, report)  # what was read before the end (or the error)
        finally:
            app.close()
    return sent


def _send(app, chunk: dict[str, Page], pending: PendingPages, summary: dict[str, Any], sent: dict[str, str],
          report: Callable[[], None]) -> None:
    """Hand the chunk's pages to the process queue (send_pages: several to a message) and count them; a
    broker failure is recorded, never dropped: the pages filed as pending are sent again once overdue."""
    if not chunk:
        return
    pages = list(chunk.values())
    try:
        send_pages(app, pages, pending)
    except Exception as exc:
        summary["enqueue_failed"] += len(pages)
        for page in pages:
            _error(summary, page.url, f"could not enqueue for processing: {type(exc).__name__}: {exc}")
        chunk.clear()
        return
    for aid, page in chunk.items():
        sent[aid] = page.url
        summary["sent"] += 1
        summary["sites"][page.site] = summary["sites"].get(page.site, 0) + 1
    chunk.clear()
    report()


def _wait_for_storage(summary: dict[str, Any], sent: dict[str, str], timeout: float, poll: float,
                      report: Callable[[], None]) -> None:
    """Wait for the pages sent to be stored; add `stored`, `pending` and an error per page not stored."""

    def waiting(stored: int) -> None:
        summary["stored"] = stored
        report()

    stored, missing, timed_out = wait_until_stored(sent, timeout=timeout, poll=poll, progress=waiting)
    summary["stored"] = len(stored)
    summary["pending"] = len(missing)
    reason = "not stored before the timeout" if timed_out else "not stored: the worker dropped it"
    for url in missing.values():
        _error(summary, url, reason)
    if missing and summary["status"] == "ok":
        summary["status"] = "timeout" if timed_out else "incomplete"
        summary["reason"] = f"{len(missing)} page(s) not stored"


def wait_until_stored(
    ids: dict[str, str], timeout: float = 300.0, poll: float = 0.5,
    progress: Callable[[int], None] | None = None,
) -> tuple[set[str], dict[str, str], bool]:
    """Poll until every article id exists. Returns (stored ids, {id: url} still missing, timed out).

    Stops early when the process queue is drained (nothing waiting, nothing taken) and the
    missing pages have not appeared for IDLE_SECONDS: a worker dropped them.
    """
    store = Store()
    missing = dict(ids)
    deadline = time.monotonic() + timeout
    idle_since: float | None = None
    timed_out = False
    while missing:
        for aid in store.stored_among(list(missing)):
            del missing[aid]
        if progress is not None:
            progress(len(ids) - len(missing))
        if not missing:
            break
        moment = time.monotonic()
        if moment >= deadline:
            timed_out = True
            break
        drained = idle(store.client, store.keys.prefix)
        idle_since = (idle_since or moment) if drained else None
        if idle_since is not None and moment - idle_since >= IDLE_SECONDS:
            break
        time.sleep(poll)
    return set(ids) - set(missing), missing, timed_out

