"""The command line contract: exit codes 0/1/2, --fail-on, --exit-zero, -o, rules, explain."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import EXAMPLE, EXAMPLE_FIXED, run_cli


def test_findings_exit_1_clean_exit_0() -> None:
    assert run_cli("scan", str(EXAMPLE))[0] == 1
    assert run_cli("scan", str(EXAMPLE_FIXED))[0] == 0


def test_fail_on_threshold() -> None:
    assert run_cli("scan", str(EXAMPLE), "--fail-on", "critical")[0] == 1  # CL001 is critical
    assert run_cli("scan", str(EXAMPLE), "--select", "CL008", "--fail-on", "high")[0] == 0  # only medium
    assert run_cli("scan", str(EXAMPLE), "--select", "CL008", "--fail-on", "medium")[0] == 1


def test_exit_zero() -> None:
    code, out, _ = run_cli("scan", str(EXAMPLE), "--exit-zero")
    assert code == 0 and "CL001" in out


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    code, out, err = run_cli("scan", str(tmp_path / "missing"))
    assert code == 2 and err.strip().count("\n") == 0 and "does not exist" in err
    code, _, err = run_cli("scan", str(EXAMPLE), "--select", "CL999")
    assert code == 2 and "unknown rule: CL999" in err
    code, _, err = run_cli("scan", str(EXAMPLE), "--format", "yaml")
    assert code == 2 and "Traceback" not in err
    code, _, err = run_cli("scan", str(EXAMPLE), "--fail-on", "severe")
    assert code == 2


def test_output_file_and_terminal_summary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.sarif"
    code, out, _ = run_cli("scan", str(EXAMPLE), "--format", "sarif", "-o", str(target))
    assert code == 1
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert re.search(r"Found \d+ findings \(", out) and str(target) in out


def test_select_and_ignore_by_id_slug_and_prefix() -> None:
    _, out, _ = run_cli("scan", str(EXAMPLE), "--format", "json", "--select", "http-call-no-timeout")
    assert {f["rule"] for f in json.loads(out)} == {"CL008"}
    _, out, _ = run_cli("scan", str(EXAMPLE), "--format", "json", "--ignore", "CL008,CL003")
    rules = {f["rule"] for f in json.loads(out)}
    assert "CL001" in rules and not rules & {"CL008", "CL003"}
    _, out, _ = run_cli("scan", str(EXAMPLE), "--format", "json", "--select", "CL00")
    assert {f["rule"] for f in json.loads(out)} == {f"CL00{i}" for i in range(1, 10)}


def test_rules_and_explain() -> None:
    code, out, _ = run_cli("rules")
    assert code == 0 and "CL001" in out and "redis-client-unmanaged" in out and "critical" in out
    code, out, _ = run_cli("explain", "CL008")
    assert code == 0
    for heading in ("## What it does", "## Why it crashes servers", "## Example", "## How to fix it", "## References"):
        assert heading in out
    assert run_cli("explain", "redis-client-unmanaged")[0] == 0
    assert run_cli("explain", "nope")[0] == 2


def test_version() -> None:
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith("crashlint ")


def test_default_path_is_cwd(monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLE)
    code, out, _ = run_cli("scan", "--format", "json")
    assert code == 1 and json.loads(out)[0]["path"] == "src/utils/bullmqJobs.ts"
