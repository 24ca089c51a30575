"""Calls bounded by a task queue's time limit: a call that only a time-limited Celery task or an RQ
job reaches cannot hang its worker — the limit ends it (the rule data, with the library facts and
where they were read, is the `[task_limits]` table of rules/CL008_http-call-no-timeout.toml).

The question is asked of a function, not a file: every path of static calls that leads to the
call from code a long-lived process runs must start at a limited task (or an RQ job); a path from a
CLI or management command only (kpi's `import_from_url` beside the task `import_in_background`)
leaves it bounded. A function nothing calls by name is an entry of
its own (a view, a handler, a callback) and leaves the call unbounded, so a call also reached from
a web handler or a standalone process stays a finding. Methods that no static call reaches but a
task instantiates through a class it holds in a `Type[X]` / `type[X]` annotation
(`plugin_class: Type[Plugin] = …; plugin_class(…).start()`) are attributed to that task: every
method of X and of X's subclasses in the project.
"""

from __future__ import annotations

import re
import shlex

from crashlint.engine.context import RuleContext
from crashlint.facts.model import Arg, Call, FileFacts
from crashlint.processes import is_test_path
from crashlint.templating import render

NONE_ASSIGNED = re.compile(r"=\s*None\s*(#.*)?$")
QUOTED_CELERY = re.compile(r"""['"]celery['"]\s*,""")  # a command built as a list: ["celery", "-A", …]
QUOTED_WORD = re.compile(r"""['"]([^'"\s]+)['"]""")
MAX_DEPTH = 8  # call levels followed upwards before giving up (unbounded)


