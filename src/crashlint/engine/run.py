"""Run the enabled rules over a project model, each failure isolated to its rule and file."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from crashlint.engine import KINDS
from crashlint.engine.context import RuleContext
from crashlint.findings import Finding, Note
from crashlint.processes import ProcessModel
from crashlint.project import Project
from crashlint.rulepack import Rule
from crashlint.source import SourceCache

MAX_RETRIES = 20  # files one rule may break on before it is given up


@dataclass
class RuleRun:
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # internal errors, one line each
    tracebacks: list[str] = field(default_factory=list)  # for --verbose and bug reports


def configure(rules: list[Rule], settings: dict) -> list[Rule]:
    """The rules with what `[tool.crashlint]` configures in them (a kind's `configure`, if it has one:
    CL011's emitter factories)."""
    return [KINDS[rule.kind].configure(rule, settings) if hasattr(KINDS[rule.kind], "configure") else rule for rule in rules]


def run_rules(rules: list[Rule], project: Project, sources: SourceCache, processes: ProcessModel | None = None,
              focus: set[str] | None = None) -> RuleRun:
    """`focus`: the files the findings are wanted on (the others' are dropped by the filters); the
    per-file rules look only at them."""
    methods: set[str] = set()
    for rule in rules:
        methods |= KINDS[rule.kind].methods(rule)
    ctx = RuleContext(project, sources, frozenset(methods), processes, None if focus is None else frozenset(focus))
    run = RuleRun()
    for rule in rules:
        for _ in range(MAX_RETRIES):
            try:
                run.findings.extend(KINDS[rule.kind].check(rule, ctx))
                break
            except Exception as exc:  # noqa: BLE001 - a bug in one rule must not lose the others
                path = ctx.current_path
                where = "while analysing this file" if path else "on this project"
                run.notes.append(
                    Note(path or "", f"internal error in {rule.id} {where}: {type(exc).__name__}: {exc}", level="error")
                )
                run.tracebacks.append(f"{rule.id} {path or ''}\n{traceback.format_exc()}")
                if path is None:
                    break
                # run the rule again without that file, so its other files' findings survive
                ctx.skipped.add(path)
                ctx.__dict__.pop("uses", None)
        if ctx.skipped:
            ctx.skipped.clear()
            ctx.__dict__.pop("uses", None)
    if focus is not None:
        # the filters drop every other file's findings first (crashlint.filters: before the
        # suppressions and the baseline): they are not asked which process runs them (the commit
        # path: a whole project's findings were attributed to report one file's)
        run.findings = [f for f in run.findings if f.location.path in focus]
    run.findings = _merge_same_subject(sorted(run.findings, key=Finding.sort_key))
    # a finding inside a helper that only a CLI command, a test or the browser calls is not about a
    # long-lived process, though its file is loaded by one
    run.findings = [f for f in run.findings if ctx.processes.runs_long(f.location.path, f.location.start_line)]
    # a rule whose claims are about a process's lifetime (`serverless = false`: pools, shutdown) says
    # nothing of code that only serverless functions run
    lifetime = {r.id for r in rules if r.data.get("serverless") is False}
    if lifetime:
        run.findings = [f for f in run.findings if f.rule_id not in lifetime or not ctx.processes.serverless_only(f.location.path)]
    for finding in run.findings:  # every finding names the process whose code it is
        attributed = ctx.processes.attribution(finding.location.path)
        if attributed is not None:
            process, entry = attributed
            finding.process = (process.name, process.kind, entry, "path" if process.fallback else "")
    run.findings = _carry_fix_only(run.findings, {r.id for r in rules if r.data.get("carries_closes")})
    return run


def _carry_fix_only(findings: list[Finding], carriers: set[str]) -> list[Finding]:
    """Findings a rule made only for the shutdown fix (`context["fix_only"]`: a Redis client whose
    one problem is that no SIGTERM handler closes it, in a process that has no SIGTERM handler at
    all) are not reported; what they would close rides on a finding of the same process whose fix
    writes that handler (`carries_closes`: CL002's, CL012's), as `context["also_close"]` lines of
    `path<TAB>line<TAB>subject<TAB>library`, so the fix still closes the client. O(findings)."""
    fix_only = [f for f in findings if f.context.get("fix_only")]
    if not fix_only:
        return findings
    kept = [f for f in findings if not f.context.get("fix_only")]
    carrier_of: dict[tuple, Finding] = {}
    for finding in kept:
        if finding.rule_id in carriers and finding.process is not None:
            carrier_of.setdefault(tuple(finding.process[:3]), finding)
    for finding in fix_only:
        carrier = carrier_of.get(tuple(finding.process[:3])) if finding.process is not None else None
        if carrier is not None:
            line = f"{finding.location.path}\t{finding.location.start_line}\t{finding.subject}\t{finding.context.get('library', '')}"
            carrier.context["also_close"] = "\n".join(filter(None, [carrier.context.get("also_close", ""), line]))
    return kept


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
