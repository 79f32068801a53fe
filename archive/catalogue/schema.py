"""The catalogue's schema, as sqlite-utils migrations applied in order (never edit one that has shipped)."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("newsarchive")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Create the first schema."""
    db["outlets"].create({
        "name": str, "display_name": str, "language": str, "country": str, "homepage": str,
        "domains": str, "topic_filter": int, "schedule": str, "config_digest": str, "source": str,
        "updated_at": str,
    }, pk="name")
    db["crawls"].create({
        "id": int, "uid": str, "trigger": str, "outlets": str, "started_at": str, "ended_at": str,
        "status": str, "exit_code": int, "pid": int, "pages_fetched": int, "articles_new": int,
        "articles_updated": int, "articles_unchanged": int, "articles_irrelevant": int, "failures": int,
        "warc_bytes": int, "error": str, "counts": str,
    }, pk="id")
    db["captures"].create({
        "id": int, "crawl_id": int, "outlet": str, "url": str, "method": str, "status": int,
        "fetched_at": str, "content_type": str, "warc_file": str, "warc_offset": int, "warc_length": int,
        "warc_record_id": str, "record_type": str, "payload_digest": str, "refers_to": int,
        "location": str, "ip_address": str, "etag": str, "last_modified": str,
    }, pk="id", foreign_keys=[("crawl_id", "crawls", "id"), ("refers_to", "captures", "id")])
    db["captures"].create_index(["url", "fetched_at"])
    db["captures"].create_index(["warc_file", "warc_offset"])
    db["articles"].create({
        "id": str, "seq": int, "url": str, "outlet": str, "title": str, "text": str, "published": str,
        "published_source": str, "author": str, "language": str, "relevant": int, "relevance_score": float,
        "libya_score": float, "conflict_score": float, "matched_terms": str, "first_seen": str,
        "last_seen": str, "capture_id": int, "text_digest": str, "text_file": str, "versions": int,
        "status": str, "search_text": str,
    }, pk="id", foreign_keys=[("capture_id", "captures", "id"), ("outlet", "outlets", "name")])
    db["articles"].create_index(["seq"], unique=True)
    db["articles"].create_index(["outlet", "published"])
    db["article_versions"].create({
        "id": int, "article_id": str, "version": int, "capture_id": int, "title": str, "text": str,
        "published": str, "text_digest": str, "first_seen": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id"), ("capture_id", "captures", "id")])
    db["article_versions"].create_index(["article_id", "version"], unique=True)
    db["failures"].create({
        "id": int, "crawl_id": int, "outlet": str, "url": str, "stage": str, "reason": str, "detail": str,
        "capture_id": int, "at": str,
    }, pk="id", foreign_keys=[("crawl_id", "crawls", "id"), ("capture_id", "captures", "id")])
    db["failures"].create_index(["reason"])
    # search_text holds the Arabic-normalised words and their clitic-stripped forms (archive.corpus.search)
    db["articles"].enable_fts(["title", "text", "search_text"], create_triggers=True,
                              tokenize="unicode61 remove_diacritics 2")


@migrations()
def m002_history(db: sqlite_utils.Database) -> None:
    """Article events (deletion, return), version diffs, re-check planning, scheduler state."""
    db["article_events"].create({
        "id": int, "article_id": str, "kind": str, "url": str, "at": str, "crawl_id": int, "capture_id": int,
        "http_status": int, "detail": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id"), ("crawl_id", "crawls", "id"),
                              ("capture_id", "captures", "id")])
    db["article_events"].create_index(["article_id", "at"])
    db["article_versions"].add_column("diff", str)  # readable unified diff from the previous version
    db["article_versions"].add_column("changed", str)  # "title,text,published": what changed
    db["articles"].add_column("watch", str)  # "watching" (re-checked on the back-off schedule) or "done"
    db["articles"].add_column("next_check_at", str)
    db["articles"].add_column("last_checked_at", str)
    db["articles"].create_index(["watch", "next_check_at"])
    db["crawls"].add_column("log_file", str)  # the crawl process's log, for scheduled runs
    db["schedules"].create({
        "outlet": str, "schedule": str, "next_run_at": str, "scheduler_pid": int, "updated_at": str,
    }, pk="outlet")
    db.create_view("article_history", """
        select article_id, first_seen as at, 'version ' || version as what, changed, diff, capture_id, id as ref
        from article_versions
        union all
        select article_id, at, kind as what, http_status as changed, detail as diff, capture_id, id as ref
        from article_events
        order by article_id, at""")


@migrations()
def m003_frontier(db: sqlite_utils.Database) -> None:
    """The crawl frontier: every discovered article URL until it is archived (the state of record).

    Scrapy's JOBDIR loses most of its queue on SIGKILL; this table does not, so the next crawl fetches
    whatever a killed one had discovered but not yet archived.
    """
    db["frontier"].create({
        "url": str, "outlet": str, "kind": str, "discovered_at": str, "crawl_id": int, "status": str,
        "attempts": int, "done_at": str, "reason": str,
    }, pk="url")
    db["frontier"].create_index(["outlet", "status"])


@migrations()
def m004_stories(db: sqlite_utils.Database) -> None:
    """Stories: copies of one piece of journalism (other outlets, other URLs) grouped under one id (archive.corpus.stories)."""
    db["stories"].create({
        "id": str, "first_seen": str, "last_seen": str, "published": str, "articles": int, "outlets": int,
        "relevant_articles": int, "title": str, "first_article": str,
    }, pk="id")
    db["stories"].create_index(["outlets"])
    db["stories"].create_index(["first_seen"])
    db["articles"].add_column("story_id", str)  # stories.id
    db["articles"].add_column("story_match", str)  # the article whose text it matched when it joined (audit)
    db["articles"].add_column("story_score", float)  # Jaccard similarity of the two bodies' shingle sets
    db["articles"].create_index(["story_id"])
    # one row per LSH band of an article's MinHash signature: articles sharing a band are candidates
    db["story_bands"].create({"band": int, "article_id": str}, foreign_keys=[("article_id", "articles", "id")])
    db["story_bands"].create_index(["band"])
    db["story_bands"].create_index(["article_id"])


@migrations()
def m005_counters(db: sqlite_utils.Database) -> None:
    """Named counters (the corpus sequence number), so numbers are never handed out twice."""
    db["counters"].create({"name": str, "value": int}, pk="name")


@migrations()
def m006_article_capture_index(db: sqlite_utils.Database) -> None:
    """Index articles by capture: the capture middleware asks "which article came from this URL?" per request."""
    db["articles"].create_index(["capture_id"], if_not_exists=True)


@migrations()
def m007_aliases(db: sqlite_utils.Database) -> None:
    """Article aliases (the other URLs of one article, and how each was learned) and learned session parameters."""
    db["article_aliases"].create({
        "url": str, "url_id": str, "article_id": str, "outlet": str, "how": str, "first_seen": str,
        "capture_id": int, "detail": str,
    }, pk="url", foreign_keys=[("article_id", "articles", "id"), ("capture_id", "captures", "id")],
        if_not_exists=True)
    db["article_aliases"].create_index(["article_id"], if_not_exists=True)
    db["article_aliases"].create_index(["url_id"], if_not_exists=True)  # /article/<id of a merged-away row>
    db["articles"].create_index(["outlet", "text_digest"], if_not_exists=True)  # the same-body rule, per new page
    # query parameters seen to carry only a session token on one outlet (same body, value changing per visit)
    db["session_params"].create({"outlet": str, "name": str, "learned_at": str, "evidence": str},
                                pk=("outlet", "name"), if_not_exists=True)


FACETS_SQL = (
    """create table if not exists article_facets (
      article_rowid integer primary key, outlet text, published text, month text, relevant integer, language text)""",
    """insert or replace into article_facets
      select rowid, outlet, published, substr(coalesce(published, first_seen), 1, 7), relevant, language
      from articles""",
    "create index if not exists article_facets_language on article_facets(language)",
    """create trigger if not exists article_facets_ai after insert on articles begin
      insert or replace into article_facets values (new.rowid, new.outlet, new.published,
        substr(coalesce(new.published, new.first_seen), 1, 7), new.relevant, new.language);
    end""",
    """create trigger if not exists article_facets_au after update of outlet, published, first_seen, relevant, language
    on articles begin
      insert or replace into article_facets values (new.rowid, new.outlet, new.published,
        substr(coalesce(new.published, new.first_seen), 1, 7), new.relevant, new.language);
    end""",
    """create trigger if not exists article_facets_ad after delete on articles begin
      delete from article_facets where article_rowid = old.rowid;
    end""",
)


@migrations()
def m008_mentions(db: sqlite_utils.Database) -> None:
    """Mentions (article, Libya term, category: place, actor, armed group, institution), search facets, a reading view.

    ``mentions`` is filled from each article's relevance evidence (archive.catalogue.mentions); the rows of articles
    stored before this migration are backfilled here, once. ``articles_view`` is the catalogue as a reader
    first meets it: headline, outlet, date, relevance, a short excerpt and the evidence, long columns left out.
    """
    from archive.catalogue import mentions  # local: the schema module stays importable on its own

    mentions.create_table(db)
    mentions.backfill(db)
    # Search counts per outlet and month join every hit to these few columns: a narrow copy keyed by the
    # article's rowid (the FTS rowid) costs a small B-tree lookup per hit instead of a read of the article row
    # with its text. Triggers keep it in step with articles, whoever writes them.
    for statement in FACETS_SQL:
        db.execute(statement)
    # the reading view opens newest first, and its facets count relevant articles
    db["articles"].create_index(["first_seen"], if_not_exists=True)
    db["articles"].create_index(["relevant", "published"], if_not_exists=True)  # also the start page's latest
    db.execute("drop view if exists articles_view")
    db.create_view("articles_view", """
        select a.title, a.outlet, a.published, a.relevance_score as relevance, substr(a.text, 1, 300) as excerpt,
          a.matched_terms as evidence, a.relevant, a.url, a.language, a.versions,
          a.status, a.first_seen, a.id, a.rowid as article_rowid
        from articles a""")


@migrations()
def m009_narrow_search_trigger(db: sqlite_utils.Database) -> None:
    """The search index is rewritten only when an article's indexed words change; captures are found by record id.

    sqlite-utils' ``articles_au`` trigger deleted and re-inserted an article's whole FTS entry on every UPDATE of
    any column (last_seen, story_id, seq, text_file, watch ...): two to four times per new article, and once per
    article seen again, each time writing index pages of the whole text. Now it fires only when title, text or
    search_text are in the UPDATE and differ. The index on captures.warc_record_id serves the crawl writer, which
    refers to a capture by its WARC-Record-ID until the row exists (crawler/capture/apply.py).
    """
    db.execute("drop trigger if exists articles_au")
    db.execute("""create trigger articles_au after update of title, text, search_text on articles
      when old.title is not new.title or old.text is not new.text or old.search_text is not new.search_text
      begin
        insert into articles_fts (articles_fts, rowid, title, text, search_text)
          values ('delete', old.rowid, old.title, old.text, old.search_text);
        insert into articles_fts (rowid, title, text, search_text) values (new.rowid, new.title, new.text, new.search_text);
      end""")
    db["captures"].create_index(["warc_record_id"], if_not_exists=True)


@migrations()
def m010_small_catalogue(db: sqlite_utils.Database) -> None:
    """Each article's text stored once: no ``search_text`` column, a contentless search index, versions by reference.

    ``articles.search_text`` (twice the body's bytes) was kept only so the FTS delete trigger could hand FTS5 the
    indexed values; the triggers now compute them (archive.catalogue.fts). The index no longer holds the raw body
    next to its normalised forms: searches are normalised (archive.corpus.search.fts_query), so ``title`` and
    ``search_text`` are what it needs. ``article_versions.text`` is NULL on an article's current version, whose
    text is ``articles.text`` (archive.catalogue.versions). ``story_bands`` refers to articles by rowid. On an
    existing catalogue the file keeps its size: the freed pages are reused by later rows.
    """
    from archive.catalogue import fts  # local: the schema module stays importable on its own

    fts.register(db.conn)
    for trigger in ("articles_ai", "articles_ad", "articles_au"):
        db.execute(f"drop trigger if exists {trigger}")
    db.execute("drop table if exists articles_fts")
    db.execute(fts.CREATE_SQL)
    # computed again rather than copied from search_text: an entry must be exactly what the delete trigger makes
    fts.reindex(db.conn)
    for statement in fts.TRIGGERS_SQL:
        db.execute(statement)
    db.execute("alter table articles drop column search_text")
    # story bands by the article's rowid (an integer) rather than its 16-character id: 40 % of the bytes, in one
    # B-tree keyed by band (the candidate lookup) plus one by article (replacing an article's bands)
    db.execute("""create table story_bands_m010 (band integer not null, article integer not null,
      primary key (band, article)) without rowid""")
    db.execute("""insert or ignore into story_bands_m010 (band, article)
      select b.band, a.rowid from story_bands b join articles a on a.id = b.article_id""")
    db.execute("drop table story_bands")
    db.execute("alter table story_bands_m010 rename to story_bands")
    db.execute("create index idx_story_bands_article on story_bands (article)")
    db.execute("""create trigger story_bands_ad after delete on articles begin
      delete from story_bands where article = old.rowid;
    end""")
    db.execute("""update article_versions set text = null where id in (
      select v.id from articles a join article_versions v on v.article_id = a.id
      where v.version = (select max(version) from article_versions where article_id = a.id) and v.text = a.text)""")


@migrations()
def m011_sequential_writes(db: sqlite_utils.Database) -> None:
    """Mentions and story bands laid out so a batch of new articles rewrites few pages (issue 10's bytes written).

    ``mentions`` becomes one B-tree ordered by term and the article's rowid (archive.catalogue.mentions.cluster);
    ``story_bands`` one row of band keys per article with an FTS5 index over them
    (archive.catalogue.story_rows.index_bands). Both replace B-trees whose keys (a random article id, a random
    band hash) put each new row on a random page.
    """
    from archive.catalogue import mentions, story_rows  # local: the schema module stays importable on its own

    mentions.cluster(db)
    story_rows.index_bands(db)


@migrations()
def m012_band_index_merges(db: sqlite_utils.Database) -> None:
    """The story band index merges its segments as soon as two share a level (FTS5 ``crisismerge=2``; issue 10).

    A story candidate look-up reads every segment of the index once per band key (50 per article), and each
    writer batch adds a segment. Under FTS5's default merge policy (``automerge=4``, ``crisismerge=16``) the index
    held 6 to 20 segments during issue 10's benchmark crawls; merging pairs at once keeps it at a handful (at most
    one per level, a binary counter), for a few more bytes written (https://sqlite.org/fts5.html#the_crisismerge_
    configuration_option). Measured on the 20,000-page crawl's band rows replayed in batches of 20: 4-8 segments
    instead of 8-18, the look-up 0.96 ms instead of 1.62 per article over the first 8,000, 17 % more bytes written
    for this index (2 KB per article).
    """
    db.execute("insert into story_band_index (story_band_index, rank) values ('crisismerge', 2)")


@migrations()
def m013_band_rows_name_their_story(db: sqlite_utils.Database) -> None:
    """Each ``story_bands`` row names its article's story, kept so by a trigger (issue 10's writer CPU).

    The story candidate look-up reads the stories of the articles that share the most band keys with a new one;
    from ``articles.story_id`` that meant walking each one's overflow pages (the column comes after the body), a
    third of the look-up's time. On an existing catalogue the column is filled from the articles once.
    """
    from archive.catalogue import story_rows  # local: the schema module stays importable on its own

    story_rows.name_stories(db)


@migrations()
def m014_contested_canonicals(db: sqlite_utils.Database) -> None:
    """URLs that different articles declared as their ``rel=canonical`` get a table of their own (issue 13).

    They were ``frontier`` rows (reason ``contested-canonical``): a URL already in the frontier (discovered, not yet
    fetched) could not be marked, and one marked was "known" to discovery, so an article there was never fetched.
    Marks made before are moved here and their frontier rows dropped (discovery may now queue the URL).
    """
    db["contested_canonicals"].create({"url": str, "outlet": str, "first_seen": str}, pk="url")
    db.execute("insert or ignore into contested_canonicals (url, outlet, first_seen) select url, outlet, discovered_at "
               "from frontier where reason = 'contested-canonical'")
    db.execute("delete from frontier where reason = 'contested-canonical'")


@migrations()
def m015_sitemap_reads(db: sqlite_utils.Database) -> None:
    """Child sitemaps read whole, each with when it was fetched and the ``<lastmod>`` its index gave it then (issue 10).

    A later crawl does not fetch a child whose index lastmod ended before the remembered ``fetched_at``
    (archive.catalogue.sitemaps); ``config_digest`` is the outlet's config when it was read, so a changed
    ``article_urls`` reads it again.
    """
    db["sitemap_reads"].create({"outlet": str, "url": str, "lastmod": str, "fetched_at": str, "config_digest": str,
                                "crawl_id": int, "read_at": str}, pk=("outlet", "url"))


@migrations()
def m016_version_digest_index(db: sqlite_utils.Database) -> None:
    """Index versions by text digest: the same-body rule also matches a row's earlier versions, once per new page
    (archive.catalogue.aliases.same_body_article: a copy of the teaser a row grew from is that row)."""
    db["article_versions"].create_index(["text_digest"], if_not_exists=True)


@migrations()
def m017_articles_view_days(db: sqlite_utils.Database) -> None:
    """``articles_view`` gains ``day`` (the day the page prints) and ``published_utc``; "returned" events cite the
    capture that saw the page again (stop 36's black-box probe).

    Datasette's date facet reads ``published`` through SQLite's ``date()``, which files 2019-09-01T00:30:00+02:00
    under 2019-08-31 (UTC), where search's months, ``articles_per_outlet_per_day`` and ``mentions.day`` file it under
    the day printed: ``day`` is that day (first-seen day when undated), as theirs. ``published`` sorts as text, so
    times with different offsets are out of order: ``published_utc`` is the moment in UTC (a date alone stays a
    date; a time without an offset reads as UTC). A return seen by a revisit cited the capture of the version taken
    before the deletion (archive.catalogue.reconcile); such events are pointed at the capture that saw the return.
    """
    from archive.catalogue.reconcile import RETURN_CAPTURE_SQL  # local, as above

    db.execute("drop view if exists articles_view")
    db.create_view("articles_view", """
        select a.title, a.outlet, a.published, a.relevance_score as relevance, substr(a.text, 1, 300) as excerpt,
          a.matched_terms as evidence, a.relevant, a.url, a.language, a.versions,
          a.status, a.first_seen, substr(coalesce(a.published, a.first_seen), 1, 10) as day,
          case when length(a.published) <= 10 then a.published
            else strftime('%Y-%m-%dT%H:%M:%SZ', a.published) end as published_utc,
          a.id, a.rowid as article_rowid
        from articles a""")
    cited_before = db.query("""select r.id, r.url, r.crawl_id, d.url as gone_url, d.at as gone_at,
        d.capture_id as gone_capture from article_events r join captures c on c.id = r.capture_id
      join article_events d on d.id = (select id from article_events where article_id = r.article_id
        and kind = 'deleted' and id < r.id order by id desc limit 1)
      where r.kind = 'returned' and (c.id < d.capture_id or (d.capture_id is null and c.fetched_at < d.at))""")
    for r in list(cited_before):
        seen = next(iter(db.query(RETURN_CAPTURE_SQL, r)), None)
        if seen:
            db.execute("update article_events set capture_id = ?, at = ?, http_status = ? where id = ?",
                       [seen["id"], seen["fetched_at"], seen["status"], r["id"]])


@migrations()
def m018_history_row_key(db: sqlite_utils.Database) -> None:
    """``article_history`` names the table its ``ref`` is a row of (``ref_table``), so each row has a key.

    ``ref`` was an id of ``article_versions`` or of ``article_events``, the two sharing numbers; with ``ref_table``
    the pair is unique and never NULL, and the reading room pages the view by it (``crawler.web.paging``: a row
    written between two pages neither repeats nor hides another, stop 38).
    """
    db.execute("drop view if exists article_history")
    db.create_view("article_history", """
        select article_id, first_seen as at, 'version ' || version as what, changed, diff, capture_id, id as ref,
          'article_versions' as ref_table
        from article_versions
        union all
        select article_id, at, kind as what, http_status as changed, detail as diff, capture_id, id as ref,
          'article_events' as ref_table
        from article_events
        order by article_id, at, ref_table, ref""")


# m019 on: archive/catalogue/schema_later.py (this module reached the house's 400 lines), registered in order
from archive.catalogue import schema_later  # noqa: E402, F401
