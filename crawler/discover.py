"""`python -m crawler.discover URL [--allow-private] [--follow-redirect] [-s KEY=VALUE ...]`

Visits a site's home page, robots.txt, feeds and sitemaps with the crawler's own settings,
stores nothing, and reports what it found as JSON lines on stdout (see
crawler.spiders.discover); `newssieve sites add` starts it and turns the findings into a
sites entry. Scrapy's log goes to stderr.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    from crawler.extensions import emit
    from crawler.probe_run import parse_overrides, run_spider
    from crawler.run import exit_with_parent
    from crawler.spiders.discover import DiscoverSpider, probe_site

    exit_with_parent()
    parser = argparse.ArgumentParser(prog="python -m crawler.discover", description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--allow-private", action="store_true", help="reach loopback/private addresses")
    parser.add_argument("--follow-redirect", action="store_true", help="follow a redirect to another host")
    parser.add_argument("-s", dest="set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    try:
        site = probe_site(args.url, args.allow_private)
        overrides = parse_overrides(args.set)
    except ValueError as exc:
        emit("error", kind="usage", reason=str(exc))
        return 2
    return run_spider(DiscoverSpider, site, overrides, url=args.url, allow_private=args.allow_private,
                      follow_redirect=args.follow_redirect)


if __name__ == "__main__":
    sys.exit(main())
