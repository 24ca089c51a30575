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
    """The code SIGTERM/SIGINT handlers run. Each root (a registered handler, or a framework
    shutdown hook) keeps what it reaches, so a question can be asked of the handlers one process
    registers (`for_file`): a handler covers the processes that load the file registering it."""

    handlers: list[Location] = field(default_factory=list)  # where each handler is registered
    reachable: set[tuple[str, int]] = field(default_factory=set)  # (file, function scope), every root
    # files whose code a handler signals through a flag (`isShuttingDown = true`) that the file's own
    # loops read: a hand-written drain crashlint credits instead of a close()
    flag_files: set[str] = field(default_factory=set)
    # every root: (the file it is registered or defined in, its location or None for a hook, what it reaches)
    roots: list[tuple[str, Location | None, frozenset[tuple[str, int]]]] = field(default_factory=list)

    def contains(self, path: str, scopes: tuple[int, ...]) -> bool:
        return any((path, scope) in self.reachable for scope in scopes)

    def for_processes(self, files: frozenset[str] | None) -> "ShutdownPaths":
        """The handlers registered in `files` (a process's files) and what they reach; all of them
        when `files` is None (no process was recognised)."""
        if files is None:
            return self
        view = ShutdownPaths(flag_files=self.flag_files)
        for where, location, reached in self.roots:
            if where in files:
                view.roots.append((where, location, reached))
                view.reachable |= reached
                if location is not None:
                    view.handlers.append(location)
        return view


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
    roots: list[tuple[str, Location | None, list[tuple[str, int]]]] = []
    for path, facts in project.files.items():
        for call in facts.calls:
            registration = _registration(project, path, call, spec)
            if registration is None:
                continue
            position, includes_caller = registration
            location = Location(path, call.span[0], call.span[1], call.span[2], call.span[3])
            result.handlers.append(location)
            start = _functions_of(project, path, call, position)
            if includes_caller and call.scopes[0] != 0:
                # asyncio: `loop.add_signal_handler(SIGTERM, stop.set); await stop.wait(); await w.close()`
                start.append((path, call.scopes[0]))
            roots.append((path, location, start))
    lifecycle = set(spec.get("lifecycle", ()))
    if lifecycle:  # framework shutdown hooks (NestJS onModuleDestroy, …) run on SIGTERM too
        for path, facts in project.files.items():
            for function in facts.functions.values():
                if function.name in lifecycle:
                    roots.append((path, None, [(path, function.scope)]))
    walk = _CallGraph(project)
    for where, location, start in roots:
        reached = walk.reach(start)
        result.roots.append((where, location, reached))
        result.reachable |= reached
    for path, facts in project.files.items():
        for scopes, _name in facts.flag_sets:
            if result.contains(path, scopes):
                result.flag_files.add(path)
    return result


class _CallGraph:
    """The functions each function calls, worked out once per function (memoized), so that every
    root's walk reuses what the others resolved."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.named: dict[str, list[tuple[str, int]]] | None = None
        self.by_scope: dict[tuple[str, int], list[Call]] = {}  # calls under every scope enclosing them
        self.indexed: set[str] = set()
        self.edges: dict[tuple[str, int], list[tuple[str, int]]] = {}

    def reach(self, start: list[tuple[str, int]]) -> frozenset[tuple[str, int]]:
        seen: set[tuple[str, int]] = set()
        work = list(start)
        while work:
            item = work.pop()
            if item in seen:
                continue
            seen.add(item)
            work += [n for n in self.successors(item) if n not in seen]
        return frozenset(seen)

    def successors(self, item: tuple[str, int]) -> list[tuple[str, int]]:
        found = self.edges.get(item)
        if found is not None:
            return found
        project = self.project
        path, scope = item
        if path not in self.indexed:
            self.indexed.add(path)
            for call in project.files[path].calls:
                for enclosing in call.scopes:
                    self.by_scope.setdefault((path, enclosing), []).append(call)
        found = []
        for call in self.by_scope.get(item, []):
            if not call.callee:
                continue
            targets = project.resolve(path, call.scopes, call.callee)
            found += [(t.path, t.scope) for t in targets if t.kind == "function"]
            if len(call.callee) > 1 and not any(t.kind in CONCRETE for t in targets):
                # `this.service.gracefulShutdown()` on an injected object: every method of that name
                if self.named is None:
                    self.named = methods_named(project)
                found += self.named.get(call.callee[-1], ())
            for i, arg in enumerate(call.args):  # callbacks handed to helpers run on the path too
                if arg.kind == "ref":
                    found += _functions_of(project, path, call, i)
        self.edges[item] = found
        return found
