"""Throughput benchmark (issue 10): fetch and extraction ceilings, the full pipeline and its peers on one mirror.

    python benchmarks/bench_throughput.py                       # 5,000 pages, every arm, results/throughput-last-run.md
    python benchmarks/bench_throughput.py --pages 200 --results /tmp/t.md --arms fetch,trafilatura,crawl
    python benchmarks/bench_throughput.py --rss-curve --pages 20000   # RSS of the crawl's tree over time (CSV)

Generates a mirror (three outlets, 50-150 KB Arabic article pages with real-world chrome, RSS feeds, sitemap
indexes), serves it on 127.0.0.31-33 with nginx (else a multi-process Python server) and measures each arm in turn.
Only loopback is contacted.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project's packages must import
    sys.path.insert(0, str(ROOT))

from benchmarks.throughput import arms as A
from benchmarks.throughput.mirror import generate
from benchmarks.throughput.report import markdown, ratios
from benchmarks.throughput.serve import Server, free_port, serve

logger = logging.getLogger("bench_throughput")
ARMS = ("fetch", "trafilatura", "ours", "crawl", "recrawl", "newsplease", "wget")
RESULTS = ROOT / "benchmarks" / "results"


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pages", type=int, default=5000, help="article pages in the mirror (default 5000)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                   help="extraction processes for the pool arms and the crawl (default: all cores)")
    p.add_argument("--newsplease-pages", type=int, default=0,
                   help="news-please fetches and extracts only the first N URLs (default 0: all; it is slow)")
    p.add_argument("--arms", default=",".join(ARMS), help=f"comma-separated subset of {','.join(ARMS)}")
    p.add_argument("--server", choices=("nginx", "python"), default="nginx",
                   help="nginx (falls back to python when not installed) or the Python server")
    p.add_argument("--workdir", type=Path, help="where the mirror and crawl data go (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--results", type=Path, help="Markdown results file (default results/throughput-last-run.md, "
                   "or results/throughput-rss-last-run.md with --rss-curve; the curated record, "
                   "results/throughput.md, is written by hand from such runs and never overwritten)")
    p.add_argument("--rss-curve", action="store_true", help="only crawl the mirror, sampling the RSS curve")
    p.add_argument("--sample-every", type=float, default=2.0, help="seconds between RSS curve rows (default 2)")
    p.add_argument("--csv", type=Path, default=RESULTS / "throughput-rss.csv", help="where the RSS curve goes")
    p.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                   help="one more -s setting for the crawl arms, e.g. -s ARCHIVE_WRITER=thread (repeatable)")
    args = p.parse_args(argv)
    unknown = set(args.arms.split(",")) - set(ARMS)
    if unknown:
        p.error(f"unknown arms: {', '.join(sorted(unknown))}")
    if args.pages < 3 or args.workers < 1:
        p.error("--pages must be at least 3 and --workers at least 1")
    if any("=" not in s for s in args.settings):
        p.error("-s takes NAME=VALUE")
    A.EXTRA_SETTINGS.update(s.split("=", 1) for s in args.settings)
    return args


def run_arms(args: argparse.Namespace, mirror: A.Mirror, work: Path, server: Server) -> dict[str, A.Arm]:
    """Each chosen arm in turn on the same mirror; the re-crawl reuses the full crawl's data folder."""
    wanted, arms = args.arms.split(","), {}
    data = work / "data"
    if "fetch" in wanted:
        arms["fetch"] = A.bare_fetch(mirror, work)
    for kind in ("trafilatura", "ours"):
        if kind in wanted:
            arms[kind] = A.extraction(mirror, kind, args.workers, server.pid)
    if "crawl" in wanted or "recrawl" in wanted:
        arms["crawl"] = A.full_crawl(mirror, data, work, args.workers, f"newsarchive crawl, full pipeline, "
                                     f"{args.workers} workers", "crawl.log")
    if "recrawl" in wanted:
        arms["recrawl"] = A.full_crawl(mirror, data, work, args.workers, "newsarchive crawl again, mirror unchanged "
                                       "(per page: of the first crawl)", "recrawl.log", before=A.snapshot(data))
        arms["recrawl"].per_page_of = arms["crawl"].pages
    if "newsplease" in wanted:
        arms["newsplease"] = A.newsplease(mirror, work, args.newsplease_pages)
    if "wget" in wanted:
        arms["wget"] = A.wget(mirror, work)
    for key, arm in arms.items():
        logger.info("%s: %s", key, arm.skipped or f"{arm.pages} pages in {arm.wall:.1f} s = {arm.rate:.1f}/s")
    return arms


