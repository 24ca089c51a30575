"""The filter stage (SPEC §9): configuration, inline suppressions, baseline — after the rules, so
a suppressed or baselined finding is still computed the same way and only hidden."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace

from crashlint.config import Config
from crashlint.discover import UsageError
from crashlint.findings import Finding, Note
from crashlint.project import Project

BASELINE_VERSION = 1


@dataclass
class Filtered:
    findings: list[Finding]
    notes: list[Note] = field(default_factory=list)
    suppressed: list[tuple[Finding, str]] = field(default_factory=list)  # with the comment's reason
    baselined: int = 0


def apply_filters(
    findings: list[Finding],
    project: Project,
    config: Config,
    *,
    baseline: Counter | None = None,
    report_unused: bool = False,
    only_paths: set[str] | None = None,
) -> Filtered:
    result = Filtered([])
    per_path: list[tuple] = []
    if config.per_path_ignores:  # pathspec is imported only then: 35 ms a scan (the commit path's discovery is cached)
        import pathspec

        per_path = [(pathspec.GitIgnoreSpec.from_lines([glob]), set(rules)) for glob, rules in config.per_path_ignores.items()]
    used: set[tuple[str, int]] = set()
    for finding in findings:
        path = finding.location.path
        if only_paths is not None and path not in only_paths:
            continue
        if any(spec.match_file(path) and _named(finding, rules) for spec, rules in per_path):
            continue
        severity = config.severity.get(finding.rule_id) or config.severity.get(finding.slug)
        if severity:
            finding = replace(finding, severity=severity)
        facts = project.files.get(path)
        covering = [s for s in (facts.suppressions if facts else []) if s.covers(finding.rule_id, finding.slug, finding.location.start_line)]
        if covering:
            used.update((path, s.directive_line) for s in covering)
            result.suppressed.append((finding, next((s.reason for s in covering if s.reason), "")))
            continue
        if baseline is not None and baseline[finding.fingerprint] > 0:
            baseline[finding.fingerprint] -= 1
            result.baselined += 1
            continue
        result.findings.append(finding)
    if report_unused:
        for path, facts in project.files.items():
            if only_paths is not None and path not in only_paths:
                continue
            for suppression in facts.suppressions:
                if (path, suppression.directive_line) not in used:
                    names = ", ".join(suppression.rules) or "every rule"
                    result.notes.append(
                        Note(path, f"unused suppression ({names}): nothing is reported there", line=suppression.directive_line)
                    )
    return result


def _named(finding: Finding, rules: set[str]) -> bool:
    return "ALL" in {r.upper() for r in rules} or finding.rule_id in rules or finding.slug in rules or any(
        finding.rule_id.startswith(r.upper()) for r in rules if r.upper().startswith("CL")
    )


def read_baseline(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        entries = data["findings"]
        return Counter(str(entry["fingerprint"]) for entry in entries)
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError):
        raise UsageError(f"{path} is not a crashlint baseline (expected {{\"findings\": [{{\"fingerprint\": …}}]}})") from None


def baseline_text(findings: list[Finding]) -> str:
    entries = [
        {"rule": f.rule_id, "path": f.location.path, "subject": f.subject, "fingerprint": f.fingerprint}
        for f in findings
    ]
    return json.dumps({"version": BASELINE_VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"
