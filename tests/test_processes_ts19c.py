"""Which process runs a module (issue 14, session 19): AWS Lambda handlers, deploy-only scripts and
one-shot migration scripts beside a long-lived server.

Each test writes a small project shaped like the real one it comes from (FormSG's two Lambdas,
GOV.UK One Login's onboarding SAM backend, Wellcome Collection's Terraform Lambdas, trackdechets'
migrate script) and asks the process model or runs a scan.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import write_project as _write
from test_processes import _found, _model

# an Express server in the same repository: it stays a server whatever the Lambdas beside it are
SERVER = {
    "server/package.json": '{"name": "api", "scripts": {"start": "node src/index.js"}, "dependencies": {"express": "^4.19.0", "@aws-sdk/client-s3": "^3.0.0"}}',
    "server/src/index.js": ("const express = require('express')\nconst { S3Client } = require('@aws-sdk/client-s3')\n"
                            "const s3 = new S3Client({ region: 'eu-west-2' })\nconst app = express()\n"
                            "app.get('/f', async (req, res) => res.json(await s3.send({})))\napp.listen(3000)\n"),
}
# a Lambda's code: an S3 client with no timeouts and a fetch with no signal (CL006, CL008 in a server)
HANDLER_BODY = ("import {{ S3Client }} from '@aws-sdk/client-s3'\nconst s3 = new S3Client({{ region: 'eu-west-2' }})\n"
                "export const {name} = async (event) => {{\n  const r = await fetch('https://api.example/scan')\n"
                "  await s3.send(event)\n  return r.status\n}}\n")
LAMBDA_PACKAGE = '{{"name": "{name}", "scripts": {scripts}, "dependencies": {{"@aws-sdk/client-s3": "^3.0.0"{deps}}}}}'


def _lambda_project(tmp_path: Path, files: dict[str, str]) -> None:
    _write(tmp_path, {**SERVER, **files})


def _server_and_lambda_findings(tmp_path: Path, lambda_file: str) -> tuple[set, set]:
    found = _found(tmp_path, select=["CL006", "CL008"])
    return {f for f in found if f[1] == "server/src/index.js"}, {f for f in found if f[1] == lambda_file}


def test_serverless_yml_handler_is_a_lambda_not_a_server(tmp_path: Path) -> None:
    """FormSG's `serverless/virus-scanner`: `handler: src/index.handler` in serverless.yml names the
    module and its export; Lambda runs it per event and stops it at the function's timeout."""
    _lambda_project(tmp_path, {
        "scanner/package.json": LAMBDA_PACKAGE.format(name="scanner", scripts='{"build": "tsc"}', deps=""),
        "scanner/serverless.yml": "service: scanner\nfunctions:\n  scan:\n    handler: src/index.handler\n    timeout: 300\n",
        "scanner/src/index.ts": HANDLER_BODY.format(name="handler"),
    })
    kinds = {p.entry: (p.kind, p.name) for p in _model(tmp_path).processes}
    assert kinds["scanner/src/index.ts"] == ("cli", "scanner (lambda)")
    assert kinds["server/src/index.js"][0] == "server"
    server, lam = _server_and_lambda_findings(tmp_path, "scanner/src/index.ts")
    assert server == {("CL006", "server/src/index.js")} and lam == set()


