"""What a crawl imports at start (issue 10: a crawl's fixed CPU cost is mostly start-up, not pages).

One real four-page crawl by the CLI, with two extraction workers, under ``python -X importtime``, which every process
of the crawl that Python starts with the crawl's own flags prints to stderr (the crawl process, the workers' fork
server and, before stop 42, each spawned worker). The tests read which modules were imported, and how many times, not
any timing. A module that ``importlib.import_module`` loads (Scrapy's ``load_object``, the lazy commands) has no line
of its own: the tests name what such a module imports with an ``import`` statement.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from faultsite import FaultSite, serve_fault_site
from helpers import FAST, ROOT, rows

IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The names of the modules that the processes of one small crawl imported, once for each process that did."""
    tmp = tmp_path_factory.mktemp("startup")
    with serve_fault_site(FaultSite(articles=4)) as site:
        seeds = site.seeds(tmp / "outlets.toml")
        proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "crawler.cli.main", "crawl", "--seeds",
                               str(seeds), "--data", str(tmp / "data"), *FAST, "-s", "EXTRACT_WORKERS=2"],
                              capture_output=True, text=True, timeout=240, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the crawl really ran: every article extracted (by the workers) and stored
    assert len(rows(tmp / "data", "select url from articles")) == 4, proc.stdout
    names = IMPORTED.findall(proc.stderr)
    assert "crawler.extraction.article" in names, "no import lines read: -X importtime's format changed?"
    return names


def test_crawl_does_not_import_aiohttp(imported: list[str]) -> None:
    """Scrapy's remote control (aiohttp) is left out, not just switched off (crawler/settings.py EXTENSIONS_BASE)."""
    assert "aiohttp" not in imported


def test_the_extraction_stack_is_imported_once_not_once_per_worker(imported: list[str]) -> None:
    """The workers are forked by a fork server that imported it (crawler.capture.pool_start): one import for the
    crawl, where each spawned worker imported it again (0.8-0.9 s of CPU per worker)."""
    for module in ("crawler.extraction.article", "trafilatura", "htmldate"):  # none of them in the crawl process
        assert imported.count(module) == 1, module


def test_crawl_does_not_import_the_cookie_middleware(imported: list[str]) -> None:
    """No cookie jar, so Scrapy's cookie middleware (and its tldextract, requests, urllib3) is not even imported
    (crawler/settings.py DOWNLOADER_MIDDLEWARES_BASE)."""
    assert "tldextract" not in imported


@pytest.mark.parametrize("cookies", [False, True])
def test_a_crawl_that_keeps_cookies_gets_scrapys_cookie_middleware_back(cookies: bool) -> None:
    from scrapy.settings import Settings

    from crawler.config.checks import COOKIES_MIDDLEWARE, SettingsCheck

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("COOKIES_ENABLED", cookies, priority="cmdline")
    SettingsCheck().update_settings(settings)  # as Scrapy's add-on manager calls it while it builds the crawler
    enabled = settings.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES")
    assert enabled.get(COOKIES_MIDDLEWARE) == (700 if cookies else None)


def test_a_crawl_does_not_import_the_other_commands_modules(imported: list[str]) -> None:
    """The command line's other commands are loaded when run (crawler.cli.main LAZY_COMMANDS), in the crawl process
    and in each worker that runs the command line again as multiprocessing's ``__mp_main__``: the scheduler's module
    would have imported crawler.cli.scheduler_record."""
    assert "crawler.cli.scheduler_record" not in imported


def test_check_loads_only_its_own_commands_module(tmp_path) -> None:
    code = ("import sys\nfrom crawler.cli.main import cli\ntry:\n    cli(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code, "check", "--data", str(tmp_path / "empty")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    loaded = proc.stdout.split()
    assert "crawler.cli.archive_commands" in loaded, proc.stdout + proc.stderr
    for module in ("crawler.cli.schedule_commands", "crawler.cli.serve_commands", "crawler.cli.worker_commands",
                   "asyncio"):
        assert module not in loaded, module


@pytest.mark.parametrize("name", ["schedule", "status", "recrawl", "serve", "index", "export", "check", "dedupe",
                                  "worker", "worker-crawl"])
def test_every_lazy_command_is_there_with_the_global_log_options(name: str) -> None:
    from click.testing import CliRunner

    from crawler.cli.main import cli

    listed = CliRunner().invoke(cli, ["-h"])
    assert listed.exit_code == 0
    assert (f"  {name} " in listed.output) != (name == "worker-crawl")  # worker-crawl is hidden, as before
    result = CliRunner().invoke(cli, [name, "-h"])
    assert result.exit_code == 0, result.output
    assert "-v, --verbose" in result.output and "-q, --quiet" in result.output
    assert result.output.count("--verbose") == 1
