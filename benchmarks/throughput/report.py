"""Turn the arms' figures into the Markdown results file: machine, command, table, ratios."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime

from benchmarks.throughput.arms import Arm, crawl_settings


def machine() -> dict[str, str]:
    """Where and when: date, cores, Python, kernel, CPU model, load average."""
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip() or str(os.cpu_count())
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "nproc": nproc,
            "python": sys.version.split()[0], "kernel": platform.release(), "cpu": model,
            "load average (1, 5, 15 min) at the end of the run": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def _f(value: float | None, scale: float = 1.0, digits: int = 1) -> str:
    return "—" if value is None else f"{value * scale:.{digits}f}"


def _row(arm: Arm) -> str:
    if arm.skipped:
        return f"| {arm.name} | skipped: {arm.skipped} |" + " |" * 13
    per = arm.per_page
    rate = f"**{arm.rate:.1f}**" if arm.pages else "—"
    elapsed = "—" if arm.elapsed is None else f"{arm.elapsed:.1f}"
    if arm.rate_elapsed:
        elapsed += f" ({arm.rate_elapsed:.1f}/s)"
    return (f"| {arm.name} | {arm.pages} | {arm.wall:.1f} | {rate} | {elapsed} | {_f(per(arm.cpu_own), 1000)} | "
            f"{_f(per(arm.cpu_tree), 1000)} | {_f(per(arm.cpu_writer), 1000)} | {_f(arm.peak_rss_own, 2**-20, 0)} | "
            f"{_f(arm.peak_rss_tree, 2**-20, 0)} | {_f(arm.peak_pss_tree, 2**-20, 0)} | "
            f"{_f(per(arm.written), 2**-10)} | {_f(per(arm.warc_bytes), 2**-10)} | "
            f"{_f(per(arm.catalogue_bytes), 2**-10)} | {_f(per(arm.text_bytes), 2**-10)} |")


def ratios(arms: dict[str, Arm]) -> list[str]:
    """The issue's ratios, each only where both of its arms ran."""
    out = []
    fetch, plain, ours = arms.get("fetch"), arms.get("trafilatura"), arms.get("ours")
    full, again, np_, wget = arms.get("crawl"), arms.get("recrawl"), arms.get("newsplease"), arms.get("wget")
    if fetch and plain and fetch.rate and plain.rate:
        ceiling = 1 / (1 / fetch.rate + 1 / plain.rate)
        out.append(f"combined ceiling 1/(1/fetch + 1/plain trafilatura) = {ceiling:.1f} pages/s")
        if full and full.rate:
            out.append(f"**full pipeline / combined ceiling = {full.rate / ceiling:.2f}** (floor 0.8)")
        if full and full.rate_elapsed and fetch.rate_elapsed:
            ceiling2 = 1 / (1 / fetch.rate_elapsed + 1 / plain.rate)
            out.append(f"the same without process start-up (Scrapy's elapsed time for fetch and crawl): ceiling "
                       f"{ceiling2:.1f} pages/s, full pipeline / ceiling = {full.rate_elapsed / ceiling2:.2f}")
    if plain and ours and plain.cpu_tree and ours.cpu_tree and plain.pages and ours.pages:
        out.append(f"our extraction CPU per page / plain trafilatura's = "
                   f"{(ours.cpu_tree / ours.pages) / (plain.cpu_tree / plain.pages):.2f} (target ≤ 1.2)")
    if full and full.rate and np_ and np_.rate:
        out.append(f"**full pipeline / news-please = {full.rate / np_.rate:.2f}** (floor 4)")
    if full and full.rate and wget and wget.rate:
        out.append(f"full pipeline / wget --warc-file = {full.rate / wget.rate:.2f}")
    if full and full.pages:
        out.append(f"crawl process CPU per page = {full.cpu_own / full.pages * 1000:.1f} ms (floor ≤ 8 ms); "
                   f"busy {full.cpu_own / full.wall:.0%} of the run")
        left = (full.warc_bytes or 0) + (full.catalogue_bytes or 0) + (full.text_bytes or 0)
        if left and full.written is not None:
            out.append(f"bytes written / (WARC + catalogue + text left) = {full.written / left:.1f} (floor ≤ 3)")
        text = full.notes.get("article_text_bytes")
        if full.catalogue_bytes and text:
            out.append(f"catalogue bytes / article text bytes (UTF-8, all articles) = {full.catalogue_bytes / text:.1f}"
                       " (floor < 3)")
        if full.cpu_writer is not None:
            out.append(f"writer process CPU per page = {full.cpu_writer / full.pages * 1000:.1f} ms (not in the crawl "
                       "process's figure; in the tree's)")
        if full.peak_rss_tree:
            out.append(f"peak RSS of the crawl's process tree = {full.peak_rss_tree / 2**20:.0f} MB (floor < 500)"
                       + (f"; peak PSS {full.peak_pss_tree / 2**20:.0f} MB" if full.peak_pss_tree else ""))
        if full.peak_roles:
            out.append("highest RSS of each kind of process in the tree (not at the same moment): " + ", ".join(
                f"{kind} {value / 2**20:.0f} MB" for kind, value in full.peak_roles.items()))
    if full and again and full.wall and full.written:
        out.append(f"unchanged re-crawl / first crawl: time {again.wall / full.wall:.1%}, bytes written "
                   f"{(again.written or 0) / full.written:.2%}, WARC bytes "
                   f"{(again.warc_bytes or 0) / max(full.warc_bytes or 1, 1):.2%} (floor ≤ 5 %)")
    return out


