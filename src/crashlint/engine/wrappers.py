"""Project wrappers that pass their caller's options on to an HTTP client (CL008).

`export async function safeFetch(url, options = {}) { const { retries, ...rest } = options;
return fetch(url, { ...rest, headers }) }`: the library call's options are whatever the caller
passes, so the call inside the wrapper is not a finding, and each caller that passes none of the
options is one. Read from the wrapper file's tree, only for a library call whose options are
unknown: facts do not record which parameter a spread or a reference comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from crashlint.engine.context import RuleContext
from crashlint.facts.model import Call, FileFacts

FUNCTION_NODES = ("function_declaration", "function_expression", "arrow_function", "method_definition",
                  "generator_function_declaration", "function")


@dataclass(frozen=True)
class Wrapper:
    scope: int  # the wrapper function's scope id (FileFacts.functions)
    name: str
    param: int  # the position of the parameter the options come from


def _identifier(node: tree_sitter.Node | None) -> str | None:
    return node.text.decode() if node is not None and node.type in ("identifier", "shorthand_property_identifier_pattern") else None


def _param_names(params: tree_sitter.Node) -> list[str | None]:
    """Each formal parameter's name, None for a pattern (`{ a, b }`)."""
    names: list[str | None] = []
    for child in params.named_children:
        node = child
        if node.type in ("required_parameter", "optional_parameter"):
            node = node.child_by_field_name("pattern")
        if node is not None and node.type == "assignment_pattern":  # `options = {}`
            node = node.child_by_field_name("left")
        names.append(_identifier(node))
    return names


def _derived(body: tree_sitter.Node, name: str) -> set[str]:
    """Names that hold a parameter or the rest of it: `const rest = options`, `const { a, ...rest } =
    options || {}`, and an object made by spreading one (`const init = { ...rest, headers }`: HubSpot's
    client in dub), in the function's own body. Its declarations are read once, then followed until
    no name is added (at most one round per declaration)."""
    declarators: list[tuple[tree_sitter.Node, tree_sitter.Node]] = []
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_NODES:
            continue  # a nested function's declarations are its own
        if node.type == "variable_declarator":
            value = node.child_by_field_name("value")
            while value is not None and value.type in ("binary_expression", "parenthesized_expression"):
                value = value.child_by_field_name("left") if value.type == "binary_expression" else value.named_children[0]
            target = node.child_by_field_name("name")
            if value is not None and target is not None:
                declarators.append((_unwrapped(value), target))
        stack.extend(node.named_children)
    found = {name}
    for _ in range(len(declarators)):
        added = False
        for value, target in declarators:
            spread = value.type == "object" and any(
                part.type == "spread_element" and part.named_children and _identifier(_unwrapped(part.named_children[0])) in found
                for part in value.named_children)
            if _identifier(value) not in found and not spread:
                continue
            if target.type == "identifier":
                names = [target.text.decode()]
            elif target.type == "object_pattern" and not spread:
                names = [part.named_children[0].text.decode() for part in target.named_children
                         if part.type == "rest_pattern" and part.named_children]
            else:
                names = []
            for held in names:
                if held not in found:
                    found.add(held)
                    added = True
        if not added:
            break
    return found


def _call_and_function(ctx: RuleContext, facts: FileFacts, call: Call, kinds: tuple[str, ...]):
    """(the call's node of one of `kinds`, the tree node of the function it is in, that function's
    facts), or None when the call is at module level or the tree's function is not the facts' one."""
    scope = call.scopes[0]
    function = facts.functions.get(scope)
    if function is None or scope == 0:
        return None
    node = ctx.node_of(facts.path, call)
    while node is not None and node.type not in kinds:
        node = node.parent
    fn = node.parent if node is not None else None
    while fn is not None and fn.type not in FUNCTION_NODES:
        fn = fn.parent
    if fn is None or fn.start_point[0] + 1 != function.span[0]:
        return None
    return node, fn, function


