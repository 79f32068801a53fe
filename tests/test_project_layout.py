"""Project rules that code review alone would miss: layering, documented settings, docstrings."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import defaults

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "archive").rglob("*.py")), ids=lambda p: p.name)
def test_archive_never_imports_the_crawler_scrapy_or_trafilatura(path):
    banned = {"crawler", "scrapy", "twisted", "trafilatura"} & imported_modules(path)
    assert not banned, f"{path.relative_to(ROOT)} imports {banned}"


# The Scrapy adapters: the top-level modules of crawler/ (the Scrapy project's usual shape), its spiders/ folder and
# its middlewares/ package (one module per concern since stop 42, where one middlewares.py had reached 400 lines). Every module in crawler's stage packages (crawler/<stage>/) stays plain. Checked by folder, never by
# file name, so a stage module that shares an adapter's name (crawler/scheduling/recrawl.py and
# crawler/spiders/recrawl.py) is still checked.
ADAPTER_FOLDERS = {Path("crawler"), Path("crawler/spiders"), Path("crawler/middlewares")}


@pytest.mark.parametrize("path", sorted((ROOT / "crawler").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_scrapy_stays_in_the_adapters(path):
    if path.relative_to(ROOT).parent in ADAPTER_FOLDERS:
        return
    banned = {"scrapy", "twisted"} & imported_modules(path)
    assert not banned, f"{path.relative_to(ROOT)} imports {banned}; put the logic in a plain module"


@pytest.mark.parametrize("name", [n for n in dir(defaults) if n.isupper()])
def test_every_setting_is_documented(name):
    assert re.search(rf"`{name}`", README), f"setting {name} is not documented in README.md"


def test_quick_start_has_two_commands():
    block = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert "newsarchive demo" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].split("#")[0].strip() in ci


@pytest.mark.parametrize("path", sorted([*(ROOT / "archive").rglob("*.py"), *(ROOT / "crawler").rglob("*.py")]),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_public_functions_and_classes_have_docstrings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path.relative_to(ROOT)} has no module docstring"
    # module-level functions and classes, and the methods of those classes (nested helpers are private)
    nodes = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    nodes += [m for c in nodes if isinstance(c, ast.ClassDef) for m in c.body
              if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    for node in nodes:
        if not node.name.startswith("_"):
            assert ast.get_docstring(node), f"{path.relative_to(ROOT)}:{node.lineno} {node.name} has no docstring"


# --- guards (issue 9): ruff, module size, the shape of crawler/ --------------------------------------------------

def ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m ruff check`` with ``args`` in ``cwd`` (the project's configuration, or a copy of it)."""
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_ruff_is_clean():
    result = ruff(".")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_ruff_bans_scrapy_outside_the_adapters_and_more_in_archive(tmp_path):
    """The banned-api rule fires where the layering says it must, and only there (on a copy of the config)."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "archive").mkdir()
    shutil.copy(ROOT / "archive" / "ruff.toml", tmp_path / "archive" / "ruff.toml")
    files = {
        "crawler/settings.py": "import scrapy",  # an adapter
        "crawler/spiders/news.py": "from twisted.internet import reactor",  # an adapter
        "crawler/extraction/article.py": "import trafilatura",  # extraction is where trafilatura belongs
        "crawler/extraction/dates.py": "import scrapy",
        "crawler/web/datasette/plugin.py": "from twisted.python.failure import Failure",
        "archive/warc/reader.py": "import trafilatura",
        "archive/catalogue/db.py": "from crawler.items import PageItem",
        "archive/errors.py": "from scrapy.http import Response",
        "tests/test_x.py": "import scrapy",
    }
    for name, line in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'"""A module."""\n\n{line}\n\n__all__ = [{line.split()[-1]!r}]\n', encoding="utf-8")
    result = ruff("--select", "TID251", "--output-format", "json", ".", cwd=tmp_path)
    flagged = {Path(v["filename"]).relative_to(tmp_path).as_posix() for v in json.loads(result.stdout)}
    assert flagged == {"crawler/extraction/dates.py", "crawler/web/datasette/plugin.py", "archive/warc/reader.py",
                       "archive/catalogue/db.py", "archive/errors.py"}, result.stdout


MAX_LINES = 400


@pytest.mark.parametrize("path", sorted([*(ROOT / "archive").rglob("*.py"), *(ROOT / "crawler").rglob("*.py")]),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_under_400_lines(path):
    name = path.relative_to(ROOT).as_posix()
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by concern (STYLE.md rule 1)"


# The top level of crawler/ is the Scrapy project in its usual shape, plus the resolver Scrapy loads by name
# (TWISTED_DNS_RESOLVER) and the runner that starts crawls. A new plain module goes into a stage package.
SCRAPY_PROJECT_MODULES = {"__init__", "settings", "items", "middlewares", "pipelines", "extensions", "netguard",
                          "resolver", "runner"}


def test_crawler_top_level_holds_only_the_scrapy_project():
    modules = {p.stem for p in (ROOT / "crawler").glob("*.py")}
    assert modules <= SCRAPY_PROJECT_MODULES, f"move {sorted(modules - SCRAPY_PROJECT_MODULES)} into a stage package"
    packages = [p for p in (ROOT / "crawler").iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert all((p / "__init__.py").exists() for p in packages), packages


# All SQL lives in the catalogue package (archive/catalogue/): elsewhere a query is a call to a named catalogue
# function. Caught: an SQL statement in a string literal (docstrings aside), a query call or a table subscript on a
# database handle (db, conn, cursor, x.db), and sqlite3.connect. tests/ and benchmarks/ build their own fixtures.
SQL_STATEMENT = re.compile(
    r"\bselect\b[\s\S]+?\bfrom\s+[\w\[\"(]|\binsert\s+(or\s+\w+\s+)?into\b|\bupdate\s+[\w\[\"]+\s+set\b"
    r"|\bdelete\s+from\b|\bcreate\s+(table|index|view|trigger)\b|\bpragma\s+\w+", re.IGNORECASE)
QUERY_CALLS = {"execute", "executemany", "executescript", "query", "rows_where", "count_where"}
DB_HANDLE_NAMES = {"db", "conn", "connection", "cursor"}
# TEMPORARY, empty it once the capture path is done: files being written by another engineer at the same time,
# whose SQL is to move into archive/catalogue/ (crawler/capture/apply.py: the local writer's batch apply).
SQL_PENDING_ELSEWHERE: set[str] = set()


def _is_db_handle(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id in DB_HANDLE_NAMES) or (
        isinstance(node, ast.Attribute) and node.attr in DB_HANDLE_NAMES)


def sql_outside_the_catalogue(path: Path) -> list[str]:
    """Where ``path`` holds SQL or runs a query itself, as ``line: what``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    docstrings |= {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}  # seen whole
    found = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
        elif isinstance(node, ast.JoinedStr):  # an f-string: its literal parts, a placeholder for each value
            text = "".join(v.value if isinstance(v, ast.Constant) else " x " for v in node.values)
        if text and SQL_STATEMENT.search(text):
            found.append(f"{node.lineno}: SQL {text.strip()[:60]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in QUERY_CALLS and _is_db_handle(node.func.value):
                found.append(f"{node.lineno}: .{node.func.attr}() on a database handle")
            elif node.func.attr == "connect" and isinstance(node.func.value, ast.Name) and node.func.value.id == "sqlite3":
                found.append(f"{node.lineno}: sqlite3.connect()")
        elif isinstance(node, ast.Subscript) and _is_db_handle(node.value):
            found.append(f"{node.lineno}: a table by subscript on a database handle")
    return sorted(found, key=lambda s: int(s.split(":")[0]))


def test_the_sql_guard_sees_sql(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Doc: select x from y is prose here."""\n'
                      'def f(catalogue, conn, n):\n'
                      '    """Delete from the list."""\n'
                      '    catalogue.db["crawls"].get(1)\n'
                      '    conn.execute(f"update t set a = {n}")\n'
                      '    return "delete it, or re-crawl the article it came from"\n', encoding="utf-8")
    assert [f.split(":")[0] for f in sql_outside_the_catalogue(sample)] == ["4", "5", "5"]


@pytest.mark.parametrize("path", sorted(p for base in ("archive", "crawler") for p in (ROOT / base).rglob("*.py")
                                        if p.relative_to(ROOT).parts[:2] != ("archive", "catalogue")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_lives_in_the_catalogue_package(path):
    rel = path.relative_to(ROOT).as_posix()
    found = sql_outside_the_catalogue(path)
    if rel in SQL_PENDING_ELSEWHERE:
        pytest.skip(f"{rel}: SQL still being moved into archive/catalogue/ ({len(found)} places)")
    assert not found, f"{rel} holds SQL; move it into a named function of archive/catalogue/: {found}"
