"""Production entry points named by a build step or a non-`start` script, and serverless apps
(issue 14; reviewer 9's TypeScript lessons 2 and 8, on jitsu's console and ee-api and langwatch's
platform app). Each test writes a small project and asks the process model or runs a scan.
"""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model, scan
from helpers import write_project as _write


def _model(root: Path):
    _, model, _ = process_model([str(root)])
    return model


def _servers(root: Path) -> dict[str, list[str]]:
    return {p.name: p.entries for p in _model(root).processes if p.long_lived}


FETCH_ROUTE = ('export default async function handler(req: any, res: any) {\n'
               '  const r = await fetch("https://catalog.example/x");\n  res.json(await r.json());\n}\n')


def test_next_start_under_any_script_name_is_the_apps_server(tmp_path: Path) -> None:
    """jitsu's console: `console:start: next start` is its Next.js server (was: one CLI per route);
    `e2e:serve: next start` stays a test's server, not the service."""
    _write(tmp_path, {
        "webapps/console/package.json": '{"name": "@acme/console", "scripts": {"console:dev": "next dev", "console:start": "next start"},'
                                        ' "dependencies": {"next": "^14"}}',
        "webapps/console/pages/api/admin/catalog-refresh.ts": FETCH_ROUTE,
        "webapps/console/pages/api/health.ts": 'export default function handler(req: any, res: any) { res.json({ ok: true }); }\n',
        "webapps/preview/package.json": '{"name": "preview", "scripts": {"e2e:serve": "next start"}, "dependencies": {"next": "^14"}}',
        "webapps/preview/pages/api/ping.ts": FETCH_ROUTE,
    })
    servers = _servers(tmp_path)
    assert list(servers) == ["console"]
    assert set(servers["console"]) == {"webapps/console/pages/api/admin/catalog-refresh.ts", "webapps/console/pages/api/health.ts"}
    found = scan([str(tmp_path)], select=["CL008"]).findings
    assert [(f.location.path, f.process[0]) for f in found] == [("webapps/console/pages/api/admin/catalog-refresh.ts", "console")]


def test_a_bundled_server_is_its_build_scripts_entry(tmp_path: Path) -> None:
    """langwatch's platform app: `start:app: node dist/server/server.cjs` is `src/server.mts`, which
    `scripts/build-server.mjs` bundles (`{ name: "server", entry: "src/server.mts" }`), and
    `start:workers` is `src/workers.ts`; their `:dev` twins are the same programs, never CLIs."""
    _write(tmp_path, {
        "app/package.json": '{"name": "app", "scripts": {"build:server": "node scripts/build-server.mjs",'
                            ' "start:app": "node --enable-source-maps dist/server/server.cjs", "start:app:dev": "tsx src/server.mts",'
                            ' "start:workers": "node dist/server/workers.cjs", "start:workers:dev": "tsx src/workers.ts"},'
                            ' "dependencies": {"hono": "^4", "@hono/node-server": "^1", "esbuild": "^0.20"}}',
        "app/scripts/build-server.mjs": 'import { build } from "esbuild";\nconst ENTRIES = [\n  { name: "server", entry: "src/server.mts" },\n'
                                        '  { name: "workers", entry: "src/workers.ts" },\n];\n'
                                        'for (const { name, entry } of ENTRIES) {\n  await build({ entryPoints: [entry], outfile: `dist/server/${name}.cjs` });\n}\n',
        "app/src/server.mts": 'import { serve } from "@hono/node-server";\nimport { app } from "./routes";\nserve({ fetch: app.fetch, port: 3000 });\n',
        "app/src/routes.ts": 'export const app = { fetch: async () => { await fetch("https://health.example/x"); return new Response("ok"); } };\n',
        "app/src/workers.ts": 'import { usage } from "./usage";\nsetInterval(usage, 60_000);\n',
        "app/src/usage.ts": 'export async function usage() { await fetch("https://stats.example/usage"); }\n',
    })
    model = _model(tmp_path)
    kinds = {p.name: (p.kind, p.entries) for p in model.processes if p.entries and p.entries[0].startswith("app/src/")}
    assert kinds == {"app": ("server", ["app/src/server.mts"]), "app:workers": ("worker", ["app/src/workers.ts"])}
    assert not [p for p in model.processes if p.kind == "cli" and p.name.startswith("start:")]
    found = {(f.location.path, f.process[0]) for f in scan([str(tmp_path)], select=["CL008"]).findings}
    assert found == {("app/src/routes.ts", "app"), ("app/src/usage.ts", "app:workers")}


