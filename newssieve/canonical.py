"""Canonical URLs: one spelling per page, so one article id per page.

Pure functions, no I/O. `canonicalize` normalises a URL the same way every
time (scheme and host lower-cased, default port and fragment dropped, dot
segments resolved, percent-escapes normalised, tracking parameters removed,
the rest of the query sorted). `page_canonical` prefers what the page says
about itself (`<link rel=canonical>`, then `og:url`) when that stays on the
site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, quote, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

# Exact parameter names (compared lower-cased) that only track the visit.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wickedid",
        "__twitter_impression",
        "ncid",
        "sr_share",
        "s_cid",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "spm",
        "cmpid",
        "ito",
        "rb_clickid",
        "srsltid",
        "si",
        "zanpid",
        "ocid",
        "ref_src",
        "ref_url",
    }
)
# Parameter name prefixes (lower-cased) that only track the visit.
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_", "__hs", "ga_", "matomo_", "piwik_")

_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are in a path: RFC 3986 pchar plus '/' and '%' (escapes are handled apart).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/:@!$'()*,;-._~?"


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _normalise_escapes(text: str) -> str:
    """Upper-case percent-escapes and decode the ones that stand for unreserved characters."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE.sub(fix, text)


def _quote_path(path: str) -> str:
    # A '%' not starting a valid escape is itself escaped; valid escapes are kept.
    path = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", path)
    return _normalise_escapes(quote(path, safe=_PATH_SAFE))


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, for absolute paths."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
            continue
        if segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
            continue
        output.append(segment)
    result = "/".join(output)
    return result if result.startswith("/") else "/" + result


def _netloc(parts, scheme: str) -> str:
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep the netloc as written
        return parts.netloc.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    userinfo = ""
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "") + "@"
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        return f"{userinfo}{host}:{port}"
    return f"{userinfo}{host}"


def _canonical_query(query: str) -> str:
    if not query:
        return ""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking_param(k)]
    pairs.sort()
    return "&".join(
        f"{quote(k, safe=_QUERY_SAFE)}={quote(v, safe=_QUERY_SAFE)}"
        if v != ""
        else quote(k, safe=_QUERY_SAFE)
        for k, v in pairs
    )


def canonicalize(url: str) -> str:
    """The canonical spelling of an absolute http(s) URL.

    Other URLs (mailto:, javascript:, relative ones) come back stripped of
    surrounding white space only.
    """
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.netloc:
        return url
    path = _remove_dot_segments(_quote_path(parts.path or "/"))
    return urlunsplit((scheme, _netloc(parts, scheme), path, _canonical_query(parts.query), ""))


def page_canonical(
    url: str,
    canonical_href: str | None,
    og_url: str | None,
    allows_url: Callable[[str], bool],
    base_url: str | None = None,
) -> str:
    """The canonical URL of a fetched page.

    `canonical_href` (from `<link rel=canonical>`) wins over `og_url`; either
    is used only when it is an http(s) URL that `allows_url` accepts (stays on
    the site). Otherwise the page's own URL, canonicalised.
    """
    base = base_url or url
    for candidate in (canonical_href, og_url):
        if not candidate or not candidate.strip():
            continue
        absolute = urljoin(base, candidate.strip())
        if urlsplit(absolute).scheme.lower() in DEFAULT_PORTS and allows_url(absolute):
            return canonicalize(absolute)
    return canonicalize(url)


_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR.finditer(tag)}


def find_canonical_links(html: str, limit: int = 200_000) -> tuple[str | None, str | None]:
    """(`<link rel=canonical>` href, `og:url` content) from the head of a page, if present.

    Looks at the first `limit` characters only (the head); a light scan, not a full parse.
    """
    import html as html_lib

    head = html[:limit]
    end = re.search(r"<body\b", head, re.IGNORECASE)
    if end:
        head = head[: end.start()]
    canonical = og = None
    for tag in _LINK_TAG.findall(head):
        attrs = _attrs(tag)
        if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
            canonical = html_lib.unescape(attrs["href"])
            break
    for tag in _META_TAG.findall(head):
        attrs = _attrs(tag)
        if (attrs.get("property") or attrs.get("name") or "").lower() == "og:url" and attrs.get("content"):
            og = html_lib.unescape(attrs["content"])
            break
    return canonical, og
