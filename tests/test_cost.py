"""What a finding costs (issue 13: SPEC §7 'a finding costs microseconds, not milliseconds'):
reports written in one pass, start-up importing only what the command uses, fixes planned on the
trees already parsed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crashlint.report import text as text_report

ANSI = re.compile(r"\x1b\[[0-9;]*m")
STYLES = st.sampled_from(["", "bold", "blue", "bold red", "cyan", "dim", "magenta", "yellow"])
# printable text with what rich treats specially: tabs, control codes, wide and combining characters
CHARS = st.text(alphabet=st.sampled_from(list("ab :|^\t\r\x07\x08\x0b\x0c\x1b[]\n") + ["💥", "日", "é", "\u0301", "\u2028"]), max_size=12)
LINES = st.lists(st.tuples(CHARS, STYLES, st.lists(st.tuples(CHARS, STYLES), max_size=3)), max_size=6)


def _rich_line_by_line(lines, color: bool) -> str:
    """The text report as it was printed before: one rich print per line."""
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, color_system="standard" if color else None,
                      width=10_000, highlight=False, soft_wrap=True)
    for first, style, parts in lines:
        line = Text(first, style=style)
        for part, part_style in parts:
            line.append(part, style=part_style or None)
        console.print(line)
    return buffer.getvalue()


@settings(max_examples=300, deadline=None)
@given(LINES, st.booleans())
def test_the_text_report_prints_as_rich_printed_it_line_by_line(lines, color) -> None:
    out = []
    for first, style, parts in lines:
        line = text_report.Text(first, style=style)
        for part, part_style in parts:
            line.append(part, part_style)
        out.append(line)
    printed, before = text_report._print(out, color), _rich_line_by_line(lines, color)
    if color and any(c in repr(lines) for c in ("\\r", "\\x07", "\\x08", "\\x0b", "\\x0c")):
        # a control code rich drops can leave an empty styled piece, where one print of the whole
        # report joins two runs of one style that line-by-line printing closed and reopened
        assert ANSI.sub("", printed) == ANSI.sub("", before)
    else:
        assert printed == before


# template texts: plain text, names jinja2 substitutes, and everything that must go through jinja2
PIECES = st.sampled_from(["a", " ", "\n", "\r\n", "{", "}", "{{ subject }}", "{{subject}}", "{{  library  }}", "{{ missing }}",
                          "{{ none }}", "{{ subject | upper }}", "{% if subject %}x{% endif %}", "{# c #}", "{{- subject -}}",
                          "{{ count }}", "{{ labels }}", "`", "'", "\t", "{{ labels | join(', ') }}", '{{labels|join(" / ")}}',
                          "{{ subject | join('') }}", "{{ count | join(',') }}", "{{ missing | join(', ') }}",
                          "{{ labels | join('{') }}", "{{ labels | join(', ', 'x') }}", "{{ labels | join }}",
                          # if blocks: on one line without jinja2 (plain conditions), the others through it
                          "{% if returned %}", "{% if not returned %}", "{%if count%}", "{% elif '(' in subject %}",
                          "{% if 'x' not in subject %}", "{% elif library == 'ioredis' %}", '{% if library != "" %}',
                          "{% else %}", "{% endif %}", "{%- if returned %}", "{% if none %}", "{% if returned is true %}",
                          "{% elif %}", "{% endif x %}", "{% if 'a' in count %}", "{% for x in labels %}", "{% endfor %}",
                          "{% if missing %}"])
VALUES = st.fixed_dictionaries({"subject": st.text(max_size=5), "library": st.sampled_from(["ioredis", "", " x "]),
                                "returned": st.booleans(),
                                "count": st.integers(-3, 3), "labels": st.lists(st.text(max_size=3), max_size=2)})


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join), VALUES)
# found by hypothesis in CI (0a2d350): a `{` before a tag makes jinja2's lexer read `{{` and refuse it
@example("{{% if subject %}x{% endif %}",
         {"subject": "", "library": "ioredis", "returned": False, "count": 0, "labels": []})
@example("a{{% if returned %}x{% endif %}",
         {"subject": "s", "library": "", "returned": True, "count": 1, "labels": ["a"]})
def test_a_template_renders_as_jinja2_renders_it(template, values) -> None:
    """render() fills in `{{ name }}` and `{{ name | join(sep) }}` templates, and one-line `if` blocks
    on plain conditions, without jinja2: the same text, the same errors."""
    import jinja2

    from crashlint.templating import _environment, render

    try:
        expected = _environment().from_string(template).render(**values).strip()
    except (jinja2.TemplateError, TypeError) as exc:  # TypeError: a join of a value that is not iterable
        with pytest.raises(type(exc)):
            render(template, **values)
        return
    assert render(template, **values) == expected


def test_a_one_file_scan_imports_none_of_the_heavy_modules(tmp_path) -> None:
    """Issue 13, start-up: a plain scan of one TypeScript file loads no fix planner (libcst), no
    templates (jinja2), no rich, no formatter it does not print with, and not pydantic (typer 0.29
    coerces every parameter through it: pyproject holds typer below 0.29)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    try:
        from findings_cost import HEAVY, imported_modules
    finally:
        sys.path.pop(0)
    (tmp_path / "x.ts").write_text("const a = 1;\n")
    assert "pydantic" in HEAVY
    assert imported_modules([sys.executable, "-m", "crashlint"], tmp_path) == []


