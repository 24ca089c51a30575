"""TypeScript/JavaScript fixes: byte-range edits on the tree-sitter tree, in the file's own style.

Two edits exist: add properties to a call's options object (merging into an object literal, or
adding the argument), and insert a statement after the one that creates the finding's subject.
Anything the edit cannot do exactly (options passed as a variable, a client created in a class
field or returned from a factory) gets no fix: a wrong edit is worse than none.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import tree_sitter

from crashlint.facts.javascript import TRANSPARENT, unwrap_await
from crashlint.findings import Edit
from crashlint.languages import ts_language

CALLS = ("call_expression", "new_expression")
WRAPPERS = TRANSPARENT | {"await_expression"}  # what `unwrap_await` looks through, climbing up
STATEMENT_LISTS = ("program", "statement_block", "switch_case", "switch_default")
# A line starting with one of these continues the previous statement when it has no semicolon.
ASI_HAZARDS = ("(", "[", "`", "+", "-", "/")


@dataclass
class Style:
    quote: str
    semicolon: str
    indent_unit: str
    newline: str


def style_of(source: bytes, tree: tree_sitter.Tree, grammar: str) -> Style:
    """The file's own conventions, so that an inserted statement looks like its neighbours."""
    text = source.decode("utf-8", "replace")
    quotes: Counter[str] = Counter()
    for nodes in tree_sitter.QueryCursor(_strings_query(grammar)).captures(tree.root_node).values():
        for node in nodes:
            quotes[source[node.start_byte : node.start_byte + 1].decode("latin-1")] += 1
    # one-line statements only: `export function f() {` or `const x = new Redis({` say nothing
    statements = [
        line.rstrip() for line in re.findall(r"^[ \t]*(?:const|let|var|import|export|return)\b[^\n]*$", text, re.M)
    ]
    statements = [line for line in statements if line and line[-1] not in "{([,=>+-*/|&?:"]
    semicolons = sum(1 for s in statements if s.endswith(";")) * 2 >= len(statements) if statements else True
    return Style(
        quote="'" if quotes["'"] > quotes['"'] else '"',
        semicolon=";" if semicolons else "",
        indent_unit=_indent_unit(text),
        newline="\r\n" if "\r\n" in text else "\n",
    )


@cache
def _strings_query(grammar: str) -> tree_sitter.Query:
    return tree_sitter.Query(ts_language(grammar), "(string) @s")


def _indent_unit(text: str) -> str:
    steps: Counter[str] = Counter()
    previous = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if indent.startswith("\t"):
            steps["\t"] += 1
        elif len(indent) > previous:
            steps[" " * (len(indent) - previous)] += 1
        previous = len(indent) if not indent.startswith("\t") else previous
    common = [unit for unit, _ in steps.most_common() if unit in ("\t", "  ", "    ")]
    return common[0] if common else "  "


def find_call(tree: tree_sitter.Tree, anchor: tuple[int, int, int, int]) -> tree_sitter.Node | None:
    """The call or `new` expression at exactly the finding's anchor span."""
    start, end = (anchor[0] - 1, anchor[1] - 1), (anchor[2] - 1, anchor[3] - 1)
    node = tree.root_node.descendant_for_point_range(start, end)
    while node is not None:
        if node.type in CALLS and node.start_point == start and node.end_point == end:
            return node
        if node.start_point < start or node.end_point > end:
            return None
        node = node.parent
    return None


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _line_end(source: bytes, offset: int) -> int:
    end = source.find(b"\n", offset)
    end = len(source) if end < 0 else end
    return end - 1 if end > 0 and source[end - 1 : end] == b"\r" else end


def _indent_at(source: bytes, offset: int) -> str:
    start = _line_start(source, offset)
    line = source[start:offset].decode("utf-8", "replace")
    return line[: len(line) - len(line.lstrip(" \t"))]


def _rest_is_blank(source: bytes, offset: int) -> bool:
    """Only whitespace or a `//` comment after `offset` on its line."""
    rest = source[offset : _line_end(source, offset)].strip()
    return not rest or rest.startswith(b"//")


