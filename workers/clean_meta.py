"""Article metadata: title, authors, publication date, language, site name.

Sources in order of trust: JSON-LD, then <meta> tags, then visible markup (h1, bylines,
<time>), then the URL. htmldate is the last resort for the date; py3langid for the
language when the page does not declare one.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import py3langid
from htmldate import find_date
from lxml.html import HtmlElement

_WS = re.compile(r"\s+")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•:»«/]{1,2}\s+")
_BYLINE_PREFIX = re.compile(
    r"^(?:by|von|por|par|di|da|door|av|af|от|przez|written by|posted by|autor(?:in)?|author)\s*:?\s+", re.I
)
# "and" in several languages; the one-letter ones only in lower case, so initials ("Anna K. Berg") stay.
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&|/]|\b(?i:and|und|et|en|og|och)\b|\s[ye]\s)\s*")
# Degrees and agency codes that follow a name after a comma: "Jo Park, MS, RD".
_CREDENTIAL = re.compile(r"^(?:[A-Z][A-Za-z]?[A-Z]{1,2}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?)$")
_HAS_DIGIT = re.compile(r"\d")
# Markup inside a name (JSON-LD strings are not HTML, but sites and attackers put tags in them):
# script/style elements go with their content, other tags go, a stray "<" or ">" ends up as a space.
_CODE_ELEMENT = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z!][^<>]*>?")
_MONTHS = (
    "january|february|march|april|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|okt|dez|"
    "janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
_TRAILING_DATE = re.compile(
    rf"(?:[\s,:|–—-]+(?:updated|published|posted|on|am|le|el|(?:{_MONTHS})\b\.?))*[\s,:|–—-]*\d.*$", re.I
)
_LANG = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]+)*$")
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "date",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "byl",
    "twitter:creator",
)
_SITE_META = ("og:site_name", "application-name", "al:android:app_name", "al:ios:app_name")
_LINKED_AUTHOR_XPATH = (
    "//*[@rel='author' or @itemprop='author'][not(ancestor::*[contains(@class,'comment')])]"
)
_BYLINE_XPATH = (
    "//*[contains(@class,'byline') or contains(@class,'author-name') or contains(@class,'author')]"
    "[not(ancestor::*[contains(@class,'comment')])]"
)
LANGID_CHARS = 2000
"""Characters of body text given to the language identifier (more costs time, gains nothing)."""
MAX_DATE = datetime(2100, 1, 1)
"""htmldate rejects dates after its max_date (default: now); a fixed bound keeps clean() deterministic."""
MIN_YEAR = 1990
"""Dates before this are placeholders ("0001-01-01"), not publication dates."""


@dataclass
class Meta:
    """What the page says about its article, before the body is looked at."""

    title: str = ""
    title_variants: list[str] = field(default_factory=list)  # every headline the page states
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    lang: str | None = None
    site_name: str | None = None


def extract_metadata(tree: HtmlElement, url: str | None) -> Meta:
    """Everything but the language, which may need the body text (see `detect_lang`)."""
    metas = _meta_tags(tree)
    ld = _json_ld(tree)
    site_name = _first(metas.get(k) for k in _SITE_META) or _ld_name(ld.get("publisher"))
    site_name = site_name.lstrip("@") or None
    variants = _title_variants(tree, metas, ld)
    return Meta(
        title=clean_title(variants[0] if variants else "", site_name, url, variants[1:]),
        title_variants=variants,
        authors=_authors(tree, metas, ld),
        published=_published(tree, metas, ld, url),
        lang=_declared_lang(tree, metas),
        site_name=site_name,
    )


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """First non-empty content of each <meta name|property|itemprop>, keyed in lower case."""
    out: dict[str, str] = {}
    for el in tree.iterfind(".//meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = _norm(el.get("content") or "")
        if key and value and key not in out:
            out[key] = value
    return out


def _json_ld(tree: HtmlElement) -> dict:
    """The page's main JSON-LD object: the first one that looks like an article, else the first."""
    objects: list[dict] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        objects.extend(_ld_objects(data))
    for obj in objects:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and ("Article" in k or k in ("BlogPosting", "Report")) for k in kinds):
            return obj
    return objects[0] if objects else {}


def _ld_objects(data) -> list[dict]:
    if isinstance(data, list):
        return [o for item in data for o in _ld_objects(item)]
    if isinstance(data, dict):
        graph = data.get("@graph")
        return [data] + (_ld_objects(graph) if graph else [])
    return []


