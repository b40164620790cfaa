"""What the reader page can narrow a feed by: words in the title and text, and the languages stored.

Search scans the feed itself, newest first, within the window retention keeps (FeedQuery.search,
bounded per page by feeds/query.py's MAX_SCAN): there is no separate index to keep in step. Words
match case- and accent-insensitively, as parts of words ("flood" finds "floods"), all of them.
"""

from __future__ import annotations

import re
import unicodedata

from newssieve.store.articles import Store

MAX_TERMS = 10
LANGUAGE_SAMPLE = 500  # newest stories of a feed whose languages the page offers


def fold(text: str) -> str:
    """Lower case without accents: "Überflutet" -> "uberflutet"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def terms(query: str) -> tuple[str, ...]:
    """The words to look for (folded, each once, at most MAX_TERMS); () for a blank query."""
    return tuple(dict.fromkeys(re.findall(r"\w+", fold(query))))[:MAX_TERMS]


def found(words: tuple[str, ...], title: str, text: str) -> bool:
    """Whether every word is in the title or the text."""
    haystack = fold(f"{title}\n{text}")
    return all(word in haystack for word in words)


def languages(store: Store, feed: str = "all") -> list[str]:
    """The languages of the newest stories of a feed, sorted (one call to Redis)."""
    ids = store.feed_ids(feed, limit=LANGUAGE_SAMPLE)
    return sorted({row["lang"] for row in store.feed_rows(ids, ("lang",)) if row and row["lang"]})
