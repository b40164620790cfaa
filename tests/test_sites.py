"""The sites file: validation errors name the file, the site and the field; the rest still loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from newssieve.settings import PROJECT_ROOT
from newssieve.sites import SitesFileError, load_sites, parse_sites

GOOD = """
  - name: good
    domains: ["news.example.org"]
    feeds: ["https://news.example.org/rss"]
    article: ['/\\d{4}/']
"""


def test_bundled_sites_files_are_valid():
    for name in ("sites.yaml", "demo_sites.yaml"):
        loaded = load_sites(PROJECT_ROOT / "config" / name)
        assert loaded.errors == [] and loaded.sites, name
        assert "all" in loaded.feeds


def test_broken_site_is_reported_and_the_rest_loads():
    text = "sites:" + GOOD + """
  - name: broken
    domains: ["b.example.org"]
    feeds: ["https://b.example.org/rss"]
    article: ['/news/']
    schedule: "every hour"
"""
    loaded = parse_sites(text, Path("conf/x.yaml"))
    assert list(loaded.sites) == ["good"]
    assert len(loaded.errors) == 1
    error = loaded.errors[0]
    assert "conf/x.yaml" in error and "site 'broken'" in error and "field 'schedule'" in error


@pytest.mark.parametrize("patch, field", [
    ("    article: ['(unclosed']\n", "article"),
    ("    max_pages: 0\n", "max_pages"),
    ("    colour: blue\n", "colour"),
])
def test_each_field_error_names_the_field(patch, field):
    text = "sites:" + GOOD.replace("    article: ['/\\d{4}/']\n", "") + patch
    if field != "article":
        text += "    article: ['/x/']\n"
    loaded = parse_sites(text, Path("s.yaml"))
    assert not loaded.sites
    assert f"field '{field}'" in loaded.errors[0]


def test_entry_urls_must_stay_on_the_site():
    text = "sites:" + GOOD.replace("https://news.example.org/rss", "https://elsewhere.example.com/rss")
    loaded = parse_sites(text, Path("s.yaml"))
    assert not loaded.sites and "outside the site's domains" in loaded.errors[0]


def test_not_yaml_is_a_file_error():
    with pytest.raises(SitesFileError, match="s.yaml: not valid YAML"):
        parse_sites("sites: [\n", Path("s.yaml"))


def test_domains_with_and_without_port():
    text = "sites:" + GOOD.replace('"news.example.org"]', '"news.example.org", "127.0.0.1:8701"]')
    site = parse_sites(text, Path("s.yaml")).site("good")
    assert site.allows_url("https://news.example.org/a")
    assert site.allows_url("https://www.news.example.org/a")
    assert site.allows_url("http://news.example.org:80/a")
    assert not site.allows_url("https://news.example.org:8443/a"), "a bare domain opens its default port only"
    assert not site.allows_url("https://news.example.org:6379/a")
    assert not site.allows_url("http://news.example.org:443/a")
    assert not site.allows_url("ftp://news.example.org/a")
    assert not site.allows_url("https://evilnews.example.org/a")
    assert site.allows_url("http://127.0.0.1:8701/x")
    assert not site.allows_url("http://127.0.0.1:8702/x")
    assert not site.allows_url("http://127.0.0.1/x")
    assert not site.allows_url("http://127.0.0.1:8701@10.0.0.1/x")
