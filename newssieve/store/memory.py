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
from redis.cluster import RedisCluster

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
        """The server's memory; on a Redis Cluster, the masters' added up, and full when one of them is
        (its slots refuse writes), as if it were the fullest master, of the same size."""
        nodes = self._per_node("memory")
        used = [int(i.get("used_memory", 0)) - int(i.get("mem_not_counted_for_evict", 0)) for i in nodes]
        limits = [int(i.get("maxmemory", 0)) for i in nodes]
        policy = next((str(i.get("maxmemory_policy")) for i in nodes if i.get("maxmemory_policy")), "?")
        states = [MemoryState(u, limit, policy, 0) for u, limit in zip(used, limits, strict=True)]
        if any(state.full for state in states):
            fullest = max(states, key=lambda state: state.used / state.limit if state.limit else 0)
            used, limits = [fullest.used * len(nodes)], [fullest.limit * len(nodes)]
        return MemoryState(used=sum(used), limit=sum(limits) if all(limits) else 0, policy=policy,
                           oom_refusals=self._oom_refusals())

    def _per_node(self, section: str) -> list[dict]:
        """INFO `section` of the server, or of each master of a cluster."""
        if not self.keys.on_cluster:
            return [self.client.info(section)]
        return list(self.client.info(section, target_nodes=RedisCluster.PRIMARIES).values())

    def _oom_refusals(self) -> int:
        try:
            nodes = self._per_node("errorstats")  # Redis 6.2 and later
        except redis.ResponseError:
            return 0
        entries = (stats.get("errorstat_OOM") for stats in nodes)
        return sum(int(entry.get("count", 0)) for entry in entries if isinstance(entry, dict))

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
