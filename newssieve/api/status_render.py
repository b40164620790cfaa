"""HTML for the status page, rendered from `newssieve.ops.status.collect()`; every value is escaped here.

The actions (crawl now, stop, requeue) are buttons rendered hidden; static/status.js shows them once
the operator has entered the API token (kept in the tab's sessionStorage, sent only as a bearer
header on the POST, never in a URL). Without a token configured on the server there are none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from string import Template

from newssieve.api.status_charts import history_html
from newssieve.ops.crawl_logs import RUN_ID_RE
from newssieve.ops.status import PAGE_COUNT_NOTES, TOTAL_NOTES

TEMPLATE = Template((Path(__file__).parent / "templates" / "status.html").read_text(encoding="utf-8"))
REFRESH_SECONDS = 10


@dataclass
class StatusLinks:
    home: str
    css: str
    status_css: str
    status_js: str
    json: str
    metrics: str
    api_root: str = ""  # where the API's paths start ("" at the root)
    actions: bool = False  # a token is configured: the actions can be offered


def _human(iso: str | None) -> str:
    """"2026-11-25 17:40 UTC" from an ISO time; "-" when there is none."""
    if not iso:
        return "-"
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def table(headers: list[str], rows: list[list[str]], numeric: frozenset[int] = frozenset(),
          wrap: frozenset[int] = frozenset()) -> str:
    """A table of already-escaped cells: `numeric` columns right-aligned, `wrap` columns (long text)
    wrapped, the others kept on one line (the table scrolls sideways on a phone, not the page)."""
    head = "".join(f"<th>{h}</th>" for h in headers)

    def cell(i: int, text: str) -> str:
        kind = "num" if i in numeric else "wrap" if i in wrap else ""
        return f'<td class="{kind}">{text}</td>' if kind else f"<td>{text}</td>"

    body = "".join("<tr>" + "".join(cell(i, text) for i, text in enumerate(row)) + "</tr>" for row in rows)
    return (f'<div class="scroll"><table class="ops"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def queues_html(queues: dict) -> str:
    rows = [[escape(name), str(q["waiting"]), str(q.get("unacked", "n/a"))] for name, q in queues.items()]
    return table(["queue", "waiting", "taken, not acked"], rows, frozenset({1, 2}))


def workers_html(workers: dict) -> str:
    if not workers:
        return '<p class="none">No worker answered.</p>'
    rows = []
    for name, tasks in workers.items():
        running = "<br>".join(f"{escape(t['task'] or '?')} <code>{escape(t['args'])}</code>"
                              f" since {escape(_human(t['started']))}" for t in tasks)
        rows.append([escape(name), running or "idle"])
    return table(["worker", "running"], rows, wrap=frozenset({1}))


def pages_html(pipeline: dict) -> str:
    rows = [[escape(step.replace("_", " ")), _num(c["last_hour"]), _num(c["total"]),
             escape(PAGE_COUNT_NOTES.get(step, ""))] for step, c in pipeline.items()]
    return table(["pages", "last hour", "total", "what it counts"], rows, frozenset({1, 2}),
                 wrap=frozenset({3}))


def totals_html(totals: dict) -> str:
    """The distinct counts, as tiles: what the feed shows."""
    return "".join(f'<div class="tile" id="total-{escape(name)}"><b>{_num(value)}</b> {escape(name)}'
                   f'<small>{escape(TOTAL_NOTES.get(name, ""))}</small></div>'
                   for name, value in totals.items())


def action(label: str, path: str, confirm: str = "") -> str:
    """A button that POSTs to `path` with the token (static/status.js), hidden until a token is entered."""
    extra = f' data-confirm="{escape(confirm)}"' if confirm else ""
    return (f'<button type="button" class="action" hidden data-post="{escape(path)}"{extra}>'
            f"{escape(label)}</button>")


def _last_run_cell(name: str, last: dict, links: StatusLinks) -> str:
    when = escape(_human(last.get("finished")))
    run_id = last.get("run_id")
    if isinstance(run_id, str) and RUN_ID_RE.match(run_id):
        href = f"{links.api_root}/crawl-runs/{name}/{run_id}/log"
        return f'{when} <a class="log" href="{escape(href)}">log</a>'
    return when


def _site_actions(name: str, info: dict, links: StatusLinks) -> str:
    if not links.actions or not info["enabled"]:
        return ""
    base = f"{links.api_root}/sites/{name}"
    if info["running"]:
        return action("Stop", f"{base}/cancel", f"Stop the running crawl of {name}?")
    return action("Crawl now", f"{base}/crawl")


def sites_html(sites: dict, links: StatusLinks) -> str:
    if not sites:
        return '<p class="none">No sites configured.</p>'
    rows = []
    for name, info in sites.items():
        last = info["last_run"] or {}
        state = "running" if info["running"] else last.get("status", "never")
        errors = last.get("errors_total", len(last.get("errors") or [])) if last else "-"
        rows.append([escape(name), _last_run_cell(name, last, links),
                     f'<span class="state-{escape(state)}">{escape(state)}</span>',
                     escape(str(last.get("pages", "-"))), escape(str(last.get("articles_new", "-"))),
                     escape(str(errors)),
                     escape(_human(info["next_run"])) if info["enabled"] else "disabled",
                     _site_actions(name, info, links)])
    headers = ["site", "last run", "status", "pages", "new", "errors", "next run", ""]
    return table(headers, rows, frozenset({3, 4, 5}))


def dead_html(dead: dict, links: StatusLinks) -> str:
    if not dead["latest"]:
        return '<p class="none">None.</p>'
    rows = []
    for d in dead["latest"]:
        requeue = " " + action("Requeue", f"{links.api_root}/dead/{d['id']}/requeue") if links.actions else ""
        rows.append([escape(d["subject"]), escape(d["error"]), escape(_human(d["failed_at"])),
                     f"<code>{escape(d['id'])}</code>{requeue}"])
    every = action("Requeue all", f"{links.api_root}/dead/requeue", "Requeue every dead letter?")
    return (table(["page or site", "error", "failed", "id (to requeue)"], rows, wrap=frozenset({0, 1}))
            + (f'<p class="actions">{every}</p>' if links.actions else ""))


def token_html(links: StatusLinks) -> str:
    """Where the operator enters the API token (for the actions), or why there are no actions."""
    if not links.actions:
        return ('<p class="none">Actions (crawl now, stop a crawl, requeue) need NEWSSIEVE_API_TOKEN on '
                "the server: the API is read-only.</p>")
    return ('<form id="token-form" class="token" autocomplete="off"><label for="token">API token</label> '
            '<input id="token" name="token" type="password" autocomplete="off" spellcheck="false"> '
            '<button type="submit">Use</button></form>'
            '<p id="token-on" class="token" hidden>Actions on: the token is kept in this tab only. '
            '<button type="button" id="token-forget">Forget it</button></p>'
            '<p id="action-result" class="result" role="status" aria-live="polite"></p>')


def render_status(snapshot: dict, links: StatusLinks, series: dict) -> str:
    problems = "".join(f'<p class="problem">{escape(p)}</p>' for p in snapshot["problems"])
    return TEMPLATE.substitute(
        refresh=REFRESH_SECONDS, at=escape(snapshot["at"]), at_human=escape(_human(snapshot["at"])),
        home_url=escape(links.home), css_url=escape(links.css), status_css_url=escape(links.status_css),
        status_js_url=escape(links.status_js),
        json_url=escape(links.json), metrics_url=escape(links.metrics), problems=problems,
        totals=totals_html(snapshot["totals"]), history=history_html(series), token=token_html(links),
        queues=queues_html(snapshot["queues"]), workers=workers_html(snapshot["workers"]),
        pages=pages_html(snapshot["pipeline"]), sites=sites_html(snapshot["sites"], links),
        dead_count=snapshot["dead_letters"]["count"], dead=dead_html(snapshot["dead_letters"], links))
