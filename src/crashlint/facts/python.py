"""Facts from a Python tree: the same model as JavaScript, from one query and one sweep."""

from __future__ import annotations

import re
from functools import cache

import tree_sitter

from crashlint.facts import model
from crashlint.facts.common import (
    _SOURCE,
    SHORT_LIMIT,
    constructor,
    kind_names,
    node_key,
    record_await,
    scope_id,
    short_text,
    span,
    sweep,
    text,
)
from crashlint.facts.model import ELEMENT, MODULE_SCOPE, RETURNED_OBJECT, Assignment, Call, FileFacts, Function, Path
from crashlint.languages import ts_language

# the frozen fact classes, built without a setattr call per field (same objects)
Arg = constructor(model.Arg)
Value = constructor(model.Value)
Decl = constructor(model.Decl)

QUERY = """
(import_statement) @import
(import_from_statement) @import_from
(assignment) @assign
(call) @call
(return_statement) @return
(with_item) @with
(function_definition) @function
(lambda) @function
(class_definition) @class
(await) @await
(await (call) @awaited)
(for_statement) @for
(for_in_clause) @for
[(expression_statement) (return_statement) (if_statement) (raise_statement)] @statement
[(block) (with_statement)] @stop
(while_statement condition: (true)) @forever
(while_statement condition: [(identifier) (attribute) (not_operator)] @flag_condition) @flag_loop
(module (if_statement condition: (comparison_operator) @main_condition) @main_guard)
(comparison_operator . (string) @name_filter)
((string (string_content) @dotted_string) (#match? @dotted_string "^[A-Za-z_][A-Za-z0-9_]*([.][A-Za-z_][A-Za-z0-9_]*)+$"))
(decorated_definition) @decorated
(type) @type_hint
[(break_statement) (raise_statement) (yield)] @exit
(try_statement body: (block) @guard (except_clause))
(try_statement (except_clause) (finally_clause) @guard)
(finally_clause) @finally_block
(except_clause) @except_block
(with_statement) @with_block
"""

TRANSPARENT = frozenset({"parenthesized_expression"})
UNWRAPPED = TRANSPARENT | {"await"}
STATEMENTS = frozenset({"expression_statement", "return_statement", "if_statement", "raise_statement"})
FUNCTION_KINDS = frozenset({"function_definition", "lambda"})


@cache
def _query() -> tree_sitter.Query:
    return tree_sitter.Query(ts_language("python"), QUERY)


# node types by kind id (`_TYPE[node.kind_id]` is `node.type` without making a string)
_TYPE: list[str | None] = kind_names(ts_language("python"))


