"""NestJS providers that nothing runs after construction (issue 14, reviewer 11's lesson 4).

Nest makes one instance of every provider a module lists when the application starts (default
singleton scope: "a single instance of the provider is shared across the entire application ... all
singleton providers are instantiated" at bootstrap, docs.nestjs.com/fundamentals/injection-scopes),
so its constructor runs. After that Nest runs a provider's code only through:
- what it is injected into: a constructor parameter typed with the class, `@Inject(X)`, or a
  `{ provide: TOKEN, useClass: X }` that `@Inject(TOKEN)` reads (docs.nestjs.com/providers,
  docs.nestjs.com/fundamentals/custom-providers), which then calls its methods;
- its lifecycle hooks, which Nest calls on every provider instance of a module (`onModuleInit`,
  `onApplicationBootstrap`, `onModuleDestroy`, `beforeApplicationShutdown`, `onApplicationShutdown`:
  docs.nestjs.com/fundamentals/lifecycle-events; @nestjs/core `hooks/on-module-init.hook.ts` calls
  `instance.onModuleInit()` on each of a module's providers);
- decorators that register its methods with a framework module (`@Cron`, `@Interval`, `@OnEvent`,
  `@Process`, `@MessagePattern`, `@SubscribeMessage`, GraphQL `@Query`…), or a class decorator other
  than `@Injectable` (`@Processor`, `@Resolver`, `@Controller`, `@WebSocketGateway`);
- code that fetches the instance (`app.get(X)`, `moduleRef.get(X)`) or a subclass.

A provider none of these reach runs nothing after construction: the code of its methods is dead
in every process (ordbokapi's `OrdboekeneApiService`, listed in the DictionaryModule's providers and
injected nowhere). crashlint reads this from the source text: every place the class's name is written,
outside its own body and outside tests, must be an import or re-export of it or an element of a
providers list (not `exports: [...]` or `inject: [...]`); any other mention (a parameter type, an
argument, `useClass:`, a comment) keeps it alive. Only importers by name are read: a provider reached
through a namespace object (`providers.X`) is not seen, and a namespace handed to a provider
collection registers it without naming it, which reads the same as a plain listing.

Cost: per class asked about (only those holding a finding with no caller), one read of its own file
and of the files importing its name; memoized per class.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from crashlint.facts.model import MODULE_SCOPE, FileFacts

LIFECYCLE_HOOKS = ("onModuleInit", "onApplicationBootstrap", "onModuleDestroy", "beforeApplicationShutdown",
                   "onApplicationShutdown")
# decorators inside a class body that only mark constructor parameters (they register nothing)
PARAMETER_DECORATORS = re.compile(r"(Inject\w*|Optional|Self|SkipSelf|Host)$")
# arrays whose elements are not provider registrations: what another module may inject, or a factory's
# injected tokens
NOT_REGISTRATIONS = ("exports", "inject")
# a constructor that starts work (a timer, a listener, a call of its own methods) runs code after
# construction
_STARTS_WORK = re.compile(r"\bthis\.\w+\s*\(|\b(?:setInterval|setTimeout|setImmediate|queueMicrotask)\s*\(|\.(?:on|once|subscribe)\s*\(")


class DeadProviders:
    """Answers `dead(path, class_scope)`: whether a NestJS `@Injectable()` class runs nothing after
    construction. `read(path)` gives a file's text; `importers(path)` the non-test files importing
    from `path` (directly: a barrel that re-exports it is followed one level)."""

    def __init__(self, files: dict[str, FileFacts], read: Callable[[str], str],
                 importers: Callable[[str], Iterable[str]]) -> None:
        self._files = files
        self._read = read
        self._importers = importers
        self._memo: dict[tuple[str, int], bool] = {}

    def dead(self, path: str, cls: int) -> bool:
        key = (path, cls)
        if key not in self._memo:
            self._memo[key] = self._dead(path, cls)
        return self._memo[key]

    def _dead(self, path: str, cls: int) -> bool:
        facts = self._files[path]
        name = next((d.name for d in facts.decls if d.scope == MODULE_SCOPE and d.value.kind == "class"
                     and d.value.scope == cls), None)
        if not name or facts.language == "python":
            return False
        text = self._read(path)
        head = re.search(r"((?:@\w+(?:\.\w+)*\s*(?:\((?:[^()]|\([^()]*\))*\))?\s*)+)(?:export\s+)?(?:default\s+)?"
                         r"(?:abstract\s+)?class\s+" + re.escape(name) + r"\b([^{]*)\{", text)
        if head is None:
            return False  # no decorator: not a provider Nest makes
        decorators = re.findall(r"@(\w+(?:\.\w+)*)", head.group(1))
        if decorators != ["Injectable"] or re.search(r"\bextends\b", head.group(2)):
            return False  # a controller, resolver, processor…; or a base class that may call it
        end = _body_end(text, head.end() - 1)
        body = text[head.end():end]
        if any(re.search(r"\b" + hook + r"\s*\(", body) for hook in LIFECYCLE_HOOKS):
            return False
        for decorator in re.findall(r"^\s*@(\w+)", body, re.MULTILINE):
            if not PARAMETER_DECORATORS.match(decorator):
                return False  # @Cron, @OnEvent, @Process…: a framework runs the method
        constructor = re.search(r"\bconstructor\s*\(", body)
        if constructor is not None:
            opened = body.find("{", _paren_end(body, constructor.end() - 1))
            if opened >= 0 and _STARTS_WORK.search(body[opened:_body_end(body, opened)]):
                return False
        outside = text[:head.start()] + " " * (end - head.start()) + text[end:]
        if not self._only_registered(outside, name, path, file_is_other=False):
            return False
        return all(self._only_registered(self._read(other), name, other)
                   for other in self._mentioning(path, name))

    def _mentioning(self, path: str, name: str) -> list[str]:
        """The files that import `name` from `path` or from a module re-exporting it (one level)."""
        found: list[str] = []
        sources = [path] + [b for b in self._importers(path) if self._reexports(b, name)]
        for source in sources:
            for other in self._importers(source):
                if other != path and other not in found and other not in sources[1:]:
                    if any(d.value.kind == "import" and name in (d.name, d.value.name) for d in self._files[other].decls):
                        found.append(other)
        return found + sources[1:]

    def _reexports(self, path: str, name: str) -> bool:
        return any(e.module is not None and (e.name in (name, "*") or e.source_name == name)
                   for e in self._files[path].exports)

    def _only_registered(self, text: str, name: str, path: str, file_is_other: bool = True) -> bool:
        """Whether every mention of `name` in `text` is an import, a re-export or a providers-list
        element (`path` for its import and export counts)."""
        facts = self._files[path]
        allowed = sum(1 for d in facts.decls if d.value.kind == "import" and d.value.name == name and d.name == name)
        # (in the class's own file, `export class X` is blanked with the class: only re-exports count)
        allowed += sum(1 for e in facts.exports if name in (e.name, e.local, e.source_name) and e.name != "*"
                       and (e.module is not None or file_is_other))
        if any(d.value.kind == "import" and d.value.name == name and d.name != name for d in facts.decls):
            return False  # `import { X as Y }`: Y's uses are not read here
        others = 0
        for match in re.finditer(r"(?<![\w$.])" + re.escape(name) + r"(?![\w$])", text):
            if _registration(text, match.start(), match.end()):
                continue
            others += 1
        return others <= allowed


def _registration(text: str, start: int, end: int) -> bool:
    """Whether the name at `start`-`end` is an element of an array that lists providers: between `[`
    or `,` and `,` or `]`, in an array not keyed `exports:` / `inject:`."""
    before = text[:start].rstrip()
    after = text[end:].lstrip()
    if not before or before[-1] not in "[," or not after or after[0] not in ",]":
        return False
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        c = before[i]
        if c in ")]}":
            depth += 1
        elif c in "([{":
            if depth == 0:
                if c != "[":
                    return False  # an argument list or an object: `f(a, X)`, `{ a, X }`
                key = re.search(r"(\w+)\s*:\s*$", before[:i])
                return not (key and key.group(1) in NOT_REGISTRATIONS)
            depth -= 1
    return False


def _paren_end(text: str, start: int) -> int:
    """The index after the `)` matching the `(` at `start`."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _body_end(text: str, start: int) -> int:
    """The index after the `}` matching the `{` at `start`, skipping strings and comments (roughly:
    template literal substitutions are read as text)."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n
