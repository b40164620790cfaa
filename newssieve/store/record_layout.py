"""How an article record lays its fields out in the hash: the text once, compressed, and nothing
stored that can be derived.

Layout 2 (written since issue 18): `body` holds the paragraphs, a JSON list compressed with brotli
(raw bytes in Redis: base64 or base85 would cost a quarter to a third more); the text is derived
from them ("\\n".join) for every reader. Optional fields that are empty are not stored (they read back
as before), nor `canonical_url` when it is the URL.
Layout 1 (older records, still read; `newssieve migrate` rewrites them): `text` as stored and
`paragraphs` as a JSON list, both plain, and every field stored even when empty.

Values come in as Redis returns them: bytes (read with NEVER_DECODE, so the body's bytes arrive
intact) or str (from a client that decodes, or from feed_rows.lua's JSON reply decoded with
surrogateescape); `text_value` and `body_bytes` turn them into text and bytes.
"""

from __future__ import annotations

import json

import brotli

BODY = "body"
LEGACY = ("text", "paragraphs")
"""Layout 1's copies of the text: removed when a record is written or migrated."""
OMITTED_WHEN_EMPTY = ("published", "lang", "site_name", "empty_reason")
BODY_QUALITY = 6
"""Brotli quality: on the benchmark's 119 news pages 6 stores 1.96 KB a text (5.0 KB) at 0.4 ms,
10 1.69 KB at ~6 ms, 11 1.65 KB at 14 ms; decompressing takes 0.1 ms. 6: the 14 % smaller body of
10 would cost half the time it takes to clean a page (issue 15's throughput targets)."""


def text_value(value: bytes | str | None) -> str | None:
    """A stored value as text; ValueError when its bytes are not UTF-8 (a damaged record)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if value is not None and not value.isascii():
        value.encode("utf-8")  # a lone surrogate (bytes that were not UTF-8) raises UnicodeEncodeError
    return value


def body_bytes(value: bytes | str | None) -> bytes | None:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    return value


def encode_body(text: str, paragraphs: list[str]) -> bytes | None:
    """The compressed paragraphs (None for an article without text). Paragraphs that do not join into
    the text (not written by the cleaner) are replaced by the text's lines, so the text stays exact."""
    if not text and not paragraphs:
        return None
    if "\n".join(paragraphs) != text:
        paragraphs = text.split("\n")
    return brotli.compress(json.dumps(paragraphs, ensure_ascii=False).encode("utf-8"), quality=BODY_QUALITY)


def decode_body(value: bytes | str | None) -> list[str] | None:
    """The paragraphs of a stored body; None when there is none; ValueError when it is damaged."""
    data = body_bytes(value)
    if not data:
        return None
    try:
        items = json.loads(brotli.decompress(data))
    except brotli.error as exc:
        raise ValueError(f"body does not decompress: {exc}") from None
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError("body is not a list of paragraphs")
    return items


def compact(fields: dict[str, object]) -> tuple[dict[str, object], list[str]]:
    """A layout-2 record from all its values: (the fields to set, the fields to delete)."""
    dropped = [name for name in OMITTED_WHEN_EMPTY if fields.get(name) in ("", None)]
    if fields.get("canonical_url") == fields.get("url"):
        dropped.append("canonical_url")
    if fields.get(BODY) is None:
        dropped.append(BODY)
    kept = {name: value for name, value in fields.items() if name not in dropped}
    return kept, [*LEGACY, *dropped]
