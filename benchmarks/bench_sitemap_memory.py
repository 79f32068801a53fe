"""Memory and time of reading one large sitemap: the whole lxml tree (as ``parse_sitemap`` read it before hostile
web round four) against the parser-target stream it reads now (``crawler/discovery/xmlstream.py``).

Each reading runs in a fresh Python process: it reads the generated file, notes its resident memory, parses, and
reports how far its peak resident memory (``ru_maxrss``) rose above that and how long the parse took.

    python benchmarks/bench_sitemap_memory.py              # 32 MB: a news sitemap and a plain one, both ways
    python benchmarks/bench_sitemap_memory.py --mb 8       # smaller
    python benchmarks/bench_sitemap_memory.py --recovery   # broken sitemaps: which readings give the tree's links
    python benchmarks/bench_sitemap_memory.py --feed --mb 30              # one RSS and one Atom feed (hostile web 5)
    python benchmarks/bench_sitemap_memory.py --feed --recovery           # broken feeds, as for sitemaps
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


RSS_ITEM = (  # an RSS 2.0 item as Arabic outlets' WordPress feeds publish them: escaped slug, title, dates, summary
    "<item><title>اشتباكات في طرابلس رقم {n}</title>"
    "<link>https://news.example/ar/2024/05/{n}/%D8%A7%D8%B4%D8%AA%D8%A8%D8%A7%D9%83%D8%A7%D8%AA-{n}/</link>"
    "<dc:creator><![CDATA[المحرر]]></dc:creator><pubDate>Wed, {d:02d} May 2024 10:{m:02d}:00 +0000</pubDate>"
    "<category><![CDATA[ليبيا]]></category><guid isPermaLink=\"false\">https://news.example/?p={n}</guid>"
    "<description><![CDATA[<p>تجددت الاشتباكات المسلحة في العاصمة الليبية طرابلس مساء أمس بين مجموعات مسلحة "
    "متنافسة، وفق ما أفاد شهود عيان ومصادر محلية.</p>]]></description></item>\n"
)
ATOM_ENTRY = (  # an Atom entry with a relative link under the feed's xml:base, as Blogger and some CMSs write them
    "<entry><id>tag:news.example,2024:{n}</id><title type=\"html\">اشتباكات في طرابلس رقم {n}</title>"
    "<link rel=\"alternate\" type=\"text/html\" href=\"{n}/%D8%A7%D8%B4%D8%AA%D8%A8%D8%A7%D9%83%D8%A7%D8%AA\"/>"
    "<link rel=\"replies\" href=\"{n}/comments\"/><published>2024-05-{d:02d}T10:{m:02d}:00Z</published>"
    "<updated>2024-05-{d:02d}T11:{m:02d}:00Z</updated><author><name>المحرر</name></author>"
    "<summary>تجددت الاشتباكات المسلحة في العاصمة الليبية طرابلس مساء أمس بين مجموعات مسلحة متنافسة.</summary>"
    "</entry>\n"
)
FEED_HEADS = {
    "rss": ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<channel><title>خبر</title><link>https://news.example/</link>\n", "</channel></rss>\n"),
    "atom": ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
             'xml:base="https://news.example/ar/2024/05/"><title>خبر</title>\n', "</feed>\n"),
}


def generate_feed(path: Path, kind: str, size: int) -> int:
    """Write an RSS or Atom feed of about ``size`` bytes; return how many entries it has."""
    head, tail = FEED_HEADS[kind]
    entry = RSS_ITEM if kind == "rss" else ATOM_ENTRY
    n, written = 0, 0
    with path.open("w", encoding="utf-8") as out:
        written += len(head.encode())
        out.write(head)
        while written < size:
            text = entry.format(n=n, d=n % 28 + 1, m=n % 60)
            written += len(text.encode())
            out.write(text)
            n += 1
        out.write(tail)
    return n


def whole_feed(body: bytes, base_url: str) -> list[tuple[str, str | None, str | None]]:
    """The feed reading before hostile web round five (crawler/discovery/parsers.py ``parse_feed`` at de8fa68, its
    JSON branch left out): the whole tree, then every item and entry of it."""
    from urllib.parse import urlsplit

    import lxml.etree
    from w3lib.url import safe_url_string

    from crawler.discovery.parsers import _gunzipped, absolute_url, same_page

    def local(tag: object) -> str:
        return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""

    def child_with_text(el: lxml.etree._Element, *names: str) -> lxml.etree._Element | None:
        for child in el.iter():
            if local(child.tag) in names and child is not el and (child.text or "").strip():
                return child
        return None

    def child_text(el: lxml.etree._Element, *names: str) -> str | None:
        child = child_with_text(el, *names)
        return (child.text or "").strip() if child is not None else None

    def xml_base(el: lxml.etree._Element) -> str:
        bases, node = [], el
        while node is not None:
            value = node.get("{http://www.w3.org/XML/1998/namespace}base")
            if value is not None:
                bases.append(value.strip())
            node = node.getparent()
        base = base_url
        for value in reversed(bases):
            joined = absolute_url(base, value)
            if joined and urlsplit(joined).scheme.lower() in ("http", "https"):
                base = joined
        try:
            return safe_url_string(base)
        except ValueError:
            return base

    text, _ = _gunzipped(body)
    if text is None:
        return []
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(text.lstrip(), parser=parser, base_url=base_url)
    except lxml.etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    links, seen = [], set()
    for el in root.iter():
        name = local(el.tag)
        if name == "item":
            link = child_with_text(el, "link")
            href, at = ((link.text or "").strip(), link) if link is not None else (
                el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about") or "", el)
            if not href:
                guid = el.find("guid")
                if guid is not None and (guid.get("isPermaLink", "true") != "false") and guid.text:
                    href, at = guid.text.strip(), guid
            date = child_text(el, "pubdate", "date", "published", "updated")
        elif name == "entry":
            candidates = [(child.get("rel", "alternate"), child) for child in el
                          if local(child.tag) == "link" and child.get("href")]
            found = next((c for rel, c in candidates if rel == "alternate"), None)
            if found is None:
                found = next((c for rel, c in candidates
                              if rel not in ("enclosure", "related", "replies", "edit", "via")), None)
            href, at = (found.get("href", ""), found) if found is not None else ("", el)
            date = child_text(el, "published", "updated")
        else:
            continue
        url = absolute_url(xml_base(at), href.strip()) if href else None
        if url and (key := same_page(url)) not in seen:
            seen.add(key)
            links.append((url, child_text(el, "title"), date))
    return links


def _breakages(rng: random.Random) -> dict:
    """The ways real XML files break that feeds and sitemaps share (each function adds its own after them), drawn from
    ``rng`` as they are applied."""

    def insert(body: bytes, choices: bytes) -> bytes:
        out = bytearray(body)
        for _ in range(3):
            out.insert(rng.randrange(len(out)), rng.choice(choices))
        return bytes(out)

    return {
        "unescaped &": lambda b: b.replace(b"&amp;", b"&", rng.randrange(1, 40)),
        "cut short": lambda b: b[: rng.randrange(len(b))],
        "control bytes": lambda b: insert(b, b"\x00\x01\x0b\x0c\x1f"),
        "invalid UTF-8": lambda b: insert(b, bytes([0xFF, 0xC3, 0x80, 0xE2])),
        "HTML after": lambda b: b + b"<html><body>Warning: mysql error</body></html>",
        "PHP notice before": lambda b: b"\n<br />\n<b>Notice</b>: Undefined index on line <b>3</b><br />\n" + b,
    }


def feed_recovery(per_class: int = 40) -> None:
    """Broken feeds of the kinds real ones show (and an item left open): how many the stream reads as the tree."""
    from crawler.discovery.parsers import parse_feed

    rng = random.Random(5)
    item = ("  <item><title>خبر {n} &amp; تعليق</title><link>/news/{n}?a=1&amp;b=2</link>"
            "<pubDate>Wed, {d:02d} May 2024 10:00:00 +0000</pubDate><guid>https://x.example/?p={n}</guid></item>\n")
    entry = ('  <entry><title>خبر {n}</title><link href="{n}?a=1&amp;b=2"/><link rel="replies" href="{n}/c"/>'
             "<updated>2024-05-{d:02d}T10:00:00Z</updated></entry>\n")
    clean = {
        "rss": ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>f</title>\n'
                + "".join(item.format(n=n, d=n % 28 + 1) for n in range(30)) + "</channel></rss>\n").encode(),
        "atom": ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
                 'xml:base="https://x.example/news/">\n'
                 + "".join(entry.format(n=n, d=n % 28 + 1) for n in range(30)) + "</feed>\n").encode(),
    }

    kinds = {
        **_breakages(rng),
        "unclosed <item>/<entry>": lambda b: b.replace(b"</item>", b"", rng.randrange(1, 5)).replace(
            b"</entry>", b"", rng.randrange(1, 5)),
        "stray < in text": lambda b: b.replace("خبر 1".encode(), "خبر < 1".encode(), rng.randrange(1, 5)),
        "unclosed <title>": lambda b: b.replace(b"</title>", b"", 2),
        "two XML declarations": lambda b: b'<?xml version="1.0"?>' + b,
    }
    print("| broken how | feeds | stream (now): the tree's links |")
    print("|---|---:|---:|")
    for name, mutate in kinds.items():
        same = 0
        for n in range(per_class):
            body = mutate(clean["rss" if n % 2 else "atom"])
            now = [(link.url, link.title, link.published) for link in parse_feed(body, "https://x.example/f")]
            same += now == whole_feed(body, "https://x.example/f")
        print(f"| {name} | {per_class} | {same} |")


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

    kinds = {
        **_breakages(rng),
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
    from crawler.discovery.parsers import parse_feed, parse_sitemap

    body = Path(path).read_bytes()
    before = _rss_mb()
    started = time.perf_counter()
    if how == "whole":
        count = whole_tree(body, "https://news.example/")
    elif how == "whole-feed":
        count = len(whole_feed(body, "https://news.example/"))
    elif how == "stream-feed":
        count = len(parse_feed(body, "https://news.example/"))
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
    args.add_argument("--feed", action="store_true", help="an RSS and an Atom feed instead of sitemaps")
    args.add_argument("--measure", nargs=2, metavar=("FILE", "HOW"), help=argparse.SUPPRESS)
    opts = args.parse_args()
    if opts.recovery:
        feed_recovery() if opts.feed else recovery()
        return
    if opts.measure:
        print(json.dumps(measure(*opts.measure)))
        return
    if opts.feed:
        feeds(opts.mb)
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


def feeds(mb: float) -> None:
    """Generate an RSS and an Atom feed, read each both ways in a fresh process, print a Markdown table."""
    print("| feed | entries | reading | links kept | seconds | memory before (MB) | peak rise (MB) |")
    print("|---|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("rss", "atom"):
            path = Path(tmp) / f"{kind}.xml"
            entries = generate_feed(path, kind, int(mb * 1_000_000))
            size = path.stat().st_size / 1e6
            for how in ("whole-feed", "stream-feed"):
                out = subprocess.run([sys.executable, __file__, "--measure", str(path), how], check=True,
                                     capture_output=True, text=True).stdout
                r = json.loads(out)
                label = "whole tree (before)" if how == "whole-feed" else "parser target (now)"
                print(f"| {kind}, {size:.1f} MB | {entries:,} | {label} | {r['links']:,} | {r['seconds']} | "
                      f"{r['rss_before_mb']} | {r['peak_rise_mb']} |")


if __name__ == "__main__":
    main()
