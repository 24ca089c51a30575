"""Issue 15, item 8: release-ready — one version source, a changelog entry for it, an sdist and a
wheel that install and run in a fresh virtual environment, a release workflow that publishes them
with trusted publishing, and pins in the README that resolve."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from crashlint import __version__
from helpers import EXAMPLE, ROOT, run_cli


def test_one_version_source() -> None:
    import importlib.metadata

    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^dynamic = \["version"\]', pyproject, re.M) and not re.search(r"^version =", pyproject, re.M)
    assert 'path = "src/crashlint/__init__.py"' in pyproject
    assert importlib.metadata.version("crashlint") == __version__
    assert run_cli("--version")[1] == f"crashlint {__version__}\n"


def test_changelog_has_an_entry_for_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    versions = re.findall(r"^## \[?(\d+\.\d+\.\d+[^\]\s]*)", changelog, re.M)
    assert versions and versions[0] == __version__


def test_release_workflow_builds_checks_and_publishes_with_trusted_publishing() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    trigger = workflow[True] if True in workflow else workflow["on"]  # YAML reads a bare `on` as true
    assert trigger["push"]["tags"] == ["v*"]
    assert workflow.get("permissions") == {}  # nothing by default; each job asks for what it needs
    jobs = workflow["jobs"]
    build = jobs["build"]
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert "python -m build" in runs and "CHANGELOG.md" in runs and '"v$version"' in runs
    assert any(str(s.get("uses", "")).startswith("actions/upload-artifact@") for s in build["steps"])
    publish = jobs["publish"]
    assert publish["needs"] == "build" and publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert any(str(s.get("uses", "")).startswith("pypa/gh-action-pypi-publish@") for s in publish["steps"])
    assert not any("password" in (s.get("with") or {}) for s in publish["steps"])  # no token: trusted publishing
    for job in jobs.values():  # scripts read contexts through env, as in action.yml
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step


def test_release_workflow_tag_check_runs(tmp_path) -> None:
    """The build job's version check, run as the runner would: a tag that is not v<version> fails."""
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    [check] = [s for s in workflow["jobs"]["build"]["steps"] if s.get("name") == "The tag names this version"]
    for tag, ok in ((f"v{__version__}", True), ("v9.9.9", False)):
        run = subprocess.run(["bash", "-e", "-c", check["run"]], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "TAG": tag})
        assert (run.returncode == 0) == ok, run.stdout + run.stderr


@pytest.mark.slow
def test_sdist_and_wheel_install_and_run_in_a_fresh_venv(tmp_path) -> None:
    dist = tmp_path / "dist"
    run = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    [wheel] = dist.glob("crashlint-*.whl")
    [sdist] = dist.glob("crashlint-*.tar.gz")
    assert wheel.name == f"crashlint-{__version__}-py3-none-any.whl" and sdist.name == f"crashlint-{__version__}.tar.gz"
    names = zipfile.ZipFile(wheel).namelist()
    assert sum(1 for n in names if re.fullmatch(r"crashlint/rules/CL\d{3}_[\w-]+\.toml", n)) == 12
    members = tarfile.open(sdist).getnames()
    for needed in ("pyproject.toml", "README.md", "CHANGELOG.md", "LICENSE", "rules/CL001_redis-client-unmanaged.toml",
                   "src/crashlint/cli.py", ".pre-commit-hooks.yaml", "action.yml"):
        assert f"crashlint-{__version__}/{needed}" in members, needed
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    for package, options in ((wheel, []), (sdist, ["--force-reinstall", "--no-deps"])):
        run = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *options,
                              str(package)], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        crashlint = venv / "bin" / "crashlint"
        elsewhere = {"cwd": tmp_path, "capture_output": True, "text": True}  # not the checkout: the installed package
        version = subprocess.run([str(crashlint), "--version"], **elsewhere)
        assert version.stdout == f"crashlint {__version__}\n"
        rules = subprocess.run([str(crashlint), "rules", "--format", "json"], **elsewhere)
        assert len(json.loads(rules.stdout)) == 12
        scan = subprocess.run([str(crashlint), "scan", str(EXAMPLE), "--format", "json", "--no-cache"], **elsewhere)
        assert scan.returncode == 1 and len(json.loads(scan.stdout)) == 26, scan.stderr
        located = subprocess.run([str(python), "-c", "import crashlint; print(crashlint.__file__)"], **elsewhere)
        assert str(venv) in located.stdout  # not the source checkout


SHA = re.compile(r"\b[0-9a-f]{40}\b")


def test_readme_pins_resolve_to_a_commit_with_the_hook_and_the_action() -> None:
    """The README pins what exists: a commit of this repository (a tag once released) whose hook
    manifest and action are the ones documented, at the URL the package declares."""
    from crashlint import __url__

    readme = (ROOT / "README.md").read_text()
    assert f"- repo: {__url__}\n" in readme
    owner_name = __url__.removeprefix("https://github.com/")
    pins = set(re.findall(r"^\s+rev: ([\w.-]+)", readme, re.M))  # in the YAML examples, not the prose
    pins |= set(re.findall(rf"^\s+(?:- )?uses: {re.escape(owner_name)}@([\w.-]+)", readme, re.M))
    assert pins, "no pins in the README"
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True)
    if shallow.stdout.strip() == "true":
        pytest.skip("a shallow clone lacks the pinned commit (CI checks out with fetch-depth: 0)")
    for pin in pins:
        def git(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)

        assert git("cat-file", "-e", f"{pin}^{{commit}}").returncode == 0, f"{pin} names no commit"
        assert git("merge-base", "--is-ancestor", pin, "HEAD").returncode == 0, f"{pin} is not in this history"
        hooks = yaml.safe_load(git("show", f"{pin}:.pre-commit-hooks.yaml").stdout)
        assert {h["id"] for h in hooks} >= {"crashlint", "crashlint-files"}
        assert next(h for h in hooks if h["id"] == "crashlint")["entry"] == "crashlint scan --new-since HEAD"
        action = yaml.safe_load(git("show", f"{pin}:action.yml").stdout)
        assert {"category", "new-since", "python-version"} <= set(action["inputs"])


def test_readme_rule_table_matches_the_rule_pack() -> None:
    from crashlint.scan import rule_pack

    readme = (ROOT / "README.md").read_text()
    short = {"typescript": "TS", "javascript": "JS", "python": "Python"}
    for rule in rule_pack():
        row = re.search(rf"^\| {rule.id} \| {rule.slug} \| (\w+) \| ([^|]+) \|", readme, re.M)
        assert row, rule.id
        assert row.group(1) == rule.severity
        assert row.group(2).strip() == ", ".join(short[lang] for lang in rule.languages), rule.id
