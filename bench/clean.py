"""Time workers.clean.clean against trafilatura.extract on the evaluation pages.

    .venv/bin/python bench/clean.py [--data-dir ../shared/eval/extraction] [--repeat 3]

Both run on the same pages in the same process, interleaved page by page (alternating
which goes first) so that machine load hits both alike. For each page the fastest of
`--repeat` runs counts; the figure printed is the median over pages, in milliseconds.
trafilatura runs with include_comments=False, the configuration the cleaner's quality is
compared with (its full cascade, the speed target's reference, and its fast path), and with
its defaults.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workers.clean import clean  # noqa: E402

DEFAULT_DATA_DIR = ROOT.parent / "shared" / "eval" / "extraction"


Page = tuple[str, str | None]  # (html, url)


def load_pages(data_dir: Path) -> list[Page]:
    """Every page under data_dir/html (gzip'd UTF-8) with its URL from ground-truth.json, in name order."""
    files = sorted((data_dir / "html").glob("*.html.gz"))
    if not files:
        raise SystemExit(f"no pages in {data_dir / 'html'}")
    truth_file = data_dir / "ground-truth.json"
    truth = json.loads(truth_file.read_text("utf-8")) if truth_file.exists() else {}
    pages = []
    for f in files:
        page_id = f.name.removesuffix(".html.gz")
        pages.append((gzip.decompress(f.read_bytes()).decode("utf-8"), truth.get(page_id, {}).get("url")))
    return pages


def time_once(func: Callable[[str, str | None], object], page: Page) -> float:
    start = time.perf_counter()
    func(*page)
    return (time.perf_counter() - start) * 1000


def run(pages: list[Page], contenders: dict[str, Callable], repeat: int) -> dict[str, float]:
    """Median over pages of each contender's best time on that page."""
    best = {name: [float("inf")] * len(pages) for name in contenders}
    names = list(contenders)
    for round_ in range(repeat):
        for i, page in enumerate(pages):
            order = names if (i + round_) % 2 == 0 else names[::-1]
            for name in order:
                best[name][i] = min(best[name][i], time_once(contenders[name], page))
    return {name: statistics.median(times) for name, times in best.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    pages = load_pages(args.data_dir)
    contenders = {
        "clean": clean,
        "trafilatura(include_comments=False)": lambda html, url: trafilatura.extract(
            html, include_comments=False
        ),
        "trafilatura(fast, include_comments=False)": lambda html, url: trafilatura.extract(
            html, include_comments=False, fast=True
        ),
        "trafilatura(defaults)": lambda html, url: trafilatura.extract(html),
    }
    for func in contenders.values():  # warm-up: lazy imports, the language model
        func(*pages[0])
    medians = run(pages, contenders, args.repeat)

    print(f"{len(pages)} pages, best of {args.repeat} runs per page, median over pages")
    for name, ms in medians.items():
        print(f"  {name:42} {ms:7.2f} ms/page")
    for name in list(medians)[1:]:
        print(f"  ratio clean / {name:42} {medians['clean'] / medians[name]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