def wrapper_of(ctx: RuleContext, facts: FileFacts, call: Call, position: int, words: list[str]) -> Wrapper | None:
    """The function around `call` when the options at argument `position` are one of its parameters
    (or the rest of one) and the function itself never names any of `words` (a wrapper that sets a
    timeout of its own, or only when asked, is not a pass-through)."""
    found = _call_and_function(ctx, facts, call, ("call_expression",))
    if found is None:
        return None
    node, fn, function = found
    body = fn.child_by_field_name("body")
    params = fn.child_by_field_name("parameters")
    arguments = node.child_by_field_name("arguments")
    if body is None or params is None or arguments is None or len(arguments.named_children) <= position:
        return None
    text = fn.text.decode("utf-8", "replace")
    if any(re.search(rf"\b{re.escape(word)}\b", text) for word in words):
        return None
    options = _fallback_of(_unwrapped(arguments.named_children[position]))
    sources = [options] if options.type == "identifier" else [
        _fallback_of(_unwrapped(part.named_children[0])) for part in options.named_children
        if options.type == "object" and part.type == "spread_element" and part.named_children
    ]
    own = _param_names(params)
    for index, name in enumerate(own):
        if name is None:
            continue
        names = _derived(body, name)
        if any(_identifier(s) in names for s in sources):
            return Wrapper(call.scopes[0], function.name or _bound_name(fn), index)
    return _enclosing_wrapper(facts, fn, {n for n in own if n}, sources, words)


def _enclosing_wrapper(facts: FileFacts, inner: tree_sitter.Node, shadowed: set[str], sources: list[tree_sitter.Node],
                       words: list[str]) -> Wrapper | None:
    """The function around an inner function when the options come from a parameter of the outer
    one, which the inner function neither takes nor declares (trackdechets' `authorizedGet(url,
    config)` retrying through an inner `get()` that calls `axios.get(url, { ...config, headers })`):
    the outer function is the wrapper its callers are judged by. Up to two enclosing functions; a
    function that names any of `words` sets a timeout of its own and is no pass-through. Read from
    the tree of the inner function's file: O(the outer functions' text)."""
    names = [_identifier(s) for s in sources]
    wanted = {n for n in names if n} - shadowed
    inner_text = inner.text.decode("utf-8", "replace")
    # a name the inner function declares of its own (`const config = …`) is not the outer parameter
    wanted = {n for n in wanted if not re.search(rf"\b(?:const|let|var)\s+{re.escape(n)}\b", inner_text)}
    current = inner
    for _ in range(2):
        if not wanted:
            return None
        outer = current.parent
        while outer is not None and outer.type not in FUNCTION_NODES:
            outer = outer.parent
        if outer is None:
            return None
        body, params = outer.child_by_field_name("body"), outer.child_by_field_name("parameters")
        if body is None or params is None:
            return None
        text = outer.text.decode("utf-8", "replace")
        if any(re.search(rf"\b{re.escape(word)}\b", text) for word in words):
            return None
        function = facts.functions.get(outer.start_byte + 1)
        if function is None:
            return None
        declared = _param_names(params)
        for index, name in enumerate(declared):
            if name is not None and name in wanted:
                return Wrapper(outer.start_byte + 1, function.name or _bound_name(outer), index)
        wanted -= {n for n in declared if n}
        current = outer
    return None


def _fallback_of(node: tree_sitter.Node) -> tree_sitter.Node:
    """`init ?? {}`, `(init || {})`: a name with an empty object as its fallback is the name (when
    the caller passes nothing, the fallback adds no option either); anything else as it is."""
    if node.type == "binary_expression" and node.child_by_field_name("operator") is not None \
            and node.child_by_field_name("operator").type in ("??", "||"):
        right = _unwrapped(node.child_by_field_name("right"))
        left = node.child_by_field_name("left")
        if right.type == "object" and not right.named_child_count and left is not None:
            return _unwrapped(left)
    return node


def _bound_name(fn: tree_sitter.Node) -> str:
    """`const safeFetch = async (url, options) => …`: the name an anonymous function is bound to;
    `exports.get = async (url, config) => …`: the property it is assigned to."""
    parent = fn.parent
    if parent is not None and parent.type == "variable_declarator":
        return _identifier(parent.child_by_field_name("name")) or ""
    if parent is not None and parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        if left is not None and left.type == "member_expression":
            prop = left.child_by_field_name("property")
            return prop.text.decode() if prop is not None and prop.type == "property_identifier" else ""
    return ""


