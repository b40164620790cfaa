"""Plain-text rendering of a deduplicated feed: one line per story, its copies under it."""

from __future__ import annotations

import time

from newssieve.feeds.matches import label


def _when(entry: dict) -> str:
    """"2026-11-30 12:00 UTC" from the entry's published time (as written in the page when no
    timestamp was derived from it), "-" when it has none."""
    ts = entry.get("published_ts")
    if isinstance(ts, int | float):
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))
    return (entry.get("published") or "")[:16].replace("T", " ") or "-"


def story_lines(entries, copies: bool = True, width: int = 100) -> list[str]:
    """Entries as FeedReader gives them with `copies=True` (their `copy_details` listed, each with how it
    matched and its language: "(translation, de)")."""
    lines = []
    for entry in entries:
        count = entry["copies"]
        suffix = f"  (+{count} cop{'y' if count == 1 else 'ies'})" if count else ""
        lines.append(f"{_when(entry)}  [{entry['site']}] {entry['title'][:width]}{suffix}")
        if copies:
            for copy in entry["copy_details"]:
                how = f"  ({label(copy)})" if label(copy) else ""
                lines.append(f"{'':22}  └ [{copy['site']}] {copy['title'][:width - 4]}{how}  {copy['url']}")
    return lines
