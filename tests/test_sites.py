"""The sites file: validation errors name the file, the site and the field; the rest still loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from newssieve.settings import PROJECT_ROOT
from newssieve.sites import InvalidSite, SitesFileError, load_sites, parse_sites

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


@pytest.mark.parametrize("schedule, says", [
    ("61 * * * *", "the minute field '61' is out of range: minute takes 0-59"),
    ("0 24 * * *", "the hour field '24' is out of range: hour takes 0-23"),
    ("0 0 0 * *", "the day of month field '0' is out of range: day of month takes 1-31"),
    ("0 0 * 13 *", "the month field '13' is out of range: month takes 1-12 or jan-dec"),
    ("0 0 * * 9", "the day of week field '9' is out of range"),
    ("x * * * *", "the minute field 'x' is not valid: minute takes 0-59"),
    ("0 * * *", "'0 * * *' has 4 field(s), a cron expression 5"),
])
def test_a_bad_schedule_names_the_field_out_of_range(schedule, says):
    text = "sites:" + GOOD + f"    schedule: '{schedule}'\n"
    loaded = parse_sites(text, Path("s.yaml"))
    assert not loaded.sites and says in loaded.errors[0], loaded.errors
    assert "Value error" not in loaded.errors[0]


def test_valid_schedules_still_load():
    for schedule in ("*/15 * * * *", "0 6-18/2 * * mon-fri", "30 4 1,15 jan,jul 0"):
        assert parse_sites("sites:" + GOOD + f"    schedule: '{schedule}'\n", Path("s.yaml")).sites


def test_an_unknown_key_gets_a_did_you_mean():
    text = "sites:" + GOOD + "    shedule: '0 * * * *'\n    follow: {alow: ['/x/']}\n    colour: blue\n"
    error = parse_sites(text, Path("s.yaml")).errors[0]
    assert "field 'shedule': unknown key (did you mean 'schedule'?)" in error
    assert "field 'follow.alow': unknown key (did you mean 'allow'?)" in error
    assert "field 'colour': unknown key (known keys: allow_private, article," in error


def test_an_invalid_entry_is_not_an_unknown_site():
    loaded = parse_sites("sites:" + GOOD.replace("good", "bad") + "    max_pages: 0\n", Path("s.yaml"))
    assert "max_pages" in loaded.invalid["bad"]
    with pytest.raises(InvalidSite, match="the entry of site 'bad' in s.yaml is invalid: field 'max_pages'"):
        loaded.site("bad")
    with pytest.raises(KeyError, match="no valid site 'other'"):
        loaded.site("other")
