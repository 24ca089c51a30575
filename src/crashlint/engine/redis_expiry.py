"""Rule kind `redis-expiry`: a non-atomic read-then-write with expiry on one Redis key (CL007).

Rule data (see rules/CL007_redis-non-atomic-expiry.toml):

    [[clients]]   library, languages, constructors: what makes a Redis client
    [commands]    read = ["get"], write = ["set"], increment = ["incr", …],
                  expiring_writes = ["setex"] (writes that always set a TTL and have no NX form),
                  existence = ["exists"] (reads whose only purpose is the check: racy without increment),
                  expiry = ["EX", "PX", …] (string arguments, option keys or keywords that set a TTL),
                  only_if_missing = ["NX"] (the atomic form)
    [problems]    race, no_ttl (jinja2: {{ subject }}, {{ client }}, {{ read }}, {{ write }}, {{ increment }})

Within one function, calls on the same client and the same key expression are one flow. A counter
flow — a `get`, then a `set … EX` without `NX`, then an increment — is a check-then-set race, and the
increment can recreate an expired key with no TTL. Without the increment it is cache-aside (read,
compute, write the same value), whose race is harmless, and it is not reported.
"""

from __future__ import annotations

from crashlint.engine.context import ConstructorIndex, RuleContext
from crashlint.facts.model import Call, FileFacts, plain_name
from crashlint.findings import Finding
from crashlint.project import Target
from crashlint.rulepack import Rule, RulePackError
from crashlint.templating import render


def validate(rule: Rule) -> None:
    for key in ("clients", "commands", "problems"):
        if key not in rule.data:
            raise RulePackError(f"{rule.source}: a redis-expiry rule needs [{key}]")


def methods(rule: Rule) -> set[str]:
    return set()


def _flags(call: Call) -> set[str]:
    """Upper-cased flags a Redis call passes: `"EX"` strings, `{ EX: 60 }` keys, `ex=60` keywords."""
    flags = {a.text.upper() for a in call.args if a.kind == "string"}
    for arg in call.args:
        if arg.kind == "object":
            flags |= {k.upper() for k, v in zip(arg.keys, arg.values) if v.kind not in ("none",) and v.text.lower() != "false"}
    flags |= {k.upper() for k, v in call.keywords if v.kind != "none" and v.text not in ("False",)}
    return flags


def _key(call: Call) -> str | None:
    if not call.args:
        return None
    key = call.args[0]
    if key.kind == "ref":
        return ".".join(key.path)
    if key.kind == "string":
        return key.text
    return None


def check(rule: Rule, ctx: RuleContext) -> list[Finding]:
    commands = rule.data["commands"]
    read, write, increment = set(commands["read"]), set(commands["write"]), set(commands["increment"])
    write |= set(commands.get("expiring_writes", ()))
    expiry = {e.upper() for e in commands["expiry"]}
    atomic = {e.upper() for e in commands["only_if_missing"]}
    interesting = read | write | increment
    index = ConstructorIndex(rule.data["clients"])
    languages = set(rule.languages)
    # the calls of each file that may use a key (no derived question: asked first, the model's
    # questions come in the same order); a finding lies at them: --in-project, the focus files'
    candidates = ctx.parts(("redis-key-calls", rule.id), lambda path, facts: [c for c in facts.calls if c.method in interesting and len(c.callee) >= 2],
                           lambda path, facts: rule.applies_to(facts.language, ctx.role(path)), keep=False, focus=True)
    if not candidates and ctx.focus is not None:
        return []
    clients = {Target("call", path=f.path, index=i): entry for f, i, entry in ctx.constructions(index, languages, rule.roles, rule.id)}
    if not clients:
        return []
    findings: list[Finding] = []
    for path, calls in candidates.items():
        facts = ctx.project.files[path]
        ctx.current_path = path
        flows: dict[tuple, list[tuple[Call, Target]]] = {}
        for call in calls:  # type: ignore[union-attr]
            key = _key(call)
            if key is None:
                continue
            for target in ctx.project.resolve(path, call.scopes, call.callee[:-1]):
                if target in clients:
                    flows.setdefault((call.scopes[0], target, key), []).append((call, target))
                    break
        for (_, target, key), calls in flows.items():
            calls.sort(key=lambda item: item[0].span)
            finding = _check_flow(rule, ctx, facts, key, [c for c, _ in calls], read, write, increment, expiry, atomic)
            if finding is not None:
                findings.append(finding)
    ctx.current_path = None
    return findings


