"""Site-level boilerplate: a paragraph found on K distinct pages of one site is not the article.

Single-page extractors cannot tell an author bio written as plain paragraphs,
or a recurring "see also" line, from the story; across a site's pages they
repeat. Counts are per site (a paragraph shared by different sites is
syndication, not boilerplate), in one Redis hash per site:

    field = hash of the normalised paragraph
    value = "count|id,id"  while count < K (the pages seen, for the retroactive clean-up)
            "count"        once count >= K (ids no longer needed)

so an entry never holds more than K-1 ids. Unique paragraphs (count 1) are
pruned when a site's hash grows past its cap, which bounds memory (the script returns the hash's
size, so checking the cap costs no round trip).

The worker observes all the pages of a batch in one round trip (`observe_many`), and asks which
paragraphs are boilerplate now (`boilerplate_of`) in the round trip that stores the page
(`recheck_on` / `recheck_result`).
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
return {boiler, retro, redis.call('HLEN', key)}
"""


def paragraph_key(paragraph: str) -> str:
    """Hash of a paragraph after normalisation (case, punctuation and spacing do not count)."""
    return hashlib.blake2b(" ".join(words(paragraph)).encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Observation:
    boilerplate: frozenset[str]  # paragraph keys of this page that are the site's boilerplate
    retro_pages: tuple[str, ...]  # earlier pages that held a paragraph which just became boilerplate


class SiteBoilerplate:
    def __init__(self, client: redis.Redis, keys: Keys, min_pages: int = 3, max_entries: int = 20_000):
        self.client = client
        self.keys = keys
        self.min_pages = min_pages
        self.max_entries = max_entries
        self._observe = client.register_script(OBSERVE)

    def observe(self, site: str, page_id: str, paragraphs: list[str]) -> Observation:
        """Count this page's paragraphs for its site (once per page) and say which are boilerplate."""
        return self.observe_many([(site, page_id, paragraphs)])[0]

    def observe_many(self, pages: list[tuple[str, str, list[str]]]) -> list[Observation]:
        """observe() each (site, page id, paragraphs), in order, in one round trip (each page's count is
        one atomic script call, as observe()'s)."""
        calls = [(site, page_id, sorted({paragraph_key(p) for p in paragraphs}))
                 for site, page_id, paragraphs in pages]
        wanted = [call for call in calls if call[2]]
        replies = iter(self._observe_calls(wanted) if wanted else [])
        out, over = [], set()
        for site, page_id, hashes in calls:
            if not hashes:
                out.append(Observation(frozenset(), ()))
                continue
            boiler, retro, size = next(replies)
            if int(size) > self.max_entries:
                over.add(site)
            out.append(Observation(frozenset(boiler), tuple(r for r in retro if r != page_id)))
        for site in sorted(over):
            self._prune_if_over_cap(site)
        return out

    def _observe_calls(self, calls: list[tuple[str, str, list[str]]]) -> list:
        for attempt in (1, 2):
            pipe = self.client.pipeline(transaction=False)
            for site, page_id, hashes in calls:
                pipe.evalsha(self._observe.sha, 1, self.keys.boiler(site), page_id, self.min_pages, *hashes)
            replies = pipe.execute(raise_on_error=False)
            if attempt == 1 and any(isinstance(r, redis.exceptions.NoScriptError) for r in replies):
                self._observe.sha = self.client.script_load(OBSERVE)  # a restarted Redis: counting is
                continue  # once per page, so the calls that did run may run again
            for reply in replies:
                if isinstance(reply, Exception):
                    raise reply
            return replies
        raise AssertionError("unreachable")

    def boilerplate_of(self, site: str, paragraphs: list[str]) -> frozenset[str]:
        """Which of these paragraphs are boilerplate now (no counting)."""
        hashes = [paragraph_key(p) for p in paragraphs]
        if not hashes:
            return frozenset()
        return self.recheck_result(hashes, self.client.hmget(self.keys.boiler(site), hashes))

    def recheck_on(self, pipe, site: str, paragraphs: list[str]) -> list[str]:
        """boilerplate_of(), queued on the caller's pipeline: returns the hashes to give recheck_result with
        the reply (no command when there are no paragraphs: then the reply is not read)."""
        hashes = [paragraph_key(p) for p in paragraphs]
        if hashes:
            pipe.hmget(self.keys.boiler(site), hashes)
        return hashes

    def recheck_result(self, hashes: list[str], values: list[str | None]) -> frozenset[str]:
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