class TaskLimits:
    """What one scan knows about task limits, built once per rule context."""

    def __init__(self, ctx: RuleContext, data: dict) -> None:
        self.ctx = ctx
        self._memo: dict[tuple[str, int], str | None] = {}
        self._none_memo: dict[str, bool | None] = {}
        self._callers_memo: dict[tuple[str, int], list[tuple[str, Call]]] = {}
        self.data = data
        self.project = ctx.project
        self._app_keys: set[str] = set()
        self._app_limit = self._find_app_limit()
        self.rq_unlimited = self._rq_unlimited()
        self._pools: list[tuple[str, str]] | None = None  # (pool, where) of each Celery worker command
        self.tasks: dict[tuple[str, int], str] = {}  # limited task or job function → how it is limited
        # limited Celery tasks whose limit the workers' pool does not enforce → why, for the finding
        self.ignored: dict[tuple[str, int], str] = {}
        self._find_tasks()
        self.attributed: dict[tuple[str, int], str] = {}
        self.unbounded: set[tuple[str, int]] = set()  # methods a function that is no limited task runs through a Type[X]
        self._attribute()

    # ---- limits -------------------------------------------------------------------------

    def _declared_none(self, name: str) -> bool | None:
        """Whether the module-level settings named `name` are all None (True), none of them (False),
        or nothing declares it (None)."""
        if name in self._none_memo:
            return self._none_memo[name]
        self._none_memo[name] = self._find_declared_none(name)
        return self._none_memo[name]

    def _find_declared_none(self, name: str) -> bool | None:
        found = None
        for path, facts in self.project.files.items():
            if facts.language != "python":
                continue
            for decl in facts.decls:
                if decl.scope == 0 and decl.name == name:
                    is_none = bool(NONE_ASSIGNED.search(self.ctx.sources.line(path, decl.line)))
                    if is_none:
                        return True
                    found = False
        return found

    def _is_limit(self, arg: Arg) -> bool:
        """A finite limit: a number, an expression (`int(os.getenv(…, 1800))`), or a setting that
        is declared and never None; not None, 0 or -1 (no limit), not a setting nothing declares."""
        if arg.kind == "none":
            return False
        if arg.kind == "ref":
            return self._declared_none(arg.path[-1]) is False
        return arg.text.strip() not in ("0", "-1", "float('inf')", 'float("inf")')  # -1: none (RQ); 0 is not read as a limit either (conservative)

    def _find_app_limit(self) -> str:
        """A Celery app-wide limit: `app.conf.update(task_time_limit=…)`, `app.conf.task_time_limit = …`,
        or Django settings `CELERY_TASK_TIME_LIMIT = …` read with `namespace="CELERY"`."""
        celery = self.data["celery"]
        options = set(celery["app_options"])
        namespaced = False
        found = ""
        for path, facts in self.project.files.items():
            if facts.language != "python":
                continue
            for call in facts.calls:
                if call.callee[-2:] == ("conf", "update"):
                    for key, value in call.keywords:
                        if key in options and self._is_limit(value):
                            found = found or f"the app's `{key}` ({path}:{call.span[0]})"
                            self._app_keys.add(key)
                if call.callee and call.callee[-1] == celery["namespace_call"]:
                    value = call.keyword("namespace")
                    if value is not None and value.kind == "string" and value.text == celery["namespace"]:
                        namespaced = True
            for assignment in facts.assignments:
                if assignment.target[-2:-1] == ("conf",) and assignment.target[-1] in options and self._is_limit(assignment.value):
                    found = found or f"the app's `{assignment.target[-1]}` ({path}:{assignment.line})"
                    self._app_keys.add(assignment.target[-1])
        if namespaced:
            for name in celery["django_settings"]:
                if self._declared_none(name) is False:
                    found = found or f"the Django setting `{name}`"
                    self._app_keys.add(name)
        return found

    # ---- worker pools -------------------------------------------------------------------

    def worker_pools(self) -> list[tuple[str, str]]:
        """The pool of each Celery worker command the project runs: (pool, where), `prefork` when
        the command names none. Read from start commands (Procfile, Dockerfile, compose, entry
        scripts) and from Python sources that build the command as a list of strings
        (`["celery", "-A", "ops", "worker", "-P", "threads", …]`)."""
        if self._pools is None:
            self._pools = []
            for manifest in self.project.manifests.values():
                for where, _name, command in manifest.launches:
                    self._add_pool(self._words(command), where)
            for path, facts in self.project.files.items():
                if facts.language != "python" or is_test_path(path) or self.project.is_vendored(path):
                    continue
                lines = self.ctx.sources.lines(path)
                for number, line in enumerate(lines, start=1):
                    if QUOTED_CELERY.search(line):
                        text = " ".join(lines[number - 1 : number + 20])
                        self._add_pool(QUOTED_WORD.findall(text[QUOTED_CELERY.search(text).start():]), f"{path}:{number}")
        return self._pools

    @staticmethod
    def _words(command: str) -> list[str]:
        try:
            return shlex.split(command)
        except ValueError:
            return command.split()

    def _add_pool(self, words: list[str], where: str) -> None:
        words = [w.strip("'\"") for w in words]
        if "celery" not in [w.rsplit("/", 1)[-1] for w in words]:
            return
        start = next(i for i, w in enumerate(words) if w.rsplit("/", 1)[-1] == "celery")
        words = words[start:]
        if "worker" not in words:
            return
        pool = "prefork"
        for i, word in enumerate(words):
            if word in ("-P", "--pool") and i + 1 < len(words):
                pool = words[i + 1]
            elif word.startswith("--pool="):
                pool = word.split("=", 1)[1]
        pool = re.sub(r"^\$\{\w+:-([\w.]+)\}$", r"\1", pool)  # ${CELERY_POOL:-threads}
        self._pools.append((pool, where))  # type: ignore[union-attr]

    def _unenforced(self, keys: set[str]) -> tuple[str, str] | None:
        """A worker pool that enforces none of the limits `keys` set: (pool, where), or None."""
        celery = self.data["celery"]
        kinds = {celery["limit_kinds"].get(k, "hard") for k in keys}
        for pool, where in self.worker_pools():
            enforced = celery["pools"].get(pool)
            if enforced is not None and not kinds & set(enforced):
                return pool, where
        return None

    def _rq_unlimited(self) -> bool:
        """A queue made with `default_timeout=-1` lifts RQ's 180 s default for every job on it."""
        rq = self.data["rq"]
        for _path, facts in self.project.files.items():
            if facts.language != "python":
                continue
            for call in facts.calls:
                for key, value in call.keywords:
                    if key in rq["queue_options"] and not self._is_limit(value):
                        return True
        return False

    # ---- which functions are limited tasks ---------------------------------------------

    def _is_celery_decorator(self, path: str, decorator: tuple[str, ...]) -> bool:
        celery = self.data["celery"]
        names = {t.name for t in self.project.resolve(path, (0,), decorator) if t.kind == "external"}
        if names & set(celery["decorators"]):
            return True
        if len(decorator) < 2 or decorator[-1] != "task":
            return False  # `@app.task` on a Celery app; huey's `@huey.task` has no such limit
        for target in self.project.resolve(path, (0,), decorator[:-1]):
            if target.kind == "call":
                owner = self.project.files[target.path].calls[target.index]
                if set(self.project.callee_names(target.path, owner)) & set(celery["apps"]):
                    return True
        return False

    def _find_tasks(self) -> None:
        celery, rq = self.data["celery"], self.data["rq"]
        for path, facts in self.project.files.items():
            if facts.language != "python" or is_test_path(path):
                continue
            # `@shared_task(soft_time_limit=60)`: the decorator's call, by function and callee
            decorator_calls = {(scope, facts.calls[i].callee): facts.calls[i] for scope, i in facts.decorator_calls}
            for scope, decorator in facts.decorators:
                call = decorator_calls.get((scope, decorator))
                name = facts.functions[scope].name if scope in facts.functions else "?"
                if self._is_celery_decorator(path, decorator):
                    own = [(k, v) for k, v in (call.keywords if call else ()) if k in celery["task_options"]]
                    where = f"{path}:{facts.functions[scope].span[0]}"
                    if any(self._is_limit(v) for _k, v in own):
                        keys = {k for k, v in own if self._is_limit(v)}
                        key, _value = next((k, v) for k, v in own if self._is_limit(v))
                        how = f"Celery task `{name}` ({where}, `{key}`)"
                    elif self._app_limit and not own:
                        keys = set(self._app_keys)
                        how = f"Celery task `{name}` ({where}), under {self._app_limit}"
                    else:
                        continue
                    unenforced = self._unenforced(keys)
                    if unenforced is None:
                        self.tasks[(path, scope)] = how
                    else:  # `celery worker -P threads`: the pool never applies the limit
                        self.ignored[(path, scope)] = render(celery["pool_problem"], task=how, pool=unenforced[0], where=unenforced[1])
                    continue
                names = {t.name for t in self.project.resolve(path, (0,), decorator) if t.kind == "external"}
                if names & set(rq["decorators"]) and not self.rq_unlimited:
                    given = [v for k, v in (call.keywords if call else ()) if k in rq["job_options"]]
                    if all(self._is_limit(v) for v in given):
                        self.tasks[(path, scope)] = f"RQ job `{name}` ({path}:{facts.functions[scope].span[0]})"
            if self.rq_unlimited:
                continue
            for call in facts.calls:  # queue.enqueue(func, …)
                if not call.callee or call.callee[-1] not in rq["enqueue"] or not call.args:
                    continue
                if not any(n.startswith(tuple(rq["packages"])) for n in self._queue_names(path, call)):
                    continue
                if any(k in rq["job_options"] and not self._is_limit(v) for k, v in call.keywords):
                    continue
                position = 1 if call.callee[-1] in rq["scheduled"] else 0
                if len(call.args) <= position or call.args[position].kind != "ref":
                    continue
                for target in self.project.resolve(path, call.scopes, call.args[position].path):
                    if target.kind == "function":
                        target_facts = self.project.files[target.path]
                        function = target_facts.functions.get(target.scope)
                        self.tasks.setdefault((target.path, target.scope),
                                              f"RQ job `{function.name if function else '?'}` (enqueued at {path}:{call.span[0]})")

    def _queue_names(self, path: str, call: Call) -> list[str]:
        """What `queue.enqueue(…)` is called on: `rq.Queue`, `django_rq.get_queue`, …"""
        names = list(self.project.callee_names(path, call))
        for target in self.project.receiver_targets(path, call):
            if target.kind == "call":
                names += self.project.callee_names(target.path, self.project.files[target.path].calls[target.index])
        return names

    def _hierarchy(self, path: str, scopes: tuple[int, ...], name: tuple[str, ...]) -> set[tuple[str, int]]:
        """The project classes a `Type[name]` may hold: the class and its subclasses, with the
        project bases of each (a mixin's methods run on the subclass too)."""
        roots = {(t.path, t.scope) for t in self.project.resolve(path, scopes, name) if t.kind == "class"}
        found: set[tuple[str, int]] = set()
        work = list(roots)
        while work and len(found) < 5000:
            key = work.pop()
            if key in found:
                continue
            found.add(key)
            work += self._children.get(key, ())
        for key in list(found):  # bases of the subclasses, one walk up
            work = [key]
            while work and len(found) < 5000:
                for base in self._bases.get(work.pop(), ()):
                    if base not in found:
                        found.add(base)
                        work.append(base)
        return found

    def _class_links(self) -> None:
        self._children: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self._bases: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for path, facts in self.project.files.items():
            if facts.language != "python":
                continue
            for cls, (scopes, bases) in facts.class_bases.items():
                for base in bases:
                    for target in self.project.resolve(path, scopes, base):
                        if target.kind == "class":
                            self._children.setdefault((target.path, target.scope), []).append((path, cls))
                            self._bases.setdefault((path, cls), []).append((target.path, target.scope))

    def _seeds(self) -> list[tuple[tuple[str, int], set[tuple[str, int]], str]]:
        """Each place that calls a method on a class object held as `Type[X]`: (the function that
        calls it, the classes, the method name). A variable or parameter annotated `Type[X]`, or an
        instance made from one (`plugin = plugin_class(…); plugin.start()`); a function annotated
        `-> Type[X]` read as an attribute (`module.python_class.update()`)."""
        seeds = []
        returning: dict[str, set[tuple[str, int]]] = {}
        for path, facts in self.project.files.items():
            if facts.language != "python" or not facts.type_hints:
                continue
            for scope, name, hinted in facts.type_hints:
                classes = self._hierarchy(path, self.project.scope_chain(path, scope), hinted)
                if not classes or not name:
                    continue
                if name == "return":
                    function = facts.functions.get(scope)
                    if function is not None and function.name:
                        returning.setdefault(function.name, set()).update(classes)
                    continue
                holders = {name} | {c.bound_to for c in facts.calls if c.scopes[0] == scope and c.callee == (name,) and c.bound_to}
                for call in facts.calls:
                    if call.scopes[0] != scope:
                        continue
                    if len(call.callee) == 2 and call.callee[0] in holders:
                        seeds.append(((path, scope), classes, call.callee[1]))
                    elif call.method and 0 <= call.receiver_call < len(facts.calls) and facts.calls[call.receiver_call].callee == (name,):
                        seeds.append(((path, scope), classes, call.method))  # plugin_class(…).start()
        for function_name, classes in returning.items():
            for path, facts in self.project.files.items():
                if facts.language != "python":
                    continue
                for call in facts.calls:
                    if len(call.callee) >= 3 and call.callee[-2] == function_name:
                        scope = self._innermost(facts, call.span[0])
                        seeds.append(((path, scope), classes, call.callee[-1]))
        return seeds

    @staticmethod
    def _innermost(facts: FileFacts, line: int) -> int:
        enclosing = [f for f in facts.functions.values() if f.span[0] <= line <= f.span[2]]
        return min(enclosing, key=lambda f: f.span[2] - f.span[0]).scope if enclosing else 0

    def _methods_reached(self, classes: set[tuple[str, int]], first: str) -> set[tuple[str, int]]:
        """The methods of these classes named `first`, and those they call on `self` / `cls`."""
        by_name: dict[str, list[tuple[str, int]]] = {}
        for path, cls in classes:
            facts = self.project.files[path]
            for scope, function in facts.functions.items():
                if facts.scope_parents.get(scope) == cls and function.name:
                    by_name.setdefault(function.name, []).append((path, scope))
        reached: set[tuple[str, int]] = set()
        names, seen = [first], set()
        while names:
            name = names.pop()
            if name in seen:
                continue
            seen.add(name)
            for path, scope in by_name.get(name, ()):
                reached.add((path, scope))
                for call in self.project.files[path].calls:
                    if call.scopes[0] == scope and len(call.callee) == 2 and call.callee[0] in ("self", "cls"):
                        names.append(call.callee[1])
        return reached

    def _attribute(self) -> None:
        """Methods a limited task runs through a `Type[X]` it holds, unless a function that is not a
        limited task also runs them that way (a remote-control command, a view)."""
        self._class_links()
        limited: dict[tuple[str, int], str] = {}
        elsewhere: set[tuple[str, int]] = set()
        for holder, classes, method in self._seeds():
            reached = self._methods_reached(classes, method)
            how = self.tasks.get(holder)
            if how:
                for key in reached:
                    limited.setdefault(key, f"{how}, which runs it through a `Type[…]` of its class")
            else:
                elsewhere |= reached
        self.attributed = {key: how for key, how in limited.items() if key not in elsewhere}
        self.unbounded |= elsewhere

    # ---- reach --------------------------------------------------------------------------

    def _callers(self, path: str, scope: int) -> list[tuple[str, Call]]:
        """Calls outside tests that resolve to the function `scope` of `path`."""
        key = (path, scope)
        found = self._callers_memo.get(key)
        if found is None:
            facts = self.project.files[path]
            function = facts.functions.get(scope)
            names = {d.name.rsplit(".", 1)[-1] for d in facts.decls if d.value.kind == "function" and d.value.scope == scope}
            if function is not None and function.name:
                names.add(function.name)
            found = self._callers_memo[key] = [
                (file, call) for name in sorted(names) for file, call in self.project.calls_named(name)
                if not is_test_path(file) and any(t.kind == "function" and t.path == path and t.scope == scope
                                                  for t in self.project.resolve(file, call.scopes, call.callee))
            ] + [
                # `EnterpriseApiClient().get_enterprise_customer_data(uuid)` in a Django admin action:
                # a method called on a call's result, beside the limited tasks that call it by name
                (file, call) for file, call in (self.project.result_calls(path, scope, function.name)
                                                if function is not None and function.name and facts.scope_parents.get(scope, 0) else ())
                if not is_test_path(file)
            ]
        return found

    def _entry_function(self, facts: FileFacts, path: str, line: int) -> int:
        """The innermost function around `line` that anything calls or that a task runs; a callback
        nothing calls by name runs inside the function that hands it on."""
        enclosing = sorted((f for f in facts.functions.values() if f.span[0] <= line <= f.span[2]),
                           key=lambda f: f.span[2] - f.span[0])
        for function in enclosing:
            key = (path, function.scope)
            if key in self.tasks or key in self.attributed or self._callers(path, function.scope):
                return function.scope
        return enclosing[-1].scope if enclosing else 0

    def _bounded(self, path: str, scope: int, depth: int) -> str | None:
        """How every path to the function is limited, or None when one is not ("" inside a cycle)."""
        if scope == 0 or depth > MAX_DEPTH:
            return None  # module-level code runs wherever the module is imported
        key = (path, scope)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = ""  # a cycle of callers adds no entry of its own
        if key in self.unbounded:
            self._memo[key] = None
            return None
        reasons = [r for r in (self.tasks.get(key), self.attributed.get(key)) if r]
        # a caller no long-lived process runs (a management command, a CLI) adds no path: a one-shot
        # command ends with its own run, and is no worker a hung call could stall
        callers = [(p, c) for p, c in self._callers(path, scope) if not is_test_path(p) and self.ctx.processes.runs_long(p, c.span[0])]
        result: str | None = reasons[0] if reasons else ""
        if not callers and not reasons:
            result = None  # nothing calls it by name: an entry point of its own
        for caller_path, call in callers:
            outer = self._bounded(caller_path, self._entry_function(self.project.files[caller_path], caller_path, call.span[0]), depth + 1)
            if outer is None:
                result = None
                break
            result = result or outer
        self._memo[key] = result
        return result

    def ignored_limit(self, path: str, line: int) -> str:
        """Why a time limit of a task that reaches the call at `line` does not end it (the workers'
        pool enforces none), "" when no such task reaches it."""
        if not self.ignored:
            return ""
        facts = self.project.files[path]
        work, seen = [(path, self._entry_function(facts, path, line), 0)], set()
        while work:
            file, scope, depth = work.pop()
            if (file, scope) in seen or scope == 0 or depth > MAX_DEPTH:
                continue
            seen.add((file, scope))
            if (file, scope) in self.ignored:
                return self.ignored[(file, scope)]
            for caller_path, call in self._callers(file, scope):
                caller_facts = self.project.files[caller_path]
                work.append((caller_path, self._entry_function(caller_facts, caller_path, call.span[0]), depth + 1))
        return ""

    def bounded(self, path: str, line: int) -> str:
        """The limit that ends a call at `line` of `path` ("" when it is not bounded by one)."""
        if not self.tasks:
            return ""
        facts = self.project.files[path]
        return self._bounded(path, self._entry_function(facts, path, line), 0) or ""


def task_limits(ctx: RuleContext, data: dict) -> TaskLimits:
    """One `TaskLimits` per rule context (a scan)."""
    cached = getattr(ctx, "_task_limits", None)
    if cached is None:
        cached = TaskLimits(ctx, data)
        ctx._task_limits = cached  # type: ignore[attr-defined]
    return cached
