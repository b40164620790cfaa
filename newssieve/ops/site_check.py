"""`newssieve sites check NAME`: a dry run of one entry, now, storing nothing.

Runs `python -m crawler.check NAME` (the entry's feeds, sitemaps and start URLs read in full with
the crawler's own settings, a few articles fetched), cleans the sample articles with the real
cleaner, and says per source how many URLs it lists and how many the entry keeps.
"""

from __future__ import annotations

from typing import Any

from newssieve.ops.dry_runs import clean_samples, run_events
from newssieve.sites import InvalidSite, SitesFileError, load_sites


def check_site(name: str, timeout: float = 300.0,
               scrapy_settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """{status: ok|failed|unknown_site|invalid_site, reason, sources: [...], samples: [...],
    errors: [...]}."""
    report: dict[str, Any] = {"site": name, "status": "failed", "sources": [], "samples": [], "errors": []}
    try:
        sites = load_sites()
        sites.site(name)
    except SitesFileError as exc:
        return {**report, "reason": str(exc)}
    except InvalidSite as exc:
        return {**report, "status": "invalid_site", "reason": str(exc)}
    except KeyError as exc:
        return {**report, "status": "unknown_site", "reason": str(exc).strip("'\"")}
    args = [name, "--sites", str(sites.path)]
    events, problem = run_events("crawler.check", args, timeout, f"check-{name}", scrapy_settings)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_kind.setdefault(event.pop("event", ""), []).append(event)
    report["sources"] = by_kind.get("source", [])
    report["samples"] = clean_samples(by_kind.get("sample", []))
    summary = (by_kind.get("summary") or [{}])[0]
    report["errors"] = [*by_kind.get("error", []), *summary.get("errors", [])]
    report["reason"] = _problem(report, problem)
    report["status"] = "failed" if report["reason"] else "ok"
    return report


def _problem(report: dict[str, Any], problem: str | None) -> str | None:
    """Why the check failed, or None."""
    if problem:
        return problem
    failed = [source for source in report["sources"] if source.get("outcome") != "ok"]
    if failed:
        return f"{len(failed)} source(s) failed: " + "; ".join(
            f"{source['url']}: {source.get('reason')}" for source in failed[:5])
    if report["errors"] and not report["sources"]:
        return "; ".join(str(error.get("reason")) for error in report["errors"][:3])
    if not any(source.get("kept") for source in report["sources"]):
        return "no source lists an article URL the entry keeps"
    bad = [sample for sample in report["samples"] if sample.get("error") or sample.get("empty_reason")]
    if bad:
        return f"{len(bad)} sample article(s) could not be fetched or cleaned: " + "; ".join(
            f"{sample['url']}: {sample.get('error') or sample.get('empty_reason')}" for sample in bad[:3])
    return None
