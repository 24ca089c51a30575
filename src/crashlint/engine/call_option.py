"""Rule kind `call-option`: a call that needs an option (a timeout) that its library does not default.

Rule data (see rules/CL008_http-call-no-timeout.toml), one `[[calls]]` entry per library:

    library, languages, label, problem (jinja2: {{ subject }}, {{ library }})
    callees = {"axios.get" = 1, …}  qualified callee → first argument that may hold the options
    or instances = [...] + methods = [...]: methods called on an instance those constructors made
    or injected = {type = "@nestjs/axios.HttpService", methods = {get = 1, …}, via = ["axiosRef"]}:
                                    (TypeScript) methods called on a receiver whose declared type is
                                    that class (`this.httpService.get(url)` with a constructor
                                    parameter `private readonly httpService: HttpService`: what a
                                    dependency injector passes), also through one of `via`
                                    (`this.httpService.axiosRef.get(url)`); asked only in files that
                                    import the type's module
    registered_by = {calls = ["@nestjs/axios.HttpModule.register"], option = "timeout"}
                                    the injected instance is configured where its module is registered:
                                    a registration anywhere in the project that names the option
                                    (`HttpModule.register({ timeout: 5000 })`) satisfies every call
    options = ["signal"]            any of these options satisfies the call (not when None)
    positional = 2                  (Python) the positional argument that carries the option
    none_only = true                flag only an explicit None (the library has a default)
    [calls.streaming] methods, constructors, severity, label, problem: where the call's function relays
                                    a response as it arrives (calls one of `methods`, constructs one of
                                    `constructors`), the finding takes this severity, label and problem
    unless_first_argument = ["Request"]   e.g. fetch(new Request(…)) may carry its own signal
    satisfied_by_assignment = ["axios.defaults.timeout"]   a project-wide default, assigned anywhere
    satisfied_by_call = ["socket.setdefaulttimeout"]       a default set by a call, per process: every long-lived
                                    process that loads the file must load a file that calls it
    satisfied_by_use = ["setTimeout"]                      a method called on the call's result
    version_options = [{ package = "node-fetch", below = "3.0", options = ["timeout"] }]
                                    options that count only while the declared version is below
    overrides = { methods = ["request", "send"], mentions = "timeout" }   an instance of a project
                                    subclass whose override of one of these methods mentions the word
                                    (`kwargs.setdefault("timeout", 10)`) sets the option itself
    adapters = { method = "mount", position = 1, methods = ["send"], mentions = "timeout" }
                                    the instance is given an adapter (`session.mount(prefix, a)`)
                                    whose class overrides one of `methods` mentioning the word
    passthrough = [{ callee = "cachecontrol.CacheControl", position = 0, keyword = "sess" }]
                                    library calls that return the instance they are given: the
                                    receiver is that argument's value

    [raced] combinators = ["Promise.race"], timers = ["setTimeout", …]: (JS) a call raced against a
                                    timer (`Promise.race([fetch(…), timeout(20_000)])`, where the other
                                    element is a `new Promise` or a project function that starts a
                                    timer) has its caller bounded by that timer
"""

from __future__ import annotations

import re
from dataclasses import replace

from crashlint.dependencies import lowest_version
from crashlint.engine.context import RuleContext
from crashlint.engine.py_wrappers import Helper, caller_decides, param_callee, param_instance, passed_values, through, unbounded_callers
from crashlint.engine.task_limits import task_limits
from crashlint.engine.wrappers import Wrapper, bound_name, conditional_wrapper_of, injected_call, receiver_type, wrapper_of
from crashlint.templating import render
from crashlint.facts.model import plain_name
from crashlint.facts.model import Arg, Call, FileFacts
from crashlint.findings import SEVERITIES, Finding, Related
from crashlint.project import Project, Target
from crashlint.rulepack import Rule, RulePackError


def validate(rule: Rule) -> None:
    calls = rule.data.get("calls")
    if not isinstance(calls, list) or not calls:
        raise RulePackError(f"{rule.source}: a call-option rule needs [[calls]]")
    for spec in calls:
        for key in ("library", "languages", "options", "label", "problem"):
            if key not in spec:
                raise RulePackError(f"{rule.source}: calls entry {spec.get('library', '?')} lacks '{key}'")
        if sum(key in spec for key in ("callees", "instances", "injected")) != 1:
            raise RulePackError(f"{rule.source}: calls entry {spec['library']} needs one of callees, instances or injected")
        if "instances" in spec and "methods" not in spec:
            raise RulePackError(f"{rule.source}: calls entry {spec['library']} lists instances without methods")
        streaming = spec.get("streaming")
        if streaming is not None and (set(streaming) != {"methods", "constructors", "severity", "label", "problem"}
                                      or streaming["severity"] not in SEVERITIES):
            raise RulePackError(f"{rule.source}: calls entry {spec['library']}: [calls.streaming] needs methods, "
                                f"constructors, label, problem and a severity of {', '.join(SEVERITIES)}")


def methods(rule: Rule) -> set[str]:
    names: set[str] = set()
    for spec in rule.data["calls"]:
        names.update(spec.get("satisfied_by_use", ()))
    return names


def _mentions(ctx: RuleContext, functions: list[tuple[str, int]], word: str) -> bool:
    """Whether one of these project functions names `word` in its body (`kwargs.setdefault("timeout", 10)`,
    `super().send(request, timeout=…)`)."""
    pattern = re.compile(rf"\b{re.escape(word)}\b")
    for path, scope in functions:
        function = ctx.project.files[path].functions.get(scope)
        if function is None:
            continue
        first, last = function.span[0], function.span[2]
        if any(pattern.search(ctx.sources.line(path, n)) for n in range(first + 1, last + 1)):
            return True
    return False


def _overrides_set(ctx: RuleContext, instance: Target, spec: dict) -> bool:
    """`class TimeoutSession(requests.Session)` whose `request()` sets a default timeout."""
    return instance.kind == "instance" and _mentions(ctx, ctx.project.class_methods(instance, set(spec["methods"])), spec["mentions"])


