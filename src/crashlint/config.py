"""Configuration: `[tool.crashlint]` in pyproject.toml, `crashlint.toml` or `.crashlint.toml`,
the nearest one found upward from the scan root (as ruff: the closest file wins, no merging).

Every key is validated; an unknown key, rule or value is a one-line error (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crashlint.discover import UsageError
from crashlint.findings import SEVERITIES

FILES = (".crashlint.toml", "crashlint.toml", "pyproject.toml")
KEYS = {
    "select": list,
    "ignore": list,
    "exclude": list,
    "include": list,  # globs analysed even where they look generated or vendored (.yarn/, bundles)
    "severity": dict,  # {"CL008" = "high"}
    "per-path-ignores": dict,  # {"scripts/**" = ["CL008"]}
    "fail-on": str,
    "respect-gitignore": bool,
    "fix": dict,  # {"CL008" = {constant = "REQUEST_TIMEOUT", value = "30"}}: what --fix writes
    "processes": dict,  # {api = {entry = "src/index.ts", kind = "server"}}: processes crashlint cannot find
    "browser": list,  # globs of browser code (never reported)
    "tooling": list,  # globs of scripts and command-line tools (never reported)
    # [{ module = "cross-spawn", names = ["spawn"] }]: functions whose result is an event emitter that
    # crashes the process on an unheard 'error' (CL011), as Bun's no-unhandled-emitter-errors `factories`
    "emitter-factories": list,
}
FACTORY_KEYS = ("module", "names")
PROCESS_KINDS = ("server", "worker", "cli")
FIX_KEYS = ("constant", "value")  # a fix's module constant: its name ("" = inline the value), its value


@dataclass
class Config:
    path: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    fail_on: str | None = None
    respect_gitignore: bool = True
    fix: dict[str, dict[str, str]] = field(default_factory=dict)
    # name → (kind, entry files); paths and globs relative to the configuration file's folder
    processes: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # (module: a package name, or a path starting with "." relative to the configuration file's folder, names)
    emitter_factories: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    browser: list[str] = field(default_factory=list)
    tooling: list[str] = field(default_factory=list)


def find_config(start: Path) -> tuple[Path, dict] | None:
    """The nearest configuration file at or above `start`, with its crashlint table."""
    for folder in [start, *start.parents]:
        for name in FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            # here and below: only a scan that reads a configuration file imports tomllib (6.8 ms,
            # a tenth of a warm re-scan of a project that has none)
            import tomllib

            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise UsageError(f"{candidate}: invalid TOML: {exc}") from None
            if name == "pyproject.toml":
                table = (data.get("tool") or {}).get("crashlint")
                if table is None:
                    continue  # a pyproject without [tool.crashlint] does not stop the search
                return candidate, table
            return candidate, data.get("crashlint", data) if isinstance(data, dict) else {}
    return None


def load_config(
    start: Path, rule_keys: set[str], *, path: Path | None = None, isolated: bool = False, overrides: list[str] | None = None
) -> Config:
    """The configuration for a scan rooted at `start`: the nearest file (or `path`, as `--config
    FILE`; none with `isolated`), then `overrides` (`--config "fail-on = 'high'"`, as ruff's inline
    `--config`), each key replacing the file's."""
    table: dict = {}
    where: Path | str = "--config"
    if path is not None:
        where, table = read_config_file(path)
    elif not isolated:
        found = find_config(start)
        if found is not None:
            where, table = found
    if not isinstance(table, dict):
        raise UsageError(f"{where}: [tool.crashlint] must be a table")
    table = dict(table)
    for override in overrides or []:
        import tomllib

        try:
            table.update(tomllib.loads(override))
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"--config {override!r}: neither a file nor a 'key = value' TOML line ({exc})") from None
    config = _validated(where, table, rule_keys)
    config.path = None if where == "--config" else str(where)
    return config


