"""Pieces every fact extractor shares: spans, the scope sweep over query captures."""

from __future__ import annotations

import dataclasses
import re
from sys import intern
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from operator import attrgetter

import tree_sitter

from crashlint.facts.model import MODULE_SCOPE, Span


def constructor(cls):
    """A faster `cls(...)` for a frozen, slotted dataclass with no __post_init__: the generated
    __init__ of a frozen dataclass sets each field through object.__setattr__, a call per field;
    this sets the slots directly. Same fields, defaults, order and keywords; same objects."""
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or not all(f.init for f in fields):
        return cls
    namespace: dict = {"_new": object.__new__, "_cls": cls}
    params, body = [], []
    for f in fields:
        if f.default_factory is not dataclasses.MISSING:
            return cls
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})")
    source = f"def make({', '.join(params)}):\n    self = _new(_cls)\n" + "\n".join(body) + "\n    return self\n"
    exec(source, namespace)  # noqa: S102 - generated from the dataclass's own fields
    make = namespace["make"]
    make.__doc__ = f"{cls.__name__}(...), faster"
    return make


@cache
def _remaker(cls) -> tuple[dict[str, int], Callable, Callable]:
    names = [f.name for f in dataclasses.fields(cls)]
    return {name: i for i, name in enumerate(names)}, attrgetter(*names), constructor(cls)


def updated(obj, **changes):
    """`dataclasses.replace` for the frozen, slotted fact classes, several times faster (it
    validates each field and goes through `__init__`): the extractors update a function's facts at
    every `await` and `throw` in it (36,000 times on polar and novu)."""
    position, values_of, make = _remaker(obj.__class__)
    values = list(values_of(obj))
    for name, value in changes.items():
        values[position[name]] = value
    return make(*values)


def record_await(facts, scope: int, line: int, guarded: bool) -> None:
    """Count an `await` in its function, remembering the first one no `try`/`catch` guards."""
    function = facts.functions.get(scope)
    if function is None:
        return  # a top-level await
    unguarded = function.unguarded_await or (0 if guarded else line)
    facts.functions[scope] = updated(function, unguarded_await=unguarded, awaits=function.awaits + 1)


def span(node: tree_sitter.Node) -> Span:
    (sl, sc), (el, ec) = node.start_point, node.end_point
    return (sl + 1, sc + 1, el + 1, ec + 1)


def scope_id(node: tree_sitter.Node) -> int:
    return node.start_byte + 1


_SOURCE: list[bytes] = [b""]  # the file being extracted (one at a time per process)
WINDOW = 400  # bytes of an expression short_text looks at
INTERN_BYTES = 40


def text(node: tree_sitter.Node | None) -> str:
    if node is None:
        return ""
    whole = _SOURCE[0]
    if whole:  # slicing the file is cheaper than `node.text` (a memoryview copy per call)
        start, end = node.start_byte, node.end_byte
        if end - start <= INTERN_BYTES:  # names and short literals repeat: one string each (peak RSS)
            return intern(whole[start:end].decode("utf-8", "replace"))
        return whole[start:end].decode("utf-8", "replace")
    raw = node.text
    return "" if raw is None else raw.decode("utf-8", "replace")


SHORT_LIMIT = 72
_CHAIN_BREAK = re.compile(r"\s*\n\s*(?=[.?])")  # `axios\n  .create()` → `axios.create()`


def set_source(source: bytes) -> None:
    """Let short_text slice the file instead of copying whole nodes (a call whose argument is a
    500-line function would otherwise be decoded for every call inside it)."""
    _SOURCE[0] = source


def short_text(node: tree_sitter.Node) -> str:
    """The expression's source on one line, cut to a readable length (messages, subjects)."""
    start, end = node.start_byte, node.end_byte
    whole = _SOURCE[0]
    raw = whole[start : min(end, start + WINDOW)] if whole else (node.text or b"")[:WINDOW]
    source = raw.decode("utf-8", "replace")
    newline = source.find("\n")
    if newline < 0:  # one line: nothing for the chain regex to join
        first = source.rstrip()
        if len(first) > SHORT_LIMIT:
            return first[: SHORT_LIMIT - 1] + "…"
        return first if first == source and end - start <= WINDOW else first + " …"
    if source[newline + 1 :].lstrip()[:1] not in (".", "?"):
        # the first line break does not continue a chain, so the regex would leave the first line as is
        first = source[:newline].rstrip()
        return first[: SHORT_LIMIT - 1] + "…" if len(first) > SHORT_LIMIT else first + " …"
    source = _CHAIN_BREAK.sub("", source)
    if end - start > WINDOW and "\n" not in source:
        source += "\n"  # cut inside a long first line: still marked as continuing
    first = source.split("\n", 1)[0].rstrip()
    if len(first) > SHORT_LIMIT:
        return first[: SHORT_LIMIT - 1] + "…"
    return first if first == source else first + " …"


