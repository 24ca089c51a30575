"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (SPEC §5)."""

from __future__ import annotations

import json

from crashlint.findings import Finding, Location
from crashlint.report.common import LEVEL, ReportInput
from crashlint.rulepack import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DESCRIPTION_LIMIT = 1024  # GitHub truncates longer descriptions
PROBLEM_SEVERITY = {"critical": "error", "high": "error", "medium": "warning", "low": "recommendation"}
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}
NOTE_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def rule_descriptor(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": _clip(rule.title)},
        "fullDescription": {"text": _clip(rule.what)},
        "help": {"text": rule.docs_markdown(), "markdown": rule.docs_markdown()},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": sorted(set(rule.tags) | {"reliability"}),
            "precision": "high",
            "problem.severity": PROBLEM_SEVERITY[rule.severity],
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def _physical(location: Location) -> dict:
    return {
        "artifactLocation": {"uri": location.path, "uriBaseId": "%SRCROOT%"},
        "region": {
            "startLine": location.start_line,
            "startColumn": location.start_col,
            "endLine": location.end_line,
            "endColumn": location.end_col,
        },
    }


def _result(f: Finding, rule_index: int) -> dict:
    message = f.message
    if f.problems:
        message += "\n" + "\n".join(f"- {p}" for p in f.problems)
    result = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": _physical(f.location)}],
        "partialFingerprints": {"primaryLocationLineHash": f.fingerprint},
        "properties": {"severity": f.severity, "subject": f.subject},
    }
    if f.fix is not None:
        result["fixes"] = [_fix(f)]
        result["properties"]["fixApplicability"] = "safe" if f.fix.safe else "unsafe"
    if f.related:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": _physical(r.location), "message": {"text": r.message}}
            for i, r in enumerate(f.related, start=1)
        ]
    return result


def _fix(f: Finding) -> dict:
    """The finding's automatic fix as SARIF `fixes`: one artifact change, its edits as replacements
    (an empty deleted region is an insertion)."""
    replacements = []
    for edit, (sl, sc, el, ec) in zip(f.fix.edits, f.fix.regions):
        replacement: dict = {"deletedRegion": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec}}
        if edit.text:
            replacement["insertedContent"] = {"text": edit.text}
        replacements.append(replacement)
    return {
        "description": {"text": f.fix.title + ("" if f.fix.safe else " (unsafe: --unsafe-fixes)")},
        "artifactChanges": [
            {"artifactLocation": {"uri": f.location.path, "uriBaseId": "%SRCROOT%"}, "replacements": replacements}
        ],
    }


def _suppressed(f: Finding, reason: str, rule_index: int) -> dict:
    """A finding hidden by a suppression comment: kept, as semgrep does, with its reason."""
    result = _result(f, rule_index)
    result["suppressions"] = [{"kind": "inSource", **({"justification": reason} if reason else {})}]
    return result


def render_sarif(data: ReportInput, color: bool = False) -> str:
    index = {rule.id: i for i, rule in enumerate(data.rules)}
    notifications = [
        {
            "level": NOTE_LEVEL.get(note.level, "warning"),
            "message": {"text": f"{note.path}: {note.message}"},
            **(
                {"locations": [{"physicalLocation": {"artifactLocation": {"uri": note.path, "uriBaseId": "%SRCROOT%"},
                                                      **({"region": {"startLine": note.line}} if note.line else {})}}]}
                if note.path else {}
            ),
        }
        for note in data.notes
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "crashlint",
                        "semanticVersion": data.version,
                        "version": data.version,
                        "rules": [rule_descriptor(rule) for rule in data.rules],
                    }
                },
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index[f.rule_id]) for f in data.findings]
                + [_suppressed(f, reason, index[f.rule_id]) for f, reason in data.suppressed if f.rule_id in index],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
