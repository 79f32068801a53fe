"""Memory and time of reading one large sitemap: the whole lxml tree (as ``parse_sitemap`` read it before hostile
web round four) against the parser-target stream it reads now (``crawler/discovery/xmlstream.py``).

Each reading runs in a fresh Python process: it reads the generated file, notes its resident memory, parses, and
reports how far its peak resident memory (``ru_maxrss``) rose above that and how long the parse took.

    python benchmarks/bench_sitemap_memory.py              # 32 MB: a news sitemap and a plain one, both ways
    python benchmarks/bench_sitemap_memory.py --mb 8       # smaller
    python benchmarks/bench_sitemap_memory.py --recovery   # broken sitemaps: which readings give the tree's links
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NEWS = (  # a Google News entry as Arabic outlets publish them: an escaped Arabic slug, a title, two dates
    "<url><loc>https://news.example/ar/2024/05/{n}/%D8%A7%D8%B4%D8%AA%D8%A8%D8%A7%D9%83%D8%A7%D8%AA-{n}</loc>"
    "<lastmod>2024-05-{d:02d}T10:{m:02d}:00+02:00</lastmod><news:news><news:publication><news:name>خبر</news:name>"
    "<news:language>ar</news:language></news:publication><news:publication_date>2024-05-{d:02d}T10:{m:02d}:00+02:00"
    "</news:publication_date><news:title>اشتباكات في طرابلس رقم {n}</news:title></news:news></url>\n"
)
PLAIN = "<url><loc>https://news.example/a/{n}</loc><lastmod>2024-05-{d:02d}</lastmod></url>\n"


def generate(path: Path, entry: str, size: int) -> int:
    """Write a urlset of about ``size`` bytes of ``entry``; return how many entries it has."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n')
    n, written = 0, 0
    with path.open("w", encoding="utf-8") as out:
        written += out.write(head)
        while written < size:
            written += len(entry.format(n=n, d=n % 28 + 1, m=n % 60).encode())
            out.write(entry.format(n=n, d=n % 28 + 1, m=n % 60))
            n += 1
        out.write("</urlset>\n")
    return n


def whole_tree(body: bytes, base_url: str) -> int:
    """The reading before round four (crawler/discovery/parsers.py at e0c0d46): the whole tree, then its entries."""
    return len(_whole_tree(body, base_url))


def _whole_tree(body: bytes, base_url: str) -> list[tuple[str, str | None, str | None]]:
    import lxml.etree

    from crawler.discovery.parsers import absolute_url

    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(body.lstrip(), parser=parser, base_url=base_url)
    except lxml.etree.XMLSyntaxError:
        return []
    if root is None:
        return []

    def local(tag: object) -> str:
        return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""

    def child_text(el: lxml.etree._Element, name: str) -> str | None:
        for child in el.iter():
            if local(child.tag) == name and child is not el and (child.text or "").strip():
                return child.text.strip()
        return None

    links = []
    for el in root:
        if local(el.tag) not in ("url", "sitemap"):
            continue
        loc = next((c.text.strip() for c in el if local(c.tag) == "loc" and c.text and c.text.strip()), None)
        url = absolute_url(base_url, loc) if loc else None
        if url:
            links.append((url, child_text(el, "title"), child_text(el, "publication_date") or child_text(el, "lastmod")))
    return links


def pull_parser(body: bytes, base_url: str) -> int:
    """How many entries lxml's XMLPullParser (libxml2's push parser, as iterparse) gives, each freed as it ends."""
    import lxml.etree

    from crawler.discovery.parsers import absolute_url

    parser = lxml.etree.XMLPullParser(events=("start", "end"), recover=True, resolve_entities=False, no_network=True)
    count = depth = 0

    def read() -> None:
        nonlocal count, depth
        for event, el in parser.read_events():
            depth += 1 if event == "start" else -1
            if event == "end" and depth == 1 and str(el.tag).rsplit("}", 1)[-1] in ("url", "sitemap"):
                loc = next((c.text.strip() for c in el if str(c.tag).endswith("loc") and (c.text or "").strip()), None)
                count += bool(loc and absolute_url(base_url, loc))
                el.clear(keep_tail=True)

    text = body.lstrip()
    try:
        for offset in range(0, len(text), 65536):
            parser.feed(text[offset : offset + 65536])
            read()
        parser.close()
    except lxml.etree.XMLSyntaxError:
        return count
    read()
    return count


