"""Rule kind `async-rejection`: async code whose rejection nobody handles (CL003).

Rule data (see rules/CL003_unhandled-async-rejection.toml), each table optional:

    [express]     apps = [...] (callees that make an app or router), route_methods, patched_by,
                  receiver_names (an unresolvable `router` parameter in a package on Express)
                  (modules that make Express 4 forward rejections), handles_from = {package, version}
    [listeners]   methods = ["on", …]; async callbacks of emitters (unless captureRejections is set)
    [timers]      callees = ["setInterval", …]; async timer callbacks
    [[schedulers]] library, callees, callback ("any" or a position), callback_keys, listener,
                  handled_options, handled_from, drops; async functions a cron library runs and
                  does not catch (node-schedule, cron before 4.3.4, croner without `catch`)
    [executor]    callees = ["Promise"]; `new Promise(async …)`
    [then]        methods = ["then"]; a `.then(f)` statement with no rejection handler
    [tasks]       callees = ["asyncio.create_task", …], loop_factories, loop_methods; dropped tasks
    [problems]    one jinja2 text per case: express, express_unknown, listener, timer, executor,
                  then, task ({{ subject }}, {{ line }}, {{ where }})
    [settled]     what cannot reject: never_reject = ["Promise.allSettled"], combinators =
                  ["Promise.all", …] (of calls that cannot reject), executors = ["Promise"]
                  (`new Promise((resolve) => …)`: no reject parameter, not async)

A function counts when it is async and has an `await` outside a `try` body that has a `catch` that
can reject: an await of something [settled] names, or of a project function that cannot reject
(async with no such await itself, or returning only such calls), cannot.
Handlers passed by name are followed to their definition in any file.
"""

from __future__ import annotations

import re

from crashlint.dependencies import lowest_version
from crashlint.engine.context import RuleContext
from crashlint.engine.process_handlers import ProcessHandlers
from crashlint.facts.model import MODULE_SCOPE, Arg, Call, FileFacts, Function
from crashlint.findings import Finding, Location, Related
from crashlint.project import UNKNOWN, Target
from crashlint.rulepack import Rule, RulePackError
from crashlint.templating import render

CASES = ("express", "listeners", "timers", "schedulers", "executor", "then", "callbacks", "tasks")
LISTENER_METHODS = ("on", "once", "addListener", "prependListener", "prependOnceListener")
FALSY = frozenset({"false", "0", '""', "''", "null"})


def validate(rule: Rule) -> None:
    problems = rule.data.get("problems", {})
    for case in CASES:
        if case in rule.data and not any(key.startswith(case.rstrip("s")) for key in problems):
            raise RulePackError(f"{rule.source}: [{case}] needs a text in [problems]")


def methods(rule: Rule) -> set[str]:
    # a scheduler's job is handled by an 'error' listener on it (`job.on("error", …)`): the uses index
    # must hold listener calls even when CL003 is the only rule selected
    return set(LISTENER_METHODS) if "schedulers" in rule.data else set()