def _adapter_sets(ctx: RuleContext, instance: Target, spec: dict) -> bool:
    """`session.mount("https://", TimeoutAdapter(…))` where TimeoutAdapter's `send()` sets a timeout.
    requests' own HTTPAdapter (with or without `max_retries`) sets none; an adapter crashlint
    cannot see is given the benefit of the doubt."""
    position = int(spec.get("position", 1))
    for path, call in ctx.calls_named(spec["method"]):
        if call.method != spec["method"] or len(call.args) <= position:
            continue
        if instance not in ctx.project.receiver_targets(path, call):
            continue
        arg = call.args[position]
        if arg.kind == "call" and arg.call >= 0:
            adapters = ctx.project.call_targets(path, arg.call)
        elif arg.kind == "ref":
            adapters = ctx.project.resolve(path, call.scopes, arg.path)
        else:
            adapters = []
        for adapter in adapters or [Target("unknown")]:
            if adapter.kind in ("unknown", "param"):
                return True
            if adapter.kind == "instance" and _mentions(ctx, ctx.project.class_methods(adapter, set(spec["methods"])), spec["mentions"]):
                return True
    return False


def _version_below(ctx: RuleContext, path: str, condition: dict) -> bool:
    """Whether the package the file's manifest declares may be older than `below` (unknown: yes)."""
    declared = ctx.project.dependency(path, condition["package"])
    if declared is None:
        return True
    lowest = lowest_version(declared[0])
    return lowest is None or lowest < lowest_version(condition["below"])


def _instance_assignments(ctx: RuleContext, suffixes: list[str]) -> set[Target]:
    """Instances given a default after creation (`api.defaults.timeout = 5000`)."""
    found: set[Target] = set()
    wanted = [tuple(s.split(".")) for s in suffixes]
    if not wanted:
        return found
    project = ctx.project

    def assigned(path: str, facts: FileFacts) -> list[Target]:
        made: list[Target] = []
        for assignment in facts.assignments:
            for suffix in wanted:
                if len(assignment.target) > len(suffix) and assignment.target[-len(suffix):] == suffix:
                    prefix = assignment.target[: -len(suffix)]
                    made += [t for t in project.resolve(path, assignment.scopes, prefix) if t.kind == "call"]
        return made

    # each file's part memoized per file, the pass kept across edits (`Project.parts`)
    for made in ctx.parts(("instance-assignments", tuple(wanted)), assigned).values():
        found.update(made)  # type: ignore[arg-type]
    return found


URL_NAME = re.compile(r"(?i)(url|uri|href|endpoint|link|path|host|address)$")


def _module_asset(project: Project, facts: FileFacts, arg: Arg) -> bool:
    """`new URL("./Inter-Bold.ttf", import.meta.url)` (or a module-level name holding one): a URL
    of a file beside the module, which bundlers ship with it (Next.js's and Vite's asset URLs) and
    Node reads as a `file:` URL. A URL of a peer (`new URL("https://…", import.meta.url)`) is not.
    O(the module-level declarations of that name): the model's index, not a walk over the file's
    declarations per call (issue 13, the cost of a finding)."""
    if arg.kind == "ref" and len(arg.path) == 1:
        decls = project.decls.get((facts.path, 0, arg.path[0]), ())  # the file's, in file order
        decl = next((d for d in decls if d.value.kind == "call"), None)
        if decl is None or not 0 <= decl.value.call < len(facts.calls):
            return False
        made = facts.calls[decl.value.call]
        if made.callee != ("URL",):
            return False
        args = made.args
    elif arg.kind == "new" and arg.path == ("URL",) and 0 <= arg.call < len(facts.calls):
        args = facts.calls[arg.call].args
    else:
        return False
    return (len(args) == 2 and args[0].kind == "string" and "://" not in args[0].text and not args[0].text.startswith("//")
            and args[1].text == "import.meta.url")


def _is_url(arg: Arg) -> bool:
    """`axios(url)`, `http.get(target.href, cb)`: a URL where a config object could also stand."""
    return arg.kind == "string" or (arg.kind == "ref" and bool(URL_NAME.search(arg.path[-1])))


def _url_first(call: Call, first: int) -> bool:
    """Whether the argument at `first` is the URL, so the options follow it: a URL-like name or
    string (`_is_url`), or any value followed by an object literal (`https.request(urlStr, { method,
    headers }, cb)`, `fetch(target, { … })`): each of these libraries takes the URL before an
    options object, never two option objects in a row."""
    if len(call.args) <= first:
        return False
    return _is_url(call.args[first]) or len(call.args) > first + 1 and call.args[first + 1].kind == "object" \
        and call.args[first].kind in ("ref", "call", "string")


def _satisfied(ctx: RuleContext, spec: dict, facts: FileFacts, index: int, call: Call, first: int) -> bool:
    if facts.language != "python" and _url_first(call, first):
        first += 1
    if call.args and first > 0:
        head = call.args[0]
        if head.kind in ("new", "call") and head.path and head.path[-1] in spec.get("unless_first_argument", ()):
            return True
    wanted = list(spec["options"])
    for condition in spec.get("version_options", ()):  # node-fetch 3 dropped its `timeout` option
        if not _version_below(ctx, facts.path, condition):
            wanted = [key for key in wanted if key not in condition["options"]]
    positional_none = False
    positional = spec.get("positional")
    if positional is not None and len(call.args) > positional:
        if call.args[positional].kind != "none":
            return True
        positional_none = True
    # a conditional config (`cond ? { timeout } : undefined`): every arm must set it
    dispatchers = spec.get("dispatchers")
    if all(_options_set(spec, options, wanted, positional_none)
           or dispatchers and bounded_dispatcher(ctx, facts.path, call.scopes, options.values.get(dispatchers["option"]), dispatchers)
           for options in ctx.option_sets(facts, call, first)):
        return True
    if spec.get("none_only"):
        return False
    uses = spec.get("satisfied_by_use")
    if uses and any(u.method in uses for u in ctx.uses_of(facts.path, index)):
        return True
    return False