def bound_name(ctx: RuleContext, facts: FileFacts, call: Call) -> str:
    """The name the function around `call` is bound to when it has none of its own."""
    node = ctx.node_of(facts.path, call)
    fn = node.parent if node is not None else None
    while fn is not None and fn.type not in FUNCTION_NODES:
        fn = fn.parent
    function = facts.functions.get(call.scopes[0])
    if fn is None or function is None or fn.start_point[0] + 1 != function.span[0]:
        return ""
    return _bound_name(fn)


def _unwrapped(node: tree_sitter.Node) -> tree_sitter.Node:
    """`init as RequestInit`, `init!`, `(init)`: the expression a type assertion or parentheses hold."""
    while node.type in ("as_expression", "non_null_expression", "satisfies_expression", "parenthesized_expression",
                        "type_assertion") and node.named_children:
        node = node.named_children[0]
    return node


# A timeout the wrapper sets of its own: a number literal given to a timer or an abort signal, or as
# the fallback of the option (`timeout ?? 10_000`, `timeout = 10_000` in the pattern is seen apart).
OWN_TIMEOUT = re.compile(
    r"AbortSignal\.timeout\(\s*\d|setTimeout\([^;]*,\s*\d[\d_]*\s*\)|\b(timeout|signal)\w*\s*(\?\?|\|\|)\s*\d|\btimeout\w*\s*:\s*\d"
)


def _pattern_keys(pattern: tree_sitter.Node) -> tuple[set[str], set[str], str | None]:
    """An object pattern's keys without a default, keys with one, and its `...rest` name."""
    bare: set[str] = set()
    defaulted: set[str] = set()
    rest = None
    for part in pattern.named_children:
        if part.type == "shorthand_property_identifier_pattern":
            bare.add(part.text.decode())
        elif part.type == "object_assignment_pattern":
            left = part.child_by_field_name("left")
            if left is not None:
                defaulted.add(left.text.decode())
        elif part.type == "pair_pattern":
            key = part.child_by_field_name("key")
            value = part.child_by_field_name("value")
            if key is not None:
                (defaulted if value is not None and value.type == "assignment_pattern" else bare).add(key.text.decode())
        elif part.type == "rest_pattern" and part.named_children:
            rest = part.named_children[0].text.decode()
    return bare, defaulted, rest


def conditional_wrapper_of(ctx: RuleContext, facts: FileFacts, call: Call, position: int, words: list[str]) -> tuple[Wrapper, list[str]] | None:
    """The function around `call` when it bounds the library call only if its caller asks: it takes
    one of `words` (`timeout`) out of an options parameter with no default (`const { timeout,
    ...rest } = init || {}`), and sets no timeout of its own (no number literal given to a timer,
    `AbortSignal.timeout`, or as the option's fallback). Returns the wrapper and the option names a
    caller may pass to be bounded."""
    found = _call_and_function(ctx, facts, call, ("call_expression", "new_expression"))
    if found is None:
        return None
    _, fn, function = found
    body = fn.child_by_field_name("body")
    params = fn.child_by_field_name("parameters")
    if body is None or params is None:
        return None
    if OWN_TIMEOUT.search(fn.text.decode("utf-8", "replace")):
        return None
    patterns: list[tuple[int, tree_sitter.Node]] = []  # (parameter index, object pattern)
    for index, child in enumerate(params.named_children):
        node = child.child_by_field_name("pattern") if child.type in ("required_parameter", "optional_parameter") else child
        if node is not None and node.type == "assignment_pattern":
            node = node.child_by_field_name("left")
        if node is not None and node.type == "object_pattern":
            patterns.append((index, node))
    names = _param_names(params)
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_NODES:
            continue
        if node.type == "variable_declarator":
            value = node.child_by_field_name("value")
            while value is not None and value.type in ("binary_expression", "parenthesized_expression"):
                value = value.child_by_field_name("left") if value.type == "binary_expression" else value.named_children[0]
            target = node.child_by_field_name("name")
            source_name = _identifier(value)
            if target is not None and target.type == "object_pattern" and source_name in names:
                patterns.append((names.index(source_name), target))
        stack.extend(node.named_children)
    for index, pattern in patterns:
        bare, defaulted, _ = _pattern_keys(pattern)
        asked = sorted(k for k in bare if k in words)
        if asked and not (defaulted & set(words)):
            return Wrapper(call.scopes[0], function.name or _bound_name(fn), index), sorted(set(asked) | set(words))
    return None


