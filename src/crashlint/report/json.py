"""`--format json`: one object per finding, for scripts."""

from __future__ import annotations

import json

from crashlint.findings import Finding
from crashlint.report.common import ReportInput


def finding_object(f: Finding) -> dict:
    loc = f.location
    return {
        "rule": f.rule_id,
        "slug": f.slug,
        "severity": f.severity,
        "title": f.title,
        "language": f.language,
        "path": loc.path,
        "start_line": loc.start_line,
        "start_column": loc.start_col,
        "end_line": loc.end_line,
        "end_column": loc.end_col,
        "subject": f.subject,
        "message": f.message,
        "problems": f.problems,
        "related": [
            {"path": r.location.path, "line": r.location.start_line, "message": r.message} for r in f.related
        ],
        "fingerprint": f.fingerprint,
        "fix": None if f.fix is None else {
            "title": f.fix.title,
            "applicability": "safe" if f.fix.safe else "unsafe",
            "edits": [
                {"start_line": sl, "start_column": sc, "end_line": el, "end_column": ec, "content": edit.text}
                for edit, (sl, sc, el, ec) in zip(f.fix.edits, f.fix.regions)
            ],
        },
    }


def render_json(data: ReportInput, color: bool = False) -> str:
    return json.dumps([finding_object(f) for f in data.findings], indent=2, ensure_ascii=False) + "\n"
