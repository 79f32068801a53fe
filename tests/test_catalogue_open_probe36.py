"""Opening the catalogue (black-box probe, stop 36): readers open it read-only and never create, empty or migrate it;
a damaged, emptied or lost catalogue.db is one clear error naming the file and the fix; read-only media work."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlite_utils
from click.testing import CliRunner, Result
from faultsite import FaultSite, serve_fault_site
from helpers import crawl_cli

from archive.catalogue.schema import migrations
from archive.errors import NewsArchiveError
from crawler.cli.main import cli
from crawler.web.app import ServeConfig, prepare
from crawler.web.replay import ReplayApp

ARTICLES = 3


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, FaultSite]]:
    """One real crawl of a three-article site: warc/, text/000..002, catalogue.db; the site keeps serving."""
    root = tmp_path_factory.mktemp("probe36")
    with serve_fault_site(FaultSite(articles=ARTICLES)) as site:
        seeds = site.seeds(root / "seeds.toml")
        result = crawl_cli(seeds, root / "data")
        assert result.returncode == 0, result.stderr[-2000:]
        yield root / "data", site


@pytest.fixture
def data(crawled: tuple[Path, FaultSite], tmp_path: Path) -> Path:
    """A fresh copy of the crawled data folder."""
    copy = tmp_path / "data"
    shutil.copytree(crawled[0], copy)
    return copy


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def assert_clear_error(result: Result, *words: str) -> None:
    """Exit 1 with one ``Error:`` message holding ``words``, and no traceback (click's SystemExit, nothing else)."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "Error: " in result.output, result.output
    for word in words:
        assert word in result.output, (word, result.output)


def damage(catalogue: Path, how: str) -> None:
    if how == "empty":
        catalogue.write_bytes(b"")
    elif how == "half":
        with open(catalogue, "r+b") as fh:
            fh.truncate(catalogue.stat().st_size // 2)
    else:  # header
        with open(catalogue, "r+b") as fh:
            fh.write(b"X" * 16)


READERS = [
    ["status"], ["status", "--json"], ["check"], ["export", "--format", "jsonl", "--out", "{tmp}/x.jsonl"],
    ["export", "--format", "wacz", "--no-validate", "--out", "{tmp}/x.wacz"], ["dedupe", "--dry-run"],
]
WRITERS = [["check", "--repair"], ["dedupe"]]


def argv(args: list[str], data: Path) -> list[str]:
    return [a.format(tmp=data.parent) for a in args] + ["--data", str(data)]


@pytest.mark.parametrize("args", READERS + WRITERS + [["index"]], ids=" ".join)
def test_an_empty_catalogue_is_no_catalogue(data: Path, args: list[str]) -> None:
    """F4: a catalogue.db cut to 0 bytes was turned into a fresh catalogue by `status`; `export` wrote 0 articles."""
    catalogue = data / "catalogue.db"
    damage(catalogue, "empty")
    assert_clear_error(run(*argv(args, data)), str(catalogue), "empty (0 bytes)", "backup")
    assert catalogue.stat().st_size == 0  # never made into a new catalogue
    assert not (data.parent / "x.jsonl").exists()


@pytest.mark.parametrize("how, problem", [("half", "damaged (database disk image is malformed)"),
                                          ("header", "not an SQLite database")])
@pytest.mark.parametrize("args", READERS + WRITERS, ids=" ".join)
def test_a_damaged_catalogue_is_one_clear_line(data: Path, args: list[str], how: str, problem: str) -> None:
    """F3: a damaged catalogue.db ended every command with a 10-frame traceback (sqlite3.DatabaseError)."""
    catalogue = data / "catalogue.db"
    damage(catalogue, how)
    before = catalogue.read_bytes()
    assert_clear_error(run(*argv(args, data)), str(catalogue), problem, "backup", ".recover")
    assert catalogue.read_bytes() == before


@pytest.mark.parametrize("how", ["empty", "half", "header"])
def test_serve_refuses_a_damaged_catalogue(data: Path, how: str) -> None:
    """`serve` answered 500 on every page (or served an empty catalogue) instead of saying what is wrong."""
    damage(data / "catalogue.db", how)
    with pytest.raises(NewsArchiveError, match="backup"):
        prepared = prepare(ServeConfig(data_dir=data, port=0, replay_port=-1))
        prepared.catalogue_socket.close()


@pytest.mark.parametrize("how", ["half", "delete", "empty"])
def test_crawl_never_starts_a_new_catalogue_over_an_archive(crawled: tuple[Path, FaultSite], data: Path,
                                                            how: str) -> None:
    """F3/F4: a crawl on a lost catalogue re-fetched every article and numbered text files 000.. a second time."""
    site = crawled[1]
    catalogue = data / "catalogue.db"
    if how == "delete":
        catalogue.unlink()
    else:
        damage(catalogue, how)
    texts = sorted(p.name for p in (data / "text").iterdir())
    asked = site.requests
    result = crawl_cli(site.seeds(data.parent / "seeds.toml"), data)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and str(catalogue) in result.stderr, result.stderr
    assert "backup" in result.stderr
    if how != "half":
        assert "--new-catalogue" in result.stderr
    assert site.requests == asked  # nothing fetched
    assert sorted(p.name for p in (data / "text").iterdir()) == texts
    assert (catalogue.stat().st_size == 0) if how == "empty" else (catalogue.exists() == (how != "delete"))


def test_a_new_catalogue_on_purpose_numbers_after_the_old_text_files(crawled: tuple[Path, FaultSite],
                                                                     data: Path) -> None:
    """`--new-catalogue` starts afresh where asked; its text files never take a number the old ones carry."""
    site = crawled[1]
    (data / "catalogue.db").unlink()
    old = sorted(p.name for p in (data / "text").iterdir())
    assert [n[:3] for n in old] == ["000", "001", "002"]
    result = crawl_cli(site.seeds(data.parent / "seeds.toml"), data, "--new-catalogue")
    assert result.returncode == 0, result.stderr[-2000:]
    new = sorted(p.name for p in (data / "text").iterdir() if p.name not in old)
    assert [n[:3] for n in new] == ["003", "004", "005"]
    with sqlite3.connect(data / "catalogue.db") as conn:
        assert sorted(r[0] for r in conn.execute("select seq from articles")) == [3, 4, 5]


def test_readers_never_migrate_a_catalogue(data: Path) -> None:
    """Readers migrated the catalogue (a write); one a newer newsarchive must upgrade is a clear error instead."""
    catalogue = data / "catalogue.db"
    last = [m.name for m in migrations.pending(sqlite_utils.Database(memory=True))][-1]
    with sqlite3.connect(catalogue) as conn:  # as an older newsarchive left it: the last migration not applied
        conn.execute("delete from _sqlite_migrations where name = ?", [last])
    conn.close()
    for args in READERS:
        assert_clear_error(run(*argv(args, data)), str(catalogue), "not up to date", last, "check --repair")
    with sqlite3.connect(catalogue) as conn:
        assert conn.execute("select count(*) from _sqlite_migrations where name = ?", [last]).fetchone() == (0,)
    conn.close()


@pytest.fixture
def read_only(data: Path, tmp_path: Path) -> Iterator[Path]:
    """``data`` seen through a read-only bind mount (root only: chmod does not stop root); skips where not allowed."""
    mount = tmp_path / "ro"
    mount.mkdir()
    first = subprocess.run(["mount", "--bind", str(data), str(mount)], capture_output=True, text=True, check=False)
    if first.returncode != 0:
        pytest.skip(f"cannot bind-mount here (needs root / CAP_SYS_ADMIN): {first.stderr.strip()}")
    try:
        ro = subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], capture_output=True, text=True,
                            check=False)
        if ro.returncode != 0:
            pytest.skip(f"cannot make a bind mount read-only here: {ro.stderr.strip()}")
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_readers_work_on_read_only_media(read_only: Path, args: list[str]) -> None:
    """F5: on a read-only folder the readers died with "unable to open database file" (WAL, migrations)."""
    result = run(*[a.format(tmp=read_only.parent) for a in args], "--data", str(read_only))
    assert result.exit_code == 0 and result.exception is None, (result.output, result.exception)
    assert "Error" not in result.output


