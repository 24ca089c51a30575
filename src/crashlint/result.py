"""What a scan produces: findings, notes and what was hidden. The pipeline (`crashlint.scan`) fills
it, the result cache (`crashlint.cache.results`) stores and restores it, formatters read it."""

from __future__ import annotations

from dataclasses import dataclass, field

from crashlint.findings import Finding, Note
from crashlint.rulepack import Rule
from crashlint.source import SourceCache


@dataclass
class ScanResult:
    root: str
    rules: list[Rule]
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    files_scanned: int = 0  # every discovered file, parsed or skipped by the prefilter
    files_skipped: int = 0  # not parsed: the prefilter found they cannot change a finding
    sources: SourceCache | None = None
    tracebacks: list[str] = field(default_factory=list)  # internal errors: exit code 2, --verbose
    suppressed: list[tuple[Finding, str]] = field(default_factory=list)  # hidden inline, with reasons
    baselined: int = 0  # hidden by the baseline
    known: int = 0  # new-findings mode: findings that were there at the base commit (not shown)
    new_since: str | None = None  # new-findings mode: the git ref compared against
    # the options the findings' fixes were planned with ((fix overrides, unsafe); None: not planned),
    # and what planning them noted: stored with the result, a warm scan plans nothing
    fixes_for: tuple | None = None
    fix_notes: list[Note] = field(default_factory=list)
