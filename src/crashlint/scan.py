"""The pipeline (SPEC §9): discover → parse once → facts → project model → rules → filter."""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

from crashlint.config import Config
from crashlint.dependencies import read_manifests
from crashlint.discover import UsageError, discover
from crashlint.engine import KINDS
from crashlint.engine.run import run_rules
from crashlint.filters import apply_filters
from crashlint.cache import folder as cache_folder
from crashlint.cache import results as result_cache
from crashlint.cache.facts import load_facts
from crashlint.findings import SEVERITY_RANK, Finding
from crashlint.fix.spec import autofixes
from crashlint.prefilter import prefilter as run_prefilter
from crashlint.project import Project
from crashlint.result import ScanResult
from crashlint.rulepack import Rule, RulePackError, load_rules
from crashlint.source import SourceCache


@cache
def rule_pack() -> tuple[Rule, ...]:
    """The rule pack with each rule's kind data and `[[autofix]]` entries validated: this is the
    layer that knows rules, kinds and fixes, so the check lives here (a malformed entry is a broken
    pack, found when the pack loads, before any file is read)."""
    rules = load_rules()
    for rule in rules:
        if rule.kind not in KINDS:
            raise RulePackError(f"{rule.source}: unknown kind '{rule.kind}'")
        KINDS[rule.kind].validate(rule)  # the kinds validate their own data
        autofixes(rule)
    return rules


def find_rule(key: str) -> Rule | None:
    key = key.strip()
    for rule in rule_pack():
        if rule.id.lower() == key.lower() or rule.slug == key:
            return rule
    return None


def select_rules(select: list[str] | None, ignore: list[str] | None) -> list[Rule]:
    """Rules by id, slug or id prefix (`CL00`), as ruff's --select/--ignore."""
    rules = list(rule_pack())

    def matches(rule: Rule, key: str) -> bool:
        key = key.strip()
        return rule.slug == key or rule.id.upper().startswith(key.upper()) or key.upper() == "ALL"

    for key in (select or []) + (ignore or []):
        if not any(matches(rule, key) for rule in rules):
            raise UsageError(f"unknown rule: {key} (see `crashlint rules`)")
    if select:
        rules = [r for r in rules if any(matches(r, k) for k in select)]
    if ignore:
        rules = [r for r in rules if not any(matches(r, k) for k in ignore)]
    return rules


def scan(
    paths: list[str],
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    exclude: list[str] | None = None,
    respect_gitignore: bool = True,
    config: Config | None = None,
    baseline: Counter | None = None,
    report_unused_suppressions: bool = False,
    in_project: bool = False,
    cache_dir: str | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    prefilter: bool | None = None,
) -> ScanResult:
    """Run the pipeline. `in_project`: the paths are files (pre-commit passes the changed ones);
    analyse the whole project around them, from the working directory, and report only on them."""
    config = config or Config()
    # as ruff: the command line's --select replaces the file's selection (its ignores included)
    rules = select_rules(select or config.select or None, (ignore or []) + ([] if select else config.ignore))
    only_paths = None
    if in_project and paths and all(Path(p).is_file() for p in paths):
        cwd = Path.cwd().resolve()
        only_paths = set()
        for p in paths:
            resolved = Path(p).resolve()
            only_paths.add(resolved.relative_to(cwd).as_posix() if cwd in resolved.parents else resolved.as_posix())
        paths = [str(cwd)]
    found = discover(paths, respect_gitignore=respect_gitignore and config.respect_gitignore,
                     exclude=(exclude or []) + config.exclude)
    result = ScanResult(root=found.root, rules=rules, notes=list(found.notes))
    if cache_dir is not None:
        cache_folder.prepare(cache_dir)  # ignored by git, tagged for backup tools
    run_cache = result_cache.open_run(  # src/crashlint/cache/results.py: the key covers every input
        cache_dir, found, rules=rules, config=config, baseline=baseline, report_unused=report_unused_suppressions,
        only_paths=only_paths, options={"prefilter": prefilter if prefilter is not None else _env_on("CRASHLINT_PREFILTER")},
    )
    if run_cache is not None and run_cache.restore(result):
        return result  # nothing that can change a finding changed since the last run
    to_parse, stubs = found.files, []
    # off by default: with every rule on it skips 0-12% of a real project's files and costs more
    # than it saves (README, Speed); `--prefilter` / CRASHLINT_PREFILTER=1 turn it on
    if prefilter if prefilter is not None else _env_on("CRASHLINT_PREFILTER"):
        filtered = run_prefilter(found.files, rules, found.root)  # src/crashlint/prefilter.py
        to_parse, stubs = filtered.keep, filtered.stubs
    result.files_skipped = len(stubs)
    facts = list(stubs)  # empty facts: their paths still resolve
    for parsed in load_facts(to_parse, cache_dir, jobs, progress, **(run_cache.facts_args(to_parse) if run_cache else {"root": found.root})):
        result.notes.extend(parsed.notes)
        if parsed.traceback:
            result.tracebacks.append(parsed.traceback)
        if parsed.facts is not None:
            facts.append(parsed.facts)
    result.files_scanned = len(found.files)
    manifests = read_manifests(found.root, {posixpath.dirname(f.path) for f in facts})
    project = Project(found.root, facts, manifests)
    result.sources = SourceCache(found.root)
    run = run_rules(rules, project, result.sources)
    filtered = apply_filters(
        run.findings, project, config, baseline=baseline, report_unused=report_unused_suppressions, only_paths=only_paths
    )
    result.findings = sorted(filtered.findings, key=Finding.sort_key)
    result.suppressed, result.baselined = filtered.suppressed, filtered.baselined
    result.notes.extend(filtered.notes)
    result.notes.extend(run.notes)
    result.tracebacks.extend(run.tracebacks)
    result.notes.sort()
    if run_cache is not None:
        run_cache.store(result)
    return result


def _env_on(name: str) -> bool:
    """`1`, `true`, `yes`, `on` (any case) turn a switch on; unset, `0`, `false`, `no`, `off` do not."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def at_or_above(findings: list[Finding], threshold: str) -> list[Finding]:
    return [f for f in findings if SEVERITY_RANK[f.severity] <= SEVERITY_RANK[threshold]]
