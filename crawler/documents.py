"""Reading the documents that list articles: feeds, sitemaps, robots.txt.

Pure functions over bytes, no I/O. Everything here treats its input as
hostile: decompression is bounded (no gzip bombs), XML with entity
declarations is refused (no billion laughs, no external entities), and a
document that cannot be read raises `DocumentError` with a reason fit for
the crawl summary.
"""

from __future__ import annotations

import io
import json
import re
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(\.\d+)?/?$")


class DocumentError(Exception):
    """A feed, sitemap or robots.txt that cannot be used. `kind` names the error class for counting."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def bounded_gunzip(data: bytes, max_size: int) -> bytes:
    """Decompress gzip data, refusing to produce more than `max_size` bytes."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    pending: bytes = data
    try:
        while pending:
            chunk = decompressor.decompress(pending, max_size + 1 - len(out))
            out += chunk
            if len(out) > max_size:
                break
            pending = decompressor.unconsumed_tail
            if not chunk:
                break
        if len(out) <= max_size:
            out += decompressor.flush(max_size + 1 - len(out))
    except zlib.error as exc:
        raise DocumentError("malformed_gzip", f"not valid gzip data: {exc}") from exc
    if len(out) > max_size:
        raise DocumentError(
            "decompression_bomb", f"gzip data expands beyond the limit of {max_size} bytes (gzip bomb?)"
        )
    return bytes(out)


def maybe_gunzip(data: bytes, max_size: int) -> bytes:
    return bounded_gunzip(data, max_size) if data[:2] == GZIP_MAGIC else data


def without_bom(data: bytes) -> bytes:
    """The document without leading white space and UTF-8 byte order mark (real sites put both
    before `<?xml`, which XML parsers refuse)."""
    data = data.lstrip()
    return data[len(UTF8_BOM):].lstrip() if data.startswith(UTF8_BOM) else data


def looks_like_json(data: bytes) -> bool:
    """True when the document is a JSON object, whatever its Content-Type says."""
    return without_bom(data[:1024]).startswith(b"{")