def test_index_serve_and_writers_on_read_only_media(read_only: Path, tmp_path: Path) -> None:
    """F5: `index` crashed on mkdir, `serve` answered 500 on every page, a writer showed a traceback."""
    assert_clear_error(run("index", "--data", str(read_only)), str(read_only / "index"), "--out")
    assert run("index", "--data", str(read_only), "--out", str(tmp_path / "i.cdxj")).exit_code == 0
    assert (tmp_path / "i.cdxj").read_text().count("\n") >= ARTICLES
    for args in WRITERS:
        assert_clear_error(run(*args, "--data", str(read_only)), str(read_only / "catalogue.db"), "writable")
    prepared = prepare(ServeConfig(data_dir=read_only, port=0, replay_port=-1))
    prepared.catalogue_socket.close()

    async def pages() -> list[int]:
        await prepared.datasette.invoke_startup()
        return [(await prepared.datasette.client.get(p)).status_code
                for p in ("/catalogue/articles.json", "/catalogue/captures.json", "/")]

    assert asyncio.run(pages()) == [200, 200, 200]
    with sqlite3.connect(f"file:{read_only / 'catalogue.db'}?immutable=1", uri=True) as conn:
        (capture,) = conn.execute("select capture_id from articles limit 1").fetchone()
    conn.close()
    replay = ReplayApp(read_only / "catalogue.db", read_only)  # the replay origin reads the catalogue too

    async def replayed() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=replay), base_url="http://replay") as client:
            return await client.get(f"/capture/{capture}")

    response = asyncio.run(replayed())
    assert response.status_code == 200 and "طرابلس" in response.text