def bounded_dispatcher(ctx: RuleContext, path: str, scopes: tuple[int, ...], value: Arg | None, spec: dict) -> str:
    """Where (`path:line`) the dispatcher a call is given was made, when it is one of `spec`'s
    constructors (undici's `Agent`, `Pool`, …) given a finite `headersTimeout` or `bodyTimeout`:
    `fetch(url, { dispatcher: new Agent({ headersTimeout: 60_000 }) })`, or a name (a module
    constant, a class field, a member of a module's shared object such as emailengine's
    `httpAgent.retry`, imported or assigned later) that holds one, or a wrapper of one
    (`new RetryAgent(agent, retryOptions)` dispatches through `agent`). "" otherwise (no
    dispatcher, one crashlint cannot see, or one that keeps undici's defaults). Every value the
    name may hold must be bounded. Cost: one resolution of the name (memoized per declaration by
    `Project.resolve`) and a walk over each construction's arguments, at most `_DISPATCHER_DEPTH`
    wrappers deep."""
    if value is None:
        return ""
    made = _dispatcher_calls(ctx, path, scopes, value)
    if not made:
        return ""
    found = [_bounded_construction(ctx, where, construction, spec, 0) for where, construction in made]
    return found[0] if all(found) else ""


_DISPATCHER_DEPTH = 4  # `RetryAgent(RetryAgent(agent))` nests no deeper in practice


def _dispatcher_calls(ctx: RuleContext, path: str, scopes: tuple[int, ...], value: Arg) -> list[tuple[str, Call]]:
    """The constructions a dispatcher value may be: the `new X(…)` written in place, or what a
    name resolves to (every declaration and later assignment of it). [] when any of them is not
    a call crashlint can see."""
    project = ctx.project
    if value.kind in ("new", "call") and value.call >= 0:
        return [(path, project.files[path].calls[value.call])]
    if value.kind != "ref":
        return []
    made: list[tuple[str, Call]] = []
    for target in project.resolve(path, scopes, value.path):
        if target.kind != "call":
            return []
        made.append((target.path, project.files[target.path].calls[target.index]))
    return made


def _bounded_construction(ctx: RuleContext, where: str, construction: Call, spec: dict, depth: int) -> str:
    """`where:line` of a construction that bounds its waits ("" when it does not): one of the
    constructors with a finite timeout among its options, or a wrapper (`spec["wrappers"]`: the
    position of the dispatcher it wraps) whose wrapped dispatcher does."""
    project = ctx.project
    names = set(project.callee_names(where, construction))
    wrappers: dict[str, int] = spec.get("wrappers", {})
    wrapped = next((position for name, position in wrappers.items() if name in names), None)
    if wrapped is not None:
        if depth >= _DISPATCHER_DEPTH or len(construction.args) <= wrapped:
            return ""
        inner = _dispatcher_calls(ctx, where, construction.scopes, construction.args[wrapped])
        found = [_bounded_construction(ctx, w, c, spec, depth + 1) for w, c in inner]
        return f"{where}:{construction.span[0]}" if found and all(found) else ""
    if not set(spec["constructors"]) & names:
        return ""
    options = _construction_options(ctx, where, construction, spec)
    if any(key in options and options[key].kind != "none" and options[key].text.strip() not in ("0", "null", "undefined")
           for key in spec["timeouts"]):
        return f"{where}:{construction.span[0]}"
    return ""


def _construction_options(ctx: RuleContext, where: str, construction: Call, spec: dict) -> dict[str, Arg]:
    """The keys a dispatcher's options set: object literals, names that hold one (`new
    Agent(AGENT_OPTS)`), and the objects merged by `Object.assign({}, AGENT_OPTS, { uri })`
    (`spec["merges"]`), read left to right as JavaScript merges them."""
    project = ctx.project
    merges = set(spec.get("merges", ()))
    options: dict[str, Arg] = {}

    def read(arg: Arg, depth: int) -> None:
        if arg.kind == "object":
            options.update(zip(arg.keys, arg.values))
        elif arg.kind == "ref":
            for target in project.resolve(where, construction.scopes, arg.path):
                if target.kind == "object" and target.arg is not None:
                    options.update(zip(target.arg.keys, target.arg.values))
                elif target.kind == "param":  # `createSocksAgent(proxyUrl, AGENT_OPTS)`: what every caller passes
                    options.update(_passed_options(project, target))
        elif arg.kind == "call" and arg.call >= 0 and depth < 2:
            merge = project.files[where].calls[arg.call]
            if merges & set(project.callee_names(where, merge)):
                for part in merge.args:
                    read(part, depth + 1)

    for arg in construction.args:
        read(arg, 0)
    return options


def _passed_options(project: Project, param: Target) -> dict[str, Arg]:
    """The keys every caller's object literal sets for an options parameter (those all of them
    agree on: a key one caller leaves out is not set); {} when a caller passes anything else.
    Cost: `passed_values` (the callers of one function name, indexed)."""
    values = passed_values(project, param)
    if not values or any(v.kind != "object" or v.arg is None for v in values):
        return {}
    common = dict(zip(values[0].arg.keys, values[0].arg.values))  # type: ignore[union-attr]
    for value in values[1:]:
        keys = set(value.arg.keys)  # type: ignore[union-attr]
        common = {k: v for k, v in common.items() if k in keys}
    return common


def _global_dispatcher(ctx: RuleContext, path: str, spec: dict) -> str:
    """Where a global dispatcher with wait limits of its own is installed
    (`setGlobalDispatcher(new Agent({ headersTimeout: 600_000 }))`) for every long-lived process
    that loads `path` (a file no process loads: anywhere in the project); "" when none is."""
    names = set(spec["global_dispatcher"]["calls"])
    sites: dict[str, str] = {}
    for other, call in ctx.calls_named(sorted({n.rsplit(".", 1)[-1] for n in names})[0]):
        if call.args and names & set(ctx.project.callee_names(other, call)):
            made = bounded_dispatcher(ctx, other, call.scopes, call.args[0], spec)
            if made:
                sites.setdefault(other, made)
    if not sites:
        return ""
    processes = ctx.processes.processes_of(path)
    if not processes:
        return next(iter(sites.values()))
    for process in processes:
        loaded = [site for site in sites if site in process.files or site in process.entries]
        if not loaded:
            return ""
    return next(sites[site] for site in sites if any(site in p.files or site in p.entries for p in processes))


