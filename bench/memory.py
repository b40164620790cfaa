"""Redis bytes per stored article, by kind of key: the old record layout (git HEAD) against the new
one (this checkout), in the same run.

Stores the shared benchmark's 119 real news pages (/work/shared/eval/extraction, read in place) and
varied copies of them, up to --articles, through the real `workers.process.PageProcessor`. A copy
lives on one of --sites other sites under another URL, and a share of the words of each text node
of its body is replaced by other words of the same page: an article of its own (not a near-copy the
story index would fold into a cluster), in the page's language and with its length. Each layout
runs in a child process on a Redis server of its own (a throwaway `redis-server` on a free loopback
port, no persistence); the old layout's child imports its code from a `git worktree` of HEAD
(/tmp/mem_baseline). Afterwards every key's MEMORY USAGE is read and summed by kind (the first
part of the key name after the prefix), and INFO used_memory gives the whole server's growth.

    .venv/bin/python bench/memory.py [--articles 5000] [--sites 60] [--baseline-ref HEAD]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path("/work/shared/eval/extraction")
BASELINE = Path("/tmp/mem_baseline")
PREFIX = "mem:"
REPLACED = 0.3  # share of a copy's words replaced: its 3-word shingles mostly differ from the original's
BATCH = 20

# The kinds of key, as the README's capacity model counts them.
STORAGE = ("article", "site", "articles")
INDEX = ("lsh", "rec", "xrec", "seq", "entry", "cluster", "rep", "feed")
BOILER = ("boiler",)


def load_pages() -> list[tuple[str, str]]:
    """(url, html) of the benchmark's pages, in file order."""
    truth = json.loads((EVAL / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((EVAL / "html").glob("*.html.gz")):
        page_id = path.name.split(".")[0]
        pages.append((truth[page_id]["url"], gzip.decompress(path.read_bytes()).decode("utf-8", "replace")))
    return pages


def varied(html: str, rng: random.Random) -> str:
    """The page with REPLACED of the words of its body's text nodes swapped for other words of it."""
    import lxml.html

    doc = lxml.html.document_fromstring(html)
    vocabulary = re.findall(r"\w+", doc.text_content())
    if not vocabulary:
        return html

    def swap(text: str | None) -> str | None:
        if not text:
            return text
        return re.sub(r"\w+", lambda m: rng.choice(vocabulary) if rng.random() < REPLACED else m.group(0),
                      text)

    for element in doc.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "head", "title", "meta"):
            continue
        element.text = swap(element.text)
        element.tail = swap(element.tail)
    return lxml.html.tostring(doc, encoding="unicode")


def write_pages(path: Path, count: int, sites: int) -> None:
    """The pages to store, as JSON lines (site, url, html): the originals, then varied copies."""
    originals = load_pages()
    rng = random.Random(18)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for n in range(count):
            url, html = originals[n % len(originals)]
            if n < len(originals):
                site = urlsplit(url).hostname or "site"
            else:
                site = f"copy{n % sites}"
                parts = urlsplit(url)
                url = f"https://{site}.example{parts.path or '/'}?copy={n}"
                html = varied(html, rng)
            out.write(json.dumps({"site": site, "url": url, "html": html}) + "\n")


# -- one layout, in a child process --------------------------------------------------------------------

def measure(code: Path, pages_path: Path, url: str) -> dict:
    """Store the pages with the code under `code` into the Redis at `url`; bytes by kind of key."""
    os.environ.update(NEWSSIEVE_REDIS_URL=url, NEWSSIEVE_PREFIX=PREFIX)
    sys.path.insert(0, str(code))
    from newssieve.models import Page
    from newssieve.redis_conn import get_client
    from newssieve.store.articles import Store
    from workers.process import PageProcessor

    client = get_client()
    before = int(client.info("memory")["used_memory"])
    processor = PageProcessor()
    statuses: Counter[str] = Counter()
    many = getattr(processor, "process_many", None) or (lambda pages: [processor.process(p) for p in pages])
    started = time.perf_counter()
    batch: list = []
    with gzip.open(pages_path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            batch.append(Page(url=row["url"], canonical_url=row["url"], site=row["site"], html=row["html"],
                              fetched_at=time.time()))
            if len(batch) == BATCH:
                statuses.update(result.status for result in many(batch))
                batch = []
    if batch:
        statuses.update(result.status for result in many(batch))
    seconds = time.perf_counter() - started
    getattr(processor, "close", processor.flush if hasattr(processor, "flush") else lambda: None)()
    used = int(client.info("memory")["used_memory"]) - before
    stored = [aid for aid in client.zrange(f"{PREFIX}articles", 0, -1)]
    texts = Store().texts(stored)
    return {"code": str(code), "stored": len(stored), "statuses": dict(statuses), "seconds": seconds,
            "used_memory": used, "text_bytes": sum(len(t.encode()) for t in texts),
            "kinds": key_bytes(client), "encodings": dict(article_encodings(client, stored)),
            "boiler_entries": sum(client.hlen(key) for key in client.scan_iter(match=f"{PREFIX}boiler:*"))}


def key_bytes(client) -> dict[str, list[int]]:
    """kind -> [keys, MEMORY USAGE summed over them] (every key, every element counted)."""
    kinds: dict[str, list[int]] = {}
    keys = list(client.scan_iter(match=f"{PREFIX}*", count=1000))
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        pipe = client.pipeline(transaction=False)
        for key in chunk:
            pipe.memory_usage(key, samples=0)
        for key, usage in zip(chunk, pipe.execute(), strict=True):
            entry = kinds.setdefault(key[len(PREFIX):].split(":", 1)[0], [0, 0])
            entry[0] += 1
            entry[1] += usage or 0
    return kinds


def article_encodings(client, ids: list[str]) -> Counter[str]:
    pipe = client.pipeline(transaction=False)
    for aid in ids:
        pipe.object("encoding", f"{PREFIX}article:{aid}")
    return Counter(pipe.execute())


# -- the parent: servers, children, the table ----------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(binary: str, directory: Path, options: list[str]) -> tuple[subprocess.Popen, str]:
    import redis

    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                             "no", "--dir", str(directory), "--logfile", "server.log", *options],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{binary} did not start (see {directory}/server.log)") from None
            time.sleep(0.05)


def baseline_checkout(ref: str) -> Path:
    """A worktree of `ref` at /tmp/mem_baseline (made once, reused while it is at that commit)."""
    wanted = subprocess.run(["git", "-C", str(ROOT), "rev-parse", ref], capture_output=True, text=True,
                            check=True).stdout.strip()
    if BASELINE.exists():
        have = subprocess.run(["git", "-C", str(BASELINE), "rev-parse", "HEAD"], capture_output=True,
                              text=True)
        if have.returncode == 0 and have.stdout.strip() == wanted:
            return BASELINE
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(BASELINE)], check=False)
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(BASELINE), wanted], check=True,
                   capture_output=True)
    return BASELINE