def test_a_start_script_whose_build_is_unknown_runs_its_dev_twins_source(tmp_path: Path) -> None:
    """No build map names `dist/main.cjs`: `start:api:dev: tsx src/api.ts` names the same program."""
    _write(tmp_path, {
        "package.json": '{"name": "svc", "scripts": {"start:api": "node dist/main.cjs", "start:api:dev": "tsx src/api.ts"},'
                        ' "dependencies": {"express": "^4"}}',
        "src/api.ts": 'import express from "express";\nconst app = express();\napp.get("/", async (_req, res) => { res.json(await (await fetch("https://x.example")).json()); });\napp.listen(3000);\n',
    })
    model = _model(tmp_path)
    servers = [p for p in model.processes if p.long_lived]
    assert [(p.name, p.entries, p.started) for p in servers] == [("svc", ["src/api.ts"], True)]
    assert "start:api:dev" in servers[0].evidence[0]


def test_a_next_standalone_server_with_no_routes_runs_no_project_code(tmp_path: Path) -> None:
    """briefer's web: a Next.js app with `output: "standalone"` started as `node server.js` from its
    Docker start script, and no API route: its hooks and fetchers are browser code, not a server's
    judged by their paths."""
    _write(tmp_path, {
        "apps/web/package.json": '{"name": "web", "scripts": {"dev": "next dev", "build": "next build", "start": "node dist/server.js"},'
                                 ' "dependencies": {"next": "^14", "react": "^18"}}',
        "apps/web/Dockerfile": 'FROM node:20\nCOPY .next/standalone ./\nCMD ./apps/web/start.sh\n',
        "apps/web/start.sh": '#!/bin/sh\nSCRIPT_DIR=$(dirname $0)\nHOSTNAME=0.0.0.0 PORT=4000 node $SCRIPT_DIR/server.js\n',
        "apps/web/next.config.js": 'module.exports = { output: "standalone" };\n',
        "apps/web/src/utils/fetcher.ts": 'export const fetcher = (url: string) => fetch(url, { credentials: "include" }).then((r) => r.json());\n',
        "apps/web/src/hooks/useAuth.ts": 'export async function signUp(email: string) {\n  await fetch("/auth/sign-up", { method: "POST", body: email });\n}\n',
        "apps/web/src/pages/index.tsx": 'import { fetcher } from "../utils/fetcher";\nexport default function Home() { return <main>{String(fetcher)}</main>; }\n',
    })
    assert _servers(tmp_path) == {}
    assert scan([str(tmp_path)], select=["CL008"]).findings == []


def test_a_next_app_on_vercel_runs_serverless_functions(tmp_path: Path) -> None:
    """jitsu's ee-api: a Next.js app with `vercel.json` and no container or custom server. A pool's
    connection timeout (CL009) and an AWS client's sockets (CL006) are no long-lived process's; a
    fetch with no timeout (CL008) still holds the function until the platform stops it."""
    files = {
        "webapps/ee-api/package.json": '{"name": "ee-api", "scripts": {"ee-api:dev": "next dev -p 3001", "build": "next build"},'
                                       ' "dependencies": {"next": "^14", "pg": "^8", "@aws-sdk/client-s3": "^3"}}',
        "webapps/ee-api/vercel.json": '{"crons": [{"path": "/api/billing/export", "schedule": "*/5 * * * *"}]}',
        "webapps/ee-api/lib/store.ts": 'import { Pool } from "pg";\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n',
        "webapps/ee-api/lib/services.ts": 'import { S3Client } from "@aws-sdk/client-s3";\nexport const s3 = new S3Client({ region: "us-east-1" });\n',
        "webapps/ee-api/pages/api/billing/export.ts": 'import { pool } from "../../../lib/store";\nimport { s3 } from "../../../lib/services";\n'
                                                      'export default async function handler(req: any, res: any) {\n'
                                                      '  const r = await fetch("https://billing.example/x");\n'
                                                      '  res.json({ rows: (await pool.query("select 1")).rows, s3: String(s3), r: await r.json() });\n}\n',
    }
    _write(tmp_path, files)
    (server,) = [p for p in _model(tmp_path).processes if p.long_lived]
    assert server.serverless and any("vercel.json" in e for e in server.evidence)
    found = {(f.rule_id, f.location.path) for f in scan([str(tmp_path)], select=["CL006", "CL008", "CL009"]).findings}
    assert found == {("CL008", "webapps/ee-api/pages/api/billing/export.ts")}
    # the same app run in a container is a long-lived server: every finding holds
    _write(tmp_path, {"webapps/ee-api/Dockerfile": 'FROM node:20\nCMD ["npx", "next", "start"]\n'})
    assert not any(p.serverless for p in _model(tmp_path).processes)
    found = {f.rule_id for f in scan([str(tmp_path)], select=["CL006", "CL008", "CL009"]).findings}
    assert found == {"CL006", "CL008", "CL009"}


