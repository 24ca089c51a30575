"""Process-level listeners that keep a process alive: `process.on("uncaughtException", log)`.

Node.js exits on an uncaught exception, and on an unhandled rejection when nothing listens for it
(since Node 15 an unhandled rejection with no 'unhandledRejection' listener is raised as an uncaught
exception). A listener for the event overrides that: "Adding a handler for the 'uncaughtException'
event overrides this default behavior" (nodejs.org/api/process.html#event-uncaughtexception). A
rule whose impact is "the process exits" asks whether every process that runs a file registers
such a listener that does not end the process itself (`process.exit`).
"""

from __future__ import annotations

from crashlint.engine.context import RuleContext
from crashlint.facts.model import Arg, Call, Function


class ProcessHandlers:
    """The files that register a listener `spec` names (`callees`, `events`) that does not call one
    of its `exits`; one index per rule run, O(the listener calls of the project)."""

    def __init__(self, ctx: RuleContext, spec: dict) -> None:
        self.ctx = ctx
        self.project = ctx.project
        callees, events, exits = set(spec["callees"]), set(spec["events"]), set(spec["exits"])
        self.files: set[str] = set()
        # each file's listener calls for those events, picked by the call alone (one pass kept across
        # edits: `Project.parts`), then asked in the order a walk over every call asks them
        registering = self.project.parts(("process-listener-calls", tuple(sorted(events))), lambda file, facts: [
            call for call in facts.calls if call.method in ("on", "once", "addListener", "prependListener")
            and len(call.args) >= 2 and call.args[0].kind == "string" and call.args[0].text in events], keep=False)
        for file, calls in registering.items():
            for call in calls:  # type: ignore[union-attr]
                if set(self.project.callee_names(file, call)) & callees and not self._exits(file, call, call.args[1], exits):
                    self.files.add(file)

    def cover(self, path: str) -> bool:
        """Whether every process that runs `path` loads such a listener; where no process was
        recognised (only path heuristics), whether one exists anywhere in the project."""
        processes = [p for p in self.ctx.processes.processes_of(path) if not p.fallback]
        if not processes:
            return bool(self.files)
        return all(any(h in p.files for h in self.files) for p in processes)

    def _exits(self, path: str, call: Call, handler: Arg, exits: set[str]) -> bool:
        """Whether the listener calls `process.exit` (or a project function that does, one level
        down: Haraka's `logger.dump_and_exit(1)`, whose callback exits once the logs are written)."""
        for fn_path, function in functions_of(self.project, path, call, handler):
            facts = self.project.files[fn_path]
            for inner in facts.calls:
                if function.scope not in inner.scopes:
                    continue
                if set(self.project.callee_names(fn_path, inner)) & exits:
                    return True
                if inner.callee and self._calls_exit(fn_path, inner, exits):
                    return True
        return False

    def _calls_exit(self, path: str, call: Call, exits: set[str]) -> bool:
        for target in self.project.resolve(path, call.scopes, call.callee):
            if target.kind != "function":
                continue
            facts = self.project.files[target.path]
            if any(target.scope in c.scopes and set(self.project.callee_names(target.path, c)) & exits for c in facts.calls):
                return True
        return False


def functions_of(project, path: str, call: Call, arg: Arg) -> list[tuple[str, Function]]:
    """The project functions an argument denotes: inline, by name, across files, in arrays."""
    found: list[tuple[str, Function]] = []
    if arg.kind == "function":
        function = project.files[path].functions.get(arg.scope)
        if function is not None:
            found.append((path, function))
    elif arg.kind == "ref":
        for target in project.resolve(path, call.scopes, arg.path):
            if target.kind == "function":
                function = project.files[target.path].functions.get(target.scope)
                if function is not None:
                    found.append((target.path, function))
    elif arg.kind == "array":
        for element in arg.values:
            found += functions_of(project, path, call, element)
    return found