def safe_xml_root(data: bytes, what: str):
    """Parse XML without expanding entities; DocumentError on entity declarations or bad XML."""
    try:
        return SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise DocumentError(
            "xml_unsafe", f"{what} declares XML entities, refused (entity bomb or external entity): {exc}"
        ) from exc
    except ParseError as exc:
        raise DocumentError(f"malformed_{what}", f"malformed {what}: {exc}") from exc


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _descendant_text(element, name: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


@dataclass
class Link:
    """A URL a listing document points at, with what the document says about its date."""

    url: str
    published: str | None = None  # as written in a Google News sitemap or a feed entry (ISO 8601)
    lastmod: str | None = None


@dataclass
class Sitemap:
    kind: str  # "urlset" or "index"
    links: list[Link] = field(default_factory=list)


@dataclass
class SitemapStream:
    """A sitemap whose links are read as they are iterated (raising DocumentError if it turns out
    malformed further on), so a big one is never held as a tree or a list."""

    kind: str
    links: Iterator[Link]


_URL_LINE = re.compile(r"^https?://\S+$")


def parse_sitemap(data: bytes) -> Sitemap:
    """A sitemap (urlset, sitemap index, Google News sitemap, or a plain-text list of URLs), read whole."""
    stream = stream_sitemap(data)
    return Sitemap(stream.kind, list(stream.links))


def stream_sitemap(data: bytes) -> SitemapStream:
    """A sitemap, its links read lazily. `data` is already decompressed.

    Raises DocumentError(kind="not_sitemap") when the document is a feed, and other DocumentErrors
    when it is no sitemap at all (here) or is malformed further on (while its links are read).
    """
    data = without_bom(data)
    head = data[:512].lower()
    if head.startswith(b"{"):
        raise DocumentError("not_sitemap", "a JSON document (JSON Feed?), not a sitemap")
    if head and not head.startswith(b"<"):
        return SitemapStream("urlset", _text_links(data))
    events = _xml_events(data)
    try:
        _event, root = next(events)
    except StopIteration:
        raise DocumentError("malformed_sitemap", "malformed sitemap: no root element") from None
    name = _local(root.tag)
    if name in ("rss", "feed", "rdf"):
        raise DocumentError("not_sitemap", f"a feed (<{name}>), not a sitemap")
    if name not in ("urlset", "sitemapindex"):
        raise DocumentError("malformed_sitemap", f"not a sitemap: root element <{name}>")
    return SitemapStream("index" if name == "sitemapindex" else "urlset", _xml_links(root, events))


def _text_links(data: bytes) -> Iterator[Link]:
    """A plain-text sitemap: one URL a line. Checked whole first (half its lines must be URLs)."""
    text = data.decode("utf-8", "replace")
    lines = urls = 0
    for line in io.StringIO(text):
        if line.strip():
            lines += 1
            urls += bool(_URL_LINE.match(line.strip()))
    if not urls or urls < lines / 2:
        raise DocumentError("malformed_sitemap", "not an XML sitemap nor a list of URLs")
    return (Link(line.strip()) for line in io.StringIO(text) if _URL_LINE.match(line.strip()))


def _xml_events(data: bytes):
    """(event, element) pairs of a streaming parse, without expanding entities; DocumentError on
    entity declarations or bad XML, raised when the parse gets there."""
    try:
        yield from SafeET.iterparse(
            io.BytesIO(data), events=("start", "end"), forbid_dtd=False, forbid_entities=True,
            forbid_external=True,
        )
    except DefusedXmlException as exc:
        raise DocumentError(
            "xml_unsafe", f"sitemap declares XML entities, refused (entity bomb or external entity): {exc}"
        ) from exc
    except ParseError as exc:
        raise DocumentError("malformed_sitemap", f"malformed sitemap: {exc}") from exc


def _xml_links(root, events) -> Iterator[Link]:
    """The <url>/<sitemap> entries of the root, each dropped from the tree once read."""
    depth = 1
    for event, element in events:
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth != 1:
            continue
        if _local(element.tag) in ("url", "sitemap") and (loc := _child_text(element, "loc")):
            yield Link(
                loc,
                published=_descendant_text(element, "publication_date"),
                lastmod=_child_text(element, "lastmod"),
            )
        root.clear()


@dataclass
class Feed:
    title: str | None
    links: list[Link]
    version: str = ""
    bozo: str | None = None  # what feedparser found wrong, when it could still read entries


def _iso(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)


def parse_feed(data: bytes, url: str = "", content_type: str | None = None) -> Feed:
    """An RSS, Atom or JSON Feed, recognised by its content (the Content-Type is often wrong)."""
    data = without_bom(data)
    if looks_like_json(data):
        return parse_json_feed(data)
    return _parse_xml_feed(data, url, content_type)


def _parse_xml_feed(data: bytes, url: str, content_type: str | None) -> Feed:
    """RSS or Atom with feedparser. Entity declarations are refused before feedparser sees the data."""
    import feedparser

    try:
        safe_xml_root(data, "feed")
    except DocumentError as exc:
        if exc.kind == "xml_unsafe":
            raise
        # Not well-formed: feedparser's lenient parser may still read it; judged below.
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    # Always a stream: given bytes or str, feedparser would try to open them as a path or a URL.
    parsed = feedparser.parse(
        io.BytesIO(data), response_headers=headers, resolve_relative_uris=False, sanitize_html=False
    )
    bozo = str(parsed.get("bozo_exception") or "") if parsed.get("bozo") else None
    links = []
    for entry in parsed.entries:
        link = entry.get("feedburner_origlink") or entry.get("link")
        if not link:
            for candidate in entry.get("links", []):
                if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                    link = candidate["href"]
                    break
        if not link and entry.get("id", "").startswith(("http://", "https://")):
            link = entry["id"]
        if link:
            published = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
            links.append(Link(link, published=published))
    version = parsed.get("version") or ""
    if not links and (bozo or not version):
        raise DocumentError("malformed_feed", f"malformed feed: {bozo or 'not RSS or Atom'}")
    return Feed(title=parsed.feed.get("title"), links=links, version=version, bozo=bozo)


def parse_json_feed(data: bytes) -> Feed:
    """A JSON Feed, version 1 or 1.1 (jsonfeed.org): each item's `url` (else an http(s) `id`),
    dated by `date_published` (else `date_modified`)."""
    try:
        document = json.loads(without_bom(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DocumentError("malformed_feed", f"malformed JSON Feed: {exc}"[:300]) from exc
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise DocumentError("malformed_feed", "malformed JSON Feed: no 'items' list")
    version = str(document.get("version") or "")
    bozo = None if JSON_FEED_VERSION.match(version) else f"not a JSON Feed version: {version[:80]!r}"
    links = []
    for item in document["items"]:
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        if not isinstance(url, str) or not url.strip():
            url = item.get("id") if str(item.get("id", "")).startswith(("http://", "https://")) else None
        if url:
            links.append(Link(url.strip(), published=_json_date(item)))
    if bozo and not links:
        raise DocumentError("malformed_feed", f"malformed JSON Feed: {bozo}")
    title = document.get("title")
    minor = version.rstrip("/").rsplit("/", 1)[-1] if not bozo else ""
    return Feed(title=title if isinstance(title, str) else None, links=links,
                version=f"json{minor.replace('.', '')}", bozo=bozo)


def _json_date(item: dict) -> str | None:
    """An item's RFC 3339 date as ISO 8601 UTC, or None when absent or unreadable."""
    from datetime import UTC, datetime

    for key in ("date_published", "date_modified"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            try:
                when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                continue
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def robots_sitemaps(text: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt."""
    found = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line[:8].lower() == "sitemap:":
            url = line[8:].strip()
            if url:
                found.append(url)
    return found
