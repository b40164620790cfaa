"""Which network addresses the crawler may connect to: public ones, unless the site opts in.

A sites entry names hosts, and a host name can resolve to anything: `localhost`, a
private network, the cloud metadata service. The check is made where the address is
chosen, in the DNS resolver the downloader connects with (so the connection goes to the
address that was checked, with no second lookup to rebind), and for URLs that name an IP
literally, which are never resolved, in `crawler.middlewares.AddressPolicyMiddleware`. Redirects and meta
refreshes are new requests and pass both again.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

ALLOW_PRIVATE_SETTING = "NEWSSIEVE_ALLOW_PRIVATE"
REFUSED: dict[str, str] = {}
"""Host name -> why it was refused. Twisted turns a failed lookup into "no results" and drops the
exception, so the spider's error report and the retry middleware look the reason up here."""


class NonPublicAddress(Exception):
    """A host resolved to, or is, an address the site may not reach."""


def non_public_reason(address: str) -> str | None:
    """Why an IP address is not a public one (None when it is), e.g. 'loopback'."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None  # not an IP literal: a name, checked when it resolves
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for label in ("loopback", "link_local", "unspecified", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{label}"):
            return label.replace("_", "-")
    return None if ip.is_global else "not globally routable"


def refuse_unless_public(host: str, address: str) -> None:
    reason = non_public_reason(address)
    if reason is not None:
        shown = host if host == address else f"{host} ({address})"
        raise NonPublicAddress(f"refused to connect to {shown}: a {reason} address "
                               "(set allow_private: true on the site to allow it)")


class PublicAddressResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to non-public addresses."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool(ALLOW_PRIVATE_SETTING)
        return resolver

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 (Twisted's interface)
        resolved = super().getHostByName(name, timeout)
        if not self.allow_private:
            resolved.addCallback(self._checked, name)
        return resolved

    @staticmethod
    def _checked(address: str, name: str) -> str:
        try:
            refuse_unless_public(name, address)
        except NonPublicAddress as exc:
            REFUSED[name.lower()] = str(exc)
            raise
        return address


def refusal_for(url: str) -> str | None:
    """Why the URL's host was refused by the resolver in this process, if it was."""
    return REFUSED.get((urlsplit(url).hostname or "").lower())