LISTENED_CLIENT = {
    "package.json": '{"name": "forum", "scripts": {"start": "node dist/index.js"}, "dependencies": {"express": "^4.19.2", "ioredis": "^5.4.1"}}',
    "src/redis.ts": 'import Redis from "ioredis";\nexport const client = new Redis({ host: "redis" });\n'
                    'client.on("error", (err) => console.error(err));\n',
    "src/index.ts": 'import express from "express";\nimport { client } from "./redis";\nconst app = express();\n'
                    'app.get("/", async (req, res) => { try { res.send(await client.get("x")); } catch { res.sendStatus(500); } });\n'
                    'app.get("/health", (req, res) => res.send("ok"));\napp.listen(3000);\n',
}


def test_never_closed_alone_in_a_process_with_no_signal_handler_is_only_in_the_fix(tmp_path: Path) -> None:
    """nodeclub, talk (reviewer 9's lesson 7): a client with an `'error'` listener whose one problem is
    that no SIGTERM handler closes it, in a process with no handler at all, is no finding of its own
    (SIGTERM ends that process at once: no socket keeps it alive); CL012's shutdown fix still closes it."""
    from helpers import run_cli

    _write(tmp_path, LISTENED_CLIENT)
    found = {(f.rule_id, f.location.path) for f in scan([str(tmp_path)], select=["CL001", "CL012"]).findings}
    assert found == {("CL012", "src/index.ts")}
    code, out, err = run_cli("scan", str(tmp_path), "--fix", "--unsafe-fixes", "--no-cache", "--select", "CL001,CL012")
    app = (tmp_path / "src" / "index.ts").read_text()
    assert 'process.on("SIGTERM"' in app and "client.quit()" in app, app
    # with a SIGTERM handler that neither closes it nor exits, the client is a finding again
    _write(tmp_path, {**LISTENED_CLIENT, "src/index.ts": LISTENED_CLIENT["src/index.ts"] + 'process.on("SIGTERM", () => console.log("stopping"));\n'})
    found = {(f.rule_id, f.location.path) for f in scan([str(tmp_path)], select=["CL001"]).findings}
    assert found == {("CL001", "src/redis.ts")}
    # a handler that ends the process itself (kuzzle, mx-space: drain, then process.exit) leaves no
    # socket to keep it alive: no finding of its own again
    _write(tmp_path, {**LISTENED_CLIENT, "src/index.ts": LISTENED_CLIENT["src/index.ts"] + 'process.on("SIGTERM", () => process.exit(0));\n'})
    found = {(f.rule_id, f.location.path) for f in scan([str(tmp_path)], select=["CL001"]).findings}
    assert found == set()


def test_a_carrier_whose_own_subjects_cannot_all_be_closed_still_closes_the_client(tmp_path: Path) -> None:
    """shortify: the worker's ioredis connection (no SIGTERM handler anywhere) rides on CL002, whose
    queue lives in a module the worker's file does not import: the fix closes the worker and the
    client, and the CL002 finding is partly fixed."""
    from helpers import run_cli

    _write(tmp_path, {
        "package.json": '{"name": "svc", "scripts": {"start": "node dist/worker.js"}, "dependencies": {"bullmq": "^5", "ioredis": "^5"}}',
        "src/worker.ts": 'import { Worker } from "bullmq";\nimport IORedis from "ioredis";\nimport "./jobs";\n\n'
                         'const connection = new IORedis({ maxRetriesPerRequest: null });\n\n'
                         'const worker = new Worker("url", async (job) => { console.log(job.data); }, { connection });\n'
                         'worker.on("error", console.error);\nworker.on("failed", console.error);\n',
        "src/jobs.ts": 'import { myQueue } from "./queue";\nexport const enqueue = (url: string) => myQueue.add("url", { url });\n',
        "src/queue.ts": 'import { Queue } from "bullmq";\nexport const myQueue = new Queue("url", { connection: { host: "redis" } });\n'
                        'myQueue.on("error", console.error);\n',
    })
    found = {(f.rule_id, f.subject) for f in scan([str(tmp_path)], select=["CL001", "CL002"]).findings}
    assert found == {("CL002", "worker, myQueue")}
    code, out, err = run_cli("scan", str(tmp_path), "--fix", "--unsafe-fixes", "--no-cache", "--select", "CL001,CL002")
    worker = (tmp_path / "src" / "worker.ts").read_text()
    assert "await worker.close();" in worker and "await connection.quit();" in worker, worker
    assert "part of 1 more" in err, err
