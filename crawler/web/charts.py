"""Inline SVG charts for the catalogue (no JavaScript, nothing loaded from anywhere): articles per day, crawl health."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

logger = logging.getLogger(__name__)

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MAX_BARS = 120  # bars per chart; a longer span is drawn per month


@dataclass(frozen=True)
class OutletHealth:
    """One outlet's crawl record, as the health chart shows it."""

    outlet: str
    crawls: int
    pages_fetched: int
    articles_new: int
    failures: int
    last_success: str | None  # ISO timestamp of the last finished crawl that fetched pages, or None


def colour(index: int) -> str:
    """The palette colour of the ``index``-th series."""
    return PALETTE[index % len(PALETTE)]


def _months(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s month to ``last``'s, at most ``MAX_BARS`` (the latest)."""
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out[-MAX_BARS:]


def buckets(first: date, last: date) -> tuple[str, list[date]]:
    """("day", every day) when the span fits ``MAX_BARS`` bars, else ("month", first day of every month)."""
    if (last - first).days < MAX_BARS:
        return "day", [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return "month", _months(first, last)


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _label(day: date, unit: str) -> str:
    return day.isoformat()[:7] if unit == "month" else day.isoformat()


def chart_unit(day_texts: Iterable[str]) -> str:
    """"day" or "month": the bar unit ``articles_per_day_svg`` will use for these dates."""
    days = [d for d in (_parse_day(t or "") for t in day_texts) if d is not None]
    return buckets(min(days), max(days))[0] if days else "day"


def articles_per_day_svg(rows: Iterable[tuple[str, str, int]], *, width: int = 900, height: int = 320) -> str:
    """A stacked bar chart of ``(day, outlet, count)`` rows: one bar per day (per month over long spans), one colour per outlet."""
    counts: dict[tuple[date, str], int] = {}
    for day_text, outlet, count in rows:
        day = _parse_day(day_text or "")
        if day is None:
            continue
        counts[(day, outlet)] = counts.get((day, outlet), 0) + int(count)
    if not counts:
        return '<p class="na-empty">No dated articles yet.</p>'
    outlets = sorted({o for _, o in counts})
    unit, days = buckets(min(d for d, _ in counts), max(d for d, _ in counts))
    if unit == "month":
        monthly: dict[tuple[date, str], int] = {}
        for (day, outlet), n in counts.items():
            key = (day.replace(day=1), outlet)
            monthly[key] = monthly.get(key, 0) + n
        counts = monthly
    totals = [sum(counts.get((d, o), 0) for o in outlets) for d in days]
    top = max(max(totals), 1)
    left, right, top_pad, bottom = 44, 12, 24, 56
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    step = plot_w / len(days)
    bar_w = max(step * 0.8, 1.0)
    parts = [(f'<svg class="na-chart" id="chart-articles-per-day" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {width} {height + 22 * ((len(outlets) + 3) // 4)}" role="img" '
             f'aria-label="Articles per {unit} per outlet" data-unit="{unit}" direction="ltr">')]
    parts += _axis(f"articles per {unit}", left=left, right=width - right, top_pad=top_pad, plot_h=plot_h, top=top)
    for i, day in enumerate(days):
        x = left + i * step + (step - bar_w) / 2
        y = top_pad + plot_h
        for j, outlet in enumerate(outlets):
            n = counts.get((day, outlet), 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            parts.append(
                f'<rect class="na-bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour(j)}" data-day="{_label(day, unit)}" data-outlet="{escape(outlet)}" data-count="{n}">'
                f"<title>{_label(day, unit)} {escape(outlet)}: {n}</title></rect>")
    parts.extend(_x_labels([_label(d, unit) for d in days], left, step, top_pad + plot_h + 16, width - right))
    parts.extend(_legend(outlets, left, height - 18))
    parts.append("</svg>")
    return "".join(parts)


def _legend(names: Sequence[str], x0: float, y0: float) -> list[str]:
    out = []
    for i, name in enumerate(names):
        x = x0 + (i % 4) * 210
        y = y0 + (i // 4) * 22
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour(i)}"/>'
                   f'<text x="{x + 18}" y="{y}" class="na-legend">{escape(name)}</text>')
    return out


def crawl_health_svg(outlets: Sequence[OutletHealth], *, width: int = 900) -> str:
    """One row per outlet: pages fetched and failures as bars, and when the outlet last crawled successfully."""
    if not outlets:
        return '<p class="na-empty">No crawls yet.</p>'
    row_h, left, label_w = 34, 170, 340
    height = row_h * len(outlets) + 40
    plot_w = width - left - label_w
    top = max(max(o.pages_fetched + o.failures for o in outlets), 1)
    parts = [(f'<svg class="na-chart" id="chart-crawl-health" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="Crawl health per outlet" direction="ltr">')]
    for i, o in enumerate(outlets):
        y = 10 + i * row_h
        ok_w = plot_w * o.pages_fetched / top
        fail_w = plot_w * o.failures / top
        state = "ok" if o.last_success and o.failures <= o.pages_fetched else "bad"
        parts.append(f'<g class="na-health" data-outlet="{escape(o.outlet)}" data-state="{state}">')
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" class="na-label">{escape(o.outlet)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{ok_w:.1f}" height="22" fill="#009E73">'
                     f"<title>{escape(o.outlet)}: {o.pages_fetched} pages fetched in {o.crawls} crawls</title></rect>")
        parts.append(f'<rect x="{left + ok_w:.1f}" y="{y}" width="{fail_w:.1f}" height="22" fill="#D55E00">'
                     f"<title>{escape(o.outlet)}: {o.failures} failures</title></rect>")
        last = o.last_success[:16].replace("T", " ") if o.last_success else "never"
        parts.append(f'<text x="{left + plot_w + 10}" y="{y + 16}" class="na-label">'
                     f"{o.pages_fetched} pages · {o.articles_new} articles · {o.failures} failed · last ok "
                     f"{escape(last)}</text>")
        parts.append("</g>")
    y = height - 12
    parts.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="#009E73"/>'
                 f'<text x="{left + 18}" y="{y}" class="na-legend">pages fetched</text>'
                 f'<rect x="{left + 140}" y="{y - 10}" width="12" height="12" fill="#D55E00"/>'
                 f'<text x="{left + 158}" y="{y}" class="na-legend">failures</text>')
    parts.append("</svg>")
    return "".join(parts)


