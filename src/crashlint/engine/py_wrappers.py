"""Python helpers whose callers decide an HTTP call's timeout (CL008).

Three shapes a reviewer reads as one call with no timeout, at the caller:

- `def fetch_remote(url, …, timeout=None): requests.request(…, timeout=timeout)`: the parameter's
  default is None, so a caller that passes none (or passes `timeout=None`) has none;
- `def http(method, url, **kwargs): return getattr(requests, method)(url, **kwargs)`: the caller's
  keywords are passed on, and a caller that gives no `timeout=` has none (a helper that names
  `timeout` itself, `kwargs.setdefault("timeout", 10)`, is not a pass-through);
- `def call_api(self, endpoint, http_method, **kwargs): http_method(url, **kwargs)` with callers
  passing `requests.get`: a parameter called as a function is the requests function its callers
  pass (followed by `param_callee`).

A caller that hands on a parameter of its own of the same kind (`fetch_json(…, timeout=None)` calling
`fetch_remote(…, timeout=timeout)`, `api_get(self, endpoint, **kwargs)` calling
`self.call_api(endpoint, requests.get, **kwargs)`) is such a helper too: its callers are judged in
turn (four levels). The parameters' defaults are read from the helper's tree: facts do not keep them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from crashlint.engine.context import RuleContext
from crashlint.facts.model import Arg, Call, FileFacts
from crashlint.processes import is_test_path
from crashlint.project import Project, Target

PY_FUNCTIONS = ("function_definition",)
MAX_LEVELS = 4


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # plain | default | star | dstar | other
    default: str = ""  # the default's source text


@dataclass(frozen=True)
class Helper:
    """A project function whose callers decide the option: they pass `keyword` (or the positional
    argument `index`, parameters counted from the function's first, `self` included), or, when
    `kwargs` is set, a `**` dict or keywords of their own that hold it."""

    path: str
    scope: int
    name: str
    keyword: str
    index: int | None
    kwargs: bool
    line: int  # the helper's call of the library (or of the helper it hands on to)


def _params(fn: tree_sitter.Node) -> list[Param]:
    params = fn.child_by_field_name("parameters")
    found: list[Param] = []
    for child in params.named_children if params is not None else ():
        if child.type == "identifier":
            found.append(Param(child.text.decode(), "plain"))
        elif child.type in ("default_parameter", "typed_default_parameter"):
            name, value = child.child_by_field_name("name"), child.child_by_field_name("value")
            found.append(Param(name.text.decode() if name is not None else "", "default",
                               value.text.decode() if value is not None else ""))
        elif child.type == "typed_parameter":
            inner = child.named_children[0] if child.named_child_count else None
            if inner is not None and inner.type == "dictionary_splat_pattern" and inner.named_child_count:
                found.append(Param(inner.named_children[0].text.decode(), "dstar"))
            elif inner is not None and inner.type == "list_splat_pattern" and inner.named_child_count:
                found.append(Param(inner.named_children[0].text.decode(), "star"))
            else:
                found.append(Param(inner.text.decode() if inner is not None else "", "plain"))
        elif child.type == "dictionary_splat_pattern" and child.named_child_count:
            found.append(Param(child.named_children[0].text.decode(), "dstar"))
        elif child.type == "list_splat_pattern" and child.named_child_count:
            found.append(Param(child.named_children[0].text.decode(), "star"))
        else:  # a bare `*` or `/`
            found.append(Param("", "other"))
    return found


def _function_node(ctx: RuleContext, facts: FileFacts, call: Call) -> tuple[tree_sitter.Node, int, str] | None:
    """The `def` the call is directly in (its tree node, scope id, name), or None at module level,
    in a lambda, or when the tree and the facts disagree."""
    scope = call.scopes[0]
    function = facts.functions.get(scope)
    if function is None or scope == 0 or not function.name:
        return None
    node = ctx.node_of(facts.path, call)
    while node is not None and node.type not in PY_FUNCTIONS + ("lambda",):
        node = node.parent
    if node is None or node.type != "function_definition" or node.start_point[0] + 1 != function.span[0]:
        return None
    return node, scope, function.name


def _mentions(fn: tree_sitter.Node, word: str) -> bool:
    """Whether the function's body names `word` (`kwargs.setdefault("timeout", 10)`)."""
    body = fn.child_by_field_name("body")
    return body is not None and re.search(rf"\b{re.escape(word)}\b", body.text.decode("utf-8", "replace")) is not None


def _defaults_itself(fn: tree_sitter.Node, name: str) -> bool:
    """Whether the function gives the parameter a value of its own when the caller passes none:
    assigns it (`timeout = timeout or 10`, `timeout += 1`, `(timeout := …)`) or tests it (`if timeout
    is None`, `if not timeout`, `timeout or 10`, `… if timeout else …`). Read from the tree, nested
    functions apart."""
    body = fn.child_by_field_name("body")
    stack = [body] if body is not None else []
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("function_definition", "lambda", "class_definition"):
            continue
        if kind in ("assignment", "augmented_assignment"):
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier" and left.text.decode() == name:
                return True
        if kind == "named_expression":
            target = node.child_by_field_name("name")
            if target is not None and target.text.decode() == name:
                return True
        if kind == "identifier" and node.text.decode() == name and node.parent is not None and node.parent.type in TESTS:
            return True
        stack.extend(node.named_children)
    return False


# where a parameter is tested rather than passed on
TESTS = ("boolean_operator", "not_operator", "comparison_operator", "conditional_expression", "if_statement",
         "elif_clause", "while_statement")


def _helper_for(ctx: RuleContext, facts: FileFacts, call: Call, value: Arg | None, splats: list[Arg], option: str) -> Helper | None:
    """The function around `call` as a helper whose callers decide `option`, from what the call
    passes: `option=<a parameter whose default is None>`, or no `option` and `**<its ** parameter>`."""
    # what the call passes is checked before the function's tree is read: most calls pass no name
    # that could be a parameter, and reading the tree may mean parsing the file again
    if value is not None and (value.kind != "ref" or len(value.path) != 1):
        return None
    if value is None and (len(splats) != 1 or splats[0].kind != "ref" or len(splats[0].path) != 1):
        return None
    found = _function_node(ctx, facts, call)
    if found is None:
        return None
    fn, scope, name = found
    params = _params(fn)
    if value is not None:
        for index, param in enumerate(params):
            if param.name == value.path[0]:
                if param.kind == "default" and param.default == "None" and not _defaults_itself(fn, param.name):
                    return Helper(facts.path, scope, name, param.name, index, False, call.span[0])
                return None
        return None
    dstar = [p.name for p in params if p.kind == "dstar"]
    if dstar != [splats[0].path[0]] or _mentions(fn, option):
        return None
    return Helper(facts.path, scope, name, option, None, True, call.span[0])


def caller_decides(ctx: RuleContext, facts: FileFacts, call: Call, option: str) -> Helper | None:
    """The helper around a library call whose `option` its callers decide, or None (the call sets
    the option itself, or leaves it unset for everyone, or passes what crashlint cannot follow)."""
    splats = [arg for key, arg in call.keywords if key == "**"]
    if any(key == "*" for key, _ in call.keywords) and call.keyword(option) is None and not splats:
        return None
    return _helper_for(ctx, facts, call, call.keyword(option), splats, option)


def unbounded_callers(ctx: RuleContext, roles: tuple[str, ...] | list[str] | set[str], helper: Helper,
                      option: str) -> list[tuple[str, Call, Helper, bool]]:
    """The calls of the helper (and of the helpers that hand on to it) that leave `option` unset:
    (path, call, the helper it calls, whether it passes None explicitly)."""
    project = ctx.project
    found: list[tuple[str, Call, Helper, bool]] = []
    pending: list[tuple[Helper, int]] = [(helper, 0)]
    seen: set[tuple[str, int]] = set()
    reported: set[tuple[str, int]] = set()
    while pending:
        current, level = pending.pop(0)
        if (current.path, current.scope) in seen:
            continue
        seen.add((current.path, current.scope))
        # its callers: by name or import, or `self.name(…)` in a class whose method it is (its own or a base's)
        for path, caller in project.calls_of(Target("function", path=current.path, scope=current.scope, name=current.name),
                                             self_calls=True):
            if ctx.role(path) not in roles or is_test_path(path):
                continue
            facts = project.files[path]
            params_shift = 1 if current.index is not None and _first_is_self(ctx, current) and len(caller.callee) > 1 else 0
            given = caller.keyword(current.keyword)
            if given is None and current.index is not None and 0 <= current.index - params_shift < len(caller.args):
                if not any(key == "*" for key, _ in caller.keywords):  # positions after `*args` are unknown
                    given = caller.args[current.index - params_shift]
            splats = [arg for key, arg in caller.keywords if key == "**"]
            if given is not None:
                if given.kind == "none":
                    if (path, caller.span[0], caller.span[1]) not in reported:
                        reported.add((path, caller.span[0], caller.span[1]))
                        found.append((path, caller, current, True))
                    continue
                if given.kind == "ref" and len(given.path) == 1 and level < MAX_LEVELS:
                    outer = _helper_for(ctx, facts, caller, given, [], option)
                    if outer is not None:
                        pending.append((outer, level + 1))
                continue  # a value: bounded (or a parameter with a default of its own)
            if splats:
                if level < MAX_LEVELS:
                    outer = _helper_for(ctx, facts, caller, None, splats, option)
                    if outer is not None:
                        pending.append((outer, level + 1))
                continue  # a dict crashlint cannot see into, or the caller's callers decide
            if any(key == "*" for key, _ in caller.keywords) and current.index is not None:
                continue
            if (path, caller.span[0], caller.span[1]) not in reported:
                reported.add((path, caller.span[0], caller.span[1]))
                found.append((path, caller, current, False))
    return found


def _first_is_self(ctx: RuleContext, helper: Helper) -> bool:
    return _params_of(ctx.project, helper.path).get(helper.scope, {}).get(0) in ("self", "cls")


def _params_of(project: Project, path: str) -> dict[int, dict[int, str]]:
    """A file's parameter names by function scope and position: one pass over its declarations,
    memoized per file (`Project.per_file`), so that a question about one parameter is two
    dictionary probes, not a walk over the file's declarations (karrio's generated schema modules:
    25,000 declarations, asked for 2,800 parameters, 95 of a scan's 156 profiled seconds)."""
    def compute() -> dict[int, dict[int, str]]:
        found: dict[int, dict[int, str]] = {}
        for d in project.files[path].decls:
            if d.value.kind == "param":
                found.setdefault(d.value.scope, {})[d.value.index] = d.name
        return found
    return project.per_file(path, "param-names", compute)  # type: ignore[return-value]


def _classes_of(project: Project, path: str) -> dict[int, str]:
    """A file's classes, scope → name (the first declaration of each): one pass over its
    declarations, memoized per file (`Project.per_file`)."""
    def compute() -> dict[int, str]:
        found: dict[int, str] = {}
        for d in project.files[path].decls:
            if d.value.kind == "class":
                found.setdefault(d.value.scope, d.name)
        return found
    return project.per_file(path, "class-names", compute)  # type: ignore[return-value]


def param_name(project: Project, param: Target) -> tuple[str, int] | None:
    """The name of the parameter `param` and 1 when its function's first parameter is `self`/`cls`
    (`obj.method(a)`: `a` is the second parameter), else 0; None when it has no name. O(1) after
    the file's first question (`_params_of`)."""
    params = _params_of(project, param.path).get(param.scope, {})
    name = params.get(param.index)
    return None if name is None else (name, 1 if params.get(0) in ("self", "cls") else 0)


def walked_param(project: Project, param: Target, depth: int) -> tuple[str, str, int] | None:
    """What a walk from the parameter `param` up to its function's callers needs: the function's
    name, the parameter's name and its self-shift (`param_name`); None past three levels, or when
    the function or the parameter has no name."""
    facts = project.files[param.path]
    function = facts.functions.get(param.scope)
    if function is None or not function.name or depth > 3:
        return None
    named = param_name(project, param)
    return None if named is None else (function.name, *named)


def param_callee(project: Project, param: Target, callees: dict[str, int], depth: int = 0) -> str | None:
    """The library function (one of `callees`) that a caller of the function passes as the
    parameter `param`, which the function calls (`call_api(endpoint, requests.get, …)` for
    `http_method(url, …)`); followed through callers that hand on a parameter of their own (three
    levels). None when no caller outside tests passes one."""
    walked = walked_param(project, param, depth)
    if walked is None:
        return None
    function_name, name, shift = walked
    for caller_path, caller in project.calls_of(Target("function", path=param.path, scope=param.scope, name=function_name),
                                                self_calls=True):
        position = param.index - (shift if len(caller.callee) > 1 else 0)
        arg = caller.keyword(name) or (caller.args[position] if 0 <= position < len(caller.args) else None)
        if arg is None or arg.kind != "ref" or is_test_path(caller_path):
            continue
        for value in project.resolve(caller_path, caller.scopes, arg.path):
            if value.kind == "external" and value.name in callees:
                return value.name
            if value.kind == "param":
                found = param_callee(project, value, callees, depth + 1)
                if found is not None:
                    return found
    return None


def constructed_class(project: Project, path: str, scope: int) -> Target | None:
    """The class whose `__init__` is the function at `scope`, or None. O(1) after the file's first
    question (`_classes_of`)."""
    facts = project.files[path]
    function = facts.functions.get(scope)
    if function is None or function.name != "__init__":
        return None
    chain = project.scope_chain(path, scope)
    if len(chain) < 2:
        return None
    name = _classes_of(project, path).get(chain[1])
    return None if name is None else Target("class", path=path, scope=chain[1], name=name)


def passed_values(project: Project, param: Target) -> list[Target] | None:
    """What the callers outside tests of `param`'s function pass as `param` (a constructor's
    callers call its class: `ApiClient(session=s)`), each argument resolved (`IndexerSession()` is
    an instance, `make_session()` what the factory returns); None when a caller leaves it out, passes
    it through `*args`/`**kwargs`, or nothing calls the function."""
    facts = project.files[param.path]
    named = param_name(project, param)
    function = facts.functions.get(param.scope)
    if named is None or function is None or not function.name:
        return None
    name, shift = named
    cls = constructed_class(project, param.path, param.scope)
    values: list[Target] = []
    callee = cls if cls is not None else Target("function", path=param.path, scope=param.scope)
    for caller_path, caller in project.calls_of(callee):
        if is_test_path(caller_path):
            continue
        position = param.index - (shift if cls is not None or len(caller.callee) > 1 else 0)
        if any(a.kind == "spread" for a in caller.args) or any(k == "**" for k, _ in caller.keywords):
            return None  # `Client(*args, **kwargs)`: cannot tell
        arg = caller.keyword(name) or (caller.args[position] if 0 <= position < len(caller.args) else None)
        if arg is None:
            return None  # this caller gets the fallback
        if arg.kind == "ref":
            found = project.resolve(caller_path, caller.scopes, arg.path)
        elif arg.kind in ("call", "new") and arg.call >= 0:
            found = project.call_targets(caller_path, arg.call)
        else:
            return None
        if not found:
            return None
        values += found
    return values or None


def param_instance(project: Project, param: Target, instances: set[str], depth: int,
                    passthrough: dict[str, tuple[int, str | None]] | None = None) -> Target | None:
    """The instance of one of `instances` that a caller of the function passes as the parameter
    `param` (`get_asset(url, session=http_session)` with `http_session = requests.Session()`),
    followed through callers that hand on a parameter of their own (three levels); None when no
    caller outside tests passes one."""
    walked = walked_param(project, param, depth)
    if walked is None:
        return None
    function_name, name, shift = walked
    for caller_path, caller in project.calls_of(Target("function", path=param.path, scope=param.scope, name=function_name)):
        if is_test_path(caller_path):
            continue
        position = param.index - shift
        arg = caller.keyword(name) or (caller.args[position] if 0 <= position < len(caller.args) else None)
        if arg is None:
            continue
        if arg.kind == "ref":
            values = project.resolve(caller_path, caller.scopes, arg.path)
        elif arg.kind == "call" and arg.call >= 0:
            values = [Target("call", path=caller_path, index=arg.call)]
        else:
            continue
        if passthrough:  # `download_file(url, session=make_session())`: CacheControl(sess) is `sess`
            values = through(project, values, passthrough)
        for value in values:
            if value.kind == "call":
                owner = project.files[value.path].calls[value.index]
                if set(project.callee_names(value.path, owner)) & instances:
                    return value
            elif value.kind == "instance" and set(project.instance_names(value)) & instances:
                return value
            elif value.kind == "param":
                found = param_instance(project, value, instances, depth + 1, passthrough)
                if found is not None:
                    return found
    return None


def through(project: Project, receivers: list[Target], passthrough: dict[str, tuple[int, str | None]]) -> list[Target]:
    """The receivers, each call of a `passthrough` library function (`CacheControl(sess=session)`)
    replaced by what its session argument holds (one level: a session is not wrapped twice)."""
    found: list[Target] = []
    for target in receivers:
        if target.kind == "call":
            owner = project.files[target.path].calls[target.index]
            taken = next((passthrough[n] for n in project.callee_names(target.path, owner) if n in passthrough), None)
            if taken is not None:
                position, keyword = taken
                arg = (owner.keyword(keyword) if keyword else None) or (owner.args[position] if position < len(owner.args) else None)
                if arg is not None and arg.kind == "ref":
                    found += project.resolve(target.path, owner.scopes, arg.path)
                elif arg is not None and arg.kind in ("call", "new") and arg.call >= 0:
                    found += project.call_targets(target.path, arg.call)
                continue
        found.append(target)
    return found
