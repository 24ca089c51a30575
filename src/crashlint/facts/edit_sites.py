"""What a TypeScript/JavaScript fix edits at a call, read from the tree while it is parsed for facts.

A fix adds properties to a call's options object, or inserts a statement after the one that binds
the call's value (`crashlint.fix.javascript`). Both need a few byte offsets of the call's tree: its
argument list, the object literals among its arguments, the statement that binds it. Recording them
here, with the facts, lets the fix planner compute every edit from the file's bytes alone: a file
is parsed once per scan, fixes included, and a warm scan whose facts came from the cache parses
nothing (issue 13).

A call's site is one marshal'd tuple, opaque to everything but the fix planner; a file's sites are
one compressed blob (`FileFacts.sites`, `pack` / `unpack`: by index in `FileFacts.calls`), since
the scan holds every file's facts in memory and only the calls with findings are ever fixed
(issue 13, peak memory: 19 MB of sites on langfuse, 6 MB compressed):

    (start, open, open_row, count, last, first_carries, objects, statement)

    start          the call's first byte
    open           the `(` of its argument list; -1 when it has none (`new Redis`, a tagged template)
    open_row       that parenthesis' row (0-based)
    count          its arguments, comments aside (spreads included)
    last           (start, end, end row, end of the comma after it, or its end) of the last argument
    first_carries  the first argument may itself carry options (`fetch(request)`, `got({ url })`)
    objects        ((index, start, end, one line, keys, has spread, last member), …): the object
                   literals among the arguments; last member: (start, end, end of the comma after
                   it or -1), or () for `{}`
    statement      (name, start, end) of the statement whose whole value is the call and that binds
                   `name`, at a statement-list level, or (): where a statement can go after it
"""

from __future__ import annotations

import marshal
import re
import zlib

import tree_sitter

# What `unwrap_await` looks through (facts.javascript.TRANSPARENT and await).
WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression", "type_assertion",
     "await_expression"}
)
CALLS = ("call_expression", "new_expression")
STATEMENT_LISTS = ("program", "statement_block", "switch_case", "switch_default")
# a first argument named like this may be a `Request` or an options object, not a URL
OPTIONS_NAME = re.compile(r"(?i)(^|_|[a-z])(req|request|options|opts|config|cfg|init|params|settings)$")
SITE_FORMAT = 2  # the tuple's layout, and the pack's (facts.codec.FORMAT includes it)
SITES_COMPRESSION = 1  # zlib level: a third of the size at a fifth of level 6's time