def _options_set(spec: dict, options, wanted: list[str], positional_none: bool) -> bool:
    """Whether one set of options a call may pass satisfies the spec."""
    present = [key for key in wanted if options.has(key)]
    if spec.get("none_only"):
        nones = [key for key in present if options.is_none(key)]
        if len(nones) < len(present):
            return True  # some finite limit is set
        return not (nones or positional_none)
    if any(not options.is_none(key) for key in present):
        return True
    return not present and options.unknown


def _one_arm(ctx: RuleContext, spec: dict, facts: FileFacts, call: Call, first: int) -> bool:
    """Whether some arm of a conditional config sets the option and another does not."""
    if facts.language == "python":
        return False
    if _url_first(call, first):
        first += 1
    sets = ctx.option_sets(facts, call, first)
    return len(sets) > 1 and any(_options_set(spec, o, list(spec["options"]), False) for o in sets)


def _chain_has(facts: FileFacts, index: int, wanted: int) -> bool:
    """Whether the call at `index` is `wanted` or a call chained on it (`fetch(…).catch(…)`)."""
    seen = 0
    while index >= 0 and seen < 64:
        if index == wanted:
            return True
        index = facts.calls[index].receiver_call
        seen += 1
    return False


def _starts_timer(ctx: RuleContext, path: str, scope: int, timers: set[str]) -> bool:
    """Whether a function (or what it nests) calls one of `timers`: `setTimeout(() => reject(…), ms)`."""
    facts = ctx.project.files[path]
    return any(scope in c.scopes and timers & set(ctx.project.callee_names(path, c)) for c in facts.calls)


def _raced_with_timer(ctx: RuleContext, facts: FileFacts, index: int, spec: dict) -> bool:
    """Whether the call is an element (or the head of a chain that is one) of a `Promise.race([…])`
    whose other element is a timer: a `new Promise` whose executor starts one, a project function
    that starts one, or a timer promise itself (`timers/promises.setTimeout`)."""
    combinators, timers = set(spec.get("combinators", ())), set(spec.get("timers", ()))
    project = ctx.project
    for race in facts.calls:
        if not race.args or race.args[0].kind != "array" or not combinators & set(project.callee_names(facts.path, race)):
            continue
        elements = [e for e in race.args[0].values if e.kind in ("call", "new") and e.call >= 0]
        if not any(_chain_has(facts, e.call, index) for e in elements):
            continue
        for element in elements:
            if _chain_has(facts, element.call, index):
                continue
            other = facts.calls[element.call]
            if timers & set(project.callee_names(facts.path, other)):
                return True
            if other.is_new and other.args and other.args[0].kind == "function" and _starts_timer(ctx, facts.path, other.args[0].scope, timers):
                return True
            if not other.is_new and other.callee:
                targets = project.resolve(facts.path, other.scopes, other.callee)
                if targets and all(t.kind == "function" and _starts_timer(ctx, t.path, t.scope, timers) for t in targets):
                    return True
    return False


