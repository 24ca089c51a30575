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
    findings.sort(key=Finding.sort_key)
    return findings
