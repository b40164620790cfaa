"""The demo news network over real HTTP on 127.0.0.1, checked against its ground truth."""

from __future__ import annotations

import gzip
import html
import json
import re
import socket
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import pytest
import yaml

from demo import build_ground_truth
from demo.content import SITES
from demo.content.shared import FENMOOR_STATEMENT
from demo.network import DEFAULT_BASE_PORT, SITE_NAMES, DemoNetwork, load_ground_truth
from demo.sites import build_routes

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "news": "http://www.google.com/schemas/sitemap-news/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def network():
    with DemoNetwork(base_port=0) as running:
        yield running


@pytest.fixture(scope="module")
def truth() -> dict:
    return load_ground_truth()


@pytest.fixture(scope="module")
def config(network) -> dict[str, dict]:
    return {site["name"]: site for site in yaml.safe_load(network.sites_yaml())["sites"]}


@pytest.fixture(scope="module")
def pages_html(network, truth) -> dict[str, str]:
    """Every ground-truth page's HTML, keyed by its absolute URL."""
    out = {}
    for page in truth["pages"]:
        url = network.base_url(page["site"]) + page["path"]
        status, headers, body = fetch(url)
        assert status == 200, url
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        out[url] = body.decode("utf-8")
    return out


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def canonical(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def truth_urls(network, truth, site: str) -> set[str]:
    return {network.base_url(site) + page["path"] for page in truth["pages"] if page["site"] == site}


def is_article(url: str, site_config: dict) -> bool:
    return any(re.search(pattern, url) for pattern in site_config["article"])


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.signature: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        classes = (attributes.get("class") or "").split() or [""]
        self.signature.update(f"{tag}.{name}" for name in classes)


def parse(markup: str) -> _Links:
    parser = _Links()
    parser.feed(markup)
    return parser


def words(paragraphs: list[str]) -> int:
    return sum(len(paragraph.split()) for paragraph in paragraphs)


def numbers(paragraph: str) -> list[str]:
    """The numbers of a paragraph in order, without separators: '1,200' and '1.200', '4.8' and '4,8' agree."""
    return [re.sub(r"[.,]", "", number) for number in re.findall(r"\d+(?:[.,]\d+)*", paragraph)]


# --- the ground truth itself -----------------------------------------------------------------------------


def test_ground_truth_json_is_what_the_build_script_writes(truth):
    assert build_ground_truth.OUTPUT.read_text(encoding="utf-8") == build_ground_truth.render()
    assert json.loads(build_ground_truth.render()) == truth


def test_ground_truth_sites_and_ports(truth):
    assert list(truth["sites"]) == SITE_NAMES == list(SITES)
    assert [site["default_port"] for site in truth["sites"].values()] == list(range(DEFAULT_BASE_PORT,
                                                                                    DEFAULT_BASE_PORT + 5))
    assert {site["discovery"] for site in truth["sites"].values()} == {"rss", "sitemap", "links", "atom"}


def test_pages_have_realistic_bodies_and_distinct_november_dates(truth):
    pages = truth["pages"]
    assert len(pages) >= 50
    assert len({(page["site"], page["path"]) for page in pages}) == len(pages)
    for site in SITE_NAMES:
        assert 9 <= sum(page["site"] == site for page in pages) <= 13, site
    for page in pages:
        assert 6 <= len(page["paragraphs"]) <= 12, page["path"]
        assert 250 <= words(page["paragraphs"]) <= 600, page["path"]
        assert page["lang"] == ("de" if page["site"] == "rheinblick" else "en")
        assert page["title"] and page["authors"]
    published = [datetime.fromisoformat(page["published"]) for page in pages]
    assert all(moment.tzinfo and (moment.year, moment.month) == (2026, 11) for moment in published)
    assert len(set(published)) == len(published)


def test_stories_copies_and_singles(truth):
    by_story = defaultdict(list)
    for page in truth["pages"]:
        by_story[page["story"]].append(page)
    multi = {story: copies for story, copies in by_story.items() if len({p["site"] for p in copies}) >= 2}
    singles = [story for story, copies in by_story.items() if len(copies) == 1]
    assert len(multi) >= 10
    assert len(singles) >= 15
    assert max(len(copies) for copies in multi.values()) >= 4
    variants = Counter(page["variant"] for page in truth["pages"])
    assert {"headline", "trimmed", "edited", "local", "translation"} <= set(variants)

    position = {(page["site"], page["path"]): index for index, page in enumerate(truth["pages"])}
    copy_first = False
    for story, copies in multi.items():
        [original] = [page for page in copies if page["variant"] == "original"]
        assert original["site"] == "harbor-wire"
        assert len({page["title"] for page in copies}) == len(copies), story
        for copy in copies:
            if copy is original:
                continue
            delay = datetime.fromisoformat(copy["published"]) - datetime.fromisoformat(original["published"])
            assert timedelta(hours=1) <= delay <= timedelta(days=1, hours=6), copy["path"]
            copy_first |= position[copy["site"], copy["path"]] < position[original["site"], original["path"]]
            ours, theirs = copy["paragraphs"], original["paragraphs"]
            if copy["variant"] == "headline":
                assert ours == theirs
            elif copy["variant"] == "trimmed":
                assert ours == theirs[: round(len(theirs) * 0.6)] and len(ours) < len(theirs)
            elif copy["variant"] == "local":
                assert len(ours) == len(theirs) + 1 and (ours[1:] == theirs or ours[:-1] == theirs)
            elif copy["variant"] == "translation":  # the same sentences in order, names and numbers kept
                assert copy["lang"] != original["lang"] and len(ours) == len(theirs)
                assert not set(ours) & set(theirs)
                assert [numbers(p) for p in ours] == [numbers(p) for p in theirs], copy["path"]
            else:
                assert copy["variant"] == "edited" and ours != theirs and len(ours) == len(theirs)
                assert len(set(ours) & set(theirs)) >= len(theirs) // 2
    assert copy_first, "some copy must come before its original in crawl order"


def test_hard_negatives(truth):
    by_story = defaultdict(list)
    for page in truth["pages"]:
        by_story[page["story"]].append(page)
    assert len(truth["hard_negatives"]) >= 3
    for negative in truth["hard_negatives"]:
        first, second = (by_story[story] for story in negative["stories"])
        assert len(first) == len(second) == 1
        shared = set(first[0]["paragraphs"]) & set(second[0]["paragraphs"])
        assert len(shared) <= 1
    languages = [{by_story[story][0]["lang"] for story in negative["stories"]}
                 for negative in truth["hard_negatives"]]
    assert {"en", "de"} in languages, "a German story and an English one on a similar subject"
    statement_stories = {page["story"] for page in truth["pages"] if FENMOOR_STATEMENT in page["paragraphs"]}
    assert statement_stories == {"water-bills", "gullhaven-sewage"}


# --- serving ---------------------------------------------------------------------------------------------


def test_every_page_is_served_with_its_true_paragraphs(network, truth, pages_html):
    suffixes = {"harbor-wire": " - Harbor Wire", "valley-times": " | Valley Times",
                "metro-daily": " | Metro Daily", "coastal-post": " — Coastal Post",
                "rheinblick": " | Rheinblick"}
    for page in truth["pages"]:
        url = network.base_url(page["site"]) + page["path"]
        text = html.unescape(pages_html[url])
        for paragraph in page["paragraphs"]:
            assert paragraph in text, (url, paragraph[:60])
        assert f"<title>{page['title']}{suffixes[page['site']]}</title>" in text
        assert f'<link rel="canonical" href="{url}">' in text
        assert re.search(r"(By|Von) ", text)
        assert all(author in text for author in page["authors"])
    assert '<html lang="de">' in pages_html[next(iter(truth_urls(network, truth, "rheinblick")))]


def test_pages_carry_the_true_dates_in_each_sites_own_way(network, truth, pages_html):
    for page in truth["pages"]:
        markup = pages_html[network.base_url(page["site"]) + page["path"]]
        moment = datetime.fromisoformat(page["published"])
        found = {
            "harbor-wire": r'"datePublished": "([^"]+)"',
            "valley-times": r'<meta property="article:published_time" content="([^"]+)">',
            "coastal-post": r'<time datetime="([^"]+)">',
            "rheinblick": r'<meta itemprop="datePublished" content="([^"]+)">',
        }.get(page["site"])
        if found:
            assert datetime.fromisoformat(re.search(found, markup).group(1)) == moment, page["path"]
        else:  # metro-daily: only the visible byline and the URL
            assert f"| {moment:%b} {moment.day}, {moment:%Y}</div>" in markup
            assert page["path"].startswith(f"/{moment:%Y/%m/%d}/")
            assert "datetime" not in markup and "datePublished" not in markup


def test_boilerplate_is_on_the_page_but_not_in_the_truth(network, truth, pages_html):
    true_paragraphs = {paragraph for page in truth["pages"] for paragraph in page["paragraphs"]}
    for page in truth["pages"]:
        markup = html.unescape(pages_html[network.base_url(page["site"]) + page["path"]])
        assert "<figcaption>" in markup and "<figure" in markup
        assert re.search(r"<p>(See also|Read more|Lesen Sie auch|Siehe auch): <a href=", markup)
        assert re.search(r"(?i)newsletter", markup)
    for site in SITES.values():
        for bio in site.bios.values():
            assert bio not in true_paragraphs


def test_translated_reprint_has_the_sites_boilerplate_around_it(network, truth, pages_html):
    """The seed's case: a German site's machine translation of a wire story, in that site's navigation,
    with an inline "Siehe auch" line, a captioned photo and its own author's bio after the story."""
    [copy] = [page for page in truth["pages"] if page["variant"] == "translation"]
    [original] = [page for page in truth["pages"]
                  if page["story"] == copy["story"] and page["variant"] == "original"]
    assert (original["site"], original["lang"]) == ("harbor-wire", "en")
    assert (copy["site"], copy["lang"]) == ("rheinblick", "de")
    assert copy["published"] > original["published"]
    markup = html.unescape(pages_html[network.base_url(copy["site"]) + copy["path"]])
    assert '<ul class="rb-menue">' in markup
    assert re.search(r"<p>Siehe auch: <a href=", markup)
    assert re.search(r"<figure><img [^>]*><figcaption>[^<]+", markup)
    [author] = copy["authors"]
    assert author not in original["authors"]
    assert markup.index(copy["paragraphs"][-1]) < markup.index(f"<p>{SITES[copy['site']].bios[author]}</p>")


def test_each_site_repeats_an_author_bio_on_three_pages(network, truth, pages_html):
    for site in SITE_NAMES:
        site_html = [html.unescape(pages_html[url]) for url in truth_urls(network, truth, site)]
        counts = {author: sum(f"<p>{bio}</p>" in markup for markup in site_html)
                  for author, bio in SITES[site].bios.items()}
        assert 2 <= len(counts) <= 3
        assert all(count >= 3 for count in counts.values()), (site, counts)


def test_sites_have_different_templates(network, truth, pages_html):
    signatures = []
    for site in SITE_NAMES:
        url = sorted(truth_urls(network, truth, site))[0]
        signatures.append(parse(pages_html[url]).signature)
    distinct = []
    for signature in signatures:
        if all(len(signature & other) / len(signature | other) < 0.5 for other in distinct):
            distinct.append(signature)
    assert len(distinct) >= 4


def test_query_strings_are_ignored_and_unknown_paths_are_404(network, truth):
    page = truth["pages"][0]
    url = network.base_url(page["site"]) + page["path"]
    assert fetch(url + "?utm_source=rss&utm_medium=feed")[2] == fetch(url)[2]
    for site in SITE_NAMES:
        assert fetch(network.base_url(site) + "/no/such/page.html")[0] == 404


def test_requests_are_not_logged_to_stderr(network, capfd):
    fetch(network.base_url("harbor-wire") + "/")
    fetch(network.base_url("harbor-wire") + "/missing")
    assert capfd.readouterr().err == ""


# --- discovery -------------------------------------------------------------------------------------------


def test_rss_feed_lists_every_wire_story_with_tracking_links(network, truth, config):
    status, headers, body = fetch(network.base_url("harbor-wire") + "/rss.xml")
    assert status == 200 and headers["Content-Type"] == "application/rss+xml"
    items = ET.fromstring(body).findall("./channel/item")
    links = [item.findtext("link") for item in items]
    assert all("utm_source=rss" in link for link in links)
    assert {canonical(link) for link in links} == truth_urls(network, truth, "harbor-wire")
    assert all(is_article(canonical(link), config["harbor-wire"]) for link in links)


def test_atom_feed_lists_every_coastal_story(network, truth, config):
    status, headers, body = fetch(network.base_url("coastal-post") + "/atom.xml")
    assert status == 200 and headers["Content-Type"] == "application/atom+xml"
    entries = ET.fromstring(body).findall("atom:entry", ATOM_NS)
    links = [entry.find("atom:link", ATOM_NS).get("href") for entry in entries]
    assert any("utm_source" in link for link in links) and any("?" not in link for link in links)
    assert {canonical(link) for link in links} == truth_urls(network, truth, "coastal-post")
    assert all(entry.findtext("atom:published", namespaces=ATOM_NS) for entry in entries)


def _sitemap_locs(url: str) -> tuple[set[str], list[ET.Element]]:
    """All <loc>s reachable from a sitemap (following sitemap indexes), and the documents read."""
    status, headers, body = fetch(url)
    assert status == 200, url
    if url.endswith(".gz"):
        assert headers["Content-Type"] == "application/x-gzip"
        body = gzip.decompress(body)
    else:
        assert headers["Content-Type"] == "application/xml"
    root = ET.fromstring(body)
    if root.tag == f"{{{SITEMAP_NS['sm']}}}sitemapindex":
        locs, documents = set(), [root]
        for child in root.findall("sm:sitemap/sm:loc", SITEMAP_NS):
            child_locs, child_documents = _sitemap_locs(child.text)
            locs |= child_locs
            documents += child_documents
        return locs, documents
    return {loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)}, [root]


