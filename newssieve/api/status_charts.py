"""Line charts of the status page's history, as inline SVG drawn on the server (no script, no CDN).

The SVG holds the lines only and stretches to the width it is given (a phone's or a desktop's);
the labels (legend, scale, time axis) are HTML around it, so they keep their size. A gap of more
than GAP_SECONDS between two samples (beat was not running) breaks the line instead of bridging it.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 1000, 100
GAP_SECONDS = 150


def _scale(top: float) -> float:
    """A round top for the y axis: 1, 2, 5 times a power of ten, at least `top`."""
    step = 1.0
    while step * 10 <= top:
        step *= 10
    return next(s * step for s in (1, 2, 5, 10) if s * step >= top)


def _runs(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """The points split where samples are missing."""
    runs: list[list[tuple[float, float]]] = []
    for point in points:
        if runs and point[0] - runs[-1][-1][0] <= GAP_SECONDS:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs


def _polylines(index: int, points: list[tuple[float, float]], start: float, end: float, top: float) -> str:
    span = max(end - start, 1.0)
    out = []
    for run in _runs(points):
        if len(run) == 1:  # a lone sample: a short dash so it shows
            run = [(run[0][0] - 30, run[0][1]), run[0]]
        coords = " ".join(f"{(t - start) / span * WIDTH:.1f},{HEIGHT - v / top * HEIGHT:.1f}" for t, v in run)
        out.append(f'<polyline class="s{index}" points="{coords}" fill="none" '
                   f'vector-effect="non-scaling-stroke"/>')
    return "".join(out)


def chart(title: str, lines: dict[str, list[tuple[float, float]]], start: float, end: float,
          unit: str = "") -> str:
    """One chart: a line per series {label: [(time, value)]} between `start` and `end` (epoch seconds)."""
    values = [v for points in lines.values() for _, v in points]
    top = _scale(max(values, default=0) or 1)
    legend = " ".join(f'<span class="key"><i class="s{i}"></i>{escape(label)}</span>'
                      for i, label in enumerate(lines))
    last = " · ".join(f"{escape(label)} {_fmt(points[-1][1])}" for label, points in lines.items() if points)
    body = "".join(_polylines(i, points, start, end, top) for i, points in enumerate(lines.values()))
    grid = "".join(f'<line class="grid" x1="0" x2="{WIDTH}" y1="{y}" y2="{y}" '
                   f'vector-effect="non-scaling-stroke"/>' for y in (0, HEIGHT // 2, HEIGHT))
    label = f"{title}: " + (last or "no samples")
    empty = "" if values else '<p class="none">No samples yet: beat records one a minute.</p>'
    return (f'<figure class="chart"><figcaption><b>{escape(title)}</b> {legend}</figcaption>'
            f'<div class="plot"><span class="y top">{_fmt(top)}{escape(unit)}</span>'
            f'<span class="y mid">{_fmt(top / 2)}</span><span class="y bottom">0</span>'
            f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" role="img" '
            f'aria-label="{escape(label)}">{grid}{body}</svg></div>'
            f'<div class="x"><span>24 h ago</span><span>12 h ago</span><span>now</span></div>'
            f'<p class="last">now: {last or "-"}</p>{empty}</figure>')


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or value >= 10 else f"{value:,.1f}"


def history_html(series: dict) -> str:
    """The two charts of the status page: messages waiting per queue, pages per minute."""
    start, end = series["from"], series["to"]
    waiting = chart("Waiting in queues", series["waiting"], start, end)
    per_minute = {f"{name} / min": points for name, points in series["per_minute"].items()}
    throughput = chart("Pages per minute", per_minute, start, end)
    return waiting + throughput