class _Lines:
    """A SourceCache of made-up lines: line n of any file is LINES_OF[n % len]."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines or [""]

    def line(self, path: str, number: int) -> str:
        return self.lines[number % len(self.lines)]


TEXTS = st.text(alphabet=st.sampled_from(list("ab :|^`\t\r\x07\x1b[]") + ["💥", "日", "é", "…"]), max_size=8)


@st.composite
def _report_inputs(draw):
    from crashlint.findings import Finding, Fix, Location, Note, Related
    from crashlint.report.common import ReportInput, ReportOptions

    findings = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(1, 12))
        location = Location(draw(st.sampled_from(["a.ts", "src/b.py", "/elsewhere/c.js", "../d.ts"])), start,
                            draw(st.integers(1, 9)), start + draw(st.integers(0, 4)), draw(st.integers(1, 9)))
        fix = draw(st.none() | st.builds(lambda title, safe: Fix(title, safe, ()), TEXTS, st.booleans()))
        related = [Related(Location(draw(st.sampled_from(["a.ts", "e.ts"])), draw(st.integers(1, 99)), 1, 1, 1), draw(TEXTS))
                   for _ in range(draw(st.integers(0, 4)))]
        process = draw(st.sampled_from([(), ("api", "server", "src/main.ts", ""), ("w", "worker", "w.ts", "path")]))
        findings.append(Finding(draw(st.sampled_from(["CL001", "CL008"])), "slug", draw(st.sampled_from(["critical", "high", "medium", "low"])),
                                "title", "typescript", location, "subject", draw(TEXTS), draw(st.lists(TEXTS, max_size=2)),
                                related, fix=fix, process=process))
    notes = [Note(draw(st.sampled_from(["", "a.ts"])), draw(TEXTS), draw(st.integers(0, 3))) for _ in range(draw(st.integers(0, 2)))]
    options = ReportOptions(show_fixes=draw(st.booleans()), quiet=draw(st.booleans()))
    return ReportInput(findings, notes, [], draw(st.integers(0, 5)), _Lines(draw(st.lists(TEXTS, max_size=4))), "0",
                       root=draw(st.sampled_from(["", "/work/x"])), options=options, baselined=draw(st.integers(0, 2)),
                       new_since=draw(st.sampled_from([None, "main"])), known=draw(st.integers(0, 2)))


@settings(max_examples=300, deadline=None)
@given(_report_inputs())
def test_the_plain_text_report_is_the_styled_one_without_color(data) -> None:
    """Issue 13, cost per finding: without color the text report is made of plain strings, not of a
    Text per line; it prints exactly what the styled lines print (rich too, when a tab is left)."""
    assert text_report.render_text(data, False) == text_report._print(text_report._styled_lines(data, False), False)


def test_no_shutdown_is_planned_for_a_process_whose_findings_all_have_safe_fixes(tmp_path, monkeypatch) -> None:
    """Issue 13 item 6: without --unsafe-fixes the process's shutdown goes only to findings with no
    safe fix of their own, so a process of clients that each get a safe 'error' listener is not
    parsed again to plan one (3,000 such processes: 5 s of a cold scan); with --unsafe-fixes it is,
    and then the clients' fixes carry it."""
    import crashlint.fix.shutdown as shutdown
    from crashlint.scan import scan

    for i in range(3):
        (tmp_path / f"m{i}.ts").write_text(f'import Redis from "ioredis";\n\nexport const cache{i} = new Redis();\n')
    parsed: list[str] = []
    real = shutdown._parse
    monkeypatch.setattr(shutdown, "_parse", lambda root, path: parsed.append(path) or real(root, path))
    safe = scan([str(tmp_path)], cache_dir=None, fixes=({}, False)).findings
    assert [f.rule_id for f in safe] == ["CL001"] * 3
    assert all(f.fix is not None and f.fix.safe for f in safe) and parsed == []
    unsafe = scan([str(tmp_path)], cache_dir=None, fixes=({}, True)).findings
    assert sorted(parsed) == ["m0.ts", "m1.ts", "m2.ts"]
    assert all(f.fix is not None and not f.fix.safe and "cache" in f.fix.plan_title for f in unsafe)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["shutdown", "shutdown2", "a", "$b", "é", "x", "//", "'", '"', "`", " ", "\n", "=", ";",
                                 "(", ")", "{", "}", "/*", "*/", "1", ".", "const ", "#", "\\"]), max_size=30),
       st.sampled_from(["shutdown", "shutdown2", "a", "$b", "é", "x", "shuttingDown", "server"]),
       st.sampled_from(["t.ts", "j.js", "p.py"]))
