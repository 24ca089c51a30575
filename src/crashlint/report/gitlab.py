"""`--format gitlab`: a GitLab Code Quality report (a JSON array of issues).

Paths are relative to `CI_PROJECT_DIR` when GitLab sets it (as ruff does), else to the working
directory: GitLab places them from the project's root."""

from __future__ import annotations

import hashlib
import json
import os

from crashlint.report.common import ReportInput, display_path

SEVERITY = {"critical": "critical", "high": "major", "medium": "minor", "low": "info"}


def render_gitlab(data: ReportInput, color: bool = False) -> str:
    base = os.environ.get("CI_PROJECT_DIR") or os.getcwd()
    issues = []
    seen: set[str] = set()
    for f in data.findings:
        # GitLab collapses equal fingerprints: make each unique within the report, stable across runs
        fingerprint = f.fingerprint
        salt = 0
        while fingerprint in seen:
            salt += 1
            fingerprint = hashlib.sha256(f"{f.fingerprint}:{salt}".encode()).hexdigest()[:32]
        seen.add(fingerprint)
        path = display_path(data.root, f.location.path, base) if data.root else f.location.path
        issues.append(
            {
                "description": f"{f.rule_id}: {f.message}",
                "check_name": f.rule_id,
                "fingerprint": fingerprint,
                "severity": SEVERITY[f.severity],
                "location": {"path": path, "lines": {"begin": f.location.start_line, "end": f.location.end_line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