class _Checker:
    def __init__(self, rule: Rule, ctx: RuleContext) -> None:
        self.rule = rule
        self.ctx = ctx
        self.project = ctx.project
        self.findings: dict[tuple, Finding] = {}
        self._applies: dict[str, bool] = {}  # `applies`, per file
        self._handlers: ProcessHandlers | None = None  # files registering a process-level rejection handler that goes on
        self._exiting: list[tuple[str, Call]] | None = None  # `_exiting_listeners`: signal listeners that exit at once
        self._heard: list[tuple[str, Call]] | None = None  # `_error_listeners`: every persistent 'error' listener
        self.settled = rule.data.get("settled", {})
        self._never_reject = set(self.settled.get("never_reject", ()))
        self._combinators = set(self.settled.get("combinators", ()))
        self._executors = set(self.settled.get("executors", ()))
        self._resolvers = set(self.settled.get("resolvers", ()))
        self._plain_classes = set(self.settled.get("plain_classes", ()))
        self._plain_results = set(self.settled.get("plain_results", ()))  # globals returning no promise
        self._sync_methods = set(self.settled.get("sync_methods", ()))
        self._mappers: dict[str, list] = self.settled.get("caught_by_mapper", {})  # {callee: [mapper index, required]}
        self._adopters = set(self.settled.get("adopters", ()))
        chains = self.settled.get("result_chains", {})
        self._chain_package: str | None = chains.get("package")
        self._chain_settled = set(chains.get("settled", ()))
        self._chain_callbacks = set(chains.get("callbacks", ()))
        self._collect_only = self.settled.get("rejects_only_through_option", {})  # {callee: option key}
        self._signal_only: dict[str, int] = self.settled.get("rejects_only_with_signal", {})  # {callee: options index}
        self._option_passed: dict[str, bool] = {}
        self._async_emitters: bool | None = None  # whether the project imports an emitter whose emit() is async
        self._calls_settle: dict[tuple[str, int], bool] = {}
        self._rejecting: dict[tuple[str, int], int] = {}
        self._callbacks: dict[tuple[str, int], bool] = {}  # `_callback_settles`, per function
        self._rethrowing: dict[tuple[str, int], bool] = {}  # `_rethrows`, per function
        self._always_throw = set(self.settled.get("always_throw", ()))
        self._throwing: dict[tuple[str, int], bool] = {}  # `_always_throws`, per function
        # path → (function scope → calls it returns unawaited, … → calls it makes as statements): `_unawaited`
        self._returned: dict[str, tuple[dict[int, list[int]], dict[int, list[int]]]] = {}
        self._set_members: dict[str, list] | None = None  # `mod.name = f` at a module's top level, by name
        self._wrappers: dict[tuple[str, int], tuple[str, Call]] | None = None  # `_task_wrappers`
        self._definitions: dict[str, list[tuple[str, int]]] | None = None  # `_defined`
        self._subclasses: dict[tuple[str, int], list[tuple[str, int]]] | None = None  # `_subclass_index`
        self._task_spec: tuple = (set(), set(), set(), set(), set())  # [tasks]: set by `tasks`
        self._decorated: dict[str, dict[int, list[tuple]]] = {}  # path → method scope → its decorators
        self._catching: dict[tuple[str, int], bool] = {}  # `_decorator_catches`, per decorator (factory)
        self._selections: dict[tuple, list[str]] = {}  # `candidates`: the files of each selection, in file order
        # functions found as elements of a named handler array (`_array_functions`): the element's name
        self._in_array: dict[tuple[str, int], str] = {}

    # ---- helpers --------------------------------------------------------------------------

    def candidates(self, case: str, wanted, *, python: bool | None = False, by_role: bool = True, extra: object = None):
        """The calls of each file a case looks at, in order: `wanted(call)` reads only the call and
        the rule's data, or `extra` (a plain value it also reads: names found in other files), no
        derived question (each case asks those in the order it did over every call). Files this
        rule applies to (`by_role`), of Python or not; one pass of call indices kept across edits
        and across scans (`ctx.own_pass`: a commit scan asks `wanted` of the edited files' calls
        alone). Yields (path, facts, call), naming the file being analysed."""
        ctx = self.ctx

        def select(path: str, facts: FileFacts) -> bool:
            return (python is None or (facts.language == "python") == python) and (not by_role or self.applies(path))

        # the files each selection admits, found once for the cases that share it (a commit scan
        # asks `wanted` of few files: the selection was most of the cost)
        selection = self._selections.get((python, by_role))
        if selection is None and not ctx.skipped:
            selection = self._selections[(python, by_role)] = [path for path, facts in self.project.files.items() if select(path, facts)]
        found = ctx.own_pass(("async-rejection", self.rule.id, case),
                             lambda path, facts: tuple(i for i, c in enumerate(facts.calls) if wanted(c)), select, extra=extra,
                             paths=None if ctx.skipped else selection)
        files = self.project.files
        for path, indices in found.items():
            ctx.current_path = path
            facts = files[path]
            calls = facts.calls
            for index in indices:  # type: ignore[union-attr]
                yield path, facts, calls[index]
        ctx.current_path = None

    def functions_of(self, path: str, call: Call, arg: Arg) -> list[tuple[str, Function]]:
        """The project functions an argument denotes: inline, by name, across files, in arrays."""
        found: list[tuple[str, Function]] = []
        if arg.kind == "function":
            function = self.project.files[path].functions.get(arg.scope)
            if function is not None:
                found.append((path, function))
        elif arg.kind == "ref":
            for target in self.project.resolve(path, call.scopes, arg.path):
                if target.kind == "function":
                    function = self.project.files[target.path].functions.get(target.scope)
                    if function is not None:
                        found.append((target.path, function))
                elif target.kind == "array" and target.arg is not None:
                    # `router.post('/submit', Ctl.handleSubmission)` where the controller exports
                    # `handleSubmission = [Mw.encryptSubmission, submit] as ControllerHandler[]`
                    # (FormSG): Express runs each element as a handler; read where the literal is
                    found += self._array_functions(target)
        elif arg.kind == "array":
            for element in arg.values:
                found += self.functions_of(path, call, element)
        elif arg.kind == "call" and arg.call >= 0:
            # `this.handleEvent.bind(this)`: the bound function runs the same body (the project model
            # reads `f.bind(…)` as `f`); other calls: the functions a project function returns
            for target in self.project.call_targets(path, arg.call):
                if target.kind == "function" and len(arg.path) >= 2 and arg.path[-1] == "bind":
                    function = self.project.files[target.path].functions.get(target.scope)
                    if function is not None:
                        found.append((target.path, function))
        return found

    def _array_functions(self, array: Target) -> list[tuple[str, Function]]:
        """The project functions the elements of an array literal held by a name denote (its
        functions, and names of functions, one level: an element that is itself a named array is
        not followed). O(the elements), each resolved through the project's memo."""
        found: list[tuple[str, Function]] = []
        files = self.project.files
        chain = self.project.scope_chain(array.path, array.scope)
        for element in array.arg.values:
            if element.kind == "function":
                function = files[array.path].functions.get(element.scope)
                if function is not None:
                    found.append((array.path, function))
                    self._in_array[(array.path, function.scope)] = ""
            elif element.kind == "ref":
                for target in self.project.resolve(array.path, chain, element.path):
                    if target.kind == "function":
                        function = files[target.path].functions.get(target.scope)
                        if function is not None:
                            found.append((target.path, function))
                            self._in_array[(target.path, function.scope)] = element.path[-1]
        return found

    def rejects(self, path: str, function: Function) -> bool:
        return function.is_async and self.rejecting_await(path, function) > 0

    def rejecting_await(self, path: str, function: Function) -> int:
        """The line of the first unguarded await that can reject, 0 if none can; in an async
        function with none, the line of a `return handle(req, res)` (not awaited, in a `try` or not)
        of a project async function that can reject: the function's promise adopts its rejection,
        which no `try` around the return catches."""
        if function.is_async and self._caught_by_decorator(path, function):
            return 0  # `@HandleExceptions() async get(req, res)`: the method that runs is the decorator's wrapper
        if not function.unguarded_await:
            return self._rejecting_return(path, function) if function.is_async else 0
        if not function.unguarded_awaits:  # no detail recorded (Python): any unguarded await may
            return function.unguarded_await
        key = (path, function.scope)
        if key not in self._rejecting:
            self._rejecting[key] = function.unguarded_await  # while it is worked out (recursion): it may
            self._rejecting[key] = next(
                (line for line, index in function.unguarded_awaits if index < 0 or not self.cannot_reject(path, index)), 0
            ) or self._rejecting_return(path, function)
        return self._rejecting[key]

    def _rejecting_return(self, path: str, function: Function) -> int:
        """The line of the first call an async function returns without awaiting it that resolves
        only to project functions, one of them async and able to reject; 0 if none."""
        facts = self.project.files[path]
        if facts.language == "python":
            return 0
        by_scope = self._unawaited(path)[0]
        key = (path, -function.scope - 1)  # memo beside `_rejecting`'s, apart from it
        if key not in self._rejecting:
            self._rejecting[key] = 0  # while it is worked out (recursion): a cycle adds no rejection
            for index in by_scope.get(function.scope, ()):
                call = facts.calls[index]
                if self._rejecting_callee(path, call, cleanup=True) is not None:
                    self._rejecting[key] = call.span[0]
                    break
        return self._rejecting[key]

    def _rejecting_callee(self, path: str, call: Call, cleanup: bool = False) -> tuple[str, Function] | None:
        """The first project function a call's callee resolves to that can reject (or, with
        `cleanup`, whose cleanup can), as (its path, the function); None when the callee resolves to
        anything but project functions or none of them rejects. Each callee's answer is memoized by
        `rejects`."""
        targets = self.project.resolve(path, call.scopes, call.callee)
        if not targets or any(t.kind != "function" for t in targets):
            return None
        for target in targets:
            callee = self.project.files[target.path].functions.get(target.scope)
            if callee is not None and (self.rejects(target.path, callee)
                                       or (cleanup and self._cleanup_rejects(target.path, callee))):
                return target.path, callee
        return None

    def _unawaited(self, path: str) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        """The calls of named callees each function of a JavaScript file returns without awaiting
        them, and those it makes as statements of their own (their value dropped), by function
        scope: one pass over the file's calls, memoized per file."""
        found = self._returned.get(path)
        if found is None:
            returned: dict[int, list[int]] = {}
            dropped: dict[int, list[int]] = {}
            for index, call in enumerate(self.project.files[path].calls):
                if call.awaited or not call.callee or call.is_new:
                    continue
                if call.returned:
                    returned.setdefault(call.scopes[0], []).append(index)
                elif not call.used:
                    dropped.setdefault(call.scopes[0], []).append(index)
            found = self._returned[path] = (returned, dropped)
        return found

    def _handed_promise(self, path: str, function: Function) -> tuple[Call, str, Function, bool] | None:
        """A plain (not async) handler that returns, or calls as a statement and drops, the
        promise of a project async function that can reject (trackdechets' `app.get("/captcha",
        (_, res) => captchaGen(res))`): Express 4 ignores what a handler returns (router/layer.js
        `Layer.prototype.handle_request`), and a dropped promise is nobody's, so the callee's
        rejection is unhandled. The call, where its callee is, the callee, and whether it was
        returned; None if none. A callee that resolves to anything but project functions is not
        followed. O(the function's unawaited calls), each callee's answer memoized."""
        returned, dropped = self._unawaited(path)
        facts = self.project.files[path]
        for indices, was_returned in ((returned.get(function.scope, ()), True), (dropped.get(function.scope, ()), False)):
            for index in indices:
                call = facts.calls[index]
                found = self._rejecting_callee(path, call)
                if found is not None:
                    return call, found[0], found[1], was_returned
        return None

    def _caught_by_decorator(self, path: str, function: Function) -> bool:
        """Whether a class method is decorated by a project decorator that replaces it with a wrapper
        catching its rejections (`_decorator_catches`): worklenz's `@HandleExceptions()`, whose factory
        sets `descriptor.value = async (...args) => { try { return await originalMethod.apply(target,
        args) } catch (error) { … res.status(200).send(…) } }`. TypeScript's legacy decorators (and
        the 2023 ones) put whatever the decorator leaves in `descriptor.value` on the class in the
        method's place (typescriptlang.org/docs/handbook/decorators.html#method-decorators), so
        that wrapper is what a router calls. O(the file's decorators) once per file, then O(1) per
        method; each decorator memoized."""
        by_scope = self._decorated.get(path)
        if by_scope is None:
            by_scope = self._decorated[path] = {}
            for scope, name, _ in self.project.files[path].method_decorators:
                by_scope.setdefault(scope, []).append(name)
        names = by_scope.get(function.scope)
        if not names:
            return False
        chain = self.project.scope_chain(path, function.scope)[1:]  # where the class is: the decorator is evaluated there
        return any(
            target.kind == "function" and self._decorator_catches(target.path, target.scope)
            for name in names for target in self.project.resolve(path, chain, name))

    def _decorator_catches(self, path: str, scope: int) -> bool:
        """Whether a decorator (or a decorator factory: `HandleExceptions(options)` returning the
        decorator) assigns to its third parameter's `value` (the method's property descriptor) a
        wrapper that handles the method's rejections: an async function that awaits the original
        method (`originalMethod.apply(this, args)`, `.call`, or a call of it, where `originalMethod`
        holds `descriptor.value`) inside a `try` whose `catch` does not rethrow, and that cannot
        reject itself. A `catch` whose only `throw` is under a test of something else than the error
        (`if (!res || typeof res.send !== "function") throw error`: not called as a route handler)
        counts as not rethrowing. A wrapper that calls the original without awaiting it in a try
        (`try { return originalMethod.apply(this, args) }`), or only logs first, handles nothing.
        O(the file's assignments and calls) once per decorator."""
        key = (path, scope)
        if key in self._catching:
            return self._catching[key]
        self._catching[key] = False  # while it is worked out (recursion)
        facts = self.project.files[path]
        found = False
        for assignment in facts.assignments:
            if len(assignment.target) != 2 or assignment.target[1] != "value" or scope not in assignment.scopes:
                continue
            decorator = assignment.scopes[0]
            descriptor = assignment.target[0]
            if not any(d.scope == decorator and d.name == descriptor and d.value.kind == "param" and d.value.index == 2
                       for d in facts.decls):
                continue  # not `(target, key, descriptor) => { descriptor.value = … }`
            wrappers: list[tuple[str, Function]] = []
            if assignment.value.kind == "function":
                wrapper = facts.functions.get(assignment.value.scope)
                if wrapper is not None:
                    wrappers.append((path, wrapper))
            elif assignment.value.kind == "ref":
                for target in self.project.resolve(path, assignment.scopes, assignment.value.path):
                    wrapper = self.project.files[target.path].functions.get(target.scope) if target.kind == "function" else None
                    if wrapper is not None:
                        wrappers.append((target.path, wrapper))
            originals = {(descriptor, "value")} | {
                (d.name,) for d in facts.decls
                if d.scope in assignment.scopes and d.value.kind == "ref" and d.value.path == (descriptor, "value")}
            if wrappers and all(self._wrapper_catches(p, w, originals) for p, w in wrappers):
                found = True
                break
        self._catching[key] = found
        return found

    def _wrapper_catches(self, path: str, wrapper: Function, originals: set[tuple[str, ...]]) -> bool:
        if not wrapper.is_async or wrapper.throws and not wrapper.throws_on_shape or self._catch_rethrows(path, wrapper):
            return False
        facts = self.project.files[path]
        exposed = {index for _, index in wrapper.unguarded_awaits} | {index for _, index in wrapper.cleanup_awaits}
        calls_original = False
        for index, call in enumerate(facts.calls):
            if call.scopes[0] != wrapper.scope:
                continue
            if call.returned and call.callee == ("Promise", "reject"):
                return False  # `catch (e) { return Promise.reject(e) }`: a rethrow
            callee = call.callee[:-1] if call.callee[-1:] in (("apply",), ("call",)) else call.callee
            if callee in originals:
                if not call.awaited or index in exposed:
                    return False  # the original's promise is handed on, or awaited outside a try/catch
                calls_original = True
        return calls_original and not self.rejecting_await(path, wrapper) and not self._cleanup_rejects(path, wrapper)

    def _cleanup_rejects(self, path: str, function: Function) -> bool:
        """Whether an await only a `finally` guards can reject: the function is not reported for it,
        but its promise rejects when that await does."""
        if function.is_async and self._caught_by_decorator(path, function):
            return False
        return function.is_async and any(index < 0 or not self.cannot_reject(path, index) for _, index in function.cleanup_awaits)

    def cannot_reject(self, path: str, index: int) -> bool:
        """Whether the promise a call returns can never reject: `Promise.allSettled(…)`,
        `new Promise((resolve) => setTimeout(resolve, ms))`, `Promise.all` of such calls, or a
        project function whose every await is guarded or of such a call (a `tryCatch` helper).
        A synchronous throw is not counted, as everywhere in this rule."""
        key = (path, index)
        if key not in self._calls_settle:
            self._calls_settle[key] = False  # while it is worked out (recursion): it may reject
            self._calls_settle[key] = self._settles(path, index)
        return self._calls_settle[key]

    def _settles(self, path: str, index: int) -> bool:
        facts = self.project.files[path]
        call = facts.calls[index]
        if call.method in self._sync_methods and not call.is_new and not self._imports_async_emitter() \
                and not self.async_emitter(path, call) and not self._project_method(path, call):
            return True  # `await socket.emit(…)`: EventEmitter's emit returns a boolean, not a promise
        if call.method == "then" and not call.is_new and 1 <= len(call.args) <= 2 and not call.has_star:
            # `renderLocations(host).then((out) => { host.locations = out })`: resolves when the
            # promise it follows cannot reject and its callback cannot either
            return self._then_settles(path, call)
        if call.method == "catch" and not call.is_new and len(call.args) == 1:
            # `promise.catch(f)` resolves unless `f` throws or returns a promise that rejects
            if self._express_next(path, call, call.args[0]):
                return True  # `.catch(next)`: Express's `next(err)` hands the error to the error middleware
            callbacks = self.functions_of(path, call, call.args[0])
            return bool(callbacks) and not any(f.throws or self.rejects(p, f) or self._cleanup_rejects(p, f) for p, f in callbacks)
        if self._result_chain(path, call):
            chained = self._chain_settles(path, call)
            if chained is not None:
                return chained
        if not call.callee:
            made = self._called_result(path, index)
            if made >= 0:
                return self._made_catching(path, made)  # `Result.fromThrowable(parse, toError)()`
            if call.method and call.receiver_call >= 0 and not call.is_new:
                # `await new DiscordAgent(url).send(…)`: the method of the instance the receiver makes
                instances = self.project.call_targets(path, call.receiver_call)
                return bool(instances) and all(t.kind == "instance" for t in instances) and self._methods_settle(instances, call.method, (path, call))
            return False
        names = set(self.project.callee_names(path, call))
        if names & self._never_reject:
            return True
        if names & self._plain_results and not call.is_new:
            return True  # `await setTimeout(f, ms)`: the global's Timeout is no promise, the await resolves to it
        for name in names & self._signal_only.keys():
            # timers/promises' `sleep(ms)`: it rejects only when the `signal` of its options aborts
            return not call.is_new and not call.has_star and self._no_signal(call, self._signal_only[name])
        for name in (names | self._made_method_names(path, call)) & self._collect_only.keys():
            if not self._passes_option(self.project.package_root(path), name.split(".")[0], self._collect_only[name]):
                return True  # prom-client's register.metrics(): only a project's `collect` callback can reject it
        if names & self._resolvers and not call.is_new:
            return self._resolves_value(path, call)
        for name in names & self._mappers.keys():
            return not call.is_new and self._mapper_settles(path, call, *self._mappers[name])
        if names & self._adopters and not call.is_new:
            return self._adopted_settles(path, call)
        if call.is_new:
            if not names & self._executors or not call.args or call.args[0].kind != "function":
                return False
            executor = facts.functions.get(call.args[0].scope)
            if executor is None or executor.is_async:
                return False
            return executor.params <= 1 or executor.params == 2 and self._reject_unused(path, executor)  # no `reject`
        if names & self._combinators:
            if call.args and call.args[0].kind in ("ref", "call"):
                return self._mapped_settle(path, call, call.args[0])
            elements = call.args[0].values if call.args and call.args[0].kind == "array" else ()
            return bool(elements) and all(
                e.kind in ("call", "new") and e.call >= 0 and self.cannot_reject(path, e.call) for e in elements
            )
        targets = self.project.resolve(path, call.scopes, call.callee)
        if targets == [UNKNOWN] and len(call.callee) == 2:
            targets = self._set_on_module(path, call) or targets
        if targets and all(t.kind == "param" for t in targets):
            return all(self._param_settles(t) for t in targets)  # `await cb()` of a callback handed in
        if targets and all(t.kind == "call" for t in targets) and not call.is_new:
            # `const safeSend = ResultAsync.fromThrowable(send, toError)` … `await safeSend(x)`: the
            # function the library made catches what `send` rejects with
            return all(self._made_catching(t.path, t.index) for t in targets)
        if not targets or any(t.kind != "function" for t in targets):
            return False
        if all(self._function_settles(t.path, t.scope) for t in targets):
            return True
        dispatched = [self._dispatch_settles(path, call, t) for t in targets]
        if all(d is not None for d in dispatched):
            return all(dispatched)  # `emitHook("project_add", …)`: only the listeners bound to that name
        # `await sendTest(new DiscordAgent(…))` where `sendTest = (agent) => agent.send(…)`: the
        # helper's awaits of its parameter's methods are those of the instance this call passes
        return bool(call.args) and not call.has_star and all(self._function_settles(t.path, t.scope, (path, call)) for t in targets)

    # ---- result values: neverthrow's ResultAsync carries its failure as an `Err` ---------------------

    def _result_chain(self, path: str, call: Call) -> bool:
        """Whether a call is a method of a result library's value ([settled] result_chains), in a
        package that declares the library: `findForm(id).andThen(f)`, `found.mapErr(f)`."""
        if self._chain_package is None or call.is_new:
            return False
        method = call.method if not call.callee else call.callee[-1] if len(call.callee) > 1 else ""
        if method not in self._chain_settled and method not in self._chain_callbacks:
            return False
        return self.project.dependency(path, self._chain_package) is not None

    def _chain_settles(self, path: str, call: Call) -> bool | None:
        """A result chain cannot reject when the value it is called on cannot (a call that cannot, or
        a name holding only such calls) and, for the methods that run a callback inside the chain's
        promise (`andThen`, `map`, `match`, …), no callback can: it throws nothing, cannot reject
        when async, and hands back no promise that can (`_result_callback_settles`). O(1) per call
        beyond the receiver's and callbacks' memoized answers. None when the name it is called on holds
        no call's value (a project module's function `match`): not a result chain."""
        if call.callee:
            receivers = self.project.resolve(path, call.scopes, call.callee[:-1])
            if not receivers or any(t.kind != "call" for t in receivers):
                return None  # `router.match(path)` of a project module: no result value, asked as any call
            if not all(self.cannot_reject(t.path, t.index) for t in receivers):
                return False
            method = call.callee[-1]
        else:
            if call.receiver_call < 0 or not self.cannot_reject(path, call.receiver_call):
                return False
            method = call.method
        if method in self._chain_settled:
            return True
        if not call.args or call.has_star:
            return False
        for arg in call.args:
            callbacks = self.functions_of(path, call, arg) or self._curried(path, arg)
            if not callbacks or not all(self._result_callback_settles(p, f) for p, f in callbacks):
                return False
        return True

    def _curried(self, path: str, arg: Arg) -> list[tuple[str, Function]]:
        """`.andThen(checkPermissions(level))` where `checkPermissions = (level) => (x) => …`: the
        arrow a project factory's expression body is (it ends where the factory ends). O(the
        factory file's functions) per argument."""
        if arg.kind != "call" or arg.call < 0:
            return []
        call = self.project.files[path].calls[arg.call]
        targets = self.project.resolve(path, call.scopes, call.callee) if call.callee and not call.is_new else []
        found: list[tuple[str, Function]] = []
        for target in targets:
            facts = self.project.files[target.path]
            factory = facts.functions.get(target.scope) if target.kind == "function" else None
            inner = [f for f in facts.functions.values()
                     if factory is not None and not factory.is_async and facts.scope_parents.get(f.scope) == factory.scope
                     and f.span[2:] == factory.span[2:]]
            if len(inner) != 1:
                return []
            found.append((target.path, inner[0]))
        return found

    def _result_callback_settles(self, path: str, function: Function) -> bool:
        """`_callback_settles`, and also no returned result value of the library that can reject
        (`(form) => ResultAsync.fromSafePromise(load(form))`, a chain on another call): a library
        call crashlint does not know (`res.json(…)` in a `match`) counts as in `.then` callbacks."""
        if not self._callback_settles(path, function):
            return False
        facts = self.project.files[path]
        for index, c in enumerate(facts.calls):
            if c.returned and not c.awaited and c.scopes[0] == function.scope and (
                    self._result_chain(path, c) or set(self.project.callee_names(path, c)) & (self._mappers.keys() | self._adopters)):
                if not (self.cannot_reject(path, index) or self._plain_value(path, index)):
                    return False
        return True

    def _mapper_settles(self, path: str, call: Call, index: int, required: bool) -> bool:
        """`ResultAsync.fromPromise(p, errorFn)`: it catches `p`'s rejection and resolves to
        `Err(errorFn(e))`, so it rejects only when the mapper throws, or is missing where the library
        calls it anyway. The mapper must be one crashlint reads (an inline function or a project one)."""
        if call.has_star:
            return False
        if len(call.args) <= index:
            return not required
        callbacks = self.functions_of(path, call, call.args[index])
        return bool(callbacks) and not any(f.throws for _, f in callbacks)

    def _made_catching(self, path: str, index: int) -> bool:
        """A name holding a call of a library function that makes a catching function
        (`ResultAsync.fromThrowable(fn, errorFn)`): calling what it holds cannot reject."""
        made = self.project.files[path].calls[index]
        if made.awaited or made.is_new:
            return False
        for name in set(self.project.callee_names(path, made)) & self._mappers.keys():
            return self._mapper_settles(path, made, *self._mappers[name])
        return False

    def _called_result(self, path: str, index: int) -> int:
        """For a call of a call's result (`make(…)(…)`), the index of the inner call, or -1. The
        facts list the outer call first and the inner one next, starting where it starts."""
        calls = self.project.files[path].calls
        call = calls[index]
        if call.callee or call.method or call.is_new or call.receiver_call >= 0 or index + 1 >= len(calls):
            return -1
        inner = calls[index + 1]
        return index + 1 if inner.span[:2] == call.span[:2] and inner.span[2:] < call.span[2:] and inner.callee else -1

    def _adopted_settles(self, path: str, call: Call) -> bool:
        """`ResultAsync.fromSafePromise(p)`: no catch of its own, it settles only when `p` is a call
        that cannot reject (or a name holding only such calls)."""
        if len(call.args) != 1 or call.has_star:
            return False
        arg = call.args[0]
        if arg.kind in ("call", "new"):
            return arg.call >= 0 and self.cannot_reject(path, arg.call)
        if arg.kind != "ref":
            return False
        targets = self.project.resolve(path, call.scopes, arg.path)
        return bool(targets) and all(t.kind == "call" and self._not_a_rejecting_promise(t.path, t.index) for t in targets)

    # ---- hook registries: `bindHook(name, listener)` stores, `emitHook(name, …)` runs them ----------

    _DISPATCH_RESULTS = frozenset({("Promise", "all"), ("Promise", "resolve"), ("Promise", "allSettled")})
    _STORES = frozenset({"push", "unshift", "set", "add"})

    def _set_on_module(self, path: str, call: Call) -> list:
        """`yapi.emitHook(…)` where `yapi` is a project module and `emitHook` is no export of it
        but set on it by another module's top-level code (`const yapi = require("./yapi.js");
        yapi.emitHook = emitHook`, a plugin registry's): the functions so set, or []."""
        module = self._imported_file(path, call.scopes, call.callee[0])
        if module is None:
            return []
        if self._set_members is None:
            self._set_members = {}
            for other, facts in self.project.files.items():
                for decl in facts.decls:
                    if decl.scope == MODULE_SCOPE and decl.name.count(".") == 1 and decl.value.kind == "ref":
                        self._set_members.setdefault(decl.name.split(".")[1], []).append((other, decl))
        found = []
        for other, decl in self._set_members.get(call.callee[1], ()):
            root = decl.name.split(".")[0]
            if self._imported_file(other, (MODULE_SCOPE,), root) != module:
                continue
            found += self.project.resolve(other, (MODULE_SCOPE,), decl.value.path)
        return found if found and all(t.kind == "function" for t in found) else []

    def _imported_file(self, path: str, scopes: tuple[int, ...], name: str) -> str | None:
        """The project module a name is bound to by `require("./m")` / `import m from "./m"` in the
        nearest of `scopes` that declares it, or None."""
        facts = self.project.files[path]
        for scope in scopes:
            decls = [d for d in facts.decls if d.scope == scope and d.name == name]
            if decls:
                value = decls[0].value
                if len(decls) > 1 or value.kind != "import" or value.name not in (None, "default"):
                    return None
                return self.project.resolve_module(path, value.module)
        return None

    def _dispatch_settles(self, path: str, call: Call, target) -> bool | None:
        """For a call of a hook registry's dispatch function, whether its promise cannot reject; None
        when `target` is no such function. A registry is a module-level collection that a function
        of its module fills with the listener it is handed (`bindHook(name, listener)`:
        `hooks[name].listener.push(listener)`), and that the dispatch function's promise is made of
        (`emitHook(name, …)` returns `Promise.all` of `Promise.resolve(listener.apply(…))` of
        `hooks[name]`'s listeners). Called with a literal name, it runs only the listeners bound to
        that name (or to a name crashlint cannot read): with none, it is `Promise.all([])`, which
        cannot reject; with some, it rejects only if one of them can. Bindings in code that no
        process of the registry's module runs are another registry's (a plugin's client.js)."""
        registry = self._registry_of(target.path, target.scope)
        if registry is None:
            return None
        binders = self._binders(target.path, registry)
        if not binders:
            return None
        if not call.args or call.args[0].kind != "string":
            return False  # a computed hook name: any listener may run
        name = call.args[0].text
        running = {id(p) for p in self.ctx.processes.processes_of(target.path)}
        for binder in sorted(binders):
            for other, bound in self.ctx.calls_named(binder):
                if len(bound.args) < 2 or self.ctx.role(other) == "browser":
                    continue
                if running and not running & {id(p) for p in self.ctx.processes.processes_of(other)}:
                    continue  # bound in code no process of the registry's runs (a page, a script)
                if bound.args[0].kind == "string" and bound.args[0].text != name:
                    continue
                listeners = self.functions_of(other, bound, bound.args[1])
                if not listeners or not all(self._listener_settles(p, f) for p, f in listeners):
                    return False
        return True

    def _listener_settles(self, path: str, function: Function) -> bool:
        """A listener whose value, under `Promise.resolve(…)`, cannot reject: an async function with
        no rejecting await or throw, or a plain one that returns no promise that can reject (a sync
        throw escapes the dispatch synchronously: not counted, as everywhere in this rule)."""
        if function.is_async:
            return not (function.throws or self.rejects(path, function) or self._cleanup_rejects(path, function))
        facts = self.project.files[path]
        if any(scope == function.scope for scope, _ in facts.returns):
            return False  # `return promise`: a name crashlint does not follow here
        return all(self.cannot_reject(path, i) for i, c in enumerate(facts.calls)
                   if c.returned and not c.awaited and c.scopes[0] == function.scope)

    def _registry_of(self, path: str, scope: int) -> str | None:
        """The module-level name whose members the function `scope` runs and returns as its promise
        (`Promise.all(promiseAll)` / `Promise.resolve(hooks[name].listener.apply(…))`), or None."""
        facts = self.project.files[path]
        function = facts.functions.get(scope)
        if function is None or function.is_async or function.params < 1:
            return None
        if any(s == scope for s, _ in facts.returns):
            return None
        returned = [c for c in facts.calls if c.returned and c.scopes[0] == scope]
        if not returned or any(c.callee not in self._DISPATCH_RESULTS for c in returned):
            return None
        module = {d.name: d for d in facts.decls if d.scope == MODULE_SCOPE}
        local = {d.name: d for d in facts.decls if d.scope == scope}
        roots: set[str] = set()
        for c in facts.calls:
            if c.scopes[0] != scope or c.method not in ("apply", "call") or len(c.callee) < 2:
                continue
            root = c.callee[0]
            if root in local and local[root].value.kind == "ref" and local[root].value.path:
                root = local[root].value.path[0]  # `listenerList = hooks[name].listener`
            if root in module and module[root].value.kind in ("object", "array", "call", "new") and root not in local:
                roots.add(root)
        return roots.pop() if len(roots) == 1 else None

    def _binders(self, path: str, registry: str) -> set[str]:
        """The names of the functions of the module that store a parameter other than their first
        (the listener; the first is the name) into `registry`: `hooks[name].listener.push(listener)`,
        `hooks[name].listener = listener`, `handlers.get(name).add(fn)`."""
        facts = self.project.files[path]
        params = {(d.scope, d.name) for d in facts.decls if d.value.kind == "param" and d.value.index >= 1}
        scopes: set[int] = set()
        for c in facts.calls:
            if c.callee[:1] == (registry,) and c.method in self._STORES and c.scopes[0] in facts.functions:
                if any(a.kind == "ref" and len(a.path) == 1 and (c.scopes[0], a.path[0]) in params for a in c.args):
                    scopes.add(c.scopes[0])
        for a in facts.assignments:
            if a.target[:1] == (registry,) and len(a.target) > 1 and a.value.kind == "ref" and len(a.value.path) == 1 \
                    and (a.scopes[0], a.value.path[0]) in params:
                scopes.add(a.scopes[0])
        names = self.ctx._function_names(path)
        return {name for scope in scopes for name in names.get(scope, ())}

    def _instances(self, path: str, call: Call, arg: Arg) -> list:
        """The project class instances an argument denotes (`new X(…)`, or a name holding one); []
        when any value it may hold is something else."""
        if arg.kind == "new" and arg.call >= 0:
            targets = self.project.call_targets(path, arg.call)
        elif arg.kind == "ref":
            targets = self.project.resolve(path, call.scopes, arg.path)
        else:
            return []
        return targets if targets and all(t.kind == "instance" for t in targets) else []

    def _methods_settle(self, instances: list, method: str, site: tuple[str, Call]) -> bool:
        """Whether `method` of each instance (its class's own or a project base's) cannot reject
        when called at `site`."""
        for instance in instances:
            found = self.project.class_methods(instance, {method})
            if not found or not all(self._function_settles(p, s, site) for p, s in found[:1]):
                return False  # the first found is the one that runs: the class's own, else its base's
        return True

    def _dead_at(self, path: str, function: Function, index: int, site: tuple[str, Call]) -> bool:
        """Whether the await of call `index` in `function` is in the body of an `if (param.key)`
        that the call `site` makes false: it passes an object literal with `key: false` (or null,
        undefined, 0, "") for that parameter (`agent.send(type, { notifyAdmin: false, … })` and
        `if (payload.notifyAdmin) { … await … }`). The `if` tests are read from the file's tree."""
        site_path, site_call = site
        if site_call.has_star:
            return False
        node = self.ctx.node_of(path, self.project.files[path].calls[index])
        params = {d.name: d.value.index for d in self.project.files[path].decls
                  if d.value.kind == "param" and d.value.scope == function.scope and d.scope == function.scope}
        first_line = function.span[0]
        while node is not None and node.parent is not None and node.start_point[0] + 1 >= first_line:
            parent = node.parent
            if parent.type == "if_statement" and parent.child_by_field_name("consequence") == node:
                test = parent.child_by_field_name("condition")
                while test is not None and test.type == "parenthesized_expression" and test.named_child_count == 1:
                    test = test.named_children[0]
                if test is not None and test.type == "member_expression":
                    holder, key = test.child_by_field_name("object"), test.child_by_field_name("property")
                    if holder is not None and key is not None and holder.type == "identifier":
                        position = params.get(holder.text.decode("utf-8", "replace"))
                        if position is not None and position < len(site_call.args):
                            given = site_call.args[position]
                            value = given.value_of(key.text.decode("utf-8", "replace")) if given.kind == "object" else None
                            if value is not None and (value.kind == "none" or value.kind == "other" and value.text in FALSY):
                                return True
            node = parent
        return False

    def _bound_settles(self, path: str, function: Function, index: int, site: tuple[str, Call]) -> bool:
        """An await in `function` of `param.method(…)`, where the call `site` passes that parameter
        an instance of a project class whose `method` cannot reject."""
        call = self.project.files[path].calls[index]
        if len(call.callee) != 2 or call.is_new:
            return False
        params = self.project.resolve(path, call.scopes, call.callee[:1])
        if not params or any(t.kind != "param" or t.path != path or t.scope != function.scope for t in params):
            return False
        site_path, site_call = site
        position = params[0].index
        if position >= len(site_call.args):
            return False
        instances = self._instances(site_path, site_call, site_call.args[position])
        return bool(instances) and self._methods_settle(instances, call.callee[1], (path, call))

    def _express_next(self, path: str, call: Call, arg: Arg) -> bool:
        """Whether `arg` is Express's `next` of the handler around the call: a parameter named `next`,
        the last of a `(req, res, next)` or `(err, req, res, next)` function, in a package on Express.
        `next(err)` returns nothing and throws nothing: Express's router runs the error middleware
        it dispatches to inside its own try/catch (router/layer.js `handle_error`). A Koa `next`
        (`(ctx, next)`, whose promise may reject) is not one."""
        if arg.kind != "ref" or arg.path != ("next",):
            return False
        targets = self.project.resolve(path, call.scopes, arg.path)
        if len(targets) != 1 or targets[0].kind != "param" or targets[0].index not in (2, 3):
            return False
        function = self.project.files[targets[0].path].functions.get(targets[0].scope)
        return function is not None and function.params == targets[0].index + 1 and self.project.dependency(path, "express") is not None

    def _param_settles(self, param) -> bool:
        """Whether every callback the project's calls pass for a parameter is a plain function that
        neither throws nor returns anything (`() => { logger.info(…) }`): calling it cannot reject.
        Only when every call of the function is seen and passes one."""
        project = self.project
        function = project.files[param.path].functions.get(param.scope)
        if function is None or not function.name:
            return False
        seen = 0
        for path, caller in project.calls_of(Target("function", path=param.path, scope=param.scope)):
            if len(caller.args) <= param.index:
                return False
            facts = project.files[path]
            arg = caller.args[param.index]
            callbacks = self.functions_of(path, caller, arg)
            if not callbacks:
                return False
            for fn_path, fn in callbacks:
                if fn.is_async or fn.throws:
                    return False
                if any(c.returned and c.scopes[0] == fn.scope for c in project.files[fn_path].calls):
                    return False  # it may hand back a promise
                if any(scope == fn.scope for scope, _ in project.files[fn_path].returns):
                    return False
            seen += 1
        return seen > 0

    def _reject_unused(self, path: str, executor: Function) -> bool:
        """`new Promise((resolve, reject) => { …resolve(x)… })` whose `reject` is never called,
        handed on or held by another name inside the executor (nginx-proxy-manager's
        renderLocations): only a throw rejects it. O(the file's calls and declarations)."""
        facts = self.project.files[path]
        names = [d.name for d in facts.decls if d.scope == executor.scope and d.value.kind == "param" and d.value.index == 1]
        if len(names) != 1:
            return False  # a destructured or unnamed parameter: crashlint cannot tell
        name = names[0]

        def mentions(arg: Arg) -> bool:
            return (arg.kind == "ref" and arg.path[:1] == (name,)) or any(mentions(v) for v in arg.values)

        for call in facts.calls:
            if executor.scope not in call.scopes:
                continue
            if call.callee[:1] == (name,) or any(mentions(a) for a in call.args) or any(mentions(v) for _, v in call.keywords):
                return False
        return not any(d.value.kind == "ref" and d.value.path[:1] == (name,) or d.value.arg is not None and mentions(d.value.arg)
                       for d in facts.decls) and not any(mentions(a.value) for a in facts.assignments) and \
            not any(scope == executor.scope or executor.scope in self.project.scope_chain(path, scope) for scope, returned in facts.returns
                    if returned[:1] == (name,))

    def _mapped_settle(self, path: str, call: Call, arg: Arg) -> bool:
        """`Promise.all(tasks)` where `tasks = scripts.map((p) => robot.load(p))`, or
        `Promise.all(ids.map(load))`: the array `.map` makes holds what its callback returns, so none
        of its promises can reject when the callback is a function whose promise cannot (hubot's
        `loadScripts`). Costs one `resolve` of the name and the callback's `_function_settles`."""
        if arg.kind == "call":
            made = [(path, arg.call)] if arg.call >= 0 else []
        else:
            targets = self.project.resolve(path, call.scopes, arg.path)
            if not targets or any(t.kind != "call" for t in targets):
                return False
            made = [(t.path, t.index) for t in targets]
        if not made:
            return False
        for made_path, index in made:
            mapping = self.project.files[made_path].calls[index]
            if mapping.method != "map" or mapping.awaited or len(mapping.args) != 1 or mapping.has_star:
                return False
            callbacks = self.functions_of(made_path, mapping, mapping.args[0])
            if not callbacks or not all(self._function_settles(p, f.scope) for p, f in callbacks):
                return False
        return True

    def _resolves_value(self, path: str, call: Call) -> bool:
        """`Promise.resolve(value)`: it rejects only when `value` is a promise that rejects. Cannot
        reject for no value, a literal, `this`, a call that cannot reject, or a name that holds no
        call but a `new` of a class other than Promise (`Promise.resolve(this.sockets)` of a
        `new Map()` field, `Promise.resolve(ws.app.enabled)` of a parameter's member)."""
        if not call.args:
            return True
        arg = call.args[0]
        if arg.kind in ("string", "object", "array", "none", "function"):
            return True
        if arg.kind == "other":
            return arg.text == "this"
        if arg.kind in ("call", "new"):
            return arg.call >= 0 and self._not_a_rejecting_promise(path, arg.call)
        if arg.kind != "ref":
            return False
        for target in self.project.resolve(path, call.scopes, arg.path):
            if target.kind == "call" and not self._not_a_rejecting_promise(target.path, target.index):
                return False
        return True

    def _not_a_rejecting_promise(self, path: str, index: int) -> bool:
        held = self.project.files[path].calls[index]
        if held.awaited:
            return True  # `const v = await load()`: what the await resolved to
        if held.is_new and not set(self.project.callee_names(path, held)) & self._executors:
            return held.callee[-1:] != ("Promise",)  # an object, not a promise
        return self.cannot_reject(path, index)

    def _made_method_names(self, path: str, call: Call) -> set[str]:
        """`merged.metrics()` where `merged = client.Registry.merge([...])`: the method named after
        the library call that made its receiver (`prom-client.Registry.merge().metrics`), asked only
        of a method whose receiver's name holds a call. O(the receiver's targets)."""
        if len(call.callee) < 2 or call.is_new or not any("()." in k for k in self._collect_only):
            return set()
        found: set[str] = set()
        for target in self.project.resolve(path, call.scopes, call.callee[:-1]):
            if target.kind == "call" and target.path in self.project.files:
                made = self.project.files[target.path].calls[target.index]
                found.update(f"{name}().{call.callee[-1]}" for name in self.project.callee_names(target.path, made))
        return found

    @staticmethod
    def _no_signal(call: Call, index: int) -> bool:
        """Whether the options argument at `index` gives no `signal`: absent, `undefined`, or an
        object literal with no `signal` key and no spread (whose keys crashlint cannot see)."""
        if len(call.args) <= index:
            return True
        options = call.args[index]
        if options.kind == "none" or options.kind == "ref" and options.path == ("undefined",):
            return True
        return options.kind == "object" and not options.has_spread and not options.branches and "signal" not in options.keys

    def _plain_value(self, path: str, index: int) -> bool:
        """Whether a call returns a plain value, not a promise: it resolves only to project functions
        that are not async and return no call (`return log.debug(…)` as an early exit), or it is a
        method of a built-in collection the receiver's name holds (`this.channels.has(id)` of a
        `new Map()` field)."""
        facts = self.project.files[path]
        call = facts.calls[index]
        if not call.callee or call.is_new:
            return False
        if len(call.callee) > 1 and self._plain_receiver(path, call):
            return True
        targets = self.project.resolve(path, call.scopes, call.callee)
        if not targets or any(t.kind != "function" for t in targets):
            return False
        for target in targets:
            function = self.project.files[target.path].functions.get(target.scope)
            if function is None or function.is_async:
                return False
            if any(c.returned and c.scopes[0] == target.scope for c in self.project.files[target.path].calls):
                return False
        return True

    def _plain_receiver(self, path: str, call: Call) -> bool:
        """Whether every value the receiver's name holds is a `new` of a built-in class whose
        methods return plain values (`plain_classes`: Map, Set, …)."""
        targets = self.project.resolve(path, call.scopes, call.callee[:-1])
        if not targets:
            return False
        for target in targets:
            if target.kind != "call":
                return False
            made = self.project.files[target.path].calls[target.index]
            if not made.is_new or len(made.callee) != 1 or made.callee[0] not in self._plain_classes:
                return False
            names = self.project.callee_names(target.path, made)
            if not names or set(names) != {made.callee[0]}:
                return False  # a project class or an import under that name, not the global one
        return True

    def _passes_option(self, package: str, module: str, key: str) -> bool:
        """Whether any call in a module of `package` that imports `module` passes an object with
        `key` (`new Gauge({ name, help, collect() {…} })`): each package's process has its own registry."""
        memo = f"{package}\0{module}\0{key}"
        found = self._option_passed.get(memo)
        if found is None:
            found = any(key in arg.keys for f in self.project.files.values()
                        if module in f.imports and self.project.package_root(f.path) == package
                        for c in f.calls for arg in c.args if arg.kind == "object")
            self._option_passed[memo] = found
        return found

    def _project_method(self, path: str, call: Call) -> bool:
        """`eventService.emit(…)` of a project module: its own function, which may return a promise."""
        return bool(call.callee) and any(t.kind == "function" for t in self.project.resolve(path, call.scopes, call.callee))

    def async_emitter(self, path: str, call: Call) -> bool:
        """Whether `call`'s receiver is an emitter of one of `promise_emitters` (`new EventEmitter()`
        of promise-events, or of a project class extending it): its `emit()` returns a promise of
        its listeners' results (promise-events README: "All listeners are executed using
        `Promise.all`"), which rejects when a listener does."""
        modules = tuple(self.settled.get("promise_emitters", ()))
        return bool(modules) and self._made_by(self.project.receiver_targets(path, call), modules)

    def _made_by(self, targets, modules: tuple[str, ...]) -> bool:
        """Whether one of `targets` (an emitter's values) is made by a library of `modules`: `new
        EventEmitter()` of it, or an instance of a project class extending it. O(the targets)."""
        for target in targets:
            if target.kind == "instance":  # `class MessageEvent extends PromiseEmitter {}; new MessageEvent()`
                names = self.project.instance_names(target)
            elif target.kind == "call" and target.path in self.project.files:  # `new PromiseEmitter()`
                names = self.project.callee_names(target.path, self.project.files[target.path].calls[target.index])
            else:
                continue
            if any(name == m or name.startswith(m + ".") for name in names for m in modules):
                return True
        return False

    def _imports_async_emitter(self) -> bool:
        """Whether any module of the project imports a library whose `emit()` returns a promise that
        rejects when a listener throws (emittery): then `await x.emit(…)` may reject."""
        if self._async_emitters is None:
            modules = set(self.settled.get("async_emitters", ()))
            self._async_emitters = any(m in modules for f in self.project.files.values() for m in f.imports)
        return self._async_emitters

    def _function_settles(self, path: str, scope: int, site: tuple[str, Call] | None = None) -> bool:
        """A function whose promise cannot reject: no await that can reject (async), and every
        promise it returns cannot reject either (an async function adopts what `return promise`
        does, a try around the return notwithstanding). A plain function must return such a call
        (`const sleep = (ms) => new Promise((r) => setTimeout(r, ms))`). With `site`, a call of the
        function: an await or a return of `param.method(…)` counts with the instance that call
        passes for the parameter (`_bound_settles`); without, as anything else."""
        facts = self.project.files[path]
        function = facts.functions.get(scope)
        if function is None or function.throws:
            return False  # an unguarded `throw` (a rethrow in a catch) rejects an async function
        if self._catch_rethrows(path, function):
            return False  # `catch (err) { rethrow.rethrowDatabaseError(err) }`: a rethrow too
        if function.is_async and self.rejecting_await(path, function):
            if site is None or not function.unguarded_awaits or any(
                index < 0 or not (self.cannot_reject(path, index) or self._bound_settles(path, function, index, site)
                                  or self._dead_at(path, function, index, site))
                for _, index in function.unguarded_awaits
            ):
                return False
        # `finally { await token.delete() }`: not reported in the function (a cleanup), but when it
        # rejects, the function's promise rejects with it, whatever the `catch` returned
        if function.is_async and any(
            index < 0 or not (self.cannot_reject(path, index) or site is not None and (
                self._bound_settles(path, function, index, site) or self._dead_at(path, function, index, site)))
            for _, index in function.cleanup_awaits
        ):
            return False
        returned = [i for i, c in enumerate(facts.calls) if c.returned and not c.awaited and c.scopes[0] == scope]
        if not function.is_async and not returned:
            return False  # a plain function must be seen to return a promise that cannot reject
        if not all(self.cannot_reject(path, i) or function.is_async and self._plain_value(path, i)
                   or site is not None and self._bound_settles(path, function, i, site) for i in returned):
            return False
        chain = self.project.scope_chain(path, scope)
        for returned_scope, name in facts.returns:
            if returned_scope != scope:
                continue
            decls = self.project.lookup(path, chain, name[0])
            if not decls:
                return False  # something crashlint cannot see: it may be a promise that rejects
            for decl in decls:
                if len(name) == 1 and decl.value.kind in ("object", "array", "none"):
                    continue  # a literal (`let config = null` set later by `config = await …`): a value, not a promise
                held = facts.calls[decl.value.call] if decl.value.kind == "call" else None
                if held is not None and held.awaited:
                    continue  # `const info = await res.json(); return info.user`: what the await resolved to
                if held is not None and len(name) == 1 and self.cannot_reject(path, decl.value.call):
                    continue  # `const data = settled(); return data`
                return False  # a promise, or something crashlint cannot see: it may reject
        return True

    def report(self, key: tuple, path: str, line: int, subject: str, problem: str, related: list[Related], context: dict) -> None:
        if not self._reported_on(path):
            # a finding on a file the scan does not report on (--in-project, the commit path): run_rules
            # drops it unread, so neither its text, its source line nor whether a process handler covers
            # it is worked out; it is kept by its key only for the cases that look a finding up by key
            if key not in self.findings:
                self.findings[key] = Finding.of_rule(self.rule, self.project.files[path].language, Location(path, line, 1, line, 1),
                                                     subject, "", [problem], related, {"subject": subject, **context})
            return
        covers = self.rule.data.get("process_handler", {}).get("covers", ())
        cover = context.pop("cover", context.get("case"))  # what the process handler may cover (then_detached)
        if cover in covers and self.logged_by_process(path):
            return  # the process logs unhandled rejections and goes on: no crash, and nothing waits on this one
        if key in self.findings:
            found = self.findings[key]
            found.related += [r for r in related if r not in found.related]
            if "registrations" in context:  # every place an Express handler is registered: its fix wraps each
                known = found.context.get("registrations", "").split("\n")
                found.context["registrations"] = "\n".join(dict.fromkeys([*known, context["registrations"]]))
            return
        facts = self.project.files[path]
        text = self.ctx.sources.line(path, line)
        start = len(text) - len(text.lstrip()) + 1
        location = Location(path, line, start, line, max(start + 1, len(text.rstrip()) + 1))
        self.findings[key] = Finding.of_rule(
            self.rule, facts.language, location, subject,
            render(self.rule.message, subject=subject, labels=[context.get("label", "")], library="", call=""),
            [problem], related, {"subject": subject, **context}, text.strip(),
        )

    def logged_by_process(self, path: str) -> bool:
        """Whether every process that runs `path` registers a `process.on("unhandledRejection", …)`
        handler that does not exit: Node then calls it instead of crashing (Node ≥ 15 crashes only
        when no such listener exists). Where no process was recognised: one anywhere in the project."""
        if self._handlers is None:
            self._handlers = ProcessHandlers(self.ctx, self.rule.data["process_handler"])
        return self._handlers.cover(path)

    def kept_alive(self, path: str) -> dict[str, str] | None:
        """What takes the unhandled rejections of the processes that run `path` (a listener's place
        and event, or the framework whose server registers one), None if they exit on one."""
        if self._handlers is None:
            self._handlers = ProcessHandlers(self.ctx, self.rule.data["process_handler"])
        return self._handlers.how(path)

    def _reported_on(self, path: str) -> bool:
        """Whether findings on `path` are reported: every file, or one of the files given (--in-project)."""
        return self.ctx.focus is None or path in self.ctx.focus

    def problem(self, name: str, path: str, **values) -> str:
        """The case's text; where the process logs rejections and goes on, the case's `_logged` text
        (a request or a caller is left waiting: the process does not exit) when the rule has one. ""
        for a finding on a file the scan does not report on (`report` keeps no text of it): the
        processes' handlers it would read, and the template engine, are not asked for it."""
        if not self._reported_on(path):
            return ""
        problems = self.rule.data["problems"]
        if name + "_logged" in problems:
            how = self.kept_alive(path)
            if how is not None:
                return render(problems[name + "_logged"], **values, **how)
        return render(problems[name], **values)

    def applies(self, path: str) -> bool:
        """Whether the rule applies to `path` (its language, its role): memoized per file, each case's
        pass asks it of every file (29,000 times on novu)."""
        found = self._applies.get(path)
        if found is None:
            found = self._applies[path] = self.rule.applies_to(self.project.files[path].language, self.ctx.role(path))
        return found

    def function_finding(self, path: str, call: Call, fn_path: str, function: Function, case: str, subject: str,
                         registration: dict | None = None, cover: str | None = None, **values) -> None:
        line = self.rejecting_await(fn_path, function)
        registered = Related(
            Location(path, call.span[0], call.span[1], call.span[0], call.span[1]), f"registered here: `{call.text}`"
        )
        where = f"{fn_path}:{line}"
        self.report(
            (fn_path, function.scope),
            fn_path,
            line,
            subject,
            self.problem(case, fn_path, subject=subject, line=line, where=where, **values),
            [registered] if (path, call.span[0]) != (fn_path, line) else [],
            {"case": case, "label": self.rule.data.get("labels", {}).get(case, case), **(registration or {}),
             **({"cover": cover} if cover is not None else {})},
        )

    def call_finding(self, path: str, call: Call, case: str, cover: str | None = None) -> None:
        """A finding on a call itself (a `.then` chain, a dropped task), titled by its text."""
        covered = {"cover": cover} if cover is not None else {}
        self.report(
            (path, case, call.span),
            path,
            call.span[0],
            call.text,
            self.problem(case, path, subject=call.text, line=call.span[0]),
            [],
            {"case": case, **covered, "label": self.rule.data.get("labels", {}).get(case, case)},
        )

    # ---- cases ----------------------------------------------------------------------------

    def express(self, spec: dict) -> None:
        apps = set(spec["apps"])
        promise_routers = set(spec.get("promise_routers", ()))
        route_methods = set(spec["route_methods"])
        patched = set(spec.get("patched_by", ()))
        importing = self.ctx.parts(("imports-any", tuple(sorted(patched))), lambda path, facts: bool(patched & set(facts.imports)), keep=False)
        packages_patched = {self.project.package_root(p) for p in importing}
        routes = self.candidates("express", lambda call: call.method in route_methods and len(call.args) >= 1)
        for path, facts, call in routes:
            if self.project.package_root(path) in packages_patched:
                continue
            if not self._is_express(path, call, apps) or self._promise_router(path, call, promise_routers):
                continue
            version_case = self._express_case(path, spec)
            if version_case is None:
                continue
            route = call.args[0].text if call.args[0].kind == "string" else ""
            for index, arg in enumerate(call.args):
                # a name holding an array of handlers (`Ctl.handleSubmission`): the fix leaves it
                named_array = arg.kind == "ref" and any(t.kind == "array" for t in self.project.resolve(path, call.scopes, arg.path))
                for fn_path, function in self.functions_of(path, call, arg):
                    # where the fix wraps the handler (crashlint.fix.express): the call, and the argument;
                    # "-" for none: in an array of handlers, or an error middleware (Express knows it
                    # by its four parameters, which a wrapper would hide)
                    element = self._in_array.get((fn_path, function.scope)) if named_array else None
                    wrappable = arg.kind != "array" and element is None and function.params <= 3
                    place = f"{call.span[0]}\t{call.span[1]}\t{index if wrappable else '-'}\t{path}"
                    if self.rejects(fn_path, function):
                        name = function.name or (arg.path[-1] if arg.kind == "ref" else "")
                        if element is not None:  # an element of an exported handler array
                            name = f"{function.name or element or 'a handler'} in {arg.path[-1]}"
                        owner = call.callee[-2] if len(call.callee) > 1 else "route"
                        label = f"{owner}.{call.method}({route!r})" if route else f"{owner}.{call.method}(…)"
                        subject = f"{name} ({label})" if name else f"async handler of {label}"
                        self.function_finding(path, call, fn_path, function, version_case, subject,
                                              registration={"registrations": place})
                    elif not function.is_async and version_case == "express":
                        # `return service.create(…).then((saved) => res.json(saved))` from a plain
                        # handler: Express 4 calls `handle(req, res, next)` and drops what it returns
                        # (router/layer.js `Layer.prototype.handle_request`), so the chain is nobody's
                        for chain in self._returned_chains(fn_path, function):
                            self.call_finding(fn_path, chain, "then_returned_express")
                        handed = self._handed_promise(fn_path, function)
                        if handed is not None:
                            inner, callee_path, callee, was_returned = handed
                            owner = call.callee[-2] if len(call.callee) > 1 else "route"
                            label = f"{owner}.{call.method}({route!r})" if route else f"{owner}.{call.method}(…)"
                            how = "returned" if was_returned else "dropped"
                            subject = f"{callee.name or inner.callee[-1]} ({label}, its promise {how} by the handler)"
                            self.function_finding(path, call, callee_path, callee, version_case, subject,
                                                  registration={"registrations": f"{call.span[0]}\t{call.span[1]}\t-\t{path}"})

    def _is_express(self, path: str, call: Call, apps: set[str]) -> bool:
        if len(call.callee) < 2 and call.receiver_call >= 0:  # app.route("/x").get(handler)
            inner = self.project.files[path].calls[call.receiver_call]
            return inner.method == "route" and self._is_express(path, inner, apps)
        receiver = call.callee[:-1]
        if not receiver:
            return False
        targets = self.project.resolve(path, call.scopes, receiver)
        for target in targets:
            if target.kind == "call":
                owner = self.project.files[target.path].calls[target.index]
                if apps & set(self.project.callee_names(target.path, owner)):
                    return True
        # `(router: Router) => router.get(…)`: an app or router handed in, in a package on Express
        if receiver[-1] in self.rule.data["express"].get("receiver_names", ()) and all(t.kind in ("param", "unknown") for t in targets):
            return self.project.dependency(path, "express") is not None
        return False

    def _promise_router(self, path: str, call: Call, routers: set[str]) -> bool:
        """Whether a route is registered on a router that passes its handlers' rejections to
        `next(err)` (express-promise-router): the receiver is made by one (`router.route("/x")`
        of one too), or is a parameter for which every call of its function that the project makes
        passes one (`setupRoutes(router)`, SponsorBlock's). Costs one `resolve` of the receiver,
        and for a parameter one pass over the calls named as its function (`calls_named`, indexed)."""
        if not routers:
            return False
        if len(call.callee) < 2:
            if call.receiver_call < 0:
                return False
            inner = self.project.files[path].calls[call.receiver_call]
            return inner.method == "route" and self._promise_router(path, inner, routers)
        targets = self.project.resolve(path, call.scopes, call.callee[:-1])
        return bool(targets) and all(self._made_by_router(t, routers, 0) for t in targets)

    def _made_by_router(self, target, routers: set[str], depth: int) -> bool:
        project = self.project
        if target.kind == "call":
            return bool(routers & set(project.callee_names(target.path, project.files[target.path].calls[target.index])))
        if target.kind != "param" or depth > 2:
            return False
        function = project.files[target.path].functions.get(target.scope)
        if function is None or not function.name:
            return False
        seen = 0
        for caller_path, caller in project.calls_of(Target("function", path=target.path, scope=target.scope)):
            if len(caller.args) <= target.index or caller.has_star:
                return False
            arg = caller.args[target.index]
            if arg.kind == "ref":
                passed = project.resolve(caller_path, caller.scopes, arg.path)
            elif arg.kind == "call" and arg.call >= 0:
                passed = [Target("call", caller_path, arg.call)]
            else:
                return False
            if not passed or not all(self._made_by_router(t, routers, depth + 1) for t in passed):
                return False
            seen += 1
        return seen > 0

    def _express_case(self, path: str, spec: dict) -> str | None:
        declared = self.project.dependency(path, spec["handles_from"]["package"])
        if declared is None:
            return "express_unknown"
        lowest = lowest_version(declared[0])
        if lowest is not None and lowest >= lowest_version(spec["handles_from"]["version"]):
            return None  # Express 5 forwards rejected promises to the error middleware
        return "express"

    def listeners(self, spec: dict) -> None:
        listen = set(spec["methods"])
        if self.ctx.project_sets(spec.get("unless_assignment", []), []):
            return  # EventEmitter.captureRejections = true
        # `emitter.on(…)`, or a listener on a chained call: `parse(stream).on("data", …)`
        found = self.candidates("listeners", lambda call: call.method in listen and len(call.args) >= 2
                                and (len(call.callee) >= 2 or call.receiver_call >= 0))
        signals = set(spec.get("signals", ()))
        for path, facts, call in found:
            event = call.args[0].text if call.args[0].kind == "string" else "…"
            stopping = event in signals and call.callee[:1] == ("process",)
            if stopping and self._preempted(path, call, event, self._exiting_listeners(signals, listen)):
                continue  # jambonz's app.js `process.on("SIGTERM", handle)` after ProcessMonitor's exiting listener
            if (call.callee[:1] == ("process",) and event in set(spec.get("fault_events", ()))
                    and call.method in set(spec.get("persistent", ()))):
                # the listener is itself where the process's unhandled rejections go (or, with no
                # 'unhandledRejection' listener, the uncaught exception Node raises for one): its
                # own rejection comes back to a process listener, it cannot end the process
                continue
            if self._framework_app(path, call, spec.get("awaiting_apps", ())):
                continue  # `module.exports = (app) => { app.on("push", async …) }` in a Probot app
            if call.callee[:1] == ("process",) and event in set(spec.get("ending_events", ())):
                continue  # `process.on("exit", async …)`: the process ends before any await settles
            for fn_path, function in self.functions_of(path, call, call.args[1]):
                if self.rejects(fn_path, function):
                    if not stopping and self._captured(path, call, spec):
                        continue  # discord.js 14's client: the rejection comes back as its 'error' event, which is heard
                    subject = f"{self._receiver_text(facts, call)}.{call.method}({event!r}) listener"
                    if stopping and self._exits_after(fn_path, function, self.rejecting_await(fn_path, function)):
                        # `process.on("SIGTERM", async () => { await app.close(); process.exit(0) })`: a
                        # rejection ends the stopping process all the same (exit code 1, not 0) —
                        # unless a process listener logs it and goes on: then it never exits
                        if self.logged_by_process(fn_path):
                            self.function_finding(path, call, fn_path, function, "signal", subject, {"cover": "signal"})
                        continue
                    # a listener that answers a request or calls back (an SSE stream's 'end' listener
                    # that ends the response) leaves someone waiting, also where a process listener logs
                    # answered after the await that rejects: a rejection skips the answer (not `await
                    # onEnd()`, whose rejection is the callback's own: the callback was called)
                    if self.async_emitter(path, call):
                        # promise-events: the rejection is the `emit()` promise's, not ignored; whoever
                        # emits is left with it, also where a process listener logs and goes on
                        self.function_finding(path, call, fn_path, function, "listener_promise", subject, event=event)
                        continue
                    answers = self._calls_back(fn_path, function, self.rejecting_await(fn_path, function)) or self._async_emitter_of(path, call)
                    waits = {"cover": "listener_answers"} if answers else None
                    self.function_finding(path, call, fn_path, function, "listener", subject, waits)
                elif not function.is_async and not stopping and not self.async_emitter(path, call):
                    # `em.on("create", (m) => onCreate(m))`, `{ log(); return this.resync(); }`: a plain
                    # listener that returns an async function's promise hands it to the emitter, which
                    # ignores it as it ignores an async listener's (the timers' case, `() => this.poll()`);
                    # not one that then calls `process.exit` (`process.on("beforeExit", () =>
                    # cleanupAndStop(0))`): its rejection ends the process that was stopping anyway
                    for returned_path, returned in self._returned_functions(fn_path, function):
                        if self._captured(path, call, spec):
                            break  # the emitter catches what a listener returns, as for an async listener
                        if self.rejects(returned_path, returned) and not (
                                self._exits_after(returned_path, returned, self.rejecting_await(returned_path, returned))
                                and not self.logged_by_process(returned_path)):
                            waits = {"cover": "listener_answers"} if self._async_emitter_of(path, call) else None
                            self.function_finding(path, call, returned_path, returned, "listener",
                                                  f"{returned.name or 'async function'}() from a "
                                                  f"{self._receiver_text(facts, call)}.{call.method}({event!r}) listener", waits)

    def _captured(self, path: str, call: Call, spec: dict) -> bool:
        """Whether the emitter `call` registers on catches its listeners' rejections and emits them
        as `'error'`, and has an `'error'` listener: Node's `captureRejections` ("Setting
        `events.captureRejections = true` … routes the rejection to the 'error' event",
        nodejs.org/api/events.html#capture-rejections-of-promises; lib/events.js `addCatch` →
        `emitUnhandledRejectionOrErr` → `ee.emit('error', err)`). Made so (`[listeners]
        capture_rejections`): `new EventEmitter({ captureRejections: true })`, or a client of a
        library that passes the option itself (discord.js 14's `BaseClient`: `super({
        captureRejections: true })`) — also through a project subclass, or a parameter annotated
        with the library's class (muse's injected `client: Client`). With no `'error'` listener the
        emitted error is thrown at once: the process still exits, and the listener is reported.
        O(the receiver's targets) plus, once per rule run, one pass over the project's `'error'`
        listener registrations."""
        capture = spec.get("capture_rejections")
        if not capture or len(call.callee) < 2:
            return False
        targets = self.project.receiver_targets(path, call)
        if not targets or not all(self._captures(t, capture) for t in targets):
            return False
        heard = self._error_listeners(spec)
        wanted = set(targets)
        receiver = call.callee[:-1]
        return any(other_path == path and other.callee[:-1] == receiver  # `this.client.on("error", …)` in the same file
                   or wanted & set(self.project.receiver_targets(other_path, other)) for other_path, other in heard)

    def _captures(self, target: Target, capture: dict) -> bool:
        """Whether one value of an emitter was made to capture rejections (see `_captured`)."""
        classes: dict[str, dict] = capture.get("classes", {})
        if target.kind == "call" and target.path in self.project.files:
            made = self.project.files[target.path].calls[target.index]
            names = self.project.callee_names(target.path, made)
            if set(names) & set(capture.get("constructors", ())):
                option = made.args[0].value_of(capture.get("option", "captureRejections")) if made.args and made.args[0].kind == "object" else None
                return option is not None and option.text == "true"
            return any(self._library_class(target.path, name, classes) for name in names)
        if target.kind == "instance":  # `class Bot extends Client {}; new Bot(…)`
            return any(self._library_class(target.path, name, classes) for name in self.project.instance_names(target))
        if target.kind == "param" and target.path in self.project.files:  # `constructor(client: Client)`
            facts = self.project.files[target.path]
            decl = next((d for d in facts.decls if d.value.kind == "param" and d.scope == target.scope and d.value.index == target.index), None)
            if decl is None:
                return False
            annotated = re.search(rf"(?<![\w$.]){re.escape(decl.name)}\s*\??\s*:\s*([A-Za-z_$][\w$]*)", self.ctx.sources.line(target.path, decl.line))
            if annotated is None:
                return False
            type_name = annotated.group(1)
            return any(d.name == type_name and d.value.kind == "import" and d.value.name == type_name
                       and self._library_class(target.path, f"{d.value.module}.{type_name}", classes)
                       for d in facts.decls if d.scope == MODULE_SCOPE)
        return False

    def _library_class(self, path: str, name: str, classes: dict[str, dict]) -> bool:
        """Whether `name` (`discord.js.Client`) is a listed class of a library that makes it capture
        rejections, in a version the project declares (`from`: the first such version)."""
        for module, spec in classes.items():
            if name.startswith(module + ".") and name[len(module) + 1:] in spec.get("names", ()):
                return self.project.declares_at_least(path, module, spec["from"])
        return False

    def _error_listeners(self, spec: dict) -> list[tuple[str, Call]]:
        """Every persistent `'error'` listener registration of the project (`x.on("error", f)`; not
        `once`, gone after the first error), one pass kept across edits, read once per rule run."""
        if self._heard is None:
            methods = set(spec.get("capture_rejections", {}).get("error_listeners", ("on", "addListener", "prependListener")))
            judged = self.ctx.current_path
            found = self.ctx.parts(("async-rejection", self.rule.id, "error-listeners"), lambda path, facts: [
                c for c in facts.calls if c.method in methods and len(c.args) >= 2 and len(c.callee) >= 2
                and c.args[0].kind == "string" and c.args[0].text == "error"], lambda path, facts: facts.language != "python", keep=False)
            self._heard = [(path, c) for path, calls in found.items() for c in calls]  # type: ignore[union-attr]
            self.ctx.current_path = judged
        return self._heard

    def _exiting_listeners(self, signals: set[str], listen: set[str]) -> list[tuple[str, Call]]:
        """The process's signal listeners that end it at once (`process.on("SIGTERM", () => { log();
        process.exit(0) })`), over every file: a listener of the same signal registered after one
        never runs. Computed once per rule run, the first time a signal listener is judged (one
        pass kept across edits, as `candidates`)."""
        if self._exiting is None:
            judged = self.ctx.current_path  # (the pass below names each file it reads; the listener judged is this one's)
            registrations = self.ctx.parts(("async-rejection", self.rule.id, "signal-listeners"), lambda path, facts: [
                c for c in facts.calls if c.method in listen and len(c.args) >= 2 and c.callee == ("process", c.method)
                and c.args[0].kind == "string" and c.args[0].text in signals], lambda path, facts: facts.language != "python", keep=False)
            self._exiting = [(path, call) for path, calls in registrations.items() for call in calls  # type: ignore[union-attr]
                             if any(self._exits_at_once(fn_path, function) for fn_path, function in self.functions_of(path, call, call.args[1]))]
            self.ctx.current_path = judged
        return self._exiting

    def _exits_at_once(self, path: str, function: Function) -> bool:
        """Whether a listener calls `process.exit` in its own body, before it could wait on anything:
        a plain (not async) function with that call in its own scope, not in a callback. O(the
        file's calls)."""
        return not function.is_async and any(
            c.callee == ("process", "exit") and c.scopes and c.scopes[0] == function.scope
            for c in self.project.files[path].calls)

    def _preempted(self, path: str, call: Call, event: str, exiting: list[tuple[str, Call]]) -> bool:
        """Whether a `process` listener for `event` that ends the process at once is registered
        before `call` registers its own: Node calls a signal's listeners in the order they were
        added ("By default, event listeners are invoked in the order they are added",
        nodejs.org/api/events.html#emitteroneventname-listener), so after `process.exit` in the
        first the later one never runs.
        Before means: earlier in the same function body, or inside a function that the module's top
        level calls on an earlier line than `call`, itself at the top level (jambonz: app.js:37
        `monitor.setupSignalHandlers()`, whose method registers `process.on("SIGTERM", () => {
        …; process.exit(0) })`, then app.js:174 `process.on("SIGTERM", handle)`). `prependListener`
        puts its listener first whatever the order, so it is never preempted. O(exiting listeners
        × the top-level calls of the file before `call`)."""
        if call.method == "prependListener":
            return False
        line = call.span[0]
        earlier: list[tuple[str, int]] = []  # the functions (file, scope) the top level calls before `call`
        if len(call.scopes) == 1:
            for c in self.project.files[path].calls:
                if len(c.scopes) != 1 or c.span[0] >= line or not c.callee:
                    continue
                earlier += [(t.path, t.scope) for t in self.project.resolve(path, c.scopes, c.callee) if t.kind == "function"]
                if c.method:
                    for instance in self.project.receiver_targets(path, c):
                        if instance.kind == "instance":
                            earlier += self.project.class_methods(instance, {c.method})
        for other_path, other in exiting:
            if other is call or other.args[0].text != event:
                continue
            if other_path == path and other.scopes == call.scopes and other.span[0] < line:
                return True
            if other.scopes and (other_path, other.scopes[0]) in earlier:
                return True
        return False

    def _framework_app(self, path: str, call: Call, packages) -> bool:
        """Whether `call` registers on the app a framework of `packages` (`[listeners]
        awaiting_apps`) hands the module's exported function: its receiver is that function's first
        parameter, in a package that depends on the framework. O(one receiver resolution and the
        module's default export), asked only of listener registrations."""
        if not packages or not call.callee or not any(self.project.dependency(path, p) for p in packages):
            return False
        targets = self.project.receiver_targets(path, call)
        if not targets or not all(t.kind == "param" and t.index == 0 and t.path == path for t in targets):
            return False
        exported = {t.scope for t in self.project.resolve_export(path, "default", (), 0) if t.kind == "function" and t.path == path}
        return all(t.scope in exported for t in targets)

    def _exits_after(self, fn_path: str, function: Function, line: int) -> bool:
        """Whether `function` calls `process.exit` after `line` (its rejecting await). O(the file's calls)."""
        return any(c.callee == ("process", "exit") and function.scope in c.scopes and c.span[0] > line
                   for c in self.project.files[fn_path].calls)

    def _async_emitter_of(self, path: str, call: Call) -> bool:
        """Whether the listener is registered on an emitter of a library whose `emit()` awaits its
        listeners (`async_emitters`: emittery; promise-events is `async_emitter`'s own case): its
        rejection rejects the `emit()` its emitting code holds, it is not ignored."""
        modules = tuple(self.settled.get("async_emitters", ()))
        return len(call.callee) >= 2 and bool(modules) and self._made_by(
            self.project.resolve(path, call.scopes, call.callee[:-1]), modules)

    @staticmethod
    def _receiver_text(facts: FileFacts, call: Call) -> str:
        """`emitter` of `emitter.on(…)`; for a chain, its first call (`parse(stream)` of
        `parse(stream).on(…)`, `fs.createReadStream(p)…` of `fs.createReadStream(p).pipe(x).on(…)`)."""
        if len(call.callee) > 1:
            return ".".join(call.callee[:-1])
        root = facts.calls[call.receiver_call]
        seen = 0
        while not root.callee and root.receiver_call >= 0 and seen < 1000:  # a chain of 5,000 links stays bounded
            root = facts.calls[root.receiver_call]
            seen += 1
        text = root.text.removesuffix(" …")
        return text if root is facts.calls[call.receiver_call] else text + "…"

    def timers(self, spec: dict) -> None:
        names = set(spec["callees"])
        lasts = {n.rsplit(".", 1)[-1] for n in names}
        for path, facts, call in self.candidates("timers", lambda call: bool(call.callee) and call.callee[-1] in lasts and bool(call.args)):
            if not names & set(self.project.callee_names(path, call)):
                continue
            for fn_path, function in self.functions_of(path, call, call.args[0]):
                if self.rejects(fn_path, function):
                    if self._exits_after(fn_path, function, self.rejecting_await(fn_path, function)) and not self.logged_by_process(fn_path):
                        # `setInterval(async () => { if (idle) { await driver.close(db); process.exit(0) } })`
                        # (dbgate's connection processes): a rejection ends the process that was
                        # stopping anyway (exit code 1, not 0), as a signal listener's does
                        continue
                    self.function_finding(path, call, fn_path, function, "timer", f"async {call.callee[-1]} callback")
                elif not function.is_async:
                    # `setInterval(() => this.poll())`: a plain arrow that returns an async function's
                    # promise hands it to the timer, which ignores it as it ignores an async callback's
                    for returned_path, returned in self._returned_functions(fn_path, function):
                        if self.rejects(returned_path, returned):
                            self.function_finding(path, call, returned_path, returned, "timer",
                                                  f"{returned.name or 'async function'}() from a {call.callee[-1]} callback")

    def schedulers(self, libraries: list[dict]) -> None:
        """Async functions a cron library runs and does not catch (`[[schedulers]]`): node-schedule's
        `scheduleJob(spec, async () => …)` with no 'error' listener on the job it returns, cron's
        `new CronJob(spec, async () => …)` before 4.3.4 without `waitForCompletion`, croner's
        `Cron(spec, async () => …)` without `catch`. Cost: one pass over each file's calls whose
        callee ends as a listed one does (`candidates`), one name resolution per such call, and for
        node-schedule one lookup in the uses index (built once per scan)."""
        tails: dict[tuple[str, ...], None] = {}
        for library in libraries:
            module = library["library"]
            for name in library["callees"]:
                rest = name[len(module) + 1:].split(".") if name.startswith(module + ".") else []
                if rest[:1] == ["default"]:
                    rest = rest[1:]
                tails[tuple(rest) if rest else (library.get("local_name", ""),)] = None
        ends = {tail[-1] for tail in tails}

        def wanted(call: Call) -> bool:
            return bool(call.callee) and call.callee[-1] in ends and bool(call.args) and any(
                call.callee[-len(tail):] == tail for tail in tails)

        for path, facts, call in self.candidates("schedulers", wanted):
            names = set(self.project.callee_names(path, call))
            library = next((lib for lib in libraries if names & set(lib["callees"])), None)
            if library is None or self._scheduler_catches(path, facts, call, library):
                continue
            for arg in self._scheduled(call, library):
                for fn_path, function in self.functions_of(path, call, arg):
                    if self.rejects(fn_path, function):
                        named = ".".join(call.callee[-2:]) if call.callee[-1] == "from" else call.callee[-1]  # `CronJob.from`
                        self.function_finding(path, call, fn_path, function, "scheduler",
                                              f"async {named} callback", drops=library["drops"])

    @staticmethod
    def _scheduled(call: Call, library: dict) -> list[Arg]:
        """The arguments of a scheduler call that may be the function it runs: any argument, or the
        one at `callback`, and the `callback_keys` of an options object (`CronJob.from({ onTick })`)."""
        position = library.get("callback", "any")
        found = list(call.args) if position == "any" else list(call.args[position:position + 1])
        keys = set(library.get("callback_keys", ()))
        for arg in call.args:
            if arg.kind == "object":
                found += [value for key, value in zip(arg.keys, arg.values) if key in keys]
        return [arg for arg in found if arg.kind in ("function", "ref")]

    def _scheduler_catches(self, path: str, facts: FileFacts, call: Call, library: dict) -> bool:
        """Whether the library catches this job's rejection: a version from which it always does
        (`handled_from`, the lowest version package.json admits), an option that makes it (`{
        waitForCompletion: true }`, croner's `{ catch: … }`), or a listener for `listener` on the job
        (`scheduleJob(…).on("error", …)`, or on the name that holds it, anywhere in the project)."""
        since = library.get("handled_from")
        if since and self.project.declares_at_least(path, library["library"], since):
            return True
        options = set(library.get("handled_options", ()))
        for arg in call.args:
            if arg.kind == "object" and any(key in options and value.text not in FALSY for key, value in zip(arg.keys, arg.values)):
                return True
        event = library.get("listener")
        if not event:
            return False
        if any(method in LISTENER_METHODS and first == event for method, first in call.chain):
            return True
        index = next((i for i, c in enumerate(facts.calls) if c is call), -1)  # a scheduler call is rare: one scan of its file
        return any(use.method in LISTENER_METHODS and use.first_arg == event
                   for use in self.ctx.uses.get(Target("call", path=path, index=index), ()))

    def _returned_functions(self, path: str, function: Function) -> list[tuple[str, Function]]:
        """The project functions whose calls `function` returns (`() => this.poll()`)."""
        return [found for call in self.project.files[path].calls
                if call.returned and call.callee and not call.is_new and call.scopes[0] == function.scope
                for found in self.functions_of(path, call, Arg("ref", path=call.callee))]

    def executor(self, spec: dict) -> None:
        names = set(spec["callees"])
        for path, facts, call in self.candidates("executor", lambda call: call.is_new and bool(call.args)):
            if not names & set(self.project.callee_names(path, call)):
                continue
            for fn_path, function in self.functions_of(path, call, call.args[0]):
                if self.rejects(fn_path, function):
                    self.function_finding(path, call, fn_path, function, "executor", "async Promise executor")
                elif not function.is_async:
                    # `new Promise((resolve, reject) => { return find(id).then((u) => resolve(u)); })`:
                    # the Promise constructor drops what its executor returns (ECMA-262
                    # Promise(executor) step 9: only an abrupt completion rejects)
                    for chain in self._returned_chains(fn_path, function):
                        self.call_finding(fn_path, chain, "then_returned_executor")

    def _returned_chains(self, path: str, function: Function) -> list[Call]:
        """The `.then(f)` chains with no `.catch` (and no second callback) that `function` itself
        returns: `return a().then(b)`, whose caller may drop them."""
        methods = set(self.rule.data["then"]["methods"])
        facts = self.project.files[path]
        return [call for call in facts.calls
                if call.returned and call.scopes[0] == function.scope and call.method in methods
                and len(call.args) < 2 and not call.has_star and not self._then_settles(path, call)
                and not self._sync_then(path, call)]

    def _sync_then(self, path: str, call: Call) -> bool:
        """Whether a `.then(f)` is a builder's own synchronous method (the `[then] sync_then`
        libraries): the chain it ends is rooted at a name that holds a call of a listed factory or
        class, or at a parameter annotated with a listed type imported from that library
        (`builder: ConcretePrismaSchemaBuilder`; `builder.model(m).field(f).then(cb)` returns the
        builder at each link). O(the chain's links + the root's targets)."""
        libraries: dict[str, list[str]] = self.rule.data["then"].get("sync_then", {})
        if not libraries:
            return False
        facts = self.project.files[path]
        root, seen = call, 0
        while not root.callee and root.receiver_call >= 0 and seen < 1000:  # `a.b(x).c(y).then(cb)`: to `a.b(x)`
            root, seen = facts.calls[root.receiver_call], seen + 1
        if not root.callee:
            return False
        names = {f"{module}.{name}" for module, listed in libraries.items() for name in listed}
        if root is not call and set(self.project.callee_names(path, root)) & names:
            return True  # `createPrismaSchemaBuilder(s).model(m).then(cb)`
        if len(root.callee) < 2:
            return False
        targets = self.project.resolve(path, root.scopes, root.callee[:1])
        if targets == [UNKNOWN]:  # `({ builder }: PrepareOperationIO) => builder.model(m).then(cb)`
            return self._destructured_builder(path, call, root.callee[0], libraries)
        return bool(targets) and all(self._sync_builder(t, libraries, names) for t in targets)

    def _destructured_builder(self, path: str, call: Call, name: str, libraries: dict[str, list[str]]) -> bool:
        """`name` is a property destructured from a parameter of the function around `call`, the
        parameter annotated with a type (an alias or interface of this file or one it imports)
        whose `name` property is a listed type imported from its library: amplication's
        `prepareModelNames({ builder, … }: PrepareOperationIO)` with `PrepareOperationIO = {
        builder: ConcretePrismaSchemaBuilder; … }`. Read from the trees and text of the two files."""
        node = self.ctx.node_of(path, call)
        while node is not None:  # the function around the call, or one around it (a callback's closure)
            if node.type in ("method_definition", "function_declaration", "function_expression", "arrow_function"):
                params = node.child_by_field_name("parameters")
                for param in params.named_children if params is not None else ():
                    pattern, annotation = param.child_by_field_name("pattern"), param.child_by_field_name("type")
                    if pattern is None or pattern.type != "object_pattern" or not any(
                            p.type == "shorthand_property_identifier_pattern" and p.text.decode() == name for p in pattern.named_children):
                        continue
                    type_name = next((c.text.decode() for c in annotation.named_children if c.type == "type_identifier"), "") if annotation else ""
                    return bool(type_name) and self._property_type_is_builder(path, type_name, name, libraries)
            node = node.parent
        return False

    def _property_type_is_builder(self, path: str, type_name: str, prop: str, libraries: dict[str, list[str]]) -> bool:
        """Whether the alias or interface `type_name` (declared in `path` or in the project module it
        is imported from) declares `prop: T` with `T` a listed type imported there from its library.
        O(the declaring file's lines)."""
        facts = self.project.files[path]
        imported = next((d for d in facts.decls if d.scope == MODULE_SCOPE and d.name == type_name and d.value.kind == "import"), None)
        where = self.project.resolve_module(path, imported.value.module) if imported is not None else path
        if where is None or where not in self.project.files:
            return False
        lines = self.ctx.sources.lines(where)
        start = next((i for i, line in enumerate(lines) if re.search(rf"\b(?:type|interface)\s+{re.escape(type_name)}\b", line)), -1)
        if start < 0:
            return False
        depth, found = 0, ""
        for line in lines[start:start + 200]:  # the declaration's body, to its closing brace
            if depth == 1 and not found:
                match = re.match(rf"\s*(?:readonly\s+)?{re.escape(prop)}\??\s*:\s*([A-Za-z_$][\w$]*)\s*[;,]?\s*$", line)
                found = match.group(1) if match else ""
            depth += line.count("{") - line.count("}")
            if depth <= 0 and "}" in line:
                break
        declaring = self.project.files[where]
        return bool(found) and any(d.name == found and d.value.kind == "import" and d.value.name == found
                                   and found in libraries.get(d.value.module, ()) for d in declaring.decls if d.scope == MODULE_SCOPE)

    def _sync_builder(self, target, libraries: dict[str, list[str]], names: set[str]) -> bool:
        """Whether a receiver's value is a sync-`then` builder: a call of a listed factory or class,
        or a parameter whose annotation is a listed type imported from its library."""
        if target.kind == "call" and target.path in self.project.files:
            return bool(set(self.project.callee_names(target.path, self.project.files[target.path].calls[target.index])) & names)
        if target.kind != "param" or target.path not in self.project.files:
            return False
        facts = self.project.files[target.path]
        decl = next((d for d in facts.decls if d.value.kind == "param" and d.scope == target.scope
                     and d.value.index == target.index), None)
        if decl is None:
            return False
        line = self.ctx.sources.line(target.path, decl.line)
        annotated = re.search(rf"(?<![\w$.]){re.escape(decl.name)}\s*\??\s*:\s*([A-Za-z_$][\w$]*)", line)
        if annotated is None:
            return False
        type_name = annotated.group(1)
        return any(d.name == type_name and d.value.kind == "import" and d.value.name == type_name
                   and type_name in libraries.get(d.value.module, ()) for d in facts.decls if d.scope == MODULE_SCOPE)

    def then(self, spec: dict) -> None:
        then_methods = set(spec["methods"])
        found = self.candidates("then", lambda call: call.method in then_methods and (not call.used or _maybe_voided(call))
                                and len(call.args) < 2 and not call.has_star)
        startup = set(spec.get("startup_connections", ()))
        for path, facts, call in found:
            if call.used and (call.scopes == (MODULE_SCOPE,) or not self._voided(path, call)):
                # `void container.load().then(start)` in top-level code (standardnotes' bin/*.ts): the
                # start-up chain; a rejection ends the process as a failed start should
                continue
            if call.callee == ("this", "then"):
                continue  # the object's own `then` method (lets-chat's processors' `then: function(cb)`), not a promise handed to it
            if self._sync_then(path, call):
                continue  # `builder.model(name).then((model) => …)` of prisma-ast: a builder method, no promise
            if self._then_settles(path, call):
                continue  # `Promise.allSettled(ps).then((results) => log(results))`
            if startup and self._on_first_connection(path, call, startup):
                continue  # `db.connect().then(createIndexes)`: rejects only when the server cannot start
            ends = self._callback_ends(path, call)
            if ends == "listen" or ends == "exit" and not self.logged_by_process(path):
                # `getPort().then((port) => server.listen(port))`: a start-up chain, a rejection ends the
                # process as a failed start should; `writer.close().then(() => process.exit(0))`: it
                # ends the process that was stopping anyway
                continue
            # a chain whose callback calls nothing it was handed (`callback(null, ok)`, an
            # executor's `resolve`) leaves nobody waiting when it rejects: under a process
            # `unhandledRejection` listener that logs, it is a listener-like case
            # a `void` chain is discarded on purpose: what its callback does is nobody's answer
            calls_back = not call.used and self._then_calls_back(path, call)
            self.call_finding(path, call, "then", cover="then" if calls_back else "then_detached")
        self._rethrowing_catches(set(spec.get("rethrowing", ())))

    def _rethrowing_catches(self, methods: set[str]) -> None:
        """`p.then(f).catch((err) => { log(err); throw err })` as a statement: the handler's throw (or
        its `return Promise.reject(err)`) rejects the promise `.catch` returns, which nobody holds, so
        the chain's rejection is unhandled all the same. Not in top-level code: there a rethrow is the
        start-up's way to end the process (`main().catch((e) => { log(e); throw e })`)."""
        if not methods:
            return
        found = self.candidates("rethrowing", lambda call: call.method in methods and len(call.args) == 1
                                and (not call.used or _maybe_voided(call)) and call.scopes != (MODULE_SCOPE,))
        for path, facts, call in found:
            if call.used and not self._voided(path, call):
                continue
            if call.callee == ("this", call.method) or self._sync_then(path, call):
                continue  # an object's own `catch` method, a builder's
            handlers = self.functions_of(path, call, call.args[0])
            if handlers and any(self._rethrows(p, f) for p, f in handlers):
                if self._callback_ends(path, call) == "exit" and not self.logged_by_process(path):
                    continue  # the handler ends the process anyway
                self.call_finding(path, call, "then_rethrown", cover="then_detached")

    def _rethrows(self, path: str, function: Function) -> bool:
        """Whether a rejection handler rejects the promise it makes: a `throw` no try/catch guards
        (`throw err` after logging it), or `return Promise.reject(err)`. O(the file's calls), memoized
        per function."""
        key = (path, function.scope)
        found = self._rethrowing.get(key)
        if found is None:
            found = self._rethrowing[key] = function.throws or self._catch_rethrows(path, function) or any(
                c.returned and c.callee == ("Promise", "reject") and c.scopes[0] == function.scope
                for c in self.project.files[path].calls) or self._always_throws(path, function.scope)
        return found

    def _catch_rethrows(self, path: str, function: Function) -> bool:
        """Whether a `catch` of the function's own body (no outer try/catch around it) ends with a
        call that always throws (`catch (err) { rethrow.rethrowDatabaseError(err) }`): the error goes
        on, as with `throw err`. O(the catches' last calls), each callee memoized (`_always_throws`)."""
        return any(self._call_always_throws(path, index, 0) for index in function.catch_tails)

    def _call_always_throws(self, path: str, index: int, depth: int) -> bool:
        """Whether call `index` of `path` always throws: every function it may call does
        (`_always_throws`), or it is a library function `[settled] always_throw` names."""
        call = self.project.files[path].calls[index]
        if not call.callee or depth > 3:
            return False
        targets = self.project.resolve(path, call.scopes, call.callee)
        return bool(targets) and all(
            t.kind == "function" and self._always_throws(t.path, t.scope, depth + 1)
            or t.kind == "external" and t.name in self._always_throw
            for t in targets)

    def _always_throws(self, path: str, scope: int, depth: int = 0) -> bool:
        """Whether a project function always throws: its body ends with a `throw`, or with a call
        that always throws (central-ledger's `rethrowDatabaseError: (error, options) =>
        rethrow.rethrowDatabaseError(error, …)`, a helper handing on to the library's). Memoized per
        function; at most three helpers deep."""
        key = (path, scope)
        found = self._throwing.get(key)
        if found is None:
            self._throwing[key] = False  # a cycle of helpers does not throw by itself
            function = self.project.files[path].functions.get(scope)
            found = function is not None and (
                function.ends_throw or function.tail_call >= 0 and self._call_always_throws(path, function.tail_call, depth))
            self._throwing[key] = found
        return found

    def _callback_ends(self, path: str, call: Call) -> str:
        """"exit" when the callback handed to `then` calls `process.exit`, "listen" when it starts a
        server (`server.listen(port)`), "" otherwise. O(the file's calls in the callback)."""
        for fn_path, function in self.functions_of(path, call, call.args[0]) if call.args else ():
            inner = [c for c in self.project.files[fn_path].calls if function.scope in c.scopes]
            if any(c.callee == ("process", "exit") for c in inner):
                return "exit"
            if any(c.method == "listen" for c in inner):
                return "listen"
        return ""

    def _voided(self, path: str, call: Call) -> bool:
        """`void getServerId().then(send);` as a statement in a function: `void` discards the chain's
        promise as a bare statement would (it marks the discard for typescript-eslint's
        no-floating-promises; a rejection is unhandled all the same). Read on the statement's line."""
        if call.span[2] != call.stmt_span[2]:
            return False  # `void a().then(f).catch(g)`: the `.then` is not what `void` discards
        first, last = self.ctx.sources.line(path, call.stmt_span[0]), self.ctx.sources.line(path, call.span[2])
        return first[call.stmt_span[1] - 1: call.span[1] - 1].strip() == "void" and last[call.span[3] - 1: call.stmt_span[3] - 1].strip() in ("", ";")

    def callbacks(self, spec: dict) -> None:
        """`Model.find().exec(async (err, docs) => { … await … })`: an async function handed, as its
        last argument, to a library method that calls a Node-style callback (its first parameter is
        the error) and drops what it returns (the case's `methods`: mongoose's queries and models,
        Node's fs), so a failing await is an unhandled rejection. A project function's callback is
        its own code's to judge."""
        error_names = set(spec["error_params"])
        methods = set(spec["methods"])
        # the method's name before the arguments: a commit scan's lazily decoded calls keep theirs
        # encoded (crashlint.facts.codec.LAZY), and few calls of a project are one of `methods`
        found = self.candidates("callbacks", lambda call: not call.is_new and (call.method or (call.callee[-1] if call.callee else "")) in methods
                                and bool(call.args) and call.args[-1].kind == "function")
        for path, facts, call in found:
            function = facts.functions.get(call.args[-1].scope)
            if function is None or not function.is_async or not function.params:
                continue
            first = next((d.name for d in facts.decls if d.scope == function.scope and d.value.kind == "param" and d.value.index == 0), None)
            if first not in error_names:
                continue
            if call.callee and any(t.kind in ("function", "class") for t in self.project.resolve(path, call.scopes, call.callee)):
                continue  # a project function: what it does with the callback is its own code's
            if not self.rejects(path, function):
                continue
            api = ".".join(call.callee) if call.callee else f"{self._receiver_text(facts, call)}.{call.method}"
            cover = "callback" if self._answers(path, function) else "callback_detached"
            self.function_finding(path, call, path, function, "callback", f"async callback of {api}(…)", api=api, cover=cover)

    def _answers(self, path: str, function: Function) -> bool:
        """Whether `function` answers a response or calls a callback a function around it was handed
        (`res.json(…)`, `callback(null, ok)`, an executor's `resolve`): someone waits on it."""
        answers = set(self.rule.data["process_handler"].get("answers", ()))
        handed = set(self.rule.data["process_handler"].get("handed_on", ()))
        facts = self.project.files[path]
        for inner in facts.calls:
            if function.scope not in inner.scopes or not inner.callee:
                continue
            names = [inner.callee[:1]] if len(inner.callee) == 1 or inner.method in answers else []
            names += [a.path[:1] for a in inner.args if a.kind == "ref" and len(a.path) == 1 and a.path[0] in handed]
            for name in names:
                targets = self.project.resolve(path, inner.scopes, name)
                if any(t.kind == "param" and t.scope != function.scope for t in targets):
                    return True
        return False

    def _then_calls_back(self, path: str, call: Call) -> bool:
        """Whether a `.then(f)` callback calls a parameter of a function around it (a callback the
        caller waits on: `callback(null, info)`, an executor's `resolve`), answers a response it
        was handed (`res.json(…)`: the client waits), or something crashlint cannot see the
        callback of."""
        if not call.args:
            return False
        callbacks = self.functions_of(path, call, call.args[0])
        if not callbacks:
            return True
        return any(self._calls_back(fn_path, function) for fn_path, function in callbacks)

    def _calls_back(self, fn_path: str, function: Function, after: int = 0) -> bool:
        """Whether `function` calls a parameter of a function around it (`callback(null, info)`, an
        executor's `resolve`) or answers a response one was handed (`res.end()` in a stream's
        `'end'` listener inside a route handler): someone waits on what it does. With `after`, only
        such a call on a later line counts. O(the file's calls)."""
        answers = set(self.rule.data["process_handler"].get("answers", ()))
        handed = set(self.rule.data["process_handler"].get("handed_on", ()))
        facts = self.project.files[fn_path]
        for inner in facts.calls:
            if function.scope not in inner.scopes or not inner.callee or inner.span[0] <= after:
                continue
            names = [inner.callee[:1]] if len(inner.callee) == 1 or inner.method in answers else []
            # `sendZip(res, …)`: what was handed in is handed on, to answer it; also as a property
            # (`emit("select", { result, resolve, reject })`: a listener settles the caller's promise)
            handed_args = [v for a in inner.args for v in ((a,) if a.kind != "object" else a.values)]
            names += [a.path[:1] for a in handed_args if a.kind == "ref" and len(a.path) == 1 and a.path[0] in handed]
            for name in names:  # not `theApp.setPluginStatus(…)`: a method of an object handed in
                targets = self.project.resolve(fn_path, inner.scopes, name)
                if any(t.kind == "param" and t.scope != function.scope for t in targets):
                    return True
        return False

    def _then_receivers(self, path: str, call: Call) -> list[tuple[str, int]] | None:
        """The calls that made the promise a `.then(f)` is called on: the call it is chained to, or
        the calls its receiver's name holds; None when the receiver is anything else."""
        if call.receiver_call >= 0:
            return [(path, call.receiver_call)]
        targets = self.project.resolve(path, call.scopes, call.callee[:-1]) if len(call.callee) > 1 else []
        if not targets or any(t.kind != "call" for t in targets):
            return None
        return [(t.path, t.index) for t in targets]

    def _on_first_connection(self, path: str, call: Call, connects: set[str]) -> bool:
        """A `.then(f)` on the promise of a database's first connection, made once by start-up code
        (`mongoose.connect(uri)` at module level, or a project function that returns it, called at
        module level: yapi's `yapi.connect = dbModule.connect()`), whose callback cannot reject. Such
        a chain rejects only when the initial connection fails, and the server cannot work at all:
        mongoose does not retry a failed initial connection (mongoosejs.com/docs/connections.html,
        "Error Handling"), and exiting lets the platform restart it, as it does a failed start."""
        promises = self._then_receivers(path, call)
        if promises is None:
            return False
        for promise_path, index in promises:
            if not self._made_at_start(promise_path, index, 0):
                return False  # made per request, per job: not the start-up connection
            if not self._connection_promise(promise_path, index, connects, 0):
                return False
        callbacks = self.functions_of(path, call, call.args[0]) if call.args else []
        if call.args and not callbacks:
            return False
        return not any(f.throws or self.rejects(p, f) or self._cleanup_rejects(p, f) for p, f in callbacks)

    def _made_at_start(self, path: str, index: int, depth: int) -> bool:
        """Whether call `index` runs once, at start-up: in a module's top-level code, or in a
        function that only top-level code calls (`const connection = connect()`)."""
        call = self.project.files[path].calls[index]
        if call.scopes == (MODULE_SCOPE,):
            return True
        if depth > 2 or len(call.scopes) != 2:
            return False  # nested functions, methods, callbacks: run who knows when
        scope = call.scopes[0]
        names = self.ctx._function_names(path).get(scope, set())
        callers = [(other, c) for name in sorted(names) for other, c in self.ctx.calls_named(name)
                   if any(t.kind == "function" and t.path == path and t.scope == scope
                          for t in self.project.resolve(other, c.scopes, c.callee))]
        return bool(callers) and all(
            self._made_at_start(other, next(i for i, x in enumerate(self.project.files[other].calls) if x is c), depth + 1)
            for other, c in callers)

    def _connection_promise(self, path: str, index: int, connects: set[str], depth: int) -> bool:
        """Whether call `index` is a connect of `connects`, or a call of a project function that
        returns one (`let db = mongoose.connect(…); db.then(log, log); return db`)."""
        call = self.project.files[path].calls[index]
        if set(self.project.callee_names(path, call)) & connects:
            return True
        if depth > 2 or not call.callee:
            return False
        targets = self.project.resolve(path, call.scopes, call.callee)
        if not targets or any(t.kind != "function" for t in targets):
            return False
        for target in targets:
            facts = self.project.files[target.path]
            returned = [i for i, c in enumerate(facts.calls) if c.returned and c.scopes[0] == target.scope]
            chain = self.project.scope_chain(target.path, target.scope)
            for scope, name in facts.returns:
                if scope != target.scope:
                    continue
                decls = self.project.lookup(target.path, chain, name[0]) if len(name) == 1 else []
                if not decls or any(d.value.kind != "call" for d in decls):
                    return False
                returned += [d.value.call for d in decls]
            if not returned or not all(self._connection_promise(target.path, i, connects, depth + 1) for i in returned):
                return False
        return True

    def _then_settles(self, path: str, call: Call) -> bool:
        """A `.then(f)` on a promise that cannot reject, whose callback cannot reject either."""
        promises = self._then_receivers(path, call)
        if promises is None:
            return False
        if not all(self.cannot_reject(p, i) for p, i in promises):
            return False
        if not call.args:
            return True
        callbacks = self.functions_of(path, call, call.args[0])
        return bool(callbacks) and all(self._callback_settles(p, f) for p, f in callbacks)

    def _callback_settles(self, path: str, function: Function) -> bool:
        """Whether the promise `.then(f)` makes cannot reject because of `f`: `f` throws nothing
        (`() => { throw new ValidationError(…) }` rejects it), cannot reject when async, and returns
        no promise that can (`() => nginx.test()` hands on the test's rejection). Memoized per
        function; O(the file's calls) the first time."""
        key = (path, function.scope)
        if key in self._callbacks:
            return self._callbacks[key]
        self._callbacks[key] = False  # while it is worked out (recursion): it may reject
        settles = not function.throws and not (function.is_async and (self.rejects(path, function) or self._cleanup_rejects(path, function)))
        if settles:
            facts = self.project.files[path]
            settles = all(
                self.cannot_reject(path, i) or self._plain_value(path, i)
                for i, c in enumerate(facts.calls)
                if c.returned and not c.awaited and c.scopes[0] == function.scope and self._project_call(path, c)
            )
        self._callbacks[key] = settles
        return settles

    def _project_call(self, path: str, call: Call) -> bool:
        """A call of project functions only (what a library call returns, crashlint cannot tell: a
        callback's `(r) => console.log(r)` hands back no promise it knows of)."""
        targets = self.project.resolve(path, call.scopes, call.callee) if call.callee else []
        return bool(targets) and all(t.kind == "function" for t in targets)

    def tasks(self, spec: dict) -> None:
        callees = set(spec["callees"])
        factories = set(spec.get("loop_factories", ()))
        loop_methods = set(spec.get("loop_methods", ()))
        loop_names = set(spec.get("loop_names", ()))
        waived = re.compile(spec["waived_by"]) if spec.get("waived_by") else None
        lasts = {n.rsplit(".", 1)[-1] for n in callees} | loop_methods
        discarding = set(spec.get("result_discarded_by", ()))
        self._task_spec = (callees, factories, loop_methods, loop_names, lasts)
        found = self.candidates("tasks", lambda call: not call.awaited and (call.callee[-1] if call.callee else call.method) in lasts, python=True)
        for path, facts, call in found:
            if (call.used and not self._unused_local(facts, call) and not self._discarded_by_caller(path, facts, call, discarding)
                    and not self._dropped_comprehension(path, call)):
                continue
            if waived is not None and any(waived.search(self.ctx.sources.line(path, n)) for n in range(call.span[0], call.span[2] + 1)):
                continue  # the author waived the same check of another linter on this call: deliberate
            dropped = self._starts_task(path, call)
            if dropped and self._completes_in_first_step(path, call):
                continue
            if dropped:
                self.call_finding(path, call, "task")
                self.findings[(path, "task", call.span)].anchor = call.span  # the fix wraps this call
        # `self.sys_create_task(coro)`: a project function that returns a task nothing keeps
        wrappers = self._task_wrappers()
        names = {self.project.files[p].functions[s].name for p, s in wrappers}
        # `await self._clear_react(msg)`, where `_clear_react` is an `async def` that returns
        # `asyncio.create_task(…)` (Red-DiscordBot's Audio cog): awaiting it gives back the task,
        # and a statement that is only the await drops it
        found = self.candidates("task-wrappers", lambda call: bool(call.callee) and call.callee[-1] in names, python=True,
                                extra=tuple(sorted(names)))
        for path, facts, call in found:
            if (path, "task", call.span) in self.findings:
                continue
            if call.awaited:
                if not self._await_dropped(path, call):
                    continue
            elif call.used and not self._unused_local(facts, call) and not self._discarded_by_caller(path, facts, call, discarding):
                continue
            if waived is not None and any(waived.search(self.ctx.sources.line(path, n)) for n in range(call.span[0], call.span[2] + 1)):
                continue
            origin = self._wrapped_task(path, call, wrappers, awaited=call.awaited)
            if origin is None or self._completes_in_first_step(path, call):
                continue
            self.wrapper_finding(path, call, origin)
            self.findings[(path, "task", call.span)].anchor = call.span
        self._task_decorators(wrappers, discarding)

    def _task_decorators(self, wrappers: dict[tuple[str, int], tuple[str, Call]], discarding: set[str]) -> None:
        """`@new_task` (mltb, WZML-X): a decorator whose inner function is a task wrapper (`async def
        wrapper(*a, **kw): task = loop.create_task(func(*a, **kw)); return task`, returned by the
        decorator). Every function it decorates hands its caller a task; a caller that drops it (a
        statement that is only `await handler(…)`, or a library the function is registered with by
        value and that never sees it called in the project: pyrogram ignores what a handler returns)
        leaves it with no reference. One finding on the task's start in the wrapper, naming who drops
        it: the fix (keep the task in a set until done) belongs there. Cost: one pass over the Python
        files' decorators, each named like a task decorator resolved once, and per decorated
        function its calls by name (`calls_named`, one index), each resolved once."""
        files = self.project.files
        decorators: dict[tuple[str, int], tuple[str, int]] = {}  # the decorator → its inner task wrapper
        for path, scope in wrappers:
            facts = files[path]
            inner = facts.functions.get(scope)
            outer = facts.scope_parents.get(scope)
            if inner is None or not inner.name or outer not in facts.functions:
                continue
            if (outer, (inner.name,)) in facts.returns:
                decorators[(path, outer)] = (path, scope)
        if not decorators:
            return
        names = {files[p].functions[s].name for p, s in decorators}
        decorated: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for path, facts in files.items():
            if facts.language != "python":
                continue
            for scope, decorator in facts.decorators:
                if not decorator or decorator[-1] not in names or scope not in facts.functions:
                    continue
                chain = self.project.scope_chain(path, facts.scope_parents.get(scope, 0))
                for target in self.project.resolve(path, chain, decorator):
                    if target.kind == "function" and (target.path, target.scope) in decorators:
                        decorated.setdefault((target.path, target.scope), []).append((path, scope))
        for key, functions in sorted(decorated.items()):
            wrapper = decorators[key]
            where, start = wrappers[wrapper]
            is_async = files[wrapper[0]].functions[wrapper[1]].is_async
            dropped: list[tuple[str, int, str]] = []  # (file, line, how)
            for path, scope in functions:
                function = files[path].functions[scope]
                callers = list(self.project.calls_of(Target("function", path=path, scope=scope)))
                if not callers:
                    dropped.append((path, function.span[0], f"`{function.name}` is only handed to a library, which drops what it returns"))
                    continue
                for other, c in callers:
                    facts = files[other]
                    if c.awaited != is_async:
                        continue  # an async wrapper's task comes out of the await; a plain one's from the call
                    lost = self._await_dropped(other, c) if c.awaited else (
                        not c.used or self._unused_local(facts, c) or self._discarded_by_caller(other, facts, c, discarding))
                    if lost:
                        dropped.append((other, c.span[0], f"`{'await ' if c.awaited else ''}{c.text}` drops it"))
            if not dropped:
                continue
            name = files[key[0]].functions[key[1]].name
            inner = files[wrapper[0]].functions[wrapper[1]].name
            shown = "; ".join(f"{how} ({p}:{line})" for p, line, how in dropped[:3])
            more = f"; and {len(dropped) - 3} more" if len(dropped) > 3 else ""
            self.report(
                (where, "task_decorator", start.span), where, start.span[0], start.text,
                self.problem("task_decorator", where, subject=start.text, decorator=name, wrapper=inner,
                             decorated=len(functions), dropped=len(dropped), examples=shown + more),
                [Related(Location(p, line, 1, line, 1), how) for p, line, how in dropped[:10]],
                {"case": "task_decorator", "label": self.rule.data.get("labels", {}).get("task", "task")},
            )

    def _starts_task(self, path: str, call: Call) -> bool:
        """Whether a `create_task`/`ensure_future` call starts an asyncio task: a callee [tasks]
        names, or `create_task` of an event loop (from a loop factory, or a receiver so named)
        that is no project object defining `create_task` itself."""
        callees, factories, loop_methods, loop_names, _ = self._task_spec
        if callees & set(self.project.callee_names(path, call)):
            return True
        if call.method not in loop_methods:
            return False
        receivers = self.project.receiver_targets(path, call)
        for target in receivers:
            if target.kind == "call":
                owner = self.project.files[target.path].calls[target.index]
                if factories & set(self.project.callee_names(target.path, owner)):
                    return True
        if len(call.callee) >= 2 and call.callee[-2] in loop_names and (len(call.callee) > 2 or self._annotated_loop(path, call)):
            return not any(t.kind == "instance" and self.project.class_methods(t, {call.method}) for t in receivers)
        return False

    def _task_wrappers(self) -> dict[tuple[str, int], tuple[str, Call]]:
        """The project functions that return a task nothing keeps, each with the call that starts
        it: `def create_task(self, coro): return self.loop.create_task(coro)` (supervisor's
        CoreSys), `task = loop.create_task(coro); return task` with `task` named nowhere else, and,
        transitively, a function that returns such a function's result (`sys_create_task` returning
        `self.coresys.create_task(coro)`). A function that stores the task first (a set, a dict,
        `self.task = …`: music-assistant's `mass.create_task`, Home Assistant's
        `hass.async_create_task`) is not one. Cost: one pass over the Python files' calls that
        return a task call (kept per file), then per round the calls named like a wrapper found
        (`calls_named`, one index), each resolved once; at most MAX_ROUNDS rounds. Memoized per scan."""
        if self._wrappers is not None:
            return self._wrappers
        lasts = self._task_spec[4]
        self._wrappers = wrappers = {}
        files = self.project.files
        returning = self.ctx.own_pass(
            ("async-rejection", self.rule.id, "task-returns"),
            lambda path, facts: tuple(i for i, c in enumerate(facts.calls)
                                      if not c.awaited and (c.callee[-1] if c.callee else c.method) in lasts and (c.returned or c.bound_to)),
            lambda path, facts: facts.language == "python", extra=tuple(sorted(lasts)))
        for path, indices in returning.items():
            facts = files[path]
            for index in indices:  # type: ignore[union-attr]
                call = facts.calls[index]
                function = facts.functions.get(call.scopes[0])
                if function is None or not function.name or not (call.returned or self._only_returned(facts, call, function)):
                    continue
                if self._starts_task(path, call):
                    wrappers.setdefault((path, function.scope), (path, call))
        fresh = set(wrappers)
        for _ in range(MAX_ROUNDS):
            names = {files[p].functions[s].name for p, s in fresh}
            fresh = set()
            for name in sorted(names):
                for path, call in self.project.calls_named(name):
                    function = files[path].functions.get(call.scopes[0])
                    if not call.returned or call.awaited or function is None or not function.name:
                        continue
                    key = (path, function.scope)
                    if key in wrappers or files[path].language != "python":
                        continue
                    origin = self._wrapped_task(path, call, wrappers)
                    if origin is not None:
                        wrappers[key] = origin
                        fresh.add(key)
            if not fresh:
                break
        return wrappers

    def _wrapped_task(self, path: str, call: Call, wrappers: dict, *, awaited: bool = False) -> tuple[str, Call] | None:
        """The call starting the task a call of a task wrapper returns, when every project function
        its callee denotes is one (an unknown or a library beside it: cannot tell, None). An awaited
        call gets the task only from an `async def` wrapper (awaiting a plain function's task waits
        for the task itself)."""
        targets = self.project.resolve(path, call.scopes, call.callee)
        if targets and all(self._abstract(t) for t in targets):
            # a mixin's `@abstractmethod` declaration (Red's Audio cog: `MixinMeta._clear_react`, which
            # a sibling mixin defines): what runs is a definition of that name elsewhere, and only when
            # every one in the project is a wrapper is the answer sure
            name = self.project.files[targets[0].path].functions[targets[0].scope].name
            targets = [Target("function", path=p, scope=sc) for p, sc in self._defined(wrappers).get(name, ())]
        elif len(targets) > 1:  # the declaration beside the definition that runs
            targets = [t for t in targets if not self._abstract(t)] or targets
        if not targets or any(t.kind != "function" or (t.path, t.scope) not in wrappers for t in targets):
            return None
        if awaited and not all(getattr(self.project.files[t.path].functions.get(t.scope), "is_async", False) for t in targets):
            return None
        return wrappers[(targets[0].path, targets[0].scope)]

    def _defined(self, wrappers: dict) -> dict[str, list[tuple[str, int]]]:
        """The Python functions named like a task wrapper, by name, abstract declarations left out:
        one pass over the Python files' functions, memoized per scan."""
        if self._definitions is None:
            names = {self.project.files[p].functions[s].name for p, s in wrappers}
            found: dict[str, list[tuple[str, int]]] = {}
            for path, facts in self.project.files.items():
                if facts.language != "python":
                    continue
                for scope, function in facts.functions.items():
                    if function.name in names and not self._abstract(Target("function", path=path, scope=scope)):
                        found.setdefault(function.name, []).append((path, scope))
            self._definitions = found
        return self._definitions

    def _overrides(self, target: Target) -> list[Target]:
        """The methods of the same name as the method `target` in the project subclasses (at any
        depth) of its class. The index of subclasses is built once per scan (`_subclass_index`: one
        resolution per declared base); then O(the subclasses' declarations)."""
        facts = self.project.files[target.path]
        function = facts.functions.get(target.scope)
        owner = facts.scope_parents.get(target.scope, 0)
        if function is None or not function.name or owner not in facts.class_bases and owner not in self._class_scopes(target.path):
            return []
        index = self._subclass_index()
        found: list[Target] = []
        seen = {(target.path, owner)}
        work = list(index.get((target.path, owner), ()))
        while work and len(seen) < 500:
            cls = work.pop()
            if cls in seen:
                continue
            seen.add(cls)
            for decl in self.project.decls.get((cls[0], cls[1], "self." + function.name), []):
                if decl.value.kind == "function":
                    method = Target("function", path=cls[0], scope=decl.value.scope)
                    if not self._abstract(method):
                        found.append(method)
            work += index.get(cls, ())
        return found

    def _class_scopes(self, path: str) -> set[int]:
        facts = self.project.files[path]
        return {d.value.scope for d in facts.decls if d.value.kind == "class"}

    def _subclass_index(self) -> dict[tuple[str, int], list[tuple[str, int]]]:
        """Project class (file, scope) → the project classes that name it as a base, once per scan."""
        if self._subclasses is None:
            self._subclasses = self.project.python_subclasses()
        return self._subclasses

    def _abstract(self, target: Target) -> bool:
        """A method declared `@abstractmethod` (`abc.abstractmethod`): a declaration, not what runs."""
        if target.kind != "function":  # a library name or an unknown has no file (medusa: KeyError '')
            return False
        facts = self.project.files[target.path]
        return any(s == target.scope and d[-1] == "abstractmethod" for s, d in facts.decorators)

    def _lead_in(self, path: str, call: Call) -> tuple[str, str]:
        """The source of the call's statement before the call and after it (`await ` and ``, `[` and
        ` for tx in txes]`); ("", "") when the statement is the call's own span. O(the statement's lines)."""
        sl, sc, el, ec = call.stmt_span
        cl, cc, dl, dc = call.span
        if (sl, sc) >= (cl, cc) and (el, ec) <= (dl, dc):
            return "", ""
        lines = {n: self.ctx.sources.line(path, n) for n in range(sl, el + 1)}

        def between(a: tuple[int, int], b: tuple[int, int]) -> str:
            if a[0] == b[0]:
                return lines.get(a[0], "")[a[1] - 1 : b[1] - 1]
            middle = [lines.get(n, "") for n in range(a[0] + 1, b[0])]
            return "\n".join([lines.get(a[0], "")[a[1] - 1 :], *middle, lines.get(b[0], "")[: b[1] - 1]])

        return between((sl, sc), (cl, cc)), between((dl, dc), (el, ec))

    def _await_dropped(self, path: str, call: Call) -> bool:
        """`await f()` as a statement of its own: what the await gives back is dropped."""
        before, after = self._lead_in(path, call)
        return before.strip() == "await" and not after.strip()

    def _dropped_comprehension(self, path: str, call: Call) -> bool:
        """`[asyncio.ensure_future(self.process(tx)) for tx in txes]` as a statement of its own: the
        list of tasks is built and dropped (bitcart's eth daemon). A generator expression runs
        nothing, so only list and set comprehensions."""
        before, after = self._lead_in(path, call)
        after = after.strip()
        return before.strip() in ("[", "{") and after[-1:] in ("]", "}") and re.match(r"for\b", after) is not None

    def _only_returned(self, facts: FileFacts, call: Call, function: Function) -> bool:
        """`task = loop.create_task(coro)` followed by `return task`, with `task` named nowhere
        else in the function: the caller gets the only reference."""
        name = call.bound_to
        if not name or not name.isidentifier() or (function.scope, (name,)) not in facts.returns:
            return False
        lines = [self.ctx.sources.line(facts.path, n) for n in range(call.span[0], function.span[2] + 1)]
        return sum(len(re.findall(rf"\b{re.escape(name)}\b", line)) for line in lines) == 2

    def wrapper_finding(self, path: str, call: Call, origin: tuple[str, Call]) -> None:
        """A finding on a call of a task wrapper whose task is dropped, pointing at the task's start."""
        where, inner = origin
        self.report(
            (path, "task", call.span), path, call.span[0], call.text,
            self.problem("task_wrapper", path, subject=call.text, inner=inner.text, where=f"{where}:{inner.span[0]}"),
            [Related(Location(where, inner.span[0], inner.span[1], inner.span[0], inner.span[1]), f"the task starts here: `{inner.text}`")],
            {"case": "task", "label": self.rule.data.get("labels", {}).get("task", "task")},
        )


    def _discarded_by_caller(self, path: str, facts: FileFacts, call: Call, discarding: set[str]) -> bool:
        """`fut.add_done_callback(lambda _: asyncio.create_task(…))`: the task is what the lambda
        returns, and the method that calls the lambda drops its return value, so nothing keeps the
        task. Callers that keep it (pyee's `.on(…)` stores a returned future) are not listed."""
        if not discarding or not call.returned:
            return False
        function = facts.functions.get(call.scopes[0])
        if function is None or function.name:  # a lambda's body, not a named function's `return`
            return False
        takers = self.project.per_file(path, ("lambda-takers",), lambda: _lambda_takers(facts))
        return takers.get(call.scopes[0], "") in discarding  # type: ignore[union-attr]

    def _annotated_loop(self, path: str, call: Call) -> bool:
        """`loop.create_task(…)` where `loop` is declared with an event-loop annotation (`loop:
        asyncio.AbstractEventLoop`, `loop: BaseEventLoop`): a bare name with none is not known to
        be an asyncio loop (ruff's RUF006 leaves it too)."""
        name = call.callee[-2]
        for decl in self.project.lookup(path, call.scopes, name):
            if LOOP_ANNOTATION.search(self.ctx.sources.line(path, decl.line)):
                return True
        return False

    def _completes_in_first_step(self, path: str, call: Call) -> bool:
        """The task's coroutine is a call of a project `async def` (every definition the name
        resolves to) whose body has no `await`, `async for`, `async with` or `yield`: the task runs it
        to the end in its first step, while the loop's ready queue holds that step (Task.__init__
        schedules it with `loop.call_soon`), so it cannot be collected mid-flight; what it raises is
        logged by the loop's exception handler when the task is collected. Nothing hangs or is lost:
        not reported (CL003's Python case is the task collected before it finishes)."""
        if not call.args or call.args[0].kind != "call" or call.args[0].call < 0:
            return False
        facts = self.project.files[path]
        inner = facts.calls[call.args[0].call]
        if not inner.callee:
            return False
        # (an `unknown` beside the method: `self.tracer = None` before `self.tracer = Tracer()`)
        resolved = self.project.resolve(path, inner.scopes, inner.callee)
        targets = [t for t in resolved if t.kind == "function"]
        if not targets and inner.method and all(t.kind == "unknown" for t in resolved):
            # `p.stop_async()` on `p = CaptureManager()`, a method its project base class defines
            # (lacus's `loop.add_signal_handler(SIGTERM, lambda: loop.create_task(p.stop_async()))`)
            targets = [Target("function", path=p, scope=sc) for r in self.project.receiver_targets(path, inner)
                       if r.kind == "instance" for p, sc in self.project.class_methods(r, {inner.method})]
            resolved = targets
        if not targets or any(t.kind not in ("function", "unknown") for t in resolved):
            return False
        concrete = []
        for target in targets:
            if not self._abstract(target):
                concrete.append(target)
                continue
            # `self.db.update_cron_job(…)` on `db: BaseDatabase`: the `@abstractmethod` stub's empty
            # body is not what runs, its project subclasses' overrides are (AstrBot's SQLite
            # database); none found: what runs is unknown, so it may suspend
            overrides = self._overrides(target)
            if not overrides:
                return False
            concrete += overrides
        for target in concrete:
            function = self.project.files[target.path].functions.get(target.scope)
            if function is None or not function.is_async or function.awaits:
                return False
            lines = range(function.span[0] + 1, function.span[2] + 1)
            if any(SUSPENDS.search(self.ctx.sources.line(target.path, n)) for n in lines):
                return False
        return True

    def _unused_local(self, facts: FileFacts, call: Call) -> bool:
        """`task = asyncio.create_task(…)` in a function that never mentions `task` again: the
        reference dies with the frame (RUF006 reports it too). A mention that only adds a done
        callback or names the task (`task.add_done_callback(log_errors)`, ballsdex's
        `AppConfig.ready()`) keeps no reference outside the task itself: the task still goes when
        the frame does."""
        name = call.bound_to
        function = facts.functions.get(call.scopes[0])
        if not name or not name.isidentifier() or function is None:
            return False
        head = self.ctx.sources.line(facts.path, call.span[0])[: call.span[1] - 1]
        names = set(re.findall(r"(\w+)\s*(?::[^=]*)?=(?!=)", head)) | {name}  # task = other = create_task(…)
        body = [self.ctx.sources.line(facts.path, n) for n in range(function.span[0], function.span[2] + 1)]
        for each in names:
            if any(re.search(rf"\b(global|nonlocal)\b.*\b{re.escape(each)}\b", line) for line in body):
                return False  # a module global keeps the task alive
        later = body[call.span[0] - function.span[0]:]
        mentions = sum(len(re.findall(rf"\b{re.escape(each)}\b(?!\s*\.\s*(?:add_done_callback|set_name)\s*\()", line))
                       for line in later for each in names)
        return mentions <= len(names)


