"""A site's paragraph counts, for its boilerplate (workers/site_boilerplate.py): on how many distinct pages
of the site each paragraph was seen, and on which while fewer than K.

Layout: BUCKETS hashes a site, `boiler:{site}:xx` (the braces are a Redis Cluster hash tag: a site's buckets
share a slot, so counting a page stays one script call), the bucket chosen by the first byte of the
paragraph's 8-byte digest, which is the field, raw:

    value = "count|id,id"  while count < K (the pages seen, for the retroactive clean-up)
            "count"        once count >= K (ids no longer needed)

Why buckets: a site's counts in one hash pass Redis's listpack limit (hash-max-listpack-entries, 512 by
default) after some 20 pages and the hash becomes a hashtable at ~100 bytes an entry; in 64 buckets they
stay listpacks up to ~32,000 entries a site, at ~40 bytes an entry (bench/memory.py).

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

# KEYS: the site's buckets a page's paragraphs fall in. ARGV: page id, K, a bucket's cap, then per paragraph
# its bucket (index into KEYS) and field. Returns {positions (1-based) of the paragraphs that are
# boilerplate, earlier pages holding one that just became so}. A page already counted is not counted again.
OBSERVE = """
local page, k, cap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local boiler, retro = {}, {}
for i = 4, #ARGV, 2 do
  local key, h = KEYS[tonumber(ARGV[i])], ARGV[i + 1]
  local value = redis.call('HGET', key, h)
  local count, ids = 0, ''
  if value then
    local bar = string.find(value, '|', 1, true)
    if bar then count, ids = tonumber(string.sub(value, 1, bar - 1)) or 0, string.sub(value, bar + 1)
    else count = tonumber(value) or 0 end
  end
  if count >= k then
    boiler[#boiler + 1] = (i - 2) / 2
  elseif not string.find(',' .. ids .. ',', ',' .. page .. ',', 1, true) then
    count = count + 1
    if count >= k then
      boiler[#boiler + 1] = (i - 2) / 2
      for id in string.gmatch(ids, '[^,]+') do retro[#retro + 1] = id end
      redis.call('HSET', key, h, tostring(count))
    elseif ids == '' then
      redis.call('HSET', key, h, count .. '|' .. page)
    else
      redis.call('HSET', key, h, count .. '|' .. ids .. ',' .. page)
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
MERGE = """
local k, written = tonumber(ARGV[1]), 0
local function parse(value)
  if not value then return 0, {} end
  local bar, ids = string.find(value, '|', 1, true), {}
  if not bar then return tonumber(value) or 0, nil end
  for id in string.gmatch(string.sub(value, bar + 1), '[^,]+') do ids[#ids + 1] = id end
  return tonumber(string.sub(value, 1, bar - 1)) or 0, ids
end
for i = 2, #ARGV, 2 do
  local c1, ids1 = parse(redis.call('HGET', KEYS[1], ARGV[i]))
  local c2, ids2 = parse(ARGV[i + 1])
  local value
  if ids1 and ids2 then
    local union, seen = {}, {}
    for _, list in ipairs({ids1, ids2}) do
      for _, id in ipairs(list) do
        if not seen[id] then seen[id] = true; union[#union + 1] = id end
      end
    end
    value = #union >= k and tostring(#union) or (#union .. '|' .. table.concat(union, ','))
  else
    value = tostring(math.max(c1 + c2, k))
  end
  redis.call('HSET', KEYS[1], ARGV[i], value)
  written = written + 1
end
return written
"""


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
        pipe.execute_command("EVALSHA", self._observe.sha, len(buckets), *buckets, page_id, self.min_pages,
                             self.bucket_cap, *args)  # not pipe.evalsha: a cluster pipeline refuses it

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
        when there are no paragraphs; NOSCRIPT is the caller's to handle, as for observe_on)."""
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
