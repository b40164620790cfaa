"""The article-pattern learner (pure): what article URLs share, and not the section, tag and author pages."""

from __future__ import annotations

import re

from newssieve.url_patterns import learn, looks_like_article

B = "https://news.example.org"


def test_date_paths_and_extension_are_generalised_not_copied():
    days = ((3, "one"), (17, "two"), (28, "x"))
    urls = [f"{B}/news/2026/11/{d:02d}/story-number-{w}.html" for d, w in days]
    learned = learn(urls, [], [f"{B}/news/", f"{B}/about.html"])
    assert learned.patterns == [r"^https://news\.example\.org/news/\d{4}/\d{2}/\d{2}/[\w-]+\.html$"]
    assert re.search(learned.patterns[0], f"{B}/news/2027/01/05/a-later-story.html")
    assert learned.left_out == [] and learned.negatives_matched == []


def test_section_prefix_and_numeric_id_tail():
    urls = [f"{B}/stories/business/wind-farm-inquiry-240850", f"{B}/stories/news/parents-protest-171630",
            f"{B}/stories/community/library-reopens-221110"]
    learned = learn(urls, [f"{B}/sections/business", f"{B}/about"], [])
    (pattern,) = learned.patterns
    assert pattern == r"^https://news\.example\.org/stories/[a-z]+/[\w-]+-\d+$"
    assert re.search(pattern, f"{B}/stories/sport/cup-final-tonight-999999")


def test_a_tag_or_author_page_of_the_same_shape_makes_the_pattern_stricter():
    urls = [f"{B}/world/storm-floods-the-seafront", f"{B}/politics/council-votes-on-budget"]
    negatives = [f"{B}/world/europe", f"{B}/tag/jane-doe", f"{B}/politics/local"]
    learned = learn(urls, [], negatives)
    (pattern,) = learned.patterns
    assert all(re.search(pattern, url) for url in urls)
    assert not any(re.search(pattern, url) for url in negatives)


def test_mixed_sitemap_keeps_only_article_shaped_urls():
    articles = [f"{B}/region/neue-grundschule-am-see-a1124.html", f"{B}/kultur/markt-am-rhein-a1122.html",
                f"{B}/wirtschaft/kessler-schliesst-a1120.html"]
    others = [f"{B}/", f"{B}/region/", f"{B}/kultur/", f"{B}/impressum.html", f"{B}/datenschutz.html"]
    learned = learn([], articles + others, [])
    (pattern,) = learned.patterns
    assert pattern == r"^https://news\.example\.org/[a-z]+/[\w-]+-a\d+\.html$"
    assert sorted(learned.kept[pattern]) == sorted(articles)


def test_a_lone_odd_url_does_not_get_a_pattern_of_its_own():
    urls = [f"{B}/2026/11/2{i}/story-about-thing-{i}" for i in range(4)]
    learned = learn([], [*urls, f"{B}/private/2026/11/30/embargoed-pay-report"], [f"{B}/section/news"])
    assert learned.patterns == [r"^https://news\.example\.org/\d{4}/\d{2}/\d{2}/[\w-]+$"]
    assert learned.left_out == [f"{B}/private/2026/11/30/embargoed-pay-report"]


def test_what_looks_like_an_article():
    assert looks_like_article(f"{B}/a/long-slug-of-words")
    assert looks_like_article(f"{B}/news/123456")
    assert looks_like_article(f"{B}/2026/11/30/x")
    assert not looks_like_article(f"{B}/section/news/page/2")
    assert not looks_like_article(f"{B}/tag/some-long-tag-name")
    assert not looks_like_article(f"{B}/people/jane-doe")
    assert not looks_like_article(f"{B}/")
