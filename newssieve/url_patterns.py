"""Learning a site's `article` regexes from the URLs its feeds, sitemaps and pages list.

Pure: URLs in, regexes out. Article URLs of one site share a shape (a section prefix, a
date path, a slug, a numeric id, an extension); section, tag and author pages have
other shapes or short one-word names. The learner groups the article URLs by origin and
path depth, writes for each group the most general regex its URLs share (digit runs as
`\\d`, varying words as a class, the slug's id tail and extension kept), and makes it
more specific, step by step, while it still matches one of the pages known not to be
articles.

`strong` URLs (feed entries, news sitemap entries) are articles by their listing; `weak`
ones (plain sitemaps, links on pages) count only when they look like articles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Path words of pages that list articles but are none: tags, authors, search, accounts.
NOT_ARTICLE_WORDS = frozenset({
    "tag", "tags", "author", "authors", "people", "person", "profile", "profiles", "user", "users",
    "search", "login", "logout", "account", "accounts", "register", "subscribe", "newsletter",
    "share", "print", "feed", "feeds", "rss", "category", "categories", "topic", "topics", "section",
    "sections", "page", "about", "about-us", "contact", "impressum", "datenschutz", "privacy", "terms",
})
_DATE_PATH = re.compile(r"/(19|20)\d\d/\d{1,2}/|/(19|20)\d\d-\d\d-\d\d")
_SLUG_PARTS = re.compile(r"^(?P<body>.*?)(?P<tail>[-_][A-Za-z]{0,3}\d{3,})?(?P<ext>\.[A-Za-z0-9]{2,5})?$")
_WORDS = re.compile(r"^[\w-]+$")
MIN_GROUP = 2


@dataclass
class Learned:
    """The regexes, and for each the listed URLs it keeps; what no regex keeps; negatives still matched."""

    patterns: list[str] = field(default_factory=list)
    kept: dict[str, list[str]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)
    negatives_matched: list[str] = field(default_factory=list)

    def matches(self, url: str) -> bool:
        return any(re.search(pattern, url) for pattern in self.patterns)


def _lit(text: str) -> str:
    """re.escape, leaving '-' (which needs no escape outside a class) readable."""
    return re.escape(text).replace("\\-", "-")


def segments(url: str) -> tuple[str, list[str]]:
    """(scheme://netloc, path segments) of a URL; a trailing slash gives a last empty segment."""
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}", path.split("/")[1:]


def looks_like_article(url: str) -> bool:
    """An id of 3+ digits or a slug of 3+ words in the last segment, or a date in the path; and no
    word of a tag, author or account page."""
    _, parts = segments(url)
    named = [part for part in parts if part]
    if not named or any(part.lower() in NOT_ARTICLE_WORDS for part in named[:-1]):
        return False
    last = named[-1].rsplit(".", 1)[0] if "." in named[-1] else named[-1]
    if last.lower() in NOT_ARTICLE_WORDS:
        return False
    return bool(re.search(r"\d{3,}", last) or len(re.split(r"[-_]", last)) >= 3
                or _DATE_PATH.search(urlsplit(url).path + "/"))


def learn(strong: list[str], weak: list[str], negatives: list[str]) -> Learned:
    """Article regexes for the URLs listed as articles (`strong`) or looking like them among `weak`,
    none matching a URL of `negatives` (section, tag, author pages) where that can be helped."""
    positives = list(dict.fromkeys([*strong, *(url for url in weak if looks_like_article(url))]))
    known = set(positives)
    negatives = [url for url in dict.fromkeys([*negatives, *weak]) if url not in known]
    groups: dict[tuple[str, int], list[str]] = defaultdict(list)
    for url in positives:
        origin, parts = segments(url)
        groups[(origin, len(parts))].append(url)
    big = [urls for urls in groups.values() if len(urls) >= MIN_GROUP]
    chosen = big or sorted(groups.values(), key=len, reverse=True)[:1]
    learned = Learned()
    for urls in sorted(chosen, key=len, reverse=True):
        pattern, still = _pattern_for(urls, negatives)
        if pattern in learned.kept:
            continue
        learned.patterns.append(pattern)
        learned.negatives_matched.extend(still)
    for url in positives:
        for pattern in learned.patterns:
            if re.search(pattern, url):
                learned.kept.setdefault(pattern, []).append(url)
                break
        else:
            learned.left_out.append(url)
    return learned