def _check_flow(rule, ctx: RuleContext, facts: FileFacts, key: str, calls: list[Call], read, write, increment, expiry, atomic) -> Finding | None:
    always_expiring = set(rule.data["commands"].get("expiring_writes", ()))
    first_read = next((c for c in calls if c.method in read), None)
    if first_read is None:
        return None
    racy_write = next(
        (
            c for c in calls
            if c.method in write and c.span > first_read.span
            and (c.method in always_expiring or _flags(c) & expiry) and not _flags(c) & atomic
        ),
        None,
    )
    if racy_write is None:
        return None
    client = ".".join(first_read.callee[:-1])
    values = {"subject": key, "client": client, "read": first_read.method, "write": racy_write.method}
    later_increment = next((c for c in calls if c.method in increment and c.span > first_read.span), None)
    if first_read.method in set(rule.data["commands"].get("existence", ())):
        if _only_when_present(facts, first_read, racy_write):
            return None  # `if (!(await r.exists(k))) throw …; … r.set(k, v, "EX", t)`: updates a key that exists
        # exists … set EX: "only if missing", done in two steps (dedupe, locks, one-time codes)
        problems = [render(rule.data["problems"]["exists_race"], **values)]
    elif later_increment is None:
        return None  # get … set EX alone is cache-aside: a benign race that writes the same value
    else:
        problems = [render(rule.data["problems"]["race"], **values)]
    if later_increment is not None:
        problems.append(render(rule.data["problems"]["no_ttl"], increment=later_increment.method, **values))
    end = max(racy_write.stmt_span, (later_increment.stmt_span if later_increment else racy_write.stmt_span))
    location = ctx.location(facts.path, (first_read.stmt_span[0], first_read.stmt_span[1], end[2], end[3]))
    return Finding.of_rule(
        rule, facts.language, location, key, render(rule.message, **values), problems,
        context={**values, "increment": later_increment.method if later_increment else "",
                 # where the fix (crashlint.fix.redis_expiry) edits: the racy write and the increment
                 "write_at": _at(racy_write), "increment_at": _at(later_increment) if later_increment else ""},
        line_text=ctx.sources.line(facts.path, first_read.span[0]).strip(),
    )


def _only_when_present(facts: FileFacts, check: Call, write: Call) -> bool:
    """Whether `write` runs only when `check` (an `exists`) found the key: inside an `if` that runs
    when it did (`if (await r.exists(k)) { … set … }`), or after one that leaves the function when it
    did not (`if (!(await r.exists(k))) throw …`, `if (exists === 0) return`). Such a write updates a
    key that is already there; it is not "set only if missing", and `SET … NX` would make it fail."""
    index = next((i for i, c in enumerate(facts.calls) if c is check), -1)
    if index < 0:
        return False
    bound = {plain_name(d.name) for d in facts.decls if d.value.kind == "call" and d.value.call == index and d.scope in check.scopes}
    for tested, name, scopes, truthy, span, exits in facts.gates:
        if not (tested == index or (tested < 0 and name in bound and check.scopes[0] in scopes)):
            continue
        start, end = (span[0], span[1]), (span[2], span[3])
        if truthy and start <= (write.span[0], write.span[1]) and (write.span[2], write.span[3]) <= end:
            return True
        if not truthy and exits and (write.span[0], write.span[1]) > end:
            return True
    return False


def _at(call: Call) -> str:
    """A call's span as the fix reads it back: start row, column, end row, column (1-based)."""
    return "\t".join(str(n) for n in call.span)
