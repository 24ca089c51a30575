"""The Python fix planner's positions (fix.python.Positions) are libcst's PositionProvider's, computed
one top-level statement at a time, and a statement fix spliced into the text is the whole module's
rewrite (issue 13: the fix planner, which runs on every scan, printed and tracked whole modules)."""

from __future__ import annotations

import ast
import re
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
        whole = fix_python._Rewrite(module.call_at(anchor, whole=True), fix)
        try:
            expected = module.module.visit(whole).code
        except fix_python.NoFix:
            continue
        call = module.call_at(anchor)  # in its slice of the module
        alone = fix_python._Rewrite(call, fix)
        assert module.rewritten(call, alone) == expected
        assert alone.done == whole.done
        spliced += 1
    assert spliced == count
    assert sum(used) == narrowed


def _whole_module_answers(text: str) -> tuple:
    """The header answers as the planner gave them from libcst's parse of the whole module (before
    it read them from Python's parse): top-level names, where the leading imports end (the line
    after which a fix's imports go), each import's local name and line, the module's indentation."""
    module = cst.parse_module(text)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    names, imports, leading = set(), {}, 0
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)):
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                    names.update(t.value for t in targets if isinstance(t, cst.Name))
                if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        bound = module.code_for_node(alias.asname.name if alias.asname else alias.name)
                        names.add(bound.split(".")[0])
                        imports.setdefault(module.code_for_node(alias.name), positions[statement].end.line)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
    for position, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body[0]
        docstring = position == 0 and len(statement.body) == 1 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
        if docstring or all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body):
            leading = positions[statement].end.line
        else:
            break
    return names, leading, imports, module.default_indent


def _sliced_answers(module: fix_python.Module) -> tuple:
    groups = module._groups
    at = fix_python._leading_end(groups)
    imports = {}
    for group in groups:
        for small in group:
            if isinstance(small, (ast.Import, ast.ImportFrom)):
                for alias in small.names:
                    if alias.name != "*":
                        name = alias.name if isinstance(small, ast.Import) else alias.name
                        imports.setdefault(name, group[-1].end_lineno)
    return module.top_level_names(), groups[at - 1][-1].end_lineno if at else 0, imports, module._default_indent()


@pytest.mark.parametrize(("name", "text"), _sources(), ids=[name for name, _ in _sources()])
def test_the_sliced_planner_is_the_whole_modules(name: str, text: str) -> None:
    """Python's parse answers what the fix planner asks of the whole module as libcst's parse of it
    did, and every fix made in a slice of the module (the innermost function or class holding the
    call) is the fix made on the whole module: a keyword added, a statement added after the call's,
    for every call of every fixture."""
    try:
        module = fix_python.Module(text)
        reference = _whole_module_answers(text)
    except (SyntaxError, cst.ParserSyntaxError):
        return
    if re.search("\r(?!\n)", text):  # a lone \r: Python and libcst count lines alike, the planner's line table does not
        return
    assert _sliced_answers(module) == reference
    # (a replaced statement takes the path of an added one: `Module.rewritten`)
    fixes = [fix_python.PythonFix(keywords={"timeout": "5"}), fix_python.PythonFix(statement_after="log(x)")]
    for node, where in fix_python.Positions(module.module).nodes(None):
        if not isinstance(node, cst.Call):
            continue
        line = module.lines[where.start.line - 1]
        end_line = module.lines[where.end.line - 1]
        anchor = (where.start.line, len(line[: where.start.column].encode()) + 1,
                  where.end.line, len(end_line[: where.end.column].encode()) + 1)
        for fix in fixes:
            try:
                expected = fix_python._applied(module, module.call_at(anchor, whole=True), fix)
            except (fix_python.NoFix, fix_python._Unsliced):
                expected = None
            try:
                got = fix_python.apply(module, anchor, fix)[0]
            except fix_python.NoFix:
                got = None
            assert got == expected, (name, where.start.line, fix)


def test_a_fix_is_planned_without_parsing_the_whole_module_with_libcst() -> None:
    """libcst parses only the function or class holding the call (and, for one at the top level,
    its statement): a module of 300 functions and a class costs the planner one small parse."""
    body = "".join(f"def f{i}(u):\n    return requests.get(u, params={{'i': {i}}})\n\n\n" for i in range(300))
    text = ("import requests\nimport redis\n\nTIMEOUT = 5\n\n\n" + body +
            "class Jobs:\n    def __init__(self):\n        if True:\n            self.r = redis.Redis()\n"
            "            self.s = requests.post(URL,\n                data=1)\n\n\n# the client\ndef g():\n    c = redis.StrictRedis()\n    return c\n")
    calls = {module_text_of(text, where): where for node, where in fix_python.Positions(cst.parse_module(text)).nodes(None)
             if isinstance(node, cst.Call)}
    module = fix_python.Module(text)
    for needle, fix in (("requests.get(u, params={'i': 150}", fix_python.PythonFix(keywords={"timeout": "TIMEOUT"})),
                        ("redis.Redis()", fix_python.PythonFix(statement_after="atexit.register(self.r.close)")),
                        ("requests.post(URL", fix_python.PythonFix(keywords={"timeout": "TIMEOUT"})),
                        ("redis.StrictRedis()", fix_python.PythonFix(statement_after="atexit.register(c.close)"))):
        where = next(where for code, where in calls.items() if code.startswith(needle))
        anchor = (where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)  # ASCII: bytes are characters
        code, inserts = fix_python.apply(module, anchor, fix)
        assert code != text and inserts == []
    assert module._whole is None
    assert len(module._slices) == 3  # f150, Jobs.__init__ and g


def module_text_of(text: str, where) -> str:
    lines = text.split("\n")
    if where.start.line == where.end.line:
        return lines[where.start.line - 1][where.start.column:where.end.column]
    return "\n".join([lines[where.start.line - 1][where.start.column:], *lines[where.start.line:where.end.line - 1],
                      lines[where.end.line - 1][:where.end.column]])


def test_a_function_in_an_elif_is_sliced() -> None:
    text = "import redis\nif a:\n    pass\nelif b:\n    def f():\n        r = redis.Redis()\n        return r\n"
    module = fix_python.Module(text)
    code, _ = fix_python.apply(module, (6, 13, 6, 26), fix_python.PythonFix(statement_after="log(r)"))
    assert code == text.replace("redis.Redis()\n", "redis.Redis()\n        log(r)\n")
    assert module._whole is None
