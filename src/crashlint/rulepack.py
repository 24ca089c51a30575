"""The rule pack: `rules/*.toml`, one file per rule, holding every word a user reads about it.

The engine knows rule *kinds* (see `crashlint.engine`); a rule file names its kind and carries the
kind's data (which libraries, which listeners, closes or options). Docs have fixed sections, and
the same text feeds `crashlint explain`, SARIF `help` and the Markdown report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from crashlint.fences import fence_for
from crashlint.findings import SEVERITIES

DOC_SECTIONS = ("what", "why", "fix")
DOC_HEADINGS = {"what": "What it does", "why": "Why it crashes servers", "fix": "How to fix it"}
REQUIRED_KEYS = ("id", "slug", "severity", "title", "kind", "languages", "message", "impact", "summary", "docs", "fix")


class RulePackError(Exception):
    """A rule file is malformed: a bug in the pack, reported with the file name."""


@dataclass(frozen=True)
class Example:
    language: str
    bad: str
    good: str


@dataclass
class Rule:
    id: str
    slug: str
    severity: str
    title: str
    kind: str
    languages: tuple[str, ...]
    message: str  # jinja2, one line: {{ subject }}, {{ library }}, {{ labels }}
    impact: str
    summary: str  # a noun phrase for the report's Summary paragraph
    tags: tuple[str, ...]
    what: str
    why: str
    fix_text: str
    references: tuple[str, ...]
    examples: tuple[Example, ...]
    fix_title: str
    fix_templates: dict[str, str]  # language → jinja2 template over `findings`
    data: dict[str, Any] = field(default_factory=dict)  # the kind's own data
    source: str = ""
    roles: tuple[str, ...] = ("server",)  # the file roles it checks (see crashlint.roles)

    def applies_to(self, language: str, role: str = "server") -> bool:
        return language in self.languages and role in self.roles

    def fix_template(self, language: str) -> str | None:
        if language in self.fix_templates:
            return self.fix_templates[language]
        if language == "javascript":
            return self.fix_templates.get("typescript")
        return None

    def docs_markdown(self) -> str:
        """The rule's docs: the text of `crashlint explain`, SARIF help.markdown and docs pages."""
        parts = [f"# {self.id} {self.slug} ({self.severity})", "", self.title, ""]
        parts += [f"## {DOC_HEADINGS['what']}", "", self.what.strip(), ""]
        parts += [f"## {DOC_HEADINGS['why']}", "", self.why.strip(), ""]
        parts += ["## Example", ""]
        for example in self.examples:
            fence = fence_for(example.bad + example.good)
            parts += [f"Crashes ({example.language}):", "", f"{fence}{example.language}", example.bad.rstrip(), fence, ""]
            parts += [f"Fine ({example.language}):", "", f"{fence}{example.language}", example.good.rstrip(), fence, ""]
        parts += [f"## {DOC_HEADINGS['fix']}", "", self.fix_text.strip(), ""]
        automatic = list(self.data.get("autofix") or [])
        # fixes planned by a module of their own (crashlint.fix.express, crashlint.fix.redis_expiry),
        # described by a table of the rule's: its title, languages and safety
        automatic += [self.data[name] for name in PLANNED_FIXES if isinstance(self.data.get(name), dict)]
        if automatic:
            parts += ["`crashlint scan --fix` applies the safe fixes, `--unsafe-fixes` the others:", ""]
            for entry in automatic:
                when = ", ".join(
                    f"{k} {' or '.join([v] if isinstance(v, str) else v)}"
                    for k, v in (entry.get("when") or {}).items() if k in ("library", "missing")
                )
                title = re.sub(r"\{\{\s*(?:constants|imported)\.(\w+)\s*\}\}", r"\1", entry["title"])
                title = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"<\1>", title)
                parts.append(f"- {title} ({', '.join(entry.get('languages', self.languages))}{'; ' + when if when else ''}; {'safe' if entry['safe'] else 'unsafe'})")
            parts.append("")
        parts += ["## References", ""] + [f"- {ref}" for ref in self.references]
        return "\n".join(parts) + "\n"


# rule tables that describe a fix planned by its own module rather than an [[autofix]] entry
PLANNED_FIXES = ("express_fix", "atomic_fix")


def _require(data: dict, key: str, kind: type, where: str):
    if key not in data:
        raise RulePackError(f"{where}: missing key '{key}'")
    value = data[key]
    if not isinstance(value, kind):
        raise RulePackError(f"{where}: '{key}' must be {kind.__name__}")
    return value


