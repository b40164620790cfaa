"""The story index: exact hashes, LSH band tables and clusters, kept in Redis by newssieve.

datasketch computes the signatures; its own Redis storage is not used (it
unpickles what it reads back, needs ~21 round trips per insert and misses
duplicates under concurrent inserts). Here, the query and the insert for one
article are one Lua call (story_index.lua), so concurrent workers always see
each other.

Memory is what limits an index of millions of articles, so the index keeps a
compact signature and files articles by small integer numbers in hashes small
enough to stay listpack-encoded (layout at the top of story_index.lua). The
compact signature codes each 32-bit MinHash value in 16 bits like a tiny float
(exponent and 11 bits of mantissa): equal values stay equal, two different
values collide about once in a thousand positions, and the order of values is
kept, which gives containment directly: P(min A <= min B) = |A| / |A u B|.

When a new article matches members of several clusters (it bridges copies that
were not found to match each other), the clusters are merged into the largest,
in the same atomic call; cluster ids of the moved members change.

Translated copies share no shingles, so they have a second set of band tables
(the same lsh:{n} buckets, keys from their own hash space): the same `index` call
reads the articles filed under the article's translation probe keys, files it
under its own band keys with an opaque verification blob, and returns the best
candidates. The caller verifies them (the check lives in workers/, which this
room must not import) and `link` unions the clusters of the verified ones, in a
second atomic call. Race-free: of two copies, the later to be filed always sees
the earlier under a shared key (the probe and the filing of one article are one
call; the caller's probes must not depend on which comes first: workers/translation
probes every key one bit from each of its own band keys), and a link is a union
of whatever clusters both are in when it runs, so links made in any order,
interleaved with MinHash merges, give the same clusters.
A worker that dies between the two calls links on the page's next try, since an
unchanged article still reports its candidates.

Only the best candidates come back, so the cost per article does not grow with the
index. The script counts, for each article found under the probes, the distinct
bands it was found under (several probes of one band count once; at most the 128
latest numbers of a key are read), shortlists the 64 found under the most bands
(ties: the most recent), orders those by the Hamming distance of their signature
(the lead's 256 random-hyperplane bits) to the article's, and returns the first
`translation_candidates` outside the article's cluster, at most two per cluster, and none whose
signature is more than 84 of 256 bits away (translations: 71 at most; at 100,000 articles this leaves
~3 candidates a page instead of 8, so fewer records are read and verified).
Why recall holds: a translation keeps the lead's meaning, names and figures, so it
agrees with its original in several bands at once (crosslingual set: a median of 6
of 22 bands, 98% in 2 or more), while news that is merely similar meets a 16-bit
band by chance, in one band; the few translations found under one band only are
the ones bands rank poorly among 100,000 articles (rank 10 to 85, behind chance
collisions that are more recent), and there the full signature tells them apart:
translations are within 45 bits of 256 (median; 71 at most) of their original,
chance neighbours 77 or more for 99% of them. On bench/dedup_translation_scale.py
every original is the first or second candidate of its translation at 100,000
articles, where without the selection about a thousand candidates came back.
Race-freedom is unchanged: probing and filing are one call, so of two copies the
later always ranks the earlier against the same index state.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import redis

from newssieve.redis_conn import is_cluster, queue_script, register_script, undecoded
from newssieve.settings import Settings, get_settings
from newssieve.store.keys import Keys

SCRIPT = (Path(__file__).with_name("story_index.lua")).read_text(encoding="utf-8")
EXACT_HASH_LENGTH = 32  # hex digits of the exact text hash
MAX_ID_LENGTH = 28  # an id shares a 64-byte record chunk with the shingle count and the exact hash
CHUNK, RECORDS_PER_BUCKET, XRECORDS_PER_BUCKET = 64, 32, 16  # as in story_index.lua
MANTISSA_BITS = 11
XCHUNKS = 12  # as in story_index.lua
TRANSLATION_RECORD_BYTES = XCHUNKS * CHUNK


@dataclass(frozen=True)
class TranslationEntry:
    """What an article files for cross-language matching: its band keys, the keys it looks up
    (a superset, multi-probe) and the blob its candidates are verified with (opaque here). A key is
    (band < 256, value < 65536). The signature (random-hyperplane bits, even length, at most 62 bytes;
    b"" for none) ranks the candidates sharing the most bands by Hamming distance; its 16-bit slices are
    bands 0.. (any of those in `band_keys` must be the same)."""

    band_keys: list[tuple[int, int]]
    probe_keys: list[tuple[int, int]]
    blob: bytes
    signature: bytes = b""


@dataclass(frozen=True)
class Candidate:
    """An article filed under one of the probe keys, outside the indexed article's cluster."""

    id: str
    cluster: str
    blob: bytes


