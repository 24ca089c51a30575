"""Rule kind `resource`: a client that needs a listener, a close, or an option.

Rule data (see rules/CL001_redis-client-unmanaged.toml):

    [[resources]]                 one entry per library
    library, languages, constructors (qualified names the construction's callee may denote)
    [[resources.needs]]           what the client needs; each missing need is one problem
    id, label, problem            (problem is jinja2: {{ subject }}, {{ library }})
    and one of:
      listener = ["error"]        an `.on(event, …)` anywhere in the project, on the client or an alias
      close = ["quit", …]         one of these methods called on it (Python: or a `with` block)
      option = "socket_timeout"   the construction passes this option (not None)
    optional for option needs:
      url_argument = 0            a string URL argument whose query may set the option
      or_options = ["connection_pool"]   another option that carries this one
      unless_version = {package = "redis", at_least = "8.0"}   the library's newer default covers it
"""

from __future__ import annotations

from crashlint.dependencies import lowest_version
from crashlint.engine.context import RuleContext
from crashlint.templating import render
from crashlint.findings import Finding, Related
from crashlint.rulepack import Rule, RulePackError

LISTENER_METHODS = ("on", "once", "addListener", "prependListener", "prependOnceListener")


def validate(rule: Rule) -> None:
    resources = rule.data.get("resources")
    if not isinstance(resources, list) or not resources:
        raise RulePackError(f"{rule.source}: a resource rule needs [[resources]]")
    for resource in resources:
        for key in ("library", "languages", "constructors", "needs"):
            if key not in resource:
                raise RulePackError(f"{rule.source}: resource {resource.get('library', '?')} lacks '{key}'")
        for need in resource["needs"]:
            kinds = [k for k in ("listener", "close", "option") if k in need]
            if len(kinds) != 1 or not {"id", "label", "problem"} <= need.keys():
                raise RulePackError(f"{rule.source}: need {need.get('id', '?')} must have id, label, problem and one of listener/close/option")


def methods(rule: Rule) -> set[str]:
    names: set[str] = set()
    for resource in rule.data["resources"]:
        for need in resource["needs"]:
            if "listener" in need:
                names.update(LISTENER_METHODS)
            names.update(need.get("close", ()))
    return names


def _version_covers(ctx: RuleContext, path: str, condition: dict) -> bool:
    declared = ctx.project.dependency(path, condition["package"])
    if declared is None:
        return False
    lowest = lowest_version(declared[0])
    wanted = lowest_version(condition["at_least"])
    return lowest is not None and wanted is not None and lowest >= wanted


def check(rule: Rule, ctx: RuleContext) -> list[Finding]:
    findings: list[Finding] = []
    by_name: dict[tuple[str, str], dict] = {}
    for resource in rule.data["resources"]:
        for language in resource["languages"]:
            for name in resource["constructors"]:
                by_name[(language, name)] = resource
    for path, facts in ctx.project.files.items():
        if not rule.applies_to(facts.language):
            continue
        for index, call in enumerate(facts.calls):
            if not call.callee:
                continue
            resource = next(
                (by_name[(facts.language, n)] for n in ctx.callee_names(facts, call) if (facts.language, n) in by_name),
                None,
            )
            if resource is None:
                continue
            finding = _check_construction(rule, ctx, facts, index, resource)
            if finding is not None:
                findings.append(finding)
    return findings


def _check_construction(rule, ctx: RuleContext, facts, index: int, resource: dict) -> Finding | None:
    call = facts.calls[index]
    subject = ctx.subject_name(facts, call)
    uses = ctx.uses_of(facts.path, index)
    options = None
    problems: list[str] = []
    labels: list[str] = []
    missing: list[str] = []
    related: list[Related] = []
    for need in resource["needs"]:
        satisfied = False
        if "listener" in need:
            events = set(need["listener"])
            satisfied = any(u.method in LISTENER_METHODS and u.first_arg in events for u in uses)
        elif "close" in need:
            closers = set(need["close"])
            satisfied = call.context_managed or any(u.method in closers for u in uses)
        else:
            if options is None:
                options = ctx.options(facts, call, int(resource.get("options_from", 0)))
            key = need["option"]
            if any(options.has(alt) for alt in need.get("or_options", ())):
                satisfied = True  # e.g. a connection_pool that carries its own timeouts
            elif options.has(key):
                satisfied = not options.is_none(key)
            elif options.unknown:
                satisfied = True  # cannot see the options: precision first
            url_position = need.get("url_argument")
            if not satisfied and url_position is not None and len(call.args) > url_position:
                url = call.args[url_position]
                satisfied = url.kind == "string" and f"{key}=" in url.text
            if not satisfied and "unless_version" in need:
                satisfied = _version_covers(ctx, facts.path, need["unless_version"])
        if not satisfied:
            missing.append(need["id"])
            labels.append(need["label"])
            problems.append(render(need["problem"], subject=subject, library=resource["library"]))
    if not problems:
        return None
    for use in uses:
        if use.path != facts.path:
            related.append(Related(ctx.location(use.path, (use.line, 1, use.line, 1)), f"`{subject}.{use.method}(…)` read here"))
    return ctx.finding(
        rule,
        facts,
        call,
        subject=subject,
        library=resource["library"],
        problems=problems,
        labels=labels,
        related=related[:10],
        context={"missing": " ".join(missing), "callee": ".".join(call.callee)},
    )
