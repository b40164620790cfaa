"""The article body: trafilatura's main-text tree, cut into paragraphs, minus leftovers.

trafilatura finds the main content (with a second opinion when its fast path's choice is
doubtful); this module turns its output tree into one `Block` per paragraph, list item, table
row or heading, with the share of its text inside links, in one canonical Unicode form.
`clean_rules` then decides which blocks are not the article after all.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass

from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.external import try_readability

_WS = re.compile(r"\s+")
# Format characters that render as nothing: soft hyphen, zero-width space/joiners, word joiner, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")

# Block-level elements of trafilatura's output (TEI-like: head, list/item, table/row/cell, lb).
_BLOCKS = {"p", "head", "item", "row", "list", "table", "quote", "code", "div"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HTML_BLOCKS = ("p", "li", "tr", "dd", "dt", "blockquote", "pre", *_HEADINGS)
_SENTENCE_STOP = re.compile(r"[.!?。！？…](?=\s|$)")
MENU_WORDS = 200
"""Words from which an almost unpunctuated block counts as a glued-together menu."""
MIN_WORDS = 100
"""Below this many words the fast path's choice is doubtful (a news brief has more)."""
MIN_TITLE_SHARE = 0.5
"""An article body names at least half of its title's content words; below that the text taken
may be a box about another subject."""
MIN_REST_WORDS = 40
"""What readability leaves once the box is taken out must be an article, not a headline and byline."""
_WORD = re.compile(r"\w+")


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


def extract_blocks(tree: HtmlElement, url: str | None, title: str = "") -> list[Block]:
    """Run trafilatura on a parsed page and return its body as blocks.

    trafilatura's fast path (no comparison with its readability and justext fallbacks) is
    both faster and more precise on news pages, but it can grab a navigation menu, or a box
    about another subject when the article is short. When its choice is doubtful (little text,
    or text that names little of the title) the full cascade gives a second opinion and the
    text that names more of the title wins; when neither names any of it, readability's text
    less the box they took is the article.
    """
    blocks = _trafilatura_blocks(tree, url, fast=True)
    if any(_is_menu_blob(b.text) for b in blocks):
        return _trafilatura_blocks(tree, url, fast=False) or blocks
    keys = title_keys(title)
    if not _doubtful(blocks, keys):
        return blocks
    chosen = _likelier_article([blocks, _trafilatura_blocks(tree, url, fast=False)], keys)
    if len(keys) >= 3 and title_share(chosen, keys) == 0:
        # Neither of trafilatura's texts names a word of the title: both took a box about another
        # subject. readability's text, less that box, is the article if it names the title.
        rest = _without(_readability_blocks(tree), chosen)
        article_like = _words([b for b in rest if b.tag != "head"]) >= MIN_REST_WORDS
        return rest if article_like and title_share(rest, keys) >= MIN_TITLE_SHARE else chosen
    return chosen


def title_keys(title: str) -> set[str]:
    """The title's content words, cut to a stem (first 5 letters) so that inflections still match."""
    return {w[:5] for w in _WORD.findall(title.casefold()) if len(w) >= 4}


def title_share(blocks: list[Block], keys: set[str]) -> float:
    """Share of the title's words that the blocks' text contains (1.0 when the title has none).

    Headings do not count: a text that holds the headline itself (readability keeps the h1)
    proves nothing by naming the title; an article's paragraphs speak of its subject.
    """
    if not keys:
        return 1.0
    found = {w[:5] for b in blocks if b.tag != "head" for w in _WORD.findall(b.text.casefold())
             if len(w) >= 4}
    return len(keys & found) / len(keys)


def _doubtful(blocks: list[Block], keys: set[str]) -> bool:
    """Little text, or text that does not speak of what the title names."""
    return _words(blocks) < MIN_WORDS or title_share(blocks, keys) < MIN_TITLE_SHARE


def _likelier_article(candidates: list[list[Block]], keys: set[str]) -> list[Block]:
    """The candidate covering most of the title; among equals the first (the most precise
    method), unless it is a stub and a later one has at least twice its text."""
    candidates = [c for c in candidates if c] or [[]]
    best = max(title_share(c, keys) for c in candidates)
    tied = [c for c in candidates if title_share(c, keys) == best]
    first = tied[0]
    if _words(first) < MIN_WORDS:
        return next((c for c in tied[1:] if _words(c) >= 2 * _words(first)), first)
    return first


def _without(blocks: list[Block], box: list[Block]) -> list[Block]:
    off = {b.text for b in box}
    return [b for b in blocks if b.text not in off]


def _readability_blocks(tree: HtmlElement) -> list[Block]:
    """readability's main text (the copy bundled with trafilatura) as blocks: one per leaf
    paragraph, heading, list item or table row of its output, and one per run of text loose in a
    container (readability keeps a div's own text, which is often the article's)."""
    summary = try_readability(copy.deepcopy(tree))
    return list(_html_leaves(summary))


def _html_leaves(root: _Element):
    """Blocks of an HTML subtree in document order: an element holding no block element (nor a
    div) is one block; a container's own text, with the inline elements and tails up to its next
    block child, is one too. Iterative, so that deep nesting costs no recursion."""
    holds: dict[_Element, bool] = {}  # element -> it contains a block element

    def is_block(el: _Element) -> bool:
        return isinstance(el.tag, str) and (el.tag in _HTML_BLOCKS or el.tag == "div" or holds[el])

    for el in reversed(list(root.iter())):  # children before parents
        holds[el] = any(is_block(c) for c in el)
    stack: list = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, Block):
            yield item
            continue
        if not isinstance(item.tag, str):
            continue
        if not holds[item]:
            text = _norm(item.text_content())
            if text:
                links = sum(len(_norm(a.text_content())) for a in item.iter("a"))
                tag = "head" if item.tag in _HEADINGS else "item" if item.tag == "li" else "p"
                yield Block(text, tag, min(links, len(text)))
            continue
        parts: list = []
        run, links = [item.text or ""], 0
        for child in item:
            if is_block(child):
                parts.extend(_run_block(run, links))
                run, links = [], 0
                parts.append(child)
            elif isinstance(child.tag, str):  # inline: part of the running paragraph
                run.append(child.text_content())
                links += sum(len(_norm(a.text_content())) for a in child.iter("a"))
            run.append(child.tail or "")
        parts.extend(_run_block(run, links))
        stack.extend(reversed(parts))


def _run_block(run: list[str], links: int) -> list[Block]:
    text = _norm("".join(run))
    return [Block(text, "p", min(links, len(text)))] if text else []


def _words(blocks: list[Block]) -> int:
    return sum(len(_WORD.findall(b.text)) for b in blocks)


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
    """Blocks of the body in order; text loose between the body's elements is a paragraph too."""
    group = 0
    if body.text and body.text.strip():
        yield Block(_norm(body.text), "p")
    for child in body:
        if child.tag in ("list", "table"):
            group += 1
            yield from _leaves(child, group)
        else:
            yield from _leaves(child, -1)
        if child.tail and child.tail.strip():
            yield Block(_norm(child.tail), "p")


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
    """One canonical form of the text: NFC, invisible format characters (soft hyphens, zero-width
    spaces) removed, whitespace collapsed, so that equal words compare equal downstream."""
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():
        text = _INVISIBLE.sub("", text)
    return _WS.sub(" ", text).strip()
