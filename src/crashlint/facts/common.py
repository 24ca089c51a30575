"""Pieces every fact extractor shares: spans, the scope sweep over query captures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import tree_sitter

from crashlint.facts.model import MODULE_SCOPE, Span



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


def short_text(node: tree_sitter.Node) -> str:
    """The expression's source on one line, cut to a readable length (messages, subjects)."""
    source = _CHAIN_BREAK.sub("", text(node))
    first = source.split("\n", 1)[0].rstrip()
    if len(first) > SHORT_LIMIT:
        return first[: SHORT_LIMIT - 1] + "…"
    return first if first == source else first + " …"


def node_key(node: tree_sitter.Node) -> tuple[int, int, int]:
    return (node.start_byte, node.end_byte, node.kind_id)


def sweep(
    captures: dict[str, list[tree_sitter.Node]], scope_names: Iterable[str]
) -> Iterator[tuple[str, tree_sitter.Node, tuple[int, ...]]]:
    """Yield (capture name, node, enclosing scopes innermost-first) in source order.

    Scopes come from the same query's captures (functions, classes), so the enclosing scopes of
    every fact are known without walking parents: one sorted pass with a stack of open scopes.
    """
    scope_set = set(scope_names)
    items = [(node.start_byte, -node.end_byte, name, node) for name, nodes in captures.items() for node in nodes]
    # A node captured under two names (e.g. a call that is also an export value) keeps both;
    # scopes sort before other captures at the same position so they enclose them.
    items.sort(key=lambda item: (item[0], item[1], item[2] not in scope_set, item[2]))
    stack: list[tuple[int, int]] = []  # (end_byte, scope id)
    for start, neg_end, name, node in items:
        while stack and stack[-1][0] <= start:
            stack.pop()
        scopes = tuple(sid for _, sid in reversed(stack)) + (MODULE_SCOPE,)
        if name in scope_set:
            yield name, node, scopes
            stack.append((-neg_end, scope_id(node)))
        else:
            yield name, node, scopes
