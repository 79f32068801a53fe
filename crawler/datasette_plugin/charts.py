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
    parts.append(f'<text x="{left}" y="{top_pad - 2}" class="na-axis">articles per {unit}</text>')
    for tick in sorted({0, top // 2, top}):
        y = top_pad + plot_h * (1 - tick / top)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="na-grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="na-axis">{tick}</text>')
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
    label_every = max(1, len(days) // 8)
    for i, day in enumerate(days):
        if i % label_every == 0 or i == len(days) - 1:
            x = left + i * step + step / 2
            parts.append(f'<text x="{x:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle" '
                         f'class="na-axis">{_label(day, unit)}</text>')
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
