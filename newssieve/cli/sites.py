"""`newssieve sites`: list the sites file (no subcommand), `sites add URL` (propose an entry for a
new site, optionally write it), `sites check NAME` (a dry run of one entry). Thin: the work is in
newssieve.ops.onboard, newssieve.ops.site_check and newssieve.sites_write."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from newssieve.cli.conventions import CONTEXT_SETTINGS
from newssieve.cli.errors import echo_err, fail
from newssieve.redis_conn import answers, redis_url
from newssieve.sites import Site, SitesFileError, load_sites
from newssieve.store.crawl_runs import last_runs


@click.group(invoke_without_command=True, context_settings=CONTEXT_SETTINGS)
@click.option("--json", "as_json", is_flag=True, help="Print the sites and errors as JSON.")
@click.option("--runs/--no-runs", default=True, help="Show each site's last run (needs Redis).")
@click.pass_context
def sites(ctx: click.Context, as_json: bool, runs: bool) -> None:
    """List the sites of the sites file: schedule, discovery, enabled, last run; and its errors (exit 1).

    `sites add URL` proposes an entry for a new site; `sites check NAME` tries one entry now.
    """
    if ctx.invoked_subcommand is not None:
        return
    try:
        sites_file = load_sites()
    except SitesFileError as exc:
        fail(str(exc))
    last = _last_run_of_each(list(sites_file.sites)) if runs else {}
    rows = [_site_row(site, last.get(site.name)) for site in sites_file.sites.values()]
    if as_json:
        click.echo(json.dumps({"path": str(sites_file.path), "sites": rows, "errors": sites_file.errors}))
    elif sys.stdout.isatty():
        _print_sites_table(str(sites_file.path), rows)
    else:
        _print_plain_table(f"sites in {sites_file.path}", rows)
    for error in sites_file.errors:
        echo_err(f"error: {error}")
    if sites_file.errors:
        sys.exit(1)


def _last_run_of_each(names: list[str]) -> dict[str, dict[str, Any]]:
    """{site: its last run summary, {} when none}; {} when no Redis answers."""
    try:
        if not answers(redis_url()):
            return {}
        return {name: (last_runs(name, 1) or [{}])[0] for name in names}
    except Exception:  # the listing works without Redis
        return {}


def _site_row(site: Site, run: dict[str, Any] | None) -> dict[str, Any]:
    """One site of `newssieve sites --json`."""
    discovery = [
        f"{len(v)} {k}"
        for k, v in (("feeds", site.feeds), ("sitemaps", site.sitemaps), ("start_urls", site.start_urls))
        if v
    ]
    return {
        "name": site.name,
        "enabled": site.enabled,
        "schedule": site.schedule,
        "discovery": ", ".join(discovery),
        "domains": site.domains,
        "max_pages": site.max_pages,
        "last_run": {k: run.get(k) for k in ("finished", "status", "pages", "articles_new")} if run else None,
    }


def _site_cells(row: dict[str, Any], yes_no: tuple[str, str], domains_sep: str) -> list[str]:
    """A row's columns as text: site, enabled, schedule, discovery, domains, last run."""
    run = row["last_run"]
    return [
        row["name"],
        yes_no[0] if row["enabled"] else yes_no[1],
        row["schedule"],
        row["discovery"],
        domains_sep.join(row["domains"]),
        f"{run['status']} {_when(run['finished'])}" if run else "-",
    ]


def _when(iso: str | None) -> str:
    """"2026-11-25 17:40 UTC" from a stored ISO time in UTC."""
    return iso[:16].replace("T", " ") + " UTC" if iso else "-"


COLUMNS = ("site", "enabled", "schedule", "discovery", "domains", "last run")


