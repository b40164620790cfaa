"""Atom 1.0 and RSS 2.0 documents for a page of feed entries (one entry per story).

Each entry's id is derived from its cluster, so when an earlier copy turns up and
becomes the canonical, feed readers see the same story updated, not a new one.
Copies appear as `related` links (Atom) and in the HTML description, each saying how
it matched the story and its language ("translation, de").
"""

from __future__ import annotations

import html
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from newssieve.feeds.matches import label

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
STORY_NAMESPACE = uuid.UUID("6f0c2a7e-2d3b-5f41-9a57-6e6577737369")
# Characters XML 1.0 does not allow, even escaped: they would make the document unreadable.
XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Syndication:
    title: str
    self_url: str  # this document
    page_url: str  # the same feed for people
    entries: list[dict]  # feed entries with `copy_details`
    summaries: dict[str, str]  # article id -> excerpt


def story_id(entry: dict) -> str:
    return f"urn:uuid:{uuid.uuid5(STORY_NAMESPACE, entry['cluster'] or entry['id'])}"


def _clean(text: str | None) -> str:
    return XML_INVALID.sub("", text or "")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _when(ts: float | None) -> datetime:
    return datetime.fromtimestamp(ts or 0, UTC)


def _updated(feed: Syndication) -> datetime:
    stamps = [e["published_ts"] for e in feed.entries if e.get("published_ts")]
    return _when(max(stamps)) if stamps else datetime.now(UTC)


def _copy_item(copy: dict) -> str:
    how = f" ({html.escape(label(copy))})" if label(copy) else ""
    return (f'<li><a href="{html.escape(copy["url"])}">{html.escape(copy["site"] or copy["url"])}</a>'
            f" — {html.escape(copy['title'] or '')}{how}</li>")


def description_html(entry: dict, summary: str) -> str:
    """The excerpt and the list of copies, as HTML (escaped once more by the XML writer)."""
    parts = [f"<p>{html.escape(summary)}</p>"] if summary else []
    copies = entry.get("copy_details") or []
    if copies:
        items = "".join(_copy_item(c) for c in copies)
        parts.append(f"<p>Also published by {len(copies)} other site(s):</p><ul>{items}</ul>")
    return "".join(parts)


def _related(item: ET.Element, copy: dict) -> None:
    """A copy as an Atom `related` link: site and how it matched as title, language as hreflang."""
    how = f" ({label(copy)})" if label(copy) else ""
    extra = {"hreflang": copy["lang"]} if copy.get("lang") else {}
    _sub(item, "link", rel="related", type="text/html", href=copy["url"], title=(copy["site"] or "") + how,
         **extra)


def atom(feed: Syndication) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(root, "title", feed.title)
    _sub(root, "id", feed.self_url.split("?", 1)[0])
    _sub(root, "updated", _updated(feed).isoformat())
    _sub(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    _sub(root, "link", rel="alternate", type="text/html", href=feed.page_url)
    _sub(_sub(root, "author"), "name", "newssieve")
    _sub(root, "generator", "newssieve")
    for entry in feed.entries:
        item = _sub(root, "entry")
        _sub(item, "title", entry["title"] or entry["url"])
        _sub(item, "id", story_id(entry))
        _sub(item, "updated", _when(entry["published_ts"]).isoformat())
        _sub(item, "published", _when(entry["published_ts"]).isoformat())
        _sub(item, "link", rel="alternate", type="text/html", href=entry["url"])
        for copy in entry.get("copy_details") or []:
            _related(item, copy)
        for name in entry.get("authors") or []:
            _sub(_sub(item, "author"), "name", name)
        _sub(item, "category", term=entry["site"])
        summary = feed.summaries.get(entry["id"], "")
        if summary:
            _sub(item, "summary", summary, type="text")
        _sub(item, "content", description_html(entry, summary), type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def rss(feed: Syndication) -> bytes:
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS})
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.page_url)
    _sub(channel, "description", f"{feed.title}: one entry per story, syndicated copies folded in.")
    _sub(channel, "atom:link", rel="self", type="application/rss+xml", href=feed.self_url)
    _sub(channel, "lastBuildDate", format_datetime(_updated(feed), usegmt=True))
    _sub(channel, "generator", "newssieve")
    for entry in feed.entries:
        item = _sub(channel, "item")
        _sub(item, "title", entry["title"] or entry["url"])
        _sub(item, "link", entry["url"])
        _sub(item, "guid", story_id(entry), isPermaLink="false")
        _sub(item, "pubDate", format_datetime(_when(entry["published_ts"]), usegmt=True))
        for name in entry.get("authors") or []:
            _sub(item, "dc:creator", name)
        _sub(item, "category", entry["site"])
        _sub(item, "description", description_html(entry, feed.summaries.get(entry["id"], "")))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