def test_valley_sitemaps_from_robots_txt(network, truth, config):
    base = network.base_url("valley-times")
    robots = fetch(base + "/robots.txt")[2].decode()
    [index_url] = re.findall(r"(?m)^Sitemap: (\S+)$", robots)
    assert index_url == base + "/sitemap_index.xml"
    locs, documents = _sitemap_locs(index_url)
    assert len(documents) == 3  # the index, the news sitemap, the gzip'd pages sitemap
    news = [doc for doc in documents if doc.find("sm:url/news:news", SITEMAP_NS) is not None]
    assert news and all(date.text for date in news[0].iter(f"{{{SITEMAP_NS['news']}}}publication_date"))
    articles = {loc for loc in locs if is_article(loc, config["valley-times"])}
    assert articles == truth_urls(network, truth, "valley-times")
    assert locs - articles, "the pages sitemap also lists non-article pages"


def test_rheinblick_plain_sitemap(network, truth, config):
    locs, _ = _sitemap_locs(network.base_url("rheinblick") + "/sitemap.xml")
    articles = {loc for loc in locs if is_article(loc, config["rheinblick"])}
    assert articles == truth_urls(network, truth, "rheinblick")
    assert locs - articles


def test_metro_articles_are_found_by_following_links_within_robots_and_depth(network, truth, config):
    site = config["metro-daily"]
    base = network.base_url("metro-daily")
    robots = RobotFileParser()
    robots.parse(fetch(base + "/robots.txt")[2].decode().splitlines())
    follow = site["follow"]
    seen, frontier, found, blocked = set(site["start_urls"]), list(site["start_urls"]), set(), set()
    tracked: set[str] = set()
    for depth in range(follow["depth"] + 1):
        next_frontier = []
        for url in frontier:
            if not robots.can_fetch("newssieve", url):
                blocked.add(url)
                continue
            status, _, body = fetch(url)
            assert status == 200, url
            if is_article(url, site):
                found.add(url)
            for href in parse(body.decode()).hrefs:
                tracked |= {name for name, _ in parse_qsl(urlsplit(href).query)}
                link = canonical(urljoin(url, href))
                if (urlsplit(link).netloc in site["domains"] and link not in seen
                        and any(re.search(p, link) for p in follow["allow"])
                        and not any(re.search(p, link) for p in follow["deny"])):
                    seen.add(link)
                    next_frontier.append(link)
        frontier = next_frontier if depth < follow["depth"] else []
    assert found == truth_urls(network, truth, "metro-daily")
    assert tracked and all(name.startswith("utm_") for name in tracked)  # only well-known tracking params
    assert any("/private/" in url for url in blocked)
    assert not [path for _, _, path, _ in network.requests("metro-daily") if path.startswith("/private/")]
    non_articles = {"/about", "/contact", "/author/helen-marsh", "/tag/city", "/section/business/page/2"}
    for path in non_articles:
        assert fetch(base + path)[0] == 200
        assert not is_article(base + path, site)


