"""HTML for the status page, rendered from `newssieve.ops.status.collect()`; every value is escaped here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from string import Template

TEMPLATE = Template((Path(__file__).parent / "templates" / "status.html").read_text(encoding="utf-8"))
REFRESH_SECONDS = 10


@dataclass
class StatusLinks:
    home: str
    css: str
    status_css: str
    json: str
    metrics: str


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
    rows = [[escape(name), str(q["waiting"]), str(q["unacked"])] for name, q in queues.items()]
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
    rows = [[escape(step.replace("_", " ")), _num(c["last_hour"]), _num(c["total"])]
            for step, c in pipeline.items()]
    return table(["pages", "last hour", "total"], rows, frozenset({1, 2}))


def sites_html(sites: dict) -> str:
    if not sites:
        return '<p class="none">No sites configured.</p>'
    rows = []
    for name, info in sites.items():
        last = info["last_run"] or {}
        state = "running" if info["running"] else last.get("status", "never")
        errors = last.get("errors_total", len(last.get("errors") or [])) if last else "-"
        rows.append([escape(name), escape(_human(last.get("finished"))),
                     f'<span class="state-{escape(state)}">{escape(state)}</span>',
                     escape(str(last.get("pages", "-"))), escape(str(last.get("articles_new", "-"))),
                     escape(str(errors)),
                     escape(_human(info["next_run"])) if info["enabled"] else "disabled"])
    return table(["site", "last run", "status", "pages", "new", "errors", "next run"], rows,
                 frozenset({3, 4, 5}))


def dead_html(dead: dict) -> str:
    if not dead["latest"]:
        return '<p class="none">None.</p>'
    rows = [[escape(d["subject"]), escape(d["error"]), escape(_human(d["failed_at"])),
             f"<code>{escape(d['id'])}</code>"] for d in dead["latest"]]
    return table(["page or site", "error", "failed", "id (to requeue)"], rows, wrap=frozenset({0, 1}))


def render_status(snapshot: dict, links: StatusLinks) -> str:
    problems = "".join(f'<p class="problem">{escape(p)}</p>' for p in snapshot["problems"])
    return TEMPLATE.substitute(
        refresh=REFRESH_SECONDS, at=escape(snapshot["at"]), at_human=escape(_human(snapshot["at"])),
        home_url=escape(links.home), css_url=escape(links.css), status_css_url=escape(links.status_css),
        json_url=escape(links.json), metrics_url=escape(links.metrics), problems=problems,
        queues=queues_html(snapshot["queues"]), workers=workers_html(snapshot["workers"]),
        pages=pages_html(snapshot["pipeline"]), sites=sites_html(snapshot["sites"]),
        dead_count=snapshot["dead_letters"]["count"], dead=dead_html(snapshot["dead_letters"]))