@cache
def kind_names(language: tree_sitter.Language) -> list[str | None]:
    """`node.type` by `node.kind_id` for the grammar's nodes: a list index instead of a new string
    per `.type` read (the extractors read a node's type about a million times on a large project).
    kind_id is the public symbol, whose name is the node's type; ERROR and its repeat are the two
    built-in ids at the top of the 16-bit range."""
    names: list[str | None] = [None] * 65536
    for kind in range(language.node_kind_count):
        names[kind] = language.node_kind_for_id(kind)
    names[65535] = "ERROR"
    names[65534] = language.node_kind_for_id(65534)
    return names


def node_key(node: tree_sitter.Node) -> tuple[int, int, int]:
    return (node.start_byte, node.end_byte, node.kind_id)


CLEANUP = "cleanup"  # what `sweep` yields as `guarded` for a node only a `finally` block encloses


def sweep(
    captures: dict[str, list[tree_sitter.Node]],
    scope_names: Iterable[str],
    statement_names: Iterable[str] = (),
    stop_names: Iterable[str] = (),
    guard_names: Iterable[str] = (),
    cleanup_names: Iterable[str] = (),
) -> Iterator[tuple[str, tree_sitter.Node, tuple[int, ...], tree_sitter.Node | None, bool | str]]:
    """Yield (capture name, node, enclosing scopes innermost-first, enclosing statement, guarded) in
    source order; `guarded` says a guard capture (a `try` body that has a `catch`) encloses the node
    inside its innermost scope. A `cleanup` capture (the `finally` of a `try` that has a `catch`)
    guards too, but says so: `guarded` is then the string "cleanup" (truthy), unless a guard
    capture also encloses the node (True): an await there is not reported in the function itself,
    yet can still reject the function's promise for its callers.

    Scopes (functions, classes) and statements come from the same query's captures, so what encloses
    each fact is known without walking parents (tree-sitter's `parent` is itself a walk from the
    root: a loop of them is cubic on a 5,000-link call chain): one sorted pass with a stack.
    The enclosing statement is the innermost captured statement inside the innermost scope, or None
    when a scope or a `stop` node (a bare block) is nearer. Statement and stop captures are not
    yielded, nor are guards.
    """
    scope_set, statement_set, stop_set = set(scope_names), set(statement_names), set(stop_names)
    cleanup_set = set(cleanup_names)
    guard_set = set(guard_names) | cleanup_set
    containers = scope_set | statement_set | stop_set | guard_set
    # (start, -end, not a container, name, position in the input, node): the position breaks ties
    # exactly as a stable sort on the first four would, and keeps nodes from being compared
    items: list[tuple] = []
    for name, nodes in captures.items():
        rank = 0 if name in stop_set else 1 if name in containers else 2
        first = len(items)
        items += [(node.start_byte, -node.end_byte, rank, name, first + i, node) for i, node in enumerate(nodes)]
    # containers sort before other captures at the same position so they enclose them, and a stop
    # (a Python block) before the one statement it holds when both have the same span, so that the
    # statement, not the block, is what encloses that statement's calls
    items.sort()
    # Each stack entry carries what a capture directly inside it sees, so a capture costs O(1):
    # (end_byte, scopes innermost-first, guarded, statement, top frame, frame under it); a frame is
    # (kind, node) of a non-guard container.
    base = (1 << 62, (MODULE_SCOPE,), False, None, None, None)
    stack: list[tuple] = [base]
    for start, neg_end, _, name, _, node in items:
        while stack[-1][0] <= start:
            stack.pop()
        top = stack[-1]
        if name in guard_set:
            guarded = (top[2] or CLEANUP) if name in cleanup_set else True
            stack.append((-neg_end, top[1], guarded, top[3], top[4], top[5]))
            continue
        if name in statement_set:
            statement = node
            outer = top[4]
            if (
                outer is not None
                and outer[0] == "statement"
                and node.type != "expression_statement"
                and outer[1].type == "export_statement"
            ):
                statement = outer[1]  # `export const x = …`: quote the export
            stack.append((-neg_end, top[1], top[2], statement, ("statement", node), outer))
            continue
        if name in stop_set:
            stack.append((-neg_end, top[1], top[2], None, ("stop", node), top[4]))
            continue
        scopes = top[1]
        yield name, node, scopes, top[3], top[2]
        if name in scope_set:
            stack.append((-neg_end, (scope_id(node),) + scopes, False, None, ("scope", node), top[4]))
