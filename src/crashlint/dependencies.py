"""Declared dependency versions (package.json, requirements*.txt, pyproject.toml), nearest first.

Some library defaults changed between major versions (Express 5 forwards async errors; redis-py 8
sets socket timeouts), so a rule may ask which version a file's project declares.
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from dataclasses import dataclass, field

from crashlint.sourcetree import DiskTree, SourceTree

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#]*)")
VERSION = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


@dataclass
class Manifest:
    """What the project files of one folder declare: dependencies, package name, TS path aliases."""

    path: str  # relative to the scan root
    dependencies: dict[str, str] = field(default_factory=dict)  # normalized name → version spec
    package_name: str = ""  # package.json "name": how other workspace packages import this one
    ts_base: str | None = None  # tsconfig baseUrl, relative to the scan root
    ts_paths: dict[str, list[str]] = field(default_factory=dict)  # tsconfig paths, targets root-relative
    has_bin: bool = False  # package.json "bin": a command-line tool
    runtime: frozenset[str] = frozenset()  # "dependencies" + "peerDependencies": what it runs on, normalized


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lowest_version(spec: str) -> tuple[int, int, int] | None:
    """The lowest version a spec admits, when it has a lower bound (`^4.19`, `>=8.0`, `==7.4.1`)."""
    spec = spec.strip()
    if not spec or spec in ("*", "latest") or spec.startswith(("git", "http", "file:", "link:", "workspace:")):
        return None
    for clause in re.split(r"[,|\s]+", spec):
        clause = clause.strip()
        if not clause or clause.startswith(("<", "!=")):
            continue
        match = VERSION.search(clause)
        if match:
            return tuple(int(g or 0) for g in match.groups())  # type: ignore[return-value]
    return None


def read_manifests(root: str, rel_dirs: set[str], tree: SourceTree | None = None) -> dict[str, Manifest]:
    """Manifests in every folder holding a scanned file and in their ancestors up to the root, read
    from `tree` (default: the disk under `root`)."""
    tree = tree or DiskTree(root)
    wanted: set[str] = set()
    for directory in rel_dirs:
        while True:
            wanted.add(directory)
            parent = posixpath.dirname(directory)
            if not directory or parent == directory:  # "" (the root), or "/" for a file outside it
                break
            directory = parent
    found: dict[str, Manifest] = {}
    for directory in sorted(wanted):
        manifest = _read_folder(tree, directory)
        if manifest is not None:
            found[directory] = manifest
    return found


def _read_folder(tree: SourceTree, directory: str) -> Manifest | None:
    deps: dict[str, str] = {}
    path = None
    package_name = ""
    has_bin = False
    runtime: frozenset[str] = frozenset()
    package_json = posixpath.join(directory, "package.json")
    if tree.is_file(package_json):
        try:
            data = json.loads(tree.read(package_json).decode("utf-8"))
            if isinstance(data, dict):
                for key in ("peerDependencies", "devDependencies", "dependencies"):
                    section = data.get(key)
                    if isinstance(section, dict):
                        deps.update({normalize(k): str(v) for k, v in section.items()})
                if isinstance(data.get("name"), str):
                    package_name = data["name"]
                has_bin = bool(data.get("bin"))
                runtime = frozenset(
                    normalize(k)
                    for key in ("dependencies", "peerDependencies")
                    if isinstance(data.get(key), dict)
                    for k in data[key]
                )
                path = posixpath.join(directory, "package.json")
        except (OSError, ValueError):
            pass
    pyproject = posixpath.join(directory, "pyproject.toml")
    if tree.is_file(pyproject):
        try:
            data = tomllib.loads(tree.read(pyproject).decode("utf-8"))
            for line in (data.get("project") or {}).get("dependencies") or []:
                _add_requirement(deps, str(line))
            poetry = ((data.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
            for name, spec in poetry.items():
                deps.setdefault(normalize(name), spec if isinstance(spec, str) else str(spec.get("version", "")))
            path = path or posixpath.join(directory, "pyproject.toml")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
            pass
    names = sorted(n for n in tree.list_dir(directory) if n.startswith("requirements") and n.endswith(".txt"))
    for name in names:
        try:
            for line in tree.read(posixpath.join(directory, name)).decode("utf-8", "replace").splitlines():
                _add_requirement(deps, line)
            path = path or posixpath.join(directory, name)
        except OSError:
            continue
    ts_base, ts_paths = _read_tsconfig(tree, directory)
    if ts_paths or ts_base is not None:
        path = path or posixpath.join(directory, "tsconfig.json")
    if not path:
        return None
    return Manifest(path, deps, package_name, ts_base, ts_paths, has_bin, runtime)


JSON_COMMENT = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.S)
TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _read_tsconfig(tree: SourceTree, directory: str) -> tuple[str | None, dict[str, list[str]]]:
    """baseUrl and paths of a tsconfig.json or jsconfig.json (JSON with comments), made relative to
    the scan root."""
    for name in ("tsconfig.json", "jsconfig.json"):  # jsconfig.json: the same paths for JavaScript projects
        if tree.is_file(posixpath.join(directory, name)):
            break
    try:
        raw = tree.read(posixpath.join(directory, name)).decode("utf-8")
        data = json.loads(TRAILING_COMMA.sub(r"\1", JSON_COMMENT.sub(lambda m: m.group(1) or "", raw)))
    except (OSError, ValueError):
        return None, {}
    options = data.get("compilerOptions") if isinstance(data, dict) else None
    if not isinstance(options, dict):
        return None, {}
    base_url = options.get("baseUrl")
    ts_base = posixpath.normpath(posixpath.join(directory, base_url)) if isinstance(base_url, str) else None
    anchor = ts_base if ts_base is not None else directory
    paths: dict[str, list[str]] = {}
    for pattern, targets in (options.get("paths") or {}).items():
        if isinstance(targets, list):
            paths[pattern] = [posixpath.normpath(posixpath.join(anchor, t)) for t in targets if isinstance(t, str)]
    if ts_base == ".":
        ts_base = ""
    return ts_base, paths


def _add_requirement(deps: dict[str, str], line: str) -> None:
    line = line.strip()
    if not line or line.startswith(("#", "-")):
        return
    match = REQUIREMENT.match(line)
    if match:
        deps.setdefault(normalize(match.group(1)), match.group(3).strip())
