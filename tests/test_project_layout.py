"""Project rules that code review alone would miss: layering, documented settings, docstrings."""

from __future__ import annotations

import ast
import re
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


# The Scrapy adapters: the top-level modules of crawler/ (the Scrapy project's usual shape) and its spiders/
# folder. Every module in crawler's stage packages (crawler/<stage>/) stays plain. Checked by folder, never by
# file name, so a stage module that shares an adapter's name (crawler/scheduling/recrawl.py and
# crawler/spiders/recrawl.py) is still checked.
ADAPTER_FOLDERS = {Path("crawler"), Path("crawler/spiders")}


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
