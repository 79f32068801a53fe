"""Benchmark: grouping of syndicated / duplicate stories (archive.corpus.stories): pairwise precision, recall, time.

Run: python benchmarks/bench_stories.py [--shared ../shared] [--copies 3] [--filler 3000] [--seed 7]
     [--assignments stories.json]   (each article's story id, to check a change groups exactly as before)

Stories (real Arabic news text, no internet): the seed documents (shared/seed-format), the demo-site articles
(crawler/demo/data/articles.json; five of them are the seed texts republished under other URLs: real pairs),
the labelled relevance set (benchmarks/relevance/labelled.jsonl) and the Arabic pages of
shared/corpora/arabic-news-pages (expected outputs, and the HTML pages through trafilatura when it is installed).
Each story gets ``--copies`` syndicated copies made by the edits outlets really make (other headline, dateline or
intro line, dropped last paragraph, only the lead kept, page chrome remnants, spelling variants, light copy-editing),
alone and combined. Negatives, besides every other story (many about the same Tripoli fighting on the same days):
follow-ups (fresh reporting + an older story recycled as background) and reports quoting one sentence of another.
Fresh reporting comes from held-out stories that are not in the set themselves.

Everything goes through the real catalogue (save_article + assign_story, on disk), in random order; then every pair
of articles is scored: same story predicted vs same story in truth. Alternative methods (other shingle sizes,
plain Jaccard, MinHash estimate, SimHash) are scored on the same pairs without the LSH index, for the choice.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from archive.catalogue.db import Catalogue
from archive.corpus import stories
from archive.records import ExtractedArticle, Relevance

REL = Relevance(True, 1.0, 1.0, 1.0, ())


@dataclass
class Item:
    """One article of the benchmark: its true story, how it was made, and its text."""

    key: str
    story: str
    made_by: str  # "original", "real-republished", an edit name, "follow-up", "shared-quote"
    title: str
    paragraphs: list[str]


# -- the stories ---------------------------------------------------------------------------------------------


def load_bases(shared: Path, use_html: bool) -> list[Item]:
    """Every real story we have, one Item each (the seed/demo republished pairs share a story)."""
    items: list[Item] = []
    seed_dir = shared / "seed-format"
    for path in sorted(seed_dir.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        items.append(Item(f"seed-{path.name[:3]}", f"seed-{path.name[:3]}", "original", title.strip(),
                          [p for p in body.split("\n") if p.strip()]))
    seeds = {i.key for i in items}
    for a in json.loads((ROOT / "crawler/demo/data/articles.json").read_text(encoding="utf-8"))["articles"]:
        story = f"seed-{a['seed']}" if a["seed"] else f"demo-{a['key']}"
        made = "real-republished" if story in seeds else "original"
        items.append(Item(f"demo-{a['key']}", story, made, a["title"], list(a["paragraphs"])))
    for line in (HERE / "relevance/labelled.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "text" in row:
            items.append(Item(f"lab-{row['id']}", f"lab-{row['id']}", "original", row["title"],
                              row["text"].split("\n")))
    expected = shared / "corpora/arabic-news-pages/expected"
    for path in sorted(expected.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "V1" in data:
            v1 = data["V1"]
            title, paras = v1["title"], [p for s in v1["body"]["sections"] for p in s["paragraphs"]]
        elif "expected" in data:
            title, paras = data["expected"].get("meta_description", ""), data["expected"]["cleaned_text"].split("\n")
        else:
            title, paras = data["title"], data["text"].split("\n")
        items.append(Item(f"exp-{path.stem}", f"exp-{path.stem}", "original", title, paras))
    if use_html:
        items.extend(html_bases(shared / "corpora/arabic-news-pages"))
    for it in items:
        it.paragraphs = [p.strip() for p in it.paragraphs if p.strip()]
        if it.key in SAME_PAGE:
            it.story, it.made_by = SAME_PAGE[it.key], "real-same-page"
    return [it for it in items if it.paragraphs]


def html_bases(folder: Path) -> list[Item]:
    """Real Arabic article pages, extracted with trafilatura (skipped when it is not installed)."""
    try:
        import trafilatura
    except ImportError:
        print("trafilatura not installed: the HTML pages of arabic-news-pages are left out")
        return []
    out = []
    for entry in json.loads((folder / "index.json").read_text(encoding="utf-8")):
        if entry.get("lang") != "ar" or entry.get("page_type") != "article" or not entry["file"].endswith(".gz"):
            continue
        html = gzip.decompress((folder / entry["file"]).read_bytes()).decode("utf-8", "replace")
        text = trafilatura.extract(html, favor_precision=True) or ""
        if len(text.split()) >= 60 and not entry["file"].startswith("html/newspaper4k"):  # that one: exp- above
            key = f"html-{Path(entry['file']).name.split('.')[0]}"
            out.append(Item(key, key, "original", entry.get("url", key), text.split("\n")))
    return out


# -- the edits outlets make ------------------------------------------------------------------------------------

INTROS = ["طرابلس - وكالات:", "بنغازي - (خاص):", "أفادت وكالة الأنباء الليبية (وال) بأن", "القاهرة - «الوسط»:",
          "نقلت مصادر إعلامية ليبية اليوم التفاصيل التالية.", "(رويترز) -", "تونس - متابعات:"]
CHROME_TOP = ["عاجل", "الرئيسية / أخبار ليبيا", "تابعونا على تليغرام", "الخميس 18 يوليو 2019 - 11:30",
              "حجم الخط", "منذ 3 ساعات", "أخبار محلية"]
CHROME_BOTTOM = ["شارك هذا المقال", "كلمات مفتاحية: ليبيا، طرابلس", "جميع الحقوق محفوظة © 2019",
                 "المصدر: وكالات", "التعليقات", "اشترك في النشرة البريدية"]
VARIANTS = {"ميليشيات": "ميلشيات", "ميليشيا": "مليشيا", "إسطنبول": "اسطنبول", "الهيئة": "الهيئه",
            "مسؤول": "مسئول", "المسؤولين": "المسئولين", "ليبيا": "ليبيا", "الإرهابيين": "الارهابيين"}
SYNONYMS = {"قال": "أفاد", "أعلن": "أكد", "أعلنت": "أكدت", "وقال": "وأفاد", "أكد": "شدد", "اليوم": "الیوم",
            "مساء": "مساء يوم", "العاصمة": "العاصمة الليبية", "عدد": "عدد من", "بين": "ما بين", "حيث": "إذ"}


def _sentences(paras: list[str]) -> list[str]:
    """Paragraphs cut at full stops (Arabic and Latin)."""
    out = []
    for p in paras:
        out.extend(s.strip() + "." for s in p.replace("؟", ".").split(".") if s.strip())
    return out


def add_intro(p: list[str], rng: random.Random, others: list[Item]) -> list[str]:
    """A dateline or agency line in front of the lead."""
    intro = rng.choice(INTROS)
    return [intro + " " + p[0], *p[1:]] if rng.random() < 0.5 else [intro, *p]


def drop_last(p: list[str], rng: random.Random, others: list[Item]) -> list[str]:
    """The last paragraph dropped (the last sentence for a one-paragraph story)."""
    if len(p) >= 3:
        return p[:-1]
    s = _sentences(p)
    return [" ".join(s[:-1])] if len(s) >= 3 else p


def keep_lead(p: list[str], rng: random.Random, others: list[Item]) -> list[str]:
    """Only the lead half kept (a brief made from wire copy)."""
    if len(p) >= 2:
        return p[: (len(p) + 1) // 2]
    s = _sentences(p)
    return [" ".join(s[: (len(s) + 1) // 2])]


def chrome(p: list[str], rng: random.Random, others: list[Item]) -> list[str]:
    """Page chrome the extractor let through: a menu or date line on top, read-also and share lines below."""
    top = rng.sample(CHROME_TOP, rng.randint(0, 2))
    bottom = rng.sample(CHROME_BOTTOM, rng.randint(1, 3))
    bottom.insert(rng.randrange(len(bottom) + 1), "اقرأ أيضا: " + rng.choice(others).title)
    return [*top, *p, *bottom]


def respell(p: list[str], rng: random.Random, others: list[Item]) -> list[str]:
    """Spelling variants: hamza seats, taa marbuta, alef maqsura, tashkeel, tatweel, digits, known variants."""
    def word(w: str) -> str:
        if w in VARIANTS and rng.random() < 0.8:
            return VARIANTS[w]
        r = rng.random()
        if r < 0.1 and w[:1] in "أإ":
            return "ا" + w[1:]
        if r < 0.2 and w.endswith("ة"):
            return w[:-1] + "ه"
        if r < 0.25 and w.endswith("ى"):
            return w[:-1] + "ي"
        if r < 0.3 and len(w) > 3:
            return w[:2] + "ـ" + w[2:]
        if r < 0.35 and len(w) > 2:
            return w[0] + "َ" + w[1:]
        if w.isdigit():
            return w.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        return w
    return [" ".join(word(w) for w in para.split(" ")) for para in p]


def copy_edit(p: list[str], rng: random.Random, others: list[Item]) -> list[str]:
    """Light copy-editing: a few words swapped for synonyms, a few dropped."""
    def edit(w: str) -> str:
        if w in SYNONYMS and rng.random() < 0.7:
            return SYNONYMS[w]
        return "" if rng.random() < 0.02 else w
    return [" ".join(x for x in (edit(w) for w in para.split(" ")) if x) for para in p]


def retitle(title: str, rng: random.Random) -> str:
    """Another headline for the same copy."""
    words = title.split()
    return rng.choice(["ليبيا.. ", "عاجل | ", "", "بالفيديو: "]) + " ".join(words[: max(3, len(words) - 2)])


# in the order an outlet applies them: cut the copy, edit it, add its dateline, then the page around it
EDITS = {"drop-last": drop_last, "lead-only": keep_lead, "copy-edit": copy_edit, "respell": respell,
         "intro": add_intro, "chrome": chrome}
# the same page in two of the corpora, extracted twice (goose3 kept only the lead of the CNN article)
SAME_PAGE = {"exp-goose3_test_cnn_arabic": "exp-newspaper4k_arabic_article",
             "html-fundus_lbcgroup": "exp-fundus_LBCGroup"}


def build(bases: list[Item], copies: int, rng: random.Random) -> list[Item]:
    """The benchmark set: stories, their syndicated copies, follow-ups and shared-quote reports."""
    fresh = [b for b in bases if b.key.startswith("lab-") and rng.random() < 0.25]  # held out: new reporting
    kept = [b for b in bases if b not in fresh]
    out = list(kept)
    originals = [b for b in kept if b.made_by == "original"]
    names = list(EDITS)
    for n, base in enumerate(originals):
        for c in range(copies):
            chosen = [names[(n + c) % len(names)]] if c == 0 else rng.sample(names, rng.randint(2, 3))
            paras = list(base.paragraphs)
            for name in sorted(chosen, key=names.index):
                paras = EDITS[name](paras, rng, kept)
            out.append(Item(f"{base.key}~{c}", base.story, "+".join(sorted(chosen)), retitle(base.title, rng), paras))
    same_topic = [b for b in originals if b.key.startswith(("lab-pos", "seed", "demo"))]
    for n, new in enumerate(fresh):
        old = rng.choice(same_topic)
        if n % 2 == 0:  # a follow-up: new reporting first, then the older story's lead as (shorter) background
            background = _sentences(old.paragraphs)
            words = sum(len(p.split()) for p in new.paragraphs)
            while len(background) > 1 and sum(len(x.split()) for x in background) > words:
                background.pop()
            paras = [*new.paragraphs, "وكانت مصادر قد أفادت في وقت سابق بأن:", " ".join(background)]
            out.append(Item(f"fu-{new.key}", f"fu-{new.key}", "follow-up", new.title, paras))
        else:  # a different report quoting one sentence (a statement) of the older one
            paras = [new.paragraphs[0], rng.choice(_sentences(old.paragraphs)), *new.paragraphs[1:]]
            out.append(Item(f"sq-{new.key}", f"sq-{new.key}", "shared-quote", new.title, paras))
    return out


# -- scoring ---------------------------------------------------------------------------------------------------


def pairwise(items: list[Item], same: dict[tuple[int, int], bool]) -> tuple[float, float, int, int, int]:
    """Pairwise precision, recall, and the tp, fp, fn counts, of predicted same-story pairs vs the truth."""
    tp = fp = fn = 0
    for (i, j), pred in same.items():
        truth = items[i].story == items[j].story
        tp += pred and truth
        fp += pred and not truth
        fn += truth and not pred
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0), tp, fp, fn


def simhash(shingles: list[int]) -> int:
    """64-bit SimHash of shingle hashes (each shingle weight 1)."""
    counts = [0] * 64
    for h in shingles:
        h = (h * 0x9E3779B97F4A7C15) & ((1 << 64) - 1)  # spread the 61-bit hash over 64 bits
        for bit in range(64):
            counts[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if counts[bit] > 0)


def compare_methods(items: list[Item]) -> list[tuple[str, float, float]]:
    """Pairwise precision/recall of alternative methods (no LSH: every pair compared)."""
    results = []
    texts = ["\n".join(it.paragraphs) for it in items]
    pairs = list(itertools.combinations(range(len(items)), 2))
    for k in (3, 4, 5):
        params = stories.StoryParams(shingle_words=k)
        sh = [stories.ordered_shingles(t, k) for t in texts]
        sims = {p: stories.similarity(sh[p[0]], sh[p[1]], params) for p in pairs}
        results.append((f"our rule, {k}-word shingles", *pairwise(items, {p: stories.same_story(s, params)
                                                                          for p, s in sims.items()})[:2]))
        if k == 4:
            for t in (0.3, 0.5):
                results.append((f"Jaccard >= {t} only, 4-word", *pairwise(items, {p: s.jaccard >= t
                                                                                 for p, s in sims.items()})[:2]))
            results.append(("containment >= 0.8 only, 4-word", *pairwise(
                items, {p: s.containment >= 0.8 and s.shared >= 3 for p, s in sims.items()})[:2]))
            sigs = [stories.minhash(s, params) for s in sh]
            est = {p: sum(x == y for x, y in zip(sigs[p[0]], sigs[p[1]], strict=True)) / params.num_perm
                   if sigs[p[0]] and sigs[p[1]] else 0.0 for p in pairs}
            results.append(("MinHash estimate >= 0.5, 126 perms", *pairwise(items, {p: e >= 0.5
                                                                                    for p, e in est.items()})[:2]))
            hashes = [simhash(s) for s in sh]
            for d in (3, 6, 10):
                results.append((f"SimHash 64-bit, Hamming <= {d}", *pairwise(
                    items, {p: (hashes[p[0]] ^ hashes[p[1]]).bit_count() <= d for p in pairs})[:2]))
    return results


def run_catalogue(items: list[Item], filler: list[Item], rng: random.Random) -> tuple[list[str], list[float], float]:
    """Store the filler, then the items in random order; return each item's story id, its assign times, and the
    mean time per filler article."""
    order = list(range(len(items)))
    rng.shuffle(order)
    story_of: list[str] = [""] * len(items)
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        cat = Catalogue(Path(tmp) / "catalogue.db")
        cat.upsert_outlets([{"name": "o", "display_name": "o"}])

        def put(it: Item, n: int) -> float:
            art = ExtractedArticle(url=it.key, title=it.title, paragraphs=tuple(it.paragraphs))
            _, row = cat.save_article(outlet="o", canonical_url=f"https://o.example/{it.key}", article=art,
                                      relevance=REL, capture_id=None, fetched_at=f"2019-07-17T00:00:{n:06d}")
            t0 = time.perf_counter()
            sid = cat.assign_story(row["id"])
            elapsed = time.perf_counter() - t0
            story_of_key[it.key] = sid
            return elapsed

        story_of_key: dict[str, str] = {}
        filler_times = [put(f, n) for n, f in enumerate(filler)]
        for n, i in enumerate(order):
            times.append(put(items[i], len(filler) + n))
        story_of = [story_of_key[it.key] for it in items]
        cat.close()
    return story_of, times, (sum(filler_times) / len(filler_times) if filler_times else 0.0)


def make_filler(bases: list[Item], count: int, rng: random.Random) -> list[Item]:
    """Distinct articles to fill the catalogue: random runs of the corpus vocabulary, 150-500 words each."""
    vocab = [w for b in bases for p in b.paragraphs for w in p.split()]
    return [Item(f"filler-{n}", f"filler-{n}", "filler", "حشو", [" ".join(rng.choices(vocab, k=rng.randint(150, 500)))])
            for n in range(count)]


def main() -> int:
    """Build the set, run the catalogue and the method comparison, print markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--copies", type=int, default=3, help="syndicated copies per story")
    parser.add_argument("--filler", type=int, default=3000, help="distinct articles stored first (index size)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-html", action="store_true", help="leave out the HTML pages (no trafilatura)")
    parser.add_argument("--assignments", type=Path, help="write each article's story id here (JSON), to compare runs")
    args = parser.parse_args()
    if not (args.shared / "seed-format").is_dir():
        print(f"shared folder {args.shared} not found (needs seed-format/ and corpora/): pass --shared")
        return 2
    rng = random.Random(args.seed)
    bases = load_bases(args.shared, not args.no_html)
    items = build(bases, args.copies, rng)
    kinds = Counter(it.made_by if "+" not in it.made_by else "combined edits" for it in items)
    print(f"{len(bases)} real stories; benchmark set: {len(items)} articles in {len({i.story for i in items})} "
          f"true stories; {dict(sorted(kinds.items()))}")

    story_of, times, filler_mean = run_catalogue(items, make_filler(bases, args.filler, rng), rng)
    if args.assignments:
        args.assignments.write_text(json.dumps({it.key: sid for it, sid in zip(items, story_of, strict=True)},
                                               ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    pairs = list(itertools.combinations(range(len(items)), 2))
    pred = {p: story_of[p[0]] == story_of[p[1]] for p in pairs}
    precision, recall, tp, fp, fn = pairwise(items, pred)
    times.sort()
    print("\n| pipeline (catalogue, LSH, on disk) | value |\n|---|---:|")
    print(f"| articles / true stories / predicted stories | {len(items)} / {len({i.story for i in items})} / "
          f"{len(set(story_of))} |")
    print(f"| pairwise precision | {precision:.4f} ({tp} of {tp + fp}) |")
    print(f"| pairwise recall | {recall:.4f} ({tp} of {tp + fn}) |")
    print(f"| assign_story, median / p95 / mean ms per article (index of {args.filler} + set) | "
          f"{1000 * times[len(times) // 2]:.2f} / {1000 * times[int(len(times) * 0.95)]:.2f} / "
          f"{1000 * sum(times) / len(times):.2f} |")
    print(f"| assign_story mean ms while filling the index (0 -> {args.filler}) | {1000 * filler_mean:.2f} |")

    by_key = {it.key: n for n, it in enumerate(items)}
    recall_by: dict[str, list[bool]] = defaultdict(list)
    for n, it in enumerate(items):
        if it.made_by not in ("original", "follow-up", "shared-quote"):
            root = by_key.get(it.key.split("~")[0] if "~" in it.key else it.story)
            if root is not None:
                label = it.made_by if "+" not in it.made_by else "combined (2-3 edits)"
                recall_by[label].append(story_of[n] == story_of[root])
    print("\n| copy made by | grouped with its original |\n|---|---:|")
    for label, hits in sorted(recall_by.items()):
        print(f"| {label} | {sum(hits)}/{len(hits)} |")
    merges: dict[str, int] = Counter()
    for (i, j), same in pred.items():
        if same and items[i].story != items[j].story:
            merges[" / ".join(sorted((items[i].made_by, items[j].made_by)))] += 1
    print("\n| negatives | wrongly grouped pairs |\n|---|---:|")
    for kind in ("follow-up", "shared-quote"):
        print(f"| {kind} (new story vs the older one it reuses) | "
              f"{sum(v for k, v in merges.items() if kind in k)} |")
    print(f"| all other pairs of different stories | {sum(v for k, v in merges.items() if 'follow' not in k and 'quote' not in k)} |")

    print("\n| method (every pair compared, no LSH) | precision | recall |\n|---|---:|---:|")
    for name, p, r in compare_methods(items):
        print(f"| {name} | {p:.4f} | {r:.4f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