def markdown(arms: dict[str, Arm], info: dict[str, object], command: str) -> str:
    """The results file."""
    mach = machine()
    lines = ["# Throughput benchmark (issue 10)", "",
             f"Command: `{command}`", "",
             "| machine | |", "|---|---|", *(f"| {k} | {v} |" for k, v in mach.items()),
             *(f"| {k} | {v} |" for k, v in info.items()), "",
             ("| arm | pages | wall s | pages/s | Scrapy elapsed s (pages/s) | CPU ms/page, main process | "
              "CPU ms/page, tree | CPU ms/page, writer process | peak RSS MB, main | peak RSS MB, tree | "
              "peak PSS MB, tree | written KB/page | WARC KB/page | catalogue KB/page | text KB/page |"),
             "|---|" + "---|" * 14]
    lines += [_row(arm) for arm in arms.values()]
    lines += ["", ("How to read it: *wall* includes process start-up (Python and Scrapy imports, pool spawn); *Scrapy "
              "elapsed* is the spider's own open-to-close time. *CPU, main process*: the fetching or crawling process "
              "alone (for the pool arms, the parent feeding the pool); *tree*: with every descendant (pool workers; "
              "for the pool arms, the workers' CPU inside each extraction call). *Peak RSS, tree*: the sum of the "
              "processes' RSS at the highest sample (every 0.2 s; shared pages counted once per process); *PSS*: the "
              "same from `/proc/<pid>/smaps_rollup`, pages shared by n processes counted 1/n each (so once in all); "
              "*writer process*: the crawl's writer (ARCHIVE_WRITER=process), part of the tree; the mirror's "
              "server is never counted. *Written*: `write_bytes` of `/proc/<pid>/io` for the tree (what reached the "
              "block layer: WARC, SQLite database and WAL, text files, fsyncs). The re-crawl's per-page figures are "
              "divided by the first crawl's pages. news-please runs `NewsPlease.from_urls` in batches of 250 "
              "(a thread per URL, then a process pool on all cores), images off, nothing archived.")]
    lines += ["", "Ratios:", "", *(f"* {r}" for r in ratios(arms)), ""]
    lines += ["The full-pipeline arm runs `newsarchive crawl --backfill` (AutoThrottle off, CONCURRENT_REQUESTS the "
              "outlets' concurrency added up) with "
              + ", ".join(f"`-s {k}={v}`" for k, v in crawl_settings(0).items() if k != "EXTRACT_WORKERS")
              + ", `-s EXTRACT_WORKERS=N`.", ""]
    notes = {name: {k: v for k, v in arm.notes.items() if k != "curve"} for name, arm in arms.items() if arm.notes}
    if notes:
        lines += ["Arm details:", "", *(f"* {name}: {detail}" for name, detail in notes.items()), ""]
    return "\n".join(lines)
