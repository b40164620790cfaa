"""How full Redis is, and when the workers last met its `maxmemory`.

With `maxmemory` reached and the `noeviction` policy, Redis refuses every write (and every
command inside MULTI) with OOM, while reads still work. The live state comes from the
server (INFO: used and max memory, the policy, how many commands it refused with OOM);
when a worker met the limit is kept in `Keys.oom`, written once Redis takes writes again.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import redis

from newssieve.store.keys import KeyOwner


@dataclass(frozen=True)
class MemoryState:
    used: int  # bytes, as Redis counts them against maxmemory
    limit: int  # maxmemory in bytes; 0: no limit
    policy: str  # maxmemory-policy
    oom_refusals: int  # commands Redis refused with OOM since it started (or CONFIG RESETSTAT)

    @property
    def full(self) -> bool:
        """Past maxmemory: under `noeviction` writes are refused; under another policy keys are evicted."""
        return self.limit > 0 and self.used > self.limit

    def to_dict(self) -> dict:
        return asdict(self) | {"full": self.full}


class RedisMemory(KeyOwner):
    def state(self) -> MemoryState:
        info = self.client.info("memory")
        used = int(info.get("used_memory", 0)) - int(info.get("mem_not_counted_for_evict", 0))
        return MemoryState(used=used, limit=int(info.get("maxmemory", 0)),
                           policy=str(info.get("maxmemory_policy", "?")), oom_refusals=self._oom_refusals())

    def _oom_refusals(self) -> int:
        try:
            stats = self.client.info("errorstats")  # Redis 6.2 and later
        except redis.ResponseError:
            return 0
        entry = stats.get("errorstat_OOM")
        return int(entry.get("count", 0)) if isinstance(entry, dict) else 0

    def takes_writes(self) -> bool:
        """A test write: False while Redis refuses writes for lack of memory."""
        try:
            self.client.set(self.keys.write_probe, str(time.time()), ex=60)
        except redis.OutOfMemoryError:
            return False
        return True

    def record_oom(self, first: float, last: float) -> None:
        """Note that a worker met maxmemory from `first` to `last` (Unix times); a write itself."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hset(self.keys.oom, mapping={"since": first, "last_at": last})
        pipe.hincrby(self.keys.oom, "episodes", 1)
        pipe.execute()

    def last_oom(self) -> dict[str, float]:
        """{"since", "last_at", "episodes"} of the latest time a worker met maxmemory; {} when none did."""
        try:
            raw = self.client.hgetall(self.keys.oom)
        except redis.ResponseError:  # not a hash: nothing a worker wrote
            return {}
        out = {}
        for name, value in raw.items():
            try:
                out[name] = float(value)
            except ValueError:
                continue
        return out
