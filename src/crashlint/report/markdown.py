"""`--format markdown`: the seed's crash-analysis report (SPEC §4), rendered with jinja2."""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
import time
from collections import OrderedDict
from datetime import datetime, timezone
from urllib.parse import quote
from dataclasses import dataclass

from crashlint.fences import fence_for, fenced
from crashlint.findings import SEVERITY_RANK, Finding
from crashlint.report import mermaid
from crashlint.report.common import CODE_FENCE_LANGUAGE, ReportInput
from crashlint.rulepack import Rule
from crashlint.report.snippets import statement_snippet
from crashlint.templating import compiled, render

BADGE = {"critical": ("🔴", "CRITICAL"), "high": ("🟠", "HIGH"), "medium": ("🟡", "MEDIUM"), "low": ("🔵", "LOW")}
MAX_SNIPPETS = 3  # snippets quoted in a grouped section; every location is still listed
MAX_SNIPPET_LINES = 12  # a longer statement (a 50-line worker) has its function bodies elided
MAX_GROUPED_LINES = 8  # each subject of a grouped section (CL002's workers)

TEMPLATE = """\
# Server Crash Analysis Report

{{ header }}
{% if not sections %}

No crash patterns found: {{ files }} file{{ "" if files == 1 else "s" }} scanned with {{ rule_ids }}.
{% else %}

{% if fixable %}
{{ fixable }}

{% endif %}
{% if services %}
{{ services }}

{% endif %}
{% if diagram %}
## What the Service Holds and What It Closes

{{ diagram }}

{% endif %}
{% for group in groups %}
{% if not loop.first %}

{% endif %}
## Critical Issues Found{{ group.heading }}
{% if group.diagram %}

What `{{ group.name }}` holds and what it closes on SIGTERM:

{{ group.diagram }}
{% endif %}
{% for s in group.sections %}

### {{ s.emoji }} **{{ s.label }} - {{ s.number }}: {{ s.title }}**

**Location:** {{ s.path }} ({{ s.lines }}){{ s.process }}
{% if s.fix %}

**Automatic fix:** {{ s.fix }}
{% endif %}
{% for snippet in s.snippets %}

{{ snippet }}
{% endfor %}
{% if s.more %}

… and {{ s.more }} more location{{ "" if s.more == 1 else "s" }} listed below.
{% endif %}

**Problems:**

{% for p in s.problems %}
- {{ p }}
{% endfor %}

**Impact:** {{ s.impact }}

---
{% endfor %}
{% endfor %}

## Recommended Fixes (Priority Order)
{% for fix in fixes %}

### Fix {{ loop.index }}: {{ fix.title }}{{ " (IMMEDIATE)" if fix.immediate else "" }}
{% for block in fix.blocks %}

{{ block }}
{% endfor %}
{% endfor %}

---

## Summary

{{ summary }}
{% endif %}
"""



@dataclass
class Section:
    number: int
    emoji: str
    label: str
    title: str
    path: str
    lines: str
    snippets: list[str]
    more: int
    problems: list[str]
    impact: str
    process: str = ""  # ", in server process `api` (`src/index.ts`)", or ""
    fix: str = ""  # "[*] <title>: `crashlint scan --fix`", or ""


