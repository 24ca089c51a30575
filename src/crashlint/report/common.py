"""The input every formatter reads, and the formatter registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from crashlint.findings import Finding, Note
from crashlint.rulepack import Rule
from crashlint.source import SourceCache

# SARIF / GitHub levels by severity (SPEC §5)
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
CODE_FENCE_LANGUAGE = {"typescript": "typescript", "javascript": "javascript", "python": "python"}


@dataclass
class ReportInput:
    findings: list[Finding]
    notes: list[Note]
    rules: list[Rule]  # the enabled rules, in id order
    files_scanned: int
    sources: SourceCache
    version: str
    suppressed: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, reason) hidden inline


Formatter = Callable[[ReportInput, bool], str]  # (input, color) → output text
