"""Pieces every fact extractor shares: spans, the scope sweep over query captures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

import tree_sitter

from crashlint.facts.model import MODULE_SCOPE, Span



def record_await(facts, scope: int, line: int, guarded: bool) -> None:
    """Count an `await` in its function, remembering the first one no `try`/`catch` guards."""
    function = facts.functions.get(scope)
    if function is None:
        return  # a top-level await
    unguarded = function.unguarded_await or (0 if guarded else line)
    facts.functions[scope] = replace(function, unguarded_await=unguarded, awaits=function.awaits + 1)


def span(node: tree_sitter.Node) -> Span:
    (sl, sc), (el, ec) = node.start_point, node.end_point
    return (sl + 1, sc + 1, el + 1, ec + 1)


def scope_id(node: tree_sitter.Node) -> int:
    return node.start_byte + 1


def text(node: tree_sitter.Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


SHORT_LIMIT = 72
_CHAIN_BREAK = re.compile(r"\s*\n\s*(?=[.?])")  # `axios\n  .create()` → `axios.create()`


_SOURCE: list[bytes] = [b""]  # the file being extracted (one at a time per process)
WINDOW = 400  # bytes of an expression short_text looks at


def set_source(source: bytes) -> None:
    """Let short_text slice the file instead of copying whole nodes (a call whose argument is a
    500-line function would otherwise be decoded for every call inside it)."""
    _SOURCE[0] = source


def short_text(node: tree_sitter.Node) -> str:
    """The expression's source on one line, cut to a readable length (messages, subjects)."""
    start, end = node.start_byte, node.end_byte
    raw = _SOURCE[0][start : min(end, start + WINDOW)] if _SOURCE[0] else (node.text or b"")[:WINDOW]
    source = _CHAIN_BREAK.sub("", raw.decode("utf-8", "replace"))
    if end - start > WINDOW and "\n" not in source:
        source += "\n"  # cut inside a long first line: still marked as continuing
    first = source.split("\n", 1)[0].rstrip()
    if len(first) > SHORT_LIMIT:
        return first[: SHORT_LIMIT - 1] + "…"
    return first if first == source else first + " …"


def node_key(node: tree_sitter.Node) -> tuple[int, int, int]:
    return (node.start_byte, node.end_byte, node.kind_id)


def sweep(
    captures: dict[str, list[tree_sitter.Node]],
    scope_names: Iterable[str],
    statement_names: Iterable[str] = (),
    stop_names: Iterable[str] = (),
    guard_names: Iterable[str] = (),
) -> Iterator[tuple[str, tree_sitter.Node, tuple[int, ...], tree_sitter.Node | None, bool]]:
    """Yield (capture name, node, enclosing scopes innermost-first, enclosing statement, guarded) in
    source order; `guarded` says a guard capture (a `try` body that has a `catch`) encloses the node
    inside its innermost scope.

    Scopes (functions, classes) and statements come from the same query's captures, so what encloses
    each fact is known without walking parents (tree-sitter's `parent` is itself a walk from the
    root: a loop of them is cubic on a 5,000-link call chain): one sorted pass with a stack.
    The enclosing statement is the innermost captured statement inside the innermost scope, or None
    when a scope or a `stop` node (a bare block) is nearer. Statement and stop captures are not
    yielded, nor are guards.
    """
    scope_set, statement_set, stop_set = set(scope_names), set(statement_names), set(stop_names)
    guard_set = set(guard_names)
    containers = scope_set | statement_set | stop_set | guard_set
    items = [(node.start_byte, -node.end_byte, name, node) for name, nodes in captures.items() for node in nodes]
    # containers sort before other captures at the same position so they enclose them
    items.sort(key=lambda item: (item[0], item[1], item[2] not in containers, item[2]))
    stack: list[tuple[int, str, tree_sitter.Node]] = []  # (end_byte, kind, node)
    for start, neg_end, name, node in items:
        while stack and stack[-1][0] <= start:
            stack.pop()
        if name in guard_set:
            stack.append((-neg_end, "guard", node))
            continue
        if name in statement_set or name in stop_set:
            stack.append((-neg_end, "statement" if name in statement_set else "stop", node))
            continue
        scopes = tuple(scope_id(n) for _, kind, n in reversed(stack) if kind == "scope") + (MODULE_SCOPE,)
        guarded = False
        for _, kind, _n in reversed(stack):
            if kind == "scope":
                break
            if kind == "guard":
                guarded = True
                break
        frames = [entry for entry in stack if entry[1] != "guard"]
        statement = frames[-1][2] if frames and frames[-1][1] == "statement" else None
        if statement is not None and len(frames) > 1 and frames[-2][1] == "statement" and statement.type != "expression_statement":
            outer = frames[-2][2]
            if outer.type == "export_statement":  # `export const x = …`: quote the export
                statement = outer
        yield name, node, scopes, statement, guarded
        if name in scope_set:
            stack.append((-neg_end, "scope", node))
