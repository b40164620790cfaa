"""Pairwise precision and recall of the story index on the generated syndication set.

    .venv/bin/python -m bench.syndication [--stories 5000] [--seed 1] [--no-demo]
                                          [--set jaccard_threshold=0.45 --set containment_threshold=0.75]

Indexes every document in shuffled order into the configured Redis under a throwaway key
prefix (deleted at the end), exactly as the pipeline does after cleaning, then compares the
clusters with the stories the documents were generated from.
"""

from __future__ import annotations

import argparse
import time
import uuid

from bench.syndication.corpus import build_corpus
from bench.syndication.evaluate import index_docs, report, score
from newssieve.redis_conn import delete_prefix, get_client
from newssieve.settings import Settings, get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=5000, help="base stories to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-demo", action="store_true", help="leave out the demo network's stories")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override a setting for this run (repeatable)")
    args = parser.parse_args()

    s = Settings(**dict(item.split("=", 1) for item in args.set)) if args.set else get_settings()
    docs = build_corpus(args.stories, args.seed, demo=not args.no_demo)
    client = get_client()
    prefix = f"nsbench-synd-{uuid.uuid4().hex[:8]}:"
    started = time.perf_counter()
    try:
        clusters = index_docs(docs, client, prefix, seed=args.seed, settings=s)
    finally:
        delete_prefix(client, prefix)
    elapsed = time.perf_counter() - started
    print(f"settings: {s.minhash_perm} permutations, {s.lsh_bands} bands x {s.lsh_rows} rows, "
          f"{s.shingle_words}-word shingles, jaccard >= {s.jaccard_threshold} or containment >= "
          f"{s.containment_threshold} (>= {s.containment_min_shingles} shingles, jaccard >= "
          f"{s.containment_min_jaccard})")
    print(f"seed {args.seed}; indexed in {elapsed:.1f} s")
    print("\n".join(report(score(docs, clusters), docs)))


if __name__ == "__main__":
    main()
