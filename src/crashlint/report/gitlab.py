"""`--format gitlab`: a GitLab Code Quality report (a JSON array of issues)."""

from __future__ import annotations

import hashlib
import json

from crashlint.report.common import ReportInput

SEVERITY = {"critical": "critical", "high": "major", "medium": "minor", "low": "info"}


def render_gitlab(data: ReportInput, color: bool = False) -> str:
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
        issues.append(
            {
                "description": f"{f.rule_id}: {f.message}",
                "check_name": f.rule_id,
                "fingerprint": fingerprint,
                "severity": SEVERITY[f.severity],
                "location": {"path": f.location.path, "lines": {"begin": f.location.start_line, "end": f.location.end_line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