def read_config_file(path: Path) -> tuple[Path, dict]:
    """`--config FILE`: a crashlint.toml (top-level keys) or a pyproject.toml ([tool.crashlint])."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = (data.get("tool") or {}).get("crashlint")
        if table is None:
            raise UsageError(f"{path}: no [tool.crashlint] table")
        return path, table
    return path, data.get("crashlint", data)


def _validated(path: Path | str, table: dict, rule_keys: set[str]) -> Config:
    for key, value in table.items():
        if key not in KEYS:
            raise UsageError(f"{path}: unknown key '{key}' (known: {', '.join(KEYS)})")
        if not isinstance(value, KEYS[key]):
            raise UsageError(f"{path}: '{key}' must be a {KEYS[key].__name__}")

    def rules(values, where: str) -> list[str]:
        for value in values:
            if not isinstance(value, str) or not _known_rule(value, rule_keys):
                raise UsageError(f"{path}: {where}: unknown rule '{value}'")
        return list(values)

    config = Config()
    config.select = rules(table.get("select", []), "select")
    config.ignore = rules(table.get("ignore", []), "ignore")
    config.exclude = [str(v) for v in table.get("exclude", [])]
    config.include = [str(v) for v in table.get("include", [])]
    for rule, severity in table.get("severity", {}).items():
        rules([rule], "severity")
        if severity not in SEVERITIES:
            raise UsageError(f"{path}: severity of {rule}: '{severity}' is not one of {', '.join(SEVERITIES)}")
        config.severity[rule] = severity
    for pattern, ignored in table.get("per-path-ignores", {}).items():
        if not isinstance(ignored, list):
            raise UsageError(f"{path}: per-path-ignores '{pattern}' must be a list of rules")
        config.per_path_ignores[pattern] = rules(ignored, f"per-path-ignores '{pattern}'")
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise UsageError(f"{path}: fail-on: '{fail_on}' is not one of {', '.join(SEVERITIES)}")
    config.fail_on = fail_on
    config.respect_gitignore = table.get("respect-gitignore", True)
    for rule, values in table.get("fix", {}).items():
        if not (rule.upper().startswith("CL") and rule.upper() in rule_keys):
            raise UsageError(f"{path}: fix: unknown rule id '{rule}'")
        if not isinstance(values, dict):
            raise UsageError(f"{path}: fix.{rule} must be a table (keys: {', '.join(FIX_KEYS)})")
        for key, value in values.items():
            if key not in FIX_KEYS or not isinstance(value, str):
                raise UsageError(f"{path}: fix.{rule}.{key}: expected one of {', '.join(FIX_KEYS)}, as a string")
            if key == "constant" and value and (not value.isidentifier() or _is_keyword(value)):
                raise UsageError(f"{path}: fix.{rule}.constant: '{value}' is not a Python name")
            if key == "value":
                try:
                    _parse_expression(value)
                except SyntaxError:
                    raise UsageError(f"{path}: fix.{rule}.value: '{value}' is not a Python expression") from None
        config.fix[rule.upper()] = dict(values)
    for name, spec in table.get("processes", {}).items():
        entry = spec.get("entry") if isinstance(spec, dict) else None
        entries = [entry] if isinstance(entry, str) else entry
        if not isinstance(spec, dict) or not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
            raise UsageError(f"{path}: processes.{name} needs entry = \"path\" (or a list of paths)")
        kind = spec.get("kind", "server")
        if kind not in PROCESS_KINDS:
            raise UsageError(f"{path}: processes.{name}: kind '{kind}' is not one of {', '.join(PROCESS_KINDS)}")
        unknown = set(spec) - {"entry", "kind"}
        if unknown:
            raise UsageError(f"{path}: processes.{name}: unknown key '{sorted(unknown)[0]}' (known: entry, kind)")
        config.processes[str(name)] = (kind, tuple(entries))
    for key in ("browser", "tooling"):
        values = table.get(key, [])
        if not all(isinstance(v, str) for v in values):
            raise UsageError(f"{path}: '{key}' must be a list of paths or globs")
        setattr(config, key, list(values))
    for number, entry in enumerate(table.get("emitter-factories", []), start=1):
        where = f"{path}: emitter-factories[{number}]"
        if not isinstance(entry, dict):
            raise UsageError(f"{where} must be a table: {{ module = \"…\", names = [\"…\"] }}")
        unknown = set(entry) - set(FACTORY_KEYS)
        if unknown:
            raise UsageError(f"{where}: unknown key '{sorted(unknown)[0]}' (known: {', '.join(FACTORY_KEYS)})")
        module, names = entry.get("module"), entry.get("names")
        if not isinstance(module, str) or not module.strip():
            raise UsageError(f"{where} needs module = \"a package name or ./a/path\"")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise UsageError(f"{where} needs names = [\"…\"], the functions the module exports")
        config.emitter_factories.append((module.strip(), tuple(n.strip() for n in names)))
    return config


def _known_rule(value: str, rule_keys: set[str]) -> bool:
    value = value.strip()
    return value.upper() == "ALL" or value in rule_keys or any(k.upper().startswith(value.upper()) for k in rule_keys if k.startswith("CL"))


def _is_keyword(name: str) -> bool:
    import keyword

    return keyword.iskeyword(name)


def _parse_expression(text: str) -> None:
    import ast  # imported when a configuration holds an expression, not by every scan

    ast.parse(text, mode="eval")
