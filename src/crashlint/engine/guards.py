"""The `if` tests a call runs under, read from the file's tree when a rule needs them.

Facts do not record branch conditions (most rules never ask), so a rule that does re-parses the
one file of a would-be finding. Only branches whose *consequence* holds the call count: an `else`
runs when the test is false, which says nothing about what the test names.
"""

from __future__ import annotations

import re

from crashlint.engine.context import RuleContext
from crashlint.facts.model import Call

IF_NODES = ("if_statement", "if_clause")  # JavaScript/TypeScript; Python's is if_statement too


def branch_tests(ctx: RuleContext, path: str, call: Call) -> list[str]:
    """The source of every `if (…)` test whose consequence encloses `call`, innermost first."""
    if call.span[0] <= 0:
        return []
    node = ctx.node_of(path, call)
    tests: list[str] = []
    while node is not None and node.parent is not None:
        parent = node.parent
        if parent.type in IF_NODES:
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence")
            if condition is not None and consequence is not None and consequence.id == node.id:
                tests.append(condition.text.decode("utf-8", "replace"))
        node = parent
    return tests


def guarded_by(ctx: RuleContext, path: str, call: Call, patterns: list[str]) -> str | None:
    """The first enclosing test one of `patterns` (regular expressions) finds, if any."""
    compiled = [re.compile(p) for p in patterns]
    for test in branch_tests(ctx, path, call):
        if any(p.search(test) for p in compiled):
            return test
    return None
