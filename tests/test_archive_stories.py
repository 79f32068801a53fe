"""Syndicated and duplicate stories: shingles, MinHash/LSH, the grouping rules and the catalogue's story ids."""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import pytest

from archive.catalogue.db import Catalogue
from archive.corpus import stories
from archive.corpus.stories import StoryParams, band_keys, minhash, ordered_shingles, same_story, similarity
from archive.records import ExtractedArticle, Relevance

DEMO = Path(__file__).resolve().parents[1] / "crawler" / "demo" / "data" / "articles.json"
REL = Relevance(True, 3.0, 2.0, 1.0, ())


def demo(key: str) -> tuple[str, list[str]]:
    """Title and paragraphs of one demo-site article (real Arabic news text)."""
    for a in json.loads(DEMO.read_text(encoding="utf-8"))["articles"]:
        if a["key"] == key:
            return a["title"], list(a["paragraphs"])
    raise KeyError(key)


def respell(text: str) -> str:
    """The spelling variants outlets really differ by: hamza seats, taa marbuta, alef maqsura, digits, tatweel."""
    return (text.replace("أ", "ا").replace("إ", "ا").replace("ة ", "ه ").replace("ى ", "ي ")
            .replace("166", "١٦٦").replace("الليبي", "الليـبي"))


BASE = "feed-000"  # Misrata militias withdraw from the Tripoli front (July 2019)


def copies() -> dict[str, str]:
    """Realistic syndicated copies of BASE's body (each as another outlet would publish it)."""
    _, paras = demo(BASE)
    body = "\n".join(paras)
    return {
        "same text, other URL": body,
        "added intro line": "طرابلس - (وكالات): قال المركز الإعلامي لغرفة عمليات الكرامة التابع للجيش الليبي\n" + body,
        "dropped last paragraph": "\n".join(paras[:-1]),
        "page chrome remnants": "عاجل\nتابعونا على فيسبوك\n" + body + "\nاقرأ أيضا: مقتل قيادي في تفجير ببنغازي\n"
                                "شارك المقال\nجميع الحقوق محفوظة",
        "spelling variants": respell(body),
        "first two paragraphs only": "\n".join(paras[:2]),
    }


@pytest.mark.parametrize("edit", sorted(copies()))
def test_syndicated_copies_are_one_story(edit):
    base = ordered_shingles("\n".join(demo(BASE)[1]))
    copy = ordered_shingles(copies()[edit])
    assert same_story(similarity(base, copy))


@pytest.mark.parametrize("other", ["sitemap-004", "legacy-001", "feed-002", "sitemap-displaced", "legacy-academy"])
def test_other_reports_of_the_same_fighting_are_other_stories(other):
    # all five are about the Tripoli front in 2019; sitemap-004 is the same withdrawal, reported and analysed anew
    base = ordered_shingles("\n".join(demo(BASE)[1]))
    assert not same_story(similarity(base, ordered_shingles("\n".join(demo(other)[1]))))


def test_follow_up_recycling_an_old_story_as_background_is_a_new_story():
    _, old = demo(BASE)
    _, new_lead = demo("sitemap-displaced")
    follow_up = "\n".join(new_lead + ["وكانت مصادر قد أفادت في وقت سابق بما يلي:"] + old[:2])
    sim = similarity(ordered_shingles("\n".join(old[:2])), ordered_shingles(follow_up))
    assert sim.containment > 0.9  # the old story is all inside the follow-up ...
    assert not same_story(sim)  # ... but the follow-up leads with new reporting


def test_spelling_variants_give_the_same_shingles():
    text = "أعلنت القوات الليبية السيطرة على مدينة ترهونة في الساعة ١٠ صباحا"
    variant = "اعلنت القوات الليبيه السيطره علي مدينه ترهونه في الساعه 10 صباحاً"
    assert ordered_shingles(text) == ordered_shingles(variant)


@pytest.mark.parametrize("text, count", [("", 0), ("   \n", 0), ("قصف", 1), ("قصف على طرابلس", 1),
                                         ("واحد اثنان ثلاثة أربعة خمسة ستة", 3)])
def test_shingle_counts(text, count):
    assert len(ordered_shingles(text, 4)) == count


def test_minhash_and_bands_are_stable_and_sized():
    params = StoryParams(bands=10, rows=2)
    sh = ordered_shingles("\n".join(demo(BASE)[1]))
    sig = minhash(sh, params)
    assert len(sig) == 20 and sig == minhash(list(reversed(sh)), params)
    keys = band_keys(sig, params)
    assert len(keys) == 10 and len(set(keys)) == 10 and all(-(2**63) <= k < 2**63 for k in keys)
    assert len(stories.lsh_keys(sh, params)) == 10 + params.lead_bands
    assert minhash([], params) == () and band_keys((), params) == []