def check(rule: Rule, ctx: RuleContext) -> list[Finding]:
    findings: list[Finding] = []
    project = ctx.project
    for position, spec in enumerate(rule.data["calls"]):
        languages = set(spec["languages"]) & set(rule.languages)
        if not languages & project.languages:
            continue
        if ctx.project_sets(spec.get("satisfied_by_assignment", []), []):
            continue
        if "registered_by" in spec and _registered_with(ctx, spec["registered_by"]):
            continue  # `HttpModule.register({ timeout })`: the injected instance has one
        default_calls = list(spec.get("satisfied_by_call", ()))  # per process: `socket.setdefaulttimeout`
        callees: dict[str, int] = spec.get("callees", {})
        if isinstance(callees, list):
            callees = {name: 0 for name in callees}
        instances = set(spec.get("instances", ()))
        passthrough = {p["callee"]: (int(p["position"]), p.get("keyword")) for p in spec.get("passthrough", ())}
        assigned = _instance_assignments(ctx, spec.get("satisfied_by_instance_assignment", []))
        methods = set(spec.get("methods", ()))
        last_names = {name.rsplit(".", 1)[-1] for name in callees}
        what = ("call-option", rule.id, position)
        injected = spec.get("injected")
        # a spec whose findings all lie at its own calls (no wrapper whose callers are the finding,
        # no helper whose callers decide) looks only at the files reported on (--in-project)
        # (a spec that reports its wrappers at their own call, `wrapper_at_problem`, is of the first kind)
        elsewhere = "wrapper_problem" in spec and "wrapper_at_problem" not in spec or "callers_decide" in spec
        calls_by_file = ctx.parts(what, lambda path, facts: _injected_calls(ctx, facts, injected) if injected
                                  else _calls_of(project, path, facts, callees, last_names, instances, methods, passthrough),
                                  lambda path, facts: facts.language in languages and ctx.role(path) in rule.roles,
                                  focus=not elsewhere)
        passed: dict[Target, str | None] = {}  # param_callee by parameter: asked once for all its calls
        for path, found in calls_by_file.items():
            facts = project.files[path]
            ctx.current_path = path
            for index, first, instance in found:  # type: ignore[union-attr]
                call = facts.calls[index]
                if first == -1 and instance is not None:  # a method called on a parameter
                    instance = param_instance(project, instance, instances, 0, passthrough)
                    if instance is None:
                        continue
                    first = 0
                if first == -2 and instance is not None:  # a parameter called as a function
                    if instance not in passed:
                        passed[instance] = param_callee(project, instance, callees)
                    name = passed[instance]
                    if name is None:
                        continue
                    first, instance = callees[name], None
                if first is None or Target("call", path=path, index=index) in assigned:
                    continue
                if default_calls and ctx.sets_default_for(path, default_calls):
                    continue  # every process that loads the file sets the default itself
                if instance is not None and "overrides" in spec and _overrides_set(ctx, instance, spec["overrides"]):
                    continue  # a Session subclass whose request() sets a default timeout
                if instance is not None and "overrides" in spec and _passed_instances_set(ctx, path, call, spec["overrides"]):
                    continue  # `self.session = session or requests.Session()`: every caller passes a TimeoutSession
                if instance is not None and "adapters" in spec and _adapter_sets(ctx, instance, spec["adapters"]):
                    continue  # a mounted adapter whose send() sets a default timeout
                if facts.language == "python" and "callers_decide" in spec:
                    helper = caller_decides(ctx, facts, call, spec["callers_decide"])
                    if helper is not None:  # `timeout=timeout` (default None), `**kwargs`: its callers say
                        findings += _helper_callers(rule, ctx, spec, facts, call, helper)
                        continue
                if facts.language != "python" and call.args and _module_asset(project, facts, call.args[0]):
                    continue  # `fetch(new URL("./font.ttf", import.meta.url))`: a file shipped with the module, no peer to wait on
                if _satisfied(ctx, spec, facts, index, call, first):
                    if "wrapper_problem" in spec and facts.language != "python":
                        at_callers = _wrapper_callers(rule, ctx, spec, facts, call, first)
                        if at_callers and "wrapper_at_problem" in spec:
                            at_callers = [_at_wrapper(rule, ctx, spec, facts, call, first, at_callers)]
                        findings += at_callers
                    continue
                if "through" in spec and _calls_through_set(ctx, spec, facts, index, call):
                    continue  # `client = got.extend({ prefixUrl })`, every `client.get(p, { timeout })` bounded
                if ctx.focus is not None and path not in ctx.focus:
                    continue  # what follows makes the call's own finding, in its file: not one reported on (--in-project)
                if "raced" in rule.data and facts.language != "python" and _raced_with_timer(ctx, facts, index, rule.data["raced"]):
                    continue  # `Promise.race([fetch(…), timeoutAt(20_000)])`: the caller waits no longer than the timer
                named = call.bound_to and not call.bound_to.startswith("<")
                subject = plain_name(call.bound_to) if named and spec.get("instance_subject") else call.text
                problems = [render(spec["problem"], subject=subject, library=spec["library"])]
                if "one_arm_problem" in rule.data and _one_arm(ctx, spec, facts, call, first):
                    problems.append(render(rule.data["one_arm_problem"], subject=subject, library=spec["library"]))
                if spec.get("dispatchers") and "global_dispatcher" in spec["dispatchers"]:
                    where = _global_dispatcher(ctx, path, spec["dispatchers"])
                    if where:  # `setGlobalDispatcher(new Agent({ headersTimeout }))` in every process that loads it
                        problems.append(render(spec["dispatchers"]["global_dispatcher"]["problem"], subject=subject, where=where))
                if "task_limits" in rule.data and facts.language == "python":
                    limits = task_limits(ctx, rule.data["task_limits"])
                    if limits.bounded(path, call.span[0]):
                        continue  # only a time-limited Celery task or an RQ job reaches it: the limit ends it
                    ignored = limits.ignored_limit(path, call.span[0])
                    if ignored:
                        problems.append(ignored)  # `-P threads`: the task's limit does not end the call
                if facts.language != "python" and _url_first(call, first):
                    first += 1  # `axios(url, config)`: where the options are, or would go (the fix)
                label, severity = spec["label"], None
                streaming = spec.get("streaming")
                if streaming and _relays_stream(facts, call, streaming):
                    problems = [render(streaming["problem"], subject=subject, library=spec["library"])]
                    label, severity = streaming["label"], streaming["severity"]
                finding = ctx.finding(
                    rule,
                    facts,
                    call,
                    subject=subject,
                    library=spec["library"],
                    problems=problems,
                    labels=[label],
                    context={"call": call.text, "nargs": str(len(call.args)), "options_at": str(first)},
                )
                if severity is not None:
                    finding.severity = severity
                findings.append(finding)
        ctx.current_path = None
    return findings


def _calls_through_set(ctx: RuleContext, spec: dict, facts: FileFacts, index: int, call: Call) -> bool:
    """An instance made with no timeout whose every use, in the file that makes it, is a call through
    it that passes one (`const client = got.extend({ prefixUrl }); client.get(p, { timeout })`):
    each request has its own deadline. Only for an instance kept in a plain name of its file that
    every mention of which, besides its declaration, is one such call (`spec["through"]`: the
    methods and where their options are; "" for the instance called itself): an export, an
    argument, a member read or a call of another method is a use crashlint does not follow, and
    keeps the finding. At least one call. Cost: one read of the file's lines and one resolution
    per call of that name, asked only of an instance that would be a finding."""
    name = call.bound_to
    if facts.language == "python" or not name or name.startswith("<") or "." in name:
        return False
    plain = plain_name(name)
    through: dict[str, int] = spec["through"]
    me = Target("call", path=facts.path, index=index)
    bounded = 0
    for other in facts.calls:
        if not other.callee or other.callee[0] != plain or len(other.callee) > 2:
            continue
        method = other.callee[1] if len(other.callee) == 2 else ""
        receiver = other.callee[:-1] if method else other.callee
        if me not in ctx.project.resolve(facts.path, other.scopes, receiver):
            continue
        if method not in through:
            return False  # `client.paginate(…)`, a method whose options crashlint does not place
        first = through[method]
        if _url_first(other, first):
            first += 1
        if not all(_options_set(spec, options, list(spec["options"]), False) for options in ctx.option_sets(facts, other, first)):
            return False
        bounded += 1
    if not bounded:
        return False
    word = re.compile(rf"(?<![\w$.]){re.escape(plain)}(?![\w$])")
    mentions = sum(len(word.findall(line)) for line in ctx.sources.lines(facts.path))
    return mentions == bounded + 1  # the declaration, and the calls through it: nothing else