def test_article_patterns_match_exactly_the_ground_truth(network, truth, config):
    for site in SITE_NAMES:
        base = network.base_url(site)
        matching = {base + path for path in build_routes(site, base) if is_article(base + path, config[site])}
        assert matching == truth_urls(network, truth, site), site


def test_feeds_and_sitemaps_answer_conditional_gets(network):
    documents = {"harbor-wire": ["/rss.xml"], "coastal-post": ["/atom.xml"], "rheinblick": ["/sitemap.xml"],
                 "valley-times": ["/sitemap_index.xml", "/sitemap-news.xml", "/sitemap-pages.xml.gz"]}
    for site, paths in documents.items():
        for path in paths:
            url = network.base_url(site) + path
            status, headers, _ = fetch(url)
            assert status == 200 and headers["ETag"] and headers["Last-Modified"]
            assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
            assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
            assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200
            assert fetch(url, {"If-Modified-Since": "Sun, 01 Nov 2026 00:00:00 GMT"})[0] == 200


# --- the module API --------------------------------------------------------------------------------------


def test_sites_yaml_points_at_the_running_ports(network):
    text = network.sites_yaml()
    sites = yaml.safe_load(text)["sites"]
    assert [site["name"] for site in sites] == SITE_NAMES
    for site in sites:
        port = network.ports[site["name"]]
        assert site["domains"] == [f"127.0.0.1:{port}"]
        assert all(f"127\\.0\\.0\\.1:{port}/" in pattern for pattern in site["article"])
        urls = site.get("feeds", []) + site.get("sitemaps", []) + site.get("start_urls", [])
        assert urls and all(url.startswith(network.base_url(site["name"]) + "/") for url in urls)
        assert site["schedule"]


def _free_port_run(count: int) -> int:
    """A port N such that N .. N+count-1 are free right now."""
    for _ in range(20):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    pytest.fail("found no run of free loopback ports in 20 tries")


def test_fixed_base_port_starts_fast_and_stops_cleanly():
    base_port = _free_port_run(5)
    started = time.monotonic()
    network = DemoNetwork(base_port=base_port).start()
    try:
        assert time.monotonic() - started < 1
        assert network.ports == {site: base_port + i for i, site in enumerate(SITE_NAMES)}
        assert fetch(network.base_url("rheinblick") + "/robots.txt")[0] == 200
        assert f"127.0.0.1:{base_port}" in network.sites_yaml()
    finally:
        network.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{base_port}/", timeout=1)
