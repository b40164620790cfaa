"""The sites file: which sites to crawl, how to find their articles, and when.

Validated on load. One broken site does not stop the others: `load_sites`
returns the valid sites and a list of errors, each naming the file, the site
and the field. Feeds (named selections of sites/languages) live in the same file.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newssieve.canonical import DEFAULT_PORTS

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
# The five fields of a cron expression, in order, with the values each takes.
CRON_FIELDS = (("minute", 0, 59, ""), ("hour", 0, 23, ""), ("day of month", 1, 31, ""),
               ("month", 1, 12, " or jan-dec"), ("day of week", 0, 7, " or sun-sat"))


def _slug(value: str) -> str:
    """Names of sites and feeds: they appear in Redis keys, URLs and file names."""
    if not NAME_RE.match(value):
        raise ValueError("must be lower-case letters, digits, '.', '_' or '-' (at most 64)")
    return value


class Follow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)
    depth: int = Field(default=2, ge=0, le=20)

    @field_validator("allow", "deny")
    @classmethod
    def _regexes_compile(cls, value: list[str]) -> list[str]:
        return [_compiled(pattern) for pattern in value]


class Site(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    domains: list[str] = Field(min_length=1)
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    start_urls: list[str] = Field(default_factory=list)
    follow: Follow = Field(default_factory=Follow)
    article: list[str] = Field(min_length=1)
    schedule: str = "0 * * * *"
    max_pages: int = Field(default=1000, ge=1)
    concurrency: int = Field(default=4, ge=1, le=64)
    delay: float = Field(default=0.0, ge=0, le=600)
    enabled: bool = True
    allow_private: bool = False
    """Fetch hosts that resolve to loopback, private, link-local or other non-public addresses.

    Off by default, so a sites entry cannot turn the crawler against internal services (SSRF);
    the demo network and the tests, served on 127.0.0.1, opt in."""

    _name_is_slug = field_validator("name")(_slug)

    @field_validator("domains")
    @classmethod
    def _domains_are_hosts(cls, value: list[str]) -> list[str]:
        cleaned = []
        for domain in value:
            domain = domain.strip().lower()
            if not domain or "/" in domain or " " in domain:
                raise ValueError(f"{domain!r} is not a host name (host or host:port, no scheme or path)")
            cleaned.append(domain)
        return cleaned

    @field_validator("feeds", "sitemaps", "start_urls")
    @classmethod
    def _urls_are_http(cls, value: list[str]) -> list[str]:
        for url in value:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return value

    @field_validator("article")
    @classmethod
    def _article_regexes_compile(cls, value: list[str]) -> list[str]:
        return [_compiled(pattern) for pattern in value]

    @field_validator("schedule")
    @classmethod
    def _schedule_is_cron(cls, value: str) -> str:
        problem = cron_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _has_a_way_in(self) -> Site:
        if not (self.feeds or self.sitemaps or self.start_urls):
            raise ValueError("needs at least one of feeds, sitemaps or start_urls")
        for url in [*self.feeds, *self.sitemaps, *self.start_urls]:
            if not self.allows_url(url):
                raise ValueError(f"{url!r} is outside the site's domains {self.domains}")
        return self

    def allows_url(self, url: str) -> bool:
        """True when the URL is http(s) on one of the site's domains.

        A domain with a port matches that host:port only; a domain without one matches the
        host and its subdomains on the scheme's default port (80, 443) only, so a listed name
        never opens the other services of the same host.
        """
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or "@" in parts.netloc:  # "a.org:80@10.0.0.1" is host 10.0.0.1
            return False
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            return False
        host = (parts.hostname or "").rstrip(".")
        return any(self._domain_matches(domain, host, port, DEFAULT_PORTS[scheme]) for domain in self.domains)

    @staticmethod
    def _domain_matches(domain: str, host: str, port: int, default_port: int) -> bool:
        name, _, listed_port = domain.rpartition(":") if domain.count(":") == 1 else (domain, "", "")
        if listed_port:
            return host == name and str(port) == listed_port
        return port == default_port and (host == domain or host.endswith("." + domain))

    def is_article_url(self, url: str) -> bool:
        return any(re.search(pattern, url) for pattern in self.article)


class FeedDef(BaseModel):
    """A named feed: the deduplicated stories of some sites and/or languages."""

    model_config = ConfigDict(extra="forbid")

    name: str
    sites: list[str] = Field(default_factory=list)
    langs: list[str] = Field(default_factory=list)
    title: str | None = None

    _name_is_slug = field_validator("name")(_slug)


@dataclass
class SitesFile:
    path: Path
    sites: dict[str, Site]
    feeds: dict[str, FeedDef]
    errors: list[str]
    invalid: dict[str, str] = field(default_factory=dict)
    """{site name: why its entry is invalid}, for the entries left out of `sites`."""

    def site(self, name: str) -> Site:
        """The valid site `name`; InvalidSite when its entry is invalid, KeyError when there is none."""
        if name in self.invalid and name not in self.sites:
            raise InvalidSite(f"the entry of site {name!r} in {self.path} is invalid: {self.invalid[name]}")
        if name not in self.sites:
            known = ", ".join(sorted(self.sites)) or "none"
            raise KeyError(f"no valid site {name!r} in {self.path} (known: {known})")
        return self.sites[name]


class SitesFileError(Exception):
    """The sites file as a whole cannot be read."""


class InvalidSite(KeyError):
    """The sites file lists the site, but its entry does not validate (a KeyError: no valid site)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _compiled(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from exc
    return pattern


def cron_problem(value: str) -> str | None:
    """What is wrong with a 5-field cron expression, naming the field ("minute '61' is out of range
    0-59"); None when it is valid."""
    fields = value.split()
    if len(fields) != 5:
        return (f"{value!r} has {len(fields)} field(s), a cron expression 5: "
                "minute hour day-of-month month day-of-week")
    for index, (name, low, high, names) in enumerate(CRON_FIELDS):
        alone = " ".join(part if i == index else "*" for i, part in enumerate(fields))
        if croniter.is_valid(alone):
            continue
        numbers = [int(n) for n in re.findall(r"\d+", fields[index].split("/")[0])]
        how = "is out of range" if any(not low <= n <= high for n in numbers) else "is not valid"
        return f"in {value!r}, the {name} field {fields[index]!r} {how}: {name} takes {low}-{high}{names}"
    if not croniter.is_valid(value):
        return f"{value!r} is not a valid cron expression"
    return None


def _describe(error: ValidationError, model: type[BaseModel] | None = None) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(site)"
        message = item["msg"]
        if item["type"] == "extra_forbidden" and model is not None:
            message = _unknown_key(item["loc"], model)
        elif item["type"] == "value_error":
            message = message.removeprefix("Value error, ")
        parts.append(f"field '{where}': {message}")
    return "; ".join(parts)


def _unknown_key(loc: tuple, model: type[BaseModel]) -> str:
    """"unknown key (did you mean 'schedule'?)" for a key the entry (or its `follow:`) does not take."""
    for part in loc[:-1]:  # down to the model that holds the key: Site -> follow -> Follow
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    known = sorted(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
    return f"unknown key ({hint})"


def parse_sites(text: str, path: Path) -> SitesFile:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise SitesFileError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sites", []), list):
        raise SitesFileError(f"{path}: expected a mapping with a top-level 'sites:' list")
    errors: list[str] = []
    invalid: dict[str, str] = {}
    sites = _validated(data.get("sites"), Site, "site", path, errors, invalid)
    feeds = {"all": FeedDef(name="all", title="All stories")}
    feeds.update(_validated(data.get("feeds"), FeedDef, "feed", path, errors))
    return SitesFile(path=path, sites=sites, feeds=feeds, errors=errors, invalid=invalid)


def _validated(entries: list | None, model: type[BaseModel], kind: str, path: Path,
               errors: list[str], invalid: dict[str, str] | None = None) -> dict:
    """The valid entries by name; each invalid one adds an error naming file, entry and field (and
    its reason to `invalid`, by name, when it has one)."""
    valid: dict = {}
    for index, raw in enumerate(entries or [], start=1):
        label = raw.get("name", f"#{index}") if isinstance(raw, dict) else f"#{index}"
        try:
            entry = model.model_validate(raw)
        except ValidationError as exc:
            reason = _describe(exc, model)
            errors.append(f"{path}: {kind} '{label}': {reason}")
            if invalid is not None and isinstance(label, str):
                invalid.setdefault(label, reason)
            continue
        if entry.name in valid:
            errors.append(f"{path}: {kind} '{entry.name}': field 'name': duplicate {kind} name")
            continue
        valid[entry.name] = entry
    return valid


def load_sites(path: Path | str | None = None) -> SitesFile:
    from newssieve.settings import get_settings

    path = Path(path or get_settings().sites)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SitesFileError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_sites(text, path)


_cache: dict[Path, tuple[float, SitesFile]] = {}


def current_sites(path: Path | str | None = None) -> SitesFile:
    """The sites file, re-read when it changes on disk (long-running workers and beat)."""
    from newssieve.settings import get_settings

    path = Path(path or get_settings().sites)
    mtime = path.stat().st_mtime
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        cached = (mtime, load_sites(path))
        _cache[path] = cached
    return cached[1]
