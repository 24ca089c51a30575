"""The Python fix planner's positions (fix.python.Positions) are libcst's PositionProvider's, computed
one top-level statement at a time, and a statement fix spliced into the text is the whole module's
rewrite (issue 13: the fix planner, which runs on every scan, printed and tracked whole modules)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from crashlint.fix import python as fix_python

FIXTURES = sorted(Path(__file__).parent.glob("fixtures/**/*.py"))
# what the layout must count as libcst does: \r and \r\n line breaks, no final line break, a header
# and a footer of comments, tabs, a form feed, statements sharing a line, nested blocks
EDGES = [
    "",
    "\n",
    "# c\n\nx = 1",
    "x = 1\r\ny = f(a)\r\n",
    "x = 1\ry = f(\r a)\r",
    "#!/usr/bin/env python\n# hdr\n\nimport os\n\n\ndef f():\n\treturn g(1,\n\t\t2)\n# tail\n",
    "if a:\n    b()\nelse:\n    c()\n# end",
    "x = 1; y = f()  # c\n\x0c\nclass A:\n    def m(self):\n        return self.x()\n",
    "if a():\n    b()\nelif c(d()):\n    if e:\n        pass\n    elif f():\n        g()\nelse:\n    h()\n",
    "class A:\n\tdef m(self):\n\t\tif x:\n\t\t\treturn y(1)\n\t\ttry:\n\t\t\tz()\n\t\texcept E:\n\t\t\tw()\n",
    'r = redis.Redis()\n\n\n@app.get("/")\nasync def h():\n    s = (\n        requests.get(u)\n    )\n    return s\n',
]


def _sources() -> list[tuple[str, str]]:
    found = [(f"edge {i}", text) for i, text in enumerate(EDGES)]
    for path in FIXTURES:
        try:
            found.append((str(path), path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return found


def _descendants(nodes) -> set[int]:
    seen: set[int] = set()

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            seen.add(id(node))
            return True

    for node in nodes:
        node.visit(Collect())
    return seen


@pytest.mark.parametrize(("name", "text"), _sources(), ids=[name for name, _ in _sources()])
def test_positions_are_the_providers(name: str, text: str) -> None:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        pytest.skip("not Python 3 libcst parses")
    provider = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    outside = _descendants([*module.header, *module.footer]) | {id(module)}
    expected = [(node, where) for node, where in provider.items() if id(node) not in outside]
    # asked statement by statement from the last, and by node: the same positions
    positions = fix_python.Positions(module)
    for statement in reversed(module.body):
        assert positions[statement] == provider[statement]
    assert sorted(map(id, dict(positions.nodes(None)))) == sorted(id(node) for node, _ in expected)
    assert all(positions[node] == where for node, where in expected)
    # asked all at once: the provider's order too
    assert fix_python.Positions(module).nodes(None) == expected
    # a call's positions alone: those of the innermost statement of a block whose printing holds it
    calls = [(node, where) for node, where in expected if isinstance(node, cst.Call)]
    for node, where in calls[:: max(1, len(calls) // 20)]:
        alone = fix_python.Positions(module)
        key = (where.start.line, where.start.column, where.end.line, where.end.column)
        computed = dict(alone.nodes(where.start.line, key)) or dict(alone.nodes(where.start.line))
        assert computed[node] == where
        assert all(provider[other] == found for other, found in computed.items())
    # the layout's offsets are where each statement's text starts in the module's code
    code = module.code
    for i, statement in enumerate(module.body):
        start, end = positions.offsets[i], positions.offsets[i + 1]
        if i + 1 < len(module.body) or module.has_trailing_newline:
            assert code[start:end] == module.code_for_node(statement)


SPLICED = [
    ("import redis\n\n# a comment\nr = redis.Redis()\n\n\nclass C:\n    def m(self):\n"
     "        self.c = redis.Redis()  # keep\n        return 1\n\n\ndef f():\n    x = redis.Redis(\n        host='h',\n    )\n", 3, 1),
    # deeper: blocks in a method, a tab-indented class, a comment line and a blank line above the
    # statement, a decorated method, a statement sharing its line (no fix: not its own assignment)
    ("class A:\n\tdef m(self):\n\t\tif x:\n\n\t\t\t# why\n\t\t\tc = redis.Redis()\n\t\telse:\n\t\t\twith o:\n"
     "\t\t\t\td = redis.Redis(); e = 1\n\t@property\n\tdef p(self):\n\t\tq = redis.Redis()\n", 2, 2),
]


@pytest.mark.parametrize(("text", "count", "narrowed"), SPLICED)
def test_a_statement_fix_spliced_is_the_whole_modules_rewrite(monkeypatch, text: str, count: int, narrowed: int) -> None:
    """The rewrite of the one statement holding the call's block (the top-level statement, or the
    innermost nested one: `Module._rewritten_inside`), spliced into the text, is the rewrite of the
    whole module: at the top level, in a function, in a class's method, in blocks nested in one."""
    inside = fix_python.Module._rewritten_inside
    used = []

    def spy(self, *args):
        found = inside(self, *args)
        used.append(found is not None)
        return found

    monkeypatch.setattr(fix_python.Module, "_rewritten_inside", spy)
    module = fix_python.Module(text)
    spliced = 0
    for node, where in fix_python.Positions(module.module).nodes(None):
        if not isinstance(node, cst.Call):
            continue
        anchor = (where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)
        fix = fix_python.PythonFix(statement_after="log(x)")
        call = module.call_at(anchor)
        whole = fix_python._Rewrite(call, fix)
        try:
            expected = module.module.visit(whole).code
        except fix_python.NoFix:
            continue
        alone = fix_python._Rewrite(call, fix)
        assert module.rewritten(call, alone) == expected
        assert alone.done == whole.done
        spliced += 1
    assert spliced == count
    assert sum(used) == narrowed