def _key(pair: tree_sitter.Node, source: bytes) -> str:
    key = pair.child_by_field_name("key") if pair.type == "pair" else pair
    text = source[key.start_byte : key.end_byte].decode("utf-8", "replace") if key is not None else ""
    return text.strip("'\"")


LINE_LENGTH = 100  # a new options object longer than this gets one property per line


def add_options(source: bytes, call: tree_sitter.Node, index: int, props: list[tuple[str, str]], style: Style) -> list[Edit] | None:
    """`fetch(url)` → `fetch(url, { signal: … })`; `fetch(url, { method })` → `{ method, signal: … }`."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return None  # `new Redis` with no parentheses, a tagged template
    args = [c for c in arguments.named_children if c.type != "comment"]
    if index < len(args):
        target = unwrap_await(args[index])
        if target.type != "object":
            return None  # options in a variable or built by a call: cannot merge safely
        present = {_key(c, source) for c in target.named_children if c.type in ("pair", "shorthand_property_identifier")}
        if any(c.type == "spread_element" for c in target.named_children):
            return None  # `{ ...defaults }` may already carry it; ours would silently win
        props = [(k, v) for k, v in props if k not in present]
        if not props:
            return None
        return _merge_into_object(source, target, props, style)
    if index > 0 and args and _may_carry_options(source, args[0]):
        return None  # `fetch(request)`, `got(options)`: a new options argument would override theirs
    one_per_line = bool(args) and arguments.start_point[0] != args[-1].end_point[0] and _rest_is_blank(source, _after_comma(args[-1]))
    anchor = args[-1].start_byte if one_per_line else call.start_byte
    indent = _indent_at(source, anchor)
    line = source[_line_start(source, anchor) : _line_end(source, anchor)]
    literal = "{ " + ", ".join(f"{k}: {v}" for k, v in props) + " }"
    if len(line) + len(literal) + 2 > LINE_LENGTH and len(props) > 1:
        inner = style.newline.join(f"{indent}{style.indent_unit}{k}: {v}," for k, v in props)
        literal = "{" + style.newline + inner + style.newline + indent + "}"
    parts = ["undefined"] * (index - len(args)) + [literal]
    if one_per_line:
        # one argument per line: ours goes on its own line, in the list's trailing-comma style
        last = args[-1]
        after = _after_comma(last)
        if after != last.end_byte:
            where = _line_end(source, after)
            return [Edit(where, where, "".join(f"{style.newline}{indent}{p}," for p in parts))]
        where = _line_end(source, last.end_byte)
        return [Edit(last.end_byte, last.end_byte, ","), Edit(where, where, ",".join(f"{style.newline}{indent}{p}" for p in parts))]
    if args:
        return [Edit(args[-1].end_byte, args[-1].end_byte, ", " + ", ".join(parts))]
    return [Edit(arguments.start_byte + 1, arguments.start_byte + 1, ", ".join(parts))]


# a first argument named like this may be a `Request` or an options object, not a URL
OPTIONS_NAME = re.compile(r"(?i)(^|_|[a-z])(req|request|options|opts|config|cfg|init|params|settings)$")


def _may_carry_options(source: bytes, arg: tree_sitter.Node) -> bool:
    """Whether the first argument may itself carry the option (`fetch(new Request(u, {signal}))`,
    `got({ url, timeout })`, `fetch(req)`, `got(options)`), so that a new options argument after it
    would silently replace the user's value."""
    arg = unwrap_await(arg)
    if arg.type in ("object", "new_expression", "spread_element"):
        return True
    if arg.type in ("identifier", "member_expression"):
        name = source[arg.start_byte : arg.end_byte].decode("utf-8", "replace").rsplit(".", 1)[-1]
        return bool(OPTIONS_NAME.search(name))
    return False


