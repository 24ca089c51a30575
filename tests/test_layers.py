"""The pipeline's layers import only the layers below them (SPEC §9): no import circle, at the level
of files and at the level of the packages (`facts/`, `cache/`, `engine/`, …) taken as one unit each.

Every import statement counts, those inside functions too: a lazy import (`parse.py` imports the
Python extractor the first time a Python file is parsed) is still an arrow between two layers.
Imports under `if TYPE_CHECKING:` do not run and are left out.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import crashlint

PACKAGE = Path(crashlint.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


@functools.lru_cache(maxsize=1)  # both checks read the same graph (each parse of every module: 3-7 s)
def import_graph() -> dict[str, set[str]]:
    """crashlint module → the crashlint modules it imports (anywhere in its body); the caller must
    not change it."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if getattr(node, "lineno", 0) in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                # the longest crashlint module the name starts with (`from crashlint.facts import model`)
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "crashlint":
                    graph[name].add(target)
    return graph


def unit_of(module: str) -> str:
    """A subpackage is one unit (`crashlint.facts.codec` → `crashlint.facts`); a module is its own."""
    parts = module.split(".")
    if len(parts) > 2 and (PACKAGE / parts[1]).is_dir():
        return ".".join(parts[:2])
    return module


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of the graph as a list of nodes (first == last), or [] when it has none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_no_import_circle_between_modules() -> None:
    graph = import_graph()
    # a package's __init__ that hands names on imports its own modules; those importing a sibling
    # through the package is not a circle of layers, so the package's face is left out here
    faces = {m for m in graph if (PACKAGE / Path(*m.split(".")[1:]) / "__init__.py").exists()}
    inner = {m: {t for t in targets if t not in faces} for m, targets in graph.items() if m not in faces}
    assert find_cycle(inner) == []


def test_no_import_circle_between_layers() -> None:
    units: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        unit = unit_of(module)
        units.setdefault(unit, set()).update(unit_of(t) for t in targets if unit_of(t) != unit)
    assert find_cycle(units) == []


def test_the_checks_find_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []
    assert unit_of("crashlint.facts.codec") == "crashlint.facts"
    assert unit_of("crashlint.parse") == "crashlint.parse"
