"""CL003's fix for Express 4 across files (issue 16, item 2): a handler defined in a controller is
wrapped where each router registers it, the controller itself is left as it is, a re-scan finds
nothing, a second run changes nothing, and plain `--fix` (safe fixes only) leaves it alone."""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import scan
from helpers import run_cli

CONTROLLER = """import { Request, Response } from "express";
import { User } from "../models";

export const getUser = async (req: Request, res: Response) => {
  const user = await User.findById(req.params.id);
  res.json(user);
};
"""

USERS = """import { Router } from "express";
import { getUser } from "../controllers/users";

const router = Router();

router.get("/:id", getUser);

export default router;
"""

ADMIN = """const express = require("express");
const { getUser } = require("../controllers/users");

const admin = express.Router();
admin.get("/users/:id", getUser);

module.exports = admin;
"""


def _project(tmp_path: Path, express: str = "^4.19.2") -> Path:
    (tmp_path / "src" / "controllers").mkdir(parents=True)
    (tmp_path / "src" / "routes").mkdir()
    (tmp_path / "package.json").write_text('{"name": "svc", "dependencies": {"express": "%s"}}' % express)
    (tmp_path / "src" / "controllers" / "users.ts").write_text(CONTROLLER)
    (tmp_path / "src" / "routes" / "users.ts").write_text(USERS)
    (tmp_path / "src" / "routes" / "admin.js").write_text(ADMIN)
    return tmp_path


def test_handler_is_wrapped_in_every_file_that_registers_it(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = [f for f in scan([str(root)], cache_dir=None).findings if f.rule_id == "CL003"]
    assert [f.location.path for f in before] == ["src/controllers/users.ts"]
    code, out, err = run_cli("scan", str(root), "--select", "CL003", "--fix", "--unsafe-fixes")
    assert "Fixed 1 finding in 2 files; 0 remaining." in err, err
    assert (root / "src" / "controllers" / "users.ts").read_text() == CONTROLLER
    users = (root / "src" / "routes" / "users.ts").read_text()
    assert 'router.get("/:id", asyncHandler(getUser));' in users
    assert "fn(req, res, next).catch((err) => next(err || new Error(\"Rejected promise\")));" in users
    admin = (root / "src" / "routes" / "admin.js").read_text()
    assert 'admin.get("/users/:id", asyncHandler(getUser));' in admin
    assert "const asyncHandler = (fn) => (req, res, next) => {" in admin  # the JavaScript helper, no types
    assert admin.index("const asyncHandler") > admin.index('require("../controllers/users")')  # after the imports
    # idempotent, and the re-scan is clean
    code, out, err = run_cli("scan", str(root), "--select", "CL003", "--fix", "--unsafe-fixes")
    assert "Fixed 0 findings" in err and "0 remaining" in err, err
    assert (root / "src" / "routes" / "users.ts").read_text() == users


def test_wrapping_is_unsafe_and_express_5_needs_none(tmp_path: Path) -> None:
    root = _project(tmp_path)
    code, out, err = run_cli("scan", str(root), "--select", "CL003", "--fix")
    assert "Fixed 0 findings" in err and "1 fixable with `crashlint scan --fix --unsafe-fixes`" in out, (out, err)
    assert (root / "src" / "routes" / "users.ts").read_text() == USERS
    # Express 5 forwards a rejected promise to next(err): nothing reported, nothing to wrap
    other = _project(tmp_path / "five", express="^5.1.0")
    assert not [f for f in scan([str(other)], cache_dir=None).findings if f.rule_id == "CL003"]


def test_a_handler_in_an_array_gets_no_fix(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "src" / "routes" / "admin.js").write_text(ADMIN.replace('"/users/:id", getUser', '"/users/:id", [getUser]'))
    findings = [f for f in scan([str(root)], cache_dir=None).findings if f.rule_id == "CL003"]
    code, out, err = run_cli("scan", str(root), "--select", "CL003", "--fix", "--unsafe-fixes")
    assert len(findings) == 1 and "Fixed 0 findings" in err, err
    assert (root / "src" / "routes" / "users.ts").read_text() == USERS  # all registrations or none


def test_an_error_middleware_is_never_wrapped(tmp_path: Path) -> None:
    """Express tells an error middleware by its four parameters; a three-parameter wrapper would
    turn it into an ordinary handler."""
    root = _project(tmp_path)
    (root / "src" / "routes" / "admin.js").write_text(ADMIN.replace(
        "module.exports = admin;",
        "admin.use(async (err, req, res, next) => {\n  await audit(err);\n  res.status(500).end();\n});\n\nmodule.exports = admin;"))
    findings = [f for f in scan([str(root)], cache_dir=None).findings if f.rule_id == "CL003"]
    code, out, err = run_cli("scan", str(root), "--select", "CL003", "--fix", "--unsafe-fixes")
    admin = (root / "src" / "routes" / "admin.js").read_text()
    assert len(findings) == 2 and "Fixed 1 finding" in err, err
    assert "admin.use(async (err, req, res, next) => {" in admin and "asyncHandler(getUser)" in admin


def test_json_and_sarif_carry_the_edits_in_the_routers(tmp_path: Path) -> None:
    import json

    root = _project(tmp_path)
    code, out, err = run_cli("scan", str(root), "--select", "CL003", "--unsafe-fixes", "--format", "json")
    fix = json.loads(out)[0]["fix"]
    assert fix["applicability"] == "unsafe" and fix["edits"] == []  # nothing in the controller
    others = {Path(o["path"]).name: o["edits"] for o in fix["other_files"]}
    assert set(others) == {"users.ts", "admin.js"}
    wraps = [e for e in others["users.ts"] if e["content"] in ("asyncHandler(", ")")]
    assert [(e["start_line"], e["start_column"]) for e in wraps] == [(6, 20), (6, 27)]  # around `getUser`, in the file as scanned
    code, out, err = run_cli("scan", str(root), "--select", "CL003", "--unsafe-fixes", "--format", "sarif")
    changes = json.loads(out)["runs"][0]["results"][0]["fixes"][0]["artifactChanges"]
    assert sorted(Path(c["artifactLocation"]["uri"]).name for c in changes) == ["admin.js", "users.ts"]
