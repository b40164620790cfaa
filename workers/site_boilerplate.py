"""Site-level boilerplate: a paragraph found on K distinct pages of one site is not the article.

Single-page extractors cannot tell an author bio written as plain paragraphs,
or a recurring "see also" line, from the story; across a site's pages they
repeat. Counts are per site (a paragraph shared by different sites is
syndication, not boilerplate), in one Redis hash per site:

    field = hash of the normalised paragraph
    value = "count|id,id"  while count < K (the pages seen, for the retroactive clean-up)
            "count"        once count >= K (ids no longer needed)

so an entry never holds more than K-1 ids. Unique paragraphs (count 1) are
pruned when a site's hash grows past its cap, which bounds memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import redis

from newssieve.store.keys import Keys
from workers.fingerprint import words

OBSERVE = """
local key, page, k = KEYS[1], ARGV[1], tonumber(ARGV[2])
local boiler, retro = {}, {}
for i = 3, #ARGV do
  local h = ARGV[i]
  local value = redis.call('HGET', key, h)
  local count, ids = 0, ''
  if value then
    local bar = string.find(value, '|', 1, true)
    if bar then count, ids = tonumber(string.sub(value, 1, bar - 1)), string.sub(value, bar + 1)
    else count = tonumber(value) end
  end
  if count >= k then
    boiler[#boiler + 1] = h
  elseif not string.find(',' .. ids .. ',', ',' .. page .. ',', 1, true) then
    count = count + 1
    if count >= k then
      boiler[#boiler + 1] = h
      for id in string.gmatch(ids, '[^,]+') do retro[#retro + 1] = id end
      redis.call('HSET', key, h, tostring(count))
    elseif ids == '' then
      redis.call('HSET', key, h, count .. '|' .. page)
    else
      redis.call('HSET', key, h, count .. '|' .. ids .. ',' .. page)
    end
  end
end
return {boiler, retro}
"""


def paragraph_key(paragraph: str) -> str:
    """Hash of a paragraph after normalisation (case, punctuation and spacing do not count)."""
    return hashlib.blake2b(" ".join(words(paragraph)).encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Observation:
    boilerplate: frozenset[str]  # paragraph keys of this page that are the site's boilerplate
    retro_pages: tuple[str, ...]  # earlier pages that held a paragraph which just became boilerplate


class SiteBoilerplate:
    def __init__(self, client: redis.Redis, keys: Keys, min_pages: int = 3, max_entries: int = 200_000):
        self.client = client
        self.keys = keys
        self.min_pages = min_pages
        self.max_entries = max_entries
        self._observe = client.register_script(OBSERVE)

    def observe(self, site: str, page_id: str, paragraphs: list[str]) -> Observation:
        """Count this page's paragraphs for its site (once per page) and say which are boilerplate."""
        hashes = sorted({paragraph_key(p) for p in paragraphs})
        if not hashes:
            return Observation(frozenset(), ())
        boiler, retro = self._observe(keys=[self.keys.boiler(site)], args=[page_id, self.min_pages, *hashes])
        self._prune_if_over_cap(site)
        return Observation(frozenset(boiler), tuple(r for r in retro if r != page_id))

    def boilerplate_of(self, site: str, paragraphs: list[str]) -> frozenset[str]:
        """Which of these paragraphs are boilerplate now (no counting)."""
        hashes = [paragraph_key(p) for p in paragraphs]
        if not hashes:
            return frozenset()
        values = self.client.hmget(self.keys.boiler(site), hashes)
        return frozenset(h for h, v in zip(hashes, values, strict=True)
                         if v is not None and int(v.split("|", 1)[0]) >= self.min_pages)

    def _prune_if_over_cap(self, site: str) -> None:
        key = self.keys.boiler(site)
        if self.client.hlen(key) <= self.max_entries:
            return
        singles = [field for field, value in self.client.hscan_iter(key, count=1000)
                   if value.startswith("1|")]
        for start in range(0, len(singles), 1000):
            self.client.hdel(key, *singles[start:start + 1000])


def without(paragraphs: list[str], boilerplate: frozenset[str]) -> list[str]:
    return [p for p in paragraphs if paragraph_key(p) not in boilerplate]