def _pattern_for(urls: list[str], negatives: list[str]) -> tuple[str, list[str]]:
    """The most general regex of one group that matches no negative (else the most specific one),
    with the negatives it still matches."""
    origin, _ = segments(urls[0])
    columns = list(zip(*(segments(url)[1] for url in urls), strict=True))
    slug_at = max((i for i, column in enumerate(columns) if any(column)), default=-1)
    ladders = [_slug_ladder(column) if i == slug_at else _segment_ladder(column)
               for i, column in enumerate(columns)]
    steps = [0] * len(ladders)
    order = [slug_at, *(i for i in range(len(ladders)) if i != slug_at)]
    while True:
        pattern = "^" + _lit(origin) + "".join("/" + ladder[step] for ladder, step in zip(
            ladders, steps, strict=True)) + "$"
        matched = [url for url in negatives if re.search(pattern, url)]
        if not matched:
            return pattern, []
        movable = [i for i in order if i >= 0 and steps[i] + 1 < len(ladders[i])]
        if not movable:
            return pattern, matched
        steps[movable[0]] += 1


def _segment_ladder(values: tuple[str, ...]) -> list[str]:
    """Regexes for one path segment, general first: a digit rule, a word class, the words seen."""
    distinct = sorted(set(values))
    if all(value.isdigit() for value in values):
        return [_digits(values)]
    if len(distinct) == 1:
        return [_lit(distinct[0])]
    if all(re.fullmatch(r"(19|20)\d\d-\d\d-\d\d", value) for value in values):
        return [r"\d{4}-\d{2}-\d{2}"]
    general = "[a-z]+" if all(re.fullmatch("[a-z]+", v) for v in values) else _text_class(values)
    return [general, "(?:" + "|".join(_lit(value) for value in distinct) + ")"]


def _slug_ladder(values: tuple[str, ...]) -> list[str]:
    """Regexes for the slug segment: its body (any words, then at least as many words as every slug
    has), then its id tail (`-a123`) and extension (`.html`) when all slugs share them."""
    if all(value.isdigit() for value in values):
        return [r"\d+"]
    if len(set(values)) == 1:
        return [_lit(values[0])]
    parts = [_SLUG_PARTS.match(value) for value in values]
    exts = {part["ext"] or "" for part in parts}
    ext_re = _lit(exts.pop()) if len(exts) == 1 else ""
    tails = {re.sub(r"\d+", "", part["tail"] or "") for part in parts}
    tail_re = _lit(tails.pop()) + r"\d+" if len(tails) == 1 and all(p["tail"] for p in parts) else ""
    bodies = tuple(part["body"] + ("" if tail_re else part["tail"] or "")
                   + ("" if ext_re else part["ext"] or "") for part in parts)
    body = _text_class(bodies)
    if not all(bodies):
        body = body[:-1] + "*"
    ladder = [body + tail_re + ext_re]
    words = min(len(re.split(r"[-_]", b)) for b in bodies)
    if body == r"[\w-]+" and words >= 2:
        repeat = "{" + str(min(words, 4) - 1) + ",}"
        ladder.append(r"\w+(?:[-_]\w+)" + repeat + tail_re + ext_re)
    return ladder


def _text_class(values: tuple[str, ...]) -> str:
    return r"[\w-]+" if all(_WORDS.match(value) for value in values) else "[^/]+"


def _digits(values: tuple[str, ...]) -> str:
    """Years as \\d{4}, months and days as \\d{1,2}, any other number as \\d+."""
    if all(len(value) == 4 and value[:2] in ("19", "20") for value in values):
        return r"\d{4}"
    if all(len(value) <= 2 for value in values):
        return r"\d{2}" if all(len(value) == 2 for value in values) else r"\d{1,2}"
    return r"\d+"