def test_a_name_is_used_where_the_tree_walk_says(pieces, name, path) -> None:
    """`SourceFile.has_name` (a probe of the source's bytes first) answers as `name in names` (the
    walk of the tree), on any text, broken code included."""
    from crashlint.fix.shutdown import SourceFile
    from crashlint.languages import grammar_for, parser

    source = "".join(pieces).encode("utf-8")
    file = SourceFile(path, source, parser(grammar_for(path)).parse(source), ts=path.endswith(".ts"))
    assert file.has_name(name) == (name in file.names)


def test_the_filters_import_pathspec_only_for_per_path_ignores() -> None:
    """The commit path's discovery comes from the cache, so the filters were the one importer of
    pathspec left on it (35 ms): they import it only when `per-path-ignores` is configured."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from crashlint.config import Config\n"
        "from crashlint.filters import apply_filters\n"
        "from crashlint.project import Project\n"
        "apply_filters([], Project('.', []), Config())\n"
        "print('pathspec' in sys.modules)\n"
        "apply_filters([], Project('.', []), Config(per_path_ignores={'tests/**': ['CL001']}))\n"
        "print('pathspec' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.split() == ["False", "True"], out.stderr


@pytest.mark.parametrize("grammar", ["typescript", "tsx", "javascript"])
def test_a_js_file_is_walked_by_one_query(grammar, monkeypatch) -> None:
    """The extractor's facts, the reachability units' included, come from one query walk of the
    tree (issue 13: a second query of its own cost ~10 % of a cold scan of novu); the units are
    still read (a use at load, a unit's use, a whole-module require; an imported name read for one
    member is that member's use, `b.start`, taken from the same walk's captures, not `Node.parent`)."""
    import tree_sitter

    from crashlint.parse import parse_source

    walks = []
    real = tree_sitter.QueryCursor

    class Counting:  # QueryCursor cannot be subclassed: a wrapper that counts the walks
        def __init__(self, *args, **kwargs) -> None:
            self.cursor = real(*args, **kwargs)

        def captures(self, node, *args, **kwargs):
            walks.append(node)
            return self.cursor.captures(node, *args, **kwargs)

        def matches(self, node, *args, **kwargs):
            walks.append(node)
            return self.cursor.matches(node, *args, **kwargs)

        def __getattr__(self, name):
            return getattr(self.cursor, name)

    monkeypatch.setattr(tree_sitter, "QueryCursor", Counting)
    source = (b"const { a } = require('./a');\nconst b = require('./b');\n"
              b"function handler() { return a(); }\nb.start();\n")
    parsed = parse_source("x.js" if grammar == "javascript" else "x.tsx" if grammar == "tsx" else "x.ts", grammar, source)
    assert parsed.facts is not None
    assert len(walks) == 1
    assert parsed.facts.units == (("handler", 3, 3, ("a",)),)
    assert parsed.facts.load_uses == ("b.start",)
    assert parsed.facts.whole_loads == ("./b",)


def test_a_python_call_is_a_statement_of_its_own_as_the_tree_says() -> None:
    """A Python call's `used` (its value dropped when it is an expression statement's expression):
    read from the sweep's statement's children, not from `Node.parent`, which walks down from the
    root (issue 13: most assignments of a Python file asked it)."""
    from crashlint.parse import parse_source

    source = (b"x = f1()\nf2()\na3(), b3()\nf4()  # note\ng5(f5())\nif c:\n    f6()\n"
              b"y = [f7() for _ in z]\nf8().g8()\na9(), b9().c9()\nx.y = f10(); f11()\n"
              b"def h():\n    return f12()\nlambda: f13()\n")
    facts = parse_source("x.py", "python", source).facts
    assert facts is not None
    used = {call.callee[-1]: call.used for call in facts.calls if call.callee}
    assert used == {"f1": True, "f2": False, "a3": False, "b3": False, "f4": False, "g5": False, "f5": True,
                    "f6": False, "f7": True, "f8": True, "a9": False, "b9": True, "f10": True, "f11": False,
                    "f12": True, "f13": True}
    assert [c.used for c in facts.calls if c.method == "g8"] == [False]
    assert [c.used for c in facts.calls if c.method == "c9"] == [False]


def _what_a_mark_shows(findings) -> list:
    return [(f.rule_id, f.location.path, f.location.start_line, f.fix is None) if f.fix is None else
            (f.rule_id, f.location.path, f.location.start_line, f.fix.title, f.fix.safe, f.fix.resolves, f.fix.plan_title, f.fix.plan)
            for f in findings]


_MARK_FOLDERS = sorted({p.parent for p in (Path(__file__).parent / "fixtures").rglob("*") if p.suffix in (".ts", ".js", ".tsx", ".mjs", ".cjs")}
                       | {p for p in (Path(__file__).resolve().parents[1] / "examples").iterdir() if p.is_dir()})


@pytest.fixture(scope="module")
def mark_scans() -> list:
    """Each folder of `_MARK_FOLDERS` scanned once, no fix planned: the test below plans its fixes
    each way on a copy, as a warm scan plans a cached result's again (`scan._plan_fixes`), instead
    of four whole scans of each folder (55 s of the default suite at load 10)."""
    from crashlint.scan import scan

    return [(folder, scan([str(folder)], cache_dir=None)) for folder in _MARK_FOLDERS]


def _planned(base, fixes: tuple):
    """A copy of the scan `base` with its findings' fixes planned with `fixes`, as `scan(…, fixes=fixes)`
    plans them (`finish` → `_plan_fixes`, the files read from the disk)."""
    import copy

    from crashlint.scan import _plan_fixes

    result = copy.copy(base)
    result.findings = copy.deepcopy(base.findings)
    _plan_fixes(result, fixes)
    return result


@pytest.mark.parametrize("unsafe", [False, True])
def test_a_marked_fix_shows_what_the_planned_fix_shows(unsafe, mark_scans) -> None:
    """Issue 13, cost per finding: the text and Markdown reports ask for the JS/TS fixes' marks only
    (`fixes=(…, edits=False)`): no style read, no edit computed. Every finding of every fixture folder
    and example then has a fix exactly when the planned one has edits, with the same title, safety,
    needs resolved and process shutdown, and the same notes; the text report is byte for byte the same."""
    from crashlint.report.common import ReportInput, ReportOptions

    assert len(mark_scans) > 20
    marked_somewhere = 0
    for folder, base in mark_scans:
        planned = _planned(base, ({}, unsafe, True))
        marked = _planned(base, ({}, unsafe, False))
        assert _what_a_mark_shows(marked.findings) == _what_a_mark_shows(planned.findings), folder
        assert [(n.path, n.message) for n in marked.fix_notes] == [(n.path, n.message) for n in planned.fix_notes], folder
        assert all(f.fix.edits or f.fix.elsewhere for f in planned.findings if f.fix is not None and not f.fix.marked)
        marked_somewhere += sum(1 for f in marked.findings if f.fix is not None and f.fix.marked)

        def report(result) -> str:
            return text_report.render_text(ReportInput(findings=result.findings, notes=result.notes, rules=result.rules,
                                                       files_scanned=result.files_scanned, sources=result.sources, version="x",
                                                       root=result.root, options=ReportOptions(show_fixes=True)), False)

        assert report(marked) == report(planned), folder
    assert marked_somewhere > 20  # the check is not empty


def test_a_planned_copy_is_what_a_scan_with_fixes_plans(mark_scans) -> None:
    """`_planned` (the test above) stands for a scan asked for its fixes: on a few folders, both
    plans are the scan's own, field for field, and the same text report."""
    from crashlint.scan import scan

    checked = 0
    for folder, base in mark_scans:
        if not base.findings or checked >= 6:
            continue
        checked += 1
        for edits in (True, False):
            whole = scan([str(folder)], cache_dir=None, fixes=({}, True, edits))
            copied = _planned(base, ({}, True, edits))
            assert _what_a_mark_shows(copied.findings) == _what_a_mark_shows(whole.findings), folder
            assert [f.fix for f in copied.findings] == [f.fix for f in whole.findings], folder
            assert [(n.path, n.message) for n in copied.fix_notes] == [(n.path, n.message) for n in whole.fix_notes], folder
    assert checked == 6


