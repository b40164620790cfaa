"""The article body: trafilatura's main-text tree, cut into paragraphs, minus leftovers.

trafilatura finds the main content; this module turns its output tree into one
`Block` per paragraph, list item, table row or heading, then `boilerplate.py`-style
rules in `clean_rules` drop what trafilatura keeps but a reader would not call the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura import bare_extraction

_WS = re.compile(r"\s+")

# Elements that trafilatura's output uses as containers of other blocks.
_CONTAINERS = {"list", "table", "quote", "div"}
# Elements whose text is one paragraph of the article.
_LEAVES = {"p", "head", "item", "row", "code", "quote", "cell"}
# Cut before trafilatura sees the page: captions and credits are never article text.
PRUNE_XPATH = [
    "//figcaption",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' caption ')]",
]


@dataclass
class Block:
    """One paragraph-level unit of the extracted body."""

    text: str
    tag: str  # p, head, item, row, quote, code
    link_chars: int = 0  # characters of text inside links
    group: int = -1  # index of the enclosing list or table, -1 when none

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


def extract_blocks(tree: HtmlElement, url: str | None) -> list[Block]:
    """Run trafilatura on a parsed page and return its body as blocks."""
    doc = bare_extraction(
        tree,
        url=url,
        fast=True,  # skips the readability/justext comparison: faster and better on news pages
        include_comments=False,
        include_links=True,  # kept as <ref> so link density can be measured
        prune_xpath=PRUNE_XPATH,
    )
    if doc is None or doc.body is None:
        return []
    return list(_walk(doc.body))


def _walk(body: _Element):
    group = 0
    for child in body:
        if child.tag in ("list", "table"):
            group += 1
            yield from _leaves(child, group)
        else:
            yield from _leaves(child, -1)


def _leaves(el: _Element, group: int):
    """Yield one block per leaf paragraph under `el`, in document order."""
    has_block_child = any(c.tag in _LEAVES or c.tag in _CONTAINERS for c in el)
    if el.tag in _CONTAINERS and has_block_child or el.tag == "quote" and has_block_child:
        if el.text and el.text.strip():
            yield Block(_norm(el.text), "p", 0, group)
        for child in el:
            yield from _leaves(child, group)
            if child.tail and child.tail.strip():
                yield Block(_norm(child.tail), "p", 0, group)
        return
    text = _text(el)
    if text:
        links = sum(len(_norm("".join(r.itertext()))) for r in el.iter("ref"))
        yield Block(text, el.tag, min(links, len(text)), group)


def _text(el: _Element) -> str:
    """Text of one block: line breaks and table cells become spaces."""
    for node in el.iter("lb", "cell"):
        node.tail = " " + (node.tail or "")
    return _norm("".join(el.itertext()))


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()
