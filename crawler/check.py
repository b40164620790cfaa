"""`python -m crawler.check SITE [--sites PATH] [-s KEY=VALUE ...]`

A dry run of one sites entry: reads its feeds, sitemaps and start URLs now and fetches a few
of the articles they list, with the crawler's own settings; stores nothing (no Redis, no
queue). Reports `source`, `sample` and `summary` events as JSON lines on stdout (see
crawler.spiders.check); `newssieve sites check` starts it.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    from crawler.extensions import emit
    from crawler.probe_run import parse_overrides, run_spider
    from crawler.run import exit_with_parent
    from crawler.spiders.check import CheckSpider
    from newssieve.sites import SitesFileError, load_sites

    exit_with_parent()
    parser = argparse.ArgumentParser(prog="python -m crawler.check", description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("--sites", help="the sites file (default: NEWSSIEVE_SITES)")
    parser.add_argument("-s", dest="set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    try:
        site = load_sites(args.sites).site(args.site)
        overrides = parse_overrides(args.set)
    except (SitesFileError, KeyError, ValueError) as exc:
        emit("error", kind="usage", reason=str(exc).strip("'\""))
        return 2
    return run_spider(CheckSpider, site, overrides, site=site)


if __name__ == "__main__":
    sys.exit(main())