@dataclass(frozen=True)
class IndexResult:
    status: str  # "new" | "duplicate" | "unchanged"
    cluster: str
    match: str | None  # the article it was found to copy (or be copied by)
    jaccard: float
    containment: float
    canonical: str
    merged: int = 0  # other clusters folded into this one because the article bridged them
    match_kind: str | None = None  # "exact" | "near" when `match` is set
    candidates: tuple[Candidate, ...] = ()  # translation candidates, still to be verified

    @property
    def is_duplicate(self) -> bool:
        return bool(self.match)


def compact_signature(signature: bytes) -> bytes:
    """Big-endian uint32 MinHash values -> order-preserving big-endian 16-bit codes, as the index stores them.

    Values below 2^12 are kept as they are; above, the code is (bit length - 11) in the top bits and
    the 11 bits after the leading one below them: monotonic, integer-exact, at most 45055.
    """
    values = np.frombuffer(signature, dtype=">u4").astype(np.int64)
    bit_length = np.frexp(values.astype(np.float64))[1].astype(np.int64)  # exact for integers < 2^53
    shift = np.maximum(bit_length - MANTISSA_BITS - 1, 0)
    mantissa = (values >> shift) & ((1 << MANTISSA_BITS) - 1)
    floated = ((bit_length - MANTISSA_BITS) << MANTISSA_BITS) | mantissa
    codes = np.where(bit_length <= MANTISSA_BITS + 1, values, floated)
    return codes.astype(">u2").tobytes()


