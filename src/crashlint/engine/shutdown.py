"""Shutdown paths: the code a SIGTERM / SIGINT handler runs, across files.

A rule's `[shutdown]` table says how handlers are registered, e.g.

    [shutdown]
    registrations = [{ callee = "process.on", handler = 1 }, { method = "add_signal_handler", handler = 1,
                     includes_caller = true }]
    signals = ["SIGTERM", "SIGINT"]
    lifecycle = ["onModuleDestroy"]     methods a framework calls on shutdown (roots of the path)

A handler is a function passed at position `handler` (inline, by name, or through an import); the
shutdown path is every function it calls, transitively, wherever it is defined; a method called on
an object crashlint cannot resolve (an injected service) reaches every project method of that name. With
`includes_caller`, the function that registers the handler is on the path too (the asyncio idiom of
waiting on an event the handler sets, then closing). A call is on the
path when any scope enclosing it is (so closures inside those functions count too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crashlint.facts.model import Call
from crashlint.findings import Location
from crashlint.project import Project, Target


@dataclass
class ShutdownPaths:
    handlers: list[Location] = field(default_factory=list)  # where each handler is registered
    reachable: set[tuple[str, int]] = field(default_factory=set)  # (file, function scope)
    # files whose code a handler signals through a flag (`isShuttingDown = true`) that the file's own
    # loops read: a hand-written drain crashlint credits instead of a close()
    flag_files: set[str] = field(default_factory=set)

    def contains(self, path: str, scopes: tuple[int, ...]) -> bool:
        return any((path, scope) in self.reachable for scope in scopes)


def _registration(project: Project, path: str, call: Call, spec: dict) -> tuple[int, bool] | None:
    """(handler position, whether the registering function is on the path too) when `call`
    registers a signal handler, else None."""
    signals = set(spec.get("signals", ("SIGTERM", "SIGINT")))
    for registration in spec["registrations"]:
        if "method" in registration:
            if call.method != registration["method"]:
                continue
        elif not call.callee or call.callee[-1] != registration["callee"].rsplit(".", 1)[-1]:
            continue
        elif registration["callee"] not in project.callee_names(path, call):
            continue
        if call.args:
            first = call.args[0]
            # process.on(sig, h) inside `for (const sig of ["SIGTERM", "SIGINT"])`: accept a non-literal
            if first.kind == "string" and first.text not in signals:
                return None
            # signal.SIGHUP is not ours; a loop variable that happens to be called `signal` may be
            if first.kind == "ref" and len(first.path) > 1 and first.path[-1] not in signals and first.path[0] in ("signal", "Signals"):
                return None
        return int(registration.get("handler", 1)), bool(registration.get("includes_caller"))
    return None


def _functions_of(project: Project, path: str, call: Call, arg_index: int) -> list[tuple[str, int]]:
    if len(call.args) <= arg_index:
        return []
    arg = call.args[arg_index]
    if arg.kind == "function":
        return [(path, arg.scope)]
    found: list[Target] = []
    if arg.kind == "ref":
        found = project.resolve(path, call.scopes, arg.path)
    elif arg.kind in ("call", "new") and arg.path:  # process.on("SIGTERM", makeHandler(server))
        found = project.resolve(path, call.scopes, arg.path)
    return [(t.path, t.scope) for t in found if t.kind == "function"]


CONCRETE = frozenset({"call", "function", "instance", "class", "object", "array", "module"})


def methods_named(project: Project) -> dict[str, list[tuple[str, int]]]:
    """Project functions by name, for calls whose receiver crashlint cannot resolve."""
    index: dict[str, list[tuple[str, int]]] = {}
    for path, facts in project.files.items():
        for function in facts.functions.values():
            if function.name:
                index.setdefault(function.name, []).append((path, function.scope))
    return index


def shutdown_paths(project: Project, spec: dict) -> ShutdownPaths:
    result = ShutdownPaths()
    work: list[tuple[str, int]] = []
    for path, facts in project.files.items():
        for call in facts.calls:
            registration = _registration(project, path, call, spec)
            if registration is None:
                continue
            position, includes_caller = registration
            result.handlers.append(Location(path, call.span[0], call.span[1], call.span[2], call.span[3]))
            work += _functions_of(project, path, call, position)
            if includes_caller and call.scopes[0] != 0:
                # asyncio: `loop.add_signal_handler(SIGTERM, stop.set); await stop.wait(); await w.close()`
                work.append((path, call.scopes[0]))
    lifecycle = set(spec.get("lifecycle", ()))
    if lifecycle:  # framework shutdown hooks (NestJS onModuleDestroy, …) run on SIGTERM too
        for path, facts in project.files.items():
            for function in facts.functions.values():
                if function.name in lifecycle:
                    work.append((path, function.scope))
    named: dict[str, list[tuple[str, int]]] | None = None
    by_scope: dict[tuple[str, int], list[Call]] = {}  # calls under every scope enclosing them
    indexed: set[str] = set()
    while work:
        item = work.pop()
        if item in result.reachable:
            continue
        result.reachable.add(item)
        path, scope = item
        if path not in indexed:
            indexed.add(path)
            for call in project.files[path].calls:
                for enclosing in call.scopes:
                    by_scope.setdefault((path, enclosing), []).append(call)
        for call in by_scope.get(item, []):
            if not call.callee:
                continue
            targets = project.resolve(path, call.scopes, call.callee)
            for target in targets:
                if target.kind == "function" and (target.path, target.scope) not in result.reachable:
                    work.append((target.path, target.scope))
            if len(call.callee) > 1 and not any(t.kind in CONCRETE for t in targets):
                # `this.service.gracefulShutdown()` on an injected object: every method of that name
                if named is None:
                    named = methods_named(project)
                work += [m for m in named.get(call.callee[-1], ()) if m not in result.reachable]
            for i, arg in enumerate(call.args):  # callbacks handed to helpers run on the path too
                if arg.kind == "ref":
                    work += [p for p in _functions_of(project, path, call, i) if p not in result.reachable]
    for path, facts in project.files.items():
        for scopes, _name in facts.flag_sets:
            if result.contains(path, scopes):
                result.flag_files.add(path)
    return result