def _type_name(annotation: tree_sitter.Node | None) -> str | None:
    """`: FetchService` → "FetchService" (a plain named type only)."""
    if annotation is None:
        return None
    for child in annotation.named_children:
        if child.type == "type_identifier":
            return child.text.decode()
    return None


def _parameter_type(params: tree_sitter.Node | None, name: str, property_only: bool) -> str | None:
    """The declared type of parameter `name` in a parameter list; `property_only`: only a parameter
    property (`private readonly fetchService: FetchService` in a constructor)."""
    if params is None:
        return None
    for child in params.named_children:
        if child.type not in ("required_parameter", "optional_parameter"):
            continue
        if property_only and not any(c.type in ("accessibility_modifier", "readonly") or c.text in (b"readonly",) for c in child.children):
            continue
        pattern = child.child_by_field_name("pattern")
        if _identifier(pattern) == name:
            return _type_name(child.child_by_field_name("type"))
    return None


def receiver_type(ctx: RuleContext, facts: FileFacts, call: Call) -> str | None:
    """The declared class of a method call's receiver, from the TypeScript annotations a dependency
    injector reads: `this.fetchService.fetch(…)` with a constructor parameter property
    `private readonly fetchService: FetchService`, or `fetchService.fetch(…)` with a parameter
    `fetchService: FetchService` of an enclosing function (a NestJS `useFactory`). None otherwise."""
    callee = call.callee
    if facts.language != "typescript" or len(callee) not in (2, 3) or (len(callee) == 3 and callee[0] != "this"):
        return None
    node = ctx.node_of(facts.path, call)
    name = callee[1] if len(callee) == 3 else callee[0]
    while node is not None:
        if len(callee) == 2 and node.type in FUNCTION_NODES:
            found = _parameter_type(node.child_by_field_name("parameters"), name, False)
            if found:
                return found
        if len(callee) == 3 and node.type in ("class_declaration", "abstract_class_declaration", "class"):
            body = node.child_by_field_name("body")
            for member in body.named_children if body is not None else ():
                if member.type == "method_definition" and _identifier(member.child_by_field_name("name")) == "constructor" or (
                        member.type == "method_definition" and member.child_by_field_name("name") is not None
                        and member.child_by_field_name("name").text == b"constructor"):
                    found = _parameter_type(member.child_by_field_name("parameters"), name, True)
                    if found:
                        return found
                if member.type == "public_field_definition":  # `private readonly api: ApiClient;`
                    field_name = member.child_by_field_name("name")
                    if field_name is not None and field_name.text.decode() == name:
                        return _type_name(member.child_by_field_name("type"))
            return None
        node = node.parent
    return None


def injected_call(ctx: RuleContext, facts: FileFacts, method: int, path: str, caller: Call) -> bool:
    """Whether `caller` (`this.fetchService.fetch(…)`, `fetchService.fetch(…)`) calls the method
    `method` of `facts` through a receiver whose declared type is that method's class: the instance a
    dependency injector (NestJS) passes to a constructor or a factory, which no assignment shows."""
    owner = facts.scope_parents.get(method)
    function = facts.functions.get(method)
    if owner is None or function is None or len(caller.callee) < 2 or caller.callee[-1] != function.name:
        return False
    type_name = receiver_type(ctx, ctx.project.files[path], caller)
    if not type_name:
        return False
    return any(t.kind == "class" and t.path == facts.path and t.scope == owner
               for t in ctx.project.resolve(path, caller.scopes, (type_name,)))
