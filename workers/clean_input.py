"""Make any string safe to parse: refuse binary data, repair common encoding damage, bound the size.

Crawled pages arrive as `str` whatever the server sent, so the damage is already done by the
time the cleaner sees them: PDF or image bytes decoded as latin-1, UTF-8 decoded as cp1252
("Ã©", "â€™"), a stray BOM, NUL bytes. Each is detected or undone here, cheaply, before lxml.
Pages above the size limit lose their scripts and styles (what makes real pages that big);
if that is not enough they are refused, so the work spent on one page stays bounded.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

MAX_HTML_CHARS = 5_000_000
"""Pages longer than this once scripts and styles are gone are refused as "too large"
(real article pages stay far below it; 5 MB of markup already costs trafilatura seconds)."""

_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"OggS")
_SAMPLE = 4096
# C0 controls other than tab/newline/form feed/carriage return, plus DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# cp1252 maps bytes 0x80-0x9f to these characters; undo that before re-reading the bytes as UTF-8.
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_CP1252_TO_LATIN1 = {
    ord(bytes([b]).decode("cp1252")): b for b in range(0x80, 0xA0) if b not in _CP1252_UNDEFINED
}
# One UTF-8 sequence read as cp1252 or latin-1: a lead byte and its continuation bytes ("Ã©", "â€™").
_CONT = "[\u0080-\u00bf" + "".join(map(chr, _CP1252_TO_LATIN1)) + "]"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}")
_MOJIBAKE_HINT = re.compile(f"[\u00c2-\u00f4]{_CONT}")  # one branch: five times faster to scan a page for
# Scripts a repaired sequence may decode to; anything else is taken for genuine latin-1 text.
_PLAUSIBLE = re.compile(
    "[\u00a0-\u024f\u0370-\u06ff\u0900-\u0eff\u2010-\u20cf\u2100-\u22ff"
    "\u3000-\u30ff\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]"
)
_HEAVY_TAGS = re.compile(
    r"<(script|style|svg|noscript|template)\b(?![^>]*application/ld\+json)[^>]*>.*?</\1\s*>", re.I | re.S
)
_DEPTH_CONTAINERS = re.compile(
    r"</?(?:div|span|section|article|aside|main|font|center|table|tbody|tr|td|li|ul|ol|b|i|em|strong)\b[^>]*>",
    re.I,
)


def sanitize(html: str, max_chars: int = MAX_HTML_CHARS) -> tuple[str, str | None]:
    """Return (html fit for parsing, None), or ("", the reason it cannot be parsed)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if not html or not html.strip():
        return "", "empty"
    if len(html) > max_chars:
        html = _HEAVY_TAGS.sub("", html)
        if len(html) > max_chars:
            return "", "too large"
    html = html.lstrip("\ufeff")
    if html.startswith("ï»¿"):  # a UTF-8 BOM read as cp1252/latin-1
        html = html[3:]
    if _looks_binary(html):
        return "", "binary"
    html = repair_mojibake(html)
    if _CONTROL.search(html):
        html = _CONTROL.sub("", html)
    return html, None


def _looks_binary(html: str) -> bool:
    """True for data that is neither markup nor text: a known file signature or many control characters."""
    if html[:16].encode("latin-1", "replace").startswith(_BINARY_MAGIC):
        return True
    sample = html[:_SAMPLE]
    controls = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    return controls > 0.05 * len(sample)


def repair_mojibake(html: str) -> str:
    """Undo UTF-8 read as cp1252 or latin-1 ("Ã©tÃ©" -> "été"), one character at a time.

    A sequence is replaced only if it decodes to a character of a common script, so genuine
    latin-1 text that happens to look like one is left alone.
    """
    if html.isascii() or not _MOJIBAKE_HINT.search(html):
        return html
    return _MOJIBAKE.sub(_repair_sequence, html)


def _repair_sequence(match: re.Match) -> str:
    seq = match.group()
    try:
        fixed = seq.translate(_CP1252_TO_LATIN1).encode("latin-1").decode("utf-8")
    except UnicodeError:
        return seq
    return fixed if _PLAUSIBLE.match(fixed) else seq


def parse(html: str) -> HtmlElement | None:
    """Parse into an lxml tree; pathologically deep markup is flattened and parsed again.

    libxml2 stops at nesting depth 256 and silently drops the rest of the page, so on that
    error the container tags are removed (their text stays) before a second parse.
    """
    tree, too_deep = _parse_once(html)
    if too_deep:
        tree, _ = _parse_once(_DEPTH_CONTAINERS.sub(" ", html))
    return tree


def _parse_once(html: str) -> tuple[HtmlElement | None, bool]:
    # A parser per call: parsers are not meant to be shared between threads, and this one
    # costs microseconds. Bytes plus an explicit encoding override any <meta charset>.
    parser = lxml.html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return None, False
    too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
    return tree, too_deep