def test_no_fix_title_reads_the_file_style() -> None:
    """A marked JS/TS fix renders its title without the file's quote and semicolon (they are not
    read: `_javascript_fixable`), and a statement's emptiness with a semicolon: no title of the pack
    reads them, and every statement inserted holds text of its own besides them."""
    from crashlint.fix.spec import autofixes
    from crashlint.rulepack import load_rules

    entries = [e for rule in load_rules() for e in autofixes(rule)]
    assert entries
    for entry in entries:
        markup = " ".join(re.findall(r"\{[{%](.*?)[}%]\}", entry.title, flags=re.S))
        assert not re.search(r"\b(q|semi)\b", markup), entry.title
        if entry.action == "statement_after":
            bare = re.sub(r"\{[{%#].*?[}%#]\}", "", entry.body, flags=re.S)
            assert bare.strip(), entry.body


def test_the_packs_one_line_if_templates_render_as_jinja2_renders_them() -> None:
    """Every problem text and message of the pack that render() fills in without jinja2 (one line,
    `if` blocks on plain conditions) gives jinja2's text for every combination of the values its
    conditions read; and CL001's problem text, in every scan with a Redis finding, is one of them."""
    import itertools
    import re

    from crashlint.scan import rule_pack
    from crashlint.templating import _program, compiled, render

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    texts = {text for rule in rule_pack() for text in (rule.message, *strings(rule.data)) if "{%" in text}
    fast = [text for text in sorted(texts) if _program(text) is not None]
    assert any("is created once and never closed ({% if returned %}" in text for text in fast)
    choices = ["", "client", "new Redis()", "next", "a(b)"]
    for text in fast:
        names = sorted(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", " ".join(re.findall(r"\{[{%](.*?)[}%]\}", text))))
                       - {"if", "elif", "else", "endif", "not", "in", "join"})
        for combination in itertools.product([True, False, *choices], repeat=min(len(names), 3)):
            values = dict(zip(names, itertools.cycle(combination)))
            try:
                expected = compiled(text).render(**values).strip()
            except TypeError:  # `'(' in True`
                continue
            assert render(text, **values) == expected, (text, values)


