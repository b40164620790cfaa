"""Onboarding a site: `newssieve sites add URL` finds its sources and proposes a sites entry.

`propose_site` runs `python -m crawler.discover URL` (a dry run with the crawler's own
settings; nothing stored), reads its findings back (newssieve.discovery), learns the entry,
cleans three sample articles with the real cleaner (`python -m workers.sample`) and says
what it tried when it cannot propose an entry. Writing the entry is the caller's choice
(newssieve.sites_write).
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from newssieve.discovery import Findings, Proposal, default_name, domain_for, propose_entry
from newssieve.ops.dry_runs import clean_samples, run_events
from newssieve.sites import NAME_RE, Site

STATUSES = ("ok", "links_only", "failed")


def propose_site(url: str, *, name: str | None = None, allow_private: bool = False,
                 follow_redirect: bool = False, follow_links: bool = False, timeout: float = 180.0,
                 scrapy_settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report of `sites add`: `status` ("ok", "links_only": only start_urls + follow could be
    proposed and --follow-links was not given, "failed"), `entry`, what was found and tried."""
    report: dict[str, Any] = {"url": url, "status": "failed", "entry": None, "hints": []}
    refused = _refused_before_start(url, allow_private, name)
    if refused:
        return {**report, "reason": refused}
    args = [url] + ["--allow-private"] * allow_private + ["--follow-redirect"] * follow_redirect
    events, problem = run_events("crawler.discover", args, timeout, "discover", scrapy_settings)
    findings = Findings(start_url=url)
    for event in events:
        findings.add(event)
    report.update(_found(findings))
    if problem or findings.errors:
        return _failed(report, findings, problem)
    final = Site(name="probe", domains=[domain_for(findings.final_url)], start_urls=[findings.final_url],
                 article=["^$"], allow_private=allow_private)
    proposal = propose_entry(findings, name or default_name(domain_for(findings.final_url)), allow_private,
                             final.allows_url)
    return _proposed(report, findings, proposal, follow_links)


def _refused_before_start(url: str, allow_private: bool, name: str | None) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL of a site"
    if name is not None and not NAME_RE.match(name):
        return f"--name {name!r}: must be lower-case letters, digits, '.', '_' or '-' (at most 64)"
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return None
    if not allow_private and not address.is_global:
        return (f"{parts.hostname} is not a public address; the crawler refuses it unless the entry says "
                "allow_private: true. Pass --allow-private to add it so.")
    return None


def _found(findings: Findings) -> dict[str, Any]:
    return {
        "final_url": findings.final_url,
        "redirects": findings.redirects,
        "tried": [{k: t.get(k) for k in ("url", "what", "outcome", "detail")} for t in findings.tried],
        "errors": findings.errors,
    }


def _failed(report: dict[str, Any], findings: Findings, problem: str | None) -> dict[str, Any]:
    error = findings.errors[0] if findings.errors else {}
    report["reason"] = problem or error.get("reason", "discovery failed")
    kind = error.get("kind")
    if kind == "offsite_redirect":
        target = findings.redirects[-1]["to"] if findings.redirects else "?"
        report["hints"].append(f"run again with --follow-redirect to add the site at {domain_for(target)}")
    elif kind == "refused_address":
        report["hints"].append("the host resolves to a non-public address: pass --allow-private to add it")
    elif kind == "not_html":
        report["hints"].append("give the site's home page (an HTML page), not a feed or a file")
    elif kind == "timeout" or (problem and "timed out" in problem):
        report["hints"].append("the site did not answer in time; try again later or with a longer --timeout")
    return report


def _proposed(report: dict[str, Any], findings: Findings, proposal: Proposal,
              follow_links: bool) -> dict[str, Any]:
    learned = proposal.learned
    listed = {url for listing in findings.listings for url, _ in listing["links"]}
    if proposal.how == "links":  # nothing listed: what the pages link to
        listed = {url for page in findings.pages for url in page.get("links", [])}
    report.update(
        entry=proposal.entry, how=proposal.how, feeds=proposal.feeds, sitemaps=proposal.sitemaps,
        pattern={"article": learned.patterns, "listed": len(listed),
                 "matched": sum(len(urls) for urls in learned.kept.values()),
                 "left_out": learned.left_out[:20], "non_articles_matched": learned.negatives_matched[:20]},
        samples=clean_samples(findings.samples),
    )
    tried = ", ".join(t["url"] for t in findings.tried if t.get("what") in ("feed", "sitemap", "robots"))
    if proposal.how == "none":
        report["reason"] = (f"found no feed or sitemap listing articles (tried: {tried}) and no article "
                            "links on its pages")
        report["hints"].append("write an entry with start_urls + follow by hand (see README, the sites file)")
        report["entry"] = None
    elif proposal.how == "links" and not follow_links:
        report["status"] = "links_only"
        report["reason"] = f"no feed and no sitemap found (tried: {tried})"
        report["hints"].append("suggested: start_urls + follow (below), learned from the site's pages; "
                               "run again with --follow-links to accept it")
    else:
        report["status"] = "ok"
    return report
