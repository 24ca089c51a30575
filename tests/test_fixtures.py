"""The fixture harness (SPEC §9): annotated source files are the rules' executable spec.

`// ruleid: CL001` (or `# ruleid: CL001`) on the line before each expected finding, and
`// ok: CL001` before each near-miss. Every file directly under tests/fixtures/<RULE>/ is scanned
on its own; every folder under tests/fixtures/<RULE>/projects/ is scanned as one project.
Missing and unexpected findings are reported separately.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crashlint.languages import grammar_for
from crashlint.scan import scan

FIXTURES = Path(__file__).parent / "fixtures"
ANNOTATION = re.compile(r"(?://|#)\s*(ruleid|ok):\s*(CL\d{3})\b")


def _units() -> list[tuple[str, Path]]:
    units = []
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and re.fullmatch(r"CL\d{3}", p.name)):
        for entry in sorted(rule_dir.iterdir()):
            if entry.is_file() and grammar_for(entry.name) and ".fixed." not in entry.name:  # fix twins: test_fix.py
                units.append((rule_dir.name, entry))
        projects = rule_dir / "projects"
        if projects.is_dir():
            units += [(rule_dir.name, p) for p in sorted(projects.iterdir()) if p.is_dir()]
    return units


def _script(path: Path) -> bool:
    """An extensionless `#!` program (`bin/reminder-bot`): crashlint parses it when a launch file names it."""
    return "." not in path.name and path.read_bytes()[:2] == b"#!"


def _annotations(unit: Path) -> dict[str, dict[tuple[str, int], str]]:
    """{rule: {(path relative to the unit, line): "ruleid" | "ok"}}; the annotated line is the next
    line that is not itself a comment."""
    files = [unit] if unit.is_file() else sorted(p for p in unit.rglob("*") if p.is_file() and (grammar_for(p.name) or _script(p)))
    found: dict[str, dict[tuple[str, int], str]] = {}
    for file in files:
        rel = file.name if unit.is_file() else file.relative_to(unit).as_posix()
        lines = file.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            for kind, rule in ANNOTATION.findall(line):
                target = number + 1
                while target <= len(lines) and lines[target - 1].strip().startswith(("//", "#")):
                    target += 1
                found.setdefault(rule, {})[(rel, target)] = kind
    return found


UNITS = _units()


@pytest.mark.parametrize(("rule", "unit"), UNITS, ids=[f"{r}/{u.relative_to(FIXTURES / r)}" for r, u in UNITS])
def test_fixture(rule: str, unit: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    annotations = _annotations(unit)
    assert rule in annotations, f"{unit} has no annotations for {rule}"
    kinds = set(annotations[rule].values())
    assert {"ruleid", "ok"} <= kinds or unit.is_dir(), f"{unit}: a fixture file needs both ruleid: and ok: cases"
    # Scan from the fixture's own folder, as a user scans a project (tests/ would make it test code).
    monkeypatch.chdir(unit.parent)
    result = scan([unit.name], select=sorted(annotations))
    if unit.is_file():
        actual = {(f.rule_id, (f.location.path.rsplit("/", 1)[-1], f.location.start_line)) for f in result.findings}
    else:
        actual = {(f.rule_id, (f.location.path, f.location.start_line)) for f in result.findings}
    problems = []
    for checked_rule, marks in annotations.items():
        expected = {where for where, kind in marks.items() if kind == "ruleid"}
        got = {where for r, where in actual if r == checked_rule}
        missing = sorted(expected - got)
        unexpected = sorted(got - expected)
        if missing:
            problems.append(f"{checked_rule} missing (expected, not reported): {missing}")
        if unexpected:
            near_misses = sorted(w for w in unexpected if marks.get(w) == "ok")
            problems.append(f"{checked_rule} unexpected (reported, not expected): {unexpected}; on ok: lines: {near_misses}")
    assert not problems, "\n".join(problems)
    assert not [n for n in result.notes if "syntax error" in n.message], result.notes
    assert not [n for n in result.notes if "internal error" in n.message], result.notes  # a rule that raised


def test_every_rule_has_fixtures() -> None:
    from crashlint.rulepack import load_rules

    covered = {rule for rule, _ in UNITS}
    for rule in load_rules():
        assert rule.id in covered, f"{rule.id} has no fixtures under tests/fixtures/{rule.id}/"
        languages = {
            {"tsx": "typescript"}.get(grammar_for(u.name) or "", grammar_for(u.name))
            for r, u in UNITS
            if r == rule.id and u.is_file()
        }
        for language in rule.languages:
            assert language in languages, f"{rule.id} has no single-file fixture in {language}"


LANGUAGE_OF_SUFFIX = {".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
                      ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
                      ".py": "python"}


def test_single_file_fixtures_have_three_cases_of_each_kind_per_language() -> None:
    """Issue 3: at least three `ruleid:` and three `ok:` per rule in TypeScript and in JavaScript."""
    from crashlint.rulepack import load_rules

    counts: dict[tuple[str, str, str], int] = {}
    for rule, unit in UNITS:
        if not unit.is_file():
            continue
        language = LANGUAGE_OF_SUFFIX[unit.suffix]
        for kind in _annotations(unit).get(rule, {}).values():
            counts[(rule, language, kind)] = counts.get((rule, language, kind), 0) + 1
    short = []
    for rule in load_rules():
        for language in ("typescript", "javascript"):
            if language not in rule.languages:
                continue
            for kind in ("ruleid", "ok"):
                if counts.get((rule.id, language, kind), 0) < 3:
                    short.append(f"{rule.id} {language} {kind}: {counts.get((rule.id, language, kind), 0)}")
    assert not short, short
