"""The README's screenshots of the reader page and the story page, made from the demo network.

The demo's pages are fetched from a DemoNetwork, run through the real pipeline in this process
(PageProcessor: cleaning, boilerplate, dedup, translation matching) under a throwaway key prefix,
served by the real app and photographed in headless Chromium at a desktop's width. The PNGs are
reduced to a palette of 64 colours (Pillow) to stay small. Everything stored is deleted at the end.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["NEWSSIEVE_PREFIX"] = f"shots-{uuid.uuid4().hex[:8]}:"  # before anything reads the settings

from demo.network import DemoNetwork, load_ground_truth  # noqa: E402
from newssieve.api.app import create_app  # noqa: E402
from newssieve.feeds.query import FeedQuery, FeedReader  # noqa: E402
from newssieve.models import Page  # noqa: E402
from newssieve.redis_conn import delete_prefix, get_client, redis_available, reset_caches  # noqa: E402
from newssieve.settings import get_settings  # noqa: E402
from tests.browser_helper import chromium  # noqa: E402
from tests.feeds_helper import running_server  # noqa: E402
from workers.process import PageProcessor  # noqa: E402

SIZE = (1280, 1000)


def load_demo(network: DemoNetwork) -> int:
    """Every demo page through the pipeline; how many were stored."""
    processor = PageProcessor()
    pages = load_ground_truth()["pages"]
    for entry in pages:
        url = network.base_url(entry["site"]) + entry["path"]
        with urllib.request.urlopen(url, timeout=10) as response:
            html = response.read().decode("utf-8")
        processor.process(Page(url=url, canonical_url=url, site=entry["site"], html=html, fetched_at=1.0))
    return len(pages)


def story_pages(url: str) -> dict[str, str]:
    """Story page URL -> its HTML, for every story with copies."""
    entries = FeedReader().page("all", FeedQuery(limit=200, copies=True)).entries
    pages = {}
    for entry in entries:
        if entry["copies"]:
            page = f"{url}/clusters/{entry['cluster']}"
            request = urllib.request.Request(page, headers={"Accept": "text/html"})
            with urllib.request.urlopen(request, timeout=10) as response:
                pages[page] = response.read().decode("utf-8")
    return pages


def most(pages: dict[str, str], mark: str) -> str:
    """The page showing `mark` (a change's HTML) most often."""
    return max(pages, key=lambda page: pages[page].count(mark))


def small_png(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def photograph(url: str, out: Path) -> list[Path]:
    """reader.png (every story's copies unfolded), story.png (the story with the most changed words)
    and story-translation.png (a translation beside its original)."""
    from selenium.webdriver.common.by import By

    out.mkdir(parents=True, exist_ok=True)
    pages = story_pages(url)
    shots = {"story": most(pages, "<ins>"), "story-translation": most(pages, 'class="row pair"')}
    with chromium(SIZE) as browser:
        browser.get(url + "/")
        for folded in browser.find_elements(By.CSS_SELECTOR, "details.copies"):
            browser.execute_script("arguments[0].open = true", folded)
        browser.save_screenshot(str(out / "reader.png"))
        for name, page in shots.items():
            browser.get(page)
            browser.save_screenshot(str(out / f"{name}.png"))
    paths = [out / f"{name}.png" for name in ("reader", *shots)]
    for path in paths:
        small_png(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    prefix = os.environ["NEWSSIEVE_PREFIX"]
    with redis_available(), tempfile.TemporaryDirectory() as tmp, DemoNetwork() as network:
        sites = Path(tmp) / "sites.yaml"
        sites.write_text(network.sites_yaml(), encoding="utf-8")
        os.environ["NEWSSIEVE_SITES"] = str(sites)
        get_settings.cache_clear()
        reset_caches()
        try:
            print(f"{load_demo(network)} demo pages stored")
            with running_server(create_app()) as url:
                for path in photograph(url, args.out):
                    print(f"{path} {path.stat().st_size // 1024} KiB")
        finally:
            delete_prefix(get_client(), prefix)


if __name__ == "__main__":
    main()
