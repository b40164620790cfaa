"""Adding an entry to the sites file as text, so the operator's comments, order and layout stay.

Pure: text in, text out. The entry is written in the file's own style (block list, flow
lists for URLs, single-quoted regexes) at the end of the `sites:` list, before whatever
top-level key follows it and the comments that lead into that key; the result is parsed
again and must hold the same sites plus the new one, or nothing is written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from newssieve.sites import parse_sites

_SITES_KEY = re.compile(r"^sites:\s*(#.*)?$")
_TOP_KEY = re.compile(r"^[^\s#-]")
_ITEM = re.compile(r"^(\s*)- ")
_YAML_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})


class SitesWriteError(Exception):
    """The entry cannot be added (the file's layout is not understood, or the result would not load)."""


def render_entry(entry: dict[str, Any], indent: int = 2, comment: str = "") -> list[str]:
    """The entry as YAML lines of a block list item indented by `indent` spaces."""
    pad = " " * indent
    lines = [f"{pad}# {line}" for line in comment.splitlines()]
    for index, (key, value) in enumerate(entry.items()):
        lead = f"{pad}- " if index == 0 else f"{pad}  "
        lines.append(f"{lead}{key}: {_value(key, value)}")
    return lines


def _value(key: str, value: Any) -> str:
    if key == "follow":
        parts = [f"{k}: [{', '.join(_regex(v) for v in value[k])}]" for k in ("allow", "deny")]
        return "{" + ", ".join([*parts, f"depth: {value['depth']}"]) + "}"
    if key == "article":
        return "[" + ", ".join(_regex(pattern) for pattern in value) + "]"
    if key == "name" and re.fullmatch(r"[a-z][a-z0-9_.-]*", value) and value not in _YAML_WORDS:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(item) for item in value) + "]"
    return json.dumps(value) if isinstance(value, str) else str(value)


def _regex(pattern: str) -> str:
    """A single-quoted YAML scalar: backslashes stay as they are, a quote is doubled."""
    return "'" + pattern.replace("'", "''") + "'"


def add_entry(text: str, entry: dict[str, Any], path: Path, comment: str = "") -> str:
    """`text` (the sites file) with `entry` appended to its `sites:` list; SitesWriteError if the entry
    would not load as written or the other sites would change."""
    before = parse_sites(text, path) if text.strip() else None
    if before is not None and entry["name"] in before.sites:
        raise SitesWriteError(f"{path}: a site named {entry['name']!r} already exists")
    lines = [("sites:" if re.fullmatch(r"sites:\s*\[\s*\]\s*", line) else line) for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if _SITES_KEY.match(line)), None)
    if start is None:
        if any(line.startswith("sites:") for line in lines):
            raise SitesWriteError(f"{path}: 'sites:' is not a block list; add the entry by hand")
        new = [*lines, *([""] if lines else []), "sites:", *render_entry(entry, 2, comment)]
    else:
        new = _inserted(lines, start, entry, comment)
    result = "\n".join(new) + "\n"
    _check(before, result, entry, path)
    return result


def _inserted(lines: list[str], start: int, entry: dict[str, Any], comment: str) -> list[str]:
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    at = end
    if end < len(lines):  # comments and blank lines just before the next key lead into it
        while at > start + 1 and (not lines[at - 1].strip() or lines[at - 1].startswith("#")):
            at -= 1
    else:
        while at > start + 1 and not lines[at - 1].strip():
            at -= 1
    items = [m.group(1) for line in lines[start + 1:end] if (m := _ITEM.match(line))]
    indent = len(items[0]) if items else 2
    block = ([""] if at > start + 1 else []) + render_entry(entry, indent, comment)
    tail = lines[at:]
    return [*lines[:at], *block, *([""] if tail and tail[0].strip() else []), *tail]


def _check(before, result: str, entry: dict[str, Any], path: Path) -> None:
    after = parse_sites(result, path)
    if entry["name"] not in after.sites:
        problems = [e for e in after.errors if f"'{entry['name']}'" in e] or after.errors
        raise SitesWriteError(f"the new entry would not load: {'; '.join(problems) or 'not found'}")
    if before is not None:
        same = {name: site for name, site in after.sites.items() if name != entry["name"]}
        if same != before.sites or after.feeds != before.feeds or after.errors != before.errors:
            raise SitesWriteError(f"{path}: adding the entry would change other entries; add it by hand")