class StoryIndex:
    def __init__(self, client: redis.Redis, prefix: str | None = None, settings: Settings | None = None):
        settings = settings or get_settings()
        if settings.lsh_bands * settings.lsh_rows > settings.minhash_perm:
            raise ValueError("lsh_bands x lsh_rows must not exceed minhash_perm")
        self.client = client
        self.prefix = prefix if prefix is not None else settings.prefix
        self.keys = Keys(self.prefix, cluster=is_cluster(client))
        self.settings = settings
        self._script = register_script(client, SCRIPT)

    def _call(self, mode: str, article_id: str, *args, client=None):
        """One call of the script, sent (on a Redis Cluster) to the slot of the index's keys."""
        s = self.settings
        args = [mode, self.keys.index_prefix, article_id, s.minhash_perm, s.lsh_bands, s.lsh_rows,
                s.lsh_bucket_fields, *args]
        meta = self.keys.index("lsh:meta")
        if isinstance(client, _Raw):  # not pipe.evalsha: a cluster pipeline refuses it
            return client.pipe.execute_command("EVALSHA", self._script.sha, 1, meta, *args)
        if client is None:
            return self._script(keys=[meta], args=args)
        queue_script(client, self._script, [meta], args)
        return None

    def index(self, article_id: str, signature: bytes, shingles: int, exact_hash: str,
              published_ts: float, feeds: list[str], translation: TranslationEntry | None = None,
              ) -> IndexResult:
        """Find the article's copies and file it in their cluster (or a new one), atomically.

        With a translation entry, the article is filed for cross-language matching too, and the result
        lists the candidates to verify and `link`.
        """
        return _result(self._index_call(article_id, signature, shingles, exact_hash, published_ts, feeds,
                                        translation=translation))

    def link(self, article_id: str, translations: list[str]) -> tuple[str, int, str]:
        """Join the article's cluster with the clusters of its verified translations, atomically.

        Returns (the article's cluster, how many clusters were merged, its canonical). The article records
        the first as its `match` (kind "translation") unless it already matched a same-language copy.
        """
        if not translations:
            return "", 0, ""
        cluster, merged, canonical = self._call("link", article_id, *translations)
        return _s(cluster), int(merged), _s(canonical)

    def index_many(self, articles: list[tuple[str, bytes, int, str, float, list[str]]],
                   translations: list[TranslationEntry | None] | None = None) -> list[IndexResult]:
        """index() each (id, signature, shingles, exact hash, published, feeds[, translation entry]),
        pipelined: bulk loads."""
        pipe = self.client.pipeline(transaction=False)
        for article, entry in zip(articles, translations or [None] * len(articles), strict=True):
            self._index_call(*article, client=pipe, translation=entry)
        return [_result(reply) for reply in pipe.execute()] if articles else []

    def _index_call(self, article_id: str, signature: bytes, shingles: int, exact_hash: str,
                    published_ts: float, feeds: list[str], client=None,
                    translation: TranslationEntry | None = None):
        if len(exact_hash) != EXACT_HASH_LENGTH or len(article_id) > MAX_ID_LENGTH:
            raise ValueError("exact hash must be 32 hex digits and article ids at most 28 characters")
        s = self.settings
        return self._call(
            "index", article_id, compact_signature(signature), int(shingles), exact_hash, float(published_ts),
            s.jaccard_threshold, s.containment_threshold, s.containment_min_shingles,
            s.containment_min_jaccard, s.near_min_shingles, ",".join(feeds),
            *_translation_args(translation, s),
            client=client,
        )

    # -- on the caller's pipeline: one round trip for the store, the index and the pending pages ----------
    # EVALSHA by hand: redis-py's Script on a pipeline asks SCRIPT EXISTS first (a round trip more each
    # time). The caller loads the script again on NOSCRIPT (a restarted Redis) and sends the whole
    # round trip again (store and index are idempotent).

    def index_on(self, pipe, article_id: str, signature: bytes, shingles: int, exact_hash: str,
                 published_ts: float, feeds: list[str], translation: TranslationEntry | None = None) -> None:
        """index(), queued on `pipe`; its reply reads with `index_result`."""
        self._index_call(article_id, signature, shingles, exact_hash, published_ts, feeds,
                         client=_Raw(self, pipe), translation=translation)

    def remove_on(self, pipe, article_id: str) -> None:
        """remove(), queued on `pipe` (its reply: 1 when the article was indexed)."""
        self._call("remove", article_id, client=_Raw(self, pipe))

    @staticmethod
    def index_result(reply) -> IndexResult:
        return _result(reply)

    def load_script(self) -> None:
        """Load the script into Redis (after NOSCRIPT: a restarted or flushed Redis)."""
        self._script.sha = self.client.script_load(SCRIPT)

    def remove(self, article_id: str) -> bool:
        """Take an article out of the band tables, its cluster and the feeds (a new canonical is chosen)."""
        return bool(self._call("remove", article_id))

    def forget_many(self, article_ids: list[str]) -> int:
        """Take each article out of the index (as remove() does) and drop its entry, pipelined (one atomic
        call an article; retention); returns how many were indexed or had an entry."""
        pipe = self.client.pipeline(transaction=False)
        for aid in article_ids:
            self._call("forget", aid, client=pipe)
        return sum(int(n) for n in pipe.execute()) if article_ids else 0

    def forget_lone_cluster_keys(self, apply: bool = False, batch: int = 500) -> tuple[int, int]:
        """`newssieve migrate`: drop the cluster keys of each story of one article named after it, written
        before story_index.lua left such clusters implicit (without `apply`, only count them). Safe while
        workers run (one atomic check and drop a cluster); idempotent. Returns (clusters seen, dropped)."""
        keys = self.keys
        return self._each_id("implicit", keys.index_family("cluster"), keys.cluster(""), apply, batch)

    def move_entries(self, apply: bool = False, batch: int = 500) -> tuple[int, int]:
        """`newssieve migrate`: move each article's number, cluster and match from its record, where the
        older layout kept them, to its entry (without `apply`, only count them); then mark the index as
        migrated, which lets workers index again. Run it with the older workers stopped (they write the
        older layout). Idempotent. Returns (article records seen, moved). A Redis Cluster holds no older
        layout (newssieve ran on one Redis then): nothing to move."""
        keys = self.keys
        if keys.on_cluster:
            return 0, 0
        family = keys.article("")
        pattern = family.replace("[", "\\[").replace("?", "\\?") + "*"
        seen, moved = self._each_id("move", pattern, family, apply, batch)
        if apply:
            self.client.hset(keys.index("lsh:meta"), "layout", "entries")
        return seen, moved

    def _each_id(self, mode: str, pattern: str, family: str, apply: bool, batch: int) -> tuple[int, int]:
        """Call a migration mode of the script for the id of each key matching `pattern` (its name after
        `family`), in SCAN batches; a key of the wrong type is left for DataErrors. -> (seen, changed)."""
        seen, changed, cursor = 0, 0, None
        while cursor != 0:
            cursor, found = self.client.scan(cursor or 0, match=pattern, count=batch)
            pipe = self.client.pipeline(transaction=False)
            for key in found:
                self._call(mode, key[len(family):], "apply" if apply else "check", client=pipe)
            replies = pipe.execute(raise_on_error=False) if found else []
            seen += len(found)
            changed += sum(1 for reply in replies if reply == 1)
        return seen, changed

    def similarities(self, pairs: list[tuple[str, str]]) -> list[float | None]:
        """Estimated Jaccard similarity of each pair of indexed articles (None if one is not indexed)."""
        if not pairs:
            return []
        flat = [aid for pair in pairs for aid in pair]
        return [float(v) if _s(v) else None for v in self._call("similarity", "", *flat)]


