"""Out-of-fold check of the two thresholds fitted to data in the cleaner's second opinion.

    .venv/bin/python bench/clean_cv.py [--eval-dir ../shared/eval] [--folds 5]

`workers.clean_body` runs trafilatura's full cascade when the fast path's text is doubtful:
fewer than MIN_WORDS words, or less than MIN_TITLE_SHARE of the title's words. Both numbers
were chosen by looking at the development pages, so their figures there are in-sample. This
script re-chooses them by grid search inside a cross-validation whose folds are split by host
(no host is in both the fitting and the scoring pages), on both development sets at once (the
benchmark pages of `extraction/` and the pages of `segments/`), and prints:

  * in-sample: the shipped thresholds scored on every page;
  * out-of-fold: each page scored with the thresholds chosen on the folds it is not in.

With `--compare`, the public extractors are scored in the same run on the same pages by the
same scorers (trafilatura with include_comments=False, full cascade and fast path, as each
evaluation script calls it; readability-lxml and newspaper4k where installed): nothing in them is
fitted, so their in-sample figure is their out-of-fold one.

The objective is the mean of the two sets' F1. The real `workers.clean.clean` runs for every
page and grid point; only trafilatura's and readability's outputs are cached per page.
Nothing is copied from the evaluation data: it is read where it lies.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workers import clean_body  # noqa: E402
from workers.clean import clean  # noqa: E402

DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "eval"
GRID = {"MIN_WORDS": [0, 50, 100, 150, 200, 300], "MIN_TITLE_SHARE": [0.0, 0.34, 0.5, 0.67, 0.75]}
_WS = re.compile(r"\s+")


def load_pages(eval_dir: Path) -> list[dict]:
    """Both development sets as {set, id, host, html, url, gold}."""
    sys.path.insert(0, str(eval_dir))
    import score_extraction as se

    pages = []
    for page_id, html, url, true in se.load_pages(eval_dir / "extraction", "dev"):
        host = urlsplit(url or "").hostname or page_id
        pages.append(dict(set="bench", id=page_id, host=host, html=html, url=url, gold=true))
    seg_dir = eval_dir / "segments"
    data = json.loads((seg_dir / "evaldata.json").read_text("utf-8"))
    for url in sorted(data):
        raw = gzip.open(seg_dir / "html" / data[url]["file"]).read()
        try:
            html = raw.decode("utf-8")
        except UnicodeDecodeError:
            html = raw.decode("latin-1")
        host = urlsplit(url).hostname or url
        pages.append(dict(set="seg", id=url, host=host, html=html, url=url, gold=data[url]))
    return pages


def fold_of(host: str, folds: int) -> int:
    host = host.removeprefix("www.")
    return int(hashlib.sha1(host.encode()).hexdigest(), 16) % folds


class Cached:
    """Stands in for trafilatura and readability: each page's outputs are computed once."""

    def __init__(self):
        self.page = None
        self.cache: dict = {}
        self.traf = clean_body._trafilatura_blocks
        self.read = clean_body._readability_blocks

    def trafilatura(self, tree, url, fast):
        key = (self.page, "fast" if fast else "full")
        if key not in self.cache:
            self.cache[key] = self.traf(tree, url, fast)
        return self.cache[key]

    def readability(self, tree):
        key = (self.page, "readability")
        if key not in self.cache:
            self.cache[key] = self.read(tree)
        return self.cache[key]


def outputs(pages: list[dict], params: dict, cached: Cached) -> list[str]:
    for name, value in params.items():
        setattr(clean_body, name, value)
    texts = []
    for page in pages:
        cached.page = page["id"]
        texts.append(clean(page["html"], page["url"]).text)
    return texts


