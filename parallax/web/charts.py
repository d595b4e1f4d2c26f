"""Charts drawn on the server as inline SVG: no script, no CDN, nothing fetched.

Colours are SVG presentation attributes (not ``style``), which the Content-Security-Policy
allows; every label is escaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

#: Colour-blind-safe palette (Okabe-Ito), then greys.
PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
    "#999999", "#666666",
)


def _buckets(days: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """The x-axis buckets for these days (each day, each week, or each month, whichever keeps
    the axis under about 60 bars) and which bucket each day falls in."""
    parsed = sorted({date.fromisoformat(d) for d in days})
    if not parsed:
        return [], {}
    span = (parsed[-1] - parsed[0]).days + 1
    if span <= 62:
        step = "day"
    elif span <= 62 * 7:
        step = "week"
    else:
        step = "month"

    def bucket(d: date) -> str:
        if step == "week":
            return (d - timedelta(days=d.weekday())).isoformat()
        if step == "month":
            return d.isoformat()[:7]
        return d.isoformat()

    order: list[str] = []
    d = parsed[0]
    while d <= parsed[-1]:
        b = bucket(d)
        if not order or order[-1] != b:
            order.append(b)
        d += timedelta(days=1)
    return order, {x.isoformat(): bucket(x) for x in parsed}


def coverage_svg(
    points: Sequence[dict[str, Any]], outlets: Sequence[dict[str, Any]], *, width: int = 720
) -> Markup:
    """Articles per day (or week, or month) stacked by outlet, undated articles in a last bar,
    with a legend. ``points`` are a story view's ``coverage_over_time``; ``outlets`` its
    ``outlets`` (column, label) in legend order."""
    if not points:
        return Markup("")
    colours = {o["column"]: PALETTE[i % len(PALETTE)] for i, o in enumerate(outlets)}
    labels = {o["column"]: o["label"] for o in outlets}
    order, bucket_of = _buckets([p["day"] for p in points if p["day"]])
    if any(p["day"] is None for p in points):
        order.append("undated")
    stacks: dict[str, dict[str, int]] = defaultdict(dict)
    for p in points:
        b = bucket_of[p["day"]] if p["day"] else "undated"
        stacks[b][p["column"]] = stacks[b].get(p["column"], 0) + int(p["articles"])
    top = max(sum(s.values()) for s in stacks.values())
    left, right, plot_h, legend_row = 36, 12, 160, 18
    legend_h = legend_row * ((len(outlets) + 2) // 3) + 8
    height = plot_h + 48 + legend_h
    plot_w = width - left - right
    bar = plot_w / max(len(order), 1)
    # Markup.format escapes every argument: labels come from article metadata.
    parts: list[Markup] = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart ui" role="img" '
            'viewBox="0 0 {w} {h}" width="{w}" height="{h}">'
            "<title>Articles per day by outlet</title>"
        ).format(w=width, h=height)
    ]
    for tick in sorted({0, top, (top + 1) // 2}):
        y = 10 + plot_h - plot_h * tick / top
        parts.append(
            Markup(
                '<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="#dadce0" stroke-width="1"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end" font-size="11" fill="#5f6368">'
                "{tick}</text>"
            ).format(l=left, r=width - right, y=f"{y:.1f}", tx=left - 6, ty=f"{y + 4:.1f}",
                     tick=tick)
        )
    label_every = max(1, len(order) // 8)
    for i, b in enumerate(order):
        x = left + i * bar
        y = 10 + plot_h
        for column in [o["column"] for o in outlets]:
            n = stacks.get(b, {}).get(column, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            parts.append(
                Markup(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}">'
                    "<title>{tip}</title></rect>"
                ).format(
                    x=f"{x + 1:.1f}", y=f"{y:.1f}", w=f"{max(bar - 2, 1):.1f}", h=f"{h:.1f}",
                    fill=colours[column],
                    tip=f"{labels[column]}: {n} article{'s' if n != 1 else ''} ({b})",
                )
            )
        if i % label_every == 0 or b == "undated":
            parts.append(
                Markup(
                    '<text x="{x}" y="{y}" text-anchor="middle" font-size="11" '
                    'fill="#5f6368">{label}</text>'
                ).format(x=f"{x + bar / 2:.1f}", y=10 + plot_h + 16, label=b)
            )
    for i, o in enumerate(outlets):
        x = left + (i % 3) * (plot_w / 3)
        y = plot_h + 44 + (i // 3) * legend_row
        parts.append(
            Markup(
                '<rect x="{x}" y="{ry}" width="10" height="10" fill="{fill}"/>'
                '<text x="{tx}" y="{y}" font-size="12" fill="#1d1f21">{label}</text>'
            ).format(x=f"{x:.1f}", ry=y - 10, fill=colours[o["column"]], tx=f"{x + 14:.1f}",
                     y=y, label=o["label"])
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
