"""`--format json`: one object per finding, for scripts (a list, unchanged since 0.1).
`--format json-report`: a versioned document that also carries what was not analysed (the notes:
syntax errors, unreadable files) and the counts, so a script can tell "clean" from "not read".

A finding's `fix` (null when it has none): title, applicability (safe|unsafe), its edits in the
finding's file, and `other_files` ([{"path", "edits"}]: the edits the same fix makes elsewhere).

json-report, version 1:
    {"version": 1, "tool": {"name": "crashlint", "version": …},
     "findings": [<the objects of --format json>],
     "notes": [{"path", "line" (0: the whole file), "level" (error|warning|note), "message"}],
     "summary": {"files_scanned", "files_with_findings", "findings", "by_severity": {…},
                 "suppressed", "baselined", "new_since" (the git ref, or null),
                 "known" (with new_since: findings already there at that ref, not listed)}}
"""

from __future__ import annotations

import json
from collections import Counter

from crashlint.findings import SEVERITIES, Finding
from crashlint.report.common import ReportInput, code_point_position, read_bytes

REPORT_VERSION = 1


def finding_object(f: Finding, data: ReportInput | None = None) -> dict:
    loc = f.location

    def path(rel: str) -> str:
        return data.path(rel) if data is not None else rel

    return {
        "rule": f.rule_id,
        "slug": f.slug,
        "severity": f.severity,
        "title": f.title,
        "language": f.language,
        "path": path(loc.path),
        "start_line": loc.start_line,
        "start_column": loc.start_col,
        "end_line": loc.end_line,
        "end_column": loc.end_col,
        "subject": f.subject,
        "message": f.message,
        "problems": f.problems,
        "related": [
            {"path": path(r.location.path), "line": r.location.start_line, "message": r.message} for r in f.related
        ],
        "fingerprint": f.fingerprint,
        # the long-lived process whose code it is; null where none was recognised (judged by path)
        "process": {"name": f.process[0], "kind": f.process[1], "entry": path(f.process[2]),
                    "recognised_by": "its paths (no entry point found)" if f.process[3] == "path" else "its start command or code"}
                   if f.process else None,
        "fix": None if f.fix is None else {
            "title": f.fix.title,
            "applicability": "safe" if f.fix.safe else "unsafe",
            "edits": [
                {"start_line": sl, "start_column": sc, "end_line": el, "end_column": ec, "content": edit.text}
                for edit, (sl, sc, el, ec) in zip(f.fix.edits, f.fix.regions)
            ],
            # its edits in other files (a process's shutdown in its entry file, an Express handler
            # wrapped in the router that registers it), positioned in those files as scanned
            "other_files": [
                {"path": path(other), "edits": _edits_in(data, other, edits)} for other, _digest, edits in f.fix.elsewhere
            ],
        },
    }


def _edits_in(data: ReportInput | None, rel: str, edits) -> list[dict]:
    source = read_bytes(data.absolute(rel) if data is not None and data.root else rel)
    if source is None:
        return []
    found = []
    for edit in edits:
        (sl, sc), (el, ec) = code_point_position(source, edit.start), code_point_position(source, edit.end)
        found.append({"start_line": sl, "start_column": sc, "end_line": el, "end_column": ec, "content": edit.text})
    return found


def render_json(data: ReportInput, color: bool = False) -> str:
    return json.dumps([finding_object(f, data) for f in data.findings], indent=2, ensure_ascii=False) + "\n"


def render_json_report(data: ReportInput, color: bool = False) -> str:
    counts = Counter(f.severity for f in data.findings)
    document = {
        "version": REPORT_VERSION,
        "tool": {"name": "crashlint", "version": data.version},
        "findings": [finding_object(f, data) for f in data.findings],
        "notes": [
            {"path": data.path(n.path) if n.path else "", "line": n.line, "level": n.level, "message": n.message}
            for n in data.notes
        ],
        "summary": {
            "files_scanned": data.files_scanned,
            "files_with_findings": data.files_with_findings,
            "findings": len(data.findings),
            "by_severity": {s: counts[s] for s in SEVERITIES},
            "suppressed": len(data.suppressed),
            "baselined": data.baselined,
            "new_since": data.new_since,
            "known": data.known,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
