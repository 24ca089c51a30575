"""Issue 16, item 4: every code block of the Markdown report is code. Each fixture project and file
(tests/fixtures/CL*/, all rules enabled) and both examples are rendered with `--format markdown`,
and every fenced block whose info string names a language is parsed with that language's
tree-sitter grammar: no ERROR and no MISSING node anywhere in the tree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crashlint import __version__
from crashlint.languages import parser
from crashlint.report import FORMATTERS, ReportInput
from crashlint.scan import scan
from helpers import EXAMPLE, ROOT

FIXTURES = Path(__file__).parent / "fixtures"
FENCE_GRAMMAR = {"typescript": "typescript", "tsx": "tsx", "javascript": "javascript", "python": "python"}
OPEN = re.compile(r"^(`{3,})([A-Za-z]*)$")


def fenced_blocks(markdown: str) -> list[tuple[str, str]]:
    """(info string, content) of every fenced block, CommonMark-style: a fence closes at a line of
    backticks at least as long as its opener."""
    blocks, lines, i = [], markdown.split("\n"), 0
    while i < len(lines):
        m = OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info, body, i = m.group(1), m.group(2), [], i + 1
        while i < len(lines) and not (lines[i].startswith(fence) and set(lines[i]) == {"`"}):
            body.append(lines[i])
            i += 1
        blocks.append((info, "\n".join(body)))
        i += 1
    return blocks


def parse_errors(grammar: str, code: str) -> list[str]:
    """The ERROR / MISSING nodes of `code`, as 'line:col kind' strings."""
    tree = parser(grammar).parse(code.encode("utf-8"))
    found: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append(f"{node.start_point[0] + 1}:{node.start_point[1] + 1} {'MISSING ' + node.type if node.is_missing else 'ERROR'}")
            continue
        if node.has_error:
            stack.extend(node.children)
    return sorted(found)


def _units() -> list[Path]:
    units = []
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and re.fullmatch(r"CL\d{3}", p.name)):
        units += [e for e in sorted(rule_dir.iterdir()) if e.is_file() and ".fixed." not in e.name
                  and e.suffix in (".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".py")]
        projects = rule_dir / "projects"
        if projects.is_dir():
            units += sorted(p for p in projects.iterdir() if p.is_dir())
    return units + [EXAMPLE, ROOT / "examples" / "python-service"]


UNITS = _units()


def _report(unit: Path) -> str:
    result = scan([str(unit)], fixes=({}, False))
    data = ReportInput(result.findings, result.notes, result.rules, result.files_scanned, result.sources, __version__)
    return FORMATTERS["markdown"](data, False)


@pytest.mark.parametrize("unit", UNITS, ids=[str(u.relative_to(ROOT)) for u in UNITS])
def test_every_code_block_of_the_report_parses(unit: Path) -> None:
    report = _report(unit)
    problems = []
    for info, code in fenced_blocks(report):
        if info in ("", "mermaid"):
            continue  # mermaid: tests/test_mermaid.py
        assert info in FENCE_GRAMMAR, f"unknown fence language {info!r}"
        errors = parse_errors(FENCE_GRAMMAR[info], code)
        if errors:
            problems.append(f"```{info} block does not parse ({', '.join(errors[:3])}):\n{code}")
    assert not problems, "\n\n".join(problems)


def test_the_checker_catches_a_truncated_first_line() -> None:
    """The very snippets issue 16 quotes: a stack of statement heads is not code."""
    assert parse_errors("typescript", 'const workerExtraction = new Worker(\nconst worker = new Worker(')
    assert parse_errors("typescript", 'await r2.send(')
    assert not parse_errors("typescript", 'const worker = new Worker("q", async (job) => {\n  // …\n});')
    assert fenced_blocks("a\n````ts\n```\nx\n````\n") == [("ts", "```\nx")]


@pytest.mark.parametrize(("rule_id", "item"), [
    ("CL006", {"subject": "this.client", "callee": "client-cloudwatch.CloudWatchClient", "library": "aws-sdk-v3"}),
    ("CL008", {"subject": "axios.create()", "library": "axios instance", "call": "axios.create()", "nargs": "0"}),
    ("CL008", {"subject": "this.http", "library": "axios instance", "call": "axios.create({…})", "nargs": "1"}),
])
def test_fix_templates_write_code_for_subjects_that_are_not_variables(rule_id: str, item: dict) -> None:
    """Found on novu: `export const this.client = …` and `axios.create() = axios.create(…)`."""
    from crashlint.rulepack import load_rules
    from crashlint.templating import render

    rule = next(r for r in load_rules() if r.id == rule_id)
    base = {"missing": [], "path": "a.ts", "line": 1, "case": "", "client": "", "increment": "", "app": "app", "server": ""}
    code = render(rule.fix_template("typescript"), findings=[{**base, **item}], ts=True)
    assert not parse_errors("typescript", code), code


@pytest.mark.parametrize("language", ["typescript", "python"])
def test_redis_fix_template_names_a_client_that_has_no_name(language: str) -> None:
    """`Queue(connection=Redis())`: the template wrote `Redis() = Redis(…)` and `Redis().close()`,
    which tree-sitter's Python grammar accepts but Python does not (CPython: "cannot assign to
    function call"); an unnamed client is given a name first, and that name is closed."""
    import ast

    from crashlint.rulepack import load_rules
    from crashlint.templating import render

    rule = next(r for r in load_rules() if r.id == "CL001")
    subject = "new Redis()" if language == "typescript" else "Redis()"
    findings = [{"subject": subject, "callee": "Redis", "library": "redis", "path": "a", "line": 1,
                 "missing": ["error-listener", "socket-timeout", "socket-connect-timeout", "close"]},
                {"subject": "cache", "callee": "Redis", "library": "redis", "path": "a", "line": 2,
                 "missing": ["error-listener", "socket-timeout", "close"]}]
    code = render(rule.fix_template(language), findings=findings, ts=language == "typescript")
    assert not parse_errors(language, code), code
    if language == "python":
        ast.parse(code)  # CPython's own grammar: no assignment to a call
        assert "redis_client1 = Redis(" in code and "redis_client1.close()" in code and "cache.close()" in code
    else:
        assert "const redisClient1 = new Redis();" in code and "await redisClient1.quit();" in code
        assert "new Redis().on(" not in code and "await cache.quit();" in code