def run_layout(code: Path, pages: Path, binary: str, workdir: Path, name: str, options: list[str]) -> dict:
    directory = workdir / name
    directory.mkdir()
    proc, url = start_server(binary, directory, options)
    try:
        out = directory / "result.json"
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", str(code),
                        "--pages", str(pages), "--url", url, "--out", str(out)], check=True, cwd=code,
                       env={**os.environ, "PYTHONPATH": str(code)})
        return json.loads(out.read_text())
    finally:
        proc.terminate()
        proc.wait(10)


def table(results: dict[str, dict]) -> list[str]:
    kinds = sorted({kind for r in results.values() for kind in r["kinds"]},
                   key=lambda k: -max(r["kinds"].get(k, [0, 0])[1] / r["stored"] for r in results.values()))
    names = list(results)
    lines = ["| bytes per stored article | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]

    def row(label: str, value) -> None:
        lines.append(f"| {label} | " + " | ".join(value(r) for r in results.values()) + " |")

    def per(kinds_of):
        return lambda r: f"{sum(r['kinds'].get(k, [0, 0])[1] for k in kinds_of(r)) / r['stored']:,.0f}"

    row("**all keys (MEMORY USAGE)**", per(lambda r: r["kinds"]))
    row("storage (article, site, articles)", per(lambda r: STORAGE))
    row("story index (lsh, rec, xrec, seq, entry, cluster, rep, feed)", per(lambda r: INDEX))
    row("site boilerplate counts (boiler)", per(lambda r: BOILER))
    row("whole server (INFO used_memory growth)", lambda r: f"{r['used_memory'] / r['stored']:,.0f}")
    for kind in kinds:
        row(f"`{kind}` ({'/'.join(str(r['kinds'].get(kind, [0])[0]) for r in results.values())} keys)",
            per(lambda r, kind=kind: (kind,)))
    row("cleaned text, UTF-8 (not a key)", lambda r: f"{r['text_bytes'] / r['stored']:,.0f}")
    row("article hash encodings", lambda r: ", ".join(f"{k} {v}" for k, v in sorted(r["encodings"].items())))
    row("stored articles", lambda r: f"{r['stored']:,}")
    row("boiler entries per article (bytes each)", boiler_entries)
    row("outcomes", lambda r: ", ".join(f"{k} {v}" for k, v in sorted(r["statuses"].items())))
    row("ms per page (clean to stored)", lambda r: f"{1000 * r['seconds'] / sum(r['statuses'].values()):.1f}")
    return lines


def boiler_entries(r: dict) -> str:
    """Paragraph counts per stored article, and what one costs."""
    if not r.get("boiler_entries"):
        return "-"
    return f"{r['boiler_entries'] / r['stored']:.1f} ({r['kinds']['boiler'][1] / r['boiler_entries']:.0f})"


def per_article(result: dict) -> float:
    return sum(usage for _, usage in result["kinds"].values()) / result["stored"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000, help="pages to store (originals, then copies)")
    parser.add_argument("--sites", type=int, default=60, help="sites the copies are spread over")
    parser.add_argument("--baseline-ref", default="HEAD", help="the commit whose code is the old layout")
    parser.add_argument("--server", default=shutil.which("redis-server") or "redis-server",
                        help="the Redis server binary to start (one throwaway server per layout)")
    parser.add_argument("--listpack-value", type=int, default=None,
                        help="the servers' hash-max-listpack-value (default: the server's own, 64)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        args.out.write_text(json.dumps(measure(args.measure, args.pages, args.url)))
        return
    with tempfile.TemporaryDirectory(prefix="newssieve-memory-") as tmp:
        workdir = Path(tmp)
        pages = workdir / "pages.jsonl.gz"
        write_pages(pages, args.articles, args.sites)
        options = [] if args.listpack_value is None else ["--hash-max-listpack-value",
                                                           str(args.listpack_value)]
        results = {f"old ({args.baseline_ref})": run_layout(baseline_checkout(args.baseline_ref), pages,
                                                            args.server, workdir, "old", options),
                   "new (this checkout)": run_layout(ROOT, pages, args.server, workdir, "new", options)}
    print("\n".join(table(results)))
    old, new = results.values()
    print(f"\nnew/old, bytes per article over all keys: {per_article(new) / per_article(old):.2f}")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
