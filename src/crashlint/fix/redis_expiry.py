"""CL007's fix: a Redis counter created with its TTL atomically.

The engine reports `get` → `set … EX` (no `NX`) → an increment of one key on one client, with the
spans of the write and the increment (context `write_at`, `increment_at`). Two edits:

- the write gets `NX` (`"NX"` among ioredis's string flags, `NX: true` in node-redis's options
  object, `nx=True` for redis-py): a second request that also read "missing" no longer resets what
  the first counted;
- the increment becomes one transaction that creates the key with its TTL if it is missing, then
  increments it: `client.multi().set(key, 0, "EX", ttl, "NX").incrby(key, n).exec()` (ioredis,
  node-redis), `client.pipeline().set(key, 0, ex=ttl, nx=True).incr(key).execute()[1]` (redis-py;
  `pipeline()` is a MULTI/EXEC transaction by default, and `[1]` is the increment's reply, so the
  value is kept). An expired key can no longer be recreated by the increment without a TTL.

The set's arguments are copied from the write itself (its TTL expression, its value), so nothing is
guessed. In JavaScript the increment's value must be unused: ioredis's `exec()` resolves to
`[error, reply]` pairs where the increment rejected, so a value-preserving rewrite would change how
errors surface; such a counter gets no fix. Unsafe: it changes the commands sent (and needs the
increment to run in a transaction), to be reviewed.
"""

from __future__ import annotations

from crashlint.findings import Edit, Finding, Fix
from crashlint.fix.shutdown import SourceFile, _digest, _parse, _position, _py_parse
from crashlint.parse import error_nodes
from crashlint.templating import render

CALLS = ("call_expression", "call")
ARGUMENTS = ("arguments", "argument_list")
FUNCTIONS = ("arrow_function", "function_expression", "function", "lambda")


def _span(text: str) -> tuple[int, int, int, int] | None:
    parts = text.split("\t")
    return tuple(int(p) for p in parts) if len(parts) == 4 and all(p.isdigit() for p in parts) else None  # type: ignore[return-value]


def _call_at(file: SourceFile, span: tuple[int, int, int, int]):
    """The call whose span is exactly `span` (1-based rows and byte columns)."""
    start, end = (span[0] - 1, span[1] - 1), (span[2] - 1, span[3] - 1)
    node = file.tree.root_node.descendant_for_point_range(start, end)
    while node is not None and not (node.type in CALLS and node.start_point == start and node.end_point == end):
        node = node.parent
    return node


def _parts(file: SourceFile, call):
    """(client text, method, arguments node, argument nodes) of `client.method(…)`, or None."""
    function = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    if function is None or args is None or args.type not in ARGUMENTS:
        return None
    if function.type == "member_expression":
        owner, method = function.child_by_field_name("object"), function.child_by_field_name("property")
    elif function.type == "attribute":
        owner, method = function.child_by_field_name("object"), function.child_by_field_name("attribute")
    else:
        return None
    if owner is None or method is None:
        return None
    values = [c for c in args.named_children if c.type != "comment"]
    if any(v.type in ("spread_element", "list_splat", "dictionary_splat") or v.type in FUNCTIONS for v in values):
        return None  # unknown arguments, or a callback (ioredis's last-argument callback)
    return file.text(owner), file.text(method), args, values


def _nx_edit(file: SourceFile, values: list, table: dict, python: bool, quote: str) -> Edit | None:
    """The insertion that adds NX to the write's arguments."""
    if not values:
        return None
    if "nx" in {file.text(v).split("=", 1)[0].strip().strip("'\"").lower() for v in values} or any(
            v.type == "object" and b"NX" in file.source[v.start_byte:v.end_byte] for v in values):
        return None  # `nx=False`, `{ NX: false }`: a choice of the code's, and a second one would not compile
    if python:
        return Edit(values[-1].end_byte, values[-1].end_byte, ", " + table["python_nx"])
    for value in values:
        if value.type == "object":  # node-redis: set(key, value, { EX: ttl })
            members = [c for c in value.named_children if c.type != "comment"]
            if not members:
                return None
            return Edit(members[-1].end_byte, members[-1].end_byte, ", " + table["javascript_nx_option"])
    return Edit(values[-1].end_byte, values[-1].end_byte, ", " + render(table["javascript_nx_flag"], q=quote))


def _inside(file: SourceFile, args, edit: Edit) -> str:
    """The text between the parentheses of `args`, with `edit` (an insertion inside it) applied."""
    start, end = args.start_byte + 1, args.end_byte - 1
    text = file.source[start:edit.start] + edit.text.encode("utf-8") + file.source[edit.start:end]
    return text.decode("utf-8")


def _value_used(call) -> tuple[bool, object]:
    """(whether the increment's value is used, the node to replace: the call, or its `await`)."""
    node = call
    if node.parent is not None and node.parent.type == "await":  # Python's await is a node "await"
        node = node.parent
    elif node.parent is not None and node.parent.type == "await_expression":
        node = node.parent
    parent = node.parent
    return not (parent is not None and parent.type == "expression_statement"), node


def attach_redis_expiry_fixes(findings: list[Finding], rules, root: str) -> None:
    rule = next((r for r in rules if r.id == "CL007"), None)
    table = rule.data.get("atomic_fix") if rule is not None else None
    if not table:
        return
    files: dict[str, SourceFile | None] = {}
    for finding in findings:
        if finding.rule_id != "CL007" or finding.fix is not None or finding.location.path.startswith(("/", "../")):
            continue
        write_at, increment_at = _span(finding.context.get("write_at", "")), _span(finding.context.get("increment_at", ""))
        if write_at is None or increment_at is None:
            continue  # `exists` → `set … EX`: the fix is to act on SET NX's reply, which is the code's to decide
        path = finding.location.path
        python = finding.language == "python"
        if path not in files:
            file = _py_parse(root, path) if python else _parse(root, path)
            if file is not None and any(True for _ in error_nodes(file.tree.root_node)):
                file = None
            files[path] = file
        file = files[path]
        if file is None:
            continue
        write, increment = _call_at(file, write_at), _call_at(file, increment_at)
        if write is None or increment is None:
            continue
        write_parts, increment_parts = _parts(file, write), _parts(file, increment)
        if write_parts is None or increment_parts is None or write_parts[0] != increment_parts[0]:
            continue
        client, _, write_args, write_values = write_parts
        _, method, increment_args, _ = increment_parts
        quote = "'" if file.source.count(b"'") > file.source.count(b'"') else '"'
        nx = _nx_edit(file, write_values, table, python, quote)
        if nx is None:
            continue
        used, target = _value_used(increment)
        values = dict(client=client, set_args=_inside(file, write_args, nx), increment=method,
                      increment_args=file.text(increment_args)[1:-1], used=used)
        if python:
            chain = render(table["python"], **values).strip()
            if target is not increment:  # `await r.incr(k)` (redis.asyncio): await the transaction
                chain = f"(await {chain})" if used else f"await {chain}"
            if used:
                chain += table["python_reply"]
        else:
            if used:
                continue  # exec()'s [error, reply] pairs: see the module's docstring
            chain = render(table["javascript"], **values).strip()
            if target is not increment:
                chain = f"await {chain}"
        edits = (nx, Edit(target.start_byte, target.end_byte, chain))
        finding.fix = Fix(
            title=render(table["title"], **values, subject=finding.subject),
            safe=bool(table.get("safe", False)),
            edits=edits,
            regions=tuple((*_position(file.source, e.start), *_position(file.source, e.end)) for e in edits),
            digest=_digest(file.source),
        )
