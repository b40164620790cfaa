"""Canonical URLs and the parsing of listing documents: pure functions, no network."""

from __future__ import annotations

import gzip

import pytest

from crawler.documents import (
    DocumentError,
    bounded_gunzip,
    maybe_gunzip,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
    stream_sitemap,
)
from crawler.selection import Candidate, Newest, listed_key
from newssieve.canonical import canonicalize, find_canonical_links, is_tracking_param, page_canonical
from newssieve.ids import article_id
from newssieve.sites import Site


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM/News/A.html", "http://example.com/News/A.html"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://127.0.0.1:8701/a", "http://127.0.0.1:8701/a"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com/a#comments", "http://example.com/a"),
        ("http://example.com/a?utm_source=rss&utm_medium=feed", "http://example.com/a"),
        ("http://example.com/a?b=2&a=1", "http://example.com/a?a=1&b=2"),
        (
            "http://example.com/a?id=7&fbclid=XYZ&gclid=1&mc_cid=2&mc_eid=3&_ga=4&igshid=5",
            "http://example.com/a?id=7",
        ),
        ("http://example.com/a?UTM_Campaign=x&page=2", "http://example.com/a?page=2"),
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),
        ("http://example.com/%7euser/caf%c3%a9", "http://example.com/~user/caf%C3%A9"),
        ("http://example.com/a b", "http://example.com/a%20b"),
        ("http://example.com/a?q=x%20y&flag", "http://example.com/a?flag&q=x%20y"),
        ("http://Example.com./a", "http://example.com/a"),
        ("  http://example.com/a  ", "http://example.com/a"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
    ],
)
def test_canonicalize(raw, expected):
    assert canonicalize(raw) == expected


def test_canonicalize_is_idempotent_and_gives_one_id_per_page():
    spellings = [
        "http://Example.com:80/news/story.html?utm_source=a#top",
        "http://example.com/news/story.html?fbclid=1",
        "http://example.com/news/./story.html",
    ]
    canon = {canonicalize(url) for url in spellings}
    assert canon == {"http://example.com/news/story.html"}
    only = canon.pop()
    assert canonicalize(only) == only
    assert len({article_id(canonicalize(url)) for url in spellings}) == 1


def test_tracking_params():
    for name in (
        "utm_source",
        "utm_anything",
        "fbclid",
        "gclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "igshid",
        "msclkid",
    ):
        assert is_tracking_param(name)
    for name in ("id", "page", "q", "article", "p"):
        assert not is_tracking_param(name)


SITE = Site(name="s", domains=["example.com"], feeds=["http://example.com/rss"], article=["/news/"])


def test_page_canonical_prefers_rel_canonical_on_the_site():
    url = "http://example.com/news/a.html?ref=home"
    assert page_canonical(url, "/news/a.html", None, SITE.allows_url) == "http://example.com/news/a.html"
    assert page_canonical(url, None, "http://www.example.com/news/a", SITE.allows_url) == (
        "http://www.example.com/news/a"
    )
    # rel=canonical wins over og:url
    assert page_canonical(url, "http://example.com/x", "http://example.com/y", SITE.allows_url).endswith("/x")


def test_page_canonical_ignores_canonicals_off_the_site():
    url = "http://example.com/news/a.html"
    assert page_canonical(url, "http://other.org/news/a.html", None, SITE.allows_url) == url
    assert page_canonical(url, "javascript:void(0)", "", SITE.allows_url) == url
    assert page_canonical(url + "#x", None, None, SITE.allows_url) == url


def test_find_canonical_links():
    html = (
        "<html><head><title>t</title><LINK Rel='Canonical' HREF='http://example.com/a?x=1&amp;y=2'>"
        '<meta property="og:url" content="http://example.com/og"></head><body>'
        '<link rel="canonical" href="http://example.com/in-body"></body></html>'
    )
    assert find_canonical_links(html) == ("http://example.com/a?x=1&y=2", "http://example.com/og")
    assert find_canonical_links("<html><body><p>no head</p></body></html>") == (None, None)


# -- listing documents ----------------------------------------------------------------------------


