"""Our spiders' generator callbacks never return a value (it would be lost).

Scrapy checks this for every response unless WARN_ON_GENERATOR_RETURN_VALUE is off, and the crawler
turns it off (crawler/settings.py: the check parsed the callback's source on most pages). This makes
the same check, with Scrapy's own function, once for every spider method.
"""

from __future__ import annotations

import inspect

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.project import get_project_settings


def _spider_generators() -> list[tuple[str, object]]:
    loader = SpiderLoader.from_settings(get_project_settings())
    found = {}
    for name in loader.list():
        spider = loader.load(name)
        for _attr, member in inspect.getmembers(spider, inspect.isgeneratorfunction):
            if member.__module__.startswith("crawler."):
                found[member.__qualname__] = member
    return sorted(found.items())


def test_the_crawler_turns_the_per_response_check_off():
    assert get_project_settings().getbool("WARN_ON_GENERATOR_RETURN_VALUE", True) is False


def test_the_spiders_have_generator_callbacks_to_check():
    assert {"SiteSpider.parse_article", "SiteSpider.parse_page"} <= {name for name, _ in _spider_generators()}


@pytest.mark.parametrize(("name", "method"), _spider_generators())
def test_no_generator_callback_returns_a_value(name, method):
    assert not is_generator_with_return_value(method), f"{name} is a generator that returns a value"