def test_sam_template_names_handlers_below_code_uri(tmp_path: Path) -> None:
    """The onboarding service's backend/api/api.template.yml: `Handler:
    src/handlers/dynamodb/get-user.getUserHandler` under an `AWS::Serverless::Function`."""
    _lambda_project(tmp_path, {
        "backend/api/package.json": LAMBDA_PACKAGE.format(name="backend-api", scripts='{"compile": "tsc"}', deps=""),
        "backend/api/api.template.yml": ("Resources:\n  GetUser:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                                         "      CodeUri: .\n      Handler: src/handlers/get-user.getUserHandler\n"),
        "backend/api/src/handlers/get-user.ts": HANDLER_BODY.format(name="getUserHandler"),
    })
    _, lam = _server_and_lambda_findings(tmp_path, "backend/api/src/handlers/get-user.ts")
    assert lam == set()
    kinds = {p.entry: p.kind for p in _model(tmp_path).processes}
    assert kinds["backend/api/src/handlers/get-user.ts"] == "cli"


def test_terraform_in_a_folder_above_names_the_handler(tmp_path: Path) -> None:
    """Wellcome Collection's cache/ip_updater_github_actions.tf: `handler = "github-actions.handler"`
    for cache/ip-updaters/github-actions.js (`exports.handler = …`)."""
    _lambda_project(tmp_path, {
        "cache/lambda.tf": ('module "updater" {\n  source = "./modules/lambda"\n  handler = "github-actions.handler"\n'
                            '  runtime = "nodejs22.x"\n}\n'),
        "cache/ip-updaters/package.json": '{"name": "ip-updaters", "private": true, "scripts": {"test": "node --test"}}',
        "cache/ip-updaters/github-actions.js": ("exports.handler = async () => {\n  const r = await fetch('https://api.github.com/meta')\n"
                                                "  return r.json()\n}\n"),
    })
    _, lam = _server_and_lambda_findings(tmp_path, "cache/ip-updaters/github-actions.js")
    assert lam == set()


@pytest.mark.parametrize("image", [
    'FROM public.ecr.aws/lambda/nodejs:20\nCOPY . .\nCMD ["build/index.handler"]\n',
    'FROM node:20\nADD aws-lambda-rie /usr/bin/aws-lambda-rie\nENTRYPOINT ["sh", "entry.sh", "build/index.handler"]\n',
])
def test_a_lambda_image_command_names_the_handler(tmp_path: Path, image: str) -> None:
    """A Lambda container image: AWS's base image with `CMD ["index.handler"]`, or FormSG's virus
    scanner, which starts the runtime interface client/emulator itself (`entry.sh build/index.handler`);
    `build/index` is src/index.ts's output."""
    _lambda_project(tmp_path, {
        "scanner/package.json": LAMBDA_PACKAGE.format(name="scanner", scripts='{"build": "tsc"}', deps=""),
        "scanner/Dockerfile": image,
        "scanner/src/index.ts": HANDLER_BODY.format(name="handler"),
    })
    _, lam = _server_and_lambda_findings(tmp_path, "scanner/src/index.ts")
    assert lam == set()


def test_deploy_scripts_make_an_exported_handler_a_lambda(tmp_path: Path) -> None:
    """FormSG's functions/form-payment-reconciliation: `lambda:update:prod` zips index.js and runs
    `aws lambda update-function-code`; neither script starts index.js (`zip … index.js src` names it
    as the archive's content), and `exports.handler = main` is what Lambda calls."""
    scripts = ('{"lambda:prep": "npm install --omit=dev && zip -r dist/function.zip index.js src package.json node_modules", '
               '"lambda:push:prod": "aws lambda update-function-code --function-name prod-fn --zip-file fileb://dist/function.zip", '
               '"lambda:update:prod": "npm run lambda:prep && npm run lambda:push:prod"}')
    _lambda_project(tmp_path, {
        "functions/recon/package.json": LAMBDA_PACKAGE.format(name="recon", scripts=scripts, deps="").replace('"name"', '"main": "index.js", "name"'),
        "functions/recon/index.js": ("const { S3Client } = require('@aws-sdk/client-s3')\nconst s3 = new S3Client({})\n"
                                     "async function main(event) {\n  const r = await fetch('https://api.stripe.com/x')\n"
                                     "  await s3.send(event)\n  return r.status\n}\nexports.handler = main\n"),
    })
    model = _model(tmp_path)
    assert not any("scripts.lambda:update" in e or "scripts.lambda:prep" in e for p in model.processes for e in p.evidence)
    kinds = {p.entry: (p.kind, p.name) for p in model.processes}
    assert kinds["functions/recon/index.js"] == ("cli", "recon (lambda)")
    _, lam = _server_and_lambda_findings(tmp_path, "functions/recon/index.js")
    assert lam == set()


def test_the_runtime_interface_client_dependency_marks_a_lambda_package(tmp_path: Path) -> None:
    _lambda_project(tmp_path, {
        "scanner/package.json": LAMBDA_PACKAGE.format(name="scanner", scripts='{"build": "tsc"}', deps=', "aws-lambda-ric": "^2.1.0"'),
        "scanner/src/index.ts": HANDLER_BODY.format(name="handler"),
    })
    _, lam = _server_and_lambda_findings(tmp_path, "scanner/src/index.ts")
    assert lam == set()


@pytest.mark.parametrize("files", [
    # no Lambda setting, deploy script or runtime client: a module nothing imports, judged by its path
    {"scanner/package.json": LAMBDA_PACKAGE.format(name="scanner", scripts='{"build": "tsc"}', deps=""),
     "scanner/src/index.ts": HANDLER_BODY.format(name="handler")},
    # a serverless.yml naming another module's handler: this one is not the Lambda's
    {"scanner/package.json": LAMBDA_PACKAGE.format(name="scanner", scripts='{"build": "tsc"}', deps=""),
     "scanner/serverless.yml": "functions:\n  scan:\n    handler: src/other.handler\n",
     "scanner/src/index.ts": HANDLER_BODY.format(name="handler")},
    # the setting names the module but another export
    {"scanner/package.json": LAMBDA_PACKAGE.format(name="scanner", scripts='{"build": "tsc"}', deps=""),
     "scanner/serverless.yml": "functions:\n  scan:\n    handler: src/index.main\n",
     "scanner/src/index.ts": HANDLER_BODY.format(name="handler")},
    # a deploy script, but the module exports no `handler`
    {"scanner/package.json": LAMBDA_PACKAGE.format(name="scanner", scripts='{"deploy": "sls deploy"}', deps=""),
     "scanner/src/index.ts": HANDLER_BODY.format(name="scan")},
])
def test_near_misses_stay_judged_by_path(tmp_path: Path, files: dict[str, str]) -> None:
    _lambda_project(tmp_path, files)
    server, lam = _server_and_lambda_findings(tmp_path, "scanner/src/index.ts")
    assert ("CL006", "scanner/src/index.ts") in lam and server == {("CL006", "server/src/index.js")}


def test_a_server_in_a_package_with_a_lambda_setting_stays_a_server(tmp_path: Path) -> None:
    """A package whose start command runs its server keeps it, though a serverless.yml beside it
    names a handler module of the package."""
    _write(tmp_path, {
        "package.json": '{"name": "api", "scripts": {"start": "node src/index.js"}, "dependencies": {"express": "^4.19.0", "@aws-sdk/client-s3": "^3.0.0"}}',
        "serverless.yml": "functions:\n  cron:\n    handler: src/cron.handler\n",
        "src/index.js": SERVER["server/src/index.js"],
        "src/cron.js": "exports.handler = async () => fetch('https://api.example/tick')\n",
    })
    kinds = {p.entry: p.kind for p in _model(tmp_path).processes}
    assert kinds["src/index.js"] == "server"
    assert ("CL006", "src/index.js") in _found(tmp_path, select=["CL006"])


@pytest.mark.parametrize("command", [
    "esbuild src/server.ts --bundle --platform=node --outfile=dist/server.js",
    "tsc src/server.ts --outDir dist",
    "zip -r dist/bundle.zip src/server.ts",
])
def test_a_script_that_only_builds_or_archives_starts_nothing(tmp_path: Path, command: str) -> None:
    """A `:prod` script whose command hands the source to a bundler, compiler or archiver runs none
    of it (FormSG's `lambda:update:prod` was taken for a start script through `zip … index.js`)."""
    _write(tmp_path, {
        "package.json": '{"name": "tool", "scripts": {"bundle:prod": "' + command + '"}, "dependencies": {"express": "^4.19.0"}}',
        "src/server.ts": "import express from 'express'\nconst app = express()\napp.listen(3000)\n",
    })
    model = _model(tmp_path)
    assert not any("scripts.bundle:prod" in e for p in model.processes for e in p.evidence)


def test_a_start_script_through_node_still_starts(tmp_path: Path) -> None:
    """The near miss: `npx tsc && node dist/server.js` builds, then starts the server."""
    _write(tmp_path, {
        "package.json": '{"name": "svc", "scripts": {"start:prod": "npx tsc && node src/server.js"}, "dependencies": {"express": "^4.19.0"}}',
        "src/server.js": "const express = require('express')\nconst app = express()\napp.listen(3000)\n",
    })
    kinds = {p.entry: p.kind for p in _model(tmp_path).processes}
    assert kinds["src/server.js"] == "server"


MIGRATE = ("import path from 'path'\nimport { Pool } from 'pg'\nimport { migrate } from 'postgres-migrations'\n"
           "const pool = new Pool({ connectionString: process.env.DATABASE_URL })\n"
           "migrate({ client: pool }, path.join(__dirname, 'migrations')).finally(() => pool.end())\n")


@pytest.mark.parametrize("where", ["libs/prisma/src/migrate/index.ts", "libs/prisma/src/migrate.ts", "libs/prisma/src/db-seed.ts"])
def test_a_migration_script_nothing_runs_is_no_server(tmp_path: Path, where: str) -> None:
    """trackdechets' libs/back/prisma/src/migrate/index.ts: a one-shot postgres-migrations script no
    Procfile or start command runs (CL011 and CL009 were reported on its pool, a server by path)."""
    _write(tmp_path, {
        "libs/prisma/package.json": '{"name": "prisma-lib", "dependencies": {"pg": "^8.0.0", "postgres-migrations": "^5.0.0"}}',
        where: MIGRATE,
    })
    assert not {f for f in _found(tmp_path, select=["CL009", "CL011"]) if f[1] == where}
    kinds = {e: p.kind for p in _model(tmp_path).processes for e in p.entries}
    assert kinds[where] == "cli"


def test_a_module_beside_migrations_stays_judged_by_path(tmp_path: Path) -> None:
    """The near miss: the same pool in `src/pool.ts`, whose name says nothing of migrating."""
    _write(tmp_path, {
        "libs/prisma/package.json": '{"name": "prisma-lib", "dependencies": {"pg": "^8.0.0", "postgres-migrations": "^5.0.0"}}',
        "libs/prisma/src/pool.ts": MIGRATE,
    })
    assert {f for f in _found(tmp_path, select=["CL009", "CL011"]) if f[1] == "libs/prisma/src/pool.ts"}