def test_bounded_gunzip_refuses_a_bomb():
    data = gzip.compress(b"\0" * 5_000_000)
    assert len(data) < 10_000
    assert bounded_gunzip(data, 5_000_000) == b"\0" * 5_000_000
    with pytest.raises(DocumentError) as info:
        bounded_gunzip(data, 1_000_000)
    assert info.value.kind == "decompression_bomb"
    assert maybe_gunzip(b"<urlset/>", 10) == b"<urlset/>"
    with pytest.raises(DocumentError) as info:
        bounded_gunzip(b"\x1f\x8bnot gzip at all", 1000)
    assert info.value.kind == "malformed_gzip"


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol3;</loc></url></urlset>"""


def test_entity_declarations_are_refused():
    with pytest.raises(DocumentError) as info:
        parse_sitemap(BOMB)
    assert info.value.kind == "xml_unsafe"
    feed_bomb = BOMB.replace(b"urlset", b"rss")
    with pytest.raises(DocumentError) as info:
        parse_feed(feed_bomb)
    assert info.value.kind == "xml_unsafe"
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset>&x;</urlset>'
    with pytest.raises(DocumentError):
        parse_sitemap(xxe)


def test_sitemap_urlset_index_and_news():
    news = b"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc> http://example.com/news/a </loc><lastmod>2025-01-02</lastmod>
        <news:news><news:publication><news:name>X</news:name><news:language>en</news:language></news:publication>
        <news:publication_date>2025-01-06T10:00:00Z</news:publication_date><news:title>A</news:title></news:news>
      </url>
      <url><loc>http://example.com/news/b</loc></url>
    </urlset>"""
    sitemap = parse_sitemap(news)
    assert sitemap.kind == "urlset"
    assert [(link.url, link.published, link.lastmod) for link in sitemap.links] == [
        ("http://example.com/news/a", "2025-01-06T10:00:00Z", "2025-01-02"),
        ("http://example.com/news/b", None, None),
    ]
    index = parse_sitemap(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>http://example.com/s1.xml.gz</loc></sitemap></sitemapindex>"
    )
    assert index.kind == "index" and [link.url for link in index.links] == ["http://example.com/s1.xml.gz"]
    text = parse_sitemap(b"http://example.com/news/a\nhttp://example.com/news/b\n")
    assert [link.url for link in text.links] == ["http://example.com/news/a", "http://example.com/news/b"]


def test_malformed_sitemaps():
    for data, kind in [
        (b"<urlset><url><loc>http://example.com/a</loc>", "malformed_sitemap"),
        (b"<html><body>oops</body></html>", "malformed_sitemap"),
        (b"just some words\nnot urls", "malformed_sitemap"),
        (b'<rss version="2.0"><channel></channel></rss>', "not_sitemap"),
    ]:
        with pytest.raises(DocumentError) as info:
            parse_sitemap(data)
        assert info.value.kind == kind, data


def test_a_sitemap_is_read_as_it_is_iterated_and_fails_where_it_breaks():
    entries = b"".join(b"<url><loc>http://example.com/news/%d</loc></url>" % i for i in range(3))
    head = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    stream = stream_sitemap(head + entries + b"<url>")  # cut short
    assert stream.kind == "urlset"
    assert next(stream.links).url == "http://example.com/news/0"
    with pytest.raises(DocumentError) as info:
        list(stream.links)
    assert info.value.kind == "malformed_sitemap"


def test_the_newest_are_kept_dated_first_then_in_listing_order():
    listed = [("a", "2025-01-02", None), ("b", None, "2025-01-05T10:00:00+02:00"), ("c", None, None),
              ("d", "2025-01-03T00:00:00Z", None), ("e", None, None), ("f", "not a date", None)]
    newest = Newest(4)
    left_out = [newest.offer(Candidate(listed_key(p, m, i), url)) for i, (url, p, m) in enumerate(listed)]
    assert [c.url for c in left_out if c] == ["e", "f"]
    assert newest.offer(Candidate(listed_key("2030-01-01", None, 9), "b")) is None  # kept already
    assert [c.url for c in newest.drain()] == ["b", "d", "a", "c"]
    assert len(newest) == 0


def test_feeds_rss_and_atom():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
      <item><title>A</title><link>http://example.com/news/a?utm_source=rss</link>
        <pubDate>Mon, 06 Jan 2025 10:00:00 GMT</pubDate></item>
      <item><title>B</title><link>/news/b</link></item></channel></rss>"""
    feed = parse_feed(rss, "http://example.com/rss")
    assert [link.url for link in feed.links] == [
        "http://example.com/news/a?utm_source=rss",
        "http://example.com/news/b",
    ]
    assert feed.links[0].published == "2025-01-06T10:00:00Z"
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
      <id>urn:x</id><updated>2025-01-06T10:00:00Z</updated>
      <entry><title>A</title><id>urn:a</id><link rel="alternate" href="http://example.com/news/a"/>
        <updated>2025-01-05T08:00:00Z</updated></entry></feed>"""
    feed = parse_feed(atom, "http://example.com/atom")
    assert [link.url for link in feed.links] == ["http://example.com/news/a"]
    assert feed.links[0].published == "2025-01-05T08:00:00Z"


def test_malformed_feeds():
    for data in (b"<html><body>not a feed</body></html>", b"\x00\x01\x02", b"<rss><channel><item><link>"):
        with pytest.raises(DocumentError) as info:
            parse_feed(data)
        assert info.value.kind == "malformed_feed"
    # A valid feed without entries is not an error.
    assert parse_feed(b'<rss version="2.0"><channel><title>T</title></channel></rss>').links == []


def test_robots_sitemaps():
    text = "User-agent: *\nDisallow: /private\nSitemap: http://example.com/s.xml # main\nsitemap:http://example.com/n.xml\n"
    assert robots_sitemaps(text) == ["http://example.com/s.xml", "http://example.com/n.xml"]