def _relays_stream(facts: FileFacts, call: Call, streaming: dict) -> bool:
    """Whether the function that makes `call` relays a response as it arrives: it calls one of
    `streaming["methods"]` (`resp.content.iter_chunks()`) or constructs one of its `constructors`
    (`web.StreamResponse(…)`). One pass over the file's calls, made only for a finding."""
    scope = call.scopes[0]
    if not scope:
        return False
    methods, constructors = set(streaming["methods"]), set(streaming["constructors"])
    return any(c.scopes[0] == scope and (c.method in methods or (c.callee and c.callee[-1] in constructors))
               for c in facts.calls)


def _calls_of(project: Project, path: str, facts: FileFacts, callees: dict[str, int], last_names: set[str],
              instances: set[str], methods: set[str],
              passthrough: dict[str, tuple[int, str | None]] | None = None) -> list[tuple[int, int, Target | None]]:
    """The calls of one file a spec is about: (call index, where its options start, the instance
    it is a method of or None), in order. Memoized per file and spec (`Project.per_file`).
    `passthrough`: library calls that return the session they are given (`CacheControl(sess)`), by
    qualified name → (position, keyword) of that argument: the receiver is what the argument holds."""
    found: list[tuple[int, int, Target | None]] = []
    params: set[str] | None = None  # the file's parameter names: only a call of one is resolved below
    bound: set[str] | None = None  # the file's names that hold a method of a receiver (`cget = s.request`)
    for index, call in enumerate(facts.calls):
        if not call.callee and call.receiver_call < 0:
            continue
        first = None
        instance = None
        if callees and call.callee and (call.callee[-1] in last_names or len(call.callee) == 1):
            for name in project.callee_names(path, call):
                if name in callees:
                    first = callees[name]
                    break
        receivers = None
        if first is None and instances and not call.method and len(call.callee) == 1 and facts.language == "python":
            # `cget = create_scraper().request; cget("POST", url)`, `sget = session.get; sget(url)`:
            # a method of an instance kept in a name is called like a function (mltb's resolvers)
            if bound is None:  # once per file: the names declared as a method of a receiver
                bound = _bound_methods(facts, methods)
            if call.callee[0] in bound:
                receivers = _bound_receivers(project, path, facts, call, methods)
        if first is None and instances and (call.method in methods or receivers):
            # `session.get(…)`, and `requests.Session().get(…)` on a call's result
            receivers = receivers or project.receiver_targets(path, call)
            if facts.language == "python" and len(call.callee) > 2 and receivers and all(t.kind == "unknown" for t in receivers):
                receivers = param_members(project, path, call) or receivers
            if facts.language == "python" and receivers and all(t.kind == "param" for t in receivers):
                found.append((index, -1, receivers[0]))  # `def fetch(url, session): session.get(url)`: its callers say
                continue
            if passthrough:
                receivers = through(project, receivers, passthrough)
            for target in receivers:
                if target.kind == "call":
                    owner = project.files[target.path].calls[target.index]
                    names = project.callee_names(target.path, owner)
                elif target.kind == "instance":  # a project subclass of requests.Session
                    names = project.instance_names(target)
                else:
                    continue
                if set(names) & instances:
                    first, instance = 0, target
                    break
        if first is None and callees and facts.language == "python" and len(call.callee) == 1 and call.args:
            # `http_method(url, …)` where http_method is a parameter: its callers may pass requests.get
            if params is None:  # once per file, not a resolution of every plain call
                params = {d.name for d in facts.decls if d.value.kind == "param"}
            if call.callee[0] not in params:
                continue
            targets = project.resolve(path, call.scopes, call.callee)
            if len(targets) == 1 and targets[0].kind == "param":
                found.append((index, -2, targets[0]))
                continue
        if first is not None:
            found.append((index, first, instance))
    return found


def param_members(project: Project, path: str, call: Call, depth: int = 0) -> list[Target]:
    """What the receiver of a Python method call holds when it is a member of one of its function's
    parameters (`api_client.api_session.post(…)` in `def _create_node(self, api_client, …)`): the
    member of each value the function's callers outside tests pass as that parameter (an instance
    of a project class whose property returns a `requests.Session`, course-discovery's
    `MarketingSiteAPIClient`), followed through callers that hand on a parameter of their own (three
    levels). [] when the receiver is no member of a parameter or a caller's value cannot be told
    (`passed_values`). Asked only of a call whose receiver resolves to nothing else, once per call
    and spec (`_calls_of` is memoized per file); O(the callers of each function walked)."""
    roots = project.resolve(path, call.scopes, call.callee[:1])
    if len(roots) != 1 or roots[0].kind != "param":
        return []
    return _members_passed(project, roots[0], call.callee[1:-1], depth)


def _members_passed(project: Project, param: Target, rest: tuple[str, ...], depth: int) -> list[Target]:
    values = passed_values(project, param) if depth <= 3 else None
    found: list[Target] = []
    for value in values or ():
        if value.kind == "instance":
            found += [t for t in project.member_of_instance(value, rest, 1) if t.kind != "unknown"]
        elif value.kind == "param" and value != param:  # a caller that hands on its own parameter
            found += _members_passed(project, value, rest, depth + 1)
    return found


def _bound_methods(facts: FileFacts, methods: set[str]) -> set[str]:
    """The names a Python file declares as one of `methods` of a receiver: `cget =
    create_scraper().request` (a member of a call's result), `sget = session.get` (of a name).
    One pass over the file's declarations."""
    return {
        d.name for d in facts.decls
        if (d.value.kind == "member" or d.value.kind == "ref" and len(d.value.path) > 1) and d.value.path and d.value.path[-1] in methods
    }


