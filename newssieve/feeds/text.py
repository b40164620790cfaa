"""Plain-text rendering of a deduplicated feed: one line per story, its copies under it."""

from __future__ import annotations

from newssieve.feeds.matches import label


def _when(published: str | None) -> str:
    return (published or "")[:16].replace("T", " ") or "-"


def story_lines(entries, copies: bool = True, width: int = 100) -> list[str]:
    """Entries as FeedReader gives them with `copies=True` (their `copy_details` listed, each with how it
    matched and its language: "(translation, de)")."""
    lines = []
    for entry in entries:
        count = entry["copies"]
        suffix = f"  (+{count} cop{'y' if count == 1 else 'ies'})" if count else ""
        lines.append(f"{_when(entry.get('published'))}  [{entry['site']}] {entry['title'][:width]}{suffix}")
        if copies:
            for copy in entry["copy_details"]:
                how = f"  ({label(copy)})" if label(copy) else ""
                lines.append(f"{'':18}  └ [{copy['site']}] {copy['title'][:width - 4]}{how}  {copy['url']}")
    return lines
