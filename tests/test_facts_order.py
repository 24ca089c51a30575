"""Facts do not depend on the order of tree-sitter's capture lists, which is not document order for
every pattern and was seen to differ between processes (dynamic imports, Python decorators): the
extractors read those captures by position, so a serial scan, the workers and the cache agree."""

from __future__ import annotations

from crashlint.parse import parse_source


def test_dynamic_imports_are_in_document_order() -> None:
    source = "\n".join(f'const m{i} = await import("./mod{i}");' for i in range(12)).encode()
    facts = parse_source("a.ts", "typescript", source).facts
    assert [m for m in facts.imports if m.startswith("./mod")] == [f"./mod{i}" for i in range(12)]


def test_python_decorators_are_in_document_order() -> None:
    source = "\n".join(f"@app.task\ndef t{i}():\n    pass\n" for i in range(12)).encode()
    facts = parse_source("a.py", "python", source).facts
    lines = [scope for scope, _ in facts.decorators]
    assert lines == sorted(lines) and len(lines) == 12
