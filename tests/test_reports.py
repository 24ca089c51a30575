"""Every output format: valid, deterministic, and shaped as SPEC §4–§5 say."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from crashlint.scan import scan
from helpers import EXAMPLE, ROOT, render

FIXTURES = ROOT / "tests" / "fixtures"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def test_vendored_schema_is_the_official_one() -> None:
    data = (ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256
    shared = ROOT.parent / "shared" / "sarif" / "sarif-schema-2.1.0.json"
    if shared.is_file():
        assert shared.read_bytes() == data


@pytest.mark.parametrize("target", [EXAMPLE, FIXTURES / "CL001", FIXTURES / "CL008"], ids=lambda p: p.name)
def test_sarif_validates_against_schema(sarif_validator, target: Path, tmp_path: Path) -> None:
    if target != EXAMPLE:  # a fixture folder alone: scanned in place its project would be crashlint's, its path tests/…
        target = Path(shutil.copytree(target, tmp_path / target.name))
    log = json.loads(render([str(target)], "sarif"))
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, errors[:3]
    run = log["runs"][0]
    assert run["results"], "expected findings in this target"
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        # crashlint's own key, with an occurrence index; primaryLocationLineHash is the uploader's
        assert re.fullmatch(r"[0-9a-f]{32}:\d+", result["partialFingerprints"]["crashlint/v1"])
        assert "primaryLocationLineHash" not in result["partialFingerprints"]
        assert not result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("/")


def test_sarif_rule_descriptors_carry_github_fields() -> None:
    log = json.loads(render([str(EXAMPLE)], "sarif"))
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["shortDescription"]["text"] and len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"].count("## ") >= 5
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        props = rule["properties"]
        assert props["tags"] and props["precision"] and props["problem.severity"]
        assert "security-severity" not in props and "security" not in props["tags"]  # crash patterns, not vulnerabilities


def test_sarif_levels_follow_severity() -> None:
    log = json.loads(render([str(EXAMPLE)], "sarif"))
    expected = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    for result in log["runs"][0]["results"]:
        assert result["level"] == expected[result["properties"]["severity"]]
    assert {r["level"] for r in log["runs"][0]["results"]} == {"error", "warning"}


def test_sarif_reports_parse_errors_as_notifications(tmp_path: Path, sarif_validator) -> None:
    (tmp_path / "broken.ts").write_text("const x = (;\nimport Redis from 'ioredis';\nconst r = new Redis();\n")
    log = json.loads(render([str(tmp_path)], "sarif"))
    assert not list(sarif_validator.iter_errors(log))
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("syntax error" in n["message"]["text"] for n in notes)
    # the sound part of the file is still analysed
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["CL001"]


def test_fingerprint_survives_unrelated_line_moves(tmp_path: Path) -> None:
    source = "import Redis from 'ioredis';\nexport const cache = new Redis();\n"
    (tmp_path / "a.ts").write_text(source)
    before = json.loads(render([str(tmp_path)], "json"))
    (tmp_path / "a.ts").write_text("// a comment\n\n" + source)
    after = json.loads(render([str(tmp_path)], "json"))
    assert [f["fingerprint"] for f in before] == [f["fingerprint"] for f in after]
    assert before[0]["start_line"] + 2 == after[0]["start_line"]


def test_json_has_one_object_per_finding() -> None:
    findings = json.loads(render([str(EXAMPLE)], "json"))
    assert len(findings) == len(scan([str(EXAMPLE)]).findings) > 10
    keys = {"rule", "severity", "path", "start_line", "start_column", "end_line", "end_column", "message",
            "problems", "fingerprint"}
    for finding in findings:
        assert keys <= finding.keys()
    assert len({f["fingerprint"] for f in findings}) == len(findings)


def test_text_is_plain_without_a_tty_and_ruff_like() -> None:
    text = render([str(EXAMPLE)], "text")
    assert "\x1b[" not in text
    assert "src/utils/bullmqJobs.ts:19:1: CL001 [critical] Redis client `connection` (ioredis)" in text
    assert re.search(r"^19 \| export const connection = new IORedis\(\{$", text, re.M)
    assert re.search(r"^\s+\| \^+$", text, re.M)
    assert re.search(r"Found \d+ findings \(\d+ critical, \d+ high, \d+ medium\) in 7 of 9 files\.$", text.rstrip())


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "sarif"])
def test_output_is_deterministic(fmt: str) -> None:
    first = render([str(EXAMPLE)], fmt)
    second = render([str(EXAMPLE)], fmt)
    assert first == second


def test_order_of_paths_does_not_change_output() -> None:
    a = FIXTURES / "CL001" / "redis_clients.ts"
    b = FIXTURES / "CL008" / "http_calls.ts"
    assert render([str(a), str(b)], "json") == render([str(b), str(a)], "json")


def test_markdown_fences_outgrow_backticks_in_code(tmp_path: Path) -> None:
    (tmp_path / "a.ts").write_text("import Redis from 'ioredis';\nexport const r = new Redis({ name: `a ``` b` });\n")
    report = render([str(tmp_path)], "markdown")
    assert "````typescript\nexport const r = new Redis({ name: `a ``` b` });\n````" in report


def test_markdown_for_clean_project_is_short(tmp_path: Path) -> None:
    (tmp_path / "ok.ts").write_text("export const x = 1;\n")
    report = render([str(tmp_path)], "markdown")
    assert report.startswith("# Server Crash Analysis Report\n\ncrashlint ")
    assert "\n\nNo crash patterns found" in report
    assert "## Recommended Fixes" not in report and len(report.splitlines()) < 7


def test_a_call_in_a_one_statement_block_is_quoted_with_its_statement(tmp_path: Path) -> None:
    """A Python block holding one statement has that statement's span: the statement, not the
    block, encloses the call (the location starts at `y = …`, not at the call)."""
    (tmp_path / "calls.py").write_text(
        "import requests\n\n\ndef f(url, flag):\n    if flag:\n        y = requests.get(url)\n"
    )
    result = scan([str(tmp_path)], select=["CL008"])
    assert [(f.location.start_line, f.location.start_col) for f in result.findings] == [(6, 9)]
