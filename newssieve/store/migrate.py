"""Rewriting article records of the older layout (text and paragraphs plain) in the current one
(store/record_layout.py): `newssieve migrate`.

Safe while workers run: the records are walked with SCAN in batches, and each rewrite is one Lua
call that first checks that every field it changes still holds what was read (a worker that stored
the article again in between wins; the record is counted as skipped, and needs no rewrite).
Idempotent: a record without `text` or `paragraphs` is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

import redis
from redis.client import NEVER_DECODE

from newssieve.store.keys import KeyOwner
from newssieve.store.record_layout import BODY, LEGACY, OMITTED_WHEN_EMPTY, compact, encode_body

READ = (*LEGACY, BODY, "url", "canonical_url", *OMITTED_WHEN_EMPTY)
"""The fields a rewrite reads: those it may set or delete, and the URL that canonical_url may equal."""

# KEYS[1] the article hash; ARGV: n, then n (field, expected) pairs -- expected is "=" .. value, or "-"
# for a field that was absent -- then the fields to delete, "", then (field, value) pairs to set.
# Returns 1 when rewritten, 0 when a field changed since it was read.
REWRITE = """
local key, n = KEYS[1], tonumber(ARGV[1])
for i = 2, 2 * n, 2 do
  local now = redis.call('HGET', key, ARGV[i])
  local want = ARGV[i + 1]
  if (now == false and want ~= '-') or (now ~= false and want ~= '=' .. now) then return 0 end
end
local at = 2 * n + 2
local dropped = {}
while ARGV[at] ~= '' do dropped[#dropped + 1] = ARGV[at]; at = at + 1 end
if #dropped > 0 then redis.call('HDEL', key, unpack(dropped)) end
if at < #ARGV then redis.call('HSET', key, unpack(ARGV, at + 1)) end
return 1
"""


@dataclass
class MigrationReport:
    scanned: int = 0  # article records seen
    old: int = 0  # in the older layout
    rewritten: int = 0  # with --apply; without it, those that would be
    skipped: int = 0  # changed by a worker between the read and the rewrite
    damaged: int = 0  # whose text is not UTF-8 or whose paragraphs are not a JSON list (left as they are)
    bytes_before: int = 0  # of the fields rewritten, in the older records
    bytes_after: int = 0


class Migration(KeyOwner):
    def run(self, apply: bool = False, batch: int = 500) -> MigrationReport:
        """Walk every article record; rewrite the old ones when `apply`, else only count them."""
        report = MigrationReport()
        pattern = self.keys.article("*").replace("[", "\\[").replace("?", "\\?")
        cursor = None
        while cursor != 0:
            cursor, keys = self.client.scan(cursor or 0, match=pattern, count=batch)
            report.scanned += len(keys)
            self._batch(keys, apply, report)
        return report

    def read(self, keys: list[str]) -> list[list[bytes | None] | None]:
        """The READ fields of each record as stored (None for a key that is not a hash)."""
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.execute_command("HMGET", key, *READ, **{NEVER_DECODE: True})
        return [None if isinstance(values, redis.ResponseError) else values
                for values in pipe.execute(raise_on_error=False)]

    def rewrite_if_unchanged(self, key: str, values: list[bytes | None]) -> tuple[bool, int]:
        """Rewrite one older record read as `values`, unless a field changed since: (rewritten, body bytes).
        ValueError when the record is damaged."""
        kept, dropped = rewrite(dict(zip(READ, values, strict=True)))
        checks = [item for name, value in zip(READ, values, strict=True)
                  for item in (name, b"-" if value is None else b"=" + value)]
        sets = [item for pair in kept.items() for item in pair]
        done = self._rewrite(keys=[key], args=[len(READ), *checks, *dropped, "", *sets])
        return bool(done), len(kept.get(BODY) or b"")

    @cached_property
    def _rewrite(self):
        return self.client.register_script(REWRITE)

    def _batch(self, keys: list[str], apply: bool, report: MigrationReport) -> None:
        for key, values in zip(keys, self.read(keys), strict=True):
            if values is None or (values[0] is None and values[1] is None):
                continue  # not a hash (DataErrors reports it when it is read), or already migrated
            report.old += 1
            try:
                if apply:
                    done, body = self.rewrite_if_unchanged(key, values)
                else:
                    done, body = True, len(rewrite(dict(zip(READ, values, strict=True)))[0].get(BODY) or b"")
            except (ValueError, TypeError):
                report.damaged += 1
                continue
            if not done:
                report.skipped += 1
                continue
            report.rewritten += 1
            report.bytes_before += sum(len(value or b"") for value in values[:2])
            report.bytes_after += body


def rewrite(raw: dict[str, bytes | None]) -> tuple[dict[str, object], list[str]]:
    """An older record's values (those of READ) as (fields to set, fields to delete)."""
    text = (raw["text"] or b"").decode("utf-8")
    paragraphs = json.loads(raw["paragraphs"] or b"[]")
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise ValueError("paragraphs are not a JSON list of strings")
    fields = {name: (raw[name] or b"").decode("utf-8") for name in READ if name not in (*LEGACY, BODY)}
    fields[BODY] = encode_body(text or "\n".join(paragraphs), paragraphs)
    kept, dropped = compact(fields)
    # only what changes: the body, and the fields to delete that are there
    return {BODY: kept[BODY]} if BODY in kept else {}, [name for name in dropped if raw.get(name) is not None]
