"""The broker's keys under our prefix (kombu's Redis transport) and the types they must have.

A queue list, the unacknowledged messages' hash or index, or a binding set of another type
(a key written by something else) makes every broker command on it fail with WRONGTYPE:
no worker can take messages until it is deleted or renamed. This names such keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from newssieve.store.keys import Keys


@dataclass(frozen=True)
class WrongType:
    key: str
    found: str
    expected: str
    role: str

    def describe(self) -> str:
        return (f"Redis key {self.key!r} holds a {self.found} where {self.role} (a {self.expected}) is kept: "
                "no worker can take messages until it is deleted or renamed")


def expected_types(keys: Keys, queues: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """key -> (Redis type, what it is) for every broker key of the given queues."""
    out = {keys.unacked: ("hash", "the unacknowledged messages"),
           keys.unacked_index: ("zset", "the index of unacknowledged messages")}
    for queue in queues:
        out |= {name: ("list", f"the {queue} queue") for name in keys.queue_lists(queue)}
        out[keys.binding(queue)] = ("set", f"the {queue} queue's bindings")
    return out


def wrong_types(client, keys: Keys, queues: tuple[str, ...]) -> list[WrongType]:
    """The broker keys that exist with another type than kombu's (missing keys are fine)."""
    expected = expected_types(keys, queues)
    pipe = client.pipeline(transaction=False)
    for key in expected:
        pipe.type(key)
    found = dict(zip(expected, pipe.execute(), strict=True))
    return [WrongType(key, kind, expected[key][0], expected[key][1])
            for key, kind in found.items() if kind not in ("none", expected[key][0])]
