"""A rule file's `[[autofix]]` entries: which findings they fix, how, and whether it is safe.

    [[autofix]]
    languages = ["typescript", "javascript"]
    when = { library = ["fetch"], missing = "error-listener" }   # the finding's context must match
    safe = true                      # applied by --fix; false: only with --unsafe-fixes
    title = "Pass `signal: AbortSignal.timeout(30_000)`"        # jinja2 over the finding's context
    resolves = ["error-listener"]    # the needs it satisfies (default: the whole finding)
    and one action:
      options = { signal = "AbortSignal.timeout(30_000)" }      (JS) add to the call's options object
      statement_after = '''{{ subject }}.on(…)'''               (JS, Python) a statement after the
                                                                 one that creates the subject
      keywords = { timeout = "{{ constants.HTTP_TIMEOUT }}" }   (Python) keyword arguments
      replace_statement = '''task = {{ call }}…'''              (Python) the call's bare statement
    optional:
      dependency = { package = "@smithy/node-http-handler", at_least = "2.0" }   only where the
                                   manifest nearest the file declares it (at that lowest version);
                                   `package` is a template (`{{ callee.rsplit(".", 1)[0] }}`)
      unless_dependency = ["@smithy/node-http-handler"]       not where the nearest manifest declares one
      imports = [{ module = "@smithy/node-http-handler", name = "NodeHttpHandler" }]   (JS, Python)
                                   `imported.<name>` is its local name (an existing import's, or a
                                   fresh one); JS adds `import { … } from …` (or a `require`)
    optional, Python:
      imports = [{ module = "botocore.config", name = "Config" }, { module = "asyncio" }]
      constants = { HTTP_TIMEOUT = { value = "10", comment = "seconds" } }   defined once per module
      module_statements = ["_tasks: set = set()"]                 defined once, after the imports

Entries matching one finding are merged (their options, keywords and statements) into one fix.
Templates see the finding's context (subject, library, call, …) and, for JS, `q` (the file's
quote) and `semi` (its statement terminator); for Python, `imported.<name>`, `constants.<NAME>`,
`node_text` (the call's source) and `fresh("name")` (a name the module does not use).
A user may override a constant in the configuration (`[tool.crashlint.fix.CL008]`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crashlint.findings import Finding
from crashlint.rulepack import Rule, RulePackError

ACTIONS = ("options", "statement_after", "keywords", "replace_statement")
KEYS = {"languages", "when", "safe", "title", "resolves", "imports", "constants", "module_statements", "dependency",
        "unless_dependency", *ACTIONS}


@dataclass(frozen=True)
class Autofix:
    rule_id: str
    languages: tuple[str, ...]
    when: dict[str, tuple[str, ...]]
    safe: bool
    title: str
    action: str
    body: object  # the action's value: a dict of templates, or one template
    resolves: tuple[str, ...] = ()
    imports: tuple[dict, ...] = ()
    constants: dict[str, dict] = field(default_factory=dict)
    module_statements: tuple[str, ...] = ()
    dependency: dict[str, str] = field(default_factory=dict)  # {package (a template), at_least}
    unless_dependency: tuple[str, ...] = ()

    def matches(self, finding: Finding) -> bool:
        if finding.language not in self.languages:
            return False
        for key, wanted in self.when.items():
            value = finding.context.get(key, "")
            if not any(w == value or w in value.split() for w in wanted):
                return False
        return True


def _strings(value, where: str) -> tuple[str, ...]:
    values = (value,) if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise RulePackError(f"{where}: expected a string or a list of strings")
    return tuple(values)


def _templates(value, where: str) -> None:
    """Templates are strings; their jinja2 syntax is checked by the test suite, and each is compiled
    when first rendered (loading the pack must not import jinja2: crashlint.templating)."""
    texts = value.values() if isinstance(value, dict) else [value]
    for text in texts:
        if not isinstance(text, str):
            raise RulePackError(f"{where}: templates must be strings")


def autofixes(rule: Rule) -> tuple[Autofix, ...]:
    """The rule's fixes, validated (a malformed entry is a RulePackError naming the rule file)."""
    entries = rule.data.get("autofix", [])
    if not isinstance(entries, list):
        raise RulePackError(f"{rule.source}: [[autofix]] must be an array of tables")
    found = []
    for number, entry in enumerate(entries, start=1):
        where = f"{rule.source}: autofix #{number}"
        unknown = set(entry) - KEYS
        if unknown:
            raise RulePackError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        actions = [a for a in ACTIONS if a in entry]
        if len(actions) != 1:
            raise RulePackError(f"{where}: needs exactly one of {', '.join(ACTIONS)}")
        if not isinstance(entry.get("safe"), bool) or not isinstance(entry.get("title"), str):
            raise RulePackError(f"{where}: needs `safe` (true/false) and a `title`")
        languages = _strings(entry.get("languages", ()), where)
        if not languages or not set(languages) <= set(rule.languages):
            raise RulePackError(f"{where}: `languages` must name languages of the rule")
        action = actions[0]
        body = entry[action]
        python_only = action in ("keywords", "replace_statement")
        if (python_only and set(languages) != {"python"}) or (action == "options" and "python" in languages):
            raise RulePackError(f"{where}: `{action}` does not apply to {', '.join(languages)}")
        if action in ("options", "keywords") and not (isinstance(body, dict) and body):
            raise RulePackError(f"{where}: `{action}` must be a table of templates")
        _templates(body, f"{where} {action}")
        _templates(entry["title"], f"{where} title")
        when = {key: _strings(value, f"{where} when.{key}") for key, value in (entry.get("when") or {}).items()}
        constants = entry.get("constants", {})
        for name, constant in constants.items():
            if not name.isidentifier() or not isinstance(constant, dict) or not isinstance(constant.get("value"), str):
                raise RulePackError(f"{where}: constant {name} needs a string `value`")
        imports = tuple(entry.get("imports", ()))
        for item in imports:
            if not isinstance(item, dict) or not isinstance(item.get("module"), str):
                raise RulePackError(f"{where}: each import needs a `module` (and maybe a `name`)")
            if "python" not in languages and not isinstance(item.get("name"), str):
                raise RulePackError(f"{where}: a JavaScript import needs a `name`")
        dependency = entry.get("dependency", {})
        if not isinstance(dependency, dict) or (dependency and not isinstance(dependency.get("package"), str)) \
                or not all(isinstance(v, str) for v in dependency.values()):
            raise RulePackError(f"{where}: `dependency` is {{ package = \"…\", at_least = \"…\" }}")
        found.append(Autofix(
            rule_id=rule.id, languages=languages, when=when, safe=entry["safe"], title=entry["title"],
            action=action, body=body, resolves=_strings(entry.get("resolves", ()), where),
            imports=imports, constants=constants,
            module_statements=_strings(entry.get("module_statements", ()), where),
            dependency=dependency, unless_dependency=_strings(entry.get("unless_dependency", ()), where),
        ))
    return tuple(found)
