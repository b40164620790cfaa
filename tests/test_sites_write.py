"""Appending an entry to the sites file as text: comments, order and the other keys stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from newssieve.sites import parse_sites
from newssieve.sites_write import SitesWriteError, add_entry, render_entry

ENTRY = {
    "name": "new-site", "domains": ["127.0.0.1:9"], "allow_private": True,
    "start_urls": ["http://127.0.0.1:9/"], "follow": {"allow": ["/section/"], "deny": ["/tag/"], "depth": 3},
    "article": [r"^http://127\.0\.0\.1:9/\d{4}/[\w-]+$", "it's"], "schedule": "7 * * * *",
}
PATH = Path("sites.yaml")


def test_the_example_file_keeps_its_comments_and_the_feeds_after_the_sites():
    text = Path("config/sites.yaml").read_text(encoding="utf-8")
    out = add_entry(text, ENTRY, PATH, comment="added by a test")
    assert out.startswith(text.split("  - name: example-courier")[0])
    assert "# Named feeds besides" in out and out.index("new-site") < out.index("# Named feeds besides")
    parsed = parse_sites(out, PATH)
    assert list(parsed.sites)[-1] == "new-site" and parsed.errors == []
    assert parsed.sites["new-site"].article == ENTRY["article"]
    assert parsed.sites["new-site"].follow.depth == 3 and set(parsed.feeds) == {"all", "english", "wires"}
    assert "  # added by a test\n  - name: new-site\n" in out


def test_an_empty_file_gets_a_sites_list_and_a_two_space_file_keeps_its_indent():
    assert parse_sites(add_entry("", ENTRY, PATH), PATH).sites["new-site"].allow_private
    flush = "sites:\n- name: a\n  domains: [a.org]\n  feeds: ['https://a.org/f']\n  article: ['x']\n"
    out = add_entry(flush, ENTRY, PATH)
    assert "\n- name: new-site\n" in out and list(parse_sites(out, PATH).sites) == ["a", "new-site"]


def test_a_taken_name_or_a_flow_list_is_refused():
    text = add_entry("", ENTRY, PATH)
    with pytest.raises(SitesWriteError, match="already exists"):
        add_entry(text, ENTRY, PATH)
    with pytest.raises(SitesWriteError, match="block list"):
        flow = "sites: [{name: a, domains: [a.org], feeds: ['https://a.org/f'], article: [x]}]\n"
        add_entry(flow, ENTRY, PATH)
    assert "new-site" in parse_sites(add_entry("sites: []\n", ENTRY, PATH), PATH).sites


def test_rendered_regexes_are_single_quoted_as_written():
    lines = render_entry(ENTRY)
    assert r"    article: ['^http://127\.0\.0\.1:9/\d{4}/[\w-]+$', 'it''s']" in lines