def _bound_receivers(project: Project, path: str, facts: FileFacts, call: Call, methods: set[str]) -> list[Target]:
    """What the method a plain-name call calls is bound to, when the name's nearest declaration is
    one of `methods` of a receiver (`cget = create_scraper().request` → the `create_scraper()` call;
    `sget = session.get` → what `session` holds); [] otherwise. O(the call's scopes)."""
    name = call.callee[0]
    for scope in call.scopes:
        decls = project.decls.get((path, scope, name))
        if not decls:
            continue
        if len(decls) != 1:
            return []
        value = decls[0].value
        if not value.path or value.path[-1] not in methods:
            return []
        if value.kind == "member":
            return project.call_targets(path, value.call)
        if value.kind == "ref" and len(value.path) > 1:
            return project.resolve(path, project.scope_chain(path, value.scope or scope), value.path[:-1])
        return []
    return []


def _injected_calls(ctx: RuleContext, facts: FileFacts, injected: dict) -> list[tuple[int, int, Target | None]]:
    """The calls of one file of a method of `injected["type"]` on a receiver declared with that type
    (`this.httpService.get(url)`, `this.httpService.axiosRef.post(url, body)`): (call index, where its
    options start, None). Only a file that imports the type's module is read (its annotations name
    the type), and only the calls of those methods: the receiver's type is read from the tree."""
    module = injected["type"].rsplit(".", 1)[0]
    if facts.language != "typescript" or module not in facts.imports:
        return []
    methods: dict[str, int] = injected["methods"]
    via = set(injected.get("via", ()))
    found: list[tuple[int, int, Target | None]] = []
    for index, call in enumerate(facts.calls):
        if call.method not in methods or len(call.callee) < 2:
            continue
        receiver = call.callee[:-2] + call.callee[-1:] if len(call.callee) > 2 and call.callee[-2] in via else call.callee
        type_name = receiver_type(ctx, facts, replace(call, callee=receiver))
        if type_name and injected["type"] in (t.name for t in ctx.project.resolve(facts.path, (0,), (type_name,)) if t.kind == "external"):
            found.append((index, methods[call.method], None))
    return found


def _registered_with(ctx: RuleContext, spec: dict) -> bool:
    """Whether a registration call of `spec["calls"]` (`HttpModule.register(…)`, `registerAsync(…)`)
    anywhere in the project names the option in its text (`{ timeout: 5000 }`, a `useFactory`
    returning `{ timeout: config.get(…) }`)."""
    wanted = set(spec["calls"])
    word = re.compile(rf"\b{re.escape(spec['option'])}\b")
    for name in sorted({c.rsplit(".", 1)[-1] for c in wanted}):
        for path, call in ctx.calls_named(name):
            if wanted & set(ctx.project.callee_names(path, call)) and any(
                    word.search(ctx.sources.line(path, n)) for n in range(call.span[0], call.span[2] + 1)):
                return True
    return False


def _helper_callers(rule: Rule, ctx: RuleContext, spec: dict, facts: FileFacts, call: Call, helper: Helper) -> list[Finding]:
    """A library call inside a project helper whose callers decide the option (a parameter that
    defaults to None, or the caller's `**kwargs`): each caller that leaves it unset is a finding,
    at the caller; the call inside the helper is not."""
    option = spec["callers_decide"]
    where = f"{facts.path}:{call.span[0]}"
    found: list[Finding] = []
    for path, caller, current, explicit_none in unbounded_callers(ctx, rule.roles, helper, option):
        caller_facts = ctx.project.files[path]
        problems = [render(spec["helper_problem"], subject=caller.text, library=spec["library"], wrapper=current.name,
                           where=where, asked=current.keyword, explicit_none=explicit_none, kwargs=current.kwargs)]
        if "task_limits" in rule.data:
            limits = task_limits(ctx, rule.data["task_limits"])
            if limits.bounded(path, caller.span[0]):
                continue
            ignored = limits.ignored_limit(path, caller.span[0])
            if ignored:
                problems.append(ignored)
        # the autofix adds `timeout=` to the call: right for a helper that takes that keyword and
        # passes it on, not where the caller passes None on purpose or the keyword has another name
        library = spec["library"] if current.keyword == option and not explicit_none else spec["library"] + " helper"
        found.append(
            ctx.finding(
                rule, caller_facts, caller, subject=caller.text, library=library, problems=problems,
                labels=[spec["label"]],
                context={"call": caller.text, "nargs": str(len(caller.args)), "options_at": "0", "wrapper": current.name},
            )
        )
    return found


def _passed_instances_set(ctx: RuleContext, path: str, call: Call, spec: dict) -> bool:
    """A method called on `self.session` where `__init__` stored `session or requests.Session()`
    (a library client taking an optional session: imdbpie, pytvmaze, subliminal's OMDB client) when
    every caller outside tests passes that parameter an instance of a project class whose override
    sets the option (`TVMaze(session=IndexerSession())`): the fallback never runs. One parameter and
    at most one other value (the fallback) only; a caller that leaves the parameter out, or a value
    that cannot be told, keeps the finding. Asked only for a call about to be reported."""
    project = ctx.project
    receivers = project.receiver_targets(path, call)
    params = [t for t in receivers if t.kind == "param"]
    if len(params) != 1 or len(receivers) > 2:
        return False
    values = passed_values(project, params[0])
    return bool(values) and all(v.kind == "instance" and _overrides_set(ctx, v, spec) for v in values)


def _injected(ctx: RuleContext, facts: FileFacts, method: int, path: str, caller: Call) -> bool:
    return injected_call(ctx, facts, method, path, caller)


def _inherited(ctx: RuleContext, facts: FileFacts, method: int, path: str, caller: Call) -> bool:
    """Whether `caller` is `this.fetch(…)` in a class whose `fetch` is the method `method` of
    `facts`: its own, or one of its project base classes' that it does not override (postiz-app's
    providers extend `SocialAbstract`, whose `fetch(url, options)` passes the options on)."""
    function = facts.functions.get(method)
    if function is None or len(caller.callee) != 2 or caller.callee[0] != "this" or caller.callee[1] != function.name:
        return False
    if method in caller.scopes:
        return False  # the wrapper calling itself again (a retry) with the options it was given
    project = ctx.project
    for scope in caller.scopes:
        if scope == 0:
            continue
        methods = project.class_methods(Target("instance", path=path, scope=scope), {function.name})
        if methods:  # the innermost class that has such a method: its own first, then its bases'
            return methods[0] == (facts.path, method)
    return False