def recovery(per_class: int = 40) -> None:
    """Broken sitemaps of ten kinds real ones show: how many give the whole tree's number of links, per reading."""
    from crawler.discovery.parsers import parse_sitemap

    rng = random.Random(3)
    entry = '  <url><loc>https://x.example/news/{n}?a=1&amp;b=2</loc><lastmod>2024-05-{d:02d}</lastmod></url>\n'
    clean = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
             + "".join(entry.format(n=n, d=n % 28 + 1) for n in range(30)) + "</urlset>\n").encode()

    def insert(body: bytes, choices: bytes) -> bytes:
        out = bytearray(body)
        for _ in range(3):
            out.insert(rng.randrange(len(out)), rng.choice(choices))
        return bytes(out)

    kinds = {
        "unescaped &": lambda b: b.replace(b"&amp;", b"&", rng.randrange(1, 40)),
        "cut short": lambda b: b[: rng.randrange(len(b))],
        "control bytes": lambda b: insert(b, b"\x00\x01\x0b\x0c\x1f"),
        "invalid UTF-8": lambda b: insert(b, bytes([0xFF, 0xC3, 0x80, 0xE2])),
        "HTML after": lambda b: b + b"<html><body>Warning: mysql error</body></html>",
        "PHP notice before": lambda b: b"\n<br />\n<b>Notice</b>: Undefined index on line <b>3</b><br />\n" + b,
        "unclosed <url>": lambda b: b.replace(b"</url>", b"", rng.randrange(1, 5)),
        "stray < in text": lambda b: b.replace(b"?a=1", b"?a<1", rng.randrange(1, 5)),
        "unclosed <loc>": lambda b: b.replace(b"</loc>", b"", 1),
        "two XML declarations": lambda b: b'<?xml version="1.0"?>' + b,
    }
    print("| broken how | files | parser target (now): same links as the tree | XMLPullParser: same count |")
    print("|---|---:|---:|---:|")
    for name, mutate in kinds.items():
        same_target = same_pull = 0
        for _ in range(per_class):
            body = mutate(clean)
            tree = whole_tree_links(body, "https://x.example/")
            now = [(link.url, link.title, link.published) for link in parse_sitemap(body, "https://x.example/").links]
            same_target += now == tree
            same_pull += pull_parser(body, "https://x.example/") == len(tree)
        print(f"| {name} | {per_class} | {same_target} | {same_pull} |")


def whole_tree_links(body: bytes, base_url: str) -> list[tuple[str, str | None, str | None]]:
    """``whole_tree``'s links themselves."""
    return _whole_tree(body, base_url)


def measure(path: str, how: str) -> dict[str, float]:
    """In this process: the peak memory and time of one reading of ``path`` (``whole`` or ``stream``)."""
    from crawler.discovery.parsers import parse_sitemap

    body = Path(path).read_bytes()
    before = _rss_mb()
    started = time.perf_counter()
    if how == "whole":
        count = whole_tree(body, "https://news.example/")
    else:
        count = len(parse_sitemap(body, "https://news.example/").links)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"links": count, "seconds": round(seconds, 2), "rss_before_mb": round(before, 1),
            "peak_rise_mb": round(peak - before, 1)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    """Generate the sitemaps, read each both ways in a fresh process, print a Markdown table."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--mb", type=float, default=32.0, help="sitemap size in MB (default 32)")
    args.add_argument("--recovery", action="store_true", help="compare the readings on broken sitemaps instead")
    args.add_argument("--measure", nargs=2, metavar=("FILE", "HOW"), help=argparse.SUPPRESS)
    opts = args.parse_args()
    if opts.recovery:
        recovery()
        return
    if opts.measure:
        print(json.dumps(measure(*opts.measure)))
        return
    print("| sitemap | entries | reading | links kept | seconds | memory before (MB) | peak rise (MB) |")
    print("|---|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, entry in (("news", NEWS), ("plain", PLAIN)):
            path = Path(tmp) / f"{name}.xml"
            entries = generate(path, entry, int(opts.mb * 1_000_000))
            size = path.stat().st_size / 1e6
            for how in ("whole", "stream"):
                out = subprocess.run([sys.executable, __file__, "--measure", str(path), how], check=True,
                                     capture_output=True, text=True).stdout
                r = json.loads(out)
                label = "whole tree (before)" if how == "whole" else "parser target (now)"
                print(f"| {name}, {size:.1f} MB | {entries:,} | {label} | {r['links']:,} | {r['seconds']} | "
                      f"{r['rss_before_mb']} | {r['peak_rise_mb']} |")


if __name__ == "__main__":
    main()
