"""The shipped example reproduces the seed report's shape; its fixed twin is clean."""

from __future__ import annotations

import re

import pytest

from helpers import EXAMPLE, EXAMPLE_FIXED, ROOT, render

GOLDEN = ROOT / "tests" / "golden" / "seed-service.md"


HEADER = re.compile(r"^crashlint \S+ · commit (`[0-9a-f]{12}`|\(not a git checkout\)) · (\d{4}-\d{2}-\d{2}) · 9 files scanned$", re.M)


def _stable(report: str) -> str:
    """The golden file holds no version, commit or date: they change with every commit and day."""
    return HEADER.sub("crashlint VERSION · commit COMMIT · DATE · 9 files scanned", report, count=1)


def test_report_header_names_version_commit_and_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from crashlint import __version__

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764892800")  # 2025-12-05 00:00 UTC
    report = render([str(EXAMPLE)], "markdown")
    header = HEADER.search(report)
    assert header and header.group(2) == "2025-12-05" and f"crashlint {__version__} · " in report
    assert header.group(1).startswith("`")  # this checkout is a git repository: its HEAD


def test_markdown_report_matches_golden(request: pytest.FixtureRequest) -> None:
    report = _stable(render([str(EXAMPLE)], "markdown", fixes=({}, False)))
    if request.config.getoption("--update-golden") or not GOLDEN.exists():
        GOLDEN.write_text(report, encoding="utf-8")
    assert report == GOLDEN.read_text(encoding="utf-8"), "run pytest --update-golden after an intended change"


def test_markdown_report_has_the_seed_structure() -> None:
    report = render([str(EXAMPLE)], "markdown", fixes=({}, False))
    assert report.startswith("# Server Crash Analysis Report\n\ncrashlint ")
    assert "\n\n[*] 12 of 26 findings fixable with `crashlint scan --fix`; 14 more with `crashlint scan --fix --unsafe-fixes`" in report
    assert "\n\n## Critical Issues Found\n\n### 🔴" in report
    assert "**Automatic fix:** [*] Log `connection` errors with an 'error' listener: `crashlint scan --fix`" in report
    headings = re.findall(r"^### (🔴|🟠|🟡) \*\*(CRITICAL|HIGH|MEDIUM) - (\d+): (.+)\*\*$", report, re.M)
    assert [h[2] for h in headings] == [str(i) for i in range(1, len(headings) + 1)]
    assert headings[0][:2] == ("🔴", "CRITICAL") and "Redis" in headings[0][3]
    assert headings[1][3] == "Workers Never Gracefully Shut Down"
    assert ("🟡", "MEDIUM") == headings[-1][:2] and "Health" in headings[-1][3]
    order = [h[3] for h in headings]
    # the seed's ten sections, in its order (CL011 / CL012 only add sections where the code warrants)
    seed = ["Redis Connection", "Workers Never", "Unhandled Promise", "Missing Error Handler on BullMQ",
            "Express Server Has No Global", "AWS Clients", "Non-Atomic Redis", "HTTP Requests Have No Timeout",
            "Database Connection Pool", "No Health Check"]
    positions = [next(i for i, title in enumerate(order) if title.startswith(s)) for s in seed]
    assert positions == sorted(positions)
    assert "**Location:** [`src/utils/bullmqJobs.ts`](src/utils/bullmqJobs.ts#L19-L27) (Lines 19-27)" in report
    assert "**Location:** [`src/utils/bullmqJobs.ts`](src/utils/bullmqJobs.ts#L71) (Lines 71, 112, 122-144, 175, 268-272)" in report
    assert "**Location:** [`src/utils/bullmqJobs.ts`](src/utils/bullmqJobs.ts#L52-L305) (Lines 52-305)" in report  # the workers
    assert "**Location:** [`src/middleware/uploadLimit.ts`](src/middleware/uploadLimit.ts#L18-L28) (Lines 18-28)" in report  # get … set … incrby
    assert "**Location:** [`src/config/db.config.ts`](src/config/db.config.ts#L12) (Line 12)" in report
    assert "**Location:** [`src/controllers/cloudflare.controller.ts`](src/controllers/cloudflare.controller.ts#L15-L26) (Lines 15-26)" in report
    # one shutdown for the process (issue 16): the workers closed together, then the queue and Redis
    assert "await Promise.all([workerExtraction.close(), worker.close(), imageWorker.close(), otherWorker.close()]);" in report
    assert "await myQueue.close();" in report and "await connection.quit();" in report
    assert "```typescript\nexport const connection = new IORedis({\n" in report
    assert report.count("**Problems:**") == len(headings) == report.count("**Impact:**")
    assert "## Recommended Fixes (Priority Order)" in report
    assert re.search(r"^### Fix 1: .+ \(IMMEDIATE\)$", report, re.M)
    # IMMEDIATE as the seed has it: what stops a crash or a hang now, not every high finding
    assert not re.search(r"^### Fix \d+: Add Global Error Handlers \(IMMEDIATE\)$", report, re.M)
    assert re.search(r"^### Fix \d+: Add Worker Error Handlers \(IMMEDIATE\)$", report, re.M)
    assert "\n- [Line 46](src/controllers/cloudflare.controller.ts#L46): " in report
    assert re.search(r"^### Fix \d+: Add Timeouts to HTTP Calls$", report, re.M)  # medium: not immediate
    assert 'connection.on("error"' in report and "await connection.quit();" in report
    assert "fetch(imageUrl, { signal: AbortSignal.timeout(30_000) })" in report
    assert "\n---\n\n## Summary\n\n" in report and "**unmanaged Redis connections**" in report


def test_fixed_twin_is_clean() -> None:
    report = render([str(EXAMPLE_FIXED)], "json")
    assert report == "[]\n"


PYTHON_EXAMPLE = ROOT / "examples" / "python-service"
PYTHON_FIXED = ROOT / "examples" / "python-service-fixed"


def test_python_example_reports_the_python_rules() -> None:
    import json

    findings = json.loads(render([str(PYTHON_EXAMPLE)], "json"))
    assert {f["rule"] for f in findings} == {"CL001", "CL003", "CL006", "CL007", "CL008", "CL009", "CL010"}
    assert all(f["language"] == "python" for f in findings)


def test_python_fixed_twin_is_clean() -> None:
    assert render([str(PYTHON_FIXED)], "json") == "[]\n"