@pytest.mark.parametrize("kwargs", [{"bands": 0}, {"min_jaccard": 0.0}, {"min_lead": 1.5}, {"shingle_words": 0}])
def test_params_validate(kwargs):
    with pytest.raises(ValueError):
        StoryParams(**kwargs)


# -- in the catalogue -------------------------------------------------------------------------------------


@pytest.fixture
def cat():
    c = Catalogue(":memory:")
    c.upsert_outlets([{"name": n, "display_name": n} for n in ("a", "b", "c")])
    yield c
    c.close()


def save(cat: Catalogue, outlet: str, url: str, title: str, body: str, at: str = "2019-07-17T10:00:00") -> str:
    """Store an article and give it a story, as crawler.capture.ingest does; return the story id."""
    art = ExtractedArticle(url=url, title=title, paragraphs=tuple(body.split("\n")), published="2019-07-17")
    _, row = cat.save_article(outlet=outlet, canonical_url=url, article=art, relevance=REL, capture_id=None,
                              fetched_at=at)
    return cat.assign_story(row["id"])


def test_catalogue_groups_copies_across_outlets_and_urls(cat):
    title, paras = demo(BASE)
    body = "\n".join(paras)
    first = save(cat, "a", "https://a.example/1", title, body, "2019-07-17T10:00:00")
    assert save(cat, "b", "https://b.example/x", "ميليشيات مصراتة تنسحب من طرابلس", copies()["added intro line"],
                "2019-07-17T11:00:00") == first
    assert save(cat, "a", "https://a.example/amp/1", title, body, "2019-07-17T12:00:00") == first  # second URL
    other_title, other_paras = demo("sitemap-004")
    other = save(cat, "c", "https://c.example/2", other_title, "\n".join(other_paras))
    assert other != first
    story = cat.db["stories"].get(first)
    assert (story["articles"], story["outlets"], story["title"]) == (3, 2, title)
    assert story["first_seen"] == "2019-07-17T10:00:00"
    members = list(cat.db["articles"].rows_where("story_id = ?", [first], order_by="first_seen, id"))
    assert members[0]["story_match"] is None and all(m["story_score"] > 0.5 for m in members[1:])
    several = list(cat.db.query("select id from stories where outlets >= 2"))
    assert [r["id"] for r in several] == [first]


def test_an_article_rewritten_into_another_story_moves_and_counts_follow(cat):
    title, paras = demo(BASE)
    first = save(cat, "a", "https://a.example/1", title, "\n".join(paras))
    assert save(cat, "b", "https://b.example/1", title, "\n".join(paras)) == first
    t2, p2 = demo("legacy-watiya")
    moved = save(cat, "b", "https://b.example/1", t2, "\n".join(p2), "2019-07-18T10:00:00")  # page reused
    assert moved != first
    assert cat.db["stories"].get(first)["articles"] == 1 and cat.db["stories"].get(moved)["articles"] == 1
    assert save(cat, "a", "https://a.example/1", title, "\n".join(paras)) == first  # alone: keeps its story id


def test_empty_body_gets_a_story_of_its_own(cat):
    assert save(cat, "a", "https://a.example/e1", "عنوان", "") != save(cat, "b", "https://b.example/e2", "عنوان", "")


def test_assign_unknown_article_raises(cat):
    with pytest.raises(KeyError):
        stories.assign(cat.db, "0000000000000000")


def test_a_new_article_is_compared_with_one_article_per_candidate_story(cat):
    from archive.catalogue import story_rows

    title, paras = demo(BASE)
    body = "\n".join(paras)
    for n in range(6):  # six copies of one story: every one shares bands with the others
        save(cat, "a", f"https://a.example/{n}", title, body + f"\nالمصدر {n}")
    ids = {n: next(cat.db.query("select id from articles where url = ?", [f"https://a.example/{n}"]))["id"]
           for n in range(6)}
    for n in (3, 4):  # two of them moved to a story of their own
        story_rows.set_article_story(cat.db, ids[n], "another-story", None, None)
    keys = stories.lsh_keys(ordered_shingles(body))
    found = story_rows.band_candidates(cat.db, ids[5], keys, 20)
    assert sorted(c["story_id"] for c in found) == sorted({cat.db["articles"].get(ids[0])["story_id"],
                                                           "another-story"})
    stored = {ids[n]: f"{body}\nالمصدر {n}".encode() for n in range(6)}  # each body as the catalogue holds it
    assert all(c["id"] != ids[5] and c["body"] == stored[c["id"]] for c in found)
    assert len(story_rows.band_candidates(cat.db, ids[5], keys, 1)) == 1
    t2, p2 = demo("sitemap-004")  # no band in common: never a candidate
    save(cat, "b", "https://b.example/other", t2, "\n".join(p2))
    assert len(story_rows.band_candidates(cat.db, ids[5], keys, 20)) == 2
    # a seventh copy, compared with one article per story, joins a story of the copies
    assert save(cat, "c", "https://c.example/7", title, body) in {c["story_id"] for c in found}


