"""The project works installed from its wheel, not only from the checkout: `newsarchive demo` in a fresh virtualenv.

Slow (a wheel build and a demo crawl, about a minute): it is the one test that sees what a user's `pip install`
gets, so a file missing from the package data (the topic lexicon, the bundled outlets) fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo.standalone import ADDRESSES

ROOT = Path(__file__).resolve().parent.parent
# What a wheel is built from (pyproject.toml names the packages and their data); seeds/ is linked from the package.
SOURCES = ("pyproject.toml", "README.md", "crawler", "archive", "seeds")

pytestmark = pytest.mark.timeout(600)


def run(*cmd: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` in ``cwd`` without the checkout on PYTHONPATH; fail with its output if it fails."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{cmd}: {result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding the wheel built from a copy of the checkout (its dependencies: the system's)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:  # a copy, so the build writes no build/ or egg-info into the checkout
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", src, cwd=tmp)
    (wheel,) = (tmp / "dist").glob("newsarchive-*.whl")
    env = tmp / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", env, cwd=tmp)
    # --force-reinstall: the wheel's files in the venv shadow the editable checkout the system site-packages holds
    run(sys.executable, "-m", "pip", "--python", env / "bin" / "python", "install", "-q", "--no-deps",
        "--no-index", "--force-reinstall", wheel, cwd=tmp)
    return env


def test_the_installed_package_is_the_wheel_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    code = ("import json, crawler, archive, crawler.config.bundled as b; "
            "print(json.dumps([crawler.__file__, archive.__file__, str(b.SEEDS), str(b.LEXICON)]))")
    paths = [Path(p) for p in json.loads(run(venv / "bin" / "python", "-c", code, cwd=tmp_path).stdout)]
    for path in paths:
        assert path.is_relative_to(venv) and not path.is_relative_to(ROOT), path
    seeds, lexicon = paths[2:]
    assert sorted(p.name for p in seeds.glob("*.toml")) == sorted(p.name for p in (ROOT / "seeds").glob("*.toml"))
    assert lexicon.read_bytes() == (ROOT / "seeds" / "lexicon.toml").read_bytes()


def test_demo_from_an_empty_folder_archives_relevant_articles(venv: Path, tmp_path: Path) -> None:
    empty = tmp_path / "cwd"
    empty.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    urls = {}  # free ports for the demo sites: parallel test runs never compete for the fixed ones
    for name, host in (("demo-feed", "127.0.0.2"), ("demo-sitemap", "127.0.0.3"), ("demo-legacy", "127.0.0.4")):
        with socket.socket() as sock:
            sock.bind((host, 0))
            urls[name] = f"http://{host}:{sock.getsockname()[1]}"
    (data / ADDRESSES).write_text(json.dumps(urls), encoding="utf-8")

    result = run(venv / "bin" / "newsarchive", "demo", "--data", data, cwd=empty)
    assert "demo-feed" in result.stdout and "demo-legacy" in result.stdout
    assert list(empty.iterdir()) == []  # everything went to --data
    texts = sorted((data / "text").glob("*.txt"))
    assert len(texts) >= 6, result.stdout
    con = sqlite3.connect(data / "catalogue.db")
    try:
        relevant, = con.execute("select count(*) from articles where relevant = 1").fetchone()
        outlets = {name for (name,) in con.execute("select distinct outlet from articles where relevant = 1")}
    finally:
        con.close()
    assert relevant == len(texts)
    assert outlets == {"demo-feed", "demo-sitemap", "demo-legacy"}