def unwrap(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    while node is not None and _TYPE[node.kind_id] in UNWRAPPED:
        node = node.named_children[0] if node.named_child_count else None
    return node


# `a.b.c` written plainly (ASCII names, no spaces, comments or parentheses): its path is its text
_PLAIN_DOTTED = re.compile(rb"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_NOT_IDENTIFIER = frozenset({"None", "True", "False"})


def dotted(node: tree_sitter.Node | None, kind: str | None = None, subscripts: bool = False) -> Path:
    """`a.b.c` → ("a", "b", "c"); with `subscripts`, `clients[0].close` → ("clients", ELEMENT,
    "close") and `parts["client"]` → ("parts", "client")."""
    if node is None:
        return ()
    if kind is None:
        kind = _TYPE[node.kind_id]
    if kind == "identifier":
        return (text(node),)
    if kind == "attribute":
        raw = _SOURCE[0][node.start_byte : node.end_byte]
        if _PLAIN_DOTTED.fullmatch(raw) and not node.has_error:
            parts = tuple(raw.decode("ascii").split("."))
            if parts[0] not in _NOT_IDENTIFIER:
                return parts
    parts: list[str] = []
    node = unwrap(node)
    while node is not None:
        kind = _TYPE[node.kind_id]
        if kind == "attribute":
            parts.append(text(node.child_by_field_name("attribute")))
            node = unwrap(node.child_by_field_name("object"))
        elif kind == "identifier":
            parts.append(text(node))
            break
        elif kind == "subscript" and subscripts:
            keys = node.children_by_field_name("subscript")
            key = string_value(keys[0]) if len(keys) == 1 else None
            parts.append(key if key is not None and key.isidentifier() else ELEMENT)
            node = unwrap(node.child_by_field_name("value"))
        else:
            return ()
    return tuple(reversed(parts))


def alternatives(node: tree_sitter.Node | None) -> list[tree_sitter.Node | None]:
    """The values a name may hold after `x = a or b` / `x = a if c else b`: each operand (nested
    ones too), so `self.session = session or requests.Session()` declares both the parameter and
    the Session. `a and b` keeps its whole value: its result is `b` only when `a` holds."""
    node = unwrap(node)
    if node is None:
        return [node]
    if node.type == "boolean_operator" and (operator := node.child_by_field_name("operator")) is not None and operator.type == "or":
        return alternatives(node.child_by_field_name("left")) + alternatives(node.child_by_field_name("right"))
    if node.type == "conditional_expression" and node.named_child_count == 3:
        # `a if cond else b`: the first and last named children are the arms
        return alternatives(node.named_children[0]) + alternatives(node.named_children[2])
    return [node]


# What the condition of an `if` that leaves a loop names when the loop stops because it is told to
# (lookyloo's `if shutdown_requested(): break`, `if not self.long_sleep(30): break` that returns
# False once a stop is asked for): a service loop with its own stop protocol, not a task that ends
STOP_WORDS = re.compile(r"shutdown|stop|quit|terminat|sleep|cancel", re.I)
# a limit on how long a worker runs before it exits to be started again
LIFETIME_WORDS = re.compile(r"\bmax_(?:seconds|runtime|run_time|lifetime|uptime)\b", re.I)
# a string literal in a condition: `if status in ("completed", "cancelled"): return` waits for a job,
# it is not told to stop (firecrawl's SDK polling loops)
_STRING = re.compile(r"""(?:[rbfuRBFU]{0,2})("|')(?:\\.|(?!\1).)*\1""")
# what ends the walk up from an exit: the loop (or another) it leaves, or the function it is in
_EXIT_BOUNDS = frozenset({"while_statement", "for_statement", "function_definition", "lambda", "class_definition"})


def exit_kind(node: tree_sitter.Node) -> str | None:
    """How a break / return / raise / yield leaves the loop it is in, by what encloses it up to that
    loop: None for a `raise` (an error, raised or re-raised: the loop ends only by failing, as the
    process would, so it is no way out) and for a way out of Ctrl-C; "stop" under an `if` whose condition names a stop
    (STOP_WORDS); "if" under another `if`; "" otherwise. At most a few dozen parents (statements
    nest shallowly), only for exits inside a loop. The nearest `if` decides: `if stop: if not
    any(running): break` waits for something, it is not told to stop."""
    if node.type == "raise_statement":
        # an error raised in the loop (awx's relay: `if on_ws_heartbeat_task.done(): raise
        # Exception(…)`) ends it only by failing, as a re-raise does, and the process with it: a
        # service loop whose way out is a failure still runs until the process is stopped
        return None
    kind = ""
    current = node.parent
    for _ in range(40):
        if current is None or current.type in _EXIT_BOUNDS:
            break
        if current.type == "except_clause" and (node.type == "raise_statement" or interrupt_clause(current)):
            # a re-raise, or the way out of Ctrl-C (`except KeyboardInterrupt: break`) or of a
            # cancelled task: SIGTERM raises neither, so under it the loop has no way out
            return None
        if current.type in ("if_statement", "elif_clause") and not kind:  # the nearest `if` says
            condition = current.child_by_field_name("condition")
            if condition is not None and LIFETIME_WORDS.search(text(condition)):
                # `if elapsed >= self.max_seconds: break`: a worker's configured lifetime (relay's
                # `process_emails_from_sqs --max-seconds`, None by default), after which its
                # supervisor starts it again: it still runs as a service, and SIGTERM still ends it
                return None
            kind = "stop" if condition is not None and STOP_WORDS.search(_STRING.sub("", text(condition))) else "if"
        current = current.parent
    return kind


# what an `except` clause catches when it is the way a loop leaves on Ctrl-C or on cancellation:
# SIGTERM's default action raises neither (docs.python.org/3/library/signal.html: Python installs a
# handler for SIGINT only, which raises KeyboardInterrupt)
_INTERRUPTS = re.compile(r"\b(KeyboardInterrupt|CancelledError)\b")
_INTERRUPT_MEMO: list = [None, False]  # (the file being extracted, whether it names one of them)


def interrupt_clause(clause: tree_sitter.Node) -> bool:
    """Whether an `except_clause` catches KeyboardInterrupt or asyncio's CancelledError (alone or in
    a tuple): its header, the text before its body."""
    body = clause.named_children[-1] if clause.named_child_count else None
    header = text(clause)[: body.start_byte - clause.start_byte] if body is not None else text(clause)
    return bool(_INTERRUPTS.search(header))


def in_interrupt_handler(node: tree_sitter.Node) -> bool:
    """Whether `node` sits in an `except KeyboardInterrupt:` (or CancelledError) block of its loop or
    function: `self.halt_requested = True` there is Ctrl-C's way out, not the loop ending itself.
    A file that names neither exception has no such block: no walk (tree-sitter's `parent` walks
    down from the root, through every sibling on the way: karrio's generated schema modules, with
    thousands of methods in a class, spent 90 µs a call here)."""
    source = _SOURCE[0]
    if source:
        if _INTERRUPT_MEMO[0] is not source:
            _INTERRUPT_MEMO[:] = [source, b"KeyboardInterrupt" in source or b"CancelledError" in source]
        if not _INTERRUPT_MEMO[1]:
            return False
    current = node.parent
    for _ in range(40):
        if current is None or current.type in _EXIT_BOUNDS:
            return False
        if current.type == "except_clause":
            return interrupt_clause(current)
        current = current.parent
    return False


def branch_levels(node: tree_sitter.Node) -> tuple[tuple[int, int, int, int], ...]:
    """The `if` statements around `node` within its function (or module), innermost first, as (first
    line of the `if` chain, its last line, first and last line of the branch — consequence, `elif` or
    `else` — that holds `node`); () when no `if` holds it. At most a few dozen parents."""
    levels = []
    child, current = node, node.parent
    for _ in range(60):
        if current is None or current.type in ("function_definition", "class_definition", "module", "lambda"):
            break
        if current.type == "if_statement" and child is not current.child_by_field_name("condition"):
            levels.append((current.start_point[0] + 1, current.end_point[0] + 1, child.start_point[0] + 1, child.end_point[0] + 1))
        child, current = current, current.parent
    return tuple(levels)


def _rebinds(assigned: str, flag: str) -> bool:
    """Whether assigning `assigned` changes what the loop condition `flag` reads: the flag itself, or
    an object it is an attribute of (`while u_s.users:` around `u_s = await client(…)`: Ultroid's
    unblock-all pages through the blocked users), `self` alone excepted."""
    return assigned == flag or (assigned != "self" and flag.startswith(assigned + "."))


def literal_truth(node: tree_sitter.Node | None) -> bool | None:
    """The truth of a literal (`False`, `None`, `0`, `""` are false; `True`, `1`, `"x"` true), None
    for anything that is not one."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type in ("true", "false", "none"):
        return node.type == "true"
    if node.type in ("integer", "float"):
        try:
            return float(text(node).replace("_", "")) != 0
        except ValueError:
            return None
    if node.type == "string" and not any(c.type == "interpolation" for c in node.named_children):
        return any(c.type == "string_content" and text(c) for c in node.named_children)
    return None


def flag_name(loop: tree_sitter.Node) -> str:
    """The name a `while running:` / `while not self.stopped:` loop tests (`self._stop.set()` for
    `while not self._stop.is_set():`, a threading.Event the loop runs until someone sets), "" for
    anything else."""
    condition = loop.child_by_field_name("condition")
    if condition is not None and condition.type == "not_operator":
        condition = condition.child_by_field_name("argument")
    if condition is not None and condition.type == "call":  # `while not self._stop.is_set():` (threading.Event)
        function = condition.child_by_field_name("function")
        arguments = condition.child_by_field_name("arguments")
        if (function is not None and function.type == "attribute" and text(function).endswith(".is_set")
                and arguments is not None and not arguments.named_children):
            return text(function)[: -len(".is_set")] + ".set()"
        return ""
    if condition is None or condition.type not in ("identifier", "attribute"):
        return ""
    return text(condition)


def _drives(calls: list[Call], flag: str, first: int, last: int) -> bool:
    """Whether a `while not view.eof:` loop calls a method of the object whose attribute it tests
    (`view.skip_ws()`): a tokenizer stepping through its input, which ends it (avrae's `argsplit`).
    Not `self`/`cls`: a worker's `while self.running: self.work()` runs until a handler clears it."""
    owner = tuple(flag.split(".")[:-1])
    if not owner or owner[0] in ("self", "cls"):
        return False
    return any(first < c.span[0] <= last and len(c.callee) == len(owner) + 1 and c.callee[:-1] == owner for c in calls)


def dotted_name(node: tree_sitter.Node | None) -> str:
    return text(node) if node is not None else ""


def string_value(node: tree_sitter.Node | None) -> str | None:
    node = unwrap(node)
    if node is None or _TYPE[node.kind_id] != "string":
        return None
    parts = []
    for child in node.named_children:
        kind = _TYPE[child.kind_id]
        if kind == "string_content":
            parts.append(text(child))
        elif kind == "interpolation":
            return None
    return "".join(parts)


# first bytes of what may follow the expression of an expression statement: `foo(), bar()`, a comment
_MAY_END_STATEMENT = frozenset([b"", b" ", b"\t", b"\r", b"\n", b"\x0c", b",", b"#", b"\\"])


# asgiref's `sync_to_async(f)` / channels' `database_sync_to_async(f)` return an awaitable wrapper
# that calls `f(*args, **kwargs)` with the wrapper's own arguments (asgiref/sync.py SyncToAsync.__call__)
THREAD_WRAPPERS = frozenset({("sync_to_async",), ("database_sync_to_async",)})
GETATTR = "<getattr>"  # the last segment of `getattr(x, name)(…)`'s callee when `name` is computed


def getattr_callee(node: tree_sitter.Node) -> Path:
    """`getattr(requests, "post")(…)`: the function the inner call names, `requests.post`; with a
    name computed at run time (`getattr(requests, method)(url, …)`), `requests.<getattr>`: some
    member of the object, which a rule may list (CL008: any of requests' HTTP functions, which all
    take `timeout=`). `sync_to_async(Cls)(…)`: the wrapped name, `Cls`. () for any other call."""
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if fn is not None and args is not None and fn.type in ("identifier", "attribute") and dotted(fn)[-1:] in THREAD_WRAPPERS:
        # `await sync_to_async(ConsoleMeRedis)(host=…)`: asgiref runs the callable it wraps, in a
        # thread, with the arguments of the outer call, so that call is a call of the wrapped name
        named = [c for c in args.named_children if c.type != "comment"]
        return dotted(named[0]) if len(named) == 1 and named[0].type in ("identifier", "attribute") else ()
    if fn is None or fn.type != "identifier" or fn.text != b"getattr" or args is None:
        return ()
    named = [c for c in args.named_children if c.type != "comment"]
    if len(named) < 2 or named[0].type not in ("identifier", "attribute"):
        return ()
    owner = dotted(named[0])
    if not owner:
        return ()
    name = string_value(named[1]) if named[1].type == "string" else None
    if name is not None:
        return owner + (name,) if name.isidentifier() else ()
    return owner + (GETATTR,)


def _is_statement_expression(node: tree_sitter.Node, end: int, statement) -> bool:
    """Whether a call is an expression of an expression statement (`foo()`): its value is dropped.
    The sweep's statement is that statement if so, or None (a block of one statement has the same
    span as the statement, and the sweep puts the block inside)."""
    if statement is not None:
        if statement.type != "expression_statement":
            return False
        if end == statement.end_byte and node.start_byte == statement.start_byte:
            return True  # the whole statement
    if _SOURCE[0][end : end + 1] not in _MAY_END_STATEMENT:
        return False  # the call continues into a larger expression (`.json()`, `)`, `[0]`)
    if statement is not None:
        # `x = f()`, `a(), b()`, comments: if the call's parent is an expression statement, it is
        # the sweep's (no statement, scope or block can sit between a node and its parent), so
        # the statement's children say it; `parent` would walk down from the root (issue 13: a
        # call of most assignments on polar's 100,000)
        start, kind = node.start_byte, node.kind_id
        return any(c.start_byte == start and c.end_byte == end and c.kind_id == kind for c in statement.named_children)
    parent = node.parent  # no statement: ask the tree
    return parent is not None and parent.type == "expression_statement"


class _Extractor:
    def __init__(self, facts: FileFacts) -> None:
        self.facts = facts
        self.call_index: dict[tuple[int, int, int], int] = {}
        self.class_scopes: set[int] = set()

    def arg(self, node: tree_sitter.Node | None, depth: int = 0) -> Arg:
        node = unwrap(node)
        if node is None:
            return Arg("other")
        kind = _TYPE[node.kind_id]
        if kind == "identifier":
            name = text(node)
            # an identifier is one line with no trailing space: its short text is itself
            return Arg("ref", path=(name,), text=name if len(name) <= SHORT_LIMIT else short_text(node))
        if kind == "dictionary" and depth < 3:
            keys, values, spread = [], [], False
            for child in node.named_children:
                ck = _TYPE[child.kind_id]
                if ck == "pair":
                    key = string_value(child.child_by_field_name("key"))
                    if key is None:
                        spread = True  # computed key: unknown contents
                        continue
                    keys.append(key)
                    values.append(self.arg(child.child_by_field_name("value"), depth + 1))
                elif ck == "dictionary_splat":
                    spread = True
            return Arg("object", keys=tuple(keys), values=tuple(values), has_spread=spread)
        if kind in ("string", "concatenated_string"):
            value = string_value(node)
            return Arg("string", text=value if value is not None else short_text(node))
        if kind == "none":
            return Arg("none")
        if kind in ("identifier", "attribute"):
            path = dotted(node)
            return Arg("ref", path=path, text=short_text(node)) if path else Arg("other", text=short_text(node))
        if kind == "call":
            index = self.call_index.get(node_key(node), -1)
            if index >= 0:  # the call's own text is this node's short text
                call = self.facts.calls[index]
                return Arg("call", path=call.callee, call=index, text=call.text)
            return Arg("call", path=(), call=index, text=short_text(node))
        if kind == "lambda":
            return Arg("function", scope=scope_id(node))
        if kind in ("list", "tuple", "set") and depth < 3:
            return Arg("array", values=tuple([self.arg(c, depth + 1) for c in node.named_children if _TYPE[c.kind_id] != "comment"]))
        return Arg("other", text=short_text(node))

    def value(self, node: tree_sitter.Node | None, bind_name: str | None = None) -> Value:
        node = unwrap(node)
        if node is None:
            return Value("other")
        kind = _TYPE[node.kind_id]
        if kind == "call":
            index = self.call_index.get(node_key(node), -1)
            if index < 0:
                return Value("other")
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and fn.text == b"getattr":
                # `chosen_method = getattr(requests, self.http_method.lower())` (awx's webhook backend):
                # the name holds a member of the object, `requests.<getattr>` when its name is computed,
                # so `chosen_method(url=…)` is a call of it, as `getattr(requests, m)(url=…)` is
                path = getattr_callee(node)
                if path:
                    return Value("ref", path=path)
            if bind_name is not None:
                self.facts.calls[index].bound_to = bind_name
            return Value("call", call=index)
        if kind in ("identifier", "attribute", "subscript"):  # `first = self.clients[0]`
            path = dotted(node) or dotted(node, kind, subscripts=True)
            if not path and kind == "subscript":
                # `command = {"start": command_start, …}[action]`: one of the literal's values
                literal = unwrap(node.child_by_field_name("value"))
                if literal is not None and _TYPE[literal.kind_id] == "dictionary":
                    return Value("element", arg=self.arg(literal))
            if not path and kind == "attribute":
                # `cget = create_scraper().request`: a bound method of what a call returns, kept in a
                # name (mltb's resolvers); "member": the attribute `path` of the result of call `call`
                obj = unwrap(node.child_by_field_name("object"))
                attr = node.child_by_field_name("attribute")
                if obj is not None and attr is not None and _TYPE[obj.kind_id] == "call":
                    index = self.call_index.get(node_key(obj), -1)
                    if index >= 0:
                        return Value("member", call=index, path=(attr.text.decode("utf-8", "replace"),))
            return Value("ref", path=path) if path else Value("other")
        if kind == "dictionary":
            return Value("object", arg=self.arg(node))
        if kind == "none":  # `config = Config(**kw) if kw else None`: the arm that holds nothing
            return Value("none")
        if kind in ("list", "tuple", "set"):
            return Value("array", arg=self.arg(node))
        if kind in ("list_comprehension", "set_comprehension", "generator_expression", "dictionary_comprehension"):
            # `[Worker(n, h) for n, h in HANDLERS.items()]`: a collection of what the body makes
            body = node.child_by_field_name("body")
            if body is not None and body.type == "pair":
                body = body.child_by_field_name("value")
            return Value("array", arg=Arg("array", values=(self.arg(body),)))
        if kind == "lambda":
            return Value("function", scope=scope_id(node))
        return Value("other")

    def declare(self, scope: int, name: str, value: Value, line: int) -> None:
        self.facts.decls.append(Decl(scope, name, value, line))

    def bind_target(self, target: tree_sitter.Node | None, value_node, scopes, line: int) -> None:
        target = unwrap(target)
        if target is None:
            return
        if target.type == "subscript":  # registry[name] = worker
            owner = dotted(target.child_by_field_name("value"))
            if owner and value_node is not None:
                self.facts.members.append((scopes, owner, self.arg(value_node)))
            return
        if target.type in ("identifier", "attribute") and not in_interrupt_handler(target):
            self._assigned.append((line, text(target)))
        if target.type == "identifier":
            name = text(target)
            if value_node is not None and value_node.type in ("true", "false"):
                self.facts.flag_sets.append((scopes, name))
            scope = scopes[0]
            for alternative in alternatives(value_node):
                self.declare(scope, name, self.value(alternative, name), line)
                if scope in self.class_scopes:  # class attribute: also reachable as self.x
                    self.declare(scope, "self." + name, self.value(alternative), line)
            return
        path = dotted(target)
        if len(path) == 2 and value_node is not None and value_node.type in ("true", "false"):
            self.facts.flag_sets.append((scopes, ".".join(path)))  # self.running = False
        if len(path) == 2 and path[0] == "self" and scopes[0] != 0 and not in_interrupt_handler(target):
            truth = literal_truth(value_node)
            if truth is not None:  # `self.measuring = False` in the method that measures
                self.facts.member_sets.append((scopes[0], path[1], truth))
        if len(path) == 2 and path[0] in ("self", "cls"):
            cls = next((sid for sid in scopes if sid in self.class_scopes), None)
            if cls is not None:
                label = "self." + path[1]
                for alternative in alternatives(value_node):
                    value = self.value(alternative, label)
                    if value.kind == "ref" and scopes[0] != cls:  # `self.redis = redis` in __init__: its parameter
                        value = Value("ref", path=value.path, scope=scopes[0])
                    self.declare(cls, label, value, line)
                return
        if path:
            self.facts.assignments.append(Assignment(path, scopes, self.arg(value_node), line))

    # ---- handlers ---------------------------------------------------------------------------

    def on_call(self, node: tree_sitter.Node, scopes, statement=None) -> None:
        fn = node.child_by_field_name("function")
        fn_kind = _TYPE[fn.kind_id] if fn is not None else ""
        callee = dotted(fn, fn_kind)
        if not callee and fn_kind == "attribute" and b"[" in _SOURCE[0][fn.start_byte : fn.end_byte]:
            callee = dotted(fn, fn_kind, subscripts=True)  # `self.clients[0].close()`: on an element
        if fn_kind == "call":
            callee = getattr_callee(fn)
        method = ""
        if fn_kind == "attribute":  # a plain path's last name is the attribute
            method = callee[-1] if callee else text(fn.child_by_field_name("attribute"))
        elif fn_kind == "call" and len(callee) > 1:  # `getattr(session, "get")(…)`: a method of `session`
            method = callee[-1]
        if statement is None:
            stmt_span = span(node)
        else:  # the calls of one statement share its span
            stmt_span = self._stmt_spans.get(id(statement))
            if stmt_span is None:
                stmt_span = self._stmt_spans[id(statement)] = span(statement)
        start, end = node.start_byte, node.end_byte
        key = (start, end, node.kind_id)
        call = Call(
            callee=callee,
            is_new=False,
            method=method,
            span=span(node),
            stmt_span=stmt_span,
            scopes=scopes,
            awaited=key in self._awaited,
            used=not _is_statement_expression(node, end, statement),
            text=short_text(node),
        )
        self.call_index[key] = len(self.facts.calls)
        if not call.used and callee in _IMPORT_CALLS and _probes_an_import(node):
            self.facts.import_probes.append(len(self.facts.calls))
        if callee in _IMPORT_CALLS and _in_loop(node):
            self.facts.looped_imports += (len(self.facts.calls),)
        self.facts.calls.append(call)
        self._pending.append((call, node.child_by_field_name("arguments")))
        if fn_kind == "attribute" and not callee:  # a plain path has no call in it
            inner = unwrap(fn.child_by_field_name("object"))
            if inner is not None and inner.type == "call":
                self._pending_chain.append((inner, method))
                self._receivers.append((call, inner))

    def fill_args(self, call: Call, args_node) -> None:
        if args_node is None or _TYPE[args_node.kind_id] != "argument_list":
            return
        positional: list[Arg] = []
        keywords: list[tuple[str, Arg]] = []
        star = False
        for child in args_node.named_children:
            kind = _TYPE[child.kind_id]
            if kind == "keyword_argument":
                keywords.append((text(child.child_by_field_name("name")), self.arg(child.child_by_field_name("value"))))
            elif kind == "dictionary_splat":
                star = self._dictionary_splat(child, keywords) or star
            elif kind == "list_splat":
                star = True
                keywords.append(("*", self.arg(child.named_children[0] if child.named_child_count else None)))
            elif kind != "comment":
                positional.append(self.arg(child))
        call.args, call.keywords, call.has_star = tuple(positional), tuple(keywords), star

    def _dictionary_splat(self, node: tree_sitter.Node, keywords: list[tuple[str, Arg]]) -> bool:
        """`**{"headers": h}` passes its literal keys as keywords (no unknown arguments); any other
        `**value` is kept as the keyword "**" so that a rule can look at what the name holds. True
        when the arguments are not all known."""
        value = self.arg(node.named_children[0] if node.named_child_count else None)
        if value.kind == "object" and not value.has_spread:
            keywords.extend(zip(value.keys, value.values))
            return False
        keywords.append(("**", value))
        return True

    def on_import(self, node: tree_sitter.Node, scopes) -> None:
        line = node.start_point[0] + 1
        levels = branch_levels(node)
        for name in node.children_by_field_name("name"):
            self.facts.imports.append(dotted_name(name.child_by_field_name("name") if name.type == "aliased_import" else name))
            if levels:
                self.facts.branch_imports.append((line, scopes[0], (self.facts.imports[-1],), levels))
            if name.type == "aliased_import":
                module = dotted_name(name.child_by_field_name("name"))
                self.declare(scopes[0], text(name.child_by_field_name("alias")), Value("import", module=module), line)
            else:  # `import a.b.c` binds `a`, and `a.b.c` is reachable through it
                module = dotted_name(name)
                first = module.split(".", 1)[0]
                self.declare(scopes[0], first, Value("import", module=first), line)

    def on_import_from(self, node: tree_sitter.Node, scopes) -> None:
        line = node.start_point[0] + 1
        module = dotted_name(node.child_by_field_name("module_name"))
        self.facts.imports.append(module)
        specs = [module]
        for name in node.children_by_field_name("name"):
            if name.type == "aliased_import":
                imported = dotted_name(name.child_by_field_name("name"))
                local = text(name.child_by_field_name("alias"))
            else:
                imported = local = dotted_name(name)
            self.declare(scopes[0], local, Value("import", module=module, name=imported), line)
            specs.append((module if module.endswith(".") else module + ".") + imported)  # `from pkg import module`
        levels = branch_levels(node)
        if levels:
            self.facts.branch_imports.append((line, scopes[0], tuple(specs), levels))

    def on_assign(self, node: tree_sitter.Node, scopes) -> None:
        right = node.child_by_field_name("right")
        left = node.child_by_field_name("left")
        line = node.start_point[0] + 1
        if right is None:
            # `coresys: CoreSys` in a class body, no value: an attribute a mixin declares and its
            # subclasses set (home-assistant/supervisor's `CoreSysAttributes`); `self.coresys.x` is
            # then `x` of an instance of the class it names
            hint = annotated_class(node.child_by_field_name("type"))
            if left is not None and left.type == "identifier" and hint and scopes[0] in self.class_scopes:
                self.declare(scopes[0], "self." + text(left), Value("annotated", path=hint), line)
            return
        if left is not None and left.type in ("pattern_list", "tuple_pattern"):
            for target in left.named_children:
                self.bind_target(target, None, scopes, line)
            return
        self.bind_target(left, right, scopes, line)

    def on_with(self, node: tree_sitter.Node, scopes) -> None:
        value = node.child_by_field_name("value")
        if value is None:
            return
        target = None
        if value.type == "as_pattern":
            alias = value.child_by_field_name("alias")
            target = alias.named_children[0] if alias is not None and alias.named_child_count else None
            value = value.named_children[0] if value.named_child_count else None
        call_node = unwrap(value)
        if call_node is not None and call_node.type == "call":
            index = self.call_index.get(node_key(call_node), -1)
            if index >= 0:
                self.facts.calls[index].context_managed = True
        if target is not None:
            self.bind_target(target, value, scopes, node.start_point[0] + 1)

    def classify_exits(self) -> None:
        """`loop_exits`, and `stop_exits` for those inside a forever loop: an exit outside every
        forever loop of its scope is kept as it is (nothing asks how it leaves); inside one, a
        re-raised error is no exit, and one under an `if` says which (`exit_kind`)."""
        loops: dict[int, list[tuple[int, int]]] = {}
        for scopes, first, last in self.facts.forever_loops:
            loops.setdefault(scopes[0], []).append((first, last))
        for scope, node in self._exit_nodes:
            line = node.start_point[0] + 1
            if not any(first < line <= last for first, last in loops.get(scope, ())):
                self.facts.loop_exits.append((scope, line))
                continue
            kind = exit_kind(node)
            if kind is None:
                continue
            self.facts.loop_exits.append((scope, line))
            if kind:
                self.facts.stop_exits.append((scope, line, kind))

    def on_return(self, node: tree_sitter.Node, scopes) -> None:
        self._exit_nodes.append((scopes[0], node))
        value = unwrap(node.named_children[0] if node.named_child_count else None)
        self.returned(value, scopes[0])

    def returned(self, value, function_scope: int) -> None:
        if value is None:
            return
        if value.type == "call":
            index = self.call_index.get(node_key(value), -1)
            if index >= 0:
                self.facts.calls[index].returned = True
            return
        if value.type == "dictionary":  # `return {"client": client}`: what each key holds
            self.declare(function_scope, RETURNED_OBJECT, Value("object", arg=self.arg(value)), value.start_point[0] + 1)
            return
        path = dotted(value)
        if path:
            self.facts.returns.append((function_scope, path))

    def on_function(self, node: tree_sitter.Node, scopes) -> None:
        sid = scope_id(node)
        self.facts.scope_parents[sid] = scopes[0]
        name = node.child_by_field_name("name")
        if name is not None:
            self.declare(scopes[0], text(name), Value("function", scope=sid), node.start_point[0] + 1)
        params = node.child_by_field_name("parameters")
        index = 0
        for param in params.named_children if params is not None else ():
            ident = param
            if param.type in ("default_parameter", "typed_default_parameter"):
                ident = param.child_by_field_name("name")
            elif param.type == "typed_parameter":
                ident = param.named_children[0] if param.named_child_count else None
            if ident is not None and ident.type == "identifier":
                default = string_default(param.child_by_field_name("value")) if param.type.endswith("default_parameter") else None
                if default is not None:
                    self._string_defaults.append((sid, index, default))
                hinted = annotated_class(param.child_by_field_name("type")) if param.type.startswith("typed") else ()
                self.declare(sid, text(ident), Value("param", scope=sid, index=index, path=hinted), param.start_point[0] + 1)
            index += 1
        if node.type == "lambda":
            self._lambda_bodies.append((node.child_by_field_name("body"), sid))
        label = text(name) if name is not None else ""
        if node.type == "function_definition" and scopes[0] in self.class_scopes and label:
            self.declare(scopes[0], "self." + label, Value("function", scope=sid), node.start_point[0] + 1)
        is_async = node.child_count > 0 and node.children[0].type == "async"
        self.facts.functions[sid] = Function(sid, label, is_async, index, span(node))

    def on_for(self, node: tree_sitter.Node, scopes) -> None:
        left = node.child_by_field_name("left")
        right_node = unwrap(node.child_by_field_name("right"))
        right = dotted(right_node)
        if not right and right_node is not None and right_node.type == "call":  # registry.values()
            fn = right_node.child_by_field_name("function")
            if fn is not None and fn.type == "attribute" and text(fn.child_by_field_name("attribute")) == "values":
                right = dotted(fn.child_by_field_name("object"))
        if left is None or left.type != "identifier":
            return
        if right:
            self.declare(scopes[0], text(left), Value("element", path=right), node.start_point[0] + 1)
        elif right_node is not None and right_node.type in ("list", "tuple"):  # for w in (a, b):
            for element in right_node.named_children:
                self.declare(scopes[0], text(left), self.value(element), node.start_point[0] + 1)

    def on_class(self, node: tree_sitter.Node, scopes) -> None:
        self.class_scopes.add(scope_id(node))
        self.facts.scope_parents[scope_id(node)] = scopes[0]
        name = node.child_by_field_name("name")
        if name is not None:
            self.declare(scopes[0], text(name), Value("class", scope=scope_id(node)), node.start_point[0] + 1)
        bases = node.child_by_field_name("superclasses")
        if bases is not None:
            paths = tuple(p for p in (dotted(b) for b in bases.named_children) if p)
            if paths:
                self.facts.class_bases[scope_id(node)] = (scopes, paths)

    def cleanups(self, captures: dict[str, list[tree_sitter.Node]]) -> None:
        """`FileFacts.cleanups`: the code Python's default SIGTERM skips — every `finally` block and
        `with` statement, and the `except KeyboardInterrupt` / `except SystemExit` clauses (shutdown
        code written for Ctrl-C or `sys.exit()`), as (line, their first line's source, cut short)."""
        found: list[tuple[int, str]] = []
        for node in captures.pop("finally_block", ()):
            found.append((node.start_point[0] + 1, "finally:"))
        for node in captures.pop("with_block", ()):
            clause = next((c for c in node.named_children if c.type == "with_clause"), None)
            words = " ".join(text(clause).split()) if clause is not None else ""
            head = ("async with " if text(node).startswith("async") else "with ") + words
            found.append((node.start_point[0] + 1, head if len(head) <= 80 else head[:79] + "…"))
        for node in captures.pop("except_block", ()):
            head = text(node).split(":", 1)[0].strip()
            if "KeyboardInterrupt" in head or "SystemExit" in head:
                found.append((node.start_point[0] + 1, head if len(head) <= 80 else head[:79] + "…"))
        self.facts.cleanups = sorted(found)

    def run(self, root: tree_sitter.Node) -> None:
        captures = tree_sitter.QueryCursor(_query()).captures(root)
        self._awaited = {node_key(n) for n in captures.pop("awaited", ())}
        captures.pop("flag_condition", None)  # only there to match loops on a name; read from the loop
        # tree-sitter's capture lists are not in document order for every pattern, and their order
        # changed between processes (seen on novu): sorted by position, the facts are the same
        # whichever process extracts them (-j 1 / -j 2 / the cache)
        by_position = lambda nodes: sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte))  # noqa: E731
        for guard, condition in zip(by_position(captures.pop("main_guard", ())), by_position(captures.pop("main_condition", ()))):
            words = text(condition)
            if "__name__" in words and "__main__" in words:  # if __name__ == "__main__":
                self.facts.main_guard = (guard.start_point[0] + 1, guard.end_point[0] + 1)
        self.cleanups(captures)
        dotted_strings = by_position(captures.pop("dotted_string", ()))
        if dotted_strings:
            self.facts.dotted_strings = tuple(dict.fromkeys(text(n) for n in dotted_strings))
        for literal in by_position(captures.pop("name_filter", ())):
            kept_out = name_filter(literal)
            if kept_out:
                self.facts.name_filters.append((enclosing_scope(literal), kept_out))
        decorator_calls: list[tuple[int, tree_sitter.Node]] = []
        # by position too: their capture order differed between two processes (polar's
        # `sdk/python/polar/base.py`, 24 files of the 19 corpora), and so did `FileFacts.type_hints`
        type_hints = by_position(captures.pop("type_hint", ()))
        for node in by_position(captures.pop("decorated", ())):
            definition = node.child_by_field_name("definition")
            if definition is None or definition.type != "function_definition":
                continue
            for decorator in node.named_children:
                if decorator.type != "decorator" or not decorator.named_children:
                    continue
                expression = decorator.named_children[0]
                if expression.type == "call":
                    decorator_calls.append((scope_id(definition), expression))
                    expression = expression.child_by_field_name("function")
                path = dotted_name(expression) if expression is not None else ""
                if path:
                    self.facts.decorators.append((scope_id(definition), tuple(path.split("."))))
        self._stmt_spans: dict[int, tuple] = {}  # by id() of the statement nodes the sweep keeps alive
        self._pending: list[tuple[Call, tree_sitter.Node]] = []
        self._pending_chain: list[tuple[tree_sitter.Node, str]] = []
        self._receivers: list[tuple[Call, tree_sitter.Node]] = []
        self._lambda_bodies: list[tuple] = []
        later = []
        self._string_defaults: list[tuple[int, int, str]] = []  # (function scope, parameter index, default)
        self._flag_loops: list[tuple] = []  # (scopes, first line, last line, the name its condition reads)
        self._assigned: list[tuple[int, str]] = []  # (line, name or self.attribute) of every plain assignment
        self._exit_nodes: list[tuple[int, tree_sitter.Node]] = []  # (scope, node) of break/return/raise/yield
        # a list: the statement nodes stay alive while their spans are shared by id()
        # methods named `handle` (a Django management command's entry): their one-shot option branches
        handles = [n for n in captures.get("function", ()) if _TYPE[n.kind_id] == "function_definition"
                   and n.parent is not None and n.parent.parent is not None and _TYPE[n.parent.parent.kind_id] == "class_definition"
                   and text(n.child_by_field_name("name")) == "handle"]
        ordered = list(sweep(captures, ("function", "class"), ("statement",), ("stop",), ("guard",)))
        for name, node, scopes, statement, guarded in ordered:
            if name == "call":
                self.on_call(node, scopes, statement)
            elif name == "await":
                record_await(self.facts, scopes[0], node.start_point[0] + 1, guarded)
            elif name == "forever":
                self.facts.forever_loops.append((scopes, node.start_point[0] + 1, node.end_point[0] + 1))
            elif name == "flag_loop":
                condition = node.child_by_field_name("condition")
                negated = condition is not None and condition.type == "not_operator"
                self._flag_loops.append((scopes, node.start_point[0] + 1, node.end_point[0] + 1, flag_name(node), negated))
            elif name == "exit":
                self._exit_nodes.append((scopes[0], node))
            elif name == "class":
                self.on_class(node, scopes)
            elif name == "function":
                self.on_function(node, scopes)
            else:
                later.append((name, node, scopes))
        handlers = {
            "import": self.on_import,
            "import_from": self.on_import_from,
            "assign": self.on_assign,
            "return": self.on_return,
            "with": self.on_with,
            "for": self.on_for,
        }
        for name, node, scopes in later:
            handlers[name](node, scopes)
        # `while running:` that nothing inside sets: it ends only when something else (a signal
        # handler) clears the flag, so it runs as long as the process does — a forever loop
        for scopes, first, last, flag, negated in self._flag_loops:
            if flag.endswith(".set()"):  # an Event the loop tests: does the loop itself set it?
                setter = tuple(flag[: -len("()")].split("."))
                if not any(first < c.span[0] <= last and c.callee == setter for c in self.facts.calls):
                    self.facts.forever_loops.append((scopes, first, last))
            elif flag and not any(first < line <= last and _rebinds(name, flag) for line, name in self._assigned) \
                    and not _drives(self.facts.calls, flag, first, last):
                self.facts.forever_loops.append((scopes, first, last))
                owner, _, member = flag.partition(".")
                if owner == "self" and member and "." not in member:
                    # another method may clear it: the rule asks the class and its bases (`member_sets`)
                    self.facts.member_waits.append((first, member, negated))
        self.classify_exits()
        for body, sid in self._lambda_bodies:
            self.returned(unwrap(body), sid)
        for call, args_node in self._pending:
            self.fill_args(call, args_node)
        for call, inner in self._receivers:
            call.receiver_call = self.call_index.get(node_key(inner), -1)
        for inner, method in self._pending_chain:
            index = self.call_index.get(node_key(inner), -1)
            if index >= 0:
                self.facts.calls[index].chain += ((method, ""),)
        for sid, call_node in decorator_calls:
            index = self.call_index.get(node_key(call_node), -1)
            if index >= 0:
                self.facts.decorator_calls.append((sid, index))
        for node in type_hints:
            named = type_hint_class(node)
            if named:
                self.facts.type_hints.append((enclosing_scope(node), hinted_name(node), named))
        if handles:
            self.facts.option_calls = tuple(option_branch_calls(self.facts.calls, handles))
        if self._string_defaults:
            self.facts.string_defaults = tuple(self._string_defaults)


def option_branch_calls(calls: list[Call], handles: list[tree_sitter.Node]) -> list[int]:
    """The indices of the calls inside a one-shot option branch of a `handle()` method: an `if`
    among the method's own statements, with no `elif`/`else`, that tests one option
    (`options.get("status")`, `options["status"]`, `kwargs.get(…)`) and whose block ends in `return`
    (or `sys.exit(…)`): the command prints or does something once and ends before its main work
    (awx's `run_wsrelay --status`). O(the method's top-level statements) per `handle`, plus one pass
    over the file's calls when a branch is found."""
    spans: list[tuple[int, int]] = []
    for handle in handles:
        body = handle.child_by_field_name("body")
        for statement in body.named_children if body is not None else ():
            if _TYPE[statement.kind_id] != "if_statement" or statement.child_by_field_name("alternative") is not None:
                continue
            if not _tests_an_option(unwrap(statement.child_by_field_name("condition"))):
                continue
            block = statement.child_by_field_name("consequence")
            last = block.named_children[-1] if block is not None and block.named_children else None
            if last is None:
                continue
            ends = _TYPE[last.kind_id] == "return_statement" or (
                _TYPE[last.kind_id] == "expression_statement" and text(last).split("(", 1)[0] in ("sys.exit", "exit", "os._exit"))
            if ends:
                spans.append((block.start_point[0] + 1, block.end_point[0] + 1))
    if not spans:
        return []
    return [i for i, call in enumerate(calls) if any(first <= call.span[0] <= last for first, last in spans)]


_OPTION_HOLDERS = frozenset({"options", "kwargs", "opts"})


def _tests_an_option(condition: tree_sitter.Node | None) -> bool:
    """`options.get("status")`, `options["status"]`, `not options.get("x")` is not one (the branch
    runs in the normal mode): a test of one option of the command, true when it is set."""
    if condition is None:
        return False
    kind = _TYPE[condition.kind_id]
    if kind == "call":
        fn = condition.child_by_field_name("function")
        path = dotted(fn) if fn is not None else ()
        return len(path) == 2 and path[0] in _OPTION_HOLDERS and path[1] == "get"
    if kind == "subscript":
        value = condition.child_by_field_name("value")
        return value is not None and _TYPE[value.kind_id] == "identifier" and text(value) in _OPTION_HOLDERS
    return False


_IMPORT_CALLS = frozenset({("importlib", "import_module"), ("import_module",), ("__import__",)})
# what repeats its body in one function: a computed import inside one walks a list or a folder
_LOOPS = frozenset({"for_statement", "while_statement", "list_comprehension", "set_comprehension", "dictionary_comprehension",
                    "generator_expression"})


def _in_loop(node: tree_sitter.Node) -> bool:
    """Whether `node` is inside a loop or a comprehension of its own function (or module)."""
    parent = node.parent
    while parent is not None and _TYPE[parent.kind_id] not in FUNCTION_KINDS and _TYPE[parent.kind_id] != "class_definition":
        if _TYPE[parent.kind_id] in _LOOPS:
            return True
        parent = parent.parent
    return False


_IMPORT_ERRORS = re.compile(r"\b(?:ImportError|ModuleNotFoundError)\b")


def _probes_an_import(node: tree_sitter.Node) -> bool:
    """Whether an import call (its result dropped) is in the body of a `try` of its function that
    catches ImportError or ModuleNotFoundError: it asks whether a module is installed (mylar3's
    requirements check), it loads no code the program then runs."""
    child, parent = node, node.parent
    while parent is not None and _TYPE[parent.kind_id] not in ("function_definition", "lambda", "class_definition", "module"):
        if _TYPE[parent.kind_id] == "try_statement" and parent.child_by_field_name("body") == child:
            if any(_TYPE[c.kind_id] == "except_clause" and c.named_children and _TYPE[c.named_children[0].kind_id] != "block"
                   and _IMPORT_ERRORS.search(text(c.named_children[0]))
                   for c in parent.named_children):
                return True
        child, parent = parent, parent.parent
    return False


def string_default(node: tree_sitter.Node | None) -> str | None:
    """A parameter default's string: a literal (`host="127.0.0.1"`), or the first argument of a
    call (`host: str = typer.Option("127.0.0.1", help=…)`, click's and FastAPI's alike)."""
    node = unwrap(node)
    if node is not None and _TYPE[node.kind_id] == "call":
        arguments = node.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_child_count else None
        node = first if first is not None and _TYPE[first.kind_id] == "string" else None
    return string_value(node) if node is not None else None


def name_filter(literal: tree_sitter.Node) -> str | None:
    """The string an `if` condition keeps out of a name: `"deprecated" not in module_info.name`, alone
    or among `and`s (`if not info.ispkg and "deprecated" not in info.name:`), gives "deprecated";
    None for any other comparison or a comparison outside an `if`'s condition."""
    comparison = literal.parent
    value = string_value(literal)
    if comparison is None or not value or len(comparison.named_children) != 2:
        return None
    operators = [c.type for c in comparison.children if not c.is_named]
    if operators != ["not in"] and operators != ["not", "in"]:
        return None
    if _TYPE[comparison.named_children[1].kind_id] not in ("identifier", "attribute"):
        return None
    if text(comparison.named_children[1]).split(".")[-1] == "modules":
        return None  # `if "rag" not in sys.modules:` guards a stub of the import cache, names no module to skip
    node = comparison
    while node.parent is not None and _TYPE[node.parent.kind_id] in ("boolean_operator", "parenthesized_expression"):
        node = node.parent
    parent = node.parent
    if parent is None or _TYPE[parent.kind_id] not in ("if_statement", "elif_clause"):
        return None
    return value if parent.child_by_field_name("condition") == node else None


def annotated_class(node: tree_sitter.Node | None) -> Path:
    """A parameter's annotation as the dotted name of the class it names: `client: GrafanaAPIClient`,
    `ad: "AppDaemon"` (a forward reference), `session: requests.Session | None`,
    `Optional[Redis]`; () for anything else (a generic, a union of classes, a protocol literal)."""
    inner = node.named_children[0] if node is not None and node.named_children else None
    if inner is None:
        return ()
    if inner.type == "binary_operator" and text(inner.child_by_field_name("right")) == "None":  # X | None
        inner = inner.child_by_field_name("left")
    elif inner.type in ("generic_type", "subscript"):  # Optional[X]
        head = inner.named_children[0] if inner.type == "generic_type" else inner.child_by_field_name("value")
        if head is None or dotted_name(head).rsplit(".", 1)[-1] != "Optional":
            return ()
        argument = inner.named_children[1] if inner.type == "generic_type" and len(inner.named_children) > 1 else inner.child_by_field_name("subscript")
        if argument is not None and argument.type == "type_parameter" and argument.named_children:
            argument = argument.named_children[0]
        if argument is not None and argument.type == "type" and argument.named_children:
            argument = argument.named_children[0]
        inner = argument
    if inner is None:
        return ()
    if inner.type == "string":
        raw = string_value(inner) or ""
    elif inner.type in ("identifier", "attribute"):
        raw = dotted_name(inner)
    else:
        return ()
    parts = tuple(raw.split("."))
    return parts if raw and all(part.isidentifier() for part in parts) else ()


def type_hint_class(node: tree_sitter.Node) -> Path:
    """`Type[X]`, `typing.Type[X]`, `type[X]` → X's dotted name; () for any other annotation."""
    inner = node.named_children[0] if node.named_children else None
    if inner is None:
        return ()
    if inner.type == "generic_type" and len(inner.named_children) == 2:
        head, parameter = inner.named_children
        argument = parameter.named_children[0] if parameter.named_children else None
        if argument is not None and argument.type == "type" and argument.named_children:
            argument = argument.named_children[0]
    elif inner.type == "subscript":
        head, argument = inner.child_by_field_name("value"), inner.child_by_field_name("subscript")
    else:
        return ()
    if head is None or argument is None or dotted_name(head).rsplit(".", 1)[-1] not in ("Type", "type"):
        return ()
    if argument.type == "string":  # a forward reference: Type["Plugin"]
        path = string_value(argument) or ""
    elif argument.type in ("identifier", "attribute"):
        path = dotted_name(argument)
    else:
        return ()
    return tuple(path.split(".")) if path and all(part.isidentifier() for part in path.split(".")) else ()


def hinted_name(node: tree_sitter.Node) -> str:
    """What a `type` annotation is on: a parameter's or a variable's name, "return" for a function's
    return type, "" otherwise."""
    parent = node.parent
    if parent is None:
        return ""
    if parent.type == "function_definition":
        return "return"
    if parent.type in ("typed_parameter", "typed_default_parameter"):
        name = parent.child_by_field_name("name") or (parent.named_children[0] if parent.named_children else None)
        return text(name) if name is not None and name.type == "identifier" else ""
    if parent.type == "assignment":
        left = parent.child_by_field_name("left")
        return text(left) if left is not None and left.type == "identifier" else ""
    return ""


def enclosing_scope(node: tree_sitter.Node) -> int:
    """The scope id of the innermost function or class around `node` (MODULE_SCOPE at top level)."""
    parent = node.parent
    if parent is not None and parent.type == "function_definition":  # a return type: its function
        return scope_id(parent)
    while parent is not None:
        if parent.type in ("function_definition", "class_definition", "lambda"):
            return scope_id(parent)
        parent = parent.parent
    return MODULE_SCOPE


def extract(root: tree_sitter.Node, facts: FileFacts, grammar: str) -> None:
    _Extractor(facts).run(root)