def test_a_finding_whose_rule_adds_no_import_carries_no_import_facts(mark_scans, monkeypatch) -> None:
    """Issue 13, cost per finding: `record_edit_sites` gathers a file's imports and every name it
    declares only for findings of rules whose fixes add an import (CL006's NodeHttpHandler, CL003's
    wrapper); the others carry `_NO_IMPORTS`. Every fix, planned with edits and unsafe entries, is
    the one planned when every finding carried them (as before), with the same notes, on the fixture
    folders whose findings have fixes of both kinds."""
    import crashlint.fix as fix
    from crashlint.fix.spec import autofixes
    from crashlint.scan import scan

    importing = {rule.id for rule in mark_scans[0][1].rules if any(e.imports for e in autofixes(rule))}
    assert importing and not importing >= {"CL001", "CL008"}
    folders = [folder for folder, base in mark_scans if any(f.edit_site for f in base.findings)]
    both = [folder for folder, base in mark_scans
            if {f.rule_id in importing for f in base.findings if f.edit_site} == {True, False}]
    chosen = (both + [f for f in folders if f not in both])[:8]
    assert both and len(chosen) == 8
    everything = fix.record_edit_sites
    plans = {}
    for label, recorder in (("rules", everything), ("all", lambda findings, files, rules=None: everything(findings, files))):
        monkeypatch.setattr(fix, "record_edit_sites", recorder)
        plans[label] = [scan([str(folder)], cache_dir=None, fixes=({}, True, True)) for folder in chosen]
    skipped = kept = 0
    for folder, now, before in zip(chosen, plans["rules"], plans["all"]):
        assert [(f.rule_id, f.location, f.fix) for f in now.findings] == [(f.rule_id, f.location, f.fix) for f in before.findings], folder
        assert [(n.path, n.message) for n in now.fix_notes] == [(n.path, n.message) for n in before.fix_notes], folder
        skipped += sum(1 for f in now.findings if f.edit_site and tuple(f.edit_site[5:8]) == fix._NO_IMPORTS)
        kept += sum(1 for f in now.findings if f.edit_site and f.rule_id in importing and tuple(f.edit_site[5:8]) != fix._NO_IMPORTS)
    assert skipped and kept  # both kinds were planned
