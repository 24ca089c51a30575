"""Code the Markdown report quotes: the statement a finding is about, as code that parses on its own.

A finding's lines are not always a statement: a call that starts a multi-line statement, a class
field, a property of an object literal. Quoting them as they are gives a block that is not code
(``new Worker(`` on its own). So the snippet is the whole statement that holds the finding's first
line (climbing out of class bodies and expressions to a statement of a program, a function body or a
Python block), dedented; when it is long, the function and class bodies that do not hold that line
are elided to one `// …` (Python: `...`) line, outermost and largest first, until it fits.
"""

from __future__ import annotations

from crashlint.languages import grammar_for, parser
from crashlint.source import SourceCache

# nodes whose children are statements that parse on their own (a class body's members do not)
CONTAINERS = {"program", "statement_block", "module", "block", "switch_case", "switch_default"}
# bodies that can be elided to one line
BODIES = {"statement_block", "class_body", "block"}


def statement_snippet(sources: SourceCache, path: str, line: int, max_lines: int, end_line: int = 0) -> str:
    lines = sources.lines(path)
    grammar = grammar_for(path)
    if grammar is None or not 0 < line <= len(lines):
        return sources.snippet(path, line, max(line, end_line))
    text = "\n".join(lines).encode("utf-8", "surrogatepass")
    tree = parser(grammar).parse(text)
    row = line - 1
    node = _statement_at(tree, lines, row)
    if node is None:  # the program itself: quote the finding's lines
        return sources.snippet(path, line, max(line, end_line))
    nodes = [node]
    if end_line > node.end_point[0] + 1 and end_line <= len(lines):  # a flow of statements (get … set … incrby)
        last_node = _statement_at(tree, lines, end_line - 1)
        if last_node is not None and last_node.parent == node.parent:
            nodes = [c for c in node.parent.named_children if node.start_byte <= c.start_byte <= last_node.start_byte]
    first, last = nodes[0].start_point[0], nodes[-1].end_point[0]
    # the finding's own lines stay whole when they are short (an awaited call inside a handler)
    keep = (row, end_line - 1 if end_line and end_line - line < max_lines else row)
    chosen = _elisions(nodes, keep, last - first + 1, max_lines, lines, grammar == "python")
    out: list[str] = []
    current = first
    for start, stop, indent in chosen:  # rows start..stop replaced by one line
        out += lines[current:start]
        out.append(indent + ("..." if grammar == "python" else "// …"))
        current = stop + 1
    out += lines[current : last + 1]
    cut = min((len(l) - len(l.lstrip()) for l in out if l.strip()), default=0)
    return "\n".join(l[cut:] for l in out).rstrip()


def _statement_at(tree, lines: list[str], row: int):
    col = len(lines[row].encode("utf-8")) - len(lines[row].lstrip().encode("utf-8"))
    node = tree.root_node.descendant_for_point_range((row, col), (row, col))
    while node is not None and node.parent is not None and node.parent.type not in CONTAINERS:
        node = node.parent
    return None if node is None or node.parent is None else node


def _elisions(statements: list, keep: tuple[int, int], length: int, max_lines: int, lines: list[str],
              python: bool) -> list[tuple[int, int, str]]:
    """Row ranges (start, stop, indent of the replacement line) to elide, in row order."""
    if length <= max_lines:
        return []
    candidates = []
    stack = [child for statement in statements for child in statement.children]
    while stack:  # outermost bodies first; a body holding the kept rows is opened instead
        node = stack.pop()
        if node.type in BODIES:
            span = _interior(node, lines, python)
            if span is not None and not (span[0] <= keep[1] and keep[0] <= span[1]):
                candidates.append(span)
                continue
        stack.extend(node.children)
    candidates.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    chosen = []
    for start, stop, indent in candidates:
        if length <= max_lines:
            break
        chosen.append((start, stop, indent))
        length -= stop - start
    return sorted(chosen)


def _interior(body, lines: list[str], python: bool) -> tuple[int, int, str] | None:
    """The rows a body's elision replaces, or None when its braces do not sit on their own lines."""
    b0, b1 = body.start_point[0], body.end_point[0]
    if python:  # a block is its statements, from the line after the `def …:` header
        if b1 - b0 < 1 or body.start_point[1] != len(lines[b0]) - len(lines[b0].lstrip()):
            return None
        return b0, b1, lines[b0][: len(lines[b0]) - len(lines[b0].lstrip())]
    if b1 - b0 < 3 or not lines[b0].rstrip().endswith("{") or not lines[b1].lstrip().startswith("}"):
        return None
    inner = lines[b0 + 1]
    return b0 + 1, b1 - 1, inner[: len(inner) - len(inner.lstrip())]