def _wrapper_callers(rule: Rule, ctx: RuleContext, spec: dict, facts: FileFacts, call: Call, first: int) -> list[Finding]:
    """A library call whose options a project function passes on from its caller (a fetch wrapper):
    each caller that gives none of the options is a finding, at the caller. A caller that hands on
    an options parameter of its own (`exports.get = (url, config) => call(url, "GET", config)`) is a
    wrapper too: its callers are looked at in turn (up to three levels)."""
    position = first + 1 if _url_first(call, first) else first
    options = ctx.options(facts, call, position)
    asked: list[str] = list(spec["options"])  # what a caller passes to be bounded
    problem = spec["wrapper_problem"]
    if any(options.has(key) for key in spec["options"]):
        # the call sets the option itself; from a value its caller must ask for (`timeout` taken
        # out of the caller's options with no default, and no timeout of the wrapper's own)?
        words = list(spec.get("asked_options", spec["options"]))
        found = conditional_wrapper_of(ctx, facts, call, position, words) if "conditional_wrapper_problem" in spec else None
        if found is None or not found[0].name:
            return []
        wrapper, asked = found
        problem = spec["conditional_wrapper_problem"]
    elif not options.unknown:
        return []  # satisfied by something else
    else:
        wrapper = wrapper_of(ctx, facts, call, position, list(spec["options"]))
        if wrapper is None or not wrapper.name:
            return []
    project = ctx.project
    found: list[Finding] = []
    where = f"{facts.path}:{call.span[0]}"
    pending: list[tuple[FileFacts, Wrapper, int]] = [(facts, wrapper, 0)]
    seen: set[tuple[str, int]] = set()
    while pending:
        holder, current, depth = pending.pop(0)
        if (holder.path, current.scope) in seen:
            continue
        seen.add((holder.path, current.scope))
        for path, caller in project.calls_named(current.name):
            if ctx.role(path) not in rule.roles or not caller.callee:
                continue
            targets = project.resolve(path, caller.scopes, caller.callee)
            if not any(t.kind == "function" and t.path == holder.path and t.scope == current.scope for t in targets) \
                    and not _injected(ctx, holder, current.scope, path, caller) \
                    and not _inherited(ctx, holder, current.scope, path, caller):
                continue
            caller_facts = project.files[path]
            if len(caller.args) > current.param:
                given = caller.args[current.param]
                if given.kind == "ref" and len(given.path) == 1 and depth < 2:
                    outer = _handed_on(ctx, caller_facts, caller, given.path[0])
                    if outer is not None:  # its own options parameter, handed on: a wrapper too
                        pending.append((caller_facts, outer, depth + 1))
                        continue
                if given.kind != "object" or given.has_spread or any(key in given.keys for key in asked):
                    continue  # options crashlint cannot see into, or that set one
            subject = caller.text
            values = {"subject": subject, "library": spec["library"], "wrapper": wrapper.name,
                      "where": where, "asked": asked}
            problems = [render(problem, **values)]
            dispatchers = spec.get("dispatchers")
            if dispatchers and "global_dispatcher" in dispatchers:
                installed = _global_dispatcher(ctx, facts.path, dispatchers)  # the process of the wrapper's fetch
                if installed:
                    problems.append(render(dispatchers["global_dispatcher"]["problem"], subject=subject, where=installed))
            found.append(
                ctx.finding(
                    rule,
                    caller_facts,
                    caller,
                    subject=subject,
                    library=spec["library"],
                    problems=problems,
                    labels=[spec["label"]],
                    context={"call": caller.text, "nargs": str(len(caller.args)), "options_at": str(current.param),
                             "wrapper": wrapper.name},
                )
            )
    return found


def _at_wrapper(rule: Rule, ctx: RuleContext, spec: dict, facts: FileFacts, call: Call, first: int,
                callers: list[Finding]) -> Finding:
    """One finding at the wrapper's own library call for all its callers that pass no timeout
    (`spec["wrapper_at_problem"]`): a helper every package of a monorepo calls (connext's
    `axiosPost(url, data, config)`, called from agents, deploy tasks and a client SDK alike) is one
    place to fix, where a finding per caller repeats it at every call site."""
    wrapper = callers[0].context.get("wrapper", "")
    first_at = f"{callers[0].location.path}:{callers[0].location.start_line}"
    values = {"subject": call.text, "library": spec["library"], "wrapper": wrapper, "count": len(callers), "first": first_at}
    related = [Related(f.location, f"`{f.subject}` passes no timeout") for f in callers[:10]]
    return ctx.finding(
        rule, facts, call, subject=call.text, library=spec["library"],
        problems=[render(spec["wrapper_at_problem"], **values)], labels=[spec["label"]], related=related,
        context={"call": call.text, "nargs": str(len(call.args)), "options_at": str(first), "wrapper": wrapper},
    )


def _handed_on(ctx: RuleContext, facts: FileFacts, caller: Call, name: str) -> Wrapper | None:
    """The function around `caller` as a wrapper whose options are its parameter `name`, when the
    caller hands that parameter on unchanged (a caller of the function that passes nothing there
    leaves the options unset); None when `name` is anything else."""
    scope = caller.scopes[0]
    function = facts.functions.get(scope)
    if function is None or scope == 0:
        return None
    targets = ctx.project.resolve(facts.path, caller.scopes, (name,))
    params = [t for t in targets if t.kind == "param" and t.path == facts.path and t.scope == scope]
    if len(params) != 1 or len(targets) != 1:
        return None
    function_name = function.name or bound_name(ctx, facts, caller)
    return Wrapper(scope, function_name, params[0].index) if function_name else None