def _print_plain_table(title: str, rows: list[dict[str, Any]]) -> None:
    """The table without a terminal: a title, a header, columns padded with spaces (--json for programs)."""
    cells = [list(COLUMNS)] + [_site_cells(row, ("yes", "no"), ",") for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    click.echo(title)
    for line in cells:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    if not rows:
        click.echo("(no sites)")


def _print_sites_table(title: str, rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in COLUMNS:
        table.add_column(column)
    for row in rows:
        table.add_row(*_site_cells(row, ("yes", "no"), ", "))
    Console().print(table)


@sites.command("add")
@click.argument("url")
@click.option("--name", help="The site's name (default: made of its host).")
@click.option("--write", is_flag=True, help="Append the entry to the sites file (comments and order kept).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--allow-private", is_flag=True,
              help="The site is on a loopback/private address: reach it, and say allow_private: true.")
@click.option("--follow-redirect", is_flag=True,
              help="The home page redirects to another host: add that one.")
@click.option("--follow-links", is_flag=True,
              help="Accept a start_urls + follow entry when the site has no feed and no sitemap.")
@click.option("--timeout", default=180.0, show_default=True, help="Seconds the discovery may take.")
def add(url: str, name: str | None, write: bool, as_json: bool, allow_private: bool, follow_redirect: bool,
        follow_links: bool, timeout: float) -> None:
    """Visit URL (home page, robots.txt, feeds, sitemaps) and propose a sites entry for it.

    Exit status: 0 with an entry (written with --write), 1 when no entry could be proposed or
    written (nothing is written then).
    """
    from newssieve.ops.onboard import propose_site

    report = propose_site(url, name=name, allow_private=allow_private, follow_redirect=follow_redirect,
                          follow_links=follow_links, timeout=timeout)
    if report["status"] == "ok" and write:
        report["written"] = _write_entry(report)
    if as_json:
        click.echo(json.dumps({k: v for k, v in report.items()}, default=str))
    else:
        _print_proposal(report)
    if report["status"] != "ok":
        echo_err(f"newssieve sites add: {report.get('reason')}")
        for hint in report.get("hints", []):
            echo_err(f"  hint: {hint}")
        sys.exit(1)


def _write_entry(report: dict[str, Any]) -> str | None:
    """Append the entry to the sites file; the path, or None (status failed, reason set)."""
    from newssieve.settings import get_settings
    from newssieve.sites_write import SitesWriteError, add_entry

    path = Path(get_settings().sites)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        new = add_entry(text, report["entry"], path, comment=_comment(report))
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(new, encoding="utf-8")
        os.replace(temporary, path)
    except (SitesWriteError, SitesFileError, OSError) as exc:
        report.update(status="failed", reason=f"not written: {exc}")
        return None
    return str(path)


def _comment(report: dict[str, Any]) -> str:
    pattern = report["pattern"]
    return (f"added by `newssieve sites add {report['url']}`\n{len(report['feeds'])} feed(s), "
            f"{len(report['sitemaps'])} sitemap(s); its article pattern matched {pattern['matched']} "
            f"of {pattern['listed']} listed URLs")


def _print_proposal(report: dict[str, Any]) -> None:
    click.echo(f"{report['url']}" + (f" -> {report['final_url']}" if report.get("final_url")
                                     not in (None, report["url"]) else ""))
    for redirect in report.get("redirects", []):
        state = "followed" if redirect["followed"] else "not followed"
        click.echo(f"  redirect: {redirect['url']} -> {redirect['to']} ({state})")
    for line in _tried_lines(report.get("tried", [])):
        click.echo(f"  tried {line}")
    for what in ("feeds", "sitemaps"):
        for source in report.get(what) or []:
            click.echo(f"  {what[:-1]}: {source['url']} ({source['format']}, {source['total']} listed, "
                       f"{source['kept']} articles)")
    if report.get("pattern"):
        pattern = report["pattern"]
        click.echo(f"  article pattern matches {pattern['matched']} of {pattern['listed']} listed URLs")
    for sample in report.get("samples") or []:
        title = sample.get("title") or f"({sample.get('error') or sample.get('empty_reason')})"
        click.echo(f"  sample: {title}  <{sample['url']}>")
    if report.get("entry"):
        from newssieve.sites_write import render_entry

        click.echo("proposed entry:" if report["status"] != "links_only" else "suggested entry:")
        click.echo("\n".join(render_entry(report["entry"])))
    if report.get("written"):
        click.echo(f"written to {report['written']}")
    elif report["status"] == "ok":
        click.echo("(not written: --write appends it to the sites file)")


def _tried_lines(tried: list[dict[str, Any]]) -> list[str]:
    return [f"{t['what']}: {t['url']}: {t['outcome']}" + (f" ({t['detail']})" if t.get("detail") else "")
            for t in tried]


@sites.command("check")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--timeout", default=300.0, show_default=True, help="Seconds the check may take.")
def check(name: str, as_json: bool, timeout: float) -> None:
    """Fetch NAME's sources now and a few of its articles (cleaned), storing nothing.

    Exit status: 0 when every source answered and the samples cleaned, 1 otherwise, 2 for a site
    the sites file does not list or whose entry is invalid.
    """
    from newssieve.ops.site_check import check_site

    report = check_site(name, timeout=timeout)
    if as_json:
        click.echo(json.dumps(report, default=str))
    else:
        for source in report["sources"]:
            counts = (f"{source.get('listed', 0)} listed, {source.get('kept', 0)} kept"
                      if source.get("outcome") == "ok" else f"FAILED: {source.get('reason')}")
            click.echo(f"{source.get('format') or '?':<7} {source['url']}: {counts}")
        for sample in report["samples"]:
            title = sample.get("title") or f"({sample.get('error') or sample.get('empty_reason')})"
            click.echo(f"sample  {title} ({sample.get('chars', 0)} chars)  <{sample['url']}>")
    if report["status"] != "ok":
        echo_err(f"newssieve sites check: {report['status']}: {report.get('reason')}")
        sys.exit(2 if report["status"] in ("unknown_site", "invalid_site") else 1)


COMMANDS = [sites]