def _unwrap(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    """facts.javascript.unwrap_await: the expression inside parentheses, `as`, `!`, `await`."""
    while node is not None and node.type in WRAPPERS:
        node = node.named_children[0] if node.named_child_count else None
    return node


def _after(children: list[tree_sitter.Node], at: int, kinds: list) -> int:
    """The end of the comma after children[at] (comments skipped), or -1 when none follows."""
    for sibling in children[at + 1 :]:
        kind = kinds[sibling.kind_id]
        if kind == ",":
            return sibling.end_byte
        if kind != "comment":
            return -1
    return -1


def _key(member: tree_sitter.Node, source: bytes) -> str:
    key = member.child_by_field_name("key") if member.type == "pair" else member
    text = source[key.start_byte : key.end_byte].decode("utf-8", "replace") if key is not None else ""
    return text.strip("'\"")


def _unwrap_kind(node: tree_sitter.Node | None, kinds: list) -> tuple[tree_sitter.Node | None, str]:
    """_unwrap's node and its type, read through `kinds` (facts.common.kind_names)."""
    while node is not None:
        kind = kinds[node.kind_id]
        if kind not in WRAPPERS:
            return node, kind
        node = node.named_children[0] if node.named_child_count else None
    return None, ""


def _may_carry_options(arg: tree_sitter.Node | None, source: bytes, kinds: list) -> bool:
    """Whether the first argument may itself carry the option (`fetch(new Request(u, {signal}))`,
    `got({ url, timeout })`, `fetch(req)`, `got(options)`), so that a new options argument after it
    would silently replace the user's value."""
    arg, kind = _unwrap_kind(arg, kinds)
    if arg is None:
        return False
    if kind in ("object", "new_expression", "spread_element"):
        return True
    if kind in ("identifier", "member_expression"):
        name = source[arg.start_byte : arg.end_byte].decode("utf-8", "replace").rsplit(".", 1)[-1]
        return bool(OPTIONS_NAME.search(name))
    return False


def _object(index: int, target: tree_sitter.Node, source: bytes, kinds: list) -> tuple:
    children = target.children
    keys, spread, last, last_at = [], False, None, -1
    for at, child in enumerate(children):
        if not child.is_named:
            continue
        kind = kinds[child.kind_id]
        if kind == "comment":
            continue
        if kind == "pair" or kind == "shorthand_property_identifier":
            keys.append(_key(child, source))
        elif kind == "spread_element":
            spread = True
        last, last_at = child, at
    member = () if last is None else (last.start_byte, last.end_byte, _after(children, last_at, kinds))
    one_line = target.start_point[0] == target.end_point[0]
    return (index, target.start_byte, target.end_byte, one_line, tuple(keys), spread, member)


def call_site(call: tree_sitter.Node, arguments: tree_sitter.Node | None, source: bytes, statement: tuple,
              kinds: list) -> bytes:
    """The site of `call` (its `arguments` field node given), with the statement that binds it; read
    while its file is extracted (`kinds`: the grammar's facts.common.kind_names)."""
    if arguments is None or kinds[arguments.kind_id] != "arguments":
        return marshal.dumps((call.start_byte, -1, 0, 0, (), False, (), statement))
    children = arguments.children
    args = [at for at, child in enumerate(children) if child.is_named and kinds[child.kind_id] != "comment"]
    last: tuple = ()
    objects = []
    first_carries = False
    if args:
        node = children[args[-1]]
        after = _after(children, args[-1], kinds)
        last = (node.start_byte, node.end_byte, node.end_point[0], node.end_byte if after < 0 else after)
        first_carries = _may_carry_options(children[args[0]], source, kinds)
        for index, at in enumerate(args):
            target, kind = _unwrap_kind(children[at], kinds)
            if kind == "object":
                objects.append(_object(index, target, source, kinds))
    return marshal.dumps((call.start_byte, arguments.start_byte, arguments.start_point[0], len(args), last,
                          first_carries, tuple(objects), statement))


def pack(sites: dict[int, bytes]) -> bytes:
    """A file's call sites, by call index, as `FileFacts.sites`."""
    return zlib.compress(marshal.dumps(sites), SITES_COMPRESSION) if sites else b""


def unpack(data: bytes) -> dict[int, bytes]:
    """`FileFacts.sites` → call index → site."""
    return marshal.loads(zlib.decompress(data)) if data else {}


def bound_call(value: tree_sitter.Node | None) -> tree_sitter.Node | None:
    """The call that is the whole of `value` (through parentheses, `as`, `!`, `await`), if any."""
    while value is not None and value.type in WRAPPERS:
        # `<T>x`: the expression is the last child of a type assertion, after its type argument
        inner = [c for c in value.named_children if c.type != "comment"]
        value = (inner[-1] if value.type == "type_assertion" else inner[0]) if inner else None
    return value if value is not None and value.type in CALLS else None


def statement_site(holder: tree_sitter.Node, name: str) -> tuple:
    """(name, start, end) of the statement that `holder` — the variable_declarator or the
    assignment_expression whose value is the call — makes, when it sits in a statement list (not a
    class field or a `for (…;;)` header); `end` is where a statement after it goes: before a `;`
    put on a line of its own (it guards the next line)."""
    statement = holder.parent  # lexical_declaration / variable_declaration, or expression_statement
    if statement is None:
        return ()
    if holder.type == "assignment_expression" and statement.type != "expression_statement":
        return ()
    if statement.type not in ("lexical_declaration", "variable_declaration", "expression_statement"):
        return ()
    parent = statement.parent
    if parent is not None and parent.type == "export_statement":
        statement, parent = parent, parent.parent
    if parent is None or parent.type not in STATEMENT_LISTS:
        return ()
    end = statement.end_byte
    count = statement.child_count
    if count > 1:
        last, before = statement.children[-1], statement.children[-2]
        if last.type == ";" and last.start_point[0] > before.end_point[0]:
            end = before.end_byte  # `const r = new Redis()⏎;[a, b].forEach(…)`
    return (name, statement.start_byte, end)


def _requires(declaration: tree_sitter.Node) -> bool:
    """`const x = require("m")`, `const { a } = require("m").b`: a CommonJS import."""
    declarators = [c for c in declaration.named_children if c.type == "variable_declarator"]
    for declarator in declarators:
        value = _unwrap(declarator.child_by_field_name("value"))
        while value is not None and value.type == "member_expression":
            value = _unwrap(value.child_by_field_name("object"))
        if value is None or value.type != "call_expression":
            return False
        callee = value.child_by_field_name("function")
        if callee is None or callee.type != "identifier" or callee.text != b"require":
            return False
    return bool(declarators)


def import_site(root: tree_sitter.Node, source: bytes) -> tuple[int, bool]:
    """(byte after which a fix adds an import, whether the file is an ES module): after the last
    top-level `import …` or `const … = require(…)`, else after a shebang and the directive prologue
    (`"use strict"` must stay first), else 0, the top of the file."""
    after, esm, prologue = 0, False, True
    for child in root.named_children:
        kind = child.type
        if kind == "comment":
            continue
        if kind == "hash_bang_line" or (prologue and kind == "expression_statement" and child.named_child_count == 1
                                         and child.named_children[0].type == "string"):
            after = max(after, child.end_byte)
            continue
        prologue = False
        if kind == "import_statement":
            after, esm = child.end_byte, True
        elif kind == "export_statement":
            esm = True
        elif kind in ("lexical_declaration", "variable_declaration") and _requires(child):
            after = child.end_byte
    return (after, esm)
