"""Run the enabled rules over a project model."""

from __future__ import annotations

from crashlint.engine import KINDS
from crashlint.engine.context import RuleContext
from crashlint.findings import Finding
from crashlint.project import Project
from crashlint.rulepack import Rule
from crashlint.source import SourceCache


def run_rules(rules: list[Rule], project: Project, sources: SourceCache) -> list[Finding]:
    methods: set[str] = set()
    for rule in rules:
        methods |= KINDS[rule.kind].methods(rule)
    ctx = RuleContext(project, sources, frozenset(methods))
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(KINDS[rule.kind].check(rule, ctx))
    return _merge_same_subject(sorted(findings, key=Finding.sort_key))


def _merge_same_subject(findings: list[Finding]) -> list[Finding]:
    """`c = cond ? new Redis(a) : new Redis(b)`: two constructions, one subject, one finding."""
    merged: list[Finding] = []
    seen: dict[tuple, Finding] = {}
    for finding in findings:
        key = (finding.rule_id, finding.location, finding.subject)
        if key in seen:
            kept = seen[key]
            kept.problems += [p for p in finding.problems if p not in kept.problems]
            continue
        seen[key] = finding
        merged.append(finding)
    return merged