def code_span(value: str) -> str:
    """`value` as an inline code span: fenced by one more backtick than its longest run (CommonMark §6.1)."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _code_spans(f: Finding, text: str) -> str:
    """`text` with each span `value` of a name the finding quotes from the code re-fenced when the value
    holds a backtick (a template literal: `fetch(`https://…`)`), where a one-backtick span would end early."""
    for value in {f.subject, *f.context.values()}:
        if isinstance(value, str) and "`" in value:
            text = text.replace(f"`{value}`", code_span(value))
    return text


def _line_range(f: Finding) -> str:
    loc = f.location
    return str(loc.start_line) if loc.start_line == loc.end_line else f"{loc.start_line}-{loc.end_line}"


def _snippet(data: ReportInput, f: Finding) -> str:
    """The statement the finding is about, as code that parses on its own (issue 16): the whole
    statement around the subject (a class member is quoted in its class, a statement head with its
    arguments), its long function bodies that do not hold the subject elided to `// …`."""
    loc = f.location
    info = _fence_info(f)
    if f.context.get("grouped"):  # a set of subjects: each one's statement, bodies elided
        places = [(loc.path, loc.start_line)] + [(r.location.path, r.location.start_line) for r in f.related]
        return fenced("\n\n".join(statement_snippet(data.sources, path, line, MAX_GROUPED_LINES) for path, line in places), info)
    return fenced(statement_snippet(data.sources, loc.path, loc.start_line, MAX_SNIPPET_LINES, loc.end_line), info)


def _fence_info(f: Finding) -> str:
    if f.location.path.endswith(".tsx"):
        return "tsx"
    return CODE_FENCE_LANGUAGE.get(f.language, "")


@dataclass
class Group:
    """The sections of one process (a monorepo's report), or of the whole report (one process)."""

    heading: str  # " in `api` (server process, entry …)", or "" for a report of one process
    name: str
    sections: list[Section]
    diagram: str = ""


def _process_of(f: Finding) -> tuple[str, str, str]:
    return (f.process[0], f.process[1], f.process[2]) if f.process else ("(no process)", "", "")


def _by_process(data: ReportInput) -> list[tuple[tuple[str, str, str], list[Finding]]]:
    """The findings of each process, worst process first (most severe finding, then most findings)."""
    rows: dict[tuple[str, str, str], list[Finding]] = {}
    for f in data.findings:
        rows.setdefault(_process_of(f), []).append(f)
    return sorted(rows.items(), key=lambda kv: (min(SEVERITY_RANK[f.severity] for f in kv[1]), -len(kv[1]), kv[0]))


def _groups(data: ReportInput, rules: dict[str, Rule], numbers: dict[str, int]) -> list[Group]:
    """One group of sections per process when the findings belong to more than one (a monorepo),
    each under its own heading with its diagram; else one group, the seed's flat list."""
    processes = _by_process(data)
    if len(processes) < 2:
        return [Group("", processes[0][0][0] if processes else "", _sections(data, data.findings, rules, 1))]
    groups = []
    number = 1
    for (name, kind, entry), members in processes:
        if entry:
            where = f"[{code_span(data.path(entry))}]({_link(data, entry, 0)})"
            heading = f" in {code_span(name)} ({kind} process, entry {where})" if kind else f" in {code_span(name)} (entry {where})"
        else:
            heading = " in files no process was found for"
        sections = _sections(data, members, rules, number)
        number += len(sections)
        diagram = _diagram(data, [f for f in members if f.process], numbers) if entry else ""
        groups.append(Group(heading, name, sections, diagram))
    return groups


def _sections(data: ReportInput, findings: list[Finding], rules: dict[str, Rule], first: int) -> list[Section]:
    groups: OrderedDict[tuple[str, str], list[Finding]] = OrderedDict()
    for f in findings:  # already in severity order
        groups.setdefault((f.rule_id, f.location.path), []).append(f)
    sections = []
    for number, ((rule_id, path), members) in enumerate(groups.items(), start=first):
        rule = rules[rule_id]
        emoji, label = BADGE[members[0].severity]
        if len(members) == 1:
            f = members[0]
            lines = ("Line " if f.location.start_line == f.location.end_line else "Lines ") + _line_range(f)
            problems = [_code_spans(f, problem) for problem in f.problems]
        else:
            lines = "Lines " + ", ".join(_line_range(f) for f in members)
            problems = [
                f"[Line {f.location.start_line}]({_link(data, f.location.path, f.location.start_line)}): {_code_spans(f, problem)}"
                for f in members for problem in f.problems
            ]
        sections.append(
            Section(
                number=number,
                emoji=emoji,
                label=label,
                title=rule.title,
                path=f"[{code_span(data.path(path))}]({_link(data, path, members[0].location.start_line, members[0].location.end_line if len(members) == 1 else 0)})",
                lines=lines,
                snippets=[_snippet(data, f) for f in members[:MAX_SNIPPETS]],
                more=max(0, len(members) - MAX_SNIPPETS),
                problems=problems,
                impact=rule.impact,
                process=_process(data, members[0]),
                fix=_fix_line(members),
            )
        )
    return sections


def _link(data: ReportInput, path: str, line: int, end: int = 0) -> str:
    """A link to the code, relative to the folder the report is written to (GitHub's line anchors)."""
    base = data.options.output_dir or os.getcwd()
    absolute = data.absolute(path)
    target = os.path.relpath(absolute, base) if os.path.isabs(absolute) else path
    anchor = (f"#L{line}" if line else "") + (f"-L{end}" if end and end != line else "")
    return quote(target.replace(os.sep, "/"), safe="/._-~") + anchor


def _fix_line(members: list[Finding]) -> str:
    fixes = [f.fix for f in members if f.fix is not None]
    if not fixes:
        return ""
    titles = list(dict.fromkeys(fix.title for fix in fixes))
    title = titles[0] if len(titles) == 1 else f"{len(fixes)} fixes"
    if all(fix.safe for fix in fixes):
        return f"[*] {title}: `crashlint scan --fix`"
    return f"{title} (unsafe): `crashlint scan --fix --unsafe-fixes`"


def _fixable(data: ReportInput) -> str:
    safe = sum(1 for f in data.findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in data.findings if f.fix is not None and not f.fix.safe)
    if not safe and not unsafe:
        return ""
    text = f"[*] {safe} of {len(data.findings)} findings fixable with `crashlint scan --fix`" if safe else \
        f"{unsafe} of {len(data.findings)} findings fixable with `crashlint scan --fix --unsafe-fixes`"
    if safe and unsafe:
        text += f"; {unsafe} more with `crashlint scan --fix --unsafe-fixes`"
    return text + " (`--diff` shows the change first)."


def _services(data: ReportInput) -> str:
    """With more than one process: a table of them (process × severity × fixable), worst first."""
    order = _by_process(data)
    if len(order) < 2:
        return ""
    lines = ["| process | kind | entry | 🔴 critical | 🟠 high | 🟡 medium | [*] fixable | unsafe fixes |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for (name, kind, entry), members in order:
        count = {sev: sum(1 for f in members if f.severity == sev) for sev in ("critical", "high", "medium")}
        safe = sum(1 for f in members if f.fix is not None and f.fix.safe)
        unsafe = sum(1 for f in members if f.fix is not None and not f.fix.safe)
        where = f"[{code_span(data.path(entry))}]({_link(data, entry, 0)})" if entry else ""
        lines.append(f"| {code_span(name)} | {kind} | {where} | {count['critical']} | {count['high']} | "
                     f"{count['medium']} | {safe} | {unsafe} |")
    return "\n".join(lines)


def _header(data: ReportInput) -> str:
    commit = _commit(data.root or os.getcwd())
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")  # reproducible builds' convention: a fixed date
    when = datetime.fromtimestamp(int(epoch) if epoch.isdigit() else time.time(), timezone.utc).strftime("%Y-%m-%d")
    files = f"{data.files_scanned} file{'' if data.files_scanned == 1 else 's'} scanned"
    return f"crashlint {data.version} · commit {code_span(commit) if commit else '(not a git checkout)'} · {when} · {files}"


def _commit(folder: str) -> str:
    """The short git HEAD of the checkout holding `folder` ("" when none, or git is missing)."""
    try:
        done = subprocess.run(["git", "-C", folder, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _process(data: ReportInput, f: Finding) -> str:
    if not f.process:
        return ""
    name, kind, entry, how = f.process
    guess = " (no entry point found: judged by its path)" if how == "path" else ""
    return f", in {kind} process {code_span(name)} ({code_span(data.path(entry))}){guess}"


def _fix_item(f: Finding, path: str) -> dict:
    ctx = dict(f.context)
    return {
        **ctx,
        "missing": ctx.get("missing", "").split(),
        "path": path,
        "line": f.location.start_line,
        "call": ctx.get("call", f.subject),
    }


# needs a process's one graceful shutdown resolves (crashlint.fix.shutdown): a finding's template
# is rendered without them when its process has that shutdown, so that no second handler is offered
PLAN_NEEDS = frozenset({"close", "bound", "unhandledRejection", "uncaughtException", "error-middleware"})
CLOSE_CALL = r"\.(?:quit|disconnect|close|end)\("
# rules whose fix template registers a SIGTERM handler (CL002's gracefulShutdown, CL012's server
# close): a finding whose process has a handler already (its one graceful shutdown, or an earlier
# finding's) joins it instead (the template's `joins`: "Fix N")
HANDLER_RULES = ("CL002", "CL012")


def _process_key(f: Finding) -> str:
    return f.process[2] if f.process else f.location.path


def _plans(data: ReportInput) -> OrderedDict[str, tuple[str, tuple]]:
    """Each process's one graceful shutdown (title, plan), by process key, in finding order."""
    plans: OrderedDict[str, tuple[str, tuple]] = OrderedDict()
    for f in data.findings:
        if f.fix is not None and f.fix.plan:
            plans.setdefault(_process_key(f), (f.fix.plan_title, f.fix.plan))
    return plans


def _plan_text(plan: tuple) -> str:
    return "\n".join(e.text for _, edits in plan for e in edits)


def _covered(f: Finding, plans: dict[str, tuple[str, tuple]]) -> tuple[bool, list[str]]:
    """(skip the finding in its rule's template, the needs left for the template) given the shutdowns."""
    missing = f.context.get("missing", "").split()
    plan = plans.get(_process_key(f))
    if plan is None:
        return False, missing
    if f.fix is not None and f.fix.plan:
        if not f.fix.resolves or f.rule_id == "CL002":
            return True, missing  # the whole finding: a server or workers closed on SIGTERM
        left = [m for m in missing if not (m in PLAN_NEEDS and m in f.fix.resolves)]
        return bool(missing) and not left, left  # (a finding that only carries the edits keeps its own fix)
    if "close" in missing and re.search(r"(?<![\w$.])" + re.escape(f.subject) + CLOSE_CALL, _plan_text(plan[1])):
        missing = [m for m in missing if m != "close"]  # a client the shutdown closes
        return not missing, missing
    return False, missing


def _plan_code(data: ReportInput, plan: tuple, comment: str) -> str:
    """The shutdown's edits as one block: each insertion under a comment naming where it goes; an
    insertion into a line (`export `, `const server = `) as a comment showing that line after it."""
    parts: list[str] = []
    for path, edits in plan:
        try:
            source = data.sources.tree.read(path)  # the file as scanned: the edits' offsets are in it
        except OSError:
            source = b""
        shown = data.path(path)
        for e in sorted(edits, key=lambda e: (e.start, e.order)):
            line = source[: e.start].count(b"\n") + 1
            head = source[source.rfind(b"\n", 0, e.start) + 1 : e.start].decode("utf-8", "replace")
            stop = source.find(b"\n", e.end)
            rest = source[e.end : stop if stop >= 0 else len(source)].decode("utf-8", "replace").rstrip("\r")
            text = e.text.replace("\r\n", "\n")
            if rest.strip() and "\n" not in text.strip():  # a few words into an existing line
                after = (head + text + rest).strip()
                after = after if len(after) <= 100 else after[:99] + "…"
                parts.append(f"{comment} {shown}:{line}: {after}")
                continue
            where = ""
            if rest.strip():  # statements put before a line (into an existing handler, when indented)
                before = rest.strip() if len(rest.strip()) <= 60 else rest.strip()[:59] + "…"
                where = f"{', in the existing handler' if head.strip() == '' and head else ''}, before `{before}`"
                text = (head if not head.strip() else "") + text
            body = textwrap.dedent(text.strip("\n")).rstrip()
            parts.append(f"\n{comment} {shown}:{line}{where}\n{body}\n")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(parts)).strip("\n")


def _plan_language(data: ReportInput, plan: tuple) -> str:
    home = plan[0][0]
    if home.endswith(".tsx"):
        return "tsx"
    if home.endswith(".py"):
        return "python"
    return "typescript" if home.endswith((".ts", ".mts", ".cts")) else "javascript"


def _fixes(data: ReportInput, rules: dict[str, Rule]) -> list[dict]:
    """One fix per rule, covering all its findings; a process's one graceful shutdown once, after the
    first rule whose findings it closes, and none of the handlers the rules' own templates would add."""
    plans = _plans(data)
    names = {_process_key(f): f.process[0] for f in data.findings if f.process}
    by_rule: OrderedDict[str, list[Finding]] = OrderedDict()
    for f in sorted(data.findings, key=lambda f: (SEVERITY_RANK[f.severity], f.rule_id)):
        by_rule.setdefault(f.rule_id, []).append(f)
    fixes = []
    shown: set[str] = set()
    # process key -> the fix holding its SIGTERM handler: its one graceful shutdown, or the first
    # handler a rule's template writes for it
    handlers: dict[str, str] = {key: f"\0{key}\0" for key in plans}  # "Fix N" once the shutdown's N is known
    for rule_id, members in by_rule.items():
        rule = rules[rule_id]
        immediate = bool(rule.data.get("report", {}).get("immediate"))
        blocks = []
        for language in ("typescript", "javascript", "python"):
            template = rule.fix_template(language)
            if template is None:
                continue
            items = []
            for f in members:
                if f.language != language:
                    continue
                skip, missing = _covered(f, plans)
                if skip:
                    continue
                item = {**_fix_item(f, data.path(f.location.path)), "missing": missing, "joins": ""}
                if rule_id in HANDLER_RULES:
                    key = _process_key(f)
                    if key in handlers:
                        item["joins"] = handlers[key]
                    else:
                        handlers[key] = f"Fix {len(fixes) + 1}"  # this rule's fix, appended next
                items.append(item)
            if not items:
                continue
            try:
                code = render(template, findings=items, ts=language == "typescript")
            except Exception as exc:  # noqa: BLE001 - a bug in the rule pack (a jinja2 error) must not break the report
                comment = "#" if language == "python" else "//"
                code = f"{comment} (the fix template of {rule_id} failed: {exc})"
            if code:
                blocks.append(fenced(code, CODE_FENCE_LANGUAGE[language]))
        if blocks:
            # IMMEDIATE: what stops a crash or a hang now, as the rule pack says (the seed's fixes 1-3)
            fixes.append({"title": rule.fix_title, "immediate": immediate, "blocks": blocks})
        for f in members:  # then the shutdowns of the processes whose closes this rule's findings need
            key = _process_key(f)
            touched = (f.fix is not None and bool(f.fix.plan)) or _covered(f, plans)[1] != f.context.get("missing", "").split()
            if touched and key in plans and key not in shown:
                shown.add(key)
                title, plan = plans[key]
                language = _plan_language(data, plan)
                code = _plan_code(data, plan, "#" if language == "python" else "//")
                where = f" (process {code_span(names[key])})" if len(plans) > 1 and key in names else ""
                fixes.append({"title": title + where, "immediate": immediate, "blocks": [fenced(code, language)],
                              "process": key})
    for number, fix in enumerate(fixes, start=1):
        if fix.get("process") is not None:
            mark = f"\0{fix['process']}\0"
            for other in fixes:
                other["blocks"] = [b.replace(mark, f"Fix {number}") for b in other["blocks"]]
    return fixes


def _diagram(data: ReportInput, findings: list[Finding], numbers: dict[str, int]) -> str:
    """A Mermaid picture of what one process holds and what it closes on SIGTERM ("" when the
    findings name nothing it holds)."""
    if not findings:
        return ""
    key = _process_key(findings[0])
    process = _process_of(findings[0]) if findings[0].process else ("service", "", "")
    plan = _plans(data).get(key)
    items = mermaid.held(findings, _plan_text(plan[1]) if plan else "")
    code = mermaid.flowchart(process, items, numbers.get(key, 0), data.path)
    return fenced(code, "mermaid") if code else ""


def _summary(data: ReportInput, rules: dict[str, Rule]) -> str:
    seen: OrderedDict[str, Rule] = OrderedDict()
    for f in data.findings:
        seen.setdefault(f.rule_id, rules[f.rule_id])
    top = min(SEVERITY_RANK[r.severity] for r in seen.values())
    worst = [r.summary for r in seen.values() if SEVERITY_RANK[r.severity] == top]
    rest = [r.summary for r in seen.values() if SEVERITY_RANK[r.severity] != top]

    def join(items: list[str]) -> str:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

    files = len({f.location.path for f in data.findings})
    processes = sorted({f.process[0] for f in data.findings if f.process})
    if len(processes) > 1:
        names = ", ".join(code_span(p) for p in processes[:8]) + (f" and {len(processes) - 8} more" if len(processes) > 8 else "")
        subject = f"These {len(processes)} services ({names}) are"
    else:
        subject = "This service is"
    text = f"{subject} at risk of crashing or hanging because of {join([f'**{w}**' for w in worst])}."
    if rest:
        text += f" Combined with {join(rest)}, {'they become' if len(processes) > 1 else 'the server becomes'} unstable under load and over time."
    text += (
        f" crashlint found {len(data.findings)} issue{'s' if len(data.findings) != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''}; applying the fixes above in order removes these crash paths."
    )
    return text


def render_markdown(data: ReportInput, color: bool = False) -> str:
    rules = {r.id: r for r in data.rules}
    fixes = _fixes(data, rules) if data.findings else []
    numbers = {f["process"]: n for n, f in enumerate(fixes, start=1) if f.get("process")}  # the shutdown fixes
    groups = _groups(data, rules, numbers) if data.findings else []
    single = len(groups) == 1
    return compiled(TEMPLATE).render(
        sections=[s for g in groups for s in g.sections],
        groups=groups,
        diagram=_diagram(data, data.findings, numbers) if single else "",
        header=_header(data),
        fixable=_fixable(data),
        services=_services(data),
        fixes=fixes,
        summary=_summary(data, rules) if data.findings else "",
        files=data.files_scanned,
        rule_ids=", ".join(r.id for r in data.rules) or "no rules",
    ).rstrip("\n") + "\n"
