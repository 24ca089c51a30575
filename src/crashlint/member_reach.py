"""Methods of a JS/TS class that no code of a long-lived process names (issue 14, rev17-ts lesson 1).

crashlint follows which exported *function* a process reaches (`ProcessModel._symbol_reach`), and a
class a process names counts whole. A method is run only through its name, though: `this.svc.m(…)`,
`obj.m`, `const { m } = obj`, `obj["m"]`, an override a base calls as `this.m()`. So a method whose
name no file a long-lived process loads writes — outside where methods are declared — runs in none
of them: biosim's generated OpenAPI clients (`libs/combine-api/nest-client/src/lib/api/*.service.ts`,
22 methods of which dispatch-service calls three) reported every one.

The name is read, not resolved: any `.m`, `m` or `"m"` written in live code keeps every method of that
name, whatever its class (an override, an interface's implementation, a method of the same name on
another class: conservative). Words of comments and words inside longer strings (the generated
clients' `"Required parameter … when calling combineApiHandlersX."`) are no mention; a template's
substitutions are code. A declaration is no mention: a line outside every function body that starts
(after modifiers) with the name and a `(`, `<` or an arrow-function initialiser — a method, an
overload signature, an interface's method signature, an object literal's method at module level.

Kept whole (every method counts as named), because code crashlint cannot see may call a method by
its name:
- a class with a decorator other than `@Injectable()` (a controller, a processor, a resolver, an ORM
  entity or subscriber: the framework calls its methods), with `implements` (a framework interface:
  `CanActivate`, `NestInterceptor`, `OnGatewayConnection`…), or whose base is not a project class
  (`extends WorkerHost`, `extends Model`: the library calls overrides by name);
- a class whose body looks its methods up by a computed key (`this[name]`, `(this as any)[name]`, `getPrototypeOf`,
  `getOwnPropertyNames`, `Reflect.ownKeys`) or whose `prototype` live code writes;
- a class an instance of which is built straight into a call's argument, an array or an object
  (`app.useGlobalGuards(new Guard())`, `passport.use(new Strategy())`, `{ logger: new Log() }`): the
  instance escapes to code crashlint may not see;
- a class declared inside a function.
A method is kept when it is decorated (`@Get`, `@MessagePattern`, `@Process`, `@Cron`…), is the
constructor, or has a name a framework or the language calls (`HOOKS`: Nest's lifecycle hooks, guards'
`canActivate`, `then`, `toJSON`…).

Cost: the index is built once per scan, the first time a finding in a method asks: one read of
each JS/TS file of the `server` role and a few regex passes over its text (O(its bytes)), then a
count per name; then O(1) per method and one read of the class's file per class (memoized).
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import accumulate
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from crashlint.facts.model import MODULE_SCOPE, FileFacts
from crashlint.nest_providers import LIFECYCLE_HOOKS, _body_end

# names a framework or the language calls on an object whatever the project writes: Nest's lifecycle
# hooks (docs.nestjs.com/fundamentals/lifecycle-events), the methods of Nest's guard, interceptor,
# pipe, filter, middleware and gateway interfaces (a class may omit the `implements`: TypeScript's
# typing is structural), thenables, JSON and string conversion, iterators, Node's `util.inspect`
# (a Passport strategy's `validate` or a CQRS handler's `execute` sits in a class kept whole: a
# library base, or a class decorator)
HOOKS = frozenset(LIFECYCLE_HOOKS) | {
    "constructor", "canActivate", "intercept", "transform", "catch", "use",
    "handleConnection", "handleDisconnect", "afterInit", "then", "finally", "toJSON", "toString",
    "valueOf", "next", "return", "throw", "inspect",
}

_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_IDENT = re.compile(r"#?[A-Za-z_$][\w$]*")
# comments, strings and template literals (a template's substitutions are read back as code)
_NOT_CODE = re.compile(r"/\*[\s\S]*?\*/|//[^\n]*|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\[\s\S]|[^`\\])*`")
_SUBSTITUTION = re.compile(r"\$\{([^}]*)\}")
_MODIFIERS = r"(?:(?:public|private|protected|static|async|readonly|override|abstract|declare|accessor|get|set)\s+)*"
# a member's declaration at the start of a line: `public m(`, `m<T>(`, `async m(`, `m = async (…) =>`
_DECLARATION = re.compile(r"^[ \t]*" + _MODIFIERS + r"#?([A-Za-z_$][\w$]*)[ \t]*[?!]?[ \t]*"
                          r"(?:[(<]|=[ \t]*(?:async[ \t]*)?(?:\(|function\b|[A-Za-z_$][\w$]*[ \t]*=>))", re.MULTILINE)
# an instance built straight into an argument, an array element or an object value: it escapes
_ESCAPING_NEW = re.compile(r"[(\[,:][ \t\n]*new[ \t\n]+([A-Za-z_$][\w$]*)")
_PROTOTYPE = re.compile(r"([A-Za-z_$][\w$]*)[ \t]*\.[ \t]*prototype\b")
_DYNAMIC = re.compile(r"\bthis(?:\s+as\s+[\w$<>, ]+\))?\s*\[|\bgetPrototypeOf\b|\bgetOwnPropertyNames\b|\bReflect\.ownKeys\b")


@dataclass
class MemberNames:
    """Answers `unnamed(path, facts, scope)`: whether the method `scope` of `path` is a method of a
    class whose name no live file writes (module docstring). `live` are the JS/TS files of the
    `server` role (tests left out), `read(path)` a file's text, `project_base(path, class_scope)`
    whether every class above that class is a project class."""

    files: dict[str, FileFacts]
    live: Iterable[str]
    read: Callable[[str], str]
    project_base: Callable[[str, int], bool]
    _mentions: Counter | None = field(default=None, repr=False)
    _escaping: set[str] = field(default_factory=set, repr=False)
    _prototypes: set[str] = field(default_factory=set, repr=False)
    _kept: dict[tuple[str, int], bool] = field(default_factory=dict, repr=False)
    _sources: dict[str, str] = field(default_factory=dict, repr=False)  # the files of the classes asked about
    _lines: dict[str, list[str]] = field(default_factory=dict, repr=False)
    reads: int = 0  # how many files were read (tests/test_growth.py)

    def _text(self, path: str) -> str:
        self.reads += 1
        return self.read(path)

    def _source(self, path: str) -> str:
        found = self._sources.get(path)
        if found is None:
            found = self._sources[path] = self.read(path)
        return found

    def _index(self) -> Counter:
        if self._mentions is None:
            mentions: Counter = Counter()
            for path in self.live:
                facts = self.files.get(path)
                if facts is None or facts.language == "python":
                    continue
                self._index_file(facts, self._text(path), mentions)
            self._mentions = mentions
        return self._mentions

    def _index_file(self, facts: FileFacts, text: str, mentions: Counter) -> None:
        strings: list[str] = []

        def blank(match: re.Match) -> str:
            found = match.group(0)
            lines = "\n" * found.count("\n")
            if found[0] == "/":
                return lines or " "
            if found[0] == "`":
                parts = _SUBSTITUTION.findall(found)
                if not parts and _IDENT.fullmatch(found[1:-1]):
                    strings.append(found[1:-1].lstrip("#"))
                return " " + " ".join(parts) + " " + lines
            if _IDENT.fullmatch(found[1:-1]):  # `obj["m"]`, a route table's "m": the name itself
                strings.append(found[1:-1].lstrip("#"))
            return " " + lines
        code = _NOT_CODE.sub(blank, text)
        mentions.update(_WORD.findall(code))
        mentions.update(strings)
        self._escaping.update(_ESCAPING_NEW.findall(code))
        self._prototypes.update(_PROTOTYPE.findall(code))
        # the lines inside a function's body (after its first line): a declaration-shaped line there
        # is code (an object literal's method, a statement), a mention
        depth = [0] * (code.count("\n") + 3)
        for function in facts.functions.values():
            first, last = function.span[0], function.span[2]
            if last > first and last + 1 < len(depth):
                depth[first + 1] += 1
                depth[last + 1] -= 1
        body = list(accumulate(depth))  # > 0: inside a function's body
        line, at = 1, 0
        for match in _DECLARATION.finditer(code):
            line += code.count("\n", at, match.start())
            at = match.start()
            if not body[line]:
                mentions[match.group(1)] -= 1

    def named(self, name: str) -> bool:
        return self._index().get(name.lstrip("#"), 0) > 0

    def unnamed(self, path: str, facts: FileFacts, scope: int) -> bool:
        function = facts.functions.get(scope)
        cls = facts.scope_parents.get(scope, 0)
        if (function is None or not function.name or function.name in HOOKS or cls == 0 or cls in facts.functions
                or facts.language == "python"):
            return False
        key = (path, cls)
        if key not in self._kept:
            self._kept[key] = self._kept_whole(path, facts, cls)
        if self._kept[key] or self.named(function.name):
            return False
        return not self._decorated(path, function.span[0])

    def _kept_whole(self, path: str, facts: FileFacts, cls: int) -> bool:
        name = next((d.name for d in facts.decls if d.value.kind == "class" and d.value.scope == cls), None)
        if name is None or facts.scope_parents.get(cls, 0) != MODULE_SCOPE:
            return True  # a class expression, or a class declared in a function
        text = self._source(path)
        head = re.search(r"((?:@\w+(?:\.\w+)*\s*(?:\((?:[^()]|\([^()]*\))*\))?\s*)*)(?:export\s+)?(?:default\s+)?"
                         r"(?:abstract\s+)?class\s+" + re.escape(name) + r"\b([^{]*)\{", text)
        if head is None:
            return True
        decorators = re.findall(r"@(\w+(?:\.\w+)*)", head.group(1))
        if any(d != "Injectable" for d in decorators) or re.search(r"\bimplements\b", head.group(2)):
            return True
        if re.search(r"\bextends\b", head.group(2)) and not self.project_base(path, cls):
            return True
        self._index()
        if name in self._escaping or name in self._prototypes:
            return True
        return bool(_DYNAMIC.search(text, head.end(), _body_end(text, head.end() - 1)))

    def _decorated(self, path: str, line: int) -> bool:
        """Whether the lines above the method's first line (blank lines and comments skipped) are a
        decorator (`@Get(':id')`, `@MessagePattern(…)`, `@Process()`)."""
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = self._source(path).splitlines()
        if 0 < line <= len(lines) and lines[line - 1].lstrip().startswith("@"):
            return True  # (the method's span starts at its decorator)
        above = line - 2
        while above >= 0 and (not lines[above].strip() or lines[above].lstrip().startswith(("//", "*", "/*"))):
            above -= 1
        if above < 0:
            return False
        if lines[above].lstrip().startswith("@"):
            return True
        # a decorator whose arguments span lines: `@Get(\n  ':id',\n)`
        if lines[above].rstrip().endswith(")"):
            for back in range(above, max(-1, above - 12), -1):
                stripped = lines[back].lstrip()
                if stripped.startswith("@"):
                    return True
                if stripped.endswith(("{", "}", ";")):
                    break
        return False


