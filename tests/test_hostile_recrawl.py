"""Server-side request forgery through `newsarchive recrawl`: URLs from people and redirects are checked."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crawler.cli.main import cli
from tests.helpers import FAST, ROOT
from tests.hostile.site import HostileSites, serve_hostile_sites


def recrawl(seeds: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One real `newsarchive recrawl` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", "recrawl", "--seeds", str(seeds), "--data", str(data),
                           *FAST, "-s", "RETRY_TIMES=1", *args], capture_output=True, text=True, timeout=180,
                          cwd=ROOT, check=False)


def check(data: Path) -> Result:
    """`newsarchive check` on the data folder, in this process (no reactor: a child's start-up is most of its time)."""
    return CliRunner().invoke(cli, ["check", "--data", str(data)])


def reasons(data: Path) -> dict[str, str]:
    """{url: reason} of every failure in the catalogue."""
    with sqlite3.connect(data / "catalogue.db") as db:
        return dict(db.execute("select url, reason from failures").fetchall())


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[HostileSites, Path]]:
    with serve_hostile_sites() as running:
        yield running, running.write_seeds(tmp_path / "seeds.toml")


def test_private_addresses_from_a_person_are_refused_in_every_spelling(sites, tmp_path: Path) -> None:
    running, seeds = sites
    port = running.bases["internal"].rsplit(":", 1)[1]
    urls = [f"http://127.0.0.1:{port}/secret", f"http://2130706433:{port}/secret", f"http://0x7f.1:{port}/secret",
            f"http://0177.0.0.1:{port}/secret", f"http://[::ffff:127.0.0.1]:{port}/secret", f"http://[::1]:{port}/",
            f"http://localhost:{port}/secret",  # a name: refused by the resolver, on the address it resolves to
            "http://169.254.169.254/latest/meta-data/"]
    result = recrawl(seeds, tmp_path / "data", "--any-outlet", *urls)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if "not fetched" in line]
    assert len(lines) == len(urls), result.stdout
    assert all("private-address" in line for line in lines), result.stdout
    assert running.paths("internal") == []
    assert set(reasons(tmp_path / "data").values()) == {"private-address"}
    assert check(tmp_path / "data").exit_code == 0


def test_redirects_to_private_addresses_are_refused(sites, tmp_path: Path) -> None:
    running, seeds = sites
    base = running.bases["hostile"]
    result = recrawl(seeds, tmp_path / "data", f"{base}/a/to-internal", f"{base}/a/to-localhost",
                     f"{base}/a/to-decimal")
    assert result.returncode == 1
    assert running.paths("internal") == []
    assert running.paths("hostile").count("/a/to-internal") == 1  # the hop itself is archived
    found = reasons(tmp_path / "data")
    assert found[f"{base}/a/to-internal"] == "private-address"
    assert found[f"{base}/a/to-decimal"] == "private-address"
    assert "private-address" in found.values() and len(found) == 3, found  # localhost: refused at its address
    assert check(tmp_path / "data").exit_code == 0


def test_recrawl_due_of_an_article_that_now_redirects_to_loopback(sites, tmp_path: Path) -> None:
    running, seeds = sites
    data, url = tmp_path / "data", f"{running.bases['hostile']}/a/moving"
    first = recrawl(seeds, data, url)
    assert first.returncode == 0 and "new article" in first.stdout, first.stdout + first.stderr[-2000:]
    running.moved_to_internal = True
    with sqlite3.connect(data / "catalogue.db") as db:  # make its re-check due now
        db.execute("update articles set next_check_at = '2000-01-01T00:00:00+00:00', watch = 'watching'")
    second = recrawl(seeds, data, "--due")
    assert "private-address" in second.stdout, second.stdout + second.stderr[-2000:]
    assert running.paths("internal") == []
    with sqlite3.connect(data / "catalogue.db") as db:
        texts = [t for (t,) in db.execute("select text from articles")]
        versions = db.execute("select count(*) from article_versions").fetchone()[0]
    assert len(texts) == 1 and "INTERNAL-ONLY" not in texts[0] and versions == 1  # nothing archived is lost
    assert check(data).exit_code == 0


def test_the_resolver_alone_refuses_ip_literals(sites, tmp_path: Path) -> None:
    """With the request check switched off, the DNS resolver still refuses: the connection's own address."""
    running, seeds = sites
    port = running.bases["internal"].rsplit(":", 1)[1]
    middlewares = json.dumps({"crawler.netguard.RequestGuardMiddleware": None,
                              "crawler.netguard.RobotsGuardMiddleware": 100,
                              "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                              "crawler.middlewares.WarcCaptureMiddleware": 950})
    result = recrawl(seeds, tmp_path / "data", "--any-outlet", "-s", f"DOWNLOADER_MIDDLEWARES={middlewares}",
                     f"http://127.0.0.1:{port}/secret", f"http://2130706433:{port}/secret")
    assert result.returncode == 1
    assert running.paths("internal") == []
    assert set(reasons(tmp_path / "data").values()) == {"private-address"}, result.stdout


def test_allow_private_lets_the_operator_fetch_them(sites, tmp_path: Path) -> None:
    running, seeds = sites
    result = recrawl(seeds, tmp_path / "data", "--any-outlet", "--allow-private", f"{running.bases['internal']}/secret")
    assert "not fetched" not in result.stdout, result.stdout + result.stderr[-2000:]
    assert "/secret" in running.paths("internal")


def test_a_bad_limit_is_a_message_not_a_traceback(sites, tmp_path: Path) -> None:
    # in this process: the setting is refused before any crawl (no reactor) starts; an uncaught exception (the
    # child's traceback) is the result's exception here
    running, seeds = sites
    result = CliRunner().invoke(cli, ["recrawl", "--seeds", str(seeds), "--data", str(tmp_path / "data"), *FAST,
                                      "-s", "RETRY_TIMES=1", "-s", "CRAWL_URL_MAX_LENGTH=long", "--any-outlet",
                                      running.bases["internal"] + "/"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "CRAWL_URL_MAX_LENGTH" in result.stderr and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert running.paths("internal") == []


def test_a_url_past_the_length_limit_is_reported_with_its_reason(sites, tmp_path: Path) -> None:
    """A failure row stores such a URL cut (hostile web round four); the report still finds it and names the reason."""
    running, seeds = sites
    url = f"{running.bases['hostile']}/a/" + "x" * 300
    result = recrawl(seeds, tmp_path / "data", "-s", "CRAWL_URL_MAX_LENGTH=200", url)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    [line] = [line for line in result.stdout.splitlines() if "not fetched" in line]
    assert "url-too-long" in line, result.stdout
    [stored] = reasons(tmp_path / "data")
    assert stored.startswith(url[:200]) and "[cut: url-too-long, " in stored and len(stored) < len(url)