def test_a_new_member_is_counted_in_as_a_full_refresh_of_its_story_would(cat, monkeypatch):
    from archive.catalogue import story_rows

    refreshes: list[str] = []
    refresh = story_rows.refresh_story
    monkeypatch.setattr(story_rows, "refresh_story", lambda db, sid: (refreshes.append(sid), refresh(db, sid)))
    title, paras = demo(BASE)
    # copies from three outlets, out of order in time, relevant or not, some with no date, two in one second
    arrivals = [("b", "2019-07-17T12:00:00", "2019-07-17", True), ("a", "2019-07-17T11:00:00", None, False),
                ("b", "2019-07-17T09:00:00", "2019-07-16", True), ("c", "2019-07-17T09:00:00", "2019-07-15", False),
                ("a", "2019-07-18T08:00:00", None, True), ("c", "2019-07-16T23:00:00", "2019-07-18", True)]
    story = None
    for n, (outlet, at, published, relevant) in enumerate(arrivals):
        art = ExtractedArticle(url=f"https://{outlet}.example/{n}", title=f"{title} {n}",
                               paragraphs=(*paras, f"المصدر {n}"), published=published)
        rel = Relevance(relevant, 2.0 if relevant else 0.1, 1.0, 1.0, ())
        _, row = cat.save_article(outlet=outlet, canonical_url=art.url, article=art, relevance=rel, capture_id=None,
                                  fetched_at=at)
        assert cat.assign_story(row["id"]) == (story or cat.db["articles"].get(row["id"])["story_id"])
        story = cat.db["articles"].get(row["id"])["story_id"]
        counted = cat.db["stories"].get(story)
        refresh(cat.db, story)
        assert counted == cat.db["stories"].get(story), n
        if n % 2:
            cat.assign_seq(row["id"])  # numbered after grouping, as crawler.capture.ingest does (irrelevant: never)
    assert counted["articles"] == 6 and counted["outlets"] == 3 and counted["relevant_articles"] == 4
    assert 1 < len(refreshes) < len(arrivals) - 1  # opened, and where the first had no number yet: counted in full


# -- shingle hashes and the writer's cache (issue 10) -----------------------------------------------------


def test_shingle_hashes_are_pinned():
    # the stored LSH band keys are made from these values: a change here means re-indexing every catalogue
    assert ordered_shingles("قالت وزارة الصحة في طرابلس إن") == [
        723932353209569789, 1972889022198194439, 1391048491760474412, 2285244815793346627]
    assert ordered_shingles("قصف") == [1672907267269885421]


