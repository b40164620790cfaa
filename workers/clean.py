"""The single-page article cleaner: HTML in, `Article` out.

Pure and deterministic: no network, no Redis, no Celery. The work is split in four steps,
each in its own module:

1. `clean_input`  make the string safe to parse (binary, encoding damage, size bound), parse it;
2. `clean_meta`   title, authors, date, language, site name;
3. `clean_body`   trafilatura's main text (a second opinion when the fast path's choice is
                  doubtful), cut into one block per paragraph;
4. `clean_rules`  drop what trafilatura keeps but is not the article (headline repeats,
                  "see also" lines, link teasers, bios, share and copyright lines), for a
                  structural reason (links, position after the story), not wording alone.

Site-level boilerplate (a paragraph repeated on many pages of one site) is not decided
here; it is built on top of `Article.paragraphs`.
"""

from __future__ import annotations

from lxml import etree

from newssieve.models import Article
from workers.clean_body import extract_blocks
from workers.clean_input import MAX_HTML_CHARS, parse, sanitize
from workers.clean_meta import detect_lang, extract_metadata, host_label
from workers.clean_rules import drop_boilerplate

__all__ = ["MAX_HTML_CHARS", "clean", "clean_text"]


def clean(html: str, url: str | None, max_chars: int = MAX_HTML_CHARS) -> Article:
    """Clean one page down to its article. Never raises on bad input: see `Article.empty_reason`."""
    html, reason = sanitize(html or "", max_chars)
    if reason:
        return Article(empty_reason=reason)
    try:
        return _clean_parsed(html, url)
    except (ValueError, TypeError, RecursionError, etree.LxmlError) as err:
        # lxml and trafilatura raise these on input they cannot handle; the page is recorded
        # with the reason instead of failing the task.
        return Article(empty_reason=f"parse error: {type(err).__name__}: {err}"[:200])


def _clean_parsed(html: str, url: str | None) -> Article:
    tree = parse(html)
    if tree is None:
        return Article(empty_reason="parse error: no document")
    meta = extract_metadata(tree, url)
    site_names = [meta.site_name or "", host_label(url)]
    body = extract_blocks(tree, url, meta.title)
    blocks = drop_boilerplate(body, meta.title_variants, meta.authors, site_names)
    paragraphs = [b.text for b in blocks]
    text = "\n".join(paragraphs)
    return Article(
        title=meta.title,
        authors=meta.authors,
        published=meta.published,
        lang=meta.lang or detect_lang(text),
        site_name=meta.site_name,
        text=text,
        paragraphs=paragraphs,
        empty_reason=None if text else "no text",
    )


def clean_text(html: str, url: str | None) -> str:
    """The article text alone, paragraphs joined by newlines (the evaluation's interface)."""
    return clean(html, url).text