def _check_prefilter(spec: Any, where: str) -> None:
    """`prefilter.requires` / `.exported` / `.javascript` / `.python`: lists of byte literals
    (src/crashlint/prefilter.py)."""
    if not isinstance(spec, dict):
        raise RulePackError(f"{where}: 'prefilter' must be a table of literal lists")
    for key, literals in spec.items():
        if key not in ("requires", "exported", "javascript", "python"):
            raise RulePackError(f"{where}: unknown prefilter key '{key}' (requires, exported, javascript, python)")
        if not isinstance(literals, list) or not all(isinstance(x, str) and x.removeprefix("(?i)") for x in literals):
            raise RulePackError(f"{where}: prefilter.{key} must be a list of non-empty strings")


def load_rule(path: Path | Any, text: str) -> Rule:
    import tomllib

    from crashlint.languages import LANGUAGES
    from crashlint.roles import ROLES  # the pack as the last scan validated it needs neither (crashlint.cache.rules)

    where = getattr(path, "name", str(path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulePackError(f"{where}: {exc}") from None
    for key in REQUIRED_KEYS:
        if key not in data:
            raise RulePackError(f"{where}: missing key '{key}'")
    severity = _require(data, "severity", str, where)
    if severity not in SEVERITIES:
        raise RulePackError(f"{where}: unknown severity '{severity}'")
    languages = tuple(_require(data, "languages", list, where))
    for language in languages:
        if language not in LANGUAGES:
            raise RulePackError(f"{where}: unknown language '{language}'")
    docs = _require(data, "docs", dict, where)
    for section in DOC_SECTIONS:
        if not str(docs.get(section, "")).strip():
            raise RulePackError(f"{where}: docs section '{section}' is missing or empty")
    references = tuple(docs.get("references") or ())
    if not references:
        raise RulePackError(f"{where}: docs.references is empty: cite the libraries' own docs")
    examples = tuple(
        Example(e["language"], e["bad"], e["good"]) for e in _require(docs, "examples", list, where + " docs")
    )
    fix = _require(data, "fix", dict, where)
    templates = {lang: tpl for lang, tpl in fix.items() if lang != "title"}
    for lang, tpl in templates.items():
        if not isinstance(tpl, str):  # its jinja2 syntax: tests/test_rulepack.py (no jinja2 at load)
            raise RulePackError(f"{where}: fix template for {lang} must be a string")
    roles = tuple(data.get("roles") or ("server",))
    for role in roles:
        if role not in ROLES:
            raise RulePackError(f"{where}: unknown role '{role}' (one of {', '.join(ROLES)})")
    _check_prefilter(data.get("prefilter", {}), where)
    core = set(REQUIRED_KEYS) | {"tags", "roles"}
    return Rule(
        id=data["id"],
        slug=data["slug"],
        severity=severity,
        title=data["title"],
        kind=data["kind"],
        languages=languages,
        message=data["message"],
        impact=data["impact"],
        summary=data["summary"],
        tags=tuple(data.get("tags") or ()),
        what=docs["what"],
        why=docs["why"],
        fix_text=docs["fix"],
        references=references,
        examples=examples,
        fix_title=_require(fix, "title", str, where + " fix"),
        fix_templates=templates,
        data={k: v for k, v in data.items() if k not in core},
        source=where,
        roles=roles,
    )


def rules_dir() -> Any:
    """The packaged rule pack, or `rules/` of a source checkout (editable installs)."""
    beside = Path(__file__).resolve().parent / "rules"  # what importlib.resources gives a package on disk
    if beside.is_dir():
        return beside
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if checkout.is_dir():
        return checkout
    from importlib import resources  # a package that is not a folder (a zip)

    packaged = resources.files("crashlint") / "rules"
    if packaged.is_dir():
        return packaged
    raise RulePackError("the rule pack (rules/) is missing from this installation")


@cache
def load_rules() -> tuple[Rule, ...]:
    """The rule files, read and checked for the keys every rule has. The kinds' own data and the
    `[[autofix]]` entries are validated by the layer that knows kinds and fixes
    (`crashlint.scan.rule_pack`): this module stays below the engine."""
    directory = rules_dir()
    rules = []
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rules.append(load_rule(entry, entry.read_text(encoding="utf-8")))
    ids = [r.id for r in rules]
    slugs = [r.slug for r in rules]
    if len(set(ids)) != len(ids) or len(set(slugs)) != len(slugs):
        raise RulePackError("duplicate rule id or slug in the rule pack")
    return tuple(sorted(rules, key=lambda r: r.id))