def rss_curve(args: argparse.Namespace, mirror: A.Mirror, work: Path) -> dict[str, A.Arm]:
    """Only the full crawl, with the RSS of its process tree sampled every --sample-every seconds into --csv."""
    arm = A.full_crawl(mirror, work / "data", work, args.workers, f"newsarchive crawl, {args.pages} pages, RSS "
                       "sampled", "crawl.log", curve_every=args.sample_every)
    curve = arm.notes.get("curve") or ()
    if curve:
        import csv

        args.csv.parent.mkdir(parents=True, exist_ok=True)
        with args.csv.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(curve[0]))
            writer.writeheader()
            writer.writerows(curve)
        logger.info("RSS curve: %d rows in %s", len(curve), args.csv)
    return {"crawl": arm}


def _curve_summary(arm: A.Arm) -> list[str]:
    curve = [row for row in arm.notes.get("curve") or () if row.get("rss_tree_mb")]
    if len(curve) < 4:
        return ["RSS curve: too few samples."]
    later = curve[len(curve) // 4:]  # after warm-up: the first quarter of the run
    tree = [float(r["rss_tree_mb"]) for r in later]
    own = [float(r["rss_crawl_mb"]) for r in later]
    parts = [f"crawl process {min(own):.0f}-{max(own):.0f} MB (last {own[-1]:.0f})"]
    for key, label in (("rss_writer_mb", "writer process"), ("rss_workers_mb", "extraction workers together")):
        values = [float(r[key]) for r in later if r.get(key) not in (None, "") and float(r[key])]  # 0: exited
        if values:
            parts.append(f"{label} {min(values):.0f}-{max(values):.0f} MB (last {values[-1]:.0f})")
    return [f"RSS curve ({len(curve)} samples, after the first quarter): {', '.join(parts)}, tree "
            f"{min(tree):.0f}-{max(tree):.0f} MB (last {tree[-1]:.0f})."]


def main(argv: list[str] | None = None) -> int:
    """Generate, serve, measure, write the results."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    args = _args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="newsarchive-throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    if (work / "data").exists():
        sys.exit(f"{work / 'data'} exists: give an empty --workdir (the crawl arms need a fresh data folder)")
    try:
        port = free_port()
        mirror = generate(work / "mirror", args.pages, port)
        with serve(mirror.root, port, args.workers, args.server) as server:
            arms = rss_curve(args, mirror, work) if args.rss_curve else run_arms(args, mirror, work, server)
        info = {"mirror": f"{len(mirror.pages)} pages, {sum(p.size for p in mirror.pages) / len(mirror.pages) / 1024:.0f}"
                          f" KB mean, 3 outlets (RSS feed + sitemap index each)", "server": server.kind,
                "workers": args.workers}
        command = "python benchmarks/bench_throughput.py " + shlex.join(argv if argv is not None else sys.argv[1:])
        text = markdown(arms, info, command)
        if args.rss_curve:
            text += "\n" + "\n".join(_curve_summary(arms["crawl"])) + f"\n\nCurve: `{args.csv.name}`.\n"
        results = args.results or RESULTS / ("throughput-rss-last-run.md" if args.rss_curve else "throughput-last-run.md")
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(text, encoding="utf-8")
        print("\n".join(ratios(arms)))
        print(f"results: {results}")
    finally:
        if args.keep or args.workdir:
            logger.info("work folder kept: %s", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
