"""A site's paragraph counts, for its boilerplate (workers/site_boilerplate.py): on how many distinct pages
of the site each paragraph was seen, and on which while fewer than K.

Layout: BUCKETS hashes a site, `boiler:{site}:xx` (the braces are a Redis Cluster hash tag: a site's buckets
share a slot, so counting a page stays one script call), the bucket chosen by the first byte of the
paragraph's 8-byte digest, which is the field, raw:

    value = "count|" + ids  while count < K: the pages seen, for the retroactive clean-up, each id its 10
                            raw bytes (an article id is 20 hex digits), one after the other
            "count"         once count >= K (ids no longer needed)

Raw ids keep a paragraph seen on one page at ~30 bytes instead of ~42 (hex ids), and such paragraphs are
most of a site's counts (bench/memory.py). Only the scripts read the values. Values written before, with
hex ids separated by commas, are read as well and rewritten raw when next counted.

Why buckets: a site's counts in one hash pass Redis's listpack limit (hash-max-listpack-entries, 512 by
default) after some 20 pages and the hash becomes a hashtable at ~100 bytes an entry; in 64 buckets they
stay listpacks up to ~32,000 entries a site, at ~30 bytes an entry (bench/memory.py).

Bounded: a bucket past its share of the site's cap forgets its oldest paragraphs seen on one page only
(a listpack keeps its fields in the order they came), down to half its share, in the same call.

Counts of the older layout (one hash a site, `boiler:site`, hex fields) are moved over by
`newssieve migrate` (`migrate_legacy`); until then they are not read: a site relearns its boilerplate.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import cached_property

import redis

from newssieve.redis_conn import register_script
from newssieve.store.keys import KeyOwner

BUCKETS = 64

ID_BYTES = 10  # an article id's digest (newssieve.ids.article_id: 20 hex digits)

# The ids of a value, read by both scripts: raw (this layout), or hex and comma-separated (values written
# before): `ids_of` gives them raw, `hex` turns one back into an article id.
IDS = """
local ID = 10
local function ids_of(rest)
  if (#rest + 1) % (2 * ID + 1) == 0 and not string.find(rest, '[^0-9a-f,]') then
    local joined = string.gsub(rest, ',', '')
    return (string.gsub(joined, '%x%x', function(h) return string.char(tonumber(h, 16)) end))
  end
  return rest
end
local function parse(value)
  if not value then return 0, '' end
  local bar = string.find(value, '|', 1, true)
  if not bar then return tonumber(value) or 0, nil end
  return tonumber(string.sub(value, 1, bar - 1)) or 0, ids_of(string.sub(value, bar + 1))
end
local function holds(ids, id)
  for i = 1, #ids, ID do
    if string.sub(ids, i, i + ID - 1) == id then return true end
  end
  return false
end
local function hex(id)
  return (string.gsub(id, '.', function(c) return string.format('%02x', string.byte(c)) end))
end
"""

# KEYS: the site's buckets a page's paragraphs fall in. ARGV: page id (raw), K, a bucket's cap, then per
# paragraph its bucket (index into KEYS) and field. Returns {positions (1-based) of the paragraphs that are
# boilerplate, earlier pages (hex ids) holding one that just became so}. A page already counted is not
# counted again.
OBSERVE = IDS + """
local page, k, cap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local boiler, retro = {}, {}
for i = 4, #ARGV, 2 do
  local key, h = KEYS[tonumber(ARGV[i])], ARGV[i + 1]
  local count, ids = parse(redis.call('HGET', key, h))
  ids = ids or ''
  if count >= k then
    boiler[#boiler + 1] = (i - 2) / 2
  elseif not holds(ids, page) then
    count = count + 1
    if count >= k then
      boiler[#boiler + 1] = (i - 2) / 2
      for j = 1, #ids, ID do retro[#retro + 1] = hex(string.sub(ids, j, j + ID - 1)) end
      redis.call('HSET', key, h, tostring(count))
    else
      redis.call('HSET', key, h, count .. '|' .. ids .. page)
    end
  end
end
for _, key in ipairs(KEYS) do
  local size = redis.call('HLEN', key)
  if size > cap then
    local flat, gone, over = redis.call('HGETALL', key), {}, size - math.floor(cap / 2)
    for j = 1, #flat, 2 do
      if #gone >= over then break end
      if string.sub(flat[j + 1], 1, 2) == '1|' then gone[#gone + 1] = flat[j] end
    end
    if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
  end
end
return {boiler, retro}
"""

# KEYS: the site's buckets the paragraphs fall in. ARGV: K, then per paragraph its bucket (index into KEYS)
# and field. Returns the positions (1-based) of the paragraphs that are boilerplate now; counts nothing.
# One call a page instead of one HMGET a bucket (~16 on a news page): the worker's commit round trip sends
# half the commands, and packing and parsing commands is most of what a round trip costs the client.
RECHECK = """
local k, found = tonumber(ARGV[1]), {}
for i = 2, #ARGV, 2 do
  local value = redis.call('HGET', KEYS[tonumber(ARGV[i])], ARGV[i + 1])
  if value then
    local bar = string.find(value, '|', 1, true)
    if (tonumber(bar and string.sub(value, 1, bar - 1) or value) or 0) >= k then found[#found + 1] = i / 2 end
  end
end
return found
"""

# KEYS[1] a bucket; ARGV: K, then (field, value of the older layout) pairs. Each is added to what the bucket
# holds for that field: the pages listed in both are counted once (a count that reaches K here cleans no
# earlier page again). Returns how many fields it wrote.
MERGE = IDS + """
local k, written = tonumber(ARGV[1]), 0
for i = 2, #ARGV, 2 do
  local c1, ids1 = parse(redis.call('HGET', KEYS[1], ARGV[i]))
  local c2, ids2 = parse(ARGV[i + 1])
  local value
  if ids1 and ids2 then
    local union = ids1
    for j = 1, #ids2, ID do
      local id = string.sub(ids2, j, j + ID - 1)
      if not holds(union, id) then union = union .. id end
    end
    local n = math.ceil(#union / ID)
    value = n >= k and tostring(n) or (n .. '|' .. union)
  else
    value = tostring(math.max(c1 + c2, k))
  end
  redis.call('HSET', KEYS[1], ARGV[i], value)
  written = written + 1
end
return written
"""


def raw_id(page_id: str) -> bytes:
    """An article id as the raw bytes the counts keep; ValueError for anything else."""
    try:
        raw = bytes.fromhex(page_id)
    except ValueError:
        raw = b""
    if len(raw) != ID_BYTES or len(page_id) != 2 * ID_BYTES:
        raise ValueError(f"a page is counted by its article id (20 hex digits), not {page_id!r}")
    return raw


def field_of(paragraph_key: str) -> bytes:
    """The hash field of a paragraph key (the hex of its 8-byte digest): the digest itself."""
    return bytes.fromhex(paragraph_key)


@dataclass(frozen=True)
class Recheck:
    """A RECHECK call queued on a caller's pipeline (none when there were no paragraphs): the paragraph keys
    it asked about, in order."""

    asked: tuple[str, ...] = ()

    @property
    def commands(self) -> int:
        return 1 if self.asked else 0


@dataclass
class LegacyReport:
    sites: int = 0  # hashes of the older layout (one a site)
    entries: int = 0  # paragraphs counted in them
    moved: int = 0  # with --apply; without it, those that would be
    damaged: list[str] = dataclasses.field(default_factory=list)  # hashes not UTF-8 (left as they are)


class ParagraphCounts(KeyOwner):
    def __init__(self, client: redis.Redis | None = None, prefix: str | None = None, min_pages: int = 3,
                 max_entries: int = 20_000):
        super().__init__(client, prefix)
        self.min_pages = min_pages
        self.bucket_cap = max(2, math.ceil(max_entries / BUCKETS))
        self._observe = register_script(self.client, OBSERVE)
        self._recheck = register_script(self.client, RECHECK)

    def place(self, site: str, paragraph_key: str) -> tuple[str, bytes]:
        """(key, field) where a site's count of a paragraph lives."""
        field = field_of(paragraph_key)
        return self.keys.boiler(site, field[0] % BUCKETS), field

    def _placed(self, site: str, paragraph_keys: list[str]) -> tuple[list[str], list]:
        """A script's KEYS (the buckets the paragraphs fall in) and its (bucket index, field) arguments."""
        places = [self.place(site, key) for key in paragraph_keys]
        buckets = list(dict.fromkeys(key for key, _ in places))
        at = {key: n for n, key in enumerate(buckets, 1)}
        return buckets, [item for key, field in places for item in (at[key], field)]

    def observe_on(self, pipe, site: str, page_id: str, paragraph_keys: list[str]) -> None:
        """Queue the count of a page's (distinct) paragraphs on `pipe`; its reply goes to `observed`."""
        buckets, args = self._placed(site, paragraph_keys)
        pipe.execute_command("EVALSHA", self._observe.sha, len(buckets), *buckets, raw_id(page_id),
                             self.min_pages, self.bucket_cap, *args)  # not pipe.evalsha (see recheck_on)

    def load_scripts(self) -> None:
        """After NOSCRIPT (a restarted Redis): counting is once per page, so the calls may run again."""
        self._observe.sha = self.client.script_load(OBSERVE)
        self._recheck.sha = self.client.script_load(RECHECK)

    @staticmethod
    def observed(paragraph_keys: list[str], reply) -> tuple[frozenset[str], list[str]]:
        """(paragraph keys that are boilerplate, earlier pages to clean again) of an `observe_on` reply."""
        positions, retro = reply
        return frozenset(paragraph_keys[int(n) - 1] for n in positions), list(retro)

    def recheck_on(self, pipe, site: str, paragraph_keys: list[str]) -> Recheck:
        """Queue, on the caller's pipeline, the call that tells which paragraphs are boilerplate now (none
        when there are no paragraphs). A plain EVALSHA: a cluster pipeline refuses pipe.evalsha; NOSCRIPT is
        the caller's to handle."""
        if not paragraph_keys:
            return Recheck()
        buckets, args = self._placed(site, paragraph_keys)
        pipe.execute_command("EVALSHA", self._recheck.sha, len(buckets), *buckets, self.min_pages, *args)
        return Recheck(tuple(paragraph_keys))

    @staticmethod
    def recheck_result(recheck: Recheck, replies: list) -> frozenset[str]:
        """The paragraph keys that are boilerplate now, from the `commands` replies of a recheck_on call."""
        return frozenset(recheck.asked[int(n) - 1] for reply in replies for n in reply)

    def migrate_legacy(self, apply: bool = False, batch: int = 500) -> LegacyReport:
        """Move the counts of the older layout into the buckets (adding to what is there), and delete the
        older hashes; without `apply`, only count them. Idempotent: a moved hash is gone."""
        report = LegacyReport()
        prefix = self.keys.boiler_family
        pattern = prefix.replace("[", "\\[").replace("?", "\\?").replace("*", "\\*") + "*"
        for key in self.client.scan_iter(match=pattern, count=batch):
            if key[len(prefix):].startswith("{") or self.client.type(key) != "hash":
                continue
            try:
                entries = self.client.hgetall(key)
            except UnicodeDecodeError:  # not what a worker wrote: left as it is, and said
                report.damaged.append(key)
                continue
            report.sites += 1
            report.entries += len(entries)
            if apply:
                report.moved += self._merge(key[len(prefix):], entries)
                self.client.delete(key)
            else:
                report.moved += sum(_is_hex_key(field) for field in entries)
        return report

    def _merge(self, site: str, entries: dict[str, str]) -> int:
        by_bucket: dict[str, list[bytes | str]] = {}
        for paragraph_key, value in entries.items():
            if _is_hex_key(paragraph_key):
                key, field = self.place(site, paragraph_key)
                by_bucket.setdefault(key, []).extend((field, value))
        return sum(self._merge_script(keys=[key], args=[self.min_pages, *pairs])
                   for key, pairs in by_bucket.items())

    @cached_property
    def _merge_script(self):
        return self.client.register_script(MERGE)


def _is_hex_key(field: str) -> bool:
    return len(field) == 16 and all(c in "0123456789abcdef" for c in field)
