"""`--format sarif`: SARIF 2.1.0 as GitHub code scanning documents it (SPEC §5).

- Paths are relative to `%SRCROOT%`, the repository's top folder (what upload-sarif resolves
  relative URIs from), declared in `originalUriBaseIds`; a file outside it gets an absolute URI.
- The region is one line on the call or constructor (pull-request annotations only show when
  every line of an alert is in the diff); the statement is the `contextRegion`.
- crashlint's own fingerprint goes under its own key, `crashlint/v1`, with an occurrence index
  so identical lines stay distinct; `primaryLocationLineHash` is left to GitHub's uploader,
  which computes it from the checked-out source (and warns when a tool sets another value).
- `security-severity` only on request: crash patterns are not security vulnerabilities, and the
  property files a rule's results under security.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from crashlint import RULES_URL, __url__
from crashlint.findings import Finding, Location
from crashlint.report.common import (LEVEL, ReportInput, code_point_position, head_location, places_base, read_bytes,
                                     relative_inside)
from crashlint.rulepack import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DESCRIPTION_LIMIT = 1024  # GitHub truncates longer descriptions
PROBLEM_SEVERITY = {"critical": "error", "high": "error", "medium": "warning", "low": "recommendation"}
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}
NOTE_LEVEL = {"error": "error", "warning": "warning", "note": "note"}
FINGERPRINT_KEY = "crashlint/v1"
SRCROOT = "%SRCROOT%"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def help_uri(rule: Rule, base: str | None, version: str) -> str:
    """The rule's documentation: by default its file in crashlint's repository at this version's
    tag; `--help-uri-base` gives a URL prefix (the rule's file name is appended) or a template
    with `{id}`, `{slug}` or `{file}`."""
    if not base:
        return RULES_URL.format(version=version, file=rule.source)
    if any(key in base for key in ("{id}", "{slug}", "{file}")):
        return base.replace("{id}", rule.id).replace("{slug}", rule.slug).replace("{file}", rule.source)
    return base.rstrip("/") + "/" + rule.source


_FENCE = re.compile(r"^(`{3,})[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def plain_text(markdown: str) -> str:
    """`help.text` is plain text (GitHub shows `help.markdown` where it can): headings as lines,
    code blocks indented, inline code and links spelled out."""
    text = _FENCE.sub(lambda m: "\n".join("    " + line if line else "" for line in m.group(2).rstrip("\n").split("\n")), markdown)
    text = _LINK.sub(r"\1 (\2)", text)
    lines = []
    for line in text.split("\n"):
        if line.startswith("#"):
            line = line.lstrip("#").strip()
        elif not line.startswith("    "):
            line = line.replace("**", "").replace("`", "")
        lines.append(line)
    return "\n".join(lines).strip() + "\n"


def rule_descriptor(rule: Rule, data: ReportInput | None = None) -> dict:
    options = data.options if data is not None else None
    security = bool(options and options.security_severity)
    properties: dict = {
        "tags": sorted(set(rule.tags) | {"reliability"} | ({"security"} if security else set())),
        "precision": "high",
        "problem.severity": PROBLEM_SEVERITY[rule.severity],
    }
    if security:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    docs = rule.docs_markdown()
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": _clip(rule.title)},
        "fullDescription": {"text": _clip(rule.what)},
        "help": {"text": plain_text(docs), "markdown": docs},
        "helpUri": help_uri(rule, options.help_uri_base if options else None, data.version if data else ""),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": properties,
    }


class _Places:
    """Artifact locations relative to %SRCROOT% (the repository's top, else the working directory)."""

    def __init__(self, data: ReportInput) -> None:
        self.data = data
        self.base = places_base()

    def artifact(self, rel_path: str) -> dict:
        absolute = os.path.normpath(self.data.absolute(rel_path)) if self.data.root else rel_path
        inside = relative_inside(absolute, self.base) if self.data.root else rel_path
        if inside is None:
            return {"uri": Path(absolute).as_uri()}  # outside the repository: absolute, as GitHub accepts
        return {"uri": quote(inside, safe="/"), "uriBaseId": SRCROOT}

    def physical(self, location: Location, context: Location | None = None) -> dict:
        physical = {"artifactLocation": self.artifact(location.path), "region": _region(location)}
        if context is not None and context != location:
            physical["contextRegion"] = _region(context)
        return physical

    def original_uri_base_ids(self) -> dict:
        return {SRCROOT: {"uri": Path(self.base).as_uri().rstrip("/") + "/"}}


def _region(location: Location) -> dict:
    return {
        "startLine": location.start_line,
        "startColumn": location.start_col,
        "endLine": location.end_line,
        "endColumn": location.end_col,
    }


_BRACKET = re.compile(r"(\\*)([\[\]])")


def escape_message(text: str) -> str:
    """SARIF message strings give `[text](id)` a meaning: literal brackets are escaped with a
    backslash, and so is a backslash right before one (SARIF §3.11.6)."""
    return _BRACKET.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), text)