def test_lsh_keys_are_pinned():
    # the stored band keys: a change here too means re-indexing every catalogue (bands of two values and of one)
    params = StoryParams(bands=2, rows=2, lead_bands=2, lead_rows=1)
    assert stories.lsh_keys(ordered_shingles("قالت وزارة الصحة في طرابلس إن"), params) == [
        3740173177768468806, -7992892870714218955, 565440128712584572, -1369037092210561806]
    assert band_keys((5, 7, 1 << 70), rows=1, first_band=3) == [
        -9099909261128496699, -6651717527191110196, 8882048094184757404]


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_shingles_are_the_documented_hash_of_each_word_run_in_first_seen_order(size):
    import hashlib

    from archive.corpus.arabic import tokens

    text = "\n".join(demo(BASE)[1]) + " نهاية" * 7  # a repeated run of words: one shingle
    words = tokens(text)
    runs = [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
    want = list(dict.fromkeys(
        int.from_bytes(hashlib.blake2b(r.encode(), digest_size=8).digest(), "little") & ((1 << 61) - 1)
        for r in runs))
    assert ordered_shingles(text, size) == want
    assert len(want) < len(runs)


def test_shingle_cache_is_bounded_in_bytes_and_never_serves_an_edited_body():
    cache = stories._ShingleCache(3 * stories._entry_bytes(array("q", range(80))))
    for n in range(5):
        cache.put(f"a{n}", f"body {n}", 3, list(range(80)))
        assert cache.bytes <= cache.max_bytes
    assert [cache.get(f"a{n}", f"body {n}", 3) is not None for n in range(5)] == [False, False, True, True, True]
    assert cache.get("a4", "body 4, edited", 3) is None  # same article, other text: recomputed, not stale
    assert cache.get("a4", "body 4", 4) is None  # other shingle size
    cache.get("a2", "body 2", 3)  # used: now the most recent
    cache.put("a5", "body 5", 3, [1, 2, 3])
    assert cache.get("a2", "body 2", 3) is not None and cache.get("a3", "body 3", 3) is None
    cache.put("huge", "x", 3, list(range(10_000)))  # larger than the whole cache: not kept, nothing else lost
    assert cache.get("huge", "x", 3) is None and cache.bytes <= cache.max_bytes


def test_a_candidate_whose_body_changed_is_compared_on_its_stored_body(cat):
    from archive.catalogue import story_rows

    title, paras = demo(BASE)
    body = "\n".join(paras)
    first = save(cat, "a", "https://a.example/1", title, body)
    aid = next(cat.db.query("select id from articles where url = ?", ["https://a.example/1"]))["id"]
    t2, p2 = demo("legacy-watiya")
    # the row's body replaced behind the cache's back (its bands still those of BASE): a candidate, not a copy
    story_rows.set_article_story(cat.db, aid, first, None, None)
    cat.db.execute("update articles set text = ? where id = ?", ["\n".join(p2), aid])
    assert save(cat, "b", "https://b.example/1", title, body) != first


def test_a_candidate_grouped_before_is_compared_from_the_cache(cat, monkeypatch):
    # the cache is filled with a body as assign reads it and asked with a candidate's as band_candidates reads it:
    # one body must give one key, or every candidate is a miss and is cut into shingles again (issue 10)
    monkeypatch.setattr(stories, "_SHINGLE_CACHE", stories._ShingleCache(1 << 20))
    title, paras = demo(BASE)
    body = "\n".join(paras)
    first = save(cat, "a", "https://a.example/1", title, body)
    cut: list[str] = []
    recompute = stories.ordered_shingles
    monkeypatch.setattr(stories, "ordered_shingles", lambda text, size=3: (cut.append(text), recompute(text, size))[1])
    art = ExtractedArticle(url="https://b.example/1", title=title, paragraphs=tuple(paras))
    _, row = cat.save_article(outlet="b", canonical_url=art.url, article=art, relevance=REL, capture_id=None,
                              fetched_at="2019-07-17T10:00:00")
    shingles = recompute(body)
    assert cat.assign_story(row["id"], shingles=shingles, keys=stories.lsh_keys(shingles)) == first
    assert cut == []  # neither the new article (the worker's shingles) nor its candidate (the cache's)


def test_grouping_is_the_same_with_worker_shingles_a_cache_or_neither(monkeypatch):
    bodies = [(f"https://{o}.example/{n}", "\n".join(demo(k)[1]) + extra)
              for n, (o, k, extra) in enumerate([("a", BASE, ""), ("b", "sitemap-004", ""), ("c", BASE, "\nالمصدر"),
                                                  ("a", "feed-002", ""), ("b", "sitemap-004", "\nعاجل"),
                                                  ("c", BASE, "")])]

    def run(worker_shingles: bool, cache_bytes: int) -> list[tuple[str, str | None, str | None]]:
        monkeypatch.setattr(stories, "_SHINGLE_CACHE", stories._ShingleCache(cache_bytes))
        c = Catalogue(":memory:")
        c.upsert_outlets([{"name": n, "display_name": n} for n in ("a", "b", "c")])
        out = []
        for url, body in bodies:
            art = ExtractedArticle(url=url, title="عنوان", paragraphs=tuple(body.split("\n")))
            _, row = c.save_article(outlet=url[8], canonical_url=url, article=art, relevance=REL, capture_id=None,
                                    fetched_at="2019-07-17T10:00:00")
            sh = ordered_shingles(art.text) if worker_shingles else None
            a = stories.assign(c.db, row["id"], shingles=sh, keys=stories.lsh_keys(sh) if sh is not None else None)
            out.append((a.story_id, a.matched, a.action))
        c.close()
        return out

    plain = run(False, 0)
    assert run(True, 1 << 20) == plain and run(False, 1 << 20) == plain and run(True, 0) == plain
    assert len({s for s, _, _ in plain}) == 3 and sum(a == "joined" for _, _, a in plain) == 3