def score(pages: list[dict], texts: list[str], eval_dir: Path) -> dict[str, tuple[float, float, float]]:
    """{set: (P, R, F1)} with each set's own scorer."""
    import score_extraction as se

    counts, tp, fp, fn = [], 0, 0, 0
    for page, text in zip(pages, texts, strict=True):
        if page["set"] == "bench":
            counts.append(se.page_counts(page["gold"], text))
            continue
        norm = _WS.sub(" ", text).strip()
        found = sum(_WS.sub(" ", s).strip() in norm for s in page["gold"]["with"])
        tp, fn = tp + found, fn + len(page["gold"]["with"]) - found
        fp += sum(_WS.sub(" ", s).strip() in norm for s in page["gold"]["without"])
    out = {}
    if counts:
        agg = se.aggregate(counts)
        out["bench"] = (agg["precision"], agg["recall"], agg["f1"])
    if tp + fn:
        p, r = tp / max(tp + fp, 1), tp / (tp + fn)
        out["seg"] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return out


def reference_extractors(eval_dir: Path) -> dict:
    """{name: {set: extract(html, url)}}: each evaluation script's own call of each extractor."""
    sys.path.insert(0, str(eval_dir))
    import score_extraction as se
    import score_segments as ss

    out = {
        "trafilatura(include_comments=False)": {
            "bench": se.load_extractor("trafilatura_nocomments")[0],
            "seg": ss.load_extractor("trafilatura"),
        },
        "trafilatura(fast, include_comments=False)": {
            "bench": lambda html, url: __import__("trafilatura").extract(
                html, include_comments=False, fast=True) or "",
            "seg": ss.load_extractor("trafilatura_fast"),
        },
    }
    for name in ("readability-lxml", "newspaper4k"):
        try:
            extract = se.load_extractor(name)[0]
        except ImportError:
            continue  # not installed
        out[name] = {"bench": extract, "seg": extract}
    return out


def reference_texts(pages: list[dict], extract: dict) -> list[str]:
    texts = []
    for page in pages:
        try:
            texts.append(extract[page["set"]](page["html"], page["url"]) or "")
        except Exception:  # an extractor that raises loses the page, as in the evaluation scripts
            texts.append("")
    return texts


def objective(scores: dict) -> float:
    return sum(s[2] for s in scores.values()) / len(scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--compare", action="store_true", help="score the public extractors too")
    args = parser.parse_args(argv)

    pages = load_pages(args.eval_dir)
    cached = Cached()
    clean_body._trafilatura_blocks, clean_body._readability_blocks = cached.trafilatura, cached.readability
    shipped = {name: getattr(clean_body, name) for name in GRID}
    grid = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    texts = {i: outputs(pages, params, cached) for i, params in enumerate(grid)}
    folds = [fold_of(p["host"], args.folds) for p in pages]

    oof = [""] * len(pages)
    for k in range(args.folds):
        fit = [i for i, f in enumerate(folds) if f != k]
        best = max(texts, key=lambda g: objective(score([pages[i] for i in fit], [texts[g][i] for i in fit],
                                                          args.eval_dir)))
        print(f"fold {k}: {sum(f == k for f in folds)} pages scored, chose {grid[best]}")
        for i, f in enumerate(folds):
            if f == k:
                oof[i] = texts[best][i]
    in_sample = texts[grid.index(shipped)] if shipped in grid else outputs(pages, shipped, cached)
    for label, result in (("in-sample, shipped " + str(shipped), in_sample), ("out-of-fold", oof)):
        s = score(pages, result, args.eval_dir)
        figures = "  ".join(f"{name} P {p:.4f} R {r:.4f} F1 {f:.4f}" for name, (p, r, f) in s.items())
        print(f"{label:60} {figures}")
    if args.compare:
        for name, extract in reference_extractors(args.eval_dir).items():
            s = score(pages, reference_texts(pages, extract), args.eval_dir)
            figures = "  ".join(f"{n} P {p:.4f} R {r:.4f} F1 {f:.4f}" for n, (p, r, f) in s.items())
            print(f"{name:60} {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