@dataclass(frozen=True)
class Audit:
    """What the band tables and records hold, for checking that nothing is orphaned."""

    filed: Counter  # article number -> how many band-table keys list it (MinHash and translation)
    records: set[int]  # article numbers that have a record
    translations: set[int]  # article numbers that have a translation record


def audit(client: redis.Redis, prefix: str, minhash_perm: int | None = None) -> Audit:
    """Read the whole index (tests and operators; O(index size))."""
    keys = Keys(prefix, cluster=is_cluster(client))
    fields_per_record = 1 + -(-2 * (minhash_perm or get_settings().minhash_perm) // CHUNK)
    filed: Counter = Counter()
    records: set[int] = set()
    translations: set[int] = set()
    with undecoded(client) as raw:
        for key in raw.scan_iter(match=keys.index_family("lsh").encode(), count=1000):
            if not key.endswith(b":meta"):
                for value in raw.hvals(key):
                    filed.update(int.from_bytes(value[i:i + 4], "big") for i in range(0, len(value), 4))
        for key in raw.scan_iter(match=keys.index_family("rec").encode(), count=1000):
            bucket = int(key.rsplit(b":", 1)[1])
            records.update(bucket * RECORDS_PER_BUCKET + int(f) // fields_per_record for f in raw.hkeys(key))
        for key in raw.scan_iter(match=keys.index_family("xrec").encode(), count=1000):
            bucket = int(key.rsplit(b":", 1)[1])
            translations.update(bucket * XRECORDS_PER_BUCKET + int(f) // XCHUNKS for f in raw.hkeys(key))
    return Audit(filed, records, translations)


def translation_table_key(band: int, value: int) -> bytes:
    """A translation key as filed in the band tables: 4 bytes of sha1 of (band, value), a hash space of its
    own (story_index.lua computes the same to take an article out)."""
    return hashlib.sha1(b"xl" + _spec(band, value)).digest()[:4]


def _spec(band: int, value: int) -> bytes:
    if not (0 <= band < 256 and 0 <= value < 65536):
        raise ValueError("a translation key is (band < 256, value < 65536)")
    return bytes([band]) + value.to_bytes(2, "big")


def signature_keys(signature: bytes) -> list[tuple[int, int]]:
    """The keys a signature is filed under: band b for its 16-bit slice b (as story_index.lua reads them)."""
    return [(b, int.from_bytes(signature[2 * b:2 * b + 2], "big")) for b in range(len(signature) // 2)]


def _translation_args(entry: TranslationEntry | None, settings: Settings) -> tuple:
    """Filed keys (band, value and table key: 7 bytes each; the signature's first), probes (band and
    table key, grouped by band: the script counts a candidate once per band), blob, the candidate limit
    and the signature."""
    if entry is None or not entry.blob:
        return b"", b"", b"", settings.translation_candidates, b""
    sig = entry.signature
    if len(sig) % 2 or len(sig) > 62:
        raise ValueError("a translation signature has an even number of bytes, at most 62")
    own = signature_keys(sig)
    if any(b < len(own) and (b, v) not in own for b, v in entry.band_keys):
        raise ValueError("band keys of the signature's bands must be the signature's")
    keys = dict.fromkeys([*own, *entry.band_keys])
    filed = b"".join(_spec(*k) + translation_table_key(*k) for k in keys)
    probes = b"".join(bytes([k[0]]) + translation_table_key(*k) for k in sorted(set(entry.probe_keys)))
    if 3 + len(sig) + 3 * (len(keys) - len(own)) + len(entry.blob) > TRANSLATION_RECORD_BYTES:
        raise ValueError(f"translation record over {TRANSLATION_RECORD_BYTES} bytes")
    return filed, probes, entry.blob, settings.translation_candidates, sig


class _Raw:
    """A pipeline the script is queued on with a plain EVALSHA (see index_on)."""

    def __init__(self, index: StoryIndex, pipe):
        self.index, self.pipe = index, pipe


def _result(reply) -> IndexResult:
    status, cluster, match, jac, cont, canonical, merged, kind, flat = reply
    candidates = tuple(Candidate(_s(flat[i]), _s(flat[i + 1]), bytes.fromhex(_s(flat[i + 2])))
                       for i in range(0, len(flat), 3))
    return IndexResult(_s(status), _s(cluster), _s(match) or None, float(jac), float(cont), _s(canonical),
                       int(merged), _s(kind) or None, candidates)


def _s(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