def _comma_after(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The comma that follows `node` (comments skipped), if there is one."""
    sibling = node.next_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.next_sibling
    return sibling if sibling is not None and sibling.type == "," else None


def _after_comma(node: tree_sitter.Node) -> int:
    """The end of the comma that follows `node`, or of `node` when there is none."""
    comma = _comma_after(node)
    return comma.end_byte if comma is not None else node.end_byte


def _merge_into_object(source: bytes, target: tree_sitter.Node, props: list[tuple[str, str]], style: Style) -> list[Edit]:
    members = [c for c in target.named_children if c.type != "comment"]
    texts = [f"{k}: {v}" for k, v in props]
    if not members:
        return [Edit(target.start_byte, target.end_byte, "{ " + ", ".join(texts) + " }")]
    last = members[-1]
    comma = _comma_after(last)
    after = comma.end_byte if comma else last.end_byte
    single_line = target.start_point[0] == target.end_point[0]
    if single_line or not _rest_is_blank(source, after):
        # `{ method: "POST" }` → `{ method: "POST", signal: … }`
        if comma:
            return [Edit(after, after, " " + ", ".join(texts) + ",")]
        return [Edit(last.end_byte, last.end_byte, ", " + ", ".join(texts))]
    indent = _indent_at(source, last.start_byte)
    end_of_line = _line_end(source, after)
    block = "".join(f"{style.newline}{indent}{t}," for t in texts)
    if comma:
        return [Edit(end_of_line, end_of_line, block)]
    # no trailing comma: one after the old last member, none after ours (the file's style)
    return [Edit(last.end_byte, last.end_byte, ","), Edit(end_of_line, end_of_line, block[:-1])]


def creating_statement(call: tree_sitter.Node, subject: str, source: bytes) -> tree_sitter.Node | None:
    """The statement whose whole value is `call` and that binds `subject`, at a statement-list level."""
    node = call
    while node.parent is not None and node.parent.type in WRAPPERS:
        node = node.parent
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
        name = parent.child_by_field_name("name")
        if name is None or name.type != "identifier" or source[name.start_byte : name.end_byte].decode() != subject:
            return None
        statement = parent.parent  # lexical_declaration / variable_declaration
    elif parent.type == "assignment_expression" and parent.child_by_field_name("right") == node:
        left = parent.child_by_field_name("left")
        if left is None or source[left.start_byte : left.end_byte].decode("utf-8", "replace") != subject:
            return None
        statement = parent.parent
        if statement is None or statement.type != "expression_statement":
            return None
    else:
        return None
    if statement is None or statement.type not in ("lexical_declaration", "variable_declaration", "expression_statement"):
        return None
    if statement.parent is not None and statement.parent.type == "export_statement":
        statement = statement.parent
    if statement.parent is None or statement.parent.type not in STATEMENT_LISTS:
        return None  # a class field, a `for (const x = …;;)` header
    return statement


def statement_after(source: bytes, statement: tree_sitter.Node, text: str, style: Style) -> list[Edit]:
    """Insert `text` (2-space indented lines) on the lines after `statement`, at its indentation."""
    indent = _indent_at(source, statement.start_byte)
    lines = text.strip("\n").split("\n")
    out = []
    for line in lines:
        body = line.lstrip(" ")
        depth = (len(line) - len(body)) // 2
        out.append(indent + style.indent_unit * depth + body if body else "")
    end = statement.end_byte
    last = statement.children[-1] if statement.child_count else None
    if last is not None and last.type == ";" and statement.child_count > 1:
        before = statement.children[-2]
        if last.start_point[0] > before.end_point[0]:
            end = before.end_byte  # `const r = new Redis()⏎;[a, b].forEach(…)`: the `;` guards the next line
    where = _line_end(source, end) if _rest_is_blank(source, end) else end
    following = source[where:].lstrip()
    block = style.newline.join(out)
    if not style.semicolon and following.startswith(tuple(h.encode() for h in ASI_HAZARDS)):
        block += ";"  # the next line would otherwise continue our statement
    return [Edit(where, where, style.newline + block)]