def _message(f: Finding) -> str:
    message = escape_message(f.message)
    if f.problems:
        message += "\n" + "\n".join(f"- {escape_message(p)}" for p in f.problems)
    if f.related:  # GitHub links a related location only from the message
        message += "\nSee " + ", ".join(f"[{escape_message(r.message)}]({i})" for i, r in enumerate(f.related, start=1)) + "."
    return message


def _result(f: Finding, rule_index: int, places: _Places, data: ReportInput, occurrence: int) -> dict:
    result = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[f.severity],
        "message": {"text": _message(f)},
        "locations": [{"physicalLocation": places.physical(head_location(f, data.sources), f.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: f"{f.fingerprint}:{occurrence}"},
        "properties": {"severity": f.severity, "subject": f.subject},
    }
    if f.process:  # the long-lived process whose code it is (crashlint.processes)
        name, kind, entry, how = f.process
        result["properties"]["process"] = {"name": name, "kind": kind, "entry": places.artifact(entry)["uri"], "judgedByPath": how == "path"}
    if f.fix is not None:
        result["fixes"] = [_fix(f, places)]
        result["properties"]["fixApplicability"] = "safe" if f.fix.safe else "unsafe"
    if f.related:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": places.physical(r.location), "message": {"text": r.message}}
            for i, r in enumerate(f.related, start=1)
        ]
    return result


def _fix(f: Finding, places: _Places) -> dict:
    """The finding's automatic fix as SARIF `fixes`: one artifact change, its edits as replacements
    (an empty deleted region is an insertion)."""
    changes = [(f.location.path, list(zip(f.fix.edits, f.fix.regions)))]
    # the edits it makes in other files (a shutdown in the entry file, an Express handler wrapped
    # where it is registered): their regions computed from those files, as the edits were
    for path, _digest, edits in f.fix.elsewhere:
        source = read_bytes(places.data.absolute(path) if places.data.root else path)
        if source is not None:
            changes.append((path, [(e, (*code_point_position(source, e.start), *code_point_position(source, e.end))) for e in edits]))
    artifact_changes = []
    for path, pairs in changes:
        replacements = []
        for edit, (sl, sc, el, ec) in pairs:
            replacement: dict = {"deletedRegion": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec}}
            if edit.text:
                replacement["insertedContent"] = {"text": edit.text}
            replacements.append(replacement)
        if replacements:  # SARIF: an artifact change has at least one replacement
            artifact_changes.append({"artifactLocation": places.artifact(path), "replacements": replacements})
    return {
        "description": {"text": f.fix.title + ("" if f.fix.safe else " (unsafe: --unsafe-fixes)")},
        "artifactChanges": artifact_changes,
    }


def render_sarif(data: ReportInput, color: bool = False) -> str:
    index = {rule.id: i for i, rule in enumerate(data.rules)}
    places = _Places(data)
    seen: Counter = Counter()

    def result(f: Finding) -> dict:
        seen[f.fingerprint] += 1  # as upload-sarif numbers equal line hashes: 1, 2, … in file order
        return _result(f, index[f.rule_id], places, data, seen[f.fingerprint])

    results = [result(f) for f in data.findings]
    for f, reason in data.suppressed:  # hidden by a comment: kept, as semgrep does, with the reason
        if f.rule_id in index:
            suppressed = result(f)
            suppressed["suppressions"] = [{"kind": "inSource", **({"justification": reason} if reason else {})}]
            results.append(suppressed)
    notifications = [
        {
            "level": NOTE_LEVEL.get(note.level, "warning"),
            "message": {"text": f"{data.path(note.path)}: {note.message}"},
            **(
                {"locations": [{"physicalLocation": {"artifactLocation": places.artifact(note.path),
                                                      **({"region": {"startLine": note.line}} if note.line else {})}}]}
                if note.path else {}
            ),
        }
        for note in data.notes
    ]
    run: dict = {
        "tool": {
            "driver": {
                "name": "crashlint",
                "semanticVersion": data.version,
                "version": data.version,
                "informationUri": __url__,
                "rules": [rule_descriptor(rule, data) for rule in data.rules],
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": places.original_uri_base_ids(),
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    category = data.options.sarif_category
    if category:  # GitHub: everything up to the last "/" is the category (upload-sarif appends one)
        run["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