def _ld_name(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return _norm(value) if isinstance(value, str) else ""


# --- title ------------------------------------------------------------------------------------


def _title_variants(tree: HtmlElement, metas: dict[str, str], ld: dict) -> list[str]:
    """Candidate titles, best first: og:title, JSON-LD headline, twitter:title, <title>, the only h1."""
    found = [metas.get("og:title"), _ld_str(ld.get("headline")), metas.get("twitter:title")]
    title_el = tree.find(".//title")
    if title_el is not None:
        found.append(_norm(title_el.text_content()))
    h1s = tree.findall(".//h1")
    if len(h1s) == 1:
        found.append(_norm(h1s[0].text_content()))
    return list(dict.fromkeys(t for t in found if t))


def clean_title(title: str, site_name: str | None, url: str | None, others: list[str] = ()) -> str:
    """Strip a " | Site" suffix (or "Site | " prefix) when the part names the site.

    It names the site when it matches og:site_name or the host, or when the rest of the title
    is exactly another title the page states (og:title vs <title>).
    """
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    names = {_compact(site_name or "")} | _host_names(url)
    names.discard("")
    others_c = {_compact(o) for o in others}
    for rest, part in ((title[: _last_sep(title)], parts[-1]), (title[_first_sep_end(title) :], parts[0])):
        if _names_site(part, names) or _compact(rest) in others_c:
            return rest.strip()
    return title


def _names_site(part: str, names: set[str]) -> bool:
    """ "The Guardian" names "theguardian.com"; "BBC News" names "bbc.co.uk"; "A" names nothing."""
    key = _compact(part)
    if len(key) < 3:
        return False
    return any(key == n or len(key) >= 4 and len(n) >= 3 and (key in n or n in key) for n in names)


def _last_sep(title: str) -> int:
    return list(_TITLE_SEPARATORS.finditer(title))[-1].start()


def _first_sep_end(title: str) -> int:
    return _TITLE_SEPARATORS.search(title).end()


def _host_names(url: str | None) -> set[str]:
    """ "www.example-news.co.uk" -> {"examplenews", "examplenewscouk"}."""
    host = urlsplit(url or "").hostname or ""
    host = host.removeprefix("www.")
    if not host:
        return set()
    return {_compact(host.split(".")[0]), _compact(host)}


def host_label(url: str | None) -> str:
    """The registrable name of the host: "https://www.example.co.uk/x" -> "example"."""
    host = (urlsplit(url or "").hostname or "").removeprefix("www.")
    return host.split(".")[0] if host else ""


def _compact(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


# --- authors ----------------------------------------------------------------------------------


def _authors(tree: HtmlElement, metas: dict[str, str], ld: dict) -> list[str]:
    raw = _ld_authors(ld.get("author"))
    if not raw:
        raw = [v for k in _AUTHOR_META if (v := metas.get(k)) and not v.startswith(("http", "@"))][:1]
    if not raw:
        raw = _byline_texts(tree)
    return clean_authors(raw)


def _ld_authors(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [name for item in items if (name := _ld_name(item))]


def _byline_texts(tree: HtmlElement) -> list[str]:
    """Every rel/itemprop=author element (co-authors), else the first byline-classed element."""
    texts = (_norm(el.text_content()) for el in tree.xpath(_LINKED_AUTHOR_XPATH))
    linked = [text for text in texts if 2 < len(text) < 120]
    if linked:
        return list(dict.fromkeys(linked))
    for el in tree.xpath(_BYLINE_XPATH):
        text = _norm(el.text_content())
        if 2 < len(text) < 120:
            return [text]
    return []


def clean_authors(raw: list[str]) -> list[str]:
    """Names only: no "By"/"Von"/"Por", no trailing dates, one entry per person."""
    names: list[str] = []
    for entry in raw:
        entry = _plain_text(entry)
        if "://" in entry or "@" in entry or entry.startswith("www."):
            continue
        entry = _BYLINE_PREFIX.sub("", _norm(entry))
        entry = _TRAILING_DATE.sub("", entry)
        for name in _AUTHOR_SPLIT.split(entry):
            name = _BYLINE_PREFIX.sub("", name.strip(" .,:;|-–—·•"))
            if _is_name(name) and name not in names:
                names.append(name)
    return names


def _plain_text(text: str) -> str:
    """The text of a name that may carry entities or markup: "Jane <b>Roe</b>" -> "Jane Roe"."""
    text = _CODE_ELEMENT.sub(" ", html.unescape(text))
    return _TAG.sub(" ", text).replace("<", " ").replace(">", " ")


def _is_name(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 5
        and not _HAS_DIGIT.search(text)
        and "@" not in text
        and "://" not in text
        and not _CREDENTIAL.match(text)
    )


# --- date -------------------------------------------------------------------------------------


def _published(tree: HtmlElement, metas: dict[str, str], ld: dict, url: str | None) -> str | None:
    candidates = [_ld_str(ld.get("datePublished")), _ld_str(ld.get("dateCreated"))]
    candidates += [metas.get(k) for k in _DATE_META]
    candidates += [el.get("datetime") for el in tree.iterfind(".//time[@datetime]")][:3]
    for value in candidates:
        if value and (iso := to_iso(value)):
            return iso
    return _htmldate(tree, url)  # also reads dates in the URL ("/2026/11/20/")


def to_iso(value: str) -> str | None:
    """An ISO 8601 string for a machine-readable date, None if it is not one."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not MIN_YEAR <= parsed.year < MAX_DATE.year:  # placeholders such as 0001-01-01
        return None
    if len(value) <= 10:  # a bare date: do not invent a time of day
        return parsed.date().isoformat()
    return parsed.isoformat()


def _htmldate(tree: HtmlElement, url: str | None) -> str | None:
    try:
        return find_date(tree, url=url, extensive_search=False, original_date=True, max_date=MAX_DATE)
    except (ValueError, TypeError):
        return None


# --- language ---------------------------------------------------------------------------------


def _declared_lang(tree: HtmlElement, metas: dict[str, str]) -> str | None:
    declared = (tree.get("lang"), tree.get("xml:lang"), metas.get("content-language"), metas.get("og:locale"))
    for value in declared:
        if value and (match := _LANG.match(value.strip().lower())):
            return match.group(1)
    for el in tree.iterfind(".//meta[@http-equiv]"):
        if el.get("http-equiv", "").lower() == "content-language":
            if match := _LANG.match((el.get("content") or "").strip().lower()):
                return match.group(1)
    return None


def detect_lang(text: str) -> str | None:
    """ISO 639-1 code of the text's language, None when there is too little text to tell."""
    sample = text[:LANGID_CHARS]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    lang, _ = py3langid.classify(sample)
    return lang


# --- helpers ----------------------------------------------------------------------------------


def _ld_str(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return _norm(value) if isinstance(value, str) else ""


def _first(values) -> str:
    return next((v for v in values if v), "")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()
