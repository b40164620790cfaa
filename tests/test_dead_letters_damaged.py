"""A damaged dead letter is listed as unreadable; it neither breaks the listing nor gets requeued."""

from __future__ import annotations

from newssieve.store.deadletters import DeadLetters
from newssieve.store.keys import Keys
from newssieve.taskqueue import make_celery


def test_damaged_letter_is_listed_as_unreadable_and_not_requeued(client):
    letters = DeadLetters(client)
    good = letters.add("newssieve.process_page", [{"url": "http://x/1"}], "KeyError: 'html'")
    client.hset(Keys().dead, "junk", "\x80not json")
    client.zadd(Keys().dead + ":order", {"junk": 1.0})
    listed = {letter["id"]: letter for letter in letters.list()}
    assert listed[good]["error"] == "KeyError: 'html'"
    assert listed["junk"]["unreadable"] and listed["junk"]["error"] == "unreadable dead letter"
    assert letters.requeue("junk", make_celery("test")) is None
    assert letters.get("junk") is not None  # kept for an operator to look at or purge