def _maybe_voided(call: Call) -> bool:
    """A call whose statement starts on its line, five characters before it (`void ` and the call):
    `_voided` reads the line to be sure. O(1), from the call alone."""
    return call.stmt_span[0] == call.span[0] and call.span[1] - call.stmt_span[1] == 5


def _lambda_takers(facts: FileFacts) -> dict[int, str]:
    """For each lambda passed as an argument, the name of the method (or function) it is passed to:
    one walk of the file's calls, memoized per file."""
    takers: dict[int, str] = {}
    for call in facts.calls:
        name = call.method or (call.callee[-1] if call.callee else "")
        for arg in call.args:
            if arg.kind == "function":
                takers.setdefault(arg.scope, name)
    return takers


MAX_ROUNDS = 8  # wrappers of wrappers of create_task followed at most this deep
LOOP_ANNOTATION = re.compile(r"\b\w*loop\s*:\s*['\"]?[\w.]*(?:EventLoop|uvloop\.Loop)\b", re.I)
# what can suspend a coroutine (or make it an async generator), read on its lines
SUSPENDS = re.compile(r"\bawait\b|\basync\s+(?:for|with)\b|\byield\b")


def check(rule: Rule, ctx: RuleContext) -> list[Finding]:
    checker = _Checker(rule, ctx)
    for case in CASES:
        if case in rule.data:
            getattr(checker, case)(rule.data[case])
    return list(checker.findings.values())
