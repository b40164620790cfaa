"""The article body: trafilatura's main-text tree, cut into paragraphs, minus leftovers.

trafilatura finds the main content; this module turns its output tree into one `Block`
per paragraph, list item, table row or heading, with the share of its text inside links.
`clean_rules` then decides which blocks are not the article after all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura import bare_extraction

_WS = re.compile(r"\s+")

# Block-level elements of trafilatura's output (TEI-like: head, list/item, table/row/cell, lb).
_BLOCKS = {"p", "head", "item", "row", "list", "table", "quote", "code", "div"}
_SENTENCE_STOP = re.compile(r"[.!?。！？…](?=\s|$)")
MENU_WORDS = 200
"""Words from which an almost unpunctuated block counts as a glued-together menu."""


@dataclass
class Block:
    """One paragraph-level unit of the extracted body."""

    text: str
    tag: str  # the trafilatura element it came from: p, head, item, row, cell, quote, code, ref
    link_chars: int = 0  # characters of text inside links
    group: int = -1  # index of the enclosing list or table, -1 when none

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


def extract_blocks(tree: HtmlElement, url: str | None) -> list[Block]:
    """Run trafilatura on a parsed page and return its body as blocks.

    trafilatura's fast path (no comparison with its readability and justext fallbacks) is
    both faster and more precise on news pages, except when it grabs a navigation menu; only
    then is the full cascade run as a second opinion.
    """
    blocks = _trafilatura_blocks(tree, url, fast=True)
    if any(_is_menu_blob(b.text) for b in blocks):
        return _trafilatura_blocks(tree, url, fast=False) or blocks
    return blocks


def _trafilatura_blocks(tree: HtmlElement, url: str | None, fast: bool) -> list[Block]:
    doc = bare_extraction(
        tree,  # copied by trafilatura, so it can be used again
        url=url,
        fast=fast,
        include_comments=False,
        include_links=True,  # kept as <ref> so link density can be measured
    )
    if doc is None or doc.body is None:
        return []
    return list(_walk(doc.body))


def _is_menu_blob(text: str) -> bool:
    """Hundreds of words with hardly a full stop: menu entries glued together, not prose."""
    n = len(text.split())
    return n >= MENU_WORDS and n >= 100 * len(_SENTENCE_STOP.findall(text))


def _walk(body: _Element):
    group = 0
    for child in body:
        if child.tag in ("list", "table"):
            group += 1
            yield from _leaves(child, group)
        else:
            yield from _leaves(child, -1)


def _leaves(el: _Element, group: int):
    """Yield one block per paragraph under `el`, in document order."""
    if not _holds_blocks(el):
        text = _text(el)
        if text:
            links = sum(len(_norm("".join(r.itertext()))) for r in el.iter("ref"))
            yield Block(text, el.tag, min(links, len(text)), group)
        return
    if el.text and el.text.strip():
        yield Block(_norm(el.text), "p", 0, group)
    for child in el:
        yield from _leaves(child, group)
        if child.tail and child.tail.strip():
            yield Block(_norm(child.tail), "p", 0, group)


def _holds_blocks(el: _Element) -> bool:
    """True when `el` contains paragraphs of its own; a table cell that does counts too
    (layout tables put a whole article in one cell)."""
    return any(c.tag in _BLOCKS or c.tag == "cell" and _holds_blocks(c) for c in el)


def _text(el: _Element) -> str:
    """Text of one block: line breaks and table cells become spaces."""
    for node in el.iter("lb", "cell"):
        node.tail = " " + (node.tail or "")
    return _norm("".join(el.itertext()))


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()