def mentions_per_week_svg(rows: Iterable[tuple[str, str, int, int]], term: str, *, width: int = 900,
                          height: int = 300) -> str:
    """One line per outlet over ``(week, outlet, articles, occurrences)`` rows: articles naming ``term`` per ISO week.

    Lines, not bars: outlets are compared week by week, and twelve years of weeks for fourteen outlets stay a
    few dozen kilobytes (a bar each would be 9,000 elements).
    """
    counts: dict[str, dict[date, int]] = {}
    mentions: dict[str, int] = {}
    for week_text, outlet, n, occurrences in rows:
        week = _parse_day(week_text or "")
        if week is not None:
            counts.setdefault(outlet, {})[week] = counts.get(outlet, {}).get(week, 0) + int(n)
            mentions[outlet] = mentions.get(outlet, 0) + int(occurrences)
    if not counts:
        return f'<p class="na-empty">No article names {escape(term)}.</p>'
    outlets = sorted(counts)
    first = min(min(c) for c in counts.values())
    last = max(max(c) for c in counts.values())
    weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    top = max(max(c.values()) for c in counts.values())
    left, right, top_pad, bottom = 44, 48, 24, 56
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    step = plot_w / max(len(weeks), 1)
    parts = [(f'<svg class="na-chart" id="chart-mentions" xmlns="http://www.w3.org/2000/svg" '
              f'viewBox="0 0 {width} {height + 22 * ((len(outlets) + 3) // 4)}" role="img" '
              f'aria-label="Articles naming {escape(term)} per week per outlet" data-unit="week" '
              f'data-weeks="{len(weeks)}" direction="ltr">')]
    parts += _axis("articles per week", left=left, right=width - right, top_pad=top_pad, plot_h=plot_h, top=top)
    for j, outlet in enumerate(outlets):
        per_week = counts[outlet]
        points = " ".join(f"{left + i * step + step / 2:.1f},{top_pad + plot_h * (1 - per_week.get(w, 0) / top):.1f}"
                          for i, w in enumerate(weeks))
        total = sum(per_week.values())
        peak = max(per_week, key=lambda w: per_week[w])
        parts.append(f'<polyline class="na-line" points="{points}" fill="none" stroke="{colour(j)}" '
                     f'stroke-width="1.6" data-outlet="{escape(outlet)}" data-total="{total}" '
                     f'data-peak-week="{peak.isoformat()}" data-peak="{per_week[peak]}">'
                     f"<title>{escape(outlet)}: {total} articles, {mentions.get(outlet, 0)} mentions; most in the "
                     f"week of {peak.isoformat()} ({per_week[peak]})</title></polyline>")
    parts.extend(_x_labels([w.isoformat() for w in weeks], left, step, top_pad + plot_h + 16, width - right))
    parts.extend(_legend(outlets, left, height - 18))
    parts.append("</svg>")
    return "".join(parts)


def _x_labels(labels: Sequence[str], left: float, step: float, y: float, x_max: float) -> list[str]:
    """About eight labels under the bars, the last one always shown and kept inside the drawing."""
    every = max(1, len(labels) // 8)
    half = 3.6 * max(len(t) for t in labels) if labels else 0  # about half a label's width at 12px
    last = len(labels) - 1
    last_x = min(left + last * step + step / 2, x_max - half)  # the last label is kept inside the drawing
    out = []
    for i, label in enumerate(labels):
        x = left + i * step + step / 2
        if i == last:
            x = last_x
        elif i % every or x + half > last_x - half - 8:
            continue  # not a labelled bar, or it would run into the last label
        x = max(x, half)
        out.append(f'<text x="{x:.1f}" y="{y}" text-anchor="middle" class="na-axis">{label}</text>')
    return out


def _axis(label: str, *, left: float, right: float, top_pad: float, plot_h: float, top: int) -> list[str]:
    """The y axis of a chart: its label, and grid lines with their counts at 0, half and the top."""
    parts = [f'<text x="{left}" y="{top_pad - 6}" class="na-axis">{label}</text>']
    for tick in sorted({0, top // 2, top}):
        y = top_pad + plot_h * (1 - tick / top)
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" class="na-grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="na-axis">{tick}</text>')
    return parts
